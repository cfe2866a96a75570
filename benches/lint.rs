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

const FILES: usize = 5_000;
const RUNS: usize = 7;

fn main() {
    let dir = std::env::temp_dir().join("ramguard-bench-corpus");
    let _ = std::fs::remove_dir_all(&dir);
    let paths = support::corpus::write(&dir, FILES, 42).unwrap();
    let bytes: u64 = paths.iter().map(|p| std::fs::metadata(p).unwrap().len()).sum();
    println!(
        "corpus: {FILES} files, {:.1} MB, in {}",
        bytes as f64 / 1e6,
        dir.display()
    );

    let floor_serial = support::median(RUNS, || {
        for path in &paths {
            let text = std::fs::read(path).unwrap();
            let _: serde_json::Value = serde_json::from_slice(&text).unwrap();
        }
    });
    let floor_parallel = support::median(RUNS, || {
        paths.par_iter().for_each(|path| {
            let text = std::fs::read(path).unwrap();
            let _: serde_json::Value = serde_json::from_slice(&text).unwrap();
        });
    });
    let config = Config::default();
    let mut findings = 0;
    let ramguard = support::median(RUNS, || {
        let report = lint::lint_paths(std::slice::from_ref(&dir), &config, &dir, LintOptions::default()).unwrap();
        assert_eq!(report.linted, FILES);
        findings = report.files.iter().map(|f| f.findings.len()).sum();
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
    println!(
        "ratio to the parallel floor:              {:>8.2}x",
        ms(ramguard) / ms(floor_parallel)
    );

    let binary = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/ramguard");
    if binary.exists() {
        let one = &paths[0];
        let single = support::median(RUNS, || {
            let status = std::process::Command::new(&binary)
                .args(["lint", "--format", "json"])
                .arg(one)
                .output()
                .unwrap();
            assert!(status.status.code().is_some());
        });
        println!("one small file, `ramguard lint` process:  {:>8.1} ms", ms(single));
    } else {
        println!("(build target/release/ramguard to time one file through the binary)");
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
