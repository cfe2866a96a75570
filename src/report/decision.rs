//! The answer of `simulate`: RAM's decision, the statements that made it, and what is missing.

use serde_json::json;

use super::escape;
use super::human::{Snippet, Style};
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
        Decision::Allowed => format!("allowed: `{action}` on `{resource}` is allowed"),
        Decision::ExplicitDeny => format!(
            "explicit deny: a `Deny` statement of the {} denies `{action}` on `{resource}`",
            layer.plural()
        ),
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
            if reasons.is_empty() {
                format!("conditional: the decision depends on {on}")
            } else {
                format!("conditional: the decision depends on {on}: {}", reasons.join("; "))
            }
        }
    }
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
        _ => None,
    }
}

/// Input text in it (the action, the resource, condition keys, file names, statements) is
/// escaped: see [`super::escape`].
pub fn human(evaluation: &Evaluation, action: &str, resource: &str, sources: &dyn Sources, style: Style) -> String {
    let mut out = format!("{}\n", escape::line(&sentence(evaluation, action, resource)));
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
    for statement in &evaluation.statements {
        let Some(source) = sources.source(statement) else {
            continue;
        };
        let label = match (evaluation.decision, statement.effect) {
            (Decision::Conditional, _) => "applies or not, depending on the missing keys".to_string(),
            (_, crate::policy::Effect::Deny) => "this statement denies the request".to_string(),
            _ => "this statement allows the request".to_string(),
        };
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
        "closest": evaluation.closest.as_ref().map(|near| json!({
            "file": near.statement.file,
            "index": near.statement.index,
            "line": near.statement.line,
            "stopped_by": near.stopped_by,
        })),
    })
}
