//! An ignore in `ramguard.toml` whose `expires` date has passed.
//!
//! ## What it does
//! Reports an `[[ignore]]` entry whose `expires` date (`YYYY-MM-DD`, UTC) is in the past. The
//! entry stops applying that day: the findings it silenced come back, and this one says why.
//!
//! ## Why is this bad?
//! An exemption with a date is a promise to fix something by then. When the date passes, the
//! team should decide again, not keep the exemption by inertia.
//!
//! ## Example
//! ```toml
//! [[ignore]]
//! path = "policies/ops.json"
//! rules = ["wildcard-grants-delete"]
//! reason = "until the teardown role exists"
//! expires = "2026-01-31"
//! ```
//!
//! Use instead:
//! Fix the finding and delete the entry, or renew it with a new date and reason.

use super::{Rule, Severity};

pub static RULE: Rule = Rule {
    code: "RG902",
    name: "expired-ignore",
    severity: Severity::Warning,
    source: include_str!("expired_ignore.rs"),
    check: Rule::no_check,
};
