//! `cargo bench --bench preflight`: a DescribeInstances page of 100 instances, and 1,000
//! instances, each against 20 policies: reading the metadata, then every check of every
//! instance (the aim: 50 ms).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a benchmark fails loudly"
)]

mod support;

use ramguard::eval::{Context, Layer, LayerKind};
use ramguard::inputs::instances;
use ramguard::preflight::{self, Caller};
use support::corpus::Rng;

fn page(count: usize, rng: &mut Rng) -> String {
    let instances: Vec<String> = (0..count)
        .map(|i| {
            let status = if rng.chance(90) { "Normal" } else { "Changing" };
            let charge = if rng.chance(80) { "PostPaid" } else { "PrePaid" };
            let env = rng.pick(&["prod", "dev", "test"]);
            format!(
                r#"{{"InstanceId": "r-bp1zxszhcgatnx{i:04}", "InstanceName": "cache-{i}", "RegionId": "cn-hangzhou", "InstanceStatus": "{status}", "ChargeType": "{charge}", "GlobalInstanceId": "", "HasRenewChangeOrder": false, "Tags": {{"Tag": [{{"Key": "env", "Value": "{env}"}}]}}}}"#
            )
        })
        .collect();
    format!(
        r#"{{"RequestId": "x", "PageNumber": 1, "PageSize": {count}, "TotalCount": {count}, "Instances": {{"KVStoreInstance": [{}]}}}}"#,
        instances.join(", ")
    )
}

fn main() {
    let mut rng = Rng::new(11);
    let policies = support::compiled_policies(&mut rng, 20, 10);
    let mut context = Context::default();
    context.insert("acs:MFAPresent", "true");
    let caller = Caller {
        layers: vec![Layer {
            kind: LayerKind::IdentityPolicy,
            policies,
        }],
        account_id: Some("1234567890123456".into()),
        context,
    };
    for count in [100, 1_000] {
        let text = page(count, &mut rng);
        let time = support::median(11, || {
            let root = ramguard::json::parse(&text).unwrap();
            let instances = instances::read(&root).unwrap();
            let reports: Vec<_> = instances.iter().map(|i| preflight::check(i, &caller)).collect();
            assert_eq!(reports.len(), count);
            std::hint::black_box(reports);
        });
        println!(
            "{count:>5} instances against 20 policies, read and checked: {:.2} ms",
            time.as_secs_f64() * 1e3
        );
    }
}

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
