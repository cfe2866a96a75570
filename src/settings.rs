//! What the rules need to know from the configuration, resolved once before linting.

use std::sync::Arc;

use crate::catalog::Catalog;

/// RAM's limit for a custom policy document, in characters of the minified document.
pub const DEFAULT_POLICY_SIZE_LIMIT: usize = 6_144;

/// An organisation requirement: every policy under `path` must deny `actions` unconditionally.
#[derive(Debug, Clone)]
pub struct Requirement {
    pub pattern: glob::Pattern,
    pub actions: Vec<String>,
    pub reason: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Settings {
    pub policy_size_limit: usize,
    pub catalog: Arc<Catalog>,
    pub requirements: Vec<Requirement>,
    /// The codes of rules not run: every finding of theirs would be dropped (see
    /// `Config::lint_settings`). Empty, as every command but `lint` has it: all rules run.
    pub rules_not_run: Vec<&'static str>,
}

impl Settings {
    /// Whether `rule` runs.
    pub fn runs(&self, rule: &crate::rules::Rule) -> bool {
        !self.rules_not_run.contains(&rule.code)
    }
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            policy_size_limit: DEFAULT_POLICY_SIZE_LIMIT,
            catalog: Catalog::shared(),
            requirements: Vec::new(),
            rules_not_run: Vec::new(),
        }
    }
}
