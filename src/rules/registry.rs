//! The one table of every rule. A test keeps codes and names unique and every rule documented.

use super::{Context, Finding, Severity};

/// A lint rule: its stable code and name, its default severity, its documentation and its check.
#[derive(Debug)]
pub struct Rule {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    /// The rule's source file; its leading `//!` lines are the documentation.
    pub source: &'static str,
    pub check: fn(&Context<'_>, &mut Vec<Finding>),
}

impl Rule {
    /// The documentation: the leading `//!` lines of the rule's file, as Markdown.
    pub fn doc(&self) -> String {
        self.source
            .lines()
            .map_while(|line| line.strip_prefix("//!"))
            .map(|line| line.strip_prefix(' ').unwrap_or(line))
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// The first line of the documentation.
    pub fn summary(&self) -> &'static str {
        self.source
            .lines()
            .next()
            .and_then(|line| line.strip_prefix("//!"))
            .map_or("", str::trim)
    }

    /// A rule that is not a check over a document (its findings are made by the driver).
    pub fn no_check(_: &Context<'_>, _: &mut Vec<Finding>) {}
}

impl PartialEq for Rule {
    fn eq(&self, other: &Self) -> bool {
        self.code == other.code
    }
}

impl Eq for Rule {}

use super::*;

/// Every rule: in code order, then the rules added since, appended (`ramguard rules` lists them
/// in this order).
pub static ALL: &[&Rule] = &[
    &invalid_json::RULE,
    &duplicate_key::RULE,
    &invalid_element_type::RULE,
    &missing_element::RULE,
    &unknown_element::RULE,
    &invalid_version::RULE,
    &invalid_effect::RULE,
    &conflicting_elements::RULE,
    &empty_value::RULE,
    &invalid_action::RULE,
    &invalid_resource::RULE,
    &unsupported_element::RULE,
    &principal_in_permission_policy::RULE,
    &unknown_condition_operator::RULE,
    &unknown_condition_key::RULE,
    &invalid_condition_value::RULE,
    &policy_too_large::RULE,
    &resource_case_mismatch::RULE,
    &invisible_character::RULE,
    &unrecognised_document::RULE,
    &terraform_unknown_value::RULE,
    &trust_policy_action::RULE,
    &undefined_reference::RULE,
    &unknown_service::RULE,
    &unknown_action::RULE,
    &action_case_mismatch::RULE,
    &wildcard_matches_nothing::RULE,
    &resource_service_mismatch::RULE,
    &wildcard_grants_delete::RULE,
    &allow_with_not_action::RULE,
    &unscoped_delete::RULE,
    &release_protection_bypass::RULE,
    &full_admin::RULE,
    &privilege_escalation::RULE,
    &destroy_instance_scoped::RULE,
    &shadowed_statement::RULE,
    &missing_required_deny::RULE,
    &unused_ignore::RULE,
    &expired_ignore::RULE,
];

/// A rule by its name (`duplicate-key`) or code (`RG002`, any case).
pub fn by_name_or_code(query: &str) -> Option<&'static Rule> {
    ALL.iter()
        .copied()
        .find(|r| r.name == query || r.code.eq_ignore_ascii_case(query))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_and_names_are_unique_and_well_formed() {
        let mut codes = HashSet::new();
        let mut names = HashSet::new();
        for rule in ALL {
            assert!(codes.insert(rule.code), "duplicate code {}", rule.code);
            assert!(names.insert(rule.name), "duplicate name {}", rule.name);
            assert!(
                rule.code.len() == 5
                    && rule.code.starts_with("RG")
                    && rule.code[2..].bytes().all(|b| b.is_ascii_digit()),
                "bad code {}",
                rule.code
            );
            assert!(
                rule.name.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'),
                "name {} is not kebab-case",
                rule.name
            );
        }
    }

    #[test]
    fn every_rule_is_documented() {
        for rule in ALL {
            let doc = rule.doc();
            assert!(!rule.summary().is_empty(), "{} has no summary line", rule.name);
            for section in ["## What it does", "## Why is this bad?", "## Example", "Use instead:"] {
                assert!(doc.contains(section), "{} lacks `{section}`", rule.name);
            }
        }
    }
}
