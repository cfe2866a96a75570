#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test fails loudly"
)]
//! `ramguard preflight --fetch` against a fake `aliyun` CLI (`tests/fixtures/fetch/bin/aliyun`)
//! that replays recorded responses (shapes from Alibaba's API reference) and records the calls
//! made; `--save DIR` then `--from DIR` offline.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

const INSTANCE: &str = "r-bp1zxszhcgatnx0001";

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fetch")
}

/// A fresh scratch folder for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fetch").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
    /// The calls the fake CLI received, each as its arguments.
    calls: Vec<Vec<String>>,
}

/// Run `ramguard preflight ARGS` with the fake CLI first on `PATH`, answering from the
/// `scenarios` folders (then `common`).
fn preflight(test: &str, scenarios: &[&str], args: &[&str]) -> Run {
    let dir = scratch(test);
    let calls = dir.join("calls.txt");
    let responses: Vec<String> = scenarios
        .iter()
        .chain(&["common"])
        .map(|s| fixtures().join(s).display().to_string())
        .collect();
    let path = format!(
        "{}:{}",
        fixtures().join("bin").display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = Command::new(env!("CARGO_BIN_EXE_ramguard"))
        .arg("preflight")
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("PATH", path)
        .env("FAKE_ALIYUN_RESPONSES", responses.join(":"))
        .env("FAKE_ALIYUN_CALLS", &calls)
        .output()
        .unwrap();
    let calls = std::fs::read_to_string(&calls)
        .unwrap_or_default()
        .lines()
        .map(|line| line.split('\t').filter(|w| !w.is_empty()).map(str::to_string).collect())
        .collect();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        calls,
    }
}

fn json(run: &Run) -> Value {
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {}{}", run.stdout, run.stderr))
}

/// `(id, status)` of every check of the only instance.
fn statuses(value: &Value) -> Vec<(String, String)> {
    value["instances"][0]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["id"].as_str().unwrap().into(), c["status"].as_str().unwrap().into()))
        .collect()
}

fn check<'a>(value: &'a Value, id: &str) -> &'a Value {
    value["instances"][0]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap()
}

/// The APIs called, `product Api`.
fn apis(run: &Run) -> Vec<String> {
    run.calls.iter().map(|c| c[..2].join(" ")).collect()
}

fn no_metacharacters(run: &Run) {
    for call in &run.calls {
        for word in call {
            assert!(
                !word.is_empty() && word.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._".contains(&b)),
                "argument {word:?} of {call:?}"
            );
        }
    }
}

const FETCH: [&str; 4] = ["--fetch", "--instance-id", INSTANCE, "--format"];

/// The hand-fed run: the same responses passed as files.
fn by_hand(policies: &[&str]) -> Value {
    let instance = fixtures().join(format!("common/r-kvstore.DescribeInstanceAttribute.{INSTANCE}.json"));
    let mut args = vec![
        "preflight".to_string(),
        "--instance".into(),
        instance.display().to_string(),
        "--account-id".into(),
        "1234567890123456".into(),
        "--format".into(),
        "json".into(),
    ];
    for policy in policies {
        args.push("--policy".into());
        args.push(fixtures().join(policy).display().to_string());
    }
    let out = Command::new(env!("CARGO_BIN_EXE_ramguard"))
        .args(&args)
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn a_ram_user_with_group_policies_gets_the_verdict_of_the_hand_fed_files() {
    let run = preflight(
        "user-go",
        &["user"],
        &[&FETCH[..], &["json", "--no-control-policies"]].concat(),
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let fetched = json(&run);
    assert_eq!(fetched["verdict"], "go");
    let hand = by_hand(&[
        "common/ram.GetPolicy.kvstore-read.Custom.json",
        "common/ram.GetPolicy.teardown.Custom.json",
        "common/ram.GetPolicy.AliyunKvstoreReadOnlyAccess.System.json",
    ]);
    assert_eq!(hand["verdict"], "go");
    assert_eq!(statuses(&fetched), statuses(&hand));
    assert_eq!(
        apis(&run),
        [
            "r-kvstore DescribeInstanceAttribute",
            "sts GetCallerIdentity",
            "ram ListPoliciesForUser",
            "ram ListGroupsForUser",
            "ram ListPoliciesForGroup",
            "ram ListPoliciesForGroup",
            "resourcemanager ListPolicyAttachments",
            "ram GetPolicy",
            "ram GetPolicy",
            "ram GetPolicy",
        ]
    );
    // `bob`'s policy in the instance's resource group is not the caller's.
    assert!(!run.calls.iter().any(|c| c.contains(&"no-release".to_string())));
    // A policy attached twice (the user's and the `dev` group's) is fetched once.
    assert_eq!(
        run.calls
            .iter()
            .filter(|c| c.contains(&"kvstore-read".to_string()))
            .count(),
        1
    );
    no_metacharacters(&run);
}

#[test]
fn a_deny_in_a_group_policy_is_a_no_go_as_by_hand() {
    let run = preflight(
        "user-deny",
        &["user-deny", "user"],
        &[&FETCH[..], &["json", "--no-control-policies"]].concat(),
    );
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let fetched = json(&run);
    assert_eq!(fetched["verdict"], "no-go");
    assert!(
        check(&fetched, "permission")["message"]
            .as_str()
            .unwrap()
            .contains("explicit deny")
    );
    let hand = by_hand(&[
        "common/ram.GetPolicy.kvstore-read.Custom.json",
        "common/ram.GetPolicy.teardown.Custom.json",
        "common/ram.GetPolicy.AliyunKvstoreReadOnlyAccess.System.json",
        "common/ram.GetPolicy.no-release.Custom.json",
    ]);
    assert_eq!(statuses(&fetched), statuses(&hand));
}

#[test]
fn a_deny_attached_at_the_resource_group_scope_is_found_on_the_second_page() {
    let run = preflight(
        "rg-deny",
        &["rg-deny", "user"],
        &[&FETCH[..], &["json", "--no-control-policies"]].concat(),
    );
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let value = json(&run);
    assert_eq!(check(&value, "permission")["status"], "fail");
    let pages: Vec<&Vec<String>> = run.calls.iter().filter(|c| c[1] == "ListPolicyAttachments").collect();
    assert_eq!(pages.len(), 2, "{pages:?}");
    assert!(pages[1].contains(&"2".to_string()));
    assert!(run.calls.iter().any(|c| c.contains(&"no-release".to_string())));
}

/// `ListPolicyAttachments` pages that do not add up to the count of the first (hostile test): a
/// short page before the count, a full page that counts nothing, a page that repeats an
/// attachment, a count that changes. Each hid the `Deny` of `rg-deny`'s second page and said
/// `go` (a changed count, read as complete, said `no-go` for the wrong reason).
#[test]
fn resource_group_pages_that_do_not_add_up_make_the_permission_unknown() {
    for (fixture, why) in [
        ("rg-short", "lists 1 of the 3 attachments it counts"),
        ("rg-full0", "lists 100 attachments and counts 0"),
        ("rg-repeat", "lists an attachment twice"),
        // The same attachment, its keys reordered and `AttachDate` changed (second hostile test).
        ("rg-repeat-reordered", "lists an attachment twice"),
        ("rg-pagenumber", "answers page 1 when asked for page 2"),
        (
            "rg-recount",
            "counts 101 attachments on its first page and 100 on page 2",
        ),
    ] {
        let run = preflight(
            fixture,
            &[fixture, "user"],
            &[&FETCH[..], &["json", "--no-control-policies"]].concat(),
        );
        assert_eq!(run.code, 3, "{fixture}: {}{}", run.stdout, run.stderr);
        let value = json(&run);
        let message = check(&value, "permission")["message"].as_str().unwrap().to_string();
        assert!(
            message.contains(why) && message.contains("incomplete"),
            "{fixture}: {message}"
        );
    }
}

#[test]
fn a_refused_resource_group_listing_makes_the_permission_unknown() {
    let run = preflight(
        "rg-denied",
        &["rg-denied", "user"],
        &[&FETCH[..], &["json", "--no-control-policies"]].concat(),
    );
    assert_eq!(run.code, 3, "{}{}", run.stdout, run.stderr);
    let value = json(&run);
    let message = check(&value, "permission")["message"].as_str().unwrap().to_string();
    assert!(
        message.contains("ListPolicyAttachments") && message.contains("`NoPermission`"),
        "{message}"
    );
}

#[test]
fn the_human_report_names_the_caller_it_checked() {
    let run = preflight(
        "human",
        &["role"],
        &["--fetch", "--instance-id", INSTANCE, "--color", "never"],
    );
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert!(
        run.stdout
            .starts_with("caller: `acs:ram::1234567890123456:assumed-role/teardown-role/ci-session`\n"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("session policy was not stated"));
}

#[test]
fn control_policies_not_stated_leave_an_allowed_release_uncertain() {
    let run = preflight("user-unstated", &["user"], &[&FETCH[..], &["json"]].concat());
    assert_eq!(run.code, 3, "{}{}", run.stdout, run.stderr);
    let value = json(&run);
    let permission = check(&value, "permission");
    assert_eq!(permission["status"], "unknown");
    assert!(
        permission["message"]
            .as_str()
            .unwrap()
            .contains("control policies were not stated")
    );
    assert!(
        permission["remediation"]
            .as_str()
            .unwrap()
            .contains("--no-control-policies")
    );
}

#[test]
fn an_assumed_role_gets_the_verdict_of_the_hand_fed_files() {
    let run = preflight(
        "role",
        &["role"],
        &[&FETCH[..], &["json", "--no-control-policies", "--no-session-policy"]].concat(),
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let fetched = json(&run);
    let hand = by_hand(&[
        "common/ram.GetPolicy.teardown.Custom.json",
        "common/ram.GetPolicy.AliyunKvstoreReadOnlyAccess.System.json",
    ]);
    assert_eq!(fetched["verdict"], "go");
    assert_eq!(statuses(&fetched), statuses(&hand));
    assert!(run.calls.contains(&vec![
        "ram".to_string(),
        "ListPoliciesForRole".into(),
        "--RoleName".into(),
        "teardown-role".into()
    ]));
    no_metacharacters(&run);
}

#[test]
fn an_assumed_role_without_a_stated_session_policy_is_uncertain() {
    let run = preflight(
        "role-session",
        &["role"],
        &[&FETCH[..], &["json", "--no-control-policies"]].concat(),
    );
    assert_eq!(run.code, 3, "{}{}", run.stdout, run.stderr);
    let value = json(&run);
    assert!(
        check(&value, "permission")["message"]
            .as_str()
            .unwrap()
            .contains("session policy was not stated")
    );
}

#[test]
fn a_denied_list_call_makes_the_permission_unknown_with_its_code() {
    let run = preflight(
        "denied",
        &["denied", "user"],
        &[&FETCH[..], &["json", "--no-control-policies"]].concat(),
    );
    assert_eq!(run.code, 3, "{}{}", run.stdout, run.stderr);
    let value = json(&run);
    assert_eq!(value["verdict"], "uncertain");
    let permission = check(&value, "permission");
    assert_eq!(permission["status"], "unknown");
    let message = permission["message"].as_str().unwrap();
    assert!(
        message.contains("ListPoliciesForUser") && message.contains("`NoPermission`"),
        "{message}"
    );
    // The CLI's error text is never echoed.
    assert!(!run.stdout.contains("You are not authorized") && !run.stderr.contains("You are not authorized"));
}

#[test]
fn a_list_that_says_it_is_truncated_is_not_taken_as_complete() {
    let run = preflight(
        "truncated",
        &["truncated", "user"],
        &[&FETCH[..], &["json", "--no-control-policies"]].concat(),
    );
    assert_eq!(run.code, 3, "{}{}", run.stdout, run.stderr);
    let value = json(&run);
    assert!(
        check(&value, "permission")["message"]
            .as_str()
            .unwrap()
            .contains("truncated")
    );
}

#[test]
fn the_root_identity_may_release_its_own_instance() {
    let run = preflight("root", &["root"], &[&FETCH[..], &["json"]].concat());
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let value = json(&run);
    let permission = check(&value, "permission");
    assert_eq!(permission["status"], "pass");
    assert!(permission["message"].as_str().unwrap().contains("root identity"));
    assert_eq!(
        apis(&run),
        ["r-kvstore DescribeInstanceAttribute", "sts GetCallerIdentity"]
    );
}

#[test]
fn a_missing_cli_says_how_to_install_it() {
    let run = preflight(
        "missing",
        &["user"],
        &[&FETCH[..], &["json", "--aliyun", "/nonexistent/aliyun"]].concat(),
    );
    assert_eq!(run.code, 2);
    assert!(run.stdout.is_empty());
    assert!(
        run.stderr.contains("not found") && run.stderr.contains("https://github.com/aliyun/aliyun-cli"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("brew install aliyun-cli"));
}

#[test]
fn a_cli_that_prints_no_json_stops_the_run() {
    let run = preflight("not-json", &["not-json"], &[&FETCH[..], &["json"]].concat());
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.is_empty());
    assert!(run.stderr.contains("not JSON"), "{}", run.stderr);
}

#[test]
fn a_response_with_a_duplicate_key_stops_the_run() {
    let run = preflight("duplicate", &["duplicate"], &[&FETCH[..], &["json"]].concat());
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert!(run.stderr.contains("`AccountId` appears twice"), "{}", run.stderr);
}

#[test]
fn arguments_are_refused_before_any_call() {
    for (flag, value) in [
        ("--instance-id", "r-bp1 x"),
        ("--instance-id", "r-bp1;rm -rf ~"),
        ("--instance-id", "-p"),
        ("--region", "cn-hangzhou$(id)"),
        ("--profile", "a b"),
        ("--account-id", "123:root"),
    ] {
        let assignment = format!("{flag}={value}");
        let mut args = vec!["--fetch", assignment.as_str()];
        if flag != "--instance-id" {
            args.extend(["--instance-id", INSTANCE]);
        }
        let run = preflight("refused", &["user"], &args);
        assert_eq!(run.code, 2, "{flag} {value}: {}", run.stderr);
        assert!(
            ["refusing to pass it", "is not an account ID", "is not an instance ID"]
                .iter()
                .any(|refusal| run.stderr.contains(refusal)),
            "{}",
            run.stderr
        );
        assert!(run.calls.is_empty(), "{flag} {value}: {:?}", run.calls);
    }
}

#[test]
fn a_name_read_from_a_response_is_validated_before_it_is_passed_on() {
    let run = preflight("bad-name", &["bad-name", "user"], &[&FETCH[..], &["json"]].concat());
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains("`GroupName` of `ram ListPoliciesForGroup`"),
        "{}",
        run.stderr
    );
    assert!(
        !apis(&run).contains(&"ram ListPoliciesForGroup".to_string()),
        "{:?}",
        run.calls
    );
}

#[test]
fn region_and_profile_reach_the_cli_as_options() {
    let run = preflight(
        "options",
        &["root"],
        &[
            &FETCH[..],
            &["json", "--region", "cn-hangzhou", "--profile", "teardown"],
        ]
        .concat(),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    for call in &run.calls {
        let tail: Vec<&str> = call[call.len() - 4..].iter().map(String::as_str).collect();
        assert_eq!(tail, ["--region", "cn-hangzhou", "--profile", "teardown"], "{call:?}");
    }
}

#[test]
fn save_then_from_reproduces_the_verdict_and_the_output_offline() {
    for (name, scenarios, extra, code) in [
        ("save-user", &["user"][..], &["--no-control-policies"][..], 0),
        (
            "save-denied",
            &["denied", "user"][..],
            &["--no-control-policies"][..],
            3,
        ),
        ("save-role", &["role"][..], &[][..], 3),
    ] {
        let dir = scratch(name).join("audit");
        let saved = preflight(
            name,
            scenarios,
            &[&FETCH[..], &["json", "--save", dir.to_str().unwrap()], extra].concat(),
        );
        assert_eq!(saved.code, code, "{name}: {}", saved.stderr);
        assert!(dir.join("manifest.json").is_file());
        // Offline: no CLI at all on PATH, and no call made.
        let offline = Command::new(env!("CARGO_BIN_EXE_ramguard"))
            .args(["preflight", "--from", dir.to_str().unwrap(), "--format", "json"])
            .env("PATH", "/nonexistent")
            .output()
            .unwrap();
        assert_eq!(
            offline.status.code(),
            Some(code),
            "{name}: {}",
            String::from_utf8_lossy(&offline.stderr)
        );
        assert_eq!(String::from_utf8_lossy(&offline.stdout), saved.stdout, "{name}");
    }
    // The refused call is kept as its code only.
    let manifest = std::fs::read_to_string(
        scratch("save-denied-check")
            .parent()
            .unwrap()
            .join("save-denied/audit/manifest.json"),
    )
    .unwrap();
    assert!(manifest.contains("\"refused\": \"NoPermission\""), "{manifest}");
    assert!(!manifest.contains("not authorized"));
}

/// The request's context with `--fetch` and `--from` (hostile test): `--absent` was dropped
/// there, so a key given both a value and as absent was not refused; and the command line's
/// `--context` was added to a saved audit's, so a second `acs:SourceIp` turned a saved `no-go`
/// into `go`. Both are refused (exit 2), as `simulate` and `preflight --instance` refuse them.
#[test]
fn fetch_and_from_refuse_a_context_that_contradicts_itself() {
    let dir = scratch("context-saved").join("audit");
    let saved = preflight(
        "context-saved",
        &["user"],
        &[
            &FETCH[..],
            &["json", "--no-control-policies", "--context", "acs:SourceIp=203.0.113.7"],
            &["--save", dir.to_str().unwrap()],
        ]
        .concat(),
    );
    assert_ne!(saved.code, 2, "{}", saved.stderr);
    let from = |extra: &[&str]| replay_from(&dir, extra);
    let (code, stderr) = from(&["--context", "acs:SourceIp=10.1.1.1"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("carries one value"), "{stderr}");
    // What the audit states, stated again, is no second value; the key in another case is.
    let (code, stderr) = from(&["--context", "acs:SourceIp=203.0.113.7"]);
    assert_ne!(code, Some(2), "{stderr}");
    let (code, stderr) = from(&["--context", "ACS:SourceIp=10.1.1.1"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("differ only in case"), "{stderr}");
    let both = ["--absent", "acs:MFAPresent", "--context", "acs:MFAPresent=true"];
    let (code, stderr) = from(&both);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("given both a value"), "{stderr}");
    let fetched = preflight(
        "context-fetch",
        &["user"],
        &[&FETCH[..], &["json", "--no-control-policies"], &both[..]].concat(),
    );
    assert_eq!(fetched.code, 2, "{}", fetched.stderr);
    assert!(fetched.stderr.contains("given both a value"), "{}", fetched.stderr);
}

#[test]
fn save_refuses_a_folder_that_is_not_empty() {
    let dir = scratch("save-full");
    std::fs::write(dir.join("old.json"), "{}").unwrap();
    let run = preflight(
        "save-full-run",
        &["root"],
        &[&FETCH[..], &["json", "--save", dir.to_str().unwrap()]].concat(),
    );
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("not empty"), "{}", run.stderr);
}

/// `preflight --from dir` with `extra` arguments, no CLI on `PATH`: its exit code and what it
/// said on standard error.
fn replay_from(dir: &Path, extra: &[&str]) -> (Option<i32>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_ramguard"))
        .args([&["preflight", "--from", dir.to_str().unwrap()][..], extra].concat())
        .env("PATH", "/nonexistent")
        .output()
        .unwrap();
    (out.status.code(), String::from_utf8_lossy(&out.stderr).to_string())
}

/// `preflight --from` an audit folder holding only `manifest`: refused (exit 2); what it said.
fn replay_refused(name: &str, manifest: &str) -> String {
    let dir = scratch(name);
    std::fs::write(dir.join("manifest.json"), manifest).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_ramguard"))
        .args(["preflight", "--from", dir.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn from_refuses_a_manifest_with_a_path_out_of_its_folder() {
    let stderr = replay_refused(
        "from-escape",
        r#"{"format": "ramguard-fetch/1",
            "statements": {"instance_id": "r-bp1zxszhcgatnx0001", "region": null, "context": [],
                           "no_control_policies": true, "no_session_policy": true,
                           "control_policies": [], "session_policy": null},
            "calls": [{"command": ["sts", "GetCallerIdentity"], "response": "../../etc/passwd"}]}"#,
    );
    assert!(stderr.contains("not a file name of the audit"), "{stderr}");
}

#[test]
fn from_refuses_a_manifest_with_a_repeated_key() {
    // Which `instance_id` counts would be a guess: the audit is refused, not replayed.
    let stderr = replay_refused(
        "from-repeat",
        r#"{"format": "ramguard-fetch/1",
            "statements": {"instance_id": "r-bp1zxszhcgatnx0001", "instance_id": "r-bp1zxszhcgatnx0002",
                           "region": null, "context": [],
                           "no_control_policies": true, "no_session_policy": true,
                           "control_policies": [], "session_policy": null},
            "calls": []}"#,
    );
    assert!(stderr.contains("the key `instance_id` appears twice"), "{stderr}");
}

/// A manifest field `--save` never writes (second hostile test: `statements.absent` was read
/// past in silence, and the audit said `go`): refused.
#[test]
fn from_refuses_a_manifest_with_a_field_it_does_not_know() {
    let stderr = replay_refused(
        "from-unknown-field",
        r#"{"format": "ramguard-fetch/1",
            "statements": {"instance_id": "r-bp1zxszhcgatnx0001", "region": null, "context": [],
                           "absent": ["acs:SourceIp"],
                           "no_control_policies": true, "no_session_policy": true,
                           "control_policies": [], "session_policy": null},
            "calls": []}"#,
    );
    assert!(
        stderr.contains("`statements.absent` is not a field of a saved audit"),
        "{stderr}"
    );
}

/// A manifest that answers one call twice (hostile test): whichever answer came last was read,
/// so a refused listing followed by a response said `go`. Refused (exit 2).
#[test]
fn from_refuses_a_manifest_that_answers_a_call_twice() {
    let stderr = replay_refused(
        "from-twice",
        r#"{"format": "ramguard-fetch/1",
            "statements": {"instance_id": "r-bp1zxszhcgatnx0001", "region": null, "context": [],
                           "no_control_policies": true, "no_session_policy": true,
                           "control_policies": [], "session_policy": null},
            "calls": [{"command": ["ram", "ListPoliciesForGroup", "--GroupName", "ops"], "refused": "NoPermission"},
                      {"command": ["ram", "ListPoliciesForGroup", "--GroupName", "ops"], "response": "a.json"}]}"#,
    );
    assert!(stderr.contains("is answered twice"), "{stderr}");
}

/// A saved audit's files are read as any input is (hostile test): a manifest or a response that
/// is a symbolic link (to `/dev/zero`: read until memory ran out) or a FIFO (waited for ever) is
/// refused, exit 2, at once.
#[cfg(unix)]
#[test]
fn from_reads_only_regular_files_of_its_folder() {
    let dir = scratch("context-files").join("audit");
    let saved = preflight(
        "context-files",
        &["user"],
        &[
            &FETCH[..],
            &["json", "--no-control-policies", "--save", dir.to_str().unwrap()],
        ]
        .concat(),
    );
    assert_eq!(saved.code, 0, "{}", saved.stderr);
    let from = || replay_from(&dir, &[]);
    assert_eq!(from().0, Some(0));
    // A response replaced by a link to a file of the right content is refused too: `--save`
    // writes no links.
    let response = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().contains("GetCallerIdentity"))
        })
        .unwrap();
    let kept = dir.with_file_name("kept.json");
    std::fs::rename(&response, &kept).unwrap();
    std::os::unix::fs::symlink(&kept, &response).unwrap();
    let (code, stderr) = from();
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("not a regular file"), "{stderr}");
    std::fs::remove_file(&response).unwrap();
    std::os::unix::fs::symlink("/dev/zero", &response).unwrap();
    assert_eq!(from().0, Some(2));
    std::fs::remove_file(&response).unwrap();
    assert!(Command::new("mkfifo").arg(&response).status().unwrap().success());
    assert_eq!(from().0, Some(2));
    // The manifest likewise.
    std::fs::remove_file(&response).unwrap();
    std::fs::rename(&kept, &response).unwrap();
    let manifest = dir.join("manifest.json");
    std::fs::remove_file(&manifest).unwrap();
    std::os::unix::fs::symlink("/dev/zero", &manifest).unwrap();
    let (code, stderr) = from();
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("not a regular file"), "{stderr}");
}

// --- `--region` (issue 11, section 2) ----------------------------------------------------------

fn region_run(extra: &[&str]) -> (i32, Value, String) {
    let dir = fixtures().join("region");
    let instance = dir.join("instance-without-region.json");
    let policy = dir.join("delete-in-hangzhou.json");
    let out = Command::new(env!("CARGO_BIN_EXE_ramguard"))
        .args(["preflight", "--instance", instance.to_str().unwrap()])
        .args(["--policy", policy.to_str().unwrap(), "--account-id", "1234567890123456"])
        .args(["--format", "json"])
        .args(extra)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let value = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    (out.status.code().unwrap_or(-1), value, stderr)
}

#[test]
fn a_missing_region_is_asked_for_with_a_flag_that_changes_the_answer() {
    let (code, value, _) = region_run(&[]);
    assert_eq!(code, 3);
    let permission = check(&value, "permission");
    assert_eq!(permission["status"], "unknown");
    let remediation = permission["remediation"].as_str().unwrap();
    assert!(remediation.contains("`--region REGION`"), "{remediation}");
    // Followed, the advice decides.
    let (code, value, stderr) = region_run(&["--region", "cn-hangzhou"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(value["instances"][0]["region"], "cn-hangzhou");
    let (code, value, _) = region_run(&["--region", "cn-beijing"]);
    assert_eq!(code, 1);
    assert_eq!(check(&value, "permission")["status"], "fail");
}

#[test]
fn a_region_that_contradicts_the_input_or_is_malformed_is_refused() {
    let instance = fixtures().join(format!("common/r-kvstore.DescribeInstanceAttribute.{INSTANCE}.json"));
    let out = Command::new(env!("CARGO_BIN_EXE_ramguard"))
        .args([
            "preflight",
            "--instance",
            instance.to_str().unwrap(),
            "--region",
            "cn-beijing",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("contradicts the input"));
    let (code, _, stderr) = region_run(&["--region", "cn hangzhou"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("is not a region ID"), "{stderr}");
    // With --fetch, an answer that places the instance elsewhere is refused too.
    let run = preflight(
        "region-fetch",
        &["root"],
        &[&FETCH[..], &["json", "--region", "cn-beijing"]].concat(),
    );
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(run.stderr.contains("not in `cn-beijing`"), "{}", run.stderr);
}

// --- `--fetch` with a plan (issue 11, section 2) ----------------------------------------------

const TAIR_PLAN: &str = "tests/fixtures/instances/tair-plan.json";

#[test]
fn fetch_with_a_plan_merges_the_live_attributes_of_each_deleted_instance() {
    let run = preflight(
        "fetch-plan",
        &["plan-tair", "user"],
        &[
            "--fetch",
            "--instance",
            TAIR_PLAN,
            "--no-control-policies",
            "--format",
            "json",
        ],
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let out = json(&run);
    assert_eq!(out["verdict"], "go");
    assert_eq!(out["instances"][0]["instance_id"], "r-bp1zxszhcgatnx0091");
    assert_eq!(
        check(&out, "release-protection")["status"],
        "pass",
        "from the live attributes"
    );
    let permission = check(&out, "permission")["message"].as_str().unwrap().to_string();
    assert!(
        permission.contains("`kvstore:DescribeInstanceAttribute` and `kvstore:DeleteInstance`"),
        "{permission}"
    );
    // The instance is read in the region the plan places it in.
    assert_eq!(
        run.calls[0],
        [
            "r-kvstore",
            "DescribeInstanceAttribute",
            "--InstanceId",
            "r-bp1zxszhcgatnx0091",
            "--region",
            "cn-hangzhou"
        ]
    );
    no_metacharacters(&run);
}

#[test]
fn fetch_with_a_plan_says_where_plan_and_account_disagree() {
    let run = preflight(
        "fetch-plan-changing",
        &["plan-tair-changing", "user"],
        &[
            "--fetch",
            "--instance",
            TAIR_PLAN,
            "--no-control-policies",
            "--format",
            "json",
        ],
    );
    assert_eq!(run.code, 3, "{}{}", run.stdout, run.stderr);
    let out = json(&run);
    assert_eq!(check(&out, "instance-state")["status"], "unknown");
    let message = check(&out, "instance-state")["message"].as_str().unwrap().to_string();
    assert!(
        message.contains("tair-plan.json` says `Normal`")
            && message.contains(
                "`aliyun r-kvstore DescribeInstanceAttribute --InstanceId r-bp1zxszhcgatnx0091` says `Changing`"
            ),
        "{message}"
    );
}

#[test]
fn fetch_with_a_plan_refuses_save_and_a_contradicting_region() {
    let dir = scratch("fetch-plan-save-out");
    let run = preflight(
        "fetch-plan-save",
        &["plan-tair", "user"],
        &[
            "--fetch",
            "--instance",
            TAIR_PLAN,
            "--save",
            &dir.join("audit").display().to_string(),
        ],
    );
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(run.stderr.contains("--save"), "{}", run.stderr);
    assert!(run.calls.is_empty(), "nothing fetched: {:?}", run.calls);
    let run = preflight(
        "fetch-plan-region",
        &["plan-tair", "user"],
        &["--fetch", "--instance", TAIR_PLAN, "--region", "cn-shanghai"],
    );
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(run.stderr.contains("contradicts"), "{}", run.stderr);
    assert!(run.calls.is_empty());
}

#[test]
fn fetch_with_a_plan_and_unstated_control_policies_names_both_actions() {
    let run = preflight(
        "fetch-plan-unstated",
        &["plan-tair", "user"],
        &["--fetch", "--instance", TAIR_PLAN, "--format", "json"],
    );
    assert_eq!(run.code, 3, "{}{}", run.stdout, run.stderr);
    let out = json(&run);
    let message = check(&out, "permission")["message"].as_str().unwrap().to_string();
    assert!(
        message.starts_with(
            "the identity policies allow `kvstore:DescribeInstanceAttribute` and `kvstore:DeleteInstance` on"
        ) && message.contains("control policies were not stated"),
        "{message}"
    );
}
