//! Input text is shown, never obeyed: every character that a terminal (or a reviewer's eye)
//! would not show as itself is written as an escape, the way Rust's `{:?}` writes it (`\u{1b}`).
//!
//! An untrusted pull request can put an action `"kvstore:X\u001b]0;pwned\u0007"` in a policy:
//! printed raw, it rewrites the reviewer's terminal title, colours, and with other sequences
//! the clipboard. Every reporter passes input text (messages, snippets, paths, instance names)
//! through here, in every format:
//!
//! - human and GitHub text: C0 controls, DEL, C1 controls, and the invisible format characters
//!   (zero-width, bidirectional "Trojan Source" controls, line and paragraph separators, the
//!   byte-order mark, tag characters) become `\u{…}`; a tab stays a tab only in a source
//!   snippet, where it is indentation;
//! - JSON and SARIF: serde_json already writes C0 controls as `\u001b`; [`json`] writes the
//!   others as JSON escapes too (`\u009b`, `\u202e`), which decode to the very same text, so a
//!   program reading the output sees exactly the input.
//!
//! A backslash is not escaped: `\u{1b}` in the input reads the same as an escaped ESC, but
//! Windows paths and regular text stay as they are.

use std::borrow::Cow;

/// Whether `c` must not reach the output raw: it is not shown as itself, or it acts on the
/// terminal or on the text around it.
pub fn is_hidden(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}' // C0, DEL, C1
        | '\u{ad}'                               // soft hyphen
        | '\u{61c}'                              // Arabic letter mark (bidirectional)
        | '\u{180e}'                             // Mongolian vowel separator
        | '\u{200b}'..='\u{200f}'                // zero-width space, joiners, LRM, RLM
        | '\u{2028}'..='\u{202e}'                // line/paragraph separators, LRE RLE PDF LRO RLO
        | '\u{2060}'..='\u{2064}'                // word joiner, invisible operators
        | '\u{2066}'..='\u{206f}'                // LRI RLI FSI PDI, deprecated format characters
        | '\u{feff}'                             // byte-order mark, zero-width no-break space
        | '\u{fff9}'..='\u{fffb}'                // interlinear annotation
        | '\u{e0000}'..='\u{e007f}'              // tag characters
    )
}

/// Input text for one line of output: every hidden character escaped, line breaks included.
pub fn line(text: &str) -> Cow<'_, str> {
    escape(text, |_| false)
}

/// Input text that may span lines (a report's body): line breaks kept, everything else
/// hidden escaped.
pub fn lines(text: &str) -> Cow<'_, str> {
    escape(text, |c| c == '\n')
}

/// One line of a source snippet: tabs kept (miette draws them as indentation).
pub fn source_line(text: &str) -> Cow<'_, str> {
    escape(text, |c| c == '\t')
}

fn escape(text: &str, keep: impl Fn(char) -> bool) -> Cow<'_, str> {
    if !text.chars().any(|c| is_hidden(c) && !keep(c)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_hidden(c) && !keep(c) {
            match c {
                '\t' => out.push_str("\\t"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                _ => out.push_str(&format!("\\u{{{:x}}}", u32::from(c))),
            }
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Serialized JSON with every hidden character that serde_json leaves raw (DEL, C1, format
/// characters) written as a JSON escape. They can only stand inside strings, so the document
/// means exactly what it meant.
pub fn json(text: String) -> String {
    if !text.chars().any(|c| is_hidden(c) && c > '\u{1f}') {
        return text;
    }
    let mut out = String::with_capacity(text.len() + 16);
    let mut units = [0u16; 2];
    for c in text.chars() {
        // C0 controls outside strings are JSON's own white space (serde's newlines and
        // indentation); inside strings serde has escaped them already.
        if is_hidden(c) && c > '\u{1f}' {
            for unit in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// [`json`] of a value serialized with indentation, and a final newline.
pub fn json_text(value: &impl serde::Serialize) -> String {
    json(serde_json::to_string_pretty(value).unwrap_or_default()) + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_sequences_are_escaped() {
        let action = "kvstore:X\u{1b}[31mRED\u{1b}]0;pwned\u{7}";
        assert_eq!(line(action), "kvstore:X\\u{1b}[31mRED\\u{1b}]0;pwned\\u{7}");
        assert_eq!(line("a\u{9b}b\u{7f}"), "a\\u{9b}b\\u{7f}");
        assert_eq!(line("r-bp1\u{200b}x\u{202e}"), "r-bp1\\u{200b}x\\u{202e}");
        assert_eq!(line("two\nlines\t"), "two\\nlines\\t");
        assert_eq!(lines("two\nlines\r"), "two\nlines\\r");
        assert_eq!(source_line("\t\"a\": 1\u{1b}"), "\t\"a\": 1\\u{1b}");
        assert!(matches!(line("plain `text`, é 中"), Cow::Borrowed(_)));
        for c in ['\u{0}', '\u{ad}', '\u{2028}', '\u{feff}', '\u{e0001}'] {
            assert_eq!(line(&c.to_string()), format!("\\u{{{:x}}}", u32::from(c)));
        }
    }

    #[test]
    fn json_escapes_decode_to_the_same_text() {
        let value = serde_json::json!({ "a": "x\u{1b}\u{9b}\u{202e}\u{e0041}\u{7f}y" });
        let text = json_text(&value);
        assert!(!text.chars().any(|c| is_hidden(c) && c != '\n'), "{text:?}");
        let back: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
        assert_eq!(back, value);
    }
}
