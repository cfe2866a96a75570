#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test fails loudly"
)]
//! What `lint` does with files that are not plainly policies: a named file that looks like one
//! but is not recognised is reported, never passed; every documented RAM API response is read,
//! each of its documents linted with spans into the file; Terraform plans and states are
//! skipped without a word of their content; duplicate keys in a response's wrapper and
//! invisible characters are errors that `simulate` and `preflight` refuse; paths that are not
//! regular files say what they are.

mod common;

use std::path::{Path, PathBuf};

use serde_json::Value;

const DIR: &str = "tests/fixtures/hostile-lint";

fn fixture(name: &str) -> String {
    format!("{DIR}/{name}")
}

/// `lint --deny-warnings --no-ignore --format json` of `paths` (the repository's configuration
/// ignores `tests/fixtures/**`): the exit code and the report.
fn lint(paths: &[&str]) -> (i32, Value) {
    let args = [&["lint", "--deny-warnings", "--no-ignore", "--format", "json"], paths].concat();
    let (code, stdout, stderr) = common::run(&args);
    let report = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}{stderr}"));
    (code, report)
}

fn summary(report: &Value) -> (u64, u64, u64, u64) {
    let s = &report["summary"];
    let n = |k: &str| s[k].as_u64().unwrap();
    (n("files"), n("skipped"), n("errors"), n("warnings"))
}

fn diagnostics(report: &Value) -> Vec<&Value> {
    report["diagnostics"].as_array().unwrap().iter().collect()
}

fn names(report: &Value) -> Vec<&str> {
    diagnostics(report)
        .iter()
        .map(|d| d["name"].as_str().unwrap())
        .collect()
}

/// `(line, column, end_line, end_column)` of a diagnostic.
fn place(d: &Value) -> (u64, u64, u64, u64) {
    let n = |k: &str| d[k].as_u64().unwrap();
    (n("line"), n("column"), n("end_line"), n("end_column"))
}

/// The text of the file that a diagnostic's span covers (one line).
fn underlined(path: &str, d: &Value) -> String {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).unwrap();
    let (line, column, end_line, end_column) = place(d);
    assert_eq!(line, end_line, "{d}");
    let line = text.lines().nth(usize::try_from(line).unwrap() - 1).unwrap();
    let from = usize::try_from(column).unwrap() - 1;
    let to = usize::try_from(end_column).unwrap() - 1;
    line.chars().skip(from).take(to - from).collect()
}

#[test]
fn a_named_file_that_looks_like_a_policy_is_reported_not_passed() {
    for (name, why) in [
        (
            "array.json",
            "the file holds an array of policy documents, not one document",
        ),
        (
            "empty-object.json",
            "the file is an empty object, not a policy document",
        ),
        (
            "unknown-shape.json",
            "a policy document at `/Result/Items/0/PolicyDocument`, in a response shape ramguard does not know",
        ),
        ("statement.json", "the file holds a statement, not a policy document"),
        (
            "statement-key-in-another-case.json",
            "`statement` looks like a policy's `Statement`, written in another case",
        ),
    ] {
        let (code, report) = lint(&[&fixture(name)]);
        assert_eq!(code, 1, "{name}: {report}");
        assert_eq!(summary(&report), (1, 0, 0, 1), "{name}: {report}");
        let first = diagnostics(&report)[0];
        assert_eq!(first["name"], "unrecognised-document", "{name}");
        assert_eq!(first["code"], "RG020", "{name}");
        assert_eq!(first["severity"], "warning", "{name}");
        assert_eq!(first["message"], why, "{name}");
    }
}

#[test]
fn policy_keys_in_another_case_make_a_policy_with_errors() {
    let (code, report) = lint(&[&fixture("lowercase-keys.json")]);
    assert_eq!(code, 1);
    assert_eq!(summary(&report).0, 1);
    let names = names(&report);
    assert!(names.contains(&"missing-element"), "{names:?}");
    assert!(names.contains(&"unknown-element"), "{names:?}");
}

#[test]
fn json_without_policy_marks_stays_skipped_even_when_named() {
    let (code, report) = lint(&[
        &fixture("package.json"),
        &fixture("tsconfig.json"),
        &fixture("terms.json"),
    ]);
    assert_eq!(code, 0, "{report}");
    assert_eq!(summary(&report), (0, 3, 0, 0));
}

#[test]
fn a_walk_skips_what_it_does_not_recognise() {
    let dir = scratch("walk-unrecognised");
    for name in [
        "array.json",
        "empty-object.json",
        "unknown-shape.json",
        "statement.json",
        "statement-key-in-another-case.json",
        "terms.json",
        "package.json",
    ] {
        std::fs::copy(
            Path::new(env!("CARGO_MANIFEST_DIR")).join(fixture(name)),
            dir.join(name),
        )
        .unwrap();
    }
    let (code, report) = lint(&[dir.to_str().unwrap()]);
    assert_eq!(code, 0, "{report}");
    assert_eq!(summary(&report), (0, 7, 0, 0));
}

#[test]
fn every_version_of_a_list_policy_versions_response_is_linted_in_place() {
    let path = fixture("list-policy-versions.json");
    let (code, report) = lint(&[&path]);
    assert_eq!(code, 1, "{report}");
    let found: Vec<(&str, String)> = diagnostics(&report)
        .iter()
        .map(|d| (d["name"].as_str().unwrap(), underlined(&path, d)))
        .collect();
    // The first version's case slip and the second version's wildcard, each at its place in
    // the encoded string.
    assert!(
        found.contains(&("action-case-mismatch", r#"\"kvstore:describeinstances\""#.to_string())),
        "{found:?}"
    );
    assert!(
        found.contains(&("wildcard-grants-delete", r#"\"kvstore:*\""#.to_string())),
        "{found:?}"
    );
    let lines: Vec<u64> = diagnostics(&report).iter().map(|d| place(d).0).collect();
    assert!(lines.contains(&9) && lines.contains(&15), "{lines:?}");
}

#[test]
fn a_version_without_its_document_is_reported() {
    let (code, report) = lint(&[&fixture("list-policy-versions-missing.json")]);
    assert_eq!(code, 1, "{report}");
    let first = diagnostics(&report)[0];
    assert_eq!(first["name"], "unrecognised-document");
    assert_eq!(
        first["message"],
        "`/PolicyVersions/PolicyVersion/1` carries no `PolicyDocument`"
    );
}

#[test]
fn documented_response_shapes_are_read() {
    // The same wildcard document in each: what `kvstore:*` on `instance/r-ci-*` grants.
    let expected = ["release-protection-bypass", "wildcard-grants-delete"];
    for name in [
        "create-policy-version.json",
        "policy-document-in-policy.json",
        "get-policy.json",
        "get-control-policy.json",
    ] {
        let (code, report) = lint(&[&fixture(name)]);
        assert_eq!(code, 1, "{name}: {report}");
        assert_eq!(summary(&report).0, 1, "{name}");
        // Exactly the document's findings: `GetPolicy`'s deprecated `Policy.PolicyDocument`
        // ("N/A") is not read when `DefaultPolicyVersion` carries the document.
        assert_eq!(names(&report), expected, "{name}");
    }
    // `CreateRole` carries a trust policy, as `GetRole` does: clean.
    let (code, report) = lint(&[&fixture("create-role.json")]);
    assert_eq!((code, summary(&report)), (0, (1, 0, 0, 0)), "{report}");
}

#[test]
fn a_duplicate_key_in_a_response_wrapper_is_an_error_and_both_documents_are_read() {
    let path = fixture("get-policy-version-duplicate.json");
    let (code, report) = lint(&[&path]);
    assert_eq!(code, 1, "{report}");
    let duplicate = diagnostics(&report)
        .into_iter()
        .find(|d| d["name"] == "duplicate-key")
        .unwrap_or_else(|| panic!("no duplicate-key: {report}"));
    assert_eq!(duplicate["pointer"], "/PolicyVersion/PolicyDocument");
    assert_eq!(place(duplicate), (6, 5, 6, 21));
    assert_eq!(underlined(&path, duplicate), r#""PolicyDocument""#);
    // The second document (an `Allow` of `kvstore:DeleteInstance` on `*`) is linted too.
    assert!(names(&report).contains(&"unscoped-delete"), "{:?}", names(&report));

    let (code, report) = lint(&[&fixture("get-policy-version-duplicate-wrapper.json")]);
    assert_eq!(code, 1);
    let duplicate = diagnostics(&report)[0];
    assert_eq!(
        (duplicate["name"].as_str(), duplicate["pointer"].as_str()),
        (Some("duplicate-key"), Some("/PolicyVersion"))
    );
}

#[test]
fn simulate_refuses_a_response_with_two_documents() {
    for name in [
        "get-policy-version-duplicate.json",
        "get-policy-version-duplicate-wrapper.json",
    ] {
        let (code, _, stderr) = common::run(&[
            "simulate",
            "--policy",
            &fixture(name),
            "--action",
            "kvstore:DeleteInstance",
            "--resource",
            "acs:kvstore:cn-hangzhou:1234567890123456:instance/r-bp1x0001",
        ]);
        assert_eq!(code, 2, "{name}: {stderr}");
        assert!(stderr.contains("refusing to evaluate"), "{name}: {stderr}");
    }
    let (code, _, stderr) = common::run(&[
        "simulate",
        "--policy",
        &fixture("list-policy-versions.json"),
        "--action",
        "kvstore:DeleteInstance",
        "--resource",
        "acs:kvstore:cn-hangzhou:1234567890123456:instance/r-bp1x0001",
    ]);
    assert_eq!(code, 2, "{stderr}");
}

#[test]
fn terraform_plans_and_states_are_linted_for_their_documents_and_never_echoed() {
    // No RAM document in the plan: skipped. A state's document is linted (two warnings); a
    // broken state is an error. Nothing else of the files is ever shown.
    for (name, code, expected) in [
        ("terraform-plan.json", 0, (0, 1, 0, 0)),
        ("terraform.tfstate", 1, (1, 0, 0, 2)),
        ("terraform-broken.json", 1, (1, 0, 1, 0)),
    ] {
        let (exit, stdout, stderr) = common::run(&["lint", "--deny-warnings", "--no-ignore", &fixture(name)]);
        assert_eq!(exit, code, "{name}: {stdout}{stderr}");
        for secret in ["hunter2", "KMS-SECRET"] {
            assert!(
                !stdout.contains(secret) && !stderr.contains(secret),
                "{name}: {stdout}{stderr}"
            );
        }
        let (_, report) = lint(&[&fixture(name)]);
        assert_eq!(summary(&report), expected, "{name}");
    }
}

/// Lint `text` as a scratch file: its path and the report.
fn lint_text(name: &str, text: &str) -> (String, i32, Value) {
    let dir = scratch(name);
    let path = dir.join("policy.json");
    std::fs::write(&path, text).unwrap();
    let path = path.to_str().unwrap().to_string();
    let (code, report) = lint(&[&path]);
    (path, code, report)
}

/// A `Deny` that writes `Resource` twice is not read as its first: which one counts is
/// ambiguous, so it is not taken to cover every instance (the model is told by the reader
/// whether a document repeats a key, and then searches it). Written once, it is.
#[test]
fn a_deny_with_a_repeated_key_is_not_read_as_its_first_value() {
    let policy = |deny_resources: &str| {
        format!(
            r#"{{"Version": "1", "Statement": [
                {{"Effect": "Allow", "Action": "kvstore:DeleteInstance", "Resource": "*"}},
                {{"Effect": "Deny", "Action": "kvstore:DeleteInstance", {deny_resources}}}]}}"#
        )
    };
    let (_, code, report) = lint_text(
        "repeated-resource",
        &policy(r#""Resource": "*", "Resource": "acs:kvstore:*:*:instance/r-bp1""#),
    );
    assert_eq!(code, 1, "{report}");
    assert_eq!(names(&report), ["unscoped-delete", "duplicate-key"], "{report}");
    let (_, code, report) = lint_text("one-resource", &policy(r#""Resource": "*""#));
    assert_eq!((code, names(&report)), (0, vec!["shadowed-statement"]), "{report}");
    // Nor is an `Allow` that writes `Action` twice said to be shadowed by its first.
    let text = r#"{"Version": "1", "Statement": [
        {"Effect": "Allow", "Action": "kvstore:DeleteInstance", "Action": "kvstore:CreateInstance", "Resource": "*"},
        {"Effect": "Deny", "Action": "kvstore:DeleteInstance", "Resource": "*"}]}"#;
    let (_, code, report) = lint_text("repeated-action", text);
    assert_eq!((code, names(&report)), (1, vec!["duplicate-key"]), "{report}");
}

#[test]
fn an_invisible_character_is_an_error_at_its_exact_place() {
    // Written as an escape, raw, and a bidirectional control: each found, each shown escaped.
    let text = "{\"Version\": \"1\", \"Statement\": [{\"Effect\": \"Deny\", \"Action\": \"kvstore:DeleteInstance\",\n\
                \"Resource\": [\"acs:kvstore:*:*:instance/r-bp1\\u200bx*\", \"acs:kvstore:*:*:instance/r-\u{200b}\u{2060}y*\", \"acs:kvstore:*:*:instance/\u{202e}z*\"]}]}";
    let (path, code, report) = lint_text("invisible", text);
    assert_eq!(code, 1, "{report}");
    let found: Vec<_> = diagnostics(&report)
        .into_iter()
        .filter(|d| d["name"] == "invisible-character")
        .collect();
    assert_eq!(found.len(), 3, "{report}");
    assert_eq!(found[0]["code"], "RG019");
    assert_eq!(found[0]["severity"], "error");
    assert_eq!(place(found[0]), (2, 45, 2, 51));
    assert_eq!(underlined(&path, found[0]), r"\u200b");
    assert_eq!(found[0]["pointer"], "/Statement/0/Resource/0");
    assert_eq!(
        found[0]["message"],
        r"a zero-width space (`\u{200b}`) in `acs:kvstore:*:*:instance/r-bp1\u{200b}x*`"
    );
    assert_eq!(underlined(&path, found[1]), "\u{200b}\u{2060}");
    assert_eq!(
        found[1]["message"],
        r"2 invisible characters (`\u{200b}\u{2060}`) in `acs:kvstore:*:*:instance/r-\u{200b}\u{2060}y*`"
    );
    assert_eq!(underlined(&path, found[2]), "\u{202e}");
    for d in &found {
        let message = d["message"].as_str().unwrap();
        assert!(!message.contains(['\u{200b}', '\u{2060}', '\u{202e}']), "{message}");
    }
}

#[test]
fn control_characters_are_found_in_every_string_raw_or_escaped() {
    // JSON forbids a raw C0 control in a string, so an escape; DEL and C1 may stand raw.
    let text = r#"{"Version": "1", "Statement": [{"Effect": "Allow", "Action": "kvstore:X\u001b[31mRED\u0007", "Resource": "*", "Condition": {"StringEquals": {"acs:SourceVpc": "vpc-1"}}}]}"#
        .replace("vpc-1", "vpc-\u{7f}1\u{85}")
        .replace("StringEquals", "StringEquals\u{ad}");
    let (path, _, report) = lint_text("controls", &text);
    let found: Vec<String> = diagnostics(&report)
        .into_iter()
        .filter(|d| d["name"] == "invisible-character")
        .map(|d| underlined(&path, d))
        .collect();
    assert_eq!(found, [r"\u001b", r"\u0007", "\u{ad}", "\u{7f}", "\u{85}"]);
}

#[test]
fn an_invisible_character_inside_an_encoded_document_points_at_its_escape() {
    // The document is a string in a `GetPolicyVersion` response: `\\u200b` is the escape of an
    // escape, `\u200b` puts the character itself into the document.
    let document = r#"{\"Version\":\"1\",\"Statement\":[{\"Effect\":\"Deny\",\"Action\":\"kvstore:DeleteInstance\",\"Resource\":[\"acs:kvstore:*:*:instance/a\\u200bx*\",\"acs:kvstore:*:*:instance/b\u200dx*\"]}]}"#;
    let text = format!("{{\"PolicyVersion\": {{\"VersionId\": \"v1\", \"PolicyDocument\": \"{document}\"}}}}");
    let (path, code, report) = lint_text("invisible-response", &text);
    assert_eq!(code, 1, "{report}");
    let found: Vec<String> = diagnostics(&report)
        .into_iter()
        .filter(|d| d["name"] == "invisible-character")
        .map(|d| underlined(&path, d))
        .collect();
    assert_eq!(found, [r"\\u200b", r"\u200d"]);
}

const INVISIBLE_DENY: &str = "{\"Version\": \"1\", \"Statement\": [\
    {\"Effect\": \"Allow\", \"Action\": \"kvstore:*\", \"Resource\": \"*\"},\
    {\"Effect\": \"Deny\", \"Action\": \"kvstore:DeleteInstance\", \"Resource\": \"acs:kvstore:*:*:instance/r-bp1\\u200bx*\"}]}";

#[test]
fn no_permission_check_passes_on_a_policy_with_an_invisible_character() {
    let dir = scratch("invisible-deny");
    let policy = dir.join("policy.json");
    std::fs::write(&policy, INVISIBLE_DENY).unwrap();
    let instance = dir.join("instance.json");
    std::fs::write(
        &instance,
        r#"{"InstanceId": "r-bp1x0001", "RegionId": "cn-hangzhou", "InstanceStatus": "Normal",
            "ChargeType": "PostPaid", "InstanceReleaseProtection": false, "IsOrderCompleted": true,
            "GlobalInstanceId": ""}"#,
    )
    .unwrap();
    let (code, stdout, stderr) = common::run(&[
        "simulate",
        "--policy",
        policy.to_str().unwrap(),
        "--action",
        "kvstore:DeleteInstance",
        "--resource",
        "acs:kvstore:cn-hangzhou:1234567890123456:instance/r-bp1x0001",
    ]);
    assert_eq!(code, 2, "{stdout}{stderr}");
    assert!(stdout.contains("invisible-character") || stderr.contains("invisible-character"));
    let (code, stdout, stderr) = common::run(&[
        "preflight",
        "--instance",
        instance.to_str().unwrap(),
        "--policy",
        policy.to_str().unwrap(),
        "--account-id",
        "1234567890123456",
    ]);
    assert_eq!(code, 2, "{stdout}{stderr}");
    assert!(
        stderr.contains("invisible-character") && stderr.contains("refusing to evaluate"),
        "{stderr}"
    );
}

/// A fresh folder for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("hostile-lint").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[cfg(unix)]
#[test]
fn symbolic_links_in_a_walk_are_linted_or_counted() {
    let dir = scratch("symlinks");
    let target = dir.join("real.txt");
    std::fs::write(
        &target,
        r#"{"Version": "1", "Statement": [{"Effect": "Allow", "Action": "kvstore:*", "Resource": "*"}]}"#,
    )
    .unwrap();
    let walked = dir.join("walked");
    std::fs::create_dir_all(&walked).unwrap();
    std::os::unix::fs::symlink(&target, walked.join("linked.json")).unwrap();
    std::os::unix::fs::symlink(dir.join("nowhere.json"), walked.join("dangling.json")).unwrap();
    let (code, report) = lint(&[walked.to_str().unwrap()]);
    assert_eq!(code, 1, "{report}");
    let (files, skipped, _, warnings) = summary(&report);
    assert_eq!((files, skipped), (1, 1), "{report}");
    assert!(warnings > 0, "{report}");
    assert!(
        diagnostics(&report)[0]["file"]
            .as_str()
            .unwrap()
            .ends_with("linked.json"),
        "{report}"
    );
}

#[cfg(unix)]
#[test]
fn a_path_that_is_not_a_regular_file_says_what_it_is() {
    let (code, _, stderr) = common::run(&["lint", "/dev/zero"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("/dev/zero: a character device, not a regular file"),
        "{stderr}"
    );
    assert!(!stderr.contains("no such file"), "{stderr}");

    let dir = scratch("special-paths");
    let dangling = dir.join("dangling.json");
    std::os::unix::fs::symlink(dir.join("nowhere.json"), &dangling).unwrap();
    let (code, _, stderr) = common::run(&["lint", dangling.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("a symbolic link to a file that does not exist"),
        "{stderr}"
    );

    let fifo = dir.join("pipe.json");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if made.is_ok_and(|s| s.success()) {
        // Refused before any read: a FIFO with no writer would block forever.
        let (code, _, stderr) = common::run(&["lint", fifo.to_str().unwrap()]);
        assert_eq!(code, 2);
        assert!(stderr.contains("a FIFO (named pipe), not a regular file"), "{stderr}");
    }
}
