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

fn lint_fixture(path: &Path, settings: &Settings) -> (policy_file::PolicyFile, Vec<Finding>) {
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

/// Rules whose findings are about `ramguard.toml`, tested through the CLI.
const CONFIG_RULES: [&str; 2] = ["unused-ignore", "expired-ignore"];

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
        let names: Vec<_> = silent.iter().map(|f| (f.rule.name, f.message.as_str())).collect();
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
