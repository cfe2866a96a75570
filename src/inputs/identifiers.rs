//! The shapes of the identifiers that go into an instance's ARN,
//! `acs:kvstore:<region>:<account>:instance/<instance-id>`, or into a command ramguard suggests.
//!
//! Whatever an input says its region or ID is, is pasted into the ARN the permission check
//! evaluates. A value with a `:`, a `/`, a `*`, a space or an upper-case letter is not an
//! identifier Alibaba Cloud issues, and it can steer the check: `cn-hangzhou:1234567890123456:instance/r-ci-1:x`
//! as a region makes the ARN match a policy scoped to `instance/r-ci-*`. So each identifier must
//! have its documented shape, and anything else is malformed input — never a wildcard.

/// At most this many characters in any identifier: real ones are a few dozen at most.
const MAX_LEN: usize = 64;

/// A region ID: lowercase ASCII letters, digits and single hyphens, starting with a letter
/// (`cn-hangzhou`, `ap-southeast-1`, `cn-shanghai-finance-1`).
pub fn is_region(text: &str) -> bool {
    text.len() <= MAX_LEN
        && text.starts_with(|c: char| c.is_ascii_lowercase())
        && text
            .split('-')
            .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()))
}

/// An instance ID: a short lowercase prefix, a hyphen, lowercase letters and digits. The
/// documented prefixes are `r-` (Redis and Tair), `tt-` (Tair Serverless KV), `tk-` (Tair
/// KVCache) and `m-` (Memcache); a prefix of that shape ramguard has not seen is accepted,
/// since it cannot steer the ARN.
pub fn is_instance_id(text: &str) -> bool {
    let Some((prefix, rest)) = text.split_once('-') else {
        return false;
    };
    text.len() <= MAX_LEN
        && (1..=4).contains(&prefix.len())
        && prefix.bytes().all(|b| b.is_ascii_lowercase())
        && !rest.is_empty()
        && rest.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
}

/// A distributed (Global Distributed Cache) instance ID: `gr-` and lowercase letters and
/// digits (`gr-bp14rkqrhac0001`).
pub fn is_global_instance_id(text: &str) -> bool {
    text.strip_prefix("gr-").is_some_and(|rest| {
        !rest.is_empty() && text.len() <= MAX_LEN && rest.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    })
}

/// The digits of an Alibaba Cloud account ID (UID): 16 in every documented example and every
/// account ramguard has seen. A shorter or longer number is far more likely a slip of the
/// keyboard than an account, and an account that is wrong by one digit makes every `Deny`
/// scoped to the right one miss.
pub const ACCOUNT_ID_DIGITS: usize = 16;

/// An account ID: exactly [`ACCOUNT_ID_DIGITS`] ASCII digits.
pub fn is_account_id(text: &str) -> bool {
    text.len() == ACCOUNT_ID_DIGITS && text.bytes().all(|b| b.is_ascii_digit())
}

/// A value that is not a zone ID.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotAZone;

/// A zone ID, and the region it lies in when that can be read from it: `cn-hangzhou-h` →
/// `cn-hangzhou`, `ap-southeast-1a` → `ap-southeast-1`, and the multi-zone form
/// `cn-hangzhou-MAZ10(h,i)` → `cn-hangzhou`. `Err` when it is not a zone ID at all; `Ok(None)`
/// for a well-formed zone whose region ramguard does not guess.
pub fn region_of_zone(zone: &str) -> Result<Option<String>, NotAZone> {
    if zone.len() > MAX_LEN {
        return Err(NotAZone);
    }
    if let Some((region, multi)) = zone.split_once("-MAZ") {
        let (number, zones) = match multi.split_once('(') {
            Some((number, rest)) => (number, rest.strip_suffix(')').ok_or(NotAZone)?),
            None => (multi, "a"),
        };
        let letters_ok = zones
            .split(',')
            .all(|z| !z.is_empty() && z.bytes().all(|b| b.is_ascii_lowercase()));
        if !is_region(region) || number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) || !letters_ok {
            return Err(NotAZone);
        }
        return Ok(Some(region.to_string()));
    }
    if !is_region(zone) {
        return Err(NotAZone);
    }
    let Some((region, suffix)) = zone.rsplit_once('-') else {
        return Ok(None);
    };
    if suffix.len() == 1 && suffix.bytes().all(|b| b.is_ascii_lowercase()) {
        return Ok(Some(region.to_string()));
    }
    if suffix.len() >= 2
        && suffix.as_bytes().last().is_some_and(u8::is_ascii_lowercase)
        && suffix.bytes().rev().skip(1).all(|b| b.is_ascii_digit())
    {
        return Ok(zone.get(..zone.len() - 1).map(str::to_string));
    }
    Ok(None)
}

/// Input text for a message: control characters escaped, and clipped, so that a hostile value
/// neither rewrites the terminal nor floods it.
pub fn shown(text: &str) -> String {
    const SHOWN: usize = 80;
    let mut out: String = text
        .chars()
        .take(SHOWN)
        .flat_map(|c| {
            let escaped: Vec<char> = if c.is_control() || is_format(c) {
                c.escape_unicode().collect()
            } else {
                vec![c]
            };
            escaped
        })
        .collect();
    if text.chars().nth(SHOWN).is_some() {
        out.push('…');
    }
    out
}

/// Zero-width and bidirectional formatting characters, which a reader cannot see.
fn is_format(c: char) -> bool {
    matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2069}' | '\u{feff}' | '\u{00ad}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions() {
        for good in ["cn-hangzhou", "ap-southeast-1", "cn-shanghai-finance-1", "us-east-1"] {
            assert!(is_region(good), "{good}");
        }
        for bad in [
            "",
            "*",
            "CN-HANGZHOU",
            "cn-hangzhou ",
            "cn-hangzhou:1234567890123456:instance/r-ci-1:x",
            "cn--hangzhou",
            "-cn",
            "cn-",
            "1cn",
            "cn-hang?hou",
        ] {
            assert!(!is_region(bad), "{bad}");
        }
    }

    #[test]
    fn instance_ids() {
        for good in ["r-bp1zxszhcgatnx0001", "tt-2zelkttksbyc12x6c", "m-bp1abc", "r-1"] {
            assert!(is_instance_id(good), "{good}");
        }
        for bad in [
            "",
            "r-",
            "-r1",
            "r-bp1*",
            "r-ci-1",
            "R-BP1X",
            "r-bp1 ",
            "r-bp1/x",
            "toolong-x",
            "r-bp1\u{200b}x",
        ] {
            assert!(!is_instance_id(bad), "{bad}");
        }
    }

    #[test]
    fn global_ids_and_accounts() {
        assert!(is_global_instance_id("gr-bp14rkqrhac0001"));
        assert!(!is_global_instance_id("gr-"));
        assert!(!is_global_instance_id("r-bp1"));
        assert!(!is_global_instance_id("gr-x; rm -rf /"));
        assert!(is_account_id("1234567890123456"));
        for bad in ["12345", "12345678901234567", "123456789012345x", "", "*"] {
            assert!(!is_account_id(bad), "{bad}");
        }
    }

    #[test]
    fn zones_name_their_region() {
        assert_eq!(region_of_zone("cn-hangzhou-h"), Ok(Some("cn-hangzhou".into())));
        assert_eq!(region_of_zone("ap-southeast-1a"), Ok(Some("ap-southeast-1".into())));
        assert_eq!(region_of_zone("cn-hangzhou-MAZ10(h,i)"), Ok(Some("cn-hangzhou".into())));
        assert_eq!(region_of_zone("cn-hangzhou-MAZ6"), Ok(Some("cn-hangzhou".into())));
        assert_eq!(region_of_zone("cn-hangzhou-finance"), Ok(None));
        assert_eq!(region_of_zone("weird"), Ok(None));
        for bad in [
            "cn-hangzhou:1:instance/r-x-h",
            "CN-HANGZHOU-H",
            "cn-hangzhou-MAZ(h)",
            "cn-hangzhou-MAZ1(H)",
            "",
        ] {
            assert_eq!(region_of_zone(bad), Err(NotAZone), "{bad}");
        }
    }

    #[test]
    fn shown_text_is_escaped_and_clipped() {
        assert_eq!(shown("a\u{1b}[31m"), "a\\u{1b}[31m");
        assert_eq!(shown(&"x".repeat(100)).chars().count(), 81);
    }
}
