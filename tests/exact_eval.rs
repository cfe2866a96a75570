#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test fails loudly"
)]
//! Issue 10: RAM's evaluation order (the layer that denies first decides), and exact decisions
//! with witnesses (`conditional` only when some values of the missing keys allow and others
//! deny).

mod common;

use serde_json::Value;

const INSTANCE_ARN: &str = "acs:kvstore:cn-hangzhou:1234567890123456:instance/r-bp1zxszhcgatnx0001";
const CONTROL_ECS_ONLY: &str = "tests/fixtures/exact/control-ecs-only.json";
const IDENTITY_DENY_DELETE: &str = "tests/fixtures/exact/identity-deny-delete.json";
#[allow(dead_code, reason = "used by the exact-decision tests below")]
const LINKED_VPC: &str = "tests/fixtures/exact/linked-vpc.json";

fn simulate(extra: &[&str]) -> (i32, Value, String) {
    let mut args = vec![
        "simulate",
        "--format",
        "json",
        "--action",
        "kvstore:DeleteInstance",
        "--resource",
        INSTANCE_ARN,
    ];
    args.extend(extra);
    let (code, stdout, stderr) = common::run(&args);
    let value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}{stderr}"));
    (code, value, stderr)
}

#[test]
fn a_control_policy_that_does_not_allow_decides_before_an_identity_deny() {
    // Before: `explicit-deny` attributed to the identity policy's `Deny`; RAM stops at the
    // control policy, which allows only `ecs:*`.
    let (code, out, _) = simulate(&["--control-policy", CONTROL_ECS_ONLY, "--policy", IDENTITY_DENY_DELETE]);
    assert_eq!(code, 1, "{out}");
    assert_eq!(out["decision"], "implicit-deny", "{out}");
    assert_eq!(out["layer"], "control policy", "{out}");
    assert_eq!(out["closest"]["file"], CONTROL_ECS_ONLY, "{out}");
    let (_, stdout, _) = common::run(&[
        "simulate",
        "--action",
        "kvstore:DeleteInstance",
        "--resource",
        INSTANCE_ARN,
        "--control-policy",
        CONTROL_ECS_ONLY,
        "--policy",
        IDENTITY_DENY_DELETE,
    ]);
    assert!(
        stdout.contains("no statement of the control policies allows"),
        "{stdout}"
    );
    assert!(stdout.contains("FullAliyunAccess"), "{stdout}");
}

#[test]
fn preflight_names_the_control_policy_and_its_remedy() {
    let (code, stdout, stderr) = common::run(&[
        "preflight",
        "--format",
        "json",
        "--instance",
        "tests/fixtures/eval/releasable-instance.json",
        "--account-id",
        "1234567890123456",
        "--control-policy",
        CONTROL_ECS_ONLY,
        "--policy",
        IDENTITY_DENY_DELETE,
    ]);
    let out: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}{stderr}"));
    assert_eq!((code, out["verdict"].as_str()), (1, Some("no-go")), "{out}");
    let permission = out["instances"][0]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "permission")
        .unwrap();
    assert!(
        permission["message"]
            .as_str()
            .unwrap()
            .contains("implicit deny: no statement of the control policies"),
        "{permission}"
    );
    assert!(
        permission["remediation"].as_str().unwrap().contains("FullAliyunAccess"),
        "{permission}"
    );
}
