//! The teardown gate: may this instance be released now, by this caller? One file per check;
//! each reads the instance (and, for `permission`, the evaluator) and says pass, fail, warn or
//! unknown — a field the input does not carry is never a pass.

pub mod charge_type;
pub mod distributed_instance;
pub mod instance_state;
pub mod order_completed;
pub mod permission;
pub mod release_protection;
pub mod terraform;

use crate::eval::{Context, Evaluation, Layer, Resource};
use crate::inputs::instances::{Conflict, Field, Instance};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    Pass,
    Warn,
    Unknown,
    Fail,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pass => "pass",
            Self::Warn => "warn",
            Self::Unknown => "unknown",
            Self::Fail => "fail",
        }
    }

    /// The checklist mark: ✓ pass, ✗ fail, ? unknown, ! warn.
    pub fn mark(self) -> char {
        match self {
            Self::Pass => '✓',
            Self::Fail => '✗',
            Self::Unknown => '?',
            Self::Warn => '!',
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    /// The CONTRACT's check id.
    pub id: &'static str,
    pub status: Status,
    pub message: String,
    pub error_code: Option<&'static str>,
    /// What to do, concretely, when the check does not pass.
    pub remediation: Option<String>,
    /// For `permission`: the evaluator's answer, with the statements that decided. Boxed: it is
    /// large, and every check of every instance of a report would hold its room inline.
    pub evaluation: Option<Box<Evaluation>>,
}

impl Check {
    pub fn new(id: &'static str, status: Status, message: impl Into<String>) -> Self {
        Self {
            id,
            status,
            message: message.into(),
            error_code: None,
            remediation: None,
            evaluation: None,
        }
    }

    #[must_use]
    pub fn remediation(mut self, text: impl Into<String>) -> Self {
        self.remediation = Some(text.into());
        self
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verdict {
    Go,
    Uncertain,
    NoGo,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Go => "go",
            Self::Uncertain => "uncertain",
            Self::NoGo => "no-go",
        }
    }

    /// `go` when every check passes (a warning does not block), `no-go` when one fails,
    /// `uncertain` when none fails but one is unknown.
    pub fn of(checks: &[Check]) -> Self {
        match checks.iter().map(|c| c.status).max() {
            Some(Status::Fail) => Self::NoGo,
            Some(Status::Unknown) => Self::Uncertain,
            _ => Self::Go,
        }
    }

    pub fn exit_code(self) -> u8 {
        match self {
            Self::Go => 0,
            Self::NoGo => 1,
            Self::Uncertain => 3,
        }
    }
}

/// What the caller brings: their policies (empty when none were given), the account, and the
/// condition keys they know.
#[derive(Debug, Clone)]
pub struct Caller {
    pub layers: Vec<Layer>,
    pub account_id: Option<String>,
    pub context: Context,
}

impl Caller {
    pub fn has_policies(&self) -> bool {
        self.layers.iter().any(|l| !l.policies.is_empty())
    }

    /// The instance's ARN, with what is known of its region and account.
    pub fn resource(&self, instance: &Instance) -> Resource {
        Resource::parts(
            "kvstore",
            instance.region.as_deref(),
            self.account_id.as_deref(),
            &format!("instance/{}", instance.id),
        )
    }

    /// The request context for this instance: the caller's keys, and the instance's tags as
    /// `acs:ResourceTag/<key>` (all of them known, when the input carries tags). The instance's
    /// tags are facts: they replace a `--context` value for the same key.
    pub fn context_for(&self, instance: &Instance) -> Context {
        let mut context = self.context.clone();
        if let Some(tags) = &instance.tags {
            for (key, value) in tags {
                context.set(format!("acs:ResourceTag/{key}"), vec![value.clone()]);
            }
            context.complete("acs:ResourceTag/");
        }
        context
    }

    pub fn evaluate(&self, action: &str, instance: &Instance) -> Evaluation {
        crate::eval::evaluate(
            &self.layers,
            action,
            &self.resource(instance),
            &self.context_for(instance),
        )
    }
}

/// One instance's verdict and checks.
#[derive(Debug, Clone)]
pub struct InstanceReport {
    pub instance: Instance,
    pub resource: Resource,
    pub checks: Vec<Check>,
    pub verdict: Verdict,
}

impl InstanceReport {
    /// The checks that block the release or leave it unknown, by id (the summary's last column).
    pub fn open_checks(&self) -> Vec<&'static str> {
        self.checks
            .iter()
            .filter(|c| matches!(c.status, Status::Fail | Status::Unknown))
            .map(|c| c.id)
            .collect()
    }
}

/// Run every check on one instance.
pub fn check(instance: &Instance, caller: &Caller) -> InstanceReport {
    let mut checks = vec![
        instance_state::check(instance),
        charge_type::check(instance),
        release_protection::check(instance, caller),
        terraform::permission(instance, caller),
        order_completed::check(instance),
        distributed_instance::check(instance),
    ];
    for conflict in &instance.conflicts {
        for check in checks.iter_mut().filter(|c| feeds(conflict.field, c.id)) {
            *check = disagreement(check, conflict, instance);
        }
    }
    InstanceReport {
        verdict: Verdict::of(&checks),
        resource: caller.resource(instance),
        instance: instance.clone(),
        checks,
    }
}

/// The overall verdict: the worst of them (`go` for no instance at all: nothing is released).
pub fn overall(reports: &[InstanceReport]) -> Verdict {
    reports.iter().map(|r| r.verdict).max().unwrap_or(Verdict::Go)
}

/// Whether the check `id` reads `field`.
fn feeds(field: Field, id: &str) -> bool {
    match field {
        Field::Name => false,
        Field::Status => id == instance_state::ID,
        Field::ChargeType => id == charge_type::ID,
        Field::ReleaseProtection => id == release_protection::ID,
        // The ARN and the `acs:ResourceTag/<key>` values the evaluator reads.
        Field::Region | Field::Tags => id == permission::ID,
        Field::OrderCompleted => id == order_completed::ID,
        Field::GlobalInstanceId => id == distributed_instance::ID,
    }
}

/// The check when its inputs disagree: `unknown`, naming both sides (the advisory checks stay
/// `warn`, as the CONTRACT has them). The disputed field is `None` in the merged instance, so a
/// check that still passes or fails decided without it (the evaluator takes a region or tags it
/// does not know as unknown, never as a value): that answer stands, and the dispute is said.
fn disagreement(check: &Check, conflict: &Conflict, instance: &Instance) -> Check {
    if matches!(check.status, Status::Pass | Status::Fail) {
        let mut kept = check.clone();
        kept.message = format!("{}; {}", check.message, conflict.describe());
        return kept;
    }
    let status = if check.id == order_completed::ID || check.id == distributed_instance::ID {
        Status::Warn
    } else {
        Status::Unknown
    };
    let mut out = Check::new(check.id, status, conflict.describe()).remediation(format!(
        "find out which is current (`aliyun r-kvstore DescribeInstanceAttribute --InstanceId {}`; for a plan made before a change, run `terraform plan` again), then give only inputs that agree",
        instance.id
    ));
    out.evaluation = check.evaluation.clone();
    out
}
