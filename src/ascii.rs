//! Questions asked of every byte of many short texts (each resource and action of every
//! document, several times), answered eight bytes at a time.

const ONES: u64 = u64::from_le_bytes([0x01; 8]);
const HIGHS: u64 = u64::from_le_bytes([0x80; 8]);

/// Whether `text` has an ASCII capital letter.
pub fn has_uppercase(text: &str) -> bool {
    any_byte(
        text.as_bytes(),
        |word| in_range(word, b'A', b'Z'),
        |b| b.is_ascii_uppercase(),
    )
}

/// Whether `text` has ASCII white space as `char::is_whitespace` sees it: `\t` to `\r`, and
/// the space.
pub fn has_whitespace(text: &str) -> bool {
    any_byte(
        text.as_bytes(),
        |word| in_range(word, b'\t', b'\r') | in_range(word, b' ', b' '),
        |b| matches!(b, b'\t'..=b'\r' | b' '),
    )
}

/// Whether a byte of `bytes` is one `word_marks` marks (bit 7 of each byte of a word read
/// little-endian) and `is_one` says is one, for the bytes past the last whole word.
fn any_byte(bytes: &[u8], word_marks: impl Fn(u64) -> u64, is_one: impl Fn(u8) -> bool) -> bool {
    let mut words = bytes.chunks_exact(8);
    for chunk in &mut words {
        let word = u64::from_le_bytes(chunk.try_into().unwrap_or_default());
        if word_marks(word) != 0 {
            return true;
        }
    }
    words.remainder().iter().any(|&b| is_one(b))
}

/// Bit 7 of each byte of the result is set where that byte of `word` is ASCII and within
/// `low..=high` (both ASCII).
fn in_range(word: u64, low: u8, high: u8) -> u64 {
    debug_assert!(low <= high && high < 0x80);
    // Bytes of at most 0x7f, to which at most 0x80 is added: no sum carries into the next byte.
    let low7 = word & !HIGHS;
    let at_least_low = low7 + ONES * u64::from(0x80 - low);
    let above_high = low7 + ONES * u64::from(0x7f - high);
    at_least_low & !above_high & !word & HIGHS
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every byte value, at every place of a text of one to two words, and beside every other
    /// kind of byte: the answers are the byte-by-byte ones.
    #[test]
    fn each_question_answers_as_asked_byte_by_byte() {
        for len in 1..=17 {
            for at in 0..len {
                for byte in 0..=255u8 {
                    for filler in [b'a', b'Z' + 1, b'A' - 1, 0xff, 0x80, b'\t' - 1, b'\r' + 1] {
                        let mut bytes = vec![filler; len];
                        bytes[at] = byte;
                        // The questions are asked of `str`s: a lone high byte stands in one.
                        let text = String::from_utf8_lossy(&bytes);
                        assert_eq!(
                            has_uppercase(&text),
                            text.bytes().any(|b| b.is_ascii_uppercase()),
                            "{bytes:?}"
                        );
                        assert_eq!(
                            has_whitespace(&text),
                            text.bytes().any(|b| matches!(b, b'\t'..=b'\r' | b' ')),
                            "{bytes:?}"
                        );
                    }
                }
            }
        }
    }
}
