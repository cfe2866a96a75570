//! `--format human`: miette's graphical reports, with the source snippet, labels and help.

use std::fmt;
use std::sync::Arc;

use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceCode};

use crate::lint::LintReport;
use crate::rules::{Finding, Severity};
use crate::source::SourceFile;

/// How to draw: colour or not, and how wide.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub color: bool,
    pub width: usize,
}

impl Style {
    pub fn handler(self) -> GraphicalReportHandler {
        let theme = if self.color {
            GraphicalTheme::unicode()
        } else {
            GraphicalTheme::unicode_nocolor()
        };
        GraphicalReportHandler::new_themed(theme)
            .with_width(self.width)
            .with_links(false)
    }
}

/// A diagnostic as miette sees it: a title, labels on one file, a help line.
#[derive(Debug)]
pub struct Snippet<'a> {
    pub title: String,
    pub code: Option<String>,
    pub severity: miette::Severity,
    pub source: &'a SourceFile,
    /// The first label is the primary one.
    pub labels: Vec<(crate::source::Span, String)>,
    pub help: Option<String>,
}

struct Report<'a> {
    snippet: &'a Snippet<'a>,
    source: NamedSource<Arc<str>>,
}

impl fmt::Debug for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.snippet.title)
    }
}

impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.snippet.title)
    }
}

impl std::error::Error for Report<'_> {}

impl Diagnostic for Report<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.snippet.code.as_ref().map(|c| Box::new(c) as Box<dyn fmt::Display>)
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(self.snippet.severity)
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.snippet.help.as_ref().map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.snippet.labels.iter().enumerate().map(
            |(i, (span, label))| {
                let label = (!label.is_empty()).then(|| label.clone());
                if i == 0 {
                    LabeledSpan::new_primary_with_span(label, *span)
                } else {
                    LabeledSpan::new_with_span(label, *span)
                }
            },
        )))
    }
}

impl Snippet<'_> {
    pub fn render(&self, out: &mut String, style: Style) {
        let report = Report {
            snippet: self,
            source: NamedSource::new(self.source.name.clone(), self.source.text.clone()),
        };
        if style.handler().render_report(out, &report).is_err() {
            out.push_str(&format!("{}: {}\n", self.source.name, self.title));
        }
        out.push('\n');
    }
}

/// Render one finding against its file.
pub fn render_finding(out: &mut String, source: &SourceFile, finding: &Finding, style: Style) {
    let severity = match finding.severity {
        Severity::Error => miette::Severity::Error,
        Severity::Warning => miette::Severity::Warning,
        Severity::Info => miette::Severity::Advice,
    };
    let snippet = Snippet {
        title: finding.message.clone(),
        code: Some(format!("{}({})", finding.rule.name, finding.rule.code)),
        severity,
        source,
        labels: std::iter::once((finding.span, finding.label.clone()))
            .chain(finding.related.iter().cloned())
            .collect(),
        help: finding.help.clone(),
    };
    snippet.render(out, style);
}

/// Every finding, then one summary line.
pub fn render(report: &LintReport, style: Style) -> String {
    let mut out = String::new();
    for file in &report.files {
        for finding in &file.findings {
            render_finding(&mut out, &file.source, finding, style);
        }
    }
    let summary = super::json::Summary::of(report);
    out.push_str(&format!(
        "{} {}, {} {}, {} {} in {} {} ({} skipped)\n",
        summary.errors,
        plural(summary.errors, "error", "errors"),
        summary.warnings,
        plural(summary.warnings, "warning", "warnings"),
        summary.infos,
        plural(summary.infos, "info", "infos"),
        summary.files,
        plural(summary.files, "file", "files"),
        summary.skipped,
    ));
    out
}

pub fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}
