//! A condition value the operator cannot take.
//!
//! ## What it does
//! Parses every value of a typed operator: `IpAddress` / `NotIpAddress` take IPv4 or IPv6
//! addresses and CIDR blocks; `Date*` take ISO 8601 date-times with a zone; `Numeric*` take
//! decimal numbers; `Bool` takes `"true"` or `"false"`.
//!
//! ## Why is this bad?
//! A value that does not parse can never compare true: an `IpAddress` condition with
//! `10.0.0.0/33` never allows, and a `Deny` guarded by it never denies. RAM may also refuse
//! the document outright.
//!
//! ## Example
//! ```json
//! { "Condition": { "DateLessThan": { "acs:CurrentTime": "2026-12-31" } } }
//! ```
//!
//! Use instead:
//! ```json
//! { "Condition": { "DateLessThan": { "acs:CurrentTime": "2026-12-31T00:00:00+08:00" } } }
//! ```

use super::{Context, Finding, Rule, Severity};
use crate::policy::condition::ValueKind;
use crate::values::{Decimal, Instant, IpBlock, parse_bool};

pub static RULE: Rule = Rule {
    code: "RG016",
    name: "invalid-condition-value",
    severity: Severity::Error,
    source: include_str!("invalid_condition_value.rs"),
    check,
};

fn check(ctx: &Context<'_>, sink: &mut Vec<Finding>) {
    for statement in &ctx.policy.statements {
        for condition in &statement.conditions {
            let Some(operator) = condition.parsed else { continue };
            let kind = operator.base.value_kind();
            for value in &condition.values {
                let problem = match kind {
                    ValueKind::String => continue,
                    ValueKind::Ip => IpBlock::parse(value.value).err(),
                    ValueKind::Date => Instant::parse(value.value).err(),
                    ValueKind::Number => Decimal::parse(value.value).err(),
                    ValueKind::Bool => parse_bool(value.value).err(),
                };
                if let Some(problem) = problem {
                    let (label, help) = match kind {
                        ValueKind::Ip => (
                            "expected an IP address or a CIDR block",
                            "write an address (`203.0.113.7`) or a block (`203.0.113.0/24`, `2001:db8::/32`)",
                        ),
                        ValueKind::Date => (
                            "expected an ISO 8601 date-time with a zone",
                            "write `YYYY-MM-DDThh:mm:ssZ` or with an offset, `2026-01-01T08:00:00+08:00`",
                        ),
                        ValueKind::Number => (
                            "expected a decimal number",
                            "write digits, with an optional `-` and decimal point, as a string: `\"3600\"`",
                        ),
                        _ => (
                            "expected `true` or `false`",
                            "write `\"true\"` or `\"false\"`, in lowercase",
                        ),
                    };
                    sink.push(
                        Finding::new(
                            &RULE,
                            value.span,
                            format!("`{}` cannot take this value: {problem}", condition.operator.value),
                        )
                        .label(label)
                        .related(condition.operator.span, "operator")
                        .pointer(&value.pointer)
                        .help(help),
                    );
                }
            }
        }
    }
}
