//! What every fuzz target checks, shared by the coverage-guided targets (`fuzz/fuzz_targets/`,
//! `cargo +nightly fuzz run NAME`) and the seeded driver that runs on stable under `cargo test`
//! (`tests/fuzz.rs`). Each target takes any bytes; a panic anywhere is the failure. The
//! invariants beyond "no panic" are asserted here too.

use std::sync::Arc;

use ramguard::eval::{self, CompiledPolicy, Context, Decision, Layer, LayerKind, Resource};
use ramguard::inputs::{instances, policy_file};
use ramguard::lint::{self, FileReport, LintReport};
use ramguard::policy::Policy;
use ramguard::report::{self, human::Style};
use ramguard::rules::Severity;
use ramguard::settings::Settings;

/// The policy reader and every rule, then every reporter over the findings.
pub fn lint_policy(data: &[u8]) {
    let file = policy_file::read("fuzz.json".into(), data.to_vec());
    lint_and_report(&file, "fuzz.json");
}

/// The readers of ROS templates (YAML and JSON) and of Terraform's JSON syntax, then every rule
/// and reporter. Every finding of a file that is UTF-8 must point at whole characters of it:
/// the spans of a YAML file are counted in bytes from the parser's characters.
pub fn lint_template(data: &[u8]) {
    for name in ["fuzz.yaml", "fuzz.tf.json", "fuzz.json"] {
        let file = ramguard::inputs::read_policy_file(name.into(), data.to_vec());
        let findings = lint_and_report(&file, name);
        if std::str::from_utf8(data).is_ok() {
            let text = &file.source.text;
            for finding in &findings {
                let span = finding.span;
                assert!(
                    span.start <= span.end && text.get(span.start..span.end).is_some(),
                    "{name}: finding `{}` at {span:?} is not a range of the text",
                    finding.message
                );
            }
        }
    }
}

/// Every rule over a read file, then every reporter; the findings.
fn lint_and_report(file: &policy_file::PolicyFile, name: &str) -> Vec<ramguard::rules::Finding> {
    let Some(findings) = lint::lint_file(file, &Settings::default(), name) else {
        return Vec::new();
    };
    let report = LintReport {
        files: vec![FileReport {
            source: file.source.clone(),
            findings: findings.clone(),
        }],
        linted: 1,
        documents: 1,
        skipped: 0,
        skipped_files: Vec::new(),
    };
    let human = report::human::render(
        &report,
        Style {
            color: false,
            width: 80,
        },
    );
    assert!(!human.contains('\u{1b}'), "input text reached the terminal unescaped");
    let _ = report::concise::render(&report);
    let _ = report::json::render(&report);
    let _ = report::sarif::render(&report, std::path::Path::new("."));
    let _ = report::github::render(&report);
    // The fixes: edits inside the text, applied without panicking, whatever the findings.
    for file in &report.files {
        let edits = ramguard::fix::edits(&file.source.text, &file.findings, &Settings::default().catalog);
        let _ = ramguard::fix::apply(&file.source.text, &edits, true);
    }
    findings
}

/// The Terraform reader (HCL, heredocs, interpolations, `jsonencode`, unknown values) and every
/// rule, then the fixes, then the evaluator on what it compiles: every span lies within the
/// text, and a fix never rewrites an interpolation.
pub fn lint_terraform(data: &[u8]) {
    let file = ramguard::inputs::terraform::read("fuzz.tf".into(), data.to_vec());
    let Some(findings) = lint::lint_file(&file, &Settings::default(), "fuzz.tf") else {
        return;
    };
    let text = &file.source.text;
    // (A file that is not UTF-8 is read lossily, and its one finding points at the bad byte's
    // offset in the bytes: only the bounds are checked.)
    for finding in &findings {
        assert!(
            finding.span.start <= finding.span.end && finding.span.end <= text.len(),
            "a span outside the text: {finding:?}"
        );
    }
    let edits = ramguard::fix::edits(text, &findings, &Settings::default().catalog);
    for edit in &edits {
        let replaced = text.get(edit.span.start..edit.span.end).unwrap_or_default();
        assert!(!replaced.contains("${"), "a fix rewrote an interpolation: {edit:?}");
    }
    let _ = ramguard::fix::apply(text, &edits, true);
    if let Ok(policy) = ramguard::inputs::evaluable::compile("fuzz.tf", &file, &ramguard::config::Config::default()) {
        let layers = [Layer {
            kind: LayerKind::IdentityPolicy,
            policies: vec![policy],
        }];
        let resource = Resource::known("acs:kvstore:cn-hangzhou:1234567890123456:instance/r-1");
        let _ = eval::evaluate(&layers, "kvstore:DeleteInstance", &resource, &Context::default());
    }
}

/// The instance reader, then every preflight check with and without a policy. A `go` needs an
/// instance the reader fully understood: running, pay-as-you-go, protection known off.
pub fn read_instances(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(root) = ramguard::json::parse(text) else { return };
    let Ok(found) = instances::read(&root) else { return };
    let callers = [caller(None), caller(Some(ALLOW_DELETE))];
    for instance in &found {
        for caller in &callers {
            let report = ramguard::preflight::check(instance, caller);
            if report.verdict == ramguard::preflight::Verdict::Go {
                assert!(caller.has_policies(), "go with no policy");
                assert_eq!(
                    instance.status.as_deref(),
                    Some("Normal"),
                    "go for a status not running"
                );
                assert_eq!(
                    instance.release_protection,
                    Some(false),
                    "go with release protection not known off"
                );
                assert!(
                    ramguard::json::duplicates(&root).is_empty(),
                    "go on input with a duplicate key"
                );
            }
        }
    }
}

const ALLOW_DELETE: &str =
    r#"{"Version": "1", "Statement": [{"Effect": "Allow", "Action": "kvstore:*", "Resource": "*"}]}"#;

fn caller(policy: Option<&str>) -> ramguard::preflight::Caller {
    ramguard::preflight::Caller {
        layers: vec![Layer {
            kind: LayerKind::IdentityPolicy,
            policies: policy.and_then(compile).into_iter().collect(),
        }],
        account_id: Some("1234567890123456".into()),
        context: Context::default(),
    }
}

/// A policy the way `simulate` takes one: only when lint finds no error in it.
fn compile(text: &str) -> Option<CompiledPolicy> {
    let file = policy_file::read("fuzz.json".into(), text.as_bytes().to_vec());
    let findings = lint::lint_file(&file, &Settings::default(), "fuzz.json")?;
    if findings.iter().any(|f| f.rule.severity == Severity::Error) {
        return None;
    }
    let policy_file::Content::Documents(documents) = &file.content else {
        return None;
    };
    let [document] = documents.as_slice() else { return None };
    Some(CompiledPolicy::new(
        Arc::clone(&file.source),
        &Policy::from_document(&document.root),
    ))
}

/// The evaluator: the bytes are a policy, then after a NUL byte the request (`action`, `resource`
/// and `key=value` lines). The laws that must hold for any policy: adding a `Deny` of
/// everything never allows; evaluation is deterministic.
pub fn evaluate(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let (policy, request) = text.split_once('\0').unwrap_or((text, "kvstore:DeleteInstance\n*"));
    let Some(compiled) = compile(policy) else { return };
    let mut lines = request.lines();
    let action = lines.next().unwrap_or("kvstore:DeleteInstance");
    let resource = Resource::known(lines.next().unwrap_or("*"));
    let context = Context::from_assignments(&lines.map(str::to_string).collect::<Vec<_>>()).unwrap_or_default();
    let layers = vec![Layer {
        kind: LayerKind::IdentityPolicy,
        policies: vec![compiled.clone()],
    }];
    let first = eval::evaluate(&layers, action, &resource, &context);
    let again = eval::evaluate(&layers, action, &resource, &context);
    assert_eq!(
        first.decision, again.decision,
        "the same request decided twice differently"
    );
    let deny_all = r#"{"Version": "1", "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]}"#;
    if let Some(deny) = compile(deny_all) {
        let denied = vec![Layer {
            kind: LayerKind::IdentityPolicy,
            policies: vec![compiled, deny],
        }];
        let decision = eval::evaluate(&denied, action, &resource, &context).decision;
        assert_ne!(decision, Decision::Allowed, "a Deny of everything did not deny");
    }
}

/// The JSON reader against serde_json: both accept or both refuse (serde_json alone refuses a
/// number beyond f64's range).
pub fn json(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let ours = ramguard::json::parse_tree(text);
    let reference = serde_json::from_str::<serde_json::Value>(text);
    match (&ours, &reference) {
        (Ok(_), Err(e)) => assert!(
            e.to_string().starts_with("number out of range"),
            "ramguard accepts what serde_json refuses: {e}"
        ),
        (Err(e), Ok(_)) => unreachable!("ramguard refuses what serde_json accepts: {}", e.message),
        _ => {}
    }
    // `duplicate-key` skips a document the reader says repeats no key: the reader must be right.
    if let Ok(tree) = &ours {
        assert_eq!(tree.repeats_a_key, repeats_a_key(&tree.root), "whether a key repeats");
    }
}

/// Whether some object of the tree has a key twice, by a walk of its own.
fn repeats_a_key(node: &ramguard::json::Node) -> bool {
    use ramguard::json::Value;
    match &node.value {
        Value::Object(members) => {
            let mut seen = std::collections::HashSet::new();
            members.iter().any(|m| !seen.insert(m.key.as_ref())) || members.iter().any(|m| repeats_a_key(&m.value))
        }
        Value::Array(items) => items.iter().any(repeats_a_key),
        _ => false,
    }
}
