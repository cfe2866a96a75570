#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test fails loudly"
)]
//! Issue 12: the command line and the hook as users of ruff, cfn-lint and checkov expect them —
//! the hook that fails on warnings, warnings worth failing a commit, every report on stdout,
//! per-subcommand formats, selection and reporting flags, configuration found next to the
//! files, completions and a man page.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn ramguard_in(dir: &Path, args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_ramguard"))
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .output()
        .unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn ramguard(args: &[&str]) -> Run {
    ramguard_in(Path::new(env!("CARGO_MANIFEST_DIR")), args)
}

/// A fresh folder for one test, with the given files.
fn scratch(name: &str, files: &[(&str, &str)]) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("command-line").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for (path, content) in files {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
    }
    dir
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}):\n{text}"))
}

fn policy(statement: &str) -> String {
    format!(r#"{{"Version": "1", "Statement": [{statement}]}}"#)
}

const WARNING_ONLY: &str = r#"{"Version": "1", "Statement": [{"Sid": "x", "Effect": "Allow", "Action": "kvstore:DescribeInstances", "Resource": "*"}]}"#;
const ERROR: &str =
    r#"{"Version": "1", "Statement": [{"Effect": "allow", "Action": "kvstore:DescribeInstances", "Resource": "*"}]}"#;

// --- 1. The hook --------------------------------------------------------------------------

#[test]
fn the_shipped_hook_fails_on_warnings_and_reads_json_and_terraform() {
    let hooks = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(".pre-commit-hooks.yaml")).unwrap();
    assert!(hooks.contains("args: [--deny-warnings]"), "{hooks}");
    let types = hooks
        .lines()
        .find(|l| l.trim_start().starts_with("types_or:"))
        .unwrap_or_default();
    assert!(types.contains("json") && types.contains("terraform"), "{hooks}");
    assert!(hooks.contains("entry: ramguard lint"), "{hooks}");
    // What the hook runs, on a warning-only file: blocked.
    let dir = scratch("hook", &[("w.json", WARNING_ONLY)]);
    assert_eq!(ramguard_in(&dir, &["lint", "--deny-warnings", "w.json"]).code, 1);
    let e2e = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(".ci/pre-commit-e2e")).unwrap();
    assert!(
        e2e.contains("rev: v0.1.0") && e2e.contains("- id: ramguard"),
        "the README snippet's form"
    );
}

// --- 2. Warnings worth failing a commit ---------------------------------------------------

#[test]
fn services_outside_the_old_catalogue_pass_the_hook() {
    let dir = scratch(
        "services",
        &[(
            "pvtz.json",
            &policy(
                r#"{"Effect": "Allow", "Action": ["pvtz:DescribeZones", "iot:QueryDevice", "pai:ListWorkspaces", "eas:ListServices"], "Resource": "*"}"#,
            ),
        )],
    );
    let run = ramguard_in(&dir, &["lint", "--deny-warnings", "--format", "json", "pvtz.json"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(json(&run.stdout)["diagnostics"], json("[]"));
}

#[test]
fn an_unknown_service_code_is_an_info_and_a_near_miss_a_warning() {
    let dir = scratch(
        "unknown-service",
        &[
            (
                "unknown.json",
                &policy(r#"{"Effect": "Allow", "Action": "aiworkspace:ListWorkspaces", "Resource": "*"}"#),
            ),
            (
                "near-miss.json",
                &policy(r#"{"Effect": "Deny", "Action": "r-kvstore:DeleteInstance", "Resource": "*"}"#),
            ),
        ],
    );
    let unknown = ramguard_in(&dir, &["lint", "--deny-warnings", "--format", "json", "unknown.json"]);
    assert_eq!(unknown.code, 0, "an info does not fail the hook: {}", unknown.stdout);
    let d = &json(&unknown.stdout)["diagnostics"][0];
    assert_eq!(d["name"], "unknown-service");
    assert_eq!(d["severity"], "info");
    let message = d["message"].as_str().unwrap();
    assert!(
        message.contains("not in ramguard's catalogue of 2026-11-26"),
        "{message}"
    );
    assert!(message.contains("`[catalog]`"), "{message}");
    assert!(
        !message.contains("grants nothing") && !message.contains("not a RAM service code"),
        "{message}"
    );

    let near = ramguard_in(&dir, &["lint", "--format", "json", "near-miss.json"]);
    let d = &json(&near.stdout)["diagnostics"][0];
    assert_eq!(d["severity"], "warning");
    assert!(d["message"].as_str().unwrap().contains("protects nothing"), "{d}");
    assert!(d["help"].as_str().unwrap().contains("`kvstore:DeleteInstance`"), "{d}");
}

#[test]
fn allow_with_not_action_says_what_the_statement_grants() {
    let dir = scratch(
        "not-action",
        &[
            (
                "oss.json",
                &policy(r#"{"Effect": "Allow", "NotAction": "oss:DeleteObject", "Resource": "acs:oss:*:*:bucket/*"}"#),
            ),
            (
                "all.json",
                &policy(r#"{"Effect": "Allow", "NotAction": ["ram:*", "ims:*"], "Resource": "*"}"#),
            ),
        ],
    );
    let oss = json(&ramguard_in(&dir, &["lint", "--format", "json", "oss.json"]).stdout);
    let message = oss["diagnostics"][0]["message"].as_str().unwrap().to_string();
    assert_eq!(
        message,
        "`Allow` with `NotAction` grants every action except `oss:DeleteObject` on `acs:oss:*:*:bucket/*`"
    );
    let all = json(
        &ramguard_in(
            &dir,
            &[
                "lint",
                "--format",
                "json",
                "--select",
                "allow-with-not-action",
                "all.json",
            ],
        )
        .stdout,
    );
    let message = all["diagnostics"][0]["message"].as_str().unwrap().to_string();
    assert!(
        message.contains("except the 2 listed on every resource, `kvstore:DeleteInstance` included"),
        "{message}"
    );
}

#[test]
fn a_condition_key_in_another_case_names_the_key_it_resembles() {
    let dir = scratch(
        "condition-key",
        &[(
            "p.json",
            &policy(
                r#"{"Effect": "Allow", "Action": "kvstore:DescribeInstances", "Resource": "*", "Condition": {"StringEquals": {"acs:PrincipalArn": "x"}}}"#,
            ),
        )],
    );
    let out = json(&ramguard_in(&dir, &["lint", "--format", "json", "p.json"]).stdout);
    let message = out["diagnostics"][0]["message"].as_str().unwrap().to_string();
    assert!(
        message.contains("differs from `acs:PrincipalARN` only in case"),
        "{message}"
    );
}

// --- 3. Output where users look for it ----------------------------------------------------

#[test]
fn every_format_prints_the_report_on_stdout_and_nothing_on_stderr() {
    let dir = scratch("stdout", &[("e.json", ERROR)]);
    for format in ["human", "concise", "json", "sarif", "github"] {
        let run = ramguard_in(&dir, &["lint", "--color", "never", "--format", format, "e.json"]);
        assert_eq!(run.code, 1, "{format}");
        assert!(run.stderr.is_empty(), "{format}: {}", run.stderr);
        assert!(
            run.stdout.contains("RG007") || run.stdout.contains("invalid-effect"),
            "{format}: {}",
            run.stdout
        );
    }
    let missing = ramguard_in(&dir, &["lint", "no-such.json"]);
    assert_eq!(missing.code, 2);
    assert!(
        missing.stdout.is_empty() && missing.stderr.contains("no-such.json"),
        "{}",
        missing.stderr
    );
}

#[test]
fn each_subcommand_lists_only_the_formats_it_prints() {
    let lint = ramguard(&["lint", "--help"]).stdout;
    for format in ["human", "concise", "json", "sarif", "github"] {
        assert!(lint.contains(&format!("- {format}:")), "lint: {format}\n{lint}");
    }
    for (command, prints) in [
        ("rules", &["human", "json"][..]),
        ("explain", &["human", "json"]),
        ("simulate", &["human", "json"]),
        ("preflight", &["human", "json", "github"]),
    ] {
        let help = ramguard(&[command, "--help"]).stdout;
        for format in ["human", "concise", "json", "sarif", "github"] {
            let listed = help.contains(&format!("- {format}:"));
            assert_eq!(listed, prints.contains(&format), "{command} and {format}\n{help}");
        }
    }
    // A format the subcommand does not print is refused (exit 2), never ignored.
    let refused = ramguard(&["explain", "RG201", "--format", "sarif"]);
    assert_eq!(refused.code, 2);
    let refused = ramguard(&["--format", "sarif", "explain", "RG201"]);
    assert_eq!(refused.code, 2, "{}", refused.stdout);
    assert!(
        refused.stderr.contains("`explain` prints `human` or `json`"),
        "{}",
        refused.stderr
    );
    // `--format` before the subcommand is still read.
    assert!(json(&ramguard(&["--format", "json", "rules"]).stdout)["rules"].is_array());
}

#[test]
fn explain_prints_the_rule_as_json() {
    let run = ramguard(&["explain", "wildcard-grants-delete", "--format", "json"]);
    assert_eq!(run.code, 0);
    let rule = json(&run.stdout);
    assert_eq!(rule["code"], "RG201");
    assert_eq!(rule["name"], "wildcard-grants-delete");
    assert_eq!(rule["severity"], "warning");
    assert!(rule["doc"].as_str().unwrap().contains("## Why is this bad?"));
}

#[test]
fn rules_lists_the_levels_the_configuration_sets() {
    let dir = scratch(
        "rules-config",
        &[(
            "ramguard.toml",
            "[rules]\nunsupported-element = \"error\"\nfull-admin = \"off\"\n",
        )],
    );
    let human = ramguard_in(&dir, &["rules"]).stdout;
    let line = |name: &str| human.lines().find(|l| l.contains(name)).unwrap_or_default().to_string();
    assert!(line("unsupported-element").contains(" error "), "{human}");
    assert!(line("full-admin").contains(" off "), "{human}");
    let out = json(&ramguard_in(&dir, &["rules", "--format", "json"]).stdout);
    let rule = out["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "unsupported-element")
        .unwrap();
    assert_eq!(
        (rule["severity"].as_str(), rule["default_severity"].as_str()),
        (Some("error"), Some("warning"))
    );
}

// --- 4. Selection and reporting -----------------------------------------------------------

#[test]
fn select_ignore_and_extend_select_override_the_configuration() {
    let dir = scratch(
        "select",
        &[
            ("ramguard.toml", "[rules]\nunsupported-element = \"off\"\n"),
            (
                "p.json",
                &policy(r#"{"Sid": "x", "Effect": "Allow", "Action": "kvstore:*", "Resource": "*"}"#),
            ),
        ],
    );
    let codes = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["lint", "--format", "json", "p.json"];
        all.extend_from_slice(args);
        let out = json(&ramguard_in(&dir, &all).stdout);
        out["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["code"].as_str().unwrap().to_string())
            .collect()
    };
    let default = codes(&[]);
    assert!(
        default.contains(&"RG201".into()) && !default.contains(&"RG012".into()),
        "{default:?}"
    );
    assert_eq!(
        codes(&["--select", "RG012"]),
        ["RG012"],
        "--select turns on what the configuration turned off"
    );
    assert!(codes(&["--extend-select", "unsupported-element"]).contains(&"RG012".into()));
    assert!(!codes(&["--ignore", "RG2"]).iter().any(|c| c.starts_with("RG2")));
    assert!(
        codes(&["--select", "RG2", "--ignore", "wildcard-grants-delete"])
            .iter()
            .all(|c| c.starts_with("RG2") && c != "RG201")
    );
    let unknown = ramguard_in(&dir, &["lint", "--ignore", "wildcard-grant-delete", "p.json"]);
    assert_eq!(unknown.code, 2);
    assert!(
        unknown.stderr.contains("did you mean `wildcard-grants-delete`?"),
        "{}",
        unknown.stderr
    );
}

#[test]
fn statistics_output_file_quiet_and_exit_zero() {
    let dir = scratch("reporting", &[("e.json", ERROR), ("w.json", WARNING_ONLY)]);
    let stats = ramguard_in(&dir, &["lint", "--statistics", "e.json", "w.json"]);
    assert_eq!(stats.code, 1);
    assert!(
        stats.stdout.contains("    1  RG007  invalid-effect"),
        "{}",
        stats.stdout
    );
    assert!(
        stats.stdout.contains("    1  RG012  unsupported-element"),
        "{}",
        stats.stdout
    );
    let stats = json(&ramguard_in(&dir, &["lint", "--statistics", "--format", "json", "e.json"]).stdout);
    assert_eq!(stats["statistics"][0]["count"], 1);

    let file = dir.join("report.txt");
    let run = ramguard_in(
        &dir,
        &["lint", "--format", "concise", "--output-file", "report.txt", "e.json"],
    );
    assert_eq!(run.code, 1);
    assert!(run.stdout.is_empty());
    assert!(std::fs::read_to_string(&file).unwrap().starts_with("e.json:1:"));

    let quiet = ramguard_in(&dir, &["lint", "-q", "e.json"]);
    assert_eq!((quiet.code, quiet.stdout.as_str(), quiet.stderr.as_str()), (1, "", ""));
    let zero = ramguard_in(&dir, &["lint", "--exit-zero", "--deny-warnings", "e.json", "w.json"]);
    assert_eq!(zero.code, 0);
    assert!(zero.stdout.contains("invalid-effect"));
    assert_eq!(ramguard_in(&dir, &["lint", "--exit-zero", "missing.json"]).code, 2);
}

#[test]
fn show_skipped_lists_each_skipped_file_with_why() {
    let dir = scratch(
        "skipped",
        &[
            ("package.json", r#"{"name": "x", "version": "1.0.0"}"#),
            ("w.json", WARNING_ONLY),
        ],
    );
    for flag in ["--show-skipped", "-v"] {
        let run = ramguard_in(&dir, &["lint", "--format", "concise", flag, "."]);
        assert!(
            run.stdout
                .contains("skipped ./package.json: JSON with nothing of a policy in it"),
            "{}",
            run.stdout
        );
    }
    let out = json(&ramguard_in(&dir, &["lint", "--format", "json", "--show-skipped", "."]).stdout);
    assert_eq!(out["skipped"][0]["file"], "./package.json");
    assert_eq!(out["summary"]["skipped"], 1);
}

#[test]
fn concise_is_one_line_per_finding_with_control_characters_escaped() {
    let dir = scratch(
        "concise",
        &[(
            "p.json",
            &policy(
                "{\"Effect\": \"Allow\", \"Action\": \"r-kvstore:Describe\u{202e}Instances\", \"Resource\": \"*\"}",
            ),
        )],
    );
    let run = ramguard_in(
        &dir,
        &["lint", "--format", "concise", "--select", "unknown-service", "p.json"],
    );
    assert_eq!(run.stdout.lines().count(), 1, "{}", run.stdout);
    let line = run.stdout.lines().next().unwrap();
    assert!(
        line.starts_with("p.json:1:") && line.contains(": RG101 `r-kvstore` is not a RAM service code"),
        "{line}"
    );
    assert!(line.contains("\\u{202e}") && !line.contains('\u{202e}'), "{line}");
}

// --- 5. Configuration discovery -----------------------------------------------------------

#[test]
fn the_configuration_is_the_one_nearest_the_linted_files() {
    let dir = scratch(
        "discovery",
        &[
            ("repo/ramguard.toml", "[rules]\nunsupported-element = \"error\"\n"),
            ("repo/policies/w.json", WARNING_ONLY),
            ("elsewhere/.keep", ""),
        ],
    );
    let elsewhere = dir.join("elsewhere");
    for path in ["../repo", "../repo/policies/w.json"] {
        let run = ramguard_in(&elsewhere, &["lint", "--format", "json", path]);
        assert_eq!(
            run.code, 1,
            "{path}: repo/ramguard.toml makes the warning an error\n{}",
            run.stdout
        );
        assert_eq!(json(&run.stdout)["diagnostics"][0]["severity"], "error");
    }
    // `--config` still overrides.
    let other = scratch(
        "discovery-other",
        &[("ramguard.toml", "[rules]\nunsupported-element = \"off\"\n")],
    );
    let config = other.join("ramguard.toml");
    let run = ramguard_in(&elsewhere, &["lint", "--config", config.to_str().unwrap(), "../repo"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
}

// --- 6. Completions and a man page ---------------------------------------------------------

#[test]
fn completions_and_the_man_page_come_from_the_command_line_definition() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let run = ramguard(&["completions", shell]);
        assert_eq!(run.code, 0, "{shell}: {}", run.stderr);
        assert!(
            run.stdout.contains("deny-warnings") && run.stdout.contains("preflight"),
            "{shell}"
        );
    }
    assert_eq!(ramguard(&["completions", "tcsh"]).code, 2);
    let man = ramguard(&["manpage"]);
    assert_eq!(man.code, 0);
    assert!(
        man.stdout.contains(".TH ramguard 1") && man.stdout.contains("lint"),
        "{}",
        man.stdout
    );
}

#[test]
fn resource_policies_are_said_to_be_unchecked_at_info_not_reported_as_errors() {
    // Shaped after the OSS bucket policy and KMS key policy examples of Alibaba's docs: read as
    // identity policies, their `Principal` was an error that blocked every commit.
    for (file, kind) in [
        (
            "tests/fixtures/command-line/oss-bucket-policy.json",
            "an OSS bucket policy",
        ),
        ("tests/fixtures/command-line/kms-key-policy.json", "a KMS key policy"),
    ] {
        let run = ramguard(&["lint", "--no-ignore", "--deny-warnings", "--format", "json", file]);
        assert_eq!(run.code, 0, "{file}: {}", run.stdout);
        let out = json(&run.stdout);
        let diagnostics = out["diagnostics"].as_array().unwrap();
        assert_eq!(diagnostics.len(), 1, "{file}: {diagnostics:?}");
        assert_eq!(diagnostics[0]["name"], "unrecognised-document");
        assert_eq!(diagnostics[0]["severity"], "info");
        assert!(diagnostics[0]["message"].as_str().unwrap().contains(kind), "{file}");
    }
    // A `Principal` with a kvstore action is still a trust and a permission policy mixed up.
    let dir = scratch(
        "mixed-up",
        &[(
            "p.json",
            &policy(
                r#"{"Effect": "Allow", "Principal": {"RAM": ["acs:ram::1234567890123456:root"]}, "Action": "kvstore:DescribeInstances", "Resource": "*"}"#,
            ),
        )],
    );
    let run = ramguard_in(&dir, &["lint", "--format", "concise", "p.json"]);
    assert_eq!(run.code, 1);
    assert!(run.stdout.contains("RG013"), "{}", run.stdout);
}

// --- 7. --fix, --diff, --unsafe-fixes -------------------------------------------------------

#[test]
fn each_fix_rewrites_only_its_edit_and_leaves_no_finding_of_its_rule() {
    // (rule, before, after, needs --unsafe-fixes); odd spacing and tabs must survive.
    let cases = [
        (
            "invalid-effect",
            "{\"Version\": \"1\",\n\t\"Statement\": [ {\"Effect\" :  \"allow\", \"Action\": \"kvstore:DescribeInstances\", \"Resource\": \"*\"} ]}\n",
            "{\"Version\": \"1\",\n\t\"Statement\": [ {\"Effect\" :  \"Allow\", \"Action\": \"kvstore:DescribeInstances\", \"Resource\": \"*\"} ]}\n",
            false,
        ),
        (
            "invalid-version",
            "{\"Version\":  1 , \"Statement\": [{\"Effect\": \"Deny\", \"Action\": \"kvstore:DeleteInstance\", \"Resource\": \"*\"}]}",
            "{\"Version\":  \"1\" , \"Statement\": [{\"Effect\": \"Deny\", \"Action\": \"kvstore:DeleteInstance\", \"Resource\": \"*\"}]}",
            false,
        ),
        (
            "invalid-json",
            "{\"Version\": \"1\", \"Statement\": [{\"Effect\": \"Deny\", \"Action\": [\"kvstore:DeleteInstance\",\n  ], \"Resource\": \"*\"}]}\n",
            "{\"Version\": \"1\", \"Statement\": [{\"Effect\": \"Deny\", \"Action\": [\"kvstore:DeleteInstance\"\n  ], \"Resource\": \"*\"}]}\n",
            false,
        ),
        (
            "action-case-mismatch",
            "{\"Version\": \"1\", \"Statement\": [{\"Effect\": \"Deny\", \"Action\": \"kvstore:deleteinstance\", \"Resource\": \"*\"}]}",
            "{\"Version\": \"1\", \"Statement\": [{\"Effect\": \"Deny\", \"Action\": \"kvstore:DeleteInstance\", \"Resource\": \"*\"}]}",
            false,
        ),
        (
            "invalid-element-type",
            "{\"Version\": \"1\", \"Statement\": {\"Effect\": \"Deny\", \"Action\": \"kvstore:DeleteInstance\", \"Resource\": \"*\"}}",
            "{\"Version\": \"1\", \"Statement\": [{\"Effect\": \"Deny\", \"Action\": \"kvstore:DeleteInstance\", \"Resource\": \"*\"}]}",
            false,
        ),
        (
            "unknown-service",
            "{\"Version\": \"1\", \"Statement\": [{\"Effect\": \"Deny\", \"Action\": \"r-kvstore:DeleteInstance\", \"Resource\": \"*\"}]}",
            "{\"Version\": \"1\", \"Statement\": [{\"Effect\": \"Deny\", \"Action\": \"kvstore:DeleteInstance\", \"Resource\": \"*\"}]}",
            true,
        ),
    ];
    for (rule, before, after, unsafe_fix) in cases {
        let dir = scratch(&format!("fix-{rule}"), &[("p.json", before)]);
        let file = dir.join("p.json");
        // `--diff` writes nothing and fails when there is an edit.
        let mut diff_args = vec!["lint", "--diff", "p.json"];
        if unsafe_fix {
            diff_args.push("--unsafe-fixes");
        }
        let diff = ramguard_in(&dir, &diff_args);
        assert_eq!(diff.code, 1, "{rule}: {}{}", diff.stdout, diff.stderr);
        assert!(
            diff.stdout.starts_with("--- a/p.json\n+++ b/p.json\n@@ "),
            "{rule}: {}",
            diff.stdout
        );
        assert_eq!(std::fs::read_to_string(&file).unwrap(), before, "{rule}: --diff wrote");
        if unsafe_fix {
            // Without the flag, an unsafe fix is not applied.
            ramguard_in(&dir, &["lint", "--fix", "p.json"]);
            assert_eq!(
                std::fs::read_to_string(&file).unwrap(),
                before,
                "{rule}: applied without --unsafe-fixes"
            );
        }
        let mut fix_args = vec!["lint", "--fix", "--format", "json", "p.json"];
        if unsafe_fix {
            fix_args.push("--unsafe-fixes");
        }
        let run = ramguard_in(&dir, &fix_args);
        assert_eq!(std::fs::read_to_string(&file).unwrap(), after, "{rule}");
        let left = json(&run.stdout);
        let names: Vec<&str> = left["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["name"].as_str().unwrap())
            .collect();
        assert!(!names.contains(&rule), "{rule}: still reported after --fix: {names:?}");
        // Fixing again changes no byte.
        ramguard_in(&dir, &fix_args);
        assert_eq!(std::fs::read_to_string(&file).unwrap(), after, "{rule}: second --fix");
    }
}

#[test]
fn fix_on_a_clean_file_or_an_api_response_changes_no_byte() {
    let clean = "{ \"Version\" : \"1\",\r\n \"Statement\": [{\"Effect\": \"Deny\", \"Action\": \"kvstore:DeleteInstance\", \"Resource\": \"*\"}] }";
    // An action in the wrong case inside an encoded document: the edit would need escaping, so
    // it is left alone.
    let response = r#"{"PolicyVersion": {"VersionId": "v1", "IsDefaultVersion": true, "PolicyDocument": "{\"Version\": \"1\", \"Statement\": [{\"Effect\": \"Deny\", \"Action\": \"kvstore:deleteinstance\", \"Resource\": \"*\"}]}"}}"#;
    let dir = scratch("fix-clean", &[("clean.json", clean), ("response.json", response)]);
    let run = ramguard_in(&dir, &["lint", "--fix", "clean.json", "response.json"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(std::fs::read_to_string(dir.join("clean.json")).unwrap(), clean);
    assert_eq!(std::fs::read_to_string(dir.join("response.json")).unwrap(), response);
    assert_eq!(
        ramguard_in(&dir, &["lint", "--diff", "clean.json", "response.json"]).stdout,
        ""
    );
    assert_eq!(ramguard_in(&dir, &["lint", "--fix", "-"]).code, 2);
    let explain = ramguard(&["explain", "unknown-service"]).stdout;
    assert!(explain.contains("## Fix\nunsafe (`--unsafe-fixes`)"), "{explain}");
}

#[test]
fn human_text_counts_statements_from_one_and_says_no_info() {
    let dir = scratch(
        "human-text",
        &[(
            "deny.json",
            &policy(r#"{"Effect": "Deny", "Action": "kvstore:DeleteInstance", "Resource": "*"}"#),
        )],
    );
    let run = ramguard_in(
        &dir,
        &[
            "simulate",
            "--color",
            "never",
            "--policy",
            "deny.json",
            "--action",
            "kvstore:DeleteInstance",
            "--resource",
            "*",
        ],
    );
    assert_eq!(run.code, 1);
    assert!(run.stdout.contains("statement 1 of deny.json"), "{}", run.stdout);
    let out = json(
        &ramguard_in(
            &dir,
            &[
                "simulate",
                "--format",
                "json",
                "--policy",
                "deny.json",
                "--action",
                "kvstore:DeleteInstance",
                "--resource",
                "*",
            ],
        )
        .stdout,
    );
    assert_eq!(out["statements"][0]["index"], 0, "JSON stays 0-based");
    let lint = ramguard_in(&dir, &["lint", "--color", "never", "deny.json"]);
    assert!(
        lint.stdout
            .ends_with("no errors, no warnings, no info in 1 document in 1 file (0 skipped)\n"),
        "{}",
        lint.stdout
    );
}
