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
    // In ASCII (nearly all text) the hidden characters are the C0 controls and DEL: a byte
    // test, where decoding each character and testing it against every range cost ~10 times.
    let clean = if text.is_ascii() {
        !text.bytes().any(|b| (b < 0x20 || b == 0x7f) && !keep(char::from(b)))
    } else {
        !text.chars().any(|c| is_hidden(c) && !keep(c))
    };
    if clean {
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
    if !has_hidden_past_c0(&text) {
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

/// Whether `text` holds a hidden character past the C0 controls (which [`json`] escapes).
/// Every such character is DEL or past ASCII: two vectorised scans settle the common text, an
/// ASCII one without DEL, and only other text is walked character by character.
fn has_hidden_past_c0(text: &str) -> bool {
    if text.is_ascii() {
        return text.as_bytes().contains(&0x7f);
    }
    text.chars().any(|c| is_hidden(c) && c > '\u{1f}')
}

/// [`json`] of a value serialized with indentation, and a final newline.
pub fn json_text(value: &impl serde::Serialize) -> String {
    json(serde_json::to_string_pretty(value).unwrap_or_default()) + "\n"
}

/// [`json_text`] written to `out` as it is serialized, never held whole: a report of many
/// thousands of instances costs no memory in proportion to its text. The bytes are the same.
pub fn write_json_text(out: &mut impl std::io::Write, value: &impl serde::Serialize) -> std::io::Result<()> {
    use std::io::Write;
    let mut escaper = JsonEscaper {
        out: std::io::BufWriter::with_capacity(1 << 16, out),
        pending: Vec::new(),
    };
    // serde writes token by token: the escaper (which checks its text for UTF-8 and hidden
    // characters on every write) sees the serialized text in large blocks instead.
    let mut serialized = std::io::BufWriter::with_capacity(1 << 16, &mut escaper);
    serde_json::to_writer_pretty(&mut serialized, value).map_err(std::io::Error::other)?;
    serialized.flush()?;
    drop(serialized);
    // serde writes whole characters: nothing is pending at the end of a document, and
    // whatever is (it would not be UTF-8) goes out as it came.
    let pending = std::mem::take(&mut escaper.pending);
    escaper.out.write_all(&pending)?;
    escaper.out.write_all(b"\n")?;
    escaper.out.flush()
}

/// A writer that applies [`json`]'s escapes to the serialized text passing through it. A
/// character cut between two writes waits in `pending` for its last bytes.
struct JsonEscaper<W: std::io::Write> {
    out: W,
    pending: Vec<u8>,
}

impl<W: std::io::Write> std::io::Write for JsonEscaper<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let joined;
        let bytes = if self.pending.is_empty() {
            buf
        } else {
            self.pending.extend_from_slice(buf);
            joined = std::mem::take(&mut self.pending);
            &joined
        };
        let (text, rest) = match std::str::from_utf8(bytes) {
            Ok(text) => (text, &[][..]),
            Err(error) => {
                let (valid, rest) = bytes.split_at(error.valid_up_to());
                (std::str::from_utf8(valid).unwrap_or_default(), rest)
            }
        };
        if has_hidden_past_c0(text) {
            self.out.write_all(json(text.to_string()).as_bytes())?;
        } else {
            self.out.write_all(text.as_bytes())?;
        }
        match std::str::from_utf8(rest) {
            // An incomplete character at the end: wait for the rest of it.
            Err(error) if error.error_len().is_none() && rest.len() < 4 => self.pending.extend_from_slice(rest),
            _ => self.out.write_all(rest)?,
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
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

    /// ASCII text is tested byte by byte: every character escaped there is one `is_hidden`
    /// names, in text that is ASCII and in text that is not.
    #[test]
    fn ascii_is_escaped_as_is_hidden_says() {
        for c in (0..=0x7f_u8).map(char::from) {
            for text in [format!("a{c}b"), format!("\u{e9}{c}")] {
                let escaped = |kept: bool, out: Cow<'_, str>| matches!(out, Cow::Owned(_)) == (is_hidden(c) && !kept);
                assert!(escaped(false, line(&text)), "{c:?}");
                assert!(escaped(c == '\n', lines(&text)), "{c:?}");
                assert!(escaped(c == '\t', source_line(&text)), "{c:?}");
            }
        }
    }

    #[test]
    fn written_json_is_the_same_text_whatever_the_cuts() {
        let value = serde_json::json!({
            "a": "x\u{1b}\u{9b}\u{202e}\u{e0041}\u{7f}y é 中 \u{1F600}",
            "b": ["plain", "\u{ad}", 1, null],
        });
        let whole = json_text(&value);
        let mut streamed = Vec::new();
        write_json_text(&mut streamed, &value).unwrap_or_else(|e| unreachable!("{e}"));
        assert_eq!(String::from_utf8(streamed).unwrap_or_default(), whole);
        // Characters cut between writes, at every place.
        let raw = serde_json::to_string_pretty(&value).unwrap_or_default();
        for cut in 0..raw.len() {
            let mut out = Vec::new();
            let mut escaper = JsonEscaper {
                out: &mut out,
                pending: Vec::new(),
            };
            let (left, right) = raw.as_bytes().split_at(cut);
            std::io::Write::write_all(&mut escaper, left).unwrap_or_else(|e| unreachable!("{e}"));
            std::io::Write::write_all(&mut escaper, right).unwrap_or_else(|e| unreachable!("{e}"));
            assert!(escaper.pending.is_empty());
            assert_eq!(String::from_utf8(out).unwrap_or_default() + "\n", whole, "cut at {cut}");
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
