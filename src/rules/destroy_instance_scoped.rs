//! `kvstore:DestroyInstance` with a resource other than `*`: it matches nothing.
//!
//! ## What it does
//! Reports a statement that names `kvstore:DestroyInstance` (the permanent deletion of a
//! released instance from the recycle bin) with resources that do not include `"*"`.
//!
//! A `Resource` with a value only Terraform knows may hold `"*"`: not reported.
//!
//! ## Why is this bad?
//! `DestroyInstance` accepts only `"*"` as its resource: a statement scoped to an instance ARN
//! never matches it. An `Allow` so scoped grants nothing; a `Deny` so scoped protects nothing,
//! and the recycle bin — the last chance to undo a release — stays open to anyone else allowed.
//!
//! ## Example
//! ```json
//! { "Effect": "Deny", "Action": "kvstore:DestroyInstance", "Resource": "acs:kvstore:*:*:instance/*" }
//! ```
//!
//! Use instead:
//! ```json
//! { "Effect": "Deny", "Action": "kvstore:DestroyInstance", "Resource": "*" }
//! ```

use super::{Context, Finding, Rule, Severity, effect_label};
use crate::policy::Effect;

pub static RULE: Rule = Rule {
    code: "RG207",
    name: "destroy-instance-scoped",
    severity: Severity::Warning,
    source: include_str!("destroy_instance_scoped.rs"),
    check,
};

const DESTROY_INSTANCE: &str = "kvstore:DestroyInstance";

fn check(ctx: &Context<'_>, sink: &mut Vec<Finding>) {
    if !ctx.is_permission_policy() {
        return;
    }
    for statement in &ctx.policy.statements {
        let Some(actions) = statement.actions.as_ref().filter(|a| !a.negated) else {
            continue;
        };
        if !actions
            .items
            .iter()
            .any(|i| i.value.eq_ignore_ascii_case(DESTROY_INSTANCE))
        {
            continue;
        }
        // With `NotResource`, the statement is about `*` unless it excludes it: not this mistake.
        let Some(resources) = statement.resources.as_ref().filter(|_| !statement.not_resource) else {
            continue;
        };
        if resources.is_empty() || resources.iter().any(|r| r.value == "*") || statement.has_unknown(&["Resource"]) {
            continue;
        }
        let Some(first) = resources.first() else { continue };
        let consequence = match statement.effect {
            Some((Effect::Deny, _)) => "this `Deny` never protects the recycle bin",
            _ => "this statement never grants it",
        };
        let (effect_span, effect_text) = effect_label(statement);
        sink.push(
            Finding::new(
                &RULE,
                first.span,
                format!("`{DESTROY_INSTANCE}` takes only `\"*\"` as its resource: {consequence}"),
            )
            .label("never matches `kvstore:DestroyInstance`")
            .related(effect_span, effect_text)
            .pointer(&first.pointer)
            .help(format!(
                "put `{DESTROY_INSTANCE}` in a statement of its own with `\"Resource\": \"*\"`"
            )),
        );
    }
}
