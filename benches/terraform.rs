//! `cargo bench --bench terraform`: the 5,000-policy corpus linted as `.json` files and the same
//! documents written as `.tf` files (each a heredoc in `locals`, the shape of Alibaba's policy
//! template modules). Issue 9 asks that Terraform cost at most twice JSON.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a benchmark fails loudly"
)]

mod support;

use std::time::Duration;

use support::corpus::FILES;

const RUNS: usize = 7;

fn main() {
    let (json_dir, paths) = support::corpus::fresh("ramguard-bench-corpus-json").unwrap();
    let tf_dir = std::env::temp_dir().join("ramguard-bench-corpus-tf");
    let _ = std::fs::remove_dir_all(&tf_dir);
    for (i, path) in paths.iter().enumerate() {
        let text = std::fs::read_to_string(path).unwrap();
        assert!(!text.contains("${") && !text.contains("%{") && !text.contains("\nEOF"));
        let tf = format!("locals {{\n  policy = <<EOF\n{}\nEOF\n}}\n", text.trim_end());
        let folder = tf_dir.join(format!("team-{:02}", i / 100));
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::write(folder.join(format!("p{i}.tf")), tf).unwrap();
    }
    // The two forms in turns, so that each sees the same machine.
    let [(json, json_documents, json_findings), (tf, tf_documents, tf_findings)] =
        support::lint_side_by_side([&json_dir, &tf_dir], RUNS);
    println!(
        "lint, {FILES} .json files:  {:>8.1} ms  ({json_documents} documents, {json_findings} findings)",
        ms(json)
    );
    println!(
        "lint, {FILES} .tf files:    {:>8.1} ms  ({tf_documents} documents, {tf_findings} findings)",
        ms(tf)
    );
    println!("ratio .tf / .json:          {:>8.2}x", ms(tf) / ms(json));
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
