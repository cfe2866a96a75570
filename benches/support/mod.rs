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

/// The CPU time (user + system, every thread) this process has used so far, from
/// `/proc/self/stat` (in clock ticks of 10 ms); `None` where there is no such file.
#[allow(dead_code, reason = "not every bench counts CPU time")]
pub fn cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
    let rest = stat.get(stat.rfind(')')? + 1..)?;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // Fields 14 and 15 of the file (`utime`, `stime`) are the 12th and 13th after it.
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    // USER_HZ is 100 on every Linux architecture ramguard is built for.
    Some(Duration::from_millis(ticks * 10))
}

/// The median wall time of `runs` runs of `f`, and the mean CPU time (user + system) of one
/// run: CPU time is counted in 10 ms ticks, so it is summed over all the runs.
#[allow(dead_code, reason = "not every bench counts CPU time")]
pub fn median_and_cpu(runs: usize, f: impl FnMut()) -> (Duration, Option<Duration>) {
    let before = cpu_time();
    let wall = median(runs, f);
    let cpu = before
        .zip(cpu_time())
        .map(|(before, after)| after.saturating_sub(before) / u32::try_from(runs.max(1)).unwrap_or(1));
    (wall, cpu)
}
