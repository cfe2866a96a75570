#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test fails loudly"
)]

//! Alibaba Cloud's own policies: an error on any of them means ramguard is wrong about RAM.
//! The warnings they raise are listed here, each one decided on: a new warning fails the test
//! until someone decides whether it is right.

use std::path::Path;

use ramguard::config::Config;
use ramguard::lint::{self, LintOptions};
use ramguard::rules::Severity;

#[test]
fn the_corpus_has_no_errors_and_only_the_known_warnings() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/corpus");
    let config = Config::default();
    let report = lint::lint_paths(std::slice::from_ref(&root), &config, &root, LintOptions::default())
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(report.linted, 75, "the corpus holds 75 policies");
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    for file in &report.files {
        for finding in &file.findings {
            let name = Path::new(&file.source.name)
                .file_name()
                .map(|n| n.to_string_lossy().into_owned());
            let line = format!("{} {} {}", name.unwrap_or_default(), finding.rule.name, finding.message);
            match finding.severity {
                Severity::Error => errors.push(line),
                _ => warnings.push(line),
            }
        }
    }
    assert!(
        errors.is_empty(),
        "errors on Alibaba's own policies:\n{}",
        errors.join("\n")
    );
    insta::assert_snapshot!("corpus-warnings", warnings.join("\n"));
}
