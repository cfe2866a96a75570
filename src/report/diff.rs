//! `ramguard diff`: the access a change grants and takes away, as text and as JSON.

use serde_json::{Value, json};

use super::escape;
use crate::diff::{Change, DocumentDiff, Witness};
use crate::eval::StatementRef;

/// What `diff` compares, said in every output: where it is exact, and what it leaves out.
pub const COVERAGE: &str = "actions: every kvstore action of the catalogue, and for every other service a policy names, one action per class of names its patterns split (e.g. `ecs:` outside `ecs:Describe*`); services that no pattern names by its service are not compared. resources: one ARN per class the patterns of both policies split (`NotResource` included). contexts: the exact search's classes of the condition keys of both policies. each document evaluated as the caller's only identity policy";

/// One document compared.
#[derive(Debug)]
pub struct DocumentReport {
    pub old_file: String,
    pub file: String,
    pub address: Option<String>,
    pub diff: DocumentDiff,
}

/// A `--deny-access` or `--fail-on-new-access` check that failed.
#[derive(Debug)]
pub struct Failed {
    pub check: String,
    pub message: String,
    pub witness: Option<Witness>,
    pub statements: Vec<StatementRef>,
}

fn witness_json(witness: &Witness) -> Value {
    json!({
        "action": witness.action,
        "resource": witness.resource,
        "context": witness.assignments(),
        "absent": witness.absent(),
    })
}

fn statements_json(statements: &[StatementRef]) -> Value {
    statements
        .iter()
        .map(|s| json!({ "file": s.file, "statement": s.index, "line": s.line }))
        .collect()
}

fn change_json(change: &Change) -> Value {
    json!({
        "witness": witness_json(&change.witness),
        "statements": statements_json(&change.statements),
        "statement": change.statements.first().map(|s| s.index),
        "line": change.statements.first().map(|s| s.line),
    })
}

/// `uncertain`: a check found nothing, but the comparison was not exhaustive (its `limits`).
pub fn json(documents: &[DocumentReport], failed: &[Failed], uncertain: bool) -> Value {
    let docs: Vec<Value> = documents
        .iter()
        .map(|d| {
            json!({
                "file": d.file,
                "old_file": d.old_file,
                "address": d.address,
                "new": d.diff.new.iter().map(change_json).collect::<Vec<_>>(),
                "removed": d.diff.removed.iter().map(change_json).collect::<Vec<_>>(),
                "undecided": d.diff.undecided.iter().map(|(w, old, new)| json!({
                    "witness": witness_json(w),
                    "old": old.as_str(),
                    "new": new.as_str(),
                })).collect::<Vec<_>>(),
                "limits": d.diff.limits,
            })
        })
        .collect();
    let checks: Vec<Value> = failed
        .iter()
        .map(|f| {
            json!({
                "check": f.check,
                "message": f.message,
                "witness": f.witness.as_ref().map(witness_json),
                "statements": statements_json(&f.statements),
            })
        })
        .collect();
    json!({
        "documents": docs,
        "coverage": COVERAGE,
        "failed_checks": checks,
        "summary": {
            "new": documents.iter().map(|d| d.diff.new.len()).sum::<usize>(),
            "removed": documents.iter().map(|d| d.diff.removed.len()).sum::<usize>(),
            "undecided": documents.iter().map(|d| d.diff.undecided.len()).sum::<usize>(),
            "failed_checks": failed.len(),
            "uncertain": uncertain,
        },
    })
}

/// `kvstore:DeleteInstance` on `acs:...` when `k=v` and `k2` absent.
pub fn describe(witness: &Witness) -> String {
    let mut parts: Vec<String> = witness
        .assignments()
        .iter()
        .map(|a| format!("`{}`", escape::line(a)))
        .collect();
    parts.extend(witness.absent().iter().map(|k| format!("`{}` absent", escape::line(k))));
    let when = if parts.is_empty() {
        String::new()
    } else {
        format!(" when {}", parts.join(" and "))
    };
    format!(
        "`{}` on `{}`{when}",
        escape::line(&witness.action),
        escape::line(&witness.resource)
    )
}

fn by(statements: &[StatementRef]) -> String {
    let refs: Vec<String> = statements
        .iter()
        .map(|s| format!("statement {} of {}:{}", s.index + 1, escape::line(&s.file), s.line))
        .collect();
    if refs.is_empty() {
        String::new()
    } else {
        format!(" (allowed by {})", refs.join(", "))
    }
}

pub fn human(documents: &[DocumentReport], failed: &[Failed], uncertain: bool) -> String {
    let mut out = String::new();
    for d in documents {
        out.push_str(&format!("{} -> {}\n", escape::line(&d.old_file), escape::line(&d.file)));
        if d.diff.is_empty() && d.diff.undecided.is_empty() {
            out.push_str("  no access added or removed\n");
        }
        for change in &d.diff.new {
            out.push_str(&format!(
                "  + {}{}\n",
                describe(&change.witness),
                by(&change.statements)
            ));
        }
        for change in &d.diff.removed {
            out.push_str(&format!(
                "  - {}{}\n",
                describe(&change.witness),
                by(&change.statements)
            ));
        }
        for (witness, old, new) in &d.diff.undecided {
            out.push_str(&format!(
                "  ? {} (old: {}, new: {})\n",
                describe(witness),
                old.as_str(),
                new.as_str()
            ));
        }
        for limit in &d.diff.limits {
            out.push_str(&format!("  note: {}\n", escape::line(limit)));
        }
    }
    for f in failed {
        out.push_str(&format!("error: {}\n", escape::line(&f.message)));
    }
    if uncertain {
        out.push_str(
            "uncertain: the checks found nothing, but the comparison was not exhaustive (the notes above say where)\n",
        );
    }
    let new: usize = documents.iter().map(|d| d.diff.new.len()).sum();
    let removed: usize = documents.iter().map(|d| d.diff.removed.len()).sum();
    out.push_str(&format!(
        "{new} new, {removed} removed ({})\ncoverage: {COVERAGE}\n",
        super::human::counted(failed.len(), "failed check", "failed checks")
    ));
    out
}
