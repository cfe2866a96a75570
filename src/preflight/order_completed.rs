//! `order-completed`: a configuration change still in progress (`IsOrderCompleted` false) is
//! worth waiting for. Advisory: it warns, it does not block.

use super::{Check, Status};
use crate::inputs::instances::Instance;

pub const ID: &str = "order-completed";

pub fn check(instance: &Instance) -> Check {
    match instance.order_completed {
        Some(true) => Check::new(ID, Status::Pass, "no configuration change is in progress"),
        Some(false) => Check::new(
            ID,
            Status::Warn,
            "a configuration change is still in progress (`IsOrderCompleted` is false)",
        )
        .remediation("wait for the change to complete before releasing"),
        None => Check::new(
            ID,
            Status::Warn,
            "the input does not say whether a configuration change is in progress",
        )
        .remediation(format!(
            "read `IsOrderCompleted` with `aliyun r-kvstore DescribeInstanceAttribute --InstanceId {}` and pass the response as another `--instance`",
            instance.id
        )),
    }
}
