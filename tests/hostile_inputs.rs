#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test fails loudly"
)]
//! What `preflight` and `simulate` do with input they must not trust: repeated keys, identifiers
//! that would steer the instance's ARN, Terraform JSON that does not follow its schema, a bad
//! configuration, and inputs that never end or never arrive. None of them may give `go`,
//! `allowed` or exit 0; each is refused (exit 2) with the place.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const FIXTURES: &str = "tests/fixtures/hostile-inputs";

fn fixture(name: &str) -> String {
    format!("{FIXTURES}/{name}")
}

/// A scratch file with `text`, under the test target's temporary folder.
fn scratch(name: &str, text: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("hostile-inputs");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// Run ramguard with extra environment and standard input, killed after ten seconds: a hang
/// is a failure, not a stuck test run.
fn run_with(args: &[&str], env: &[(&str, &str)], stdin: Option<&Path>) -> (i32, String, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_ramguard"));
    command
        .args(args)
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .stdin(match stdin {
            Some(path) => Stdio::from(std::fs::File::open(path).unwrap()),
            None => Stdio::null(),
        });
    for (key, value) in env {
        command.env(key, value);
    }
    let mut child = command.spawn().unwrap();
    let started = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if started.elapsed() > Duration::from_secs(10) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("ramguard {args:?} did not finish in ten seconds");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `preflight --instance FILE` with `args`: exit code, stdout, stderr.
fn preflight(instance: &Path, args: &[&str]) -> (i32, String, String) {
    let instance = instance.to_str().unwrap();
    common::run(&[&["preflight", "--instance", instance, "--format", "json"], args].concat())
}

/// The input is refused: exit 2, nothing on stdout, and stderr says `says`.
fn assert_refused((code, stdout, stderr): (i32, String, String), says: &str) {
    assert_eq!(code, 2, "expected exit 2 ({says}); stdout: {stdout}; stderr: {stderr}");
    assert!(stdout.is_empty(), "{stdout}");
    assert!(stderr.contains(says), "expected `{says}` in: {stderr}");
}

const ALLOW_DELETE: [&str; 4] = [
    "--policy",
    "tests/fixtures/hostile-inputs/allow-delete.json",
    "--account-id",
    "1234567890123456",
];

#[test]
fn the_ready_instance_is_go() {
    // The baseline every hostile variant below starts from: without the hostile part, `go`.
    let (code, stdout, stderr) = preflight(Path::new(&fixture("ready.json")), &ALLOW_DELETE);
    assert_eq!(code, 0, "{stdout}{stderr}");
}

// Item 1: a key given twice. jq, Python and Terraform take the last value; ramguard took the
// first and said `go`.

#[test]
fn a_repeated_key_anywhere_is_refused_with_its_place() {
    let ready =
        r#""RegionId": "cn-shanghai", "ChargeType": "PostPaid", "IsOrderCompleted": true, "GlobalInstanceId": """#;
    for (name, text, key) in [
        (
            "protection",
            format!(
                r#"{{"InstanceId": "r-bp1x", {ready}, "InstanceStatus": "Normal",
"InstanceReleaseProtection": false, "InstanceReleaseProtection": true}}"#
            ),
            "InstanceReleaseProtection",
        ),
        (
            "status",
            r#"{"InstanceId": "r-bp1x", "RegionId": "cn-shanghai", "ChargeType": "PostPaid", "InstanceReleaseProtection": false,
"InstanceStatus": "Normal", "InstanceStatus": "Changing"}"#
                .to_string(),
            "InstanceStatus",
        ),
        (
            "charge",
            r#"{"InstanceId": "r-bp1x", "RegionId": "cn-shanghai", "InstanceStatus": "Normal", "InstanceReleaseProtection": false,
"ChargeType": "PostPaid", "ChargeType": "PrePaid"}"#
                .to_string(),
            "ChargeType",
        ),
        (
            "id",
            r#"{"InstanceId": "r-ci1", "RegionId": "cn-shanghai", "InstanceStatus": "Normal", "ChargeType": "PostPaid",
"InstanceReleaseProtection": false, "InstanceId": "r-prod1"}"#
                .to_string(),
            "InstanceId",
        ),
        (
            "instances",
            format!(
                r#"{{"Instances": {{"DBInstanceAttribute": [{{"InstanceId": "r-ci1", {ready}, "InstanceStatus": "Normal", "InstanceReleaseProtection": false}}]}},
"Instances": {{"DBInstanceAttribute": [{{"InstanceId": "r-prod1", "InstanceStatus": "Normal", "InstanceReleaseProtection": true}}]}}}}"#
            ),
            "Instances",
        ),
        (
            "plan-actions",
            r#"{"format_version": "1.2", "resource_changes": [{"address": "alicloud_kvstore_instance.c", "mode": "managed",
"type": "alicloud_kvstore_instance", "name": "c", "change": {"actions": ["no-op"],
"actions": ["delete"], "before": {"id": "r-bp1x", "status": "Normal"}}}]}"#
                .to_string(),
            "actions",
        ),
    ] {
        let path = scratch(&format!("duplicate-{name}.json"), &text);
        let (code, stdout, stderr) = preflight(&path, &ALLOW_DELETE);
        assert_eq!(code, 2, "{name}: {stdout}{stderr}");
        assert!(
            stderr.contains(&format!("the key `{key}` appears twice in one object")),
            "{name}: {stderr}"
        );
        // The place is the second occurrence, `file:line:col`.
        assert!(stderr.contains(&format!("duplicate-{name}.json:")), "{name}: {stderr}");
    }
    // The exact place.
    let path = scratch(
        "duplicate-place.json",
        "{\"InstanceId\": \"r-bp1x\",\n  \"InstanceId\": \"r-bp1y\"}",
    );
    assert_refused(
        preflight(&path, &[]),
        "duplicate-place.json:2:3: the key `InstanceId` appears twice",
    );
    assert_refused(preflight(&path, &[]), "(first at line 1, column 2)");
}

// Item 2: identifiers pasted into the ARN.

#[test]
fn a_region_that_is_not_a_region_is_refused() {
    // This region makes the ARN `acs:kvstore:cn-hangzhou:1234567890123456:instance/r-ci-1:x:…`,
    // which a policy scoped to `instance/r-ci*` matches.
    let smuggled = r#"{"InstanceId": "r-bp1prod", "RegionId": "cn-hangzhou:1234567890123456:instance/r-ci-1:x",
"InstanceStatus": "Normal", "ChargeType": "PostPaid", "InstanceReleaseProtection": false}"#;
    let path = scratch("region-smuggled.json", smuggled);
    assert_refused(
        preflight(
            &path,
            &[
                "--policy",
                "tests/fixtures/hostile-inputs/allow-ci-only.json",
                "--account-id",
                "1234567890123456",
            ],
        ),
        "region-smuggled.json:1:41: `RegionId` is `cn-hangzhou:1234567890123456:instance/r-ci-1:x`, which is not a region ID",
    );
    // Each of these slipped past a `Deny` scoped to `cn-hangzhou`.
    for (name, region) in [
        ("empty", ""),
        ("star", "*"),
        ("upper", "CN-HANGZHOU"),
        ("space", "cn-hangzhou "),
    ] {
        let text = format!(
            r#"{{"InstanceId": "r-bp1x", "RegionId": "{region}", "InstanceStatus": "Normal", "ChargeType": "PostPaid",
"InstanceReleaseProtection": false}}"#
        );
        let path = scratch(&format!("region-{name}.json"), &text);
        assert_refused(
            preflight(
                &path,
                &[
                    "--policy",
                    "tests/fixtures/hostile-inputs/deny-hangzhou.json",
                    "--account-id",
                    "1234567890123456",
                ],
            ),
            &format!("`RegionId` is `{region}`, which is not a region ID"),
        );
    }
}

#[test]
fn instance_and_global_ids_must_have_their_shape() {
    for (name, field, value) in [
        ("id-wildcard", "InstanceId", "r-bp1*"),
        ("id-path", "InstanceId", "r-bp1/../x"),
        ("id-upper", "InstanceId", "R-BP1X"),
        ("global-injection", "GlobalInstanceId", "gr-x --Force true"),
    ] {
        let mut object = serde_json::json!({
            "InstanceId": "r-bp1x", "RegionId": "cn-shanghai", "InstanceStatus": "Normal",
            "ChargeType": "PostPaid", "InstanceReleaseProtection": false, "GlobalInstanceId": ""
        });
        object[field] = value.into();
        let path = scratch(&format!("{name}.json"), &object.to_string());
        assert_refused(
            preflight(&path, &ALLOW_DELETE),
            &format!("`{field}` is `{value}`, which is not"),
        );
    }
    // Terraform attributes go through the same checks.
    for (name, attribute, value) in [
        ("tf-id", "id", "r-bp1:x"),
        ("tf-zone", "zone_id", "cn-hangzhou:1234567890123456:instance/r-ci-1-h"),
        ("tf-region", "region_id", "*"),
        ("tf-global", "global_instance_id", "*"),
    ] {
        let mut before = serde_json::json!({"id": "r-bp1x", "payment_type": "PostPaid", "status": "Normal",
            "zone_id": "cn-hangzhou-h", "instance_release_protection": false, "global_instance_id": ""});
        before[attribute] = value.into();
        let plan = serde_json::json!({"format_version": "1.2", "resource_changes": [{
            "address": "alicloud_kvstore_instance.c", "mode": "managed", "type": "alicloud_kvstore_instance",
            "name": "c", "change": {"actions": ["delete"], "before": before, "after": null}}]});
        let path = scratch(&format!("{name}.json"), &plan.to_string());
        assert_refused(
            preflight(&path, &ALLOW_DELETE),
            &format!("`{attribute}` is `{value}`, which is not"),
        );
    }
}

#[test]
fn account_and_instance_id_flags_are_checked() {
    let ready = fixture("ready.json");
    for account in ["12345", "12345678901234567", "*", "1234567890123456 "] {
        let (code, _, stderr) = common::run(&["preflight", "--instance", &ready, "--account-id", account]);
        assert_eq!(code, 2, "{account}: {stderr}");
        assert!(stderr.contains("is not an account ID (16 digits"), "{stderr}");
    }
    for id in ["r-*", "r-bp1zxszhcgatnx0071:x", ""] {
        let (code, _, stderr) = common::run(&["preflight", "--instance", &ready, "--instance-id", id]);
        assert_eq!(code, 2, "{id}: {stderr}");
        assert!(stderr.contains("is not an instance ID"), "{stderr}");
    }
}

// Item 3: Terraform JSON that does not follow its documented schema.

#[test]
fn terraform_input_that_was_not_understood_is_refused() {
    let kv = r#""address": "alicloud_kvstore_instance.c", "mode": "managed", "type": "alicloud_kvstore_instance", "name": "c""#;
    for (name, text, says) in [
        ("values-number", r#"{"values": 1}"#.to_string(), "not instance metadata ramguard reads"),
        (
            "values-number-versioned",
            r#"{"format_version": "1.0", "values": 1}"#.to_string(),
            "`values` is a number, not an object",
        ),
        (
            "values-empty",
            r#"{"format_version": "1.0", "values": {}}"#.to_string(),
            "`values` without `root_module`",
        ),
        (
            "misspelled",
            r#"{"format_version": "1.2", "resource_change": []}"#.to_string(),
            "with `resource_change` but neither `resource_changes`",
        ),
        (
            "resources-object",
            r#"{"format_version": "1.0", "values": {"root_module": {"resources": {}}}}"#.to_string(),
            "`resources` is an object, not an array",
        ),
        (
            "child-module-resources-object",
            r#"{"format_version": "1.0", "values": {"root_module": {"child_modules": [{"resources": {"a": 1}}]}}}"#
                .to_string(),
            "`resources` is an object, not an array",
        ),
        (
            "state-instances-object",
            r#"{"version": 4, "resources": [{"mode": "managed", "type": "alicloud_kvstore_instance", "name": "c", "instances": {}}]}"#
                .to_string(),
            "`instances` of `alicloud_kvstore_instance.c` is an object, not an array",
        ),
        (
            "state-version-3",
            r#"{"version": 3, "resources": []}"#.to_string(),
            "another `version` than 4",
        ),
        (
            "change-without-type",
            r#"{"format_version": "1.2", "resource_changes": [{"address": "x", "change": {"actions": ["delete"]}}]}"#
                .to_string(),
            "a resource change without `type`",
        ),
        (
            "action-case",
            format!(r#"{{"format_version": "1.2", "resource_changes": [{{{kv}, "change": {{"actions": ["Delete"], "before": {{"id": "r-bp1x"}}}}}}]}}"#),
            "`Delete` is not a Terraform change action",
        ),
        (
            "actions-empty",
            format!(r#"{{"format_version": "1.2", "resource_changes": [{{{kv}, "change": {{"actions": []}}}}]}}"#),
            "has no actions",
        ),
        (
            "actions-string",
            format!(r#"{{"format_version": "1.2", "resource_changes": [{{{kv}, "change": {{"actions": "delete"}}}}]}}"#),
            "is a string, not an array",
        ),
        (
            "mode-odd",
            r#"{"format_version": "1.2", "resource_changes": [{"type": "alicloud_kvstore_instance", "mode": "Managed", "change": {"actions": ["delete"]}}]}"#
                .to_string(),
            "`mode` is `Managed`",
        ),
        (
            "format-2",
            r#"{"format_version": "2.0", "resource_changes": []}"#.to_string(),
            "`format_version` `2.0` is not a version",
        ),
        (
            "planned-without-changes",
            r#"{"format_version": "1.2", "planned_values": {"root_module": {"resources": [{"type": "alicloud_kvstore_instance"}]}}}"#
                .to_string(),
            "has no `resource_changes`",
        ),
        (
            "deleted-without-before",
            format!(r#"{{"format_version": "1.2", "resource_changes": [{{{kv}, "change": {{"actions": ["delete"]}}}}]}}"#),
            "is deleted but has no `change.before`",
        ),
    ] {
        let path = scratch(&format!("tf-{name}.json"), &text);
        // Even with no `--policy`, which once made the verdict hang only on the permission.
        let (code, stdout, stderr) = preflight(&path, &[]);
        assert_eq!(code, 2, "{name}: {stdout}{stderr}");
        assert!(stderr.contains(says), "{name}: expected `{says}` in {stderr}");
        assert!(stderr.contains(&format!("tf-{name}.json:")), "{name}: no place in {stderr}");
    }
}

#[test]
fn well_formed_terraform_is_read_and_new_fields_are_tolerated() {
    // Fields Terraform added lately (`identity`, `before_identity`, `applyable`, ...) are read
    // past; `forget` drops an instance from the state without releasing it.
    // Terraform reads the instance around `DeleteInstance`: a plan needs both actions.
    let (code, stdout, stderr) = preflight(
        Path::new(&fixture("plan-with-new-fields.json")),
        &[
            "--policy",
            "tests/fixtures/instances/allow-terraform-release.json",
            "--account-id",
            "1234567890123456",
        ],
    );
    assert_eq!(code, 0, "an unknown order state only warns: {stdout}{stderr}");
    let out: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let ids: Vec<&str> = out["instances"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["instance_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["r-bp1zxszhcgatnx0081"], "the forgotten instance is not released");
    assert!(!stdout.contains("Pl4n-S3cr3t"));
    // Plans and states with nothing to release are `go`, when they are well formed.
    for (name, text) in [
        (
            "empty-plan",
            r#"{"format_version": "1.2", "planned_values": {"root_module": {}}}"#,
        ),
        (
            "no-op-plan",
            r#"{"format_version": "1.2", "planned_values": {"root_module": {"resources": [{"type": "alicloud_vpc"}]}},
"resource_changes": [{"address": "alicloud_vpc.v", "mode": "managed", "type": "alicloud_vpc", "name": "v", "change": {"actions": ["no-op"]}}]}"#,
        ),
        (
            "empty-state",
            r#"{"format_version": "1.0", "terraform_version": "1.9.5"}"#,
        ),
        (
            "empty-root",
            r#"{"format_version": "1.0", "values": {"root_module": {}}}"#,
        ),
        (
            "empty-tfstate",
            r#"{"version": 4, "terraform_version": "1.9.5", "serial": 1, "lineage": "x", "outputs": {}, "resources": [], "check_results": null}"#,
        ),
    ] {
        let path = scratch(&format!("ok-{name}.json"), text);
        let (code, stdout, stderr) = preflight(&path, &[]);
        assert_eq!(code, 0, "{name}: {stdout}{stderr}");
    }
}

// Item 7: every subcommand reads the configuration.

#[test]
fn preflight_and_simulate_refuse_a_bad_configuration() {
    let ready = fixture("ready.json");
    let policy = fixture("allow-delete.json");
    let malformed = fixture("malformed.toml");
    for config in ["/nonexistent/ramguard.toml", malformed.as_str()] {
        let (code, stdout, stderr) = common::run(&[
            "preflight",
            "--instance",
            &ready,
            "--policy",
            &policy,
            "--account-id",
            "1234567890123456",
            "--config",
            config,
        ]);
        assert_eq!(code, 2, "preflight with {config}: {stdout}{stderr}");
        assert!(stderr.contains("invalid configuration"), "{stderr}");
        let (code, stdout, stderr) = common::run(&[
            "simulate",
            "--policy",
            &policy,
            "--action",
            "kvstore:DeleteInstance",
            "--resource",
            "*",
            "--config",
            config,
        ]);
        assert_eq!(code, 2, "simulate with {config}: {stdout}{stderr}");
        assert!(stderr.contains("invalid configuration"), "{stderr}");
    }
}

#[test]
fn the_configuration_applies_to_the_policies_evaluated() {
    let simulate = |config: &str| {
        common::run(&[
            "simulate",
            "--policy",
            "tests/fixtures/hostile-inputs/future-action.json",
            "--action",
            "kvstore:DeleteInstance",
            "--resource",
            "*",
            "--config",
            config,
        ])
    };
    // `[rules]` raises `unknown-action` to an error: the policy is refused.
    let (code, _, stderr) = simulate("tests/fixtures/hostile-inputs/strict.toml");
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("refusing to evaluate"), "{stderr}");
    assert!(stderr.contains("FutureAction"), "{stderr}");
    // `[catalog]` knows the action: the policy is evaluated.
    let (code, stdout, stderr) = simulate("tests/fixtures/hostile-inputs/strict-with-catalog.toml");
    assert_eq!(code, 0, "{stdout}{stderr}");
}

// Item 9: inputs that never end or never arrive.

#[cfg(unix)]
#[test]
fn devices_and_fifos_are_refused_at_once() {
    let ready = fixture("ready.json");
    let fifo = Path::new(env!("CARGO_TARGET_TMPDIR")).join("hostile-inputs/named-pipe");
    std::fs::create_dir_all(fifo.parent().unwrap()).unwrap();
    let _ = std::fs::remove_file(&fifo);
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let fifo = fifo.to_str().unwrap();
    for (args, says) in [
        (
            vec!["preflight", "--instance", "/dev/zero"],
            "/dev/zero: is a character device, not a regular file",
        ),
        (
            vec!["preflight", "--instance", &ready, "--policy", "/dev/zero"],
            "/dev/zero: is a character device, not a regular file",
        ),
        (
            vec!["preflight", "--instance", &ready, "--config", "/dev/zero"],
            "/dev/zero: is a character device, not a regular file",
        ),
        (
            vec!["preflight", "--instance", fifo],
            "is a FIFO (named pipe), not a regular file",
        ),
        (
            vec!["preflight", "--instance", &ready, "--policy", fifo],
            "is a FIFO (named pipe), not a regular file",
        ),
        (
            vec![
                "simulate",
                "--policy",
                fifo,
                "--action",
                "kvstore:DeleteInstance",
                "--resource",
                "*",
            ],
            "is a FIFO (named pipe), not a regular file",
        ),
        (
            vec!["preflight", "--instance", "tests/fixtures/hostile-inputs"],
            "is a directory, not a regular file",
        ),
    ] {
        let (code, stdout, stderr) = run_with(&args, &[], None);
        assert_eq!(code, 2, "{args:?}: {stdout}{stderr}");
        assert!(stderr.contains(says), "{args:?}: {stderr}");
    }
}

#[cfg(unix)]
#[test]
fn standard_input_and_files_stop_at_the_size_limit() {
    let limit = [("RAMGUARD_MAX_INPUT_SIZE", "64KiB")];
    // Standard input that never ends.
    let (code, _, stderr) = run_with(&["preflight", "--instance", "-"], &limit, Some(Path::new("/dev/zero")));
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("<stdin>: larger than the input size limit of 65536 bytes"),
        "{stderr}"
    );
    // A regular file over the limit, as instance, policy and configuration.
    let big = scratch(
        "big.json",
        &format!("{{\"InstanceId\": \"r-bp1x\", \"Pad\": \"{}\"}}", "x".repeat(70_000)),
    );
    let big = big.to_str().unwrap();
    let ready = fixture("ready.json");
    for args in [
        vec!["preflight", "--instance", big],
        vec!["preflight", "--instance", &ready, "--policy", big],
        vec!["preflight", "--instance", &ready, "--config", big],
    ] {
        let (code, _, stderr) = run_with(&args, &limit, None);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        // A configuration error is rendered with miette, which wraps lines.
        let stderr = stderr
            .replace('│', " ")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        assert!(
            stderr.contains("larger than the input size limit of 65536 bytes"),
            "{stderr}"
        );
        assert!(stderr.contains("RAMGUARD_MAX_INPUT_SIZE"), "{stderr}");
    }
    // Under the default limit the same file is read.
    let (code, _, stderr) = run_with(&["preflight", "--instance", big], &[], None);
    assert_eq!(code, 3, "{stderr}");
    // A limit that is not a size is an error, not the default.
    let (code, _, stderr) = run_with(
        &["preflight", "--instance", &ready],
        &[("RAMGUARD_MAX_INPUT_SIZE", "lots")],
        None,
    );
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("RAMGUARD_MAX_INPUT_SIZE `lots` is not a size"),
        "{stderr}"
    );
}

#[test]
fn a_fifo_named_as_dash_is_read() {
    // Standard input is read whatever it is: a pipe is its usual form.
    let ready = std::fs::read(fixture("ready.json")).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_ramguard"))
        .args(["preflight", "--instance", "-", "--format", "json"])
        .args(ALLOW_DELETE)
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(&ready).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
}

// The reader against a strict reference: serde_json into typed structs with the documented field
// names (a repeated field is an error, a wrong type is an error, an unknown field is read past).
// Whatever the generated input, ramguard must not panic, and may say `go` only when the
// reference reads the same instance and finds every check passing.

mod reference {
    use serde::Deserialize;
    use std::collections::BTreeMap;

    #[derive(Debug, Deserialize)]
    pub struct DescribeInstanceAttribute {
        #[serde(rename = "Instances")]
        pub instances: AttributeList,
    }

    #[derive(Debug, Deserialize)]
    pub struct AttributeList {
        #[serde(rename = "DBInstanceAttribute")]
        pub list: Vec<Attribute>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct Attribute {
        pub instance_id: String,
        pub region_id: Option<String>,
        pub instance_status: Option<String>,
        pub charge_type: Option<String>,
        pub instance_release_protection: Option<Flag>,
        pub is_order_completed: Option<Flag>,
        pub global_instance_id: Option<String>,
        #[allow(dead_code, reason = "only its shape is checked")]
        pub tags: Option<Tags>,
    }

    /// The APIs write booleans both ways.
    #[derive(Debug, Deserialize)]
    #[serde(untagged)]
    pub enum Flag {
        Bool(bool),
        Text(String),
    }

    impl Flag {
        pub fn value(&self) -> Option<bool> {
            match self {
                Self::Bool(b) => Some(*b),
                Self::Text(t) if t == "true" => Some(true),
                Self::Text(t) if t == "false" => Some(false),
                Self::Text(_) => None,
            }
        }
    }

    #[derive(Debug, Deserialize)]
    #[serde(untagged)]
    pub enum Tags {
        Listed {
            #[serde(rename = "Tag")]
            #[allow(dead_code, reason = "only its shape is checked")]
            tag: Vec<Tag>,
        },
        Map(#[allow(dead_code, reason = "only its shape is checked")] BTreeMap<String, String>),
        List(#[allow(dead_code, reason = "only its shape is checked")] Vec<Tag>),
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code, reason = "only its shape is checked")]
    pub struct Tag {
        #[serde(rename = "Key")]
        key: String,
        #[serde(rename = "Value")]
        value: Option<String>,
    }

    /// The documented shapes, written independently of ramguard's.
    fn lower_alnum(text: &str) -> bool {
        !text.is_empty() && text.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
    }

    pub fn is_instance_id(text: &str) -> bool {
        text.split_once('-').is_some_and(|(prefix, rest)| {
            (1..=4).contains(&prefix.len()) && prefix.chars().all(|c| c.is_ascii_lowercase()) && lower_alnum(rest)
        })
    }

    pub fn is_region(text: &str) -> bool {
        text.starts_with(|c: char| c.is_ascii_lowercase()) && text.split('-').all(lower_alnum)
    }

    /// An instance's ID and region.
    pub type Identity = (String, Option<String>);

    /// `Some((id, region))` when the instance is releasable under a policy that allows
    /// everything: every blocking check passes, and every identifier is well formed.
    pub fn go(attribute: &Attribute) -> Option<Identity> {
        let well_formed = is_instance_id(&attribute.instance_id)
            && attribute.region_id.as_deref().is_none_or(is_region)
            && attribute
                .global_instance_id
                .as_deref()
                .is_none_or(|g| g.is_empty() || g.strip_prefix("gr-").is_some_and(lower_alnum))
            && attribute
                .is_order_completed
                .as_ref()
                .is_none_or(|f| f.value().is_some());
        let releasable = attribute.instance_status.as_deref() == Some("Normal")
            && matches!(attribute.charge_type.as_deref(), Some("PostPaid" | "PayAsYouGo"))
            && attribute.instance_release_protection.as_ref().and_then(Flag::value) == Some(false);
        (well_formed && releasable).then(|| (attribute.instance_id.clone(), attribute.region_id.clone()))
    }
}

mod generated {
    use proptest::prelude::*;

    /// A JSON value as text, from a few good and many bad ones.
    fn one_of(values: &'static [&'static str]) -> impl Strategy<Value = String> {
        proptest::sample::select(values).prop_map(str::to_string)
    }

    fn field(name: &'static str) -> BoxedStrategy<String> {
        let values: &'static [&'static str] = match name {
            "InstanceId" => &[
                r#""r-bp1zxszhcgatnx0001""#,
                r#""tt-2zelkttksbyc12x6c""#,
                r#""r-ci-1""#,
                r#""R-BP1""#,
                r#""r-bp1*""#,
                r#""""#,
                "7",
                "null",
                "true",
            ],
            "RegionId" => &[
                r#""cn-hangzhou""#,
                r#""ap-southeast-1""#,
                r#""""#,
                r#""*""#,
                r#""CN-HANGZHOU""#,
                r#""cn-hangzhou ""#,
                r#""cn-hangzhou:1234567890123456:instance/r-ci-1:x""#,
                "1",
                "null",
            ],
            "InstanceStatus" => &[
                r#""Normal""#,
                r#""Normal""#,
                r#""Changing""#,
                r#""normal""#,
                r#""""#,
                "0",
                "null",
                "false",
            ],
            "ChargeType" => &[
                r#""PostPaid""#,
                r#""PostPaid""#,
                r#""PrePaid""#,
                r#""PayAsYouGo""#,
                r#""postpaid""#,
                "1",
                "null",
            ],
            "InstanceReleaseProtection" => &[
                "false",
                "false",
                "true",
                r#""false""#,
                r#""true""#,
                r#""FALSE""#,
                r#""no""#,
                "0",
                "null",
                "[]",
            ],
            "IsOrderCompleted" => &["true", "false", r#""true""#, r#""yes""#, "1", "null"],
            "GlobalInstanceId" => &[
                r#""""#,
                r#""gr-bp14rkqrhac0001""#,
                r#""gr-*""#,
                r#""gr-x y""#,
                "3",
                "null",
            ],
            "Tags" => &[
                r#"{"Tag": []}"#,
                r#"{"Tag": [{"Key": "env", "Value": "dev"}]}"#,
                r#"{"Tag": [{"Key": "env", "Value": "dev"}, {"Key": "env", "Value": "prod"}]}"#,
                r#"{"Tag": [{"Value": "dev"}]}"#,
                r#"{"env": "dev"}"#,
                r#"{"env": 1}"#,
                r#"[{"Key": "env", "Value": "dev"}]"#,
                r#""env""#,
                "null",
            ],
            _ => &[
                "1",
                r#""x""#,
                "null",
                "{}",
                "[]",
                "true",
                r#"{"Nested": {"InstanceId": "r-other"}}"#,
            ],
        };
        one_of(values).boxed()
    }

    const FIELDS: [&str; 8] = [
        "InstanceId",
        "RegionId",
        "InstanceStatus",
        "ChargeType",
        "InstanceReleaseProtection",
        "IsOrderCompleted",
        "GlobalInstanceId",
        "Tags",
    ];

    /// A releasable instance: the value of each of [`FIELDS`].
    const GOOD: [&str; 8] = [
        r#""r-bp1zxszhcgatnx0001""#,
        r#""cn-hangzhou""#,
        r#""Normal""#,
        r#""PostPaid""#,
        "false",
        "true",
        r#""""#,
        r#"{"Tag": []}"#,
    ];

    const EXTRA: [&str; 6] = [
        "InstanceName",
        "ZoneId",
        "instanceid",
        "Config",
        "EngineVersion",
        "RequestId",
    ];

    /// One instance object: a releasable instance with up to three of its fields replaced by
    /// another value (often of another type), given twice or left out, and unknown fields among
    /// them, in any order. Most cases are near misses of a `go`.
    fn instance() -> impl Strategy<Value = String> {
        let mutation = (0..FIELDS.len()).prop_flat_map(|i| (Just(i), 0..3u8, field(FIELDS[i])));
        let mutations = proptest::collection::vec(mutation, 0..=3);
        let extras = proptest::collection::vec((proptest::sample::select(&EXTRA[..]), field("extra")), 0..3);
        (mutations, extras)
            .prop_map(|(mutations, extras)| {
                let mut members: Vec<(String, String)> = FIELDS
                    .iter()
                    .zip(GOOD)
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect();
                for (i, kind, value) in mutations {
                    let name = FIELDS[i].to_string();
                    match kind {
                        0 => {
                            for member in members.iter_mut().filter(|(k, _)| *k == name) {
                                member.1.clone_from(&value);
                            }
                        }
                        1 => members.push((name, value)),
                        _ => members.retain(|(k, _)| *k != name),
                    }
                }
                members.extend(extras.into_iter().map(|(k, v)| (k.to_string(), v)));
                members
            })
            .prop_shuffle()
            .prop_map(|members| {
                let body: Vec<String> = members.iter().map(|(k, v)| format!("\"{k}\": {v}")).collect();
                format!("{{{}}}", body.join(", "))
            })
    }

    /// A DescribeInstanceAttribute response or a bare instance object, sometimes with a second
    /// `Instances` or `DBInstanceAttribute`.
    pub fn document() -> impl Strategy<Value = (String, bool)> {
        let shape = prop_oneof![3 => Just(0u8), 3 => Just(1), 1 => Just(2), 1 => Just(3)];
        (instance(), instance(), shape).prop_map(|(first, second, shape)| match shape {
            0 => (first, false),
            1 => (
                format!(r#"{{"RequestId": "x", "Instances": {{"DBInstanceAttribute": [{first}]}}}}"#),
                true,
            ),
            2 => (
                format!(
                    r#"{{"Instances": {{"DBInstanceAttribute": [{first}]}}, "Instances": {{"DBInstanceAttribute": [{second}]}}}}"#
                ),
                true,
            ),
            _ => (
                format!(r#"{{"Instances": {{"DBInstanceAttribute": [{first}], "DBInstanceAttribute": [{second}]}}}}"#),
                true,
            ),
        })
    }
}

mod differential {
    use proptest::prelude::*;
    use ramguard::config::Config;
    use ramguard::eval::Context;
    use ramguard::inputs::{evaluable, instances};
    use ramguard::preflight::{self, Caller, Verdict};

    fn caller() -> Caller {
        let policy = std::path::PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/hostile-inputs/allow-delete.json"
        ));
        let layers = evaluable::load_layers(&[], None, &[policy], &Config::default())
            .unwrap_or_else(|e| unreachable!("the fixture policy loads: {}", e.message()));
        Caller {
            layers,
            account_id: Some("1234567890123456".into()),
            context: Context::default(),
        }
    }

    /// What the strict reference says: the instances that are `go`, or `None` when it refuses
    /// the input.
    fn strict(text: &str, wrapped: bool) -> Option<Vec<Option<super::reference::Identity>>> {
        let attributes = if wrapped {
            serde_json::from_str::<super::reference::DescribeInstanceAttribute>(text)
                .ok()?
                .instances
                .list
        } else {
            vec![serde_json::from_str::<super::reference::Attribute>(text).ok()?]
        };
        Some(attributes.iter().map(super::reference::go).collect())
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

        #[test]
        fn go_only_when_the_strict_reader_agrees((text, wrapped) in super::generated::document()) {
            let caller = caller();
            let Ok(root) = ramguard::json::parse(&text) else {
                return Ok(());
            };
            let Ok(read) = instances::read(&root) else {
                return Ok(());
            };
            let reference = strict(&text, wrapped);
            for (index, instance) in read.iter().enumerate() {
                let report = preflight::check(instance, &caller);
                if report.verdict != Verdict::Go {
                    continue;
                }
                let Some(reference) = &reference else {
                    return Err(TestCaseError::fail(format!("ramguard says go, the strict reader refuses: {text}")));
                };
                let expected = reference.get(index).cloned().flatten();
                prop_assert_eq!(
                    expected,
                    Some((instance.id.clone(), instance.region.clone())),
                    "ramguard says go for {:?}: {}", instance.id, text
                );
            }
        }
    }
}

#[test]
fn a_document_of_two_forms_is_refused() {
    for (name, text, says) in [
        (
            "response-and-object",
            r#"{"InstanceId": "r-bp1x", "Instances": {"DBInstanceAttribute": [{"InstanceId": "r-bp1y"}]}}"#,
            "both `Instances` (a response) and `InstanceId` (one instance)",
        ),
        (
            "two-responses",
            r#"{"Instances": {"DBInstanceAttribute": [{"InstanceId": "r-bp1x"}], "KVStoreInstance": [{"InstanceId": "r-bp1y"}]}}"#,
            "holds both `DBInstanceAttribute` and `KVStoreInstance`",
        ),
        (
            "tags-twice",
            r#"{"InstanceId": "r-bp1x", "Tags": {"Tag": [{"Key": "env", "Value": "dev"}, {"Key": "env", "Value": "prod"}]}}"#,
            "the tag `env` is given twice",
        ),
        (
            // Hostile test: one entry's status and another's release protection merged to `go`.
            "instance-twice",
            r#"{"Instances": {"DBInstanceAttribute": [
                {"InstanceId": "r-bp1x", "RegionId": "cn-hangzhou", "InstanceStatus": "Normal", "ChargeType": "PostPaid"},
                {"InstanceId": "r-bp1x", "InstanceReleaseProtection": false}]}}"#,
            "the instance `r-bp1x` is described twice in one response",
        ),
        (
            "boolean-in-capitals",
            r#"{"InstanceId": "r-bp1x", "InstanceReleaseProtection": "FALSE"}"#,
            "`InstanceReleaseProtection` is `FALSE`, not true or false",
        ),
    ] {
        let path = scratch(&format!("{name}.json"), text);
        assert_refused(preflight(&path, &ALLOW_DELETE), says);
    }
}
