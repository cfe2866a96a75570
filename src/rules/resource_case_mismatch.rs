//! An ARN that differs from its documented spelling only in case.
//!
//! ## What it does
//! Reports an entry of `Resource` or `NotResource` whose service code or region has a capital
//! letter (`acs:KVSTORE:...`, `acs:kvstore:CN-HANGZHOU:...`), or, for kvstore, whose resource
//! type or instance ID has one (`...:Instance/*`, `.../R-BP1X`): every documented ARN writes
//! them in lowercase, and region and instance IDs are lowercase by construction. The relative
//! IDs of other services are left alone: RAM role names and OSS object names have capitals.
//!
//! In a Terraform document, an ARN with interpolations is reported when its known start
//! already has the capital letter in its service code or region (`"acs:OSS:*:${var.account}:b"`):
//! whatever Terraform fills in, it stays.
//!
//! ## Why is this bad?
//! Whether RAM matches ARNs ignoring case is not documented. If it does not, a `Deny` so written
//! protects nothing and an `Allow` grants nothing — silently, since RAM accepts the document.
//! ramguard takes the careful side of both readings: it evaluates such a `Deny` as possibly
//! applying (`simulate` says `conditional`, the `permission` check of `preflight` says
//! `unknown`, naming the statement) and such an `Allow` as not allowing.
//!
//! It is a warning, not an error: the document is valid, and what RAM does with it is unknown
//! rather than wrong; an error would also stop `simulate` and `preflight` from saying which
//! statement the answer hangs on. Use `--deny-warnings` to make it fail a check.
//!
//! ## Example
//! ```json
//! { "Effect": "Deny", "Action": "kvstore:DeleteInstance", "Resource": "acs:KVSTORE:*:*:instance/*" }
//! ```
//!
//! Use instead:
//! ```json
//! { "Effect": "Deny", "Action": "kvstore:DeleteInstance", "Resource": "acs:kvstore:*:*:instance/*" }
//! ```

use super::{Context, Finding, Rule, Severity, effect_label};
use crate::policy::{Effect, Statement};

pub static RULE: Rule = Rule {
    code: "RG018",
    name: "resource-case-mismatch",
    severity: Severity::Warning,
    source: include_str!("resource_case_mismatch.rs"),
    check,
};

/// The documented spelling of an ARN: its service and region in lowercase, and for kvstore its
/// resource type and instance ID too. `None` for `*` and for what is not an ARN
/// (`invalid-resource` reports it).
pub fn canonical(arn: &str) -> Option<String> {
    let mut parts = arn.splitn(5, ':');
    let (Some("acs"), Some(service), Some(region), Some(account), Some(relative)) =
        (parts.next(), parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return None;
    };
    let service = service.to_ascii_lowercase();
    let relative = match relative.split_once('/') {
        Some((kind, id)) if service == "kvstore" && kind.eq_ignore_ascii_case("instance") => {
            format!("instance/{}", id.to_ascii_lowercase())
        }
        _ => relative.to_string(),
    };
    Some(format!(
        "acs:{service}:{}:{account}:{relative}",
        region.to_ascii_lowercase()
    ))
}

fn consequence(statement: &Statement) -> &'static str {
    match statement.effect {
        _ if statement.not_resource => "this exception may exclude nothing",
        Some((Effect::Deny, _)) => "this `Deny` may protect nothing (ramguard evaluates it as possibly applying)",
        Some((Effect::Allow, _)) => "this `Allow` may grant nothing (ramguard evaluates it as not allowing)",
        None => "this statement may match nothing",
    }
}

/// The service code or region of an ARN's known start that has a capital letter, when that
/// part is complete (a colon follows it): `acs:OSS:*:${var.a}:b` → `OSS`.
fn capital_in_known_start(prefix: &str) -> Option<&str> {
    let rest = prefix.strip_prefix("acs:")?;
    let mut parts: Vec<&str> = rest.split(':').collect();
    parts.pop(); // the last part may go on in an unknown one
    parts.into_iter().take(2).find(|part| crate::ascii::has_uppercase(part))
}

fn check(ctx: &Context<'_>, sink: &mut Vec<Finding>) {
    for statement in &ctx.policy.statements {
        for unknown in statement.unknown_in(&["Resource", "NotResource"]) {
            let Some(template) = &unknown.template else { continue };
            let prefix = template.known_prefix();
            let Some(part) = capital_in_known_start(&prefix) else {
                continue;
            };
            let (effect_span, effect_text) = effect_label(statement);
            sink.push(
                Finding::new(
                    &RULE,
                    unknown.span,
                    format!(
                        "`{}` writes `{part}` where documented ARNs write `{}`",
                        template.display(),
                        part.to_ascii_lowercase()
                    ),
                )
                .label("another case")
                .related(effect_span, effect_text)
                .pointer(unknown.pointer.clone())
                .help(format!(
                    "write `{}`: whether RAM matches ARNs ignoring case is not documented, so {}",
                    part.to_ascii_lowercase(),
                    consequence(statement)
                )),
            );
        }
        for item in statement.resources.iter().flatten() {
            // Lowercasing changes nothing in a value without an uppercase letter (the common
            // case): no need to build its canonical form.
            if !crate::ascii::has_uppercase(item.value) {
                continue;
            }
            let Some(canonical) = canonical(item.value).filter(|c| *c != item.value) else {
                continue;
            };
            let (effect_span, effect_text) = effect_label(statement);
            sink.push(
                Finding::new(
                    &RULE,
                    item.span,
                    format!("`{}` differs from `{canonical}` only in case", item.value),
                )
                .label("another case")
                .related(effect_span, effect_text)
                .pointer(&item.pointer)
                .help(format!(
                    "write `{canonical}`: documented ARNs are lowercase there, and whether RAM matches ARNs ignoring case is not documented, so {}",
                    consequence(statement)
                )),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::canonical;

    #[test]
    fn lowers_what_is_lowercase_by_documentation_only() {
        assert_eq!(
            canonical("acs:KVSTORE:CN-Hangzhou:1:Instance/R-BP1X").as_deref(),
            Some("acs:kvstore:cn-hangzhou:1:instance/r-bp1x")
        );
        assert_eq!(
            canonical("acs:ram::1:role/AliyunECSRole").as_deref(),
            Some("acs:ram::1:role/AliyunECSRole")
        );
        assert_eq!(canonical("*"), None);
        assert_eq!(canonical("ACS:kvstore:*:*:instance/*"), None);
    }
}
