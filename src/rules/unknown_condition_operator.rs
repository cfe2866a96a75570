//! A condition operator RAM does not have.
//!
//! ## What it does
//! Checks every operator of `Condition` against RAM's operators: `StringEquals`,
//! `StringNotEquals`, `StringEqualsIgnoreCase`, `StringNotEqualsIgnoreCase`, `StringLike`,
//! `StringNotLike`, the six `Numeric*` and six `Date*` operators, `Bool`, `IpAddress` and
//! `NotIpAddress`, each optionally prefixed with `ForAnyValue:` or `ForAllValues:`. Operator
//! names are case-sensitive. AWS-only forms (`...IfExists`, `Null`, `Arn*`, `Binary*`) are
//! reported with that explanation.
//!
//! ## Why is this bad?
//! RAM refuses a document with an operator it does not know. A condition copied from AWS IAM,
//! such as `StringEqualsIfExists`, is the usual cause.
//!
//! ## Example
//! ```json
//! { "Condition": { "StringEqualsIfExists": { "acs:SourceVpc": "vpc-123" } } }
//! ```
//!
//! Use instead:
//! ```json
//! { "Condition": { "StringEquals": { "acs:SourceVpc": "vpc-123" } } }
//! ```

use super::{Context, Finding, Rule, Severity};
use crate::json::pointer_token;
use crate::policy::{Operator, OperatorBase};
use crate::suggest::did_you_mean;

pub static RULE: Rule = Rule {
    code: "RG014",
    name: "unknown-condition-operator",
    severity: Severity::Error,
    source: include_str!("unknown_condition_operator.rs"),
    check,
};

fn check(ctx: &Context<'_>, sink: &mut Vec<Finding>) {
    for (statement, pointer) in ctx.statement_nodes() {
        let Some(condition) = statement.get("Condition") else {
            continue;
        };
        for operator in condition.value.as_object().unwrap_or_default() {
            let name = operator.key.as_ref();
            if Operator::parse(name).is_some() {
                continue;
            }
            let (prefix, base) = name
                .split_once(':')
                .filter(|(p, _)| matches!(*p, "ForAnyValue" | "ForAllValues"))
                .map_or(("", name), |(p, b)| (p, b));
            let help = if base.ends_with("IfExists") {
                let plain = base.trim_end_matches("IfExists");
                format!(
                    "`...IfExists` is AWS IAM's; RAM has no such form. Use `{prefix}{}{plain}`, and keep in mind that a missing key makes a positive condition false",
                    if prefix.is_empty() { "" } else { ":" }
                )
            } else if base == "Null" || base.starts_with("Arn") || base.starts_with("Binary") {
                format!(
                    "`{base}` is an AWS IAM operator that RAM does not document; express the condition with RAM's `String*`, `Numeric*`, `Date*`, `Bool` or `IpAddress` operators"
                )
            } else if let Some(known) = did_you_mean(base, OperatorBase::ALL.iter().map(|(n, _)| *n)) {
                let prefix = if prefix.is_empty() {
                    String::new()
                } else {
                    format!("{prefix}:")
                };
                format!("did you mean `{prefix}{known}`? Operator names are case-sensitive")
            } else {
                "RAM's operators are `String*`, `Numeric*`, `Date*`, `Bool`, `IpAddress` and `NotIpAddress`, optionally prefixed with `ForAnyValue:` or `ForAllValues:`".to_string()
            };
            sink.push(
                Finding::new(
                    &RULE,
                    operator.key_span,
                    format!("`{name}` is not a RAM condition operator"),
                )
                .label("unknown operator")
                .pointer(format!("{pointer}/Condition/{}", pointer_token(name)))
                .help(help),
            );
        }
    }
}
