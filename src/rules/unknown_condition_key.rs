//! A condition key that is neither a known global key nor `service:key`.
//!
//! ## What it does
//! Checks every condition key: a global key that RAM documents (`acs:SourceIp`,
//! `acs:CurrentTime`, `acs:MFAPresent`, `acs:ResourceTag/<key>`, ...) spelled exactly, or a
//! service-specific key of the form `service:key` (`oss:Prefix`, `ram:ServiceName`). An
//! unknown `acs:` key, a global key in the wrong case, or a key with no service is reported.
//!
//! ## Why is this bad?
//! A request never carries a key that does not exist, and a missing key makes a positive
//! condition false: an `Allow` that hangs on `acs:SourceIP` (wrong case) never applies, and a
//! `Deny` that hangs on it never protects.
//!
//! ## Example
//! ```json
//! { "Condition": { "IpAddress": { "acs:SourceIP": "203.0.113.0/24" } } }
//! ```
//!
//! Use instead:
//! ```json
//! { "Condition": { "IpAddress": { "acs:SourceIp": "203.0.113.0/24" } } }
//! ```

use super::{Context, Finding, Rule, Severity};
use crate::catalog::conditions::{self, GLOBAL_KEYS, KeyClass};
use crate::suggest::did_you_mean;

pub static RULE: Rule = Rule {
    code: "RG015",
    name: "unknown-condition-key",
    severity: Severity::Warning,
    source: include_str!("unknown_condition_key.rs"),
    check,
};

fn check(ctx: &Context<'_>, sink: &mut Vec<Finding>) {
    for statement in &ctx.policy.statements {
        for condition in &statement.conditions {
            let key = &condition.key;
            let (message, help) = match conditions::classify(key.value) {
                KeyClass::Known => continue,
                // Say which key it resembles in the message itself: the case is the whole problem.
                KeyClass::WrongCase(known) => (
                    format!("`{}` is not a known condition key: it differs from `{known}` only in case", key.value),
                    format!("write `{known}`: condition keys are matched in their documented case"),
                ),
                KeyClass::Unknown => (
                    format!("`{}` is not a known condition key", key.value),
                    match did_you_mean(key.value, GLOBAL_KEYS.iter().map(|(k, _)| *k)) {
                        Some(known) => format!("did you mean `{known}`?"),
                        None => "use a global key (`acs:SourceIp`, `acs:CurrentTime`, `acs:MFAPresent`, `acs:ResourceTag/<key>`, ...) or a service key `service:key`".to_string(),
                    },
                ),
            };
            sink.push(
                Finding::new(&RULE, key.span, message)
                    .label("no request carries this key, so this condition never holds")
                    .pointer(&key.pointer)
                    .help(help),
            );
        }
    }
}
