//! `Allow` + `NotAction` grants everything not listed.
//!
//! ## What it does
//! Reports an `Allow` statement that uses `NotAction`, and says what it grants: every action
//! except the listed ones, on the statement's resources; `kvstore:DeleteInstance` is named only
//! when the statement's resources may include a kvstore instance.
//!
//! In a Terraform document, the finding holds whatever Terraform fills in; what it says of the
//! exceptions and resources names the values only Terraform knows.
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
        let unknown_resource = statement
            .unknown_in(&["Resource"])
            .next()
            .filter(|_| !statement.not_resource);
        // On which resources: every one for `*`, a `NotResource` or none written.
        let everywhere = statement.not_resource
            || (resources.is_empty() && unknown_resource.is_none())
            || resources.iter().any(|r| r.value == "*");
        // An exception only known when the document is rendered may be the release itself.
        let grants_delete = !statement.has_unknown(&["NotAction"])
            && ctx
                .compiled_of(statement)
                .is_some_and(|c| c.action_matches(DELETE_INSTANCE))
            && (everywhere || resources.iter().any(|r| may_name_a_resource_of(r.value, "kvstore")));
        let except = match (&actions.items[..], statement.unknown_in(&["NotAction"]).next()) {
            (_, Some(unknown)) => format!("those listed (with {})", unknown.what),
            ([only], None) => format!("`{}`", only.value),
            (items, None) => format!("the {} listed", items.len()),
        };
        let on = match (resources, unknown_resource) {
            _ if everywhere => "every resource".to_string(),
            (_, Some(unknown)) => format!("the resources of {}", unknown.what),
            ([only], None) => format!("`{}`", only.value),
            ([first, rest @ ..], None) => format!("`{}` and {} more", first.value, rest.len()),
            ([], None) => "every resource".to_string(),
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
