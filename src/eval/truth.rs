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

/// A [`Truth`] without what an unknown hangs on: all that the lint rules ask of the evaluator
/// ("may this statement apply?", "is this release denied everywhere?"). Worked out in the same
/// [`Logic`] as a `Truth`, it is always that truth's [`Truth::bare`], without building the sets
/// of keys and reasons, a few allocations per question.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BareTruth {
    Yes,
    No,
    Unknown,
}

impl Truth {
    /// The truth without what an unknown hangs on.
    pub fn bare(&self) -> BareTruth {
        match self {
            Self::Yes => BareTruth::Yes,
            Self::No => BareTruth::No,
            Self::Unknown(_) => BareTruth::Unknown,
        }
    }
}

/// The three-valued logic the evaluator answers in, for [`Truth`] (a decision the user reads,
/// with what an unknown hangs on) and [`BareTruth`] (a rule's question). The evaluator's code
/// is written once, over this trait, so the two cannot disagree.
pub trait Logic: Sized {
    const YES: Self;
    const NO: Self;
    /// Unknown until the condition key `key` is supplied.
    fn unknown_key(key: &str) -> Self;
    /// Unknown for a reason no key can settle; `reason` is called only if it is kept.
    fn undecidable_because(reason: impl FnOnce() -> String) -> Self;
    fn bare(&self) -> BareTruth;
    #[must_use]
    fn and(self, other: Self) -> Self;
    #[must_use]
    fn or(self, other: Self) -> Self;
    #[must_use]
    fn negate(self) -> Self;

    fn from_bool(value: bool) -> Self {
        if value { Self::YES } else { Self::NO }
    }
}

impl Logic for Truth {
    const YES: Self = Self::Yes;
    const NO: Self = Self::No;
    fn unknown_key(key: &str) -> Self {
        Self::unknown(key)
    }
    fn undecidable_because(reason: impl FnOnce() -> String) -> Self {
        Self::undecidable(reason())
    }
    fn bare(&self) -> BareTruth {
        Self::bare(self)
    }
    fn and(self, other: Self) -> Self {
        Self::and(self, other)
    }
    fn or(self, other: Self) -> Self {
        Self::or(self, other)
    }
    fn negate(self) -> Self {
        Self::negate(self)
    }
}

impl Logic for BareTruth {
    const YES: Self = Self::Yes;
    const NO: Self = Self::No;
    fn unknown_key(_: &str) -> Self {
        Self::Unknown
    }
    fn undecidable_because(_: impl FnOnce() -> String) -> Self {
        Self::Unknown
    }
    fn bare(&self) -> BareTruth {
        *self
    }
    // The same tables as `Truth`'s, without the gathering.
    fn and(self, other: Self) -> Self {
        match (self, other) {
            (Self::No, _) | (_, Self::No) => Self::No,
            (Self::Unknown, _) | (_, Self::Unknown) => Self::Unknown,
            (Self::Yes, Self::Yes) => Self::Yes,
        }
    }
    fn or(self, other: Self) -> Self {
        match (self, other) {
            (Self::Yes, _) | (_, Self::Yes) => Self::Yes,
            (Self::Unknown, _) | (_, Self::Unknown) => Self::Unknown,
            (Self::No, Self::No) => Self::No,
        }
    }
    fn negate(self) -> Self {
        match self {
            Self::Yes => Self::No,
            Self::No => Self::Yes,
            Self::Unknown => Self::Unknown,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `BareTruth`'s tables are `Truth`'s, with what an unknown hangs on forgotten.
    #[test]
    fn bare_logic_is_the_logic_of_truth_forgotten() {
        let truths = [Truth::Yes, Truth::No, Truth::unknown("acs:MFAPresent")];
        for a in &truths {
            assert_eq!(Logic::negate(a.bare()), a.clone().negate().bare());
            for b in &truths {
                assert_eq!(
                    Logic::and(a.bare(), b.bare()),
                    a.clone().and(b.clone()).bare(),
                    "{a:?} and {b:?}"
                );
                assert_eq!(
                    Logic::or(a.bare(), b.bare()),
                    a.clone().or(b.clone()).bare(),
                    "{a:?} or {b:?}"
                );
            }
        }
        assert_eq!(BareTruth::unknown_key("k"), Truth::unknown("k").bare());
        assert_eq!(BareTruth::undecidable_because(|| unreachable!()), BareTruth::Unknown);
    }
}
