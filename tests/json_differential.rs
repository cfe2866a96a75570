//! ramguard's JSON reader against serde_json, the strict reference: on every input both accept
//! or both refuse, and what both accept reads as the same value. The inputs are JSON texts made
//! from a grammar and then damaged (a byte dropped, doubled or swapped for a JSON-significant
//! one), so that most of them sit near the edge of the grammar, where readers disagree.
//!
//! Two differences are by design and stated here: serde_json's `Value` refuses a number beyond
//! f64's range (`1e400`), which ramguard keeps as written; and serde_json keeps the last of two
//! equal keys, where ramguard keeps both (the `duplicate-key` rule and the readers refuse them),
//! so values are compared after keeping the last.

#[path = "../fuzz/targets.rs"]
#[allow(dead_code, reason = "the json target is the one used here")]
mod targets;

use proptest::prelude::*;
use ramguard::json::{self, Node, Value};

/// ramguard's tree as a serde_json value, the last of equal keys winning as in serde_json.
fn to_serde(node: &Node) -> serde_json::Value {
    match &node.value {
        Value::Null => serde_json::Value::Null,
        Value::Bool(b) => serde_json::Value::Bool(*b),
        Value::Number(n) => serde_json::from_str(n).unwrap_or(serde_json::Value::Null),
        Value::String(s) => serde_json::Value::String(s.to_string()),
        Value::Array(items) => serde_json::Value::Array(items.iter().map(to_serde).collect()),
        Value::Object(members) => {
            let mut map = serde_json::Map::new();
            for m in members {
                map.insert(m.key.to_string(), to_serde(&m.value));
            }
            serde_json::Value::Object(map)
        }
        // Only the Terraform reader makes these: from the JSON reader they are a difference.
        Value::Unknown(_) | Value::Template(_) => serde_json::Value::String("\u{0}unknown from the JSON reader".into()),
    }
}

/// Check one text; a failure message says how the two readers differ.
fn agree(text: &str) -> Result<(), String> {
    let ours = json::parse(text);
    let reference = serde_json::from_str::<serde_json::Value>(text);
    match (ours, reference) {
        (Ok(node), Ok(value)) => {
            if to_serde(&node) == value {
                Ok(())
            } else {
                Err(format!("{text:?}: read differently"))
            }
        }
        (Err(_), Err(_)) => Ok(()),
        (Ok(_), Err(e)) if e.to_string().starts_with("number out of range") => Ok(()),
        (Ok(_), Err(e)) => Err(format!("{text:?}: ramguard accepts, serde_json refuses ({e})")),
        (Err(e), Ok(_)) => Err(format!(
            "{text:?}: ramguard refuses ({}), serde_json accepts",
            e.message
        )),
    }
}

fn leaf() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("null".to_string()),
        Just("true".to_string()),
        Just("false".to_string()),
        "-?(0|[1-9][0-9]{0,3})(\\.[0-9]{1,3})?([eE][+-]?[0-9]{1,3})?",
        // Strings with escapes, surrogates (paired and lone), non-ASCII and controls.
        proptest::collection::vec(
            prop_oneof![
                "[a-zA-Z0-9 :*/-]{0,6}",
                Just("\\\"".to_string()),
                Just("\\\\".to_string()),
                Just("\\n".to_string()),
                Just("\\u00e9".to_string()),
                Just("\\u001b".to_string()),
                Just("\\ud83d\\ude00".to_string()),
                Just("\\ud83d".to_string()),
                Just("\\ude00".to_string()),
                Just("é€😀".to_string()),
                Just("\u{7f}".to_string()),
            ],
            0..4
        )
        .prop_map(|parts| format!("\"{}\"", parts.concat())),
    ]
}

fn document() -> impl Strategy<Value = String> {
    leaf().prop_recursive(5, 48, 5, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..5).prop_map(|items| format!("[{}]", items.join(", "))),
            proptest::collection::vec(("[a-zA-Z]{1,3}", inner), 0..5).prop_map(|members| {
                let members: Vec<String> = members.iter().map(|(k, v)| format!("\"{k}\":{v}")).collect();
                format!("{{ {} }}", members.join(",\n"))
            }),
        ]
    })
}

/// A document, damaged at one place or not at all.
fn damaged() -> impl Strategy<Value = String> {
    let significant = prop_oneof![
        Just(""),
        Just(","),
        Just(":"),
        Just("\""),
        Just("\\"),
        Just("{"),
        Just("}"),
        Just("["),
        Just("]"),
        Just("0"),
        Just("-"),
        Just("."),
        Just("e"),
        Just(" "),
        Just("\u{0}"),
        Just("\t"),
        Just("/"),
        Just("'"),
        Just("\u{feff}"),
    ];
    (document(), any::<proptest::sample::Index>(), significant, any::<bool>()).prop_map(|(text, at, with, damage)| {
        if !damage {
            return text;
        }
        let boundaries: Vec<usize> = text.char_indices().map(|(i, _)| i).chain([text.len()]).collect();
        let start = boundaries[at.index(boundaries.len())];
        let end = text[start..].chars().next().map_or(start, |c| start + c.len_utf8());
        format!("{}{with}{}", &text[..start], &text[end..])
    })
}

/// A document whose keys come from a small set, so that objects often repeat one; some objects
/// have more than sixteen members (the reader looks for repeats there through a map).
fn repetitive() -> impl Strategy<Value = String> {
    Just("0".to_string()).prop_recursive(4, 64, 20, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..3).prop_map(|items| format!("[{}]", items.join(","))),
            proptest::collection::vec(("[a-t]", inner), 0..20).prop_map(|members| {
                let members: Vec<String> = members.iter().map(|(k, v)| format!("\"{k}\":{v}")).collect();
                format!("{{{}}}", members.join(","))
            }),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2_000, ..ProptestConfig::default() })]

    /// The reader says a text repeats a key exactly when one of its objects does (`duplicate-key`
    /// skips the documents it says do not): the `json` fuzz target checks it against a walk of
    /// its own, on texts that repeat keys often.
    #[test]
    fn the_reader_says_whether_a_key_repeats(text in repetitive()) {
        targets::json(text.as_bytes());
    }

    #[test]
    fn same_verdict_and_value_as_serde_json(text in damaged()) {
        prop_assert_eq!(agree(&text), Ok(()));
    }

    #[test]
    fn any_bytes_same_verdict(text in "\\PC{0,24}") {
        prop_assert_eq!(agree(&text), Ok(()));
    }
}

#[test]
fn edges_agree() {
    let deep = |n: usize| "[".repeat(n) + &"]".repeat(n);
    for text in [
        "",
        " ",
        "\u{feff}{}",
        "{}",
        "[]",
        "[1,]",
        "{\"a\":1,}",
        "[01]",
        "[-0]",
        "[1e400]",
        "[\"\\ud800\"]",
        "[\"\\udc00\\ud800\"]",
        "[\"\\u00\"]",
        "[\"\u{1f}\"]",
        "[\"\u{7f}\"]",
        "{\"a\":1}x",
        "[] ",
        "\t[]\r\n",
        "[true false]",
        "{\"a\" 1}",
        "{1:2}",
        "nul",
        "[\"\\/\"]",
        "[\"\\é\"]",
    ] {
        assert_eq!(agree(text), Ok(()));
    }
    for depth in [1, 127, 128, 129, 1_000] {
        assert_eq!(agree(&deep(depth)), Ok(()), "depth {depth}");
    }
}
