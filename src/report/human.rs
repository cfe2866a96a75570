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

/// A finding, with its file, as miette sees it.
struct Report<'a> {
    finding: &'a Finding,
    source: NamedSource<Arc<str>>,
}

impl fmt::Debug for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.finding.message)
    }
}

impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.finding.message)
    }
}

impl std::error::Error for Report<'_> {}

impl Diagnostic for Report<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(format!(
            "{}({})",
            self.finding.rule.name, self.finding.rule.code
        )))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.finding.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.finding.help.as_ref().map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let primary = LabeledSpan::new_primary_with_span(
            (!self.finding.label.is_empty()).then(|| self.finding.label.clone()),
            self.finding.span,
        );
        let related = self
            .finding
            .related
            .iter()
            .map(|(span, label)| LabeledSpan::new_with_span(Some(label.clone()), *span));
        Some(Box::new(std::iter::once(primary).chain(related)))
    }
}

/// Render one finding against its file.
pub fn render_finding(out: &mut String, source: &SourceFile, finding: &Finding, style: Style) {
    let report = Report {
        finding,
        source: NamedSource::new(source.name.clone(), source.text.clone()),
    };
    if style.handler().render_report(out, &report).is_err() {
        out.push_str(&format!("{}: {}\n", source.name, finding.message));
    }
    out.push('\n');
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
