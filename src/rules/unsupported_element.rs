//! An element that RAM's current pages do not document: `Sid`.
//!
//! ## What it does
//! Warns about `Sid` in a statement, and about `Resource` in a trust policy. (`NotResource` is
//! in RAM's grammar pages, `<resource_block> = ("Resource" | "NotResource")`: ramguard evaluates
//! it as the mirror of `NotAction` and does not report it here.)
//!
//! ## Why is this bad?
//! `Sid` exists in AWS IAM and in some Alibaba resource policies (KMS key policies), but RAM's
//! documentation of identity policies does not describe it. Whether RAM refuses it, ignores it
//! or keeps it is not verified; a policy should not rest on it.
//!
//! ## Example
//! ```json
//! { "Sid": "ReadOnly", "Effect": "Allow", "Action": "kvstore:Describe*", "Resource": "*" }
//! ```
//!
//! Use instead:
//! ```json
//! { "Effect": "Allow", "Action": "kvstore:Describe*", "Resource": "*" }
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
            let help = match member.key.as_ref() {
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
