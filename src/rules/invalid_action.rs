//! An action that is not `service:Name` or `*`.
//!
//! ## What it does
//! Checks the form of every entry of `Action` and `NotAction`: `*`, or a service code, one
//! colon and an action name, with `*` and `?` as the only wildcards and no spaces.
//!
//! ## Why is this bad?
//! RAM refuses a malformed action, or — if a console or tool lets it through — it matches
//! nothing. `kvstore DeleteInstance`, `kvstore::DeleteInstance` and `DeleteInstance` grant
//! nothing and deny nothing.
//!
//! ## Example
//! ```json
//! { "Effect": "Allow", "Action": "kvstore::DescribeInstances", "Resource": "*" }
//! ```
//!
//! Use instead:
//! ```json
//! { "Effect": "Allow", "Action": "kvstore:DescribeInstances", "Resource": "*" }
//! ```

use super::{Context, Finding, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "RG010",
    name: "invalid-action",
    severity: Severity::Error,
    source: include_str!("invalid_action.rs"),
    check,
};

fn check(ctx: &Context<'_>, sink: &mut Vec<Finding>) {
    for (_, _, item, entry) in ctx.action_entries() {
        // The common form, settled by the pass over the entry's bytes already made.
        if entry.plain_form || item.value.is_empty() {
            continue; // an empty one is `empty-value`'s
        }
        if let Err(problem) = check_form(item.value) {
            sink.push(
                Finding::new(
                    &RULE,
                    item.span,
                    format!("`{}` is not an action: {problem}", item.value),
                )
                .label("expected `service:ActionName` or `*`")
                .pointer(&item.pointer)
                .help("write the service code, one colon and the API name, as in `kvstore:DescribeInstances`"),
            );
        }
    }
}

/// `*`, or `service:Name` where both parts are non-empty and made of letters, digits, `-`, `_`,
/// `.` and the wildcards.
pub fn check_form(action: &str) -> Result<(), &'static str> {
    if action == "*" || super::action_entries::shape(action).is_plain_form(action.len()) {
        return Ok(());
    }
    // Anything else is told apart, in the order of the messages.
    form_problem(action)
}

/// What [`check_form`] answers, each rule of the form checked on its own (and in the order of
/// the messages): the common case's single pass must agree with it.
fn form_problem(action: &str) -> Result<(), &'static str> {
    let allowed = |c: u8| {
        super::action_entries::ALLOWED
            .get(usize::from(c))
            .copied()
            .unwrap_or(false)
    };
    let Some((service, name)) = action.split_once(':') else {
        return Err("it has no service code");
    };
    if service.is_empty() {
        return Err("the service code is empty");
    }
    if name.is_empty() {
        return Err("the action name is empty");
    }
    if name.contains(':') {
        return Err("it has more than one colon");
    }
    if action.chars().any(char::is_whitespace) {
        return Err("it contains white space");
    }
    if !service.bytes().all(allowed) || !name.bytes().all(allowed) {
        return Err("it contains a character RAM does not use in action names");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The single pass of the common case accepts only what the rule-by-rule check accepts.
    #[test]
    fn the_common_case_agrees_with_each_rule() {
        for text in crate::concatenations(&["a", ":", "*", "?", " ", "\u{e9}", "/", "-"], 5) {
            if text != "*" {
                assert_eq!(check_form(&text), form_problem(&text), "{text:?}");
            }
        }
    }
}
