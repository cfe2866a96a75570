//! What the rules ask of each entry of a document's `Action` / `NotAction` lists, worked out once
//! per document ([`super::Context::action_entries`]): its service part and name, whether it has
//! wildcards, whether its form is the common `service:Name`, and what the catalogue says of it.
//!
//! Nine rules ask these questions of every entry of every document; each split it, searched it
//! for wildcards or looked it up on its own. Here one pass over the entry's bytes answers all
//! but the lookup, and the lookup is made once.

use crate::catalog::{Catalog, Lookup, ServiceEntry};
use crate::policy::{Item, Statement};

/// The bytes of an action name: letters, digits, `-`, `_`, `.` and the wildcards (a table, for
/// it is asked of every byte of every action).
pub(super) const ALLOWED: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        let c = byte as u8;
        table[byte] = c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.' | b'*' | b'?');
        byte += 1;
    }
    table
};

/// The classes of a byte, bits of [`CLASS`]: one that may stand in an action (the colon too),
/// the colon, a wildcard, an ASCII capital.
const MAY_STAND: u8 = 0b0001;
const COLON: u8 = 0b0010;
const WILDCARD: u8 = 0b0100;
const CAPITAL: u8 = 0b1000;

/// Each byte's classes, for the one pass of [`shape`].
const CLASS: [u8; 256] = {
    let mut table = [0; 256];
    let mut byte = 0;
    while byte < 256 {
        let c = byte as u8;
        let mut class = 0;
        if ALLOWED[byte] || c == b':' {
            class |= MAY_STAND;
        }
        if c == b':' {
            class |= COLON;
        }
        if c == b'*' || c == b'?' {
            class |= WILDCARD;
        }
        if c.is_ascii_uppercase() {
            class |= CAPITAL;
        }
        table[byte] = class;
        byte += 1;
    }
    table
};

/// An entry's text, read in one pass over its bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    /// Where its first colon is.
    pub colon: Option<usize>,
    /// Whether another colon follows the first.
    pub more_colons: bool,
    /// Whether every byte may stand in an action (the colons too).
    pub allowed: bool,
    /// Whether it has a `*` or `?`, anywhere, and before its first colon (everywhere when it has
    /// no colon: [`super::split_action`] makes the whole entry its service part then).
    pub wildcard: bool,
    pub service_wildcard: bool,
    /// Whether an ASCII capital stands before its first colon (anywhere, without one).
    pub service_capital: bool,
}

impl Shape {
    /// `service:Name`: allowed bytes around one colon that is neither first nor last (the form
    /// `invalid-action` settles without telling problems apart).
    pub fn is_plain_form(&self, len: usize) -> bool {
        self.allowed && !self.more_colons && self.colon.is_some_and(|at| at != 0 && at + 1 != len)
    }
}

/// [`Shape`] of `text`: one pass, in two loops (to the first colon, then past it), each
/// and-ing and or-ing the bytes' classes without a branch (a second colon is a class bit of the
/// rest, not a count).
pub fn shape(text: &str) -> Shape {
    let bytes = text.as_bytes();
    let class_of = |b: &u8| CLASS.get(usize::from(*b)).copied().unwrap_or(0);
    let (mut every, mut service) = (MAY_STAND, 0u8);
    // The service part: the bytes before the first colon.
    let mut at = 0;
    while let Some(class) = bytes.get(at).map(class_of) {
        if class & COLON != 0 {
            break;
        }
        every &= class;
        service |= class;
        at += 1;
    }
    let mut rest = 0u8;
    for class in bytes.get(at + 1..).unwrap_or_default().iter().map(class_of) {
        every &= class;
        rest |= class;
    }
    Shape {
        colon: (at < bytes.len()).then_some(at),
        more_colons: rest & COLON != 0,
        allowed: every & MAY_STAND != 0,
        wildcard: (service | rest) & WILDCARD != 0,
        service_wildcard: service & WILDCARD != 0,
        service_capital: service & CAPITAL != 0,
    }
}

/// What the rules ask of one entry of `Action` / `NotAction` (32 bytes: a 20 MB policy has
/// 264,000 entries, and its text is the item's, not kept twice).
#[derive(Debug, Clone, Copy)]
pub struct ActionEntry<'a> {
    /// `Catalog::lookup` of the service and name parts.
    pub lookup: Lookup<'a>,
    /// Where the entry's first colon is, when it has one ([`ActionEntry::split`] cuts there).
    colon: u32,
    /// Whether the entry has a colon.
    pub has_colon: bool,
    /// Whether the entry has a wildcard (`*` or `?`), and whether its service part has one.
    pub wildcard: bool,
    pub service_wildcard: bool,
    /// Whether its form is the common `service:Name` ([`Shape::is_plain_form`]): `invalid-action`
    /// checks the others.
    pub plain_form: bool,
    /// `Catalog::knows_service` of the service part.
    pub knows_service: bool,
    /// Whether the service part has no ASCII capital (`action-case-mismatch` asks).
    pub service_in_lowercase: bool,
    /// Whether the entry may stand for an action of kvstore, or of RAM (its service part is the
    /// code, ignoring case, or has a wildcard): the security rules skip what cannot matter.
    pub may_be_kvstore: bool,
    pub may_be_ram: bool,
}

impl ActionEntry<'_> {
    /// [`super::split_action`] of the entry, whose `text` (the item's value) is given back: the
    /// parts around its first colon, or the whole entry twice.
    pub fn split<'t>(&self, text: &'t str) -> (&'t str, &'t str) {
        super::split_at_colon(text, self.has_colon.then_some(self.colon as usize))
    }
}

/// How many service codes of a document [`entries`] remembers.
const SERVICES_REMEMBERED: usize = 16;

/// The action entries of `statements`, in order, each with what the catalogue says of it; and
/// where each statement's entries start among them (one more: where the last ends).
pub(super) fn entries<'a>(statements: &'a [Statement<'a>], catalog: &'a Catalog) -> (Vec<ActionEntry<'a>>, Vec<usize>) {
    let lists = || {
        statements
            .iter()
            .map(|s| s.actions.as_ref().map_or(&[][..], |a| &a.items[..]))
    };
    let mut starts = Vec::with_capacity(statements.len() + 1);
    // Room for exactly one entry each (a 20 MB policy has 264,000).
    let mut out = Vec::with_capacity(lists().map(<[Item]>::len).sum());
    // A document names a few services many times: the first few codes are looked up once each
    // (a bounded list, so that a document of many codes stays linear).
    // With each, whether it is kvstore's or RAM's code.
    let mut services: Vec<(&str, ServiceEntry<'_>, [bool; 2])> = Vec::with_capacity(SERVICES_REMEMBERED);
    // Plain loops: a flattened iterator of the statements' lists cost more than the work.
    for items in lists() {
        starts.push(out.len());
        for item in items {
            let text = item.value;
            let shape = shape(text);
            let (service, name) = super::split_at_colon(text, shape.colon);
            let (entry, [kvstore, ram]) = match services.iter().find(|(code, _, _)| *code == service) {
                Some(&(_, entry, codes)) => (entry, codes),
                None => {
                    let entry = catalog.service(service);
                    let codes = ["kvstore", "ram"].map(|code| service.eq_ignore_ascii_case(code));
                    if services.len() < SERVICES_REMEMBERED {
                        services.push((service, entry, codes));
                    }
                    (entry, codes)
                }
            };
            out.push(ActionEntry {
                lookup: entry.lookup(name),
                // A text of four gigabytes is refused long before: the colon is within a `u32`.
                colon: shape.colon.and_then(|at| u32::try_from(at).ok()).unwrap_or(u32::MAX),
                has_colon: shape.colon.is_some(),
                wildcard: shape.wildcard,
                service_wildcard: shape.service_wildcard,
                plain_form: shape.is_plain_form(text.len()),
                knows_service: entry.known,
                service_in_lowercase: !shape.service_capital,
                may_be_kvstore: kvstore || shape.service_wildcard,
                may_be_ram: ram || shape.service_wildcard,
            });
        }
    }
    starts.push(out.len());
    (out, starts)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The one pass answers as the questions asked one by one.
    #[test]
    fn the_shape_is_what_each_question_answers() {
        for text in crate::concatenations(&["a", "B", ":", "*", "?", " ", "\u{e9}", "/"], 5) {
            let got = shape(&text);
            let (service, _) = super::super::split_action(&text);
            let want = Shape {
                colon: text.find(':'),
                more_colons: text.matches(':').count() > 1,
                allowed: text
                    .bytes()
                    .all(|b| b == b':' || ALLOWED.get(usize::from(b)) == Some(&true)),
                wildcard: super::super::has_wildcard(&text),
                service_wildcard: super::super::has_wildcard(service),
                service_capital: service.bytes().any(|b| b.is_ascii_uppercase()),
            };
            assert_eq!(got, want, "{text:?}");
        }
    }

    /// An entry's parts and its "may be of" flags are what splitting its text says.
    #[test]
    fn an_entry_splits_as_its_text() {
        let texts = crate::concatenations(&["kvstore", "RAM", ":", "*", "a", "\u{e9}"], 3);
        let document = serde_json::json!({
            "Version": "1",
            "Statement": [{"Effect": "Allow", "Action": texts, "Resource": "*"}]
        })
        .to_string();
        let root = crate::json::parse(&document).unwrap_or_else(|e| unreachable!("{e:?}"));
        let policy = crate::policy::Policy::from_document(&root);
        let settings = crate::settings::Settings::default();
        let (entries, starts) = entries(&policy.statements, &settings.catalog);
        assert_eq!(starts, [0, texts.len()]);
        for (text, entry) in texts.iter().zip(&entries) {
            let (service, name) = super::super::split_action(text);
            assert_eq!(entry.split(text), (service, name), "{text:?}");
            let may_be = |code: &str| service.eq_ignore_ascii_case(code) || super::super::has_wildcard(service);
            assert_eq!(
                (entry.may_be_kvstore, entry.may_be_ram),
                (may_be("kvstore"), may_be("ram")),
                "{text:?}"
            );
        }
    }
}
