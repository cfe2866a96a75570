//! An `Allow` grants `kvstore:DeleteInstance` only through a wildcard.
//!
//! ## What it does
//! Reports an `Allow` statement whose action wildcards (`kvstore:*`, `kvstore:Delete*`, `*`)
//! include `kvstore:DeleteInstance` on some instance, where the statement does not name the
//! action itself — unless the same document denies it unconditionally anyway. (`Allow` of `*`
//! on `*` is `full-admin`'s to report.)
//!
//! In a Terraform document, the wildcard must be known and reach a known resource; a
//! `NotResource` with an exception only Terraform knows is not reported (it may exclude every
//! instance).
//!
//! ## Why is this bad?
//! Releasing an instance is irreversible (at best it sits in the recycle bin until
//! `DestroyInstance`). A wildcard written for convenience ("let the on-call manage Redis")
//! hands that power out without anyone having decided to.
//!
//! ## Example
//! ```json
//! { "Effect": "Allow", "Action": "kvstore:*", "Resource": "acs:kvstore:*:*:instance/*" }
//! ```
//!
//! Use instead:
//! ```json
//! [ { "Effect": "Allow", "Action": "kvstore:*", "Resource": "acs:kvstore:*:*:instance/*" },
//!   { "Effect": "Deny", "Action": "kvstore:DeleteInstance", "Resource": "*" } ]
//! ```
//! or list the actions the principal needs.

use super::{Context, DELETE_INSTANCE, Finding, Rule, Severity, effect_label};
use crate::eval::pattern::matches_ignoring_case;
use crate::eval::{ActionQuery, BareTruth, Context as RequestContext};
use crate::policy::Effect;

pub static RULE: Rule = Rule {
    code: "RG201",
    name: "wildcard-grants-delete",
    severity: Severity::Warning,
    source: include_str!("wildcard_grants_delete.rs"),
    check,
};

fn check(ctx: &Context<'_>, sink: &mut Vec<Finding>) {
    if !ctx.is_permission_policy() || ctx.too_large_for_pairwise() {
        return;
    }
    let nobody = RequestContext::default();
    // Denied on every candidate whatever the context: the wildcard grants nothing dangerous.
    // Asked only of a document with such a wildcard.
    let denied_everywhere = std::cell::OnceCell::new();
    let lowercase_delete = DELETE_INSTANCE.to_ascii_lowercase();
    for statement in ctx.policy.statements.iter().filter(|s| s.is_allow()) {
        let Some(actions) = statement.actions.as_ref().filter(|a| !a.negated) else {
            continue;
        };
        if super::is_full_admin(statement)
            || (statement.not_resource && statement.has_unknown(&["NotResource"]))
            || actions
                .items
                .iter()
                .any(|i| i.value.eq_ignore_ascii_case(DELETE_INSTANCE))
        {
            continue;
        }
        let entries = ctx.entries_of(statement);
        if !entries.iter().any(|e| e.wildcard && e.may_be_kvstore) {
            continue; // decided on the text, without compiling the document
        }
        // The wildcard is found on the text; the statement is compiled only when there is one.
        let wildcard = actions
            .items
            .iter()
            .zip(entries)
            .find(|(item, entry)| entry.wildcard && matches_ignoring_case(item.value, &lowercase_delete))
            .map(|(item, _)| item);
        let Some(wildcard) = wildcard else {
            continue;
        };
        let Some(compiled) = ctx.compiled_of(statement) else {
            continue;
        };
        let candidates = ctx.instance_candidates();
        let reaches_instances = candidates
            .iter()
            .any(|resource| compiled.resource_truth_as::<BareTruth>(resource) != BareTruth::No);
        if !reaches_instances {
            continue;
        }
        let denied_everywhere = *denied_everywhere.get_or_init(|| {
            // Where this `Allow` may apply, only a `Deny` that applies can deny: without a
            // `Deny` that may apply to the release, nothing needs compiling.
            let may_deny = ctx
                .policy
                .statements
                .iter()
                .any(|s| matches!(s.effect, Some((Effect::Deny, _))) && ctx.may_apply_to(s, DELETE_INSTANCE));
            if !may_deny {
                return false;
            }
            // Only the statements that may apply to the release can deny it.
            let delete = ActionQuery::of_applicable(ctx.compiled_for(DELETE_INSTANCE), DELETE_INSTANCE);
            candidates
                .iter()
                .all(|resource| delete.allowed_as::<BareTruth>(resource, &nobody) == BareTruth::No)
        });
        if denied_everywhere {
            continue;
        }
        let (effect_span, effect_text) = effect_label(statement);
        sink.push(
            Finding::new(
                &RULE,
                wildcard.span,
                format!("`{}` grants `{DELETE_INSTANCE}`", wildcard.value),
            )
            .label(concat!("this wildcard includes `", delete_instance!(), "`"))
            .related(effect_span, effect_text)
            .pointer(&wildcard.pointer)
            .help(concat!(
                "list the actions this principal needs, or add `{\"Effect\": \"Deny\", \"Action\": \"",
                delete_instance!(),
                "\", \"Resource\": \"*\"}` to the policy"
            )),
        );
    }
}
