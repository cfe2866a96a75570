//! The typed values of conditions: IP addresses and CIDR blocks, ISO 8601 instants, decimal
//! numbers and booleans. The linter checks that a value parses; the evaluator compares them.
//!
//! Written here rather than taken from a crate because what matters is the exact set of forms
//! RAM takes, and each one is a few lines.

use std::cmp::Ordering;
use std::net::IpAddr;

/// An address or a CIDR block (`192.168.0.0/16`, `2001:db8::/32`); a lone address is a /32 or /128.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpBlock {
    pub addr: IpAddr,
    pub prefix: u8,
}

impl IpBlock {
    pub fn parse(text: &str) -> Result<Self, String> {
        let (addr_text, prefix_text) = match text.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (text, None),
        };
        let addr: IpAddr = addr_text
            .parse()
            .map_err(|_| format!("`{addr_text}` is not an IPv4 or IPv6 address"))?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix_text {
            None => max,
            Some(p) => match p.parse::<u8>() {
                Ok(n) if n <= max && !p.starts_with('+') => n,
                _ => return Err(format!("`/{p}` is not a prefix length from 0 to {max}")),
            },
        };
        Ok(Self { addr, prefix })
    }

    /// Whether `ip` falls in this block (an IPv4 address never falls in an IPv6 block).
    pub fn contains(self, ip: IpAddr) -> bool {
        let (block, addr, width) = match (self.addr, ip) {
            (IpAddr::V4(b), IpAddr::V4(a)) => (u128::from(u32::from(b)), u128::from(u32::from(a)), 32),
            (IpAddr::V6(b), IpAddr::V6(a)) => (u128::from(b), u128::from(a), 128),
            _ => return false,
        };
        let shift = width - u32::from(self.prefix);
        shift >= width || (block >> shift) == (addr >> shift)
    }
}

/// An instant, as seconds and nanoseconds since 1970-01-01T00:00:00Z.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Instant {
    pub seconds: i64,
    pub nanos: u32,
}

impl Instant {
    /// `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`. A time with no zone is refused: offline, there
    /// is no telling which instant it names.
    pub fn parse(text: &str) -> Result<Self, String> {
        let bad = || {
            format!(
                "`{text}` is not an ISO 8601 date and time with a zone, like `2026-01-01T00:00:00Z` or `2026-01-01T08:00:00+08:00`"
            )
        };
        let b = text.as_bytes();
        // At most nine digits: the value fits, and is read without `str::parse`'s generality.
        let digits = |from: usize, len: usize| -> Option<i64> {
            text.get(from..from + len)?.bytes().try_fold(0, |value, c| {
                c.is_ascii_digit().then(|| value * 10 + i64::from(c - b'0'))
            })
        };
        let sep = |at: usize, c: u8| b.get(at) == Some(&c);
        if !(sep(4, b'-') && sep(7, b'-') && (sep(10, b'T') || sep(10, b't')) && sep(13, b':') && sep(16, b':')) {
            return Err(bad());
        }
        let (Some(year), Some(month), Some(day), Some(hour), Some(minute), Some(second)) = (
            digits(0, 4),
            digits(5, 2),
            digits(8, 2),
            digits(11, 2),
            digits(14, 2),
            digits(17, 2),
        ) else {
            return Err(bad());
        };
        let mut at = 19;
        let mut nanos = 0u32;
        if sep(at, b'.') {
            let start = at + 1;
            let len = b
                .get(start..)
                .map_or(0, |r| r.iter().take_while(|c| c.is_ascii_digit()).count());
            if len == 0 || len > 9 {
                return Err(bad());
            }
            let frac = digits(start, len).ok_or_else(bad)?;
            nanos = u32::try_from(frac * 10i64.pow(9 - len as u32)).map_err(|_| bad())?;
            at = start + len;
        }
        let offset = match b.get(at..) {
            Some(b"Z" | b"z") => 0,
            Some([sign @ (b'+' | b'-'), _, _, b':', _, _]) => {
                let (Some(h), Some(m)) = (digits(at + 1, 2), digits(at + 4, 2)) else {
                    return Err(bad());
                };
                if h > 23 || m > 59 {
                    return Err(bad());
                }
                let minutes = h * 60 + m;
                if *sign == b'-' { -minutes } else { minutes }
            }
            _ => return Err(bad()),
        };
        let days_in_month = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
            2 => 28,
            _ => return Err(bad()),
        };
        if day < 1 || day > days_in_month || hour > 23 || minute > 59 || second > 60 {
            return Err(bad());
        }
        let seconds = days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second - offset * 60;
        Ok(Self { seconds, nanos })
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
pub fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The proleptic Gregorian date of a day count since 1970-01-01 (Howard Hinnant's algorithm,
/// the inverse of [`days_from_civil`]).
pub fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// A decimal number as written (`-12.50`), compared exactly, without floating point.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decimal {
    negative: bool,
    /// Integer digits without leading zeros.
    int: String,
    /// Fraction digits without trailing zeros.
    frac: String,
}

impl Decimal {
    pub fn parse(text: &str) -> Result<Self, String> {
        let bad = || format!("`{text}` is not a decimal number");
        let (negative, rest) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (int, frac) = rest.split_once('.').unwrap_or((rest, ""));
        let all_digits = |s: &str| s.bytes().all(|c| c.is_ascii_digit());
        if int.is_empty() || !all_digits(int) || !all_digits(frac) || (rest.contains('.') && frac.is_empty()) {
            return Err(bad());
        }
        let int = int.trim_start_matches('0').to_string();
        let frac = frac.trim_end_matches('0').to_string();
        let zero = int.is_empty() && frac.is_empty();
        Ok(Self {
            negative: negative && !zero,
            int,
            frac,
        })
    }
}

impl Ord for Decimal {
    fn cmp(&self, other: &Self) -> Ordering {
        let magnitude = self
            .int
            .len()
            .cmp(&other.int.len())
            .then_with(|| self.int.cmp(&other.int))
            .then_with(|| self.frac.cmp(&other.frac));
        match (self.negative, other.negative) {
            (false, false) => magnitude,
            (true, true) => magnitude.reverse(),
            (false, true) => Ordering::Greater,
            (true, false) => Ordering::Less,
        }
    }
}

impl PartialOrd for Decimal {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// `Bool` takes exactly `"true"` or `"false"`.
pub fn parse_bool(text: &str) -> Result<bool, String> {
    match text {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(format!("`{text}` is not `true` or `false`")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cidr_blocks() {
        let block = IpBlock::parse("192.168.0.0/16").unwrap_or_else(|e| unreachable!("{e}"));
        assert!(block.contains("192.168.4.2".parse().unwrap_or_else(|_| unreachable!())));
        assert!(!block.contains("192.169.0.1".parse().unwrap_or_else(|_| unreachable!())));
        assert!(!block.contains("::1".parse().unwrap_or_else(|_| unreachable!())));
        let all = IpBlock::parse("0.0.0.0/0").unwrap_or_else(|e| unreachable!("{e}"));
        assert!(all.contains("8.8.8.8".parse().unwrap_or_else(|_| unreachable!())));
        let v6 = IpBlock::parse("2001:db8::/32").unwrap_or_else(|e| unreachable!("{e}"));
        assert!(v6.contains("2001:db8:1::9".parse().unwrap_or_else(|_| unreachable!())));
        assert!(IpBlock::parse("10.0.0.0/33").is_err());
        assert!(IpBlock::parse("10.0.0/8").is_err());
        assert!(IpBlock::parse("42.120.XX.X/24").is_err());
    }

    #[test]
    fn instants_with_offsets() {
        let a = Instant::parse("2019-08-12T17:00:00+08:00").unwrap_or_else(|e| unreachable!("{e}"));
        let b = Instant::parse("2019-08-12T09:00:00Z").unwrap_or_else(|e| unreachable!("{e}"));
        assert_eq!(a, b);
        assert_eq!(Instant::parse("1970-01-01T00:00:00Z").map(|i| i.seconds), Ok(0));
        assert!(Instant::parse("2026-01-01T00:00:00.5Z").is_ok_and(|i| i.nanos == 500_000_000));
        assert!(Instant::parse("2026-02-30T00:00:00Z").is_err());
        assert!(Instant::parse("2026-01-01T00:00:00").is_err());
        assert!(Instant::parse("2026-01-01").is_err());
        assert!(Instant::parse("yesterday").is_err());
    }

    #[test]
    fn decimals_compare_exactly() {
        let d = |s: &str| Decimal::parse(s).unwrap_or_else(|e| unreachable!("{e}"));
        assert!(d("10") > d("9.99"));
        assert!(d("-1") < d("-0.5"));
        assert_eq!(d("1.50"), d("01.5"));
        assert_eq!(d("-0"), d("0"));
        assert!(d("12345678901234567890.1") > d("12345678901234567890"));
        assert!(Decimal::parse("1e3").is_err());
        assert!(Decimal::parse("1.").is_err());
        assert!(Decimal::parse("").is_err());
    }
}
