//! An ignore in `ramguard.toml` that matches nothing.
//!
//! ## What it does
//! Reports an `[[ignore]]` entry of the configuration that neither skipped a file nor silenced
//! a finding in this run. It is reported against `ramguard.toml` itself.
//!
//! ## Why is this bad?
//! An exemption outlives the problem it was written for: the file was renamed, the rule was
//! fixed. A stale one will silently swallow the next, unrelated finding on that path.
//!
//! ## Example
//! ```toml
//! [[ignore]]
//! path = "policies/legacy/**"   # the folder was deleted last quarter
//! reason = "migrated from AWS, being rewritten"
//! ```
//!
//! Use instead:
//! Delete the entry.

use super::{Rule, Severity};

pub static RULE: Rule = Rule {
    code: "RG901",
    name: "unused-ignore",
    severity: Severity::Warning,
    source: include_str!("unused_ignore.rs"),
    check: Rule::no_check,
};
