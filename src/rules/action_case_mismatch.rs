//! A known action written in another case.
//!
//! ## What it does
//! Reports an action whose service code or name differs from the documented spelling only in
//! case: `kvstore:deleteinstance`, `KVStore:DeleteInstance`.
//!
//! ## Why is this bad?
//! RAM matches action names case-insensitively ("generally not case-sensitive", in its own
//! words), so the statement works — but reviewers, `grep` and every other tool look for the
//! documented spelling, and a `Deny` that nobody can find is a `Deny` that gets deleted.
//!
//! ## Example
//! ```json
//! { "Effect": "Deny", "Action": "kvstore:deleteinstance", "Resource": "*" }
//! ```
//!
//! Use instead:
//! ```json
//! { "Effect": "Deny", "Action": "kvstore:DeleteInstance", "Resource": "*" }
//! ```

use super::{Context, Finding, Rule, Severity};
use crate::catalog::Lookup;

pub static RULE: Rule = Rule {
    code: "RG103",
    name: "action-case-mismatch",
    severity: Severity::Warning,
    source: include_str!("action_case_mismatch.rs"),
    check,
};

fn check(ctx: &Context<'_>, sink: &mut Vec<Finding>) {
    for (_, _, item, entry) in ctx.action_entries() {
        // The common case first, settled by the lookup already made: nothing in another case.
        if entry.service_in_lowercase && !matches!(entry.lookup, Lookup::OtherCase(_)) {
            continue;
        }
        let (service, name) = entry.split(item.value);
        if !entry.knows_service || !entry.has_colon || entry.service_wildcard {
            continue;
        }
        let canonical = match entry.lookup {
            Lookup::OtherCase(action) => format!("{}:{}", service.to_ascii_lowercase(), action.name),
            Lookup::Known(_) | Lookup::NotCatalogued if !entry.service_in_lowercase => {
                format!("{}:{name}", service.to_ascii_lowercase())
            }
            _ => continue,
        };
        sink.push(
            Finding::new(&RULE, item.span, format!("`{}` is written `{canonical}` in RAM's documentation", item.value))
                .label("another case")
                .pointer(&item.pointer)
                .help(format!("write `{canonical}`: RAM matches it either way, but reviewers and tools search for the documented spelling")),
        );
    }
}
