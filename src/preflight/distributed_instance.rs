//! `distributed-instance`: a child of a Global Distributed Cache instance is released from the
//! distributed instance. Advisory.

use super::{Check, Status};
use crate::inputs::instances::Instance;

pub const ID: &str = "distributed-instance";

pub fn check(instance: &Instance) -> Check {
    match instance.global_instance_id.as_deref() {
        Some("") => Check::new(ID, Status::Pass, "the instance is not part of a distributed instance"),
        Some(global) => Check::new(ID, Status::Warn, format!("the instance belongs to the distributed instance `{global}`"))
            .remediation(format!("release it as a child of `{global}`: pass `--GlobalInstanceId {global}` to DeleteInstance, and check what the other members need")),
        None => Check::new(ID, Status::Warn, "the input does not say whether the instance belongs to a distributed instance")
            .remediation(format!("read `GlobalInstanceId` with `aliyun r-kvstore DescribeInstanceAttribute --InstanceId {}`", instance.id)),
    }
}
