#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test fails loudly"
)]
//! Issue 10, section 3: `ramguard diff OLD NEW`, the access a change grants and takes away.

mod common;

use std::collections::BTreeSet;
use std::sync::Arc;

use proptest::prelude::*;
use ramguard::catalog::Catalog;
use ramguard::diff::{self, DocumentDiff};
use ramguard::eval::{CompiledPolicy, Decision};
use ramguard::policy::Policy;
use ramguard::source::SourceFile;
use serde_json::Value;

const DESCRIBE: &str = "tests/fixtures/diff/describe.json";
const ALL: &str = "tests/fixtures/diff/all.json";
const DESCRIBE_WITH_DENY: &str = "tests/fixtures/diff/all-with-deny.json";
const ECS_CONDITIONAL: &str = "tests/fixtures/diff/ecs-cond.json";
const ECS_WIDE: &str = "tests/fixtures/diff/ecs-wide.json";
const SEVERAL: &str = "tests/fixtures/diff/several-documents.json";

fn json_diff(extra: &[&str]) -> (i32, Value) {
    let mut args = vec!["diff", "--format", "json"];
    args.extend(extra);
    let (code, out, err) = common::run(&args);
    let value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}\n{err}"));
    (code, value)
}

fn actions(value: &Value, side: &str) -> Vec<String> {
    value["documents"][0][side]
        .as_array()
        .unwrap_or_else(|| panic!("no `{side}`: {value}"))
        .iter()
        .map(|c| c["witness"]["action"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn widening_describe_to_everything_reports_delete_instance_as_new_access() {
    let (code, out, err) = common::run(&["diff", DESCRIBE, ALL]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("+ `kvstore:DeleteInstance` on `*` (allowed by statement 1 of tests/fixtures/diff/all.json:5)"),
        "{out}"
    );
    assert!(!out.contains("+ `kvstore:DescribeInstances`"), "{out}");
    assert!(
        out.contains("coverage: actions: every kvstore action of the catalogue"),
        "{out}"
    );

    let (code, value) = json_diff(&[DESCRIBE, ALL]);
    assert_eq!(code, 0);
    let document = &value["documents"][0];
    assert_eq!(document["file"], ALL);
    let delete = document["new"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["witness"]["action"] == "kvstore:DeleteInstance")
        .unwrap_or_else(|| panic!("{value}"));
    assert_eq!(delete["witness"]["resource"], "*");
    assert_eq!(delete["line"], 5);
    assert_eq!(delete["statements"][0]["file"], ALL);
    assert!(document["removed"].as_array().unwrap().is_empty());
    // Every kvstore action the catalogue has, less those `Describe*` already allowed.
    let catalogue = Catalog::shared();
    let kvstore = catalogue.actions("kvstore").unwrap_or_default();
    let describes = kvstore.iter().filter(|a| a.name.starts_with("Describe")).count();
    assert_eq!(value["summary"]["new"], kvstore.len() - describes);
}

#[test]
fn swapping_the_files_reports_the_same_access_as_removed() {
    let (_, forward) = json_diff(&[DESCRIBE, ALL]);
    let (_, backward) = json_diff(&[ALL, DESCRIBE]);
    assert_eq!(actions(&forward, "new"), actions(&backward, "removed"));
    assert!(actions(&backward, "new").is_empty());
}

#[test]
fn fail_on_new_access_fails_on_a_widening_only() {
    let (code, out, _) = common::run(&["diff", "--fail-on-new-access", DESCRIBE, ALL]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("error: --fail-on-new-access: `tests/fixtures/diff/all.json` allows"),
        "{out}"
    );
    let (code, out, _) = common::run(&["diff", "--fail-on-new-access", ALL, DESCRIBE]);
    assert_eq!(code, 0, "{out}");
    let (code, out, _) = common::run(&["diff", "--fail-on-new-access", DESCRIBE, DESCRIBE]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("no access added or removed"), "{out}");
}

#[test]
fn a_change_that_only_adds_a_deny_adds_no_access() {
    let (code, value) = json_diff(&["--fail-on-new-access", DESCRIBE, DESCRIBE_WITH_DENY]);
    assert_eq!(code, 0, "{value}");
    assert!(actions(&value, "new").is_empty(), "{value}");
    // The `Deny` takes `DescribeInstances` away outside `vpc-1`, and says when.
    let removed = &value["documents"][0]["removed"][0]["witness"];
    assert_eq!(removed["action"], "kvstore:DescribeInstances");
    assert_eq!(removed["context"][0], "acs:SourceVpc=other", "{value}");
}

#[test]
fn deny_access_fails_when_new_allows_the_action_in_some_context() {
    let (code, out, _) = common::run(&["diff", "--deny-access", "kvstore:DeleteInstance", DESCRIBE, ALL]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("error: --deny-access `kvstore:DeleteInstance`: `tests/fixtures/diff/all.json` allows `kvstore:DeleteInstance` on `*`"),
        "{out}"
    );
    let (code, out, _) = common::run(&["diff", "--deny-access", "kvstore:DeleteInstance", ALL, DESCRIBE]);
    assert_eq!(code, 0, "{out}");
    // Only under a condition: still allowed in some context, and the context is named.
    let arn = "kvstore:DescribeInstances@acs:kvstore:cn-hangzhou:1234567890123456:instance/r-prod1";
    let (code, value) = json_diff(&["--deny-access", arn, ALL, ECS_CONDITIONAL]);
    assert_eq!(code, 1, "{value}");
    let witness = &value["failed_checks"][0]["witness"];
    assert_eq!(witness["context"][0], "acs:SourceIp=10.0.0.0", "{value}");
    // Outside the statement's resources: not allowed anywhere.
    let other = "kvstore:DescribeInstances@acs:kvstore:cn-hangzhou:1234567890123456:instance/r-dev1";
    let (code, value) = json_diff(&["--deny-access", other, ALL, ECS_CONDITIONAL]);
    assert_eq!(code, 0, "{value}");
}

#[test]
fn other_services_resources_and_conditions_are_split_into_classes() {
    let (code, value) = json_diff(&[ECS_CONDITIONAL, ECS_WIDE]);
    assert_eq!(code, 0);
    let new = actions(&value, "new");
    // `ecs:*` widens `ecs:Describe*`: an action outside it is new.
    assert!(new.iter().any(|a| a == "ecs:otheraction"), "{value}");
    // `NotResource` takes the secret instance away, where the old condition allowed it.
    let removed = &value["documents"][0]["removed"];
    assert!(
        removed.as_array().unwrap().iter().any(|c| c["witness"]["resource"]
            == "acs:kvstore:cn-hangzhou:1234567890123456:instance/r-prod-secret"
            && c["witness"]["context"][0] == "acs:SourceIp=10.0.0.0"),
        "{value}"
    );
    // Dropping the condition: a source address outside 10.0.0.0/8 is new access.
    assert!(
        value["documents"][0]["new"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["witness"]["action"] == "kvstore:DescribeInstances"
                && c["witness"]["context"][0] == "acs:SourceIp=0.0.0.0"),
        "{value}"
    );
}

#[test]
fn every_witness_fed_to_simulate_gets_its_decision() {
    let (_, value) = json_diff(&[ECS_CONDITIONAL, ECS_WIDE]);
    for (side, allowed_by, denied_by) in [
        ("new", ECS_WIDE, ECS_CONDITIONAL),
        ("removed", ECS_CONDITIONAL, ECS_WIDE),
    ] {
        for change in value["documents"][0][side].as_array().unwrap() {
            let witness = &change["witness"];
            assert!(witness["absent"].as_array().unwrap().is_empty());
            let action = witness["action"].as_str().unwrap();
            let resource = witness["resource"].as_str().unwrap();
            let context: Vec<String> = witness["context"]
                .as_array()
                .unwrap()
                .iter()
                .flat_map(|c| ["--context".to_string(), c.as_str().unwrap().to_string()])
                .collect();
            for (policy, expected) in [(allowed_by, 0), (denied_by, 1)] {
                let mut args = vec![
                    "simulate",
                    "--policy",
                    policy,
                    "--action",
                    action,
                    "--resource",
                    resource,
                ];
                args.extend(context.iter().map(String::as_str));
                let (code, out, err) = common::run(&args);
                assert_eq!(code, expected, "{args:?}: {out}{err}");
            }
        }
    }
}

#[test]
fn a_file_with_several_documents_is_refused() {
    let (code, out, err) = common::run(&["diff", SEVERAL, ALL]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(err.contains("carries several policy documents"), "{err}");
}

#[test]
fn bad_arguments_are_refused() {
    let (code, _, err) = common::run(&["diff", "--deny-access", "kvstore:Delete*", DESCRIBE, ALL]);
    assert_eq!(code, 2);
    assert!(err.contains("is not an action"), "{err}");
    let (code, _, err) = common::run(&["diff", "--deny-access", "kvstore:DeleteInstance@r-1", DESCRIBE, ALL]);
    assert_eq!(code, 2);
    assert!(err.contains("is not a resource ARN"), "{err}");
    // `--format` lists only what `diff` prints; before the subcommand, it is checked too.
    let (code, _, err) = common::run(&["diff", "--format", "concise", DESCRIBE, ALL]);
    assert_eq!(code, 2);
    assert!(err.contains("invalid value 'concise'"), "{err}");
    let (code, _, err) = common::run(&["--format", "concise", "diff", DESCRIBE, ALL]);
    assert_eq!(code, 2);
    assert!(
        err.contains("`diff` prints `human`, `json`, `sarif` or `github`"),
        "{err}"
    );
}

// --- properties -------------------------------------------------------------------------------

const ACTIONS: &[&str] = &[
    "kvstore:Describe*",
    "kvstore:*",
    "kvstore:DeleteInstance",
    "kvstore:DescribeInstances",
    "kvstore:*Instance",
    "ecs:Describe*",
    "ecs:*",
    "ecs:RunInstances",
];
const RESOURCES: &[&str] = &[
    "*",
    "acs:kvstore:*:*:instance/r-1*",
    "acs:kvstore:cn-hangzhou:*:instance/*",
    "acs:kvstore:*:1234567890123456:instance/r-1",
    "acs:ecs:*:*:*",
];
const CONDITIONS: &[&str] = &[
    r#""StringEquals": {"acs:SourceVpc": "vpc-1"}"#,
    r#""StringLike": {"acs:SourceVpc": "vpc-*"}"#,
    r#""StringNotEquals": {"acs:SourceVpc": "vpc-2"}"#,
    r#""Bool": {"acs:SecureTransport": "true"}"#,
    r#""IpAddress": {"acs:SourceIp": "10.0.0.0/8"}"#,
];

#[derive(Debug, Clone)]
struct Spec {
    allow: bool,
    not_action: bool,
    actions: Vec<usize>,
    not_resource: bool,
    resources: Vec<usize>,
    condition: Option<usize>,
}

fn spec() -> impl Strategy<Value = Spec> {
    (
        prop::bool::weighted(0.7),
        prop::bool::weighted(0.15),
        prop::collection::vec(0..ACTIONS.len(), 1..3),
        prop::bool::weighted(0.2),
        prop::collection::vec(0..RESOURCES.len(), 1..3),
        prop::option::weighted(0.4, 0..CONDITIONS.len()),
    )
        .prop_map(
            |(allow, not_action, actions, not_resource, resources, condition)| Spec {
                allow,
                not_action,
                actions,
                not_resource,
                resources,
                condition,
            },
        )
}

fn list(pool: &[&str], at: &[usize]) -> String {
    let items: BTreeSet<String> = at.iter().map(|&i| format!("\"{}\"", pool[i])).collect();
    format!("[{}]", items.into_iter().collect::<Vec<_>>().join(", "))
}

fn render(spec: &Spec) -> String {
    format!(
        r#"{{"Effect": "{}", "{}": {}, "{}": {}{}}}"#,
        if spec.allow { "Allow" } else { "Deny" },
        if spec.not_action { "NotAction" } else { "Action" },
        list(ACTIONS, &spec.actions),
        if spec.not_resource { "NotResource" } else { "Resource" },
        list(RESOURCES, &spec.resources),
        spec.condition
            .map(|c| format!(r#", "Condition": {{{}}}"#, CONDITIONS[c]))
            .unwrap_or_default()
    )
}

fn compile(name: &str, specs: &[Spec]) -> CompiledPolicy {
    let body: Vec<String> = specs.iter().map(render).collect();
    let text = format!(r#"{{"Version": "1", "Statement": [{}]}}"#, body.join(", "));
    let root = ramguard::json::parse(&text).unwrap_or_else(|e| panic!("{e:?}: {text}"));
    CompiledPolicy::new(
        Arc::new(SourceFile::new(name, text.clone())),
        &Policy::from_document(&root),
    )
}

/// Requests to probe the diff's completeness with: a few actions, concrete ARNs, and values of
/// the condition keys (or the key absent).
fn probes() -> Vec<(&'static str, &'static str, ramguard::eval::exact::Assignment)> {
    let actions = [
        "kvstore:DeleteInstance",
        "kvstore:DescribeInstances",
        "kvstore:CreateInstance",
    ];
    let resources = [
        "acs:kvstore:cn-hangzhou:1234567890123456:instance/r-1",
        "acs:kvstore:cn-beijing:9999999999999999:instance/r-12",
        "acs:kvstore:cn-hangzhou:1234567890123456:instance/r-2",
        "acs:ecs:cn-hangzhou:1234567890123456:instance/i-1",
    ];
    let value = |key: &str, v: Option<&str>| (key.to_string(), v.map(|v| vec![v.to_string()]));
    let mut out = Vec::new();
    for action in actions {
        for resource in resources {
            for vpc in [Some("vpc-1"), Some("vpc-2"), Some("vpc-x"), Some("other")] {
                for secure in [Some("true"), Some("false")] {
                    for ip in [Some("10.1.2.3"), Some("192.168.0.1")] {
                        out.push((
                            action,
                            resource,
                            vec![
                                value("acs:SourceVpc", vpc),
                                value("acs:SecureTransport", secure),
                                value("acs:SourceIp", ip),
                            ],
                        ));
                    }
                }
            }
        }
    }
    out
}

fn pairs(changes: &[diff::Change]) -> BTreeSet<(String, String)> {
    changes
        .iter()
        .map(|c| (c.witness.action.clone(), c.witness.resource.clone()))
        .collect()
}

fn denied(decision: Decision) -> bool {
    matches!(decision, Decision::ExplicitDeny | Decision::ImplicitDeny)
}

fn check_witnesses(old: &CompiledPolicy, new: &CompiledPolicy, result: &DocumentDiff) {
    let (old_layers, new_layers) = (diff::as_layers(old), diff::as_layers(new));
    for change in &result.new {
        assert_eq!(diff::decide(&new_layers, &change.witness).decision, Decision::Allowed);
        assert!(denied(diff::decide(&old_layers, &change.witness).decision));
        assert!(!change.statements.is_empty());
    }
    for change in &result.removed {
        assert_eq!(diff::decide(&old_layers, &change.witness).decision, Decision::Allowed);
        assert!(denied(diff::decide(&new_layers, &change.witness).decision));
    }
    // A lifted denial: OLD denies it explicitly; NEW neither denies it explicitly nor allows it
    // alone for sure (that would be `new`); and beside a policy that allows everything, NEW
    // allows it.
    let text = r#"{"Version": "1", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}"#;
    let root = ramguard::json::parse(text).unwrap_or_else(|e| panic!("{e:?}"));
    let everything = CompiledPolicy::new(
        Arc::new(SourceFile::new("other.json", text)),
        &Policy::from_document(&root),
    );
    let beside = |policy: &CompiledPolicy| {
        [ramguard::eval::Layer {
            kind: ramguard::eval::LayerKind::IdentityPolicy,
            policies: vec![policy.clone(), everything.clone()],
        }]
    };
    for change in &result.lifted {
        assert_eq!(
            diff::decide(&old_layers, &change.witness).decision,
            Decision::ExplicitDeny
        );
        let alone = diff::decide(&new_layers, &change.witness).decision;
        assert!(
            matches!(alone, Decision::ImplicitDeny | Decision::Conditional),
            "{alone:?}"
        );
        assert_eq!(diff::decide(&beside(new), &change.witness).decision, Decision::Allowed);
        assert_eq!(
            diff::decide(&beside(old), &change.witness).decision,
            Decision::ExplicitDeny
        );
        assert!(!change.statements.is_empty());
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn diff_keeps_its_laws(
        a in prop::collection::vec(spec(), 1..4),
        b in prop::collection::vec(spec(), 1..4),
        deny in spec(),
    ) {
        let catalog = Catalog::shared();
        let (old, new) = (compile("old.json", &a), compile("new.json", &b));

        // Comparing a policy with itself finds nothing.
        let same = diff::diff(&old, &old, &catalog);
        prop_assert!(same.new.is_empty() && same.removed.is_empty(), "{:?}", same.new);

        // Every witness gets its decisions on both sides.
        let forward = diff::diff(&old, &new, &catalog);
        check_witnesses(&old, &new, &forward);

        // Swapping OLD and NEW swaps new and removed access.
        let backward = diff::diff(&new, &old, &catalog);
        prop_assert_eq!(pairs(&forward.new), pairs(&backward.removed));
        prop_assert_eq!(pairs(&forward.removed), pairs(&backward.new));

        // Complete over a pool of probe requests: where a probe shows new (or removed) access
        // on an action and resource, the diff reports that action (on some resource).
        for (action, resource, context) in probes() {
            let witness = diff::Witness { action: action.to_string(), resource: resource.to_string(), context };
            let before = diff::decide(&diff::as_layers(&old), &witness).decision;
            let after = diff::decide(&diff::as_layers(&new), &witness).decision;
            let reported = |changes: &[diff::Change]| changes.iter().any(|c| c.witness.action.eq_ignore_ascii_case(action));
            if after == Decision::Allowed && denied(before) {
                prop_assert!(reported(&forward.new), "missed new access {:?}", witness);
            }
            if before == Decision::Allowed && denied(after) {
                prop_assert!(reported(&forward.removed), "missed removed access {:?}", witness);
            }
        }

        // Removing a `Deny` that applies somewhere lifts it, or the access it guarded is new.
        let mut guarded = b.clone();
        guarded.push(Spec { allow: false, ..deny.clone() });
        let guarded = compile("old.json", &guarded);
        let unguarded = diff::diff(&guarded, &new, &catalog);
        check_witnesses(&guarded, &new, &unguarded);
        for (action, resource, context) in probes() {
            let witness = diff::Witness { action: action.to_string(), resource: resource.to_string(), context };
            let before = diff::decide(&diff::as_layers(&guarded), &witness).decision;
            let after = diff::decide(&diff::as_layers(&new), &witness).decision;
            if before == Decision::ExplicitDeny && after == Decision::ImplicitDeny {
                // As lifted, or as new access where NEW allows it in other contexts.
                let reported = unguarded.lifted.iter().chain(&unguarded.new).any(|c| c.witness.action.eq_ignore_ascii_case(action));
                prop_assert!(reported, "missed a lifted denial {:?}", witness);
            }
        }

        // Adding only a `Deny` grants nothing.
        let mut with_deny = a.clone();
        with_deny.push(Spec { allow: false, ..deny });
        let denied_more = compile("new.json", &with_deny);
        let added = diff::diff(&old, &denied_more, &catalog);
        prop_assert!(added.new.is_empty() && added.lifted.is_empty(), "{:?} {:?}", added.new, added.lifted);
        check_witnesses(&old, &denied_more, &added);
    }
}

#[test]
fn a_kvstore_action_the_catalogue_does_not_list_is_compared_as_written() {
    let catalog = Catalog::shared();
    let spec = |actions: Vec<usize>| Spec {
        allow: true,
        not_action: false,
        actions,
        not_resource: false,
        resources: vec![0],
        condition: None,
    };
    let old = compile("old.json", &[spec(vec![0])]);
    let text =
        r#"{"Version": "1", "Statement": [{"Effect": "Allow", "Action": "kvstore:FutureAction", "Resource": "*"}]}"#;
    let root = ramguard::json::parse(text).unwrap_or_else(|e| panic!("{e:?}"));
    let new = CompiledPolicy::new(
        Arc::new(SourceFile::new("new.json", text)),
        &Policy::from_document(&root),
    );
    let result = diff::diff(&old, &new, &catalog);
    let new_actions: Vec<&str> = result.new.iter().map(|c| c.witness.action.as_str()).collect();
    // In lowercase: the compiled patterns keep no spelling (RAM ignores the case of actions).
    assert_eq!(new_actions, ["kvstore:futureaction"]);
}

#[test]
fn the_configuration_catalogue_is_compared_too() {
    let config = "tests/fixtures/diff/catalog.toml";
    let (code, out, err) = common::run(&["diff", "--config", config, DESCRIBE, ALL]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("+ `kvstore:PurgeEverything` on `*`"), "{out}");
}

#[test]
fn a_check_over_an_incomplete_comparison_is_uncertain() {
    let unscoped = "tests/fixtures/diff/unscoped.json";
    let (code, out, err) = common::run(&["diff", "--fail-on-new-access", unscoped, unscoped]);
    assert_eq!(code, 3, "{out}{err}");
    assert!(out.contains("note: `*:describe*` name no single service"), "{out}");
    assert!(out.contains("uncertain: the checks found nothing"), "{out}");
    // Without a check, the diff is just reported.
    let (code, out, _) = common::run(&["diff", unscoped, unscoped]);
    assert_eq!(code, 0, "{out}");
}
