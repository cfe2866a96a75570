//! Every rule fires on its fixture and stays silent on its counter-example, and what it prints
//! is kept as a snapshot (no colour, 80 columns).

#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test fails loudly"
)]

use std::path::Path;

use ramguard::inputs::policy_file;
use ramguard::lint;
use ramguard::report::human::{Style, render_finding};
use ramguard::rules::{self, Finding};
use ramguard::settings::{Requirement, Settings};

/// The settings a rule's fixtures are linted with: `missing-required-deny` needs a requirement.
fn settings_for(rule: &str) -> Settings {
    let mut settings = Settings::default();
    if rule == "missing-required-deny" {
        settings.requirements.push(Requirement {
            pattern: glob::Pattern::new("tests/fixtures/**").unwrap(),
            actions: vec!["kvstore:DeleteInstance".into()],
            reason: Some("production caches are released through the change process".into()),
        });
    }
    settings
}

fn lint_fixture(path: &Path, settings: &Settings) -> (policy_file::PolicyFile<'static>, Vec<Finding>) {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let name = path
        .strip_prefix(env!("CARGO_MANIFEST_DIR"))
        .unwrap_or(path)
        .display()
        .to_string();
    let file = policy_file::read(name.clone(), bytes);
    let mut findings = lint::lint_file(&file, settings, &name).unwrap_or_default();
    lint::sort(&mut findings);
    (file, findings)
}

fn fixture_dir(rule: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/rules")
        .join(rule)
}

/// Rules whose findings are about `ramguard.toml`, tested through the CLI, and the rule of
/// Terraform files (`tests/terraform.rs`).
const CONFIG_RULES: [&str; 3] = ["unused-ignore", "expired-ignore", "terraform-unknown-value"];

#[test]
fn every_rule_fires_on_its_fixture_and_not_on_its_counter_example() {
    for rule in rules::ALL.iter().filter(|r| !CONFIG_RULES.contains(&r.name)) {
        let dir = fixture_dir(rule.name);
        let settings = settings_for(rule.name);
        let (_, fired) = lint_fixture(&dir.join("fires.json"), &settings);
        assert!(
            fired.iter().any(|f| f.rule.name == rule.name),
            "{} does not fire on its fixture; it reported {:?}",
            rule.name,
            fired.iter().map(|f| f.rule.name).collect::<Vec<_>>()
        );
        let (_, silent) = lint_fixture(&dir.join("silent.json"), &settings);
        let names: Vec<_> = silent.iter().map(|f| (f.rule.name, &*f.message)).collect();
        assert!(
            names.is_empty(),
            "{}'s counter-example is not clean: {names:?}",
            rule.name
        );
    }
}

#[test]
fn rendered_findings_match_their_snapshots() {
    for rule in rules::ALL.iter().filter(|r| !CONFIG_RULES.contains(&r.name)) {
        let (file, findings) = lint_fixture(&fixture_dir(rule.name).join("fires.json"), &settings_for(rule.name));
        let mut out = String::new();
        for finding in findings.iter().filter(|f| f.rule.name == rule.name) {
            render_finding(
                &mut out,
                &file.source,
                finding,
                Style {
                    color: false,
                    width: 80,
                },
            );
        }
        insta::assert_snapshot!(rule.name, out);
    }
}

/// The JSON block after `marker` in a rule's documentation, as a policy document: a statement
/// or an array of statements is wrapped; anything else (a fragment) is `None`.
fn doc_example(doc: &str, marker: &str) -> Option<String> {
    let after = doc.get(doc.find(marker)? + marker.len()..)?;
    // The example's block stands before the fix.
    let after = after.split("Use instead:").next()?;
    let start = after.find("```json\n")? + "```json\n".len();
    let end = after.get(start..)?.find("```")? + start;
    let block = after.get(start..end)?.trim();
    // Wrapped as text, not through serde_json, which would merge duplicate keys.
    let node = ramguard::json::parse(block).ok()?;
    if node.as_array().is_some() {
        return Some(format!("{{\"Version\": \"1\", \"Statement\": {block}}}"));
    }
    if node.get("Statement").is_some() {
        return Some(block.to_string());
    }
    node.get("Effect")?;
    Some(format!("{{\"Version\": \"1\", \"Statement\": [{block}]}}"))
}

#[test]
fn every_documented_example_shows_its_rule_and_every_fix_is_clean() {
    let mut checked = 0;
    for rule in rules::ALL {
        let doc = rule.doc();
        let settings = settings_for(rule.name);
        let lint = |text: String| {
            let file = policy_file::read("tests/fixtures/doc-example.json".into(), text.into_bytes());
            lint::lint_file(&file, &settings, "tests/fixtures/doc-example.json").unwrap_or_default()
        };
        if let Some(example) = doc_example(&doc, "## Example") {
            let names: Vec<_> = lint(example).iter().map(|f| f.rule.name).collect();
            assert!(
                names.contains(&rule.name),
                "{}'s example does not show it: {names:?}",
                rule.name
            );
            checked += 1;
        }
        if let Some(fix) = doc_example(&doc, "Use instead:") {
            // The fix is clean, of this rule and of every other: it teaches.
            let names: Vec<_> = lint(fix).iter().map(|f| f.rule.name).collect();
            assert!(names.is_empty(), "{}'s fix is not clean: {names:?}", rule.name);
            checked += 1;
        }
    }
    assert!(checked > 40, "only {checked} examples were checked");
}
