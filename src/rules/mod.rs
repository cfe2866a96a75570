//! The lint rules: one file each, and the file's `//!` comment is the rule's documentation
//! (`ramguard explain` prints it). Every rule has the same entry point, `check(ctx, sink)`.
//!
//! Codes are assigned once and never reused: RG0xx for the grammar of a document, RG1xx for
//! the catalogue of services and actions, RG2xx for security, RG9xx for the configuration.

mod finding;
mod registry;

pub use finding::{Finding, Severity};
pub use registry::{ALL, Rule, by_name_or_code};

use crate::json::{Node, Value};
use crate::policy::Policy;
use crate::settings::Settings;

/// What a rule sees: one policy document, as a tree and as a model.
#[derive(Debug)]
pub struct Context<'a> {
    pub root: &'a Node,
    pub policy: &'a Policy,
    pub settings: &'a Settings,
    /// The file's path as the user named it (path-based organisation requirements use it).
    pub path: &'a str,
    statements: Vec<(&'a Node, String)>,
}

impl<'a> Context<'a> {
    pub fn new(root: &'a Node, policy: &'a Policy, settings: &'a Settings, path: &'a str) -> Self {
        Self {
            root,
            policy,
            settings,
            path,
            statements: statement_nodes(root),
        }
    }

    /// The statement objects of the document with their pointers (a lone object too).
    pub fn statement_nodes(&self) -> impl Iterator<Item = (&'a Node, &str)> {
        self.statements.iter().map(|(node, pointer)| (*node, pointer.as_str()))
    }
}

fn statement_nodes(root: &Node) -> Vec<(&Node, String)> {
    {
        match root.get("Statement").map(|m| &m.value) {
            Some(Node {
                value: Value::Array(items),
                ..
            }) => items
                .iter()
                .enumerate()
                .filter(|(_, n)| n.as_object().is_some())
                .map(|(i, n)| (n, format!("/Statement/{i}")))
                .collect(),
            Some(
                node @ Node {
                    value: Value::Object(_),
                    ..
                },
            ) => vec![(node, "/Statement".to_string())],
            _ => Vec::new(),
        }
    }
}

/// The span of an object's opening brace: where a "this object lacks X" finding points.
pub fn opening(node: &Node) -> crate::source::Span {
    crate::source::Span::new(node.span.start, node.span.start + 1)
}

pub mod conflicting_elements;
pub mod duplicate_key;
pub mod empty_value;
pub mod expired_ignore;
pub mod invalid_action;
pub mod invalid_condition_value;
pub mod invalid_effect;
pub mod invalid_element_type;
pub mod invalid_json;
pub mod invalid_resource;
pub mod invalid_version;
pub mod missing_element;
pub mod policy_too_large;
pub mod principal_in_permission_policy;
pub mod unknown_condition_key;
pub mod unknown_condition_operator;
pub mod unknown_element;
pub mod unsupported_element;
pub mod unused_ignore;
