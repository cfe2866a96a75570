//! `release-protection`: with release protection on, `DeleteInstance` fails with
//! `InstanceReleaseProtection`. The remediation is the exact command that switches it off, and
//! whether this caller may run it.

use super::{Caller, Check, Status};
use crate::eval::Decision;
use crate::inputs::instances::{Form, Instance};

pub const ID: &str = "release-protection";
pub const ERROR_CODE: &str = "InstanceReleaseProtection";

pub fn check(instance: &Instance, caller: &Caller) -> Check {
    match instance.release_protection {
        Some(false) => Check::new(ID, Status::Pass, "release protection is off"),
        Some(true) => {
            let command = format!(
                "aliyun r-kvstore ModifyInstanceAttribute --InstanceId {} --InstanceReleaseProtection false",
                instance.id
            );
            let who = if caller.has_policies() {
                match caller.evaluate("kvstore:ModifyInstanceAttribute", instance).decision {
                    Decision::Allowed => " (these policies allow `kvstore:ModifyInstanceAttribute` on the instance)".to_string(),
                    Decision::Conditional => " (whether these policies allow `kvstore:ModifyInstanceAttribute` on the instance depends on keys not given)".to_string(),
                    _ => " (these policies do not allow `kvstore:ModifyInstanceAttribute` on the instance: ask its owners)".to_string(),
                }
            } else {
                String::new()
            };
            let mut check =
                Check::new(ID, Status::Fail, "release protection is on").remediation(format!("{command}{who}"));
            check.error_code = Some(ERROR_CODE);
            check
        }
        None if instance.inputs.len() > 1 => {
            let names: Vec<String> = instance
                .inputs
                .iter()
                .map(|i| format!("`{}`", crate::inputs::identifiers::shown(&i.name)))
                .collect();
            Check::new(
                ID,
                Status::Unknown,
                format!("none of the inputs ({}) says whether release protection is on", names.join(", ")),
            )
            .remediation(format!(
                "read `InstanceReleaseProtection` with `aliyun r-kvstore DescribeInstanceAttribute --InstanceId {}` and pass the response as another `--instance`",
                instance.id
            ))
        }
        None => {
            let why = match instance.form {
                Form::DescribeInstances => "`DescribeInstances` does not report release protection".to_string(),
                Form::TerraformPlan | Form::TerraformState
                    if instance
                        .terraform
                        .as_ref()
                        .is_some_and(|(_, kind)| kind == "alicloud_redis_tair_instance") =>
                {
                    "`alicloud_redis_tair_instance` has no release-protection attribute".to_string()
                }
                _ => "the input does not say whether release protection is on".to_string(),
            };
            Check::new(ID, Status::Unknown, why).remediation(format!(
                "read `InstanceReleaseProtection` with `aliyun r-kvstore DescribeInstanceAttribute --InstanceId {}` and pass the response as another `--instance` (or use `--fetch`)",
                instance.id
            ))
        }
    }
}
