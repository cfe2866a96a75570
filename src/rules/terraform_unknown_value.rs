//! A policy document in a Terraform file holds a value ramguard cannot know.
//!
//! ## What it does
//! Reports, once per document, a RAM policy document in a `.tf` or `.tf.json` file that holds
//! something only Terraform knows when it runs: a template interpolation `${...}` or directive
//! `%{...}`, a reference (`var.account_id`, `local.arns`, `each.value`, `data.x.y.document`), a
//! function call other than `jsonencode` around the whole document, a conditional or a `for`
//! expression. In a ROS template (JSON or YAML), the same for a document that holds a ROS
//! function (`Ref`, `Fn::Sub`, `Fn::Join`, `Fn::GetAtt`, any `Fn::*`, or a YAML short form
//! such as `!Ref`), which only ROS resolves when it creates the stack; the message then names
//! ROS. The finding names the first unknown part; the document is **not linted**, since
//! every rule would have to guess what the unknown part becomes, and a guess could raise an
//! error the real document does not have (or miss one it does).
//!
//! ## Why is this bad?
//! It is not wrong in itself: it says that this document was not checked here. Lint the
//! document as Terraform will send it, from the plan (`terraform show -json`), or write the
//! parts that do not change as literals (in a ROS template too).
//!
//! ## Example
//! ```hcl
//! resource "alicloud_ram_policy" "ops" {
//!   policy_name     = "ops"
//!   policy_document = <<EOF
//!   {"Version": "1", "Statement": [{"Effect": "Allow", "Action": "oss:GetObject",
//!     "Resource": "acs:oss:*:${var.account_id}:bucket/*"}]}
//!   EOF
//! }
//! ```
//!
//! Use instead:
//! ```hcl
//! resource "alicloud_ram_policy" "ops" {
//!   policy_name     = "ops"
//!   policy_document = <<EOF
//!   {"Version": "1", "Statement": [{"Effect": "Allow", "Action": "oss:GetObject",
//!     "Resource": "acs:oss:*:1234567890123456:bucket/*"}]}
//!   EOF
//! }
//! ```

use super::{Finding, Rule, Severity};
use crate::source::Span;

pub static RULE: Rule = Rule {
    code: "RG021",
    name: "terraform-unknown-value",
    severity: Severity::Info,
    source: include_str!("terraform_unknown_value.rs"),
    check: Rule::no_check,
};

/// The tool that knows an unknown value: it names it in the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tool {
    /// A `.tf` or `.tf.json` file.
    Terraform,
    /// A ROS template (Alibaba Cloud Resource Orchestration Service), JSON or YAML.
    Ros,
}

/// The finding for a document of a Terraform file whose first unknown part is `what`
/// (described, e.g. "the interpolation `${var.a}`") at `span`; `more` is how many other
/// unknown parts it holds.
pub fn finding(span: Span, what: &str, more: usize) -> Finding {
    finding_for(Tool::Terraform, span, what, more)
}

/// The same, for a document of a file that `tool` reads.
pub fn finding_for(tool: Tool, span: Span, what: &str, more: usize) -> Finding {
    let also = match more {
        0 => String::new(),
        1 => " (and 1 more unknown part)".to_string(),
        n => format!(" (and {n} more unknown parts)"),
    };
    let (name, label, help) = match tool {
        Tool::Terraform => (
            "Terraform",
            "known only when Terraform runs",
            "lint the document as Terraform renders it (`terraform show -json` of a plan), or write this part as a literal",
        ),
        Tool::Ros => (
            "ROS",
            "known only when ROS creates the stack",
            "write this part as a literal, or lint the document ROS creates once the stack exists (`aliyun ram GetPolicyVersion`)",
        ),
    };
    Finding::new(
        &RULE,
        span,
        format!("this policy document holds {what}, which only {name} knows{also}: it was not linted"),
    )
    .label(label)
    .help(help)
}
