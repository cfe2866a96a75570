//! Three-valued truth: a statement applies, does not apply, or applies depending on condition
//! keys (or an account) the request does not supply, or on something the evaluator cannot
//! decide at all (an element it does not model, an ARN whose case may matter). Never a guess.

use std::collections::BTreeSet;

/// What an unknown truth hangs on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Unknowns {
    /// Condition keys the request does not carry (`account` and `region` stand for those parts
    /// of the resource's ARN): supplying them decides.
    pub keys: BTreeSet<String>,
    /// What no key can settle, in words (an unmodelled element, an ARN that differs only in
    /// case): only reading the policy can.
    pub reasons: BTreeSet<String>,
}

impl Unknowns {
    fn extend(&mut self, other: Self) {
        self.keys.extend(other.keys);
        self.reasons.extend(other.reasons);
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Truth {
    Yes,
    No,
    Unknown(Unknowns),
}

impl Truth {
    /// Unknown until `key` is supplied.
    pub fn unknown(key: &str) -> Self {
        Self::Unknown(Unknowns {
            keys: BTreeSet::from([key.to_string()]),
            reasons: BTreeSet::new(),
        })
    }

    /// Unknown for a reason no key can settle.
    pub fn undecidable(reason: impl Into<String>) -> Self {
        Self::Unknown(Unknowns {
            keys: BTreeSet::new(),
            reasons: BTreeSet::from([reason.into()]),
        })
    }

    pub fn from_bool(value: bool) -> Self {
        if value { Self::Yes } else { Self::No }
    }

    /// Kleene conjunction: `No` wins, then `Unknown` (what it hangs on gathered), then `Yes`.
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

    /// Kleene negation (`NotResource`): `Unknown` stays unknown, on the same things.
    #[must_use]
    pub fn negate(self) -> Self {
        match self {
            Self::Yes => Self::No,
            Self::No => Self::Yes,
            unknown => unknown,
        }
    }

    /// The condition keys an unknown truth hangs on.
    pub fn keys(&self) -> impl Iterator<Item = &String> {
        self.unknowns().flat_map(|u| u.keys.iter())
    }

    /// The reasons an unknown truth hangs on that no key settles.
    pub fn reasons(&self) -> impl Iterator<Item = &String> {
        self.unknowns().flat_map(|u| u.reasons.iter())
    }

    fn unknowns(&self) -> impl Iterator<Item = &Unknowns> {
        match self {
            Self::Unknown(unknowns) => Some(unknowns),
            _ => None,
        }
        .into_iter()
    }

    /// The same truth with every reason rewritten (to say which statement it is about).
    #[must_use]
    pub fn map_reasons(self, f: impl Fn(&str) -> String) -> Self {
        match self {
            Self::Unknown(Unknowns { keys, reasons }) => Self::Unknown(Unknowns {
                keys,
                reasons: reasons.iter().map(|r| f(r)).collect(),
            }),
            known => known,
        }
    }
}
