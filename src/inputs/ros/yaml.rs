//! YAML read into the same [`Node`] tree as JSON, every span a byte range of the YAML file, so
//! that every rule runs on a document written in YAML unchanged.
//!
//! The events come from `saphyr-parser` (a YAML 1.2 parser that gives the span of every
//! event); the tree is built here, so that what JSON cannot say is refused where it stands
//! rather than guessed: anchors and aliases (an alias would also let a small file expand to an
//! enormous tree), merge keys (`<<`), tags other than ROS's short forms of its functions (`!Ref`,
//! `!Sub`, ...), keys that are not strings, more than one document, nesting past
//! [`json::MAX_DEPTH`]. Plain scalars are read by YAML 1.2's core schema (`true`, `null`, `1` are
//! not strings). A key written twice is kept twice, as the JSON reader keeps it, for
//! `duplicate-key` to report.
//!
//! A value that YAML's versions read differently is noted, not refused: a number JSON cannot
//! write (`0x1F`, `.inf`, `095` — a string to YAML 1.1, 95 to YAML 1.2) is a value only ROS
//! knows ([`Value::Unknown`]), and YAML 1.1's booleans (`yes`, `off`) are strings. Alibaba's own
//! templates write such values outside their policies (an ECS tag's `Value: 095`): the ROS
//! reader reports those that stand in a policy document, and only those.
//!
//! A ROS short form is read as the function it stands for: `!Sub x` is `{"Fn::Sub": x}` and
//! `!Ref x` is `{"Ref": x}`, the tag's span as the key's.

use saphyr_parser::{Event, Parser, ScalarStyle, Tag};

use crate::json::{self, Member, Node, Value};
use crate::source::Span;

/// Why a YAML text was not read: a syntax error, or something ramguard refuses to guess.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    pub message: String,
    pub span: Span,
    /// The error is the parser's (the text is not YAML); otherwise it is valid YAML that
    /// ramguard does not read.
    pub syntax: bool,
}

/// The functions of ROS that its YAML short forms name (`!Name` for `Fn::Name`, and `!Ref`), as
/// ROS's function index lists them.
const SHORT_FORMS: &[&str] = &[
    "Ref",
    "Add",
    "And",
    "Any",
    "Avg",
    "Base64",
    "Base64Decode",
    "Base64Encode",
    "Calculate",
    "Contains",
    "EachMemberIn",
    "Equals",
    "FindInMap",
    "GetAZs",
    "GetAtt",
    "GetJsonValue",
    "GetStackOutput",
    "If",
    "Indent",
    "Index",
    "Join",
    "Jq",
    "Length",
    "ListMerge",
    "MatchPattern",
    "Max",
    "MergeMapToList",
    "Min",
    "Not",
    "Or",
    "Replace",
    "Select",
    "SelectMapList",
    "Split",
    "Str",
    "Sub",
];

/// A plain scalar that YAML 1.1 and YAML 1.2 read differently: which one a tool applies is its
/// own choice, so what it means is open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ambiguity {
    /// `yes`, `no`, `on`, `off`, `y`, `n`, in any of their cases: a boolean to YAML 1.1, a
    /// string to YAML 1.2 (read as the string).
    Yaml11Boolean,
    /// A number of YAML 1.2's core schema that JSON cannot write (`0x1F`, `+1`, `.inf`, `095`,
    /// which YAML 1.1 reads as a string): read as [`Value::Unknown`].
    NotJsonNumber,
    /// A string to YAML 1.2 that YAML 1.1 reads as a number or a date (PyYAML's resolvers:
    /// `1_000`, `0b1010`, `16:40`, `2019-08-12`): read as [`Value::Unknown`].
    Yaml11NumberOrDate,
    /// A mapping key that is not a string to YAML 1.2 (`1`, `true`, `null`): kept as written.
    NotStringKey,
}

/// Parse `text` (a whole file, or what follows its byte-order mark: `base` is the offset of
/// `text` in the file) into a tree whose spans are byte offsets of the file. An empty stream
/// is `Null`.
pub fn parse(text: &str, base: usize) -> Result<Node<'static>, YamlError> {
    parse_noting_ambiguities(text, base).map(|(root, _)| root)
}

/// [`parse`], and the span of every plain scalar whose meaning depends on the YAML version
/// ([`Ambiguity`]), in the order written.
pub fn parse_noting_ambiguities(text: &str, base: usize) -> Result<(Node<'static>, Vec<(Span, Ambiguity)>), YamlError> {
    let mut offsets = Offsets::new(text, base);
    let mut builder = Builder {
        stack: Vec::new(),
        root: None,
        documents: 0,
        ambiguous: Vec::new(),
    };
    for event in Parser::new_from_str(text) {
        let (event, span) = event.map_err(|error| {
            let at = offsets.byte(error.marker().index());
            YamlError {
                message: error.info().to_string(),
                span: Span::new(at, one_char_end(text, at - base) + base),
                syntax: true,
            }
        })?;
        let mut span = Span::new(offsets.byte(span.start.index()), offsets.byte(span.end.index()));
        // A scalar's span may run over the white space after it (a single-quoted one does).
        if let Some(written) = text.get(span.start - base..span.end - base) {
            span.end = span.start + written.trim_end().len();
        }
        builder.event(event, span)?;
    }
    let root = builder.root.unwrap_or(Node {
        span: Span::new(base, base),
        value: Value::Null,
    });
    Ok((root, builder.ambiguous))
}

fn one_char_end(text: &str, at: usize) -> usize {
    text.get(at..)
        .and_then(|rest| rest.chars().next())
        .map_or(at, |c| at + c.len_utf8())
}

/// A collection being built.
enum Frame {
    Sequence {
        span: Span,
        items: Vec<Node<'static>>,
        function: Option<(String, Span)>,
    },
    Mapping {
        span: Span,
        members: Vec<Member<'static>>,
        key: Option<(String, Span)>,
        function: Option<(String, Span)>,
    },
}

struct Builder {
    stack: Vec<Frame>,
    root: Option<Node<'static>>,
    documents: usize,
    ambiguous: Vec<(Span, Ambiguity)>,
}

fn refuse(span: Span, message: impl Into<String>) -> YamlError {
    YamlError {
        message: message.into(),
        span,
        syntax: false,
    }
}

impl Builder {
    fn event(&mut self, event: Event<'_>, span: Span) -> Result<(), YamlError> {
        match event {
            Event::DocumentStart(_) => {
                self.documents += 1;
                if self.documents > 1 {
                    return Err(refuse(
                        span,
                        "the file holds more than one YAML document: a ROS template is one",
                    ));
                }
            }
            Event::Alias(_) => {
                return Err(refuse(
                    span,
                    "YAML aliases (`*name`) are not read: write the value where it is used",
                ));
            }
            Event::Scalar(value, style, anchor, tag) => {
                if anchor != 0 {
                    return Err(anchored(span));
                }
                let is_key = matches!(self.stack.last(), Some(Frame::Mapping { key: None, .. }));
                if is_key {
                    if tag.is_some() {
                        return Err(refuse(span, "a tagged mapping key is not read: keys are plain strings"));
                    }
                    if style == ScalarStyle::Plain {
                        if value == "<<" {
                            return Err(refuse(
                                span,
                                "YAML merge keys (`<<`) are not read: write the members where they are used",
                            ));
                        }
                        if !matches!(plain(&value), Plain::String) {
                            self.ambiguous.push((span, Ambiguity::NotStringKey));
                        }
                    }
                    if let Some(Frame::Mapping { key, .. }) = self.stack.last_mut() {
                        *key = Some((value.into_owned(), span));
                    }
                    return Ok(());
                }
                let scalar = if style == ScalarStyle::Plain && tag.is_none() {
                    match plain(&value) {
                        Plain::Null => Value::Null,
                        Plain::Bool(b) => Value::Bool(b),
                        Plain::Number => Value::Number(value.into_owned().into()),
                        Plain::NotJsonNumber => {
                            self.ambiguous.push((span, Ambiguity::NotJsonNumber));
                            Value::Unknown(format!("the YAML number `{value}`"))
                        }
                        Plain::String if is_yaml11_number_or_date(&value) => {
                            self.ambiguous.push((span, Ambiguity::Yaml11NumberOrDate));
                            Value::Unknown(format!("the YAML 1.1 number or date `{value}`"))
                        }
                        Plain::String => {
                            if is_yaml11_boolean(&value) {
                                self.ambiguous.push((span, Ambiguity::Yaml11Boolean));
                            }
                            Value::String(value.into_owned().into())
                        }
                    }
                } else {
                    Value::String(value.into_owned().into())
                };
                let function = self.function(tag.as_deref(), span)?;
                let node = Node { span, value: scalar };
                self.push(wrap(node, function))?;
            }
            Event::SequenceStart(anchor, tag) | Event::MappingStart(anchor, tag) if anchor != 0 => {
                let _ = tag;
                return Err(anchored(span));
            }
            Event::SequenceStart(_, tag) => {
                self.check_not_key(span)?;
                let function = self.function(tag.as_deref(), span)?;
                self.open(Frame::Sequence {
                    span,
                    items: Vec::new(),
                    function,
                })?;
            }
            Event::MappingStart(_, tag) => {
                self.check_not_key(span)?;
                let function = self.function(tag.as_deref(), span)?;
                self.open(Frame::Mapping {
                    span,
                    members: Vec::new(),
                    key: None,
                    function,
                })?;
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let Some(frame) = self.stack.pop() else {
                    return Ok(());
                };
                let (start, value, last, function) = match frame {
                    Frame::Sequence { span, items, function } => {
                        let last = items.last().map(|n| n.span.end);
                        (span.start, Value::Array(items), last, function)
                    }
                    Frame::Mapping {
                        span,
                        members,
                        function,
                        ..
                    } => {
                        let last = members.last().map(|m| m.value.span.end);
                        (span.start, Value::Object(members), last, function)
                    }
                };
                // A flow collection ends at its bracket; a block one at its last value.
                let end = if span.is_empty() {
                    last.unwrap_or(start).max(start)
                } else {
                    span.end
                };
                let node = Node {
                    span: Span::new(start, end),
                    value,
                };
                self.push(wrap(node, function))?;
            }
            Event::Nothing | Event::StreamStart | Event::StreamEnd | Event::DocumentEnd => {}
        }
        Ok(())
    }

    /// A collection as a mapping key (`? [a]`, `{[a]: 1}`): refused.
    fn check_not_key(&self, span: Span) -> Result<(), YamlError> {
        if matches!(self.stack.last(), Some(Frame::Mapping { key: None, .. })) {
            return Err(refuse(
                span,
                "a mapping key that is a collection is not read: keys are strings",
            ));
        }
        Ok(())
    }

    fn open(&mut self, frame: Frame) -> Result<(), YamlError> {
        if self.stack.len() >= json::MAX_DEPTH {
            let span = match &frame {
                Frame::Sequence { span, .. } | Frame::Mapping { span, .. } => *span,
            };
            return Err(refuse(
                Span::new(span.start, span.start + 1),
                format!("nesting is deeper than {} levels", json::MAX_DEPTH),
            ));
        }
        self.stack.push(frame);
        Ok(())
    }

    /// The ROS function a tag names (`!Sub` → `Fn::Sub`), with the span of the tag.
    fn function(&self, tag: Option<&Tag>, span: Span) -> Result<Option<(String, Span)>, YamlError> {
        let Some(tag) = tag else { return Ok(None) };
        if tag.handle == "!" && SHORT_FORMS.contains(&tag.suffix.as_str()) {
            let name = if tag.suffix == "Ref" {
                "Ref".to_string()
            } else {
                format!("Fn::{}", tag.suffix)
            };
            let tag_span = Span::new(span.start, span.start + 1 + tag.suffix.len());
            return Ok(Some((name, tag_span)));
        }
        let written = if tag.is_yaml_core_schema() {
            format!("!!{}", tag.suffix)
        } else {
            format!("{}{}", tag.handle, tag.suffix)
        };
        Err(refuse(
            span,
            format!(
                "the YAML tag `{written}` is not read: only ROS's short forms of its functions (`!Ref`, `!Sub`, ...) are"
            ),
        ))
    }

    fn push(&mut self, node: Node<'static>) -> Result<(), YamlError> {
        match self.stack.last_mut() {
            None => self.root = Some(node),
            Some(Frame::Sequence { items, .. }) => items.push(node),
            Some(Frame::Mapping { members, key, .. }) => match key.take() {
                Some((key, key_span)) => members.push(Member {
                    key: key.into(),
                    key_span,
                    value: node,
                }),
                // A key that was a collection was refused before it was built.
                None => return Err(refuse(node.span, "a mapping key that is not a string is not read")),
            },
        }
        Ok(())
    }
}

fn anchored(span: Span) -> YamlError {
    refuse(
        span,
        "YAML anchors (`&name`) are not read: write the value where it is used",
    )
}

/// A ROS short form's value as the function object it stands for.
fn wrap(node: Node, function: Option<(String, Span)>) -> Node {
    match function {
        None => node,
        Some((name, key_span)) => Node {
            span: Span::new(key_span.start, node.span.end.max(key_span.end)),
            value: Value::Object(vec![Member {
                key: name.into(),
                key_span,
                value: node,
            }]),
        },
    }
}

/// What a plain scalar is, by YAML 1.2's core schema.
enum Plain {
    Null,
    Bool(bool),
    /// A number JSON writes the same way.
    Number,
    /// A number of the core schema that JSON cannot write (`+1`, `0x1F`, `0o17`, `.5`, `1.`,
    /// `.inf`, `.nan`, `007`).
    NotJsonNumber,
    String,
}

fn plain(text: &str) -> Plain {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Plain::Null,
        "true" | "True" | "TRUE" => return Plain::Bool(true),
        "false" | "False" | "FALSE" => return Plain::Bool(false),
        _ => {}
    }
    if is_core_number(text) {
        return if json::parse(text).is_ok_and(|n| matches!(n.value, Value::Number(_))) {
            Plain::Number
        } else {
            Plain::NotJsonNumber
        };
    }
    Plain::String
}

/// The booleans of YAML 1.1 that YAML 1.2 reads as strings.
fn is_yaml11_boolean(text: &str) -> bool {
    matches!(
        text,
        "y" | "Y" | "yes" | "Yes" | "YES" | "n" | "N" | "no" | "No" | "NO" | "on" | "On" | "ON" | "off" | "Off" | "OFF"
    )
}

/// Whether YAML 1.1 reads a plain scalar as an integer, a float or a timestamp, by PyYAML's
/// implicit resolvers (`resolver.py`), which a Python service such as ROS likely applies.
fn is_yaml11_number_or_date(text: &str) -> bool {
    static YAML11: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(concat!(
            // int
            r"^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+",
            r"|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+",
            // float
            r"|[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9_]+(?:[eE][-+][0-9]+)?",
            r"|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)",
            // timestamp
            r"|[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]",
            r"|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9]",
            r"(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$",
        ))
        .unwrap_or_else(|e| unreachable!("a fixed pattern: {e}"))
    });
    text.starts_with(|c: char| c.is_ascii_digit() || matches!(c, '+' | '-' | '.')) && YAML11.is_match(text)
}

/// YAML 1.2 core schema: `[-+]?[0-9]+`, `0o[0-7]+`, `0x[0-9a-fA-F]+`,
/// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`, `[-+]?\.(inf|Inf|INF)`,
/// `\.(nan|NaN|NAN)`.
fn is_core_number(text: &str) -> bool {
    if let Some(octal) = text.strip_prefix("0o") {
        return !octal.is_empty() && octal.bytes().all(|b| (b'0'..=b'7').contains(&b));
    }
    if let Some(hex) = text.strip_prefix("0x") {
        return !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit());
    }
    if matches!(text, ".nan" | ".NaN" | ".NAN") {
        return true;
    }
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    if matches!(unsigned, ".inf" | ".Inf" | ".INF") {
        return true;
    }
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(at) => (&unsigned[..at], Some(&unsigned[at + 1..])),
        None => (unsigned, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = match mantissa.split_once('.') {
        None => digits(mantissa),
        Some(("", fraction)) => digits(fraction),
        Some((whole, fraction)) => digits(whole) && (fraction.is_empty() || digits(fraction)),
    };
    let exponent_ok = exponent.is_none_or(|e| digits(e.strip_prefix(['-', '+']).unwrap_or(e)));
    mantissa_ok && exponent_ok
}

/// The parser counts characters; spans are bytes. Events come in nearly increasing order, so
/// a cursor moves forward, and a checkpoint every few thousand characters keeps a step back
/// (to the start of a block collection) short.
struct Offsets<'t> {
    text: &'t str,
    base: usize,
    ascii: bool,
    /// (character index, byte offset), increasing.
    checkpoints: Vec<(usize, usize)>,
    cursor: (usize, usize),
}

const CHECKPOINT_EVERY: usize = 4096;

impl<'t> Offsets<'t> {
    fn new(text: &'t str, base: usize) -> Self {
        Self {
            text,
            base,
            ascii: text.is_ascii(),
            checkpoints: vec![(0, 0)],
            cursor: (0, 0),
        }
    }

    /// The file offset of character `index` of the text.
    fn byte(&mut self, index: usize) -> usize {
        if self.ascii {
            return self.base + index.min(self.text.len());
        }
        if index < self.cursor.0 {
            let at = self.checkpoints.partition_point(|&(c, _)| c <= index);
            self.cursor = self.checkpoints.get(at.saturating_sub(1)).copied().unwrap_or((0, 0));
        }
        let (mut chars, mut bytes) = self.cursor;
        let rest = self.text.get(bytes..).unwrap_or_default();
        for c in rest.chars() {
            if chars >= index {
                break;
            }
            chars += 1;
            bytes += c.len_utf8();
            if chars % CHECKPOINT_EVERY == 0 && self.checkpoints.last().is_some_and(|&(last, _)| last < chars) {
                self.checkpoints.push((chars, bytes));
            }
        }
        self.cursor = (chars, bytes);
        self.base + bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(text: &str) -> Node<'static> {
        parse(text, 0).unwrap_or_else(|e| unreachable!("{e:?}"))
    }

    fn refused(text: &str) -> YamlError {
        parse(text, 0).err().unwrap_or_else(|| unreachable!("read: {text}"))
    }

    fn written(text: &str, span: Span) -> &str {
        text.get(span.start..span.end).unwrap_or("<bad span>")
    }

    #[test]
    fn spans_are_byte_ranges_of_the_file() {
        let text = "é: 'x'\nStatement:\n  - Effect: \"Allow\"\n    Action: [ ecs:*, 'oss:Get' ]\n";
        let root = tree(text);
        let statement = root.get("Statement").unwrap_or_else(|| unreachable!());
        let first = statement
            .value
            .as_array()
            .and_then(|s| s.first())
            .unwrap_or_else(|| unreachable!());
        let effect = first.get("Effect").unwrap_or_else(|| unreachable!());
        assert_eq!(written(text, effect.key_span), "Effect");
        assert_eq!(written(text, effect.value.span), "\"Allow\"");
        let action = first.get("Action").unwrap_or_else(|| unreachable!());
        assert_eq!(written(text, action.value.span), "[ ecs:*, 'oss:Get' ]");
        let items = action.value.as_array().unwrap_or_default();
        assert_eq!(
            items.iter().map(|n| written(text, n.span)).collect::<Vec<_>>(),
            ["ecs:*", "'oss:Get'"]
        );
        assert_eq!(
            written(text, root.get("é").map(|m| m.value.span).unwrap_or_default()),
            "'x'"
        );
    }

    #[test]
    fn plain_scalars_follow_the_core_schema() {
        let root = tree("a: 1\nb: true\nc: ~\nd: '1'\ne: 1.5e3\nf: -0\ng: yes\n");
        let kinds: Vec<&str> = root
            .as_object()
            .unwrap_or_default()
            .iter()
            .map(|m| m.value.type_name())
            .collect();
        assert_eq!(
            kinds,
            [
                "a number",
                "a boolean",
                "null",
                "a string",
                "a number",
                "a number",
                "a string"
            ]
        );
        // Numbers JSON cannot write: noted, and read as unknown.
        for bad in ["a: 0x1F", "a: .inf", "a: +1", "a: 007", "a: 1.", "a: .5", "a: 0o7"] {
            let (root, notes) = parse_noting_ambiguities(bad, 0).unwrap_or_else(|e| unreachable!("{e:?}"));
            let a = root.get("a").unwrap_or_else(|| unreachable!());
            assert!(matches!(a.value.value, Value::Unknown(_)), "{bad}");
            assert_eq!(notes, [(Span::new(3, bad.len()), Ambiguity::NotJsonNumber)], "{bad}");
        }
        let (_, notes) = parse_noting_ambiguities("a: yes\nb: 1\n", 0).unwrap_or_else(|e| unreachable!("{e:?}"));
        assert_eq!(notes, [(Span::new(3, 6), Ambiguity::Yaml11Boolean)]);
        // Strings to YAML 1.2 that YAML 1.1 (PyYAML) reads as numbers or dates; keys that are
        // not strings, kept as written.
        let text = "a: 1_000\nb: 16:40\nc: 0b101\nd: 2019-08-12\ne: 2019-08-12T11:00:00+08:00\nf: 1.2.3\ng: 10.0.0.0/8\n1: x\n";
        let (root, notes) = parse_noting_ambiguities(text, 0).unwrap_or_else(|e| unreachable!("{e:?}"));
        let noted: Vec<(&str, Ambiguity)> = notes.iter().map(|(span, a)| (written(text, *span), *a)).collect();
        assert_eq!(
            noted,
            [
                ("1_000", Ambiguity::Yaml11NumberOrDate),
                ("16:40", Ambiguity::Yaml11NumberOrDate),
                ("0b101", Ambiguity::Yaml11NumberOrDate),
                ("2019-08-12", Ambiguity::Yaml11NumberOrDate),
                ("2019-08-12T11:00:00+08:00", Ambiguity::Yaml11NumberOrDate),
                ("1", Ambiguity::NotStringKey),
            ]
        );
        assert!(matches!(root.get("a").map(|m| &m.value.value), Some(Value::Unknown(_))));
        assert!(root.get("1").is_some());
    }

    #[test]
    fn what_json_cannot_say_is_refused_where_it_stands() {
        for (text, at) in [
            ("a: &x 1\nb: *x\n", "&x 1"),
            ("a: &x {b: 1}\n", "&x {"),
            ("a: {b: 1}\nc:\n  <<: {d: 1}\n", "<<"),
            ("a: !!str 1\n", "!!str 1"),
            ("a: !Foo 1\n", "!Foo 1"),
            ("? [a]\n: b\n", "["),
            ("a: 1\n---\nb: 2\n", "---"),
        ] {
            let error = refused(text);
            assert!(!error.syntax, "{text}");
            assert!(
                written(text, error.span).starts_with(at),
                "{text}: {:?}",
                written(text, error.span)
            );
        }
        assert!(refused("a: [1\n").syntax);
    }

    #[test]
    fn short_forms_are_the_functions_they_stand_for() {
        let text = "a: !Sub 'acs:${x}'\nb: !Ref Owner\nc: !Join [',', [x]]\n";
        let root = tree(text);
        let a = root.get("a").unwrap_or_else(|| unreachable!());
        let function = a
            .value
            .as_object()
            .and_then(|m| m.first())
            .unwrap_or_else(|| unreachable!());
        assert_eq!(function.key, "Fn::Sub");
        assert_eq!(written(text, function.key_span), "!Sub");
        assert_eq!(written(text, a.value.span), "!Sub 'acs:${x}'");
        assert_eq!(
            root.get("b")
                .and_then(|m| m.value.as_object())
                .and_then(|m| m.first())
                .map(|m| m.key.as_ref()),
            Some("Ref")
        );
        assert_eq!(
            root.get("c")
                .and_then(|m| m.value.as_object())
                .and_then(|m| m.first())
                .map(|m| m.key.as_ref()),
            Some("Fn::Join")
        );
    }

    #[test]
    fn duplicate_keys_are_kept_and_deep_nesting_refused() {
        let root = tree("a: 1\na: 2\n");
        assert_eq!(root.as_object().map(<[Member]>::len), Some(2));
        // Flow collections: the parser's own limit (255) or ours, whichever comes first.
        let deep = "[".repeat(10_000) + &"]".repeat(10_000);
        let message = refused(&deep).message;
        assert!(
            message.contains("nesting is deeper") || message.contains("recursion limit"),
            "{message}"
        );
        let block: String = (0..200).map(|i| format!("{}a:\n", "  ".repeat(i))).collect();
        assert!(refused(&block).message.contains("nesting is deeper than 127"));
    }

    #[test]
    fn offsets_past_a_long_non_ascii_line_are_exact() {
        let text = format!("a: \"{}\"\nb: x\n", "é".repeat(10_000));
        let root = tree(&text);
        let b = root.get("b").unwrap_or_else(|| unreachable!());
        assert_eq!(written(&text, b.key_span), "b");
        assert_eq!(written(&text, b.value.span), "x");
    }
}
