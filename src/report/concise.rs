//! `--format concise`: one line per finding, `path:line:col: CODE message`, which editors'
//! error parsers and `grep` read. Control and bidirectional characters in the path and the
//! message are escaped (`\u{202e}`), so one finding is one line and shows what is there.
//!
//! (The reporters' shared escape function lands with the safe-rendering work; until then this
//! file escapes on its own, with the same rule.)

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

/// `text` with control characters, bidirectional controls and other invisible format
/// characters written as escapes; everything else as it is.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if needs_escape(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    out
}

fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{200b}'..='\u{200f}'   // zero-width space, joiners, LRM, RLM
            | '\u{2028}' | '\u{2029}' // line and paragraph separators
            | '\u{202a}'..='\u{202e}' // bidi embeddings and overrides
            | '\u{2060}'..='\u{2064}' // word joiner, invisible operators
            | '\u{2066}'..='\u{2069}' // bidi isolates
            | '\u{feff}'              // byte-order mark
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_what_would_break_a_line_or_hide_text() {
        assert_eq!(escape("a\nb"), "a\\u{a}b");
        assert_eq!(escape("x\u{202e}y"), "x\\u{202e}y");
        assert_eq!(escape("\u{1b}[31m"), "\\u{1b}[31m");
        assert_eq!(escape("`kvstore:*` – ok é"), "`kvstore:*` – ok é");
    }
}
