//! Condition operators: the names RAM knows, parsed once into something the evaluator can use.

/// `ForAnyValue:` / `ForAllValues:`: how a multi-valued key is compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SetQualifier {
    ForAnyValue,
    ForAllValues,
}

/// The operator families of RAM's "Conditional operators" page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OperatorBase {
    StringEquals,
    StringNotEquals,
    StringEqualsIgnoreCase,
    StringNotEqualsIgnoreCase,
    StringLike,
    StringNotLike,
    NumericEquals,
    NumericNotEquals,
    NumericLessThan,
    NumericLessThanEquals,
    NumericGreaterThan,
    NumericGreaterThanEquals,
    DateEquals,
    DateNotEquals,
    DateLessThan,
    DateLessThanEquals,
    DateGreaterThan,
    DateGreaterThanEquals,
    Bool,
    IpAddress,
    NotIpAddress,
}

/// What kind of value an operator compares, which decides how its values must be written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ValueKind {
    String,
    Number,
    Date,
    Bool,
    Ip,
}

impl OperatorBase {
    pub const ALL: [(&'static str, Self); 21] = [
        ("StringEquals", Self::StringEquals),
        ("StringNotEquals", Self::StringNotEquals),
        ("StringEqualsIgnoreCase", Self::StringEqualsIgnoreCase),
        ("StringNotEqualsIgnoreCase", Self::StringNotEqualsIgnoreCase),
        ("StringLike", Self::StringLike),
        ("StringNotLike", Self::StringNotLike),
        ("NumericEquals", Self::NumericEquals),
        ("NumericNotEquals", Self::NumericNotEquals),
        ("NumericLessThan", Self::NumericLessThan),
        ("NumericLessThanEquals", Self::NumericLessThanEquals),
        ("NumericGreaterThan", Self::NumericGreaterThan),
        ("NumericGreaterThanEquals", Self::NumericGreaterThanEquals),
        ("DateEquals", Self::DateEquals),
        ("DateNotEquals", Self::DateNotEquals),
        ("DateLessThan", Self::DateLessThan),
        ("DateLessThanEquals", Self::DateLessThanEquals),
        ("DateGreaterThan", Self::DateGreaterThan),
        ("DateGreaterThanEquals", Self::DateGreaterThanEquals),
        ("Bool", Self::Bool),
        ("IpAddress", Self::IpAddress),
        ("NotIpAddress", Self::NotIpAddress),
    ];

    pub fn value_kind(self) -> ValueKind {
        use OperatorBase as O;
        match self {
            O::StringEquals
            | O::StringNotEquals
            | O::StringEqualsIgnoreCase
            | O::StringNotEqualsIgnoreCase
            | O::StringLike
            | O::StringNotLike => ValueKind::String,
            O::NumericEquals
            | O::NumericNotEquals
            | O::NumericLessThan
            | O::NumericLessThanEquals
            | O::NumericGreaterThan
            | O::NumericGreaterThanEquals => ValueKind::Number,
            O::DateEquals
            | O::DateNotEquals
            | O::DateLessThan
            | O::DateLessThanEquals
            | O::DateGreaterThan
            | O::DateGreaterThanEquals => ValueKind::Date,
            O::Bool => ValueKind::Bool,
            O::IpAddress | O::NotIpAddress => ValueKind::Ip,
        }
    }

    /// A negated operator holds when no value matches (`StringNotEquals`, `NotIpAddress`, ...).
    pub fn is_negated(self) -> bool {
        use OperatorBase as O;
        matches!(
            self,
            O::StringNotEquals
                | O::StringNotEqualsIgnoreCase
                | O::StringNotLike
                | O::NumericNotEquals
                | O::DateNotEquals
                | O::NotIpAddress
        )
    }
}

/// A parsed operator name such as `ForAllValues:StringEquals`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Operator {
    pub set: Option<SetQualifier>,
    pub base: OperatorBase,
}

impl Operator {
    /// Names are case-sensitive, as RAM writes them; anything else is `None`.
    pub fn parse(name: &str) -> Option<Self> {
        let (set, base) = if let Some(rest) = name.strip_prefix("ForAnyValue:") {
            (Some(SetQualifier::ForAnyValue), rest)
        } else if let Some(rest) = name.strip_prefix("ForAllValues:") {
            (Some(SetQualifier::ForAllValues), rest)
        } else {
            (None, name)
        };
        let base = OperatorBase::ALL.iter().find(|(n, _)| *n == base).map(|&(_, op)| op)?;
        Some(Self { set, base })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_prefixes_and_rejects_aws_forms() {
        let op = Operator::parse("ForAllValues:StringEquals");
        assert_eq!(
            op.map(|o| (o.set, o.base)),
            Some((Some(SetQualifier::ForAllValues), OperatorBase::StringEquals))
        );
        assert_eq!(Operator::parse("StringEqualsIfExists"), None);
        assert_eq!(Operator::parse("Null"), None);
        assert_eq!(Operator::parse("stringequals"), None);
        assert_eq!(Operator::parse("ForAnyValue:"), None);
    }
}
