//! A service code ramguard does not know.
//!
//! ## What it does
//! Checks the service code of every action (`kvstore` in `kvstore:DeleteInstance`) against the
//! catalogue of RAM service codes, and suggests the code that was meant: `r-kvstore` (the
//! OpenAPI product code) and `redis` are `kvstore` in RAM. Add a service the catalogue does not
//! have yet in `ramguard.toml`: `[catalog] services = ["..."]`.
//!
//! ## Why is this bad?
//! RAM accepts the document and the statement matches nothing, silently. An `Allow` of
//! `r-kvstore:DescribeInstances` grants nothing; a `Deny` of `r-kvstore:DeleteInstance`
//! protects nothing — which is worse, because everyone believes it does.
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

use super::{Context, Finding, Rule, Severity, effect_label, split_action};
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
    for (statement, actions, item, catalogued) in ctx.catalogued_action_items() {
        let (service, _) = split_action(&item.value);
        if item.value == "*" || service.is_empty() || service.contains(['*', '?']) || !item.value.contains(':') {
            continue;
        }
        if catalogued.knows_service {
            continue;
        }
        let consequence = match (statement.effect.map(|(e, _)| e), actions.negated) {
            (_, true) => format!(
                "excluding `{}` excludes nothing, so the statement covers more than it seems",
                item.value
            ),
            (Some(Effect::Deny), false) => format!("this `Deny` of `{}` protects nothing", item.value),
            _ => format!("`{}` grants nothing", item.value),
        };
        let suggestion = catalog
            .alias(service)
            .or_else(|| did_you_mean(service, catalog.services()));
        let help = match suggestion {
            Some(code) => format!("the RAM service code is `{code}`: write `{code}:{}`", split_action(&item.value).1),
            None => "check the service code in the service's RAM documentation, or add it to `[catalog] services` in ramguard.toml".to_string(),
        };
        let (effect_span, effect_text) = effect_label(statement);
        sink.push(
            Finding::new(
                &RULE,
                item.span,
                format!("`{service}` is not a RAM service code: {consequence}"),
            )
            .label("unknown service code")
            .related(effect_span, effect_text)
            .pointer(&item.pointer)
            .help(help),
        );
    }
}
