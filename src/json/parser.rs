//! The one pass over the bytes: RFC 8259 exactly, with the byte span of every key and value.
//!
//! Written here rather than taken from a crate because no maintained parser gives all of what a
//! policy linter needs in one pass: spans, duplicate keys kept (serde_json merges them), strict
//! grammar (jsonc-parser is lenient about escapes and surrogates), a depth limit that is an error
//! and not a stack overflow, and messages that name the slip (a trailing comma, a comment, a
//! single quote). `tests/json_differential.rs` holds it to serde_json: the same texts accepted,
//! the same values read.

use std::borrow::Cow;

use super::{Member, Node, SyntaxError, Value};
use crate::source::Span;

/// How deep objects and arrays may nest; real policies use 5. serde_json refuses its 128th
/// level, so this is 127: a text one accepts the other accepts too.
pub const MAX_DEPTH: usize = 127;

/// Where the run of plain string bytes from `at` ends: at the first quote, backslash or raw
/// control character, or where fewer than eight bytes are left (the caller's byte loop then
/// decides). Eight bytes at a time, as serde_json scans: string tokens are most of a policy's
/// bytes.
fn plain_run_end(bytes: &[u8], mut at: usize) -> usize {
    const ONES: u64 = u64::from_le_bytes([0x01; 8]);
    const HIGHS: u64 = u64::from_le_bytes([0x80; 8]);
    // Bit 7 of each byte of the result is set where the byte of `word` is zero. A borrow may
    // also mark bytes after the first such one, never before it: the lowest mark is exact.
    let zero_bytes = |word: u64| word.wrapping_sub(ONES) & !word & HIGHS;
    while let Some(chunk) = bytes.get(at..at + 8) {
        let word = u64::from_le_bytes(chunk.try_into().unwrap_or_default());
        let quote = zero_bytes(word ^ (ONES * u64::from(b'"')));
        let backslash = zero_bytes(word ^ (ONES * u64::from(b'\\')));
        // Below 0x20: `byte - 0x20` sets the high bit, and `!word` keeps bytes of 0x80 and
        // more out.
        let control = word.wrapping_sub(ONES * 0x20) & !word & HIGHS;
        let stops = quote | backslash | control;
        if stops != 0 {
            // Little-endian: the first byte of the chunk is the lowest.
            return at + (stops.trailing_zeros() / 8) as usize;
        }
        at += 8;
    }
    at
}

/// The character of a two-byte escape, by its second byte (`n` for `\\n`); `None` for `u` and
/// for what JSON has no escape for.
pub(super) fn simple_escape(kind: u8) -> Option<char> {
    Some(match kind {
        b'"' => '"',
        b'\\' => '\\',
        b'/' => '/',
        b'b' => '\u{8}',
        b'f' => '\u{c}',
        b'n' => '\n',
        b'r' => '\r',
        b't' => '\t',
        _ => return None,
    })
}

/// The tree of `text`, and whether any of its objects has a key twice.
pub(super) fn parse(text: &str) -> Result<(Node<'_>, bool), SyntaxError> {
    let mut parser = Parser {
        text,
        bytes: text.as_bytes(),
        at: 0,
        depth: 0,
        // Room for what a policy document holds open at once (its statements, one statement's
        // elements and a list): a parser is made for every file, and growing from nothing cost
        // four or five reallocations each.
        open_members: Vec::with_capacity(16),
        open_items: Vec::with_capacity(16),
        repeats_a_key: false,
    };
    parser.skip_whitespace();
    if parser.at == parser.bytes.len() {
        return Err(SyntaxError {
            message: "the document is empty".into(),
            span: Span::new(0, text.len()),
        });
    }
    let root = parser.value()?;
    parser.skip_whitespace();
    if parser.at < parser.bytes.len() {
        return Err(parser.unexpected("after the document's end"));
    }
    Ok((root, parser.repeats_a_key))
}

struct Parser<'t> {
    text: &'t str,
    bytes: &'t [u8],
    at: usize,
    depth: usize,
    /// The members and items of the objects and arrays being read, innermost last: each is
    /// moved into a vector of exactly its length once its container closes. Growing each
    /// container's own vector would leave up to three quarters of it empty (a one-member
    /// object holds room for four), twice the tree's size on API responses of small objects.
    open_members: Vec<Member<'t>>,
    open_items: Vec<Node<'t>>,
    /// Whether an object read so far has a key twice: each object is checked as it closes,
    /// while its members are at hand, so that a document without one is not walked again.
    repeats_a_key: bool,
}

impl<'t> Parser<'t> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn skip_whitespace(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.at += 1;
        }
    }

    fn error(&self, span: Span, message: impl Into<String>) -> SyntaxError {
        SyntaxError {
            message: message.into(),
            span,
        }
    }

    /// An error at the character under the cursor, named for what it looks like.
    fn unexpected(&self, context: &str) -> SyntaxError {
        let Some(c) = self.text.get(self.at..).and_then(|rest| rest.chars().next()) else {
            return self.error(
                Span::new(self.text.len(), self.text.len()),
                format!("the document ends too early: {context}"),
            );
        };
        let span = Span::new(self.at, self.at + c.len_utf8());
        let rest = self.bytes.get(self.at..).unwrap_or_default();
        let message = if rest.starts_with(b"//") || rest.starts_with(b"/*") {
            "JSON has no comments".to_string()
        } else if c == '\'' {
            "JSON strings take double quotes, not single".to_string()
        } else if c.is_alphanumeric() {
            // Likely the start of an unquoted word, perhaps a secret (`password: hunter2`):
            // none of it is quoted, not even its first character.
            format!("unexpected text {context}")
        } else if c.is_control() || !c.is_ascii() {
            format!("unexpected character `{}` {context}", c.escape_default())
        } else {
            // Punctuation tells what went wrong (`,` `:` `]` `}` `=`): name it.
            format!("unexpected `{c}` {context}")
        };
        self.error(span, message)
    }

    fn value(&mut self) -> Result<Node<'t>, SyntaxError> {
        match self.peek() {
            Some(b'{') => self.object(),
            Some(b'[') => self.array(),
            Some(b'"') => {
                let (value, span) = self.string()?;
                Ok(Node {
                    span,
                    value: Value::String(value),
                })
            }
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(b't') => self.literal("true", Value::Bool(true)),
            Some(b'f') => self.literal("false", Value::Bool(false)),
            Some(b'n') => self.literal("null", Value::Null),
            _ => Err(self.unexpected("where a value should be")),
        }
    }

    fn literal(&mut self, word: &str, value: Value<'t>) -> Result<Node<'t>, SyntaxError> {
        let start = self.at;
        if !self.bytes.get(start..).unwrap_or_default().starts_with(word.as_bytes()) {
            return Err(self.unexpected("where a value should be"));
        }
        self.at += word.len();
        Ok(Node {
            span: Span::new(start, self.at),
            value,
        })
    }

    /// Enter an object or array, refusing nesting past [`MAX_DEPTH`] at the bracket too many.
    fn enter(&mut self) -> Result<usize, SyntaxError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error(
                Span::new(self.at, self.at + 1),
                format!("nesting is deeper than {MAX_DEPTH} levels"),
            ));
        }
        let start = self.at;
        self.at += 1;
        self.skip_whitespace();
        Ok(start)
    }

    /// After a member or element: `,` then more (a `close` right after it is a trailing comma),
    /// or `close`. True when the container goes on.
    fn separator(&mut self, close: u8, what: &str) -> Result<bool, SyntaxError> {
        self.skip_whitespace();
        match self.peek() {
            Some(b',') => {
                let comma = self.at;
                self.at += 1;
                self.skip_whitespace();
                if self.peek() == Some(close) {
                    return Err(self.error(Span::new(comma, comma + 1), "trailing comma"));
                }
                Ok(true)
            }
            Some(b) if b == close => {
                self.at += 1;
                Ok(false)
            }
            _ => Err(self.unexpected(&format!("after {what}: expected `,` or `{}`", char::from(close)))),
        }
    }

    fn object(&mut self) -> Result<Node<'t>, SyntaxError> {
        let start = self.enter()?;
        let first = self.open_members.len();
        if self.peek() == Some(b'}') {
            self.at += 1;
        } else {
            loop {
                if self.peek() != Some(b'"') {
                    return Err(self.unexpected("where a key should be: keys are double-quoted strings"));
                }
                let (key, key_span) = self.string()?;
                self.skip_whitespace();
                if self.peek() != Some(b':') {
                    return Err(self.unexpected("after a key: expected `:`"));
                }
                self.at += 1;
                self.skip_whitespace();
                let value = self.value()?;
                self.open_members.push(Member { key, key_span, value });
                if !self.separator(b'}', "a member")? {
                    break;
                }
            }
        }
        self.depth -= 1;
        let members: Vec<Member<'t>> = self.open_members.drain(first..).collect();
        if !self.repeats_a_key {
            self.repeats_a_key = super::has_repeated_key(&members);
        }
        Ok(Node {
            span: Span::new(start, self.at),
            value: Value::Object(members),
        })
    }

    fn array(&mut self) -> Result<Node<'t>, SyntaxError> {
        let start = self.enter()?;
        let first = self.open_items.len();
        if self.peek() == Some(b']') {
            self.at += 1;
        } else {
            loop {
                let item = self.value()?;
                self.open_items.push(item);
                if !self.separator(b']', "an element")? {
                    break;
                }
            }
        }
        self.depth -= 1;
        let items = self.open_items.drain(first..).collect();
        Ok(Node {
            span: Span::new(start, self.at),
            value: Value::Array(items),
        })
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`, kept as written.
    fn number(&mut self) -> Result<Node<'t>, SyntaxError> {
        let start = self.at;
        if self.peek() == Some(b'-') {
            self.at += 1;
        }
        match self.peek() {
            Some(b'0') => {
                self.at += 1;
                if let Some(b'0'..=b'9') = self.peek() {
                    return Err(self.error(
                        Span::new(start, self.char_end(self.at)),
                        "invalid number: JSON numbers have no leading zeros",
                    ));
                }
            }
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(self.bad_number(start)),
        }
        if self.peek() == Some(b'.') {
            self.at += 1;
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(self.bad_number(start));
            }
            self.digits();
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.at += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.at += 1;
            }
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(self.bad_number(start));
            }
            self.digits();
        }
        let written = self.text.get(start..self.at).unwrap_or_default();
        Ok(Node {
            span: Span::new(start, self.at),
            value: Value::Number(Cow::Borrowed(written)),
        })
    }

    fn digits(&mut self) {
        while let Some(b'0'..=b'9') = self.peek() {
            self.at += 1;
        }
    }

    /// The end of the character at `at` (at the text's end, `at` itself).
    fn char_end(&self, at: usize) -> usize {
        self.text
            .get(at..)
            .and_then(|r| r.chars().next())
            .map_or(at, |c| at + c.len_utf8())
    }

    fn bad_number(&self, start: usize) -> SyntaxError {
        let end = self.char_end(self.at);
        self.error(
            Span::new(start, end),
            "invalid number: JSON numbers are `-`, digits without leading zeros, an optional fraction and exponent",
        )
    }

    /// A string token: its decoded value and its span, quotes included.
    fn string(&mut self) -> Result<(Cow<'t, str>, Span), SyntaxError> {
        let start = self.at;
        self.at += 1;
        // Fast path: no escape, the value is the text between the quotes.
        let body = self.at;
        loop {
            self.at = plain_run_end(self.bytes, self.at);
            match self.peek() {
                Some(b'"') => {
                    // Borrowed from the text: most strings of a document have no escape.
                    let value = self.text.get(body..self.at).unwrap_or_default();
                    self.at += 1;
                    return Ok((Cow::Borrowed(value), Span::new(start, self.at)));
                }
                Some(b'\\') => break,
                Some(0..=0x1f) => return Err(self.raw_control()),
                Some(_) => self.at += 1,
                None => return Err(self.unterminated(start)),
            }
        }
        let mut value = self.text.get(body..self.at).unwrap_or_default().to_string();
        loop {
            let run = self.at;
            loop {
                self.at = plain_run_end(self.bytes, self.at);
                match self.peek() {
                    Some(b'"' | b'\\') => break,
                    Some(0..=0x1f) => return Err(self.raw_control()),
                    Some(_) => self.at += 1,
                    None => return Err(self.unterminated(start)),
                }
            }
            value.push_str(self.text.get(run..self.at).unwrap_or_default());
            if self.peek() == Some(b'"') {
                self.at += 1;
                return Ok((Cow::Owned(value), Span::new(start, self.at)));
            }
            value.push(self.escape()?);
        }
    }

    fn raw_control(&self) -> SyntaxError {
        let byte = self.peek().unwrap_or_default();
        self.error(
            Span::new(self.at, self.at + 1),
            format!("a raw control character (U+{byte:04X}) in a string: JSON requires it escaped"),
        )
    }

    fn unterminated(&self, start: usize) -> SyntaxError {
        self.error(
            Span::new(start, self.text.len()),
            "the document ends inside a string: a closing `\"` is missing",
        )
    }

    /// One escape, the cursor on its backslash.
    fn escape(&mut self) -> Result<char, SyntaxError> {
        let start = self.at;
        self.at += 1;
        let Some(kind) = self.peek() else {
            return Err(self.unterminated(start));
        };
        if !kind.is_ascii() {
            return Err(self.error(
                Span::new(start, self.char_end(start + 1)),
                "invalid escape: a backslash before a non-ASCII character",
            ));
        }
        self.at += 1;
        match simple_escape(kind) {
            Some(simple) => Ok(simple),
            None if kind == b'u' => self.unicode_escape(start),
            None => Err(self.error(
                Span::new(start, self.char_end(start + 1)),
                "invalid escape: JSON has `\\\"`, `\\\\`, `\\/`, `\\b`, `\\f`, `\\n`, `\\r`, `\\t` and `\\uXXXX`",
            )),
        }
    }

    /// `\uXXXX`, or a surrogate pair `\uD83D\uDE00`; a lone surrogate is no character.
    fn unicode_escape(&mut self, start: usize) -> Result<char, SyntaxError> {
        let high = self.hex4(start)?;
        let code = match high {
            0xD800..=0xDBFF => {
                if !self.bytes.get(self.at..).unwrap_or_default().starts_with(b"\\u") {
                    return Err(self.lone_surrogate(start));
                }
                self.at += 2;
                let low = self.hex4(start)?;
                if !(0xDC00..=0xDFFF).contains(&low) {
                    return Err(self.lone_surrogate(start));
                }
                0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
            }
            0xDC00..=0xDFFF => return Err(self.lone_surrogate(start)),
            code => code,
        };
        char::from_u32(code).ok_or_else(|| self.lone_surrogate(start))
    }

    fn hex4(&mut self, start: usize) -> Result<u32, SyntaxError> {
        let mut code = 0;
        for _ in 0..4 {
            let digit = self.peek().and_then(|b| char::from(b).to_digit(16)).ok_or_else(|| {
                self.error(
                    Span::new(start, self.char_end(self.at)),
                    "invalid escape: `\\u` takes four hexadecimal digits",
                )
            })?;
            code = code * 16 + digit;
            self.at += 1;
        }
        Ok(code)
    }

    fn lone_surrogate(&self, start: usize) -> SyntaxError {
        self.error(
            Span::new(start, self.at),
            "a lone UTF-16 surrogate escape: it encodes no character",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::plain_run_end;
    use crate::json::parse;
    use crate::json::{Node, Value};

    /// The eight-byte scan stops exactly where a byte at a time would, or leaves the last
    /// bytes (fewer than eight) to the byte loop: every byte value, at every place in a chunk.
    #[test]
    fn the_plain_run_ends_at_the_first_quote_backslash_or_control() {
        let stops = |b: u8| b == b'"' || b == b'\\' || b < 0x20;
        for special in 0..=255u8 {
            for place in 0..20 {
                for filler in [b'a', b' ', b'!', 0x7f, 0x80, 0xff] {
                    let mut bytes = vec![filler; 24];
                    if let Some(b) = bytes.get_mut(place) {
                        *b = special;
                    }
                    // A later stop must not move the answer.
                    if let Some(b) = bytes.get_mut(place + 3) {
                        *b = b'"';
                    }
                    for from in [0, 1, 5] {
                        let end = plain_run_end(&bytes, from);
                        let exact = (from..bytes.len()).find(|&i| bytes.get(i).is_some_and(|&b| stops(b)));
                        if end + 8 <= bytes.len() {
                            assert_eq!(Some(end), exact, "{special:#x} at {place} from {from}");
                        } else {
                            // The tail, left to the byte loop: no stop passed over.
                            assert!(
                                exact.is_none_or(|stop| stop >= end),
                                "{special:#x} at {place} from {from}"
                            );
                        }
                        assert!(bytes.get(from..end).unwrap_or_default().iter().all(|&b| !stops(b)));
                    }
                }
            }
        }
    }

    /// Every object and array holds exactly its members and items: no room to grow (the tree of
    /// a large API response of small objects would be twice its size).
    #[test]
    fn containers_hold_no_spare_room() {
        fn check(node: &Node) {
            match &node.value {
                Value::Object(members) => {
                    assert_eq!(members.capacity(), members.len());
                    members.iter().for_each(|m| check(&m.value));
                }
                Value::Array(items) => {
                    assert_eq!(items.capacity(), items.len());
                    items.iter().for_each(check);
                }
                _ => {}
            }
        }
        let text = r#"{"a": [{"k": 1}, {"k": 2, "l": [3]}, []], "b": {"c": {"d": [1, 2, 3, 4, 5]}}}"#;
        check(&parse(text).unwrap_or_else(|e| unreachable!("{}", e.message)));
    }

    /// A string or key written without an escape is a slice of the text, not a copy; one with an
    /// escape is decoded into a string of its own; numbers are slices too.
    #[test]
    fn strings_without_escapes_borrow_from_the_text() {
        use std::borrow::Cow;
        let text = r#"{"Action": "kvstore:Describe*", "S\u0069d": "a\u0041", "n": -1.5e3}"#;
        let root = parse(text).unwrap_or_else(|e| unreachable!("{}", e.message));
        let members = root.as_object().unwrap_or_default();
        let [action, sid, number] = members else {
            unreachable!("three members: {members:?}")
        };
        assert!(matches!(action.key, Cow::Borrowed("Action")));
        assert!(matches!(
            action.value.value,
            Value::String(Cow::Borrowed("kvstore:Describe*"))
        ));
        assert!(matches!(&sid.key, Cow::Owned(key) if key == "Sid"));
        assert!(matches!(&sid.value.value, Value::String(Cow::Owned(value)) if value == "aA"));
        assert!(matches!(number.value.value, Value::Number(Cow::Borrowed("-1.5e3"))));
        // Owned, the tree reads the same.
        assert_eq!(root.clone().into_owned(), root);
    }

    fn message(text: &str) -> String {
        parse(text).err().map(|e| e.message).unwrap_or_default()
    }

    #[test]
    fn an_unquoted_word_is_not_quoted_in_the_message() {
        // Its first character may be the first character of a secret.
        assert_eq!(
            message(r#"{"password": hunter2}"#),
            "unexpected text where a value should be"
        );
        assert_eq!(
            message(r#"{"a": 7x}"#),
            "unexpected text after a member: expected `,` or `}`"
        );
        assert_eq!(message(r#"{"a": tru}"#), "unexpected text where a value should be");
        assert_eq!(
            message("{password: 1}"),
            "unexpected text where a key should be: keys are double-quoted strings"
        );
        assert_eq!(
            message(r#"{"a": 1} s3cret"#),
            "unexpected text after the document's end"
        );
        assert_eq!(message("[\u{e9}t\u{e9}]"), "unexpected text where a value should be");
    }

    #[test]
    fn punctuation_and_invisible_characters_are_named() {
        assert_eq!(message(r#"{"a": }"#), "unexpected `}` where a value should be");
        assert_eq!(message(r#"{"a" = 1}"#), "unexpected `=` after a key: expected `:`");
        assert_eq!(
            message(r#"{"a": 1;}"#),
            "unexpected `;` after a member: expected `,` or `}`"
        );
        assert_eq!(
            message("[\u{201c}a\u{201d}]"),
            "unexpected character `\\u{201c}` where a value should be"
        );
        assert_eq!(
            message("[\u{200b}1]"),
            "unexpected character `\\u{200b}` where a value should be"
        );
        assert_eq!(message("['a']"), "JSON strings take double quotes, not single");
    }
}
