//! The comparison as it was before its requests were grouped by truths (each request searched
//! on its own, nothing reused), kept as the oracle the faster one must agree with exactly: the
//! same new, removed and undecided access, with the same witnesses, statements and limits.

use std::collections::HashMap;
use std::sync::Arc;

use super::*;
use crate::policy::Policy;
use crate::source::SourceFile;

fn reference_diff(old: &CompiledPolicy, new: &CompiledPolicy, catalog: &Catalog) -> DocumentDiff {
    let both = [old, new];
    let mut result = DocumentDiff::default();
    let actions = actions(&both, catalog, &mut result.limits);
    let resources = resources(&both, &actions, &mut result.limits);
    result.action_classes = action_classes(&both, &actions);
    let (old_layers, new_layers) = (as_layers(old), as_layers(new));
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
    let groups: Vec<usize> = actions
        .iter()
        .map(|action| {
            let folded = action.to_ascii_lowercase();
            let signature: Vec<bool> = statements
                .iter()
                .map(|s| s.action_matches_lowercased(&folded))
                .collect();
            *group_of.entry(signature).or_insert_with(|| {
                representatives.push(action);
                representatives.len() - 1
            })
        })
        .collect();
    let mut by_group: Vec<DocumentDiff> = representatives.iter().map(|_| DocumentDiff::default()).collect();
    let changed = changed_statements(old, new);
    'requests: for (group, action) in representatives.iter().copied().enumerate() {
        let Some(result) = by_group.get_mut(group) else {
            continue;
        };
        for resource in &resources {
            let arn = Resource::known(resource.clone());
            // Where no statement that differs between the two may apply, both decide alike
            // (see `changed_statements`).
            if let Some(changed) = &changed {
                let folded = action.to_ascii_lowercase();
                if changed.iter().all(|s| s.applies(&folded, &arn, &empty) == Truth::No) {
                    continue;
                }
            }
            // Kleene's answer over every context first: a side that allows (or denies) whatever
            // the keys hold needs no search; two such sides need one request at most.
            let before = allowed_whatever(old, action, &arn, &empty);
            let after = allowed_whatever(new, action, &arn, &empty);
            let cases = match (&before, &after) {
                (Truth::Yes, Truth::Yes) | (Truth::No, Truth::No) => continue,
                (Truth::Yes | Truth::No, Truth::Yes | Truth::No) => vec![Vec::new()],
                _ => {
                    let (cases, inexact) = eval::exact::joint_cases(&both, action, &arn);
                    result.limits.extend(inexact);
                    cases
                }
            };
            let may_be_new = after != Truth::No && before != Truth::Yes;
            let may_be_removed = before != Truth::No && after != Truth::Yes;
            let mut found_new = !may_be_new;
            let mut found_removed = !may_be_removed;
            let mut found_undecided = false;
            for context in cases {
                if found_new && found_removed {
                    break;
                }
                if budget == 0 {
                    stopped = true;
                    break 'requests;
                }
                budget -= 1;
                let witness = Witness {
                    action: action.clone(),
                    resource: resource.clone(),
                    context,
                };
                let before = decide(&old_layers, &witness);
                let after = decide(&new_layers, &witness);
                match (before.decision, after.decision) {
                    (b, Decision::Allowed) if denied(b) && !found_new => {
                        found_new = true;
                        result.new.push(Change {
                            witness,
                            statements: after.statements,
                        });
                    }
                    (Decision::Allowed, a) if denied(a) && !found_removed => {
                        found_removed = true;
                        result.removed.push(Change {
                            witness,
                            statements: before.statements,
                        });
                    }
                    (b, a) if (b == Decision::Conditional) != (a == Decision::Conditional) && !found_undecided => {
                        found_undecided = true;
                        result.undecided.push((witness, b, a));
                    }
                    _ => {}
                }
            }
        }
    }
    super::spread_over_actions(&mut result, stopped, &actions, &groups, &by_group);
    result
}

/// xorshift64*: reproducible shapes.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) % n.max(1) as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items.get(self.below(items.len())).copied().unwrap_or("")
    }
}

const ACTIONS: &[&str] = &[
    "kvstore:Describe*",
    "kvstore:*",
    "kvstore:DeleteInstance",
    "kvstore:DescribeInstances",
    "kvstore:*Instance",
    "kvstore:FlushInstance",
    "ecs:Describe*",
    "ecs:RunInstances",
    "oss:GetObject",
];
const RESOURCES: &[&str] = &[
    "*",
    "acs:kvstore:*:*:instance/r-1*",
    "acs:kvstore:cn-hangzhou:*:instance/*",
    "acs:kvstore:*:1234567890123456:instance/r-1",
    "acs:kvstore:cn-beijing:*:instance/r-bp2",
    "acs:kvstore:*:*:instance/r-bp3",
    "acs:kvstore:*:*:instance/R-Bp3",
    "acs:ecs:*:*:*",
    "acs:oss:*:*:bucket/a:b*",
];
const CONDITIONS: &[&str] = &[
    r#""StringEquals": {"acs:SourceVpc": "vpc-1"}"#,
    r#""StringLike": {"acs:SourceVpc": "vpc-*"}"#,
    r#""StringNotEquals": {"acs:SourceVpc": "vpc-2"}"#,
    r#""Bool": {"acs:MFAPresent": "true"}"#,
    r#""IpAddress": {"acs:SourceIp": "10.0.0.0/8"}"#,
    r#""StringEquals": {"acs:ResourceTag/env": "prod"}"#,
    r#""DateLessThan": {"acs:CurrentTime": "2027-01-01T00:00:00+08:00"}"#,
];

fn statement(rng: &mut Rng) -> String {
    let list = |rng: &mut Rng, pool: &[&str]| {
        let items: Vec<String> = (0..1 + rng.below(3))
            .map(|_| format!("\"{}\"", rng.pick(pool)))
            .collect();
        let mut items = items;
        items.sort();
        items.dedup();
        format!("[{}]", items.join(", "))
    };
    let effect = if rng.below(5) == 0 { "Deny" } else { "Allow" };
    let action = if rng.below(8) == 0 { "NotAction" } else { "Action" };
    let resource = if rng.below(8) == 0 { "NotResource" } else { "Resource" };
    let actions = list(rng, ACTIONS);
    let resources = list(rng, RESOURCES);
    let condition = match rng.below(CONDITIONS.len() + 3) {
        at if at < CONDITIONS.len() => format!(r#", "Condition": {{{}}}"#, rng.pick(&CONDITIONS[at..=at])),
        _ => String::new(),
    };
    // Now and then an element the evaluator does not read.
    let unread = if rng.below(25) == 0 {
        r#", "Principal": "*""#
    } else {
        ""
    };
    format!(r#"{{"Effect": "{effect}", "{action}": {actions}, "{resource}": {resources}{condition}{unread}}}"#)
}

fn policy(name: &str, statements: &[String]) -> CompiledPolicy {
    let text = format!(r#"{{"Version": "1", "Statement": [{}]}}"#, statements.join(", "));
    let source = Arc::new(SourceFile::new(name, text));
    let root = crate::json::parse(&source.text).unwrap_or_else(|e| unreachable!("{e:?}: {}", source.text));
    let policy = Policy::from_document(&root);
    CompiledPolicy::new(Arc::clone(&source), &policy)
}

fn assert_same(found: &DocumentDiff, expected: &DocumentDiff, what: &str) {
    assert_eq!(found.new, expected.new, "{what}: new");
    assert_eq!(found.removed, expected.removed, "{what}: removed");
    assert_eq!(found.undecided, expected.undecided, "{what}: undecided");
    assert_eq!(found.limits, expected.limits, "{what}: limits");
    assert_eq!(found.action_classes, expected.action_classes, "{what}: action classes");
}

/// On policies of up to a dozen statements (edited ones, unrelated ones, the same one), the
/// comparison reports exactly what the reference reports.
#[test]
fn the_comparison_reports_what_the_reference_reports() {
    let catalog = Catalog::shared();
    let mut rng = Rng(0x5eed);
    for round in 0..60 {
        let count = 1 + rng.below(12);
        let old: Vec<String> = (0..count).map(|_| statement(&mut rng)).collect();
        let mut edited = old.clone();
        for _ in 0..1 + rng.below(2) {
            let at = rng.below(edited.len());
            if let Some(slot) = edited.get_mut(at) {
                *slot = statement(&mut rng);
            }
        }
        let unrelated: Vec<String> = (0..1 + rng.below(12)).map(|_| statement(&mut rng)).collect();
        let old = policy("old.json", &old);
        for (what, new) in [("edited", &edited), ("unrelated", &unrelated), ("same", &Vec::new())] {
            let new = if new.is_empty() {
                old.clone()
            } else {
                policy("new.json", new)
            };
            let what = format!("round {round}, {what}");
            assert_same(
                &compare_alone(&old, &new, &catalog),
                &reference_diff(&old, &new, &catalog),
                &what,
            );
        }
    }
}

/// Kleene's answer for one policy alone: `Yes` allowed and `No` denied whatever the condition
/// keys hold, `Unknown` when it hangs on them (an `Allow` applies and no `Deny` may apply).
fn allowed_whatever(policy: &CompiledPolicy, action: &str, resource: &Resource, context: &Context) -> Truth {
    let folded = action.to_ascii_lowercase();
    let mut deny = Truth::No;
    let mut allow = Truth::No;
    for statement in &policy.statements {
        let truth = statement.applies(&folded, resource, context);
        match statement.effect {
            crate::policy::Effect::Deny => deny = deny.or(truth),
            crate::policy::Effect::Allow => allow = allow.or(truth),
        }
    }
    allow.and(deny.negate())
}
