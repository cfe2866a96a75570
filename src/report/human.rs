//! `--format human`: miette's graphical reports, with the source snippet, labels and help.
//!
//! miette reads an [`Excerpt`] of the file, never the file itself: the lines around the labels,
//! long lines clipped, secret values masked, control characters escaped. Every text of a
//! snippet (title, labels, help, file name) is escaped the same way.

use std::fmt;

use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, SourceCode};

use super::escape;
use super::excerpt::{self, Excerpt};
use crate::lint::{FileReport, LintReport};
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
            // Lines break at spaces only: an ARN, an action or a date in a message stays whole
            // (copied from the terminal, it still works), where Unicode's line-breaking rules
            // cut after `/` and hyphens (`r-` / `kvstore:DeleteInstance`). A word wider than
            // the line is still broken. It is also the cheaper rule: the Unicode segmenter run
            // on every line was a quarter of the time of printing a finding.
            .with_word_separator(textwrap::WordSeparator::AsciiSpace)
            .with_word_splitter(textwrap::WordSplitter::NoHyphenation)
    }
}

/// The colours of ramguard's own words outside miette's snippets (preflight's marks and
/// verdicts, simulate's decision), as miette's theme colours diagnostics: green for what
/// passes, red for what blocks, yellow for what is unknown or only advises.
#[derive(Debug, Clone, Copy)]
pub enum Colour {
    Green,
    Red,
    Yellow,
}

impl Style {
    /// `word` in bold `colour` when the style has colour. `word` is ramguard's own text, never
    /// input: the escape sequences are added to text that needs no escaping.
    pub fn paint(self, word: &str, colour: Colour) -> String {
        if !self.color {
            return word.to_string();
        }
        let code = match colour {
            Colour::Green => "32",
            Colour::Red => "31",
            Colour::Yellow => "33",
        };
        format!("\u{1b}[1;{code}m{word}\u{1b}[0m")
    }
}

/// A diagnostic as miette sees it: a title, labels on one file, a help line.
///
/// Its texts are written as they are; [`Snippet::render`] escapes them.
#[derive(Debug)]
pub struct Snippet<'a> {
    pub title: String,
    pub code: Option<String>,
    pub severity: miette::Severity,
    /// The file the labels point into; `None` for a diagnostic with no place.
    pub source: Option<&'a SourceFile>,
    /// The first label is the primary one.
    pub labels: Vec<(crate::source::Span, String)>,
    pub help: Option<String>,
}

/// A snippet ready for miette: texts escaped, labels moved into the excerpt.
#[derive(Debug)]
struct Report {
    title: String,
    code: Option<String>,
    severity: miette::Severity,
    help: Option<String>,
    excerpt: Option<(Excerpt, Vec<excerpt::Label>)>,
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.title)
    }
}

impl std::error::Error for Report {}

impl Diagnostic for Report {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.code.as_ref().map(|c| Box::new(c) as Box<dyn fmt::Display>)
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.help.as_ref().map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.excerpt.as_ref().map(|(excerpt, _)| excerpt as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let (_, labels) = self.excerpt.as_ref()?;
        Some(Box::new(labels.iter().enumerate().map(|(i, label)| {
            let text = (!label.text.is_empty()).then(|| label.text.clone());
            if i == 0 {
                LabeledSpan::new_primary_with_span(text, label.span)
            } else {
                LabeledSpan::new_with_span(text, label.span)
            }
        })))
    }
}

impl Snippet<'_> {
    /// Render, then a blank line.
    pub fn render(&self, out: &mut String, style: Style) {
        self.render_alone(out, style);
        out.push('\n');
    }

    /// Render, with no blank line after it.
    pub fn render_alone(&self, out: &mut String, style: Style) {
        let report = Report {
            title: escape::line(&self.title).into_owned(),
            code: self.code.as_deref().map(|c| escape::line(c).into_owned()),
            severity: self.severity,
            help: self.help.as_deref().map(|h| escape::line(h).into_owned()),
            excerpt: self
                .source
                .filter(|_| !self.labels.is_empty())
                .map(|source| Excerpt::new(source, &self.labels)),
        };
        if style.handler().render_report(out, &report).is_err() {
            let name = self
                .source
                .map_or_else(String::new, |s| format!("{}: ", escape::line(&s.name)));
            out.push_str(&format!("{name}{}\n", report.title));
        }
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
        title: finding.message.to_string(),
        code: Some(match &finding.document {
            Some(document) => format!("{}({}) in {document}", finding.rule.name, finding.rule.code),
            None => format!("{}({})", finding.rule.name, finding.rule.code),
        }),
        severity,
        source: Some(source),
        labels: std::iter::once((finding.span, finding.label.to_string()))
            .chain(finding.related.iter().map(|(span, label)| (*span, label.to_string())))
            .collect(),
        help: finding.help.as_deref().map(str::to_string),
    };
    snippet.render(out, style);
}

/// Every finding, then one summary line.
pub fn render(report: &LintReport, style: Style) -> String {
    use rayon::prelude::*;
    let draw = |file: &FileReport| {
        let mut out = String::new();
        for finding in &file.findings {
            render_finding(&mut out, &file.source, finding, style);
        }
        out
    };
    // Drawing a finding costs more than finding it: files are drawn on every core, and joined
    // in their order. One file (a pre-commit hook's usual call) is drawn on this thread:
    // starting the pool's threads would cost more than the file.
    let drawn: Vec<String> = if report.files.len() < 2 {
        report.files.iter().map(draw).collect()
    } else {
        report.files.par_iter().map(draw).collect()
    };
    let mut out = drawn.concat();
    let summary = super::json::Summary::of(report);
    // Documents and files both: a Terraform file or a plan holds several documents, and a
    // file whose only document is unknown holds none that was linted.
    out.push_str(&format!(
        "{}, {}, {} in {} {} in {} {} ({} skipped)\n",
        counted(summary.errors, "error", "errors"),
        counted(summary.warnings, "warning", "warnings"),
        counted(summary.infos, "info", "infos"),
        summary.documents,
        plural(summary.documents, "document", "documents"),
        summary.files,
        plural(summary.files, "file", "files"),
        summary.skipped,
    ));
    out
}

/// `n` things as a sentence says it: "no errors", "1 error", "2 errors"; "no info" (issue 12).
pub fn counted(n: usize, one: &str, many: &str) -> String {
    match n {
        0 if one == "info" => "no info".to_string(),
        0 => format!("no {many}"),
        1 => format!("1 {one}"),
        _ => format!("{n} {many}"),
    }
}

pub fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}
