//! Policies compiled for evaluation: every pattern and every typed condition value parsed once,
//! after the policies are read and before any request is evaluated.

use std::sync::Arc;

use super::pattern::Pattern;
use super::request::{Context, KeyState, Resource};
use super::truth::Truth;
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
    /// Compile a policy that passed the linter (values that do not parse are left out).
    pub fn new(source: Arc<SourceFile>, policy: &Policy) -> Self {
        Self {
            source,
            statements: Self::statements_of(policy),
        }
    }

    /// The statements of a policy, compiled; a statement without a valid `Effect` or actions
    /// is left out (the linter reports it).
    pub fn statements_of(policy: &Policy) -> Vec<CompiledStatement> {
        policy.statements.iter().filter_map(CompiledStatement::new).collect()
    }
}

#[derive(Debug, Clone)]
pub struct CompiledStatement {
    pub index: usize,
    pub effect: Effect,
    pub span: Span,
    pub effect_span: Span,
    pub not_action: bool,
    pub actions: Vec<Pattern>,
    pub resources: Vec<ResourcePattern>,
    pub conditions: Vec<CompiledCondition>,
}

impl CompiledStatement {
    fn new(statement: &Statement) -> Option<Self> {
        let (effect, effect_span) = statement.effect?;
        let actions = statement.actions.as_ref()?;
        Some(Self {
            index: statement.index,
            effect,
            span: statement.span,
            effect_span,
            not_action: actions.negated,
            actions: actions.items.iter().map(|a| Pattern::ignoring_case(&a.value)).collect(),
            resources: statement
                .resources
                .iter()
                .flatten()
                .map(|r| ResourcePattern::new(&r.value))
                .collect(),
            conditions: statement.conditions.iter().filter_map(CompiledCondition::new).collect(),
        })
    }

    pub fn action_matches(&self, action: &str) -> bool {
        if action.bytes().any(|b| b.is_ascii_uppercase()) {
            return self.action_matches_lowercased(&action.to_ascii_lowercase());
        }
        self.action_matches_lowercased(action)
    }

    /// `action_matches` for an action already in ASCII lowercase.
    pub fn action_matches_lowercased(&self, action: &str) -> bool {
        self.actions.iter().any(|p| p.matches_lowercased(action)) != self.not_action
    }

    pub fn resource_truth(&self, resource: &Resource) -> Truth {
        self.resources
            .iter()
            .fold(Truth::No, |acc, pattern| acc.or(pattern.truth(resource)))
    }

    pub fn conditions_truth(&self, context: &Context) -> Truth {
        self.conditions
            .iter()
            .fold(Truth::Yes, |acc, c| acc.and(c.truth(context)))
    }

    /// Whether the statement applies to the request.
    pub fn applies(&self, action: &str, resource: &Resource, context: &Context) -> Truth {
        if !self.action_matches(action) {
            return Truth::No;
        }
        match self.resource_truth(resource) {
            Truth::No => Truth::No,
            resource => resource.and(self.conditions_truth(context)),
        }
    }
}

/// A `Resource` entry: the whole-ARN pattern, and its five parts for a request whose account
/// is not known.
#[derive(Debug, Clone)]
pub struct ResourcePattern {
    whole: Pattern,
    /// Service, region, account (as written) and relative ID, when the pattern has five parts:
    /// compiled on first use, since only a request with an unknown account needs them.
    parts: std::sync::OnceLock<Option<(Pattern, Pattern, String, Pattern)>>,
}

impl ResourcePattern {
    fn new(text: &str) -> Self {
        Self {
            whole: Pattern::new(text),
            parts: std::sync::OnceLock::new(),
        }
    }

    /// The resource as written.
    pub fn text(&self) -> &str {
        self.whole.as_str()
    }

    fn parts(&self) -> Option<&(Pattern, Pattern, String, Pattern)> {
        self.parts
            .get_or_init(|| {
                let mut split = self.text().splitn(5, ':');
                match (split.next(), split.next(), split.next(), split.next(), split.next()) {
                    (Some("acs"), Some(service), Some(region), Some(account), Some(relative)) => Some((
                        Pattern::new(service),
                        Pattern::new(region),
                        account.to_string(),
                        Pattern::new(relative),
                    )),
                    _ => None,
                }
            })
            .as_ref()
    }

    pub fn truth(&self, resource: &Resource) -> Truth {
        if (resource.account_known && resource.region_known) || self.whole.is_match_all() {
            return Truth::from_bool(self.whole.matches(&resource.arn));
        }
        let unknown = || {
            let mut keys = std::collections::BTreeSet::new();
            if !resource.region_known {
                keys.insert("region".to_string());
            }
            if !resource.account_known {
                keys.insert("account".to_string());
            }
            Truth::Unknown(keys)
        };
        let mut arn = resource.arn.splitn(5, ':');
        let (Some(_), Some(service), Some(region), Some(account), Some(relative)) =
            (arn.next(), arn.next(), arn.next(), arn.next(), arn.next())
        else {
            return unknown();
        };
        let Some((s, r, account_pattern, rel)) = self.parts() else {
            return unknown();
        };
        if !s.matches(service) || !rel.matches(relative) {
            return Truth::No;
        }
        // A known part matches or not; an unknown one matches only a `*`, else it is unknown.
        let part = |known: bool, matches: bool, any: bool, name: &str| match (known, any) {
            (true, _) => Truth::from_bool(matches),
            (false, true) => Truth::Yes,
            (false, false) => Truth::unknown(name),
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
enum Values {
    Strings(Vec<String>),
    Folded(Vec<String>),
    Patterns(Vec<Pattern>),
    Numbers(Vec<Decimal>),
    Dates(Vec<Instant>),
    Bools(Vec<bool>),
    Ips(Vec<IpBlock>),
}

#[derive(Debug, Clone)]
pub struct CompiledCondition {
    pub operator: Operator,
    pub operator_text: String,
    pub key: String,
    values: Values,
}

impl CompiledCondition {
    fn new(condition: &Condition) -> Option<Self> {
        let operator = condition.parsed?;
        let texts = condition.values.iter().map(|v| v.value.as_str());
        use OperatorBase as O;
        let values = match operator.base {
            O::StringLike | O::StringNotLike => Values::Patterns(texts.map(Pattern::new).collect()),
            O::StringEqualsIgnoreCase | O::StringNotEqualsIgnoreCase => {
                Values::Folded(texts.map(str::to_lowercase).collect())
            }
            base => match base.value_kind() {
                ValueKind::String => Values::Strings(texts.map(str::to_string).collect()),
                ValueKind::Number => Values::Numbers(texts.filter_map(|t| Decimal::parse(t).ok()).collect()),
                ValueKind::Date => Values::Dates(texts.filter_map(|t| Instant::parse(t).ok()).collect()),
                ValueKind::Bool => Values::Bools(texts.filter_map(|t| parse_bool(t).ok()).collect()),
                ValueKind::Ip => Values::Ips(texts.filter_map(|t| IpBlock::parse(t).ok()).collect()),
            },
        };
        Some(Self {
            operator,
            operator_text: condition.operator.value.clone(),
            key: condition.key.value.clone(),
            values,
        })
    }

    /// Whether one request value matches in the operator's positive sense (`StringNotEquals`
    /// asks whether it equals one of the values, then negates).
    fn matches_positively(&self, value: &str) -> bool {
        use OperatorBase as O;
        let base = self.operator.base;
        match &self.values {
            Values::Strings(values) => values.iter().any(|v| v == value),
            Values::Folded(values) => {
                let value = value.to_lowercase();
                values.contains(&value)
            }
            Values::Patterns(patterns) => patterns.iter().any(|p| p.matches(value)),
            Values::Bools(values) => parse_bool(&value.to_ascii_lowercase()).is_ok_and(|b| values.contains(&b)),
            Values::Ips(blocks) => value
                .parse::<std::net::IpAddr>()
                .is_ok_and(|ip| blocks.iter().any(|b| b.contains(ip))),
            Values::Numbers(values) => Decimal::parse(value).is_ok_and(|v| {
                values.iter().any(|p| match base {
                    O::NumericLessThan => v < *p,
                    O::NumericLessThanEquals => v <= *p,
                    O::NumericGreaterThan => v > *p,
                    O::NumericGreaterThanEquals => v >= *p,
                    _ => v == *p,
                })
            }),
            Values::Dates(values) => Instant::parse(value).is_ok_and(|v| {
                values.iter().any(|p| match base {
                    O::DateLessThan => v < *p,
                    O::DateLessThanEquals => v <= *p,
                    O::DateGreaterThan => v > *p,
                    O::DateGreaterThanEquals => v >= *p,
                    _ => v == *p,
                })
            }),
        }
    }

    /// Whether the condition holds for the request. Several request values: without a set
    /// qualifier a positive operator needs one to match and a negated one needs none to;
    /// `ForAnyValue:` needs one value to pass, `ForAllValues:` every value.
    pub fn truth(&self, context: &Context) -> Truth {
        let negated = self.operator.base.is_negated();
        match context.get(&self.key) {
            KeyState::Unknown => Truth::unknown(&self.key),
            // A missing key makes a positive condition false. What RAM does for a negated
            // operator or `ForAllValues:` on a missing key is not documented: unknown.
            KeyState::Absent => {
                if negated || self.operator.set == Some(SetQualifier::ForAllValues) {
                    Truth::unknown(&self.key)
                } else {
                    Truth::No
                }
            }
            KeyState::Values(values) => {
                let passes = |v: &String| self.matches_positively(v) != negated;
                Truth::from_bool(match self.operator.set {
                    Some(SetQualifier::ForAllValues) => values.iter().all(passes),
                    Some(SetQualifier::ForAnyValue) => values.iter().any(passes),
                    None if negated => values.iter().all(passes),
                    None => values.iter().any(passes),
                })
            }
        }
    }
}
