//! ROS templates (YAML, JSON) and Terraform's JSON syntax (`.tf.json`) with values only ROS or
//! Terraform knows (ROS functions, `Fn::Sub`/`Fn::Join` strings, `${...}` interpolations): what
//! is known is linted, and an unknown value never produces a false error. Counter-examples with
//! an unknown in every position a rule reads stay silent but for one info per document;
//! findings decided by the known part are still raised, at exact lines and columns.

#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test fails loudly"
)]

use std::fmt::Write as _;
use std::path::Path;

use ramguard::inputs::{self, policy_file::Content};
use ramguard::lint;
use ramguard::rules::{Finding, Severity};
use ramguard::settings::Settings;
use ramguard::source::SourceFile;

fn fixture(name: &str) -> (std::sync::Arc<SourceFile>, Content, Vec<Finding>) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/template-unknowns")
        .join(name);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let shown = format!("tests/fixtures/template-unknowns/{name}");
    let file = inputs::read_policy_file(shown.clone(), bytes);
    let mut findings = lint::lint_file(&file, &Settings::default(), &shown).unwrap_or_default();
    lint::sort(&mut findings);
    (file.source, file.content, findings)
}

/// One line per finding: where it starts and ends (1-based line:column), the rule, the
/// message, and the text it underlines.
fn render(source: &SourceFile, findings: &[Finding]) -> String {
    let mut out = String::new();
    for f in findings {
        let (line, column) = source.line_col(f.span.start);
        let (end_line, end_column) = source.line_col(f.span.end);
        let underlined = source.text.get(f.span.start..f.span.end).unwrap_or("<bad span>");
        let underlined: String = underlined.lines().next().unwrap_or_default().chars().take(50).collect();
        writeln!(
            out,
            "{line}:{column}-{end_line}:{end_column} {} {} {}: {} [{underlined}]",
            f.rule.code,
            f.rule.name,
            f.severity.as_str(),
            f.message
        )
        .unwrap();
    }
    out
}

fn documents(content: &Content) -> usize {
    match content {
        Content::Documents(documents) => documents.len(),
        _ => 0,
    }
}

#[test]
fn an_unknown_in_every_position_a_rule_reads_stays_silent() {
    for (name, expected, tool) in [
        ("silent.yaml", 5, "only ROS knows"),
        ("silent.json", 4, "only ROS knows"),
        ("silent.tf.json", 4, "only Terraform knows"),
    ] {
        let (source, content, findings) = fixture(name);
        let rendered = render(&source, &findings);
        // Every document is linted for what is known...
        assert_eq!(documents(&content), expected, "{name}:\n{rendered}");
        // ...and the only findings say so, once per document, naming the tool.
        assert!(
            findings.iter().all(|f| f.rule.name == "terraform-unknown-value"
                && f.severity == Severity::Info
                && f.message.contains(tool)
                && f.message.ends_with("what is known was linted")),
            "{name}:\n{rendered}"
        );
        assert_eq!(findings.len(), expected, "{name}:\n{rendered}");
        insta::assert_snapshot!(name, rendered);
    }
}

#[test]
fn findings_decided_by_the_known_part_are_raised() {
    for (name, codes) in [
        ("holds.yaml", &["RG007", "RG102", "RG018", "RG011", "RG204"][..]),
        ("holds.json", &["RG007", "RG102", "RG018", "RG011", "RG205"][..]),
        ("holds.tf.json", &["RG007", "RG102", "RG018", "RG011", "RG203"][..]),
    ] {
        let (source, _, findings) = fixture(name);
        let rendered = render(&source, &findings);
        for code in codes {
            assert!(
                findings.iter().any(|f| f.rule.code == *code),
                "{name}: {code} missing:\n{rendered}"
            );
        }
        insta::assert_snapshot!(name, rendered);
    }
}

/// Resource policies (OSS bucket, KMS key, endpoint policies) in Terraform are not permission
/// policies: one info each, no `principal-in-permission-policy` or `missing-element`; an
/// inline Cloud SSO permission policy is linted as one.
#[test]
fn resource_policies_are_said_and_cloud_sso_inline_policies_linted() {
    for (name, resource_policies) in [("resource_policies.tf", 2), ("resource_policies.tf.json", 2)] {
        let (source, content, findings) = fixture(name);
        let rendered = render(&source, &findings);
        let said: Vec<&Finding> = findings
            .iter()
            .filter(|f| f.rule.name == "unrecognised-document")
            .collect();
        assert_eq!(said.len(), resource_policies, "{name}:\n{rendered}");
        assert!(
            said.iter()
                .all(|f| f.severity == Severity::Info && f.message.contains("a resource policy")),
            "{name}:\n{rendered}"
        );
        // The Cloud SSO inline policy is the one document, its `allow` reported.
        assert_eq!(documents(&content), 1, "{name}:\n{rendered}");
        let others: Vec<&str> = findings
            .iter()
            .filter(|f| f.rule.name != "unrecognised-document")
            .map(|f| f.rule.name)
            .collect();
        assert_eq!(others, ["invalid-effect"], "{name}:\n{rendered}");
        insta::assert_snapshot!(name, rendered);
    }
}
