//! What the rules need to know from the configuration, resolved once before linting.

/// RAM's limit for a custom policy document, in characters of the minified document.
pub const DEFAULT_POLICY_SIZE_LIMIT: usize = 6_144;

#[derive(Debug, Clone)]
pub struct Settings {
    pub policy_size_limit: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            policy_size_limit: DEFAULT_POLICY_SIZE_LIMIT,
        }
    }
}
