//! A resource that is neither `*` nor a well-formed `acs:` ARN.
//!
//! ## What it does
//! Checks every entry of `Resource` and `NotResource`: `*`, or `acs:<service>:<region>:<account>:<relative-id>`,
//! where the region may be empty (global services such as RAM), region and account may be
//! wildcards, and the service and the relative ID are not empty.
//!
//! In a Terraform document, an entry with interpolations is reported only when its known
//! start already rules out both forms (`"arn:aws:s3:::${var.bucket}"`); one that is only
//! Terraform's (`var.arns`) is not.
//!
//! ## Why is this bad?
//! A resource that is not an ARN matches nothing: an `Allow` grants nothing, and, worse, a
//! `Deny` protects nothing. An AWS ARN (`arn:aws:...`) is the usual culprit.
//!
//! ## Example
//! ```json
//! { "Effect": "Deny", "Action": "kvstore:DeleteInstance", "Resource": "r-bp1zxszhcgatnx0001" }
//! ```
//!
//! Use instead:
//! ```json
//! { "Effect": "Deny", "Action": "kvstore:DeleteInstance", "Resource": "acs:kvstore:*:*:instance/r-bp1zxszhcgatnx0001" }
//! ```

use super::{Context, Finding, Rule, Severity};
use crate::policy::Effect;

pub static RULE: Rule = Rule {
    code: "RG011",
    name: "invalid-resource",
    severity: Severity::Error,
    source: include_str!("invalid_resource.rs"),
    check,
};

fn check(ctx: &Context<'_>, sink: &mut Vec<Finding>) {
    for statement in &ctx.policy.statements {
        for unknown in statement.unknown_in(&["Resource", "NotResource"]) {
            let Some(template) = &unknown.template else { continue };
            let prefix = template.known_prefix();
            // `*` itself, or a start that an ARN may have, or that may start an ARN.
            if prefix.is_empty() || prefix == "*" || "acs:".starts_with(prefix.as_str()) || prefix.starts_with("acs:") {
                continue;
            }
            let help = if prefix.starts_with("arn:") {
                "this is an AWS ARN; RAM's read `acs:<service>:<region>:<account>:<relative-id>`"
            } else {
                "write `*` or an ARN such as `acs:kvstore:*:*:instance/r-...`"
            };
            sink.push(
                Finding::new(
                    &RULE,
                    unknown.span,
                    format!("`{}` is not a resource: an ARN starts with `acs:`", template.display()),
                )
                .label("expected `*` or `acs:<service>:<region>:<account>:<relative-id>`")
                .pointer(unknown.pointer.clone())
                .help(help),
            );
        }
        for item in statement.resources.iter().flatten() {
            if item.value.is_empty() {
                continue; // `empty-value`
            }
            if let Err(problem) = check_form(item.value) {
                let consequence = match statement.effect {
                    _ if statement.not_resource => "as written it excludes nothing from `NotResource`",
                    Some((Effect::Deny, _)) => "as written it matches nothing, so this `Deny` protects nothing",
                    _ => "as written it matches nothing",
                };
                let help = if item.value.starts_with("arn:") {
                    "this is an AWS ARN; RAM's read `acs:<service>:<region>:<account>:<relative-id>`".to_string()
                } else {
                    format!("write `*` or an ARN such as `acs:kvstore:*:*:instance/r-...`; {consequence}")
                };
                sink.push(
                    Finding::new(
                        &RULE,
                        item.span,
                        format!("`{}` is not a resource: {problem}", item.value),
                    )
                    .label("expected `*` or `acs:<service>:<region>:<account>:<relative-id>`")
                    .pointer(&item.pointer)
                    .help(help),
                );
            }
        }
    }
}

pub fn check_form(resource: &str) -> Result<(), &'static str> {
    if resource == "*" {
        return Ok(());
    }
    // Bytes where the text is ASCII (nearly always): `\t`..`\r` and the space are what
    // `char::is_whitespace` calls white space there.
    let white = if resource.is_ascii() {
        crate::ascii::has_whitespace(resource)
    } else {
        resource.chars().any(char::is_whitespace)
    };
    if white {
        return Err("it contains white space");
    }
    let Some(rest) = resource.strip_prefix("acs:") else {
        return Err("an ARN starts with `acs:`");
    };
    // Service, region and account end at the first three colons; the relative ID is the rest.
    // A plain loop: the three colons come early (`kvstore:*:*:`), and a vector search was
    // started three times over for each.
    let mut colons = rest.bytes().enumerate().filter(|&(_, b)| b == b':').map(|(at, _)| at);
    let (Some(service_end), Some(_), Some(account_end)) = (colons.next(), colons.next(), colons.next()) else {
        return Err("an ARN has five parts separated by `:`");
    };
    if service_end == 0 {
        return Err("the service code is empty");
    }
    if account_end + 1 == rest.len() {
        return Err("the relative resource ID is empty");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::check_form;

    /// The form check as it was first written, on `char`s and `splitn`: the byte-level one must
    /// give the same answer.
    fn reference(resource: &str) -> Result<(), &'static str> {
        if resource == "*" {
            return Ok(());
        }
        if resource.chars().any(char::is_whitespace) {
            return Err("it contains white space");
        }
        let Some(rest) = resource.strip_prefix("acs:") else {
            return Err("an ARN starts with `acs:`");
        };
        let mut parts = rest.splitn(4, ':');
        let (Some(service), Some(_), Some(_), Some(relative)) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err("an ARN has five parts separated by `:`");
        };
        if service.is_empty() {
            return Err("the service code is empty");
        }
        if relative.is_empty() {
            return Err("the relative resource ID is empty");
        }
        Ok(())
    }

    #[test]
    fn the_byte_check_agrees_with_the_char_check() {
        let pieces = [
            "acs:", ":", "kvstore", "*", "", " ", "\u{b}", "\u{85}", "\u{a0}", "é", "a/b", "::",
        ];
        for text in &crate::concatenations(&pieces, 4) {
            assert_eq!(check_form(text), reference(text), "{text:?}");
        }
    }
}
