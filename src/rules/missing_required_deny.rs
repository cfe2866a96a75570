//! A policy that an organisation requirement says must deny an action, and does not.
//!
//! ## What it does
//! Checks the requirements of `ramguard.toml`: every policy whose path (relative to
//! `ramguard.toml`) matches a `[[require]]` entry must contain an unconditional `Deny` of each
//! listed action on every resource of its service:
//!
//! ```toml
//! [[require]]
//! path = "policies/prod/**"
//! deny = ["kvstore:DeleteInstance"]
//! reason = "production caches are released through the change process only"
//! ```
//!
//! In a Terraform document, a statement that may be a `Deny` and holds values only Terraform
//! knows may be the required one: the requirement is then not reported (the plan says).
//!
//! ## Why is this bad?
//! A repository of policies drifts: someone adds `kvstore:*` to a production role for a
//! weekend. An explicit `Deny` in every production policy keeps the release of production
//! instances out of reach whatever else the policy allows, and this rule keeps the `Deny` there.
//!
//! ## Example
//! A policy under `policies/prod/` with no `Deny` of `kvstore:DeleteInstance`.
//!
//! Use instead:
//! ```json
//! { "Effect": "Deny", "Action": "kvstore:DeleteInstance", "Resource": "*" }
//! ```

use super::{Context, Finding, Rule, Severity, opening, split_action};
use crate::eval::Resource;
use crate::eval::Truth;
use crate::policy::Effect;

pub static RULE: Rule = Rule {
    code: "RG209",
    name: "missing-required-deny",
    severity: Severity::Error,
    source: include_str!("missing_required_deny.rs"),
    check,
};

fn check(ctx: &Context<'_>, sink: &mut Vec<Finding>) {
    if !ctx.is_permission_policy() {
        return;
    }
    let options = glob::MatchOptions {
        require_literal_separator: true,
        ..glob::MatchOptions::new()
    };
    for requirement in ctx
        .settings
        .requirements
        .iter()
        .filter(|r| r.pattern.matches_with(ctx.path, options))
    {
        // A statement that may deny with parts only known when the document is rendered (or a
        // statement unknown as a whole) may be the required `Deny`: nothing is said on a guess.
        if ctx
            .policy
            .statements
            .iter()
            .any(|s| !s.unknown.is_empty() && !matches!(s.effect, Some((Effect::Allow, _))))
        {
            return;
        }
        for action in &requirement.actions {
            let (service, _) = split_action(action);
            // A resource of the service in a region and account no pattern names: a `Deny` that
            // covers it covers them all.
            let probe = if service.eq_ignore_ascii_case("kvstore") {
                Resource::known(super::PROBE_INSTANCE)
            } else {
                Resource::known(format!(
                    "acs:{service}:zz-ramguard-probe:0000000000000000:ramguardprobe"
                ))
            };
            // A `Resource` that covers the probe covers every resource; a `NotResource` covers
            // every one only when none of its entries may name one of the service.
            let denied = ctx.compiled_for(action).into_iter().any(|s| {
                s.effect == Effect::Deny
                    && s.conditions.is_empty()
                    && s.unmodelled.is_empty()
                    && s.action_matches(action)
                    && if s.not_resource {
                        !s.resources
                            .iter()
                            .any(|r| super::may_name_a_resource_of(r.text(), service))
                    } else {
                        s.resource_truth(&probe) == Truth::Yes
                    }
            });
            if denied {
                continue;
            }
            let why = requirement
                .reason
                .as_deref()
                .map_or_else(String::new, |r| format!(" ({r})"));
            sink.push(
                Finding::new(
                    &RULE,
                    opening(ctx.root),
                    format!(
                        "policies under `{}` must deny `{action}` unconditionally{why}; this one does not",
                        requirement.pattern.as_str()
                    ),
                )
                .label("no unconditional `Deny` of it here")
                .pointer("")
                .help(format!(
                    "add `{{\"Effect\": \"Deny\", \"Action\": \"{action}\", \"Resource\": \"*\"}}` to `Statement`"
                )),
            );
        }
    }
}
