//! A policy document in a Terraform file holds a value ramguard cannot know.
//!
//! ## What it does
//! Says out loud, once per document, that a RAM policy document in a `.tf` file holds values
//! only Terraform knows when it runs: a template interpolation `${...}` or directive `%{...}`
//! (in a JSON string, or standing for a whole value: `"Resource": ${jsonencode(var.arns)}`),
//! a reference (`var.account_id`, `local.arns`, `each.value`), a function call, a conditional,
//! a `for` expression, a `dynamic "statement"` block.
//!
//! **What is known is linted**, and an unknown value never produces a false error: a finding
//! is raised only where it holds whatever Terraform fills in (`"kvstore:Delete${var.x}"` is
//! not an unknown action, `"acs:oss:*:${var.a}:b"` not an invalid resource, but
//! `"acs:OSS:*:${var.a}:b"` has the wrong case whatever `var.a` is). Security rules that
//! reason about the worst case of an unknown say which value they assumed ("if `var.arns`
//! holds `*`"); `simulate` and `preflight` treat a statement with an unknown part as one that
//! may or may not apply (`conditional`, `unknown`), never as allowing.
//!
//! When the document cannot be read around its unknown parts (the whole document is a
//! reference, a key is computed, an interpolation stands for several members), it is **not
//! linted** at all, and this finding says so. A document attribute that names a `local` of
//! the same file (`policy_document = local.policy_json`) says that the local was linted where
//! it is written. A document attribute that is `file("x.json")` or `templatefile("x.json.tpl",
//! {...})` with a literal path (relative to the `.tf` file's folder, or `${path.module}/...`)
//! says that the file was linted on its own; a path that leaves that folder, or names no
//! regular file, stays unknown and is said so.
//!
//! In a ROS template (JSON or YAML), a ROS function (`Ref`, `Fn::GetAtt`, any `Fn::*`, or a
//! YAML short form such as `!Ref`) is a value only ROS resolves when it creates the stack; an
//! `Fn::Sub` string is a string with unknown parts (`${Name}`; `${!Literal}` is a literal
//! `${Literal}`), and so is an `Fn::Join` of literal strings and functions. The document is
//! linted for what is known, as in Terraform, and this finding says so, naming ROS. A
//! document that is itself a function is not linted.
//!
//! In a Terraform plan (`terraform show -json`), a document Terraform itself does not know yet
//! (listed in `after_unknown`, or left out of `planned_values`) is reported the same way, named
//! by its resource address: it is known only after apply.
//!
//! ## Why is this bad?
//! It is not wrong in itself: it says that part of this document was not checked here. Lint
//! the document as Terraform will send it, from the plan (`terraform show -json`), or write
//! the parts that do not change as literals.
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
    /// A `.tf`, `.tfvars` or `.tf.json` file, or a plan.
    Terraform,
    /// A ROS template (Alibaba Cloud Resource Orchestration Service), JSON or YAML.
    Ros,
}

/// The finding for a document whose first unknown part is `what` (described, e.g. "the
/// interpolation `${var.a}`") at `span`; `more` is how many other unknown parts it holds.
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

/// The finding for a document linted with unknown parts: the first one is `what` at `span`;
/// `more` is how many others it holds. Every rule read what is known, and raised only what
/// holds whatever the unknown parts turn out to be.
pub fn partial(span: Span, what: &str, more: usize) -> Finding {
    partial_for(Tool::Terraform, span, what, more)
}

/// The same, for a document of a file that `tool` reads.
pub fn partial_for(tool: Tool, span: Span, what: &str, more: usize) -> Finding {
    let name = match tool {
        Tool::Terraform => "Terraform",
        Tool::Ros => "ROS",
    };
    let held = match more {
        0 => format!("a value only {name} knows, {what}"),
        n => format!("{} values only {name} knows, the first {what}", n + 1),
    };
    let (label, help) = match tool {
        Tool::Terraform => (
            "known only when Terraform runs",
            "lint the plan (`terraform show -json`) to check the document as Terraform renders it",
        ),
        Tool::Ros => (
            "known only when ROS creates the stack",
            "lint the document ROS creates once the stack exists (`aliyun ram GetPolicyVersion`) to check the rest",
        ),
    };
    Finding::new(
        &RULE,
        span,
        format!("this policy document holds {held}: what is known was linted"),
    )
    .label(label)
    .help(help)
}

/// The finding for a document attribute that is a `local` of the same file (`policy_document =
/// local.policy_json`), linted where the local is written: said, at `info`, so that no one
/// wonders whether it was checked.
pub fn linted_where_written(span: Span, local: &str) -> Finding {
    Finding::new(
        &RULE,
        span,
        format!("this policy document is `{local}`, linted where it is written in this file"),
    )
    .label("linted at its definition")
    .help("its findings, if any, point at the `locals` block")
}

/// The finding for a document attribute that is `file("x.json")` or `templatefile("x.json.tpl",
/// ...)` with a literal path: the file it names is linted as a file of its own (once, however
/// it was reached), its findings pointing into it.
pub fn linted_in_file(span: Span, path: &str) -> Finding {
    Finding::new(
        &RULE,
        span,
        format!("this policy document is the file `{path}`, linted as a file of its own"),
    )
    .label("linted in its own file")
    .help("its findings, if any, point into that file")
}
