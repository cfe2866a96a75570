//! `Allow` + `NotAction` grants everything not listed.
//!
//! ## What it does
//! Reports an `Allow` statement that uses `NotAction`, and says whether
//! `kvstore:DeleteInstance` is among what it grants.
//!
//! ## Why is this bad?
//! `NotAction` in an `Allow` does not deny the listed actions: it allows every other action of
//! every service, including the ones a cloud provider adds next year. A reader sees a list of
//! exclusions and thinks "restricted"; RAM reads "almost everything".
//!
//! ## Example
//! ```json
//! { "Effect": "Allow", "NotAction": ["ram:*"], "Resource": "*" }
//! ```
//!
//! Use instead:
//! ```json
//! { "Effect": "Allow", "Action": ["kvstore:Describe*", "ecs:Describe*"], "Resource": "*" }
//! ```

use super::{Context, DELETE_INSTANCE, Finding, Rule, Severity, effect_label};

pub static RULE: Rule = Rule {
    code: "RG202",
    name: "allow-with-not-action",
    severity: Severity::Warning,
    source: include_str!("allow_with_not_action.rs"),
    check,
};

fn check(ctx: &Context<'_>, sink: &mut Vec<Finding>) {
    if !ctx.is_permission_policy() {
        return;
    }
    for statement in ctx.policy.statements.iter().filter(|s| s.is_allow()) {
        let Some(actions) = statement.actions.as_ref().filter(|a| a.negated) else {
            continue;
        };
        let grants_delete = ctx
            .compiled_of(statement)
            .is_some_and(|c| c.action_matches(DELETE_INSTANCE));
        let message = if grants_delete {
            format!("`Allow` with `NotAction` grants every action not listed, `{DELETE_INSTANCE}` included")
        } else {
            "`Allow` with `NotAction` grants every action not listed".to_string()
        };
        let (effect_span, effect_text) = effect_label(statement);
        sink.push(
            Finding::new(&RULE, actions.key_span, message)
                .label("everything except these")
                .related(effect_span, effect_text)
                .pointer(format!("{}/NotAction", statement.pointer))
                .help("list the actions to allow with `Action`; to allow a set except some, pair `Action` with a `Deny` statement"),
        );
    }
}
