//! `cargo bench --bench diff`: `ramguard diff` on two 100-statement policies (the aim: at most
//! 50 ms), on two unrelated policies as large as RAM accepts (6,144 characters minified: a
//! 100-statement policy of the generator's statements is about 3.5 times that, and `lint`
//! refuses it), on two unrelated 100-statement policies that RAM accepts (short statements,
//! as 6,144 characters force), and `diff --base HEAD` over a git repository of 1,000 policy files of which 5 %
//! changed in the work tree (the aim: at most 2 s), git's work included.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a benchmark fails loudly"
)]

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use ramguard::catalog::Catalog;
use ramguard::config::Config;
use ramguard::diff::{self, checks::Checks, files};
use support::corpus::{self, Rng};

fn main() {
    two_policies();
    if wanted("repository") {
        repository();
    }
}

/// Whether to run a case: all, or those whose name holds `RAMGUARD_BENCH_CASE` (to profile one).
fn wanted(case: &str) -> bool {
    std::env::var("RAMGUARD_BENCH_CASE").map_or(true, |only| case.contains(&only))
}

fn two_policies() {
    let catalog = Catalog::shared();
    let mut rng = Rng::new(11);
    let [old, unrelated] = [(); 2].map(|()| support::compiled_policies(&mut rng, 1, 100).remove(0));
    // A pull request's change: the same policy with two statements replaced.
    let text = old.source.text.to_string();
    let mut edited = text.clone();
    for _ in 0..2 {
        let start = edited.find("    {\n      \"Effect\"").unwrap();
        let end = start + edited[start..].find("\n    }").unwrap() + "\n    }".len();
        edited.replace_range(start..end, &corpus::statement(&mut rng));
    }
    let changed = compiled("changed.json", edited);
    let [largest_old, largest_new] = [(); 2].map(|()| at_size_limit(&mut rng));
    let [small_old, small_new] = [(); 2].map(|()| hundred_within_size_limit(&mut rng));
    for (what, old, new) in [
        ("two statements changed", &old, &changed),
        ("two unrelated policies", &old, &unrelated),
        ("two unrelated policies at RAM's size limit", &largest_old, &largest_new),
        (
            "two unrelated 100-statement policies within RAM's size limit",
            &small_old,
            &small_new,
        ),
    ] {
        if !wanted(what) {
            continue;
        }
        let result = diff::diff(old, new, &catalog);
        let (wall, cpu) = support::median_and_cpu(11, || {
            std::hint::black_box(diff::diff(old, new, &catalog));
        });
        // Where the time goes: the classes of ARNs alone.
        let mut limits = std::collections::BTreeSet::new();
        let actions = diff::actions(&[old, new], &catalog, &mut limits);
        let resources_time = support::median(3, || {
            std::hint::black_box(diff::resources(&[old, new], &actions, &mut limits));
        });
        let classes = diff::resources(&[old, new], &actions, &mut limits).len();
        println!(
            "  {} actions, {classes} classes of ARN (found in {:.1} ms); limits: {:?}",
            actions.len(),
            resources_time.as_secs_f64() * 1e3,
            result.limits
        );
        println!(
            "{} statements against {} ({what}): {} new, {} removed, {} undecided, {} limits",
            old.statements.len(),
            new.statements.len(),
            result.new.len(),
            result.removed.len(),
            result.undecided.len(),
            result.limits.len()
        );
        println!(
            "  median {:.1} ms{}",
            wall.as_secs_f64() * 1e3,
            cpu.map(|c| format!(", CPU {:.1} ms", c.as_secs_f64() * 1e3))
                .unwrap_or_default()
        );
    }
}

fn compiled(name: &str, text: String) -> ramguard::eval::CompiledPolicy {
    let source = std::sync::Arc::new(ramguard::source::SourceFile::new(name, text));
    let root = ramguard::json::parse(&source.text).expect("valid JSON");
    let policy = ramguard::policy::Policy::from_document(&root);
    ramguard::eval::CompiledPolicy::new(std::sync::Arc::clone(&source), &policy)
}

/// A policy of as many generated statements as fit in RAM's limit of 6,144 characters, counted
/// minified (the generator writes no white space inside strings).
fn at_size_limit(rng: &mut Rng) -> ramguard::eval::CompiledPolicy {
    const LIMIT: usize = 6_144;
    let minified = |text: &str| text.chars().filter(|c| !c.is_whitespace()).count();
    // `{"Version":"1","Statement":[` and `]}`, then each statement and a comma between two.
    let mut size = minified("{\"Version\":\"1\",\"Statement\":[]}");
    let mut statements: Vec<String> = Vec::new();
    loop {
        let statement = corpus::statement(rng);
        size += minified(&statement) + usize::from(!statements.is_empty());
        if size > LIMIT {
            break;
        }
        statements.push(statement);
    }
    let text = format!(
        "{{\n  \"Version\": \"1\",\n  \"Statement\": [\n{}\n  ]\n}}\n",
        statements.join(",\n")
    );
    compiled("largest.json", text)
}

/// A policy of 100 statements that RAM accepts (6,144 characters minified leave about 60 per
/// statement): now and then a generator's statement, mostly a statement of one action on every
/// resource (a kvstore action, another service's, or a wildcard) within its share of the room
/// left, else the shortest; every slot still to fill keeps room for the shortest.
fn hundred_within_size_limit(rng: &mut Rng) -> ramguard::eval::CompiledPolicy {
    const LIMIT: usize = 6_144;
    const STATEMENTS: usize = 100;
    const WILDCARDS: &[&str] = &[
        "kvstore:*",
        "kvstore:Delete*",
        "kvstore:Modify*",
        "kvstore:Create*",
        "kvstore:Describe*",
        "ecs:Describe*",
        "ecs:*",
        "oss:Get*",
        "ram:List*",
        "rds:*",
        "vpc:*",
    ];
    let minified = |text: &str| text.chars().filter(|c| !c.is_whitespace()).count();
    let one_action = |effect: &str, action: &str| {
        format!("    {{\"Effect\": \"{effect}\", \"Action\": \"{action}\", \"Resource\": \"*\"}}")
    };
    let shortest = one_action("Deny", "vpc:*");
    let reserve = minified(&shortest) + 1;
    let mut size = minified("{\"Version\":\"1\",\"Statement\":[]}");
    let mut statements: Vec<String> = Vec::with_capacity(STATEMENTS);
    while statements.len() < STATEMENTS {
        let room = LIMIT - size - (STATEMENTS - statements.len() - 1) * reserve;
        let effect = if rng.chance(20) { "Deny" } else { "Allow" };
        let action = match rng.below(3) {
            0 => format!("kvstore:{}", rng.pick(corpus::KVSTORE)),
            1 => rng.pick(corpus::OTHER).to_string(),
            _ => rng.pick(WILDCARDS).to_string(),
        };
        // A one-action statement within its share of what is left (a little over, at times),
        // a generator's statement now and then.
        let share = (LIMIT - size) / (STATEMENTS - statements.len()) + 8;
        let generated = corpus::statement(rng);
        let statement = if rng.chance(10) && minified(&generated) < room {
            generated
        } else {
            Some(one_action(effect, &action))
                .filter(|candidate| minified(candidate) < room.min(share))
                .unwrap_or_else(|| shortest.clone())
        };
        size += minified(&statement) + usize::from(!statements.is_empty());
        statements.push(statement);
    }
    assert!(size <= LIMIT, "{size} characters");
    let text = format!(
        "{{\n  \"Version\": \"1\",\n  \"Statement\": [\n{}\n  ]\n}}\n",
        statements.join(",\n")
    );
    compiled("hundred.json", text)
}

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .status()
        .expect("git runs");
    assert!(status.success(), "git {args:?}");
}

fn repository() {
    let dir = std::env::temp_dir().join(format!("ramguard-bench-diff-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let paths: Vec<PathBuf> = corpus::write(&dir, 1_000, 42).unwrap();
    git(&dir, &["init", "--quiet"]);
    git(&dir, &["config", "user.name", "bench"]);
    git(&dir, &["config", "user.email", "bench@example.com"]);
    git(&dir, &["config", "commit.gpgsign", "false"]);
    git(&dir, &["add", "--all"]);
    git(&dir, &["commit", "--quiet", "-m", "policies"]);
    // 5 % of the files rewritten in the work tree, each as a clean policy.
    let mut rng = Rng::new(43);
    for path in paths.iter().step_by(20) {
        let statements = 1 + rng.below(10);
        std::fs::write(path, corpus::document(&mut rng, statements)).unwrap();
    }
    let config = Config {
        root: dir.clone(),
        ..Config::default()
    };
    let checks = Checks {
        fail_on_new_access: Some(diff::checks::Origin::CommandLine),
        deny_access: Vec::new(),
    };
    let base = files::Base {
        rev: "HEAD",
        staged: false,
        paths: &[],
    };
    let outcome = files::base(&base, &dir, &config, &checks).unwrap();
    let (wall, cpu) = support::median_and_cpu(5, || {
        std::hint::black_box(files::base(&base, &dir, &config, &checks).unwrap());
    });
    let _ = std::fs::remove_dir_all(&dir);
    println!(
        "1,000 files, 50 changed, against HEAD: {} documents compared, {} new, {} failed checks, {} refused",
        outcome.documents.len(),
        outcome.documents.iter().map(|d| d.diff.new.len()).sum::<usize>(),
        outcome.failed.len(),
        outcome.refused.len()
    );
    println!(
        "  median {:.0} ms{}",
        wall.as_secs_f64() * 1e3,
        cpu.map(|c| format!(", CPU {:.0} ms", c.as_secs_f64() * 1e3))
            .unwrap_or_default()
    );
}

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
