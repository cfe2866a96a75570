//! Terraform plans and states (`terraform show -json`, `terraform.tfstate`): every RAM document
//! in them is linted, named by its resource address, its findings at exact lines and columns of
//! the plan file; nothing else of the plan is ever shown. `--policy FILE#ADDRESS` picks one
//! document of a plan or a `.tf` file for `simulate` and `preflight`; a document only Terraform
//! knows is never `allowed` / `pass`.

#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test fails loudly"
)]

mod common;

use std::fmt::Write as _;
use std::path::Path;

use ramguard::inputs::{self, policy_file::Content};
use ramguard::lint;
use ramguard::settings::Settings;
use serde_json::Value;

const DIR: &str = "tests/fixtures/plans";
const PLAN: &str = "tests/fixtures/plans/plan.json";
const MAIN_TF: &str = "tests/fixtures/plans/tf/main.tf";
const INSTANCE: &str = "tests/fixtures/instances/describe-instance-attribute.json";
const ARN: &str = "acs:kvstore:cn-hangzhou:1234567890123456:instance/r-bp1zxszhcgatnx0002";
/// Every secret the fixtures hold: none may ever be printed.
const SECRETS: [&str; 7] = [
    "hunter2",
    "KMS-SECRET",
    "db_password",
    "kms_encrypted_password",
    "cn-hangzhou-h",
    "5d7c0000",
    "bnVsbA",
];

fn fixture(name: &str) -> String {
    format!("{DIR}/{name}")
}

/// Each document of the file by address, with its findings (1-based line:column, rule, the
/// text it underlines in the file as read), then the file's own findings.
fn by_address(name: &str) -> String {
    let path = fixture(name);
    let bytes = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join(&path)).unwrap();
    let original = String::from_utf8(bytes.clone()).unwrap();
    let file = inputs::read_policy_file(path.clone(), bytes);
    let source = &file.source;
    let place = |f: &ramguard::rules::Finding| {
        let (line, column) = source.line_col(f.span.start);
        let (end_line, end_column) = source.line_col(f.span.end);
        let underlined: String = original
            .get(f.span.start..f.span.end)
            .unwrap()
            .chars()
            .take(60)
            .collect();
        format!(
            "{line}:{column}-{end_line}:{end_column} {} {} {}: {} [{underlined}]",
            f.rule.code,
            f.rule.name,
            f.severity.as_str(),
            f.message
        )
    };
    let mut out = String::new();
    if let Content::Documents(documents) = &file.content {
        for document in documents {
            let (line, column) = source.line_col(document.root.span.start);
            writeln!(out, "{} (document at {line}:{column})", document.address().unwrap()).unwrap();
            let mut findings = lint::lint_document(&document.root, &Settings::default(), &path);
            lint::sort(&mut findings);
            for finding in &findings {
                writeln!(out, "  {}", place(finding)).unwrap();
            }
        }
    }
    let mut own = file.findings.clone();
    lint::sort(&mut own);
    for finding in &own {
        writeln!(out, "file: {}", place(finding)).unwrap();
    }
    out
}

/// `lint --format json` of `paths`: exit code and report.
fn lint_json(paths: &[&str]) -> (i32, Value) {
    let mut args = vec!["lint", "--no-ignore", "--format", "json"];
    args.extend_from_slice(paths);
    let (code, stdout, stderr) = common::run(&args);
    let report = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}{stderr}"));
    (code, report)
}

fn assert_no_secret(output: &str, what: &str) {
    for secret in SECRETS {
        assert!(!output.contains(secret), "{what} shows `{secret}`:\n{output}");
    }
}

#[test]
fn every_document_of_a_plan_is_linted_by_address() {
    insta::assert_snapshot!("plan-by-address", by_address("plan.json"));
    let (code, report) = lint_json(&[PLAN]);
    assert_eq!(code, 1, "{report}");
    // `ops`, the trust policy of `module.ops`, the depth-2 `module.ops.module.inner` one and
    // the data source read while planning; not `late` (unknown) nor `old` (deleted); `ops` once
    // though both `resource_changes` and `planned_values` hold it.
    assert_eq!(report["summary"]["documents"], 4, "{report}");
    let rows: Vec<String> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            format!(
                "{}:{}-{}:{} {} {}",
                d["line"], d["column"], d["end_line"], d["end_column"], d["name"], d["severity"]
            )
        })
        .collect();
    insta::assert_snapshot!("plan-json-diagnostics", rows.join("\n"));
}

#[test]
fn a_document_known_only_after_apply_is_one_info_finding() {
    let (_, report) = lint_json(&[PLAN]);
    let unknown: Vec<&Value> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["name"] == "terraform-unknown-value")
        .collect();
    assert_eq!(unknown.len(), 1, "{report}");
    assert_eq!(unknown[0]["severity"], "info");
    assert_eq!(
        unknown[0]["message"],
        "the policy document of `alicloud_ram_policy.late` is known only after apply: it was not linted"
    );
    // Nothing else about `late`, and nothing at all about the deleted `old` (`"*"` on `"*"`).
    assert!(
        !report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["name"] == "full-admin"),
        "{report}"
    );
}

#[test]
fn an_empty_resource_list_rendered_from_a_variable_is_caught() {
    let (code, report) = lint_json(&[&fixture("terraform.tfstate")]);
    assert_eq!(code, 1, "{report}");
    let empty: Vec<&Value> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["name"] == "empty-value")
        .collect();
    assert_eq!(empty.len(), 1, "{report}");
    assert_eq!(empty[0]["message"], "`Resource` is empty");
    assert_eq!(empty[0]["pointer"], "/Statement/0/Resource");
}

#[test]
fn states_and_other_plan_shapes() {
    for name in [
        "state.json",
        "terraform.tfstate",
        "planned-values-only.json",
        "update-plan.json",
        "duplicate-keys-plan.json",
    ] {
        insta::assert_snapshot!(name, by_address(name));
    }
    // A state holds `policy_document` and its twin `document` with the same text: read once.
    let (_, report) = lint_json(&[&fixture("state.json")]);
    assert_eq!(report["summary"]["documents"], 2, "{report}");
    // Updates and a replacement: the new `policy_document`, never the twin's old `"*"` on `"*"`
    // (`later` changes to a document known only after apply; `renamed` is a new object whose
    // twin is computed again).
    let (code, report) = lint_json(&[&fixture("update-plan.json")]);
    assert_eq!(
        (code, report["summary"]["documents"].clone()),
        (0, 2.into()),
        "{report}"
    );
    let names: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "terraform-unknown-value",
            "wildcard-grants-delete",
            "release-protection-bypass"
        ],
        "{report}"
    );
}

#[test]
fn a_plan_that_is_not_well_formed_is_an_error() {
    for (name, message) in [
        (
            "broken-plan.json",
            "this Terraform plan or state is not valid JSON: the document ends too early: after an element: expected `,` or `]`",
        ),
        (
            "malformed-plan.json",
            "this Terraform JSON is not well-formed: a change action is not one of Terraform's (`no-op`, `create`, `read`, `update`, `delete`, `forget`)",
        ),
    ] {
        let (code, report) = lint_json(&[&fixture(name)]);
        assert_eq!(code, 1, "{name}: {report}");
        let diagnostics = report["diagnostics"].as_array().unwrap();
        assert_eq!(diagnostics.len(), 1, "{name}: {report}");
        assert_eq!(diagnostics[0]["name"], "invalid-json");
        assert_eq!(diagnostics[0]["message"], message);
        // Not a skip: the file counts as linted.
        assert_eq!(report["summary"]["files"], 1, "{name}: {report}");
    }
}

#[test]
fn keys_written_twice_in_a_plan_are_errors() {
    let (code, report) = lint_json(&[&fixture("duplicate-keys-plan.json")]);
    assert_eq!(code, 1, "{report}");
    let found: Vec<(String, String)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["name"].as_str().unwrap().to_string(),
                d["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            (
                "duplicate-key".to_string(),
                "`policy_document` appears twice in one object".to_string()
            ),
            (
                "duplicate-key".to_string(),
                "`Effect` appears twice in one object".to_string()
            ),
        ],
        "{report}"
    );
}

#[test]
fn nothing_of_a_plan_but_its_documents_is_ever_shown() {
    for name in [
        "plan.json",
        "state.json",
        "terraform.tfstate",
        "broken-plan.json",
        "malformed-plan.json",
        "duplicate-keys-plan.json",
    ] {
        let path = fixture(name);
        for format in ["human", "concise", "json", "sarif", "github"] {
            let (_, stdout, stderr) =
                common::run(&["lint", "--no-ignore", "--color", "never", "--format", format, &path]);
            assert_no_secret(&format!("{stdout}{stderr}"), &format!("lint --format {format} {name}"));
        }
        for policy in [path.clone(), format!("{path}#alicloud_ram_policy.p")] {
            let (_, stdout, stderr) = common::run(&[
                "simulate",
                "--color",
                "never",
                "--policy",
                &policy,
                "--action",
                "kvstore:DeleteInstance",
                "--resource",
                ARN,
            ]);
            assert_no_secret(&format!("{stdout}{stderr}"), &format!("simulate --policy {policy}"));
        }
    }
}

#[test]
fn a_snippet_of_a_one_line_plan_shows_the_document_only() {
    let (_, stdout, _) = common::run(&["lint", "--no-ignore", "--color", "never", PLAN]);
    insta::assert_snapshot!("plan-human", stdout);
}

/// `simulate --policy POLICY` on the fixtures' instance ARN: exit code, stdout, stderr.
fn simulate(policy: &str) -> (i32, String, String) {
    common::run(&[
        "simulate",
        "--color",
        "never",
        "--policy",
        policy,
        "--action",
        "kvstore:DeleteInstance",
        "--resource",
        ARN,
    ])
}

/// The decision of `simulate --format json`.
fn decision(policy: &str) -> (i32, Value) {
    let (code, stdout, stderr) = common::run(&[
        "simulate",
        "--format",
        "json",
        "--policy",
        policy,
        "--action",
        "kvstore:DeleteInstance",
        "--resource",
        ARN,
    ]);
    let value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{policy}: {e}: {stdout}{stderr}"));
    (code, value)
}

#[test]
fn simulate_picks_a_document_by_address() {
    for (policy, code, expected) in [
        (format!("{MAIN_TF}#alicloud_ram_policy.teardown"), 0, "allowed"),
        (format!("{MAIN_TF}#local.policy_json"), 1, "explicit-deny"),
        (
            format!("{MAIN_TF}#data.alicloud_ram_policy_document.read"),
            1,
            "implicit-deny",
        ),
        (format!("{PLAN}#alicloud_ram_policy.ops"), 0, "allowed"),
        (
            format!("{PLAN}#data.alicloud_ram_policy_document.read"),
            1,
            "implicit-deny",
        ),
        // `p` has one instance, `p[0]`: the address names it.
        (
            format!("{DIR}/terraform.tfstate#data.alicloud_ram_policy_document.read"),
            1,
            "implicit-deny",
        ),
        (format!("{DIR}/state.json#alicloud_ram_policy.ops"), 0, "allowed"),
        (
            format!("{DIR}/update-plan.json#alicloud_ram_policy.ops"),
            1,
            "implicit-deny",
        ),
    ] {
        let (exit, value) = decision(&policy);
        assert_eq!(
            (exit, value["decision"].as_str().unwrap()),
            (code, expected),
            "{policy}: {value}"
        );
    }
}

#[test]
fn a_document_only_terraform_knows_is_never_allowed() {
    // `whole`: the document is unknown as a whole (it may hold a `Deny`); `local.account_json`
    // is read, and only its `Allow`'s `Resource` is unknown: it cannot deny.
    for (policy, unknown, whole) in [
        (
            format!("{MAIN_TF}#local.account_json"),
            "the interpolation `${var.account_id}`",
            false,
        ),
        (
            format!("{PLAN}#alicloud_ram_policy.late"),
            "known only after apply",
            true,
        ),
        (
            format!("{DIR}/planned-values-only.json#module.ops.alicloud_ram_policy.late"),
            "known only after apply",
            true,
        ),
    ] {
        let (code, stdout, stderr) = simulate(&policy);
        assert_eq!(code, 3, "{policy}: {stdout}{stderr}");
        assert!(stdout.starts_with("conditional:"), "{policy}: {stdout}");
        assert!(stdout.contains(unknown), "{policy}: {stdout}");
        // With another policy that allows for sure: still not `allowed`, unless the unknown
        // document cannot deny.
        let (code, stdout, _) = common::run(&[
            "simulate",
            "--color",
            "never",
            "--policy",
            &format!("{MAIN_TF}#alicloud_ram_policy.teardown"),
            "--policy",
            &policy,
            "--action",
            "kvstore:DeleteInstance",
            "--resource",
            "acs:kvstore:cn-hangzhou:1234567890123456:instance/r-ci-1",
        ]);
        assert_eq!(code, if whole { 3 } else { 0 }, "{policy}: {stdout}");
        // preflight: the permission check is unknown, with the reason.
        let (_, stdout, stderr) = common::run(&[
            "preflight",
            "--format",
            "json",
            "--account-id",
            "1234567890123456",
            "--instance",
            INSTANCE,
            "--policy",
            &policy,
        ]);
        let report: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}{stderr}"));
        let permission = report["instances"][0]["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == "permission")
            .unwrap()
            .clone();
        assert_eq!(permission["status"], "unknown", "{policy}: {permission}");
        assert!(
            permission["message"].as_str().unwrap().contains(unknown),
            "{policy}: {permission}"
        );
    }
}

#[test]
fn an_address_that_is_not_one_document_is_refused() {
    let plan_addresses = "`alicloud_ram_policy.late`, `alicloud_ram_policy.ops`, `module.ops.alicloud_ram_role.ci[\"ecs\"]`, `module.ops.module.inner.alicloud_ram_policy.p[0]`, `data.alicloud_ram_policy_document.read`";
    let tf_addresses = "`alicloud_ram_policy.teardown`, `data.alicloud_ram_policy_document.assume`, `data.alicloud_ram_policy_document.read`, `local.policy_json`, `local.account_json`, `alicloud_ram_role.ci`";
    for (policy, message) in [
        (
            PLAN.to_string(),
            format!(
                "error: {PLAN}: the file holds 5 policy documents ({plan_addresses}); pick one as `{PLAN}#ADDRESS`\n"
            ),
        ),
        (
            MAIN_TF.to_string(),
            format!(
                "error: {MAIN_TF}: the file holds 6 policy documents ({tf_addresses}); pick one as `{MAIN_TF}#ADDRESS`\n"
            ),
        ),
        (
            format!("{PLAN}#alicloud_ram_policy.nothing"),
            format!(
                "error: {PLAN}: no policy document at `alicloud_ram_policy.nothing`; the file holds {plan_addresses}\n"
            ),
        ),
        // Deleted by the plan: no document after it.
        (
            format!("{PLAN}#alicloud_ram_policy.old"),
            format!(
                "error: {PLAN}: no policy document at `alicloud_ram_policy.old`; the file holds {plan_addresses}\n"
            ),
        ),
        (
            format!("{MAIN_TF}#local.nothing"),
            format!("error: {MAIN_TF}: no policy document at `local.nothing`; the file holds {tf_addresses}\n"),
        ),
        (
            format!("{PLAN}#module.ops.alicloud_ram_role.ci"),
            format!(
                "error: {PLAN}#module.ops.alicloud_ram_role.ci[\"ecs\"]: a trust policy says who may assume a role; pass the role's permission policies instead\n"
            ),
        ),
        (
            format!("{MAIN_TF}#data.alicloud_ram_policy_document.assume"),
            format!(
                "error: {MAIN_TF}#data.alicloud_ram_policy_document.assume: a trust policy says who may assume a role; pass the role's permission policies instead\n"
            ),
        ),
        // Its document is a reference to the data source: unknown, but a role's is a trust policy.
        (
            format!("{MAIN_TF}#alicloud_ram_role.ci"),
            format!(
                "error: {MAIN_TF}#alicloud_ram_role.ci: a trust policy says who may assume a role; pass the role's permission policies instead\n"
            ),
        ),
    ] {
        let (code, stdout, stderr) = simulate(&policy);
        assert_eq!(
            (code, stdout.as_str(), stderr.as_str()),
            (2, "", message.as_str()),
            "{policy}"
        );
    }
    // A plan or `.tf` file that cannot be read is refused with its error, address or not.
    for policy in [
        format!("{DIR}/broken-plan.json#alicloud_ram_policy.p"),
        format!("{DIR}/malformed-plan.json#alicloud_ram_policy.p"),
        format!("{DIR}/malformed-plan.json"),
    ] {
        let (code, _, stderr) = simulate(&policy);
        assert_eq!(code, 2, "{policy}: {stderr}");
        assert!(stderr.contains("refusing to evaluate"), "{policy}: {stderr}");
        assert!(stderr.contains("invalid-json"), "{policy}: {stderr}");
    }
    // A document the linter finds broken is refused, at its place in the plan.
    let (code, _, stderr) = simulate(&format!("{PLAN}#module.ops.module.inner.alicloud_ram_policy.p"));
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("`Resource` is empty"), "{stderr}");
    assert!(stderr.contains("refusing to evaluate"), "{stderr}");
}

#[test]
fn several_instances_of_one_resource_are_refused_unless_one_is_named() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("plans-instances");
    std::fs::create_dir_all(&dir).unwrap();
    let text = std::fs::read_to_string(fixture("state.json"))
        .unwrap()
        .replace("\"alicloud_ram_policy.ops\",", "\"alicloud_ram_policy.ops[0]\",");
    let text = text.replacen(
        "\"resources\": [",
        &format!(
            "\"resources\": [{{\"address\": \"alicloud_ram_policy.ops[1]\", \"mode\": \"managed\", \"type\": \"alicloud_ram_policy\", \"name\": \"ops\", \"index\": 1, \"values\": {{\"policy_document\": {}}}}},",
            serde_json::to_string(r#"{"Version":"1","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}"#).unwrap()
        ),
        1,
    );
    let path = dir.join("state.json");
    std::fs::write(&path, text).unwrap();
    let path = path.to_str().unwrap();
    let (code, _, stderr) = simulate(&format!("{path}#alicloud_ram_policy.ops"));
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(
        stderr,
        format!(
            "error: {path}: `alicloud_ram_policy.ops` names 2 policy documents (`alicloud_ram_policy.ops[1]`, `alicloud_ram_policy.ops[0]`); pick one\n"
        )
    );
    let (_, value) = decision(&format!("{path}#alicloud_ram_policy.ops[1]"));
    assert_eq!(value["decision"], "explicit-deny", "{value}");
}

#[test]
fn a_hash_in_a_real_file_name_is_the_file() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("plans-hash");
    std::fs::create_dir_all(&dir).unwrap();
    let allow =
        r#"{"Version": "1", "Statement": [{"Effect": "Allow", "Action": "kvstore:DeleteInstance", "Resource": "*"}]}"#;
    let named = dir.join("ops#v2.json");
    std::fs::write(&named, allow).unwrap();
    let (_, value) = decision(named.to_str().unwrap());
    assert_eq!(value["decision"], "allowed", "{value}");
    // A `#` in the name and an address after it: the file is the longest... first existing prefix.
    let tf = dir.join("a#b.tf");
    std::fs::copy(MAIN_TF, &tf).unwrap();
    let (_, value) = decision(&format!("{}#local.policy_json", tf.display()));
    assert_eq!(value["decision"], "explicit-deny", "{value}");
}

#[test]
fn preflight_takes_an_address_too() {
    let (_, stdout, stderr) = common::run(&[
        "preflight",
        "--format",
        "json",
        "--account-id",
        "1234567890123456",
        "--instance",
        INSTANCE,
        "--policy",
        &format!("{PLAN}#alicloud_ram_policy.ops"),
    ]);
    let report: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}{stderr}"));
    let permission = report["instances"][0]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "permission")
        .unwrap()
        .clone();
    assert_eq!(permission["status"], "pass", "{permission}");
    let (code, _, stderr) = common::run(&["preflight", "--instance", INSTANCE, "--policy", PLAN]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("the file holds 5 policy documents"), "{stderr}");
}

#[test]
fn one_address_with_two_different_documents_is_refused() {
    // A state whose `policy_document` and deprecated `document` disagree (edited by hand, or a
    // provider bug): both are linted, and neither is picked for evaluation.
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("plans-twins");
    std::fs::create_dir_all(&dir).unwrap();
    let text = std::fs::read_to_string(fixture("state.json")).unwrap().replacen(
        r#""document": "{\"Statement\":[{\"Action\":[\"kvstore:*\"]"#,
        r#""document": "{\"Statement\":[{\"Action\":[\"ecs:*\"]"#,
        1,
    );
    let path = dir.join("state.json");
    std::fs::write(&path, text).unwrap();
    let path = path.to_str().unwrap();
    let (_, report) = lint_json(&[path]);
    assert_eq!(report["summary"]["documents"], 3, "{report}");
    let (code, stdout, stderr) = simulate(&format!("{path}#alicloud_ram_policy.ops"));
    assert_eq!(
        (code, stdout.as_str(), stderr),
        (
            2,
            "",
            format!(
                "error: {path}: `alicloud_ram_policy.ops` holds two policy documents that differ (a name written twice, or `policy_document` and its deprecated `document` disagree): which is sent is not for ramguard to guess\n"
            )
        )
    );
}

/// Terraform writes `resource_changes` and `planned_values` from one plan: a plan whose two say
/// different documents for one address was edited, and which applies is anyone's guess. The
/// reader took `resource_changes`; it now refuses the file.
#[test]
fn a_plan_whose_sections_disagree_is_an_error() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(fixture("plan.json"));
    let mut plan: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let document = planned_ops(&mut plan)["values"]["policy_document"]
        .as_str()
        .unwrap()
        .to_string();
    let dir = std::env::temp_dir().join(format!("ramguard-plan-sections-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let write = |plan: &Value, name: &str| {
        let file = dir.join(name);
        std::fs::write(&file, serde_json::to_string(plan).unwrap()).unwrap();
        file.display().to_string()
    };
    // The same text: read as before.
    let same = write(&plan, "same.json");
    planned_ops(&mut plan)["values"]["policy_document"] = Value::String(format!(" {document}"));
    let other = write(&plan, "other.json");
    let (same_code, same_report) = lint_json(&[&same]);
    let (code, report) = lint_json(&[&other]);
    std::fs::remove_dir_all(&dir).ok();
    assert!(!same_report.to_string().contains("disagree"), "{same_report}");
    assert!(same_code <= 1);
    assert_eq!(code, 1, "{report}");
    assert_eq!(report["summary"]["errors"], 1, "{report}");
    assert_eq!(report["summary"]["documents"], 0, "{report}");
    let diagnostics = report["diagnostics"].as_array().unwrap();
    assert!(
        diagnostics.iter().any(|d| d["name"] == "invalid-json"
            && d["message"].as_str().unwrap().contains(
                "`planned_values` and `resource_changes` disagree on `alicloud_ram_policy.ops`'s `policy_document`"
            )),
        "{report}"
    );
}

/// A plan whose `resource_changes` deletes an address that `planned_values` still gives a
/// document, or whose `planned_values` lists one address twice, was edited too.
#[test]
fn a_deleted_or_doubled_address_in_planned_values_is_an_error() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(fixture("plan.json"));
    let mut plan: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let planned_ops = planned_ops(&mut plan).clone();
    // `alicloud_ram_policy.old` is deleted by the plan: given a document in `planned_values`.
    let mut deleted = plan.clone();
    let mut old = planned_ops.clone();
    old["address"] = "alicloud_ram_policy.old".into();
    old["name"] = "old".into();
    deleted["planned_values"]["root_module"]["resources"]
        .as_array_mut()
        .unwrap()
        .push(old);
    let mut doubled = plan.clone();
    doubled["planned_values"]["root_module"]["resources"]
        .as_array_mut()
        .unwrap()
        .push(planned_ops);
    let dir = std::env::temp_dir().join(format!("ramguard-plan-edited-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (name, edited, expected) in [
        (
            "deleted.json",
            deleted,
            "disagree on `alicloud_ram_policy.old`'s `policy_document`",
        ),
        (
            "doubled.json",
            doubled,
            "`alicloud_ram_policy.ops` is listed twice in `planned_values`",
        ),
    ] {
        let file = dir.join(name);
        std::fs::write(&file, serde_json::to_string(&edited).unwrap()).unwrap();
        let (code, report) = lint_json(&[file.to_str().unwrap()]);
        assert_eq!(code, 1, "{name}: {report}");
        assert!(
            report["diagnostics"]
                .as_array()
                .unwrap()
                .iter()
                .any(|d| d["name"] == "invalid-json" && d["message"].as_str().unwrap().contains(expected)),
            "{name}: {report}"
        );
    }
    std::fs::remove_dir_all(&dir).ok();
}

/// `alicloud_ram_policy.ops` in a plan's `planned_values`.
fn planned_ops(plan: &mut Value) -> &mut Value {
    plan["planned_values"]["root_module"]["resources"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|r| r["address"] == "alicloud_ram_policy.ops")
        .unwrap()
}

/// Terraform lists each object once in `resource_changes` (a deposed one apart): a plan that
/// lists one address twice was edited, and is an error.
#[test]
fn an_address_listed_twice_in_resource_changes_is_an_error() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(fixture("plan.json"));
    let mut plan: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let changes = plan["resource_changes"].as_array_mut().unwrap();
    let ops = changes
        .iter()
        .find(|c| c["address"] == "alicloud_ram_policy.ops")
        .unwrap()
        .clone();
    changes.push(ops);
    let dir = std::env::temp_dir().join(format!("ramguard-plan-twice-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("plan.json");
    std::fs::write(&file, serde_json::to_string(&plan).unwrap()).unwrap();
    let (code, report) = lint_json(&[file.to_str().unwrap()]);
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(code, 1, "{report}");
    assert!(
        report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["name"] == "invalid-json"
                && d["message"]
                    .as_str()
                    .unwrap()
                    .contains("`alicloud_ram_policy.ops` is listed twice in `resource_changes`")),
        "{report}"
    );
}
