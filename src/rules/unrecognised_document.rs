//! A file named for linting looks like a policy, but is not one ramguard can read.
//!
//! ## What it does
//! Reports a file named on the command line (or given on standard input) that carries the
//! marks of a policy but not in a form ramguard reads, so nothing in it was checked: an array
//! of documents, an empty object, a lone statement without its document, or a
//! `PolicyDocument` in an API response whose shape ramguard does not know. JSON with no such
//! mark (`package.json`, `tsconfig.json`) is skipped quietly, and so is any file found by
//! walking a folder; an object whose `Version` / `Statement` keys are written in another case
//! is linted as a policy, and the grammar rules say what is wrong with it.
//!
//! A resource policy (an OSS bucket policy, a KMS key policy: every statement names a
//! `Principal` and a `Resource`, every action is `oss:` or `kms:`) is not linted either; it is
//! reported at `info`, since it is in its right shape and its `Principal` is no mistake. So is
//! every Terraform attribute that holds one (`alicloud_oss_bucket.policy`,
//! `alicloud_oss_bucket_policy.policy`, `alicloud_kms_key.policy`, `alicloud_kms_secret.policy`,
//! `alicloud_log_project.policy`, `alicloud_max_compute_role.policy`, the `policy_document` of
//! `alicloud_privatelink_vpc_endpoint` and `alicloud_vpc_gateway_endpoint`), whatever it holds.
//! A ROS template embedded in a Terraform resource's `template_body` (`alicloud_ros_stack`,
//! `_stack_group`, `alicloud_ros_template`) that holds RAM resources is reported as a warning:
//! its documents are not linted there (a template in a file of its own is).
//!
//! ## Why is this bad?
//! A file that nobody checked must not pass as a clean one: with `--deny-warnings`, a policy
//! saved in a shape ramguard does not read fails the run instead of slipping through.
//!
//! ## Example
//! A document saved inside a wrapper that no RAM API returns:
//! ```json
//! { "Data": { "PolicyDocument": "{\"Version\": \"1\", \"Statement\": [{\"Effect\": \"Deny\", \"Action\": \"kvstore:DeleteInstance\", \"Resource\": \"*\"}]}" } }
//! ```
//!
//! Use instead: the document itself, or the API response as RAM returned it.
//! ```json
//! { "Version": "1", "Statement": [ { "Effect": "Deny", "Action": "kvstore:DeleteInstance", "Resource": "*" } ] }
//! ```

use super::{Finding, Rule, Severity};
use crate::inputs::policy_file::Unrecognised;
use crate::source::Span;

pub static RULE: Rule = Rule {
    code: "RG020",
    name: "unrecognised-document",
    severity: Severity::Warning,
    source: include_str!("unrecognised_document.rs"),
    // Made by the driver from what the reader recognised (see `inputs::policy_file`).
    check: Rule::no_check,
};

pub fn finding(unrecognised: &Unrecognised) -> Finding {
    Finding::new(&RULE, unrecognised.span, unrecognised.message.clone())
        .severity(unrecognised.severity)
        .label("not read as a policy")
        .help(unrecognised.help.clone())
}

/// A resource policy (an OSS bucket policy, a KMS key policy, ...) where a Terraform resource
/// attribute holds it, `kind` naming it ("an OSS bucket policy"): not read, said at `info`.
pub fn resource_policy(span: Span, kind: &str) -> Finding {
    Finding::new(
        &RULE,
        span,
        format!("this is {kind}, a resource policy: ramguard lints identity and trust policies, so nothing in it was checked"),
    )
    .severity(Severity::Info)
    .label("not read as a policy")
    .help("lint its grants with the service's own tools; ramguard reads RAM identity (permission), control, session and trust policies")
}

/// A ROS template in a Terraform resource's `template_body` that holds RAM resources: their
/// documents are not linted where they stand, said as a warning (a policy nobody checked is
/// never a clean pass under `--deny-warnings`).
pub fn embedded_ros_template(span: Span) -> Finding {
    Finding::new(
        &RULE,
        span,
        "this ROS template holds RAM resources, whose policy documents are not linted inside a Terraform file",
    )
    .label("not read as a policy")
    .help("keep the template in a file of its own (`template_body = file(\"stack.yaml\")`, or `template_url`) and lint that file")
}

/// An item of a list of versions that carries no document.
pub fn no_document(span: Span, pointer: &str, key: &str) -> Finding {
    Finding::new(&RULE, span, format!("`{pointer}` carries no `{key}`"))
        .label("no document here")
        .pointer(pointer)
        .help("pass the response as the API returned it: every version carries its document")
}
