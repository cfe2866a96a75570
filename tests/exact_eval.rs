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

#[test]
fn linked_conditions_are_an_implicit_deny_and_preflight_says_no_go() {
    // Before: `conditional` on `acs:SourceVpc` (exit 3), preflight `uncertain`; every value is
    // denied: `vpc-1` by the `Deny`, any other by nothing allowing.
    let (code, out, _) = simulate(&["--policy", LINKED_VPC]);
    assert_eq!((code, out["decision"].as_str()), (1, Some("implicit-deny")), "{out}");
    assert_eq!(out["decided_over"][0], "acs:SourceVpc", "{out}");
    assert!(
        out["message"]
            .as_str()
            .unwrap()
            .starts_with("implicit deny: no value of `acs:SourceVpc` lets the identity policies allow"),
        "{out}"
    );
    let (code, stdout, stderr) = common::run(&[
        "preflight",
        "--format",
        "json",
        "--instance",
        "tests/fixtures/eval/releasable-instance.json",
        "--account-id",
        "1234567890123456",
        "--policy",
        LINKED_VPC,
    ]);
    let out: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}{stderr}"));
    assert_eq!((code, out["verdict"].as_str()), (1, Some("no-go")), "{out}");
    let permission = out["instances"][0]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "permission")
        .unwrap();
    assert_eq!(permission["status"], "fail", "{permission}");
    assert!(
        permission["message"]
            .as_str()
            .unwrap()
            .contains("no value of `acs:SourceVpc`"),
        "{permission}"
    );
}

#[test]
fn a_conditional_answer_names_a_witness_for_each_side() {
    let (code, out, _) = simulate(&["--policy", "tests/fixtures/exact/vpc-and-mfa.json"]);
    assert_eq!((code, out["decision"].as_str()), (3, Some("conditional")), "{out}");
    let witnesses = out["witnesses"].as_array().unwrap();
    assert_eq!(witnesses.len(), 2, "{out}");
    assert_eq!(witnesses[0]["decision"], "allowed");
    assert!(witnesses[1]["decision"].as_str().unwrap().ends_with("deny"), "{out}");
    assert!(out["message"].as_str().unwrap().contains("allowed when `"), "{out}");
    // Each witness, fed back as `--context`, gets its decision.
    for witness in witnesses {
        assert_eq!(witness["absent"].as_array().unwrap().len(), 0, "{witness}");
        let mut args = vec!["--policy", "tests/fixtures/exact/vpc-and-mfa.json"];
        for assignment in witness["context"].as_array().unwrap() {
            args.extend(["--context", assignment.as_str().unwrap()]);
        }
        let (_, again, _) = simulate(&args);
        assert_eq!(again["decision"], witness["decision"], "{witness} {again}");
    }
}

// The laws of the exact search, on generated policies: every witness gives its decision when fed
// back; a definite answer holds for every value of the missing keys (checked against a pool of
// values, the key absent included); a `conditional` answer with nothing undecidable names both
// sides; and where two values of the pool disagree, the answer is `conditional`.

use std::collections::BTreeSet;
use std::sync::Arc;

use proptest::prelude::*;
use ramguard::eval::{self, CompiledPolicy, Context, Decision, Layer, LayerKind, Resource};
use ramguard::policy::Policy;
use ramguard::source::SourceFile;

/// (operator, key, the constants it may compare with).
const CONDITIONS: &[(&str, &str, &[&str])] = &[
    ("StringEquals", "acs:SourceVpc", &["vpc-1", "VPC-1", "vpc-2"]),
    ("StringNotEquals", "acs:SourceVpc", &["vpc-1", "vpc-2"]),
    ("StringEqualsIgnoreCase", "acs:SourceVpc", &["vpc-1", "Vpc-2"]),
    ("StringNotEqualsIgnoreCase", "acs:SourceVpc", &["VPC-1"]),
    ("StringLike", "acs:SourceVpc", &["vpc-*", "*-1", "v?c-1", "*"]),
    ("StringNotLike", "acs:SourceVpc", &["vpc-*", "*-2"]),
    ("Bool", "acs:MFAPresent", &["true", "false"]),
    (
        "IpAddress",
        "acs:SourceIp",
        &["10.0.0.0/8", "10.1.0.0/16", "192.168.1.1"],
    ),
    ("NotIpAddress", "acs:SourceIp", &["10.0.0.0/8"]),
    (
        "DateLessThan",
        "acs:CurrentTime",
        &["2026-01-01T00:00:00Z", "2026-06-01T00:00:00Z"],
    ),
    ("DateGreaterThanEquals", "acs:CurrentTime", &["2026-01-01T00:00:00Z"]),
    ("DateEquals", "acs:CurrentTime", &["2026-06-01T00:00:00Z"]),
    ("NumericLessThan", "ram:Count", &["1", "2.5", "-3"]),
    ("NumericGreaterThanEquals", "ram:Count", &["2.5"]),
    ("NumericNotEquals", "ram:Count", &["1"]),
    ("ForAnyValue:StringEquals", "acs:TagKeys", &["env", "team"]),
    ("ForAllValues:StringEquals", "acs:TagKeys", &["env", "team"]),
    ("ForAnyValue:StringLike", "acs:TagKeys", &["t*"]),
];

/// Values a probe gives each key (`None`: absent).
fn pool(key: &str) -> Vec<Option<Vec<&'static str>>> {
    let singles: &[&str] = match key {
        "acs:SourceVpc" => &["vpc-1", "VPC-1", "vpc-2", "Vpc-2", "vpc-x", "x-1", "vac-1", "other", ""],
        "acs:MFAPresent" => &["true", "false"],
        "acs:SourceIp" => &["10.0.0.1", "10.1.2.3", "192.168.1.1", "8.8.8.8", "::1"],
        "acs:CurrentTime" => &[
            "2025-01-01T00:00:00Z",
            "2026-01-01T00:00:00Z",
            "2026-03-01T00:00:00Z",
            "2026-06-01T00:00:00Z",
            "2027-01-01T00:00:00Z",
        ],
        "ram:Count" => &["0", "1", "2", "2.5", "3", "-3", "-5", "abc"],
        _ => &[],
    };
    let mut out: Vec<Option<Vec<&str>>> = singles.iter().map(|v| Some(vec![*v])).collect();
    if key == "acs:TagKeys" {
        for set in [
            &["env"][..],
            &["team"],
            &["env", "team"],
            &["other"],
            &["env", "other"],
            &["team", "tmp"],
        ] {
            out.push(Some(set.to_vec()));
        }
    }
    out.push(None);
    out
}

#[derive(Debug, Clone)]
struct Spec {
    allow: bool,
    action: &'static str,
    conditions: Vec<(usize, usize)>,
}

fn spec() -> impl Strategy<Value = Spec> {
    (
        any::<bool>(),
        prop::sample::select(vec!["kvstore:DeleteInstance", "kvstore:*", "ecs:*"]),
        prop::collection::vec((0..CONDITIONS.len(), 0..3usize), 0..3),
    )
        .prop_map(|(allow, action, conditions)| Spec {
            allow,
            action,
            conditions,
        })
}

fn render(spec: &Spec) -> String {
    // One key per operator: a repeated operator is (rightly) not evaluated.
    let mut seen = BTreeSet::new();
    let mut operators: Vec<String> = Vec::new();
    for &(c, v) in &spec.conditions {
        let (operator, key, values) = CONDITIONS[c];
        if seen.insert(operator) {
            operators.push(format!(r#""{operator}": {{"{key}": "{}"}}"#, values[v % values.len()]));
        }
    }
    let condition = if operators.is_empty() {
        String::new()
    } else {
        format!(r#", "Condition": {{{}}}"#, operators.join(", "))
    };
    format!(
        r#"{{"Effect": "{}", "Action": "{}", "Resource": "*"{condition}}}"#,
        if spec.allow { "Allow" } else { "Deny" },
        spec.action
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

fn denied(decision: Decision) -> bool {
    matches!(decision, Decision::ExplicitDeny | Decision::ImplicitDeny)
}

const ARN: &str = "acs:kvstore:cn-hangzhou:1234567890123456:instance/r-1";

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn the_exact_search_keeps_its_laws(
        identity in prop::collection::vec(spec(), 1..5),
        control in prop::collection::vec(spec(), 0..2),
        supplied in prop::collection::vec(any::<bool>(), 6),
    ) {
        let layers = [
            Layer { kind: LayerKind::ControlPolicy, policies: if control.is_empty() { Vec::new() } else { vec![compile("control.json", &control)] } },
            Layer { kind: LayerKind::IdentityPolicy, policies: vec![compile("identity.json", &identity)] },
        ];
        let resource = Resource::known(ARN);
        // Some keys supplied (their first pool value), the others left to the search.
        let keys: BTreeSet<&str> = CONDITIONS.iter().map(|(_, k, _)| *k).collect();
        let mut context = Context::default();
        let mut open = Vec::new();
        for (key, supply) in keys.iter().zip(&supplied) {
            if *supply {
                if let Some(Some(values)) = pool(key).first() {
                    context.set(*key, values.iter().map(|v| v.to_string()).collect());
                }
            } else {
                open.push(*key);
            }
        }
        let action = "kvstore:DeleteInstance";
        let evaluation = eval::evaluate(&layers, action, &resource, &context);
        for witness in &evaluation.witnesses {
            let again = eval::evaluate(&layers, action, &resource, &witness.apply(&context));
            prop_assert_eq!(again.decision, witness.decision, "{}", witness.describe());
        }
        if evaluation.decision == Decision::Conditional && evaluation.reasons.is_empty() {
            // Both sides, or the case that stays undecided (a key absent under a negated or
            // `ForAllValues:` operator).
            let allowed = evaluation.witnesses.iter().any(|w| w.decision == Decision::Allowed);
            let denied_too = evaluation.witnesses.iter().any(|w| denied(w.decision));
            let undecided = evaluation.witnesses.iter().any(|w| w.decision == Decision::Conditional);
            prop_assert!((allowed && denied_too) || undecided, "{:?}", evaluation);
        }
        // Every combination of pool values of the open keys.
        let pools: Vec<Vec<Option<Vec<&str>>>> = open.iter().map(|k| pool(k)).collect();
        let mut counters = vec![0usize; pools.len()];
        let (mut some_allowed, mut some_denied) = (false, false);
        for _ in 0..3000 {
            let mut probe = context.clone();
            for ((key, values), &at) in open.iter().zip(&pools).zip(&counters) {
                match &values[at] {
                    Some(values) => probe.set(*key, values.iter().map(|v| v.to_string()).collect()),
                    None => probe.mark_absent(*key),
                }
            }
            let decision = eval::evaluate(&layers, action, &resource, &probe).decision;
            some_allowed |= decision == Decision::Allowed;
            some_denied |= denied(decision);
            match evaluation.decision {
                Decision::Allowed => prop_assert_eq!(decision, Decision::Allowed, "{:?}", probe),
                Decision::ExplicitDeny | Decision::ImplicitDeny => prop_assert!(denied(decision), "{:?} {:?}", probe, decision),
                Decision::Conditional => {}
            }
            let mut carried = true;
            for (counter, values) in counters.iter_mut().zip(&pools) {
                *counter += 1;
                if *counter < values.len() {
                    carried = false;
                    break;
                }
                *counter = 0;
            }
            if carried {
                break;
            }
        }
        if some_allowed && some_denied {
            prop_assert_eq!(evaluation.decision, Decision::Conditional);
        }
    }
}

#[test]
fn a_key_written_twice_is_not_decided_by_a_context() {
    // Before: with the key supplied, one of the two contradictory copies made the `Deny`
    // certainly not apply: `allowed`.
    let deny = r#"{"Version": "1", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}, {"Effect": "Deny", "Action": "kvstore:DeleteInstance", "Resource": "*", "Condition": {"Bool": {"acs:MFAPresent": "true", "acs:MFAPresent": "false"}}}]}"#;
    let root = ramguard::json::parse(deny).unwrap();
    let policy = CompiledPolicy::new(Arc::new(SourceFile::new("p.json", deny)), &Policy::from_document(&root));
    let layers = [Layer {
        kind: LayerKind::IdentityPolicy,
        policies: vec![policy],
    }];
    let mut context = Context::default();
    context.insert("acs:MFAPresent", "true");
    let evaluation = eval::evaluate(&layers, "kvstore:DeleteInstance", &Resource::known(ARN), &context);
    assert_eq!(evaluation.decision, Decision::Conditional, "{evaluation:?}");
    assert!(
        evaluation.reasons.iter().any(|r| r.contains("appears twice")),
        "{evaluation:?}"
    );
}

#[test]
fn past_its_bound_the_search_stays_conditional_and_says_so() {
    // Five keys, five constants each: 7^5 cases (each constant, another value, absent), past the
    // bound. Every case is denied, but the search cannot see them all: it must not say so.
    let keys = [
        "acs:SourceVpc",
        "acs:AccessId",
        "acs:UserAgent",
        "acs:Referer",
        "acs:Service",
    ];
    let condition: Vec<String> = keys
        .iter()
        .map(|k| format!(r#""{k}": ["a", "b", "c", "d", "e"]"#))
        .collect();
    let condition = format!(r#"{{"StringEquals": {{{}}}}}"#, condition.join(", "));
    let text = format!(
        r#"{{"Version": "1", "Statement": [{{"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {condition}}}, {{"Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {condition}}}]}}"#
    );
    let root = ramguard::json::parse(&text).unwrap();
    let policy = CompiledPolicy::new(
        Arc::new(SourceFile::new("p.json", text.clone())),
        &Policy::from_document(&root),
    );
    let layers = [Layer {
        kind: LayerKind::IdentityPolicy,
        policies: vec![policy],
    }];
    let started = std::time::Instant::now();
    let evaluation = eval::evaluate(
        &layers,
        "kvstore:DeleteInstance",
        &Resource::known(ARN),
        &Context::default(),
    );
    let took = started.elapsed();
    assert_eq!(evaluation.decision, Decision::Conditional, "{evaluation:?}");
    assert!(
        evaluation
            .reasons
            .iter()
            .any(|r| r.contains("stopped at its bound of 4096 cases (there are 16807)")),
        "{:?}",
        evaluation.reasons
    );
    assert!(evaluation.witnesses.iter().all(|w| w.decision != Decision::Allowed));
    // Fewer keys: within the bound, decided.
    let small = text.replace(r#", "acs:Service": ["a", "b", "c", "d", "e"]"#, "");
    let root = ramguard::json::parse(&small).unwrap();
    let policy = CompiledPolicy::new(
        Arc::new(SourceFile::new("p.json", small.clone())),
        &Policy::from_document(&root),
    );
    let layers = [Layer {
        kind: LayerKind::IdentityPolicy,
        policies: vec![policy],
    }];
    let evaluation = eval::evaluate(
        &layers,
        "kvstore:DeleteInstance",
        &Resource::known(ARN),
        &Context::default(),
    );
    assert_eq!(evaluation.decision, Decision::ImplicitDeny, "{evaluation:?}");
    eprintln!("bound hit after {took:?}");
}
