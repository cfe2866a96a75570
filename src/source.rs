//! A file's text and the arithmetic of positions in it.
//!
//! Spans are byte ranges into the file as read. Users see 1-based lines and columns counted in
//! characters (the CONTRACT), so every conversion goes through [`SourceFile::line_col`].

use std::sync::Arc;

pub mod secrets;

/// A byte range `[start, end)` in a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub const fn new(start: usize, end: usize) -> Self {
        Self { start, end }
    }

    pub const fn len(self) -> usize {
        self.end.saturating_sub(self.start)
    }

    pub const fn is_empty(self) -> bool {
        self.len() == 0
    }
}

impl From<Span> for miette::SourceSpan {
    fn from(span: Span) -> Self {
        (span.start, span.len()).into()
    }
}

/// A value together with where it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

/// One input file: its name as the user should read it, and its text.
///
/// The text is shared (`Arc`) because findings hand it to miette for rendering long after the
/// linter is done with the file.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub name: String,
    pub text: Arc<str>,
    line_starts: Vec<usize>,
    /// Per line: whether it is all ASCII, so that its columns are byte offsets.
    ascii_lines: Vec<bool>,
    /// In lines that are not ASCII, the column of every [`CHECKPOINT_STRIDE`]-th byte or so,
    /// sorted by offset: a column is then counted from the nearest checkpoint, not from the
    /// start of a line that may be megabytes long.
    checkpoints: Vec<Checkpoint>,
    /// The values of secret-looking keys, found once, when a snippet first needs them.
    secrets: std::sync::OnceLock<Vec<Span>>,
}

/// A character boundary in a line that is not ASCII, and its 0-based column.
#[derive(Debug, Clone, Copy)]
struct Checkpoint {
    offset: usize,
    column: usize,
}

/// Bytes between checkpoints: a column costs at most this many bytes of counting.
const CHECKPOINT_STRIDE: usize = 256;

impl SourceFile {
    pub fn new(name: impl Into<String>, text: impl Into<Arc<str>>) -> Self {
        let text: Arc<str> = text.into();
        let line_starts: Vec<usize> = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        let mut ascii_lines = Vec::with_capacity(line_starts.len());
        let mut checkpoints = Vec::new();
        for (i, &start) in line_starts.iter().enumerate() {
            let end = line_starts.get(i + 1).copied().unwrap_or(text.len());
            let line = text.get(start..end).unwrap_or_default();
            let ascii = line.is_ascii();
            ascii_lines.push(ascii);
            if !ascii {
                let mut last = 0;
                for (column, (at, _)) in line.char_indices().enumerate() {
                    if at - last >= CHECKPOINT_STRIDE {
                        checkpoints.push(Checkpoint {
                            offset: start + at,
                            column,
                        });
                        last = at;
                    }
                }
            }
        }
        Self {
            name: name.into(),
            text,
            line_starts,
            ascii_lines,
            checkpoints,
            secrets: std::sync::OnceLock::new(),
        }
    }

    /// 1-based line and 1-based column in characters of a byte offset (clamped to the text).
    ///
    /// Constant time on an ASCII line, and at most [`CHECKPOINT_STRIDE`] bytes of counting on
    /// another: the line and column of every finding take linear time in all.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(&self.text, offset.min(self.text.len()));
        let line = self.line_index(offset);
        let line_start = self.line_starts.get(line).copied().unwrap_or(0);
        (line + 1, self.column_in_line(line, line_start, offset) + 1)
    }

    /// The 0-based index of the line that holds `offset`.
    pub fn line_index(&self, offset: usize) -> usize {
        self.line_starts
            .partition_point(|&start| start <= offset)
            .saturating_sub(1)
    }

    /// How many lines the text has (a final newline starts an empty last line).
    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// The byte range of a line (0-based), without its line break (`\n` or `\r\n`).
    pub fn line_span(&self, line: usize) -> Span {
        let start = self.line_starts.get(line).copied().unwrap_or(self.text.len());
        let mut end = self.line_starts.get(line + 1).map_or(self.text.len(), |next| next - 1);
        if end > start && self.text.as_bytes().get(end - 1) == Some(&b'\r') {
            end -= 1;
        }
        Span::new(start, end.max(start))
    }

    /// The number of characters in a line (0-based), without its line break.
    pub fn line_chars(&self, line: usize) -> usize {
        let span = self.line_span(line);
        self.column_in_line(line, span.start, span.end)
    }

    /// The values of secret-looking keys (`"password": "…"`), which no snippet may show.
    pub fn secret_values(&self) -> &[Span] {
        self.secrets.get_or_init(|| secrets::scan(&self.text))
    }

    /// 0-based column of `offset` (a char boundary) in the line that starts at `line_start`.
    fn column_in_line(&self, line: usize, line_start: usize, offset: usize) -> usize {
        if self.ascii_lines.get(line).copied().unwrap_or(false) {
            return offset - line_start;
        }
        let nearest = self.checkpoints.partition_point(|c| c.offset <= offset);
        let (from, column) = match nearest.checked_sub(1).and_then(|i| self.checkpoints.get(i)) {
            Some(checkpoint) if checkpoint.offset >= line_start => (checkpoint.offset, checkpoint.column),
            _ => (line_start, 0),
        };
        column + self.text.get(from..offset).map_or(0, |s| s.chars().count())
    }
}

/// The largest char boundary not after `offset`.
pub fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters_not_bytes() {
        let file = SourceFile::new("t", "{\n  \"é\": \"x\"\n}");
        // The `:` after `"é"` is the 6th character of line 2, but its 7th byte.
        let colon = file.text.find(':').unwrap_or_default();
        assert_eq!(file.line_col(colon), (2, 6));
        assert_eq!(file.line_col(0), (1, 1));
        assert_eq!(file.line_col(file.text.len()), (3, 2));
    }

    #[test]
    fn line_col_of_long_lines_agrees_with_counting_from_the_line_start() {
        let line = "aé中\u{1F600}x".repeat(300);
        let text = format!("{line}\r\n{}\n{line}", "ascii ".repeat(100));
        let file = SourceFile::new("t", text.as_str());
        for (offset, _) in text.char_indices().chain([(text.len(), ' ')]) {
            let line_start = text.get(..offset).and_then(|s| s.rfind('\n')).map_or(0, |i| i + 1);
            let line = text.get(..offset).map_or(0, |s| s.matches('\n').count()) + 1;
            let column = text.get(line_start..offset).map_or(0, |s| s.chars().count()) + 1;
            assert_eq!(file.line_col(offset), (line, column), "offset {offset}");
        }
        assert_eq!(file.line_chars(0), 1500);
        assert_eq!(file.line_span(0).end, text.find('\r').unwrap_or_default());
        assert_eq!(file.line_chars(1), 600);
    }
}
