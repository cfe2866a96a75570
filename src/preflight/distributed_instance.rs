//! `distributed-instance`: a child of a distributed (Global Distributed Cache) instance. Tair's
//! "Release pay-as-you-go instances" page lists as a prerequisite that such a child is released
//! from the distributed instance (the Global Distributed Cache page of the console), and
//! `DeleteInstance` documents `GlobalInstanceId` — the distributed instance the child belongs
//! to — as "applicable to only China site (aliyun.com)". `RemoveSubInstance` makes the child a
//! regular instance, its data kept. Advisory (`warn`), as the CONTRACT has it.

use super::{Check, Status};
use crate::inputs::instances::Instance;

pub const ID: &str = "distributed-instance";

pub fn check(instance: &Instance) -> Check {
    match instance.global_instance_id.as_deref() {
        Some("") => Check::new(ID, Status::Pass, "the instance is not part of a distributed instance"),
        Some(global) => Check::new(
            ID,
            Status::Warn,
            format!(
                "the instance is a child of the distributed instance `{global}`: the documentation has it released from the distributed instance, and `GlobalInstanceId` as a `DeleteInstance` parameter applies to the China site (aliyun.com) only"
            ),
        )
        .remediation(format!(
            "release it from `{global}` (Tair console, Global Distributed Cache page); on the China site, `aliyun r-kvstore DeleteInstance --InstanceId {id} --GlobalInstanceId {global}`; or first make it a regular instance, its data kept: `aliyun r-kvstore RemoveSubInstance --InstanceId {id}`",
            id = instance.id
        )),
        None => Check::new(ID, Status::Warn, "the input does not say whether the instance belongs to a distributed instance")
            .remediation(format!("read `GlobalInstanceId` with `aliyun r-kvstore DescribeInstanceAttribute --InstanceId {}` and pass the response as another `--instance`", instance.id)),
    }
}
