//! The exact search: where Kleene's logic leaves a decision `conditional` on condition keys the
//! request does not supply, decide over every value those keys can take.
//!
//! The constants the policies compare a key with split its values into finitely many classes
//! that every condition treats alike: for strings, the classes of an automaton built from the
//! `StringEquals` constants, the case-folded constants of `StringEqualsIgnoreCase`, the
//! `StringLike` patterns and `Bool`'s `true`/`false` (explored breadth first, so each class gets
//! its shortest value); for numbers and dates, each constant and the intervals between them;
//! for IP addresses, the ranges between the blocks' boundaries; and the key being absent. A
//! multi-valued key (one a `ForAnyValue:`/`ForAllValues:` condition reads) takes every set of
//! its classes. One value per class, and every combination over the keys, is evaluated by the
//! concrete evaluator: the answer is definite only when every combination gives it;
//! `conditional` when one allows and another denies, each named by its witness.
//!
//! The work is bounded (cases, automaton states, set sizes). Past a bound, or where a key is
//! compared as two kinds of value, the search cannot be exhaustive: it still finds witnesses,
//! but a decision it did not prove stays `conditional`, with the reason said.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::compiled::{CompiledCondition, CompiledPolicy, CompiledStatement, Values};
use super::pattern::Pattern;
use super::request::{Context, Resource};
use super::truth::Truth;
use super::{Decision, Evaluation, Layer, Witness, evaluate_in_order};
use crate::values::{Decimal, Instant, IpBlock};

/// Most combinations of key values the search evaluates for one decision.
pub const MAX_CASES: usize = 4096;
/// Most states of the automaton that splits one key's strings into classes.
pub const MAX_STRING_STATES: usize = 4096;
/// Most classes a multi-valued key's sets are built from (every subset: 2^n − 1 sets).
pub const MAX_SET_CLASSES: usize = 6;

/// The values one key takes in the search: `None` is the key absent.
#[derive(Debug, Clone)]
struct KeySpace {
    key: String,
    options: Vec<Option<Vec<String>>>,
}

/// A case the search evaluated: its assignment, and the decision.
struct Case {
    assignment: Vec<(String, Option<Vec<String>>)>,
    context: Context,
    absent: usize,
}

impl Case {
    fn witness(&self, decision: Decision) -> Witness {
        Witness {
            decision,
            context: self.assignment.clone(),
        }
    }
}

/// Keep the case that needs the fewest absent keys: a witness that `--context` can state.
fn keep(slot: &mut Option<Case>, case: &Case) {
    if slot.as_ref().is_none_or(|kept| case.absent < kept.absent) {
        *slot = Some(Case {
            assignment: case.assignment.clone(),
            context: case.context.clone(),
            absent: case.absent,
        });
    }
}

/// Refine `kleene` (a `conditional` evaluation) by the search.
pub(super) fn decide(
    layers: &[Layer],
    action: &str,
    resource: &Resource,
    context: &Context,
    kleene: Evaluation,
) -> Evaluation {
    let folded = action.to_ascii_lowercase();
    // Only the statements that may apply can change with the keys: a statement that does not
    // apply keeps not applying whatever values the keys take.
    let reduced: Vec<Layer> = layers
        .iter()
        .map(|layer| Layer {
            kind: layer.kind,
            policies: layer
                .policies
                .iter()
                .map(|policy| CompiledPolicy {
                    source: policy.source.clone(),
                    statements: policy
                        .statements
                        .iter()
                        .filter(|s| s.applies(&folded, resource, context) != Truth::No)
                        .cloned()
                        .collect(),
                })
                .collect(),
        })
        .collect();
    let mut by_key: BTreeMap<&str, Vec<&CompiledCondition>> = BTreeMap::new();
    for statement in reduced.iter().flat_map(|l| &l.policies).flat_map(|p| &p.statements) {
        if !statement.unmodelled.is_empty() {
            continue;
        }
        for condition in statement.conditions.iter() {
            let evaluable = condition.operator.is_some() && !matches!(condition.values, Values::Unevaluable(_));
            if evaluable && context.is_unknown(&condition.key) {
                by_key.entry(condition.key.as_ref()).or_default().push(condition);
            }
        }
    }
    if by_key.is_empty() {
        return kleene;
    }
    let mut inexact = BTreeSet::new();
    let (spaces, total) = key_spaces(&by_key, &mut inexact);
    if total > MAX_CASES {
        let keys: Vec<String> = spaces.iter().map(|s| format!("`{}`", s.key)).collect();
        inexact.insert(format!(
            "the search over {} stopped at its bound of {MAX_CASES} cases (there are {})",
            keys.join(", "),
            if total == usize::MAX {
                "more than can be counted".to_string()
            } else {
                total.to_string()
            }
        ));
    }
    let mut allowed: Option<Case> = None;
    let mut explicit: Option<Case> = None;
    let mut implicit: Option<Case> = None;
    // A case that still hangs on something (a key absent under a negated or `ForAllValues:`
    // operator, whose meaning RAM does not document; an account; what the evaluator does not
    // model) keeps the answer `conditional`: supplying the key, the account, or fixing the
    // statement settles it, as the Kleene answer already says.
    let mut undecided: Option<Case> = None;
    let mut counters = vec![0usize; spaces.len()];
    for _ in 0..total.min(MAX_CASES) {
        let mut case = Case {
            assignment: Vec::with_capacity(spaces.len()),
            context: context.clone(),
            absent: 0,
        };
        for (space, &at) in spaces.iter().zip(&counters) {
            let option = space.options.get(at).cloned().flatten();
            match &option {
                Some(values) => case.context.set(space.key.clone(), values.clone()),
                None => {
                    case.context.mark_absent(space.key.clone());
                    case.absent += 1;
                }
            }
            case.assignment.push((space.key.clone(), option));
        }
        match evaluate_in_order(&reduced, action, resource, &case.context).decision {
            Decision::Allowed => keep(&mut allowed, &case),
            Decision::ExplicitDeny => keep(&mut explicit, &case),
            Decision::ImplicitDeny => keep(&mut implicit, &case),
            Decision::Conditional => keep(&mut undecided, &case),
        }
        let settled = |slot: &Option<Case>| slot.as_ref().is_some_and(|c| c.absent == 0);
        if settled(&allowed) && (settled(&implicit) || settled(&explicit)) {
            break;
        }
        // The next combination (the first key turns fastest).
        for (counter, space) in counters.iter_mut().zip(&spaces) {
            *counter += 1;
            if *counter < space.options.len() {
                break;
            }
            *counter = 0;
        }
    }
    let denied = match (&implicit, &explicit) {
        (Some(i), Some(e)) if e.absent < i.absent => Some((e, Decision::ExplicitDeny)),
        (Some(i), _) => Some((i, Decision::ImplicitDeny)),
        (None, Some(e)) => Some((e, Decision::ExplicitDeny)),
        (None, None) => None,
    };
    let mut witnesses = Vec::new();
    if let Some(case) = &allowed {
        witnesses.push(case.witness(Decision::Allowed));
    }
    if let Some((case, decision)) = denied {
        witnesses.push(case.witness(decision));
    }
    // Without both sides, the case that could not be decided is a witness too: fed back, it
    // gives `conditional`.
    if witnesses.len() < 2
        && let Some(case) = &undecided
    {
        witnesses.push(case.witness(Decision::Conditional));
    }
    let proved = inexact.is_empty() && undecided.is_none();
    let decided_over: BTreeSet<String> = spaces.iter().map(|s| s.key.clone()).collect();
    match (&allowed, denied) {
        (Some(_), Some(_)) => Evaluation { witnesses, ..kleene },
        (Some(case), None) if proved => {
            let mut evaluation = evaluate_in_order(layers, action, resource, &case.context);
            evaluation.decided_over = decided_over;
            evaluation
        }
        (None, Some(_)) if proved => {
            // Denied whatever the keys hold: implicitly if some case is, else explicitly.
            let case = implicit.as_ref().or(explicit.as_ref());
            let mut evaluation = match case {
                Some(case) => evaluate_in_order(layers, action, resource, &case.context),
                None => kleene,
            };
            evaluation.decided_over = decided_over;
            evaluation
        }
        _ => {
            let mut evaluation = Evaluation { witnesses, ..kleene };
            evaluation.reasons.extend(inexact);
            evaluation
        }
    }
}

/// The value classes of every key, and how many combinations they make (saturating).
fn key_spaces(
    by_key: &BTreeMap<&str, Vec<&CompiledCondition>>,
    inexact: &mut BTreeSet<String>,
) -> (Vec<KeySpace>, usize) {
    let spaces: Vec<KeySpace> = by_key
        .iter()
        .map(|(key, conditions)| key_space(key, conditions, inexact))
        .collect();
    let total = spaces
        .iter()
        .try_fold(1usize, |acc, s| acc.checked_mul(s.options.len()))
        .unwrap_or(usize::MAX);
    (spaces, total)
}

/// The values the search gives `key`, from the conditions that compare it.
fn key_space(key: &str, conditions: &[&CompiledCondition], inexact: &mut BTreeSet<String>) -> KeySpace {
    // A key a request carries once is never a set, whatever the qualifiers that read it.
    let multi = conditions.iter().any(|c| c.operator.is_some_and(|o| o.set.is_some()))
        && !crate::catalog::conditions::takes_one_value(key);
    let mut kinds = BTreeSet::new();
    let mut globs = Vec::new();
    let mut seeds = Vec::new();
    let mut numbers = Vec::new();
    let mut dates = Vec::new();
    let mut blocks = Vec::new();
    for condition in conditions {
        match &condition.values {
            Values::Strings(values) => {
                kinds.insert("a string");
                for value in values {
                    globs.push(Glob::literal(value, Fold::None));
                    seeds.push(value.clone());
                }
            }
            Values::Folded(values) => {
                kinds.insert("a string");
                for value in values {
                    globs.push(Glob::literal(value, Fold::Unicode));
                }
                seeds.extend(condition.texts.iter().cloned());
            }
            Values::Patterns(patterns) => {
                kinds.insert("a string");
                for pattern in patterns {
                    globs.push(Glob::pattern(pattern.as_str()));
                    seeds.push(pattern.as_str().replace('*', "").replace('?', "x"));
                }
            }
            Values::Bools(_) => {
                kinds.insert("a string");
                for value in ["true", "false"] {
                    globs.push(Glob::literal(value, Fold::Ascii));
                    seeds.push(value.to_string());
                }
            }
            Values::Numbers(_) => {
                kinds.insert("a number");
                numbers.extend(condition.texts.iter().cloned());
            }
            Values::Dates(values) => {
                kinds.insert("a date");
                dates.extend(values.iter().copied());
            }
            Values::Ips(values) => {
                kinds.insert("an IP address");
                blocks.extend(values.iter().copied());
            }
            Values::Unevaluable(_) => {}
        }
    }
    if kinds.len() > 1 {
        let kinds: Vec<&str> = kinds.iter().copied().collect();
        inexact.insert(format!(
            "`{key}` is compared as {}, so the search cannot split its values exactly",
            kinds.join(" and as ")
        ));
    }
    let mut candidates: Vec<String> = Vec::new();
    if !globs.is_empty() {
        // A constant that several statements compare with splits the values once: the same
        // classes, seeds and states, with less work.
        let mut distinct: Vec<Glob> = Vec::with_capacity(globs.len());
        for glob in globs {
            if !distinct.contains(&glob) {
                distinct.push(glob);
            }
        }
        let globs = distinct;
        let mut seen = HashSet::new();
        seeds.retain(|seed| seen.insert(seed.clone()));
        seeds.push("other".to_string());
        candidates.extend(string_classes(key, &globs, &seeds, inexact));
    }
    candidates.extend(number_candidates(&numbers));
    candidates.extend(date_candidates(key, &dates, inexact));
    candidates.extend(ip_candidates(&blocks));
    if !numbers.is_empty() {
        candidates.push("not-a-number".to_string());
    }
    if !dates.is_empty() {
        candidates.push("not-a-date".to_string());
    }
    if !blocks.is_empty() {
        candidates.push("not-an-ip".to_string());
    }
    // A value the request cannot carry (`--context` refuses it for a typed key) is no case.
    let mut seen = HashSet::new();
    candidates.retain(|v| seen.insert(v.clone()) && Context::parse_assignment(&format!("{key}={v}")).is_ok());
    let mut options: Vec<Option<Vec<String>>> = Vec::new();
    if multi {
        if candidates.len() <= MAX_SET_CLASSES {
            for mask in 1u32..(1 << candidates.len()) {
                let set = candidates
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| mask & (1 << i) != 0)
                    .map(|(_, v)| v.clone())
                    .collect();
                options.push(Some(set));
            }
            // Smaller sets first: their witnesses read better.
            options.sort_by_key(|o| o.as_ref().map_or(0, Vec::len));
        } else {
            inexact.insert(format!(
                "`{key}` takes several values and its {} classes are more than the {MAX_SET_CLASSES} whose every set the search tries",
                candidates.len()
            ));
            for (i, a) in candidates.iter().enumerate() {
                options.push(Some(vec![a.clone()]));
                for b in candidates.iter().skip(i + 1) {
                    options.push(Some(vec![a.clone(), b.clone()]));
                }
            }
        }
    } else {
        options.extend(candidates.into_iter().map(|v| Some(vec![v])));
    }
    options.push(None);
    KeySpace {
        key: key.to_string(),
        options,
    }
}

/// How a glob's character compares with the request's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fold {
    None,
    /// `str::to_lowercase` on both sides (`StringEqualsIgnoreCase`).
    Unicode,
    /// ASCII lowercase (`Bool`).
    Ascii,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Token {
    Star,
    Any,
    Char(char, Fold),
}

/// A `StringLike` pattern, or a constant as a pattern without wildcards.
#[derive(PartialEq)]
struct Glob(Vec<Token>);

impl Glob {
    fn literal(text: &str, fold: Fold) -> Self {
        let folded = match fold {
            Fold::None => text.to_string(),
            Fold::Unicode => text.to_lowercase(),
            Fold::Ascii => text.to_ascii_lowercase(),
        };
        Self(folded.chars().map(|c| Token::Char(c, fold)).collect())
    }

    fn pattern(text: &str) -> Self {
        Self(
            text.chars()
                .map(|c| match c {
                    '*' => Token::Star,
                    '?' => Token::Any,
                    c => Token::Char(c, Fold::None),
                })
                .collect(),
        )
    }

    /// The positions reachable from `positions` without reading (a star may match nothing).
    fn close(&self, positions: &mut Vec<u16>) {
        let mut i = 0;
        while let Some(&p) = positions.get(i) {
            if matches!(self.0.get(usize::from(p)), Some(Token::Star)) && !positions.contains(&(p + 1)) {
                positions.push(p + 1);
            }
            i += 1;
        }
        positions.sort_unstable();
    }

    fn start(&self) -> Vec<u16> {
        let mut positions = vec![0];
        self.close(&mut positions);
        positions
    }

    fn step(&self, positions: &[u16], x: char) -> Vec<u16> {
        // Each position stays or advances, and a star reached may add the one after it.
        let mut next = Vec::with_capacity(2 * positions.len() + 1);
        for &p in positions {
            let advance = match self.0.get(usize::from(p)) {
                Some(Token::Star) => {
                    next.push(p);
                    false
                }
                Some(Token::Any) => true,
                Some(Token::Char(c, fold)) => char_matches(*c, *fold, x),
                None => false,
            };
            if advance {
                next.push(p + 1);
            }
        }
        next.sort_unstable();
        next.dedup();
        self.close(&mut next);
        next
    }

    fn accepts(&self, positions: &[u16]) -> bool {
        positions.iter().any(|&p| usize::from(p) == self.0.len())
    }
}

fn char_matches(want: char, fold: Fold, x: char) -> bool {
    match fold {
        Fold::None => x == want,
        Fold::Ascii => x.to_ascii_lowercase() == want,
        Fold::Unicode => {
            let mut lower = x.to_lowercase();
            lower.next() == Some(want) && lower.next().is_none()
        }
    }
}

/// One string per class of values that the globs tell apart: the seeds first (the policy's own
/// constants read best), then the shortest string of each class no seed reaches.
fn string_classes(key: &str, globs: &[Glob], seeds: &[String], inexact: &mut BTreeSet<String>) -> Vec<String> {
    // A state: the positions of each glob that can still match, by index (a glob that can no
    // longer match never can again, and is left out: a hundred literals share few states'
    // work).
    type State = Vec<(usize, Vec<u16>)>;
    let start: State = globs.iter().map(Glob::start).enumerate().collect();
    let step = |state: &State, x: char| -> State {
        state
            .iter()
            .filter_map(|(i, positions)| {
                let next = globs.get(*i)?.step(positions, x);
                (!next.is_empty()).then_some((*i, next))
            })
            .collect()
    };
    let class = |state: &State| -> Vec<bool> {
        let mut accepts = vec![false; globs.len()];
        for (i, positions) in state {
            if let (Some(slot), Some(glob)) = (accepts.get_mut(*i), globs.get(*i)) {
                *slot = glob.accepts(positions);
            }
        }
        accepts
    };
    let mut classes: HashSet<Vec<bool>> = HashSet::new();
    let mut out = Vec::new();
    for seed in seeds {
        let state = seed.chars().fold(start.clone(), |state, x| step(&state, x));
        if classes.insert(class(&state)) {
            out.push(seed.clone());
        }
    }
    // Characters that no constant mentions all behave alike: one stands for them all.
    let mut alphabet = BTreeSet::new();
    for token in globs.iter().flat_map(|g| &g.0) {
        if let Token::Char(c, fold) = *token {
            alphabet.insert(c);
            if fold != Fold::None {
                alphabet.extend(c.to_uppercase());
                alphabet.extend(c.to_lowercase());
            }
        }
    }
    if let Some(fresh) = "-_0123456789#~.@字".chars().find(|c| !alphabet.contains(c)) {
        alphabet.insert(fresh);
    }
    let mut visited: HashSet<State> = HashSet::from([start.clone()]);
    let mut queue = VecDeque::from([(start, String::new())]);
    while let Some((state, text)) = queue.pop_front() {
        if classes.insert(class(&state)) {
            out.push(text.clone());
        }
        // The characters that the patterns can read next, here: every other one leads where
        // the first of them in the alphabet leads, which is the only one tried (it is the one
        // that would reach that state first anyway).
        let readable: Vec<(char, Fold)> = state
            .iter()
            .flat_map(|(i, positions)| positions.iter().map(move |&p| (*i, p)))
            .filter_map(|(i, p)| match globs.get(i)?.0.get(usize::from(p))? {
                Token::Char(c, fold) => Some((*c, *fold)),
                Token::Star | Token::Any => None,
            })
            .collect();
        let mut other_tried = false;
        for &x in &alphabet {
            if !readable.iter().any(|&(c, fold)| char_matches(c, fold, x)) {
                if other_tried {
                    continue;
                }
                other_tried = true;
            }
            let next = step(&state, x);
            if visited.contains(&next) {
                continue;
            }
            if visited.len() >= MAX_STRING_STATES {
                inexact.insert(format!(
                    "the patterns on `{key}` need more than {MAX_STRING_STATES} automaton states to split its values"
                ));
                return out;
            }
            visited.insert(next.clone());
            let mut longer = text.clone();
            longer.push(x);
            queue.push_back((next, longer));
        }
    }
    out
}

/// A value in every interval the numeric constants make, and the constants themselves.
fn number_candidates(texts: &[String]) -> Vec<String> {
    if texts.is_empty() {
        return Vec::new();
    }
    // Smaller than any gap between two constants: one more fraction digit than any has.
    let digits = texts
        .iter()
        .map(|t| t.split_once('.').map_or(0, |(_, f)| f.len()))
        .max()
        .unwrap_or(0)
        + 1;
    let epsilon = format!("0.{}1", "0".repeat(digits));
    let mut out = texts.to_vec();
    // Away from zero by epsilon: above a positive constant, below a negative one.
    for text in texts {
        let (int, frac) = text.split_once('.').unwrap_or((text, ""));
        out.push(format!(
            "{int}.{frac}{}1",
            "0".repeat(digits.saturating_sub(frac.len()))
        ));
    }
    out.extend(["0".to_string(), format!("-{epsilon}"), epsilon]);
    out.retain(|t| Decimal::parse(t).is_ok());
    out
}

/// Each date constant and the instants a nanosecond either side of it.
fn date_candidates(key: &str, dates: &[Instant], inexact: &mut BTreeSet<String>) -> Vec<String> {
    let mut out = Vec::new();
    for date in dates {
        for delta in [0i64, -1, 1] {
            let total = i128::from(date.seconds) * 1_000_000_000 + i128::from(date.nanos) + i128::from(delta);
            let Ok(seconds) = i64::try_from(total.div_euclid(1_000_000_000)) else {
                continue;
            };
            let nanos = u32::try_from(total.rem_euclid(1_000_000_000)).unwrap_or(0);
            match format_instant(seconds, nanos) {
                Some(text) if Instant::parse(&text) == Ok(Instant { seconds, nanos }) => out.push(text),
                _ => {
                    inexact.insert(format!(
                        "a date compared with `{key}` is outside the years 0000 to 9999"
                    ));
                }
            }
        }
    }
    out
}

fn format_instant(seconds: i64, nanos: u32) -> Option<String> {
    let days = seconds.div_euclid(86_400);
    let rest = seconds.rem_euclid(86_400);
    let (year, month, day) = crate::values::civil_from_days(days);
    (0..=9999).contains(&year).then(|| {
        format!(
            "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{nanos:09}Z",
            rest / 3600,
            rest % 3600 / 60,
            rest % 60
        )
    })
}

/// The first address of every range the blocks' boundaries make (each block's first address,
/// the one after its last), and the first address of each family.
fn ip_candidates(blocks: &[IpBlock]) -> Vec<String> {
    if blocks.is_empty() {
        return Vec::new();
    }
    let mut out = vec!["0.0.0.0".to_string(), "::".to_string()];
    for block in blocks {
        match block.addr {
            IpAddr::V4(addr) => {
                let host = 32 - u32::from(block.prefix);
                let mask = u32::MAX.checked_shl(host).unwrap_or(0);
                let first = u32::from(addr) & mask;
                out.push(Ipv4Addr::from(first).to_string());
                if let Some(after) = (first | !mask).checked_add(1) {
                    out.push(Ipv4Addr::from(after).to_string());
                }
            }
            IpAddr::V6(addr) => {
                let host = 128 - u32::from(block.prefix);
                let mask = u128::MAX.checked_shl(host).unwrap_or(0);
                let first = u128::from(addr) & mask;
                out.push(Ipv6Addr::from(first).to_string());
                if let Some(after) = (first | !mask).checked_add(1) {
                    out.push(Ipv6Addr::from(after).to_string());
                }
            }
        }
    }
    out
}

// --- `ramguard diff` (issue 10, section 3) ----------------------------------------------------

/// Values of condition keys, each key's values or `None` for the key absent.
pub type Assignment = Vec<(String, Option<Vec<String>>)>;

/// One string per class of values that `patterns` (`*` and `?` wildcards, matched exactly) tell
/// apart, the seeds first; and whether the split is exhaustive (it is not past
/// [`MAX_STRING_STATES`]).
pub fn pattern_classes(what: &str, patterns: &[String], seeds: &[String]) -> (Vec<String>, bool) {
    let globs: Vec<Glob> = patterns.iter().map(|p| Glob::pattern(p)).collect();
    let mut inexact = BTreeSet::new();
    let classes = string_classes(what, &globs, seeds, &mut inexact);
    (classes, inexact.is_empty())
}

/// Every combination of values of the condition keys that the statements of `policies` which
/// may apply to `action` on `resource` compare, one value per class (as [`decide`] splits them,
/// over all the policies at once, so the classes split each); and the reasons the list is not
/// exhaustive, if any. No keys: one case, the empty context.
pub fn joint_cases(
    policies: &[&CompiledPolicy],
    action: &str,
    resource: &Resource,
) -> (Vec<Assignment>, BTreeSet<String>) {
    let folded = action.to_ascii_lowercase();
    let empty = Context::default();
    let (cases, inexact) = joint_cases_among(
        policies
            .iter()
            .flat_map(|p| &p.statements)
            .filter(|s| s.applies(&folded, resource, &empty) != Truth::No),
        &mut KeySpaces::default(),
    );
    (cases.collect(), inexact)
}

/// The values the search gives each key, kept across searches: by the key and the distinct
/// conditions that compare it, in the order they first appear (a condition that repeats an
/// earlier one adds no constant, no seed and no candidate that the first did not, in the same
/// order: the space is the same).
#[derive(Debug, Default)]
pub struct KeySpaces {
    /// Each condition seen (by address) and the number of its content.
    ids: HashMap<usize, usize>,
    contents: HashMap<String, usize>,
    spaces: HashMap<(String, Vec<usize>), (KeySpace, BTreeSet<String>)>,
}

impl KeySpaces {
    fn id(&mut self, condition: &CompiledCondition) -> usize {
        let address = std::ptr::from_ref(condition) as usize;
        if let Some(&id) = self.ids.get(&address) {
            return id;
        }
        let content = format!(
            "{:?}",
            (&condition.operator, &condition.key, &condition.values, &condition.texts)
        );
        let next = self.contents.len();
        let id = *self.contents.entry(content).or_insert(next);
        self.ids.insert(address, id);
        id
    }

    fn space(&mut self, key: &str, conditions: &[&CompiledCondition], inexact: &mut BTreeSet<String>) -> KeySpace {
        let mut distinct: Vec<&CompiledCondition> = Vec::with_capacity(conditions.len());
        let mut ids = Vec::with_capacity(conditions.len());
        for &condition in conditions {
            let id = self.id(condition);
            if !ids.contains(&id) {
                ids.push(id);
                distinct.push(condition);
            }
        }
        let entry = self.spaces.entry((key.to_string(), ids)).or_insert_with(|| {
            let mut found = BTreeSet::new();
            let space = key_space(key, &distinct, &mut found);
            (space, found)
        });
        inexact.extend(entry.1.iter().cloned());
        entry.0.clone()
    }
}

/// [`joint_cases`] over the statements that may apply (given in order), one case at a time.
pub fn joint_cases_among<'a>(
    statements: impl IntoIterator<Item = &'a CompiledStatement>,
    known: &mut KeySpaces,
) -> (JointCases, BTreeSet<String>) {
    let mut by_key: BTreeMap<&str, Vec<&CompiledCondition>> = BTreeMap::new();
    for statement in statements {
        if !statement.unmodelled.is_empty() {
            continue;
        }
        for condition in statement.conditions.iter() {
            if condition.operator.is_some() && !matches!(condition.values, Values::Unevaluable(_)) {
                by_key.entry(condition.key.as_ref()).or_default().push(condition);
            }
        }
    }
    let mut inexact = BTreeSet::new();
    let spaces: Vec<KeySpace> = by_key
        .iter()
        .map(|(key, conditions)| known.space(key, conditions, &mut inexact))
        .collect();
    let total = spaces
        .iter()
        .try_fold(1usize, |acc, s| acc.checked_mul(s.options.len()))
        .unwrap_or(usize::MAX);
    if total > MAX_CASES {
        inexact.insert(format!(
            "the search over the condition keys stopped at its bound of {MAX_CASES} cases"
        ));
    }
    let counters = vec![0usize; spaces.len()];
    let cases = JointCases {
        spaces,
        counters,
        left: total.min(MAX_CASES),
    };
    (cases, inexact)
}

/// The combinations of the keys' classes, the first key turning fastest.
#[derive(Debug)]
pub struct JointCases {
    spaces: Vec<KeySpace>,
    counters: Vec<usize>,
    left: usize,
}

impl Iterator for JointCases {
    type Item = Assignment;

    fn next(&mut self) -> Option<Assignment> {
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        let case: Assignment = self
            .spaces
            .iter()
            .zip(&self.counters)
            .map(|(space, &at)| (space.key.clone(), space.options.get(at).cloned().flatten()))
            .collect();
        for (counter, space) in self.counters.iter_mut().zip(&self.spaces) {
            *counter += 1;
            if *counter < space.options.len() {
                break;
            }
            *counter = 0;
        }
        Some(case)
    }
}

// --- Classes of ARNs, part by part ------------------------------------------------------------

/// Most ways one resource pattern is cut into an ARN's five parts.
const MAX_CUTS: usize = 256;
/// Most combinations of service, region and account classes tried.
const MAX_PREFIXES: usize = 1 << 18;

/// Where an ARN's separator `:` falls in a pattern: on a token that reads it (`:` or `?`), or
/// inside a `*` (which matches any characters, `:` included).
#[derive(Debug, Clone, Copy)]
enum Cut {
    On(usize),
    InStar(usize),
}

/// The ways `pattern` matches an ARN `acs:SERVICE:REGION:ACCOUNT:RELATIVE`, each as the five
/// patterns its parts must match (a `*` that spans a separator is cut into a `*` on each side);
/// `None` past [`MAX_CUTS`]. A string with that many separators matches `pattern` exactly when
/// its parts match the five patterns of one cut: every match maps each separator to one token
/// (a `:`, a `?` or a `*`), and cutting the pattern there gives the parts' matches; and
/// conversely the parts' matches, joined by the separators, are a match.
fn cuts(pattern: &str) -> Option<Vec<[String; 5]>> {
    let tokens: Vec<char> = pattern.chars().collect();
    let mut out = Vec::new();
    let mut chosen = Vec::with_capacity(4);
    fn walk(tokens: &[char], from: Cut, chosen: &mut Vec<Cut>, out: &mut Vec<[String; 5]>) -> bool {
        if chosen.len() == 4 {
            if out.len() >= MAX_CUTS {
                return false;
            }
            out.push(pieces(tokens, chosen));
            return true;
        }
        // The next separator lies at or after `from` (inside the same star again, or on a later
        // token).
        let first = match from {
            Cut::On(i) => i,
            Cut::InStar(i) => i,
        };
        for i in first..tokens.len() {
            let token = tokens.get(i).copied().unwrap_or('\0');
            let options: &[Cut] = match token {
                '*' => &[Cut::InStar(i)],
                ':' | '?' => &[Cut::On(i)],
                _ => &[],
            };
            for &cut in options {
                chosen.push(cut);
                let next = match cut {
                    Cut::On(i) => Cut::On(i + 1),
                    Cut::InStar(i) => Cut::InStar(i),
                };
                let ok = walk(tokens, next, chosen, out);
                chosen.pop();
                if !ok {
                    return false;
                }
            }
        }
        true
    }
    fn pieces(tokens: &[char], cuts: &[Cut]) -> [String; 5] {
        let mut parts: [String; 5] = Default::default();
        let mut start = 0;
        let mut open_star = false;
        for (part, cut) in parts.iter_mut().zip(cuts.iter().copied().map(Some).chain([None])) {
            if open_star {
                part.push('*');
            }
            let end = match cut {
                Some(Cut::On(i) | Cut::InStar(i)) => i,
                None => tokens.len(),
            };
            part.extend(tokens.get(start..end).unwrap_or_default());
            match cut {
                Some(Cut::On(i)) => {
                    start = i + 1;
                    open_star = false;
                }
                Some(Cut::InStar(i)) => {
                    part.push('*');
                    start = i + 1;
                    open_star = true;
                }
                None => {}
            }
        }
        parts
    }
    walk(&tokens, Cut::On(0), &mut chosen, &mut out).then_some(out)
}

/// One ARN per class of ARNs that `patterns` tell apart, the seeds first (as
/// [`pattern_classes`] over the resource patterns, for strings of an ARN's form: `acs:`, a
/// service, a region, an account and a relative id, the service and relative id not empty); and
/// whether the split is exhaustive.
///
/// The automaton over whole strings needs a state for every combination of the patterns' partial
/// matches, which a hundred patterns such as `acs:kvstore:*:*:instance/r-bp0123` take past any
/// bound. Here each part is split on its own, by the pieces of the patterns that fall on it
/// (see [`cuts`]): a handful of services, regions and accounts, and the relative ids. A class of
/// ARNs is then a service class, a region class, an account class and a relative-id class whose
/// pieces make some patterns match: which patterns match depends on the parts' classes only, so
/// one ARN per combination, kept where it makes a new set of matching patterns, is one per class.
/// ARNs whose relative id holds `:` are split apart from the others (a `*` may then span
/// separators in more ways), with the same parts.
///
/// No ARN of service `kvstore` whose relative id holds a `:` is a class (see
/// [`is_kvstore_request_arn`]): no request RAM is asked about has one, and their relative ids,
/// cut by every `*` of a hundred instance patterns that may absorb a separator, are what took
/// the search past its bounds.
pub fn arn_classes(patterns: &[String], seeds: &[String]) -> (Vec<String>, bool) {
    let mut all_cuts = Vec::with_capacity(patterns.len());
    for pattern in patterns {
        match cuts(pattern) {
            Some(found) => all_cuts.push(found),
            // A pattern with too many wildcards: the whole-string automaton, as before.
            None => return pattern_classes("Resource", patterns, seeds),
        }
    }
    let whole: Vec<Pattern> = patterns.iter().map(|p| Pattern::new(p)).collect();
    let signature = |text: &str| -> Vec<bool> { whole.iter().map(|p| p.matches(text)).collect() };
    let mut seen: HashSet<Vec<bool>> = HashSet::new();
    let mut out = Vec::new();
    for seed in seeds.iter().filter(|s| is_kvstore_request_arn(s)) {
        if seen.insert(signature(seed)) {
            out.push(seed.clone());
        }
    }
    let mut exhaustive = true;
    for colon_in_relative in [false, true] {
        let found = arn_classes_of(&all_cuts, seeds, colon_in_relative, &mut exhaustive);
        for (arn, matching) in found {
            if seen.insert(matching) {
                out.push(arn);
            }
        }
    }
    (out, exhaustive)
}

/// Whether `arn` may be the resource of a request RAM is asked about, as far as the service
/// `kvstore` goes: every ARN of another service, or of a form that is no ARN, may; a kvstore ARN
/// may only if its relative id holds no `:`.
///
/// Why: kvstore has one resource type that RAM authorizes, the instance, named
/// `acs:kvstore:<regionId>:<accountId>:instance/<instanceId>` (Alibaba Cloud, "RAM
/// authorization" of ApsaraDB for Redis / Tair: "the only resource type that can be authorized
/// in RAM is instance"; the API reference's resource type `DBInstance`; the domain notes,
/// section 2, [D]); instance ids (`r-bp1...`, `tt-...`) hold no `:`. Other services keep such
/// ARNs (an OSS object name may hold a `:`). The service is compared exactly: `KVStore` is not
/// `kvstore`, and keeps its classes.
pub fn is_kvstore_request_arn(arn: &str) -> bool {
    match arn.strip_prefix("acs:kvstore:") {
        Some(rest) => rest
            .splitn(3, ':')
            .nth(2)
            .is_none_or(|relative| !relative.contains(':')),
        None => true,
    }
}

/// [`arn_classes`] for ARNs whose relative id holds a `:` (`colon_in_relative`) or not: one ARN
/// per class, with the patterns it matches. With a `:` in the relative id, the service is never
/// `kvstore` ([`is_kvstore_request_arn`]).
fn arn_classes_of(
    all_cuts: &[Vec<[String; 5]>],
    seeds: &[String],
    colon_in_relative: bool,
    exhaustive: &mut bool,
) -> Vec<(String, Vec<bool>)> {
    // The cuts that ARNs of this kind can match: the first part reads `acs`, no part before the
    // relative id holds a `:`, and the relative id holds none unless it may.
    struct Term {
        pattern: usize,
        pieces: [usize; 4],
    }
    let mut pieces: [Vec<String>; 4] = Default::default();
    let mut terms = Vec::new();
    for (pattern, found) in all_cuts.iter().enumerate() {
        for cut in found {
            let [scheme, parts @ ..] = cut;
            if !Pattern::new(scheme).matches("acs")
                || parts.iter().take(3).any(|p| p.contains(':'))
                || (!colon_in_relative && parts.get(3).is_some_and(|p| p.contains(':')))
                // A relative id with a `:` is matched only by a piece that reads one.
                || (colon_in_relative && parts.get(3).is_some_and(|p| !p.contains([':', '*', '?'])))
                // A cut that only a kvstore ARN matches matches no ARN of this kind.
                || (colon_in_relative && parts.first().is_some_and(|p| p == "kvstore"))
            {
                continue;
            }
            let mut at = [0usize; 4];
            for ((slot, list), piece) in at.iter_mut().zip(pieces.iter_mut()).zip(parts) {
                *slot = list.iter().position(|p| p == piece).unwrap_or_else(|| {
                    list.push(piece.clone());
                    list.len() - 1
                });
            }
            terms.push(Term { pattern, pieces: at });
        }
    }
    // The parts of the seeds that have an ARN's form name the classes first.
    let mut part_seeds: [Vec<String>; 4] = Default::default();
    for seed in seeds {
        if let Some(rest) = seed.strip_prefix("acs:") {
            for (index, (list, part)) in part_seeds.iter_mut().zip(rest.splitn(4, ':')).enumerate() {
                // A seed names only a class of this kind (else the class would lose its name).
                let fits = if index == 3 {
                    part.contains(':') == colon_in_relative
                } else {
                    true
                };
                if fits && !part.is_empty() {
                    list.push(part.to_string());
                }
            }
        }
    }
    // Each part's classes, split by its pieces (and, for the service and the relative id, by
    // being empty; for a relative id with a `:`, by holding one), with the pieces each matches.
    let mut classes: Vec<Vec<(String, Vec<bool>)>> = Vec::with_capacity(4);
    for (index, (list, seeds)) in pieces.iter().zip(&part_seeds).enumerate() {
        let matchers: Vec<Pattern> = list.iter().map(|p| Pattern::new(p)).collect();
        let mut globs: Vec<Glob> = list.iter().map(|p| Glob::pattern(p)).collect();
        let nonempty = index == 0 || index == 3;
        if nonempty {
            globs.push(Glob::pattern("?*"));
        }
        if index == 3 && colon_in_relative {
            globs.push(Glob::pattern("*:*"));
        }
        // `kvstore` its own class of services (`k?store` matches others too), left out below.
        if index == 0 && colon_in_relative {
            globs.push(Glob::pattern("kvstore"));
        }
        let mut inexact = BTreeSet::new();
        let found = string_classes("Resource", &globs, seeds, &mut inexact);
        if !inexact.is_empty() {
            *exhaustive = false;
        }
        classes.push(
            found
                .into_iter()
                .filter(|text| !(nonempty && text.is_empty()))
                .filter(|text| index != 3 || text.contains(':') == colon_in_relative)
                .filter(|text| index == 3 || !text.contains(':'))
                .filter(|text| !(index == 0 && colon_in_relative && text == "kvstore"))
                .map(|text| {
                    let matches = matchers.iter().map(|m| m.matches(&text)).collect();
                    (text, matches)
                })
                .collect(),
        );
    }
    let [services, regions, accounts, relatives] = classes.as_slice() else {
        return Vec::new();
    };
    if services
        .len()
        .saturating_mul(regions.len())
        .saturating_mul(accounts.len())
        > MAX_PREFIXES
    {
        *exhaustive = false;
    }
    // The combinations of service, region and account, one per set of cuts they let through.
    let mut prefixes: HashMap<Vec<bool>, (usize, usize, usize)> = HashMap::new();
    let mut tried = 0usize;
    'prefixes: for (s, (_, service)) in services.iter().enumerate() {
        for (r, (_, region)) in regions.iter().enumerate() {
            for (a, (_, account)) in accounts.iter().enumerate() {
                tried += 1;
                if tried > MAX_PREFIXES {
                    break 'prefixes;
                }
                let through: Vec<bool> = terms
                    .iter()
                    .map(|t| {
                        let [ps, pr, pa, _] = t.pieces;
                        service.get(ps).copied().unwrap_or(false)
                            && region.get(pr).copied().unwrap_or(false)
                            && account.get(pa).copied().unwrap_or(false)
                    })
                    .collect();
                prefixes.entry(through).or_insert((s, r, a));
            }
        }
    }
    let mut prefixes: Vec<(Vec<bool>, (usize, usize, usize))> = prefixes.into_iter().collect();
    prefixes.sort_by_key(|(_, at)| *at);
    let mut out = Vec::new();
    let mut seen: HashSet<Vec<bool>> = HashSet::new();
    for (through, (s, r, a)) in &prefixes {
        for (relative, matches) in relatives {
            let mut matching = vec![false; all_cuts.len()];
            for (term, passes) in terms.iter().zip(through) {
                if *passes
                    && matches.get(term.pieces[3]).copied().unwrap_or(false)
                    && let Some(slot) = matching.get_mut(term.pattern)
                {
                    *slot = true;
                }
            }
            if seen.insert(matching.clone()) {
                let part =
                    |list: &[(String, Vec<bool>)], i: usize| list.get(i).map_or("", |(t, _)| t.as_str()).to_string();
                out.push((
                    format!(
                        "acs:{}:{}:{}:{relative}",
                        part(services, *s),
                        part(regions, *r),
                        part(accounts, *a)
                    ),
                    matching,
                ));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_format_back_to_themselves() {
        for text in [
            "1970-01-01T00:00:00Z",
            "2026-02-28T23:59:59.5Z",
            "2000-02-29T12:00:00Z",
            "1969-12-31T23:59:59Z",
        ] {
            let instant = Instant::parse(text).unwrap_or_else(|e| unreachable!("{e}"));
            let formatted = format_instant(instant.seconds, instant.nanos).unwrap_or_else(|| unreachable!());
            assert_eq!(Instant::parse(&formatted), Ok(instant), "{text} -> {formatted}");
        }
    }

    #[test]
    fn numbers_fall_in_every_gap() {
        let texts: Vec<String> = ["-2.5", "0", "3", "3.01"].iter().map(|s| s.to_string()).collect();
        let mut values: Vec<Decimal> = number_candidates(&texts)
            .iter()
            .map(|t| Decimal::parse(t).unwrap_or_else(|e| unreachable!("{e}")))
            .collect();
        values.sort();
        let constants: Vec<Decimal> = texts.iter().filter_map(|t| Decimal::parse(t).ok()).collect();
        let below = |a: &Decimal, b: &Decimal| values.iter().any(|v| a < v && v < b);
        for pair in constants.windows(2) {
            assert!(below(&pair[0], &pair[1]), "a value between {pair:?}");
        }
        assert!(values.first() < constants.first());
        assert!(values.last() > constants.last());
    }

    #[test]
    fn patterns_split_strings_into_every_class() {
        let globs = [
            Glob::pattern("vpc-*"),
            Glob::pattern("*-prod"),
            Glob::literal("vpc-1", Fold::None),
        ];
        let mut inexact = BTreeSet::new();
        let classes = string_classes("k", &globs, &[], &mut inexact);
        assert!(inexact.is_empty());
        // Neither, only the prefix, only the suffix, both, and the constant `vpc-1`.
        assert_eq!(classes.len(), 5, "{classes:?}");
    }

    /// The ARN classes found part by part are those of the whole-string automaton: every ARN
    /// (built from the patterns' own pieces, `:`s inside relative ids and wildcards spanning
    /// separators included) matches the same patterns as one of them, and the automaton's
    /// classes of ARNs are all found.
    #[test]
    fn arn_classes_are_the_whole_string_classes() {
        let sets: [&[&str]; 5] = [
            &[
                "*",
                "acs:kvstore:*",
                "acs:kvstore:cn-hangzhou:*:instance/r-1",
                "acs:kvstore:*:*:instance/*",
            ],
            &[
                "acs:*:instance/r-?",
                "acs:kvstore:*:*:instance/r-test*",
                "acs:ecs:*:1:*",
            ],
            &[
                "acs:kvstore:a:b:*",
                "acs:kvstore:*:d",
                "acs:*:x:*:y",
                "acs:oss:*:*:bucket/a:b*",
            ],
            &[
                "acs:kvstore:*:*:*:*:instance/x",
                "acs:kvstore:?:*:instance/x",
                "*:instance/x",
            ],
            &[
                "acs:k?store:cn-*:12*:instance/*",
                "acs:kvstore:cn-hangzhou:12:instance/x",
                "acs:?:*",
            ],
        ];
        let parts = [
            "acs",
            "kvstore",
            "ecs",
            "oss",
            "a",
            "b",
            "d",
            "x",
            "y",
            "1",
            "12",
            "cn-hangzhou",
            "instance/r-1",
            "instance/r-test9",
            "instance/x",
            "bucket/a",
            "bucket/ab",
            "z",
            "",
        ];
        for set in sets {
            let patterns: Vec<String> = set.iter().map(|p| p.to_string()).collect();
            let whole: Vec<Pattern> = patterns.iter().map(|p| Pattern::new(p)).collect();
            let signature = |text: &str| -> Vec<bool> { whole.iter().map(|p| p.matches(text)).collect() };
            let (found, exhaustive) = arn_classes(&patterns, &[]);
            assert!(exhaustive, "{set:?}");
            let found: HashSet<Vec<bool>> = found.iter().map(|a| signature(a)).collect();
            let is_arn = |a: &str| {
                let Some(rest) = a.strip_prefix("acs:") else {
                    return false;
                };
                let mut split = rest.splitn(4, ':');
                matches!((split.next(), split.next(), split.next(), split.next()),
                    (Some(s), Some(_), Some(_), Some(r)) if !s.is_empty() && !r.is_empty())
            };
            // Probes of 5 to 7 parts.
            let mut probes = Vec::new();
            for a in &parts {
                for b in &parts {
                    for c in ["", "1", "cn-hangzhou:x"] {
                        for d in ["instance/r-1", "instance/x", "bucket/a:b9", "y", "x:instance/x", "z:d"] {
                            probes.push(format!("acs:{a}:{b}:{c}:{d}"));
                            probes.push(format!("acs:kvstore:{a}:{b}:{c}:{d}"));
                        }
                    }
                }
            }
            // A kvstore ARN with a `:` in its relative id is no request's (`is_kvstore_request_arn`).
            for probe in probes.iter().filter(|p| is_arn(p) && is_kvstore_request_arn(p)) {
                assert!(
                    found.contains(&signature(probe)),
                    "{set:?}: `{probe}` is in no class found"
                );
            }
            let (automaton, complete) = pattern_classes("Resource", &patterns, &[]);
            assert!(complete);
            for class in automaton.iter().filter(|a| is_arn(a) && is_kvstore_request_arn(a)) {
                assert!(
                    found.contains(&signature(class)),
                    "{set:?}: the class of `{class}` is missed"
                );
            }
        }
    }

    /// No class is a kvstore ARN whose relative id holds a `:`: a hundred instance patterns under
    /// region and account wildcards (the shape that passed the automaton's bound when those
    /// were split too) are split exhaustively, and every class is a request's ARN.
    #[test]
    fn kvstore_arns_with_a_colon_in_their_relative_id_are_no_class() {
        let mut patterns: Vec<String> = (0..100)
            .map(|i| format!("acs:kvstore:*:*:instance/r-bp{:010}", i * 7919))
            .collect();
        patterns.push("acs:kvstore:*:*:instance/r-test*".to_string());
        patterns.push("acs:k?store:*:*:x:y".to_string());
        patterns.push("*".to_string());
        let (found, exhaustive) = arn_classes(&patterns, &[]);
        assert!(exhaustive);
        assert!(found.iter().all(|a| is_kvstore_request_arn(a)), "{found:?}");
        // `k?store` still has its class with a `:` in the relative id, outside kvstore.
        let other = Pattern::new("acs:k?store:*:*:x:y");
        assert!(found.iter().any(|a| other.matches(a)), "{found:?}");
        // And a kvstore instance of each pattern is one.
        let whole: Vec<Pattern> = patterns.iter().map(|p| Pattern::new(p)).collect();
        let signature = |text: &str| -> Vec<bool> { whole.iter().map(|p| p.matches(text)).collect() };
        let classes: HashSet<Vec<bool>> = found.iter().map(|a| signature(a)).collect();
        assert!(classes.contains(&signature("acs:kvstore:cn-hangzhou:1:instance/r-bp0000007919")));
        assert!(classes.contains(&signature("acs:kvstore:cn-hangzhou:1:instance/r-test-1")));
        assert!(!is_kvstore_request_arn("acs:kvstore:cn-hangzhou:1:x:instance/r-1"));
        assert!(is_kvstore_request_arn("acs:KVStore:cn-hangzhou:1:x:instance/r-1"));
    }

    /// An OSS object name may hold a `:`: such ARNs stay classes of their own.
    #[test]
    fn an_oss_object_with_a_colon_is_still_a_class() {
        let patterns = vec![
            "acs:oss:*:*:bucket/a:b*".to_string(),
            "acs:oss:*:*:bucket/*".to_string(),
        ];
        let (found, exhaustive) = arn_classes(&patterns, &[]);
        assert!(exhaustive);
        let whole: Vec<Pattern> = patterns.iter().map(|p| Pattern::new(p)).collect();
        assert!(
            found.iter().any(|a| whole.iter().all(|p| p.matches(a))),
            "no class of `bucket/a:b...`: {found:?}"
        );
        assert!(is_kvstore_request_arn("acs:oss:cn-hangzhou:1:bucket/a:b"));
    }
}
