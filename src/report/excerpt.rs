//! The part of a file one snippet shows, made safe to print, as miette's source code.
//!
//! miette is handed an excerpt, never the whole file:
//!
//! - only the lines around the labels (one line of context, as miette shows), with their true
//!   line numbers and the true column of the primary label in the header, so that a snippet
//!   costs the size of what it shows, not of the file (100,000 findings on one line of a
//!   megabyte would otherwise be rendered against a megabyte each);
//! - a line longer than [`LONG_LINE`] characters is clipped to [`MARGIN`] characters around
//!   each label's start and end, with `…` where text was left out: miette cannot draw a label
//!   past column 65,535 (it panics), and nobody can read such a line anyway;
//! - the value of a secret-looking key (see [`crate::source::secrets`]) is shown as
//!   `********`, whatever its length, and a label that points into one says so;
//! - every character a terminal would obey rather than show is escaped (see [`super::escape`]).
//!
//! Ordinary lines (up to [`LONG_LINE`] characters, no secret, no control character) are shown
//! exactly as they are.

use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};

use super::escape;
use crate::source::{SourceFile, Span, floor_char_boundary};

/// Lines longer than this, in characters, are clipped around the labels.
pub const LONG_LINE: usize = 240;
/// Characters kept on each side of a label's start and end in a clipped line.
pub const MARGIN: usize = 60;
/// Lines of context above and below a label, as miette's own default.
const CONTEXT: usize = 1;
/// miette draws two labels' lines in one box, with the lines between, when the first box's top
/// line number plus its bottom line number reaches the second's top (its own rule, kept so
/// that ordinary snippets look as they always did); never across more than this many lines,
/// so that a label far from its related one does not show the whole file between them.
const GAP: usize = 20;
/// Windows of a clipped line closer than this (in bytes) are joined rather than cut by `…`.
const JOIN: usize = 16;
/// What a secret value is shown as: its length is not given away.
pub const MASK: &str = "********";
/// Where a clipped line leaves text out.
pub const ELLIPSIS: char = '…';
/// Added to a label that points into a secret value.
pub const SECRET_NOTE: &str = "(the value of a secret-looking key is hidden)";

/// The shown lines of a file, as miette reads them.
#[derive(Debug)]
pub struct Excerpt {
    name: String,
    text: String,
    lines: Vec<ShownLine>,
    /// The true place of each label's start, for the `[file:line:column]` header.
    anchors: Vec<Anchor>,
}

/// One line of the file in the excerpt: its 0-based number in the file, and where its text
/// stands in the excerpt (`end` is the offset of its `\n`).
#[derive(Debug, Clone, Copy)]
struct ShownLine {
    line: usize,
    start: usize,
    end: usize,
}

#[derive(Debug, Clone, Copy)]
struct Anchor {
    offset: usize,
    line: usize,
    column: usize,
}

/// A label, moved into the excerpt.
#[derive(Debug, Clone)]
pub struct Label {
    pub span: SourceSpan,
    pub text: String,
}

impl Excerpt {
    /// The excerpt of `source` that shows `labels` (byte spans into the file), and the labels
    /// moved into it.
    pub fn new(source: &SourceFile, labels: &[(Span, String)]) -> (Self, Vec<Label>) {
        let text = &source.text;
        let spans: Vec<Span> = labels
            .iter()
            .map(|(span, _)| {
                let start = floor_char_boundary(text, span.start.min(text.len()));
                let end = floor_char_boundary(text, span.end.min(text.len())).max(start);
                Span::new(start, end)
            })
            .collect();
        let mut points: Vec<usize> = spans.iter().flat_map(|s| [s.start, s.end]).collect();
        points.sort_unstable();
        points.dedup();

        let mut builder = Builder {
            source,
            secrets: source.secret_values(),
            text: String::new(),
            lines: Vec::new(),
            mapped: Vec::new(),
        };
        for (first, last) in shown_lines(source, &spans) {
            for line in first..=last {
                builder.line(line, &points);
            }
        }

        let mut anchors = Vec::with_capacity(spans.len());
        let moved = spans
            .iter()
            .zip(labels)
            .map(|(span, (_, label))| {
                let start = builder.map(span.start, false);
                let end = builder.map(span.end, true).max(start);
                let (line, column) = source.line_col(span.start);
                anchors.push(Anchor {
                    offset: start,
                    line: line - 1,
                    column: column - 1,
                });
                let mut text = escape::line(label).into_owned();
                if builder.touches_secret(*span) {
                    if !text.is_empty() {
                        text.push(' ');
                    }
                    text.push_str(SECRET_NOTE);
                }
                Label {
                    span: SourceSpan::new(start.into(), end - start),
                    text,
                }
            })
            .collect();
        let excerpt = Self {
            name: escape::line(&source.name).into_owned(),
            text: builder.text,
            lines: builder.lines,
            anchors,
        };
        (excerpt, moved)
    }

    /// The index of the shown line that holds excerpt offset `offset`.
    fn line_at(&self, offset: usize) -> Option<usize> {
        self.lines.partition_point(|l| l.start <= offset).checked_sub(1)
    }

    /// Whether two neighbouring shown lines are neighbours in the file too.
    fn adjacent(&self, upper: usize) -> bool {
        match (self.lines.get(upper), self.lines.get(upper + 1)) {
            (Some(a), Some(b)) => a.line + 1 == b.line,
            _ => false,
        }
    }
}

/// The ranges of lines (0-based, inclusive) to show: each label's lines with their context,
/// joined where they touch, or where miette would draw them in one box (see [`GAP`]).
fn shown_lines(source: &SourceFile, spans: &[Span]) -> Vec<(usize, usize)> {
    // A final line break ends the last line; the empty "line" after it is shown only when a
    // label stands there (the end of the file), as miette shows it.
    let lines = source.line_count();
    let last_line = lines.saturating_sub(if source.text.ends_with('\n') { 2 } else { 1 });
    let mut ranges: Vec<(usize, usize)> = spans
        .iter()
        .map(|span| {
            let first = source.line_index(span.start);
            let last = source.line_index(if span.is_empty() { span.start } else { span.end - 1 });
            (first.saturating_sub(CONTEXT), (last + CONTEXT).min(last_line).max(last))
        })
        .collect();
    ranges.sort_unstable();
    let mut joined: Vec<(usize, usize)> = Vec::with_capacity(ranges.len());
    for (first, last) in ranges {
        match joined.last_mut() {
            Some(previous)
                if first <= previous.1 + 1
                    || (first <= previous.0 + previous.1 + 1 && first <= previous.1 + 1 + GAP) =>
            {
                previous.1 = previous.1.max(last)
            }
            _ => joined.push((first, last)),
        }
    }
    joined
}

struct Builder<'a> {
    source: &'a SourceFile,
    secrets: &'a [Span],
    text: String,
    lines: Vec<ShownLine>,
    /// A label's start or end in the file → its offset in the excerpt, before and after a mask
    /// that hides it (the same offset when no mask does). Sorted by the file offset.
    mapped: Vec<(usize, usize, usize)>,
}

impl Builder<'_> {
    /// Write line `line` of the file into the excerpt, clipped if long, noting where the
    /// `points` that stand in it land.
    fn line(&mut self, line: usize, points: &[usize]) {
        let span = self.source.line_span(line);
        let from = points.partition_point(|&p| p < span.start);
        let to = points.partition_point(|&p| p <= span.end);
        let points = points.get(from..to).unwrap_or_default();
        let windows = if self.source.line_chars(line) <= LONG_LINE {
            vec![span]
        } else {
            self.windows(span, points)
        };
        let start = self.text.len();
        let mut pending = points.iter().copied().peekable();
        let mut at = span.start;
        for window in windows {
            if window.start > at {
                self.text.push(ELLIPSIS);
            }
            at = window.start;
            while at < window.end {
                while let Some(p) = pending.next_if(|&p| p <= at) {
                    self.mapped.push((p, self.text.len(), self.text.len()));
                }
                if let Some(secret) = self.secret_at(at) {
                    let before = self.text.len();
                    self.text.push_str(MASK);
                    while let Some(p) = pending.next_if(|&p| p < secret.end) {
                        self.mapped.push((p, before, self.text.len()));
                    }
                    at = secret.end;
                    continue;
                }
                let Some(c) = self.source.text.get(at..).and_then(|rest| rest.chars().next()) else {
                    break;
                };
                self.text.push_str(&escape::source_line(c.encode_utf8(&mut [0; 4])));
                at += c.len_utf8();
            }
            while let Some(p) = pending.next_if(|&p| p <= at) {
                self.mapped.push((p, self.text.len(), self.text.len()));
            }
        }
        if at < span.end {
            self.text.push(ELLIPSIS);
        }
        for p in pending {
            self.mapped.push((p, self.text.len(), self.text.len()));
        }
        self.lines.push(ShownLine {
            line,
            start,
            end: self.text.len(),
        });
        self.text.push('\n');
    }

    /// The parts of a long line to show: [`MARGIN`] characters around each point (or the
    /// line's head where no label stands), widened so as never to cut a secret, in order.
    fn windows(&self, line: Span, points: &[usize]) -> Vec<Span> {
        let text = &self.source.text;
        let mut windows: Vec<Span> = if points.is_empty() {
            vec![Span::new(line.start, forward(text, line.start, 2 * MARGIN, line.end))]
        } else {
            points
                .iter()
                .map(|&p| Span::new(back(text, p, MARGIN, line.start), forward(text, p, MARGIN, line.end)))
                .collect()
        };
        for window in &mut windows {
            if let Some(secret) = self.secret_around(window.start) {
                window.start = secret.start;
            }
            if let Some(secret) = self.secret_around(window.end) {
                window.end = secret.end;
            }
        }
        windows.sort_unstable();
        let mut joined: Vec<Span> = Vec::with_capacity(windows.len());
        for window in windows {
            match joined.last_mut() {
                Some(previous) if window.start <= previous.end + JOIN => {
                    previous.end = previous.end.max(window.end);
                }
                _ => joined.push(window),
            }
        }
        joined
    }

    /// The secret value that starts at `offset`.
    fn secret_at(&self, offset: usize) -> Option<Span> {
        let i = self.secrets.partition_point(|s| s.start < offset);
        self.secrets.get(i).copied().filter(|s| s.start == offset)
    }

    /// The secret value that strictly contains `offset`.
    fn secret_around(&self, offset: usize) -> Option<Span> {
        let i = self.secrets.partition_point(|s| s.end <= offset);
        self.secrets
            .get(i)
            .copied()
            .filter(|s| s.start < offset && offset < s.end)
    }

    /// Whether `span` shows any part of a secret value (an empty span: stands in one).
    fn touches_secret(&self, span: Span) -> bool {
        let i = self.secrets.partition_point(|s| s.end <= span.start);
        self.secrets.get(i).is_some_and(|s| {
            if span.is_empty() {
                s.start <= span.start
            } else {
                s.start < span.end
            }
        })
    }

    /// Where a label's start (or end, `is_end`) at file offset `offset` lands in the excerpt.
    fn map(&self, offset: usize, is_end: bool) -> usize {
        let i = self.mapped.partition_point(|m| m.0 < offset);
        if let Some(&(at, before, after)) = self.mapped.get(i)
            && at == offset
        {
            return if is_end { after } else { before };
        }
        // In a line break: the end of its line in the excerpt, past the `\n` for an end.
        let line = self.source.line_index(offset);
        let i = self.lines.partition_point(|l| l.line < line);
        match self.lines.get(i) {
            Some(shown) if shown.line == line => shown.end + usize::from(is_end),
            _ => self.text.len(),
        }
    }
}

/// The offset `count` characters before `offset`, not before `floor`.
fn back(text: &str, mut offset: usize, count: usize, floor: usize) -> usize {
    for _ in 0..count {
        match text.get(floor..offset).and_then(|s| s.chars().next_back()) {
            Some(c) => offset -= c.len_utf8(),
            None => break,
        }
    }
    offset
}

/// The offset `count` characters after `offset`, not after `ceiling`.
fn forward(text: &str, mut offset: usize, count: usize, ceiling: usize) -> usize {
    for _ in 0..count {
        match text.get(offset..ceiling).and_then(|s| s.chars().next()) {
            Some(c) => offset += c.len_utf8(),
            None => break,
        }
    }
    offset
}

impl SourceCode for Excerpt {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let start = span.offset();
        let end = start + span.len();
        let first = self.line_at(start).ok_or(MietteError::OutOfBounds)?;
        let last = self
            .line_at(if end > start { end - 1 } else { start })
            .ok_or(MietteError::OutOfBounds)?;
        // A span across a gap between shown lines would get wrong line numbers.
        if (first..last).any(|i| !self.adjacent(i)) {
            return Err(MietteError::OutOfBounds);
        }
        let mut from = first;
        for _ in 0..context_lines_before {
            if from > 0 && self.adjacent(from - 1) {
                from -= 1;
            }
        }
        let mut to = last;
        for _ in 0..context_lines_after {
            if self.adjacent(to) {
                to += 1;
            }
        }
        let (Some(top), Some(bottom)) = (self.lines.get(from), self.lines.get(to)) else {
            return Err(MietteError::OutOfBounds);
        };
        let data_end = (bottom.end + 1).min(self.text.len());
        let data = self.text.as_bytes().get(top.start..data_end).unwrap_or_default();
        let (line, column) = match self.anchors.iter().find(|a| a.offset == start) {
            Some(anchor) if context_lines_before == 0 => (anchor.line, anchor.column),
            _ => (top.line, 0),
        };
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            data,
            SourceSpan::new(top.start.into(), data.len()),
            line,
            column,
            // What miette's own reader counts (every line up to the bottom of the excerpt), and
            // its rule for drawing two labels in one box reads; a box across a gap between shown
            // lines is refused above.
            bottom.line + 1,
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn excerpt(text: &str, labels: &[(usize, usize)]) -> (Excerpt, Vec<Label>) {
        let source = SourceFile::new("f.json", text);
        let labels: Vec<(Span, String)> = labels
            .iter()
            .map(|&(s, e)| (Span::new(s, e), "here".to_string()))
            .collect();
        Excerpt::new(&source, &labels)
    }

    fn shown(excerpt: &Excerpt, label: &Label) -> String {
        let start = label.span.offset();
        excerpt
            .text
            .get(start..start + label.span.len())
            .unwrap_or("?")
            .to_string()
    }

    #[test]
    fn ordinary_lines_are_shown_as_they_are() {
        let text = "{\n  \"Action\": \"kvstore:Foo\",\n  \"x\": 1\n}\n";
        let at = text.find("kvstore").unwrap_or_default();
        let (excerpt, labels) = excerpt(text, &[(at, at + 11)]);
        assert_eq!(excerpt.text, "{\n  \"Action\": \"kvstore:Foo\",\n  \"x\": 1\n");
        assert_eq!(shown(&excerpt, &labels[0]), "kvstore:Foo");
    }

    #[test]
    fn long_lines_are_clipped_around_the_label() {
        let text = format!("{{\"a\": [{}\"kvstore:Bad\"]}}", "\"é\", ".repeat(20_000));
        let at = text.find("kvstore").unwrap_or_default();
        let (excerpt, labels) = excerpt(&text, &[(at, at + 11)]);
        assert!(excerpt.text.chars().count() < 2 * MARGIN + 20, "{}", excerpt.text);
        assert!(excerpt.text.starts_with(ELLIPSIS));
        assert_eq!(shown(&excerpt, &labels[0]), "kvstore:Bad");
        assert_eq!(excerpt.anchors[0].column, 8 + 5 * 20_000);
    }

    #[test]
    fn secrets_are_masked_and_a_label_in_one_says_so() {
        let text = "{\n  \"password\": \"hunter2\",\n  \"name\": \"x\"\n}";
        let at = text.find("hunter2").unwrap_or_default();
        let (excerpt, labels) = excerpt(text, &[(at + 2, at + 3)]);
        assert!(!excerpt.text.contains("hunter2"));
        assert!(excerpt.text.contains("\"password\": \"********\","));
        assert_eq!(shown(&excerpt, &labels[0]), MASK);
        assert!(labels[0].text.ends_with(SECRET_NOTE));
    }

    #[test]
    fn far_apart_labels_keep_their_line_numbers() {
        let text: String = (0..100).map(|i| format!("line {i}\n")).collect();
        let a = text.find("line 3\n").unwrap_or_default();
        let b = text.find("line 80").unwrap_or_default();
        let c = text.find("line 90").unwrap_or_default();
        let (excerpt, _) = excerpt(&text, &[(a, a + 4), (b, b + 4), (c, c + 4)]);
        let numbers: Vec<usize> = excerpt.lines.iter().map(|l| l.line).collect();
        assert_eq!(numbers, [2, 3, 4, 79, 80, 81, 82, 83, 84, 85, 86, 87, 88, 89, 90, 91]);
        // miette may not read across the gap.
        assert!(
            excerpt
                .read_span(&SourceSpan::new(0.into(), excerpt.text.len()), 0, 0)
                .is_err()
        );
    }
}
