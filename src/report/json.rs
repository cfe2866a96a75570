//! `--format json` for `lint`: the CONTRACT's shape, one object on stdout. Input text in it
//! (messages, pointers, paths) is exact: control and invisible characters are JSON escapes.

use serde::Serialize;

use super::Position;
use crate::lint::LintReport;
use crate::rules::Severity;

#[derive(Debug, Serialize)]
struct Output<'a> {
    diagnostics: Vec<Diagnostic<'a>>,
    summary: Summary,
}

#[derive(Debug, Serialize)]
struct Diagnostic<'a> {
    file: &'a str,
    code: &'static str,
    name: &'static str,
    severity: Severity,
    message: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    pointer: &'a str,
    /// The document's name in its file (a Terraform address), when the file names it.
    #[serde(skip_serializing_if = "Option::is_none")]
    document: Option<&'a str>,
    help: Option<&'a str>,
}

#[derive(Debug, Serialize)]
pub struct Summary {
    pub files: usize,
    /// Policy documents linted, whatever form they took (a `.tf` file or a response may hold
    /// several).
    pub documents: usize,
    pub skipped: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

impl Summary {
    pub fn of(report: &LintReport) -> Self {
        Self {
            files: report.linted,
            documents: report.documents,
            skipped: report.skipped,
            errors: report.count(Severity::Error),
            warnings: report.count(Severity::Warning),
            infos: report.count(Severity::Info),
        }
    }
}

pub fn render(report: &LintReport) -> String {
    let diagnostics = report
        .files
        .iter()
        .flat_map(|file| {
            file.findings.iter().map(|finding| {
                let at = Position::of(&file.source, finding);
                Diagnostic {
                    file: &file.source.name,
                    code: finding.rule.code,
                    name: finding.rule.name,
                    severity: finding.severity,
                    message: &finding.message,
                    line: at.line,
                    column: at.column,
                    end_line: at.end_line,
                    end_column: at.end_column,
                    pointer: &finding.pointer,
                    document: finding.document.as_deref(),
                    help: finding.help.as_deref(),
                }
            })
        })
        .collect();
    let output = Output {
        diagnostics,
        summary: Summary::of(report),
    };
    super::escape::json_text(&output)
}
