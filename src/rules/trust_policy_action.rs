//! A trust policy that allows an action other than `sts:AssumeRole`.
//!
//! ## What it does
//! Reports, in a role's trust policy, an `Allow` statement's action that does not cover
//! `sts:AssumeRole`: most often `sts:AssumeRoleWithOIDC` or `sts:AssumeRoleWithSAML`, written
//! as AWS writes `sts:AssumeRoleWithWebIdentity`. A document is a trust policy when a statement
//! names a `Principal` and the action `sts:AssumeRole`, or when statements name a `Principal`,
//! none names a `Resource`, and every action beside a `Principal` is of STS.
//!
//! ## Why is this bad?
//! `AssumeRoleWithOIDC` and `AssumeRoleWithSAML` are the names of STS's API operations, not of
//! the action a trust policy allows: RAM's own trust policies for OIDC and SAML identity
//! providers allow `sts:AssumeRole` (Alibaba Cloud, "Create a RAM role for a trusted IdP").
//! Whether RAM refuses another action or stores a trust policy that lets nobody assume the role
//! is not documented: either way the federation does not work as written.
//!
//! ## Example
//! ```json
//! { "Effect": "Allow",
//!   "Principal": { "Federated": ["acs:ram::1234567890123456:oidc-provider/github"] },
//!   "Action": "sts:AssumeRoleWithOIDC",
//!   "Condition": { "StringEquals": { "oidc:iss": "https://token.actions.githubusercontent.com" } } }
//! ```
//!
//! Use instead:
//! ```json
//! { "Effect": "Allow",
//!   "Principal": { "Federated": ["acs:ram::1234567890123456:oidc-provider/github"] },
//!   "Action": "sts:AssumeRole",
//!   "Condition": { "StringEquals": { "oidc:iss": "https://token.actions.githubusercontent.com" } } }
//! ```

use super::{Context, Finding, Rule, Severity};
use crate::eval::pattern::Pattern;
use crate::policy::PolicyKind;

pub static RULE: Rule = Rule {
    code: "RG022",
    name: "trust-policy-action",
    severity: Severity::Warning,
    source: include_str!("trust_policy_action.rs"),
    check,
};

fn check(ctx: &Context<'_>, sink: &mut Vec<Finding>) {
    if ctx.policy.kind != PolicyKind::Trust {
        return;
    }
    for statement in ctx.policy.statements.iter().filter(|s| s.is_allow()) {
        let Some(actions) = statement.actions.as_ref().filter(|a| !a.negated) else {
            continue;
        };
        for item in &actions.items {
            if Pattern::ignoring_case(item.value).matches("sts:assumerole") {
                continue;
            }
            let federation = [
                "sts:assumerolewithoidc",
                "sts:assumerolewithsaml",
                "sts:assumerolewithwebidentity",
            ]
            .iter()
            .any(|name| item.value.eq_ignore_ascii_case(name));
            let message = if federation {
                format!("`{}` is an STS operation, not a trust policy's action", item.value)
            } else {
                format!("a trust policy allows `{}`", item.value)
            };
            sink.push(
                Finding::new(&RULE, item.span, message)
                    .label("trust policies allow `sts:AssumeRole`")
                    .pointer(&item.pointer)
                    .help("write `\"Action\": \"sts:AssumeRole\"`: RAM's trust policies allow it for every principal, SAML and OIDC identity providers too"),
            );
        }
    }
}
