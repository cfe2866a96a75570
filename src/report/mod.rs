//! The reporters: one module per output format. They read findings and write text; nothing
//! else in ramguard formats output.

pub mod concise;
pub mod decision;
pub mod diff;
pub mod escape;
mod excerpt;
pub mod github;
pub mod human;
pub mod json;
pub mod preflight;
pub mod preflight_github;
pub mod sarif;

use crate::rules::Finding;
use crate::source::SourceFile;

/// A finding's position as users read it: 1-based lines, columns in characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

impl Position {
    pub fn of(source: &SourceFile, finding: &Finding) -> Self {
        let (line, column) = source.line_col(finding.span.start);
        let (end_line, end_column) = source.line_col(finding.span.end);
        Self {
            line,
            column,
            end_line,
            end_column,
        }
    }
}

/// `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
    Sarif,
    Github,
}
