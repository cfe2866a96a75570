//! A service code ramguard does not know.
//!
//! ## What it does
//! Checks the service code of every action (`kvstore` in `kvstore:DeleteInstance`) against the
//! catalogue of RAM service codes (Alibaba's list of services that work with RAM, dated; see
//! `ramguard --version`). Two cases, said differently because ramguard knows different things:
//!
//! - a known near miss (`r-kvstore`, the OpenAPI product code, and `redis` are `kvstore` in RAM;
//!   `sls` is `log`): a **warning** that the action grants nothing, with the code to write;
//! - any other code the catalogue does not have: an **info** that it is not in ramguard's
//!   catalogue of that date, never a claim that it grants nothing (Alibaba adds services; the
//!   catalogue is not the authority). If the code is right, add it in `ramguard.toml`:
//!   `[catalog] services = ["..."]`.
//!
//! ## Why is this bad?
//! RAM accepts the document and a statement with a wrong service code matches nothing,
//! silently. An `Allow` of `r-kvstore:DescribeInstances` grants nothing; a `Deny` of
//! `r-kvstore:DeleteInstance` protects nothing — which is worse, because everyone believes it
//! does.
//!
//! ## Example
//! ```json
//! { "Effect": "Deny", "Action": "r-kvstore:DeleteInstance", "Resource": "*" }
//! ```
//!
//! Use instead:
//! ```json
//! { "Effect": "Deny", "Action": "kvstore:DeleteInstance", "Resource": "*" }
//! ```

use super::{Context, Finding, Rule, Severity, effect_label};
use crate::policy::Effect;
use crate::suggest::did_you_mean;

pub static RULE: Rule = Rule {
    code: "RG101",
    name: "unknown-service",
    severity: Severity::Warning,
    source: include_str!("unknown_service.rs"),
    check,
};

fn check(ctx: &Context<'_>, sink: &mut Vec<Finding>) {
    let catalog = &ctx.settings.catalog;
    for (statement, actions, item, entry) in ctx.action_entries() {
        // A known service first: the common case, settled by the lookup already made.
        if entry.knows_service {
            continue;
        }
        let (service, name) = entry.split(item.value);
        if item.value == "*" || service.is_empty() || entry.service_wildcard || !entry.has_colon {
            continue;
        }
        let (effect_span, effect_text) = effect_label(statement);
        let finding = match catalog.alias(service) {
            // A known near miss: ramguard knows the code that was meant, so it knows this one
            // matches nothing.
            Some(code) => {
                let consequence = match (statement.effect.map(|(e, _)| e), actions.negated) {
                    (_, true) => format!(
                        "excluding `{}` excludes nothing, so the statement covers more than it seems",
                        item.value
                    ),
                    (Some(Effect::Deny), false) => format!("this `Deny` of `{}` protects nothing", item.value),
                    _ => format!("`{}` grants nothing", item.value),
                };
                Finding::new(
                    &RULE,
                    item.span,
                    format!("`{service}` is not a RAM service code: {consequence}"),
                )
                .label("not a RAM service code")
                .help(format!("the RAM service code is `{code}`: write `{code}:{name}`"))
            }
            // Only unknown to ramguard: say so, and no more.
            None => {
                let add = format!("if `{service}` is right, add it to `[catalog] services` in ramguard.toml");
                let help = match did_you_mean(service, catalog.services()) {
                    Some(code) => format!("if you meant `{code}`, write `{code}:{name}`; {add}"),
                    None => add,
                };
                Finding::new(
                    &RULE,
                    item.span,
                    format!(
                        "`{service}` is not in ramguard's catalogue of {}; add it in `[catalog]` if it is right",
                        crate::catalog::services_date()
                    ),
                )
                .severity(Severity::Info)
                .label("unknown to ramguard")
                .help(help)
            }
        };
        sink.push(finding.related(effect_span, effect_text).pointer(&item.pointer));
    }
}
