//! A request: an action on a resource, with what is known of its context.

use std::collections::{BTreeMap, BTreeSet};

use crate::catalog::conditions;
use crate::policy::condition::ValueKind;
use crate::values::{Instant, IpBlock, parse_bool};

/// The resource of a request. Its account may be unknown (a preflight without `--account-id`),
/// and so may its region (a Terraform resource that does not say where it lives).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resource {
    /// The ARN; an unknown part is empty.
    pub arn: String,
    pub account_known: bool,
    pub region_known: bool,
}

impl Resource {
    pub fn known(arn: impl Into<String>) -> Self {
        Self {
            arn: arn.into(),
            account_known: true,
            region_known: true,
        }
    }

    /// `acs:<service>:<region>:<unknown account>:<relative-id>`.
    pub fn with_unknown_account(service: &str, region: &str, relative: &str) -> Self {
        Self::parts(service, Some(region), None, relative)
    }

    /// An ARN from its parts, any of region and account possibly unknown.
    pub fn parts(service: &str, region: Option<&str>, account: Option<&str>, relative: &str) -> Self {
        Self {
            arn: format!(
                "acs:{service}:{}:{}:{relative}",
                region.unwrap_or(""),
                account.unwrap_or("")
            ),
            account_known: account.is_some(),
            region_known: region.is_some(),
        }
    }

    /// The ARN as users read it, `<account>` / `<region>` standing for an unknown part.
    pub fn display(&self) -> String {
        let mut parts: Vec<&str> = self.arn.splitn(5, ':').collect();
        if !self.region_known
            && let Some(region) = parts.get_mut(2)
        {
            *region = "<region>";
        }
        if !self.account_known
            && let Some(account) = parts.get_mut(3)
        {
            *account = "<account>";
        }
        parts.join(":")
    }
}

/// The condition keys of a request: the values it carries, and which keys it is known not to
/// carry (a preflight knows all of an instance's tags, so an absent tag is known absent).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Context {
    values: BTreeMap<String, Vec<String>>,
    /// Key prefixes whose every key is known: a key under one of them that has no value is absent.
    complete_prefixes: Vec<String>,
    /// Keys known to be absent from the request (a witness of the exact search may need one).
    absent: BTreeSet<String>,
}

/// What the request says of one key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyState<'a> {
    Values(&'a [String]),
    Absent,
    Unknown,
}

impl Context {
    pub fn insert(&mut self, key: impl Into<String>, value: impl Into<String>) {
        let key = key.into();
        self.absent.remove(&key);
        self.values.entry(key).or_default().push(value.into());
    }

    /// Set a key to exactly these values, replacing what it had.
    pub fn set(&mut self, key: impl Into<String>, values: Vec<String>) {
        let key = key.into();
        self.absent.remove(&key);
        self.values.insert(key, values);
    }

    /// Declare `key` absent from the request, dropping any value it had.
    pub fn mark_absent(&mut self, key: impl Into<String>) {
        let key = key.into();
        self.values.remove(&key);
        self.absent.insert(key);
    }

    /// Whether the request says nothing of `key` (neither values nor absence).
    pub fn is_unknown(&self, key: &str) -> bool {
        self.get(key) == KeyState::Unknown
    }

    /// Declare every key beginning with `prefix` known: those without a value are absent.
    pub fn complete(&mut self, prefix: impl Into<String>) {
        self.complete_prefixes.push(prefix.into());
    }

    pub fn get(&self, key: &str) -> KeyState<'_> {
        let complete = self.complete_prefixes.iter().any(|p| key.starts_with(p.as_str()));
        // A key that differs only in case from one the request carries (`acs:ResourceTag/Env`
        // beside the tag `env`, or beside both `env` and `Env`): whether RAM compares tag keys
        // ignoring case is not documented, and a `Deny` on the one was read as not applying.
        if complete && self.values.keys().any(|k| k != key && k.eq_ignore_ascii_case(key)) {
            return KeyState::Unknown;
        }
        match self.values.get(key) {
            Some(values) => KeyState::Values(values),
            None if self.absent.contains(key) => KeyState::Absent,
            None if complete => KeyState::Absent,
            None => KeyState::Unknown,
        }
    }

    /// A context from `--context KEY=VALUE` assignments (a key given twice has two values). A
    /// second value of a key a request carries once ([`conditions::takes_one_value`]) is refused:
    /// read as a set, `acs:SourceIp` given twice escaped a `NotIpAddress` `Deny` through the
    /// address it holds.
    pub fn from_assignments(assignments: &[String]) -> Result<Self, String> {
        let mut context = Self::default();
        for assignment in assignments {
            let (key, value) = Self::parse_assignment(assignment)?;
            // Keys that differ only in case (`ACS:SourceIp` beside `acs:SourceIp`) are one key or
            // two as RAM reads names, which is not documented: read as two, the second escaped
            // the check below.
            if let Some(other) = context
                .values
                .keys()
                .find(|k| **k != key && k.eq_ignore_ascii_case(&key))
            {
                return Err(format!(
                    "`{key}` and `{other}` differ only in case: give the key once, as the policy writes it"
                ));
            }
            if let (true, KeyState::Values([first, ..])) = (conditions::takes_one_value(&key), context.get(&key)) {
                return Err(format!(
                    "`{key}` carries one value in a request, and is given two: `{first}` and `{value}`"
                ));
            }
            context.insert(key, value);
        }
        Ok(context)
    }

    /// Parse `KEY=VALUE` (from `--context`), checking the values of typed global keys.
    pub fn parse_assignment(text: &str) -> Result<(String, String), String> {
        let Some((key, value)) = text.split_once('=') else {
            return Err(format!("`{text}` is not KEY=VALUE"));
        };
        let key = key.trim();
        if key.is_empty() {
            return Err(format!("`{text}` has no key before `=`"));
        }
        if let Some(c) = key
            .chars()
            .find(|&c| crate::rules::invisible_character::invisible(c).is_some())
        {
            return Err(format!(
                "the key `{}` holds the invisible character U+{:04X}: no condition key is named so",
                crate::rules::invisible_character::escaped(key),
                u32::from(c)
            ));
        }
        let checked = match conditions::value_kind(key) {
            Some(ValueKind::Ip) => value
                .parse::<std::net::IpAddr>()
                .map(|_| ())
                .map_err(|_| format!("`{key}` takes an IP address, and `{value}` is not one")),
            Some(ValueKind::Date) => Instant::parse(value).map(|_| ()),
            Some(ValueKind::Bool) => parse_bool(value).map(|_| ()),
            _ => Ok(()),
        };
        checked.map_err(|e| format!("--context {key}: {e}"))?;
        // An IP block is no request value: a request comes from one address.
        if conditions::value_kind(key) == Some(ValueKind::Ip) && IpBlock::parse(value).is_err() {
            return Err(format!("--context {key}: `{value}` is not an IP address"));
        }
        Ok((key.to_string(), value.to_string()))
    }
}
