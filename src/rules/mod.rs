//! The lint rules: one file each, and the file's `//!` comment is the rule's documentation
//! (`ramguard explain` prints it). Every rule has the same entry point, `check(ctx, sink)`.
//!
//! Codes are assigned once and never reused: RG0xx for the grammar of a document, RG1xx for
//! the catalogue of services and actions, RG2xx for security, RG9xx for the configuration.

pub mod action_entries;
mod finding;
pub mod reach;
mod registry;

use crate::eval::compiled::CompiledStatement;
use crate::eval::{CompiledPolicy, Resource};
use crate::json::Node;
use crate::policy::{ActionList, Item, Policy, Statement};
use crate::settings::Settings;
pub use action_entries::ActionEntry;
pub use finding::{Finding, Severity, Text};
pub use registry::{ALL, Rule, by_name_or_code};

/// The texts of [`DELETE_INSTANCE`] and [`MODIFY_INSTANCE_ATTRIBUTE`], for the rules' fixed
/// messages, written with `concat!` once and not formatted for every finding.
macro_rules! delete_instance {
    () => {
        "kvstore:DeleteInstance"
    };
}
macro_rules! modify_instance_attribute {
    () => {
        "kvstore:ModifyInstanceAttribute"
    };
}

/// What a rule sees: one policy document, as a tree and as a model.
#[derive(Debug)]
pub struct Context<'a> {
    pub root: &'a Node<'a>,
    pub policy: &'a Policy<'a>,
    pub settings: &'a Settings,
    /// The file's path relative to the folder of `ramguard.toml` (organisation requirements
    /// match it).
    pub path: &'a str,
    /// The document is known to have no object with a key twice (its reader checked):
    /// `duplicate-key` does not walk it. `false` unless a reader said so.
    pub no_repeated_key: bool,
    /// ROS reads the document by its schema before RAM does
    /// ([`crate::inputs::policy_file::Document::typed_by_ros`]). `false` unless a reader said so.
    pub typed_by_ros: bool,
    statements: Vec<(&'a Node<'a>, std::sync::Arc<str>)>,
    /// Each model statement compiled for the evaluator, on first use: the rules that ask the
    /// evaluator about one action compile only the statements that may apply to it.
    compiled: Vec<std::cell::OnceCell<Vec<CompiledStatement>>>,
    candidates: std::cell::OnceCell<Vec<Resource>>,
    /// Per model statement, whether it names [`DELETE_INSTANCE`] and [`MODIFY_INSTANCE_ATTRIBUTE`]
    /// ([`reach::names_action`]): the security rules ask it of both, again and again.
    names_kvstore: std::cell::OnceCell<Vec<[bool; 2]>>,
    /// Every action entry of the document ([`action_entries`]), in the order of
    /// [`Context::action_items`], and where each model statement's entries start among them.
    entries: std::cell::OnceCell<(Vec<ActionEntry<'a>>, Vec<usize>)>,
}

impl<'a> Context<'a> {
    /// `statements` are the document's [`crate::policy::statement_nodes`], which `policy` was
    /// built from: read once, used by both.
    pub fn new(
        root: &'a Node<'a>,
        statements: Vec<(usize, &'a Node<'a>, std::sync::Arc<str>)>,
        policy: &'a Policy<'a>,
        settings: &'a Settings,
        path: &'a str,
    ) -> Self {
        Self {
            root,
            policy,
            settings,
            path,
            no_repeated_key: false,
            typed_by_ros: false,
            // A statement known only when the document is rendered is in the model, not here:
            // the rules that read the tree read objects.
            statements: statements
                .into_iter()
                .filter(|(_, node, _)| node.as_object().is_some())
                .map(|(_, node, pointer)| (node, pointer))
                .collect(),
            compiled: policy.statements.iter().map(|_| std::cell::OnceCell::new()).collect(),
            candidates: std::cell::OnceCell::new(),
            names_kvstore: std::cell::OnceCell::new(),
            entries: std::cell::OnceCell::new(),
        }
    }

    /// The instances the document's resources may name ([`reach::instance_candidates`]), once.
    pub fn instance_candidates(&self) -> &[Resource] {
        self.candidates.get_or_init(|| {
            reach::instance_candidates(self.policy)
                .into_iter()
                .map(Resource::known)
                .collect()
        })
    }

    /// The compiled statements that may apply to `action` ([`reach::may_apply_to`]): those
    /// the evaluator can answer anything but `No` for, asked of that action; the others are
    /// not compiled.
    pub fn compiled_for(&self, action: &str) -> Vec<&CompiledStatement> {
        self.policy
            .statements
            .iter()
            .enumerate()
            .filter(|(_, s)| self.may_apply_to(s, action))
            .flat_map(|(at, _)| self.compiled_at(at))
            .collect()
    }

    /// [`reach::names_action`] of `action`, from what was worked out once for the document
    /// when it is one of the two the security rules ask about.
    pub fn names_action(&self, statement: &Statement, action: &str) -> bool {
        let which = if action == DELETE_INSTANCE {
            0
        } else if action == MODIFY_INSTANCE_ATTRIBUTE {
            1
        } else {
            return reach::names_action(statement, &action.to_ascii_lowercase());
        };
        let names = self.names_kvstore.get_or_init(|| {
            let (delete, modify) = (
                DELETE_INSTANCE.to_ascii_lowercase(),
                MODIFY_INSTANCE_ATTRIBUTE.to_ascii_lowercase(),
            );
            // What `reach::names_action` answers, read off each entry: one that cannot be of
            // kvstore names neither action, and one without a wildcard is compared whole; only a
            // wildcard is matched.
            let names = |item: &Item, entry: &ActionEntry, lowercased: &str| {
                entry.may_be_kvstore
                    && if entry.wildcard {
                        crate::eval::pattern::matches_ignoring_case(item.value, lowercased)
                    } else {
                        item.value.eq_ignore_ascii_case(lowercased)
                    }
            };
            self.policy
                .statements
                .iter()
                .enumerate()
                .map(|(at, s)| {
                    let Some(actions) = &s.actions else {
                        return [false; 2];
                    };
                    let entries = || actions.items.iter().zip(self.entries_at(at));
                    [&delete, &modify]
                        .map(|action| entries().any(|(item, e)| names(item, e, action)) != actions.negated)
                })
                .collect()
        });
        self.position(statement)
            .and_then(|at| names.get(at))
            .and_then(|both| both.get(which))
            .copied()
            .unwrap_or_else(|| reach::names_action(statement, &action.to_ascii_lowercase()))
    }

    /// [`reach::may_apply_to`], through [`Context::names_action`].
    pub fn may_apply_to(&self, statement: &Statement, action: &str) -> bool {
        !reach::decided_by_action(statement) || self.names_action(statement, action)
    }

    /// Where a statement of the model stands in it.
    fn position(&self, statement: &Statement) -> Option<usize> {
        self.policy
            .statements
            .binary_search_by_key(&statement.index, |s| s.index)
            .ok()
    }

    /// The compiled statement of a model statement (the `Allow` of one without a valid
    /// `Effect`).
    pub fn compiled_of(&self, statement: &Statement) -> Option<&CompiledStatement> {
        self.compiled_forms(statement).first()
    }

    /// The compiled forms of a model statement: one, or two for a statement without a valid
    /// `Effect` (the `Allow` first).
    pub fn compiled_forms(&self, statement: &Statement) -> &[CompiledStatement] {
        match self.position(statement) {
            Some(at) => self.compiled_at(at),
            None => &[],
        }
    }

    /// The compiled form of the statement at `at` in the model.
    fn compiled_at(&self, at: usize) -> &[CompiledStatement] {
        let Some(cell) = self.compiled.get(at) else {
            return &[];
        };
        cell.get_or_init(|| {
            CompiledPolicy::statements_compiled(
                self.policy.statements.get(at).into_iter(),
                crate::eval::compiled::ActionsCompiled::OnFirstUse,
            )
        })
    }

    /// Every entry of `Action` / `NotAction`, with its statement and list.
    pub fn action_items(&self) -> impl Iterator<Item = (&'a Statement<'a>, &'a ActionList<'a>, &'a Item<'a>)> {
        self.policy
            .statements
            .iter()
            .filter_map(|s| s.actions.as_ref().map(|a| (s, a)))
            .flat_map(|(s, a)| a.items.iter().map(move |item| (s, a, item)))
    }

    /// The document's action entries and where each statement's start, worked out once.
    fn entries(&self) -> &(Vec<ActionEntry<'a>>, Vec<usize>) {
        self.entries
            .get_or_init(|| action_entries::entries(&self.policy.statements, &self.settings.catalog))
    }

    /// [`Context::action_items`], each with what the rules ask of it ([`ActionEntry`]).
    pub fn action_entries(
        &self,
    ) -> impl Iterator<Item = (&'a Statement<'a>, &'a ActionList<'a>, &'a Item<'a>, ActionEntry<'a>)> + '_ {
        self.action_items()
            .zip(self.entries().0.iter().copied())
            .map(|((statement, actions, item), entry)| (statement, actions, item, entry))
    }

    /// The [`ActionEntry`] of each entry of a model statement's `Action` / `NotAction`, in order.
    pub fn entries_of(&self, statement: &Statement) -> &[ActionEntry<'a>] {
        self.position(statement).map_or(&[], |at| self.entries_at(at))
    }

    /// [`Context::entries_of`] the model statement at `at`.
    fn entries_at(&self, at: usize) -> &[ActionEntry<'a>] {
        let (entries, starts) = self.entries();
        starts
            .get(at)
            .zip(starts.get(at + 1))
            .and_then(|(&start, &end)| entries.get(start..end))
            .unwrap_or_default()
    }

    /// Whether the pairwise rules should skip this document ([`PAIRWISE_STATEMENT_LIMIT`]).
    pub fn too_large_for_pairwise(&self) -> bool {
        self.policy.statements.len() > PAIRWISE_STATEMENT_LIMIT
    }

    /// Whether security rules apply: they are about what a permission policy grants.
    pub fn is_permission_policy(&self) -> bool {
        self.policy.kind == crate::policy::PolicyKind::Permission
    }

    /// The statement objects of the document with their pointers (a lone object too).
    pub fn statement_nodes(&self) -> impl Iterator<Item = (&'a Node<'a>, &str)> {
        self.statements.iter().map(|(node, pointer)| (*node, &**pointer))
    }
}

/// `service:Name` split at the colon (`*` alone is `("*", "*")`).
pub fn split_action(action: &str) -> (&str, &str) {
    // A vector search of bytes rather than `split_once`'s searcher: it runs for every action of
    // every document, in several rules.
    split_at_colon(action, memchr::memchr(b':', action.as_bytes()))
}

/// [`split_action`] of an entry whose first colon is known to be at `colon` (`None`: it has none).
fn split_at_colon(action: &str, colon: Option<usize>) -> (&str, &str) {
    colon
        .and_then(|at| Some((action.get(..at)?, action.get(at + 1..)?)))
        .unwrap_or((action, action))
}

/// The second label of a security finding: the `Effect` that makes the value matter (a fixed
/// text: thousands of findings have one).
pub fn effect_label(statement: &Statement) -> (crate::source::Span, &'static str) {
    let text = match statement.effect {
        Some((crate::policy::Effect::Allow, _)) => "because of this `\"Effect\": \"Allow\"`",
        Some((crate::policy::Effect::Deny, _)) => "because of this `\"Effect\": \"Deny\"`",
        None => "because of this `\"Effect\": \"\"`",
    };
    (statement.effect_span(), text)
}

/// Rules that compare statements pairwise (`shadowed-statement`, `release-protection-bypass`,
/// `wildcard-grants-delete`) skip documents with more statements than this: RAM's size limit
/// keeps a real policy under ~150, `policy-too-large` reports a bigger one, and a hostile file
/// of 40,000 statements must not take a minute.
pub const PAIRWISE_STATEMENT_LIMIT: usize = 1_000;

/// `kvstore:DeleteInstance`: releasing an instance, the action ramguard guards.
pub const DELETE_INSTANCE: &str = delete_instance!();
/// `kvstore:ModifyInstanceAttribute`: among other things, switches release protection off.
pub const MODIFY_INSTANCE_ATTRIBUTE: &str = modify_instance_attribute!();
/// An instance no policy names: a statement that covers it covers every instance.
pub const PROBE_INSTANCE: &str = "acs:kvstore:zz-ramguard-probe:0000000000000000:instance/r-ramguardprobe";

/// Whether a text has a RAM wildcard (`*` or `?`): a vector search of bytes, for it runs on
/// every action of every document, in several rules.
pub fn has_wildcard(text: &str) -> bool {
    memchr::memchr2(b'*', b'?', text.as_bytes()).is_some()
}

/// `Allow` of `*` on `*`: `full-admin` reports it, and the other security rules say no more.
pub fn is_full_admin(statement: &Statement) -> bool {
    statement.is_allow()
        && !statement.not_resource
        && statement
            .actions
            .as_ref()
            .is_some_and(|a| !a.negated && a.items.iter().any(|i| i.value == "*"))
        && statement.resources.iter().flatten().any(|r| r.value == "*")
}

/// Whether a `Resource` / `NotResource` entry may name a resource of `service`: `*`, an ARN
/// whose service part matches it (ignoring case, to err towards "may"), or anything that is not
/// an ARN. A `NotResource` none of whose entries may name one excludes none: the statement is
/// about every resource of the service.
pub fn may_name_a_resource_of(resource: &str, service: &str) -> bool {
    match resource.strip_prefix("acs:").and_then(|rest| rest.split(':').next()) {
        Some(resource_service) => crate::eval::pattern::Pattern::ignoring_case(resource_service).matches(service),
        None => true,
    }
}

/// The span of an object's opening brace: where a "this object lacks X" finding points.
pub fn opening(node: &Node) -> crate::source::Span {
    crate::source::Span::new(node.span.start, node.span.start + 1)
}

pub mod action_case_mismatch;
pub mod allow_with_not_action;
pub mod conflicting_elements;
pub mod destroy_instance_scoped;
pub mod duplicate_key;
pub mod empty_value;
pub mod expired_ignore;
pub mod full_admin;
pub mod invalid_action;
pub mod invalid_condition_value;
pub mod invalid_effect;
pub mod invalid_element_type;
pub mod invalid_json;
pub mod invalid_resource;
pub mod invalid_version;
pub mod invisible_character;
pub mod missing_element;
pub mod missing_required_deny;
pub mod policy_too_large;
pub mod principal_in_permission_policy;
pub mod privilege_escalation;
pub mod release_protection_bypass;
pub mod resource_case_mismatch;
pub mod resource_service_mismatch;
pub mod shadowed_statement;
pub mod terraform_unknown_value;
pub mod trust_policy_action;
pub mod undefined_reference;
pub mod unknown_action;
pub mod unknown_condition_key;
pub mod unknown_condition_operator;
pub mod unknown_element;
pub mod unknown_service;
pub mod unrecognised_document;
pub mod unscoped_delete;
pub mod unsupported_element;
pub mod unused_ignore;
pub mod wildcard_grants_delete;
pub mod wildcard_matches_nothing;

#[cfg(test)]
mod tests {
    use super::*;

    /// The table of the two actions the security rules ask about answers as
    /// [`reach::names_action`], whatever the entries: named whole, in another case, by
    /// wildcards in the name or the service, by `NotAction`, of another service, or malformed.
    #[test]
    fn the_names_table_answers_as_the_model() {
        let text = r#"{"Version": "1", "Statement": [
            {"Effect": "Allow", "Action": "kvstore:DeleteInstance", "Resource": "*"},
            {"Effect": "Allow", "Action": ["KVSTORE:deleteinstance", "ecs:*"], "Resource": "*"},
            {"Effect": "Allow", "Action": ["kvstore:Delete*", "kvstore:Modify?nstanceAttribute"], "Resource": "*"},
            {"Effect": "Allow", "Action": ["kv*:DeleteInstance", "*"], "Resource": "*"},
            {"Effect": "Deny", "NotAction": "ecs:StopInstance", "Resource": "*"},
            {"Effect": "Deny", "NotAction": ["kvstore:DeleteInstance", "kvstore"], "Resource": "*"},
            {"Effect": "Allow", "Action": ["kvstore:DeleteInstances", "kvstore: DeleteInstance", "DeleteInstance", ""], "Resource": "*"},
            {"Effect": "Allow", "Action": "kvstore:ModifyInstanceAttribute", "Resource": "*"},
            {"Effect": "Allow", "Resource": "*"}
        ]}"#;
        let root = crate::json::parse(text).unwrap_or_else(|e| unreachable!("{e:?}"));
        let nodes = crate::policy::statement_nodes(&root);
        let policy = Policy::from_statement_nodes(&nodes);
        let settings = Settings::default();
        let ctx = Context::new(&root, nodes.clone(), &policy, &settings, "p.json");
        for statement in &policy.statements {
            for action in [DELETE_INSTANCE, MODIFY_INSTANCE_ATTRIBUTE] {
                assert_eq!(
                    ctx.names_action(statement, action),
                    reach::names_action(statement, &action.to_ascii_lowercase()),
                    "statement {}, {action}",
                    statement.index
                );
            }
        }
    }
}
