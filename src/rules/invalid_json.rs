//! The file is not JSON.
//!
//! ## What it does
//! Reports a file that is not strict JSON (RFC 8259), at the exact place where it stops being
//! JSON: a trailing comma, a comment, a single-quoted string, a missing bracket, bytes that are
//! not UTF-8, a byte-order mark, an empty file, or nesting deeper than 127 levels.
//!
//! ## Why is this bad?
//! RAM parses a policy document as strict JSON and refuses it whole. A policy that only
//! JSON5-tolerant tools accept fails at deploy time, far from the commit that broke it.
//!
//! ## Example
//! ```json
//! { "Version": "1", "Statement": [ { "Effect": "Allow", "Action": "kvstore:DescribeInstances", "Resource": "*" }, ] }
//! ```
//!
//! Use instead:
//! ```json
//! { "Version": "1", "Statement": [ { "Effect": "Allow", "Action": "kvstore:DescribeInstances", "Resource": "*" } ] }
//! ```

use super::{Finding, Rule, Severity};
use crate::json::SyntaxError;
use crate::source::Span;

pub static RULE: Rule = Rule {
    code: "RG001",
    name: "invalid-json",
    severity: Severity::Error,
    source: include_str!("invalid_json.rs"),
    check: Rule::no_check,
};

pub fn syntax(error: &SyntaxError) -> Finding {
    Finding::new(&RULE, error.span, format!("invalid JSON: {}", error.message))
        .label("here")
        .help("RAM accepts strict JSON only: no comments, no trailing commas, double-quoted strings")
}

pub fn not_utf8(at: usize) -> Finding {
    Finding::new(&RULE, Span::new(at, at + 1), "the file is not valid UTF-8")
        .label("this byte does not start a UTF-8 character")
        .help("save the policy as UTF-8")
}

pub fn byte_order_mark() -> Finding {
    Finding::new(&RULE, Span::new(0, 3), "the file starts with a UTF-8 byte-order mark")
        .label("byte-order mark")
        .help("save the file as UTF-8 without a BOM: JSON text must not begin with one (RFC 8259 §8.1)")
}
