//! An `Allow` that a `Deny` of the same document fully overrides.
//!
//! ## What it does
//! Reports an `Allow` statement every action and resource of which an unconditional `Deny` of
//! the same document also covers, so the `Allow` can never take effect. Coverage is decided with
//! the evaluator's matcher: each wildcard of the `Allow` must be covered by a wildcard of the
//! `Deny` (a `Deny` pattern with `?` is not trusted to cover a `*`). Statements with
//! `NotResource` are left out, on either side: what they cover is not a list of patterns.
//!
//! Statements with values only Terraform knows are left out too, on either side, and so are
//! statements the model does not read whole (a key written twice, `Action` beside `NotAction`:
//! which value RAM reads is not known, and the finding would be a guess).
//!
//! ## Why is this bad?
//! It is dead weight at best; more often the two statements disagree about what the policy is
//! for, and whoever deletes the `Deny` to "fix" the `Allow` grants more than anyone reviewed.
//!
//! ## Example
//! ```json
//! [ { "Effect": "Allow", "Action": "kvstore:DeleteInstance", "Resource": "acs:kvstore:*:*:instance/r-test*" },
//!   { "Effect": "Deny", "Action": "kvstore:*", "Resource": "*" } ]
//! ```
//!
//! Use instead:
//! Delete the `Allow`, or narrow the `Deny` to what it is meant to forbid.

use super::{Context, Finding, Rule, Severity};
use crate::eval::pattern::Pattern;
use crate::policy::{Effect, Statement};

pub static RULE: Rule = Rule {
    code: "RG208",
    name: "shadowed-statement",
    severity: Severity::Info,
    source: include_str!("shadowed_statement.rs"),
    check,
};

/// Whether `covering` matches every string `covered` matches: the covered pattern's wildcards
/// become a character no policy writes, which only a `*` of the covering pattern can take.
/// `wildcard`: whether `covered` has one (the caller knows it of actions, read once a document).
fn covers(covering: &Pattern, covering_text: &str, covered: &str, wildcard: bool) -> bool {
    if !wildcard {
        // The common case, without a copy. Not looking for capitals: an action comes in
        // lowercase, and a resource's pattern is case-sensitive (`matches` would not look).
        return covering.matches_lowercased(covered);
    }
    if covering_text.contains('?') {
        return false;
    }
    covering.matches(&covered.replace(['*', '?'], "\u{0}"))
}

fn check(ctx: &Context<'_>, sink: &mut Vec<Finding>) {
    if !ctx.is_permission_policy() || ctx.too_large_for_pairwise() {
        return;
    }
    // Each unconditional `Deny`, with its action and resource patterns compiled once.
    type Patterns<'a> = Vec<(Pattern, &'a str)>;
    let denies: Vec<(&Statement, Patterns<'_>, Patterns<'_>)> = ctx
        .policy
        .statements
        .iter()
        .filter(|s| {
            matches!(s.effect, Some((Effect::Deny, _)))
                && s.conditions.is_empty()
                && s.unknown.is_empty()
                && s.unmodelled.is_empty()
        })
        .filter_map(|s| {
            let actions = s.actions.as_ref().filter(|a| !a.negated)?;
            let resources = s.resources.as_ref().filter(|_| !s.not_resource)?;
            let action_patterns = actions
                .items
                .iter()
                .map(|i| (Pattern::ignoring_case(i.value), i.value))
                .collect();
            let resource_patterns = resources.iter().map(|i| (Pattern::new(i.value), i.value)).collect();
            Some((s, action_patterns, resource_patterns))
        })
        .collect();
    if denies.is_empty() {
        return;
    }
    let (mut lowered, mut ends) = (String::new(), Vec::new());
    for allow in ctx
        .policy
        .statements
        .iter()
        .filter(|s| s.is_allow() && s.unknown.is_empty() && s.unmodelled.is_empty())
    {
        let (Some(actions), Some(resources)) = (
            allow.actions.as_ref().filter(|a| !a.negated),
            allow.resources.as_ref().filter(|_| !allow.not_resource),
        ) else {
            continue;
        };
        if actions.items.is_empty() || resources.is_empty() {
            continue;
        }
        // Each action lowercased once, for every `Deny` to compare: into one buffer kept across
        // statements, each action a range of it.
        lowered.clear();
        ends.clear();
        for action in actions.items.iter() {
            let start = lowered.len();
            lowered.push_str(action.value);
            if let Some(added) = lowered.get_mut(start..) {
                added.make_ascii_lowercase();
            }
            ends.push(lowered.len());
        }
        let entries = ctx.entries_of(allow);
        let lowercase = || {
            std::iter::once(0)
                .chain(ends.iter().copied())
                .zip(ends.iter().copied())
                .map(|(start, end)| lowered.get(start..end).unwrap_or_default())
                .zip(entries.iter().map(|e| e.wildcard))
        };
        let shadowing = denies.iter().find(|(_, action_patterns, resource_patterns)| {
            lowercase().all(|(a, wildcard)| action_patterns.iter().any(|(p, t)| covers(p, t, a, wildcard)))
                && resources.iter().all(|r| {
                    let wildcard = super::has_wildcard(r.value);
                    resource_patterns.iter().any(|(p, t)| covers(p, t, r.value, wildcard))
                })
        });
        let shadowing = shadowing.map(|(deny, _, _)| *deny);
        let Some(deny) = shadowing else { continue };
        sink.push(
            Finding::new(
                &RULE,
                allow.effect_span(),
                format!(
                    "statement {} can never allow anything: statement {} denies all of it, unconditionally",
                    allow.index + 1,
                    deny.index + 1
                ),
            )
            .label("this `Allow` never takes effect")
            .related(deny.effect_span(), "this `Deny` covers every action and resource of it")
            .pointer(format!("{}/Effect", allow.pointer))
            .help("delete the `Allow`, or narrow the `Deny` to what it is meant to forbid"),
        );
    }
}

#[cfg(test)]
mod tests {
    /// Which `Allow`s of a document with `deny_actions` denied on `*` are reported.
    fn shadowed(allow_actions: &[&str], deny_actions: &[&str]) -> Vec<usize> {
        let document = serde_json::json!({"Version": "1", "Statement": [
            {"Effect": "Allow", "Action": allow_actions, "Resource": "acs:kvstore:*:*:instance/r-1"},
            {"Effect": "Deny", "Action": deny_actions, "Resource": "*"},
        ]})
        .to_string();
        let root = crate::json::parse(&document).unwrap_or_else(|e| unreachable!("{e:?}"));
        let settings = crate::settings::Settings::default();
        crate::lint::lint_document(&root, &settings, "p.json")
            .iter()
            .filter(|f| f.rule.code == super::RULE.code)
            .map(|f| f.span.start)
            .collect()
    }

    /// An `Allow`'s wildcard is covered only by a `*` that takes everything it stands for: not
    /// by a `?`, nor by the same letters; whatever the case of either.
    #[test]
    fn a_wildcard_is_covered_only_by_a_wider_star() {
        for (allow, deny, reported) in [
            ("kvstore:Describe*", "kvstore:*", true),
            ("KVSTORE:describe*", "kvstore:DESCRIBE*", true),
            ("kvstore:DescribeInstances", "kvstore:Describe*", true),
            ("kvstore:Describe*", "kvstore:Describe?", false),
            ("kvstore:Describe?", "kvstore:Describe?", false),
            ("kvstore:Describe*", "kvstore:DescribeInstances", false),
            ("kvstore:Describe?nstances", "kvstore:Describe*", true),
        ] {
            let found = shadowed(&[allow, "kvstore:DescribeBackups"], &[deny, "kvstore:DescribeBackups"]);
            assert_eq!(!found.is_empty(), reported, "{allow} under {deny}");
        }
    }
}
