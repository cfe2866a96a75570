#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test fails loudly"
)]
//! The evaluator's laws, as properties over random policies and requests:
//! - adding a `Deny` never turns a denied request into an allowed one;
//! - adding an `Allow` never turns an allowed request into a denied one;
//! - the order of statements and of policy files never changes the decision;
//! - once every key a `conditional` decision lists is supplied, it is allowed or denied.
//!
//! Statements have `Action` or `NotAction`, `Resource` or `NotResource`.

use std::sync::Arc;

use proptest::prelude::*;
use ramguard::eval::{self, ActionQuery, BareTruth, CompiledPolicy, Context, Decision, Layer, LayerKind, Resource};
use ramguard::policy::Policy;
use ramguard::source::SourceFile;

const ACTIONS: [&str; 6] = [
    "kvstore:DeleteInstance",
    "kvstore:DescribeInstances",
    "kvstore:*",
    "kvstore:Describe*",
    "ecs:*",
    "*",
];
const RESOURCES: [&str; 5] = [
    "*",
    "acs:kvstore:cn-hangzhou:1234567890123456:instance/*",
    "acs:kvstore:*:*:instance/r-1",
    "acs:kvstore:cn-shanghai:*:instance/*",
    "acs:ecs:*:*:instance/*",
];
const CONDITIONS: [&str; 6] = [
    "",
    r#"{"Bool": {"acs:MFAPresent": "true"}}"#,
    r#"{"StringEquals": {"acs:ResourceTag/env": ["prod", "staging"]}}"#,
    r#"{"StringNotEquals": {"acs:ResourceTag/env": "dev"}}"#,
    r#"{"IpAddress": {"acs:SourceIp": "10.0.0.0/8"}}"#,
    r#"{"DateLessThan": {"acs:CurrentTime": "2027-01-01T00:00:00Z"}}"#,
];
const REQUEST_ACTIONS: [&str; 3] = [
    "kvstore:DeleteInstance",
    "kvstore:DescribeInstances",
    "ecs:StartInstance",
];
const REQUEST_RESOURCES: [&str; 3] = [
    "acs:kvstore:cn-hangzhou:1234567890123456:instance/r-1",
    "acs:kvstore:cn-shanghai:1234567890123456:instance/r-2",
    "acs:ecs:cn-hangzhou:1234567890123456:instance/i-1",
];
/// Every key the conditions use, with values that make them true and false.
const KEYS: [(&str, [&str; 2]); 4] = [
    ("acs:MFAPresent", ["true", "false"]),
    ("acs:ResourceTag/env", ["prod", "dev"]),
    ("acs:SourceIp", ["10.1.2.3", "192.0.2.1"]),
    ("acs:CurrentTime", ["2026-11-26T00:00:00Z", "2027-06-01T00:00:00Z"]),
];

#[derive(Debug, Clone)]
struct StatementSpec {
    allow: bool,
    not_action: bool,
    action: usize,
    not_resource: bool,
    resource: usize,
    condition: usize,
}

fn statement_spec() -> impl Strategy<Value = StatementSpec> {
    (
        any::<bool>(),
        prop::bool::weighted(0.15),
        0..ACTIONS.len(),
        prop::bool::weighted(0.15),
        0..RESOURCES.len(),
        0..CONDITIONS.len(),
    )
        .prop_map(
            |(allow, not_action, action, not_resource, resource, condition)| StatementSpec {
                allow,
                not_action,
                action,
                not_resource,
                resource,
                condition,
            },
        )
}

fn render(statement: &StatementSpec) -> String {
    let condition = match CONDITIONS[statement.condition] {
        "" => String::new(),
        c => format!(", \"Condition\": {c}"),
    };
    format!(
        r#"{{"Effect": "{}", "{}": "{}", "{}": "{}"{condition}}}"#,
        if statement.allow { "Allow" } else { "Deny" },
        if statement.not_action { "NotAction" } else { "Action" },
        ACTIONS[statement.action],
        if statement.not_resource {
            "NotResource"
        } else {
            "Resource"
        },
        RESOURCES[statement.resource],
    )
}

fn compile(files: &[Vec<StatementSpec>]) -> Vec<CompiledPolicy> {
    files
        .iter()
        .enumerate()
        .map(|(i, statements)| {
            let body: Vec<String> = statements.iter().map(render).collect();
            let text = format!(r#"{{"Version": "1", "Statement": [{}]}}"#, body.join(", "));
            let root = ramguard::json::parse(&text).unwrap();
            CompiledPolicy::new(
                Arc::new(SourceFile::new(format!("p{i}.json"), text.clone())),
                &Policy::from_document(&root),
            )
        })
        .collect()
}

#[derive(Debug, Clone)]
struct RequestSpec {
    action: usize,
    resource: usize,
    /// Per key: not supplied, or the index of its value.
    keys: [Option<usize>; 4],
}

fn request_spec() -> impl Strategy<Value = RequestSpec> {
    (
        0..REQUEST_ACTIONS.len(),
        0..REQUEST_RESOURCES.len(),
        [
            prop::option::of(0..2usize),
            prop::option::of(0..2usize),
            prop::option::of(0..2usize),
            prop::option::of(0..2usize),
        ],
    )
        .prop_map(|(action, resource, keys)| RequestSpec { action, resource, keys })
}

fn context(request: &RequestSpec) -> Context {
    let mut context = Context::default();
    for ((key, values), chosen) in KEYS.iter().zip(request.keys) {
        if let Some(i) = chosen {
            context.insert(*key, values[i]);
        }
    }
    context
}

fn decide(files: &[Vec<StatementSpec>], request: &RequestSpec, context: &Context) -> eval::Evaluation {
    let layers = [Layer {
        kind: LayerKind::IdentityPolicy,
        policies: compile(files),
    }];
    eval::evaluate(
        &layers,
        REQUEST_ACTIONS[request.action],
        &Resource::known(REQUEST_RESOURCES[request.resource]),
        context,
    )
}

fn files() -> impl Strategy<Value = Vec<Vec<StatementSpec>>> {
    prop::collection::vec(prop::collection::vec(statement_spec(), 1..5), 1..4)
}

fn denied(decision: Decision) -> bool {
    matches!(decision, Decision::ExplicitDeny | Decision::ImplicitDeny)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn adding_a_deny_never_allows_what_was_denied(files in files(), extra in statement_spec(), request in request_spec(), into in 0..4usize) {
        let ctx = context(&request);
        let before = decide(&files, &request, &ctx).decision;
        let mut more = files.clone();
        let target = into % more.len();
        more[target].push(StatementSpec { allow: false, ..extra });
        let after = decide(&more, &request, &ctx).decision;
        if denied(before) {
            prop_assert!(denied(after), "{before:?} became {after:?}");
        }
        prop_assert!(!(before != Decision::Allowed && after == Decision::Allowed));
    }

    #[test]
    fn adding_an_allow_never_denies_what_was_allowed(files in files(), extra in statement_spec(), request in request_spec(), into in 0..4usize) {
        let ctx = context(&request);
        let before = decide(&files, &request, &ctx).decision;
        let mut more = files.clone();
        let target = into % more.len();
        more[target].push(StatementSpec { allow: true, ..extra });
        let after = decide(&more, &request, &ctx).decision;
        if before == Decision::Allowed {
            prop_assert_eq!(after, Decision::Allowed);
        }
    }

    #[test]
    fn order_never_matters(files in files(), request in request_spec(), seed in any::<u64>()) {
        let ctx = context(&request);
        let before = decide(&files, &request, &ctx);
        let mut shuffled = files.clone();
        shuffled.reverse();
        for (i, file) in shuffled.iter_mut().enumerate() {
            let len = file.len();
            file.rotate_left((seed as usize + i) % len);
            if seed % 2 == 0 {
                file.reverse();
            }
        }
        let after = decide(&shuffled, &request, &ctx);
        prop_assert_eq!(before.decision, after.decision);
        prop_assert_eq!(before.missing_keys, after.missing_keys);
    }

    #[test]
    fn supplying_every_listed_key_resolves_a_conditional(files in files(), request in request_spec(), choices in [0..2usize, 0..2usize, 0..2usize, 0..2usize]) {
        let ctx = context(&request);
        let before = decide(&files, &request, &ctx);
        if before.decision == Decision::Conditional {
            prop_assert!(!before.missing_keys.is_empty());
            prop_assert!(before.reasons.is_empty(), "valid lowercase policies leave nothing undecidable: {:?}", before.reasons);
            let mut supplied = request.clone();
            for (i, (key, _)) in KEYS.iter().enumerate() {
                if before.missing_keys.contains(*key) {
                    supplied.keys[i] = Some(choices[i]);
                }
            }
            let after = decide(&files, &supplied, &context(&supplied));
            prop_assert_ne!(after.decision, Decision::Conditional, "still hangs on {:?}", after.missing_keys);
        } else {
            prop_assert!(before.missing_keys.is_empty());
        }
    }
}

/// Statements beyond the lowercase, well-formed ones above, for the law that the rules' bare
/// truth is the truth: ARNs that differ in case, a statement without `Effect`, one with an
/// element the evaluator does not model, a `NotResource` `Deny`.
const ODD_STATEMENTS: [&str; 4] = [
    r#"{"Effect": "Allow", "Action": "kvstore:*", "Resource": "acs:kvstore:*:*:instance/R-*"}"#,
    r#"{"Effect": "Deny", "NotAction": "ecs:*", "NotResource": "acs:KVSTORE:*:*:instance/r-1"}"#,
    r#"{"Action": "kvstore:DeleteInstance", "Resource": "*"}"#,
    r#"{"Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {"StringNotEquals": {"acs:ResourceTag/env": "dev"}}, "Surprise": 1}"#,
];

/// The requests' resources, one that differs from a pattern only in case, and ones whose
/// account or region is not known.
fn bare_law_resources() -> Vec<Resource> {
    let mut resources: Vec<Resource> = REQUEST_RESOURCES.iter().map(|arn| Resource::known(*arn)).collect();
    resources.push(Resource::known("acs:kvstore:cn-hangzhou:1234567890123456:instance/R-1"));
    resources.push(Resource::with_unknown_account("kvstore", "cn-hangzhou", "instance/r-1"));
    resources.push(Resource::parts("kvstore", None, None, "instance/r-1"));
    resources
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// The lint rules ask the evaluator in `BareTruth` (without what an unknown hangs on): its
    /// answer must be the full truth's, bare, for every statement, action and resource.
    #[test]
    fn the_bare_truth_is_the_truth_without_its_unknowns(statements in prop::collection::vec(statement_spec(), 1..6), odd in prop::collection::vec(0..ODD_STATEMENTS.len(), 0..3), request in request_spec()) {
        let body: Vec<String> = statements
            .iter()
            .map(render)
            .chain(odd.iter().map(|&i| ODD_STATEMENTS[i].to_string()))
            .collect();
        let text = format!(r#"{{"Version": "1", "Statement": [{}]}}"#, body.join(", "));
        let root = ramguard::json::parse(&text).unwrap();
        let compiled = CompiledPolicy::new(Arc::new(SourceFile::new("p.json", text.clone())), &Policy::from_document(&root));
        let ctx = context(&request);
        for resource in bare_law_resources() {
            for action in REQUEST_ACTIONS {
                for statement in &compiled.statements {
                    prop_assert_eq!(
                        statement.applies_as::<BareTruth>(action, &resource, &ctx),
                        statement.applies(action, &resource, &ctx).bare(),
                        "statement {} on {} of {}", statement.index, action, resource.arn
                    );
                    prop_assert_eq!(
                        statement.resource_truth_as::<BareTruth>(&resource),
                        statement.resource_truth(&resource).bare()
                    );
                }
                let query = ActionQuery::new(&compiled.statements, action);
                prop_assert_eq!(query.allowed_as::<BareTruth>(&resource, &ctx), query.allowed(&resource, &ctx).bare());
                // The query stops at a certain `Deny`: its answer is the one every statement,
                // asked, gives.
                let (mut deny, mut allow) = (eval::Truth::No, eval::Truth::No);
                for statement in &compiled.statements {
                    let truth = statement.applies(action, &resource, &ctx);
                    match statement.effect {
                        ramguard::policy::Effect::Deny => deny = deny.or(truth),
                        ramguard::policy::Effect::Allow => allow = allow.or(truth),
                    }
                }
                prop_assert_eq!(query.allowed(&resource, &ctx), deny.negate().and(allow));
            }
        }
    }
}
