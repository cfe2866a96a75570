//! `ramguard diff` tried as an attacker would: changes that grant access through a door the
//! comparison once left unwatched (a hostile test's findings, each kept as a test).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail loudly"
)]

mod common;

use serde_json::Value;

const DESCRIBE: &str = "tests/fixtures/diff_fail_open/describe.json";
const DELETE_ONE: &str = "tests/fixtures/diff_fail_open/delete-one.json";

fn json_diff(args: &[&str]) -> (i32, Value) {
    let mut all = vec!["diff", "--format", "json"];
    all.extend(args);
    let (code, out, err) = common::run(&all);
    let value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}\n{err}"));
    (code, value)
}

/// `diff --fail-on-new-access` of two fixtures of `tests/fixtures/diff_fail_open`: a change the
/// check cannot call clean (exit 3), and its JSON report.
fn noted(old: &str, new: &str) -> Value {
    let (old, new) = (
        format!("tests/fixtures/diff_fail_open/{old}"),
        format!("tests/fixtures/diff_fail_open/{new}"),
    );
    let (code, value) = json_diff(&["--fail-on-new-access", &old, &new]);
    assert_eq!(code, 3, "{value}");
    value
}

/// `@*` is "on any resource": it must see `DeleteInstance` allowed on one instance only.
#[test]
fn deny_access_on_any_resource_sees_an_action_allowed_on_one_instance() {
    for resource in ["*", "acs:kvstore:*:*:*", "acs:*:*:*:*"] {
        let check = format!("kvstore:DeleteInstance@{resource}");
        let (code, value) = json_diff(&["--deny-access", &check, DESCRIBE, DELETE_ONE]);
        assert_eq!(code, 1, "{check}: {value}");
        assert_eq!(
            value["failed_checks"][0]["witness"]["resource"],
            "acs:kvstore:cn-hangzhou:1234567890123456:instance/r-prod1",
            "{check}: {value}"
        );
    }
    // Outside the pattern: not allowed there.
    let (code, value) = json_diff(&[
        "--deny-access",
        "kvstore:DeleteInstance@acs:kvstore:*:*:instance/r-dev*",
        DESCRIBE,
        DELETE_ONE,
    ]);
    assert_eq!(code, 0, "{value}");
}

/// An `Allow` with `NotAction` grants every service it does not name: RAM, ECS and the rest.
#[test]
fn not_action_grants_the_services_no_pattern_names() {
    let not_action = "tests/fixtures/diff_fail_open/not-action.json";
    for old in [DESCRIBE, "tests/fixtures/diff_fail_open/kvstore-all.json"] {
        let (code, value) = json_diff(&["--fail-on-new-access", old, not_action]);
        assert_eq!(code, 1, "{old}: {value}");
        let new = value["documents"][0]["new"].as_array().cloned().unwrap_or_default();
        let unnamed = new
            .iter()
            .find(|change| change["witness"]["action"] == "ram:anyaction")
            .unwrap_or_else(|| panic!("{old}: {value}"));
        assert!(
            unnamed["description"]
                .as_str()
                .is_some_and(|d| d.contains("every service the policies do not name")),
            "{unnamed}"
        );
        // The witness is what simulate answers.
        let (code, out, _) = common::run(&[
            "simulate",
            "--policy",
            not_action,
            "--action",
            "ram:anyaction",
            "--resource",
            "*",
        ]);
        assert_eq!(code, 0, "{out}");
    }
}

/// `*` names every service alike: an unchanged guard of `Deny *` leaves nothing uncompared.
#[test]
fn a_deny_of_everything_is_compared_exactly() {
    let (code, value) = json_diff(&[
        "--fail-on-new-access",
        "tests/fixtures/diff_fail_open/guarded.json",
        "tests/fixtures/diff_fail_open/guarded-reordered.json",
    ]);
    assert_eq!(code, 0, "{value}");
    assert_eq!(value["documents"][0]["limits"], serde_json::json!([]), "{value}");
}

/// A guard narrowed (or removed) grants what it denied to anyone another policy allows, though
/// neither version allows anything alone.
#[test]
fn a_deny_narrowed_is_new_access_for_other_policies() {
    let (guard, narrowed) = (
        "tests/fixtures/diff_fail_open/guard.json",
        "tests/fixtures/diff_fail_open/guard-narrowed.json",
    );
    let (code, value) = json_diff(&["--fail-on-new-access", guard, narrowed]);
    assert_eq!(code, 1, "{value}");
    let lifted = &value["documents"][0]["lifted"][0];
    assert_eq!(lifted["witness"]["action"], "kvstore:DeleteInstance", "{value}");
    assert_eq!(lifted["statements"][0]["file"], guard, "{value}");
    assert_eq!(value["summary"]["lifted"], 1, "{value}");
    assert_eq!(value["summary"]["new"], 0, "{value}");
    // The witness, beside a policy that allows everything: denied before, allowed now.
    let resource = lifted["witness"]["resource"].as_str().unwrap_or_default();
    let everything = "tests/fixtures/diff_fail_open/allow-everything.json";
    for (policy, expected) in [(guard, 1), (narrowed, 0)] {
        let (code, out, _) = common::run(&[
            "simulate",
            "--policy",
            policy,
            "--policy",
            everything,
            "--action",
            "kvstore:DeleteInstance",
            "--resource",
            resource,
        ]);
        assert_eq!(code, expected, "{policy}: {out}");
    }
    // The human report says so.
    let (code, out, _) = common::run(&["diff", "--fail-on-new-access", guard, narrowed]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("no longer denied (denied before by statement 1 of"),
        "{out}"
    );
    assert!(
        out.contains("0 new, 0 removed, 1 no longer denied (1 failed check)"),
        "{out}"
    );
    // Tightening it back lifts nothing.
    let (code, value) = json_diff(&["--fail-on-new-access", narrowed, guard]);
    assert_eq!(code, 0, "{value}");
    assert_eq!(value["summary"]["lifted"], 0, "{value}");
}

/// A check of an action no policy can name passes whatever NEW says: refused, with what was
/// meant.
#[test]
fn deny_access_of_an_action_the_catalogue_does_not_know_is_refused() {
    for (check, meant) in [
        ("r-kvstore:DeleteInstance", "write `kvstore:DeleteInstance`"),
        ("kvstore:DeleteInstances", "did you mean `kvstore:DeleteInstance`?"),
        ("kvstor:DeleteInstance", "write `kvstore:DeleteInstance`"),
        (
            "kvstore:DeleteInstance@acs:r-kvstore:*:*:instance/*",
            "write `acs:kvstore:...`",
        ),
    ] {
        let (code, out, err) = common::run(&["diff", "--deny-access", check, DESCRIBE, DELETE_ONE]);
        assert_eq!(code, 2, "{check}: {out}{err}");
        assert!(err.contains(meant), "{check}: {err}");
    }
    // RAM matches actions ignoring case: another case is the same action.
    let (code, out, _) = common::run(&["diff", "--deny-access", "KVSTORE:deleteinstance", DESCRIBE, DELETE_ONE]);
    assert_eq!(code, 1, "{out}");
}

/// One document fails a check while another is uncertain: the run failed, and "the checks
/// found nothing" would be false.
#[test]
fn a_failed_check_is_not_called_uncertain() {
    let (old, new) = (
        "tests/fixtures/diff_fail_open/two-old.tf",
        "tests/fixtures/diff_fail_open/two-new.tf",
    );
    let (code, out, _) = common::run(&["diff", "--fail-on-new-access", old, new]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("note: `*:describe*` name no single service"), "{out}");
    assert!(!out.contains("uncertain"), "{out}");
    let (code, value) = json_diff(&["--fail-on-new-access", old, new]);
    assert_eq!(code, 1, "{value}");
    assert_eq!(value["summary"]["uncertain"], false, "{value}");
}

/// A guard whose denial hangs on what ramguard cannot settle (a value only Terraform knows, a
/// key that may be absent) and that NEW no longer makes: "conditional before, allowed after"
/// may be a lifted denial, and fails the check.
#[test]
fn a_guard_that_may_have_denied_and_no_longer_does_fails_the_check() {
    for (old, new) in [
        (
            "tests/fixtures/diff_fail_open/var-guard-old.tf",
            "tests/fixtures/diff_fail_open/var-guard-new.tf",
        ),
        (
            "tests/fixtures/diff_fail_open/absent-key-guard.json",
            "tests/fixtures/diff_fail_open/absent-key-guard-loosened.json",
        ),
    ] {
        let (code, value) = json_diff(&["--fail-on-new-access", old, new]);
        assert_eq!(code, 1, "{old}: {value}");
        let may_lift = &value["documents"][0]["may_lift"][0];
        assert_eq!(may_lift["witness"]["action"], "kvstore:DeleteInstance", "{value}");
        assert_eq!(may_lift["old"], "conditional", "{value}");
        assert_eq!(value["summary"]["may_lift"], 1, "{value}");
        let (code, out, _) = common::run(&["diff", "--fail-on-new-access", old, new]);
        assert_eq!(code, 1, "{out}");
        assert!(out.contains("may no longer be denied"), "{out}");
    }
}

/// NEW allows for sure what OLD may have denied: possible new access, which fails the check.
#[test]
fn allowed_where_old_may_have_denied_fails_the_check() {
    let (code, value) = json_diff(&[
        "--fail-on-new-access",
        "tests/fixtures/diff_fail_open/allow-with-absent-key-guard.json",
        "tests/fixtures/diff_fail_open/allow-with-absent-key-guard-loosened.json",
    ]);
    assert_eq!(code, 1, "{value}");
    let undecided = &value["documents"][0]["undecided"][0];
    assert_eq!(
        (&undecided["old"], &undecided["new"]),
        (&"conditional".into(), &"allowed".into()),
        "{value}"
    );
    assert!(
        value["failed_checks"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("may allow 1 request(s)")),
        "{value}"
    );
}

/// A lifted denial has no statement in NEW: its failed check stands on NEW's file, not on none.
#[test]
fn a_lifted_denial_is_annotated_on_the_new_file() {
    let args = [
        "diff",
        "--fail-on-new-access",
        "--format",
        "github",
        "tests/fixtures/diff_fail_open/guard.json",
        "tests/fixtures/diff_fail_open/guard-narrowed.json",
    ];
    let (code, out, _) = common::run(&args);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.lines()
            .any(|l| l.starts_with("::error file=tests/fixtures/diff_fail_open/guard-narrowed.json,line=1")),
        "{out}"
    );
}

/// A guard given `count = 0` is destroyed by Terraform though its document reads the same:
/// said, and never a clean pass under a check.
#[test]
fn a_changed_count_or_for_each_is_not_a_clean_pass() {
    let value = noted("count-old.tf", "count-new.tf");
    let guard = value["documents"]
        .as_array()
        .and_then(|d| d.iter().find(|d| d["address"] == "alicloud_ram_policy.guard"))
        .cloned()
        .unwrap_or_default();
    assert!(
        guard["limits"][0]
            .as_str()
            .is_some_and(|n| n.contains("(none in OLD, `count = 0` in NEW)")),
        "{value}"
    );
}

/// Two files named: a local the document reads, widened in the same file, is said (it
/// compared alike, exit 0).
#[test]
fn a_changed_local_of_the_same_file_is_not_a_clean_pass() {
    let value = noted("local-old.tf", "local-new.tf");
    assert!(
        value["documents"][0]["limits"].as_array().is_some_and(|notes| notes
            .iter()
            .any(|n| n.as_str().is_some_and(|n| n.contains("`local.arns`")))),
        "{value}"
    );
}

/// A ROS guard detached from its user (`Users: [ops]` -> `[]`): the documents read the same,
/// the access does not.
#[test]
fn a_detached_guard_is_not_a_clean_pass() {
    let value = noted("attached.yaml", "detached.yaml");
    assert!(
        value
            .to_string()
            .contains("the policy attachments `Resources.Guard.Properties.Users` differ"),
        "{value}"
    );
}

/// A group given `AdministratorAccess` by its `PolicyAttachments`, a user added to it (ROS's
/// `UserToGroupAddition`, Terraform's `alicloud_ram_group_membership`): no document changes,
/// the access does (each passed `--fail-on-new-access`, exit 0).
#[test]
fn a_policy_attached_by_property_or_a_new_group_member_is_not_a_clean_pass() {
    let value = noted("group-old.yaml", "group-new.yaml");
    assert!(
        value
            .to_string()
            .contains("the policy attachments `Resources.G.Properties.PolicyAttachments`, `Resources.U` differ"),
        "{value}"
    );
    let value = noted("membership-old.tf", "membership-new.tf");
    assert!(
        value
            .to_string()
            .contains("the policy attachments `alicloud_ram_group_membership.m` differ"),
        "{value}"
    );
}

/// A witness that needs a key absent is replayed with `--absent`: the old side beside an
/// `Allow` of everything stays conditional, the new side is allowed, as `may_lift` says.
#[test]
fn a_witness_with_an_absent_key_is_replayed_with_absent() {
    let everything = "tests/fixtures/diff_fail_open/allow-everything.json";
    let replay = |policy: &str| {
        common::run(&[
            "simulate",
            "--format",
            "json",
            "--policy",
            policy,
            "--policy",
            everything,
            "--action",
            "kvstore:DeleteInstance",
            "--resource",
            "*",
            "--absent",
            "acs:ResourceTag/env",
        ])
    };
    let (code, out, _) = replay("tests/fixtures/diff_fail_open/absent-key-guard.json");
    assert_eq!(code, 3, "{out}");
    assert!(out.contains("\"decision\": \"conditional\""), "{out}");
    let (code, out, _) = replay("tests/fixtures/diff_fail_open/absent-key-guard-loosened.json");
    assert_eq!(code, 0, "{out}");
    // A key cannot be both.
    let (code, _, err) = common::run(&[
        "simulate",
        "--policy",
        everything,
        "--action",
        "kvstore:DeleteInstance",
        "--resource",
        "*",
        "--context",
        "acs:ResourceTag/env=dev",
        "--absent",
        "acs:ResourceTag/env",
    ]);
    assert_eq!(code, 2, "{err}");
}
