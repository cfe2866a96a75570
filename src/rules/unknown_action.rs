//! A kvstore action that is not in the catalogue.
//!
//! ## What it does
//! Checks every action of a catalogued service (kvstore, and any service whose actions you list
//! in `ramguard.toml`) against the catalogue, and suggests the nearest known action. The kvstore
//! catalogue is the 176 API names of the R-KVStore SDK; RAM may know a few console-only actions
//! beyond them, so this is a warning, and `[catalog.actions]` in `ramguard.toml` adds them.
//!
//! ## Why is this bad?
//! A misspelt action matches nothing. In an `Allow` the permission is missing; in a `Deny` the
//! protection is missing, silently: `kvstore:DeleteInstances` denies nothing.
//!
//! ## Example
//! ```json
//! { "Effect": "Deny", "Action": "kvstore:DeleteInstances", "Resource": "*" }
//! ```
//!
//! Use instead:
//! ```json
//! { "Effect": "Deny", "Action": "kvstore:DeleteInstance", "Resource": "*" }
//! ```

use std::collections::HashMap;

use super::{Context, Finding, Rule, Severity, effect_label};
use crate::catalog::Lookup;
use crate::policy::Effect;
use crate::suggest::did_you_mean;

pub static RULE: Rule = Rule {
    code: "RG102",
    name: "unknown-action",
    severity: Severity::Warning,
    source: include_str!("unknown_action.rs"),
    check,
};

fn check(ctx: &Context<'_>, sink: &mut Vec<Finding>) {
    let catalog = &ctx.settings.catalog;
    // One "did you mean" search per distinct misspelling: a generated policy repeats one often.
    let mut suggestions: HashMap<(&str, &str), Option<&str>> = HashMap::new();
    for (statement, actions, item, entry) in ctx.action_entries() {
        if entry.lookup != Lookup::Unknown || entry.wildcard || !entry.has_colon {
            continue;
        }
        let (service, name) = entry.split(item.value);
        let consequence = match (statement.effect.map(|(e, _)| e), actions.negated) {
            (_, true) => "excluding it excludes nothing".to_string(),
            (Some(Effect::Deny), false) => "this `Deny` protects nothing".to_string(),
            _ => "it grants nothing".to_string(),
        };
        let known = catalog.actions(service).unwrap_or_default();
        let suggestion = *suggestions
            .entry((service, name))
            .or_insert_with(|| did_you_mean(name, known.iter().map(|a| a.name.as_str())));
        let help = match suggestion {
            Some(suggestion) => format!("did you mean `{service}:{suggestion}`?"),
            None => format!("if RAM knows this action, add it to `[catalog.actions] {service}` in ramguard.toml"),
        };
        let (effect_span, effect_text) = effect_label(statement);
        sink.push(
            Finding::new(
                &RULE,
                item.span,
                format!("`{}` is not a known {service} action: {consequence}", item.value),
            )
            .label("unknown action")
            .related(effect_span, effect_text)
            .pointer(&item.pointer)
            .help(help),
        );
    }
}
