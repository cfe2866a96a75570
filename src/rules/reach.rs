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
            .any(|item| matches_ignoring_case(item.value, lowercased))
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
    // Each text once, where it first stands: sorted by text (no hashing of what the input
    // chose), then back in order. Two texts that fill in alike give the same candidate twice,
    // which changes no answer: the candidates are searched, never counted.
    let mut texts: Vec<(usize, &str)> = policy
        .statements
        .iter()
        .flat_map(|s| s.resources.iter().flatten())
        .map(|r| r.value)
        .filter(|text| text.starts_with("acs:kvstore:"))
        .enumerate()
        .collect();
    texts.sort_unstable_by(|a, b| a.1.cmp(b.1).then(a.0.cmp(&b.0)));
    texts.dedup_by(|later, earlier| later.1 == earlier.1);
    texts.sort_unstable_by_key(|&(at, _)| at);
    let mut candidates = Vec::with_capacity(texts.len() + 1);
    candidates.push(super::PROBE_INSTANCE.to_string());
    for (_, text) in texts {
        // Filling wildcards in never makes or unmakes the prefix (`*` and `?` become letters
        // that cannot spell it), so other resources are passed over unfilled.
        // Room for every `*` to become `ramguardprobe`, so that the string never grows.
        let bytes = text.as_bytes();
        let mut filled = String::with_capacity(text.len() + 12 * memchr::memchr2_iter(b'*', b'?', bytes).count());
        let mut from = 0;
        for at in memchr::memchr2_iter(b'*', b'?', bytes) {
            filled.push_str(text.get(from..at).unwrap_or_default());
            filled.push_str(if bytes.get(at) == Some(&b'*') {
                "ramguardprobe"
            } else {
                "x"
            });
            from = at + 1;
        }
        filled.push_str(text.get(from..).unwrap_or_default());
        candidates.push(filled);
    }
    candidates
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::{CompiledPolicy, Context, Resource, Truth};

    fn tree(text: &str) -> crate::json::Node<'_> {
        crate::json::parse(text).unwrap_or_else(|e| unreachable!("{e:?}"))
    }

    /// The rules leave out what these say cannot matter: they must agree with the evaluator.
    #[test]
    fn what_the_model_says_is_what_the_compiled_statement_says() {
        let root = tree(
            r#"{"Version": "1", "Statement": [
                {"Effect": "Allow", "Action": "kvstore:*", "Resource": "*"},
                {"Effect": "Allow", "Action": ["KVSTORE:Delete*", "ecs:*"], "Resource": "acs:kvstore:*:*:instance/*"},
                {"Effect": "Deny", "NotAction": "kvstore:Describe*", "Resource": "*"},
                {"Effect": "Deny", "NotAction": "kvstore:DeleteInstance", "Resource": "*"},
                {"Effect": "Maybe", "Action": "ecs:DescribeInstances", "Resource": "*"},
                {"Effect": "Allow", "Resource": "*"},
                {"Effect": "Allow", "Action": "ecs:DescribeInstances"},
                {"Effect": "Allow", "Action": "ecs:DescribeInstances", "Resource": "*", "Surprise": 1},
                {"Effect": "Allow", "Action": "kvstore:ModifyInstance?ttribute", "Resource": "*"},
                {"Effect": "Allow", "Action": ["kvstore:DeleteInstance", "ecs:*"], "Resource": "*", "Condition": {"Bool": {"acs:MFAPresent": "true"}}}
            ]}"#,
        );
        let policy = Policy::from_document(&root);
        let resource = Resource::known(crate::rules::PROBE_INSTANCE);
        for statement in &policy.statements {
            for compiled in CompiledPolicy::statements_of(std::iter::once(statement)) {
                for action in [
                    "kvstore:deleteinstance",
                    "kvstore:modifyinstanceattribute",
                    "ecs:describeinstances",
                ] {
                    let at = statement.index;
                    assert_eq!(
                        names_action(statement, action),
                        compiled.action_matches_lowercased(action),
                        "statement {at}, {action}"
                    );
                    let applies = compiled.applies(action, &resource, &Context::default());
                    if !may_apply_to(statement, action) {
                        assert_eq!(applies, Truth::No, "statement {at}, {action}");
                    }
                }
            }
        }
    }

    #[test]
    fn candidates_are_each_kvstore_text_once_filled_in_in_order() {
        let root = tree(
            r#"{"Version": "1", "Statement": [
                {"Effect": "Allow", "Action": "kvstore:*", "Resource": ["acs:kvstore:*:1:instance/r-b", "acs:ecs:*:*:*"]},
                {"Effect": "Allow", "Action": "kvstore:*", "Resource": ["acs:kvstore:cn-?:*:instance/*", "acs:kvstore:*:1:instance/r-b"]}
            ]}"#,
        );
        let policy = Policy::from_document(&root);
        assert_eq!(
            instance_candidates(&policy),
            [
                crate::rules::PROBE_INSTANCE,
                "acs:kvstore:ramguardprobe:1:instance/r-b",
                "acs:kvstore:cn-x:ramguardprobe:instance/ramguardprobe",
            ]
        );
    }
}
