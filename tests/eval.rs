#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test fails loudly"
)]
//! The evaluator on the cases of the domain notes: NotAction both ways, Deny across files,
//! region- and account-scoped ARNs, tag, IP, date and MFA conditions, control and session
//! layers, and honest uncertainty.

use std::sync::Arc;

use ramguard::eval::{self, CompiledPolicy, Context, Decision, Evaluation, Layer, LayerKind, Resource};
use ramguard::policy::Policy;
use ramguard::source::SourceFile;

fn compile(name: &str, text: &str) -> CompiledPolicy {
    let root = ramguard::json::parse(text).unwrap();
    CompiledPolicy::new(Arc::new(SourceFile::new(name, text)), &Policy::from_document(&root))
}

fn statements(effect: &str, action: &str, resource: &str, condition: &str) -> String {
    let condition = if condition.is_empty() {
        String::new()
    } else {
        format!(", \"Condition\": {condition}")
    };
    format!(
        r#"{{"Version": "1", "Statement": [{{"Effect": "{effect}", "Action": {action}, "Resource": {resource}{condition}}}]}}"#
    )
}

struct Case {
    identity: Vec<CompiledPolicy>,
    control: Vec<CompiledPolicy>,
    session: Vec<CompiledPolicy>,
    context: Context,
}

impl Case {
    fn new(policies: &[&str]) -> Self {
        Self {
            identity: policies
                .iter()
                .enumerate()
                .map(|(i, p)| compile(&format!("p{i}.json"), p))
                .collect(),
            control: Vec::new(),
            session: Vec::new(),
            context: Context::default(),
        }
    }

    fn with(mut self, key: &str, value: &str) -> Self {
        self.context.insert(key, value);
        self
    }

    fn eval(&self, action: &str, resource: &str) -> Evaluation {
        self.eval_resource(action, &Resource::known(resource))
    }

    fn eval_resource(&self, action: &str, resource: &Resource) -> Evaluation {
        let layers = [
            Layer {
                kind: LayerKind::ControlPolicy,
                policies: self.control.clone(),
            },
            Layer {
                kind: LayerKind::SessionPolicy,
                policies: self.session.clone(),
            },
            Layer {
                kind: LayerKind::IdentityPolicy,
                policies: self.identity.clone(),
            },
        ];
        eval::evaluate(&layers, action, resource, &self.context)
    }
}

const R1: &str = "acs:kvstore:cn-hangzhou:1234567890123456:instance/r-1";

#[test]
fn allow_with_not_action_grants_everything_else_but_does_not_deny() {
    let allow_all_but = statements("Allow", r#"["kvstore:DeleteInstance", "ram:*"]"#, "\"*\"", "")
        .replace("\"Action\"", "\"NotAction\"");
    let case = Case::new(&[&allow_all_but]);
    assert_eq!(case.eval("kvstore:DescribeInstances", R1).decision, Decision::Allowed);
    assert_eq!(case.eval("kvstore:DeleteInstance", R1).decision, Decision::ImplicitDeny);
    let with_allow = Case::new(&[
        &allow_all_but,
        &statements("Allow", "\"kvstore:DeleteInstance\"", "\"*\"", ""),
    ]);
    assert_eq!(
        with_allow.eval("kvstore:DeleteInstance", R1).decision,
        Decision::Allowed,
        "another statement may still allow it"
    );
}

#[test]
fn not_action_both_ways() {
    let allow = r#"{"Version": "1", "Statement": [{"Effect": "Allow", "NotAction": "kvstore:DeleteInstance", "Resource": "*"}]}"#;
    let deny =
        r#"{"Version": "1", "Statement": [{"Effect": "Deny", "NotAction": ["kvstore:Describe*"], "Resource": "*"}]}"#;
    let all = statements("Allow", "\"*\"", "\"*\"", "");
    let case = Case::new(&[allow]);
    assert_eq!(case.eval("kvstore:FlushInstance", R1).decision, Decision::Allowed);
    assert_eq!(case.eval("kvstore:DeleteInstance", R1).decision, Decision::ImplicitDeny);
    let case = Case::new(&[deny, &all]);
    assert_eq!(case.eval("kvstore:DescribeInstances", R1).decision, Decision::Allowed);
    let denied = case.eval("kvstore:DeleteInstance", R1);
    assert_eq!(denied.decision, Decision::ExplicitDeny);
    assert_eq!(
        (denied.statements[0].file.as_str(), denied.statements[0].index),
        ("p0.json", 0)
    );
}

#[test]
fn a_deny_in_any_file_overrides_allows_in_others() {
    let allow = statements("Allow", "\"kvstore:*\"", "\"*\"", "");
    let deny = statements("Deny", "\"kvstore:DeleteInstance\"", &format!("\"{R1}\""), "");
    let case = Case::new(&[&allow, &deny]);
    let evaluation = case.eval("kvstore:DeleteInstance", R1);
    assert_eq!(evaluation.decision, Decision::ExplicitDeny);
    assert_eq!(evaluation.statements[0].file, "p1.json");
    assert_eq!(evaluation.layer, Some(LayerKind::IdentityPolicy));
    assert_eq!(
        case.eval(
            "kvstore:DeleteInstance",
            "acs:kvstore:cn-hangzhou:1234567890123456:instance/r-2"
        )
        .decision,
        Decision::Allowed
    );
}

#[test]
fn actions_ignore_case_and_resources_do_not() {
    let case = Case::new(&[&statements(
        "Allow",
        "\"kvstore:deleteinstance\"",
        "\"acs:kvstore:*:*:instance/r-1\"",
        "",
    )]);
    assert_eq!(case.eval("kvstore:DeleteInstance", R1).decision, Decision::Allowed);
    assert_eq!(
        case.eval(
            "kvstore:DeleteInstance",
            "acs:kvstore:cn-hangzhou:1234567890123456:instance/R-1"
        )
        .decision,
        Decision::ImplicitDeny
    );
}

#[test]
fn region_and_account_scoped_arns() {
    let case = Case::new(&[&statements(
        "Allow",
        "\"kvstore:DeleteInstance\"",
        "\"acs:kvstore:cn-hangzhou:1234567890123456:instance/*\"",
        "",
    )]);
    assert_eq!(case.eval("kvstore:DeleteInstance", R1).decision, Decision::Allowed);
    let other_region = case.eval(
        "kvstore:DeleteInstance",
        "acs:kvstore:cn-shanghai:1234567890123456:instance/r-1",
    );
    assert_eq!(other_region.decision, Decision::ImplicitDeny);
    assert!(other_region.closest.unwrap().stopped_by.contains("do not match"));
    assert_eq!(
        case.eval(
            "kvstore:DeleteInstance",
            "acs:kvstore:cn-hangzhou:9999999999999999:instance/r-1"
        )
        .decision,
        Decision::ImplicitDeny
    );
    // An account that is not known: the answer hangs on it, unless the account does not matter.
    let unknown = Resource::with_unknown_account("kvstore", "cn-hangzhou", "instance/r-1");
    let evaluation = case.eval_resource("kvstore:DeleteInstance", &unknown);
    assert_eq!(evaluation.decision, Decision::Conditional);
    assert_eq!(evaluation.missing_keys.iter().collect::<Vec<_>>(), ["account"]);
    let any_account = Case::new(&[&statements(
        "Allow",
        "\"kvstore:DeleteInstance\"",
        "\"acs:kvstore:cn-hangzhou:*:instance/*\"",
        "",
    )]);
    assert_eq!(
        any_account.eval_resource("kvstore:DeleteInstance", &unknown).decision,
        Decision::Allowed
    );
    let wrong_region = Resource::with_unknown_account("kvstore", "cn-beijing", "instance/r-1");
    assert_eq!(
        case.eval_resource("kvstore:DeleteInstance", &wrong_region).decision,
        Decision::ImplicitDeny
    );
}

#[test]
fn tag_conditions_and_honest_uncertainty() {
    let tagged = statements(
        "Allow",
        "\"kvstore:DeleteInstance\"",
        "\"*\"",
        r#"{"StringEquals": {"acs:ResourceTag/env": ["dev", "test"]}}"#,
    );
    let case = Case::new(&[&tagged]);
    let unknown = case.eval("kvstore:DeleteInstance", R1);
    assert_eq!(unknown.decision, Decision::Conditional);
    assert_eq!(unknown.missing_keys.iter().collect::<Vec<_>>(), ["acs:ResourceTag/env"]);
    let case = Case::new(&[&tagged]).with("acs:ResourceTag/env", "test");
    assert_eq!(case.eval("kvstore:DeleteInstance", R1).decision, Decision::Allowed);
    let case = Case::new(&[&tagged]).with("acs:ResourceTag/env", "prod");
    assert_eq!(case.eval("kvstore:DeleteInstance", R1).decision, Decision::ImplicitDeny);
    // A tag known to be absent makes a positive condition false.
    let mut absent = Case::new(&[&tagged]);
    absent.context.complete("acs:ResourceTag/");
    assert_eq!(
        absent.eval("kvstore:DeleteInstance", R1).decision,
        Decision::ImplicitDeny
    );
}

#[test]
fn an_unconditional_deny_decides_whatever_the_missing_keys_hold() {
    let allow = statements(
        "Allow",
        "\"kvstore:*\"",
        "\"*\"",
        r#"{"Bool": {"acs:MFAPresent": "true"}}"#,
    );
    let deny = statements("Deny", "\"kvstore:DeleteInstance\"", "\"*\"", "");
    let evaluation = Case::new(&[&allow, &deny]).eval("kvstore:DeleteInstance", R1);
    assert_eq!(evaluation.decision, Decision::ExplicitDeny);
    assert!(evaluation.missing_keys.is_empty());
    // And with no allow at all, a conditional deny still leaves the request denied.
    let conditional_deny = statements(
        "Deny",
        "\"kvstore:DeleteInstance\"",
        "\"*\"",
        r#"{"Bool": {"acs:MFAPresent": "false"}}"#,
    );
    assert_eq!(
        Case::new(&[&conditional_deny])
            .eval("kvstore:DeleteInstance", R1)
            .decision,
        Decision::ImplicitDeny
    );
}

#[test]
fn mfa_ip_and_date_conditions() {
    let guarded = statements(
        "Allow",
        "\"kvstore:DeleteInstance\"",
        "\"*\"",
        r#"{"Bool": {"acs:MFAPresent": "true"}, "IpAddress": {"acs:SourceIp": ["203.0.113.0/24", "2001:db8::/32"]}, "DateLessThan": {"acs:CurrentTime": "2026-12-31T00:00:00+08:00"}}"#,
    );
    let base = || Case::new(&[&guarded]);
    let decide = |case: Case| case.eval("kvstore:DeleteInstance", R1).decision;
    let ok = |case: Case| {
        case.with("acs:MFAPresent", "true")
            .with("acs:CurrentTime", "2026-11-26T10:00:00Z")
    };
    assert_eq!(
        decide(ok(base()).with("acs:SourceIp", "203.0.113.7")),
        Decision::Allowed
    );
    assert_eq!(
        decide(ok(base()).with("acs:SourceIp", "2001:db8:ffff::1")),
        Decision::Allowed
    );
    assert_eq!(
        decide(ok(base()).with("acs:SourceIp", "198.51.100.1")),
        Decision::ImplicitDeny
    );
    assert_eq!(
        decide(
            base()
                .with("acs:MFAPresent", "false")
                .with("acs:SourceIp", "203.0.113.7")
                .with("acs:CurrentTime", "2026-11-26T10:00:00Z")
        ),
        Decision::ImplicitDeny
    );
    // 2026-12-30T17:00:00Z is 2026-12-31T01:00:00+08:00: too late.
    assert_eq!(
        decide(
            base()
                .with("acs:MFAPresent", "true")
                .with("acs:SourceIp", "203.0.113.7")
                .with("acs:CurrentTime", "2026-12-30T17:00:00Z")
        ),
        Decision::ImplicitDeny
    );
    let missing = base().with("acs:MFAPresent", "true").eval("kvstore:DeleteInstance", R1);
    assert_eq!(
        missing.missing_keys.iter().collect::<Vec<_>>(),
        ["acs:CurrentTime", "acs:SourceIp"]
    );
    // A deny outside the office network.
    let deny_outside = statements(
        "Deny",
        "\"*\"",
        "\"*\"",
        r#"{"NotIpAddress": {"acs:SourceIp": "203.0.113.0/24"}}"#,
    );
    let all = statements("Allow", "\"*\"", "\"*\"", "");
    assert_eq!(
        Case::new(&[&all, &deny_outside])
            .with("acs:SourceIp", "198.51.100.1")
            .eval("kvstore:DeleteInstance", R1)
            .decision,
        Decision::ExplicitDeny
    );
    assert_eq!(
        Case::new(&[&all, &deny_outside])
            .with("acs:SourceIp", "203.0.113.9")
            .eval("kvstore:DeleteInstance", R1)
            .decision,
        Decision::Allowed
    );
}

#[test]
fn set_operators_ignore_case_and_like() {
    let all_values = statements(
        "Allow",
        "\"ram:CreateRole\"",
        "\"*\"",
        r#"{"ForAllValues:StringEquals": {"ram:TrustedPrincipalTypes": ["Service"]}}"#,
    );
    let decide = |case: Case| case.eval("ram:CreateRole", "acs:ram::1234567890123456:role/x").decision;
    assert_eq!(
        decide(Case::new(&[&all_values]).with("ram:TrustedPrincipalTypes", "Service")),
        Decision::Allowed
    );
    assert_eq!(
        decide(
            Case::new(&[&all_values])
                .with("ram:TrustedPrincipalTypes", "Service")
                .with("ram:TrustedPrincipalTypes", "RAM")
        ),
        Decision::ImplicitDeny
    );
    let any_value = all_values.replace("ForAllValues", "ForAnyValue");
    assert_eq!(
        decide(
            Case::new(&[&any_value])
                .with("ram:TrustedPrincipalTypes", "RAM")
                .with("ram:TrustedPrincipalTypes", "Service")
        ),
        Decision::Allowed
    );
    let ignore_case = statements(
        "Allow",
        "\"*\"",
        "\"*\"",
        r#"{"StringEqualsIgnoreCase": {"acs:SourceVpc": "VPC-ABC"}}"#,
    );
    assert_eq!(
        Case::new(&[&ignore_case])
            .with("acs:SourceVpc", "vpc-abc")
            .eval("ecs:StartInstance", "*")
            .decision,
        Decision::Allowed
    );
    let like = statements(
        "Allow",
        "\"oss:ListObjects\"",
        "\"*\"",
        r#"{"StringLike": {"oss:Prefix": "hangzhou/*"}}"#,
    );
    assert_eq!(
        Case::new(&[&like])
            .with("oss:Prefix", "hangzhou/2015/")
            .eval("oss:ListObjects", "acs:oss:*:*:b")
            .decision,
        Decision::Allowed
    );
    let equals_is_literal = statements(
        "Allow",
        "\"oss:ListObjects\"",
        "\"*\"",
        r#"{"StringEquals": {"oss:Prefix": "hangzhou/*"}}"#,
    );
    assert_eq!(
        Case::new(&[&equals_is_literal])
            .with("oss:Prefix", "hangzhou/2015/")
            .eval("oss:ListObjects", "acs:oss:*:*:b")
            .decision,
        Decision::ImplicitDeny
    );
    let numeric = statements(
        "Allow",
        "\"*\"",
        "\"*\"",
        r#"{"NumericLessThanEquals": {"ecs:Cores": "16"}}"#,
    );
    assert_eq!(
        Case::new(&[&numeric])
            .with("ecs:Cores", "8.5")
            .eval("ecs:RunInstances", "*")
            .decision,
        Decision::Allowed
    );
    assert_eq!(
        Case::new(&[&numeric])
            .with("ecs:Cores", "32")
            .eval("ecs:RunInstances", "*")
            .decision,
        Decision::ImplicitDeny
    );
}

#[test]
fn control_policies_must_allow_too_and_their_deny_denies() {
    let all = statements("Allow", "\"*\"", "\"*\"", "");
    let mut case = Case::new(&[&all]);
    case.control = vec![compile(
        "cp.json",
        &statements("Allow", "\"kvstore:Describe*\"", "\"*\"", ""),
    )];
    assert_eq!(case.eval("kvstore:DescribeInstances", R1).decision, Decision::Allowed);
    let denied = case.eval("kvstore:DeleteInstance", R1);
    assert_eq!(
        (denied.decision, denied.layer),
        (Decision::ImplicitDeny, Some(LayerKind::ControlPolicy))
    );
    case.control.push(compile(
        "cp-deny.json",
        &statements("Deny", "\"kvstore:DescribeInstances\"", "\"*\"", ""),
    ));
    let denied = case.eval("kvstore:DescribeInstances", R1);
    assert_eq!(
        (denied.decision, denied.layer),
        (Decision::ExplicitDeny, Some(LayerKind::ControlPolicy))
    );
    assert_eq!(denied.statements[0].file, "cp-deny.json");
}

#[test]
fn a_session_policy_intersects() {
    let mut case = Case::new(&[&statements("Allow", "\"kvstore:*\"", "\"*\"", "")]);
    case.session = vec![compile(
        "session.json",
        &statements("Allow", "[\"kvstore:Describe*\", \"ecs:*\"]", "\"*\"", ""),
    )];
    assert_eq!(case.eval("kvstore:DescribeInstances", R1).decision, Decision::Allowed);
    let delete = case.eval("kvstore:DeleteInstance", R1);
    assert_eq!(
        (delete.decision, delete.layer),
        (Decision::ImplicitDeny, Some(LayerKind::SessionPolicy))
    );
    assert_eq!(
        case.eval("ecs:StartInstance", "*").decision,
        Decision::ImplicitDeny,
        "the role itself does not allow ecs"
    );
}

#[test]
fn no_policy_at_all_is_an_implicit_deny() {
    assert_eq!(
        Case::new(&[]).eval("kvstore:DeleteInstance", R1).decision,
        Decision::ImplicitDeny
    );
}

#[test]
fn the_closest_allow_says_what_stopped_it() {
    let case = Case::new(&[
        &statements("Allow", "\"ecs:*\"", "\"*\"", ""),
        &statements(
            "Allow",
            "\"kvstore:DeleteInstance\"",
            "\"*\"",
            r#"{"Bool": {"acs:MFAPresent": "true"}}"#,
        ),
    ])
    .with("acs:MFAPresent", "false");
    let evaluation = case.eval("kvstore:DeleteInstance", R1);
    assert_eq!(evaluation.decision, Decision::ImplicitDeny);
    let near = evaluation.closest.unwrap();
    assert_eq!(near.statement.file, "p1.json");
    assert_eq!(near.stopped_by, "its condition `Bool` on `acs:MFAPresent` is false");
}

#[test]
fn messages_keep_the_action_as_given() {
    let case = Case::new(&[&statements("Allow", "\"ecs:*\"", "\"*\"", "")]);
    let evaluation = case.eval("kvstore:DeleteInstance", R1);
    assert_eq!(
        evaluation.closest.unwrap().stopped_by,
        "its actions do not include `kvstore:DeleteInstance`"
    );
}

#[test]
fn not_resource_mirrors_not_action_both_ways() {
    let all = statements("Allow", "\"*\"", "\"*\"", "");
    let deny_all_but_scratch = r#"{"Version": "1", "Statement": [{"Effect": "Deny", "Action": "kvstore:DeleteInstance", "NotResource": "acs:kvstore:*:*:instance/r-scratch*"}]}"#;
    let case = Case::new(&[&all, deny_all_but_scratch]);
    let denied = case.eval("kvstore:DeleteInstance", R1);
    assert_eq!(
        denied.decision,
        Decision::ExplicitDeny,
        "the `Deny` covers every other instance"
    );
    assert_eq!(
        (denied.statements[0].file.as_str(), denied.statements[0].index),
        ("p1.json", 0)
    );
    assert_eq!(
        case.eval(
            "kvstore:DeleteInstance",
            "acs:kvstore:cn-hangzhou:1234567890123456:instance/r-scratch1"
        )
        .decision,
        Decision::Allowed,
        "the listed instances are the exception"
    );
    let allow_all_but_prod = r#"{"Version": "1", "Statement": [{"Effect": "Allow", "Action": "kvstore:DeleteInstance", "NotResource": ["acs:kvstore:*:*:instance/r-prod*"]}]}"#;
    let case = Case::new(&[allow_all_but_prod]);
    assert_eq!(case.eval("kvstore:DeleteInstance", R1).decision, Decision::Allowed);
    let prod = case.eval(
        "kvstore:DeleteInstance",
        "acs:kvstore:cn-hangzhou:1234567890123456:instance/r-prod1",
    );
    assert_eq!(prod.decision, Decision::ImplicitDeny);
    assert_eq!(
        prod.closest.unwrap().stopped_by,
        "its `NotResource` (`acs:kvstore:*:*:instance/r-prod*`) excludes `acs:kvstore:cn-hangzhou:1234567890123456:instance/r-prod1`"
    );
    // An account that is not known: a `NotResource` scoped to one account hangs on it.
    let deny_other_accounts = r#"{"Version": "1", "Statement": [{"Effect": "Deny", "Action": "*", "NotResource": "acs:kvstore:*:1234567890123456:*"}]}"#;
    let unknown = Resource::with_unknown_account("kvstore", "cn-hangzhou", "instance/r-1");
    let evaluation = Case::new(&[&all, deny_other_accounts]).eval_resource("kvstore:DeleteInstance", &unknown);
    assert_eq!(evaluation.decision, Decision::Conditional);
    assert_eq!(evaluation.missing_keys.iter().collect::<Vec<_>>(), ["account"]);
}

#[test]
fn a_deny_whose_arn_differs_only_in_case_may_apply_and_an_allow_does_not_allow() {
    let all = statements("Allow", "\"*\"", "\"*\"", "");
    for arn in [
        "acs:KVSTORE:*:*:instance/*",
        "acs:kvstore:*:*:Instance/*",
        "acs:kvstore:*:*:instance/R-1",
        "acs:kvstore:CN-HANGZHOU:*:instance/r-1",
    ] {
        let deny = statements("Deny", "\"kvstore:DeleteInstance\"", &format!("\"{arn}\""), "");
        let evaluation = Case::new(&[&all, &deny]).eval("kvstore:DeleteInstance", R1);
        assert_eq!(evaluation.decision, Decision::Conditional, "{arn}");
        assert!(evaluation.missing_keys.is_empty(), "{arn}");
        let reason = evaluation.reasons.iter().next().unwrap();
        assert!(
            reason.starts_with("statement 1 of p1.json: ") && reason.contains(arn) && reason.contains("only in case"),
            "{reason}"
        );
        // The same with a request in another case than the policy.
        let allow = statements("Allow", "\"kvstore:DeleteInstance\"", &format!("\"{arn}\""), "");
        assert_eq!(
            Case::new(&[&allow]).eval("kvstore:DeleteInstance", R1).decision,
            Decision::ImplicitDeny,
            "an `Allow` in another case is not taken as allowing: {arn}"
        );
    }
    // A `NotResource` exception in another case may exclude the resource: not allowed for sure.
    let allow_but = r#"{"Version": "1", "Statement": [{"Effect": "Allow", "Action": "*", "NotResource": "acs:kvstore:*:*:instance/R-1"}]}"#;
    let evaluation = Case::new(&[allow_but]).eval("kvstore:DeleteInstance", R1);
    assert_eq!(evaluation.decision, Decision::Conditional);
    assert!(evaluation.reasons.iter().next().unwrap().contains("`NotResource`"));
    // Exactly the same case: decided.
    let deny = statements(
        "Deny",
        "\"kvstore:DeleteInstance\"",
        "\"acs:kvstore:*:*:instance/r-1\"",
        "",
    );
    assert_eq!(
        Case::new(&[&all, &deny]).eval("kvstore:DeleteInstance", R1).decision,
        Decision::ExplicitDeny
    );
}

#[test]
fn what_the_evaluator_does_not_model_is_never_silently_absent() {
    let all = statements("Allow", "\"*\"", "\"*\"", "");
    // Documents the linter refuses; the evaluator, asked anyway, says it cannot decide.
    let unmodelled_deny = [
        r#"{"Effect": "Deny", "Action": "kvstore:DeleteInstance", "Resource": "*", "NotPrincipal": {"RAM": "*"}}"#,
        r#"{"Effect": "Deny", "Action": "kvstore:DeleteInstance", "Resource": "*", "Condition": {"StringEqualsIfExists": {"acs:SourceVpc": "vpc-1"}}}"#,
        r#"{"Effect": "Deny", "Action": "kvstore:DeleteInstance", "Resource": "*", "Condition": {"Null": {"acs:SourceVpc": "true"}}}"#,
        r#"{"Effect": "Deny", "Action": "kvstore:DeleteInstance", "Resource": "*", "Condition": {"NumericNotEquals": {"acs:Foo": "abc"}}}"#,
        r#"{"Effect": "Deny", "Action": "kvstore:DeleteInstance", "Resource": "*", "Condition": "MFA"}"#,
        r#"{"Effect": "Deny", "Action": "kvstore:DeleteInstance", "Resource": "*", "Condition": {"StringNotEquals": {"acs:SourceVpc": []}}}"#,
        r#"{"Effect": "Deny", "Action": "kvstore:DeleteInstance", "Resource": "*", "Condition": {"Bool": {"acs:MFAPresent": true}}}"#,
        r#"{"Effect": "Deny", "Action": "kvstore:DeleteInstance", "Resources": "*"}"#,
        r#"{"Effect": "Deny", "Actions": "kvstore:DeleteInstance", "Resource": "*"}"#,
        r#"{"Effect": "deny", "Action": "kvstore:DeleteInstance", "Resource": "*"}"#,
        r#"{"Effect": "Deny", "Action": "kvstore:DeleteInstance", "Resource": 7}"#,
        r#"{"Effect": "Deny", "Action": "kvstore:DeleteInstance", "Resource": "acs:kvstore:*:*:instance/r-9", "Resource": "*"}"#,
        r#"{"Effect": "Deny", "Action": "kvstore:DeleteInstance", "Resource": "*", "Condition": {"Bool": {"acs:MFAPresent": "true", "acs:MFAPresent": "false"}}}"#,
        r#"{"Effect": "Deny", "Action": "kvstore:DeleteInstance", "Resource": "*", "NotResource": "acs:kvstore:*:*:instance/r-1"}"#,
    ];
    for statement in unmodelled_deny {
        let deny = format!(r#"{{"Version": "1", "Statement": [{statement}]}}"#);
        let evaluation = Case::new(&[&all, &deny]).eval("kvstore:DeleteInstance", R1);
        assert_eq!(evaluation.decision, Decision::Conditional, "{statement}");
        assert!(!evaluation.reasons.is_empty(), "{statement}");
        assert!(
            evaluation
                .reasons
                .iter()
                .all(|r| r.starts_with("statement 1 of p1.json: ")),
            "{:?}",
            evaluation.reasons
        );
    }
    // A condition it cannot evaluate only narrows its statement: about another action, the
    // statement is certainly not about the request.
    let broken_condition = r#"{"Version": "1", "Statement": [{"Effect": "Deny", "Action": "kvstore:DeleteInstance", "Resource": "*", "Condition": "MFA"}]}"#;
    assert_eq!(
        Case::new(&[&all, broken_condition])
            .eval("kvstore:DescribeInstances", R1)
            .decision,
        Decision::Allowed
    );
    // An element it does not know may change anything: unknown, whatever the request.
    let unknown_element = r#"{"Version": "1", "Statement": [{"Effect": "Deny", "Action": "kvstore:DeleteInstance", "Resource": "*", "NotPrincipal": {"RAM": "*"}}]}"#;
    assert_eq!(
        Case::new(&[&all, unknown_element])
            .eval("kvstore:DescribeInstances", R1)
            .decision,
        Decision::Conditional
    );
    // An `Allow` with a condition the evaluator cannot evaluate does not allow.
    let allow = statements(
        "Allow",
        "\"kvstore:DeleteInstance\"",
        "\"*\"",
        r#"{"StringEqualsIfExists": {"acs:ResourceTag/env": "dev"}}"#,
    );
    let evaluation = Case::new(&[&allow])
        .with("acs:ResourceTag/env", "dev")
        .eval("kvstore:DeleteInstance", R1);
    assert_eq!(evaluation.decision, Decision::Conditional);
    assert!(
        evaluation.reasons.iter().any(|r| r.contains("`StringEqualsIfExists`")),
        "{:?}",
        evaluation.reasons
    );
    // Yet a certain `Deny` still decides, whatever the unmodelled statement would say.
    let deny = statements("Deny", "\"kvstore:DeleteInstance\"", "\"*\"", "");
    assert_eq!(
        Case::new(&[&allow, &deny]).eval("kvstore:DeleteInstance", R1).decision,
        Decision::ExplicitDeny
    );
}

#[test]
fn a_deny_that_may_apply_leaves_a_certain_allow_unknown() {
    // The security rules ask `allowed_by` of one document: an `Allow` that certainly applies
    // and a `Deny` that applies only in some VPC is not "allowed" (it was, before).
    let policy = compile(
        "p.json",
        r#"{"Version": "1", "Statement": [
            {"Effect": "Allow", "Action": "kvstore:*", "Resource": "*"},
            {"Effect": "Deny", "Action": "kvstore:DeleteInstance", "Resource": "*",
             "Condition": {"StringEquals": {"acs:SourceVpc": "vpc-1"}}}]}"#,
    );
    let resource = Resource::known("acs:kvstore:cn-hangzhou:1234567890123456:instance/r-1");
    let truth = eval::allowed_by(
        &policy.statements,
        "kvstore:DeleteInstance",
        &resource,
        &Context::default(),
    );
    assert!(matches!(truth, eval::Truth::Unknown(_)), "{truth:?}");
    let truth = eval::allowed_by(
        &policy.statements,
        "kvstore:DescribeInstances",
        &resource,
        &Context::default(),
    );
    assert_eq!(truth, eval::Truth::Yes);
}
