//! `Version` is not the string `"1"`.
//!
//! ## What it does
//! Reports a `Version` that is anything but the string `"1"`: the number `1`, AWS's
//! `"2012-10-17"`, an empty string. A `Version` only Terraform knows (`var.version`) is not
//! reported: it may be `"1"`.
//!
//! In a ROS template the number `1` of a document written as a map in a RAM resource
//! (`ALIYUN::RAM::ManagedPolicy`, `Role`, `User`, `Group`) is a warning, not an error: ROS reads
//! such a document by the resource type's schema, which types `Version` as a String, before RAM
//! sees it, and is expected to send the number as the string `"1"`. A document written as JSON
//! text, or a control policy's (a String property), is sent as written: an error there, as
//! everywhere else. That is not verified: ROS's documentation
//! says nothing of converting, but Alibaba's own templates write `Version: 1` in trust
//! policies (`aliyun/ros-templates`, the stack-group roles), and the engine ROS's templates
//! resemble, OpenStack Heat, turns a number given for a String property into a string. Quote it
//! (`Version: '1'`, as most of Alibaba's templates do) so that nothing depends on it.
//! `simulate` and `preflight` refuse the document all the same, as they refuse every finding of
//! an error rule.
//!
//! ## Why is this bad?
//! RAM's policy language has exactly one version, written as the string `"1"`. Anything else is
//! refused, and `"2012-10-17"` is the tell-tale of a policy copied from AWS IAM whose actions and
//! ARNs need translating too.
//!
//! ## Example
//! ```json
//! { "Version": "2012-10-17", "Statement": [ { "Effect": "Allow", "Action": "kvstore:DescribeInstances", "Resource": "*" } ] }
//! ```
//!
//! Use instead:
//! ```json
//! { "Version": "1", "Statement": [ { "Effect": "Allow", "Action": "kvstore:DescribeInstances", "Resource": "*" } ] }
//! ```

use super::{Context, Finding, Rule, Severity};
use crate::json::Value;

pub static RULE: Rule = Rule {
    code: "RG006",
    name: "invalid-version",
    severity: Severity::Error,
    source: include_str!("invalid_version.rs"),
    check,
};

fn check(ctx: &Context<'_>, sink: &mut Vec<Finding>) {
    let Some(version) = ctx.root.get("Version").map(|m| &m.value) else {
        return;
    };
    if version.is_unknown() {
        return; // known only when the document is rendered: it may be `"1"`
    }
    let (message, help) = match &version.value {
        Value::String(s) if s == "1" => return,
        Value::String(s) if s == "2012-10-17" || s == "2008-10-17" => (
            format!("`{s}` is an AWS IAM policy version"),
            "RAM's only version is `\"1\"`; check that the actions and ARNs are RAM's too (`kvstore:...`, `acs:...`)"
                .to_string(),
        ),
        Value::String(s) => (
            format!("`Version` is `\"{s}\"`"),
            "write `\"Version\": \"1\"`".to_string(),
        ),
        Value::Number(n) if n == "1" && ctx.typed_by_ros => {
            sink.push(
                Finding::new(
                    &RULE,
                    version.span,
                    "`Version` is the number 1, which ROS likely sends to RAM as the string `\"1\"`",
                )
                .severity(Severity::Warning)
                .label("RAM takes only the string `\"1\"`")
                .pointer("/Version")
                .help("quote it (`Version: '1'` in YAML, `\"Version\": \"1\"` in JSON), so that nothing depends on ROS converting it"),
            );
            return;
        }
        Value::Number(n) if n == "1" => (
            "`Version` is the number 1, not the string `\"1\"`".to_string(),
            "write `\"Version\": \"1\"`, with quotes".to_string(),
        ),
        _ => (
            format!("`Version` is {}, not the string `\"1\"`", version.type_name()),
            "write `\"Version\": \"1\"`".to_string(),
        ),
    };
    sink.push(
        Finding::new(&RULE, version.span, message)
            .label("RAM takes only `\"1\"`")
            .pointer("/Version")
            .help(help),
    );
}
