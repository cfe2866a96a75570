//! `cargo bench --bench rules`: where a lint's time goes, step by step and rule by rule, on one
//! thread, over the lint bench's corpus (5,000 generated policies, the same seed). The steps
//! are timed apart: reading and parsing the files, building the policy model, and each rule in
//! the order `lint` runs them — a rule that first asks for something the rules share (the
//! compiled statements, the instance candidates, the catalogue lookups) pays for it here.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a benchmark fails loudly"
)]

mod support;

use std::time::{Duration, Instant};

use ramguard::inputs::policy_file::{self, Content, Document};
use ramguard::lint;
use ramguard::policy::Policy;
use ramguard::rules;
use ramguard::settings::Settings;

use support::corpus::FILES;

const RUNS: usize = 5;

fn main() {
    let (_, paths) = support::corpus::fresh("ramguard-bench-rules-corpus").unwrap();
    let texts: Vec<(String, Vec<u8>)> = paths
        .iter()
        .map(|p| (p.display().to_string(), std::fs::read(p).unwrap()))
        .collect();

    // Read as `lint` reads them: each tree borrows its strings from the file's text.
    let read = support::median(RUNS, || {
        for (name, bytes) in &texts {
            if let Ok(source) = policy_file::source(name.clone(), bytes.clone()) {
                std::hint::black_box(policy_file::read_source(&source));
            }
        }
    });
    let sources: Vec<_> = texts
        .into_iter()
        .map(|(name, bytes)| policy_file::source(name, bytes).unwrap())
        .collect();
    let files: Vec<_> = sources.iter().map(policy_file::read_source).collect();
    let documents: Vec<&Document> = files
        .iter()
        .filter_map(|file| match &file.content {
            Content::Documents(documents) => Some(documents),
            _ => None,
        })
        .flatten()
        .collect();
    // With what the reader knows (whether it saw a repeated key), as `lint` builds it.
    let model = support::median(RUNS, || {
        for document in &documents {
            let nodes = ramguard::policy::statement_nodes(&document.root);
            std::hint::black_box(Policy::from_read_statement_nodes(
                &nodes,
                document.kind_hint(),
                document.no_repeated_key,
            ));
        }
    });

    // Each rule's share: every document's rules run in order on one context, as `lint` runs
    // them, and each rule's time is summed across documents; the median of the runs is kept.
    let settings = Settings::default();
    let mut runs: Vec<Vec<Duration>> = Vec::new();
    for _ in 0..RUNS {
        let mut spent = vec![Duration::ZERO; rules::ALL.len()];
        for document in &documents {
            lint::in_context(document, &settings, "bench.json", |ctx| {
                let mut findings = Vec::new();
                for (rule, spent) in rules::ALL.iter().zip(&mut spent) {
                    let started = Instant::now();
                    (rule.check)(ctx, &mut findings);
                    *spent += started.elapsed();
                }
                std::hint::black_box(findings);
            });
        }
        runs.push(spent);
    }
    let mut per_rule: Vec<(&str, Duration)> = rules::ALL
        .iter()
        .enumerate()
        .map(|(at, rule)| {
            let mut times: Vec<Duration> = runs.iter().map(|run| run[at]).collect();
            times.sort();
            (rule.name, times[times.len() / 2])
        })
        .collect();
    let rules_total: Duration = per_rule.iter().map(|(_, spent)| *spent).sum();
    per_rule.sort_by_key(|&(_, spent)| std::cmp::Reverse(spent));

    println!(
        "corpus: {FILES} files, {} documents, one thread, median of {RUNS} runs",
        documents.len()
    );
    println!("read + parse (policy_file::read_source):  {:>8.1} ms", ms(read));
    println!("policy model:                      {:>8.1} ms", ms(model));
    println!("every rule (model built again):    {:>8.1} ms", ms(rules_total));
    for (name, spent) in per_rule.iter().filter(|(_, spent)| ms(*spent) >= 0.5) {
        println!("  {:>8.2} ms  {name}", ms(*spent));
    }
    let rest = per_rule.iter().filter(|(_, spent)| ms(*spent) < 0.5).count();
    println!("  (and {rest} rules under 0.5 ms each)");
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1e3
}
