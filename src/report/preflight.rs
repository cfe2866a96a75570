//! The answer of `preflight`: a checklist per instance (✓ ✗ ? !), the permission's deciding
//! statement as a snippet, a summary table for many instances; or the CONTRACT's JSON.
//!
//! Only what ramguard checked is printed: the instance's ID, name, region and the values the
//! checks read. Nothing else of the input — a Terraform plan's passwords — ever reaches output,
//! and what does is escaped (see [`super::escape`]).

use serde_json::json;

use super::decision::{self, Sources};
use super::escape;
use super::human::Style;
use crate::preflight::{InstanceReport, Verdict, overall, permission};

pub fn human(reports: &[InstanceReport], sources: &dyn Sources, style: Style) -> String {
    let verdict = overall(reports);
    let mut out = String::new();
    if reports.is_empty() {
        out.push_str("preflight: go — the input holds no Redis / Tair instance to be released\n");
        return out;
    }
    for report in reports {
        let instance = &report.instance;
        let mut title = instance.id.clone();
        if let Some(name) = &instance.name {
            title.push_str(&format!(" ({name})"));
        }
        if let Some((address, _)) = &instance.terraform {
            title.push_str(&format!(" [{address}]"));
        }
        push_line(&mut out, &format!("{title}: {}", report.verdict.as_str()));
        push_line(&mut out, &format!("  {}", report.resource.display()));
        for check in &report.checks {
            let code = check.error_code.map_or_else(String::new, |c| format!(" [{c}]"));
            push_line(
                &mut out,
                &format!("  {} {:<21} {}{code}", check.status.mark(), check.id, check.message),
            );
            if let Some(remediation) = check
                .remediation
                .as_ref()
                .filter(|_| check.status != crate::preflight::Status::Pass)
            {
                push_line(&mut out, &format!("    {:<21} → {remediation}", ""));
            }
        }
        if let Some(evaluation) = report
            .checks
            .iter()
            .find(|c| c.id == permission::ID)
            .and_then(|c| c.evaluation.as_ref())
        {
            let snippets = decision::snippets(
                evaluation,
                permission::ACTION,
                &report.resource.display(),
                sources,
                style,
            );
            if !snippets.is_empty() {
                out.push('\n');
                out.push_str(&snippets);
                continue; // a snippet ends with its own blank line
            }
        }
        out.push('\n');
    }
    if reports.len() > 1 {
        push_line(
            &mut out,
            &format!("{:<28} {:<10} {}", "instance", "verdict", "blocking or unknown"),
        );
        for report in reports {
            let open: Vec<&str> = report
                .checks
                .iter()
                .filter(|c| {
                    matches!(
                        c.status,
                        crate::preflight::Status::Fail | crate::preflight::Status::Unknown
                    )
                })
                .map(|c| c.id)
                .collect();
            push_line(
                &mut out,
                &format!(
                    "{:<28} {:<10} {}",
                    report.instance.id,
                    report.verdict.as_str(),
                    if open.is_empty() {
                        "—".to_string()
                    } else {
                        open.join(", ")
                    }
                ),
            );
        }
        out.push('\n');
    }
    let count = reports.len();
    let noun = super::human::plural(count, "instance", "instances");
    push_line(&mut out, &format!("preflight: {} ({count} {noun})", verdict.as_str()));
    out
}

/// Append a line of report text that holds input (instance IDs and names, Terraform addresses,
/// ARNs, values the checks read), every control and invisible character escaped: an instance
/// name can neither drive the terminal nor forge a line of the checklist.
fn push_line(out: &mut String, text: &str) {
    out.push_str(&escape::line(text));
    out.push('\n');
}

pub fn json(reports: &[InstanceReport]) -> serde_json::Value {
    let instances: Vec<serde_json::Value> = reports
        .iter()
        .map(|report| {
            let checks: Vec<serde_json::Value> = report
                .checks
                .iter()
                .map(|check| {
                    let mut value =
                        json!({ "id": check.id, "status": check.status.as_str(), "message": check.message });
                    if let Some(code) = check.error_code {
                        value["error_code"] = json!(code);
                    }
                    if let Some(remediation) = check
                        .remediation
                        .as_ref()
                        .filter(|_| check.status != crate::preflight::Status::Pass)
                    {
                        value["remediation"] = json!(remediation);
                    }
                    if let Some(evaluation) = &check.evaluation {
                        value["decision"] = json!(evaluation.decision.as_str());
                        value["statements"] = json!(decision::statements_json(&evaluation.statements));
                        value["missing_keys"] = json!(evaluation.missing_keys);
                    }
                    value
                })
                .collect();
            let mut value = json!({
                "instance_id": report.instance.id,
                "region": report.instance.region,
                "arn": report.resource.display(),
                "verdict": report.verdict.as_str(),
                "source": report.instance.form.as_str(),
                "checks": checks,
            });
            if let Some((address, kind)) = &report.instance.terraform {
                value["terraform"] = json!({ "address": address, "type": kind });
            }
            value
        })
        .collect();
    json!({ "verdict": overall(reports).as_str(), "instances": instances })
}

/// The exit code of a run.
pub fn exit_code(reports: &[InstanceReport]) -> u8 {
    Verdict::exit_code(overall(reports))
}
