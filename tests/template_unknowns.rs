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

// Only its fixture reading is used here.
#[allow(dead_code)]
mod common;

use common::findings::{documents, render};
use std::fmt::Write as _;
use std::path::Path;

use ramguard::inputs::policy_file::Content;
use ramguard::lint;
use ramguard::rules::{Finding, Severity};
use ramguard::source::SourceFile;

fn fixture(name: &str) -> (std::sync::Arc<SourceFile>, Content<'static>, Vec<Finding>) {
    common::findings::lint_fixture("template-unknowns", name)
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

fn lint_folder(path: &str) -> ramguard::lint::LintReport {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    lint::lint_paths(
        &[root.join(path)],
        &ramguard::config::Config::default(),
        root,
        lint::LintOptions { no_ignore: true },
    )
    .unwrap_or_else(|e| panic!("{e:?}"))
}

/// One line per finding of a report: the file (from `files/` or `files-json/` on), position,
/// rule, message.
fn render_report(report: &ramguard::lint::LintReport) -> String {
    let mut out = String::new();
    for file in &report.files {
        let name = file
            .source
            .name
            .rsplit_once("files/")
            .or_else(|| file.source.name.rsplit_once("files-json/"))
            .map_or(file.source.name.as_str(), |(_, n)| n);
        for line in render(&file.source, &file.findings).lines() {
            writeln!(out, "{name}: {line}").unwrap();
        }
    }
    out
}

/// `file("x.json")` and `templatefile("x.json.tpl", ...)` with literal paths: the named file is
/// linted once, as a file of its own (findings pointing into it), whether the walk found it too
/// or not; a path that leaves the folder or names nothing stays unknown, and is said so.
#[test]
fn files_named_by_file_and_templatefile_are_linted_once() {
    // The same documents in Terraform's JSON syntax, each call the whole of a string.
    for (folder, main, snapshot) in [
        ("tests/fixtures/template-unknowns/files", "main.tf", "files"),
        (
            "tests/fixtures/template-unknowns/files-json",
            "main.tf.json",
            "files-json",
        ),
    ] {
        files_named_in(folder, main, snapshot);
    }
}

fn files_named_in(folder: &str, main: &str, snapshot: &str) {
    for path in [folder.to_string(), format!("{folder}/{main}")] {
        let report = lint_folder(&path);
        let rendered = render_report(&report);
        let names: Vec<&str> = report.files.iter().map(|f| f.source.name.as_str()).collect();
        // `a.json` (found by the walk and named twice) is reported once; the template too.
        for (file, count) in [("policies/a.json", 1), ("policies/b.json.tpl", 1), (main, 1)] {
            assert_eq!(
                names.iter().filter(|n| n.ends_with(file)).count(),
                count,
                "{path}: {file}:\n{rendered}"
            );
        }
        let findings = |file: &str| -> Vec<&Finding> {
            report
                .files
                .iter()
                .filter(|f| f.source.name.ends_with(file))
                .flat_map(|f| &f.findings)
                .collect()
        };
        let codes = |file: &str| -> Vec<&str> { findings(file).iter().map(|f| f.rule.code).collect() };
        assert_eq!(codes("policies/a.json"), ["RG007"], "{path}:\n{rendered}");
        // The template is linted for what is known: `allow`, and RG021 for its unknowns.
        assert_eq!(codes("policies/b.json.tpl"), ["RG007", "RG021"], "{path}:\n{rendered}");
        // In the Terraform file, only infos: three documents linted in their own file, two unknown.
        let in_main = findings(main);
        assert!(
            in_main.iter().all(|f| f.severity == Severity::Info),
            "{path}:\n{rendered}"
        );
        assert_eq!(
            in_main
                .iter()
                .filter(|f| f.message.contains("linted as a file of its own"))
                .count(),
            3,
            "{path}:\n{rendered}"
        );
        assert!(
            in_main.iter().any(|f| f.message.contains("leaves the folder")),
            "{path}:\n{rendered}"
        );
        assert!(
            in_main.iter().any(|f| f.message.contains("does not exist")),
            "{path}:\n{rendered}"
        );
        assert_eq!(report.documents, 2, "{path}:\n{rendered}");
        insta::assert_snapshot!(snapshot, rendered);
    }
}
