//! `--format sarif`: SARIF 2.1.0 as GitHub code scanning takes it — rule metadata, relative
//! paths, columns in Unicode code points, and `partialFingerprints` so that an alert keeps its
//! identity when lines move. Messages are escaped as in human output (code scanning shows
//! them to people); the rest is exact, with control and invisible characters as JSON escapes.

use serde_json::{Value, json};

use super::Position;
use crate::lint::LintReport;
use crate::rules::{self, Severity};

pub fn render(report: &LintReport, cwd: &std::path::Path) -> String {
    let rules: Vec<Value> = rules::ALL
        .iter()
        .map(|rule| {
            json!({
                "id": rule.code,
                "name": rule.name,
                "shortDescription": { "text": rule.summary() },
                "fullDescription": { "text": rule.summary() },
                "help": { "text": rule.doc(), "markdown": rule.doc() },
                "defaultConfiguration": { "level": level(rule.severity) },
                "properties": { "tags": [category(rule.code)] },
            })
        })
        .collect();
    let mut results = Vec::new();
    for file in &report.files {
        let uri = relative_uri(&file.source.name, cwd);
        for finding in &file.findings {
            let at = Position::of(&file.source, finding);
            let rule_index = rules::ALL.iter().position(|r| r.code == finding.rule.code);
            // Shown to people by code scanning: written as the human output writes it.
            let mut text = super::escape::line(&finding.message).into_owned();
            if let Some(help) = &finding.help {
                text.push_str("\nhelp: ");
                text.push_str(&super::escape::line(help));
            }
            results.push(json!({
                "ruleId": finding.rule.code,
                "ruleIndex": rule_index,
                "level": level(finding.severity),
                "message": { "text": text },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": uri, "uriBaseId": "%SRCROOT%" },
                        "region": {
                            "startLine": at.line,
                            "startColumn": at.column,
                            "endLine": at.end_line,
                            "endColumn": at.end_column,
                        }
                    },
                    "logicalLocations": [{ "fullyQualifiedName": finding.pointer, "kind": "member" }],
                }],
                "partialFingerprints": {
                    "ramguard/v1": fingerprint(&[finding.rule.code, &uri, &finding.pointer, &finding.message]),
                },
            }));
        }
    }
    let sarif = log(Value::from(rules), results, None);
    super::escape::json_text(&sarif)
}

/// A SARIF log of one run of ramguard with its rules and results, and the invocation when the
/// command has something to say about the run itself (`diff`'s notes).
pub(crate) fn log(rules: Value, results: Vec<Value>, invocation: Option<Value>) -> Value {
    let mut run = json!({
        "tool": { "driver": {
            "name": "ramguard",
            "informationUri": "https://github.com/ramguard/ramguard",
            "version": env!("CARGO_PKG_VERSION"),
            "semanticVersion": env!("CARGO_PKG_VERSION"),
            "rules": rules,
        } },
        "columnKind": "unicodeCodePoints",
        "originalUriBaseIds": { "%SRCROOT%": { "uri": "./" } },
        "results": results,
    });
    if let (Some(invocation), Some(run)) = (invocation, run.as_object_mut()) {
        run.insert("invocations".to_string(), json!([invocation]));
    }
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [run],
    })
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn category(code: &str) -> &'static str {
    match code.get(2..3) {
        Some("0") => "grammar",
        Some("1") => "catalogue",
        Some("2") => "security",
        _ => "configuration",
    }
}

/// A path relative to the working directory, with `/` separators and the characters a URI
/// cannot hold percent-encoded.
pub(crate) fn relative_uri(name: &str, cwd: &std::path::Path) -> String {
    let path = std::path::Path::new(name);
    let relative = path.strip_prefix(cwd).unwrap_or(path);
    let text = relative.to_string_lossy().replace('\\', "/");
    let mut uri = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            uri.push(char::from(byte));
        } else {
            uri.push_str(&format!("%{byte:02X}"));
        }
    }
    uri
}

/// FNV-1a over the parts: stable across runs and platforms, and independent of line numbers.
pub(crate) fn fingerprint(parts: &[&str]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for byte in part.bytes().chain([0]) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}
