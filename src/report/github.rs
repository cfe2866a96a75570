//! `--format github`: GitHub Actions workflow commands, one annotation per finding.
//!
//! Input text is escaped twice: control and invisible characters first (see
//! [`super::escape`]: the job log is a terminal too), then the characters a workflow command
//! gives a meaning to (`%`, line breaks, and `:` and `,` in properties).

use super::{Position, escape};
use crate::lint::LintReport;
use crate::rules::Severity;

pub fn render(report: &LintReport) -> String {
    let mut out = String::new();
    for file in &report.files {
        for finding in &file.findings {
            let at = Position::of(&file.source, finding);
            let level = match finding.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "notice",
            };
            let mut message = escape::line(&finding.message).into_owned();
            if let Some(help) = &finding.help {
                message.push_str("\nhelp: ");
                message.push_str(&escape::line(help));
            }
            out.push_str(&format!(
                "::{level} file={},line={},col={},endLine={},endColumn={},title={}::{}\n",
                escape_property(&escape::line(&file.source.name)),
                at.line,
                at.column,
                at.end_line,
                at.end_column,
                escape_property(&format!("{} {}", finding.rule.code, finding.rule.name)),
                escape_data(&message),
            ));
        }
    }
    out
}

/// The escaping GitHub's toolkit applies to a command's message.
pub(crate) fn escape_data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// The escaping GitHub's toolkit applies to a command's properties.
pub(crate) fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}
