//! The evaluator: RAM's decision for a request, with the statements that made it.
//!
//! Semantics (docs: "Policy evaluation process"): default deny; a matching `Deny` anywhere wins;
//! otherwise a matching `Allow` allows. Resource Directory control policies and an STS session
//! policy are layers that must allow too. Where the answer hangs on a condition key the request
//! does not supply (or an account ID that is not known), the decision is `conditional` — unless
//! it comes out the same whatever those keys hold. A statement the evaluator cannot read whole
//! (an element it does not model, a condition it cannot evaluate, an ARN whose case may
//! matter) is never left out: it applies or not for a reason, and a decision that hangs on it
//! is `conditional` with that reason.

pub mod compiled;
pub mod exact;
pub mod pattern;
pub mod request;
pub mod truth;

use std::collections::BTreeSet;

pub use compiled::CompiledPolicy;
pub use request::{Context, Resource};
pub use truth::{BareTruth, Logic, Truth};

use crate::policy::Effect;
use crate::source::Span;

/// Where a policy sits in RAM's evaluation, in the vocabulary of `DecodeDiagnosticMessage`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LayerKind {
    ControlPolicy,
    SessionPolicy,
    IdentityPolicy,
}

impl LayerKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ControlPolicy => "control policy",
            Self::SessionPolicy => "session policy",
            Self::IdentityPolicy => "identity policy",
        }
    }

    /// What to change when this layer denies, for the layers whose fix is not in the caller's
    /// own policies (RAM stops at the first layer that denies: no identity policy can help).
    pub fn remediation(self) -> Option<&'static str> {
        match self {
            Self::ControlPolicy => Some(
                "a control policy decides before any identity policy, so changing the identity policies cannot help: the control policies attached to the account and its folders must allow the action (Resource Directory attaches `FullAliyunAccess` to every folder and member by default; a set of control policies without it allows only what its own `Allow` statements name)",
            ),
            Self::SessionPolicy => Some(
                "the session policy passed to `AssumeRole` is evaluated before the role's policies, so changing them cannot help: assume the role with a session policy that allows the action, or without one",
            ),
            Self::IdentityPolicy => None,
        }
    }

    pub fn plural(self) -> &'static str {
        match self {
            Self::ControlPolicy => "control policies",
            Self::SessionPolicy => "session policy",
            Self::IdentityPolicy => "identity policies",
        }
    }
}

/// The policies of one layer.
#[derive(Debug, Clone)]
pub struct Layer {
    pub kind: LayerKind,
    pub policies: Vec<CompiledPolicy>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Decision {
    Allowed,
    ExplicitDeny,
    ImplicitDeny,
    Conditional,
}

impl Decision {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Allowed => "allowed",
            Self::ExplicitDeny => "explicit-deny",
            Self::ImplicitDeny => "implicit-deny",
            Self::Conditional => "conditional",
        }
    }
}

/// A request that decides a `conditional` answer one way: the values of the keys the request
/// did not supply (`None`: the key is absent), and the decision it gets. Where one side has no
/// witness, a case that stays `conditional` (a key absent under a negated operator) is one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Witness {
    pub decision: Decision,
    pub context: Vec<(String, Option<Vec<String>>)>,
}

impl Witness {
    /// The `--context` assignments that state it (a key with several values repeats).
    pub fn assignments(&self) -> Vec<String> {
        assignments(&self.context)
    }

    /// The keys it needs absent from the request (no `--context` states that).
    pub fn absent(&self) -> Vec<&str> {
        absent_keys(&self.context)
    }

    /// `allowed when `acs:SourceVpc=vpc-1` and `acs:MFAPresent` absent`.
    pub fn describe(&self) -> String {
        let mut parts: Vec<String> = self.assignments().iter().map(|a| format!("`{a}`")).collect();
        parts.extend(self.absent().iter().map(|k| format!("`{k}` absent")));
        let side = match self.decision {
            Decision::Allowed => "allowed",
            Decision::ExplicitDeny => "denied (explicit deny)",
            Decision::ImplicitDeny => "denied",
            Decision::Conditional => "still undecided",
        };
        format!("{side} when {}", parts.join(" and "))
    }

    /// The witness as the context of a request: `base` with its keys set.
    pub fn apply(&self, base: &Context) -> Context {
        with_keys(base, &self.context)
    }
}

/// Condition keys' values for one request, as a witness states them: `None` is the key absent.
pub type KeyValues = [(String, Option<Vec<String>>)];

/// The `--context` assignments that state `keys` (a key with several values repeats).
pub fn assignments(keys: &KeyValues) -> Vec<String> {
    keys.iter()
        .flat_map(|(key, values)| values.iter().flatten().map(move |v| format!("{key}={v}")))
        .collect()
}

/// The keys `keys` needs absent from the request (no `--context` states that).
pub fn absent_keys(keys: &KeyValues) -> Vec<&str> {
    keys.iter()
        .filter(|(_, values)| values.is_none())
        .map(|(key, _)| key.as_str())
        .collect()
}

/// `base` with `keys` set (or marked absent).
pub fn with_keys(base: &Context, keys: &KeyValues) -> Context {
    let mut context = base.clone();
    for (key, values) in keys {
        match values {
            Some(values) => context.set(key.clone(), values.clone()),
            None => context.mark_absent(key.clone()),
        }
    }
    context
}

/// A statement, as a reason: which layer, which policy file, which statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementRef {
    pub layer: LayerKind,
    /// Index of the policy in its layer.
    pub policy: usize,
    pub file: String,
    /// 0-based index in `Statement`.
    pub index: usize,
    pub effect: Effect,
    /// The statement's `Effect` value, where a snippet points.
    pub span: Span,
    pub line: usize,
}

impl StatementRef {
    fn new(
        layer: LayerKind,
        policy_index: usize,
        policy: &CompiledPolicy,
        statement: &compiled::CompiledStatement,
    ) -> Self {
        Self {
            layer,
            policy: policy_index,
            file: policy.source.name.clone(),
            index: statement.index,
            effect: statement.effect,
            span: statement.effect_span,
            line: policy.source.line_col(statement.effect_span.start).0,
        }
    }
}

/// The `Allow` statement that came closest to allowing an implicitly denied request, and what
/// stopped it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NearMiss {
    pub statement: StatementRef,
    pub stopped_by: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evaluation {
    pub decision: Decision,
    /// The layer that decided a denial (`None` when allowed or conditional).
    pub layer: Option<LayerKind>,
    pub statements: Vec<StatementRef>,
    pub missing_keys: BTreeSet<String>,
    /// For `conditional`: what else it hangs on that no key settles, each naming its statement
    /// (`statement 2 of ops.json: ...`).
    pub reasons: BTreeSet<String>,
    pub closest: Option<NearMiss>,
    /// For `conditional`: requests that decide it, one per side where one was found (an
    /// allowed one and a denied one); each, fed back as the context, gives its decision.
    pub witnesses: Vec<Witness>,
    /// For a definite decision that the search over missing keys found: the keys whose every
    /// value leads to it.
    pub decided_over: BTreeSet<String>,
}

/// The identity layer of a caller with no identity policy: it allows nothing.
static NO_IDENTITY_POLICY: Layer = Layer {
    kind: LayerKind::IdentityPolicy,
    policies: Vec::new(),
};

/// One layer's verdict.
enum LayerVerdict {
    Allowed(Vec<StatementRef>),
    /// Denied for sure; the explicit `Deny` statements that certainly apply, if any.
    Denied {
        explicit: Vec<StatementRef>,
    },
    Conditional {
        keys: BTreeSet<String>,
        reasons: BTreeSet<String>,
        statements: Vec<StatementRef>,
    },
}

/// Decide `action` on `resource` with `context`, across `layers` (a layer with no policies is
/// not there: a missing control-policy layer does not deny).
///
/// RAM's order ("Policy evaluation logic"): control policies, then the session policy, then the
/// identity policies; a layer that denies — explicitly, or implicitly because nothing in it
/// allows — ends the evaluation, and is the decision. So an identity `Deny` behind a control
/// policy that does not allow the action is not what denies: the control policy is.
///
/// A decision that Kleene's logic leaves `conditional` on condition keys the request does not
/// supply is searched exactly ([`exact`]): definite when every value of those keys gives it,
/// else `conditional` with a witness for each side.
pub fn evaluate(layers: &[Layer], action: &str, resource: &Resource, context: &Context) -> Evaluation {
    let kleene = evaluate_in_order(layers, action, resource, context);
    let hangs_on_keys =
        kleene.decision == Decision::Conditional && kleene.missing_keys.iter().any(|k| k != "account" && k != "region");
    if !hangs_on_keys {
        return kleene;
    }
    exact::decide(layers, action, resource, context, kleene)
}

/// `evaluate` without the search over missing keys: Kleene's three-valued logic, statement by
/// statement (sound: a definite answer holds for every value of the missing keys).
fn evaluate_in_order(layers: &[Layer], action: &str, resource: &Resource, context: &Context) -> Evaluation {
    // Actions match case-insensitively: fold once here, not once per statement (messages keep
    // the action as given).
    let as_given = action;
    let folded = action.to_ascii_lowercase();
    let action = folded.as_str();
    let mut conditional = false;
    let mut conditional_keys = BTreeSet::new();
    let mut conditional_reasons = BTreeSet::new();
    let mut conditional_statements = Vec::new();
    let mut allowed_by = Vec::new();
    let empty = |decision, layer, statements| Evaluation {
        decision,
        layer,
        statements,
        missing_keys: BTreeSet::new(),
        reasons: BTreeSet::new(),
        closest: None,
        witnesses: Vec::new(),
        decided_over: BTreeSet::new(),
    };
    // A control-policy or session layer without policies is not there; the identity layer
    // always is: control and session policies only bound what identity policies grant. RAM's
    // order, whatever the order the caller listed the layers in (no allocation: this is the
    // evaluator's hot path).
    let has_identity = layers.iter().any(|l| l.kind == LayerKind::IdentityPolicy);
    let identity_fallback = (!has_identity).then_some(&NO_IDENTITY_POLICY);
    let in_order = [
        LayerKind::ControlPolicy,
        LayerKind::SessionPolicy,
        LayerKind::IdentityPolicy,
    ]
    .into_iter()
    .flat_map(|kind| layers.iter().filter(move |l| l.kind == kind))
    .chain(identity_fallback)
    .filter(|l| !l.policies.is_empty() || l.kind == LayerKind::IdentityPolicy);
    for layer in in_order {
        match evaluate_layer(layer, action, resource, context) {
            // The first layer that denies for sure decides, even behind a layer that may deny:
            // denied either way, and this layer's denial is the one that is certain.
            LayerVerdict::Denied { explicit } if !explicit.is_empty() => {
                return empty(Decision::ExplicitDeny, Some(layer.kind), explicit);
            }
            LayerVerdict::Denied { .. } => {
                let mut evaluation = empty(Decision::ImplicitDeny, Some(layer.kind), Vec::new());
                evaluation.closest = closest_allow(layer, as_given, resource, context);
                return evaluation;
            }
            LayerVerdict::Conditional {
                keys,
                reasons,
                statements,
            } => {
                conditional = true;
                conditional_keys.extend(keys);
                conditional_reasons.extend(reasons);
                conditional_statements.extend(statements);
            }
            LayerVerdict::Allowed(statements) => allowed_by.extend(statements),
        }
    }
    if conditional {
        let mut evaluation = empty(Decision::Conditional, None, conditional_statements);
        evaluation.missing_keys = conditional_keys;
        evaluation.reasons = conditional_reasons;
        return evaluation;
    }
    empty(Decision::Allowed, None, allowed_by)
}

/// Whether one document's statements allow a request on their own: `Yes` allowed, `No`
/// denied, `Unknown` when it hangs on keys. The security rules ask this of a single policy.
pub fn allowed_by<'s>(
    statements: impl IntoIterator<Item = &'s compiled::CompiledStatement>,
    action: &str,
    resource: &Resource,
    context: &Context,
) -> Truth {
    ActionQuery::new(statements, action).allowed(resource, context)
}

/// [`allowed_by`] for one action, asked of many resources: the statements the action cannot
/// apply to are left out once, and the others are not matched against it again.
#[derive(Debug)]
pub struct ActionQuery<'s> {
    statements: Vec<&'s compiled::CompiledStatement>,
}

impl<'s> ActionQuery<'s> {
    pub fn new(statements: impl IntoIterator<Item = &'s compiled::CompiledStatement>, action: &str) -> Self {
        let folded = action.to_ascii_lowercase();
        Self {
            statements: statements
                .into_iter()
                .filter(|s| s.may_apply_to_action(&folded))
                .collect(),
        }
    }

    /// [`ActionQuery::new`] of statements the caller has already picked as ones that may apply
    /// to `action` (the rules pick them on the model: by `rules::reach::may_apply_to`, or as
    /// the statements that name it), so that none is matched against the action again. The
    /// claim is checked where debug assertions are on (the tests).
    pub fn of_applicable(statements: Vec<&'s compiled::CompiledStatement>, action: &str) -> Self {
        debug_assert!(
            statements
                .iter()
                .all(|s| s.may_apply_to_action(&action.to_ascii_lowercase())),
            "a statement picked as applicable to `{action}` cannot apply to it"
        );
        Self { statements }
    }

    /// [`allowed_by`] of the action on `resource`.
    pub fn allowed(&self, resource: &Resource, context: &Context) -> Truth {
        self.allowed_as(resource, context)
    }

    /// [`ActionQuery::allowed`] in any [`Logic`]: a rule asks it bare.
    pub fn allowed_as<L: Logic>(&self, resource: &Resource, context: &Context) -> L {
        let mut deny = L::NO;
        let mut allow = L::NO;
        for statement in &self.statements {
            let truth: L = statement.applies_past_action(resource, context);
            match statement.effect {
                Effect::Deny => deny = deny.or(truth),
                Effect::Allow => allow = allow.or(truth),
            }
            if deny.bare() == BareTruth::Yes {
                break; // denied, whatever the other statements say
            }
        }
        // Allowed when no `Deny` applies and an `Allow` does: a `Deny` that may apply leaves even a
        // certain `Allow` unknown, never allowed.
        deny.negate().and(allow)
    }
}

fn evaluate_layer(layer: &Layer, action: &str, resource: &Resource, context: &Context) -> LayerVerdict {
    let mut deny = Truth::No;
    let mut allow = Truth::No;
    let mut certain_denies = Vec::new();
    let mut certain_allows = Vec::new();
    let mut uncertain = Vec::new();
    for (p, policy) in layer.policies.iter().enumerate() {
        for statement in &policy.statements {
            let truth = statement.applies(action, resource, context);
            if truth == Truth::No {
                continue;
            }
            // A reason says which statement it is about.
            let truth =
                truth.map_reasons(|why| format!("statement {} of {}: {why}", statement.index + 1, policy.source.name));
            let reference = || StatementRef::new(layer.kind, p, policy, statement);
            match (statement.effect, &truth) {
                (Effect::Deny, Truth::Yes) => certain_denies.push(reference()),
                (Effect::Allow, Truth::Yes) => certain_allows.push(reference()),
                _ => uncertain.push(reference()),
            }
            match statement.effect {
                Effect::Deny => deny = deny.or(truth),
                Effect::Allow => allow = allow.or(truth),
            }
        }
    }
    match (deny, allow) {
        (Truth::Yes, _) => LayerVerdict::Denied {
            explicit: certain_denies,
        },
        // Whether or not the `Deny` applies, nothing allows: denied either way.
        (_, Truth::No) => LayerVerdict::Denied { explicit: Vec::new() },
        (Truth::No, Truth::Yes) => LayerVerdict::Allowed(certain_allows),
        (deny, allow) => LayerVerdict::Conditional {
            keys: deny.keys().chain(allow.keys()).cloned().collect(),
            reasons: deny.reasons().chain(allow.reasons()).cloned().collect(),
            statements: uncertain,
        },
    }
}

/// The `Allow` of the layer that matched most of the request, and the first thing that failed.
fn closest_allow(layer: &Layer, action: &str, resource: &Resource, context: &Context) -> Option<NearMiss> {
    let mut best: Option<(u8, NearMiss)> = None;
    for (p, policy) in layer.policies.iter().enumerate() {
        for statement in policy.statements.iter().filter(|s| s.effect == Effect::Allow) {
            let action_ok = statement.action_matches(action);
            let resource_ok = statement.resource_truth(resource) != Truth::No;
            let (score, stopped_by) = if !action_ok {
                (0, format!("its actions do not include `{action}`"))
            } else if !resource_ok {
                let written: Vec<String> = statement.resources.iter().map(|r| format!("`{}`", r.text())).collect();
                let stopped_by = if statement.not_resource {
                    format!("its `NotResource` ({}) excludes `{}`", written.join(", "), resource.arn)
                } else {
                    format!("its resources ({}) do not match `{}`", written.join(", "), resource.arn)
                };
                (1, stopped_by)
            } else {
                let failed = statement
                    .conditions
                    .iter()
                    .find(|c| c.truth(context) == Truth::No)
                    .map_or_else(
                        || "its conditions".to_string(),
                        |c| format!("its condition `{}` on `{}` is false", c.operator_text, c.key),
                    );
                (2, failed)
            };
            if best.as_ref().is_none_or(|(s, _)| score > *s) {
                let statement = StatementRef::new(layer.kind, p, policy, statement);
                best = Some((score, NearMiss { statement, stopped_by }));
            }
        }
    }
    best.map(|(_, near)| near)
}
