//! Three-valued truth: a statement applies, does not apply, or applies depending on condition
//! keys (or an account) the request does not supply. Never a guess.

use std::collections::BTreeSet;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Truth {
    Yes,
    No,
    /// Depends on these keys (`account` stands for an account ID not given).
    Unknown(BTreeSet<String>),
}

impl Truth {
    pub fn unknown(key: &str) -> Self {
        Self::Unknown(BTreeSet::from([key.to_string()]))
    }

    pub fn from_bool(value: bool) -> Self {
        if value { Self::Yes } else { Self::No }
    }

    /// Kleene conjunction: `No` wins, then `Unknown` (keys gathered), then `Yes`.
    #[must_use]
    pub fn and(self, other: Self) -> Self {
        match (self, other) {
            (Self::No, _) | (_, Self::No) => Self::No,
            (Self::Unknown(mut a), Self::Unknown(b)) => {
                a.extend(b);
                Self::Unknown(a)
            }
            (Self::Unknown(a), Self::Yes) | (Self::Yes, Self::Unknown(a)) => Self::Unknown(a),
            (Self::Yes, Self::Yes) => Self::Yes,
        }
    }

    /// Kleene disjunction: `Yes` wins, then `Unknown`, then `No`.
    #[must_use]
    pub fn or(self, other: Self) -> Self {
        match (self, other) {
            (Self::Yes, _) | (_, Self::Yes) => Self::Yes,
            (Self::Unknown(mut a), Self::Unknown(b)) => {
                a.extend(b);
                Self::Unknown(a)
            }
            (Self::Unknown(a), Self::No) | (Self::No, Self::Unknown(a)) => Self::Unknown(a),
            (Self::No, Self::No) => Self::No,
        }
    }

    pub fn keys(&self) -> impl Iterator<Item = &String> {
        match self {
            Self::Unknown(keys) => Some(keys.iter()),
            _ => None,
        }
        .into_iter()
        .flatten()
    }
}
