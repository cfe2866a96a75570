//! `preflight --format github`: a GitHub Actions workflow command per check that does not pass
//! (`::error` for a `fail`, `::warning` for a `warn` or an `unknown`), and a job summary in
//! Markdown, which the binary appends to the file `$GITHUB_STEP_SUMMARY` names.

use super::escape;
use crate::preflight::{InstanceReport, Status, overall};

/// The annotations, one line each, and the final verdict line (for the job's log).
pub fn annotations(reports: &[InstanceReport]) -> String {
    let mut out = String::new();
    for report in reports {
        for check in &report.checks {
            let level = match check.status {
                Status::Pass => continue,
                Status::Fail => "error",
                Status::Warn | Status::Unknown => "warning",
            };
            let mut message = escape::line(&format!("{}: {}", report.instance.id, check.message)).into_owned();
            if let Some(code) = check.error_code {
                message.push_str(&format!(" [{code}]"));
            }
            if let Some(remediation) = &check.remediation {
                message.push_str("\nremediation: ");
                message.push_str(&escape::line(remediation));
            }
            let title = format!("ramguard preflight: {} {}", check.id, check.status.as_str());
            out.push_str(&format!(
                "::{level} title={}::{}\n",
                escape_property(&title),
                escape_data(&message)
            ));
        }
    }
    let count = reports.len();
    let noun = super::human::plural(count, "instance", "instances");
    out.push_str(&format!("preflight: {} ({count} {noun})\n", overall(reports).as_str()));
    out
}

/// The job summary: the verdict, a table of the instances, and each instance's checklist.
pub fn summary(reports: &[InstanceReport]) -> String {
    let verdict = overall(reports);
    let mut out = format!("## ramguard preflight: {}\n\n", verdict.as_str());
    if reports.is_empty() {
        out.push_str("The input holds no Redis / Tair instance to be released.\n\n");
        return out;
    }
    out.push_str("| instance | verdict | blocking or unknown |\n| --- | --- | --- |\n");
    for report in reports {
        let open = report.open_checks();
        out.push_str(&format!(
            "| {} | {} | {} |\n",
            cell(&title(report)),
            report.verdict.as_str(),
            if open.is_empty() {
                "—".to_string()
            } else {
                open.join(", ")
            }
        ));
    }
    for report in reports {
        out.push_str(&format!(
            "\n### {}: {}\n\n`{}`\n\n| | check | result | what to do |\n| --- | --- | --- | --- |\n",
            cell(&title(report)),
            report.verdict.as_str(),
            cell(&report.resource.display())
        ));
        for check in &report.checks {
            let mut result = check.message.clone();
            if let Some(code) = check.error_code {
                result.push_str(&format!(" [{code}]"));
            }
            let todo = check
                .remediation
                .as_deref()
                .filter(|_| check.status != Status::Pass)
                .unwrap_or("");
            out.push_str(&format!(
                "| {} | {} | {} | {} |\n",
                check.status.mark(),
                check.id,
                cell(&result),
                cell(todo)
            ));
        }
    }
    out.push('\n');
    out
}

fn title(report: &InstanceReport) -> String {
    let mut title = format!("`{}`", report.instance.id);
    if let Some(name) = &report.instance.name {
        title.push_str(&format!(" ({})", crate::inputs::identifiers::shown(name)));
    }
    if let Some((address, _)) = &report.instance.terraform {
        title.push_str(&format!(" `{}`", crate::inputs::identifiers::shown(address)));
    }
    title
}

/// A Markdown table cell: one line, no column break, no HTML, no control or invisible
/// character (see [`super::escape`]).
fn cell(text: &str) -> String {
    escape::line(text)
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('|', "\\|")
        .replace(['\r', '\n'], " ")
}

/// The escaping GitHub's toolkit applies to a command's message.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// The escaping GitHub's toolkit applies to a command's properties.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_cannot_break_the_table_or_carry_html() {
        assert_eq!(cell("a|b\n<img src=x>"), "a\\|b\\n&lt;img src=x&gt;");
        assert_eq!(cell("x\u{1b}]0;t\u{7}\u{202e}"), "x\\u{1b}]0;t\\u{7}\\u{202e}");
        assert_eq!(escape_data("50%\nnext"), "50%25%0Anext");
        assert_eq!(escape_property("a:b,c"), "a%3Ab%2Cc");
    }
}
