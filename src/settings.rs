//! What the rules need to know from the configuration, resolved once before linting.

use std::sync::Arc;

use crate::catalog::Catalog;
use crate::rules::{self, Rule};

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
    /// The rules run, in the order of `rules::ALL`: a rule left out would have every finding
    /// dropped (see `Config::lint_settings`). Every command but `lint` runs them all. Resolved
    /// once here: asking of each rule, for every document, whether it is in a list of codes
    /// cost a fifth of a `--select`ed lint.
    pub rules_run: Arc<[&'static Rule]>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            policy_size_limit: DEFAULT_POLICY_SIZE_LIMIT,
            catalog: Catalog::shared(),
            requirements: Vec::new(),
            rules_run: rules::ALL.into(),
        }
    }
}
