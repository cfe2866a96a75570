//! An empty string or empty array where a value is needed.
//!
//! ## What it does
//! Reports an empty `Statement` array, and an empty string or array in `Action`, `NotAction`,
//! `Resource` or a `Principal` entry, and an empty array of condition values. An empty
//! *string* as a condition value is left alone: `"oss:Prefix": ""` is meaningful (the top
//! level of a bucket), and Alibaba's own examples use it.
//!
//! ## Why is this bad?
//! RAM refuses an empty value, and an empty list reads like "nothing" to one person and "no
//! restriction" to another.
//!
//! ## Example
//! ```json
//! { "Effect": "Allow", "Action": [], "Resource": "*" }
//! ```
//!
//! Use instead:
//! ```json
//! { "Effect": "Allow", "Action": ["kvstore:DescribeInstances"], "Resource": "*" }
//! ```

use super::{Context, Finding, Rule, Severity};
use crate::json::{Node, Value, pointer_token};

pub static RULE: Rule = Rule {
    code: "RG009",
    name: "empty-value",
    severity: Severity::Error,
    source: include_str!("empty_value.rs"),
    check,
};

fn check(ctx: &Context<'_>, sink: &mut Vec<Finding>) {
    if let Some(statements) = ctx.root.get("Statement").map(|m| &m.value)
        && statements.as_array().is_some_and(<[Node]>::is_empty)
    {
        sink.push(empty(
            statements,
            "/Statement",
            "`Statement`",
            "add at least one statement",
        ));
    }
    for (statement, pointer) in ctx.statement_nodes() {
        for member in statement.as_object().unwrap_or_default() {
            let at = || format!("{pointer}/{}", pointer_token(&member.key));
            match member.key.as_ref() {
                "Action" | "NotAction" | "Resource" | "NotResource" => {
                    values(&member.value, &at, &member.key, true, sink);
                }
                "Principal" => {
                    for kind in member.value.as_object().unwrap_or_default() {
                        let at = || format!("{}/{}", at(), pointer_token(&kind.key));
                        values(&kind.value, &at, &format!("Principal.{}", kind.key), true, sink);
                    }
                }
                "Condition" => {
                    for operator in member.value.as_object().unwrap_or_default() {
                        for key in operator.value.as_object().unwrap_or_default() {
                            let at =
                                || format!("{}/{}/{}", at(), pointer_token(&operator.key), pointer_token(&key.key));
                            values(&key.value, &at, &key.key, false, sink);
                        }
                    }
                }
                _ => {}
            }
        }
    }
}

/// `what` names the element; `strings_too` also refuses empty strings (not for condition
/// values, where `""` means something).
fn values(node: &Node, pointer: &dyn Fn() -> String, what: &str, strings_too: bool, sink: &mut Vec<Finding>) {
    let name = || {
        if strings_too {
            format!("`{what}`")
        } else {
            format!("the values of `{what}`")
        }
    };
    match &node.value {
        Value::String(s) if strings_too && s.is_empty() => {
            sink.push(empty(node, &pointer(), &name(), "write a value, or remove the element"));
        }
        Value::Array(items) if items.is_empty() => {
            sink.push(empty(
                node,
                &pointer(),
                &name(),
                "write at least one value, or remove the element",
            ));
        }
        Value::Array(items) if strings_too => {
            for (i, item) in items.iter().enumerate() {
                if item.as_str() == Some("") {
                    sink.push(empty(
                        item,
                        &format!("{}/{i}", pointer()),
                        &format!("an element of {}", name()),
                        "remove the empty string",
                    ));
                }
            }
        }
        _ => {}
    }
}

fn empty(node: &Node, pointer: &str, what: &str, help: &'static str) -> Finding {
    Finding::new(&RULE, node.span, format!("{what} is empty"))
        .label("empty")
        .pointer(pointer)
        .help(help)
}
