//! ramguard: lint Alibaba Cloud RAM policies, and pre-flight the release of a Redis / Tair
//! instance.
//!
//! Data flows one way: read (`inputs`) → parse (`json`, `policy`) → check (`rules`) →
//! report (`report`). The library never prints; the binary hands output to the user.
//!
//! ```
//! use ramguard::{inputs::policy_file, lint, settings::Settings};
//!
//! let text = r#"{"Version": "1", "Statement": [{"Effect": "Deny", "Action": "r-kvstore:DeleteInstance", "Resource": "*"}]}"#;
//! let file = policy_file::read("ops.json".into(), text.as_bytes().to_vec());
//! let findings = lint::lint_file(&file, &Settings::default(), "ops.json").unwrap_or_default();
//! assert_eq!(findings[0].rule.name, "unknown-service");
//! assert!(findings[0].message.contains("protects nothing"));
//! ```

pub mod ascii;
pub mod catalog;
pub mod cli;
pub mod cloud;
pub mod config;
pub mod diff;
pub mod eval;
pub mod fix;
pub mod inputs;
pub mod json;
pub mod lint;
pub mod policy;
pub mod preflight;
pub mod report;
pub mod rules;
pub mod settings;
pub mod source;
pub mod suggest;
pub mod values;

/// Every text made of at most `count` of `pieces` (repeats allowed): the inputs on which a test
/// holds a byte-level check to the one it replaced.
#[cfg(test)]
pub(crate) fn concatenations(pieces: &[&str], count: usize) -> Vec<String> {
    let mut all = vec![String::new()];
    let mut last = all.clone();
    for _ in 0..count {
        last = last
            .iter()
            .flat_map(|text| pieces.iter().map(move |piece| format!("{text}{piece}")))
            .collect();
        all.extend(last.iter().cloned());
    }
    all
}
