//! The answer of `preflight`: a checklist per instance (✓ ✗ ? !), the permission's deciding
//! statement as a snippet, a summary table for many instances; or the CONTRACT's JSON.
//!
//! Only what ramguard checked is printed: the instance's ID, name, region and the values the
//! checks read. Nothing else of the input — a Terraform plan's passwords — ever reaches output,
//! and what does is escaped (see [`super::escape`]).

use serde_json::json;

use super::decision::{self, Sources};
use super::escape;
use super::human::{Colour, Style};
use crate::preflight::{InstanceReport, Status, Verdict, overall, permission};

pub fn human(reports: &[InstanceReport], sources: &dyn Sources, style: Style) -> String {
    let mut out = String::new();
    for report in reports {
        push_instance(&mut out, report, sources, style);
    }
    let rows: Vec<Row<'_>> = reports
        .iter()
        .map(|r| (r.instance.id.as_str(), r.verdict, r.open_checks()))
        .collect();
    push_summary(&mut out, &rows, overall(reports), style);
    out
}

/// [`human`] of the reports `each` makes, written to `out` one instance at a time and each
/// dropped once written: only the summary's rows are held. The verdict over those written; it
/// stops early only when `out` fails, leaving the rest in `each`.
pub fn write_human_each(
    out: &mut impl std::io::Write,
    each: &mut impl Iterator<Item = InstanceReport>,
    sources: &dyn Sources,
    style: Style,
) -> Verdict {
    let mut out = std::io::BufWriter::with_capacity(1 << 16, out);
    let mut ids = Vec::new();
    let mut verdicts = Vec::new();
    let mut open = Vec::new();
    let mut verdict = Verdict::Go;
    let mut text = String::new();
    for report in each.by_ref() {
        verdict = verdict.max(report.verdict);
        text.clear();
        push_instance(&mut text, &report, sources, style);
        ids.push(report.instance.id.clone());
        verdicts.push(report.verdict);
        open.push(report.open_checks());
        if std::io::Write::write_all(&mut out, text.as_bytes()).is_err() {
            return verdict;
        }
    }
    let rows: Vec<Row<'_>> = ids
        .iter()
        .zip(verdicts)
        .zip(open)
        .map(|((id, verdict), open)| (id.as_str(), verdict, open))
        .collect();
    text.clear();
    push_summary(&mut text, &rows, verdict, style);
    let _ = std::io::Write::write_all(&mut out, text.as_bytes());
    let _ = std::io::Write::flush(&mut out);
    verdict
}

/// One line of the summary table: the instance's ID, its verdict, the checks that block it or
/// leave it unknown.
type Row<'a> = (&'a str, Verdict, Vec<&'static str>);

/// One instance's checklist (and the snippet of the statement that decided its permission).
fn push_instance(out: &mut String, report: &InstanceReport, sources: &dyn Sources, style: Style) {
    let instance = &report.instance;
    let mut title = instance.id.clone();
    if let Some(name) = &instance.name {
        title.push_str(&format!(" ({name})"));
    }
    if let Some((address, _)) = &instance.terraform {
        title.push_str(&format!(" [{address}]"));
    }
    push_painted(
        out,
        (&format!("{title}: "), report.verdict.as_str(), ""),
        verdict_colour(report.verdict),
        style,
    );
    push_line(out, &format!("  {}", report.resource.display()));
    for check in &report.checks {
        let code = check.error_code.map_or_else(String::new, |c| format!(" [{c}]"));
        let mark = check.status.mark().to_string();
        push_painted(
            out,
            ("  ", &mark, &format!(" {:<21} {}{code}", check.id, check.message)),
            status_colour(check.status),
            style,
        );
        if let Some(remediation) = check.remediation.as_ref().filter(|_| check.status != Status::Pass) {
            push_line(out, &format!("    {:<21} → {remediation}", ""));
        }
    }
    if let Some(evaluation) = report
        .checks
        .iter()
        .find(|c| c.id == permission::ID)
        .and_then(|c| c.evaluation.as_deref())
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
            return; // a snippet ends with its own blank line
        }
    }
    out.push('\n');
}

/// The end of the report: the summary table of several instances, and the overall verdict (or,
/// for no instance at all, that there is nothing to release).
fn push_summary(out: &mut String, rows: &[Row<'_>], verdict: Verdict, style: Style) {
    if rows.is_empty() {
        push_painted(
            out,
            (
                "preflight: ",
                Verdict::Go.as_str(),
                " — the input holds no Redis / Tair instance to be released",
            ),
            verdict_colour(Verdict::Go),
            style,
        );
        return;
    }
    if rows.len() > 1 {
        push_line(
            out,
            &format!("{:<28} {:<10} {}", "instance", "verdict", "blocking or unknown"),
        );
        for (id, row_verdict, open) in rows {
            let word = row_verdict.as_str();
            // The verdict's column is padded outside its colour.
            let after = format!(
                "{:pad$} {}",
                "",
                if open.is_empty() {
                    "—".to_string()
                } else {
                    open.join(", ")
                },
                pad = 10usize.saturating_sub(word.chars().count())
            );
            push_painted(
                out,
                (&format!("{id:<28} "), word, &after),
                verdict_colour(*row_verdict),
                style,
            );
        }
        out.push('\n');
    }
    let count = rows.len();
    let noun = super::human::plural(count, "instance", "instances");
    push_painted(
        out,
        ("preflight: ", verdict.as_str(), &format!(" ({count} {noun})")),
        verdict_colour(verdict),
        style,
    );
}

/// A check's mark: green when it passes, red when it blocks, yellow when it is unknown or only
/// advises.
fn status_colour(status: Status) -> Colour {
    match status {
        Status::Pass => Colour::Green,
        Status::Fail => Colour::Red,
        Status::Unknown | Status::Warn => Colour::Yellow,
    }
}

/// A verdict, in the colour of the mark that decides it.
fn verdict_colour(verdict: Verdict) -> Colour {
    match verdict {
        Verdict::Go => Colour::Green,
        Verdict::NoGo => Colour::Red,
        Verdict::Uncertain => Colour::Yellow,
    }
}

/// Append a line `before word after` with `word` (ramguard's own: a check's mark, a verdict) in
/// colour when the style has colour. `before` and `after` hold input and are escaped as by
/// [`push_line`]; the colour's escape sequences are ramguard's, added after escaping.
fn push_painted(out: &mut String, (before, word, after): (&str, &str, &str), colour: Colour, style: Style) {
    out.push_str(&escape::line(before));
    out.push_str(&style.paint(word, colour));
    out.push_str(&escape::line(after));
    out.push('\n');
}

/// Append a line of report text that holds input (instance IDs and names, Terraform addresses,
/// ARNs, values the checks read), every control and invisible character escaped: an instance
/// name can neither drive the terminal nor forge a line of the checklist.
fn push_line(out: &mut String, text: &str) {
    out.push_str(&escape::line(text));
    out.push('\n');
}

pub fn json(reports: &[InstanceReport]) -> serde_json::Value {
    let instances: Vec<serde_json::Value> = reports.iter().map(instance_json).collect();
    json!({ "verdict": overall(reports).as_str(), "instances": instances })
}

/// [`json`] written to `out` as [`escape::json_text`] would print it, one instance at a time:
/// a response of a hundred thousand instances is never held as one tree nor as one text.
pub fn write_json(out: &mut impl std::io::Write, reports: &[InstanceReport]) -> std::io::Result<()> {
    escape::write_json_text(out, &Output(reports))
}

/// [`write_json`] of the reports `each` makes, each dropped once written, so that only one is
/// held at a time; the verdict over those written (`go` for none). It stops early only when
/// `out` fails, leaving the rest in `each`.
pub fn write_json_each(out: &mut impl std::io::Write, each: &mut impl Iterator<Item = InstanceReport>) -> Verdict {
    let streamed = Streamed {
        each: std::cell::RefCell::new(each),
        verdict: std::cell::Cell::new(Verdict::Go),
    };
    // A failed write is the caller's to ignore, as `print` does: the verdict is what counts.
    let _ = escape::write_json_text(out, &streamed);
    streamed.verdict.get()
}

/// [`Output`] of reports made as they are written.
struct Streamed<'a, I> {
    each: std::cell::RefCell<&'a mut I>,
    verdict: std::cell::Cell<Verdict>,
}

impl<I: Iterator<Item = InstanceReport>> serde::Serialize for Streamed<'_, I> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(2))?;
        // `instances` before `verdict`, as in [`json`] (keys sorted): the verdict is known
        // once every instance is written.
        map.serialize_entry("instances", &StreamedInstances(self))?;
        map.serialize_entry("verdict", self.verdict.get().as_str())?;
        map.end()
    }
}

struct StreamedInstances<'s, 'a, I>(&'s Streamed<'a, I>);

impl<I: Iterator<Item = InstanceReport>> serde::Serialize for StreamedInstances<'_, '_, I> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut seq = serializer.serialize_seq(None)?;
        let mut each = self.0.each.borrow_mut();
        for report in &mut **each {
            self.0.verdict.set(self.0.verdict.get().max(report.verdict));
            seq.serialize_element(&instance_json(&report))?;
        }
        seq.end()
    }
}

/// The object [`json`] builds, serialized with its keys in the same (sorted) order.
struct Output<'a>(&'a [InstanceReport]);

impl serde::Serialize for Output<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(2))?;
        map.serialize_entry("instances", &Instances(self.0))?;
        map.serialize_entry("verdict", overall(self.0).as_str())?;
        map.end()
    }
}

struct Instances<'a>(&'a [InstanceReport]);

impl serde::Serialize for Instances<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut seq = serializer.serialize_seq(Some(self.0.len()))?;
        for report in self.0 {
            seq.serialize_element(&instance_json(report))?;
        }
        seq.end()
    }
}

/// One instance of [`json`].
fn instance_json(report: &InstanceReport) -> serde_json::Value {
    let checks: Vec<serde_json::Value> = report
        .checks
        .iter()
        .map(|check| {
            let mut value = json!({ "id": check.id, "status": check.status.as_str(), "message": check.message });
            if let Some(code) = check.error_code {
                value["error_code"] = json!(code);
            }
            if let Some(remediation) = check.remediation.as_ref().filter(|_| check.status != Status::Pass) {
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
}

/// The exit code of a run.
pub fn exit_code(reports: &[InstanceReport]) -> u8 {
    Verdict::exit_code(overall(reports))
}
