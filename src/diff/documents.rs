//! The documents of one file on each side of a change, and which document of OLD is compared
//! with which of NEW: by address (`alicloud_ram_policy.p`, `local.x`), or, for a file that
//! holds one document without a name, that one with the other side's one. Anything else that
//! could be matched in more than one way is refused, never guessed.

use std::collections::BTreeSet;
use std::sync::Arc;

use crate::config::Config;
use crate::eval::CompiledPolicy;
use crate::inputs::evaluable::{self, LoadError};
use crate::inputs::policy_file::{Content, Document, PolicyFile};
use crate::inputs::selection::{self, Held};
use crate::lint::FileReport;
use crate::policy::PolicyKind;
use crate::rules::Finding;
use crate::source::SourceFile;

/// Why a file is not compared.
#[derive(Debug)]
pub enum Refusal {
    /// The linter finds it broken or ambiguous (rendered as `lint` renders them).
    Findings(FileReport),
    Message(String),
}

impl Refusal {
    /// One line for the user (the findings are rendered separately).
    pub fn message(&self) -> String {
        match self {
            Self::Findings(report) => LoadError::Refused(FileReport {
                source: report.source.clone(),
                findings: report.findings.clone(),
            })
            .message(),
            Self::Message(message) => message.clone(),
        }
    }
}

/// One policy document of a side, with its name in the file when the file names it.
#[derive(Debug)]
pub struct SideDocument {
    pub address: Option<String>,
    pub policy: CompiledPolicy,
}

/// What one side of a file holds.
#[derive(Debug)]
pub enum Side {
    /// No file, or plainly not a policy (`package.json`).
    Nothing,
    /// A file that looks like a policy but is not one ramguard reads (why).
    Unrecognised(String),
    /// Its permission documents, and what was left out.
    Documents(Documents),
}

impl Side {
    /// The documents compared and left out (none, for a side that holds no policy).
    pub fn into_documents(self) -> Documents {
        match self {
            Self::Documents(documents) => documents,
            Self::Nothing | Self::Unrecognised(_) => Documents::default(),
        }
    }
}

/// The documents of a side that are compared, and those that are not.
#[derive(Debug, Default)]
pub struct Documents {
    pub compared: Vec<SideDocument>,
    /// What was left out, said (trust policies, documents only Terraform knows).
    pub left_out: Vec<String>,
    /// The addresses whose document only Terraform knows (`None`: the document picked by
    /// `FILE#ADDRESS`, compared unnamed): the other side's document of the same address was not
    /// removed (or added), it is not known.
    pub unknown: BTreeSet<Option<String>>,
}

/// Read one side of a file as `lint` reads it (JSON or Terraform by the name's extension; the
/// name is how statements are shown: `HEAD:policies/ops.json`); refused when the linter finds
/// an error, or when its documents cannot be told apart. With `picked` (`FILE#ADDRESS`), only
/// that document, unnamed so that the two sides' picks are compared with each other whatever
/// their addresses; the findings of the file's other documents refuse nothing then.
pub fn read_side(name: &str, bytes: Vec<u8>, picked: Option<&str>, config: &Config) -> Result<Side, Refusal> {
    // Where each address stands, found (a second parse) only for a file that needs it: a pick,
    // or a document only Terraform knows.
    let file = crate::inputs::read_policy_file(name.to_string(), bytes.clone());
    let regions = || selection::regions(name, &bytes);
    match &file.content {
        Content::NotPolicy(_) => return Ok(Side::Nothing),
        Content::Unrecognised(unrecognised) => return Ok(Side::Unrecognised(unrecognised.message.clone())),
        Content::Documents(_) | Content::Unparsed => {}
    }
    let refusal = |error: LoadError| match error {
        LoadError::Refused(report) => Err(Refusal::Findings(report)),
        LoadError::NotAPolicy { .. } => Ok(Side::Nothing),
        other => Err(Refusal::Message(other.message())),
    };
    if let Some(wanted) = picked {
        let (address, selected) = match evaluable::checked_documents_at(name, &file, regions(), wanted, config) {
            Ok(found) => found,
            Err(error) => return refusal(error),
        };
        let shown = format!("{name}#{address}");
        let mut out = compared(&shown, &file, &selected.documents, |_| None)?;
        if let Some(unknown) = &selected.unknown {
            out.left_out.push(not_compared(&shown, unknown));
            out.unknown.insert(None);
        }
        return Ok(Side::Documents(out));
    }
    let documents: Vec<&Document> = match evaluable::checked_documents(name, &file, config) {
        Ok(documents) => documents.iter().collect(),
        Err(error) => return refusal(error),
    };
    let unnamed = documents.iter().filter(|d| d.address().is_none()).count();
    if unnamed > 0 && documents.len() > 1 {
        return Err(Refusal::Message(format!(
            "{name}: the file carries several policy documents, {unnamed} of them without a name (a `ListPolicyVersions` response?): which to compare with which cannot be told; pass the one in force, e.g. a `GetPolicy` response"
        )));
    }
    let mut out = compared(name, &file, &documents, |d| d.address().map(str::to_string))?;
    // A document only Terraform knows (a plan's `after_unknown`, a `.tf` value that cannot be
    // read around its unknowns) is no document, only a finding: said, never silently equal.
    let unknown = |f: &Finding| std::ptr::eq(f.rule, &crate::rules::terraform_unknown_value::RULE);
    let regions = if file.findings.iter().any(unknown) {
        regions()
    } else {
        Vec::new()
    };
    for (finding, address) in Held::new(&file, regions).unknowns_by_address() {
        out.left_out.push(not_compared(name, finding));
        if let Some(address) = address {
            out.unknown.insert(Some(address.to_string()));
        }
    }
    Ok(Side::Documents(out))
}

/// The note for a document only Terraform knows (its `terraform-unknown-value` finding).
fn not_compared(name: &str, unknown: &Finding) -> String {
    let what = unknown.message.trim_end_matches(": it was not linted");
    format!("{name}: {what}: not compared")
}

/// The permission documents among `documents`, compiled, each named by `address_of`; trust
/// policies left out (said). Two documents of one name are refused.
fn compared(
    name: &str,
    file: &PolicyFile,
    documents: &[&Document],
    address_of: impl Fn(&Document) -> Option<String>,
) -> Result<Documents, Refusal> {
    let mut seen = BTreeSet::new();
    let mut out = Documents::default();
    for document in documents {
        let address = address_of(document);
        if let Some(address) = &address
            && !seen.insert(address.clone())
        {
            return Err(Refusal::Message(format!(
                "{name}: two documents are named `{address}`: which to compare with which cannot be told"
            )));
        }
        let policy = document.policy();
        if policy.kind == PolicyKind::Trust {
            out.left_out.push(format!(
                "{name}{}: a trust policy (who may assume a role) is not compared",
                address.as_ref().map(|a| format!(" `{a}`")).unwrap_or_default()
            ));
            continue;
        }
        out.compared.push(SideDocument {
            address,
            policy: CompiledPolicy::new(file.source.clone(), &policy),
        });
    }
    Ok(out)
}

/// A policy with no statement: the side of a file that is not there (everything is denied).
pub fn nothing(name: &str) -> CompiledPolicy {
    CompiledPolicy {
        source: Arc::new(SourceFile::new(name, "")),
        statements: Vec::new(),
    }
}

/// One document compared: its address, and the policy on each side (`None`: absent there).
#[derive(Debug)]
pub struct Pair {
    pub address: Option<String>,
    pub old: Option<CompiledPolicy>,
    pub new: Option<CompiledPolicy>,
}

/// Match the documents of the two sides by address (a document without one matches the other
/// side's document without one: `read_side` lets one through only in a one-document file). In
/// NEW's order, then the documents only OLD has.
pub fn pair(old: Vec<SideDocument>, new: Vec<SideDocument>) -> Vec<Pair> {
    let mut old: Vec<Option<SideDocument>> = old.into_iter().map(Some).collect();
    let mut pairs = Vec::new();
    for document in new {
        let matching = old
            .iter_mut()
            .find(|o| o.as_ref().is_some_and(|o| o.address == document.address))
            .and_then(Option::take);
        pairs.push(Pair {
            address: document.address,
            old: matching.map(|o| o.policy),
            new: Some(document.policy),
        });
    }
    for document in old.into_iter().flatten() {
        pairs.push(Pair {
            address: document.address,
            old: Some(document.policy),
            new: None,
        });
    }
    pairs
}
