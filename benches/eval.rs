//! `cargo bench --bench eval`: one request against 1,000 policies of 10 statements each, after
//! parsing and compiling (the aim: at most 5 ms).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a benchmark fails loudly"
)]

mod support;

use std::time::{Duration, Instant};

use ramguard::eval::{self, Context, Layer, LayerKind, Resource};
use support::corpus::Rng;

fn main() {
    let mut rng = Rng::new(7);
    let policies = support::compiled_policies(&mut rng, 1_000, 10);
    let statements: usize = policies.iter().map(|p| p.statements.len()).sum();
    let layers = [Layer {
        kind: LayerKind::IdentityPolicy,
        policies,
    }];
    let resource = Resource::known("acs:kvstore:cn-hangzhou:1234567890123456:instance/r-bp1zxszhcgatnx0042");
    let mut context = Context::default();
    context.insert("acs:MFAPresent", "true");
    context.insert("acs:SourceIp", "203.0.113.7");
    let mut times: Vec<Duration> = (0..51)
        .map(|_| {
            let start = Instant::now();
            let evaluation = eval::evaluate(&layers, "kvstore:DeleteInstance", &resource, &context);
            std::hint::black_box(evaluation);
            start.elapsed()
        })
        .collect();
    times.sort();
    let decision = eval::evaluate(&layers, "kvstore:DeleteInstance", &resource, &context).decision;
    println!(
        "{statements} statements in 1,000 policies, one request ({}):",
        decision.as_str()
    );
    println!(
        "  median {:.2} ms, worst {:.2} ms",
        times[25].as_secs_f64() * 1e3,
        times[50].as_secs_f64() * 1e3
    );
}

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
