//! `kvstore:DeleteInstance` allowed on every instance with no condition.
//!
//! ## What it does
//! Reports an `Allow` that names `kvstore:DeleteInstance` on every instance — `"*"`, or an ARN whose instance ID is a wildcard — with no
//! condition: no tag, no MFA, no source network, no time window. Region and account scoping do
//! not count: they still cover every instance there. An `Allow` with `NotResource` covers every
//! instance but the few it lists, and counts too. Skipped when the same document denies the
//! release unconditionally. A grant through a wildcard is `wildcard-grants-delete`'s to report,
//! and through `NotAction` `allow-with-not-action`'s: one finding for one cause.
//!
//! In a Terraform document, a `Resource` only Terraform knows is read at its worst: when no
//! known entry is every instance but one that only Terraform knows may be (`var.arns`, or
//! `acs:kvstore:*:*:instance/${var.id}`), the finding says which value it assumed ("if
//! `var.arns` holds `*`"). A `Condition` or `NotResource` exception only Terraform knows, or
//! a statement that may be a `Deny` with unknown parts, keeps the rule silent: the finding
//! might not hold.
//!
//! ## Why is this bad?
//! Whoever holds the policy can release any Redis instance, production included, from anywhere,
//! with a leaked AccessKey. Scope the release to the instances meant for it (a tag such as
//! `acs:ResourceTag/lifecycle`), and require MFA.
//!
//! ## Example
//! ```json
//! { "Effect": "Allow", "Action": "kvstore:DeleteInstance", "Resource": "*" }
//! ```
//!
//! Use instead:
//! ```json
//! { "Effect": "Allow", "Action": "kvstore:DeleteInstance", "Resource": "acs:kvstore:*:*:instance/*",
//!   "Condition": { "StringEquals": { "acs:ResourceTag/lifecycle": "ephemeral" }, "Bool": { "acs:MFAPresent": "true" } } }
//! ```

use super::{Context, DELETE_INSTANCE, Finding, Rule, Severity, Text, effect_label};
use crate::eval::pattern::Pattern;
use crate::policy::Effect;

pub static RULE: Rule = Rule {
    code: "RG203",
    name: "unscoped-delete",
    severity: Severity::Warning,
    source: include_str!("unscoped_delete.rs"),
    check,
};

/// A resource pattern that matches any instance ID (whatever its region and account).
pub fn every_instance(resource: &str) -> bool {
    if resource == "*" {
        return true;
    }
    let mut parts = resource.splitn(5, ':');
    let (Some("acs"), Some(service), Some(_), Some(_), Some(relative)) =
        (parts.next(), parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Pattern::new(resource).matches(super::PROBE_INSTANCE);
    };
    Pattern::new(service).matches("kvstore") && Pattern::new(relative).matches("instance/r-ramguardprobe")
}

fn check(ctx: &Context<'_>, sink: &mut Vec<Finding>) {
    if !ctx.is_permission_policy() {
        return;
    }
    // A `NotResource` `Deny` covers every instance only when it excludes none of them.
    // Asked only once a statement would be reported: most documents have none.
    let covers_every_instance = |s: &crate::eval::compiled::CompiledStatement| {
        s.effect == Effect::Deny
            && s.conditions.is_empty()
            && s.unmodelled.is_empty()
            && s.action_matches(DELETE_INSTANCE)
            && if s.not_resource {
                !s.resources
                    .iter()
                    .any(|r| super::may_name_a_resource_of(r.text(), "kvstore"))
            } else {
                s.resources.iter().any(|r| every_instance(r.text()))
            }
    };
    let denied_everywhere = || {
        if !ctx.too_large_for_pairwise() {
            return ctx.compiled_for(DELETE_INSTANCE).into_iter().any(covers_every_instance);
        }
        // A document too large for the pairwise rules is not compiled whole by them: compile
        // only what can count here, the unconditional `Deny`s the model reads fully (the
        // evaluator gives every other statement a condition or something unmodelled). On a
        // 20 MB policy the compiled patterns were half of the peak memory.
        // One statement at a time: compiled whole, the `Deny`s of a 20 MB policy were 15 MB at
        // the peak.
        ctx.policy
            .statements
            .iter()
            .filter(|s| {
                matches!(s.effect, Some((Effect::Deny, _)))
                    && s.conditions.is_empty()
                    && s.unmodelled_conditions.is_empty()
                    && s.unmodelled.is_empty()
            })
            .any(|s| {
                crate::eval::CompiledPolicy::statements_of(std::iter::once(s))
                    .iter()
                    .any(covers_every_instance)
            })
    };
    // A statement that may be a `Deny` (or may be anything) with parts only known when the
    // document is rendered may deny the release everywhere: nothing said would surely hold.
    let unknown_deny = ctx
        .policy
        .statements
        .iter()
        .any(|s| !s.unknown.is_empty() && !matches!(s.effect, Some((Effect::Allow, _))));
    if unknown_deny {
        return;
    }
    let mut denied = None;
    for statement in ctx
        .policy
        .statements
        .iter()
        .filter(|s| s.is_allow() && s.conditions.is_empty() && !s.has_unknown(&["Condition"]))
    {
        let names_delete = statement
            .actions
            .as_ref()
            .is_some_and(|a| !a.negated && a.items.iter().any(|i| i.value.eq_ignore_ascii_case(DELETE_INSTANCE)));
        if !names_delete {
            continue;
        }
        // With `NotResource`, every instance but those listed: point at the first exception.
        let resource = if statement.not_resource {
            if statement.has_unknown(&["NotResource"]) {
                continue; // an exception only known when rendered may be every instance
            }
            // ...unless an exception is itself every instance: then it grants none.
            let items = statement.resources.iter().flatten();
            items
                .clone()
                .next()
                .filter(|_| !items.clone().any(|r| every_instance(r.value)))
        } else {
            statement.resources.iter().flatten().find(|r| every_instance(r.value))
        };
        // No known entry is every instance: one only known when rendered may be, at worst.
        let assumed = match resource {
            Some(_) => None,
            None if statement.not_resource => None,
            None => statement
                .unknown_in(&["Resource"])
                .find(|u| u.template.as_ref().is_none_or(|t| every_instance(&t.as_pattern()))),
        };
        let (span, pointer) = match (resource, assumed) {
            (Some(resource), _) => (resource.span, resource.pointer.to_string()),
            (None, Some(unknown)) => (unknown.span, unknown.pointer.clone()),
            (None, None) => continue,
        };
        if *denied.get_or_insert_with(denied_everywhere) {
            return;
        }
        let (message, label) = if statement.not_resource {
            (
                Text::from(concat!(
                    "`",
                    delete_instance!(),
                    "` is allowed on every instance but those `NotResource` lists, with no condition"
                )),
                "the only exceptions",
            )
        } else if let Some(unknown) = assumed {
            (
                Text::from(format!(
                    "`{DELETE_INSTANCE}` is allowed on every instance {}, with no condition",
                    unknown.assumed("*")
                )),
                "may be every instance",
            )
        } else {
            (
                Text::from(concat!(
                    "`",
                    delete_instance!(),
                    "` is allowed on every instance, with no condition"
                )),
                "every instance",
            )
        };
        let (effect_span, effect_text) = effect_label(statement);
        sink.push(
            Finding::new(&RULE, span, message)
                .label(label)
                .related(effect_span, effect_text)
                .pointer(pointer)
                .help("scope it to the instances meant to be released, e.g. with `\"Condition\": {\"StringEquals\": {\"acs:ResourceTag/lifecycle\": \"ephemeral\"}}`, and require `acs:MFAPresent`"),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::settings::Settings;

    /// Documents past `PAIRWISE_STATEMENT_LIMIT` compile only their unconditional `Deny`s:
    /// the answer must be the same as with the whole document compiled.
    fn unscoped_in_large_document(extra: &str) -> usize {
        let filler = r#"{"Effect": "Allow", "Action": "ecs:DescribeInstances", "Resource": "*"}"#;
        let mut statements = vec![filler; super::super::PAIRWISE_STATEMENT_LIMIT + 1];
        statements.push(r#"{"Effect": "Allow", "Action": "kvstore:DeleteInstance", "Resource": "*"}"#);
        if !extra.is_empty() {
            statements.push(extra);
        }
        let text = format!(r#"{{"Version": "1", "Statement": [{}]}}"#, statements.join(","));
        let root = crate::json::parse(&text).unwrap_or_else(|e| unreachable!("{e:?}"));
        crate::lint::lint_document(&root, &Settings::default(), "p.json")
            .iter()
            .filter(|f| f.rule.name == "unscoped-delete")
            .count()
    }

    #[test]
    fn large_documents_see_their_denies() {
        assert_eq!(unscoped_in_large_document(""), 1);
        assert_eq!(
            unscoped_in_large_document(r#"{"Effect": "Deny", "Action": "kvstore:*", "Resource": "*"}"#),
            0
        );
        assert_eq!(
            unscoped_in_large_document(
                r#"{"Effect": "Deny", "Action": "kvstore:*", "Resource": "*", "Condition": {"Bool": {"acs:MFAPresent": "false"}}}"#
            ),
            1
        );
        assert_eq!(
            unscoped_in_large_document(r#"{"Effect": "Deny", "NotAction": "ecs:*", "Resource": "*"}"#),
            0
        );
    }
}
