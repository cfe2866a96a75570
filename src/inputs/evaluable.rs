//! Policies for evaluation (`simulate`, `preflight`, `diff`): read like `lint` reads them
//! (JSON, API responses, `.tf` files, Terraform plans and states), linted, and refused when the
//! linter finds an error. A broken or ambiguous policy is never evaluated as if it were fine; a
//! document only Terraform knows is evaluated as unknown, never as allowing.

use std::path::Path;
use std::sync::Arc;

use super::policy_file::{self, Content, PolicyFile};
use super::selection::{self, Held, Selected};
use crate::config::Config;
use crate::eval::compiled::CompiledStatement;
use crate::eval::{CompiledPolicy, Layer, LayerKind};
use crate::lint::{self, FileReport};
use crate::policy::{Effect, PolicyKind};
use crate::rules::{Finding, Severity};
use crate::settings::Settings;
use crate::source::{SourceFile, Span};

#[derive(Debug)]
pub enum LoadError {
    Io {
        path: String,
        message: String,
    },
    NotAPolicy {
        path: String,
    },
    TrustPolicy {
        path: String,
    },
    SeveralDocuments {
        path: String,
    },
    /// A file that names its documents (Terraform) holds several, and no `#ADDRESS` picks one.
    SeveralAddresses {
        path: String,
        addresses: Vec<String>,
    },
    /// `FILE#ADDRESS`: no document of the file is at the address.
    NoSuchAddress {
        path: String,
        address: String,
        addresses: Vec<String>,
    },
    /// `FILE#ADDRESS`: several documents are (instances of one resource, or one address that
    /// holds two documents).
    AmbiguousAddress {
        path: String,
        address: String,
        matches: Vec<String>,
    },
    /// `FILE#ADDRESS`: the address holds two documents that differ (a name written twice, or a
    /// resource whose `policy_document` and deprecated `document` disagree).
    SeveralAtAddress {
        path: String,
        address: String,
    },
    /// A Terraform file of a module with override files, which Terraform merges into the
    /// module's blocks: what the file says is not what Terraform applies.
    Overridden {
        path: String,
        by: String,
    },
    /// The policy has error-severity findings (rendered to the user as `lint` renders them).
    Refused(FileReport),
}

impl LoadError {
    /// One line for the user (the findings of `Refused` are rendered separately).
    pub fn message(&self) -> String {
        match self {
            Self::Io { message, .. } => message.clone(),
            Self::NotAPolicy { path } => format!(
                "{path}: not a policy document (no `Version` or `Statement`, and not a RAM API response or Terraform file that carries one)"
            ),
            Self::TrustPolicy { path } => format!(
                "{path}: a trust policy says who may assume a role; pass the role's permission policies instead"
            ),
            Self::SeveralDocuments { path } => format!(
                "{path}: the file carries several policy documents (a `ListPolicyVersions` response); pass the one in force, e.g. a `GetPolicy` response"
            ),
            Self::SeveralAddresses { path, addresses } => format!(
                "{path}: the file holds {} policy documents ({}); pick one as `{path}#ADDRESS`",
                addresses.len(),
                listed(addresses)
            ),
            Self::NoSuchAddress {
                path,
                address,
                addresses,
            } => match addresses.as_slice() {
                [] => format!("{path}: no policy document at `{address}`: the file holds none by address"),
                _ => format!(
                    "{path}: no policy document at `{address}`; the file holds {}",
                    listed(addresses)
                ),
            },
            Self::AmbiguousAddress { path, address, matches } => format!(
                "{path}: `{address}` names {} policy documents ({}); pick one",
                matches.len(),
                listed(matches)
            ),
            Self::SeveralAtAddress { path, address } => format!(
                "{path}: `{address}` holds two policy documents that differ (a name written twice, or `policy_document` and its deprecated `document` disagree): which is sent is not for ramguard to guess"
            ),
            Self::Overridden { path, by } => format!(
                "{path}: its module has the override file `{by}`, which Terraform merges into the blocks it names: what applies is not this file's text; evaluate the plan (`terraform show -json`)"
            ),
            Self::Refused(report) => format!(
                "{}: refusing to evaluate a policy that `ramguard lint` finds broken or ambiguous ({} above)",
                report.source.name,
                match report.findings.len() {
                    1 => "the finding".to_string(),
                    n => format!("the {n} findings"),
                }
            ),
        }
    }
}

/// `` `a`, `b`, `c` ``.
fn listed(addresses: &[String]) -> String {
    addresses
        .iter()
        .map(|a| format!("`{a}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Read, lint and compile one policy file (`-` is standard input), with the configuration's
/// `[catalog]`, `[limits]` and `[rules]`. `FILE#ADDRESS` picks one document of a Terraform
/// file or plan (see [`selection::split_address`]).
///
/// A finding refuses the policy when its rule is an error by default, or when the
/// configuration raises it to one: a configuration can make ramguard stricter, never make a
/// broken policy evaluable. Path-based settings (`[[ignore]]`, `[[require]]`) are the
/// repository's business and `lint`'s: they neither hide a finding here nor refuse a policy.
pub fn load(path: &Path, config: &Config) -> Result<CompiledPolicy, LoadError> {
    let name = path.display().to_string();
    let (file_path, address) = selection::split_address(path);
    let (display, bytes) = super::read_input(&file_path).map_err(|message| LoadError::Io {
        path: name.clone(),
        message,
    })?;
    if let Some(by) = override_file_beside(&file_path) {
        return Err(LoadError::Overridden { path: name, by });
    }
    let regions = selection::regions(&display, &bytes);
    let shown = file_path.display().to_string();
    super::with_policy_file(display, bytes, |file, _| {
        select(&shown, &file, regions, address.as_deref(), config)
    })
}

/// For a `.tf` or `.tf.json` file, an override file of its module (`override.tf`,
/// `*_override.tf`, and their `.tf.json` forms in its folder, itself included), by path.
fn override_file_beside(path: &Path) -> Option<String> {
    let is_terraform = |name: &str| name.ends_with(".tf") || name.ends_with(".tf.json");
    let name = path.file_name()?.to_str()?.to_ascii_lowercase();
    if !is_terraform(&name) {
        return None;
    }
    let folder = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut found: Vec<String> = std::fs::read_dir(folder)
        .ok()?
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let name = entry.file_name().to_str()?.to_ascii_lowercase();
            let stem = name.strip_suffix(".tf.json").or_else(|| name.strip_suffix(".tf"))?;
            (stem == "override" || stem.ends_with("_override")).then(|| entry.path().display().to_string())
        })
        .collect();
    found.sort();
    found.into_iter().next()
}

/// Lint and compile a policy file already read: a file named on the command line, or a
/// response the `aliyun` CLI gave (`cloud`). `name` is how messages name it.
pub fn compile(name: &str, file: &PolicyFile, config: &Config) -> Result<CompiledPolicy, LoadError> {
    select(name, file, Vec::new(), None, config)
}

/// The documents of a policy file, once the linter finds nothing that refuses them (`diff`
/// compiles each document of a file that holds several).
pub fn checked_documents<'f>(
    name: &str,
    file: &'f PolicyFile<'f>,
    config: &Config,
) -> Result<&'f [policy_file::Document<'f>], LoadError> {
    let (_, findings) = linted(name, file, config)?;
    refuse_errors(file, findings, config)?;
    let Content::Documents(documents) = &file.content else {
        return Err(LoadError::NotAPolicy { path: name.into() });
    };
    Ok(documents)
}

/// The file linted as `lint` would lint it, but for the repository's requirements
/// (`[[require]]` is `lint`'s business), with the settings used.
fn linted(name: &str, file: &PolicyFile, config: &Config) -> Result<(Settings, Vec<Finding>), LoadError> {
    let settings = Settings {
        requirements: Vec::new(),
        ..config.settings.clone()
    };
    let Some(findings) = lint::lint_file(file, &settings, name) else {
        return Err(LoadError::NotAPolicy { path: name.into() });
    };
    Ok((settings, findings))
}

/// The document of `file` at `address` (or its only one), linted and compiled.
fn select(
    name: &str,
    file: &PolicyFile,
    regions: Vec<(String, Span)>,
    address: Option<&str>,
    config: &Config,
) -> Result<CompiledPolicy, LoadError> {
    let (settings, findings) = linted(name, file, config)?;
    let held = Held::new(file, regions);
    let Some(wanted) = address else {
        // Which document is meant comes before whether it is sound.
        let addresses = held.addresses();
        if addresses.len() > 1 {
            return Err(LoadError::SeveralAddresses {
                path: name.into(),
                addresses,
            });
        }
        refuse_errors(file, findings, config)?;
        let Content::Documents(documents) = &file.content else {
            return Err(LoadError::NotAPolicy { path: name.into() });
        };
        let unknowns: Vec<&Finding> = held.unknowns().collect();
        return match (documents.as_slice(), unknowns.as_slice()) {
            ([document], []) => compile_document(name, file, document),
            ([], [unknown]) => Ok(unknown_policy(file.source.clone(), unknown, name)),
            ([], []) => Err(LoadError::NotAPolicy { path: name.into() }),
            // A response that lists several versions is not one policy: which is in force
            // is RAM's to say, not ours to guess.
            _ if held.addresses().is_empty() => Err(LoadError::SeveralDocuments { path: name.into() }),
            _ => Err(LoadError::SeveralAddresses {
                path: name.into(),
                addresses: held.addresses(),
            }),
        };
    };
    let (address, selected) = selected_at(name, file, findings, &held, wanted, &settings, config)?;
    let shown = format!("{name}#{address}");
    match (selected.documents.as_slice(), &selected.unknown) {
        ([document], None) => compile_document(&shown, file, document),
        ([], Some(_)) if selection::names_a_trust_policy(&address) => Err(LoadError::TrustPolicy { path: shown }),
        ([], Some(unknown)) => Ok(unknown_policy(file.source.clone(), unknown, &shown)),
        ([], None) => Err(LoadError::NotAPolicy { path: shown }),
        _ => Err(LoadError::SeveralAtAddress {
            path: name.into(),
            address,
        }),
    }
}

/// The documents of `file` at the address `wanted` names (`diff OLD#ADDRESS NEW#ADDRESS`), once
/// the linter finds nothing that refuses them: the findings of the file's other documents do
/// not refuse this one. With the address matched (`wanted` may name a resource's instances
/// collectively only when it has one) and the `terraform-unknown-value` finding that stands for
/// its document, when only Terraform knows it.
pub fn checked_documents_at<'f>(
    name: &str,
    file: &'f PolicyFile<'f>,
    regions: Vec<(String, Span)>,
    wanted: &str,
    config: &Config,
) -> Result<(String, Selected<'f>), LoadError> {
    let (settings, findings) = linted(name, file, config)?;
    let held = Held::new(file, regions);
    selected_at(name, file, findings, &held, wanted, &settings, config)
}

/// The one address `wanted` names among what `file` holds, and its share of the file once its
/// own findings (and the file's, outside every address) refuse nothing.
fn selected_at<'f>(
    name: &str,
    file: &'f PolicyFile<'f>,
    findings: Vec<Finding>,
    held: &Held<'f>,
    wanted: &str,
    settings: &Settings,
    config: &Config,
) -> Result<(String, Selected<'f>), LoadError> {
    // A file that could not be read has no addresses to match: its errors say why.
    if matches!(file.content, Content::Unparsed) {
        refuse_errors(file, findings, config)?;
        return Err(LoadError::NotAPolicy { path: name.into() });
    }
    let matches = held.matching(wanted);
    let [address] = matches.as_slice() else {
        return Err(if matches.is_empty() {
            LoadError::NoSuchAddress {
                path: name.into(),
                address: wanted.into(),
                addresses: held.addresses(),
            }
        } else {
            LoadError::AmbiguousAddress {
                path: name.into(),
                address: wanted.into(),
                matches,
            }
        });
    };
    let selected = held.select(address);
    let mut findings = selected.findings.clone();
    if let [document] = selected.documents.as_slice() {
        findings.extend(lint::lint_read_document(document, settings, name));
    }
    refuse_errors(file, findings, config)?;
    Ok((address.clone(), selected))
}

/// Refuse on the rule's own severity, or a stricter configured one.
fn refuse_errors(file: &PolicyFile, findings: Vec<Finding>, config: &Config) -> Result<(), LoadError> {
    let mut findings: Vec<_> = findings
        .into_iter()
        .filter(|f| {
            f.rule.severity == Severity::Error
                || f.severity == Severity::Error
                || config.severity(f.rule, f.severity) == Some(Severity::Error)
        })
        .map(|f| f.severity(Severity::Error))
        .collect();
    if findings.is_empty() {
        return Ok(());
    }
    lint::sort(&mut findings);
    Err(LoadError::Refused(FileReport {
        source: file.source.clone(),
        findings,
    }))
}

fn compile_document(
    name: &str,
    file: &PolicyFile,
    document: &policy_file::Document,
) -> Result<CompiledPolicy, LoadError> {
    let policy = document.policy();
    if policy.kind == PolicyKind::Trust {
        return Err(LoadError::TrustPolicy { path: name.into() });
    }
    Ok(CompiledPolicy::new(file.source.clone(), &policy))
}

/// A document only Terraform knows (`unknown` says why), as a policy: one `Allow` and one
/// `Deny` statement whose truth the evaluator cannot know, as it keeps a statement without a
/// valid `Effect`. The document may allow the request or deny it: whatever the other policies
/// say, the answer is never `allowed` — `conditional` (a `preflight` check `unknown`), with the
/// reason, or denied where another policy denies for sure.
fn unknown_policy(source: Arc<SourceFile>, unknown: &Finding, name: &str) -> CompiledPolicy {
    let why = format!("{} (`{name}`)", unknown.message.trim_end_matches(": it was not linted"));
    let statement = |effect| CompiledStatement {
        index: 0,
        effect,
        span: unknown.span,
        effect_span: unknown.span,
        not_action: false,
        actions: crate::eval::compiled::ActionPatterns::default(),
        not_resource: false,
        resources: Arc::new([]),
        conditions: Arc::new([]),
        unmodelled: vec![why.clone()],
        // Nothing of the document is known, its actions neither.
        actions_known: false,
    };
    CompiledPolicy {
        source,
        statements: vec![statement(Effect::Allow), statement(Effect::Deny)],
    }
}

/// The caller's policies by layer: control policies, the session policy, identity policies.
pub fn load_layers(
    control: &[std::path::PathBuf],
    session: Option<&Path>,
    identity: &[std::path::PathBuf],
    config: &Config,
) -> Result<Vec<Layer>, LoadError> {
    let load =
        |paths: &mut dyn Iterator<Item = &Path>| paths.map(|path| load(path, config)).collect::<Result<Vec<_>, _>>();
    Ok(vec![
        Layer {
            kind: LayerKind::ControlPolicy,
            policies: load(&mut control.iter().map(std::path::PathBuf::as_path))?,
        },
        Layer {
            kind: LayerKind::SessionPolicy,
            policies: load(&mut session.into_iter())?,
        },
        Layer {
            kind: LayerKind::IdentityPolicy,
            policies: load(&mut identity.iter().map(std::path::PathBuf::as_path))?,
        },
    ])
}
