//! `Action` and `NotAction` in one statement.
//!
//! ## What it does
//! Reports a statement that has both `Action` and `NotAction` (or both `Resource` and
//! `NotResource`), and labels both.
//!
//! ## Why is this bad?
//! A statement has exactly one of the pair. With both, RAM refuses the document; a tool that
//! quietly picks one reads a different policy from the one the author meant.
//!
//! ## Example
//! ```json
//! { "Effect": "Allow", "Action": "kvstore:*", "NotAction": "kvstore:DeleteInstance", "Resource": "*" }
//! ```
//!
//! Use instead:
//! ```json
//! [ { "Effect": "Allow", "Action": "kvstore:*", "Resource": "*" },
//!   { "Effect": "Deny", "Action": "kvstore:DeleteInstance", "Resource": "*" } ]
//! ```

use super::{Context, Finding, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "RG008",
    name: "conflicting-elements",
    severity: Severity::Error,
    source: include_str!("conflicting_elements.rs"),
    check,
};

fn check(ctx: &Context<'_>, sink: &mut Vec<Finding>) {
    for (statement, pointer) in ctx.statement_nodes() {
        for (positive, negative) in [("Action", "NotAction"), ("Resource", "NotResource")] {
            let (Some(p), Some(n)) = (statement.get(positive), statement.get(negative)) else {
                continue;
            };
            sink.push(
                Finding::new(&RULE, n.key_span, format!("a statement has both `{positive}` and `{negative}`"))
                    .label(format!("`{negative}` here"))
                    .related(p.key_span, format!("`{positive}` here"))
                    .pointer(format!("{pointer}/{negative}"))
                    .help(format!(
                        "keep one of them; to allow a set except some, allow the set with `{positive}` and add a `Deny` statement for the exceptions"
                    )),
            );
        }
    }
}
