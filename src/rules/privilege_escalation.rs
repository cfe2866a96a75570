//! RAM actions that let the holder grant itself more.
//!
//! ## What it does
//! Reports an `Allow` (by name, wildcard such as `ram:*` or `ram:Attach*`, or `NotAction`) of a
//! RAM action that lets its holder raise its own permissions:
//!
//! - `ram:AttachPolicyToUser`: attach any policy, `AdministratorAccess` included, to itself.
//! - `ram:AttachPolicyToGroup`: attach any policy to a group it belongs to.
//! - `ram:AttachPolicyToRole`: attach any policy to a role it can assume.
//! - `ram:AddUserToGroup`: join a group that holds more.
//! - `ram:CreatePolicyVersion`: write a new default version of a policy attached to itself.
//! - `ram:SetDefaultPolicyVersion`: switch a policy attached to itself to a broader old version.
//! - `ram:UpdateRole`: rewrite a role's trust policy so that it may assume the role.
//! - `ram:CreateAccessKey`: mint an AccessKey for a more privileged user.
//! - `ram:CreateLoginProfile`, `ram:UpdateLoginProfile`: set a more privileged user's console
//!   password.
//!
//! A statement counts when its resources reach more than one user, group, role or policy (as
//! the action needs): credentials of one named user are that user's own, as in Alibaba's
//! self-service examples. Attaching policies to roles whose trust policy may name only cloud
//! services (`ram:TrustedPrincipalTypes` = `Service`, as in Alibaba's PowerUserAccess) does not
//! count either: no person assumes those roles. A statement that `full-admin` reports is not
//! reported again.
//!
//! `ram:PassRole` is not on the list: it lets a service act with a role, which widens what the
//! holder can reach through that service but does not change its own permissions.
//!
//! In a Terraform document, what is known decides: an escalating action granted on a known
//! resource is reported whatever else the statement holds; a `NotAction` or `NotResource` with
//! an exception only Terraform knows is not (the exception may exclude it).
//!
//! ## Why is this bad?
//! A policy that grants any of these grants, in effect, everything the account can do: the
//! rest of the policy is a formality. Keep them with the account's administrators, scope them to
//! specific users, groups and roles, and require MFA.
//!
//! ## Example
//! ```json
//! { "Effect": "Allow", "Action": ["ram:Attach*", "ram:List*"], "Resource": "*" }
//! ```
//!
//! Use instead:
//! ```json
//! { "Effect": "Allow", "Action": ["ram:List*", "ram:Get*"], "Resource": "*" }
//! ```

use super::{Context, Finding, Rule, Severity, effect_label};
use crate::eval::pattern::Pattern;
use crate::policy::Statement;

pub static RULE: Rule = Rule {
    code: "RG206",
    name: "privilege-escalation",
    severity: Severity::Warning,
    source: include_str!("privilege_escalation.rs"),
    check,
};

/// The actions, the kind of RAM resource each acts on, and how each one escalates.
pub const ESCALATIONS: [(&str, &str, &str); 10] = [
    ("ram:AttachPolicyToUser", "user", "attach any policy to itself"),
    ("ram:AttachPolicyToGroup", "group", "attach any policy to its group"),
    (
        "ram:AttachPolicyToRole",
        "role",
        "attach any policy to a role it can assume",
    ),
    ("ram:AddUserToGroup", "group", "join a more privileged group"),
    (
        "ram:CreatePolicyVersion",
        "policy",
        "rewrite a policy attached to itself",
    ),
    (
        "ram:SetDefaultPolicyVersion",
        "policy",
        "switch its policy to a broader version",
    ),
    ("ram:UpdateRole", "role", "rewrite a role's trust policy to assume it"),
    ("ram:CreateAccessKey", "user", "mint keys for a more privileged user"),
    (
        "ram:CreateLoginProfile",
        "user",
        "set a more privileged user's console password",
    ),
    (
        "ram:UpdateLoginProfile",
        "user",
        "reset a more privileged user's console password",
    ),
];

/// Whether the statement's resources reach more than one `kind` of RAM resource (`user/*`,
/// `*`): credentials of one named user are that user's own (Alibaba's self-service examples),
/// and a statement scoped to `policy/*` reaches no role.
/// With `NotResource`, the statement reaches both unless it excludes one of them.
fn reaches(resources: &[Pattern], not_resource: bool, kind: &str) -> bool {
    let probe_a = format!("acs:ram::1234567890123456:{kind}/ramguard-probe-a");
    let probe_b = format!("acs:ram::1234567890123456:{kind}/ramguard-probe-b");
    if not_resource {
        return !resources
            .iter()
            .any(|pattern| pattern.matches(&probe_a) || pattern.matches(&probe_b));
    }
    resources
        .iter()
        .any(|pattern| pattern.matches(&probe_a) && pattern.matches(&probe_b))
}

/// Roles whose trust policy must name only cloud services (`ram:TrustedPrincipalTypes` =
/// `Service`, as in Alibaba's PowerUserAccess) are roles no person assumes.
fn only_service_roles(statement: &Statement) -> bool {
    statement.conditions.iter().any(|c| {
        c.key.value == "ram:TrustedPrincipalTypes"
            && c.operator.value.ends_with("StringEquals")
            && !c.values.is_empty()
            && c.values.iter().all(|v| v.value == "Service")
    })
}

fn check(ctx: &Context<'_>, sink: &mut Vec<Finding>) {
    if !ctx.is_permission_policy() {
        return;
    }
    for statement in ctx.policy.statements.iter().filter(|s| s.is_allow()) {
        let Some(actions) = &statement.actions else {
            continue;
        };
        if super::is_full_admin(statement) {
            continue; // `full-admin` says it all
        }
        // An exception only known when the document is rendered may exclude what is reported.
        if (actions.negated && statement.has_unknown(&["NotAction"]))
            || (statement.not_resource && statement.has_unknown(&["NotResource"]))
        {
            continue;
        }
        if !actions.negated && !ctx.entries_of(statement).iter().any(|e| e.may_be_ram) {
            continue; // no RAM action: the common case, decided on the text
        }
        let Some(compiled) = ctx.compiled_of(statement) else {
            continue;
        };
        let by_action: Vec<&(&str, &str, &str)> = ESCALATIONS
            .iter()
            .filter(|(action, _, _)| compiled.action_matches(action))
            .collect();
        if by_action.is_empty() {
            continue; // the common case: no escalating action at all
        }
        let resources: Vec<Pattern> = statement
            .resources
            .iter()
            .flatten()
            .map(|r| Pattern::new(r.value))
            .collect();
        let granted: Vec<&(&str, &str, &str)> = by_action
            .into_iter()
            .filter(|(_, kind, _)| {
                reaches(&resources, statement.not_resource, kind) && !(*kind == "role" && only_service_roles(statement))
            })
            .collect();
        if granted.is_empty() {
            continue;
        }
        // Point at the first entry that grants one of them (or at `NotAction`).
        let (span, pointer) = if actions.negated {
            (actions.key_span, format!("{}/NotAction", statement.pointer))
        } else {
            let item = actions.items.iter().find(|i| {
                let pattern = crate::eval::pattern::Pattern::ignoring_case(i.value);
                granted.iter().any(|(action, _, _)| pattern.matches(action))
            });
            match item {
                Some(item) => (item.span, item.pointer.to_string()),
                None => (actions.key_span, statement.pointer.to_string()),
            }
        };
        let list: Vec<String> = granted
            .iter()
            .map(|(action, _, how)| format!("`{action}` ({how})"))
            .collect();
        let (effect_span, effect_text) = effect_label(statement);
        sink.push(
            Finding::new(&RULE, span, format!("this statement lets its holder grant itself more: {}", list.join(", ")))
                .label("grants RAM actions that escalate")
                .related(effect_span, effect_text)
                .pointer(pointer)
                .help("keep these with the account's administrators; otherwise scope them to specific users, groups and roles, and require `acs:MFAPresent`"),
        );
    }
}
