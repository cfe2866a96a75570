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

/// Whether the value of a key of this name must never be shown: one of [`SECRET_WORDS`] is in
/// the name folded (its letters and digits, lowercased).
pub fn is_secret_key(key: &str) -> bool {
    // The scan asks it of every string and bare word of a file that a snippet shows: the name is
    // read once, byte by byte, through an automaton of the words, where folding it into a buffer
    // and comparing each place with the words cost ~35 instructions a byte.
    let mut state = 0;
    if key.is_ascii() {
        for byte in key.bytes() {
            if let Some(class) = ascii_class(byte) {
                state = WORDS.step(state, class);
                if WORDS.found(state) {
                    return true;
                }
            }
        }
        return false;
    }
    // Past ASCII, as the definition says: a letter or digit of another script is kept, so it
    // breaks a word it stands in, and lowercasing may make ASCII of it (the Kelvin sign is a `k`).
    for c in key.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase) {
        state = u8::try_from(c)
            .ok()
            .and_then(ascii_class)
            .map_or(0, |class| WORDS.step(state, class));
        if WORDS.found(state) {
            return true;
        }
    }
    false
}

/// Letters (either case) and digits: the alphabet of the folded name.
const CLASSES: usize = 36;

/// The class of an ASCII letter or digit, lowercase and uppercase alike; `None` for the rest.
const fn ascii_class(byte: u8) -> Option<usize> {
    match byte {
        b'a'..=b'z' => Some((byte - b'a') as usize),
        b'A'..=b'Z' => Some((byte - b'A') as usize),
        b'0'..=b'9' => Some(26 + (byte - b'0') as usize),
        _ => None,
    }
}

/// One state for the start and one for each letter of each word: the trie's size at most.
const STATES: usize = {
    let mut states = 1;
    let mut i = 0;
    while i < SECRET_WORDS.len() {
        states += SECRET_WORDS[i].len();
        i += 1;
    }
    states
};

/// [`SECRET_WORDS`] as a deterministic automaton (Aho–Corasick): state 0 is the start, and a
/// state is `found` once a word ends at the letter just read.
struct Automaton {
    next: [[u8; CLASSES]; STATES],
    found: [bool; STATES],
}

impl Automaton {
    #[inline]
    fn step(&self, state: usize, class: usize) -> usize {
        self.next
            .get(state)
            .and_then(|row| row.get(class))
            .map_or(0, |&next| usize::from(next))
    }

    #[inline]
    fn found(&self, state: usize) -> bool {
        self.found.get(state).copied().unwrap_or(false)
    }
}

/// Built when compiling: the trie of the words, then every missing move filled in from the
/// state of the longest proper suffix (its "failure"), breadth first.
const WORDS: Automaton = {
    assert!(STATES <= 256, "states are bytes");
    let mut next = [[0u8; CLASSES]; STATES];
    let mut found = [false; STATES];
    // The trie: no move of it leads back to the start, so 0 marks a move not yet made.
    let mut states = 1;
    let mut w = 0;
    while w < SECRET_WORDS.len() {
        let word = SECRET_WORDS[w].as_bytes();
        let mut state = 0;
        let mut i = 0;
        while i < word.len() {
            let Some(class) = ascii_class(word[i]) else {
                panic!("a secret word is folded: lowercase letters and digits");
            };
            if next[state][class] == 0 {
                next[state][class] = states as u8;
                states += 1;
            }
            state = next[state][class] as usize;
            i += 1;
        }
        found[state] = true;
        w += 1;
    }
    // Breadth first, so that a state's failure (shallower) is complete before the state is.
    let mut failure = [0usize; STATES];
    let mut queue = [0usize; STATES];
    let (mut head, mut tail) = (0, 0);
    let mut class = 0;
    while class < CLASSES {
        if next[0][class] != 0 {
            queue[tail] = next[0][class] as usize;
            tail += 1;
        }
        class += 1;
    }
    while head < tail {
        let state = queue[head];
        head += 1;
        let mut class = 0;
        while class < CLASSES {
            let child = next[state][class] as usize;
            if child != 0 {
                failure[child] = next[failure[state]][class] as usize;
                found[child] = found[child] || found[failure[child]];
                queue[tail] = child;
                tail += 1;
            } else {
                next[state][class] = next[failure[state]][class];
            }
            class += 1;
        }
    }
    Automaton { next, found }
};

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
    /// ASCII (the Kelvin sign folds to a `k`), long.
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
            "1", "To", "\u{212a}",
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
