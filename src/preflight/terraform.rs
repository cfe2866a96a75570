//! What a Terraform-driven release needs beyond `kvstore:DeleteInstance`. The provider
//! (`aliyun/terraform-provider-alicloud`) reads the instance with `DescribeInstanceAttribute`
//! around its `DeleteInstance` call:
//!
//! - `alicloud_kvstore_instance` (`resourceAliCloudKvstoreInstanceDelete`) reads it **before**,
//!   to see its `ChargeType`: denied, the release never starts;
//! - `alicloud_redis_tair_instance` (`resourceAliCloudRedisTairInstanceDelete`) reads it
//!   **after**, polling until it is gone: denied, the instance is released but the apply fails
//!   and keeps it in the state.
//!
//! Both also read it while they wait for the release (`KvstoreInstanceStateRefreshFunc`,
//! `RedisTairInstanceStateRefreshFunc`). So for an instance a plan deletes, the `permission`
//! check covers both actions and says which one is not allowed.

use super::{Caller, Check, Status, permission};
use crate::eval::Decision;
use crate::inputs::instances::Instance;

/// The action the provider calls besides `kvstore:DeleteInstance`.
pub const READ_ACTION: &str = "kvstore:DescribeInstanceAttribute";

/// When the provider calls [`READ_ACTION`], for the message.
fn when(instance: &Instance) -> &'static str {
    match instance.terraform.as_ref().map(|(_, kind)| kind.as_str()) {
        Some("alicloud_redis_tair_instance") => {
            "after `DeleteInstance`, to wait for the release (denied, the instance is released but the apply fails and keeps it in the state)"
        }
        _ => "before `DeleteInstance` (denied, the release never starts)",
    }
}

/// The `permission` check: `kvstore:DeleteInstance`, and for an instance a Terraform plan
/// deletes, `kvstore:DescribeInstanceAttribute` too.
pub fn permission(instance: &Instance, caller: &Caller) -> Check {
    let delete = permission::check(instance, caller);
    if !instance.from_plan() || !caller.has_policies() {
        return delete;
    }
    let resource = caller.resource(instance).display();
    let read = caller.evaluate(READ_ACTION, instance);
    let delete_action = permission::ACTION;
    let mut check = match (read.decision, delete.status) {
        (Decision::Allowed, Status::Pass) => Check::new(
            permission::ID,
            Status::Pass,
            format!("the policies allow `{READ_ACTION}` and `{delete_action}` on `{resource}` (Terraform calls both)"),
        ),
        (Decision::Allowed, _) => {
            let mut kept = delete.clone();
            kept.message
                .push_str(&format!(" (`{READ_ACTION}`, which Terraform calls too, is allowed)"));
            kept
        }
        (Decision::ExplicitDeny | Decision::ImplicitDeny, status) => {
            let how = if read.decision == Decision::ExplicitDeny {
                let layer = read.layer.map_or("identity policies", |l| l.plural());
                let at = read.statements.first().map_or_else(String::new, |s| {
                    format!(" (statement {} of {}, line {})", s.index + 1, s.file, s.line)
                });
                format!("explicit deny: a `Deny` in the {layer} forbids `{READ_ACTION}` on `{resource}`{at}")
            } else {
                format!("implicit deny: no statement allows `{READ_ACTION}` on `{resource}`")
            };
            let delete_said = match status {
                Status::Pass => format!("`{delete_action}` is allowed"),
                Status::Fail => format!("`{delete_action}` is denied too: {}", delete.message),
                _ => format!("whether `{delete_action}` is allowed is unknown: {}", delete.message),
            };
            Check::new(
                permission::ID,
                Status::Fail,
                format!("{how}, which Terraform calls {}; {delete_said}", when(instance)),
            )
            .remediation(joined(
                format!("grant `{READ_ACTION}` on `{resource}` to the caller, as well as `{delete_action}`"),
                delete.remediation.as_deref().filter(|_| status != Status::Pass),
            ))
        }
        (Decision::Conditional, Status::Fail) => delete.clone(),
        (Decision::Conditional, _) => {
            let keys: Vec<String> = read.missing_keys.iter().map(|k| format!("`{k}`")).collect();
            let why = if keys.is_empty() {
                read.reasons.iter().cloned().collect::<Vec<_>>().join("; ")
            } else {
                format!("depends on {}", keys.join(", "))
            };
            let delete_said = if delete.status == Status::Pass {
                format!("`{delete_action}` is allowed")
            } else {
                delete.message.clone()
            };
            let remediation = if read.reasons.is_empty() {
                crate::report::decision::advice(&read).unwrap_or_default()
            } else {
                "fix the statements named above so that they say what they mean (`ramguard lint` shows where), then run preflight again".to_string()
            };
            Check::new(
                permission::ID,
                Status::Unknown,
                format!(
                    "whether the policies allow `{READ_ACTION}`, which Terraform calls {}, {why}; {delete_said}",
                    when(instance)
                ),
            )
            .remediation(joined(
                remediation,
                delete.remediation.as_deref().filter(|_| delete.status != Status::Pass),
            ))
        }
    };
    if check.error_code.is_none() {
        check.error_code = delete.error_code;
    }
    // The decision shown with the check stays the one for `DeleteInstance`.
    check.evaluation = delete.evaluation;
    check
}

/// The read's remediation, then the delete's when it is another.
fn joined(read: String, delete: Option<&str>) -> String {
    match delete {
        Some(delete) if delete != read && !delete.is_empty() => format!("{read}; {delete}"),
        _ => read,
    }
}
