//! Where a file holds the value of a secret-looking key, so that no snippet ever shows it.
//!
//! A Terraform plan or state with a syntax error, linted because pre-commit names every staged
//! JSON file or passed by mistake as `--policy`, holds `password` and `kms_encrypted_password`
//! values: its snippet would print them into a CI log. The scan is lexical, not a parse, so that
//! it still works on the broken JSON that made ramguard print a snippet in the first place: a
//! string or bare word whose name looks secret (see [`is_secret_key`]) makes the next value a
//! secret — a string's content, a bare scalar, or every scalar of an object or array.
//!
//! It reads JSON, and the `key = "value"` / `key: value` lines of TOML, HCL and YAML. It does
//! not look inside encoded strings (a document inside a JSON string), nor into YAML block
//! scalars or HCL heredocs; ramguard prints snippets of JSON and TOML only.

use super::Span;

/// Parts of a key name that make its value a secret, compared with the key lowercased and
/// stripped of everything but letters and digits (`AccessKeySecret`, `kms_encrypted_password`,
/// `SecurityToken`, `private-key`).
const SECRET_WORDS: [&str; 8] = [
    "password",
    "passwd",
    "passphrase",
    "secret",
    "token",
    "privatekey",
    "credential",
    "apikey",
];

/// Whether the value of a key of this name must never be shown.
pub fn is_secret_key(key: &str) -> bool {
    // The scan asks it of every string and bare word of a file that a snippet shows: an ASCII
    // name (nearly all) is folded on the stack and searched once, where each allocation and
    // eight substring searches made the scan most of the time of printing a finding.
    let mut buffer = [0u8; 64];
    if key.is_ascii() && key.len() <= buffer.len() {
        let mut len = 0;
        for byte in key.bytes().filter(u8::is_ascii_alphanumeric) {
            if let Some(slot) = buffer.get_mut(len) {
                *slot = byte.to_ascii_lowercase();
                len += 1;
            }
        }
        return has_secret_word(buffer.get(..len).unwrap_or_default());
    }
    let folded: String = key
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect();
    has_secret_word(folded.as_bytes())
}

/// Whether one of [`SECRET_WORDS`] is in `folded`: each place is compared only where a word
/// starts with its byte.
fn has_secret_word(folded: &[u8]) -> bool {
    const STARTS: [bool; 256] = {
        let mut starts = [false; 256];
        let mut at = 0;
        while at < SECRET_WORDS.len() {
            starts[SECRET_WORDS[at].as_bytes()[0] as usize] = true;
            at += 1;
        }
        starts
    };
    (0..folded.len()).any(|at| {
        let rest = folded.get(at..).unwrap_or_default();
        rest.first().is_some_and(|&b| STARTS.get(usize::from(b)) == Some(&true))
            && SECRET_WORDS.iter().any(|word| rest.starts_with(word.as_bytes()))
    })
}

/// The byte ranges of every secret value in `text`, sorted and disjoint, each within one line:
/// a string's content without its quotes, or a bare scalar.
pub fn scan(text: &str) -> Vec<Span> {
    let bytes = text.as_bytes();
    let mut secrets = Vec::new();
    // The last name was secret-looking: the next value is a secret. `Some(true)` when the name
    // was quoted (JSON: a bare value ends at `,`, `}` or `]`), `Some(false)` when bare (YAML,
    // TOML: a bare value runs to the end of the line).
    let mut pending: Option<bool> = None;
    let mut depth = 0usize;
    // Inside an object or array that is a secret's value: every scalar in it is secret.
    let mut secret_depth: Option<usize> = None;
    let mut at = 0;
    while let Some(&byte) = bytes.get(at) {
        match byte {
            b' ' | b'\t' | b'\r' | b'\n' => at += 1,
            b'{' | b'[' => {
                depth += 1;
                if pending.take().is_some() && secret_depth.is_none() {
                    secret_depth = Some(depth);
                }
                at += 1;
            }
            b'}' | b']' => {
                if secret_depth == Some(depth) {
                    secret_depth = None;
                }
                depth = depth.saturating_sub(1);
                pending = None;
                at += 1;
            }
            b',' => {
                pending = None;
                at += 1;
            }
            b':' | b'=' | b'>' => at += 1,
            b'"' | b'\'' => {
                let end = string_end(bytes, at);
                let content = Span::new(at + 1, end.content);
                let is_name = next_is_separator(bytes, end.token);
                if !is_name && (pending.is_some() || secret_depth.is_some()) {
                    push(&mut secrets, content);
                    pending = None;
                } else {
                    let name = text.get(content.start..content.end).unwrap_or_default();
                    pending = is_secret_key(name).then_some(true);
                }
                at = end.token;
            }
            _ => {
                let end = bare_end(bytes, at);
                let is_name = next_is_separator(bytes, end);
                if !is_name && let Some(quoted) = pending.take() {
                    let value_end = line_end(bytes, at, quoted);
                    push(&mut secrets, Span::new(at, value_end));
                    at = value_end.max(end);
                    continue;
                }
                if !is_name && secret_depth.is_some() {
                    push(&mut secrets, Span::new(at, end));
                }
                let name = text.get(at..end).unwrap_or_default();
                pending = is_secret_key(name).then_some(false);
                at = end;
            }
        }
    }
    secrets
}

fn push(secrets: &mut Vec<Span>, span: Span) {
    if !span.is_empty() {
        secrets.push(span);
    }
}

/// Where a quoted string ends: its content (before the closing quote) and the whole token.
/// An unterminated string ends at the end of its line, as JSON strings cannot hold a newline.
struct StringEnd {
    content: usize,
    token: usize,
}

fn string_end(bytes: &[u8], open: usize) -> StringEnd {
    let quote = bytes.get(open).copied().unwrap_or(b'"');
    let mut at = open + 1;
    while let Some(&byte) = bytes.get(at) {
        match byte {
            b'\n' | b'\r' => return StringEnd { content: at, token: at },
            b'\'' if quote == b'\'' && bytes.get(at + 1) == Some(&b'\'') => at += 2,
            b'\\' if quote == b'"' => {
                // An escape: skip the escaped byte, unless it is the line's end.
                at += if matches!(bytes.get(at + 1), Some(b'\n' | b'\r') | None) {
                    1
                } else {
                    2
                };
            }
            _ if byte == quote => {
                return StringEnd {
                    content: at,
                    token: at + 1,
                };
            }
            _ => at += 1,
        }
    }
    StringEnd {
        content: bytes.len(),
        token: bytes.len(),
    }
}

/// A bare word (a number, `true`, a YAML scalar, a TOML key) ends at white space or at JSON's
/// punctuation.
fn bare_end(bytes: &[u8], start: usize) -> usize {
    let mut at = start;
    while let Some(&byte) = bytes.get(at) {
        if matches!(
            byte,
            b' ' | b'\t' | b'\r' | b'\n' | b'{' | b'}' | b'[' | b']' | b',' | b':' | b'=' | b'"' | b'\''
        ) {
            break;
        }
        at += 1;
    }
    // `:` inside a word (a YAML time, an ARN) belongs to the word unless a space follows.
    if bytes.get(at) == Some(&b':') && !matches!(bytes.get(at + 1), Some(b' ' | b'\t' | b'\r' | b'\n') | None) {
        return bare_end(bytes, at + 1).max(at + 1);
    }
    at.max(start + 1).min(bytes.len())
}

/// Where a bare value that starts at `at` ends: at the end of its line, or for a value of JSON
/// (`in_json`) at the first `,`, `}` or `]`; trailing white space left out.
fn line_end(bytes: &[u8], at: usize, in_json: bool) -> usize {
    let mut end = at;
    while let Some(&byte) = bytes.get(end) {
        if matches!(byte, b'\n' | b'\r') || (in_json && matches!(byte, b',' | b'}' | b']')) {
            break;
        }
        end += 1;
    }
    while end > at && matches!(bytes.get(end - 1), Some(b' ' | b'\t')) {
        end -= 1;
    }
    end
}

/// Whether the next thing after `at`, past white space on the same line, is `:` or `=`: the
/// word before it is a name, not a value.
fn next_is_separator(bytes: &[u8], mut at: usize) -> bool {
    while matches!(bytes.get(at), Some(b' ' | b'\t')) {
        at += 1;
    }
    matches!(bytes.get(at), Some(b':' | b'='))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hidden(text: &str) -> Vec<&str> {
        scan(text)
            .iter()
            .map(|s| text.get(s.start..s.end).unwrap_or("?"))
            .collect()
    }

    /// The search on the stack answers as folding the key into a string and searching it for
    /// each word, whatever the key: words in any case, cut by separators, beside others, past
    /// ASCII, longer than the buffer.
    #[test]
    fn a_secret_word_is_found_as_by_searching_the_folded_key() {
        let reference = |key: &str| {
            let folded: String = key
                .chars()
                .filter(|c| c.is_alphanumeric())
                .flat_map(char::to_lowercase)
                .collect();
            SECRET_WORDS.iter().any(|word| folded.contains(word))
        };
        let pieces = [
            "Pass", "word", "wd", "_", "-", "Sec", "ret", "TOK", "en", "private", "Key", "api", "\u{c9}", "Cred", "x",
            "1",
        ];
        let mut keys = crate::concatenations(&pieces, 3);
        keys.extend(SECRET_WORDS.iter().map(|w| format!("{}{w}", "a".repeat(60))));
        keys.push("p".repeat(70) + "assword");
        for key in keys {
            assert_eq!(is_secret_key(&key), reference(&key), "{key}");
        }
    }

    #[test]
    fn secret_looking_names() {
        for name in [
            "password",
            "kms_encrypted_password",
            "secret",
            "access_key_secret",
            "token",
            "private_key",
            "AccessKeySecret",
            "SecurityToken",
            "DB_PASSWORD",
            "client-secret",
        ] {
            assert!(is_secret_key(name), "{name}");
        }
        for name in [
            "Action",
            "Resource",
            "InstanceId",
            "access_key_id",
            "kms_encryption_context",
        ] {
            assert!(!is_secret_key(name), "{name}");
        }
    }

    #[test]
    fn json_values_of_secret_keys() {
        let text = r#"{"password": "hunter2", "name": "r-1", "SecurityToken":"a\"b", "pin": 1,
            "token": 1234, "private_key": {"pem": "-----BEGIN", "n": [1, "x"]}, "after": "ok"}"#;
        assert_eq!(hidden(text), ["hunter2", r#"a\"b"#, "1234", "-----BEGIN", "1", "x"]);
    }

    #[test]
    fn broken_json_still_hides_them() {
        assert_eq!(hidden("{\"password\": \"hunter2\n}"), ["hunter2"]);
        assert_eq!(hidden("{\"password\" \"hunter2\"}"), ["hunter2"]);
        assert_eq!(hidden("{\"password\":\n  \"hunter2\",, }"), ["hunter2"]);
        assert_eq!(hidden("{\"password\": hunter 2, \"x\": 1}"), ["hunter 2"]);
    }

    #[test]
    fn names_and_plain_values_are_not_hidden() {
        assert_eq!(
            hidden(r#"{"Action": ["kvstore:*"], "note": "password", "x": "y"}"#),
            Vec::<&str>::new()
        );
        assert_eq!(hidden(r#"["token", "other"]"#), Vec::<&str>::new());
        assert_eq!(
            hidden(r#"{"sensitive_values": {"password": true}, "id": "r-1"}"#),
            ["true"]
        );
    }

    #[test]
    fn toml_and_yaml_lines() {
        assert_eq!(hidden("password = \"hunter2\"\nname = \"x\""), ["hunter2"]);
        assert_eq!(hidden("password: hunter 2, really\nname: x"), ["hunter 2, really"]);
        assert_eq!(hidden("Password: 'it''s'\n"), ["it''s"]);
    }
}
