//! `charge-type`: only a pay-as-you-go instance can be released through the API.

use super::{Check, Status};
use crate::inputs::instances::{ChargeType, Instance};

pub const ID: &str = "charge-type";

pub fn check(instance: &Instance) -> Check {
    match &instance.charge_type {
        None => {
            Check::new(ID, Status::Unknown, "the input does not say how the instance is billed").remediation(format!(
                "read `ChargeType` with `aliyun r-kvstore DescribeInstanceAttribute --InstanceId {}` and pass the response as another `--instance`",
                instance.id
            ))
        }
        Some(ChargeType::PayAsYouGo) => Check::new(ID, Status::Pass, "the instance is pay-as-you-go"),
        Some(ChargeType::Subscription) => {
            let mut remediation = "a subscription instance cannot be released through the API: it is released when it expires (see `EndTime`), or early through a ticket to Alibaba Cloud".to_string();
            if instance.terraform.is_some() {
                remediation.push_str("; `terraform destroy` only drops it from the state, and the instance keeps running and billing until then");
            }
            Check::new(ID, Status::Fail, "the instance is billed by subscription (prepaid)").remediation(remediation)
        }
        Some(ChargeType::Other(value)) => Check::new(
            ID,
            Status::Unknown,
            format!("the charge type `{value}` is not one ramguard knows"),
        )
        .remediation(
            "only pay-as-you-go (`PostPaid`) instances are released through the API; check the instance in the console",
        ),
    }
}
