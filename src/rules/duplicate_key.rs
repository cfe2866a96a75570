//! A key appears twice in one object.
//!
//! ## What it does
//! Reports every key that is written more than once in the same JSON object, anywhere in the
//! document, and labels both places. In a RAM API response (`GetPolicyVersion`, ...) it also
//! reports a key repeated in the objects that lead to the document, such as two
//! `PolicyDocument` keys: ramguard then lints both documents.
//!
//! ## Why is this bad?
//! JSON leaves the meaning of a duplicate key open: most parsers keep the last one, some the
//! first, some refuse. A second `Action` silently replaces the first, so the policy grants
//! something other than what a reviewer reads.
//!
//! ## Example
//! ```json
//! { "Effect": "Allow", "Action": "kvstore:DescribeInstances", "Action": "kvstore:*", "Resource": "*" }
//! ```
//!
//! Use instead:
//! ```json
//! { "Effect": "Allow", "Action": ["kvstore:DescribeInstances", "kvstore:DescribeInstanceAttribute"], "Resource": "*" }
//! ```

use super::{Context, Finding, Rule, Severity};
use crate::json::{Duplicate, Node, PathStep, Value, pointer_of};

pub static RULE: Rule = Rule {
    code: "RG002",
    name: "duplicate-key",
    severity: Severity::Error,
    source: include_str!("duplicate_key.rs"),
    check,
};

fn check(ctx: &Context<'_>, sink: &mut Vec<Finding>) {
    // The JSON reader checks each object as it reads it: a document it found none in is not
    // walked again (other readers, and other callers, leave this `false`).
    if ctx.no_repeated_key {
        return;
    }
    visit(ctx.root, &mut Vec::new(), sink);
}

/// The finding for a key written again, at `pointer` (also used for the objects of a RAM API
/// response that wrap a document: a duplicate there is as ambiguous as in the document).
pub fn finding(duplicate: Duplicate<'_>, pointer: String) -> Finding {
    let Duplicate { first, again } = duplicate;
    Finding::new(
        &RULE,
        again.key_span,
        format!("`{}` appears twice in one object", again.key),
    )
    .label("written again here")
    .related(first.key_span, "first written here")
    .pointer(pointer)
    .help("merge the two into one key: RAM may read either value")
}

/// Depth first, keeping the path so that a pointer is only built for a finding. Recursion is
/// bounded: the parser refuses documents nested deeper than `json::MAX_DEPTH`.
fn visit<'a>(node: &'a Node<'a>, path: &mut Vec<PathStep<'a>>, sink: &mut Vec<Finding>) {
    match &node.value {
        Value::Object(members) => {
            let mut repeated = Vec::new();
            crate::json::repeats(members, &mut repeated);
            for duplicate in repeated {
                path.push(PathStep::Key(&duplicate.again.key));
                sink.push(finding(duplicate, pointer_of(path)));
                path.pop();
            }
            // Only objects can hold a duplicate: strings and other leaves are not visited.
            for member in members.iter().filter(|m| is_container(&m.value)) {
                path.push(PathStep::Key(&member.key));
                visit(&member.value, path, sink);
                path.pop();
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate().filter(|(_, item)| is_container(item)) {
                path.push(PathStep::Index(i));
                visit(item, path, sink);
                path.pop();
            }
        }
        _ => {}
    }
}

fn is_container(node: &Node) -> bool {
    matches!(node.value, Value::Object(_) | Value::Array(_))
}
