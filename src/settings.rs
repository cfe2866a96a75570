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
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            policy_size_limit: DEFAULT_POLICY_SIZE_LIMIT,
            catalog: Catalog::shared(),
            requirements: Vec::new(),
        }
    }
}
