//! `Allow` + `NotAction` grants everything not listed.
//!
//! ## What it does
//! Reports an `Allow` statement that uses `NotAction`, and says what it grants: every action
//! except the listed ones, on the statement's resources; `kvstore:DeleteInstance` is named only
//! when the statement's resources may include a kvstore instance.
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

use super::{Context, DELETE_INSTANCE, Finding, Rule, Severity, effect_label, may_name_a_resource_of};

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
        let resources = statement.resources.as_deref().unwrap_or_default();
        // On which resources: every one for `*`, a `NotResource` or none written.
        let everywhere = statement.not_resource || resources.is_empty() || resources.iter().any(|r| r.value == "*");
        let grants_delete = ctx
            .compiled_of(statement)
            .is_some_and(|c| c.action_matches(DELETE_INSTANCE))
            && (everywhere || resources.iter().any(|r| may_name_a_resource_of(&r.value, "kvstore")));
        let except = match actions.items.as_slice() {
            [only] => format!("`{}`", only.value),
            items => format!("the {} listed", items.len()),
        };
        let on = match resources {
            _ if everywhere => "every resource".to_string(),
            [only] => format!("`{}`", only.value),
            [first, rest @ ..] => format!("`{}` and {} more", first.value, rest.len()),
            [] => "every resource".to_string(),
        };
        let mut message = format!("`Allow` with `NotAction` grants every action except {except} on {on}");
        if grants_delete {
            message.push_str(&format!(", `{DELETE_INSTANCE}` included"));
        }
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
