//! The document is larger than RAM allows.
//!
//! ## What it does
//! Counts the characters of the document with all insignificant white space removed, as RAM
//! counts them, and reports a document over the limit: 6,144 characters by default, which
//! is RAM's limit for a custom policy (older accounts and the docs of the time said 2,048, then
//! 4,096). Set `limits.policy-size` in `ramguard.toml` to hold your policies to another limit,
//! e.g. 2,048 for STS session policies. A Terraform document with values only Terraform knows
//! is reported only when what is known of it is already over the limit ("at least").
//!
//! ## Why is this bad?
//! RAM refuses to create or update a policy that is too large, so the change fails at deploy
//! time. Split the document into several policies attached to the same principal.
//!
//! ## Example
//! A document of 7,000 characters with hundreds of single-instance ARNs.
//!
//! Use instead:
//! Two policies, or a wildcard scoped by a tag condition (`acs:ResourceTag/team`).

use super::{Context, Finding, Rule, Severity};
use crate::json::{Node, Value};

pub static RULE: Rule = Rule {
    code: "RG017",
    name: "policy-too-large",
    severity: Severity::Error,
    source: include_str!("policy_too_large.rs"),
    check,
};

fn check(ctx: &Context<'_>, sink: &mut Vec<Finding>) {
    let limit = ctx.settings.policy_size_limit;
    // Minifying never lengthens a document: it drops white space and writes each character
    // in at most as many characters as the text does (an escape for an escape, at most), and a
    // document carried encoded in a response is longer still in the file. So a document whose
    // text is within the limit in bytes is within it minified, without a walk over the tree.
    if ctx.root.span.end.saturating_sub(ctx.root.span.start) <= limit {
        return;
    }
    let size = minified_chars(ctx.root);
    if size > limit {
        // With unknown parts, what is known is a lower bound: over the limit whatever they are.
        let at_least = if crate::json::unknowns(ctx.root).is_empty() {
            ""
        } else {
            "at least "
        };
        sink.push(
            Finding::new(
                &RULE,
                super::opening(ctx.root),
                format!("the document is {at_least}{size} characters minified, over the limit of {limit}"),
            )
            .label("this document")
            .pointer("")
            .help("split it into several policies attached to the same principal, or replace lists of ARNs with a wildcard and a tag condition"),
        );
    }
}

/// The length in characters of the document written without white space.
pub fn minified_chars(node: &Node) -> usize {
    let mut total = 0;
    let mut stack = vec![node];
    while let Some(node) = stack.pop() {
        total += match &node.value {
            Value::Null => 4,
            Value::Bool(true) => 4,
            Value::Bool(false) => 5,
            Value::Number(n) => n.chars().count(),
            Value::String(s) => quoted_chars(s),
            // What is known of a template; an unknown value may be as short as nothing (an
            // array item that stands for no items): the total is then a lower bound.
            Value::Template(template) => {
                2 + template
                    .parts
                    .iter()
                    .map(|p| match p {
                        crate::json::Part::Text(text, _) => quoted_chars(text) - 2,
                        crate::json::Part::Unknown(..) => 0,
                    })
                    .sum::<usize>()
            }
            Value::Unknown(_) => 0,
            Value::Array(items) => {
                stack.extend(items);
                let known = items.iter().filter(|i| !matches!(i.value, Value::Unknown(_))).count();
                2 + known.saturating_sub(1)
            }
            Value::Object(members) => {
                stack.extend(members.iter().map(|m| &m.value));
                2 + members.len().saturating_sub(1) + members.iter().map(|m| quoted_chars(&m.key) + 1).sum::<usize>()
            }
        };
    }
    total
}

/// Characters of a string as serde_json writes it: quotes, and escapes for `"`, `\` and controls.
fn quoted_chars(s: &str) -> usize {
    // The common case: printable ASCII with nothing to escape, one character a byte.
    if s.bytes().all(|b| (b' '..=b'~').contains(&b) && b != b'"' && b != b'\\') {
        return 2 + s.len();
    }
    2 + s
        .chars()
        .map(|c| match c {
            '"' | '\\' | '\n' | '\r' | '\t' | '\u{8}' | '\u{c}' => 2,
            c if c < ' ' => 6,
            _ => 1,
        })
        .sum::<usize>()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_like_serde_json_compact_output() {
        let text = "{ \"Version\" : \"1\",\n \"Statement\": [ {\"a\\n\": [1, true, null, \"é\\\"\"]} ] }";
        let node = crate::json::parse(text).unwrap_or_else(|e| unreachable!("{e:?}"));
        let value: serde_json::Value = serde_json::from_str(text).unwrap_or_default();
        let compact = serde_json::to_string(&value).unwrap_or_default();
        assert_eq!(minified_chars(&node), compact.chars().count());
    }
}
