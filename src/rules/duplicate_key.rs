//! A key appears twice in one object.
//!
//! ## What it does
//! Reports every key that is written more than once in the same JSON object, anywhere in the
//! document, and labels both places.
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

use std::collections::HashMap;

use super::{Context, Finding, Rule, Severity};
use crate::json::{Node, Value, pointer_token};

pub static RULE: Rule = Rule {
    code: "RG002",
    name: "duplicate-key",
    severity: Severity::Error,
    source: include_str!("duplicate_key.rs"),
    check,
};

fn check(ctx: &Context<'_>, sink: &mut Vec<Finding>) {
    // Iterative, with pointers: the document may be deep.
    let mut stack: Vec<(&Node, String)> = vec![(ctx.root, String::new())];
    while let Some((node, pointer)) = stack.pop() {
        match &node.value {
            Value::Object(members) => {
                let mut first_seen = HashMap::with_capacity(members.len());
                for member in members {
                    let member_pointer = format!("{pointer}/{}", pointer_token(&member.key));
                    if let Some(first) = first_seen.insert(member.key.as_str(), member.key_span) {
                        // Keep pointing at the first occurrence for a third one.
                        first_seen.insert(member.key.as_str(), first);
                        sink.push(
                            Finding::new(
                                &RULE,
                                member.key_span,
                                format!("`{}` appears twice in one object", member.key),
                            )
                            .label("written again here")
                            .related(first, "first written here")
                            .pointer(&member_pointer)
                            .help("merge the two into one key: RAM may read either value"),
                        );
                    }
                    stack.push((&member.value, member_pointer));
                }
            }
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    stack.push((item, format!("{pointer}/{i}")));
                }
            }
            _ => {}
        }
    }
}
