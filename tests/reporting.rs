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

// ---------------------------------------------------------------------------------------------
// Statement numbers in human text are 1-based, as an editor's lines are; JSON's `index` stays
// 0-based.

const TEARDOWN_INSTANCES: &str = "policies/examples/instances/teardown.json";
const ACCOUNT: &str = "1234567890123456";
const INSTANCE_1: &str = "acs:kvstore:cn-hangzhou:1234567890123456:instance/r-bp1zxszhcgatnx0001";

/// What a run printed, wherever it printed it (lint's human report moves from stderr to stdout
/// with issue 12).
fn printed(run: &Run) -> String {
    format!("{}{}", run.stdout, run.stderr)
}

#[test]
fn simulate_numbers_the_first_statement_1_in_text_and_0_in_json() {
    let policy = format!("{FIXTURES}/deny-first.json");
    let args = [
        "simulate",
        "--policy",
        &policy,
        "--action",
        "kvstore:DeleteInstance",
        "--resource",
        INSTANCE_1,
        "--color",
        "never",
    ];
    let human = ramguard(&args);
    assert_eq!(human.code, 1, "{}", human.stderr);
    assert!(
        human
            .stdout
            .contains(&format!("statement 1 of {policy} (identity policy)")),
        "{}",
        human.stdout
    );
    assert!(!human.stdout.contains("statement 0"), "{}", human.stdout);
    let json = ramguard(&[&args[..], &["--format", "json"]].concat());
    let out: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(out["statements"][0]["index"], 0, "JSON stays 0-based");
}

#[test]
fn simulate_numbers_the_closest_allow_from_1() {
    let dir = scratch(
        "closest",
        &[(
            "closest.json",
            br#"{"Version": "1", "Statement": [{"Effect": "Allow", "Action": "kvstore:DeleteInstance", "Resource": "acs:kvstore:*:*:instance/r-other"}]}"#,
        )],
    );
    let run = ramguard_with(
        &dir,
        &[
            "simulate",
            "--policy",
            "closest.json",
            "--action",
            "kvstore:DeleteInstance",
            "--resource",
            INSTANCE_1,
            "--color",
            "never",
        ],
        &[],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stdout.contains("closest: statement 1 of closest.json"),
        "{}",
        run.stdout
    );
}

#[test]
fn preflight_numbers_the_deciding_statement_from_1() {
    let policy = format!("{FIXTURES}/deny-first.json");
    let args = [
        "preflight",
        "--instance",
        TEARDOWN_INSTANCES,
        "--policy",
        &policy,
        "--account-id",
        ACCOUNT,
        "--color",
        "never",
    ];
    let human = ramguard(&args);
    assert_eq!(human.code, 1, "{}", human.stderr);
    // The check's message and the snippet's title.
    assert!(
        human.stdout.contains(&format!("(statement 1 of {policy}, line 5)")),
        "{}",
        human.stdout
    );
    assert!(
        human
            .stdout
            .contains(&format!("× statement 1 of {policy} (identity policy)")),
        "{}",
        human.stdout
    );
    assert!(!human.stdout.contains("statement 0"), "{}", human.stdout);
    let json = ramguard(&[&args[..], &["--format", "json"]].concat());
    let out: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let permission = out["instances"][0]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "permission")
        .unwrap();
    assert_eq!(permission["statements"][0]["index"], 0, "JSON stays 0-based");
}

#[test]
fn lint_messages_number_statements_from_1() {
    let lacks = ramguard(&[
        "lint",
        "--no-ignore",
        "--color",
        "never",
        &format!("{FIXTURES}/first-lacks-resource.json"),
    ]);
    assert!(
        printed(&lacks).contains("statement 1 has no `Resource`"),
        "{}",
        printed(&lacks)
    );
    let shadowed = ramguard(&[
        "lint",
        "--no-ignore",
        "--format",
        "json",
        &format!("{FIXTURES}/shadowed-first.json"),
    ]);
    let out: serde_json::Value = serde_json::from_str(&shadowed.stdout).unwrap();
    let finding = &out["diagnostics"][0];
    assert_eq!(finding["name"], "shadowed-statement");
    assert_eq!(
        finding["message"],
        "statement 1 can never allow anything: statement 2 denies all of it, unconditionally"
    );
    assert_eq!(finding["pointer"], "/Statement/0/Effect", "the pointer stays 0-based");
}

// ---------------------------------------------------------------------------------------------
// Plural forms in summaries.

#[test]
fn lint_summaries_count_as_a_sentence_does() {
    let summary = |files: &[&str]| {
        let paths: Vec<String> = files.iter().map(|f| format!("{FIXTURES}/{f}")).collect();
        let args: Vec<&str> = ["lint", "--no-ignore", "--color", "never"]
            .into_iter()
            .chain(paths.iter().map(String::as_str))
            .collect();
        let out = printed(&ramguard(&args));
        out.lines().last().unwrap_or_default().to_string()
    };
    assert_eq!(
        summary(&["deny-first.json"]),
        "no errors, no warnings, no info in 1 document in 1 file (0 skipped)"
    );
    assert_eq!(
        summary(&["first-lacks-resource.json"]),
        "1 error, no warnings, no info in 1 document in 1 file (0 skipped)"
    );
    assert_eq!(
        summary(&["two-typos.json"]),
        "no errors, 2 warnings, no info in 1 document in 1 file (0 skipped)"
    );
    assert_eq!(
        summary(&["shadowed-first.json", "deny-first.json"]),
        "no errors, no warnings, 1 info in 2 documents in 2 files (0 skipped)"
    );
}

#[test]
fn preflight_summaries_count_instances() {
    let one = ramguard(&[
        "preflight",
        "--instance",
        TEARDOWN_INSTANCES,
        "--instance-id",
        "r-bp1zxszhcgatnx0001",
        "--color",
        "never",
    ]);
    assert!(one.stdout.ends_with("(1 instance)\n"), "{}", one.stdout);
    let two = ramguard(&["preflight", "--instance", TEARDOWN_INSTANCES, "--color", "never"]);
    assert!(two.stdout.ends_with("(2 instances)\n"), "{}", two.stdout);
}

// ---------------------------------------------------------------------------------------------
// Colour in preflight's checklist and verdicts, and in simulate's decision.

/// ESC shown as `␛`, so a snapshot shows where colour starts and ends.
fn visible(text: &str) -> String {
    text.replace('\u{1b}', "␛")
}

#[test]
fn the_preflight_checklist_in_colour() {
    // Every mark (✓ ✗ ? !) and two verdicts; no snippet, whose colours are miette's.
    let run = ramguard(&[
        "preflight",
        "--instance",
        "tests/fixtures/instances/sparse.json",
        "--account-id",
        ACCOUNT,
        "--color",
        "always",
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    insta::assert_snapshot!("preflight-checklist-color-always", visible(&run.stdout));
}

#[test]
fn a_go_verdict_is_green() {
    let run = ramguard(&[
        "preflight",
        "--instance",
        TEARDOWN_INSTANCES,
        "--instance-id",
        "r-bp1zxszhcgatnx0001",
        "--policy",
        "policies/redis-teardown.json",
        "--account-id",
        ACCOUNT,
        "--context",
        "acs:MFAPresent=true",
        "--color",
        "always",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = visible(&run.stdout);
    assert!(
        out.starts_with("r-bp1zxszhcgatnx0001 (cache-pr-4711): ␛[1;32mgo␛[0m\n"),
        "{out}"
    );
    assert!(out.contains("  ␛[1;32m✓␛[0m permission "), "{out}");
    assert!(out.ends_with("preflight: ␛[1;32mgo␛[0m (1 instance)\n"), "{out}");
}

#[test]
fn simulate_colours_its_decision() {
    let policy = format!("{FIXTURES}/deny-first.json");
    let run = ramguard(&[
        "simulate",
        "--policy",
        &policy,
        "--action",
        "kvstore:DeleteInstance",
        "--resource",
        INSTANCE_1,
        "--color",
        "always",
    ]);
    assert!(
        visible(&run.stdout).starts_with("␛[1;31mexplicit deny␛[0m: a `Deny` statement"),
        "{}",
        visible(&run.stdout)
    );
}

#[test]
fn no_colour_with_never_or_no_color() {
    let repository = Path::new(env!("CARGO_MANIFEST_DIR"));
    let preflight = ["preflight", "--instance", "tests/fixtures/instances/sparse.json"];
    for (color, env) in [("never", &[][..]), ("auto", &[("NO_COLOR", "1")][..])] {
        let args = [&preflight[..], &["--color", color]].concat();
        let run = ramguard_with(repository, &args, env);
        assert_eq!(run.code, 1, "{}", run.stderr);
        assert!(run.stdout.contains("no-go"), "{}", run.stdout);
        assert!(
            !run.stdout.contains('\u{1b}'),
            "--color {color}: {}",
            visible(&run.stdout)
        );
    }
}

/// A finding in a file that names its documents (Terraform) says which document it is in: the
/// JSON's `document`, the human header's `in ADDRESS`; a plain JSON file has no `document`.
#[test]
fn findings_name_the_document_they_are_in() {
    let tf = format!("{FIXTURES}/two-documents.tf");
    let json = printed(&ramguard(&["lint", "--no-ignore", "--format", "json", &tf]));
    let value: serde_json::Value = serde_json::from_str(&json).unwrap_or_else(|e| unreachable!("{e}: {json}"));
    let documents: Vec<&str> = value["diagnostics"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|d| d["document"].as_str())
        .collect();
    assert_eq!(documents, ["alicloud_ram_policy.ops", "local.p"], "{json}");
    assert_eq!(value["summary"]["documents"], 2, "{json}");
    let human = printed(&ramguard(&["lint", "--no-ignore", "--color", "never", &tf]));
    assert!(
        human.contains("invalid-effect(RG007) in alicloud_ram_policy.ops"),
        "{human}"
    );
    assert!(human.ends_with("in 2 documents in 1 file (0 skipped)\n"), "{human}");
    let plain = printed(&ramguard(&[
        "lint",
        "--no-ignore",
        "--format",
        "json",
        &format!("{FIXTURES}/two-typos.json"),
    ]));
    assert!(!plain.contains("\"document\""), "{plain}");
}
