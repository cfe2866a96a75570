//! What a statement may apply to, read from the policy model without compiling it for the
//! evaluator: the security rules ask the evaluator about one or two kvstore actions, and most
//! statements of a document cannot apply to them. Each answer here is the one the compiled
//! statement (`eval::compiled`) gives, so that leaving out what these say cannot matter changes
//! no finding.

use crate::eval::pattern::matches_ignoring_case;
use crate::policy::{Effect, Policy, Statement};

/// Whether the statement's `Action` names `lowercased` (an action in ASCII lowercase), or its
/// `NotAction` does not: what `CompiledStatement::action_matches_lowercased` answers (a
/// statement without actions names none).
pub fn names_action(statement: &Statement, lowercased: &str) -> bool {
    statement.actions.as_ref().is_some_and(|actions| {
        actions
            .items
            .iter()
            .any(|item| matches_ignoring_case(&item.value, lowercased))
            != actions.negated
    })
}

/// Whether the statement may apply to a request for `lowercased` (an action in ASCII
/// lowercase): `false` only where `CompiledStatement::applies` answers `No` for that action
/// whatever the resource and context — the statement is [`decided_by_action`], and its actions
/// do not name the action.
pub fn may_apply_to(statement: &Statement, lowercased: &str) -> bool {
    !decided_by_action(statement) || names_action(statement, lowercased)
}

/// Whether an action the statement does not name is one it surely does not apply to: it is
/// read whole, or its `Effect` and actions are known ([`Statement::actions_are_known`]).
pub fn decided_by_action(statement: &Statement) -> bool {
    let read_whole = statement.effect.is_some()
        && statement.unmodelled.is_empty()
        && statement.actions.is_some()
        && statement.resources.is_some();
    read_whole || statement.actions_are_known()
}

/// Whether the statement may be an `Allow` (the evaluator reads a statement without a valid
/// `Effect` both ways).
pub fn may_allow(statement: &Statement) -> bool {
    !matches!(statement.effect, Some((Effect::Deny, _)))
}

/// Instance ARNs a document's resources may name: each `acs:kvstore:` pattern with its
/// wildcards filled in, and the probe, in the order of the statements, each text once. "Some
/// instance" questions are asked of these.
pub fn instance_candidates(policy: &Policy) -> Vec<String> {
    let mut candidates = vec![super::PROBE_INSTANCE.to_string()];
    // Each text once (two texts that fill in alike give the same candidate twice, which
    // changes no answer: the candidates are searched, never counted).
    let mut seen = std::collections::HashSet::new();
    for resource in policy.statements.iter().flat_map(|s| s.resources.iter().flatten()) {
        let text = resource.value.as_str();
        if !text.starts_with("acs:kvstore:") || !seen.insert(text) {
            continue;
        }
        // Filling wildcards in never makes or unmakes the prefix (`*` and `?` become letters
        // that cannot spell it), so other resources are passed over unfilled.
        let mut filled = String::with_capacity(text.len() + 16);
        let mut rest = text;
        while let Some(at) = rest.bytes().position(|b| b == b'*' || b == b'?') {
            filled.push_str(rest.get(..at).unwrap_or_default());
            filled.push_str(if rest.get(at..=at) == Some("*") {
                "ramguardprobe"
            } else {
                "x"
            });
            rest = rest.get(at + 1..).unwrap_or_default();
        }
        filled.push_str(rest);
        candidates.push(filled);
    }
    candidates
}
