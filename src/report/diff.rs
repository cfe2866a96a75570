//! `ramguard diff`: the access a change grants and takes away, as text and as JSON.

use serde_json::{Value, json};

use super::escape;
use crate::diff::{Change, Witness};
use crate::eval::StatementRef;

/// What `diff` compares, said in every output: where it is exact, and what it leaves out.
pub const COVERAGE: &str = "actions: every kvstore action of the catalogue, and for every other service a policy names, one action per class of names its patterns split (e.g. `ecs:` outside `ecs:Describe*`); the services no pattern names, where a `NotAction` or `*` covers them, as one class (one of them stands for all), and otherwise not compared, as no statement applies to them. resources: one ARN per class the patterns of both policies split (`NotResource` included). contexts: the exact search's classes of the condition keys of both policies. each document evaluated as the caller's only identity policy, and as one policy among others that may allow anything (a denial OLD makes and NEW does not is new access: `lifted`)";

pub use crate::diff::checks::{DocumentReport, Failed};

/// A failed check's message, with the request that shows it where the check names one.
pub fn failed_message(failed: &Failed) -> String {
    match (&failed.witness, failed.names_witness) {
        (Some(witness), true) => format!("{} {}", failed.message, describe(witness)),
        _ => failed.message.clone(),
    }
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

fn change_json(change: &Change, classes: &std::collections::BTreeMap<String, String>) -> Value {
    json!({
        "witness": witness_json(&change.witness),
        "description": classes.get(&change.witness.action),
        "statements": statements_json(&change.statements),
        "statement": change.statements.first().map(|s| s.index),
        "line": change.statements.first().map(|s| s.line),
    })
}

/// `uncertain`: a check found nothing, but the comparison was not exhaustive (its `limits`).
pub fn json(documents: &[DocumentReport], failed: &[Failed], uncertain: bool) -> Value {
    // "The checks found nothing" is false where one failed (another document may be uncertain).
    let uncertain = uncertain && failed.is_empty();
    let docs: Vec<Value> = documents
        .iter()
        .map(|d| {
            json!({
                "file": d.file,
                "old_file": d.old_file,
                "new_file": d.new_file,
                "address": d.address,
                "status": d.status,
                "new": d.diff.new.iter().map(|c| change_json(c, &d.diff.action_classes)).collect::<Vec<_>>(),
                "removed": d.diff.removed.iter().map(|c| change_json(c, &d.diff.action_classes)).collect::<Vec<_>>(),
                "lifted": d.diff.lifted.iter().map(|c| change_json(c, &d.diff.action_classes)).collect::<Vec<_>>(),
                "may_lift": d.diff.may_lift.iter().map(|(w, old, new)| json!({
                    "witness": witness_json(w),
                    "description": d.diff.action_classes.get(&w.action),
                    "old": old.as_str(),
                    "new": new.as_str(),
                })).collect::<Vec<_>>(),
                "undecided": d.diff.undecided.iter().map(|(w, old, new)| json!({
                    "witness": witness_json(w),
                    "description": d.diff.action_classes.get(&w.action),
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
                "message": failed_message(f),
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
            "lifted": documents.iter().map(|d| d.diff.lifted.len()).sum::<usize>(),
            "may_lift": documents.iter().map(|d| d.diff.may_lift.len()).sum::<usize>(),
            "undecided": documents.iter().map(|d| d.diff.undecided.len()).sum::<usize>(),
            "failed_checks": failed.len(),
            "uncertain": uncertain,
        },
    })
}

/// `kvstore:DeleteInstance` on `acs:...` when `k=v` and `k2` absent.
pub fn describe(witness: &Witness) -> String {
    describe_in(witness, &std::collections::BTreeMap::new())
}

/// [`describe`], an action that stands for a class of a service's actions said as the class:
/// "`ecs:` actions outside `ecs:Describe*` on `*`".
pub fn describe_in(witness: &Witness, classes: &std::collections::BTreeMap<String, String>) -> String {
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
    let action = match classes.get(&witness.action) {
        Some(class) => escape::line(class).into_owned(),
        None => format!("`{}`", escape::line(&witness.action)),
    };
    format!("{action} on `{}`{when}", escape::line(&witness.resource))
}

fn by(statements: &[StatementRef]) -> String {
    match refs(statements) {
        refs if refs.is_empty() => String::new(),
        refs => format!(" (allowed by {refs})"),
    }
}

/// A lifted denial's statements: OLD's that denied it.
fn denied_before_by(statements: &[StatementRef]) -> String {
    format!(
        " no longer denied (denied before by {}): a policy that allows it now grants it",
        match refs(statements) {
            refs if refs.is_empty() => "OLD".to_string(),
            refs => refs,
        }
    )
}

fn refs(statements: &[StatementRef]) -> String {
    statements
        .iter()
        .map(|s| format!("statement {} of {}:{}", s.index + 1, escape::line(&s.file), s.line))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `OLD -> NEW` of one document, with its address: `HEAD:main.tf -> main.tf: `alicloud_ram_policy.p``.
fn header(d: &DocumentReport) -> String {
    let old = d
        .old_file
        .as_deref()
        .map_or_else(|| "(no document)".to_string(), |f| escape::line(f).into_owned());
    let new = d
        .new_file
        .as_deref()
        .map_or_else(|| "(no document)".to_string(), |f| escape::line(f).into_owned());
    match &d.address {
        Some(address) => format!("{old} -> {new}: `{}`\n", escape::line(address)),
        None => format!("{old} -> {new}\n"),
    }
}

pub fn human(documents: &[DocumentReport], failed: &[Failed], uncertain: bool) -> String {
    // "The checks found nothing" is false where one failed (another document may be uncertain).
    let uncertain = uncertain && failed.is_empty();
    let mut out = String::new();
    for d in documents {
        out.push_str(&header(d));
        if d.status == crate::diff::files::NOT_COMPARED {
            out.push_str("  not compared\n");
        } else if d.diff.is_empty() && d.diff.undecided.is_empty() && d.diff.may_lift.is_empty() {
            out.push_str("  no access added or removed\n");
        }
        for change in &d.diff.new {
            out.push_str(&format!(
                "  + {}{}\n",
                describe_in(&change.witness, &d.diff.action_classes),
                by(&change.statements)
            ));
        }
        for change in &d.diff.lifted {
            out.push_str(&format!(
                "  + {}{}\n",
                describe_in(&change.witness, &d.diff.action_classes),
                denied_before_by(&change.statements)
            ));
        }
        for change in &d.diff.removed {
            out.push_str(&format!(
                "  - {}{}\n",
                describe_in(&change.witness, &d.diff.action_classes),
                by(&change.statements)
            ));
        }
        for (witness, old, new) in &d.diff.undecided {
            out.push_str(&format!(
                "  ? {} (old: {}, new: {})\n",
                describe_in(witness, &d.diff.action_classes),
                old.as_str(),
                new.as_str()
            ));
        }
        for (witness, old, new) in &d.diff.may_lift {
            out.push_str(&format!(
                "  ? {} may no longer be denied (beside a policy that allows it, old: {}, new: {})\n",
                describe_in(witness, &d.diff.action_classes),
                old.as_str(),
                new.as_str()
            ));
        }
        for limit in &d.diff.limits {
            out.push_str(&format!("  note: {}\n", escape::line(limit)));
        }
    }
    for f in failed {
        out.push_str(&format!("error: {}\n", escape::line(&failed_message(f))));
    }
    if uncertain {
        out.push_str(
            "uncertain: the checks found nothing, but the comparison was not exhaustive (the notes above say where)\n",
        );
    }
    let new: usize = documents.iter().map(|d| d.diff.new.len()).sum();
    let removed: usize = documents.iter().map(|d| d.diff.removed.len()).sum();
    let lifted = match documents.iter().map(|d| d.diff.lifted.len()).sum::<usize>() {
        0 => String::new(),
        n => format!(", {n} no longer denied"),
    };
    out.push_str(&format!(
        "{new} new, {removed} removed{lifted} ({})\ncoverage: {COVERAGE}\n",
        super::human::counted(failed.len(), "failed check", "failed checks")
    ));
    out
}

/// Where a result points: NEW's statement that grants it (its `Effect`), or the file's first
/// line when no statement does (access NEW may allow only under a condition it cannot decide).
struct Place {
    file: String,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
}

fn place(file: &str, source: Option<&std::sync::Arc<crate::source::SourceFile>>, statements: &[StatementRef]) -> Place {
    match (statements.first(), source) {
        (Some(statement), Some(source)) => {
            let (line, column) = source.line_col(statement.span.start);
            let (end_line, end_column) = source.line_col(statement.span.end);
            Place {
                file: statement.file.clone(),
                line,
                column,
                end_line,
                end_column,
            }
        }
        (Some(statement), None) => Place {
            file: statement.file.clone(),
            line: statement.line,
            column: 1,
            end_line: statement.line,
            end_column: 1,
        },
        (None, _) => Place {
            file: file.to_string(),
            line: 1,
            column: 1,
            end_line: 1,
            end_column: 1,
        },
    }
}

/// A result of the SARIF or GitHub output: a new access (warning) or a failed check (error).
struct Annotation {
    rule: &'static str,
    error: bool,
    message: String,
    place: Place,
    /// What identifies it whatever the lines (for SARIF's fingerprint).
    key: String,
}

fn annotations(documents: &[DocumentReport], failed: &[Failed]) -> Vec<Annotation> {
    let mut out = Vec::new();
    for failure in failed {
        // A check without NEW's statement (a lifted denial, a document gone) stands on NEW's file.
        let file = failure
            .statements
            .first()
            .map(|s| s.file.as_str())
            .or(failure.source.as_ref().map(|s| s.name.as_str()))
            .unwrap_or_default();
        out.push(Annotation {
            rule: "failed-check",
            error: true,
            message: failed_message(failure),
            place: place(file, failure.source.as_ref(), &failure.statements),
            key: failure.check.clone(),
        });
    }
    for d in documents {
        for change in &d.diff.new {
            let address = d.address.as_ref().map(|a| format!(" (`{a}`)")).unwrap_or_default();
            out.push(Annotation {
                rule: "new-access",
                error: false,
                message: format!(
                    "new access{address}: {} (denied by {})",
                    describe_in(&change.witness, &d.diff.action_classes),
                    d.old_file
                        .as_deref()
                        .map_or_else(|| "nothing: a new document".to_string(), |f| format!("`{f}`"))
                ),
                place: place(&d.file, d.new_source.as_ref(), &change.statements),
                key: format!("{} {}", change.witness.action, change.witness.resource),
            });
        }
        // OLD's statement is gone or changed: the annotation stands on NEW's file.
        for change in &d.diff.lifted {
            let address = d.address.as_ref().map(|a| format!(" (`{a}`)")).unwrap_or_default();
            out.push(Annotation {
                rule: "new-access",
                error: false,
                message: format!(
                    "new access{address}: {}{}",
                    describe_in(&change.witness, &d.diff.action_classes),
                    denied_before_by(&change.statements)
                ),
                place: place(&d.file, None, &[]),
                key: format!("lifted {} {}", change.witness.action, change.witness.resource),
            });
        }
    }
    out
}

/// `--format sarif`: a result per new access (`warning`) and per failed check (`error`), on
/// NEW's statement that grants it, as `lint`'s SARIF writes results.
pub fn sarif(documents: &[DocumentReport], failed: &[Failed], cwd: &std::path::Path) -> String {
    use super::sarif::{fingerprint, relative_uri};
    let rules = json!([
        {
            "id": "new-access",
            "name": "new-access",
            "shortDescription": { "text": "a request NEW allows and OLD denies" },
            "fullDescription": { "text": "a request NEW allows and OLD denies, with a witness request (action, resource, context) and NEW's statement that allows it" },
            "help": { "text": COVERAGE, "markdown": COVERAGE },
            "defaultConfiguration": { "level": "warning" },
            "properties": { "tags": ["diff"] },
        },
        {
            "id": "failed-check",
            "name": "failed-check",
            "shortDescription": { "text": "a `fail-on-new-access` or `deny-access` check failed" },
            "fullDescription": { "text": "a check of `ramguard diff` (`--fail-on-new-access`, `--deny-access`, or `[diff]` of ramguard.toml) failed" },
            "help": { "text": COVERAGE, "markdown": COVERAGE },
            "defaultConfiguration": { "level": "error" },
            "properties": { "tags": ["diff"] },
        },
    ]);
    let results: Vec<Value> = annotations(documents, failed)
        .into_iter()
        .map(|a| {
            let uri = relative_uri(&a.place.file, cwd);
            json!({
                "ruleId": a.rule,
                "ruleIndex": usize::from(a.error),
                "level": if a.error { "error" } else { "warning" },
                "message": { "text": escape::line(&a.message) },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": uri, "uriBaseId": "%SRCROOT%" },
                        "region": {
                            "startLine": a.place.line,
                            "startColumn": a.place.column,
                            "endLine": a.place.end_line,
                            "endColumn": a.place.end_column,
                        }
                    },
                }],
                "partialFingerprints": {
                    "ramguard/v1": fingerprint(&[a.rule, &uri, &a.key]),
                },
            })
        })
        .collect();
    // Where the comparison was not exhaustive: a result that is absent proves nothing there.
    let invocation = json!({
        "executionSuccessful": true,
        "toolExecutionNotifications": documents
            .iter()
            .flat_map(|d| d.diff.limits.iter())
            .map(|limit| json!({ "level": "note", "message": { "text": limit } }))
            .collect::<Vec<_>>(),
    });
    let sarif = super::sarif::log(rules, results, Some(invocation));
    escape::json_text(&sarif)
}

/// `--format github`: an annotation per new access (`warning`) and per failed check (`error`),
/// on NEW's statement that grants it.
pub fn github(documents: &[DocumentReport], failed: &[Failed], uncertain: bool) -> String {
    // "The checks found nothing" is false where one failed (another document may be uncertain).
    let uncertain = uncertain && failed.is_empty();
    use super::github::{escape_data, escape_property};
    let mut out = String::new();
    // Where the comparison was not exhaustive, said as notices; and the verdict that follows
    // from it, so that exit 3 is never a silent log.
    for document in documents {
        for limit in &document.diff.limits {
            out.push_str(&format!(
                "::notice title={}::{}\n",
                escape_property("ramguard diff: note"),
                escape_data(&escape::line(limit)),
            ));
        }
    }
    if uncertain {
        out.push_str(&format!(
            "::warning title={}::{}\n",
            escape_property("ramguard diff: uncertain"),
            escape_data("the checks found nothing, but the comparison was not exhaustive (the notes say where)"),
        ));
    }
    for a in annotations(documents, failed) {
        out.push_str(&format!(
            "::{} file={},line={},col={},endLine={},endColumn={},title={}::{}\n",
            if a.error { "error" } else { "warning" },
            escape_property(&escape::line(&a.place.file)),
            a.place.line,
            a.place.column,
            a.place.end_line,
            a.place.end_column,
            escape_property(&format!("ramguard diff: {}", a.rule)),
            escape_data(&escape::line(&a.message)),
        ));
    }
    out
}
