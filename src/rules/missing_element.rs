//! A required element is missing.
//!
//! ## What it does
//! Reports a document without `Version` or `Statement`, and a statement without `Effect`,
//! without `Action` or `NotAction`, without `Resource` (in a permission policy) or without
//! `Principal` (in a trust policy).
//!
//! ## Why is this bad?
//! RAM refuses such a document. A missing `Resource` is an easy slip when a policy is ported
//! from a trust policy or written from memory.
//!
//! ## Example
//! ```json
//! { "Version": "1", "Statement": [ { "Effect": "Allow", "Action": "kvstore:DescribeInstances" } ] }
//! ```
//!
//! Use instead:
//! ```json
//! { "Version": "1", "Statement": [ { "Effect": "Allow", "Action": "kvstore:DescribeInstances", "Resource": "*" } ] }
//! ```

use super::{Context, Finding, Rule, Severity, opening};
use crate::policy::PolicyKind;

pub static RULE: Rule = Rule {
    code: "RG004",
    name: "missing-element",
    severity: Severity::Error,
    source: include_str!("missing_element.rs"),
    check,
};

fn check(ctx: &Context<'_>, sink: &mut Vec<Finding>) {
    if ctx.root.as_object().is_none() {
        return; // `invalid-element-type` says what is wrong.
    }
    for (key, help) in [
        ("Version", "add `\"Version\": \"1\"`"),
        ("Statement", "add `\"Statement\": [...]` with at least one statement"),
    ] {
        if ctx.root.get(key).is_none() {
            sink.push(
                Finding::new(&RULE, opening(ctx.root), format!("the document has no `{key}`"))
                    .label(format!("this document lacks `{key}`"))
                    .pointer("")
                    .help(help),
            );
        }
    }
    let trust = ctx.policy.kind == PolicyKind::Trust;
    for (statement, pointer) in ctx.statement_nodes() {
        let has = |key: &str| statement.get(key).is_some();
        let mut missing = Vec::new();
        if !has("Effect") {
            missing.push(("`Effect`", "add `\"Effect\": \"Allow\"` or `\"Effect\": \"Deny\"`"));
        }
        if !has("Action") && !has("NotAction") {
            missing.push((
                "`Action` or `NotAction`",
                "add `\"Action\"` with the actions the statement is about",
            ));
        }
        if trust {
            if !has("Principal") {
                missing.push((
                    "`Principal`",
                    "a trust policy statement names who may assume the role: add `\"Principal\": {\"RAM\": [...]}`",
                ));
            }
        } else if !has("Resource") && !has("NotResource") {
            missing.push((
                "`Resource`",
                "add `\"Resource\"`: an ARN such as `acs:kvstore:*:*:instance/r-...`, or `\"*\"`",
            ));
        }
        for (what, help) in missing {
            sink.push(
                Finding::new(
                    &RULE,
                    opening(statement),
                    format!("statement {} has no {what}", statement_number(pointer)),
                )
                .label(format!("this statement lacks {what}"))
                .pointer(pointer)
                .help(help),
            );
        }
    }
}

/// `/Statement/3` → `4`: numbered from 1, as an editor numbers lines (the pointer's index is
/// 0-based); a lone statement object is statement 1.
fn statement_number(pointer: &str) -> usize {
    pointer
        .rsplit('/')
        .next()
        .and_then(|s| s.parse::<usize>().ok())
        .map_or(1, |index| index.saturating_add(1))
}
