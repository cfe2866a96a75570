//! Strict, span-aware JSON: every reader of ramguard (policies, API responses, instance
//! metadata, Terraform JSON) goes through [`parse`].
//!
//! One pass over the bytes ([`parser`]) gives a tree of [`Node`]s with the byte span of every key
//! and value, keeps duplicate keys (the `duplicate-key` rule reports them; readers that take
//! values refuse them, see [`duplicates`]), and refuses everything RFC 8259 does: comments,
//! trailing commas, raw control characters in strings, invalid escapes, lone surrogates, bad
//! numbers, and nesting past [`MAX_DEPTH`].
//!
//! The tree borrows from the text it was read from: a string or key written without escapes
//! (nearly all of them) is a slice of it, not a copy. A tree that must outlive its text is made
//! to own its strings with [`Node::into_owned`].
//!
//! A policy document carried as an encoded string inside a RAM API response is parsed on its
//! own and still has every span point into the file (see [`decode_string_token`]).

mod parser;

use std::borrow::Cow;

use crate::source::Span;

/// A JSON value with the byte span of its text.
#[derive(Debug, Clone, PartialEq)]
pub struct Node<'a> {
    pub span: Span,
    pub value: Value<'a>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value<'a> {
    Null,
    Bool(bool),
    /// The number as written, so that nothing is lost to floating point.
    Number(Cow<'a, str>),
    /// Borrowed from the text it was read from when written without escapes (most are).
    String(Cow<'a, str>),
    Array(Vec<Node<'a>>),
    /// Members in the order written; duplicates are kept.
    Object(Vec<Member<'a>>),
    /// A whole value that only the tool rendering the document knows (a Terraform reference,
    /// a function call, a `for` expression, an interpolation standing for a value), described
    /// for a message: "the reference `var.arns`". It may be of any type; as an item of an array
    /// it may stand for any number of items, none included. Only readers of templated formats
    /// (Terraform) make it: the JSON reader never does.
    Unknown(String),
    /// A string with parts only the tool knows (`"acs:oss:*:${var.account}:bucket/*"`): its
    /// literal text and unknown parts in order. It is a string, but never its literal text:
    /// rules read it through [`Template`]'s helpers. Never made by the JSON reader.
    Template(Template),
}

/// A value as JSON text without layout or places (members in the order written; an unknown
/// as what it is): two values that read the same give the same text.
pub fn written_without_layout(node: &Node) -> String {
    match &node.value {
        Value::Null => "null".to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => format!("{s:?}"),
        Value::Array(items) => format!(
            "[{}]",
            items.iter().map(written_without_layout).collect::<Vec<_>>().join(",")
        ),
        Value::Object(members) => format!(
            "{{{}}}",
            members
                .iter()
                .map(|m| format!("{:?}:{}", m.key, written_without_layout(&m.value)))
                .collect::<Vec<_>>()
                .join(",")
        ),
        Value::Unknown(what) => format!("<{what}>"),
        Value::Template(template) => template
            .parts
            .iter()
            .map(|part| match part {
                Part::Text(text, _) => text.clone(),
                Part::Unknown(what, _) => format!("<{what}>"),
            })
            .collect(),
    }
}

/// A string with unknown parts (see [`Value::Template`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    pub parts: Vec<Part>,
}

/// A piece of a [`Template`].
#[derive(Debug, Clone, PartialEq)]
pub enum Part {
    /// Literal text, decoded, and the span of the text it was written as.
    Text(String, Span),
    /// A part only the tool knows: what it is, for a message ("the interpolation `${var.a}`"),
    /// and its span.
    Unknown(String, Span),
}

impl Template {
    /// The literal text before the first unknown part: what every rendering starts with.
    pub fn known_prefix(&self) -> String {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Text(text, _) => out.push_str(text),
                Part::Unknown(..) => break,
            }
        }
        out
    }

    /// The first unknown part's description and span.
    pub fn first_unknown(&self) -> Option<(&str, Span)> {
        self.parts.iter().find_map(|p| match p {
            Part::Unknown(what, span) => Some((what.as_str(), *span)),
            Part::Text(..) => None,
        })
    }

    /// The text with each unknown part written `…`, for a message.
    pub fn display(&self) -> String {
        self.parts
            .iter()
            .map(|p| match p {
                Part::Text(text, _) => text.as_str(),
                Part::Unknown(..) => "…",
            })
            .collect()
    }

    /// The text as a wildcard pattern: each unknown part `*` (literal `*` and `?` stay
    /// wildcards): every string the template may render matches it.
    pub fn as_pattern(&self) -> String {
        self.parts
            .iter()
            .map(|p| match p {
                Part::Text(text, _) => text.as_str(),
                Part::Unknown(..) => "*",
            })
            .collect()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Member<'a> {
    pub key: Cow<'a, str>,
    pub key_span: Span,
    pub value: Node<'a>,
}

impl<'a> Node<'a> {
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_object(&self) -> Option<&[Member<'a>]> {
        match &self.value {
            Value::Object(members) => Some(members),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&[Node<'a>]> {
        match &self.value {
            Value::Array(items) => Some(items),
            _ => None,
        }
    }

    /// Whether the value is, or holds in its text, something only the tool rendering the
    /// document knows ([`Value::Unknown`], [`Value::Template`]); not looking into containers.
    pub fn is_unknown(&self) -> bool {
        matches!(self.value, Value::Unknown(_) | Value::Template(_))
    }

    /// Whether the value or anything in it is unknown ([`Node::is_unknown`]), without
    /// allocating: the JSON reader's trees never are, and this is asked of every statement.
    /// Recursion is bounded by the readers' depth limit ([`MAX_DEPTH`]).
    pub fn holds_unknown(&self) -> bool {
        match &self.value {
            Value::Unknown(_) | Value::Template(_) => true,
            Value::Array(items) => items.iter().any(Node::holds_unknown),
            Value::Object(members) => members.iter().any(|m| m.value.holds_unknown()),
            _ => false,
        }
    }

    /// Whether the value is a string or may be one: a string, a template, an unknown value.
    pub fn may_be_string(&self) -> bool {
        matches!(self.value, Value::String(_) | Value::Template(_) | Value::Unknown(_))
    }

    /// What the value's first unknown part is, for a message ("the reference `var.arns`"), when
    /// it is unknown or a template.
    pub fn unknown_what(&self) -> Option<&str> {
        match &self.value {
            Value::Unknown(what) => Some(what),
            Value::Template(template) => template.first_unknown().map(|(what, _)| what),
            _ => None,
        }
    }

    /// The first member named `key` (duplicates are the `duplicate-key` rule's business).
    pub fn get(&self, key: &str) -> Option<&Member<'a>> {
        self.as_object()?.iter().find(|m| m.key == key)
    }

    /// The JSON type's name, as a message should say it.
    pub fn type_name(&self) -> &'static str {
        match self.value {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::Array(_) => "an array",
            Value::Object(_) => "an object",
            Value::Template(_) => "a string",
            Value::Unknown(_) => "a value only known when the document is rendered",
        }
    }

    /// Move every span through `map`: a document decoded out of a string token or a Terraform
    /// heredoc gets the spans of the file it stands in.
    pub fn remap(&mut self, map: &dyn Fn(usize) -> usize) {
        self.span = Span::new(map(self.span.start), map(self.span.end));
        match &mut self.value {
            Value::Array(items) => items.iter_mut().for_each(|n| n.remap(map)),
            Value::Object(members) => {
                for m in members {
                    m.key_span = Span::new(map(m.key_span.start), map(m.key_span.end));
                    m.value.remap(map);
                }
            }
            Value::Template(template) => {
                for part in &mut template.parts {
                    let (Part::Text(_, span) | Part::Unknown(_, span)) = part;
                    *span = Span::new(map(span.start), map(span.end));
                }
            }
            _ => {}
        }
    }
}

impl Node<'_> {
    /// The tree with every string its own: for a tree that outlives the text it was read from
    /// (a document decoded out of a string token, a text padded past a byte-order mark). Its
    /// arrays and objects keep their vectors (collected in place); recursion is bounded by the
    /// readers' depth limit ([`MAX_DEPTH`]).
    pub fn into_owned(self) -> Node<'static> {
        Node {
            span: self.span,
            value: match self.value {
                Value::Null => Value::Null,
                Value::Bool(b) => Value::Bool(b),
                Value::Number(n) => Value::Number(Cow::Owned(n.into_owned())),
                Value::String(s) => Value::String(Cow::Owned(s.into_owned())),
                Value::Array(items) => Value::Array(items.into_iter().map(Node::into_owned).collect()),
                Value::Object(members) => Value::Object(
                    members
                        .into_iter()
                        .map(|m| Member {
                            key: Cow::Owned(m.key.into_owned()),
                            key_span: m.key_span,
                            value: m.value.into_owned(),
                        })
                        .collect(),
                ),
                Value::Unknown(what) => Value::Unknown(what),
                Value::Template(template) => Value::Template(template),
            },
        }
    }
}

/// Every unknown part of a tree, in document order: its span and description. Empty for
/// anything the JSON reader made.
pub fn unknowns<'n>(root: &'n Node<'_>) -> Vec<(Span, &'n str)> {
    let mut out = Vec::new();
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        match &node.value {
            Value::Unknown(what) => out.push((node.span, what.as_str())),
            Value::Template(template) => out.extend(template.parts.iter().filter_map(|p| match p {
                Part::Unknown(what, span) => Some((*span, what.as_str())),
                Part::Text(..) => None,
            })),
            Value::Object(members) => stack.extend(members.iter().rev().map(|m| &m.value)),
            Value::Array(items) => stack.extend(items.iter().rev()),
            _ => {}
        }
    }
    out
}

/// A key written a second time in one object: the first member with it, and the one that
/// repeats it.
#[derive(Debug, Clone, Copy)]
pub struct Duplicate<'a> {
    pub first: &'a Member<'a>,
    pub again: &'a Member<'a>,
}

/// Every repeated key in the tree, depth first. Readers that take values from the tree
/// (instances, API responses) refuse the input on the first one: JSON leaves the meaning of a
/// duplicate open, and jq, Python and Terraform take the last value where a naive reader takes
/// the first.
pub fn duplicates<'n>(root: &'n Node<'n>) -> Vec<Duplicate<'n>> {
    let mut out = Vec::new();
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        match &node.value {
            Value::Object(members) => {
                repeats(members, &mut out);
                stack.extend(members.iter().rev().map(|m| &m.value));
            }
            Value::Array(items) => stack.extend(items.iter().rev()),
            _ => {}
        }
    }
    out
}

/// Whether one object has a key twice: [`repeats`] is not empty.
pub fn has_repeated_key(members: &[Member<'_>]) -> bool {
    // Nothing is collected unless a key repeats (an empty vector allocates nothing).
    let mut repeated = Vec::new();
    repeats(members, &mut repeated);
    !repeated.is_empty()
}

/// The repeated keys of one object. Small objects (all of a real policy's) are scanned
/// directly; large ones through a map, so that a hostile 100,000-key object stays linear.
pub fn repeats<'a>(members: &'a [Member<'a>], out: &mut Vec<Duplicate<'a>>) {
    if members.len() <= 16 {
        for (i, again) in members.iter().enumerate() {
            if let Some(first) = members
                .get(..i)
                .and_then(|before| before.iter().find(|m| m.key == again.key))
            {
                out.push(Duplicate { first, again });
            }
        }
    } else {
        let mut seen: std::collections::HashMap<&str, &Member> =
            std::collections::HashMap::with_capacity(members.len());
        for again in members {
            match seen.get(&*again.key) {
                Some(first) => out.push(Duplicate { first, again }),
                None => {
                    seen.insert(&again.key, again);
                }
            }
        }
    }
}

/// Why a text is not JSON, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub message: String,
    pub span: Span,
}

/// Parse `text` strictly (RFC 8259), in one pass. Spans are byte offsets into `text`.
pub fn parse(text: &str) -> Result<Node<'_>, SyntaxError> {
    parse_tree(text).map(|tree| tree.root)
}

/// A parsed text, and what the parser saw of it on the way.
#[derive(Debug)]
pub struct Tree<'a> {
    pub root: Node<'a>,
    /// Whether an object anywhere in it has a key twice ([`repeats`] of some object is not
    /// empty): when not, `duplicate-key` has nothing to look for.
    pub repeats_a_key: bool,
}

impl Tree<'_> {
    /// Every repeated key in the tree, as [`duplicates`] finds them; the tree is not searched
    /// when the parser saw none.
    pub fn duplicates(&self) -> Vec<Duplicate<'_>> {
        if self.repeats_a_key {
            duplicates(&self.root)
        } else {
            Vec::new()
        }
    }
}

/// [`parse`], and whether any object of the text has a key twice.
pub fn parse_tree(text: &str) -> Result<Tree<'_>, SyntaxError> {
    parser::parse(text).map(|(root, repeats_a_key)| Tree { root, repeats_a_key })
}

/// Parse a file's text that may start with a UTF-8 byte-order mark: the mark is read past, with
/// every offset kept in place (three spaces stand where its three bytes were). The flag says
/// whether there was one, for those who report it.
pub fn parse_past_bom(text: &str) -> (Result<Node<'_>, SyntaxError>, bool) {
    let (tree, bom) = parse_tree_past_bom(text);
    (tree.map(|tree| tree.root), bom)
}

/// [`parse_past_bom`], the tree with what the parser saw of it.
pub fn parse_tree_past_bom(text: &str) -> (Result<Tree<'_>, SyntaxError>, bool) {
    match text.strip_prefix('\u{feff}') {
        // The tree is made to own its strings: the padded text is gone once it is read.
        Some(rest) => {
            let tree = parse_tree(&format!("   {rest}")).map(|tree| Tree {
                root: tree.root.into_owned(),
                repeats_a_key: tree.repeats_a_key,
            });
            (tree, true)
        }
        None => (parse_tree(text), false),
    }
}

pub use parser::MAX_DEPTH;

/// A JSON string token decoded, with the file offset of every decoded byte.
#[derive(Debug)]
pub struct DecodedString {
    pub text: String,
    /// `offsets[i]` is where the escape or character that produced decoded byte `i` starts in
    /// the file; one more entry maps the end of the text to the closing quote.
    offsets: Vec<usize>,
}

impl DecodedString {
    /// The file offset of a byte offset in the decoded text.
    pub fn file_offset(&self, decoded: usize) -> usize {
        self.offsets.get(decoded).or(self.offsets.last()).copied().unwrap_or(0)
    }

    /// Parse the decoded text as JSON and move every span into the file.
    pub fn parse(&self) -> Result<Node<'_>, SyntaxError> {
        let map = |offset: usize| self.file_offset(offset);
        match parse(&self.text) {
            Ok(mut node) => {
                node.remap(&map);
                Ok(node)
            }
            Err(mut error) => {
                error.span = Span::new(map(error.span.start), map(error.span.end));
                Err(error)
            }
        }
    }
}

/// Decode the string token at `span` of `file_text` (quotes included), escape-aware.
///
/// The token was read by [`parse`], so every escape in it is well formed.
pub fn decode_string_token(file_text: &str, span: Span) -> Option<DecodedString> {
    let token = file_text.get(span.start..span.end)?;
    let inner = token.strip_prefix('"')?.strip_suffix('"')?;
    let bytes = inner.as_bytes();
    let base = span.start + 1;
    let mut text = String::with_capacity(inner.len());
    let mut offsets = Vec::with_capacity(inner.len() + 1);
    let mut at = 0;
    while at < bytes.len() {
        // A run of plain text to the next backslash, copied whole, its offsets a range (a
        // character at a time only past ASCII: each of its bytes is placed at its start). Each
        // character on its own took most of the time of reading an API response.
        let run_end = memchr::memchr(b'\\', bytes.get(at..)?).map_or(bytes.len(), |i| at + i);
        let run = inner.get(at..run_end)?;
        if run.is_ascii() {
            offsets.extend(base + at..base + run_end);
        } else {
            for (i, c) in run.char_indices() {
                offsets.extend(std::iter::repeat_n(base + at + i, c.len_utf8()));
            }
        }
        text.push_str(run);
        if run_end == bytes.len() {
            break;
        }
        let (decoded, length) = unescape(bytes.get(run_end..)?)?;
        offsets.extend(std::iter::repeat_n(base + run_end, decoded.len_utf8()));
        text.push(decoded);
        at = run_end + length;
    }
    offsets.push(span.end - 1);
    Some(DecodedString { text, offsets })
}

/// The character of the escape `escape` starts with (its backslash first), and how many bytes
/// the escape takes.
fn unescape(escape: &[u8]) -> Option<(char, usize)> {
    let kind = *escape.get(1)?;
    if kind != b'u' {
        return Some((parser::simple_escape(kind)?, 2));
    }
    let high = read_hex4(escape.get(2..6)?)?;
    if !(0xD800..0xDC00).contains(&high) {
        return Some((char::from_u32(high)?, 6));
    }
    // A surrogate pair: `\uD83D\uDE00`.
    if escape.get(6..8)? != b"\\u" {
        return None;
    }
    let low = read_hex4(escape.get(8..12)?)?;
    let pair = char::from_u32(0x10000 + ((high - 0xD800) << 10) + (low.checked_sub(0xDC00)?))?;
    Some((pair, 12))
}

fn read_hex4(digits: &[u8]) -> Option<u32> {
    digits
        .iter()
        .try_fold(0, |value, &d| Some(value * 16 + char::from(d).to_digit(16)?))
}

/// A step of the path from a document's root to a value, kept while walking the tree so that
/// the JSON pointer is only written out for a finding (building it for every value costs an
/// allocation each).
#[derive(Debug, Clone, Copy)]
pub enum PathStep<'a> {
    Key(&'a str),
    Index(usize),
}

/// The JSON pointer (RFC 6901) of a path of steps.
pub fn pointer_of(path: &[PathStep<'_>]) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    for step in path {
        let _ = match step {
            PathStep::Key(key) => write!(out, "/{}", pointer_token(key)),
            PathStep::Index(i) => write!(out, "/{i}"),
        };
    }
    out
}

/// Whether no string of the JSON text `text` can hold anything but printable ASCII: no escape
/// (a backslash) and no byte outside ASCII or DEL. The parser refuses raw control characters in
/// strings, so a valid text that passes holds only characters from `' '` to `'~'` in its
/// strings. One pass over the bytes, written without an early exit so that it vectorises.
pub fn strings_are_printable_ascii(text: &str) -> bool {
    text.as_bytes()
        .chunks(64)
        .all(|chunk| !chunk.iter().fold(false, |odd, &b| odd | (b >= 0x7f) | (b == b'\\')))
}

/// RFC 6901: escape one reference token of a JSON pointer.
pub fn pointer_token(key: &str) -> std::borrow::Cow<'_, str> {
    if memchr::memchr2(b'~', b'/', key.as_bytes()).is_none() {
        return key.into();
    }
    let mut out = String::with_capacity(key.len() + 4);
    push_pointer_token(&mut out, key);
    out.into()
}

/// [`pointer_token`]`(key)` written at the end of `out`: a pointer grown in one buffer (the
/// model makes one for every condition key of every statement).
pub fn push_pointer_token(out: &mut String, key: &str) {
    // Found by a vector search, copied in runs between them (a condition key such as
    // `acs:ResourceTag/env` is escaped for every statement that names it).
    let mut copied = 0;
    for at in memchr::memchr2_iter(b'~', b'/', key.as_bytes()) {
        out.push_str(key.get(copied..at).unwrap_or_default());
        out.push_str(if key.as_bytes().get(at) == Some(&b'~') {
            "~0"
        } else {
            "~1"
        });
        copied = at + 1;
    }
    out.push_str(key.get(copied..).unwrap_or_default());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointer_tokens_escape_tilde_then_slash() {
        for (key, token) in [
            ("Action", "Action"),
            ("", ""),
            ("acs:ResourceTag/env", "acs:ResourceTag~1env"),
            ("~", "~0"),
            ("/", "~1"),
            ("a~/b/~é", "a~0~1b~1~0é"),
            ("~1", "~01"),
        ] {
            assert_eq!(pointer_token(key), token, "{key:?}");
            assert_eq!(pointer_token(key), key.replace('~', "~0").replace('/', "~1"), "{key:?}");
        }
    }

    fn err(text: &str) -> SyntaxError {
        parse(text).err().unwrap_or_else(|| SyntaxError {
            message: "parsed".into(),
            span: Span::default(),
        })
    }

    #[test]
    fn spans_are_byte_ranges() {
        let text = r#"{"Version": "1", "a": [true, null]}"#;
        let node = parse(text).unwrap_or_else(|e| unreachable!("{e:?}"));
        let version = node.get("Version").map(|m| m.value.span);
        assert_eq!(version.map(|s| &text[s.start..s.end]), Some("\"1\""));
        let key = node.get("a").map(|m| m.key_span);
        assert_eq!(key.map(|s| &text[s.start..s.end]), Some("\"a\""));
    }

    #[test]
    fn strictness() {
        assert_eq!(
            err("{\"a\": 1,}"),
            SyntaxError {
                message: "trailing comma".into(),
                span: Span::new(7, 8)
            }
        );
        assert_eq!(err("[1,\n ]").span, Span::new(2, 3));
        assert_eq!(err("{// c\n}").message, "JSON has no comments");
        assert_eq!(err("{'a': 1}").message, "JSON strings take double quotes, not single");
        assert!(err("[\"a\u{1b}\"]").message.contains("raw control character"));
        assert!(err(r#"["\ud800"]"#).message.contains("lone UTF-16 surrogate"));
        assert!(err(r#"["\x"]"#).message.starts_with("invalid escape"));
        for bad in [
            "01",
            "-",
            "1.",
            ".5",
            "1e",
            "+1",
            "1e+",
            "-01",
            "NaN",
            "tru",
            "[1 2]",
            "{\"a\" 1}",
            "{\"a\":1 \"b\":2}",
            "1 2",
        ] {
            assert!(parse(bad).is_err(), "{bad} parsed");
        }
        for good in [
            "0",
            "-0",
            "1.5e-3",
            "1E+2",
            "[]",
            "{}",
            "\"\\u00e9\"",
            r#""\ud83d\ude00""#,
            " true ",
            "null",
        ] {
            assert!(parse(good).is_ok(), "{good} refused");
        }
        assert_eq!(err("  ").message, "the document is empty");
        assert_eq!(err("[1, 2").span, Span::new(5, 5));
        assert_eq!(err("'a'").span.start, 0);
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let deep = "[".repeat(200_000) + &"]".repeat(200_000);
        assert_eq!(
            err(&deep),
            SyntaxError {
                message: "nesting is deeper than 127 levels".into(),
                span: Span::new(127, 128)
            }
        );
        let fine = "[".repeat(127) + &"]".repeat(127);
        assert!(parse(&fine).is_ok());
        // Brackets inside strings do not count.
        assert!(parse(&format!("\"{}\"", "[".repeat(500))).is_ok());
    }

    #[test]
    fn duplicate_keys_are_kept() {
        let node = parse(r#"{"a": 1, "a": 2}"#).unwrap_or_else(|e| unreachable!("{e:?}"));
        assert_eq!(node.as_object().map(<[Member]>::len), Some(2));
    }

    /// The decoder gives serde_json's text, and places every decoded byte where the escape or
    /// character that produced it starts (the text's end and past it: the closing quote), as
    /// a table of one offset a decoded byte says.
    #[test]
    fn a_decoded_string_places_each_byte_where_it_was_written() {
        let pieces = [
            "a",
            "\u{e9}",
            "\u{1f600}",
            r"\n",
            r#"\""#,
            r"\\",
            r"\u00e9",
            r"\ud83d\ude00",
            r"\/",
        ];
        for inner in crate::concatenations(&pieces, 4) {
            let file = format!(r#"{{"k": "{inner}"}}"#);
            let token = Span::new(6, file.len() - 1);
            let decoded = decode_string_token(&file, token).unwrap_or_else(|| unreachable!("{inner}"));
            let want: String = serde_json::from_str(&format!("\"{inner}\"")).unwrap_or_else(|e| unreachable!("{e}"));
            assert_eq!(decoded.text, want, "{inner}");
            // The table, written the plain way: each written character or escape, its bytes.
            let mut table = Vec::new();
            let mut at = 0;
            while at < inner.len() {
                let rest = &inner[at..];
                let written = match rest.strip_prefix(r"\u").map(|hex| &hex[..4]) {
                    Some(hex) if u32::from_str_radix(hex, 16).is_ok_and(|c| (0xD800..0xDC00).contains(&c)) => 12,
                    Some(_) => 6,
                    None if rest.starts_with('\\') => 2,
                    None => rest.chars().next().map_or(1, char::len_utf8),
                };
                let produced: String =
                    serde_json::from_str(&format!("\"{}\"", &rest[..written])).unwrap_or_else(|e| unreachable!("{e}"));
                table.extend(std::iter::repeat_n(token.start + 1 + at, produced.len()));
                at += written;
            }
            for offset in 0..decoded.text.len() + 2 {
                let expected = table.get(offset).copied().unwrap_or(token.end - 1);
                assert_eq!(decoded.file_offset(offset), expected, "{inner}, offset {offset}");
            }
        }
    }

    #[test]
    fn decoded_documents_point_into_the_file() {
        let file = r#"{"Doc": "{\"Version\":\"1\",\n\"é\\u0041\":\"\\ud83d\\ude00x\"}"}"#;
        let outer = parse(file).unwrap_or_else(|e| unreachable!("{e:?}"));
        let token = outer.get("Doc").map(|m| m.value.span).unwrap_or_default();
        let decoded = decode_string_token(file, token).unwrap_or_else(|| unreachable!());
        let inner = decoded.parse().unwrap_or_else(|e| unreachable!("{e:?}"));
        let version = inner.get("Version").map(|m| m.value.span).unwrap_or_default();
        assert_eq!(&file[version.start..version.end], r#"\"1\""#);
        let odd = inner
            .as_object()
            .and_then(|m| m.get(1))
            .unwrap_or_else(|| unreachable!());
        assert_eq!(odd.key, "éA");
        assert_eq!(
            &file[odd.value.span.start..odd.value.span.end],
            r#"\"\\ud83d\\ude00x\""#
        );
    }
}
