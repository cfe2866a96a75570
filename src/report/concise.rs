//! `--format concise`: one line per finding, `path:line:col: CODE message`, which editors'
//! error parsers and `grep` read. Control, bidirectional and invisible characters in the path
//! and the message are escaped (`\u{202e}`, see [`super::escape`]), so one finding is one line
//! and shows what is there.

use super::Position;
use crate::lint::LintReport;

/// Every finding of the report, one per line, in the report's order.
pub fn render(report: &LintReport) -> String {
    let mut out = String::new();
    for file in &report.files {
        for finding in &file.findings {
            let at = Position::of(&file.source, finding);
            out.push_str(&format!(
                "{}:{}:{}: {} {}\n",
                escape(&file.source.name),
                at.line,
                at.column,
                finding.rule.code,
                escape(&finding.message)
            ));
        }
    }
    out
}

/// `text` for one line of output: the reporters' shared escape (`super::escape::line`).
pub fn escape(text: &str) -> String {
    super::escape::line(text).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_what_would_break_a_line_or_hide_text() {
        for text in ["a\nb", "x\u{202e}y", "\u{1b}[31m", "a\u{2028}b"] {
            let escaped = escape(text);
            assert!(!escaped.chars().any(super::super::escape::is_hidden), "{escaped:?}");
            assert!(escaped.contains('\\'), "{escaped}");
        }
        assert_eq!(escape("`kvstore:*` – ok é"), "`kvstore:*` – ok é");
    }
}
