//! Terraform documents with values only Terraform knows (interpolations, references, `for`
//! expressions, conditionals, `dynamic` blocks): what is known is linted, and an unknown value
//! never produces a false error. Counter-examples with an unknown in every position a rule
//! reads stay silent; findings decided by the known part are still raised, at exact lines and
//! columns; the evaluator answers `conditional`, never `allowed`.

#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test fails loudly"
)]

// Only its fixture reading is used here.
#[allow(dead_code)]
mod common;

use common::findings::{documents, render};

use ramguard::config::Config;
use ramguard::eval::{self, Context, Decision, Layer, LayerKind, Resource};
use ramguard::inputs::{self, evaluable, policy_file::Content, terraform};
use ramguard::lint;
use ramguard::rules::{Finding, Severity};
use ramguard::settings::Settings;
use ramguard::source::SourceFile;

fn codes(findings: &[Finding]) -> Vec<&'static str> {
    findings.iter().map(|f| f.rule.code).collect()
}

/// `locals { p = <expression> }`.
fn local(expression: &str) -> String {
    format!("locals {{\n  p = {expression}\n}}\n")
}

fn lint_text(text: &str, settings: &Settings) -> Vec<Finding> {
    let file = terraform::read("main.tf".into(), text.as_bytes().to_vec());
    lint::lint_file(&file, settings, "main.tf").unwrap_or_default()
}

fn fixture(name: &str) -> (std::sync::Arc<SourceFile>, Content<'static>, Vec<Finding>) {
    common::findings::lint_fixture("terraform-unknowns", name)
}

#[test]
fn an_unknown_in_every_position_a_rule_reads_stays_silent() {
    let (source, content, findings) = fixture("silent.tf");
    let rendered = render(&source, &findings);
    // Every document is linted for what is known (none is left aside)...
    assert_eq!(documents(&content), 6, "{rendered}");
    // ...and the only findings say so, once per document.
    assert!(
        findings.iter().all(|f| f.rule.name == "terraform-unknown-value"
            && f.severity == Severity::Info
            && f.message.ends_with("what is known was linted")),
        "{rendered}"
    );
    assert_eq!(findings.len(), 6, "{rendered}");
    insta::assert_snapshot!("silent.tf", rendered);
}

#[test]
fn findings_decided_by_the_known_part_are_raised() {
    let (source, content, findings) = fixture("holds.tf");
    let rendered = render(&source, &findings);
    assert_eq!(documents(&content), 3, "{rendered}");
    let codes = codes(&findings);
    for (code, why) in [
        ("RG102", "`kvstore:DeleteInstanse` beside `${var.more_action}`"),
        (
            "RG018",
            "`acs:OSS:...${var.account_id}`: the known start has the wrong case",
        ),
        ("RG011", "`arn:aws:s3:::${var.bucket}`: no ARN starts so"),
        ("RG007", "`allow` beside an unknown `Resource`"),
        ("RG203", "`Resource = var.instance_arns` at its worst, named"),
        ("RG204", "both actions on `var.instance_arns`, the assumption named"),
        ("RG202", "`NotAction` with an unknown exception"),
        ("RG205", "`*` on `*` beside an unknown action"),
    ] {
        assert!(codes.contains(&code), "{code} ({why}) missing:\n{rendered}");
    }
    // The worst case is said as an assumption.
    let unscoped = findings.iter().find(|f| f.rule.code == "RG203").unwrap();
    assert!(
        unscoped
            .message
            .contains("if the reference `var.instance_arns` holds `*`"),
        "{}",
        unscoped.message
    );
    // `allow` and `allow${var.suffix}` are both wrong whatever Terraform fills in.
    assert_eq!(codes.iter().filter(|c| **c == "RG007").count(), 2, "{rendered}");
    insta::assert_snapshot!("holds.tf", rendered);
}

#[test]
fn the_shape_of_alibabas_template_modules_is_linted() {
    let (source, content, findings) = fixture("template_module.tf");
    let rendered = render(&source, &findings);
    assert_eq!(documents(&content), 1, "{rendered}");
    assert!(findings.iter().all(|f| f.severity == Severity::Info), "{rendered}");
    // `policy_document = local.policy_json` is said to be linted where the local is written.
    assert!(
        findings.iter().any(
            |f| f.message == "this policy document is `local.policy_json`, linted where it is written in this file"
        ),
        "{rendered}"
    );
    insta::assert_snapshot!("template_module.tf", rendered);
}

/// A `.tf` text holding one document, read and compiled as `simulate` and `preflight` do.
fn compile(text: &str) -> Result<eval::CompiledPolicy, evaluable::LoadError> {
    let file = terraform::read("main.tf".into(), text.as_bytes().to_vec());
    evaluable::compile("main.tf", &file, &Config::default())
}

fn decide(policy: eval::CompiledPolicy, action: &str, arn: &str) -> Decision {
    let layers = [Layer {
        kind: LayerKind::IdentityPolicy,
        policies: vec![policy],
    }];
    eval::evaluate(&layers, action, &Resource::known(arn), &Context::default()).decision
}

const R1: &str = "acs:kvstore:cn-hangzhou:1234567890123456:instance/r-1";

#[test]
fn a_statement_with_an_unknown_part_may_or_may_not_apply() {
    for (what, document) in [
        (
            "an unknown `Resource`",
            r#"jsonencode({ Version = "1", Statement = [{ Effect = "Allow", Action = "kvstore:DeleteInstance", Resource = var.arns }] })"#,
        ),
        (
            "a `Resource` with an interpolation",
            r#"jsonencode({ Version = "1", Statement = [{ Effect = "Allow", Action = "kvstore:DeleteInstance", Resource = "acs:kvstore:*:*:instance/${var.id}" }] })"#,
        ),
        (
            "an unknown action beside a known one",
            r#"jsonencode({ Version = "1", Statement = [{ Effect = "Allow", Action = ["kvstore:DescribeInstances", var.more], Resource = "*" }] })"#,
        ),
        (
            "an unknown condition value",
            r#"jsonencode({ Version = "1", Statement = [{ Effect = "Allow", Action = "kvstore:DeleteInstance", Resource = "*", Condition = { StringEquals = { "acs:ResourceTag/env" = ["dev", var.env] } } }] })"#,
        ),
        (
            "an unknown `Effect`",
            r#"jsonencode({ Version = "1", Statement = [{ Effect = var.effect, Action = "kvstore:DeleteInstance", Resource = "*" }] })"#,
        ),
        (
            "an unknown statement",
            r#"jsonencode({ Version = "1", Statement = [for s in var.statements : s] })"#,
        ),
    ] {
        let text = format!("resource \"alicloud_ram_policy\" \"p\" {{\n  policy_document = {document}\n}}\n");
        let policy = compile(&text).unwrap_or_else(|e| panic!("{what}: {}", e.message()));
        assert_eq!(
            decide(policy, "kvstore:DeleteInstance", R1),
            Decision::Conditional,
            "{what}"
        );
    }
}

#[test]
fn an_unknown_condition_value_is_conditional_even_when_the_known_ones_do_not_match() {
    // `env` is `prod`: the known `dev` does not match, but `var.env` may be `prod`.
    let text = local(
        r#"jsonencode({ Version = "1", Statement = [{ Effect = "Allow", Action = "kvstore:DeleteInstance", Resource = "*", Condition = { StringEquals = { "acs:ResourceTag/env" = ["dev", var.env] } } }] })"#,
    );
    let policy = compile(&text).unwrap_or_else(|e| panic!("{}", e.message()));
    let layers = [Layer {
        kind: LayerKind::IdentityPolicy,
        policies: vec![policy],
    }];
    let mut context = Context::default();
    context.insert("acs:ResourceTag/env", "prod");
    let decision = eval::evaluate(&layers, "kvstore:DeleteInstance", &Resource::known(R1), &context).decision;
    assert_eq!(decision, Decision::Conditional);
}

#[test]
fn an_unknown_deny_beside_a_known_allow_is_conditional_not_allowed() {
    let text = local(
        "<<EOF\n{\"Version\": \"1\", \"Statement\": [\n  {\"Effect\": \"Allow\", \"Action\": \"kvstore:*\", \"Resource\": \"*\"},\n  {\"Effect\": \"Deny\", \"Action\": \"kvstore:DeleteInstance\", \"Resource\": ${jsonencode(var.protected)}}\n]}\nEOF",
    );
    let policy = compile(&text).unwrap_or_else(|e| panic!("{}", e.message()));
    assert_eq!(
        decide(policy.clone(), "kvstore:DeleteInstance", R1),
        Decision::Conditional
    );
    // What the unknown cannot touch is still decided: the `Deny` names one action only.
    assert_eq!(decide(policy, "kvstore:DescribeInstances", R1), Decision::Allowed);
}

#[test]
fn an_unknown_action_or_effect_leaves_every_action_open() {
    for document in [
        r#"jsonencode({ Version = "1", Statement = [{ Effect = "Allow", Action = "kvstore:*", Resource = "*" }, { Effect = "Deny", Action = ["kvstore:DeleteInstance", var.more], Resource = "*" }] })"#,
        r#"jsonencode({ Version = "1", Statement = [{ Effect = "Allow", Action = "kvstore:*", Resource = "*" }, { Effect = var.effect, Action = "kvstore:DeleteInstance", Resource = var.arns }] })"#,
    ] {
        let policy = compile(&local(document)).unwrap_or_else(|e| panic!("{}", e.message()));
        assert_eq!(
            decide(policy, "kvstore:DescribeInstances", R1),
            Decision::Conditional,
            "{document}"
        );
    }
}

#[test]
fn a_fix_never_rewrites_text_that_holds_an_interpolation() {
    let text = local(
        r#"jsonencode({ Version = "1", Statement = [{ Effect = "allow${var.x}", Action = "KVSTORE:DescribeInstances", Resource = "*" }] })"#,
    );
    let findings = lint_text(&text, &Settings::default());
    assert!(codes(&findings).contains(&"RG007"), "{findings:?}");
    let edits = ramguard::fix::edits(&text, &findings, &Settings::default().catalog);
    // The action's case is fixed; the effect with an interpolation is not touched.
    assert!(
        edits.iter().all(|e| !text[e.span.start..e.span.end].contains("${")),
        "{edits:?}"
    );
    assert_eq!(edits.len(), 1, "{edits:?}");
}

#[test]
fn the_size_limit_counts_what_is_known_as_a_lower_bound() {
    let arns: Vec<String> = (0..40)
        .map(|i| format!("\"acs:kvstore:cn-hangzhou:1234567890123456:instance/r-{i:04}\""))
        .collect();
    let text = local(&format!(
        "jsonencode({{ Version = \"1\", Statement = [{{ Effect = \"Allow\", Action = var.actions, Resource = [{}] }}] }})",
        arns.join(", ")
    ));
    let settings = Settings {
        policy_size_limit: 1_000,
        ..Settings::default()
    };
    let findings = lint_text(&text, &settings);
    let too_large = findings.iter().find(|f| f.rule.name == "policy-too-large").unwrap();
    assert!(too_large.message.contains("at least"), "{}", too_large.message);
    // Under the limit as far as is known: nothing is said on a guess.
    let small = local(
        r#"jsonencode({ Version = "1", Statement = [{ Effect = "Allow", Action = var.actions, Resource = var.arns }] })"#,
    );
    let findings = lint_text(&small, &settings);
    assert!(
        findings.iter().all(|f| f.rule.name != "policy-too-large"),
        "{findings:?}"
    );
}

#[test]
fn a_required_deny_that_may_be_unknown_is_not_reported_missing() {
    let settings = Settings {
        requirements: vec![ramguard::settings::Requirement {
            pattern: glob::Pattern::new("**").unwrap(),
            actions: vec!["kvstore:DeleteInstance".into()],
            reason: None,
        }],
        ..Settings::default()
    };
    let unknown_deny = local(
        r#"jsonencode({ Version = "1", Statement = [{ Effect = "Allow", Action = "kvstore:Describe*", Resource = "*" }, { Effect = "Deny", Action = "kvstore:DeleteInstance", Resource = var.protected }] })"#,
    );
    let findings = lint_text(&unknown_deny, &settings);
    assert!(
        findings.iter().all(|f| f.rule.name != "missing-required-deny"),
        "{findings:?}"
    );
    // With no statement that may deny, the requirement is still checked.
    let no_deny = local(
        r#"jsonencode({ Version = "1", Statement = [{ Effect = "Allow", Action = "kvstore:Describe*", Resource = var.arns }] })"#,
    );
    let findings = lint_text(&no_deny, &settings);
    assert!(
        findings.iter().any(|f| f.rule.name == "missing-required-deny"),
        "{findings:?}"
    );
}

#[test]
fn an_unknown_standing_where_json_cannot_take_it_leaves_the_document_unlinted_and_says_so() {
    // A directive between members, a computed key: the text is not JSON without them.
    for text in [
        local(
            "<<EOF\n{\"Version\": \"1\", \"Statement\": [{\"Effect\": \"Allow\", %{ if var.x }\"Action\": \"*\",%{ endif } \"Resource\": \"*\"}]}\nEOF",
        ),
        local(r#"jsonencode({ Version = "1", Statement = [{ (var.key) = "Allow", Action = "*", Resource = "*" }] })"#),
    ] {
        let file = terraform::read("main.tf".into(), text.as_bytes().to_vec());
        assert_eq!(documents(&file.content), 0, "{text}");
        let findings = lint::lint_file(&file, &Settings::default(), "main.tf").unwrap_or_default();
        assert_eq!(codes(&findings), ["RG021"], "{text}");
        assert!(
            findings[0].message.ends_with("it was not linted"),
            "{}",
            findings[0].message
        );
    }
}

#[test]
fn a_reference_to_a_local_that_is_not_a_document_here_is_still_not_linted() {
    let text = "resource \"alicloud_ram_policy\" \"p\" {\n  policy_document = local.elsewhere\n}\n";
    let findings = lint_text(text, &Settings::default());
    assert_eq!(codes(&findings), ["RG021"]);
    assert!(
        findings[0].message.ends_with("it was not linted"),
        "{}",
        findings[0].message
    );
}

#[test]
fn the_json_reader_never_reads_an_interpolation_as_unknown() {
    // In a `.json` file `${...}` is text, and linted as text.
    let text =
        r#"{"Version": "1", "Statement": [{"Effect": "Allow", "Action": "kvstore:Delete${x}", "Resource": "*"}]}"#;
    let root = ramguard::json::parse(text).unwrap();
    assert!(!root.holds_unknown());
    let file = inputs::policy_file::read("p.json".into(), text.as_bytes().to_vec());
    let findings = lint::lint_file(&file, &Settings::default(), "p.json").unwrap_or_default();
    assert!(codes(&findings).contains(&"RG010"), "{findings:?}");
}
