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
            let source = Arc::new(SourceFile::new(format!("p{i}.json"), corpus::document(rng, statements)));
            let root = ramguard::json::parse(&source.text).expect("the generator writes valid JSON");
            let policy = Policy::from_document(&root);
            CompiledPolicy::new(Arc::clone(&source), &policy)
        })
        .collect()
}

/// `ramguard lint` (the library, default configuration) of every file under each of `dirs`,
/// the folders linted in turns ([`side_by_side`]): per folder, the median time of `runs` runs,
/// and the documents and findings of the last.
#[allow(dead_code, reason = "not every bench lints folders")]
pub fn lint_side_by_side<const N: usize>(dirs: [&std::path::Path; N], runs: usize) -> [(Duration, usize, usize); N] {
    let config = ramguard::config::Config::default();
    let counts: [std::cell::Cell<(usize, usize)>; N] = std::array::from_fn(|_| std::cell::Cell::new((0, 0)));
    let mut jobs: [_; N] = std::array::from_fn(|i| {
        let (dir, counts, config) = (dirs.get(i).copied(), counts.get(i), &config);
        move || {
            let (Some(dir), Some(counts)) = (dir, counts) else {
                return;
            };
            let report = ramguard::lint::lint_paths(
                std::slice::from_ref(&dir.to_path_buf()),
                config,
                dir,
                ramguard::lint::LintOptions::default(),
            )
            .unwrap_or_else(|e| panic!("{e:?}"));
            counts.set((
                report.documents,
                report.files.iter().map(|f| f.findings.len()).sum::<usize>(),
            ));
        }
    });
    let times = side_by_side(runs, jobs.each_mut().map(|job| job as &mut dyn FnMut()));
    std::array::from_fn(|i| {
        let (documents, findings) = counts.get(i).map(std::cell::Cell::get).unwrap_or_default();
        (
            times.get(i).map(|(wall, _)| *wall).unwrap_or_default(),
            documents,
            findings,
        )
    })
}

/// The median of `runs` timings of `f`.
#[allow(dead_code, reason = "not every bench times this way")]
pub fn median(runs: usize, mut f: impl FnMut()) -> Duration {
    let times: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .collect();
    median_of(times)
}

/// The middle of `times` (the later of the two middles of an even count).
fn median_of(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times.get(times.len() / 2).copied().unwrap_or_default()
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

/// The median wall time and the mean CPU time (user + system) of one run of each job, the
/// jobs run in turns: one unmeasured run of each first, then a run of each, `runs` times over.
/// Jobs compared side by side then see the same machine (the same page cache, the same
/// neighbours' load) rather than one of them the moments after the corpus was written, when
/// the floor's times swung from 57 to 97 ms between runs of the bench.
#[allow(dead_code, reason = "not every bench compares jobs")]
pub fn side_by_side<const N: usize>(runs: usize, mut jobs: [&mut dyn FnMut(); N]) -> [(Duration, Option<Duration>); N] {
    for job in jobs.iter_mut() {
        job();
    }
    let mut walls: [Vec<Duration>; N] = std::array::from_fn(|_| Vec::with_capacity(runs));
    let mut cpu: [Option<Duration>; N] = [Some(Duration::ZERO); N];
    for _ in 0..runs {
        for (i, job) in jobs.iter_mut().enumerate() {
            let cpu_before = cpu_time();
            let start = Instant::now();
            job();
            let wall = start.elapsed();
            let used = cpu_before
                .zip(cpu_time())
                .map(|(before, after)| after.saturating_sub(before));
            if let Some(times) = walls.get_mut(i) {
                times.push(wall);
            }
            if let Some(total) = cpu.get_mut(i) {
                *total = total.zip(used).map(|(total, used)| total + used);
            }
        }
    }
    let runs_u32 = u32::try_from(runs.max(1)).unwrap_or(1);
    std::array::from_fn(|i| {
        let median = median_of(walls.get(i).cloned().unwrap_or_default());
        (median, cpu.get(i).copied().flatten().map(|total| total / runs_u32))
    })
}

/// A `DescribeInstances` response of `count` instances, as the API returns a page of them.
#[allow(dead_code, reason = "not every bench reads instances")]
pub fn describe_instances(count: usize, rng: &mut corpus::Rng) -> String {
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

/// The peak resident set of the binary run with `args`, in MB, as `/usr/bin/time -v` reports
/// it; `None` without GNU time.
#[allow(dead_code, reason = "not every bench runs the binary")]
pub fn peak_memory_mb(binary: &std::path::Path, args: &[&std::ffi::OsStr]) -> Option<f64> {
    let time = std::path::Path::new("/usr/bin/time");
    if !time.exists() {
        return None;
    }
    let output = std::process::Command::new(time)
        .arg("-v")
        .arg(binary)
        .args(args)
        .output()
        .ok()?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    let kb: f64 = stderr
        .lines()
        .find_map(|l| l.trim().strip_prefix("Maximum resident set size (kbytes):"))
        .and_then(|v| v.trim().parse().ok())?;
    Some(kb / 1e3)
}

/// Issue 13's memory aim for `preflight`: a generated `DescribeInstances` response of about
/// 24 MB (the size the issue names) through the binary, its peak memory printed.
#[allow(dead_code, reason = "not every bench runs the binary")]
pub fn preflight_peak_memory(binary: &std::path::Path, dir: &std::path::Path) {
    let mut rng = corpus::Rng::new(13);
    // About 260 bytes an instance.
    let text = describe_instances(92_000, &mut rng);
    let response = dir.join("ramguard-bench-describe-instances.json");
    let policy = dir.join("ramguard-bench-allow-release.json");
    if std::fs::write(&response, &text).is_err()
        || std::fs::write(
            &policy,
            r#"{"Version": "1", "Statement": [{"Effect": "Allow", "Action": "kvstore:DeleteInstance", "Resource": "acs:kvstore:cn-hangzhou:*:instance/*"}]}"#,
        )
        .is_err()
    {
        println!("(cannot write the generated response under {})", dir.display());
        return;
    }
    let input_mb = text.len() as f64 / 1e6;
    let args = [
        "preflight".as_ref(),
        "--instance".as_ref(),
        response.as_os_str(),
        "--policy".as_ref(),
        policy.as_os_str(),
        "--format".as_ref(),
        "json".as_ref(),
    ];
    match peak_memory_mb(binary, &args) {
        Some(mb) => println!(
            "peak memory, `ramguard preflight --format json` of a {input_mb:.1} MB DescribeInstances response: {mb:>6.1} MB ({:.1}x the input)",
            mb / input_mb
        ),
        None => println!("peak memory, `ramguard preflight`: not measured (no /usr/bin/time)"),
    }
    let _ = std::fs::remove_file(&response);
    let _ = std::fs::remove_file(&policy);
}
