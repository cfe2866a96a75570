//! `Principal` in a policy that is not a trust policy.
//!
//! ## What it does
//! Reports `Principal` in a statement of a permission (identity) policy. A document counts as a
//! trust policy when one of its statements has a `Principal` and the action `sts:AssumeRole`,
//! or when statements name a `Principal`, none names a `Resource`, and their actions are of STS
//! (`trust-policy-action` then checks them).
//!
//! ## Why is this bad?
//! An identity policy applies to whoever it is attached to; it has no principal. RAM refuses
//! the element there, and its presence usually means a trust policy and a permission policy
//! were merged by mistake.
//!
//! ## Example
//! ```json
//! { "Effect": "Allow", "Principal": { "RAM": ["acs:ram::1234567890123456:root"] },
//!   "Action": "kvstore:DescribeInstances", "Resource": "*" }
//! ```
//!
//! Use instead:
//! ```json
//! { "Effect": "Allow", "Action": "kvstore:DescribeInstances", "Resource": "*" }
//! ```

use super::{Context, Finding, Rule, Severity};
use crate::policy::PolicyKind;

pub static RULE: Rule = Rule {
    code: "RG013",
    name: "principal-in-permission-policy",
    severity: Severity::Error,
    source: include_str!("principal_in_permission_policy.rs"),
    check,
};

fn check(ctx: &Context<'_>, sink: &mut Vec<Finding>) {
    if ctx.policy.kind == PolicyKind::Trust {
        return;
    }
    for (statement, pointer) in ctx.statement_nodes() {
        if let Some(member) = statement.get("Principal") {
            sink.push(
                Finding::new(&RULE, member.key_span, "`Principal` in a permission policy")
                    .label("only trust policies name a principal")
                    .pointer(format!("{pointer}/Principal"))
                    .help("remove `Principal` and attach the policy to the principal instead; if this is a role's trust policy, its statement's action is `sts:AssumeRole`"),
            );
        }
    }
}
