//! The checks that fail a `diff` (exit 1): `fail-on-new-access` and `deny-access
//! ACTION[@RESOURCE]`, from the command line and from `ramguard.toml`'s `[diff]`; and what
//! each compared document carries to the reporters.

use std::collections::BTreeSet;
use std::sync::Arc;

use super::{DocumentDiff, Witness};
use crate::catalog::Catalog;
use crate::eval::{CompiledPolicy, Decision, StatementRef};
use crate::source::SourceFile;

/// One document compared, for the reporters.
#[derive(Debug)]
pub struct DocumentReport {
    /// OLD as shown (`HEAD:policies/ops.json`, or the file named); `None`: no such document.
    pub old_file: Option<String>,
    /// The file's path (NEW's, or where it was for a deleted file).
    pub file: String,
    /// NEW as shown (`policies/ops.json (staged)`); `None`: the document is gone.
    pub new_file: Option<String>,
    /// The document's name inside its file (Terraform), when it has one.
    pub address: Option<String>,
    /// `added`, `modified` or `deleted` (the document, not only the file), or `not-compared`
    /// (a side only Terraform knows, a trust policy: the notes say why).
    pub status: &'static str,
    /// NEW's text, where the reporters find a statement's column.
    pub new_source: Option<Arc<SourceFile>>,
    pub diff: DocumentDiff,
}

/// A check that failed.
#[derive(Debug)]
pub struct Failed {
    pub check: String,
    /// What failed, up to the request that shows it (the reporters add the witness when
    /// `names_witness`).
    pub message: String,
    pub names_witness: bool,
    pub witness: Option<Witness>,
    /// NEW's statements that allow the witness.
    pub statements: Vec<StatementRef>,
    /// NEW's text, where the reporters find a statement's column.
    pub source: Option<Arc<SourceFile>>,
}

/// Where a check comes from, as messages name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    CommandLine,
    Config,
}

/// `deny-access ACTION[@RESOURCE]`: NEW must not allow (or may allow) it in any context.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DenyAccess {
    /// As written.
    pub text: String,
    pub action: String,
    pub resource: Option<String>,
    pub origin: Origin,
}

impl DenyAccess {
    /// `service:ActionName[@ARN]`: one action, without wildcards; the ARN may be a pattern
    /// (`acs:kvstore:*:*:instance/prod-*`). The error is the message's tail.
    pub fn parse(text: &str, origin: Origin) -> Result<Self, String> {
        let (action, resource) = match text.split_once('@') {
            Some((action, resource)) => (action.trim(), Some(resource.trim())),
            None => (text.trim(), None),
        };
        if action.contains(['*', '?']) || crate::rules::invalid_action::check_form(action).is_err() {
            return Err(format!(
                "`{action}` is not an action: write `service:ActionName[@ARN]`, without wildcards"
            ));
        }
        if let Some(resource) = resource
            && crate::rules::invalid_resource::check_form(resource).is_err()
        {
            return Err(format!(
                "`{resource}` is not a resource ARN: write `acs:<service>:<region>:<account>:<relative-id>` (wildcards allowed)"
            ));
        }
        Ok(Self {
            text: text.to_string(),
            action: action.to_string(),
            resource: resource.map(str::to_string),
            origin,
        })
    }

    /// A check of an action the catalogue does not know would pass whatever NEW says (a
    /// `r-kvstore:` prefix, a typo): refused, with what was meant. A service without an action
    /// list, and an action written in another case (RAM ignores it), pass.
    pub fn check_catalogued(&self, catalog: &Catalog) -> Result<(), String> {
        let (service, name) = crate::rules::split_action(&self.action);
        let write = |code: &str| format!("write `{code}:{name}`");
        if !catalog.knows_service(service) {
            return Err(match catalog.alias(service) {
                Some(code) => format!(
                    "`{service}` is not a RAM service code, so no policy allows `{}`: {}",
                    self.action,
                    write(code)
                ),
                None => {
                    let add = format!("if `{service}` is right, add it to `[catalog] services` in ramguard.toml");
                    match crate::suggest::did_you_mean(service, catalog.services()) {
                        Some(code) => format!(
                            "`{service}` is not in ramguard's catalogue of services: {}, or {add}",
                            write(code)
                        ),
                        None => format!("`{service}` is not in ramguard's catalogue of services: {add}"),
                    }
                }
            });
        }
        if let crate::catalog::Lookup::Unknown = catalog.lookup(service, name) {
            let names = catalog
                .actions(service)
                .unwrap_or_default()
                .iter()
                .map(|a| a.name.as_str());
            let meant = crate::suggest::did_you_mean(name, names)
                .map(|n| format!("did you mean `{service}:{n}`? "))
                .unwrap_or_default();
            return Err(format!(
                "`{}` is not a `{service}` action in ramguard's catalogue, so the check would pass whatever the policy says: {meant}if the action is new, add it to `[catalog] actions` in ramguard.toml",
                self.action
            ));
        }
        if let Some(resource_service) = self.resource.as_deref().and_then(|r| r.split(':').nth(1))
            && !resource_service.contains(['*', '?'])
            && let Some(code) = catalog.alias(resource_service)
        {
            return Err(format!(
                "`{resource_service}` in the ARN is not a RAM service code, so no policy names that resource: write `acs:{code}:...`"
            ));
        }
        Ok(())
    }

    pub fn name(&self) -> String {
        match self.origin {
            Origin::CommandLine => format!("--deny-access `{}`", self.text),
            Origin::Config => format!("deny-access `{}` (ramguard.toml)", self.text),
        }
    }
}

/// The checks of one run: the configuration's, and the command line's added to them.
#[derive(Debug, Clone, Default)]
pub struct Checks {
    pub fail_on_new_access: Option<Origin>,
    pub deny_access: Vec<DenyAccess>,
}

impl Checks {
    pub fn is_empty(&self) -> bool {
        self.fail_on_new_access.is_none() && self.deny_access.is_empty()
    }

    /// Add a check (one written in both places counts once).
    pub fn add_deny_access(&mut self, check: DenyAccess) {
        if !self
            .deny_access
            .iter()
            .any(|c| c.action == check.action && c.resource == check.resource)
        {
            self.deny_access.push(check);
        }
    }

    /// Run the checks on one compared document (`new`: NEW's policy, `None` when the document is
    /// gone); the limits of the deny-access searches join the document's. Returns the failures,
    /// and whether a check found nothing over a comparison that was not exhaustive.
    pub fn check(&self, report: &mut DocumentReport, new: Option<&CompiledPolicy>) -> (Vec<Failed>, bool) {
        let mut failed = Vec::new();
        let new_shown = report.new_file.clone().unwrap_or_else(|| report.file.clone());
        let diff = &report.diff;
        if let Some(origin) = self.fail_on_new_access
            && diff.may_add_access()
        {
            let conditional = diff.conditional_new();
            let before = match &report.old_file {
                Some(old) => format!("`{old}` denies"),
                None => "nothing allowed before (a new document)".to_string(),
            };
            // A denial can only be lifted from a document that was there.
            let old_shown = report
                .old_file
                .as_deref()
                .map_or_else(|| "OLD".to_string(), |old| format!("`{old}`"));
            failed.push(Failed {
                check: "fail-on-new-access".into(),
                message: {
                    let mut what = Vec::new();
                    if !diff.new.is_empty() || conditional == 0 && diff.lifted.is_empty() && diff.may_lift.is_empty() {
                        what.push(format!("allows {} request(s) that {before}", diff.new.len()));
                    }
                    if conditional > 0 {
                        what.push(format!(
                            "may allow {conditional} request(s) that {before} (conditional)"
                        ));
                    }
                    if !diff.may_lift.is_empty() {
                        what.push(format!(
                            "may no longer deny {} request(s) that {old_shown} may have denied (conditional)",
                            diff.may_lift.len()
                        ));
                    }
                    if !diff.lifted.is_empty() {
                        what.push(format!(
                            "no longer denies {} request(s) that {old_shown} denied (a policy that allows them now grants them)",
                            diff.lifted.len()
                        ));
                    }
                    format!(
                        "{}: `{new_shown}`{} {}",
                        match origin {
                            Origin::CommandLine => "--fail-on-new-access",
                            Origin::Config => "fail-on-new-access (ramguard.toml)",
                        },
                        report.address.as_ref().map(|a| format!(" `{a}`")).unwrap_or_default(),
                        what.join(", and ")
                    )
                },
                names_witness: false,
                witness: diff.new.first().or(diff.lifted.first()).map(|c| c.witness.clone()),
                // NEW's statements that allow it: a lifted denial has none in NEW.
                statements: diff.new.first().map(|c| c.statements.clone()).unwrap_or_default(),
                source: report.new_source.clone(),
            });
        }
        let mut limits = BTreeSet::new();
        if let Some(new) = new {
            for check in &self.deny_access {
                if let Some((witness, decision, statements)) =
                    super::allows_somewhere(new, &check.action, check.resource.as_deref(), &mut limits)
                {
                    failed.push(Failed {
                        check: format!("deny-access {}", check.text),
                        message: format!(
                            "{}: `{new_shown}`{} {}",
                            check.name(),
                            report.address.as_ref().map(|a| format!(" `{a}`")).unwrap_or_default(),
                            if decision == Decision::Allowed {
                                "allows"
                            } else {
                                "may allow (conditional)"
                            },
                        ),
                        names_witness: true,
                        witness: Some(witness),
                        statements,
                        source: report.new_source.clone(),
                    });
                }
            }
        }
        // A check that found nothing over an incomplete comparison proves nothing: uncertain.
        // Any note counts for `deny-access` too, not only its own search's bounds: a note may
        // say that a document of NEW was not compared at all (one only Terraform knows, a
        // document read as a trust policy), and then nothing was checked there.
        let incomplete = !report.diff.limits.is_empty();
        let uncertain = failed.is_empty()
            && ((self.fail_on_new_access.is_some() && incomplete)
                || (!self.deny_access.is_empty() && (incomplete || !limits.is_empty())));
        report.diff.limits.extend(limits);
        (failed, uncertain)
    }
}
