//! `Effect` is not `Allow` or `Deny`.
//!
//! ## What it does
//! Reports an `Effect` string other than `Allow` or `Deny`, spelled exactly so. In a Terraform
//! document, an `Effect` only Terraform knows is not reported; one with interpolations is when
//! its known start already rules both out (`"allow${var.x}"`).
//!
//! ## Why is this bad?
//! RAM refuses the document. `"allow"` or `"DENY"` may read fine to a person, but the case of
//! `Effect` values is not documented as free, so ramguard holds to the documented spelling.
//!
//! ## Example
//! ```json
//! { "Effect": "allow", "Action": "kvstore:DescribeInstances", "Resource": "*" }
//! ```
//!
//! Use instead:
//! ```json
//! { "Effect": "Allow", "Action": "kvstore:DescribeInstances", "Resource": "*" }
//! ```

use super::{Context, Finding, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "RG007",
    name: "invalid-effect",
    severity: Severity::Error,
    source: include_str!("invalid_effect.rs"),
    check,
};

fn check(ctx: &Context<'_>, sink: &mut Vec<Finding>) {
    for (statement, pointer) in ctx.statement_nodes() {
        let Some(effect) = statement.get("Effect").map(|m| &m.value) else {
            continue;
        };
        let text: std::borrow::Cow<'_, str> = match &effect.value {
            crate::json::Value::String(text) => text.as_ref().into(),
            // Whatever its unknown parts are, no `Allow` or `Deny` starts like this.
            crate::json::Value::Template(template) => {
                let prefix = template.known_prefix();
                if "Allow".starts_with(&prefix) || "Deny".starts_with(&prefix) {
                    continue;
                }
                template.display().into()
            }
            _ => continue, // `invalid-element-type`, or known only when rendered
        };
        let text = &*text;
        if text == "Allow" || text == "Deny" {
            continue;
        }
        let help = match text.to_ascii_lowercase().trim() {
            "allow" => "write `\"Allow\"`".to_string(),
            "deny" => "write `\"Deny\"`".to_string(),
            _ => "`Effect` is `\"Allow\"` or `\"Deny\"`".to_string(),
        };
        sink.push(
            Finding::new(&RULE, effect.span, format!("`{text}` is not an effect"))
                .label("expected `Allow` or `Deny`")
                .pointer(format!("{pointer}/Effect"))
                .help(help),
        );
    }
}
