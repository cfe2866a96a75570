//! `instance-state`: `DeleteInstance` needs the instance running, `InstanceStatus` = `Normal`.

use super::{Check, Status};
use crate::inputs::instances::Instance;

pub const ID: &str = "instance-state";

/// The states the APIs and the Terraform provider document; all but `Normal` block a release.
pub const KNOWN_STATES: [&str; 19] = [
    "Normal",
    "Creating",
    "Changing",
    "Inactive",
    "Flushing",
    "Released",
    "Transforming",
    "Unavailable",
    "Error",
    "Migrating",
    "BackupRecovering",
    "MinorVersionUpgrading",
    "MajorVersionUpgrading",
    "NetworkModifying",
    "SSLModifying",
    "CleaningUpExpiredData",
    "HASwitching",
    "Rebooting",
    "ZoneMigrating",
];

pub fn check(instance: &Instance) -> Check {
    match instance.status.as_deref() {
        None => Check::new(ID, Status::Unknown, "the input does not say the instance's state").remediation(format!(
            "read it with `aliyun r-kvstore DescribeInstanceAttribute --InstanceId {}` and pass the response as another `--instance`",
            instance.id
        )),
        Some("Normal") => Check::new(ID, Status::Pass, "the instance is running (`Normal`)"),
        Some(state) => {
            let known = KNOWN_STATES.contains(&state);
            let message = if known {
                format!("the instance is `{state}`, not `Normal`: DeleteInstance needs it running")
            } else {
                format!(
                    "the instance's state is `{state}`, which ramguard does not know: only `Normal` allows a release"
                )
            };
            let wait = match state {
                "Released" => "it is released already: there is nothing to release".to_string(),
                "Inactive" => "an inactive (expired or overdue) instance cannot be released through the API: renew it or wait for the automatic release".to_string(),
                _ => format!(
                    "wait until `InstanceStatus` is `Normal` (`aliyun r-kvstore DescribeInstanceAttribute --InstanceId {}`), then run the preflight again",
                    instance.id
                ),
            };
            Check::new(ID, Status::Fail, message).remediation(wait)
        }
    }
}
