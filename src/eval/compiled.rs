//! Policies compiled for evaluation: every pattern and every typed condition value parsed once,
//! after the policies are read and before any request is evaluated.

use std::sync::Arc;

use super::pattern::Pattern;
use super::request::{Context, KeyState, Resource};
use super::truth::{BareTruth, Logic, Truth};
use crate::policy::condition::ValueKind;
use crate::policy::{Condition, Effect, Operator, OperatorBase, Policy, SetQualifier, Statement};
use crate::source::{SourceFile, Span};
use crate::values::{Decimal, Instant, IpBlock, parse_bool};

#[derive(Debug, Clone)]
pub struct CompiledPolicy {
    pub source: Arc<SourceFile>,
    pub statements: Vec<CompiledStatement>,
}

impl CompiledPolicy {
    /// Compile a policy (one that passed the linter, for a decision the user sees).
    pub fn new(source: Arc<SourceFile>, policy: &Policy) -> Self {
        Self {
            source,
            statements: Self::statements_of(policy.statements.iter()),
        }
    }

    /// Statements of a policy, compiled. Nothing is left out: a statement the model could
    /// not read whole (no valid `Effect`, no actions, an element it does not know) is kept, and
    /// applies or not for reasons the evaluator cannot know. One without a valid `Effect` is
    /// kept twice, as an `Allow` and as a `Deny`: it might be either.
    pub fn statements_of<'s, 'a: 's>(
        statements: impl ExactSizeIterator<Item = &'s Statement<'a>>,
    ) -> Vec<CompiledStatement> {
        Self::statements_compiled(statements, ActionsCompiled::Now)
    }

    /// [`CompiledPolicy::statements_of`], the action patterns compiled `when` says.
    pub fn statements_compiled<'s, 'a: 's>(
        statements: impl ExactSizeIterator<Item = &'s Statement<'a>>,
        when: ActionsCompiled,
    ) -> Vec<CompiledStatement> {
        let mut out = Vec::with_capacity(statements.len());
        for statement in statements {
            match statement.effect {
                Some((effect, span)) => out.push(CompiledStatement::new(statement, effect, span, Vec::new(), when)),
                None => {
                    let why = vec!["the statement has no `Effect` of `Allow` or `Deny`".to_string()];
                    for effect in [Effect::Allow, Effect::Deny] {
                        out.push(CompiledStatement::new(
                            statement,
                            effect,
                            statement.span,
                            why.clone(),
                            when,
                        ));
                    }
                }
            }
        }
        out
    }
}

#[derive(Debug, Clone)]
pub struct CompiledStatement {
    pub index: usize,
    pub effect: Effect,
    pub span: Span,
    pub effect_span: Span,
    pub not_action: bool,
    /// Shared, as are resources and conditions: a statement is cloned into the layers of a
    /// narrower question (`diff`'s requests) at the cost of a few counts.
    pub actions: ActionPatterns,
    /// Whether `resources` are `NotResource`'s: the statement is about every other resource.
    pub not_resource: bool,
    pub resources: Arc<[ResourcePattern]>,
    pub conditions: Arc<[CompiledCondition]>,
    /// What of the statement the evaluator does not model ([`Statement::unmodelled`], and a
    /// missing `Effect`, actions or resources): when there is any, the statement's truth is
    /// unknown, whatever the request.
    pub unmodelled: Vec<String>,
    /// Whether the actions are known whole though something else is not
    /// ([`Statement::actions_are_known`]): an action the statement does not name then settles
    /// that it does not apply.
    pub actions_known: bool,
}

impl CompiledStatement {
    fn new(
        statement: &Statement,
        effect: Effect,
        effect_span: Span,
        mut unmodelled: Vec<String>,
        when: ActionsCompiled,
    ) -> Self {
        let actions_known = unmodelled.is_empty() && statement.actions_are_known();
        unmodelled.extend(statement.unmodelled.iter().cloned());
        if statement.actions.is_none() {
            unmodelled.push("the statement has no `Action` or `NotAction` the evaluator can read".to_string());
        }
        if statement.resources.is_none() {
            unmodelled.push("the statement has no `Resource` or `NotResource` the evaluator can read".to_string());
        }
        let actions = statement.actions.as_ref();
        Self {
            index: statement.index,
            effect,
            span: statement.span,
            effect_span,
            not_action: actions.is_some_and(|a| a.negated),
            actions: ActionPatterns::new(actions.map_or(&[][..], |a| &a.items[..]).iter().map(|a| a.value), when),
            not_resource: statement.not_resource,
            // From a slice, the shared list is allocated once at its length: a flattened
            // `Option` has no exact length, and was collected into a vector and then copied.
            resources: statement
                .resources
                .as_deref()
                .unwrap_or_default()
                .iter()
                .map(|r| ResourcePattern::new(r.value))
                .collect(),
            conditions: statement
                .conditions
                .iter()
                .map(|c| match ambiguity(statement, c) {
                    Some(why) => CompiledCondition::unevaluable(&why),
                    None => CompiledCondition::new(c),
                })
                .chain(
                    statement
                        .unmodelled_conditions
                        .iter()
                        .map(|why| CompiledCondition::unevaluable(why)),
                )
                .collect(),
            unmodelled,
            actions_known,
        }
    }

    pub fn action_matches(&self, action: &str) -> bool {
        if crate::ascii::has_uppercase(action) {
            return self.action_matches_lowercased(&action.to_ascii_lowercase());
        }
        self.action_matches_lowercased(action)
    }

    /// `action_matches` for an action already in ASCII lowercase.
    pub fn action_matches_lowercased(&self, action: &str) -> bool {
        self.actions.iter().any(|p| p.matches_lowercased(action)) != self.not_action
    }

    /// Whether the statement is about `resource`, as RAM matches ARNs (case-sensitively, the
    /// unverified assumption of the domain notes), `NotResource` negating.
    #[inline]
    fn resource_truth_in<L: Logic>(&self, resource: &Resource, case: Case) -> L {
        // `Yes` wins a disjunction whatever else it holds: the patterns after one are not asked.
        let mut matched = L::NO;
        for pattern in self.resources.iter() {
            matched = matched.or(pattern.truth_in(resource, case));
            if matched.bare() == BareTruth::Yes {
                break;
            }
        }
        if self.not_resource { matched.negate() } else { matched }
    }

    /// Whether the statement is about `resource`. ARNs match case-sensitively; but whether RAM
    /// ignores their case is not documented, so where ignoring it would widen access — a `Deny`
    /// that would then apply, an `Allow` whose `NotResource` would then exclude the resource —
    /// the answer is unknown, never the wider one. (An `Allow` that differs only in case is not
    /// taken as allowing: that would be the wider answer.)
    pub fn resource_truth(&self, resource: &Resource) -> Truth {
        self.resource_truth_as(resource)
    }

    /// [`CompiledStatement::resource_truth`] in any [`Logic`].
    pub fn resource_truth_as<L: Logic>(&self, resource: &Resource) -> L {
        let exact: L = self.resource_truth_in(resource, Case::Exact);
        let case_may_matter = match (self.effect, exact.bare()) {
            (Effect::Deny, BareTruth::No) | (Effect::Allow, BareTruth::Yes) => {
                self.resources.iter().any(|p| p.has_uppercase) || crate::ascii::has_uppercase(&resource.arn)
            }
            _ => false,
        };
        if !case_may_matter {
            return exact;
        }
        let ignoring_case: L = self.resource_truth_in(resource, Case::Ignored);
        // `exact` is known here, so its bare truth says all of it.
        if ignoring_case.bare() == exact.bare() {
            return exact;
        }
        let differing = || {
            let element = if self.not_resource { "NotResource" } else { "Resource" };
            let differing = self
                .resources
                .iter()
                .find(|p| p.truth_in::<Truth>(resource, Case::Exact) != p.truth_in(resource, Case::Ignored))
                .map_or("", ResourcePattern::text);
            format!(
                "its `{element}` `{differing}` differs from `{}` only in case, and whether RAM matches ARNs ignoring case is not documented",
                resource.display()
            )
        };
        L::undecidable_because(differing).and(match ignoring_case.bare() {
            BareTruth::Unknown => ignoring_case,
            _ => L::YES,
        })
    }

    pub fn conditions_truth(&self, context: &Context) -> Truth {
        self.conditions_truth_as(context)
    }

    /// [`CompiledStatement::conditions_truth`] in any [`Logic`].
    pub fn conditions_truth_as<L: Logic>(&self, context: &Context) -> L {
        // `No` wins a conjunction whatever else it holds: the conditions after one are not asked.
        let mut truth = L::YES;
        for condition in self.conditions.iter() {
            truth = truth.and(condition.truth_as(context));
            if truth.bare() == BareTruth::No {
                break;
            }
        }
        truth
    }

    /// Whether the statement applies to the request.
    pub fn applies(&self, action: &str, resource: &Resource, context: &Context) -> Truth {
        self.applies_as(action, resource, context)
    }

    /// [`CompiledStatement::applies`] in any [`Logic`].
    pub fn applies_as<L: Logic>(&self, action: &str, resource: &Resource, context: &Context) -> L {
        if !self.may_apply_to_action(action) {
            return L::NO;
        }
        self.applies_past_action(resource, context)
    }

    /// Whether the statement may apply to a request for `action`: `false` when the action alone
    /// settles that [`CompiledStatement::applies`] answers `No`, whatever the resource and context.
    pub fn may_apply_to_action(&self, action: &str) -> bool {
        if !self.unmodelled.is_empty() {
            return !self.actions_known || self.action_matches(action);
        }
        self.action_matches(action)
    }

    /// [`CompiledStatement::applies`] for a request whose action it may apply to
    /// ([`CompiledStatement::may_apply_to_action`]): asked of many resources, the action is
    /// matched once.
    pub fn applies_past_action<L: Logic>(&self, resource: &Resource, context: &Context) -> L {
        if !self.unmodelled.is_empty() {
            return self
                .unmodelled
                .iter()
                .fold(L::YES, |acc, why| acc.and(L::undecidable_because(|| why.clone())));
        }
        match self.resource_truth_as::<L>(resource) {
            truth if truth.bare() == BareTruth::No => truth,
            resource => resource.and(self.conditions_truth_as(context)),
        }
    }
}

/// When a compiled statement compiles its action patterns: now (a policy compiled to decide
/// requests matches every statement's actions), or on first use (the security rules pick the
/// statements an action may apply to on the model, `ActionQuery::of_applicable`, and most
/// statements they compile are never matched against an action).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActionsCompiled {
    Now,
    OnFirstUse,
}

/// A statement's action entries as patterns, compiled when [`ActionsCompiled`] says.
#[derive(Debug, Clone)]
pub enum ActionPatterns {
    /// Compiled at once (a policy compiled to decide requests: one check of the variant a match).
    Now(Arc<[Pattern]>),
    /// The entries as written, and their patterns once compiled (boxed: most statements the
    /// rules compile never need them, and the variant stays two words).
    OnFirstUse(Box<Deferred>),
}

/// The entries of [`ActionPatterns::OnFirstUse`], written one after another (`ends[i]` is where
/// entry `i` ends): two allocations for the list, where a box for each entry made most of the
/// allocations of compiling a statement for the rules.
#[derive(Debug, Clone)]
pub struct Deferred {
    joined: Box<str>,
    ends: Box<[usize]>,
    compiled: std::sync::OnceLock<Arc<[Pattern]>>,
}

impl Deferred {
    fn new<'t>(texts: impl ExactSizeIterator<Item = &'t str> + Clone) -> Self {
        let mut joined = String::with_capacity(texts.clone().map(str::len).sum());
        let ends = texts
            .map(|text| {
                joined.push_str(text);
                joined.len()
            })
            .collect();
        Self {
            joined: joined.into_boxed_str(),
            ends,
            compiled: std::sync::OnceLock::new(),
        }
    }

    /// The entries, in order.
    fn texts(&self) -> impl Iterator<Item = &str> {
        let starts = std::iter::once(0).chain(self.ends.iter().copied());
        starts
            .zip(self.ends.iter().copied())
            .map(|(start, end)| self.joined.get(start..end).unwrap_or_default())
    }
}

impl Default for ActionPatterns {
    fn default() -> Self {
        Self::Now(Arc::default())
    }
}

impl ActionPatterns {
    pub fn new<'t>(texts: impl ExactSizeIterator<Item = &'t str> + Clone, when: ActionsCompiled) -> Self {
        match when {
            ActionsCompiled::Now => Self::Now(texts.map(Pattern::ignoring_case).collect()),
            ActionsCompiled::OnFirstUse => Self::OnFirstUse(Box::new(Deferred::new(texts))),
        }
    }

    /// The patterns, ignoring case as RAM matches actions.
    #[inline]
    pub fn patterns(&self) -> &[Pattern] {
        match self {
            Self::Now(patterns) => patterns,
            Self::OnFirstUse(deferred) => deferred
                .compiled
                .get_or_init(|| deferred.texts().map(Pattern::ignoring_case).collect()),
        }
    }
}

/// The patterns ([`ActionPatterns::patterns`]), read as the list they are.
impl std::ops::Deref for ActionPatterns {
    type Target = [Pattern];

    #[inline]
    fn deref(&self) -> &[Pattern] {
        self.patterns()
    }
}

/// Why which values a condition holds is ambiguous, if it is: its operator or its key written
/// twice (which one counts is not documented), or values that are not all strings (the model
/// keeps the strings only). Such a condition is not evaluated at all: with a key supplied, one
/// of two contradictory copies would otherwise make its statement certainly not apply.
fn ambiguity(statement: &Statement, condition: &Condition) -> Option<String> {
    let operator = &condition.operator;
    let key = &condition.key;
    let same_operator = |c: &&Condition| c.operator.value == operator.value;
    if statement
        .conditions
        .iter()
        .filter(same_operator)
        .any(|c| c.operator.span != operator.span)
    {
        return Some(format!("the condition operator `{}` appears twice", operator.value));
    }
    if statement
        .conditions
        .iter()
        .filter(same_operator)
        .any(|c| c.key.value == key.value && c.key.span != key.span)
    {
        return Some(format!(
            "the condition key `{}` appears twice under `{}`",
            key.value, operator.value
        ));
    }
    // The model's words for values it left out (`policy::conditions`): values that are not
    // strings, or values known only when the document is rendered.
    if statement.unmodelled_conditions.is_empty() {
        return None; // the common case, without making the words
    }
    let values_of = format!("the values of condition key `{}` ", key.value);
    statement
        .unmodelled_conditions
        .iter()
        .find(|why| why.starts_with(&values_of))
        .cloned()
}

/// How ARNs are compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Case {
    Exact,
    Ignored,
}

/// An ARN pattern split in its five parts: service, region, account (as written), relative ID.
type Parts = (Pattern, Pattern, String, Pattern);

/// A `Resource` entry: the whole-ARN pattern, and its five parts for a request whose account
/// is not known; each also ignoring case, for the question whether case could matter.
#[derive(Debug, Clone)]
pub struct ResourcePattern {
    whole: Pattern,
    /// Whether the pattern has an ASCII capital: if neither it nor the ARN has one, case
    /// cannot matter.
    has_uppercase: bool,
    /// The patterns ignoring case and the parts, compiled on first use: only a pattern or
    /// request with a capital, and a request with an unknown account, need them. Boxed, so
    /// that a resource pattern that never needs them stays small (112 bytes, where the
    /// parts inline made 528 to write, move and drop for each resource of each statement).
    folded: std::sync::OnceLock<Box<Pattern>>,
    parts: std::sync::OnceLock<Option<Box<Parts>>>,
    folded_parts: std::sync::OnceLock<Option<Box<Parts>>>,
}

impl ResourcePattern {
    fn new(text: &str) -> Self {
        Self {
            whole: Pattern::new(text),
            has_uppercase: crate::ascii::has_uppercase(text),
            folded: std::sync::OnceLock::new(),
            parts: std::sync::OnceLock::new(),
            folded_parts: std::sync::OnceLock::new(),
        }
    }

    /// The resource as written.
    pub fn text(&self) -> &str {
        self.whole.as_str()
    }

    fn whole_in(&self, case: Case) -> &Pattern {
        match case {
            Case::Exact => &self.whole,
            Case::Ignored => self
                .folded
                .get_or_init(|| Box::new(Pattern::ignoring_case(self.text()))),
        }
    }

    fn parts_in(&self, case: Case) -> Option<&Parts> {
        let compile = |text: &str| match case {
            Case::Exact => Pattern::new(text),
            Case::Ignored => Pattern::ignoring_case(text),
        };
        let cell = match case {
            Case::Exact => &self.parts,
            Case::Ignored => &self.folded_parts,
        };
        cell.get_or_init(|| {
            let mut split = self.text().splitn(5, ':');
            match (split.next(), split.next(), split.next(), split.next(), split.next()) {
                (Some(acs), Some(service), Some(region), Some(account), Some(relative))
                    if acs == "acs" || (case == Case::Ignored && acs.eq_ignore_ascii_case("acs")) =>
                {
                    Some(Box::new((
                        compile(service),
                        compile(region),
                        account.to_string(),
                        compile(relative),
                    )))
                }
                _ => None,
            }
        })
        .as_deref()
    }

    pub fn truth(&self, resource: &Resource) -> Truth {
        self.truth_in(resource, Case::Exact)
    }

    fn truth_in<L: Logic>(&self, resource: &Resource, case: Case) -> L {
        let whole = self.whole_in(case);
        if (resource.account_known && resource.region_known) || whole.is_match_all() {
            return L::from_bool(whole.matches(&resource.arn));
        }
        let unknown = || {
            let mut truth = L::YES;
            if !resource.region_known {
                truth = truth.and(L::unknown_key("region"));
            }
            if !resource.account_known {
                truth = truth.and(L::unknown_key("account"));
            }
            truth
        };
        let mut arn = resource.arn.splitn(5, ':');
        let (Some(_), Some(service), Some(region), Some(account), Some(relative)) =
            (arn.next(), arn.next(), arn.next(), arn.next(), arn.next())
        else {
            return unknown();
        };
        let Some((s, r, account_pattern, rel)) = self.parts_in(case) else {
            return unknown();
        };
        if !s.matches(service) || !rel.matches(relative) {
            return L::NO;
        }
        // A known part matches or not; an unknown one matches only a `*`, else it is unknown.
        let part = |known: bool, matches: bool, any: bool, name: &str| match (known, any) {
            (true, _) => L::from_bool(matches),
            (false, true) => L::YES,
            (false, false) => L::unknown_key(name),
        };
        part(resource.region_known, r.matches(region), r.is_match_all(), "region").and(part(
            resource.account_known,
            Pattern::new(account_pattern).matches(account),
            account_pattern == "*",
            "account",
        ))
    }
}

/// The values of a condition, parsed for its operator.
#[derive(Debug, Clone)]
pub(super) enum Values {
    Strings(Vec<String>),
    Folded(Vec<String>),
    Patterns(Vec<Pattern>),
    Numbers(Vec<Decimal>),
    Dates(Vec<Instant>),
    Bools(Vec<bool>),
    Ips(Vec<IpBlock>),
    /// An operator the evaluator does not know, or a value its operator cannot take: the
    /// condition holds or not for a reason it cannot know (a dropped value would change the
    /// meaning: `NumericNotEquals` of nothing holds for every number).
    Unevaluable(String),
}

#[derive(Debug, Clone)]
pub struct CompiledCondition {
    /// `None` when the evaluator does not know the operator.
    pub operator: Option<Operator>,
    pub operator_text: String,
    pub key: String,
    pub(super) values: Values,
    /// The values as written (the exact search builds its candidate values from them).
    pub(super) texts: Vec<String>,
}

impl CompiledCondition {
    /// A part of `Condition` the model could not read as a condition (`"Condition": "MFA"`).
    fn unevaluable(why: &str) -> Self {
        Self {
            operator: None,
            operator_text: String::new(),
            key: String::new(),
            values: Values::Unevaluable(why.to_string()),
            texts: Vec::new(),
        }
    }

    fn new(condition: &Condition) -> Self {
        let compiled = |values| Self {
            operator: condition.parsed,
            operator_text: condition.operator.value.to_string(),
            key: condition.key.value.to_string(),
            values,
            texts: condition.values.iter().map(|v| v.value.to_string()).collect(),
        };
        let Some(operator) = condition.parsed else {
            return compiled(Values::Unevaluable(format!(
                "the condition operator `{}` is not one the evaluator knows",
                condition.operator.value
            )));
        };
        if condition.values.is_empty() {
            // No value: `StringNotEquals` of nothing would hold for everything.
            return compiled(Values::Unevaluable(format!(
                "the condition `{}` on `{}` has no value",
                condition.operator.value, condition.key.value
            )));
        }
        let texts = || condition.values.iter().map(|v| v.value);
        let unparsed = |what: &str| {
            Values::Unevaluable(format!(
                "a value of the condition `{}` on `{}` is not {what}",
                condition.operator.value, condition.key.value
            ))
        };
        use OperatorBase as O;
        let values = match operator.base {
            O::StringLike | O::StringNotLike => Values::Patterns(texts().map(Pattern::new).collect()),
            O::StringEqualsIgnoreCase | O::StringNotEqualsIgnoreCase => {
                Values::Folded(texts().map(str::to_lowercase).collect())
            }
            base => match base.value_kind() {
                ValueKind::String => Values::Strings(texts().map(str::to_string).collect()),
                ValueKind::Number => texts()
                    .map(|t| Decimal::parse(t).ok())
                    .collect::<Option<Vec<_>>>()
                    .map_or_else(|| unparsed("a number"), Values::Numbers),
                ValueKind::Date => texts()
                    .map(|t| Instant::parse(t).ok())
                    .collect::<Option<Vec<_>>>()
                    .map_or_else(|| unparsed("a date"), Values::Dates),
                ValueKind::Bool => texts()
                    .map(|t| parse_bool(t).ok())
                    .collect::<Option<Vec<_>>>()
                    .map_or_else(|| unparsed("`true` or `false`"), Values::Bools),
                // An IPv4 block written as IPv6 (`::ffff:10.0.0.0/104`) may hold an IPv4 request
                // address or not, as RAM reads it (not documented): undecided, as the address
                // written so is (read as IPv6 only, a `Deny` on it passed `10.1.1.1` by).
                ValueKind::Ip => texts()
                    .map(|t| IpBlock::parse(t).ok().filter(|block| !is_ipv4_mapped(block.addr)))
                    .collect::<Option<Vec<_>>>()
                    .map_or_else(
                        || unparsed("an IP address or CIDR block (an IPv4 one written as IPv6 is not read)"),
                        Values::Ips,
                    ),
            },
        };
        compiled(values)
    }

    /// The kind of value [`CompiledCondition::matches_positively`] reads, for a message.
    fn kind_name(&self) -> &'static str {
        match &self.values {
            Values::Numbers(_) => "a number",
            Values::Dates(_) => "a date",
            Values::Bools(_) => "`true` or `false`",
            Values::Ips(_) => "an IPv4 or IPv6 address",
            _ => "a string",
        }
    }

    /// Whether one request value matches in the operator's positive sense (`StringNotEquals`
    /// asks whether it equals one of the values, then negates); `None` for a value the operator
    /// cannot read as its kind: not a number for a numeric operator, not a date for a date
    /// operator, not `true`/`false` in lower case for `Bool` (`TRUE` may be `true` to RAM or not,
    /// as `yes` is not), not one IP address for an IP operator (nor an IPv4 one written as IPv6,
    /// `::ffff:10.0.0.1`, which RAM may read either way). Each value is parsed once.
    fn matches_positively(&self, operator: Operator, value: &str) -> Option<bool> {
        use OperatorBase as O;
        let base = operator.base;
        Some(match &self.values {
            Values::Unevaluable(_) => false,
            Values::Strings(values) => values.iter().any(|v| v == value),
            Values::Folded(values) => {
                let value = value.to_lowercase();
                values.contains(&value)
            }
            Values::Patterns(patterns) => patterns.iter().any(|p| p.matches(value)),
            Values::Bools(values) => values.contains(&parse_bool(value).ok()?),
            Values::Ips(blocks) => {
                let ip = value
                    .parse::<std::net::IpAddr>()
                    .ok()
                    .filter(|ip| !is_ipv4_mapped(*ip))?;
                blocks.iter().any(|b| b.contains(ip))
            }
            Values::Numbers(values) => {
                let v = Decimal::parse(value).ok()?;
                values.iter().any(|p| match base {
                    O::NumericLessThan => v < *p,
                    O::NumericLessThanEquals => v <= *p,
                    O::NumericGreaterThan => v > *p,
                    O::NumericGreaterThanEquals => v >= *p,
                    _ => v == *p,
                })
            }
            Values::Dates(values) => {
                let v = Instant::parse(value).ok()?;
                values.iter().any(|p| match base {
                    O::DateLessThan => v < *p,
                    O::DateLessThanEquals => v <= *p,
                    O::DateGreaterThan => v > *p,
                    O::DateGreaterThanEquals => v >= *p,
                    _ => v == *p,
                })
            }
        })
    }

    /// Whether the condition holds for the request. Several request values: without a set
    /// qualifier a positive operator needs one to match and a negated one needs none to;
    /// `ForAnyValue:` needs one value to pass, `ForAllValues:` every value.
    pub fn truth(&self, context: &Context) -> Truth {
        self.truth_as(context)
    }

    /// [`CompiledCondition::truth`] in any [`Logic`].
    pub fn truth_as<L: Logic>(&self, context: &Context) -> L {
        let (Some(operator), false) = (self.operator, matches!(self.values, Values::Unevaluable(_))) else {
            return L::undecidable_because(|| match &self.values {
                Values::Unevaluable(why) => why.clone(),
                _ => format!(
                    "the condition operator `{}` is not one the evaluator knows",
                    self.operator_text
                ),
            });
        };
        let negated = operator.base.is_negated();
        match context.get(&self.key) {
            KeyState::Unknown => L::unknown_key(&self.key),
            // A missing key makes a positive condition false. What RAM does for a negated
            // operator or `ForAllValues:` on a missing key is not documented: unknown.
            KeyState::Absent => {
                if negated || operator.set == Some(SetQualifier::ForAllValues) {
                    L::unknown_key(&self.key)
                } else {
                    L::NO
                }
            }
            KeyState::Values(values) => {
                // A value the operator cannot read as its kind (`" 5"` for `NumericLessThan`, a
                // date without a zone): what RAM does with it is not documented. Read as not
                // matching, a `Deny` on `ecs:Size` stopped applying to a value mistyped in
                // `--context`, and `simulate` said `allowed`. Every value is read, so that one
                // unreadable value leaves the condition undecided wherever it stands.
                let (mut any, mut all) = (false, true);
                for value in values {
                    let Some(matched) = self.matches_positively(operator, value) else {
                        return L::undecidable_because(|| {
                            format!(
                                "the request's value `{value}` of `{}` is not {}, which `{}` compares it as: what RAM does with it is not documented",
                                self.key,
                                self.kind_name(),
                                self.operator_text
                            )
                        });
                    };
                    let passes = matched != negated;
                    any |= passes;
                    all &= passes;
                }
                L::from_bool(match operator.set {
                    Some(SetQualifier::ForAllValues) => all,
                    Some(SetQualifier::ForAnyValue) => any,
                    None if negated => all,
                    None => any,
                })
            }
        }
    }
}

/// Whether an address is an IPv4 one written as IPv6 (`::ffff:10.0.0.1`), which RAM may read as
/// either.
fn is_ipv4_mapped(addr: std::net::IpAddr) -> bool {
    matches!(addr, std::net::IpAddr::V6(v6) if v6.to_ipv4_mapped().is_some())
}
