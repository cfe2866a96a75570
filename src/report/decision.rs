//! The answer of `simulate`: RAM's decision, the statements that made it, and what is missing.

use serde_json::json;

use super::escape;
use super::human::{Colour, Snippet, Style};
use crate::eval::{Decision, Evaluation, StatementRef};
use crate::source::SourceFile;

/// Finds the source of a statement for its snippet.
pub trait Sources {
    fn source(&self, statement: &StatementRef) -> Option<&SourceFile>;
}

/// The layers an evaluation ran on hold the files of its statements.
impl Sources for Vec<crate::eval::Layer> {
    fn source(&self, statement: &StatementRef) -> Option<&SourceFile> {
        let layer = self.iter().find(|l| l.kind == statement.layer)?;
        layer.policies.get(statement.policy).map(|p| p.source.as_ref())
    }
}

/// One sentence for the decision, in RAM's vocabulary.
pub fn sentence(evaluation: &Evaluation, action: &str, resource: &str) -> String {
    let layer = evaluation.layer.unwrap_or(crate::eval::LayerKind::IdentityPolicy);
    match evaluation.decision {
        Decision::Allowed => format!("allowed: `{action}` on `{resource}` is allowed{}", whatever(evaluation)),
        Decision::ExplicitDeny => format!(
            "explicit deny: a `Deny` statement of the {} denies `{action}` on `{resource}`{}",
            layer.plural(),
            whatever(evaluation)
        ),
        // Proved over missing keys: some values may meet an `Allow` that a `Deny` then
        // overrides, so "no statement allows" would not be true of every value.
        Decision::ImplicitDeny if !evaluation.decided_over.is_empty() => {
            let keys: Vec<String> = evaluation.decided_over.iter().map(|k| format!("`{k}`")).collect();
            format!(
                "implicit deny: no value of {} lets the {} allow `{action}` on `{resource}`",
                keys.join(", "),
                layer.plural()
            )
        }
        Decision::ImplicitDeny => format!(
            "implicit deny: no statement of the {} allows `{action}` on `{resource}`",
            layer.plural()
        ),
        Decision::Conditional => {
            let keys: Vec<String> = evaluation.missing_keys.iter().map(|k| format!("`{k}`")).collect();
            let on = match (keys.is_empty(), evaluation.reasons.is_empty()) {
                (false, true) => keys.join(", "),
                (true, _) => "what ramguard cannot decide".to_string(),
                (false, false) => format!("{}, and on what ramguard cannot decide", keys.join(", ")),
            };
            let reasons: Vec<&str> = evaluation.reasons.iter().map(String::as_str).collect();
            let mut sentence = if reasons.is_empty() {
                format!("conditional: the decision depends on {on}")
            } else {
                format!("conditional: the decision depends on {on}: {}", reasons.join("; "))
            };
            if !evaluation.witnesses.is_empty() {
                let witnesses: Vec<String> = evaluation.witnesses.iter().map(|w| w.describe()).collect();
                sentence.push_str(&format!(" ({})", witnesses.join("; ")));
            }
            sentence
        }
    }
}

/// `, whatever `acs:SourceVpc` holds`, for a decision the exact search proved over keys the
/// request did not supply.
fn whatever(evaluation: &Evaluation) -> String {
    if evaluation.decided_over.is_empty() {
        return String::new();
    }
    let keys: Vec<String> = evaluation.decided_over.iter().map(|k| format!("`{k}`")).collect();
    let verb = if keys.len() == 1 { "holds" } else { "hold" };
    format!(", whatever {} {verb}", keys.join(", "))
}

/// The help line: what to do next.
pub fn advice(evaluation: &Evaluation) -> Option<String> {
    match evaluation.decision {
        Decision::Conditional if evaluation.missing_keys.is_empty() => {
            Some("read the statements below: no `--context` value can settle them".to_string())
        }
        Decision::Conditional => Some(format!(
            "supply {} to decide",
            evaluation
                .missing_keys
                .iter()
                .map(|k| match k.as_str() {
                    "account" => "`--account-id ID`".to_string(),
                    // Only preflight's instance can lack a region; `--region` fills it in.
                    "region" => "`--region REGION`".to_string(),
                    _ => format!("`--context {k}=VALUE`"),
                })
                .collect::<Vec<_>>()
                .join(" and ")
        )),
        Decision::ExplicitDeny | Decision::ImplicitDeny => {
            evaluation.layer.and_then(|l| l.remediation()).map(str::to_string)
        }
        _ => None,
    }
}

/// Input text in it (the action, the resource, condition keys, file names, statements) is
/// escaped: see [`super::escape`].
pub fn human(evaluation: &Evaluation, action: &str, resource: &str, sources: &dyn Sources, style: Style) -> String {
    let sentence = sentence(evaluation, action, resource);
    // The decision's words (`allowed`, `explicit deny`, ...) in colour; the rest holds input.
    let (word, colour) = match evaluation.decision {
        Decision::Allowed => ("allowed", Colour::Green),
        Decision::ExplicitDeny => ("explicit deny", Colour::Red),
        Decision::ImplicitDeny => ("implicit deny", Colour::Red),
        Decision::Conditional => ("conditional", Colour::Yellow),
    };
    let mut out = match sentence.strip_prefix(word) {
        Some(rest) => format!("{}{}\n", style.paint(word, colour), escape::line(rest)),
        None => format!("{}\n", escape::line(&sentence)),
    };
    if let Some(advice) = advice(evaluation) {
        out.push_str(&format!("  help: {}\n", escape::line(&advice)));
    }
    out.push('\n');
    out.push_str(&snippets(evaluation, action, resource, sources, style));
    out
}

/// The statements that decided, and for an implicit deny the closest `Allow`, as snippets.
pub fn snippets(evaluation: &Evaluation, action: &str, resource: &str, sources: &dyn Sources, style: Style) -> String {
    let mut out = String::new();
    let severity = match evaluation.decision {
        Decision::Allowed => miette::Severity::Advice,
        Decision::Conditional => miette::Severity::Warning,
        _ => miette::Severity::Error,
    };
    // A document only Terraform knows stands as an `Allow` and a `Deny` at one place: shown once.
    let mut shown = Vec::new();
    for statement in &evaluation.statements {
        let Some(source) = sources.source(statement) else {
            continue;
        };
        let label = match (evaluation.decision, statement.effect) {
            (Decision::Conditional, _) => "applies or not, depending on the missing keys".to_string(),
            (_, crate::policy::Effect::Deny) => "this statement denies the request".to_string(),
            _ => "this statement allows the request".to_string(),
        };
        let place = (
            statement.layer,
            statement.policy,
            statement.index,
            statement.span,
            label.clone(),
        );
        if shown.contains(&place) {
            continue;
        }
        shown.push(place);
        Snippet {
            title: format!(
                "statement {} of {} ({})",
                // 1-based, as an editor counts; `index` in JSON stays 0-based.
                statement.index + 1,
                statement.file,
                statement.layer.as_str()
            ),
            code: None,
            severity,
            source: Some(source),
            labels: vec![(statement.span, label)],
            help: None,
        }
        .render(&mut out, style);
    }
    if let Some(near) = &evaluation.closest {
        if let Some(source) = sources.source(&near.statement) {
            Snippet {
                title: format!(
                    "closest: statement {} of {} comes nearest to allowing, but {}",
                    near.statement.index + 1,
                    near.statement.file,
                    near.stopped_by
                ),
                code: None,
                severity: miette::Severity::Advice,
                source: Some(source),
                labels: vec![(near.statement.span, "closest `Allow`".to_string())],
                help: None,
            }
            .render(&mut out, style);
        }
    } else if evaluation.decision == Decision::ImplicitDeny {
        out.push_str(&format!(
            "  help: {}\n",
            escape::line(&format!(
                "no `Allow` statement mentions `{action}`; add one scoped to `{resource}`"
            ))
        ));
    }
    out
}

pub fn statements_json(statements: &[StatementRef]) -> Vec<serde_json::Value> {
    statements
        .iter()
        .map(|s| json!({ "file": s.file, "index": s.index, "effect": s.effect.as_str(), "line": s.line, "layer": s.layer.as_str() }))
        .collect()
}

pub fn json(evaluation: &Evaluation, action: &str, resource: &str) -> serde_json::Value {
    json!({
        "decision": evaluation.decision.as_str(),
        "action": action,
        "resource": resource,
        "message": sentence(evaluation, action, resource),
        "layer": evaluation.layer.map(|l| l.as_str()),
        "statements": statements_json(&evaluation.statements),
        "missing_keys": evaluation.missing_keys,
        "reasons": evaluation.reasons,
        "witnesses": evaluation.witnesses.iter().map(|w| json!({
            "decision": w.decision.as_str(),
            "context": w.assignments(),
            "absent": w.absent(),
            "description": w.describe(),
        })).collect::<Vec<_>>(),
        "decided_over": evaluation.decided_over,
        "closest": evaluation.closest.as_ref().map(|near| json!({
            "file": near.statement.file,
            "index": near.statement.index,
            "line": near.statement.line,
            "stopped_by": near.stopped_by,
        })),
    })
}
