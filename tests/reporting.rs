#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test fails loudly"
)]
//! How the reports read (issue 12): statement numbers as an editor's, plural forms, colour in
//! preflight's checklist; "did you mean" at scale; nothing of an unquoted secret in a JSON
//! error.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const FIXTURES: &str = "tests/fixtures/reporting";

#[derive(Debug)]
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn ramguard_with(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_ramguard"));
    command.args(args).current_dir(dir).env_remove("NO_COLOR");
    for (key, value) in env {
        command.env(key, value);
    }
    let out = command.output().unwrap_or_else(|e| panic!("cannot run ramguard: {e}"));
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn ramguard(args: &[&str]) -> Run {
    ramguard_with(Path::new(env!("CARGO_MANIFEST_DIR")), args, &[])
}

/// A fresh folder for one test, with the given files.
fn scratch(name: &str, files: &[(&str, &[u8])]) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("reporting").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for (path, content) in files {
        std::fs::write(dir.join(path), content).unwrap();
    }
    dir
}

// ---------------------------------------------------------------------------------------------
// "Did you mean" at scale.

#[test]
fn many_distinct_unknown_actions_are_linted_in_linear_time() {
    // Before: every finding compared its action with all 176 kvstore actions in full (an edit
    // distance table each): 5,000 findings took 80 s in a debug build on a loaded machine,
    // 10,000 twice that. Now a comparison stops as soon as it cannot win, and each distinct
    // misspelling is searched once: about 10 s here.
    let typos = [
        "DeleteInstancez",
        "DescribeInstancess",
        "CreateInstanse",
        "ModifyInstanceAtribute",
        "RestartInstanc",
    ];
    let actions: Vec<String> = (0..10_000)
        .map(|i| format!("\"kvstore:{}{i}\"", typos[i % typos.len()]))
        .collect();
    let text = format!(
        "{{\"Version\": \"1\", \"Statement\": [{{\"Effect\": \"Deny\", \"Action\": [{}], \"Resource\": \"*\"}}]}}",
        actions.join(", ")
    );
    let dir = scratch("many-unknown-actions", &[("many.json", text.as_bytes())]);
    let started = Instant::now();
    let run = ramguard_with(&dir, &["lint", "--format", "json", "many.json"], &[]);
    let took = started.elapsed();
    assert_eq!(run.code, 1, "policy-too-large, an error: {}", run.stderr);
    assert!(took < Duration::from_secs(60), "10,000 unknown actions took {took:?}");
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let diagnostics = report["diagnostics"].as_array().unwrap();
    assert_eq!(
        diagnostics.iter().filter(|d| d["name"] == "unknown-action").count(),
        10_000
    );
}

#[test]
fn a_repeated_misspelling_keeps_its_suggestion() {
    let dir = scratch(
        "repeated-typo",
        &[(
            "typo.json",
            br#"{"Version": "1", "Statement": [{"Effect": "Deny", "Action": ["kvstore:DeleteInstances", "kvstore:DeleteInstances", "kvstore:FlushInstanc"], "Resource": "*"}]}"#,
        )],
    );
    let run = ramguard_with(&dir, &["lint", "--format", "json", "typo.json"], &[]);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let helps: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["name"] == "unknown-action")
        .map(|d| d["help"].as_str().unwrap())
        .collect();
    assert_eq!(
        helps,
        [
            "did you mean `kvstore:DeleteInstance`?",
            "did you mean `kvstore:DeleteInstance`?",
            "did you mean `kvstore:FlushInstance`?"
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// The JSON reader's errors quote no character of an unquoted word.

#[test]
fn an_unquoted_secret_shows_no_character_in_the_error() {
    let dir = scratch(
        "unquoted-secret",
        &[("secret.json", b"{\"Version\": \"1\", \"Note\": Zq8secret}\n")],
    );
    for format in ["human", "json", "github", "sarif"] {
        let run = ramguard_with(
            &dir,
            &["lint", "--color", "never", "--format", format, "secret.json"],
            &[],
        );
        assert_eq!(run.code, 1, "{format}: {}", run.stderr);
        // Human output moves from stderr to stdout with issue 12: read both.
        let output = format!("{}{}", run.stdout, run.stderr);
        assert!(
            output.contains("unexpected text where a value should be"),
            "{format}: {output}"
        );
        assert!(!output.contains("`Z`"), "{format}: {output}");
    }
}
