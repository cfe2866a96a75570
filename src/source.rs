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
    /// Where lines start, found the first time a position is asked for: most files linted in a
    /// run are clean and never need it, and a large file's index is not held while its tree
    /// and model are (issue 13's memory aim).
    lines: std::sync::OnceLock<LineIndex>,
    /// The values of secret-looking keys, found once, when a snippet first needs them.
    secrets: std::sync::OnceLock<Vec<Span>>,
}

/// The arithmetic of lines in one text.
#[derive(Debug, Clone)]
struct LineIndex {
    starts: LineStarts,
    /// The indices of the lines that are not all ASCII, sorted (none, in most files): in every
    /// other line a column is a byte offset.
    non_ascii_lines: Vec<usize>,
    /// In lines that are not ASCII, the column of every [`CHECKPOINT_STRIDE`]-th byte or so,
    /// sorted by offset: a column is then counted from the nearest checkpoint, not from the
    /// start of a line that may be megabytes long.
    checkpoints: Vec<Checkpoint>,
}

/// The byte offset where each line starts: 4 bytes a line for any text under 4 GiB.
#[derive(Debug, Clone)]
enum LineStarts {
    Narrow(Vec<u32>),
    Wide(Vec<usize>),
}

impl LineStarts {
    fn of(text: &str) -> Self {
        let bytes = text.as_bytes();
        // Counted first, so that the list is made at its size (a 20 MB policy has ~500,000
        // lines); both passes are `memchr`'s vectorised search.
        let lines = memchr::memchr_iter(b'\n', bytes).count() + 1;
        match u32::try_from(text.len()) {
            Ok(_) => {
                let mut starts = Vec::with_capacity(lines);
                starts.push(0);
                starts.extend(memchr::memchr_iter(b'\n', bytes).map(|at| u32::try_from(at + 1).unwrap_or(u32::MAX)));
                Self::Narrow(starts)
            }
            Err(_) => {
                let mut starts = Vec::with_capacity(lines);
                starts.push(0);
                starts.extend(memchr::memchr_iter(b'\n', bytes).map(|at| at + 1));
                Self::Wide(starts)
            }
        }
    }

    fn len(&self) -> usize {
        match self {
            Self::Narrow(starts) => starts.len(),
            Self::Wide(starts) => starts.len(),
        }
    }

    fn get(&self, line: usize) -> Option<usize> {
        match self {
            Self::Narrow(starts) => starts.get(line).map(|&s| s as usize),
            Self::Wide(starts) => starts.get(line).copied(),
        }
    }

    /// How many lines start at or before `offset`.
    fn starting_by(&self, offset: usize) -> usize {
        match self {
            Self::Narrow(starts) => starts.partition_point(|&start| start as usize <= offset),
            Self::Wide(starts) => starts.partition_point(|&start| start <= offset),
        }
    }
}

/// A character boundary in a line that is not ASCII, and its 0-based column.
#[derive(Debug, Clone, Copy)]
struct Checkpoint {
    offset: usize,
    column: usize,
}

/// Bytes between checkpoints: a column costs at most this many bytes of counting.
const CHECKPOINT_STRIDE: usize = 256;

impl LineIndex {
    fn of(text: &str) -> Self {
        let starts = LineStarts::of(text);
        let mut non_ascii_lines = Vec::new();
        let mut checkpoints = Vec::new();
        // Most texts are ASCII throughout: one vectorised test settles every line at once.
        if !text.is_ascii() {
            for line in 0..starts.len() {
                let start = starts.get(line).unwrap_or(0);
                let end = starts.get(line + 1).unwrap_or(text.len());
                let Some(text_of_line) = text.get(start..end).filter(|l| !l.is_ascii()) else {
                    continue;
                };
                non_ascii_lines.push(line);
                let mut last = 0;
                for (column, (at, _)) in text_of_line.char_indices().enumerate() {
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
            starts,
            non_ascii_lines,
            checkpoints,
        }
    }
}

impl SourceFile {
    pub fn new(name: impl Into<String>, text: impl Into<Arc<str>>) -> Self {
        Self {
            name: name.into(),
            text: text.into(),
            lines: std::sync::OnceLock::new(),
            secrets: std::sync::OnceLock::new(),
        }
    }

    fn lines(&self) -> &LineIndex {
        self.lines.get_or_init(|| LineIndex::of(&self.text))
    }

    /// 1-based line and 1-based column in characters of a byte offset (clamped to the text).
    ///
    /// Constant time on an ASCII line, and at most [`CHECKPOINT_STRIDE`] bytes of counting on
    /// another: the line and column of every finding take linear time in all.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(&self.text, offset.min(self.text.len()));
        let line = self.line_index(offset);
        let line_start = self.lines().starts.get(line).unwrap_or(0);
        (line + 1, self.column_in_line(line, line_start, offset) + 1)
    }

    /// The 0-based index of the line that holds `offset`.
    pub fn line_index(&self, offset: usize) -> usize {
        self.lines().starts.starting_by(offset).saturating_sub(1)
    }

    /// How many lines the text has (a final newline starts an empty last line).
    pub fn line_count(&self) -> usize {
        self.lines().starts.len()
    }

    /// The byte range of a line (0-based), without its line break (`\n` or `\r\n`).
    pub fn line_span(&self, line: usize) -> Span {
        let starts = &self.lines().starts;
        let start = starts.get(line).unwrap_or(self.text.len());
        let mut end = starts.get(line + 1).map_or(self.text.len(), |next| next - 1);
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
        let lines = self.lines();
        if lines.non_ascii_lines.binary_search(&line).is_err() {
            return offset - line_start;
        }
        let nearest = lines.checkpoints.partition_point(|c| c.offset <= offset);
        let (from, column) = match nearest.checked_sub(1).and_then(|i| lines.checkpoints.get(i)) {
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

    /// A line starts at the text's start and after every `\n`, and nowhere else (`\r\n`, text
    /// past ASCII and an empty last line included), as std's own search finds them.
    #[test]
    fn every_line_starts_after_a_newline() {
        for text in ["", "\n", "a", "a\n", "\n\n", "{\n  \"é\": 1\r\n}\n", &"x\n".repeat(40)] {
            let expected: Vec<usize> = std::iter::once(0)
                .chain(text.match_indices('\n').map(|(at, _)| at + 1))
                .collect();
            let starts = LineStarts::of(text);
            let found: Vec<usize> = (0..starts.len()).filter_map(|line| starts.get(line)).collect();
            assert_eq!(found, expected, "{text:?}");
        }
    }

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
