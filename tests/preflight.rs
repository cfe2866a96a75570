#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test fails loudly"
)]
//! `ramguard preflight`: every input form, every check outcome, the verdicts and exit codes of
//! the CONTRACT, and no secret of a Terraform plan in any output.

mod common;

use std::path::Path;

use serde_json::Value;

fn preflight(args: &[&str]) -> (i32, String, String) {
    common::run(&[&["preflight"], args].concat())
}

fn json(args: &[&str]) -> (i32, Value) {
    let (code, stdout, stderr) = preflight(&[args, &["--format", "json"]].concat());
    let value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}{stderr}"));
    (code, value)
}

/// `{check id: status}` of one instance.
fn statuses(instance: &Value) -> Vec<(String, String)> {
    instance["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["id"].as_str().unwrap().into(), c["status"].as_str().unwrap().into()))
        .collect()
}

fn status(instance: &Value, id: &str) -> String {
    statuses(instance)
        .into_iter()
        .find(|(i, _)| i == id)
        .map(|(_, s)| s)
        .unwrap_or_default()
}

fn check<'a>(instance: &'a Value, id: &str) -> &'a Value {
    instance["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap()
}

const TEARDOWN: [&str; 6] = [
    "--policy",
    "policies/redis-teardown.json",
    "--account-id",
    "1234567890123456",
    "--context",
    "acs:MFAPresent=true",
];

#[test]
fn the_shipped_example_has_one_go_and_one_no_go() {
    let (code, out) = json(
        &[
            &["--instance", "policies/examples/instances/teardown.json"],
            &TEARDOWN[..],
        ]
        .concat(),
    );
    assert_eq!(code, 1);
    assert_eq!(out["verdict"], "no-go");
    let instances = out["instances"].as_array().unwrap();
    assert_eq!(instances[0]["instance_id"], "r-bp1zxszhcgatnx0001");
    assert_eq!(instances[0]["verdict"], "go");
    assert_eq!(
        instances[0]["arn"],
        "acs:kvstore:cn-hangzhou:1234567890123456:instance/r-bp1zxszhcgatnx0001"
    );
    assert_eq!(instances[1]["verdict"], "no-go");
    let protection = check(&instances[1], "release-protection");
    assert_eq!(protection["status"], "fail");
    assert_eq!(protection["error_code"], "InstanceReleaseProtection");
    assert!(protection["remediation"].as_str().unwrap().starts_with(
        "aliyun r-kvstore ModifyInstanceAttribute --InstanceId r-bp1zxszhcgatnx0002 --InstanceReleaseProtection false"
    ));
    let permission = check(&instances[1], "permission");
    assert_eq!(permission["status"], "fail");
    assert_eq!(permission["decision"], "explicit-deny");
    assert_eq!(permission["statements"][0]["line"], 19);
    // One instance picked.
    let (code, out) = json(
        &[
            &[
                "--instance",
                "policies/examples/instances/teardown.json",
                "--instance-id",
                "r-bp1zxszhcgatnx0001",
            ],
            &TEARDOWN[..],
        ]
        .concat(),
    );
    assert_eq!((code, out["verdict"].as_str()), (0, Some("go")));
    assert_eq!(out["instances"].as_array().unwrap().len(), 1);
}

#[test]
fn human_output_is_a_checklist_with_the_deciding_statement() {
    let (code, stdout, _) = preflight(
        &[
            &[
                "--instance",
                "policies/examples/instances/teardown.json",
                "--color",
                "never",
            ],
            &TEARDOWN[..],
        ]
        .concat(),
    );
    assert_eq!(code, 1);
    assert!(stdout.contains("r-bp1zxszhcgatnx0002 (cache-prod): no-go"), "{stdout}");
    assert!(
        stdout.contains("  ✗ release-protection    release protection is on [InstanceReleaseProtection]"),
        "{stdout}"
    );
    assert!(
        stdout.contains("  ✓ instance-state        the instance is running (`Normal`)"),
        "{stdout}"
    );
    assert!(stdout.contains("policies/redis-teardown.json:19:17"), "{stdout}");
    assert!(
        stdout.contains("r-bp1zxszhcgatnx0002         no-go      release-protection, permission"),
        "{stdout}"
    );
    assert!(stdout.ends_with("preflight: no-go (2 instances)\n"), "{stdout}");
}

#[test]
fn describe_instances_cannot_say_release_protection() {
    let (code, out) = json(
        &[
            &["--instance", "tests/fixtures/instances/describe-instances.json"],
            &TEARDOWN[..],
        ]
        .concat(),
    );
    assert_eq!(code, 1, "one instance is changing, one is a subscription");
    let instances = out["instances"].as_array().unwrap();
    assert_eq!(instances.len(), 3);
    let ci1 = &instances[0];
    assert_eq!(status(ci1, "release-protection"), "unknown");
    assert_eq!(status(ci1, "order-completed"), "warn");
    assert_eq!(status(ci1, "permission"), "pass", "{ci1}");
    assert_eq!(ci1["verdict"], "uncertain");
    let ci2 = &instances[1];
    assert_eq!(status(ci2, "instance-state"), "fail");
    assert_eq!(status(ci2, "distributed-instance"), "warn");
    assert_eq!(
        status(ci2, "permission"),
        "fail",
        "no lifecycle tag: the tag is known absent"
    );
    let reserved = &instances[2];
    assert_eq!(status(reserved, "charge-type"), "fail");
    assert!(
        check(reserved, "charge-type")["remediation"]
            .as_str()
            .unwrap()
            .contains("released when it expires")
    );
    let (code, out) = json(
        &[
            &[
                "--instance",
                "tests/fixtures/instances/describe-instances.json",
                "--instance-id",
                "r-bp1zxszhcgatnx0011",
            ],
            &TEARDOWN[..],
        ]
        .concat(),
    );
    assert_eq!((code, out["verdict"].as_str()), (3, Some("uncertain")));
}

#[test]
fn describe_instance_attribute_and_bare_objects() {
    let (code, out) = json(
        &[
            &[
                "--instance",
                "tests/fixtures/instances/describe-instance-attribute.json",
            ],
            &TEARDOWN[..],
        ]
        .concat(),
    );
    assert_eq!(code, 1);
    assert_eq!(out["instances"][0]["region"], "cn-hangzhou");
    let (code, out) = json(
        &[
            &["--instance", "tests/fixtures/instances/instance-object.json"],
            &TEARDOWN[..],
        ]
        .concat(),
    );
    assert_eq!(code, 0, "{out}");
    let instance = &out["instances"][0];
    assert_eq!(
        status(instance, "release-protection"),
        "pass",
        "the string \"false\" is read"
    );
    assert_eq!(status(instance, "order-completed"), "warn");
    assert_eq!(instance["verdict"], "go", "a warning does not block");
}

#[test]
fn unknowns_are_never_passes() {
    // No policy: the permission is unknown.
    let (code, out) = json(&["--instance", "tests/fixtures/instances/instance-object.json"]);
    assert_eq!((code, out["verdict"].as_str()), (3, Some("uncertain")));
    assert_eq!(status(&out["instances"][0], "permission"), "unknown");
    // No account: the teardown policy names one, so the answer hangs on it.
    let (code, out) = json(&[
        "--instance",
        "tests/fixtures/instances/instance-object.json",
        "--policy",
        "policies/redis-teardown.json",
        "--context",
        "acs:MFAPresent=true",
    ]);
    assert_eq!(code, 3);
    let permission = check(&out["instances"][0], "permission");
    assert_eq!(permission["status"], "unknown");
    assert_eq!(permission["missing_keys"], serde_json::json!(["account"]));
    assert_eq!(
        out["instances"][0]["arn"],
        "acs:kvstore:cn-shanghai:<account>:instance/r-bp1zxszhcgatnx0021"
    );
    // No MFA key: the condition cannot be decided.
    let (code, out) = json(&[
        "--instance",
        "tests/fixtures/instances/instance-object.json",
        "--policy",
        "policies/redis-teardown.json",
        "--account-id",
        "1234567890123456",
    ]);
    assert_eq!(code, 3);
    assert_eq!(
        check(&out["instances"][0], "permission")["missing_keys"],
        serde_json::json!(["acs:MFAPresent"])
    );
}

#[test]
fn terraform_plans_check_what_is_deleted_or_replaced() {
    let (code, out) = json(
        &[
            &["--instance", "tests/fixtures/instances/terraform-plan.json"],
            &TEARDOWN[..],
        ]
        .concat(),
    );
    assert_eq!(code, 1);
    let instances = out["instances"].as_array().unwrap();
    let ids: Vec<&str> = instances.iter().map(|i| i["instance_id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        ["r-bp1zxszhcgatnx0031", "r-bp1zxszhcgatnx0032"],
        "the update and the VPC are not candidates"
    );
    assert_eq!(instances[0]["terraform"]["address"], "alicloud_kvstore_instance.cache");
    assert_eq!(instances[0]["region"], "cn-hangzhou");
    assert_eq!(
        instances[0]["verdict"], "go",
        "an unknown order state only warns: {}",
        instances[0]
    );
    let tair = &instances[1];
    assert_eq!(status(tair, "charge-type"), "fail");
    assert!(
        check(tair, "charge-type")["remediation"]
            .as_str()
            .unwrap()
            .contains("keeps running and billing")
    );
    assert_eq!(status(tair, "release-protection"), "unknown");
    assert!(
        check(tair, "release-protection")["message"]
            .as_str()
            .unwrap()
            .contains("alicloud_redis_tair_instance")
    );
}

#[test]
fn terraform_states() {
    let (code, out) = json(
        &[
            &["--instance", "tests/fixtures/instances/terraform-state.json"],
            &TEARDOWN[..],
        ]
        .concat(),
    );
    assert_eq!(code, 1);
    let instances = out["instances"].as_array().unwrap();
    assert_eq!(instances.len(), 2, "child modules too");
    assert_eq!(instances[0]["region"], "ap-southeast-1");
    assert_eq!(status(&instances[0], "release-protection"), "fail");
    assert_eq!(
        status(&instances[1], "charge-type"),
        "fail",
        "instance_charge_type, the older name"
    );
}

#[test]
fn raw_state_files() {
    let (code, out) = json(
        &[
            &["--instance", "tests/fixtures/instances/terraform.tfstate.json"],
            &TEARDOWN[..],
        ]
        .concat(),
    );
    assert_eq!(code, 0, "{out}");
    let instance = &out["instances"][0];
    assert_eq!(instance["terraform"]["address"], "alicloud_kvstore_instance.cache[0]");
    assert_eq!(out["instances"].as_array().unwrap().len(), 1);
}

#[test]
fn no_secret_reaches_any_output() {
    for format in ["human", "json"] {
        for file in [
            "tests/fixtures/instances/terraform-plan.json",
            "tests/fixtures/instances/terraform-state.json",
            "tests/fixtures/instances/terraform.tfstate.json",
        ] {
            let (_, stdout, stderr) = preflight(&[&["--instance", file, "--format", format], &TEARDOWN[..]].concat());
            for secret in [
                "S3cr3t-Pl41n-T3xt!",
                "tfst4t3-S3cr3t",
                "An0th3r-S3cr3t",
                "N0t-R3l3as3d",
                "St4t3-S3cr3t",
                "password",
            ] {
                assert!(
                    !stdout.contains(secret) && !stderr.contains(secret),
                    "{format} output of {file} shows `{secret}`"
                );
            }
        }
    }
}

#[test]
fn bad_input_is_exit_2() {
    for (args, says) in [
        (
            &["--instance", "tests/fixtures/instances/unknown-shape.json"][..],
            "expected a DescribeInstanceAttribute or DescribeInstances response",
        ),
        (
            &["--instance", "tests/fixtures/instances/malformed.json"],
            "malformed.json:1:60: invalid JSON: trailing comma",
        ),
        (
            &["--instance", "tests/fixtures/instances/wrong-type.json"],
            "`InstanceReleaseProtection` is a number, not a boolean",
        ),
        (&["--instance", "no/such/file.json"], "no/such/file.json"),
        (
            &["--instance", "tests/fixtures/instances/empty-page.json"],
            "the response holds no instance",
        ),
        (
            &[
                "--instance",
                "policies/examples/instances/teardown.json",
                "--instance-id",
                "r-nope",
            ],
            "`r-nope` is not in",
        ),
        (
            &[
                "--instance",
                "policies/examples/instances/teardown.json",
                "--account-id",
                "acct",
            ],
            "not an account ID",
        ),
        (
            &[
                "--instance",
                "policies/examples/instances/teardown.json",
                "--policy",
                "policies/examples/broken.json",
            ],
            "refusing to evaluate",
        ),
        (
            &[
                "--instance",
                "policies/examples/instances/teardown.json",
                "--context",
                "novalue",
            ],
            "is not KEY=VALUE",
        ),
    ] {
        let (code, stdout, stderr) = preflight(args);
        assert_eq!(code, 2, "{args:?}: {stdout}");
        assert!(stdout.is_empty(), "{args:?}: {stdout}");
        assert!(stderr.contains(says), "{args:?}: {stderr}");
    }
}

#[test]
fn a_plan_without_releases_is_go() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("preflight-empty-plan");
    std::fs::create_dir_all(&dir).unwrap();
    let plan = dir.join("plan.json");
    std::fs::write(&plan, r#"{"format_version": "1.2", "resource_changes": []}"#).unwrap();
    let (code, out) = json(&["--instance", plan.to_str().unwrap()]);
    assert_eq!((code, out["verdict"].as_str()), (0, Some("go")));
}

#[test]
fn missing_fields_are_unknown_and_unknown_values_block() {
    let (code, out) = json(&[&["--instance", "tests/fixtures/instances/sparse.json"], &TEARDOWN[..]].concat());
    assert_eq!(code, 1);
    let bare = &out["instances"][0];
    for id in ["instance-state", "charge-type", "release-protection", "permission"] {
        assert_eq!(status(bare, id), "unknown", "{id}: {bare}");
    }
    // No `Tags` in the input: the tags are unknown, not absent (the region does not matter to a
    // policy that names `*`).
    assert_eq!(
        check(bare, "permission")["missing_keys"],
        serde_json::json!(["acs:ResourceTag/env", "acs:ResourceTag/lifecycle"])
    );
    assert_eq!(
        bare["arn"],
        "acs:kvstore:<region>:1234567890123456:instance/r-bp1zxszhcgatnx0051"
    );
    assert_eq!(status(bare, "order-completed"), "warn");
    assert_eq!(status(bare, "distributed-instance"), "warn");
    assert_eq!(bare["verdict"], "uncertain");
    let odd = &out["instances"][1];
    assert_eq!(
        status(odd, "instance-state"),
        "fail",
        "a state ramguard does not know blocks"
    );
    assert!(
        check(odd, "instance-state")["message"]
            .as_str()
            .unwrap()
            .contains("`Hibernating`")
    );
    assert_eq!(
        status(odd, "charge-type"),
        "unknown",
        "a charge type ramguard does not know is not a pass"
    );
    assert_eq!(odd["verdict"], "no-go");
}

#[test]
fn the_instance_tags_are_facts() {
    // A `--context` tag value does not override the instance's own tag.
    let args = [
        &[
            "--instance",
            "policies/examples/instances/teardown.json",
            "--instance-id",
            "r-bp1zxszhcgatnx0002",
            "--context",
            "acs:ResourceTag/env=dev",
        ],
        &TEARDOWN[..],
    ]
    .concat();
    let (code, out) = json(&args);
    assert_eq!(code, 1);
    assert_eq!(check(&out["instances"][0], "permission")["decision"], "explicit-deny");
}

#[test]
fn the_checklist_snapshot() {
    let (_, stdout, _) = preflight(
        &[
            &[
                "--instance",
                "policies/examples/instances/teardown.json",
                "--color",
                "never",
            ],
            &TEARDOWN[..],
        ]
        .concat(),
    );
    insta::assert_snapshot!("preflight-teardown-example", stdout);
}
