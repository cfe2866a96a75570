//! `Allow` of `*` on `*`.
//!
//! ## What it does
//! Reports an `Allow` statement with the action `*` and the resource `*`: every action of every
//! service on every resource.
//!
//! In a Terraform document, both `*` must be known: an `Action` or `Resource` only Terraform
//! knows is not assumed to be `*` here (the other security rules name such assumptions).
//!
//! ## Why is this bad?
//! It is the account owner's power, attached to a user or role whose credentials are easier to
//! leak. Alibaba Cloud ships `AdministratorAccess` for the rare principal that needs it; a
//! custom policy that grants the same is rarely meant to. A condition (MFA, source network)
//! narrows who can use it, not what it grants.
//!
//! ## Example
//! ```json
//! { "Effect": "Allow", "Action": "*", "Resource": "*" }
//! ```
//!
//! Use instead:
//! ```json
//! { "Effect": "Allow", "Action": ["kvstore:Describe*", "ecs:Describe*"], "Resource": "*" }
//! ```

use super::{Context, Finding, Rule, Severity, effect_label};

pub static RULE: Rule = Rule {
    code: "RG205",
    name: "full-admin",
    severity: Severity::Warning,
    source: include_str!("full_admin.rs"),
    check,
};

fn check(ctx: &Context<'_>, sink: &mut Vec<Finding>) {
    if !ctx.is_permission_policy() {
        return;
    }
    for statement in ctx.policy.statements.iter().filter(|s| s.is_allow()) {
        let Some(actions) = statement.actions.as_ref().filter(|a| !a.negated) else {
            continue;
        };
        let Some(star) = actions.items.iter().find(|i| i.value == "*") else {
            continue;
        };
        if statement.not_resource || !statement.resources.iter().flatten().any(|r| r.value == "*") {
            continue;
        }
        let message = if statement.conditions.is_empty() {
            "`Allow` of `*` on `*` grants every action on every resource".to_string()
        } else {
            "`Allow` of `*` on `*` grants every action on every resource (its conditions only narrow who can use it)"
                .to_string()
        };
        let (effect_span, effect_text) = effect_label(statement);
        sink.push(
            Finding::new(&RULE, star.span, message)
                .label("every action")
                .related(effect_span, effect_text)
                .pointer(&star.pointer)
                .help("list the services and actions this principal needs; attach the system policy `AdministratorAccess` where full power is really meant"),
        );
    }
}
