//! RAM wildcards: `*` matches any run of characters (none too), `?` exactly one; nothing else is
//! special. A tiny dedicated type, not a regex and not a glob: `glob` treats `[` and `/`
//! specially, and a backtracking matcher explodes on patterns like `*a*a*a…b`.
//!
//! A pattern is compiled once into literal chunks between the stars. Matching places the first
//! chunk at the start, the last at the end, and every middle chunk at its leftmost place after
//! the one before — leftmost placement never loses a match. A chunk without `?` is found with
//! `str::find` (the Two-Way algorithm, linear), so matching is O(pattern + text); a chunk with
//! `?` is compared position by position, O(text × chunk) at worst.

/// One run of the pattern between stars, where `?` stands for any one character: a range of
/// the pattern's text, so that compiling a pattern allocates twice, whatever its stars.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Chunk {
    start: usize,
    end: usize,
    /// Its length in characters.
    chars: usize,
    /// Whether it has a `?`; without one, it is found with the linear `str::find`.
    has_question: bool,
}

impl Chunk {
    /// Whether `chunk` (this chunk's text) matches `text` exactly (same number of characters).
    fn matches_exactly(self, chunk: &str, text: &str) -> bool {
        if !self.has_question {
            return chunk == text;
        }
        let mut got = text.chars();
        for want in chunk.chars() {
            match got.next() {
                None => return false,
                Some(c) if want != '?' && c != want => return false,
                Some(_) => {}
            }
        }
        got.next().is_none()
    }

    /// The byte range of the leftmost match of `chunk` in `text`.
    fn find(self, chunk: &str, text: &str) -> Option<(usize, usize)> {
        if !self.has_question {
            return text.find(chunk).map(|at| (at, at + chunk.len()));
        }
        for (start, _) in text.char_indices() {
            let rest = text.get(start..)?;
            let end = rest
                .char_indices()
                .nth(self.chars)
                .map_or(text.len(), |(i, _)| start + i);
            let window = text.get(start..end)?;
            if window.chars().count() == self.chars && self.matches_exactly(chunk, window) {
                return Some((start, end));
            }
        }
        None
    }
}

/// A compiled wildcard pattern.
///
/// ```
/// use ramguard::eval::pattern::Pattern;
///
/// let delete_anything = Pattern::ignoring_case("kvstore:Delete*");
/// assert!(delete_anything.matches("kvstore:DeleteInstance"));
/// assert!(!delete_anything.matches("r-kvstore:DeleteInstance"));
/// // Resources match case-sensitively, and `?` is exactly one character.
/// assert!(Pattern::new("acs:kvstore:*:*:instance/r-????").matches("acs:kvstore:cn-hangzhou:1:instance/r-abcd"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    /// The pattern as written (lowercased when matching ignores case).
    source: String,
    /// The chunks between stars; one chunk means no star at all.
    chunks: Vec<Chunk>,
    /// Whether matching ignores ASCII case (actions).
    ignore_case: bool,
    /// Whether the pattern is ASCII (nearly all are): then a character is a byte.
    ascii: bool,
    /// Whether the pattern has a `?`.
    has_question: bool,
}

impl Pattern {
    /// A case-sensitive pattern (resources, `StringLike`).
    pub fn new(pattern: &str) -> Self {
        Self::build(pattern.to_string(), false)
    }

    /// A pattern that ignores ASCII case (actions: RAM matches them case-insensitively).
    pub fn ignoring_case(pattern: &str) -> Self {
        Self::build(pattern.to_ascii_lowercase(), true)
    }

    fn build(source: String, ignore_case: bool) -> Self {
        // A chunk ends at each star; only the wildcards are visited (found by a vector search),
        // and characters are counted byte by byte only past ASCII.
        let bytes = source.as_bytes();
        let ascii = source.is_ascii();
        let chars_in = |from: usize, to: usize| match bytes.get(from..to) {
            Some(run) if !ascii => run.iter().filter(|&&b| b & 0xC0 != 0x80).count(),
            _ => to - from,
        };
        let mut chunks = Vec::with_capacity(2);
        let (mut start, mut any_question, mut question_in_chunk) = (0, false, false);
        for at in memchr::memchr2_iter(b'*', b'?', bytes) {
            if bytes.get(at) == Some(&b'?') {
                (any_question, question_in_chunk) = (true, true);
                continue;
            }
            chunks.push(Chunk {
                start,
                end: at,
                chars: chars_in(start, at),
                has_question: question_in_chunk,
            });
            (start, question_in_chunk) = (at + 1, false);
        }
        chunks.push(Chunk {
            start,
            end: bytes.len(),
            chars: chars_in(start, bytes.len()),
            has_question: question_in_chunk,
        });
        Self {
            source,
            chunks,
            ignore_case,
            ascii,
            has_question: any_question,
        }
    }

    /// The pattern as compiled (lowercased when it ignores case).
    pub fn as_str(&self) -> &str {
        &self.source
    }

    fn text(&self, chunk: Chunk) -> &str {
        self.source.get(chunk.start..chunk.end).unwrap_or("")
    }

    /// `*` alone: matches everything.
    pub fn is_match_all(&self) -> bool {
        self.source == "*"
    }

    pub fn has_wildcard(&self) -> bool {
        self.chunks.len() > 1 || self.chunks.iter().any(|c| c.has_question)
    }

    pub fn matches(&self, text: &str) -> bool {
        if self.ignore_case && crate::ascii::has_uppercase(text) {
            return self.matches_folded(&text.to_ascii_lowercase());
        }
        self.matches_folded(text)
    }

    /// `matches` for a text the caller has already lowercased (ASCII): no allocation, for hot
    /// loops that test one action against many patterns.
    pub fn matches_lowercased(&self, lowercased: &str) -> bool {
        self.matches_folded(lowercased)
    }

    fn matches_folded(&self, text: &str) -> bool {
        // Bytes are characters when both are ASCII. Without a `?` (one character, however many
        // bytes) they give the same answer whatever the text holds: an ASCII pattern's literal
        // parts can only meet a UTF-8 text at character boundaries.
        if self.ascii && (!self.has_question || text.is_ascii()) {
            return self.matches_ascii(text.as_bytes());
        }
        self.matches_chars(text)
    }

    /// The same algorithm on bytes, where a character is a byte: the common case, without
    /// counting characters.
    fn matches_ascii(&self, text: &[u8]) -> bool {
        let source = self.source.as_bytes();
        let chunk = |c: Chunk| source.get(c.start..c.end).unwrap_or_default();
        let exactly = |c: Chunk, got: &[u8]| {
            let want = chunk(c);
            if !c.has_question {
                return want == got;
            }
            want.len() == got.len() && want.iter().zip(got).all(|(w, g)| *w == b'?' || w == g)
        };
        let (&first, rest) = match self.chunks.split_first() {
            Some(split) => split,
            None => return text.is_empty(),
        };
        let Some((&last, middle)) = rest.split_last() else {
            return exactly(first, text);
        };
        let (head, tail) = (first.end - first.start, last.end - last.start);
        if head + tail > text.len() || !exactly(first, &text[..head]) || !exactly(last, &text[text.len() - tail..]) {
            return false;
        }
        let mut rest = &text[head..text.len() - tail];
        for &c in middle {
            let want = chunk(c);
            // A chunk with a `?` is never empty, so `windows` has a width.
            let found = if c.has_question {
                rest.windows(want.len()).position(|w| exactly(c, w))
            } else {
                memmem(rest, want)
            };
            match found {
                Some(at) => rest = &rest[at + want.len()..],
                None => return false,
            }
        }
        true
    }

    fn matches_chars(&self, text: &str) -> bool {
        let (&first, rest) = match self.chunks.split_first() {
            Some(split) => split,
            None => return text.is_empty(),
        };
        let Some((&last, middle)) = rest.split_last() else {
            return first.matches_exactly(self.text(first), text); // no star
        };
        // The first chunk takes the start, the last the end, without overlapping.
        let Some(after_first) = char_offset(text, first.chars) else {
            return false;
        };
        if !first.matches_exactly(self.text(first), text.get(..after_first).unwrap_or("")) {
            return false;
        }
        let total = text.chars().count();
        let Some(before_last) = total.checked_sub(last.chars).and_then(|n| char_offset(text, n)) else {
            return false;
        };
        if before_last < after_first || !last.matches_exactly(self.text(last), text.get(before_last..).unwrap_or("")) {
            return false;
        }
        let mut rest = text.get(after_first..before_last).unwrap_or("");
        for &chunk in middle {
            match chunk.find(self.text(chunk), rest) {
                Some((_, end)) => rest = rest.get(end..).unwrap_or(""),
                None => return false,
            }
        }
        true
    }
}

/// Whether `pattern`, ignoring ASCII case, matches `lowercased` (a text already in ASCII
/// lowercase): what `Pattern::ignoring_case(pattern).matches_lowercased(lowercased)` answers,
/// without compiling the pattern (no allocation), for rules that ask whether an entry of the
/// model names one action. The classic walk that returns to the last star: O(pattern × text) at
/// worst, meant for a short text (an action). Text past ASCII goes through [`Pattern`], where a
/// character is not a byte.
pub fn matches_ignoring_case(pattern: &str, lowercased: &str) -> bool {
    let (bytes, text) = (pattern.as_bytes(), lowercased.as_bytes());
    // The literal head, up to the first wildcard, is compared byte for byte (folded) on its
    // own: most calls ask about another action named in full, and end at its first letter or
    // after the service, without scanning for wildcards first.
    let head = bytes
        .iter()
        .zip(text)
        .take_while(|&(&want, &got)| want != b'*' && want != b'?' && want.to_ascii_lowercase() == got)
        .count();
    match bytes.get(head) {
        None => return head == text.len(), // no wildcard at all
        Some(b'*' | b'?') => {}
        Some(_) => return false, // a letter that differs, or the text ended first
    }
    if !pattern.is_ascii() || !lowercased.is_ascii() {
        return Pattern::ignoring_case(pattern).matches_lowercased(lowercased);
    }
    let (pattern, text) = (bytes, text);
    if !pattern.contains(&b'*') {
        // Only `?`s: one character for one.
        return pattern.len() == text.len()
            && pattern
                .iter()
                .zip(text)
                .all(|(&want, &got)| want == b'?' || want.to_ascii_lowercase() == got);
    }
    let (mut p, mut t) = (0, 0);
    // Where to resume after the last star: the pattern past it, and the text it last took to.
    let mut star: Option<(usize, usize)> = None;
    while let Some(&got) = text.get(t) {
        match pattern.get(p) {
            Some(b'*') => {
                p += 1;
                star = Some((p, t));
            }
            Some(&want) if want == b'?' || want.to_ascii_lowercase() == got => {
                p += 1;
                t += 1;
            }
            _ => match star {
                // The star takes one more character, and the rest is tried again.
                Some((after, took)) => {
                    p = after;
                    t = took + 1;
                    star = Some((after, took + 1));
                }
                None => return false,
            },
        }
    }
    pattern.get(p..).unwrap_or_default().iter().all(|&b| b == b'*')
}

/// The longest text [`memmem`] searches by trying every place: at most this many comparisons of
/// the needle, so a pattern still matches in time linear in its length.
const SHORT_TEXT: usize = 64;

/// The first place `needle` stands in `haystack` (through `str::find`'s Two-Way search when both
/// are UTF-8, which ASCII is).
fn memmem(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() {
        return Some(0);
    }
    // In the short texts policies match (an ARN, an action), trying every place costs less
    // than setting the Two-Way search up; past this length, Two-Way keeps matching linear.
    if haystack.len() <= SHORT_TEXT {
        let (&first, rest) = needle.split_first()?;
        let last_start = haystack.len().checked_sub(needle.len())?;
        return (0..=last_start)
            .find(|&at| haystack.get(at) == Some(&first) && haystack.get(at + 1..at + needle.len()) == Some(rest));
    }
    match (std::str::from_utf8(haystack), std::str::from_utf8(needle)) {
        (Ok(h), Ok(n)) => h.find(n),
        _ => None,
    }
}

/// The byte offset of the `n`th character (the end of the text when `n` is its length).
fn char_offset(text: &str, n: usize) -> Option<usize> {
    if n == 0 {
        return Some(0);
    }
    match text.char_indices().nth(n) {
        Some((at, _)) => Some(at),
        None if text.chars().count() == n => Some(text.len()),
        None => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(pattern: &str, text: &str) -> bool {
        Pattern::new(pattern).matches(text)
    }

    /// The definition, by brute force, to check the matcher against.
    fn reference(pattern: &[char], text: &[char]) -> bool {
        match pattern.split_first() {
            None => text.is_empty(),
            Some(('*', rest)) => (0..=text.len()).any(|i| reference(rest, &text[i..])),
            Some((&c, rest)) => text
                .split_first()
                .is_some_and(|(&t, tail)| (c == '?' || c == t) && reference(rest, tail)),
        }
    }

    #[test]
    fn basics() {
        assert!(m("*", ""));
        assert!(m("*", "anything"));
        assert!(m("kvstore:*", "kvstore:DeleteInstance"));
        assert!(!m("kvstore:*", "r-kvstore:DeleteInstance"));
        assert!(m("kvstore:Describe*", "kvstore:DescribeInstances"));
        assert!(m("*Instance", "kvstore:DeleteInstance"));
        assert!(m("kvstore:*Instance*", "kvstore:DeleteInstance"));
        assert!(m("a?c", "abc"));
        assert!(!m("a?c", "ac"));
        assert!(m("a*a", "aa"));
        assert!(!m("a*a", "a"));
        assert!(m("ab*b?d*", "abbxd"));
        assert!(m("é?*", "éü"));
        assert!(!m("kvstore:deleteinstance", "kvstore:DeleteInstance"));
        assert!(Pattern::ignoring_case("kvstore:deleteinstance").matches("kvstore:DeleteInstance"));
        assert!(Pattern::ignoring_case("KVSTORE:Delete*").matches("kvstore:deleteINSTANCE"));
        assert!(m("[abc]", "[abc]"), "brackets are literal");
    }

    /// Every pattern of up to 4 symbols over `alphabet`.
    fn every_pattern(alphabet: &[char]) -> Vec<String> {
        let mut patterns = vec![String::new()];
        for _ in 0..4 {
            let longer: Vec<String> = patterns
                .iter()
                .flat_map(|p| alphabet.iter().map(move |c| format!("{p}{c}")))
                .collect();
            patterns.extend(longer);
        }
        patterns
    }

    #[test]
    fn agrees_with_the_definition() {
        let alphabet = ['a', 'b', '*', '?'];
        // Non-ASCII texts too: an ASCII pattern without `?` matches them byte by byte.
        let texts = [
            "", "a", "b", "ab", "ba", "aab", "abab", "bbba", "abba", "aaaa", "é", "aé", "éb", "aéb", "éaé", "ab中",
            "中中",
        ];
        let patterns = every_pattern(&alphabet);
        for pattern in &patterns {
            let p: Vec<char> = pattern.chars().collect();
            for text in texts {
                let t: Vec<char> = text.chars().collect();
                assert_eq!(m(pattern, text), reference(&p, &t), "{pattern:?} on {text:?}");
            }
        }
    }

    #[test]
    fn matching_without_compiling_agrees_with_the_compiled_pattern() {
        let alphabet = ['a', 'B', '*', '?', 'é'];
        let texts = [
            "",
            "a",
            "b",
            "ab",
            "ba",
            "aab",
            "abab",
            "bbba",
            "abba",
            "aaaa",
            "éa",
            "aé",
            "kvstore:deleteinstance",
        ];
        let mut patterns = every_pattern(&alphabet);
        patterns.extend(
            [
                "KVSTORE:Delete*",
                "kvstore:*Instance",
                "*:delete?nstance",
                "kvstore:DeleteInstance",
            ]
            .map(String::from),
        );
        for pattern in &patterns {
            let compiled = Pattern::ignoring_case(pattern);
            for text in texts {
                assert_eq!(
                    matches_ignoring_case(pattern, text),
                    compiled.matches_lowercased(text),
                    "{pattern:?} on {text:?}"
                );
            }
        }
    }

    #[test]
    fn pathological_patterns_answer_in_milliseconds() {
        let pattern = "*a".repeat(2_000) + "b";
        let text = "a".repeat(5_000);
        let started = std::time::Instant::now();
        assert!(!m(&pattern, &text));
        assert!(m(&"*a".repeat(2_000), &text));
        let with_questions = "*?a".repeat(1_300) + "b";
        assert!(!m(&with_questions, &text));
        assert!(started.elapsed().as_millis() < 100, "took {:?}", started.elapsed());
    }
}
