//! The global condition keys RAM documents, and what kind of value each takes.

use crate::policy::condition::ValueKind;

/// Global keys with a fixed name. The `acs:Principal*` keys and the bare `Action` key are not in
/// the documented list but appear in Alibaba's own policies; they are accepted.
pub const GLOBAL_KEYS: &[(&str, ValueKind)] = &[
    ("acs:SourceIp", ValueKind::Ip),
    ("acs:SourceVpc", ValueKind::String),
    ("acs:CurrentTime", ValueKind::Date),
    ("acs:SecureTransport", ValueKind::Bool),
    ("acs:MFAPresent", ValueKind::Bool),
    ("acs:AccessId", ValueKind::String),
    ("acs:UserAgent", ValueKind::String),
    ("acs:Service", ValueKind::String),
    ("acs:PrincipalARN", ValueKind::String),
    ("acs:PrincipalRDId", ValueKind::String),
    ("acs:PrincipalRDPath", ValueKind::String),
    ("acs:Referer", ValueKind::String),
    ("acs:TagKeys", ValueKind::String),
    ("Action", ValueKind::String),
];

/// Global keys that take a tag key after the slash.
pub const GLOBAL_KEY_PREFIXES: &[&str] = &["acs:ResourceTag/", "acs:RequestTag/"];

/// Whether `key` is a condition key ramguard knows the shape of: a global key, a tag key, or a
/// service key (`oss:Prefix`, `ram:ServiceName`). `Err` carries the known spelling when only
/// the case differs.
pub fn classify(key: &str) -> KeyClass {
    if GLOBAL_KEYS.iter().any(|(k, _)| *k == key) {
        return KeyClass::Known;
    }
    if let Some(prefix) = GLOBAL_KEY_PREFIXES.iter().find(|p| key.starts_with(**p)) {
        return if key.len() > prefix.len() {
            KeyClass::Known
        } else {
            KeyClass::Unknown
        };
    }
    if let Some((k, _)) = GLOBAL_KEYS.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)) {
        return KeyClass::WrongCase(k);
    }
    if let Some(prefix) = GLOBAL_KEY_PREFIXES
        .iter()
        .find(|p| key.get(..p.len()).is_some_and(|head| head.eq_ignore_ascii_case(p)))
    {
        return KeyClass::WrongCase(prefix);
    }
    match key.split_once(':') {
        // The global namespace has only the keys above; `aws:` keys come from AWS IAM.
        Some(("acs" | "aws", _)) => KeyClass::Unknown,
        Some((service, name))
            if !service.is_empty()
                && !name.is_empty()
                && service.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') =>
        {
            KeyClass::Known
        }
        _ => KeyClass::Unknown,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyClass {
    Known,
    WrongCase(&'static str),
    Unknown,
}

/// Whether a request carries at most one value of `key`: every global key but `acs:TagKeys` (a
/// request comes from one address, at one time, with one access key...), and a tag key (a
/// resource or request has one value for each of its tag keys). A service key's arity is not
/// known: it may carry several.
pub fn takes_one_value(key: &str) -> bool {
    GLOBAL_KEYS.iter().any(|(k, _)| *k == key && *k != "acs:TagKeys")
        || GLOBAL_KEY_PREFIXES
            .iter()
            .any(|p| key.len() > p.len() && key.starts_with(p))
}

/// The value kind a global key takes, where ramguard knows it.
pub fn value_kind(key: &str) -> Option<ValueKind> {
    GLOBAL_KEYS.iter().find(|(k, _)| *k == key).map(|&(_, kind)| kind)
}
