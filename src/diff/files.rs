//! Files compared: `diff OLD NEW` (two files), and `diff --base REV [PATH]...` (every policy
//! file that changed since REV, found as `lint` walks: the same kinds of file, hidden paths
//! skipped). A file git reports changed is compared whatever `.gitignore` says; one that
//! `ramguard.toml`'s `[[ignore]]` skips is said as not compared. Files git reports unchanged
//! are not read, except `.tf` files, searched for the changed files they read with `file()` /
//! `templatefile()`: such a file is compared as a file of its own, as `lint` lints it, or said
//! as not compared when it holds no document (a list of ARNs). A changed Terraform variables
//! file is said as not compared: the documents its values feed are unknown to diff; so is a
//! changed `.tf` file whose variable defaults or locals a document of its folder uses.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::checks::{Checks, DocumentReport, Failed};
use super::documents::{self, Refusal, Side};
use super::git::{self, Repo, Status};
use crate::catalog::Catalog;
use crate::config::{self, Config};
use crate::inputs::policy_file::Content;

/// What a run compared, what failed, and what it could not compare.
#[derive(Debug, Default)]
pub struct Outcome {
    pub documents: Vec<DocumentReport>,
    pub failed: Vec<Failed>,
    /// A check found nothing over a comparison that was not exhaustive.
    pub uncertain: bool,
    /// Files refused (the run exits 2): NEW broken or ambiguous.
    pub refused: Vec<Refusal>,
}

impl Outcome {
    fn merge(&mut self, other: Self) {
        self.documents.extend(other.documents);
        self.failed.extend(other.failed);
        self.uncertain |= other.uncertain;
        self.refused.extend(other.refused);
    }

    /// 2 when a file was refused, 1 when a check failed, 3 when none failed but one was not
    /// exhaustive, 0 otherwise.
    pub fn exit_code(&self) -> u8 {
        if !self.refused.is_empty() {
            2
        } else if !self.failed.is_empty() {
            1
        } else if self.uncertain {
            3
        } else {
            0
        }
    }
}

/// One side of a file: its name as shown (`HEAD:policies/ops.json`), and its bytes.
#[derive(Debug)]
pub struct Version {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// One file's change.
#[derive(Debug)]
pub struct FileChange {
    /// The file's path, as shown.
    pub file: String,
    pub old: Option<Version>,
    pub new: Option<Version>,
    /// NEW as the report names it (`policies/ops.json (staged)`).
    pub new_shown: Option<String>,
    /// OLD may be refused (two files named by the user); otherwise an OLD that cannot be read
    /// is compared as nothing, and said.
    pub strict_old: bool,
    /// Named on the command line: a file that looks like a policy without being one is refused
    /// rather than skipped.
    pub named: bool,
    /// Said of every document of the file (an OLD not compared as it stood).
    pub notes: Vec<String>,
    /// `FILE#ADDRESS` of `diff OLD NEW`: the one document of each side to compare.
    pub picked: [Option<String>; 2],
}

/// The status of a document that is said in notes but not compared.
pub const NOT_COMPARED: &str = "not-compared";

/// Compare the documents of one file's two sides and run the checks on them.
pub fn compare_file(change: FileChange, config: &Config, catalog: &Catalog, checks: &Checks) -> Outcome {
    let mut outcome = Outcome::default();
    let mut notes = change.notes;
    let old_side = match &change.old {
        None => Side::Nothing,
        Some(old) => match documents::read_side(&old.name, old.bytes.clone(), change.picked[0].as_deref(), config) {
            Ok(Side::Unrecognised(why)) if change.strict_old => {
                outcome.refused.push(Refusal::Message(format!("{}: {why}", old.name)));
                return outcome;
            }
            Ok(Side::Unrecognised(why)) => {
                notes.push(compared_as_nothing(&old.name, &why));
                Side::Nothing
            }
            Ok(side) => side,
            Err(refusal) if change.strict_old => {
                outcome.refused.push(refusal);
                return outcome;
            }
            Err(refusal) => {
                notes.push(compared_as_nothing(&old.name, &refusal.message()));
                Side::Nothing
            }
        },
    };
    let documents::Documents {
        compared: old_documents,
        left_out: old_left_out,
        unknown: old_unknown,
    } = old_side.into_documents();
    let new_side = match &change.new {
        None => Side::Nothing,
        Some(new) => match documents::read_side(&new.name, new.bytes.clone(), change.picked[1].as_deref(), config) {
            Ok(Side::Unrecognised(why)) if change.named || !old_documents.is_empty() => {
                outcome.refused.push(Refusal::Message(format!("{}: {why}", new.name)));
                return outcome;
            }
            // Found in a walk and a policy on neither side: skipped, as `lint` skips it.
            Ok(Side::Unrecognised(_)) => Side::Nothing,
            Ok(side) => side,
            Err(refusal) => {
                outcome.refused.push(refusal);
                return outcome;
            }
        },
    };
    let documents::Documents {
        compared: new_documents,
        left_out: new_left_out,
        unknown: new_unknown,
    } = new_side.into_documents();
    notes.extend(old_left_out);
    notes.extend(new_left_out);
    let old_name = change.old.as_ref().map(|v| v.name.clone());
    let new_name = change.new.as_ref().map(|v| v.name.clone());
    let unknowns = [change.old.as_ref(), change.new.as_ref()].map(|v| v.map(unknowns_by_address).unwrap_or_default());
    let multiplicities =
        [change.old.as_ref(), change.new.as_ref()].map(|v| v.map(multiplicities_by_address).unwrap_or_default());
    let values_differ = differing_values(change.old.as_ref(), change.new.as_ref());
    notes.extend(attachments_differ(change.old.as_ref(), change.new.as_ref()));
    notes.extend(override_file(&change.file));
    let pairs = documents::pair(old_documents, new_documents);
    if pairs.is_empty() && notes.is_empty() {
        return outcome;
    }
    // A document said in the notes but not compared (all of them, when none is).
    let said_only = |address: Option<String>| DocumentReport {
        old_file: old_name.clone(),
        file: change.file.clone(),
        new_file: change.new_shown.clone(),
        address,
        status: NOT_COMPARED,
        new_source: None,
        diff: super::DocumentDiff {
            limits: notes.iter().cloned().collect(),
            ..super::DocumentDiff::default()
        },
    };
    let mut reports = Vec::new();
    if pairs.is_empty() {
        reports.push((said_only(None), None));
    }
    for pair in pairs {
        // One side's document of this address is only known to Terraform: the other side's
        // was not removed or added, and what changed cannot be told (said in the notes).
        let unknown_on_missing_side = match (&pair.old, &pair.new) {
            (None, _) => old_unknown.contains(&pair.address),
            (_, None) => new_unknown.contains(&pair.address),
            _ => false,
        };
        if unknown_on_missing_side {
            reports.push((said_only(pair.address), None));
            continue;
        }
        let status = match (&pair.old, &pair.new) {
            (_, None) => "deleted",
            (None, Some(_)) => "added",
            (Some(_), Some(_)) => "modified",
        };
        let old = pair
            .old
            .unwrap_or_else(|| documents::nothing(old_name.as_deref().unwrap_or(&change.file)));
        let new_policy = pair.new;
        let new = new_policy
            .clone()
            .unwrap_or_else(|| documents::nothing(new_name.as_deref().unwrap_or(&change.file)));
        let mut diff = super::diff(&old, &new, catalog);
        diff.limits.extend(notes.iter().cloned());
        // A provider's `assume_role { policy }` is a session policy: it narrows what the role
        // may do, so what it no longer allows is new access, not lost access.
        if pair.address.as_deref().is_some_and(|a| a.starts_with("provider.")) {
            diff.limits.insert(
                "this is a session policy (the provider's `assume_role { policy }`): it narrows what the role may do, so removing or widening it grants more, which a comparison of grants does not tell; review it by hand".to_string(),
            );
        }
        if status == "modified" {
            diff.limits.extend(unknowns_differ(&pair.address, &unknowns));
        }
        diff.limits.extend(multiplicity_differs(&pair.address, &multiplicities));
        // A value of the file itself that a document may read (`Resource = local.arns`, the
        // local widened): the document reads the same, what it grants does not.
        if !values_differ.is_empty() && unknowns.iter().any(|side| side.contains_key(&pair.address)) {
            let listed: Vec<String> = values_differ.iter().map(|n| format!("`{n}`")).collect();
            diff.limits.insert(format!(
                "{} of the file differ between OLD and NEW, and the document has values only Terraform knows: what they grant is not compared; review it by hand",
                listed.join(", ")
            ));
        }
        reports.push((
            DocumentReport {
                old_file: old_name.clone().filter(|_| status != "added"),
                file: change.file.clone(),
                new_file: change.new_shown.clone().filter(|_| new_policy.is_some()),
                address: pair.address,
                status,
                new_source: new_policy.as_ref().map(|p| p.source.clone()),
                diff,
            },
            new_policy,
        ));
    }
    for (mut report, new_policy) in reports {
        let (failed, uncertain) = checks.check(&mut report, new_policy.as_ref());
        outcome.failed.extend(failed);
        outcome.uncertain |= uncertain;
        outcome.documents.push(report);
    }
    outcome
}

/// For each document of a Terraform side (by address) that holds values only Terraform knows,
/// what they are ([`Unknown`]), in document order. Empty for a file
/// of another kind (their readers make no unknown).
fn unknowns_by_address(version: &Version) -> BTreeMap<Option<String>, Vec<Unknown>> {
    let lower = version.name.to_ascii_lowercase();
    let terraform = [".tf", ".tfvars", ".tf.json", ".tfvars.json", ".tpl"]
        .iter()
        .any(|extension| lower.ends_with(extension));
    if !terraform {
        return BTreeMap::new();
    }
    let file = crate::inputs::read_policy_file(version.name.clone(), version.bytes.clone());
    let Content::Documents(documents) = &file.content else {
        return BTreeMap::new();
    };
    documents
        .iter()
        .filter(|d| d.root.holds_unknown())
        .map(|d| {
            let unknowns = crate::json::unknowns(&d.root)
                .into_iter()
                .map(|(span, what)| Unknown {
                    written: file
                        .source
                        .text
                        .get(span.start..span.end)
                        .unwrap_or_default()
                        .split_whitespace()
                        .collect::<Vec<_>>()
                        .join(" "),
                    what: what.to_string(),
                })
                .collect();
            (d.address().map(str::to_string), unknowns)
        })
        .collect()
}

/// A value only Terraform knows, as written (layout collapsed: what two sides are compared by)
/// and as described for a message (`` the reference `var.arns` ``, cut short: two long names
/// that begin alike are described alike, and once compared alike).
#[derive(Debug, PartialEq)]
struct Unknown {
    written: String,
    what: String,
}

/// What a Terraform file or ROS template attaches ([`crate::inputs::terraform::policy_attachments`],
/// [`crate::inputs::terraform_json::policy_attachments`], [`crate::inputs::ros::policy_attachments`]).
/// Empty for files of other kinds.
fn attachments_of(version: &Version) -> BTreeMap<String, String> {
    let lower = version.name.to_ascii_lowercase();
    let Ok(text) = std::str::from_utf8(&version.bytes) else {
        return BTreeMap::new();
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if let Some(syntax) = Syntax::of(&version.name) {
        return syntax.policy_attachments(text);
    }
    let root = if lower.ends_with(".yaml") || lower.ends_with(".yml") {
        crate::inputs::ros::yaml::parse(text, 0).ok()
    } else if lower.ends_with(".json") {
        crate::json::parse(text).ok()
    } else {
        None
    };
    root.filter(crate::inputs::ros::is_template)
        .map(|root| crate::inputs::ros::policy_attachments(&root))
        .unwrap_or_default()
}

/// The note for a Terraform override file (`override.tf`, `*_override.tf`, and their `.tf.json`
/// forms): Terraform merges it into the blocks of the same name in the module's other files,
/// which `diff` compares file by file. Its removal puts back what it overrode (a `kvstore:*`
/// that it narrowed), which would pass as only "removed".
fn override_file(file: &str) -> Option<String> {
    let name = file.rsplit(['/', '\\']).next().unwrap_or(file).to_ascii_lowercase();
    let stem = name.strip_suffix(".tf").or_else(|| name.strip_suffix(".tf.json"))?;
    (stem == "override" || stem.ends_with("_override")).then(|| {
        format!(
            "`{file}` is a Terraform override file: Terraform merges it into the blocks it names in the module's other files, which are compared file by file; what the module applies is not compared (diff the plans: `terraform show -json`)"
        )
    })
}

/// The notes for a file whose attachments of policies differ between OLD and NEW (`diff`
/// compares documents, not who holds them: detaching a guard, or attaching `*`, would pass as
/// no change), and whose embedded ROS templates (`template_body`, whose RAM resources are not
/// read in a Terraform file) differ.
fn attachments_differ(old: Option<&Version>, new: Option<&Version>) -> Vec<String> {
    let [old, new] = [old, new].map(|v| v.map(attachments_of).unwrap_or_default());
    let (templates, attachments): (BTreeSet<&String>, BTreeSet<&String>) = old
        .keys()
        .chain(new.keys())
        .filter(|key| old.get(*key) != new.get(*key))
        .partition(|key| key.ends_with(".template_body"));
    let listed = |keys: BTreeSet<&String>| keys.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ");
    let mut notes = Vec::new();
    if !attachments.is_empty() {
        notes.push(format!(
            "the policy attachments {} differ between OLD and NEW: who holds a policy is not compared, only what the documents say; review it by hand",
            listed(attachments)
        ));
    }
    if !templates.is_empty() {
        notes.push(format!(
            "the ROS templates {} differ between OLD and NEW: the RAM resources in them are not compared inside a Terraform file; keep each template in a file of its own and diff that",
            listed(templates)
        ));
    }
    notes
}

/// The variables, locals and module calls of a `.tf` or `.tf.json` file whose value differs
/// between OLD and NEW (layout aside). Empty for files of other kinds.
fn differing_values(old: Option<&Version>, new: Option<&Version>) -> BTreeSet<String> {
    let values = |version: Option<&Version>| -> BTreeMap<String, String> {
        version
            .and_then(terraform_text)
            .map(|(text, syntax)| syntax.named_values(text))
            .unwrap_or_default()
            .into_iter()
            .map(|(name, value)| (name, value.split_whitespace().collect::<Vec<_>>().join(" ")))
            .collect()
    };
    let (old, new) = (values(old), values(new));
    old.keys()
        .chain(new.keys())
        .filter(|name| old.get(*name) != new.get(*name))
        .cloned()
        .collect()
}

/// For each resource or data block of a `.tf` or `.tf.json` side with `count` or `for_each`, by
/// address, the meta-arguments as written. Empty for a file of another kind.
fn multiplicities_by_address(version: &Version) -> BTreeMap<String, String> {
    terraform_text(version)
        .map(|(text, syntax)| syntax.multiplicities(text))
        .unwrap_or_default()
}

/// The text of a Terraform file and its syntax, and nothing for other files.
fn terraform_text(version: &Version) -> Option<(&str, Syntax)> {
    let syntax = Syntax::of(&version.name)?;
    std::str::from_utf8(&version.bytes).ok().map(|text| (text, syntax))
}

/// The two syntaxes of a Terraform file, by its name: what `diff` reads of each beside its
/// documents is read by the reader of that syntax.
#[derive(Debug, Clone, Copy)]
enum Syntax {
    /// `.tf`
    Hcl,
    /// `.tf.json`
    Json,
}

impl Syntax {
    fn of(name: &str) -> Option<Self> {
        let lower = name.to_ascii_lowercase();
        if lower.ends_with(".tf.json") {
            Some(Self::Json)
        } else if lower.ends_with(".tf") {
            Some(Self::Hcl)
        } else {
            None
        }
    }

    fn policy_attachments(self, text: &str) -> BTreeMap<String, String> {
        match self {
            Self::Hcl => crate::inputs::terraform::policy_attachments(text),
            Self::Json => crate::inputs::terraform_json::policy_attachments(text),
        }
    }

    fn multiplicities(self, text: &str) -> BTreeMap<String, String> {
        match self {
            Self::Hcl => crate::inputs::terraform::multiplicities(text),
            Self::Json => crate::inputs::terraform_json::multiplicities(text),
        }
    }

    fn named_values(self, text: &str) -> Vec<(String, String)> {
        match self {
            Self::Hcl => crate::inputs::terraform::named_values(text),
            Self::Json => crate::inputs::terraform_json::named_values(text),
        }
    }

    fn named_files(self, text: &str) -> Vec<(String, String)> {
        match self {
            Self::Hcl => crate::inputs::terraform::named_files(text),
            Self::Json => crate::inputs::terraform_json::named_files(text),
        }
    }
}

/// The note for a document whose resource's `count` or `for_each` is not the same on both
/// sides (a guard given `count = 0` is destroyed, though its document reads the same): how many
/// of it Terraform makes is not compared, and the change would pass unseen.
fn multiplicity_differs(address: &Option<String>, multiplicities: &[BTreeMap<String, String>; 2]) -> Option<String> {
    let address = address.as_deref()?;
    // A document of a resource (`alicloud_ram_policy.guard`) or of a data source.
    let [old, new] = multiplicities.each_ref().map(|side| {
        side.iter()
            .find(|(block, _)| address == block.as_str() || address.starts_with(&format!("{block}.")))
            .map(|(_, meta)| meta.as_str())
    });
    if old == new {
        return None;
    }
    let shown = |meta: Option<&str>| meta.map_or_else(|| "none".to_string(), |m| format!("`{m}`"));
    Some(format!(
        "`{address}`'s `count` / `for_each` differ between OLD and NEW ({} in OLD, {} in NEW): how many of the document Terraform makes, none included, is not compared; review it by hand",
        shown(old),
        shown(new)
    ))
}

/// The note for a document whose values only Terraform knows are not the same on both sides
/// (`Resource = var.dev_arns`, now `var.prod_arns`): the evaluator takes each for any value, so
/// two of them compare alike and the change would pass unseen.
fn unknowns_differ(address: &Option<String>, unknowns: &[BTreeMap<Option<String>, Vec<Unknown>>; 2]) -> Option<String> {
    let [old, new] = unknowns
        .each_ref()
        .map(|side| side.get(address).map(Vec::as_slice).unwrap_or_default());
    let written = |side: &[Unknown]| side.iter().map(|u| u.written.clone()).collect::<Vec<_>>();
    if written(old) == written(new) {
        return None;
    }
    let at = old.iter().zip(new).take_while(|(a, b)| a.written == b.written).count();
    // Described as the messages describe them, or as written where the two descriptions read
    // alike (long names cut short).
    let alike = old.get(at).zip(new.get(at)).is_some_and(|(a, b)| a.what == b.what);
    let shown = |side: &[Unknown]| {
        side.get(at).map_or_else(
            || "nothing".to_string(),
            |u| {
                if alike {
                    format!("`{}`", u.written)
                } else {
                    u.what.clone()
                }
            },
        )
    };
    Some(format!(
        "the values only Terraform knows differ between OLD and NEW ({} in OLD, {} in NEW): each stands for any value, so what they grant is not compared; review it by hand",
        shown(old),
        shown(new),
    ))
}

fn compared_as_nothing(name: &str, why: &str) -> String {
    format!("{name} is compared as no policy at all, so that all of NEW's access counts as new ({why})")
}

/// `diff OLD NEW`: two files named by the user (`-` is standard input for one of them).
pub fn two_files(old: &Path, new: &Path, config: &Config, checks: &Checks) -> Result<Outcome, String> {
    let read = |path: &Path| {
        crate::inputs::read_input(path).map(|(name, bytes)| Version {
            name: if path == Path::new("-") {
                name
            } else {
                path.display().to_string()
            },
            bytes,
        })
    };
    let (old, old_address) = crate::inputs::selection::split_address(old);
    let (new, new_address) = crate::inputs::selection::split_address(new);
    let old = read(&old)?;
    let new = read(&new)?;
    // A variables file feeds documents elsewhere, as in a `--base` run: a change is said.
    let variables = (is_variables_file(&old.name) || is_variables_file(&new.name)) && old.bytes != new.bytes;
    let said_as = variables.then(|| (old.name.clone(), new.name.clone()));
    let change = FileChange {
        picked: [old_address, new_address],
        file: new.name.clone(),
        new_shown: Some(new.name.clone()),
        old: Some(old),
        new: Some(new),
        strict_old: true,
        named: true,
        notes: Vec::new(),
    };
    let mut outcome = compare_file(change, config, &config.settings.catalog, checks);
    if let Some((old_name, new_name)) = said_as {
        let feeds = Feeds {
            read_by: None,
            variables: true,
            values: Vec::new(),
        };
        let note = feeds.note(&new_name, true).unwrap_or_default();
        let mut report = said(&new_name, Some(old_name), Some(new_name.clone()), note);
        let (failed, uncertain) = checks.check(&mut report, None);
        outcome.documents.push(report);
        outcome.failed.extend(failed);
        outcome.uncertain |= uncertain;
    }
    Ok(outcome)
}

/// `diff --base REV [PATH]...`.
#[derive(Debug)]
pub struct Base<'a> {
    pub rev: &'a str,
    /// Against the index instead of the work tree.
    pub staged: bool,
    /// Files or folders (the working directory when empty).
    pub paths: &'a [PathBuf],
}

/// Every policy file under the paths that differs between REV and the work tree (or the index),
/// compared document by document. An error (exit 2) outside a repository, for a revision git
/// does not know, or a path outside the repository.
pub fn base(options: &Base<'_>, cwd: &Path, config: &Config, checks: &Checks) -> Result<Outcome, String> {
    let repo = Repo::open(cwd)?;
    let commit = repo.commit(options.rev)?;
    let root = std::fs::canonicalize(&repo.root).map_err(|e| format!("{}: {e}", repo.root.display()))?;
    let cwd = std::fs::canonicalize(cwd).map_err(|e| format!("{}: {e}", cwd.display()))?;
    let cwd_in_root = relative_text(&cwd, &root).unwrap_or_default();
    let dot = [PathBuf::from(".")];
    let paths = if options.paths.is_empty() {
        &dot[..]
    } else {
        options.paths
    };
    // Each PATH as a pathspec relative to the root ("" is the root itself).
    let mut specs = Vec::new();
    for path in paths {
        let absolute = config::absolute(&cwd, path);
        let Some(spec) = relative_text(&absolute, &root) else {
            return Err(format!(
                "{}: outside the repository at {}",
                path.display(),
                root.display()
            ));
        };
        specs.push(spec);
    }
    let pathspecs: Vec<String> = specs
        .iter()
        .map(|s| if s.is_empty() { ".".to_string() } else { s.clone() })
        .collect();
    let mut changes = repo.changes(&commit, options.staged, &pathspecs)?;
    if !options.staged {
        let named_files: Vec<String> = paths
            .iter()
            .zip(&specs)
            .filter(|(path, _)| cwd.join(path).is_file())
            .map(|(_, spec)| spec.clone())
            .collect();
        let mut untracked = repo.untracked(&pathspecs, false)?;
        if !named_files.is_empty() {
            untracked.extend(repo.untracked(&named_files, true)?);
        }
        untracked.sort();
        untracked.dedup();
        for path in untracked {
            changes.push(git::Change {
                path,
                status: Status::Added,
                old: None,
                new_blob: None,
            });
        }
    }
    // The changed files a `.tf` (or `.tf.json`) file reads with `file()` / `templatefile()`:
    // lint reads each as a file of its own, whatever its extension, and so does this comparison.
    // And the changed `.tf` and `.tf.json` files whose variables or locals feed documents of
    // their folder. The repository's Terraform files are read only when a change may need them.
    let followed: BTreeSet<&str> = changes
        .iter()
        .map(|c| c.path.as_str())
        .filter(|p| !is_terraform_file(p))
        .collect();
    let changed_tf: BTreeSet<&str> = changes
        .iter()
        .map(|c| c.path.as_str())
        .filter(|p| Syntax::of(p).is_some())
        .collect();
    let (read_by, values) = if followed.is_empty() && changed_tf.is_empty() {
        (BTreeMap::new(), BTreeMap::new())
    } else {
        let sources = terraform_sources(&repo, &commit, options.rev, options.staged, &cwd_in_root)?;
        (
            read_by_terraform(&sources, &followed),
            values_changed(&sources, &changed_tf),
        )
    };
    // A PATH that names nothing, here or at REV, is a mistake (a typo would pass silently).
    for (path, spec) in paths.iter().zip(&specs) {
        let absolute = config::absolute(&cwd, path);
        // Gone from the work tree but there at REV would be a deletion git reports.
        if !options.staged && !absolute.exists() && !changes.iter().any(|c| under(&c.path, spec)) {
            return Err(format!(
                "{}: no such file or directory, in the work tree or at `{}`",
                path.display(),
                options.rev
            ));
        }
    }
    // Which changes are compared: a file named as a PATH always; below a folder, the kinds
    // `lint`'s walk reads, not hidden. `.gitignore` drops none of them: every change here is one
    // git reports (tracked at REV or in the index, or untracked and not ignored), and git's word
    // that a tracked file changed stands whatever a pattern says. A change that `ramguard.toml`'s
    // `[[ignore]]` skips is not compared but said, so that a check over it is not a clean pass.
    let named = |path: &str| specs.iter().any(|s| s == path);
    let walked = |path: &str| {
        crate::inputs::is_read_by_lint(Path::new(path))
            && specs.iter().filter(|s| under(path, s)).any(|s| !hidden(path, s))
    };
    let mut selected: Vec<(git::Change, Selection)> = changes
        .iter()
        .filter_map(|c| {
            let selection = if named(&c.path) {
                Selection::Named
            } else if !walked(&c.path) && !read_by.contains_key(&c.path) {
                return None;
            } else {
                match skipped_by(config, &root.join(&c.path), &shown(&c.path, &cwd_in_root)) {
                    Some(note) => Selection::Skipped(note),
                    None => Selection::Walked,
                }
            };
            Some((c.clone(), selection))
        })
        .collect();
    selected.sort_by(|a, b| a.0.path.cmp(&b.0.path));
    selected.dedup_by(|a, b| a.0.path == b.0.path);

    let limit = crate::inputs::input_size_limit()?;
    // How many sides use each blob: two files with the same content share one.
    let mut uses: BTreeMap<String, usize> = BTreeMap::new();
    for (change, _) in &selected {
        for (id, mode) in [change.old.as_ref(), change.new_blob.as_ref()].into_iter().flatten() {
            if mode != SYMBOLIC_LINK {
                *uses.entry(id.clone()).or_default() += 1;
            }
        }
    }
    let ids: BTreeSet<String> = uses.keys().cloned().collect();
    let mut blobs = Blobs {
        bytes: repo.blobs(&ids)?,
        uses,
    };
    let mut work = Vec::new();
    for (change, selection) in selected {
        let file = shown(&change.path, &cwd_in_root);
        let feeds = Feeds {
            read_by: read_by.get(&change.path).cloned(),
            variables: is_variables_file(&change.path),
            values: values.get(&change.path).cloned().unwrap_or_default(),
        };
        let old_file = change.old.is_some().then(|| format!("{}:{}", options.rev, change.path));
        let mut notes = Vec::new();
        let old_name = format!("{}:{}", options.rev, change.path);
        let old = match &change.old {
            None => None,
            Some((_, mode)) if mode == SYMBOLIC_LINK => {
                notes.push(compared_as_nothing(&old_name, "a symbolic link at that revision"));
                None
            }
            Some((id, _)) => {
                let bytes = blobs.take(id)?;
                if within(&bytes, limit) {
                    Some(Version { name: old_name, bytes })
                } else {
                    notes.push(compared_as_nothing(&old_name, "larger than the input size limit"));
                    None
                }
            }
        };
        let (new, refusal) = if change.status == Status::Deleted {
            (None, None)
        } else if options.staged {
            match &change.new_blob {
                Some((_, mode)) if mode == SYMBOLIC_LINK => (
                    None,
                    Some(Refusal::Message(format!(
                        "{file}: a symbolic link in the index; name the file it points to"
                    ))),
                ),
                Some((id, _)) => {
                    let bytes = blobs.take(id)?;
                    if within(&bytes, limit) {
                        (
                            Some(Version {
                                name: file.clone(),
                                bytes,
                            }),
                            None,
                        )
                    } else {
                        (
                            None,
                            Some(Refusal::Message(format!(
                                "{file}: larger than the input size limit of {limit} bytes"
                            ))),
                        )
                    }
                }
                None => (None, None),
            }
        } else {
            match crate::inputs::read_input(&root.join(&change.path)) {
                Ok((_, bytes)) => (
                    Some(Version {
                        name: file.clone(),
                        bytes,
                    }),
                    None,
                ),
                Err(e) => (None, Some(Refusal::Message(format!("{file}: {e}")))),
            }
        };
        let new_shown = |present: bool| {
            present.then(|| {
                if options.staged {
                    format!("{file} (staged)")
                } else {
                    file.clone()
                }
            })
        };
        // A file read only because a `.tf` file reads it (`arns.txt`, `policy.tpl`): compared
        // when a side holds a policy document; otherwise not a policy ramguard reads (no false
        // `invalid-json` for a list of ARNs), and said.
        let followed_only = !named(&change.path) && !walked(&change.path);
        if followed_only
            && refusal.is_none()
            && !matches!(selection, Selection::Skipped(_))
            && ![old.as_ref(), new.as_ref()].into_iter().flatten().any(holds_documents)
        {
            let mut report = said(
                &file,
                old_file,
                new_shown(change.status != Status::Deleted),
                feeds.note(&file, false).unwrap_or_default(),
            );
            report.diff.limits.extend(notes);
            work.push(Work::NotCompared(report));
            continue;
        }
        let named = match selection {
            Selection::Named => true,
            Selection::Walked => false,
            Selection::Skipped(note) => {
                // Plainly no policy on either side (a `package.json`): skipped, as `lint` would
                // skip it even without the ignore. Anything else (a side that could not be read
                // included) is said.
                // A file that feeds a document (variable values, a `file()` target) is said
                // even so.
                let sides = [old.as_ref(), new.as_ref()];
                let fed_note = feeds.note(&file, false);
                if notes.is_empty()
                    && refusal.is_none()
                    && fed_note.is_none()
                    && sides.into_iter().flatten().all(plainly_no_policy)
                {
                    continue;
                }
                let mut report = said(&file, old_file, new_shown(change.status != Status::Deleted), note);
                report.diff.limits.extend(fed_note);
                work.push(Work::NotCompared(report));
                continue;
            }
        };
        if let Some(refusal) = refusal {
            work.push(Work::Refused(refusal));
            continue;
        }
        let fed = said(
            &file,
            old_file,
            new_shown(change.status != Status::Deleted),
            String::new(),
        );
        work.push(Work::Compare(
            Box::new((fed, feeds)),
            FileChange {
                new_shown: new_shown(new.is_some()),
                file,
                old,
                new,
                strict_old: false,
                named,
                notes,
                picked: [None, None],
            },
        ));
    }
    let outcomes: Vec<Outcome> = work
        .into_par_iter()
        .map(|work| match work {
            Work::Compare(fed, change) => {
                let (mut report, feeds) = *fed;
                let mut outcome = compare_file(change, config, &config.settings.catalog, checks);
                let compared = !outcome.documents.is_empty() || !outcome.refused.is_empty();
                if let Some(note) = feeds.note(&report.file, compared) {
                    report.diff.limits = BTreeSet::from([note]);
                    let (failed, uncertain) = checks.check(&mut report, None);
                    outcome.documents.push(report);
                    outcome.failed.extend(failed);
                    outcome.uncertain |= uncertain;
                }
                outcome
            }
            Work::Refused(refusal) => Outcome {
                refused: vec![refusal],
                ..Outcome::default()
            },
            Work::NotCompared(mut report) => {
                let (failed, uncertain) = checks.check(&mut report, None);
                Outcome {
                    documents: vec![report],
                    failed,
                    uncertain,
                    refused: Vec::new(),
                }
            }
        })
        .collect();
    let mut outcome = Outcome::default();
    for part in outcomes {
        outcome.merge(part);
    }
    Ok(outcome)
}

/// Why a change of `diff --base` is read.
enum Selection {
    /// Named on the command line.
    Named,
    /// Found below a folder.
    Walked,
    /// Found below a folder, and skipped by `ramguard.toml`: the note that says so.
    Skipped(String),
}

/// What becomes of one change.
enum Work {
    /// Compared; then, when what it feeds is not compared, said with the report given.
    Compare(Box<(DocumentReport, Feeds)>, FileChange),
    Refused(Refusal),
    /// Said, not compared (a file `ramguard.toml` skips).
    NotCompared(DocumentReport),
}

/// What a changed file may feed besides its own documents: documents of `.tf` files that are
/// not compared when it changes.
struct Feeds {
    /// The `file()` / `templatefile()` call of a `.tf` file that reads it, as the note says it.
    read_by: Option<String>,
    /// A Terraform variables file (`*.tfvars`, `*.tfvars.json`).
    variables: bool,
    /// The variables and locals of a `.tf` file whose value changed, that documents of its
    /// folder mention.
    values: Vec<String>,
}

impl Feeds {
    /// The note that says what is not compared because `file` changed; `compared`: the file's
    /// own comparison gave a document (or a refusal). A variables file is always said: its
    /// values feed documents elsewhere. A file a `.tf` file reads is said when it holds no
    /// document of its own that was compared (a list of ARNs read by `jsondecode(file(...))`).
    fn note(&self, file: &str, compared: bool) -> Option<String> {
        if self.variables {
            return Some(format!(
                "{file} changed: the values of Terraform variables are not known to diff, so the documents that use them are not compared; review them by hand"
            ));
        }
        if let Some(first) = self.values.first() {
            let more = match self.values.len() - 1 {
                0 => String::new(),
                n => format!(" (and {n} more)"),
            };
            return Some(format!(
                "{file} changes the value of `{first}`{more}, which a policy document of its folder mentions: the values of Terraform variables and locals are not known to diff, so the documents that use them are not compared; review them by hand"
            ));
        }
        let read_by = self.read_by.as_ref().filter(|_| !compared)?;
        Some(format!(
            "{file} changed, and {read_by}: it holds no policy document ramguard reads, so the documents that use it are not compared; review them by hand"
        ))
    }
}

/// A file said but not compared, with one note.
fn said(file: &str, old_file: Option<String>, new_file: Option<String>, note: String) -> DocumentReport {
    DocumentReport {
        old_file,
        new_file,
        file: file.to_string(),
        address: None,
        status: NOT_COMPARED,
        new_source: None,
        diff: super::DocumentDiff {
            limits: BTreeSet::from([note]),
            ..super::DocumentDiff::default()
        },
    }
}

/// Whether a path is a Terraform variables file (`terraform.tfvars`, `*.auto.tfvars`,
/// `*.tfvars.json`, or any other a `-var-file` may name with those extensions).
fn is_variables_file(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    lower.ends_with(".tfvars") || lower.ends_with(".tfvars.json")
}

/// Whether a path is a Terraform file of its own kind (never the target of `file()` worth
/// following: its own documents, if any, are compared as it is).
fn is_terraform_file(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    lower.ends_with(".tf") || lower.ends_with(".tf.json") || is_variables_file(path)
}

/// A `.tf` file of the repository, at REV or now (the work tree, or the index).
struct TerraformSource {
    /// Root-relative.
    path: String,
    bytes: Vec<u8>,
    /// As a note names it (`HEAD:main.tf`, `main.tf`).
    shown: String,
    at_rev: bool,
}

impl TerraformSource {
    fn folder(&self) -> &str {
        folder_of(&self.path)
    }

    /// Its variables, locals and module calls, as written ([`crate::inputs::terraform::named_values`]).
    fn named_values(&self) -> Vec<(String, String)> {
        let syntax = Syntax::of(&self.path);
        match (syntax, std::str::from_utf8(&self.bytes)) {
            (Some(syntax), Ok(text)) => syntax.named_values(text),
            _ => Vec::new(),
        }
    }

    /// The files it names through `file()` / `templatefile()` with a literal path.
    fn named_files(&self, text: &str) -> Vec<(String, String)> {
        Syntax::of(&self.path)
            .map(|syntax| syntax.named_files(text))
            .unwrap_or_default()
    }

    fn mentions(&self, text: &str) -> bool {
        !text.is_empty() && self.bytes.windows(text.len()).any(|w| w == text.as_bytes())
    }
}

fn folder_of(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(folder, _)| folder)
}

/// Every `.tf` and `.tf.json` file of the repository at `commit`, then now (the work tree: tracked, or
/// untracked and not ignored; the index with `staged`).
fn terraform_sources(
    repo: &Repo,
    commit: &str,
    rev: &str,
    staged: bool,
    cwd_in_root: &str,
) -> Result<Vec<TerraformSource>, String> {
    let is_tf = |path: &str| Syntax::of(path).is_some();
    let mut sources = Vec::new();
    for at_rev in [true, false] {
        if !at_rev && !staged {
            for path in repo.work_tree_files()?.into_iter().filter(|p| is_tf(p)) {
                let absolute = repo.root.join(&path);
                if std::fs::symlink_metadata(&absolute).is_ok_and(|m| m.is_file())
                    && let Ok(bytes) = std::fs::read(&absolute)
                {
                    let shown = shown(&path, cwd_in_root);
                    sources.push(TerraformSource {
                        path,
                        bytes,
                        shown,
                        at_rev,
                    });
                }
            }
            continue;
        }
        let files: Vec<(String, String, String)> = repo
            .files_with_blobs(commit, !at_rev)?
            .into_iter()
            .filter(|(path, _, mode)| is_tf(path) && mode.starts_with("100"))
            .collect();
        let ids: BTreeSet<String> = files.iter().map(|(_, id, _)| id.clone()).collect();
        let blobs = repo.blobs(&ids)?;
        for (path, id, _) in files {
            if let Some(bytes) = blobs.get(&id) {
                let shown = if at_rev {
                    format!("{rev}:{path}")
                } else {
                    format!("{} (staged)", shown(&path, cwd_in_root))
                };
                sources.push(TerraformSource {
                    path,
                    bytes: bytes.clone(),
                    shown,
                    at_rev,
                });
            }
        }
    }
    Ok(sources)
}

/// The changed files (root-relative) that a `.tf` file names through `file("...")` or
/// `templatefile("...", ...)` with a literal path, at REV or now: for each, the first such
/// call, as a note says it (`` `templatefile("q.json.tpl", …)` in main.tf reads it ``). Only
/// `.tf` files that hold a changed file's name are parsed.
fn read_by_terraform(sources: &[TerraformSource], candidates: &BTreeSet<&str>) -> BTreeMap<String, String> {
    let mut found = BTreeMap::new();
    let names: BTreeSet<&str> = candidates
        .iter()
        .filter_map(|p| p.rsplit('/').next())
        .filter(|n| !n.is_empty())
        .collect();
    for source in sources {
        if !names.iter().any(|n| source.mentions(n)) {
            continue;
        }
        let Ok(text) = std::str::from_utf8(&source.bytes) else {
            continue;
        };
        for (function, written) in source.named_files(text) {
            let Some(target) = resolve(source.folder(), &written) else {
                continue;
            };
            if candidates.contains(target.as_str()) && !found.contains_key(&target) {
                let arguments = if function == "templatefile" { ", …" } else { "" };
                found.insert(
                    target,
                    format!("`{function}(\"{written}\"{arguments})` in {} reads it", source.shown),
                );
            }
        }
    }
    found
}

/// For each changed `.tf` or `.tf.json` file, the variables (`var.NAME`), locals (`local.NAME`) and module
/// calls (`module.NAME`) whose value differs between REV and now, that are not documents of
/// their own (compared as such) and that documents of the same folder use ([`Usage`]): those
/// documents may change with them, unseen.
fn values_changed(sources: &[TerraformSource], changed: &BTreeSet<&str>) -> BTreeMap<String, Vec<String>> {
    let mut found = BTreeMap::new();
    let mut usage = Usage {
        sources,
        known: BTreeMap::new(),
        open: BTreeSet::new(),
    };
    for path in changed {
        let sides: Vec<&TerraformSource> = sources.iter().filter(|s| s.path == *path).collect();
        let values = |at_rev: bool| -> BTreeMap<String, String> {
            sides
                .iter()
                .filter(|s| s.at_rev == at_rev)
                .flat_map(|s| s.named_values())
                // Layout is no change (`terraform fmt` aligning the `=`).
                .map(|(name, value)| (name, value.split_whitespace().collect::<Vec<_>>().join(" ")))
                .collect()
        };
        let (old, new) = (values(true), values(false));
        let documents: BTreeSet<String> = sides
            .iter()
            .flat_map(
                |s| match crate::inputs::read_policy_file(s.shown.clone(), s.bytes.clone()).content {
                    Content::Documents(documents) => documents
                        .iter()
                        .filter_map(|d| d.address().map(str::to_string))
                        .collect(),
                    _ => Vec::new(),
                },
            )
            .collect();
        let differ: BTreeSet<&String> = old
            .keys()
            .chain(new.keys())
            .filter(|name| old.get(*name) != new.get(*name) && !documents.contains(*name))
            .collect();
        if differ.is_empty() {
            continue;
        }
        let used = usage.of(folder_of(path));
        let named: Vec<String> = differ.into_iter().filter(|n| used.contains(*n)).cloned().collect();
        if !named.is_empty() {
            found.insert((*path).to_string(), named);
        }
    }
    found
}

/// The variables, locals and module calls the policy documents of a folder's `.tf` files (at
/// REV and now) use: referenced in a document, or in a document only Terraform knows (its
/// `terraform-unknown-value` finding, a `templatefile` call's variables included), or in the
/// value of a local so used; and a call of a module in the repository (`source = "./kv"`) whose
/// documents use its variables, with what its arguments reference.
struct Usage<'a> {
    sources: &'a [TerraformSource],
    known: BTreeMap<String, BTreeSet<String>>,
    /// The folders being looked at (a module that calls itself, through others, stops there).
    open: BTreeSet<String>,
}

impl Usage<'_> {
    fn of(&mut self, folder: &str) -> BTreeSet<String> {
        if let Some(used) = self.known.get(folder) {
            return used.clone();
        }
        if !self.open.insert(folder.to_string()) {
            return BTreeSet::new();
        }
        let mut used = BTreeSet::new();
        let mut locals: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        let sources = self.sources;
        for source in sources.iter().filter(|s| s.folder() == folder) {
            let file = crate::inputs::read_policy_file(source.shown.clone(), source.bytes.clone());
            let text: &str = &file.source.text;
            let unknown = &crate::rules::terraform_unknown_value::RULE;
            let mut spans: Vec<crate::source::Span> = file
                .findings
                .iter()
                .filter(|f| std::ptr::eq(f.rule, unknown))
                .map(|f| f.span)
                .collect();
            if let Content::Documents(documents) = &file.content {
                spans.extend(documents.iter().map(|d| d.root.span));
            }
            for span in spans {
                used.extend(references(text.get(span.start..span.end).unwrap_or_default()));
            }
            for (name, value) in source.named_values() {
                if name.starts_with("local.") {
                    locals.entry(name).or_default().extend(references(&value));
                }
            }
            for (name, source, written) in crate::inputs::terraform::module_calls(text) {
                let Some(child) = source
                    .filter(|s| s.starts_with("./") || s.starts_with("../"))
                    .and_then(|s| resolve(folder, &s))
                else {
                    continue;
                };
                if self.of(&child).iter().any(|n| n.starts_with("var.")) {
                    used.insert(format!("module.{name}"));
                    used.extend(references(&written));
                }
            }
        }
        // A local a document uses uses what its value references.
        let mut todo: Vec<String> = used.iter().cloned().collect();
        while let Some(name) = todo.pop() {
            for next in locals.get(&name).into_iter().flatten() {
                if used.insert(next.clone()) {
                    todo.push(next.clone());
                }
            }
        }
        self.open.remove(folder);
        self.known.insert(folder.to_string(), used.clone());
        used
    }
}

/// The `var.NAME` and `local.NAME` references written in `text`.
fn references(text: &str) -> BTreeSet<String> {
    let identifier = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
    let mut found = BTreeSet::new();
    for prefix in ["var.", "local."] {
        for (at, _) in text.match_indices(prefix) {
            let before = text.get(..at).and_then(|t| t.chars().next_back());
            if before.is_some_and(|c| identifier(c) || c == '.') {
                continue;
            }
            let rest = text.get(at + prefix.len()..).unwrap_or_default();
            let name: String = rest.chars().take_while(|&c| identifier(c)).collect();
            if !name.is_empty() {
                found.insert(format!("{prefix}{name}"));
            }
        }
    }
    found
}

/// `written` (a path `file()` is given) from `folder` (root-relative), as a root-relative path;
/// `None` when it is absolute or leaves the repository.
fn resolve(folder: &str, written: &str) -> Option<String> {
    if written.starts_with('/') || written.contains('\\') {
        return None;
    }
    let mut parts: Vec<&str> = folder.split('/').filter(|p| !p.is_empty()).collect();
    for part in written.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            part => parts.push(part),
        }
    }
    Some(parts.join("/"))
}

/// The blobs read from git, each handed to every side that uses it: two changed files with the
/// same content (at REV or in the index) share one blob, and each must get it.
struct Blobs {
    bytes: BTreeMap<String, Vec<u8>>,
    /// The sides still to be handed each blob: the last one takes it, the others a copy.
    uses: BTreeMap<String, usize>,
}

impl Blobs {
    fn take(&mut self, id: &str) -> Result<Vec<u8>, String> {
        let last = match self.uses.get_mut(id) {
            Some(left) => {
                *left = left.saturating_sub(1);
                *left == 0
            }
            None => true,
        };
        let bytes = if last {
            self.bytes.remove(id)
        } else {
            self.bytes.get(id).cloned()
        };
        bytes.ok_or_else(|| format!("git did not give the blob `{id}`"))
    }
}

fn within(bytes: &[u8], limit: u64) -> bool {
    u64::try_from(bytes.len()).is_ok_and(|n| n <= limit)
}

/// The note for a file below a folder (`shown` as the report shows it) that a whole-file
/// `[[ignore]]` of the configuration skips (the first such entry); `None` when none does.
fn skipped_by(config: &Config, absolute: &Path, shown: &str) -> Option<String> {
    let (_, ignore) = config
        .ignores_for(config.relative(absolute))
        .find(|(_, ignore)| Config::ignore_skips_file(ignore))?;
    let settings = config
        .source
        .as_ref()
        .map_or_else(|| "ramguard.toml".to_string(), |s| s.name.clone());
    Some(format!(
        "{shown}: skipped by the `[[ignore]]` of `{}` in {settings} (reason: `{}`), so not compared; name the file to compare it",
        ignore.path(),
        ignore.reason,
    ))
}

/// Whether a side is plainly not a policy document: a JSON or YAML file ramguard tells apart
/// from a policy, or a Terraform file that holds no document and no finding.
fn plainly_no_policy(version: &Version) -> bool {
    let file = crate::inputs::read_policy_file(version.name.clone(), version.bytes.clone());
    match &file.content {
        Content::NotPolicy(_) => true,
        Content::Documents(documents) => documents.is_empty() && file.findings.is_empty(),
        Content::Unrecognised(_) | Content::Unparsed => false,
    }
}

/// Whether a side holds a policy document as `lint` reads it (by its name: `.tpl` is a
/// Terraform template, anything else JSON).
fn holds_documents(version: &Version) -> bool {
    let file = crate::inputs::read_policy_file(version.name.clone(), version.bytes.clone());
    matches!(&file.content, Content::Documents(documents) if !documents.is_empty())
}

const SYMBOLIC_LINK: &str = "120000";

/// `path` relative to `root`, `/`-separated; `None` outside it.
fn relative_text(path: &Path, root: &Path) -> Option<String> {
    let relative = path.strip_prefix(root).ok()?;
    let parts: Vec<String> = relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    Some(parts.join("/"))
}

/// Whether `path` is `spec` or below it (`spec` "" is the root).
fn under(path: &str, spec: &str) -> bool {
    spec.is_empty() || path == spec || path.strip_prefix(spec).is_some_and(|rest| rest.starts_with('/'))
}

/// Whether a component of `path` below `spec` is hidden (`.terraform/`, `.github/`), as `lint`'s
/// walk skips them.
fn hidden(path: &str, spec: &str) -> bool {
    let below = if spec.is_empty() {
        path
    } else {
        path.strip_prefix(spec)
            .map_or(path, |rest| rest.trim_start_matches('/'))
    };
    below.split('/').any(|part| part.starts_with('.'))
}

/// A root-relative path as seen from the working directory (`cwd_in_root`, root-relative).
fn shown(path: &str, cwd_in_root: &str) -> String {
    if cwd_in_root.is_empty() {
        return path.to_string();
    }
    if let Some(rest) = path.strip_prefix(cwd_in_root).and_then(|r| r.strip_prefix('/')) {
        return rest.to_string();
    }
    let ups = cwd_in_root.split('/').count();
    format!("{}{path}", "../".repeat(ups))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_shown_from_the_working_directory() {
        assert_eq!(shown("policies/a.json", ""), "policies/a.json");
        assert_eq!(shown("policies/a.json", "policies"), "a.json");
        assert_eq!(shown("other/a.json", "policies/x"), "../../other/a.json");
        assert_eq!(shown("policiesx/a.json", "policies"), "../policiesx/a.json");
    }

    #[test]
    fn file_paths_resolve_from_the_folder_of_the_tf_file() {
        assert_eq!(resolve("", "p.tpl").as_deref(), Some("p.tpl"));
        assert_eq!(
            resolve("infra", "./policies/p.tpl").as_deref(),
            Some("infra/policies/p.tpl")
        );
        assert_eq!(
            resolve("infra/a", "../shared/p.json").as_deref(),
            Some("infra/shared/p.json")
        );
        assert_eq!(resolve("", "../p.json"), None);
        assert_eq!(resolve("infra", "/etc/p.json"), None);
    }

    #[test]
    fn references_are_whole_names() {
        let found = references("concat(var.arns, local.more_arns) module.var.x var.a-b [var.c]");
        let expected: BTreeSet<String> = ["var.arns", "local.more_arns", "var.a-b", "var.c"]
            .into_iter()
            .map(str::to_string)
            .collect();
        assert_eq!(found, expected);
    }

    #[test]
    fn hidden_and_under_follow_components() {
        assert!(hidden(".github/p.json", ""));
        assert!(!hidden(".github/p.json", ".github"));
        assert!(hidden("a/.terraform/p.json", "a"));
        assert!(under("a/b.json", "a") && under("a", "a") && !under("ab/c.json", "a"));
    }
}
