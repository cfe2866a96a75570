//! An action pattern that matches no known action of its service.
//!
//! ## What it does
//! Matches every wildcard action against the catalogue: a service pattern (`yundun-*`) must
//! match a known service code, and a pattern in a catalogued service (`kvstore:Delet*Instances`)
//! must match one of its actions.
//!
//! ## Why is this bad?
//! A wildcard that matches nothing is a typo in disguise: `kvstore:Describe*s*Backups` grants
//! nothing today and may grant something unexpected when the service adds an action.
//!
//! ## Example
//! ```json
//! { "Effect": "Allow", "Action": "kvstore:Descibe*", "Resource": "*" }
//! ```
//!
//! Use instead:
//! ```json
//! { "Effect": "Allow", "Action": "kvstore:Describe*", "Resource": "*" }
//! ```

use super::{Context, Finding, Rule, Severity};
use crate::eval::pattern::Pattern;

pub static RULE: Rule = Rule {
    code: "RG104",
    name: "wildcard-matches-nothing",
    severity: Severity::Warning,
    source: include_str!("wildcard_matches_nothing.rs"),
    check,
};

fn check(ctx: &Context<'_>, sink: &mut Vec<Finding>) {
    let catalog = &ctx.settings.catalog;
    for (_, _, item, entry) in ctx.action_entries() {
        if !entry.wildcard || !entry.has_colon {
            continue;
        }
        let (service, name) = entry.split(item.value);
        let problem = if entry.service_wildcard {
            let pattern = Pattern::ignoring_case(service);
            if catalog.services().any(|s| pattern.matches(s)) {
                continue;
            }
            format!("no known service code matches `{service}`")
        } else {
            let Some(known) = catalog.actions(service) else {
                continue;
            };
            // The common wildcard, `Describe*` or `*`, matches an action exactly when one
            // starts with its text: a binary search, not a match against every action.
            let lowercase = name.to_ascii_lowercase();
            let prefix = lowercase.strip_suffix('*').filter(|p| !super::has_wildcard(p));
            let matches_some = match prefix {
                Some(prefix) => catalog.has_action_starting_with(service, prefix).unwrap_or(false),
                None => {
                    let pattern = Pattern::ignoring_case(name);
                    known.iter().any(|a| pattern.matches_lowercased(&a.lowercase))
                }
            };
            if matches_some {
                continue;
            }
            format!("no {} action matches `{name}`", service.to_ascii_lowercase())
        };
        sink.push(
            Finding::new(&RULE, item.span, format!("`{}` matches nothing: {problem}", item.value))
                .label("matches no known action")
                .pointer(&item.pointer)
                .help("check the spelling; `ramguard explain wildcard-matches-nothing` says where the catalogue comes from"),
        );
    }
}
