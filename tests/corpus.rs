#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test fails loudly"
)]

//! Alibaba Cloud's own policies: an error on any of them means ramguard is wrong about RAM.
//! The warnings they raise are listed here, each one decided on: a new warning fails the test
//! until someone decides whether it is right. Since the hook fails on warnings (issue 12),
//! each warning below must be worth a blocked commit:
//!
//! - `full-admin`, `wildcard-grants-delete`, `release-protection-bypass`, `privilege-escalation`
//!   on Alibaba's administrator templates: they do grant that; a repository that means it says
//!   so in `ramguard.toml`.
//! - `allow-with-not-action` on `modules_PowerUserAccess.json` (every action but `ram:*`,
//!   release included) and on `oss-all-but-delete.json` (every OSS action but two on a bucket,
//!   `PutBucketPolicy` included): that is what they grant, and the message says so.
//! - `unknown-condition-key` on `mark311-ram-role-for-oidc.json`: `aws:RequestTag/...` is an AWS
//!   key, no Alibaba request carries it, so the role can never be assumed.
//! - `unknown-condition-key` on `trust-principal-arn-case.json`: `acs:PrincipalArn` is
//!   `acs:PrincipalARN` in another case, and the message names it.
//! - `unknown-service` infos on `aiworkspace`: not in the catalogue; an info, not a warning, since
//!   ramguard cannot tell that it grants nothing.

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
    assert_eq!(report.linted, 81, "the corpus holds 81 policies");
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    for file in &report.files {
        for finding in &file.findings {
            let name = Path::new(&file.source.name)
                .file_name()
                .map(|n| n.to_string_lossy().into_owned());
            let line = format!(
                "{} {} {} {}",
                name.unwrap_or_default(),
                finding.severity.as_str(),
                finding.rule.name,
                finding.message
            );
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
