//! A key the policy grammar does not know.
//!
//! ## What it does
//! Reports keys that RAM's policy grammar does not have: at the top of the document (only
//! `Version` and `Statement`), in a statement (`Effect`, `Action`, `NotAction`, `Resource`,
//! `Condition`, and `Principal` in a trust policy), and in `Principal` (`RAM`, `Service`,
//! `Federated`). Keys are case-sensitive; a near miss gets a "did you mean".
//!
//! ## Why is this bad?
//! `"Actions": [...]` is not a typo RAM forgives: the document is refused, or, worse, a tool
//! that ignores unknown keys reads a statement with no actions at all.
//!
//! ## Example
//! ```json
//! { "Effect": "Allow", "Actions": ["kvstore:DescribeInstances"], "Resource": "*" }
//! ```
//!
//! Use instead:
//! ```json
//! { "Effect": "Allow", "Action": ["kvstore:DescribeInstances"], "Resource": "*" }
//! ```

use super::{Context, Finding, Rule, Severity};
use crate::json::{Member, pointer_token};
use crate::suggest::did_you_mean;

pub static RULE: Rule = Rule {
    code: "RG005",
    name: "unknown-element",
    severity: Severity::Error,
    source: include_str!("unknown_element.rs"),
    check,
};

const DOCUMENT_KEYS: [&str; 2] = ["Version", "Statement"];
/// Every key a statement may have; `Sid` is `unsupported-element`'s, and a
/// misplaced `Principal` is `principal-in-permission-policy`'s.
const STATEMENT_KEYS: [&str; 8] = [
    "Effect",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
    "Principal",
    "Sid",
];
const PRINCIPAL_KEYS: [&str; 3] = ["RAM", "Service", "Federated"];

fn check(ctx: &Context<'_>, sink: &mut Vec<Finding>) {
    for member in ctx.root.as_object().unwrap_or_default() {
        if !DOCUMENT_KEYS.contains(&member.key.as_ref()) {
            sink.push(unknown(member, "", "the document", &DOCUMENT_KEYS));
        }
    }
    for (statement, pointer) in ctx.statement_nodes() {
        for member in statement.as_object().unwrap_or_default() {
            if !STATEMENT_KEYS.contains(&member.key.as_ref()) {
                sink.push(unknown(member, pointer, "a statement", &STATEMENT_KEYS));
            }
        }
        if let Some(principal) = statement.get("Principal") {
            let at = format!("{pointer}/Principal");
            for member in principal.value.as_object().unwrap_or_default() {
                if !PRINCIPAL_KEYS.contains(&member.key.as_ref()) {
                    sink.push(unknown(member, &at, "`Principal`", &PRINCIPAL_KEYS));
                }
            }
        }
    }
}

fn unknown(member: &Member, parent: &str, place: &str, known: &[&'static str]) -> Finding {
    let finding = Finding::new(
        &RULE,
        member.key_span,
        format!("`{}` is not an element of {place}", member.key),
    )
    .pointer(format!("{parent}/{}", pointer_token(&member.key)));
    match did_you_mean(&member.key, known.iter().copied()) {
        Some(suggestion) => finding
            .label(format!("did you mean `{suggestion}`?"))
            .help(format!("rename it to `{suggestion}`")),
        None => finding.label("unknown element").help(format!(
            "{place} takes {}",
            known.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ")
        )),
    }
}
