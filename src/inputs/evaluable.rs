//! Policies for evaluation (`simulate`, `preflight`): read like `lint` reads them, linted, and
//! refused when the linter finds an error. A broken or ambiguous policy is never evaluated as if
//! it were fine.

use std::path::Path;

use super::policy_file::{self, Content, PolicyFile};
use crate::config::Config;
use crate::eval::{CompiledPolicy, Layer, LayerKind};
use crate::lint::{self, FileReport};
use crate::policy::{Policy, PolicyKind};
use crate::rules::Severity;
use crate::settings::Settings;

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
    /// The policy has error-severity findings (rendered to the user as `lint` renders them).
    Refused(FileReport),
}

impl LoadError {
    /// One line for the user (the findings of `Refused` are rendered separately).
    pub fn message(&self) -> String {
        match self {
            Self::Io { message, .. } => message.clone(),
            Self::NotAPolicy { path } => format!(
                "{path}: not a policy document (no `Version` or `Statement`, and not a RAM API response that carries one)"
            ),
            Self::TrustPolicy { path } => format!(
                "{path}: a trust policy says who may assume a role; pass the role's permission policies instead"
            ),
            Self::SeveralDocuments { path } => format!(
                "{path}: the file carries several policy documents (a `ListPolicyVersions` response); pass the one in force, e.g. a `GetPolicy` response"
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

/// Read, lint and compile one policy file (`-` is standard input), with the configuration's
/// `[catalog]`, `[limits]` and `[rules]`.
///
/// A finding refuses the policy when its rule is an error by default, or when the
/// configuration raises it to one: a configuration can make ramguard stricter, never make a
/// broken policy evaluable. Path-based settings (`[[ignore]]`, `[[require]]`) are the
/// repository's business and `lint`'s: they neither hide a finding here nor refuse a policy.
pub fn load(path: &Path, config: &Config) -> Result<CompiledPolicy, LoadError> {
    let name = path.display().to_string();
    let (display, bytes) = super::read_input(path).map_err(|message| LoadError::Io {
        path: name.clone(),
        message,
    })?;
    compile(&name, &policy_file::read(display, bytes), config)
}

/// Lint and compile a policy file already read: a file named on the command line, or a
/// response the `aliyun` CLI gave (`cloud`). `name` is how messages name it.
pub fn compile(name: &str, file: &PolicyFile, config: &Config) -> Result<CompiledPolicy, LoadError> {
    let documents = checked_documents(name, file, config)?;
    // A response that lists several versions is not one policy: which is in force is RAM's
    // to say, not ours to guess.
    let [policy_file::Document { root, .. }] = documents else {
        return Err(LoadError::SeveralDocuments { path: name.into() });
    };
    let policy = Policy::from_document(root);
    if policy.kind == PolicyKind::Trust {
        return Err(LoadError::TrustPolicy { path: name.into() });
    }
    Ok(CompiledPolicy::new(file.source.clone(), &policy))
}

/// The documents of a policy file, once the linter finds nothing that refuses them (`diff`
/// compiles each document of a file that holds several).
pub fn checked_documents<'f>(
    name: &str,
    file: &'f PolicyFile,
    config: &Config,
) -> Result<&'f [policy_file::Document], LoadError> {
    let settings = Settings {
        requirements: Vec::new(),
        ..config.settings.clone()
    };
    let Some(findings) = lint::lint_file(file, &settings, name) else {
        return Err(LoadError::NotAPolicy { path: name.into() });
    };
    // Refuse on the rule's own severity, or a stricter configured one.
    let mut findings: Vec<_> = findings
        .into_iter()
        .filter(|f| {
            f.rule.severity == Severity::Error
                || f.severity == Severity::Error
                || config.severity(f.rule, f.severity) == Some(Severity::Error)
        })
        .map(|f| f.severity(Severity::Error))
        .collect();
    if !findings.is_empty() {
        lint::sort(&mut findings);
        return Err(LoadError::Refused(FileReport {
            source: file.source.clone(),
            findings,
        }));
    }
    let Content::Documents(documents) = &file.content else {
        return Err(LoadError::NotAPolicy { path: name.into() });
    };
    Ok(documents)
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
