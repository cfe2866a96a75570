#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test fails loudly"
)]
//! Issue 8, items 4 and 5, as the user meets them: a `Deny` with `NotResource` and a `Deny`
//! whose ARN differs only in case must never come out `allowed` / `go`; then a bounded fuzz of
//! the evaluator (random policies with `NotResource`, `NotAction`, wildcards, ARNs in other
//! cases, conditions with known and unknown operators and keys) against its laws and a naive
//! reference evaluator.

mod common;

use std::sync::Arc;

use proptest::prelude::*;
use ramguard::eval::{self, CompiledPolicy, Context, Decision, Layer, LayerKind, Resource};
use ramguard::policy::Policy;
use ramguard::source::SourceFile;
use serde_json::Value;

const INSTANCE_ARN: &str = "acs:kvstore:cn-hangzhou:1234567890123456:instance/r-bp1zxszhcgatnx0001";

fn simulate(policies: &[&str]) -> (i32, Value) {
    let mut args = vec!["simulate", "--format", "json"];
    for policy in policies {
        args.extend(["--policy", policy]);
    }
    args.extend(["--action", "kvstore:DeleteInstance", "--resource", INSTANCE_ARN]);
    let (code, stdout, stderr) = common::run(&args);
    let value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}{stderr}"));
    (code, value)
}

fn preflight(policies: &[&str], account: bool) -> (i32, Value) {
    let mut args = vec![
        "preflight",
        "--format",
        "json",
        "--instance",
        "tests/fixtures/eval/releasable-instance.json",
    ];
    for policy in policies {
        args.extend(["--policy", policy]);
    }
    if account {
        args.extend(["--account-id", "1234567890123456"]);
    }
    let (code, stdout, stderr) = common::run(&args);
    let value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}{stderr}"));
    (code, value)
}

fn permission(report: &Value) -> &Value {
    report["instances"][0]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "permission")
        .unwrap()
}

const ALLOW_ALL: &str = "tests/fixtures/eval/allow-all.json";
const NOT_RESOURCE_DENY: &str = "tests/fixtures/eval/not-resource-deny.json";
const CASE_DENIES: [&str; 3] = [
    "tests/fixtures/eval/case-deny-service.json",
    "tests/fixtures/eval/case-deny-type.json",
    "tests/fixtures/eval/case-deny-id.json",
];

#[test]
fn a_not_resource_deny_denies_in_simulate_and_preflight() {
    // Issue 8, item 4: the `Deny` was dropped, `allowed` / `go`.
    let (code, out) = simulate(&[NOT_RESOURCE_DENY]);
    assert_eq!((code, out["decision"].as_str()), (1, Some("explicit-deny")), "{out}");
    assert_eq!(out["statements"][0]["file"], NOT_RESOURCE_DENY);
    assert_eq!(out["statements"][0]["index"], 1);
    let (code, out) = preflight(&[NOT_RESOURCE_DENY], true);
    assert_eq!((code, out["verdict"].as_str()), (1, Some("no-go")), "{out}");
    assert_eq!(permission(&out)["status"], "fail");
    // Its exception is one: a scratch instance may go.
    let (code, stdout, _) = common::run(&[
        "simulate",
        "--policy",
        NOT_RESOURCE_DENY,
        "--action",
        "kvstore:DeleteInstance",
        "--resource",
        "acs:kvstore:cn-hangzhou:1234567890123456:instance/r-scratch01",
    ]);
    assert_eq!(code, 0, "{stdout}");
}

#[test]
fn a_deny_whose_arn_differs_only_in_case_is_never_passed_over() {
    // Issue 8, item 5: the `Deny` never applied, `allowed` / `go`, and no finding.
    for deny in CASE_DENIES {
        let (code, out) = simulate(&[ALLOW_ALL, deny]);
        assert_eq!(
            (code, out["decision"].as_str()),
            (3, Some("conditional")),
            "{deny}: {out}"
        );
        let reasons = out["reasons"].as_array().unwrap();
        assert!(
            reasons[0]
                .as_str()
                .unwrap()
                .starts_with(&format!("statement 1 of {deny}: ")),
            "{reasons:?}"
        );
        assert!(out["message"].as_str().unwrap().contains("only in case"), "{out}");
        for account in [true, false] {
            let (code, out) = preflight(&[ALLOW_ALL, deny], account);
            assert_eq!((code, out["verdict"].as_str()), (3, Some("uncertain")), "{deny}: {out}");
            let check = permission(&out);
            assert_eq!(check["status"], "unknown", "{check}");
            let message = check["message"].as_str().unwrap();
            assert!(message.contains(&format!("statement 1 of {deny}")), "{message}");
        }
        // Lint says so, at the ARN, and `--deny-warnings` fails on it.
        let (code, stdout, _) = common::run(&["lint", "--no-ignore", "--format", "json", "--deny-warnings", deny]);
        assert_eq!(code, 1, "{stdout}");
        let out: Value = serde_json::from_str(&stdout).unwrap();
        let finding = &out["diagnostics"][0];
        assert_eq!(
            (
                finding["name"].as_str(),
                finding["line"].as_u64(),
                finding["column"].as_u64()
            ),
            (Some("resource-case-mismatch"), Some(4), Some(73)),
            "{finding}"
        );
        assert_eq!(finding["pointer"], "/Statement/0/Resource");
        assert_eq!(finding["severity"], "warning");
    }
    // A request in the `Deny`'s own case matches it exactly: denied.
    let (code, stdout, _) = common::run(&[
        "simulate",
        "--policy",
        ALLOW_ALL,
        "--policy",
        CASE_DENIES[2],
        "--action",
        "kvstore:DeleteInstance",
        "--resource",
        "acs:kvstore:cn-hangzhou:1234567890123456:instance/R-BP1ZXSZHCGATNX0001",
    ]);
    assert_eq!(code, 1, "{stdout}");
    let (code, out) = {
        let (code, stdout, _) = common::run(&[
            "simulate",
            "--format",
            "json",
            "--policy",
            ALLOW_ALL,
            "--policy",
            NOT_RESOURCE_DENY,
            "--action",
            "kvstore:DeleteInstance",
            "--resource",
            "acs:kvstore:cn-hangzhou:1234567890123456:instance/R-SCRATCH01",
        ]);
        (code, serde_json::from_str::<Value>(&stdout).unwrap())
    };
    assert_eq!(
        (code, out["decision"].as_str()),
        (1, Some("explicit-deny")),
        "`R-SCRATCH01` is no exception as written: denied, the careful reading: {out}"
    );
    // An `Allow` in another case is not taken as allowing.
    let (code, out) = simulate(&["tests/fixtures/eval/case-allow.json"]);
    assert_eq!((code, out["decision"].as_str()), (1, Some("implicit-deny")), "{out}");
}

#[test]
fn lint_reads_not_resource_as_rams_grammar_does() {
    let lint = |path: &str| {
        let (code, stdout, _) = common::run(&["lint", "--no-ignore", "--format", "json", path]);
        let out: Value = serde_json::from_str(&stdout).unwrap();
        assert_eq!(out["summary"]["files"], 1, "{out}");
        let names: Vec<String> = out["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["name"].as_str().unwrap().to_string())
            .collect();
        (code, names)
    };
    // No longer "not documented": it is evaluated.
    let (code, names) = lint(NOT_RESOURCE_DENY);
    assert_eq!(code, 0, "{names:?}");
    assert!(!names.iter().any(|n| n == "unsupported-element"), "{names:?}");
    // Its `Allow` of `kvstore:*` still reaches the scratch instances, and lint says so.
    assert!(names.iter().any(|n| n == "wildcard-grants-delete"), "{names:?}");
}

/// The names of the findings of one document (rules of the default settings).
fn findings(statements: &str) -> Vec<&'static str> {
    let text = format!(r#"{{"Version": "1", "Statement": [{statements}]}}"#);
    let root = ramguard::json::parse(&text).unwrap();
    let settings = ramguard::settings::Settings::default();
    ramguard::lint::lint_document(&root, &settings, "p.json")
        .iter()
        .map(|f| f.rule.name)
        .collect()
}

#[test]
fn security_rules_read_not_resource_as_every_other_resource() {
    // An `Allow` of the release on every instance but a few is as unscoped as it gets.
    let names = findings(
        r#"{"Effect": "Allow", "Action": "kvstore:DeleteInstance", "NotResource": "acs:kvstore:*:*:instance/r-prod*"}"#,
    );
    assert!(names.contains(&"unscoped-delete"), "{names:?}");
    // ...and a `Deny` that excludes some instances does not make it safe.
    let names = findings(
        r#"{"Effect": "Allow", "Action": "kvstore:DeleteInstance", "Resource": "*"},
           {"Effect": "Deny", "Action": "kvstore:DeleteInstance", "NotResource": "acs:kvstore:*:*:instance/r-test*"}"#,
    );
    assert!(names.contains(&"unscoped-delete"), "{names:?}");
    let names =
        findings(r#"{"Effect": "Allow", "Action": "kvstore:*", "NotResource": "acs:kvstore:*:*:instance/r-prod*"}"#);
    assert!(names.contains(&"wildcard-grants-delete"), "{names:?}");
    // `NotResource: *` grants nothing: not full admin, nor a shadowing `Deny`.
    let names = findings(r#"{"Effect": "Allow", "Action": "*", "NotResource": "*"}"#);
    assert!(!names.contains(&"full-admin"), "{names:?}");
    let names = findings(
        r#"{"Effect": "Allow", "Action": "kvstore:DeleteInstance", "Resource": "acs:kvstore:*:*:instance/r-1"},
           {"Effect": "Deny", "Action": "kvstore:*", "NotResource": "*"}"#,
    );
    assert!(!names.contains(&"shadowed-statement"), "{names:?}");
    // `NotResource` of another service's resources is about every kvstore instance.
    let names = findings(
        r#"{"Effect": "Deny", "Action": "kvstore:DeleteInstance", "NotResource": "acs:rds:*:*:dbinstance/*"}"#,
    );
    assert!(!names.contains(&"resource-service-mismatch"), "{names:?}");
    // `NotResource` entries are checked like `Resource` ones.
    let names = findings(r#"{"Effect": "Deny", "Action": "kvstore:DeleteInstance", "NotResource": "r-bp1x"}"#);
    assert!(names.contains(&"invalid-resource"), "{names:?}");
    let names = findings(
        r#"{"Effect": "Deny", "Action": "kvstore:DeleteInstance", "NotResource": "acs:KVSTORE:*:*:instance/r-1"}"#,
    );
    assert!(names.contains(&"resource-case-mismatch"), "{names:?}");
}

// ---------------------------------------------------------------------------------------------
// Fuzzing the evaluator: random policies and requests, bounded (256 cases a property).

const EFFECTS: [&str; 3] = ["Allow", "Deny", "deny"];
const ACTIONS: [&str; 9] = [
    "kvstore:DeleteInstance",
    "kvstore:Delete*",
    "kvstore:*",
    "*",
    "ecs:*",
    "KVSTORE:deleteinstance",
    "kvstore:Describe?nstances",
    "kvstore:DescribeInstances",
    "*:*Instance",
];
const RESOURCES: [&str; 10] = [
    "*",
    "acs:kvstore:*:*:instance/*",
    "acs:kvstore:cn-hangzhou:*:instance/r-1*",
    "acs:kvstore:*:1234567890123456:instance/r-?",
    "acs:kvstore:*:*:*",
    "acs:ecs:*:*:instance/*",
    "acs:KVSTORE:*:*:instance/*",
    "acs:kvstore:*:*:instance/R-1",
    "acs:kvstore:cn-shanghai:*:instance/*",
    "acs:*:*:*:*",
];
/// Conditions: known operators and keys, then what the evaluator cannot evaluate.
const CONDITIONS: [&str; 9] = [
    "",
    r#"{"Bool": {"acs:MFAPresent": "true"}}"#,
    r#"{"StringEquals": {"acs:ResourceTag/env": ["dev", "test"]}}"#,
    r#"{"NotIpAddress": {"acs:SourceIp": "10.0.0.0/8"}}"#,
    r#"{"StringLike": {"kvstore:Whatever": "x*"}}"#,
    r#"{"StringEqualsIfExists": {"acs:ResourceTag/env": "dev"}}"#,
    r#"{"Null": {"acs:SourceVpc": "true"}}"#,
    r#"{"NumericLessThan": {"acs:Foo": "not a number"}}"#,
    r#"{"ForAllValues:StringEquals": {"acs:ResourceTag/env": "dev"}}"#,
];
const EXTRAS: [&str; 3] = ["", r#", "Sid": "x""#, r#", "NotPrincipal": {"RAM": "*"}"#];

const REQUEST_ACTIONS: [&str; 4] = [
    "kvstore:DeleteInstance",
    "kvstore:deleteinstance",
    "kvstore:DescribeInstances",
    "ecs:StartInstance",
];
const REQUEST_RESOURCES: [&str; 5] = [
    "acs:kvstore:cn-hangzhou:1234567890123456:instance/r-1",
    "acs:kvstore:cn-shanghai:1234567890123456:instance/r-22",
    "acs:kvstore:cn-hangzhou:1234567890123456:instance/R-1",
    "acs:ecs:cn-hangzhou:1234567890123456:instance/i-1",
    "*",
];
const KEYS: [(&str, [&str; 2]); 4] = [
    ("acs:MFAPresent", ["true", "false"]),
    ("acs:ResourceTag/env", ["dev", "prod"]),
    ("acs:SourceIp", ["10.1.2.3", "192.0.2.1"]),
    ("kvstore:Whatever", ["xyz", "abc"]),
];

#[derive(Debug, Clone)]
struct StatementSpec {
    effect: usize,
    not_action: bool,
    actions: Vec<usize>,
    not_resource: bool,
    resources: Vec<usize>,
    condition: usize,
    extra: usize,
}

fn statement_spec() -> impl Strategy<Value = StatementSpec> {
    (
        prop::sample::select(vec![0usize, 0, 0, 1, 1, 1, 2]),
        prop::bool::weighted(0.2),
        prop::collection::vec(0..ACTIONS.len(), 1..3),
        prop::bool::weighted(0.3),
        prop::collection::vec(0..RESOURCES.len(), 1..3),
        prop::sample::select(vec![0usize, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8]),
        prop::sample::select(vec![0usize, 0, 0, 0, 1, 2]),
    )
        .prop_map(
            |(effect, not_action, actions, not_resource, resources, condition, extra)| StatementSpec {
                effect,
                not_action,
                actions,
                not_resource,
                resources,
                condition,
                extra,
            },
        )
}

fn list(pool: &[&str], picks: &[usize]) -> String {
    let items: Vec<String> = picks.iter().map(|&i| format!("\"{}\"", pool[i])).collect();
    format!("[{}]", items.join(", "))
}

fn render(s: &StatementSpec) -> String {
    let condition = match CONDITIONS[s.condition] {
        "" => String::new(),
        c => format!(", \"Condition\": {c}"),
    };
    format!(
        r#"{{"Effect": "{}", "{}": {}, "{}": {}{condition}{}}}"#,
        EFFECTS[s.effect],
        if s.not_action { "NotAction" } else { "Action" },
        list(&ACTIONS, &s.actions),
        if s.not_resource { "NotResource" } else { "Resource" },
        list(&RESOURCES, &s.resources),
        EXTRAS[s.extra],
    )
}

fn compile(statements: &[StatementSpec]) -> CompiledPolicy {
    let body: Vec<String> = statements.iter().map(render).collect();
    let text = format!(r#"{{"Version": "1", "Statement": [{}]}}"#, body.join(", "));
    let root = ramguard::json::parse(&text).unwrap_or_else(|e| panic!("{e:?}: {text}"));
    CompiledPolicy::new(
        Arc::new(SourceFile::new("fuzz.json", text.clone())),
        &Policy::from_document(&root),
    )
}

#[derive(Debug, Clone)]
struct RequestSpec {
    action: usize,
    resource: usize,
    account_known: bool,
    keys: [Option<usize>; 4],
}

fn request_spec() -> impl Strategy<Value = RequestSpec> {
    (
        0..REQUEST_ACTIONS.len(),
        0..REQUEST_RESOURCES.len(),
        prop::bool::weighted(0.8),
        [
            prop::option::of(0..2usize),
            prop::option::of(0..2usize),
            prop::option::of(0..2usize),
            prop::option::of(0..2usize),
        ],
    )
        .prop_map(|(action, resource, account_known, keys)| RequestSpec {
            action,
            resource,
            account_known,
            keys,
        })
}

fn resource_of(request: &RequestSpec) -> Resource {
    let arn = REQUEST_RESOURCES[request.resource];
    if request.account_known || arn == "*" {
        return Resource::known(arn);
    }
    let parts: Vec<&str> = arn.splitn(5, ':').collect();
    Resource::parts(parts[1], Some(parts[2]), None, parts[4])
}

fn context_of(request: &RequestSpec) -> Context {
    let mut context = Context::default();
    for ((key, values), chosen) in KEYS.iter().zip(request.keys) {
        if let Some(i) = chosen {
            context.insert(*key, values[i]);
        }
    }
    context
}

fn decide(policies: &[Vec<StatementSpec>], request: &RequestSpec) -> eval::Evaluation {
    let layers = [Layer {
        kind: LayerKind::IdentityPolicy,
        policies: policies.iter().map(|p| compile(p)).collect(),
    }];
    eval::evaluate(
        &layers,
        REQUEST_ACTIONS[request.action],
        &resource_of(request),
        &context_of(request),
    )
}

fn policies() -> impl Strategy<Value = Vec<Vec<StatementSpec>>> {
    prop::collection::vec(prop::collection::vec(statement_spec(), 1..5), 1..3)
}

fn denied(decision: Decision) -> bool {
    matches!(decision, Decision::ExplicitDeny | Decision::ImplicitDeny)
}

/// RAM's wildcards, by their definition.
fn wildcard(pattern: &[u8], text: &[u8]) -> bool {
    match pattern.split_first() {
        None => text.is_empty(),
        Some((b'*', rest)) => (0..=text.len()).any(|i| wildcard(rest, &text[i..])),
        Some((&c, rest)) => text
            .split_first()
            .is_some_and(|(&t, tail)| (c == b'?' || c == t) && wildcard(rest, tail)),
    }
}

/// A statement as the reference reads it.
struct Plain {
    allow: bool,
    not_action: bool,
    actions: Vec<&'static str>,
    not_resource: bool,
    resources: Vec<&'static str>,
}

/// A naive reference for valid, condition-free policies in lowercase: a statement applies when
/// its actions (ignoring case) and its resources match, each negated by `Not...`; any applying
/// `Deny` denies, else any applying `Allow` allows, else the request is implicitly denied.
fn reference(statements: &[Plain], action: &str, resource: &str) -> Decision {
    let applies = |s: &Plain| {
        let action = action.to_ascii_lowercase();
        let action_hit = s
            .actions
            .iter()
            .any(|a| wildcard(a.to_ascii_lowercase().as_bytes(), action.as_bytes()));
        let resource_hit = s.resources.iter().any(|r| wildcard(r.as_bytes(), resource.as_bytes()));
        action_hit != s.not_action && resource_hit != s.not_resource
    };
    if statements.iter().any(|s| !s.allow && applies(s)) {
        Decision::ExplicitDeny
    } else if statements.iter().any(|s| s.allow && applies(s)) {
        Decision::Allowed
    } else {
        Decision::ImplicitDeny
    }
}

/// Indices of the lowercase resources of [`RESOURCES`], for the reference comparison.
const LOWERCASE_RESOURCES: [usize; 8] = [0, 1, 2, 3, 4, 5, 8, 9];

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn any_policy_gets_one_honest_decision(policies in policies(), request in request_spec()) {
        let evaluation = decide(&policies, &request);
        match evaluation.decision {
            Decision::Allowed | Decision::ExplicitDeny | Decision::ImplicitDeny => {
                prop_assert!(evaluation.missing_keys.is_empty() && evaluation.reasons.is_empty(), "{evaluation:?}");
            }
            Decision::Conditional => {
                prop_assert!(!evaluation.missing_keys.is_empty() || !evaluation.reasons.is_empty(), "{evaluation:?}");
            }
        }
        // A statement that may be a `Deny` and that the evaluator does not model whole (an
        // invalid `Effect`, an element it does not know) never lets a request through: it is
        // unknown for every request. (A condition it cannot evaluate is unknown only where the
        // statement's actions and resources match.)
        let unmodelled_deny = policies
            .iter()
            .flatten()
            .any(|s| s.effect == 2 || (s.effect == 1 && s.extra == 2));
        prop_assert!(
            !(unmodelled_deny && evaluation.decision == Decision::Allowed),
            "allowed despite an unmodelled `Deny`: {:?}",
            policies.iter().flatten().map(render).collect::<Vec<_>>()
        );
    }

    #[test]
    fn adding_a_not_resource_deny_never_widens_access(
        policies in policies(),
        extra in statement_spec(),
        request in request_spec(),
        into in 0..3usize,
    ) {
        let before = decide(&policies, &request).decision;
        let mut more = policies.clone();
        let target = into % more.len();
        more[target].push(StatementSpec { effect: 1, not_resource: true, ..extra });
        let after = decide(&more, &request).decision;
        if denied(before) {
            prop_assert!(denied(after), "{before:?} became {after:?}");
        }
        prop_assert!(!(before != Decision::Allowed && after == Decision::Allowed), "{before:?} became {after:?}");
    }

    #[test]
    fn condition_free_lowercase_policies_agree_with_a_naive_reference(
        raw in prop::collection::vec(
            (
                any::<bool>(),
                prop::bool::weighted(0.25),
                prop::collection::vec(prop::sample::select(vec![0usize, 1, 2, 3, 4, 6, 7, 8]), 1..3),
                prop::bool::weighted(0.3),
                prop::collection::vec(prop::sample::select(LOWERCASE_RESOURCES.to_vec()), 1..3),
            ),
            1..6,
        ),
        action in prop::sample::select(vec![0usize, 1, 2, 3]),
        resource in prop::sample::select(vec![0usize, 1, 3, 4]),
    ) {
        let specs: Vec<StatementSpec> = raw
            .iter()
            .map(|(allow, not_action, actions, not_resource, resources)| StatementSpec {
                effect: if *allow { 0 } else { 1 },
                not_action: *not_action,
                actions: actions.clone(),
                not_resource: *not_resource,
                resources: resources.clone(),
                condition: 0,
                extra: 0,
            })
            .collect();
        let request = RequestSpec {
            action,
            resource,
            account_known: true,
            keys: [None; 4],
        };
        let got = decide(std::slice::from_ref(&specs), &request).decision;
        let statements: Vec<Plain> = specs
            .iter()
            .map(|s| Plain {
                allow: s.effect == 0,
                not_action: s.not_action,
                actions: s.actions.iter().map(|&i| ACTIONS[i]).collect(),
                not_resource: s.not_resource,
                resources: s.resources.iter().map(|&i| RESOURCES[i]).collect(),
            })
            .collect();
        let want = reference(&statements, REQUEST_ACTIONS[action], REQUEST_RESOURCES[resource]);
        prop_assert_eq!(got, want, "{:?}", specs.iter().map(render).collect::<Vec<_>>());
    }
}

/// A `Deny` on a tag key that differs from the instance's only in case (`acs:ResourceTag/Env`
/// beside the tag `env`, hostile test): whether RAM compares tag keys ignoring case is not
/// documented, and the key was read as certainly absent: `go`. It is unknown now (`uncertain`);
/// the key in the tag's own case still denies.
#[test]
fn a_tag_key_in_another_case_is_not_read_as_absent() {
    let (code, report) = preflight(&["tests/fixtures/eval/tag-deny.json"], true);
    assert_eq!(code, 1, "{report}");
    let (code, report) = preflight(&["tests/fixtures/eval/tag-case-deny.json"], true);
    assert_eq!(code, 3, "{report}");
    assert_eq!(permission(&report)["status"], "unknown", "{report}");
    // An instance tagged `env` and `Env` (second hostile test): which one RAM reads for
    // `acs:ResourceTag/env` is not documented, and the exact one was taken: `go`.
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("hostile-eval-tags");
    std::fs::create_dir_all(&dir).unwrap();
    let instance = dir.join("instance.json");
    let text = std::fs::read_to_string("tests/fixtures/eval/releasable-instance.json").unwrap();
    let one = r#""Tags": { "Tag": [ { "Key": "env", "Value": "dev" } ] }"#;
    assert!(text.contains(one));
    let both = r#""Tags": { "Tag": [ { "Key": "env", "Value": "dev" }, { "Key": "Env", "Value": "prod" } ] }"#;
    std::fs::write(&instance, text.replace(one, both)).unwrap();
    let (code, stdout, stderr) = common::run(&[
        "preflight",
        "--format",
        "json",
        "--instance",
        instance.to_str().unwrap(),
        "--policy",
        "tests/fixtures/eval/tag-deny.json",
        "--account-id",
        "1234567890123456",
    ]);
    assert_eq!(code, 3, "{stdout}{stderr}");
}
