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
        let text = support::describe_instances(count, &mut rng);
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
    let binary = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/ramguard");
    if binary.exists() {
        support::preflight_peak_memory(&binary, &std::env::temp_dir());
    } else {
        println!("(build target/release/ramguard to measure preflight's peak memory)");
    }
}

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
