#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test fails loudly"
)]
//! `ramguard preflight` with combined inputs (issue 11, sections 2 and 3): several `--instance`
//! inputs merged field by field, a disagreement said rather than settled; a plan's provider
//! region; both actions Terraform calls; the distributed-instance advice; `--format github`;
//! and every remediation ramguard prints, followed, changing the answer.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

const DIR: &str = "tests/fixtures/instances";
const ACCOUNT: [&str; 2] = ["--account-id", "1234567890123456"];

fn fixture(name: &str) -> String {
    format!("{DIR}/{name}")
}

/// `preflight --format json` with `--instance` for each of `instances`, then `args`.
fn run(instances: &[&str], args: &[&str]) -> (i32, Value, String) {
    let mut all = vec!["preflight".to_string(), "--format".into(), "json".into()];
    for instance in instances {
        all.push("--instance".into());
        all.push(fixture(instance));
    }
    all.extend(args.iter().map(|a| a.to_string()));
    let all: Vec<&str> = all.iter().map(String::as_str).collect();
    let (code, stdout, stderr) = common::run(&all);
    let value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}{stderr}"));
    (code, value, stderr)
}

fn policy(name: &str) -> Vec<String> {
    vec!["--policy".into(), fixture(name)]
}

fn with(policy_name: &str, more: &[&str]) -> Vec<String> {
    let mut args = policy(policy_name);
    args.extend(more.iter().map(|s| s.to_string()));
    args
}

fn strs(args: &[String]) -> Vec<&str> {
    args.iter().map(String::as_str).collect()
}

fn check<'a>(out: &'a Value, id: &str) -> &'a Value {
    out["instances"][0]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no check `{id}` in {out}"))
}

fn status(out: &Value, id: &str) -> String {
    check(out, id)["status"].as_str().unwrap().to_string()
}

fn text(out: &Value, id: &str, field: &str) -> String {
    check(out, id)[field].as_str().unwrap_or_default().to_string()
}

#[test]
fn a_tair_plan_with_the_live_attributes_reaches_go() {
    let args = with("allow-terraform-release.json", &ACCOUNT);
    // The plan alone cannot say whether release protection is on: uncertain, and the advice
    // says which input to add.
    let (code, out, _) = run(&["tair-plan.json"], &strs(&args));
    assert_eq!(code, 3, "{out}");
    assert_eq!(status(&out, "release-protection"), "unknown");
    let advice = text(&out, "release-protection", "remediation");
    assert!(
        advice.contains("DescribeInstanceAttribute") && advice.contains("another `--instance`"),
        "{advice}"
    );
    // Followed: the response as a second `--instance`, and every check passes.
    let (code, out, stderr) = run(&["tair-plan.json", "tair-live.json"], &strs(&args));
    assert_eq!(code, 0, "{out}{stderr}");
    assert_eq!(out["verdict"], "go");
    assert_eq!(out["instances"].as_array().unwrap().len(), 1, "one instance, merged");
    for id in [
        "instance-state",
        "charge-type",
        "release-protection",
        "permission",
        "order-completed",
        "distributed-instance",
    ] {
        assert_eq!(status(&out, id), "pass", "{id}: {out}");
    }
    assert_eq!(out["instances"][0]["terraform"]["type"], "alicloud_redis_tair_instance");
    // In either order.
    let (code, _, _) = run(&["tair-live.json", "tair-plan.json"], &strs(&args));
    assert_eq!(code, 0);
}

#[test]
fn a_disagreement_is_unknown_and_names_both_inputs_and_values() {
    let args = with("allow-terraform-release.json", &ACCOUNT);
    let (code, out, _) = run(&["tair-plan.json", "tair-live-changing.json"], &strs(&args));
    assert_eq!(code, 3, "never a silent pick: {out}");
    assert_eq!(status(&out, "instance-state"), "unknown");
    let message = text(&out, "instance-state", "message");
    for part in [
        "tair-plan.json` says `Normal`",
        "tair-live-changing.json` says `Changing`",
    ] {
        assert!(message.contains(part), "{message}");
    }
    // The remediation: find out which is current, give inputs that agree. Followed, it passes.
    assert!(text(&out, "instance-state", "remediation").contains("inputs that agree"));
    let (_, out, _) = run(&["tair-plan.json", "tair-live.json"], &strs(&args));
    assert_eq!(status(&out, "instance-state"), "pass");
}

#[test]
fn a_region_disagreement_is_not_settled_by_region() {
    // The plan's zone says `cn-hangzhou`, the response `cn-shanghai`; a policy scoped to one
    // region cannot be decided, and `--region` siding with one input settles nothing.
    let args = with("allow-release-hangzhou.json", &ACCOUNT);
    for extra in [&[][..], &["--region", "cn-hangzhou"][..]] {
        let mut all = strs(&args);
        all.extend_from_slice(extra);
        let (code, out, stderr) = run(&["tair-plan.json", "tair-live-elsewhere.json"], &all);
        assert_eq!(code, 3, "{out}{stderr}");
        assert_eq!(status(&out, "permission"), "unknown");
        let message = text(&out, "permission", "message");
        assert!(
            message.contains("says `cn-hangzhou`") && message.contains("says `cn-shanghai`"),
            "{message}"
        );
    }
}

#[test]
fn turning_release_protection_off_passes_the_check() {
    let args = with("allow-terraform-release.json", &ACCOUNT);
    let (code, out, _) = run(&["tair-plan.json", "tair-live-protected.json"], &strs(&args));
    assert_eq!(code, 1);
    assert_eq!(status(&out, "release-protection"), "fail");
    assert_eq!(
        text(&out, "release-protection", "error_code"),
        "InstanceReleaseProtection"
    );
    let command = text(&out, "release-protection", "remediation");
    assert!(
        command.starts_with(
            "aliyun r-kvstore ModifyInstanceAttribute --InstanceId r-bp1zxszhcgatnx0091 --InstanceReleaseProtection false"
        ),
        "{command}"
    );
    // After the command, `DescribeInstanceAttribute` says `false`.
    let (code, out, _) = run(&["tair-plan.json", "tair-live.json"], &strs(&args));
    assert_eq!(status(&out, "release-protection"), "pass");
    assert_eq!(code, 0);
}

#[test]
fn a_plan_needs_describe_instance_attribute_too() {
    let delete_only = with("allow-delete-only.json", &ACCOUNT);
    // Tair: the provider reads the instance after `DeleteInstance`, to wait for it.
    let (code, out, _) = run(&["tair-plan.json", "tair-live.json"], &strs(&delete_only));
    assert_eq!(code, 1, "{out}");
    assert_eq!(status(&out, "permission"), "fail");
    let message = text(&out, "permission", "message");
    assert!(
        message.contains("`kvstore:DescribeInstanceAttribute`")
            && message.contains("after `DeleteInstance`")
            && message.contains("`kvstore:DeleteInstance` is allowed"),
        "{message}"
    );
    let advice = text(&out, "permission", "remediation");
    assert!(
        advice.starts_with("grant `kvstore:DescribeInstanceAttribute`"),
        "{advice}"
    );
    // `alicloud_kvstore_instance`: before `DeleteInstance`.
    let (code, out, _) = run(&["terraform-plan.json"], &strs(&delete_only));
    assert_eq!(code, 1);
    let message = text(&out, "permission", "message");
    assert!(message.contains("before `DeleteInstance`"), "{message}");
    // Not a plan: `DeleteInstance` alone is what the release calls.
    let (code, out, _) = run(&["tair-live.json"], &strs(&delete_only));
    assert_eq!(status(&out, "permission"), "pass", "{out}");
    assert_eq!(code, 0);
    // The remediation followed: both actions granted.
    let (code, out, _) = run(
        &["tair-plan.json", "tair-live.json"],
        &strs(&with("allow-terraform-release.json", &ACCOUNT)),
    );
    assert_eq!(status(&out, "permission"), "pass");
    assert_eq!(code, 0);
}

#[test]
fn a_denied_delete_in_a_plan_still_says_so() {
    // Neither action allowed: the check fails, naming both.
    let (code, out, _) = run(
        &["tair-plan.json", "tair-live.json"],
        &strs(&with("allow-release-shanghai.json", &ACCOUNT)),
    );
    assert_eq!(code, 1);
    let message = text(&out, "permission", "message");
    assert!(message.contains("`kvstore:DeleteInstance` is denied too"), "{message}");
}

#[test]
fn the_plans_provider_region_completes_the_arn() {
    let args = with("allow-release-shanghai.json", &ACCOUNT);
    for plan in ["plan-provider-region.json", "plan-provider-region-module.json"] {
        let (code, out, stderr) = run(&[plan], &strs(&args));
        assert_eq!(out["instances"][0]["region"], "cn-shanghai", "{plan}: {out}{stderr}");
        assert_eq!(status(&out, "permission"), "pass", "{plan}");
        assert_eq!(code, 0, "{plan}: {out}");
        assert!(!out.to_string().contains("Pr0v1d3r-S3cr3t"));
    }
    // A region from a variable is a reference, not a constant: unknown, and the advice names
    // `--region`; followed, the check decides.
    let (code, out, _) = run(&["plan-provider-region-variable.json"], &strs(&args));
    assert_eq!(code, 3);
    assert!(out["instances"][0]["region"].is_null());
    assert_eq!(status(&out, "permission"), "unknown");
    assert!(text(&out, "permission", "remediation").contains("`--region REGION`"));
    let mut followed = strs(&args);
    followed.extend(["--region", "cn-shanghai"]);
    let (code, out, _) = run(&["plan-provider-region-variable.json"], &followed);
    assert_eq!(status(&out, "permission"), "pass");
    assert_eq!(code, 0);
}

#[test]
fn the_account_id_advice_followed_decides() {
    let (code, out, _) = run(&["tair-live.json"], &strs(&policy("allow-terraform-release.json")));
    assert_eq!(code, 3);
    assert_eq!(status(&out, "permission"), "unknown");
    let advice = text(&out, "permission", "remediation");
    assert!(advice.contains("`--account-id"), "{advice}");
    let (code, out, _) = run(
        &["tair-live.json"],
        &strs(&with("allow-terraform-release.json", &ACCOUNT)),
    );
    assert_eq!(status(&out, "permission"), "pass");
    assert_eq!(code, 0);
}

#[test]
fn the_context_advice_followed_decides() {
    let args = with("allow-release-with-mfa.json", &ACCOUNT);
    for instances in [&["tair-live.json"][..], &["tair-plan.json", "tair-live.json"][..]] {
        let (code, out, _) = run(instances, &strs(&args));
        assert_eq!(code, 3, "{out}");
        let advice = text(&out, "permission", "remediation");
        assert!(advice.contains("`--context acs:MFAPresent=VALUE`"), "{advice}");
        let mut followed = strs(&args);
        followed.extend(["--context", "acs:MFAPresent=true"]);
        let (code, out, _) = run(instances, &followed);
        assert_eq!(status(&out, "permission"), "pass", "{out}");
        assert_eq!(code, 0);
        let mut denied = strs(&args);
        denied.extend(["--context", "acs:MFAPresent=false"]);
        let (code, _, _) = run(instances, &denied);
        assert_eq!(code, 1);
    }
}

#[test]
fn a_child_of_a_distributed_instance_is_told_what_the_documentation_says() {
    let args = with("allow-terraform-release.json", &ACCOUNT);
    let (code, out, _) = run(&["tair-live-distributed.json"], &strs(&args));
    assert_eq!(code, 0, "advisory, as the CONTRACT has it");
    assert_eq!(status(&out, "distributed-instance"), "warn");
    let message = text(&out, "distributed-instance", "message");
    assert!(
        message.contains("`gr-bp14rkqrhac0001`")
            && message.contains("released from the distributed instance")
            && message.contains("China site"),
        "{message}"
    );
    let advice = text(&out, "distributed-instance", "remediation");
    assert!(
        advice.contains("RemoveSubInstance --InstanceId r-bp1zxszhcgatnx0091"),
        "{advice}"
    );
    // After `RemoveSubInstance`, `GlobalInstanceId` is empty.
    let (_, out, _) = run(&["tair-live.json"], &strs(&args));
    assert_eq!(status(&out, "distributed-instance"), "pass");
}

#[test]
fn a_missing_order_state_advice_followed_passes() {
    let args = with("allow-terraform-release.json", &ACCOUNT);
    let (_, out, _) = run(&["tair-plan.json"], &strs(&args));
    assert_eq!(status(&out, "order-completed"), "warn");
    assert!(text(&out, "order-completed", "remediation").contains("another `--instance`"));
    let (_, out, _) = run(&["tair-plan.json", "tair-live.json"], &strs(&args));
    assert_eq!(status(&out, "order-completed"), "pass");
}

#[test]
fn an_instance_id_missing_from_every_input_is_a_usage_error() {
    let (code, stdout, stderr) = common::run(&[
        "preflight",
        "--instance",
        &fixture("tair-plan.json"),
        "--instance",
        &fixture("tair-live.json"),
        "--instance-id",
        "r-bp1zxszhcgatnx9999",
    ]);
    assert_eq!(code, 2, "{stdout}");
    assert!(
        stderr.contains("tair-plan.json, tests/fixtures/instances/tair-live.json; they hold r-bp1zxszhcgatnx0091"),
        "{stderr}"
    );
}

/// Run with `--format github` and `GITHUB_STEP_SUMMARY` set to `summary` (when given).
fn github(args: &[&str], summary: Option<&Path>) -> (i32, String, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_ramguard"));
    command
        .args(["preflight", "--format", "github"])
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("GITHUB_STEP_SUMMARY");
    if let Some(path) = summary {
        command.env("GITHUB_STEP_SUMMARY", path);
    }
    let out = command.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("preflight-combined");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    let _ = std::fs::remove_file(&path);
    path
}

#[test]
fn github_format_annotates_and_appends_a_job_summary() {
    let summary = scratch("summary.md");
    std::fs::write(&summary, "## an earlier step\n").unwrap();
    let args = [
        "--instance",
        "tests/fixtures/instances/tair-plan.json",
        "--instance",
        "tests/fixtures/instances/tair-live-protected.json",
        "--policy",
        "tests/fixtures/instances/allow-terraform-release.json",
        "--account-id",
        "1234567890123456",
    ];
    let (code, stdout, stderr) = github(&args, Some(&summary));
    assert_eq!(code, 1, "the exit code is the verdict's: {stdout}{stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(
        lines[0].starts_with("::error title=ramguard preflight%3A release-protection fail::r-bp1zxszhcgatnx0091: release protection is on [InstanceReleaseProtection]%0Aremediation: aliyun r-kvstore ModifyInstanceAttribute"),
        "{stdout}"
    );
    assert_eq!(
        lines.iter().filter(|l| l.starts_with("::")).count(),
        1,
        "pass is not annotated: {stdout}"
    );
    assert_eq!(lines.last(), Some(&"preflight: no-go (1 instance)"));
    let written = std::fs::read_to_string(&summary).unwrap();
    assert!(
        written.starts_with("## an earlier step\n## ramguard preflight: no-go\n"),
        "appended: {written}"
    );
    assert!(written.contains("| ✗ | release-protection | release protection is on [InstanceReleaseProtection] | aliyun r-kvstore ModifyInstanceAttribute"), "{written}");
    assert!(!written.contains("Pl4n-S3cr3t-T41r"));
    // A warning or an unknown is a `::warning`.
    let (code, stdout, _) = github(&args[..2], None);
    assert_eq!(code, 3);
    assert!(
        stdout.contains("::warning title=ramguard preflight%3A release-protection unknown::"),
        "{stdout}"
    );
    assert!(
        stdout.contains("::warning title=ramguard preflight%3A permission unknown::"),
        "{stdout}"
    );
    assert!(
        stdout.contains("::warning title=ramguard preflight%3A order-completed warn::"),
        "{stdout}"
    );
}

#[test]
fn github_format_refuses_an_unwritable_summary() {
    let (code, _, stderr) = github(
        &["--instance", "tests/fixtures/instances/tair-live.json"],
        Some(Path::new("/nonexistent-dir/summary.md")),
    );
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("GITHUB_STEP_SUMMARY"), "{stderr}");
}
