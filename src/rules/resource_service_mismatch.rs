//! No resource of the statement can belong to the service of its actions.
//!
//! ## What it does
//! For a statement whose actions all belong to kvstore, checks that at least one of its
//! resources can be a kvstore resource: `kvstore:DeleteInstance` on `acs:rds:*:*:dbinstance/*`
//! can never match. Only services whose actions act on their own resources are checked, and
//! ramguard knows that of kvstore: elsewhere, actions legitimately name other services'
//! resources (`slb:AddBackendServers` on ECS instances, `dms:LoginDatabase` on RDS instances,
//! `sts:AssumeRole` on RAM roles, all in Alibaba's own examples).
//!
//! A statement with an action or a resource only Terraform knows is not checked: it may be
//! one that matches.
//!
//! ## Why is this bad?
//! The statement matches nothing. It is usually a copy-and-paste from another service's policy:
//! an `Allow` that grants nothing, or a `Deny` that protects nothing.
//!
//! ## Example
//! ```json
//! { "Effect": "Deny", "Action": "kvstore:DeleteInstance", "Resource": "acs:rds:*:*:dbinstance/*" }
//! ```
//!
//! Use instead:
//! ```json
//! { "Effect": "Deny", "Action": "kvstore:DeleteInstance", "Resource": "acs:kvstore:*:*:instance/*" }
//! ```

use super::{Context, Finding, Rule, Severity, effect_label};
use crate::eval::pattern::matches_ignoring_case;

pub static RULE: Rule = Rule {
    code: "RG105",
    name: "resource-service-mismatch",
    severity: Severity::Warning,
    source: include_str!("resource_service_mismatch.rs"),
    check,
};

/// Services whose actions take only their own resources (or `*`).
const SELF_CONTAINED: [&str; 1] = ["kvstore"];

fn check(ctx: &Context<'_>, sink: &mut Vec<Finding>) {
    if !ctx.is_permission_policy() {
        return;
    }
    for statement in &ctx.policy.statements {
        let (Some(actions), Some(resources)) = (&statement.actions, &statement.resources) else {
            continue;
        };
        // `NotResource` of another service's resources excludes nothing: the statement is about
        // every resource of its own, not about none.
        if actions.negated
            || statement.not_resource
            || resources.is_empty()
            || statement.has_unknown(&["Action", "Resource"])
        {
            continue;
        }
        // The one service of every action, if there is one and it has no wildcard.
        // Compared ignoring case, without a lowercase copy of each.
        let mut services = actions
            .items
            .iter()
            .zip(ctx.entries_of(statement))
            .map(|(item, entry)| entry.split(item.value).0);
        let Some(first) = services.next() else { continue };
        if !SELF_CONTAINED.iter().any(|s| s.eq_ignore_ascii_case(first))
            || !services.all(|s| s.eq_ignore_ascii_case(first))
        {
            continue;
        }
        let service = first.to_ascii_lowercase();
        let may_belong = |arn: &str| match arn.strip_prefix("acs:").and_then(|rest| rest.split(':').next()) {
            Some(resource_service) => matches_ignoring_case(resource_service, &service),
            None => true, // `*`, or not an ARN (`invalid-resource`)
        };
        if resources.iter().any(|r| may_belong(r.value)) {
            continue;
        }
        let Some(first) = resources.first() else { continue };
        let (effect_span, effect_text) = effect_label(statement);
        sink.push(
            Finding::new(&RULE, first.span, format!("no resource of this statement belongs to `{service}`, the service of its actions: it matches nothing"))
                .label(format!("not a `{service}` resource"))
                .related(actions.key_span, format!("`{service}` actions"))
                .related(effect_span, effect_text)
                .pointer(&first.pointer)
                .help(format!("write `{service}` resources, such as `acs:{service}:*:*:...`, or move the actions to a statement of their own")),
        );
    }
}
