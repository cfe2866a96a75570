//! A policy document in a Terraform file holds a value ramguard cannot know.
//!
//! ## What it does
//! Reports, once per document, a RAM policy document in a `.tf` file that holds something only
//! Terraform knows when it runs: a template interpolation `${...}` or directive `%{...}`, a
//! reference (`var.account_id`, `local.arns`, `each.value`, `data.x.y.document`), a function
//! call other than `jsonencode` around the whole document, a conditional or a `for`
//! expression. The finding names the first unknown part; the document is **not linted**, since
//! every rule would have to guess what the unknown part becomes, and a guess could raise an
//! error the real document does not have (or miss one it does).
//!
//! In a Terraform plan (`terraform show -json`), a document Terraform itself does not know yet
//! (listed in `after_unknown`, or left out of `planned_values`) is reported the same way, named
//! by its resource address: it is known only after apply.
//!
//! ## Why is this bad?
//! It is not wrong in itself: it says that this document was not checked here. Lint the
//! document as Terraform will send it, from the plan (`terraform show -json`), or write the
//! parts that do not change as literals.
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

/// The finding for a document whose first unknown part is `what` (described, e.g. "the
/// interpolation `${var.a}`") at `span`; `more` is how many other unknown parts it holds.
pub fn finding(span: Span, what: &str, more: usize) -> Finding {
    let also = match more {
        0 => String::new(),
        1 => " (and 1 more unknown part)".to_string(),
        n => format!(" (and {n} more unknown parts)"),
    };
    Finding::new(
        &RULE,
        span,
        format!("this policy document holds {what}, which only Terraform knows{also}: it was not linted"),
    )
    .label("known only when Terraform runs")
    .help(
        "lint the document as Terraform renders it (`terraform show -json` of a plan), or write this part as a literal",
    )
}
