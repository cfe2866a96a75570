//! `permission`: do the caller's policies allow `kvstore:DeleteInstance` on the instance's ARN?
//! The evaluator decides, with the instance's tags as `acs:ResourceTag/<key>`.

use super::{Caller, Check, Status};
use crate::eval::Decision;
use crate::inputs::instances::Instance;

pub const ID: &str = "permission";
pub const ACTION: &str = "kvstore:DeleteInstance";

pub fn check(instance: &Instance, caller: &Caller) -> Check {
    let resource = caller.resource(instance).display();
    if !caller.has_policies() {
        return Check::new(
            ID,
            Status::Unknown,
            "no policy was given, so whether the caller may delete is unknown",
        )
        .remediation(
            "pass the caller's policies with `--policy FILE` (e.g. `aliyun ram GetPolicyVersion ... > policy.json`)",
        );
    }
    let evaluation = caller.evaluate(ACTION, instance);
    let mut check = match evaluation.decision {
        Decision::Allowed => Check::new(
            ID,
            Status::Pass,
            format!("the policies allow `{ACTION}` on `{resource}`"),
        ),
        Decision::ExplicitDeny => {
            let statement = evaluation.statements.first();
            let at = statement.map_or_else(String::new, |s| {
                format!(" (statement {} of {}, line {})", s.index + 1, s.file, s.line)
            });
            let layer = evaluation.layer.map_or("identity policies", |l| l.plural());
            let remediation = evaluation.layer.and_then(|l| l.remediation()).map_or(
                "the `Deny` wins over every `Allow`: release the instance with a principal it does not bind, or change the policy through its owners".to_string(),
                |r| format!("the `Deny` wins over every `Allow`; {r}"),
            );
            Check::new(
                ID,
                Status::Fail,
                format!("explicit deny: a `Deny` in the {layer} forbids `{ACTION}` on `{resource}`{at}"),
            )
            .remediation(remediation)
        }
        Decision::ImplicitDeny => {
            let layer = evaluation.layer.map_or("identity policies", |l| l.plural());
            let layer_fix = evaluation.layer.and_then(|l| l.remediation());
            let remediation = match (&evaluation.closest, layer_fix) {
                (Some(near), Some(fix)) => format!(
                    "{fix}; statement {} of {} (line {}) comes closest, but {}",
                    near.statement.index + 1,
                    near.statement.file,
                    near.statement.line,
                    near.stopped_by
                ),
                (None, Some(fix)) => fix.to_string(),
                (Some(near), None) => format!(
                    "statement {} of {} (line {}) comes closest, but {}",
                    near.statement.index + 1,
                    near.statement.file,
                    near.statement.line,
                    near.stopped_by
                ),
                (None, None) => {
                    format!("grant `{ACTION}` on `{resource}` (or on instances tagged for teardown) to the caller")
                }
            };
            Check::new(
                ID,
                Status::Fail,
                if evaluation.decided_over.is_empty() {
                    format!("implicit deny: no statement of the {layer} allows `{ACTION}` on `{resource}`")
                } else {
                    let keys: Vec<String> = evaluation.decided_over.iter().map(|k| format!("`{k}`")).collect();
                    format!(
                        "implicit deny: no value of {} lets the {layer} allow `{ACTION}` on `{resource}`",
                        keys.join(", ")
                    )
                },
            )
            .remediation(remediation)
        }
        Decision::Conditional => {
            let keys: Vec<String> = evaluation.missing_keys.iter().map(|k| format!("`{k}`")).collect();
            let reasons: Vec<&str> = evaluation.reasons.iter().map(String::as_str).collect();
            // What no key settles is said in full, naming its statement: a `Deny` that may be
            // meant to apply must not pass unnoticed.
            let message = match (keys.is_empty(), reasons.is_empty()) {
                (false, true) => format!("whether the policies allow `{ACTION}` depends on {}", keys.join(", ")),
                (true, _) => format!(
                    "whether the policies allow `{ACTION}` on `{resource}` cannot be decided: {}",
                    reasons.join("; ")
                ),
                (false, false) => format!(
                    "whether the policies allow `{ACTION}` depends on {}, and cannot be decided: {}",
                    keys.join(", "),
                    reasons.join("; ")
                ),
            };
            let message = if evaluation.witnesses.is_empty() {
                message
            } else {
                let witnesses: Vec<String> = evaluation.witnesses.iter().map(|w| w.describe()).collect();
                format!("{message} ({})", witnesses.join("; "))
            };
            let remediation = if reasons.is_empty() {
                crate::report::decision::advice(&evaluation).unwrap_or_default()
            } else {
                "fix the statements named above so that they say what they mean (`ramguard lint` shows where), then run preflight again".to_string()
            };
            Check::new(ID, Status::Unknown, message).remediation(remediation)
        }
    };
    check.evaluation = Some(Box::new(evaluation));
    check
}
