//! An element has the wrong JSON type.
//!
//! ## What it does
//! Checks the JSON type of every element: `Statement` is an array of objects; `Effect` a string;
//! `Action`, `NotAction` and `Resource` a string or an array of strings; `Condition` an object of
//! operators, each an object of keys whose values are strings or arrays of strings; `Principal`
//! an object. A lone statement object in place of the array is a warning: RAM's documentation
//! only shows the array, and whether RAM takes the object is not verified. In a Terraform
//! document, a value only Terraform knows (`var.arns`, a `for` expression) is never reported:
//! it may have the right type; a string with interpolations is a string.
//!
//! ## Why is this bad?
//! In a RAM policy every leaf is a string, booleans, numbers and dates included. A `true` or a
//! `3600` where RAM expects `"true"` or `"3600"` makes RAM refuse the document.
//!
//! ## Example
//! ```json
//! { "Effect": "Deny", "Action": "kvstore:DeleteInstance", "Resource": "*",
//!   "Condition": { "Bool": { "acs:MFAPresent": false } } }
//! ```
//!
//! Use instead:
//! ```json
//! { "Effect": "Deny", "Action": "kvstore:DeleteInstance", "Resource": "*",
//!   "Condition": { "Bool": { "acs:MFAPresent": "false" } } }
//! ```

use super::{Context, Finding, Rule, Severity};
use crate::json::{Node, Value, pointer_token};

pub static RULE: Rule = Rule {
    code: "RG003",
    name: "invalid-element-type",
    severity: Severity::Error,
    source: include_str!("invalid_element_type.rs"),
    check,
};

fn check(ctx: &Context<'_>, sink: &mut Vec<Finding>) {
    if ctx.root.as_object().is_none() {
        sink.push(
            Finding::new(
                &RULE,
                ctx.root.span,
                format!("the policy document is {}, not an object", ctx.root.type_name()),
            )
            .label("expected `{\"Version\": \"1\", \"Statement\": [...]}`")
            .help("a policy document is an object with `Version` and `Statement`"),
        );
        return;
    }
    if let Some(member) = ctx.root.get("Statement") {
        let statements = &member.value;
        match &statements.value {
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    if item.as_object().is_none() && !matches!(item.value, Value::Unknown(_)) {
                        sink.push(wrong(item, &format!("/Statement/{i}"), "a statement", "an object"));
                    }
                }
            }
            Value::Object(_) => sink.push(
                Finding::new(&RULE, statements.span, "`Statement` is a lone object, not an array")
                    .severity(Severity::Warning)
                    .label("a single statement")
                    .pointer("/Statement")
                    .help("wrap it in `[...]`: RAM documents `Statement` as an array, and whether it accepts a lone object is not verified"),
            ),
            // Statements only known when the document is rendered (a Terraform `for`).
            Value::Unknown(_) => {}
            _ => sink.push(wrong(statements, "/Statement", "`Statement`", "an array of statements")),
        }
    }
    // Check first and describe only on failure: this runs on every element of every file.
    for (statement, pointer) in ctx.statement_nodes() {
        for member in statement.as_object().unwrap_or_default() {
            let at = || format!("{pointer}/{}", pointer_token(&member.key));
            match member.key.as_ref() {
                "Effect" | "Sid" if !member.value.may_be_string() => {
                    sink.push(wrong(&member.value, &at(), &format!("`{}`", member.key), "a string"));
                }
                "Action" | "NotAction" | "Resource" | "NotResource" if !is_strings(&member.value) => {
                    strings(&member.value, &at(), &format!("`{}`", member.key), sink);
                }
                "Principal" if matches!(member.value.value, Value::Unknown(_)) => {}
                "Principal" => match member.value.as_object() {
                    Some(kinds) => {
                        for kind in kinds.iter().filter(|k| !is_strings(&k.value)) {
                            let at = format!("{}/{}", at(), pointer_token(&kind.key));
                            strings(&kind.value, &at, &format!("`Principal.{}`", kind.key), sink);
                        }
                    }
                    None => sink.push(wrong(
                        &member.value,
                        &at(),
                        "`Principal`",
                        "an object such as `{\"RAM\": [...]}`",
                    )),
                },
                "Condition" => condition(&member.value, &at, sink),
                _ => {}
            }
        }
    }
}

fn condition(node: &Node, pointer: &dyn Fn() -> String, sink: &mut Vec<Finding>) {
    if matches!(node.value, Value::Unknown(_)) {
        return;
    }
    let Some(operators) = node.as_object() else {
        sink.push(wrong(node, &pointer(), "`Condition`", "an object of operators"));
        return;
    };
    for operator in operators.iter().filter(|o| !matches!(o.value.value, Value::Unknown(_))) {
        let at = || format!("{}/{}", pointer(), pointer_token(&operator.key));
        let Some(keys) = operator.value.as_object() else {
            sink.push(wrong(
                &operator.value,
                &at(),
                &format!("`{}`", operator.key),
                "an object of condition keys",
            ));
            continue;
        };
        for key in keys.iter().filter(|k| !is_strings(&k.value)) {
            let at = format!("{}/{}", at(), pointer_token(&key.key));
            strings(&key.value, &at, &format!("the value of `{}`", key.key), sink);
        }
    }
}

/// A string, or an array of nothing but strings; or what may be one of these: a string with
/// unknown parts is a string, and a value only known when the document is rendered may be
/// anything (it is never reported: the error might not be there).
fn is_strings(node: &Node) -> bool {
    match &node.value {
        Value::String(_) | Value::Template(_) | Value::Unknown(_) => true,
        Value::Array(items) => items.iter().all(Node::may_be_string),
        _ => false,
    }
}

/// Report what in `node` is not a string (or array of strings), where it stands.
fn strings(node: &Node, pointer: &str, what: &str, sink: &mut Vec<Finding>) {
    match &node.value {
        Value::String(_) => {}
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                if !item.may_be_string() {
                    sink.push(wrong(
                        item,
                        &format!("{pointer}/{i}"),
                        &format!("an element of {what}"),
                        "a string",
                    ));
                }
            }
        }
        _ => sink.push(wrong(node, pointer, what, "a string or an array of strings")),
    }
}

fn wrong(node: &Node, pointer: &str, what: &str, expected: &str) -> Finding {
    let help = match &node.value {
        Value::Bool(b) => format!("write it as the string `\"{b}\"`: every leaf of a RAM policy is a string"),
        Value::Number(n) => format!("write it as the string `\"{n}\"`: every leaf of a RAM policy is a string"),
        _ => format!("write {what} as {expected}"),
    };
    Finding::new(
        &RULE,
        node.span,
        format!("{what} is {}, not {expected}", node.type_name()),
    )
    .label(format!("{} here", node.type_name()))
    .pointer(pointer)
    .help(help)
}

/// A RAM API response whose document is neither an encoded string nor an object.
pub fn not_a_document(node: &Node, path: &str) -> Finding {
    Finding::new(
        &RULE,
        node.span,
        format!("`{path}` is {}, not a policy document", node.type_name()),
    )
    .label("expected the document as a JSON-encoded string")
    .help("RAM's APIs return the document as a string holding JSON; pass the response as the API returned it")
}
