//! What the reader tests share: a fixture read and linted as `lint` reads it, and its findings
//! rendered one line each (where they start and end, the rule, the message, the text).

use std::fmt::Write as _;
use std::path::Path;
use std::sync::Arc;

use ramguard::inputs::{self, policy_file::Content};
use ramguard::lint;
use ramguard::rules::Finding;
use ramguard::settings::Settings;
use ramguard::source::SourceFile;

/// `tests/fixtures/FOLDER/NAME`, read and linted, its findings sorted.
pub fn lint_fixture(folder: &str, name: &str) -> (Arc<SourceFile>, Content<'static>, Vec<Finding>) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(folder)
        .join(name);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    lint_bytes(&format!("tests/fixtures/{folder}/{name}"), bytes)
}

/// `bytes`, read as a file named `shown` and linted, its findings sorted.
pub fn lint_bytes(shown: &str, bytes: Vec<u8>) -> (Arc<SourceFile>, Content<'static>, Vec<Finding>) {
    let file = inputs::read_policy_file(shown.to_string(), bytes);
    let mut findings = lint::lint_file(&file, &Settings::default(), shown).unwrap_or_default();
    lint::sort(&mut findings);
    (file.source, file.content, findings)
}

/// One line per finding: where it starts and ends (1-based line:column), the rule, the
/// message, and the text it underlines.
pub fn render(source: &SourceFile, findings: &[Finding]) -> String {
    let mut out = String::new();
    for f in findings {
        let (line, column) = source.line_col(f.span.start);
        let (end_line, end_column) = source.line_col(f.span.end);
        let underlined = source.text.get(f.span.start..f.span.end).unwrap_or("<bad span>");
        let underlined: String = underlined.lines().next().unwrap_or_default().chars().take(50).collect();
        let _ = writeln!(
            out,
            "{line}:{column}-{end_line}:{end_column} {} {} {}: {} [{underlined}]",
            f.rule.code,
            f.rule.name,
            f.severity.as_str(),
            f.message
        );
    }
    out
}

/// How many documents a file holds.
pub fn documents(content: &Content) -> usize {
    match content {
        Content::Documents(documents) => documents.len(),
        _ => 0,
    }
}
