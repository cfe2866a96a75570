//! What the benchmarks share: the corpus generator, compiled policies, and a median timer.

// Each bench uses part of the generator.
#[allow(dead_code, reason = "each bench uses only part of the generator")]
pub mod corpus;

use std::sync::Arc;
use std::time::{Duration, Instant};

use ramguard::eval::CompiledPolicy;
use ramguard::policy::Policy;
use ramguard::source::SourceFile;

/// `count` generated policies of `statements` statements, parsed and compiled.
#[allow(dead_code, reason = "not every bench evaluates")]
pub fn compiled_policies(rng: &mut corpus::Rng, count: usize, statements: usize) -> Vec<CompiledPolicy> {
    (0..count)
        .map(|i| {
            let text = corpus::document(rng, statements);
            let root = ramguard::json::parse(&text).expect("the generator writes valid JSON");
            CompiledPolicy::new(
                Arc::new(SourceFile::new(format!("p{i}.json"), text)),
                &Policy::from_document(&root),
            )
        })
        .collect()
}

/// The median of `runs` timings of `f`.
#[allow(dead_code, reason = "not every bench times this way")]
pub fn median(runs: usize, mut f: impl FnMut()) -> Duration {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .collect();
    times.sort();
    times.get(runs / 2).copied().unwrap_or_default()
}
