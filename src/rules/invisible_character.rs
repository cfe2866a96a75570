//! A string holds a character that does not show: a control, a zero-width or bidirectional character.
//!
//! ## What it does
//! Reports every character in a key or string of the document (`Effect`, `Action`, `Resource`,
//! condition operators, keys and values, `Principal`, `Sid`) that a reviewer cannot see: C0
//! and C1 control characters and DEL, whether written raw or as an escape like `\u0007`; format
//! characters (Unicode category Cf: the soft hyphen U+00AD, zero-width spaces and joiners
//! U+200B–U+200D, the byte-order mark U+FEFF, the invisible operators U+2060–U+2064, tag
//! characters); the bidirectional controls U+200E–U+200F, U+202A–U+202E and U+2066–U+2069; the
//! line and paragraph separators U+2028–U+2029; and the other default-ignorable code points
//! (variation selectors, Hangul fillers, the combining grapheme joiner). The finding points at
//! the exact character (for an escape, the escape's text) and shows it escaped (`\u{200b}`).
//! The zero-width joiner and variation selectors inside an emoji sequence are part of a
//! character that shows, and are not reported.
//!
//! ## Why is this bad?
//! RAM compares actions, resources and condition values character by character. A `Deny` on
//! `instance/r-bp1\u200bx*` (a zero-width space after `bp1`, which no editor shows) reads like
//! a guard for `r-bp1x...` and matches nothing; a bidirectional control (the "Trojan Source"
//! trick) makes the text a reviewer reads differ from the text RAM evaluates. ramguard's
//! `simulate` and `preflight` refuse a policy with this error, so no permission check passes
//! on one.
//!
//! ## Example
//! ```json
//! { "Effect": "Deny", "Action": "kvstore:DeleteInstance", "Resource": "acs:kvstore:*:*:instance/r-bp1\u200bx*" }
//! ```
//!
//! Use instead:
//! ```json
//! { "Effect": "Deny", "Action": "kvstore:DeleteInstance", "Resource": "acs:kvstore:*:*:instance/r-bp1x*" }
//! ```

use std::borrow::Cow;

use super::{Finding, Rule, Severity};
use crate::json::{Node, PathStep, Value, decode_string_token, pointer_of};
use crate::source::Span;

pub static RULE: Rule = Rule {
    code: "RG019",
    name: "invisible-character",
    severity: Severity::Error,
    source: include_str!("invisible_character.rs"),
    // Made while reading, where the text of every string token is at hand (see `scan`).
    check: Rule::no_check,
};

/// What kind of invisible character `c` is, or `None` for a character that shows.
pub fn invisible(c: char) -> Option<&'static str> {
    let kind = match u32::from(c) {
        0x00..=0x1F | 0x7F..=0x9F => "a control character",
        0x200E | 0x200F | 0x202A..=0x202E | 0x2066..=0x2069 | 0x061C => "a bidirectional control",
        0x200B => "a zero-width space",
        0x200C | 0x200D | 0x034F => "a zero-width joiner",
        0xFEFF => "a zero-width no-break space (byte-order mark)",
        0x00AD => "a soft hyphen",
        0x2028 | 0x2029 => "a line or paragraph separator",
        0xFE00..=0xFE0F | 0xE0100..=0xE01EF | 0x180B..=0x180D | 0x180F => "a variation selector",
        0x115F | 0x1160 | 0x3164 | 0xFFA0 | 0x17B4 | 0x17B5 => "an invisible filler",
        // The rest of Unicode's category Cf (format characters) and of its default-ignorable
        // code points, unassigned ones included: none of them has a visible form.
        0x0600..=0x0605
        | 0x06DD
        | 0x070F
        | 0x0890..=0x0891
        | 0x08E2
        | 0x180E
        | 0x2060..=0x2065
        | 0x206A..=0x206F
        | 0xFFF0..=0xFFFB
        | 0x110BD
        | 0x110CD
        | 0x13430..=0x1343F
        | 0x1BCA0..=0x1BCA3
        | 0x1D173..=0x1D17A
        | 0xE0000..=0xE0FFF => "an invisible format character",
        _ => return None,
    };
    Some(kind)
}

/// Whether `c` is the zero-width joiner or a variation selector of an emoji sequence
/// (`👨‍👩‍👧`, `❤️`): invisible by design there, and part of a character that shows.
fn part_of_emoji(before: Option<char>, c: char, after: Option<char>) -> bool {
    let emoji = |c: Option<char>| {
        c.is_some_and(|c| matches!(u32::from(c), 0x00A9 | 0x00AE | 0x203C | 0x2049 | 0x2122 | 0x2139 | 0x2190..=0x2BFF | 0x3030 | 0x303D | 0x3297 | 0x3299 | 0x1F000..=0x1FAFF))
    };
    match c {
        '\u{fe0e}' | '\u{fe0f}' => emoji(before),
        '\u{200d}' => (emoji(before) || before == Some('\u{fe0f}')) && emoji(after),
        _ => false,
    }
}

/// `text` with every invisible character written as a Rust escape (`\u{200b}`).
pub fn escaped(text: &str) -> Cow<'_, str> {
    if !text.chars().any(|c| invisible(c).is_some()) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if invisible(c).is_some() {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Every run of invisible characters in the keys and strings of `root`. The spans of `root`
/// index `text`; `to_file` moves an offset of `text` into the file (the identity for a bare
/// document, the decoding map for a document carried as an encoded string).
pub fn scan(text: &str, root: &Node, to_file: &dyn Fn(usize) -> usize) -> Vec<Finding> {
    let mut findings = Vec::new();
    // The common case: nothing but printable ASCII in the document's strings, settled by one
    // pass over its bytes instead of a walk over every value.
    let document = text.get(root.span.start..root.span.end).unwrap_or(text);
    if crate::json::strings_are_printable_ascii(document) {
        return findings;
    }
    visit(text, root, &mut Vec::new(), to_file, &mut findings);
    findings
}

/// Depth first, keeping the path so that a pointer is only built for a finding. Recursion is
/// bounded: the parser refuses documents nested deeper than `json::MAX_DEPTH`.
fn visit<'a>(
    text: &str,
    node: &'a Node<'a>,
    path: &mut Vec<PathStep<'a>>,
    to_file: &dyn Fn(usize) -> usize,
    sink: &mut Vec<Finding>,
) {
    match &node.value {
        Value::String(value) => check_string(text, value, node.span, path, to_file, sink),
        Value::Object(members) => {
            for member in members {
                path.push(PathStep::Key(&member.key));
                check_string(text, &member.key, member.key_span, path, to_file, sink);
                visit(text, &member.value, path, to_file, sink);
                path.pop();
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                path.push(PathStep::Index(i));
                visit(text, item, path, to_file, sink);
                path.pop();
            }
        }
        // The literal parts of a string with interpolations (built from a Terraform
        // expression): each part that hides a character is reported where it is written.
        Value::Template(template) => {
            for part in &template.parts {
                let crate::json::Part::Text(value, span) = part else {
                    continue;
                };
                let hidden: Vec<char> = value.chars().filter(|c| invisible(*c).is_some()).collect();
                let Some(first) = hidden.first() else { continue };
                let kind = invisible(*first).unwrap_or("an invisible character");
                let shown: String = hidden.iter().map(|c| format!("\\u{{{:x}}}", u32::from(*c))).collect();
                sink.push(
                    Finding::new(
                        &RULE,
                        Span::new(to_file(span.start), to_file(span.end)),
                        format!("{kind} (`{shown}`) in `{}`", escaped(&template.display())),
                    )
                    .label("invisible in here")
                    .pointer(pointer_of(path))
                    .help(
                        "RAM compares the text as written, so this value is not what a reviewer reads; \
                         delete the character (a copy and paste often brings it along)",
                    ),
                );
            }
        }
        _ => {}
    }
}

/// The string `value`, written as the token at `span` of `text`.
fn check_string(
    text: &str,
    value: &str,
    span: Span,
    path: &[PathStep<'_>],
    to_file: &dyn Fn(usize) -> usize,
    sink: &mut Vec<Finding>,
) {
    // The common case costs one pass over the decoded value's bytes; printable ASCII shows.
    if value.bytes().all(|b| (b' '..=b'~').contains(&b)) || !value.chars().any(|c| invisible(c).is_some()) {
        return;
    }
    // Decoded again with the place of every character (an escape is several bytes of text).
    let Some(decoded) = decode_string_token(text, span) else {
        return;
    };
    let pointer = pointer_of(path);
    let chars: Vec<(usize, char)> = decoded.text.char_indices().collect();
    let hidden_at = |i: usize| -> Option<&'static str> {
        let (_, c) = *chars.get(i)?;
        let before = i.checked_sub(1).and_then(|b| chars.get(b)).map(|&(_, c)| c);
        let after = chars.get(i + 1).map(|&(_, c)| c);
        if part_of_emoji(before, c, after) {
            return None;
        }
        invisible(c)
    };
    let mut i = 0;
    while i < chars.len() {
        let Some(kind) = hidden_at(i) else {
            i += 1;
            continue;
        };
        // A run of invisible characters is one finding.
        let Some(&(start, _)) = chars.get(i) else { break };
        let mut run = Vec::new();
        while hidden_at(i).is_some() {
            if let Some(&(_, c)) = chars.get(i) {
                run.push(c);
            }
            i += 1;
        }
        let end = chars.get(i).map_or(decoded.text.len(), |&(at, _)| at);
        let file_span = Span::new(to_file(decoded.file_offset(start)), to_file(decoded.file_offset(end)));
        let shown: String = run.iter().map(|c| format!("\\u{{{:x}}}", u32::from(*c))).collect();
        let what = if run.len() == 1 {
            format!("{kind} (`{shown}`)")
        } else {
            format!("{} invisible characters (`{shown}`)", run.len())
        };
        // The value is shown escaped, and only when short enough for one line.
        let context = if value.chars().count() <= 120 {
            format!(" in `{}`", escaped(value))
        } else {
            String::new()
        };
        sink.push(
            Finding::new(&RULE, file_span, format!("{what}{context}"))
                .label("invisible here")
                .pointer(pointer.clone())
                .help(
                    "RAM compares the text as written, so this value is not what a reviewer reads; \
                     delete the character (a copy and paste often brings it along)",
                ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_invisible() {
        for c in [
            '\u{0}',
            '\u{7}',
            '\t',
            '\n',
            '\u{1b}',
            '\u{7f}',
            '\u{85}',
            '\u{9f}',
            '\u{ad}',
            '\u{200b}',
            '\u{200d}',
            '\u{200e}',
            '\u{202e}',
            '\u{2028}',
            '\u{2029}',
            '\u{2060}',
            '\u{2066}',
            '\u{2069}',
            '\u{feff}',
            '\u{fe0f}',
            '\u{e0041}',
            '\u{3164}',
        ] {
            assert!(invisible(c).is_some(), "{:x}", u32::from(c));
        }
        for c in ['a', ' ', '*', 'é', '中', '\u{a0}', '😀', '\u{fffd}'] {
            assert!(invisible(c).is_none(), "{:x}", u32::from(c));
        }
    }

    #[test]
    fn emoji_sequences_are_not_invisible_characters() {
        let text = "{\"Tag\": \"\u{1f468}\u{200d}\u{1f469}\u{200d}\u{1f467} \u{2764}\u{fe0f}\", \"Odd\": \"a\u{200d}b\u{fe0f}\"}";
        let root = crate::json::parse(text).unwrap_or_else(|e| unreachable!("{e:?}"));
        let findings = scan(text, &root, &|o| o);
        let pointers: Vec<&str> = findings.iter().map(|f| f.pointer.as_str()).collect();
        assert_eq!(pointers, ["/Odd", "/Odd"]);
    }

    #[test]
    fn escapes_are_placed_exactly_and_shown_escaped() {
        let text = "{\"Resource\": \"r-bp1\\u200bx*\", \"Raw\": \"a\u{200b}b\"}";
        let root = crate::json::parse(text).unwrap_or_else(|e| unreachable!("{e:?}"));
        let findings = scan(text, &root, &|o| o);
        let spans: Vec<&str> = findings
            .iter()
            .map(|f| text.get(f.span.start..f.span.end).unwrap_or_default())
            .collect();
        assert_eq!(spans, [r"\u200b", "\u{200b}"]);
        assert_eq!(
            findings.first().map(|f| &*f.message),
            Some(r"a zero-width space (`\u{200b}`) in `r-bp1\u{200b}x*`")
        );
        assert_eq!(findings.first().map(|f| f.pointer.as_str()), Some("/Resource"));
        assert!(findings.iter().all(|f| !f.message.contains('\u{200b}')));
    }
}
