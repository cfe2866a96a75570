//! The fuzz targets of `fuzz/targets.rs` on stable: each runs on inputs mutated from the
//! fixtures by a seeded generator, for a bounded time (`RAMGUARD_FUZZ_SECONDS` per target, 2 by
//! default; `.ci/run` gives more). A panic fails the test, naming the input and saving it under
//! `target/fuzz-failures/` so that it can be replayed. Coverage-guided fuzzing of the same
//! targets: `cargo +nightly fuzz run NAME` (see the README).

#[path = "../fuzz/targets.rs"]
mod targets;

use std::path::Path;
use std::time::{Duration, Instant};

/// A small, fast, seeded generator (xorshift64*): the same seed gives the same inputs.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 { 0 } else { (self.next() % n as u64) as usize }
    }
}

/// Pieces that matter to the readers: JSON's structure, escapes of invisible and control
/// characters, and the keys and values the checks read.
#[rustfmt::skip]
const DICTIONARY: &[&str] = &[
    "\"", ",", ":", "{", "}", "[", "]", "\\", "\\u0000", "\\u001b", "\\u200b", "\\ud800", "\\ude00", "null", "true",
    "false", "-0", "1e400", "\"*\"", "\"?\"", "\"NotResource\"", "\"NotAction\"", "\"Deny\"", "\"Allow\"",
    "\"Condition\": {\"StringLike\": {\"acs:SourceVpc\": \"vpc-*\"}}", "\"InstanceReleaseProtection\": true,",
    "\"InstanceStatus\": \"Normal\",", "\"ChargeType\": \"PostPaid\",", "\"actions\": [\"delete\"],",
    "\"RegionId\": \"cn-hangzhou:1:instance/*\",", "acs:kvstore:*:*:instance/", "kvstore:DeleteInstance",
    "\u{feff}", "\u{202e}", "é", "\u{0}",
    // YAML and ROS templates, Terraform's JSON syntax.
    "\n", "\n  ", "- ", ": ", "&a ", "*a", "!Ref ", "!Sub ", "!!str ", "<<: ", "? ", "|\n", "---\n", "'", "#",
    "Fn::Join", "${var.x}", "$${", "ROSTemplateFormatVersion: x\n",
];

fn mutate(rng: &mut Rng, seeds: &[Vec<u8>], input: &[u8]) -> Vec<u8> {
    let mut out = input.to_vec();
    for _ in 0..=rng.below(4) {
        let at = rng.below(out.len() + 1);
        match rng.below(6) {
            0 if !out.is_empty() => {
                let end = (at + 1 + rng.below(16)).min(out.len());
                out.drain(at.min(end)..end);
            }
            1 if !out.is_empty() => {
                let i = rng.below(out.len());
                out[i] ^= 1 << rng.below(8);
            }
            2 => {
                let piece = DICTIONARY[rng.below(DICTIONARY.len())].as_bytes();
                out.splice(at..at, piece.iter().copied());
            }
            3 if !out.is_empty() => {
                let start = rng.below(out.len());
                let end = (start + 1 + rng.below(64)).min(out.len());
                let copy = out[start..end].to_vec();
                out.splice(at..at, copy);
            }
            4 => {
                let other = &seeds[rng.below(seeds.len())];
                let from = rng.below(other.len() + 1);
                out.truncate(at);
                out.extend_from_slice(&other[from..]);
            }
            _ => {
                let piece = DICTIONARY[rng.below(DICTIONARY.len())].as_bytes();
                out.extend_from_slice(piece);
            }
        }
    }
    out
}

/// Every file under the named fixture folders.
fn seeds(folders: &[&str]) -> Vec<Vec<u8>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut out = Vec::new();
    let mut stack: Vec<_> = folders.iter().map(|f| root.join(f)).collect();
    while let Some(path) = stack.pop() {
        if path.is_dir() {
            let mut entries: Vec<_> = std::fs::read_dir(&path)
                .into_iter()
                .flatten()
                .flatten()
                .map(|e| e.path())
                .collect();
            entries.sort();
            stack.extend(entries);
        } else if let Ok(bytes) = std::fs::read(&path) {
            out.push(bytes);
        }
    }
    assert!(!out.is_empty(), "no seeds in {folders:?}");
    out
}

fn budget() -> Duration {
    let seconds = std::env::var("RAMGUARD_FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(2.0);
    Duration::from_secs_f64(seconds)
}

/// Run `target` on every seed, then on mutants until the budget is spent.
fn drive(name: &str, folders: &[&str], target: fn(&[u8])) {
    let seeds = seeds(folders);
    let mut rng = Rng(0x5eed_0000 ^ (name.len() as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15));
    let deadline = Instant::now() + budget();
    let mut runs = 0usize;
    let mut queue: Vec<Vec<u8>> = seeds.clone();
    while runs < queue.len() || Instant::now() < deadline {
        let input = if runs < seeds.len() {
            queue[runs].clone()
        } else {
            let parent = &queue[rng.below(queue.len())];
            mutate(&mut rng, &seeds, parent)
        };
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| target(&input)));
        if outcome.is_err() {
            let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/fuzz-failures");
            let _ = std::fs::create_dir_all(&dir);
            let file = dir.join(format!("{name}-{runs}.bin"));
            let _ = std::fs::write(&file, &input);
            unreachable!(
                "fuzz target `{name}` failed on input {runs} (saved as {}): {:?}",
                file.display(),
                String::from_utf8_lossy(&input)
            );
        }
        // Keep some mutants as parents, so that damage accumulates.
        if runs >= seeds.len() && rng.below(8) == 0 && queue.len() < 4_096 {
            queue.push(input);
        }
        runs += 1;
    }
    eprintln!("fuzz target `{name}`: {runs} inputs");
}

#[test]
fn fuzz_lint_policy() {
    drive("lint_policy", &["rules", "corpus", "plans"], targets::lint_policy);
}

#[test]
fn fuzz_lint_terraform() {
    drive(
        "lint_terraform",
        &["terraform", "terraform-unknowns"],
        targets::lint_terraform,
    );
}

#[test]
fn fuzz_read_instances() {
    drive("read_instances", &["instances"], targets::read_instances);
}

#[test]
fn fuzz_evaluate() {
    drive(
        "evaluate",
        &["eval", "rules/wildcard-grants-delete", "rules/unscoped-delete"],
        targets::evaluate,
    );
}

#[test]
fn fuzz_lint_template() {
    drive("lint_template", &["ros", "terraform-json"], targets::lint_template);
}

#[test]
fn fuzz_json() {
    drive("json", &["rules", "instances"], targets::json);
}
