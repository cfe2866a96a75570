//! An element that RAM does not document: `NotResource`, `Sid`.
//!
//! ## What it does
//! Warns about `NotResource` and `Sid` in a statement, and about `Resource` in a trust policy.
//!
//! ## Why is this bad?
//! These elements exist in AWS IAM and in some Alibaba resource policies (`Sid` in KMS key
//! policies), but RAM's documentation of identity policies does not describe them. Whether RAM
//! refuses them, ignores them or honours them is not verified; a policy should not rest on it.
//! A `NotResource` that RAM ignores would turn a narrow statement into one about every resource.
//!
//! ## Example
//! ```json
//! { "Sid": "ReadOnly", "Effect": "Allow", "Action": "kvstore:Describe*", "NotResource": "acs:kvstore:*:*:instance/r-prod*" }
//! ```
//!
//! Use instead:
//! ```json
//! [ { "Effect": "Allow", "Action": "kvstore:Describe*", "Resource": "*" },
//!   { "Effect": "Deny", "Action": "kvstore:Describe*", "Resource": "acs:kvstore:*:*:instance/r-prod*" } ]
//! ```

use super::{Context, Finding, Rule, Severity};
use crate::policy::PolicyKind;

pub static RULE: Rule = Rule {
    code: "RG012",
    name: "unsupported-element",
    severity: Severity::Warning,
    source: include_str!("unsupported_element.rs"),
    check,
};

fn check(ctx: &Context<'_>, sink: &mut Vec<Finding>) {
    for (statement, pointer) in ctx.statement_nodes() {
        for member in statement.as_object().unwrap_or_default() {
            let help = match member.key.as_str() {
                "NotResource" => "list the resources in `Resource`, and carve out exceptions with a `Deny` statement",
                "Sid" => "remove it, or keep the note outside the document (a policy's description)",
                "Resource" if ctx.policy.kind == PolicyKind::Trust => {
                    "a trust policy statement names a `Principal` and takes no `Resource`: remove it"
                }
                _ => continue,
            };
            sink.push(
                Finding::new(
                    &RULE,
                    member.key_span,
                    format!("`{}` is not documented for RAM policies", member.key),
                )
                .label("not in RAM's policy grammar")
                .pointer(format!("{pointer}/{}", member.key))
                .help(help),
            );
        }
    }
}
