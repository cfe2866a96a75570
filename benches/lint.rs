//! `cargo bench --bench lint`: ramguard lint on 5,000 generated policies against the floor, a
//! loop that only reads and parses the same files with serde_json; and one small file through
//! the real binary, start to finish.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a benchmark fails loudly"
)]

mod support;

use std::path::Path;
use std::time::Duration;

use ramguard::config::Config;
use ramguard::lint::{self, LintOptions};
use rayon::prelude::*;

use support::corpus::FILES;

/// Runs of each measurement: the median is reported.
const RUNS: usize = 11;

fn main() {
    let (dir, paths) = support::corpus::fresh("ramguard-bench-corpus").unwrap();
    let bytes: u64 = paths.iter().map(|p| std::fs::metadata(p).unwrap().len()).sum();
    println!(
        "corpus: {FILES} files, {:.1} MB, in {}",
        bytes as f64 / 1e6,
        dir.display()
    );

    let config = Config::default();
    let mut findings = 0;
    // The floor and ramguard in turns, so that both see the same machine.
    let [(floor_serial, floor_cpu), (ramguard, ramguard_cpu)] = support::side_by_side(
        RUNS,
        [
            &mut || {
                for path in &paths {
                    let text = std::fs::read(path).unwrap();
                    let _: serde_json::Value = serde_json::from_slice(&text).unwrap();
                }
            },
            &mut || {
                let report =
                    lint::lint_paths(std::slice::from_ref(&dir), &config, &dir, LintOptions::default()).unwrap();
                assert_eq!(report.linted, FILES);
                findings = report.files.iter().map(|f| f.findings.len()).sum();
            },
        ],
    );
    let floor_parallel = support::median(RUNS, || {
        paths.par_iter().for_each(|path| {
            let text = std::fs::read(path).unwrap();
            let _: serde_json::Value = serde_json::from_slice(&text).unwrap();
        });
    });
    println!("floor, serde_json read+parse, 1 thread:   {:>8.1} ms", ms(floor_serial));
    println!(
        "floor, serde_json read+parse, all cores:  {:>8.1} ms",
        ms(floor_parallel)
    );
    println!(
        "ramguard lint (library, walk included):   {:>8.1} ms  ({findings} findings)",
        ms(ramguard)
    );
    // The two ratios of issue 13: wall time against the one-thread floor (aim 1.5x), and CPU
    // time (user + system, every thread) against the floor's (aim 2.5x).
    println!(
        "wall, ratio to the one-thread floor:      {:>8.2}x",
        ms(ramguard) / ms(floor_serial)
    );
    println!(
        "wall, ratio to the parallel floor:        {:>8.2}x",
        ms(ramguard) / ms(floor_parallel)
    );
    match (floor_cpu, ramguard_cpu) {
        (Some(floor_cpu), Some(ramguard_cpu)) => {
            println!(
                "CPU (user+sys): floor {:.0} ms, ramguard {:.0} ms, ratio {:>5.2}x",
                ms(floor_cpu),
                ms(ramguard_cpu),
                ms(ramguard_cpu) / ms(floor_cpu).max(1e-9)
            );
        }
        _ => println!("CPU (user+sys): not measured (no /proc/self/stat)"),
    }

    let binary = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/ramguard");
    if binary.exists() {
        let one = &paths[0];
        let run = |args: &[&std::ffi::OsStr]| {
            let status = std::process::Command::new(&binary).args(args).output().unwrap();
            assert!(status.status.code().is_some());
        };
        // The process alone (start, command line, catalogue, exit) beside the lint of one file:
        // what is left is the lint's own share.
        let [(single, _), (start_only, _)] = support::side_by_side(
            RUNS,
            [
                &mut || run(&["lint".as_ref(), "--format".as_ref(), "json".as_ref(), one.as_os_str()]),
                &mut || run(&["--version".as_ref()]),
            ],
        );
        println!("one small file, `ramguard lint` process:  {:>8.1} ms", ms(single));
        println!(
            "  of which the process alone (`--version`): {:>7.1} ms (start, command line, catalogue, exit)",
            ms(start_only)
        );
        // What a terminal or a CI log is shown: the corpus through the binary in the default
        // format (every finding drawn with its snippet), beside `--format json`.
        let [(human, _), (json, _)] = support::side_by_side(
            5,
            [&mut || run(&["lint".as_ref(), dir.as_os_str()]), &mut || {
                run(&["lint".as_ref(), "--format".as_ref(), "json".as_ref(), dir.as_os_str()])
            }],
        );
        println!(
            "the corpus through the binary, default format: {:>6.1} ms (`--format json`: {:.1} ms)",
            ms(human),
            ms(json)
        );
        peak_memory(&binary, &dir);
        support::preflight_peak_memory(&binary, dir.parent().unwrap_or(&dir));
    } else {
        println!("(build target/release/ramguard to time one file through the binary)");
    }
}

/// Issue 13's memory aim: at most 10x the input for any command. A generated policy of 20 MB
/// goes through the binary under `/usr/bin/time -v`, which reports the peak resident set.
fn peak_memory(binary: &Path, dir: &Path) {
    let time = Path::new("/usr/bin/time");
    if !time.exists() {
        println!("(install GNU time as /usr/bin/time to measure peak memory)");
        return;
    }
    let mut rng = support::corpus::Rng::new(7);
    let mut statements = Vec::new();
    let mut size = 0;
    while size < 20_000_000 {
        let statement = support::corpus::statement(&mut rng);
        size += statement.len() + 2;
        statements.push(statement);
    }
    let text = format!(
        "{{\n  \"Version\": \"1\",\n  \"Statement\": [\n{}\n  ]\n}}\n",
        statements.join(",\n")
    );
    let big = dir.with_file_name("ramguard-bench-20mb.json");
    std::fs::write(&big, &text).unwrap();
    let input_mb = text.len() as f64 / 1e6;
    let commands: [(&str, Vec<&std::ffi::OsStr>); 2] = [
        (
            "lint --format json",
            vec!["lint".as_ref(), "--format".as_ref(), "json".as_ref(), big.as_os_str()],
        ),
        (
            "simulate",
            vec![
                "simulate".as_ref(),
                "--policy".as_ref(),
                big.as_os_str(),
                "--action".as_ref(),
                "kvstore:DeleteInstance".as_ref(),
                "--resource".as_ref(),
                "acs:kvstore:cn-hangzhou:1234567890123456:instance/r-bp1x".as_ref(),
            ],
        ),
    ];
    for (name, args) in commands {
        let output = std::process::Command::new(time)
            .arg("-v")
            .arg(binary)
            .args(args)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        let peak_kb: Option<f64> = stderr
            .lines()
            .find_map(|l| l.trim().strip_prefix("Maximum resident set size (kbytes):"))
            .and_then(|v| v.trim().parse().ok());
        match peak_kb {
            Some(kb) => println!(
                "peak memory, `ramguard {name}` of a {input_mb:.1} MB policy: {:>6.1} MB ({:.1}x the input)",
                kb / 1e3,
                kb / 1e3 / input_mb
            ),
            None => println!("peak memory, `ramguard {name}`: not reported by /usr/bin/time"),
        }
    }
    let _ = std::fs::remove_file(&big);
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
