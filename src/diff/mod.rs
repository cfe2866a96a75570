//! `ramguard diff OLD NEW`: the access a change of policy grants and takes away, each with a
//! request that the evaluator answers `allowed` on one side and denied on the other.
//!
//! The requests are built from classes, not sampled: the actions are the kvstore catalogue's,
//! and for every other service the policies name, one action per class of names that the two
//! policies' action patterns tell apart (`ecs:` outside `ecs:Describe*` is one class); the
//! resources are one ARN per class that the two policies' resource patterns tell apart
//! (`NotResource` included); the contexts are the exact search's classes of the condition keys,
//! split by the constants of both policies. Every witness is checked by the ordinary evaluator
//! on both sides before it is reported, on the statements that may apply to its request (see
//! `diff`). What the split cannot reach is said in `limits`.

pub mod checks;
pub mod documents;
pub mod files;
pub mod git;
#[cfg(test)]
mod reference;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::catalog::Catalog;
use crate::eval::pattern::Pattern;
use crate::eval::{self, CompiledPolicy, Context, Decision, Layer, LayerKind, Resource, StatementRef, Truth};

/// A request on which the two policies disagree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Witness {
    pub action: String,
    pub resource: String,
    /// The condition keys' values (`None`: the key absent from the request).
    pub context: Vec<(String, Option<Vec<String>>)>,
}

impl Witness {
    /// The `--context` assignments that state it.
    pub fn assignments(&self) -> Vec<String> {
        eval::assignments(&self.context)
    }

    /// The keys it needs absent.
    pub fn absent(&self) -> Vec<&str> {
        eval::absent_keys(&self.context)
    }

    /// The request's context.
    pub fn context(&self) -> Context {
        eval::with_keys(&Context::default(), &self.context)
    }
}

/// Access one side allows and the other does not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub witness: Witness,
    /// The statements that allow it, on the side that allows it.
    pub statements: Vec<StatementRef>,
}

/// The difference of two versions of one policy document.
#[derive(Debug, Clone, Default)]
pub struct DocumentDiff {
    /// Allowed by NEW, denied by OLD.
    pub new: Vec<Change>,
    /// Allowed by OLD, denied by NEW.
    pub removed: Vec<Change>,
    /// Denied explicitly by OLD and not by NEW: access for a principal whom another policy
    /// allows (a guard removed or narrowed). `statements` are OLD's that denied it.
    pub lifted: Vec<Change>,
    /// Requests whose denial NEW may lift, where one side's answer is `conditional` (a `Deny`
    /// with a value only Terraform knows, a condition on a key that may be absent), with
    /// OLD's and NEW's decisions beside an `Allow` of everything.
    pub may_lift: Vec<(Witness, Decision, Decision)>,
    /// Requests where one side's answer stays `conditional` (not reported as a change either
    /// way), with OLD's and NEW's decisions.
    pub undecided: Vec<(Witness, Decision, Decision)>,
    /// What the comparison could not cover exhaustively.
    pub limits: BTreeSet<String>,
    /// What a witness action of a service without a catalogue stands for: `ecs:otheraction` is
    /// "`ecs:` actions outside `ecs:Describe*`" (by witness action; a name a policy writes
    /// literally stands for itself and is not here).
    pub action_classes: BTreeMap<String, String>,
}

impl DocumentDiff {
    pub fn is_empty(&self) -> bool {
        self.new.is_empty() && self.removed.is_empty() && self.lifted.is_empty()
    }

    /// Whether NEW may allow something OLD denies: a new access, a denial lifted, or a request
    /// NEW answers `conditional` where OLD does not allow it (fail closed).
    pub fn may_add_access(&self) -> bool {
        !self.new.is_empty() || !self.lifted.is_empty() || !self.may_lift.is_empty() || self.conditional_new() > 0
    }

    /// The undecided requests that NEW may allow and OLD may not have allowed.
    pub fn conditional_new(&self) -> usize {
        self.undecided
            .iter()
            .filter(|(_, old, new)| may_be_new(*old, *new))
            .count()
    }
}

/// Whether a request with these decisions (one of them `conditional`) may be access NEW gives
/// and OLD did not: NEW may allow where OLD denied, or NEW allows where OLD only may have
/// (OLD's `conditional` may resolve to a denial: a `Deny` with a value only Terraform knows).
pub fn may_be_new(old: Decision, new: Decision) -> bool {
    (new == Decision::Conditional && old != Decision::Allowed)
        || (old == Decision::Conditional && new == Decision::Allowed)
}

/// A policy as the caller's only identity policy.
pub fn as_layers(policy: &CompiledPolicy) -> [Layer; 1] {
    [Layer {
        kind: LayerKind::IdentityPolicy,
        policies: vec![policy.clone()],
    }]
}

/// The decision of `layers` for one request.
pub fn decide(layers: &[Layer], witness: &Witness) -> eval::Evaluation {
    eval::evaluate(
        layers,
        &witness.action,
        &Resource::known(witness.resource.clone()),
        &witness.context(),
    )
}

/// The decisions of OLD's and NEW's layers for one request (its resource and context built once
/// for both).
fn decide_both((old, new): (&[Layer], &[Layer]), witness: &Witness) -> (eval::Evaluation, eval::Evaluation) {
    let resource = Resource::known(witness.resource.clone());
    let context = witness.context();
    (
        eval::evaluate(old, &witness.action, &resource, &context),
        eval::evaluate(new, &witness.action, &resource, &context),
    )
}

fn denied(decision: Decision) -> bool {
    matches!(decision, Decision::ImplicitDeny | Decision::ExplicitDeny)
}

/// The actions the comparison tries: the kvstore catalogue, and one per class of every other
/// service's names that the two policies' action patterns tell apart.
pub fn actions(policies: &[&CompiledPolicy], catalog: &Catalog, limits: &mut BTreeSet<String>) -> Vec<String> {
    let mut out: Vec<String> = catalog
        .actions("kvstore")
        .unwrap_or_default()
        .iter()
        .map(|a| format!("kvstore:{}", a.name))
        .collect();
    // Patterns by service, in lowercase (RAM matches actions ignoring ASCII case); a literal
    // keeps its spelling as a seed.
    let mut patterns: BTreeMap<String, (Vec<String>, Vec<String>)> = BTreeMap::new();
    let mut unscoped = BTreeSet::new();
    let mut literal_kvstore = Vec::new();
    // A `NotAction` covers every service it does not name, and `*` every service: then the
    // services no pattern names are one class, compared through one of them.
    let mut covers_unnamed_services = false;
    for statement in policies.iter().flat_map(|p| &p.statements) {
        covers_unnamed_services |= statement.not_action;
    }
    for pattern in policies
        .iter()
        .flat_map(|p| &p.statements)
        .flat_map(|s| s.actions.iter())
    {
        let text = pattern.as_str();
        if text == "*" {
            covers_unnamed_services = true;
            continue;
        }
        let lower = text.to_ascii_lowercase();
        match lower.split_once(':') {
            Some((service, _)) if !service.contains(['*', '?']) && !service.is_empty() => {
                if service == "kvstore" {
                    // A name the catalogue does not list (an action newer than it) is compared
                    // as written.
                    if !text.contains(['*', '?']) {
                        literal_kvstore.push(text.to_string());
                    }
                    continue;
                }
                let entry = patterns.entry(service.to_string()).or_default();
                entry.0.push(lower.clone());
                if !text.contains(['*', '?']) {
                    entry.1.push(lower);
                }
            }
            _ => {
                unscoped.insert(text.to_string());
            }
        }
    }
    if covers_unnamed_services {
        // Exact while every pattern names its service or is `*` (another unscoped pattern is a
        // limit below): no pattern then tells two services no pattern names apart, nor two
        // actions of one. `ram` where it is free: the service whose actions escalate.
        let named = |service: &str| service == "kvstore" || patterns.contains_key(service);
        let mut services: Vec<&str> = catalog.services().collect();
        services.sort_unstable();
        let unnamed = std::iter::once("ram")
            .chain(services)
            .find(|service| !named(service))
            .unwrap_or("ramguard-unnamed");
        out.push(format!("{unnamed}:{UNNAMED_SERVICE_ACTION}"));
    }
    for (service, (mut globs, mut seeds)) in patterns {
        let prefix = format!("{service}:");
        globs.push(format!("{prefix}*"));
        seeds.push(format!("{prefix}otheraction"));
        // The same classes and witnesses whichever policy is OLD.
        globs.sort();
        globs.dedup();
        seeds.sort();
        seeds.dedup();
        let (classes, exhaustive) = eval::exact::pattern_classes(&service, &globs, &seeds);
        if !exhaustive {
            limits.insert(format!(
                "the action patterns of `{service}` need more automaton states than the search allows: its actions are not all compared"
            ));
        }
        out.extend(
            classes
                .into_iter()
                .filter(|c| c.len() > prefix.len() && c.starts_with(&prefix)),
        );
    }
    for name in literal_kvstore {
        if !out.iter().any(|a| a.eq_ignore_ascii_case(&name)) {
            out.push(name);
        }
    }
    if !unscoped.is_empty() {
        let listed: Vec<String> = unscoped.iter().map(|p| format!("`{p}`")).collect();
        limits.insert(format!(
            "{} name no single service: compared only for kvstore and the services the policies name",
            listed.join(", ")
        ));
    }
    out.sort();
    out.dedup();
    out
}

/// The action name that stands for every action of the services no pattern names.
const UNNAMED_SERVICE_ACTION: &str = "anyaction";

/// For each compared action of a service without a catalogue that no policy names literally,
/// the class it stands for, in words: the patterns of its service that match it and those that
/// do not (`service:*` left out, as it matches all): "`ecs:` actions outside `ecs:Describe*`",
/// "`ecs:` actions matching `ecs:Describe*`".
pub fn action_classes(policies: &[&CompiledPolicy], actions: &[String]) -> BTreeMap<String, String> {
    let patterns: BTreeSet<String> = policies
        .iter()
        .flat_map(|p| p.statements.iter().map(move |s| (p, s)))
        .flat_map(|(p, s)| {
            s.actions
                .iter()
                .map(move |a| as_written(&p.source.text, s.span, a.as_str()))
        })
        .collect();
    let mut out = BTreeMap::new();
    for action in actions {
        let Some((service, _)) = action.split_once(':') else {
            continue;
        };
        if service == "kvstore" || patterns.iter().any(|p| p.eq_ignore_ascii_case(action)) {
            continue;
        }
        let prefix = format!("{service}:");
        if action.ends_with(&format!(":{UNNAMED_SERVICE_ACTION}"))
            && !patterns.iter().any(|p| p.to_ascii_lowercase().starts_with(&prefix))
        {
            out.insert(
                action.clone(),
                format!("actions of every service the policies do not name (`{prefix}` among them)"),
            );
            continue;
        }
        let of_service: Vec<&String> = patterns
            .iter()
            .filter(|p| {
                let lower = p.to_ascii_lowercase();
                lower.starts_with(&prefix) && lower != format!("{prefix}*")
            })
            .collect();
        let (matching, outside): (Vec<&String>, Vec<&String>) = of_service
            .into_iter()
            .partition(|p| Pattern::ignoring_case(p).matches(action));
        // A name outside the class is said only where it carves a hole in it (`ecs:DescribeX`
        // out of `ecs:Describe*`), not where it lies apart (`ecs:RunInstances`).
        let outside: Vec<&String> = outside
            .into_iter()
            .filter(|p| {
                p.contains(['*', '?'])
                    || matching.is_empty()
                    || matching
                        .iter()
                        .any(|m| Pattern::ignoring_case(m).matches(&p.to_ascii_lowercase()))
            })
            .collect();
        let quote = |list: &[&String]| list.iter().map(|p| format!("`{p}`")).collect::<Vec<_>>();
        let (matching, outside) = (quote(&matching), quote(&outside));
        let mut text = format!("`{prefix}` actions");
        if !matching.is_empty() {
            text.push_str(&format!(" matching {}", matching.join(" and ")));
        }
        if !outside.is_empty() {
            text.push_str(&format!(" outside {}", outside.join(", ")));
        }
        out.insert(action.clone(), text);
    }
    out
}

/// An action pattern as the statement writes it (`ecs:Describe*`; the compiled one is
/// lowercased): its first quoted occurrence in the statement's text, ignoring case, or the
/// lowercased one when the text spells it otherwise (an escape).
fn as_written(text: &str, span: crate::source::Span, lowercased: &str) -> String {
    let quoted = format!("\"{lowercased}\"");
    let Some(statement) = text.get(span.start..span.end) else {
        return lowercased.to_string();
    };
    statement
        .to_ascii_lowercase()
        .find(&quoted)
        .and_then(|at| statement.get(at + 1..at + quoted.len() - 1))
        .map_or_else(|| lowercased.to_string(), str::to_string)
}

/// One ARN per class of ARNs that the two policies' resource patterns tell apart (the patterns'
/// own shapes first, their wildcards filled in), and one outside them for each service.
pub fn resources(policies: &[&CompiledPolicy], actions: &[String], limits: &mut BTreeSet<String>) -> Vec<String> {
    resources_among(policies, None, actions, limits)
}

/// [`resources`], the classes split by one more pattern too (a `deny-access` resource).
fn resources_among(
    policies: &[&CompiledPolicy],
    extra: Option<&str>,
    actions: &[String],
    limits: &mut BTreeSet<String>,
) -> Vec<String> {
    let patterns: BTreeSet<String> = policies
        .iter()
        .flat_map(|p| &p.statements)
        .flat_map(|s| s.resources.iter())
        .map(|r| r.text().to_string())
        .chain(extra.map(str::to_string))
        .collect();
    let mut seeds: Vec<String> = patterns.iter().map(|p| fill(p)).collect();
    let services: BTreeSet<&str> = actions
        .iter()
        .filter_map(|a| a.split_once(':').map(|(s, _)| s))
        .collect();
    for service in services {
        seeds.push(format!(
            "acs:{service}:cn-hangzhou:1234567890123456:other/ramguard-diff"
        ));
    }
    let globs: Vec<String> = patterns.into_iter().collect();
    let (classes, exhaustive) = eval::exact::arn_classes(&globs, &seeds);
    if !exhaustive {
        limits.insert("the resource patterns need more automaton states than the search allows: not every class of ARN is compared".to_string());
    }
    let (arns, others): (Vec<String>, Vec<String>) = classes
        .into_iter()
        .partition(|c| crate::rules::invalid_resource::check_form(c).is_ok() || c == "*");
    if !others.is_empty() {
        limits.insert(format!(
            "{} class(es) of resource strings that are not ARNs (the shortest: `{}`) are not compared",
            others.len(),
            others.first().map_or("", String::as_str)
        ));
    }
    arns
}

/// A pattern as an ARN: a region or account wildcard becomes a plausible one, another `*` an
/// `x`, a `?` an `x`.
fn fill(pattern: &str) -> String {
    if pattern == "*" {
        return "*".to_string();
    }
    let parts: Vec<String> = pattern
        .splitn(5, ':')
        .enumerate()
        .map(|(i, part)| match (i, part) {
            (2, "*") => "cn-hangzhou".to_string(),
            (3, "*") => "1234567890123456".to_string(),
            (_, part) => part.replace(['*', '?'], "x"),
        })
        .collect();
    parts.join(":")
}

/// Compare OLD and NEW: each one policy document, evaluated as the caller's only identity
/// policy ([`compare_alone`]), and then for the denials NEW lifts ([`lifted_denials`]).
pub fn diff(old: &CompiledPolicy, new: &CompiledPolicy, catalog: &Catalog) -> DocumentDiff {
    let mut result = compare_alone(old, new, catalog);
    lifted_denials(old, new, catalog, &mut result);
    result
}

/// The requests OLD denies explicitly and NEW does not. Each document is also one policy among
/// the caller's others: a `Deny` removed or narrowed gives access wherever another policy
/// allows, though neither document allows anything alone. Found by the same comparison, each
/// side's `Deny`s with one `Allow` of everything beside them (the access any other policy may
/// grant), over the classes every pattern of both tells apart: what NEW' allows and OLD' does
/// not is then what OLD denied and NEW no longer does. Access NEW allows alone is already `new`;
/// where NEW allows a request in some contexts, its other contexts are not searched again.
fn lifted_denials(old: &CompiledPolicy, new: &CompiledPolicy, catalog: &Catalog, result: &mut DocumentDiff) {
    // A `Deny` denies by itself alone: one that NEW keeps as it was lifts nothing. (Each
    // meaning is written once: it is a long text.)
    let deny = crate::policy::Effect::Deny;
    let kept: std::collections::HashSet<String> = new
        .statements
        .iter()
        .filter(|s| s.effect == deny)
        .map(meaning_of)
        .collect();
    if old
        .statements
        .iter()
        .filter(|s| s.effect == deny)
        .all(|s| kept.contains(&meaning_of(s)))
    {
        return;
    }
    // Beside an `Allow` of everything, a side's own `Allow`s change no decision: only its
    // `Deny`s are evaluated (so only requests a changed `Deny` may decide are), over the
    // classes every pattern of both tells apart.
    let background = CompiledPolicy {
        source: old.source.clone(),
        statements: allow_everything(),
    };
    let denies_beside = |policy: &CompiledPolicy| {
        let mut statements: Vec<_> = policy
            .statements
            .iter()
            .filter(|s| s.effect == crate::policy::Effect::Deny)
            .cloned()
            .collect();
        statements.extend(background.statements.iter().cloned());
        CompiledPolicy {
            source: policy.source.clone(),
            statements,
        }
    };
    let lifted = compare_over_classes_of(
        &[old, new, &background],
        &denies_beside(old),
        &denies_beside(new),
        catalog,
    );
    // Each entry of `lifted.new` is a request OLD's `Deny`s deny for sure and NEW's do not
    // (beside an `Allow` of everything, NEW' allows it for sure): it is lifted unless NEW's own
    // `Allow`s allow it (then it is `new`). So only OLD's `Deny`s (which name the statements)
    // and NEW's `Allow`s that name the action are evaluated, once per group of actions that
    // every statement of both matches alike, resource and context (a group is spread over
    // its actions: thousands of entries for unrelated policies).
    let all: Vec<&crate::eval::compiled::CompiledStatement> = old.statements.iter().chain(&new.statements).collect();
    let mut signatures: HashMap<&str, usize> = HashMap::new();
    let mut groups: HashMap<Vec<bool>, usize> = HashMap::new();
    let mut layers: Vec<([Layer; 1], [Layer; 1])> = Vec::new();
    // By (group, resource, context): OLD's statements that deny it, where it is lifted.
    let mut decided: HashMap<(usize, &str, &eval::exact::Assignment), Option<Vec<StatementRef>>> = HashMap::new();
    let only = |policy: &CompiledPolicy, keep: &dyn Fn(&crate::eval::compiled::CompiledStatement) -> bool| {
        as_layers(&CompiledPolicy {
            source: policy.source.clone(),
            statements: policy.statements.iter().filter(|s| keep(s)).cloned().collect(),
        })
    };
    for change in &lifted.new {
        let action = change.witness.action.as_str();
        let group = *signatures.entry(action).or_insert_with(|| {
            let folded = action.to_ascii_lowercase();
            let signature: Vec<bool> = all.iter().map(|s| s.action_matches_lowercased(&folded)).collect();
            let next = groups.len();
            *groups.entry(signature).or_insert_with(|| {
                let names = |s: &crate::eval::compiled::CompiledStatement| {
                    s.action_matches_lowercased(&folded) || (!s.unmodelled.is_empty() && !s.actions_known)
                };
                let deny = crate::policy::Effect::Deny;
                layers.push((
                    only(old, &|s| s.effect == deny && names(s)),
                    only(new, &|s| s.effect != deny && names(s)),
                ));
                next
            })
        });
        let key = (group, change.witness.resource.as_str(), &change.witness.context);
        let Some((old_denies, new_allows)) = layers.get(group) else {
            continue;
        };
        let denied_before = decided.entry(key).or_insert_with(|| {
            let (before, after) = decide_both((old_denies, new_allows), &change.witness);
            (after.decision != Decision::Allowed && before.decision == Decision::ExplicitDeny)
                .then_some(before.statements)
        });
        if let Some(statements) = denied_before {
            result.lifted.push(Change {
                witness: change.witness.clone(),
                statements: statements.clone(),
            });
        }
    }
    // Beside an `Allow` of everything, "allowed" is "not denied": a request OLD may have
    // denied and NEW may not deny (one of them `conditional`) may be lifted. Access NEW
    // allows alone is `new` or undecided already.
    for (witness, old_decision, new_decision) in lifted.undecided {
        if may_be_new(old_decision, new_decision) && decide(&as_layers(new), &witness).decision != Decision::Allowed {
            result.may_lift.push((witness, old_decision, new_decision));
        }
    }
    result.limits.extend(lifted.limits);
    for (action, class) in lifted.action_classes {
        result.action_classes.entry(action).or_insert(class);
    }
}

/// An `Allow` of every action on every resource: what the caller's other policies may grant.
fn allow_everything() -> Vec<crate::eval::compiled::CompiledStatement> {
    let text = r#"{"Version": "1", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}"#;
    crate::json::parse(text)
        .map(|root| CompiledPolicy::statements_of(crate::policy::Policy::from_document(&root).statements.iter()))
        .unwrap_or_default()
}

/// Compare OLD and NEW, each one policy document evaluated as the caller's only identity policy.
pub fn compare_alone(old: &CompiledPolicy, new: &CompiledPolicy, catalog: &Catalog) -> DocumentDiff {
    compare_over_classes_of(&[old, new], old, new, catalog)
}

/// [`compare_alone`] of OLD and NEW, over the classes of actions and resources that the
/// patterns of `patterns_of` tell apart (OLD's and NEW's own, or more).
fn compare_over_classes_of(
    patterns_of: &[&CompiledPolicy],
    old: &CompiledPolicy,
    new: &CompiledPolicy,
    catalog: &Catalog,
) -> DocumentDiff {
    let both = [old, new];
    let mut result = DocumentDiff::default();
    let actions = actions(patterns_of, catalog, &mut result.limits);
    let resources = resources(patterns_of, &actions, &mut result.limits);
    result.action_classes = action_classes(patterns_of, &actions);
    let mut budget = MAX_EVALUATIONS;
    let mut stopped = false;
    let empty = Context::default();
    // Actions that the same statements of both policies name (by `Action` or `NotAction`) get
    // the same decision on every resource and context: one of each group is compared, and its
    // changes are stated for every action of the group (176 kvstore actions are a handful of
    // groups for most policies).
    let statements: Vec<&crate::eval::compiled::CompiledStatement> = both.iter().flat_map(|p| &p.statements).collect();
    let mut group_of: HashMap<Vec<bool>, usize> = HashMap::new();
    let mut representatives: Vec<&String> = Vec::new();
    // Each distinct action pattern is matched once per action (`action_matches_lowercased`, a
    // statement at a time).
    let mut action_patterns: Vec<&Pattern> = statements.iter().flat_map(|s| s.actions.iter()).collect();
    action_patterns.sort_by(|a, b| a.as_str().cmp(b.as_str()));
    action_patterns.dedup_by(|a, b| a.as_str() == b.as_str());
    let pattern_indices: Vec<Vec<usize>> = statements
        .iter()
        .map(|s| {
            s.actions
                .iter()
                .filter_map(|p| action_patterns.binary_search_by(|q| q.as_str().cmp(p.as_str())).ok())
                .collect()
        })
        .collect();
    let groups: Vec<usize> = actions
        .iter()
        .map(|action| {
            let folded = action.to_ascii_lowercase();
            let matched: Vec<bool> = action_patterns.iter().map(|p| p.matches_lowercased(&folded)).collect();
            let signature: Vec<bool> = statements
                .iter()
                .zip(&pattern_indices)
                .map(|(s, indices)| indices.iter().any(|&i| matched.get(i).copied().unwrap_or(false)) != s.not_action)
                .collect();
            *group_of.entry(signature).or_insert_with(|| {
                representatives.push(action);
                representatives.len() - 1
            })
        })
        .collect();
    let mut by_group: Vec<DocumentDiff> = representatives.iter().map(|_| DocumentDiff::default()).collect();
    let changed = changed_statements(old, new).map(|changed| {
        let mut bits = Bits::new(statements.len());
        for (i, s) in statements.iter().enumerate() {
            if changed.iter().any(|c| std::ptr::eq(*c, *s)) {
                bits.set(i);
            }
        }
        bits
    });
    // Which statements each group's actions match, and each class of ARN's resources; a
    // statement whose conditions are false whatever the keys hold applies to nothing.
    let conditions_may_hold: Vec<bool> = statements
        .iter()
        .map(|s| !s.unmodelled.is_empty() || s.conditions_truth(&empty) != Truth::No)
        .collect();
    let mut action_bits: Vec<Bits> = representatives.iter().map(|_| Bits::new(statements.len())).collect();
    for (signature, &group) in &group_of {
        if let Some(bits) = action_bits.get_mut(group) {
            for (i, (&matches, statement)) in signature.iter().zip(&statements).enumerate() {
                // A statement the evaluator cannot read whole applies, unknown, to every
                // action unless its actions are known.
                let unread = !statement.unmodelled.is_empty() && !statement.actions_known;
                if matches || unread {
                    bits.set(i);
                }
            }
        }
    }
    let resource_truths = resource_truths(&statements, &resources);
    let meanings = meanings(old, new);
    let mut key_spaces = eval::exact::KeySpaces::default();
    let known = Statements {
        all: statements.clone(),
        old: old.statements.len(),
        conditions: statements.iter().map(|s| s.conditions_truth(&empty)).collect(),
    };
    // The evaluator decides each request on the statements of both that may apply to it: the
    // others apply to none of its contexts (their action, resource or conditions are false
    // whatever the keys hold; see `may` below), so its decision and the statements it names are
    // those of all of them. Requests with the same such statements share the layers (a clone of
    // a compiled statement shares its patterns and conditions).
    let layers_among = |may: &Bits| {
        let (mut of_old, mut of_new) = (Vec::new(), Vec::new());
        for i in may.ones() {
            match i.checked_sub(old.statements.len()) {
                None => of_old.extend(old.statements.get(i).cloned()),
                Some(j) => of_new.extend(new.statements.get(j).cloned()),
            }
        }
        let layer = |policy: &CompiledPolicy, statements| {
            [Layer {
                kind: LayerKind::IdentityPolicy,
                policies: vec![CompiledPolicy {
                    source: policy.source.clone(),
                    statements,
                }],
            }]
        };
        (layer(old, of_old), layer(new, of_new))
    };
    let mut layers_of: HashMap<Bits, ([Layer; 1], [Layer; 1]), std::hash::BuildHasherDefault<QuickHasher>> =
        HashMap::default();
    let mut memo: HashMap<Vec<(usize, bool)>, Outcome, std::hash::BuildHasherDefault<QuickHasher>> = HashMap::default();
    'requests: for (group, action) in representatives.iter().copied().enumerate() {
        let (Some(result), Some(matching_action)) = (by_group.get_mut(group), action_bits.get(group)) else {
            continue;
        };
        for (resource, (resource_may, resource_sure)) in resources.iter().zip(&resource_truths) {
            // The statements that may apply (for some values of the keys) and those that do
            // whatever the resource's case (the request's truths, as far as action and
            // resource go: the decisions on every context depend on them alone).
            let mut may = matching_action.and(resource_may);
            for (i, holds) in conditions_may_hold.iter().enumerate() {
                if !holds {
                    may.clear(i);
                }
            }
            let sure = may.and(resource_sure);
            // Where no statement that differs between the two may apply, both decide alike
            // (see `changed_statements`).
            if changed.as_ref().is_some_and(|changed| !may.intersects(changed)) {
                continue;
            }
            // Requests whose statements that may apply mean the same, in the same order and
            // as surely, get the same decisions on every context: the contexts found for one
            // are checked, not searched again, for the others (see `meanings`).
            let key: Vec<(usize, bool)> = may
                .ones()
                .map(|i| (meanings.get(i).copied().unwrap_or(usize::MAX), sure.has(i)))
                .collect();
            if !layers_of.contains_key(&may) {
                layers_of.insert(may.clone(), layers_among(&may));
            }
            let Some((old_layers, new_layers)) = layers_of.get(&may) else {
                continue;
            };
            let layers = (old_layers.as_slice(), new_layers.as_slice());
            let confirmed = memo.get(&key).and_then(|seen| confirm(layers, action, resource, seen));
            let outcome = match confirmed {
                Some(outcome) => outcome,
                None => {
                    let arn = Resource::known(resource.clone());
                    let outcome = compare(
                        &known,
                        (&may, &sure),
                        layers,
                        action,
                        &arn,
                        (&mut budget, &mut key_spaces),
                    );
                    stopped = outcome.stopped;
                    if !stopped {
                        memo.insert(key, outcome.clone());
                    }
                    outcome
                }
            };
            record(outcome, result);
            if stopped {
                break 'requests;
            }
        }
    }
    spread_over_actions(&mut result, stopped, &actions, &groups, &by_group);
    result
}

/// The end of a comparison: the bound's note if it stopped, and each group's changes stated for
/// every action of the group (`groups`: each action's group), in the actions' order.
fn spread_over_actions(
    result: &mut DocumentDiff,
    stopped: bool,
    actions: &[String],
    groups: &[usize],
    by_group: &[DocumentDiff],
) {
    if stopped {
        result.limits.insert(format!(
            "the comparison stopped at its bound of {MAX_EVALUATIONS} requests: the access it lists is real, but it may not be all"
        ));
    }
    // Each group's changes, for every action of the group, in the actions' order.
    let with_action = |witness: &Witness, action: &String| Witness {
        action: action.clone(),
        ..witness.clone()
    };
    for (action, &group) in actions.iter().zip(groups) {
        let Some(found) = by_group.get(group) else {
            continue;
        };
        result.limits.extend(found.limits.iter().cloned());
        result.new.extend(found.new.iter().map(|c| Change {
            witness: with_action(&c.witness, action),
            statements: c.statements.clone(),
        }));
        result.removed.extend(found.removed.iter().map(|c| Change {
            witness: with_action(&c.witness, action),
            statements: c.statements.clone(),
        }));
        result
            .undecided
            .extend(found.undecided.iter().map(|(w, b, a)| (with_action(w, action), *b, *a)));
    }
}

/// A hasher for the memo's keys (short lists of small numbers, made here, not by an
/// adversary): FxHash's multiply and rotate, not SipHash.
#[derive(Default)]
struct QuickHasher(u64);

impl std::hash::Hasher for QuickHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.write_u64(u64::from(byte));
        }
    }

    fn write_u64(&mut self, value: u64) {
        self.0 = (self.0.rotate_left(5) ^ value).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }

    fn write_usize(&mut self, value: usize) {
        self.write_u64(value as u64);
    }

    fn write_u8(&mut self, value: u8) {
        self.write_u64(u64::from(value));
    }
}

/// A set of statements (of OLD then NEW), by index.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Bits(Vec<u64>);

impl Bits {
    fn new(len: usize) -> Self {
        Self(vec![0; len.div_ceil(64)])
    }

    fn set(&mut self, i: usize) {
        if let Some(word) = self.0.get_mut(i / 64) {
            *word |= 1 << (i % 64);
        }
    }

    fn clear(&mut self, i: usize) {
        if let Some(word) = self.0.get_mut(i / 64) {
            *word &= !(1 << (i % 64));
        }
    }

    fn and(&self, other: &Self) -> Self {
        Self(self.0.iter().zip(&other.0).map(|(a, b)| a & b).collect())
    }

    fn intersects(&self, other: &Self) -> bool {
        self.0.iter().zip(&other.0).any(|(a, b)| a & b != 0)
    }

    fn has(&self, i: usize) -> bool {
        self.0.get(i / 64).is_some_and(|word| word & (1 << (i % 64)) != 0)
    }

    /// The indices in the set, in order.
    fn ones(&self) -> impl Iterator<Item = usize> + '_ {
        self.0
            .iter()
            .enumerate()
            .flat_map(|(w, &word)| (0..64).filter(move |b| word & (1 << b) != 0).map(move |b| w * 64 + b))
    }
}

/// For each statement of OLD then NEW, a number that two statements share when, on a request
/// their actions and resources match alike (both for sure, or both unknown), they apply alike
/// whatever the context: the same side, `Effect`, conditions and what the evaluator does not
/// read.
///
/// Why two requests whose statements that may apply have the same numbers, in the same order
/// and as surely, get the same decisions and the same witness contexts: a statement that may
/// not apply (action, resource, or conditions false whatever the keys hold) applies on no
/// context; one that may applies exactly when its actions and resources match (for sure, or
/// unknown) and its conditions hold on the context; each side's decision, Kleene's answer and
/// the exact search's cases (the conditions of those statements, key by key, in order) are
/// made from these alone. Only which statements they are differs, and the witnesses are
/// evaluated again for each request (`confirm`), which names them.
fn meanings(old: &CompiledPolicy, new: &CompiledPolicy) -> Vec<usize> {
    let mut ids: HashMap<(bool, String), usize> = HashMap::new();
    [(false, old), (true, new)]
        .into_iter()
        .flat_map(|(side, policy)| policy.statements.iter().map(move |s| (side, s)))
        .map(|(side, s)| {
            let meaning = format!("{:?}", (&s.effect, &s.conditions, &s.unmodelled));
            let next = ids.len();
            *ids.entry((side, meaning)).or_insert(next)
        })
        .collect()
}

/// For each ARN, the statements whose resource part may match it and those it matches for sure
/// (`Resource`/`NotResource` as [`CompiledStatement::resource_truth`] decides; a statement the
/// evaluator cannot read whole may, never for sure). Each distinct pattern is matched once per
/// ARN; where case may matter (a capital in the ARN or the statement's patterns) the statement
/// decides itself.
///
/// [`CompiledStatement::resource_truth`]: crate::eval::compiled::CompiledStatement::resource_truth
fn resource_truths(
    statements: &[&crate::eval::compiled::CompiledStatement],
    resources: &[String],
) -> Vec<(Bits, Bits)> {
    let mut texts: Vec<&str> = statements
        .iter()
        .flat_map(|s| s.resources.iter().map(|r| r.text()))
        .collect();
    texts.sort_unstable();
    texts.dedup();
    let patterns: Vec<Pattern> = texts.iter().map(|t| Pattern::new(t)).collect();
    // Each statement's patterns, by index in `texts`; `None` where case may matter.
    let indices: Vec<Option<Vec<usize>>> = statements
        .iter()
        .map(|s| {
            s.resources
                .iter()
                .map(|r| {
                    (!crate::ascii::has_uppercase(r.text()))
                        .then(|| texts.binary_search(&r.text()).ok())
                        .flatten()
                })
                .collect()
        })
        .collect();
    resources
        .iter()
        .map(|arn| {
            let matches: Vec<bool> = patterns.iter().map(|p| p.matches(arn)).collect();
            let (mut may, mut sure) = (Bits::new(statements.len()), Bits::new(statements.len()));
            let resource = Resource::known(arn.clone());
            for (i, (statement, indices)) in statements.iter().zip(&indices).enumerate() {
                let truth = if !statement.unmodelled.is_empty() {
                    Truth::undecidable("unread")
                } else {
                    match indices {
                        Some(indices) if !crate::ascii::has_uppercase(arn) => {
                            let matched = indices.iter().any(|&at| matches.get(at).copied().unwrap_or(false));
                            Truth::from_bool(matched != statement.not_resource)
                        }
                        _ => statement.resource_truth(&resource),
                    }
                };
                match truth {
                    Truth::Yes => {
                        may.set(i);
                        sure.set(i);
                    }
                    Truth::Unknown(_) => may.set(i),
                    Truth::No => {}
                }
            }
            (may, sure)
        })
        .collect()
}

/// What one request (an action on an ARN) shows: a context where NEW allows and OLD denies,
/// one the other way, one where a side stays `conditional`; with the statements that allow
/// (or the decisions), as the evaluator found them.
#[derive(Debug, Clone, Default)]
struct Outcome {
    new: Option<(Witness, Vec<StatementRef>)>,
    removed: Option<(Witness, Vec<StatementRef>)>,
    undecided: Option<(Witness, Decision, Decision)>,
    limits: BTreeSet<String>,
    /// Whether the bound on evaluations stopped the search (then the outcome may be partial).
    stopped: bool,
}

/// The statements of OLD then NEW, and what the comparison knows of each before any request.
struct Statements<'a> {
    all: Vec<&'a crate::eval::compiled::CompiledStatement>,
    /// How many are OLD's.
    old: usize,
    /// Each one's conditions with no key supplied (Kleene's answer over every context).
    conditions: Vec<Truth>,
}

/// Compare OLD and NEW (`layers`: the statements of both whose actions may match `action`) on
/// `action` and `arn`, over the contexts the exact search splits; `may` and `sure`: the
/// statements whose action and resource may match the request, and those that match for sure.
fn compare(
    statements: &Statements,
    (may, sure): (&Bits, &Bits),
    (old_layers, new_layers): (&[Layer], &[Layer]),
    action: &str,
    arn: &Resource,
    (budget, key_spaces): (&mut usize, &mut eval::exact::KeySpaces),
) -> Outcome {
    let mut outcome = Outcome::default();
    // Kleene's answer over every context first: a side that allows (or denies) whatever the
    // keys hold needs no search; two such sides need one request at most. A statement that may
    // apply does, for each context, when its conditions hold and (unless the match is sure)
    // for a reason it names: as `CompiledStatement::applies` folds them.
    let mut sides = [(Truth::No, Truth::No), (Truth::No, Truth::No)];
    for i in may.ones() {
        let (Some(statement), Some(conditions)) = (statements.all.get(i), statements.conditions.get(i)) else {
            continue;
        };
        let matched = if statement.unmodelled.is_empty() && sure.has(i) {
            Truth::Yes
        } else {
            Truth::undecidable("")
        };
        let truth = if statement.unmodelled.is_empty() {
            matched.and(conditions.clone())
        } else {
            matched
        };
        let Some((allow, deny)) = sides.get_mut(usize::from(i >= statements.old)) else {
            continue;
        };
        match statement.effect {
            crate::policy::Effect::Deny => *deny = deny.clone().or(truth),
            crate::policy::Effect::Allow => *allow = allow.clone().or(truth),
        }
    }
    let [before, after] = sides.map(|(allow, deny)| allow.and(deny.negate()));
    let cases: Box<dyn Iterator<Item = eval::exact::Assignment>> = match (&before, &after) {
        (Truth::Yes, Truth::Yes) | (Truth::No, Truth::No) => return outcome,
        (Truth::Yes | Truth::No, Truth::Yes | Truth::No) => Box::new(std::iter::once(Vec::new())),
        _ => {
            let (cases, inexact) =
                eval::exact::joint_cases_among(may.ones().filter_map(|i| statements.all.get(i).copied()), key_spaces);
            outcome.limits.extend(inexact);
            Box::new(cases)
        }
    };
    let may_be_new = after != Truth::No && before != Truth::Yes;
    let may_be_removed = before != Truth::No && after != Truth::Yes;
    let mut found_new = !may_be_new;
    let mut found_removed = !may_be_removed;
    for context in cases {
        if found_new && found_removed {
            break;
        }
        if *budget == 0 {
            outcome.stopped = true;
            break;
        }
        *budget -= 1;
        let witness = Witness {
            action: action.to_string(),
            resource: arn.arn.clone(),
            context,
        };
        let (before, after) = decide_both((old_layers, new_layers), &witness);
        match (before.decision, after.decision) {
            (b, Decision::Allowed) if denied(b) && !found_new => {
                found_new = true;
                outcome.new = Some((witness, after.statements));
            }
            (Decision::Allowed, a) if denied(a) && !found_removed => {
                found_removed = true;
                outcome.removed = Some((witness, before.statements));
            }
            (b, a) if (b == Decision::Conditional) != (a == Decision::Conditional) && outcome.undecided.is_none() => {
                outcome.undecided = Some((witness, b, a));
            }
            _ => {}
        }
    }
    outcome
}

/// The outcome of another request with the same truths, for `action` on `resource`: the same
/// contexts, each checked by the evaluator on both sides (`None` if one is not confirmed).
fn confirm(layers: (&[Layer], &[Layer]), action: &str, resource: &str, outcome: &Outcome) -> Option<Outcome> {
    let rewrite = |witness: &Witness| Witness {
        action: action.to_string(),
        resource: resource.to_string(),
        context: witness.context.clone(),
    };
    let mut confirmed = Outcome {
        limits: outcome.limits.clone(),
        ..Outcome::default()
    };
    if let Some((witness, _)) = &outcome.new {
        let witness = rewrite(witness);
        let (before, after) = decide_both(layers, &witness);
        if !(denied(before.decision) && after.decision == Decision::Allowed) {
            return None;
        }
        confirmed.new = Some((witness, after.statements));
    }
    if let Some((witness, _)) = &outcome.removed {
        let witness = rewrite(witness);
        let (before, after) = decide_both(layers, &witness);
        if !(before.decision == Decision::Allowed && denied(after.decision)) {
            return None;
        }
        confirmed.removed = Some((witness, before.statements));
    }
    if let Some((witness, b, a)) = &outcome.undecided {
        let witness = rewrite(witness);
        let (before, after) = decide_both(layers, &witness);
        if (before.decision, after.decision) != (*b, *a) {
            return None;
        }
        confirmed.undecided = Some((witness, *b, *a));
    }
    Some(confirmed)
}

/// Add an outcome's changes to `result`.
fn record(outcome: Outcome, result: &mut DocumentDiff) {
    result.limits.extend(outcome.limits);
    if let Some((witness, statements)) = outcome.new {
        result.new.push(Change { witness, statements });
    }
    if let Some((witness, statements)) = outcome.removed {
        result.removed.push(Change { witness, statements });
    }
    if let Some(undecided) = outcome.undecided {
        result.undecided.push(undecided);
    }
}

/// The statements of OLD that NEW does not hold and those of NEW that OLD does not (compared as
/// compiled, as multisets), when the two share some; `None` when they share none (every request
/// must then be compared).
///
/// Why a request on which none of them may apply needs no comparison: each side's decision is
/// made from the truths of its statements (`Deny` over `Allow` over nothing), and a statement
/// whose truth is `No` for every context (what `applies` with no keys supplied answers `No` for)
/// adds nothing to it. On such a request each side's decision is therefore the decision of the
/// statements the two share, the same on both sides: no new, removed or undecided access.
/// What a statement's truth depends on (not its place in the file), as a text to compare.
fn meaning_of(s: &crate::eval::compiled::CompiledStatement) -> String {
    format!(
        "{:?}",
        (
            &s.effect,
            s.not_action,
            &s.actions,
            s.not_resource,
            &s.resources,
            &s.conditions,
            &s.unmodelled,
            s.actions_known
        )
    )
}

fn changed_statements<'a>(
    old: &'a CompiledPolicy,
    new: &'a CompiledPolicy,
) -> Option<Vec<&'a crate::eval::compiled::CompiledStatement>> {
    let meaning = meaning_of;
    let mut unmatched_new: Vec<(String, &crate::eval::compiled::CompiledStatement)> =
        new.statements.iter().map(|s| (meaning(s), s)).collect();
    let mut changed = Vec::new();
    let mut shared = 0usize;
    for statement in &old.statements {
        let key = meaning(statement);
        match unmatched_new.iter().position(|(k, _)| *k == key) {
            Some(at) => {
                unmatched_new.swap_remove(at);
                shared += 1;
            }
            None => changed.push(statement),
        }
    }
    changed.extend(unmatched_new.into_iter().map(|(_, s)| s));
    (shared > 0).then_some(changed)
}

/// Most requests one comparison evaluates (on both sides).
pub const MAX_EVALUATIONS: usize = 20_000;

/// A request `policy` allows or may allow (a `conditional` answer), for `--deny-access`: the
/// first one over the contexts the exact search splits, on `resource` (an ARN, or a pattern: on
/// every class of ARN inside it that the policy's patterns tell apart) or, without one, on every
/// class of ARN the policy's patterns tell apart. With its decision and the statements.
pub fn allows_somewhere(
    policy: &CompiledPolicy,
    action: &str,
    resource: Option<&str>,
    limits: &mut BTreeSet<String>,
) -> Option<(Witness, Decision, Vec<StatementRef>)> {
    let layers = as_layers(policy);
    let resources = match resource {
        Some(resource) if !resource.contains(['*', '?']) => vec![resource.to_string()],
        // `*`: every resource, as without one (a filter on the pattern's shape would keep the
        // ARN `*` alone).
        Some("*") | None => resources(&[policy], &[action.to_string()], limits),
        // A pattern (`acs:kvstore:*:*:instance/prod-*`): one ARN per class inside it. A kvstore
        // ARN whose relative id holds a `:` (`acs:kvstore:::instance/prod-:instance/test-`,
        // which `instance/test-*` matches too) names no instance: not a witness (the README's
        // assumption on kvstore ARNs).
        Some(pattern) => {
            let within = crate::eval::pattern::Pattern::new(pattern);
            resources_among(&[policy], Some(pattern), &[action.to_string()], limits)
                .into_iter()
                .filter(|arn| within.matches(arn) && !(arn.starts_with("acs:kvstore:") && arn.matches(':').count() > 4))
                .collect()
        }
    };
    for resource in resources {
        let (cases, inexact) = eval::exact::joint_cases(&[policy], action, &Resource::known(resource.clone()));
        limits.extend(inexact);
        for context in cases {
            let witness = Witness {
                action: action.to_string(),
                resource: resource.clone(),
                context,
            };
            let evaluation = decide(&layers, &witness);
            if matches!(evaluation.decision, Decision::Allowed | Decision::Conditional) {
                return Some((witness, evaluation.decision, evaluation.statements));
            }
        }
    }
    None
}
