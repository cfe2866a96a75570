//! One policy lets its holder both switch release protection off and delete.
//!
//! ## What it does
//! Reports a policy that allows, on the same instance, both `kvstore:ModifyInstanceAttribute`
//! (whose `InstanceReleaseProtection=false` switches release protection off) and
//! `kvstore:DeleteInstance` — by name, wildcard or `NotAction`, with or without conditions.
//!
//! In a Terraform document, a value only Terraform knows is read at its worst (a `Resource`
//! that is `var.arns` may name the instance, an unknown statement may not deny): the finding
//! then names the value it assumed.
//!
//! ## Why is this bad?
//! Release protection exists so that releasing an instance takes two people or two decisions.
//! A principal that holds both permissions needs neither: two API calls, and the instance is
//! gone. Give the teardown role `DeleteInstance` and keep `ModifyInstanceAttribute` with the
//! owners of the instance.
//!
//! ## Example
//! ```json
//! { "Effect": "Allow", "Action": ["kvstore:ModifyInstanceAttribute", "kvstore:DeleteInstance"], "Resource": "*" }
//! ```
//!
//! Use instead:
//! ```json
//! { "Effect": "Allow", "Action": "kvstore:DeleteInstance", "Resource": "acs:kvstore:*:*:instance/*",
//!   "Condition": { "StringEquals": { "acs:ResourceTag/lifecycle": "ephemeral" } } }
//! ```
//! in the teardown role, and `kvstore:ModifyInstanceAttribute` in the owners' policy.

use super::{Context, DELETE_INSTANCE, Finding, MODIFY_INSTANCE_ATTRIBUTE, Rule, Severity, Text, reach};
use crate::eval::compiled::CompiledStatement;
use crate::eval::{ActionQuery, BareTruth, Context as RequestContext};

pub static RULE: Rule = Rule {
    code: "RG204",
    name: "release-protection-bypass",
    severity: Severity::Warning,
    source: include_str!("release_protection_bypass.rs"),
    check,
};

fn check(ctx: &Context<'_>, sink: &mut Vec<Finding>) {
    if !ctx.is_permission_policy() || ctx.too_large_for_pairwise() {
        return;
    }
    // The commonest case, decided on the text without compiling the document: no statement
    // that may allow (an `Allow`, or one without a valid `Effect`, which the evaluator reads
    // both ways) has an action that may be of kvstore, or a `NotAction`.
    let may_grant_kvstore = ctx.policy.statements.iter().any(|s| {
        !matches!(s.effect, Some((crate::policy::Effect::Deny, _)))
            && s.actions
                .as_ref()
                .is_some_and(|a| a.negated || ctx.entries_of(s).iter().any(|e| e.may_be_kvstore))
    });
    if !may_grant_kvstore {
        return;
    }
    // The common case, decided without the evaluator: no `Allow` grants both actions.
    let grants = |action: &str| {
        ctx.policy
            .statements
            .iter()
            .any(|s| reach::may_allow(s) && ctx.names_action(s, action))
    };
    if !grants(DELETE_INSTANCE) || !grants(MODIFY_INSTANCE_ATTRIBUTE) {
        return;
    }
    let nobody = RequestContext::default();
    // Only the statements about either action can change the answer for it.
    let about = |action: &str| -> Vec<&CompiledStatement> {
        ctx.policy
            .statements
            .iter()
            .filter(|s| ctx.names_action(s, action))
            .flat_map(|s| ctx.compiled_forms(s))
            .collect()
    };
    let delete = ActionQuery::of_applicable(about(DELETE_INSTANCE), DELETE_INSTANCE);
    let modify = ActionQuery::of_applicable(about(MODIFY_INSTANCE_ATTRIBUTE), MODIFY_INSTANCE_ATTRIBUTE);
    let both = ctx.instance_candidates().iter().find(|resource| {
        delete.allowed_as::<BareTruth>(resource, &nobody) != BareTruth::No
            && modify.allowed_as::<BareTruth>(resource, &nobody) != BareTruth::No
    });
    let Some(resource) = both else { return };
    let granting = |action: &str| {
        ctx.policy.statements.iter().find(|s| {
            s.is_allow()
                && ctx.may_apply_to(s, action)
                && ctx.compiled_of(s).is_some_and(|c| {
                    // `may_apply_to` settled the action on the model: what is left is the
                    // resource and the conditions (debug builds check the claim).
                    debug_assert!(c.may_apply_to_action(&action.to_ascii_lowercase()));
                    c.applies_past_action::<BareTruth>(resource, &nobody) != BareTruth::No
                })
        })
    };
    let (Some(delete), Some(modify)) = (granting(DELETE_INSTANCE), granting(MODIFY_INSTANCE_ATTRIBUTE)) else {
        return;
    };
    if super::is_full_admin(delete) {
        return; // `full-admin` says it all
    }
    // What the evaluator could not know and the finding assumed at its worst: a value only
    // known when the document is rendered, in the granting statements or in one that may deny.
    let assumed = [delete, modify]
        .into_iter()
        .chain(
            ctx.policy
                .statements
                .iter()
                .filter(|s| !matches!(s.effect, Some((crate::policy::Effect::Allow, _)))),
        )
        .find_map(|s| s.unknown.first())
        .map(|u| u.what.as_str());
    const MESSAGE: &str = concat!(
        "this policy allows both `",
        modify_instance_attribute!(),
        "` and `",
        delete_instance!(),
        "`: its holder can switch release protection off, then release the instance"
    );
    let message: Text = match assumed {
        None => MESSAGE.into(),
        Some(what) => format!("{MESSAGE} (assuming {what} lets it)").into(),
    };
    let mut finding = Finding::new(&RULE, delete.effect_span(), message)
        .label(concat!("allows `", delete_instance!(), "`"))
        .pointer([&*delete.pointer, "/Effect"].concat())
        .help(concat!(
            "keep `",
            modify_instance_attribute!(),
            "` out of the policy that may delete (or deny it here), so that releasing a protected instance takes two principals"
        ));
    if modify.index != delete.index {
        finding = finding.related(
            modify.effect_span(),
            concat!("allows `", modify_instance_attribute!(), "`"),
        );
    }
    sink.push(finding);
}
