#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test fails loudly"
)]
//! What ramguard prints about hostile input: never a panic on a long line, never quadratic
//! time, never a secret, never a raw terminal control (issue 8, items 8, 10, 11 and 12).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::Value;

const FIXTURES: &str = "tests/fixtures/hostile-output";
const R1: &str = "acs:kvstore:cn-hangzhou:1234567890123456:instance/r-bp1zxszhcgatnx0002";
const INSTANCE: &str = "tests/fixtures/instances/describe-instance-attribute.json";

#[derive(Debug)]
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
    /// stdout and stderr as bytes, to look for raw control bytes.
    bytes: Vec<u8>,
}

impl Run {
    fn output(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }
}

fn ramguard_in(dir: &Path, args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_ramguard"))
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .output()
        .unwrap_or_else(|e| panic!("cannot run ramguard: {e}"));
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        bytes: [out.stdout, out.stderr].concat(),
    }
}

fn ramguard(args: &[&str]) -> Run {
    ramguard_in(Path::new(env!("CARGO_MANIFEST_DIR")), args)
}

/// A fresh folder for one test, with the given files.
fn scratch(name: &str, files: &[(&str, &[u8])]) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("hostile-output").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for (path, content) in files {
        std::fs::write(dir.join(path), content).unwrap();
    }
    dir
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}):\n{text}"))
}

fn fixture(name: &str) -> String {
    format!("{FIXTURES}/{name}")
}

// ---------------------------------------------------------------------------------------------
// Item 8: a finding past column 65,535 made miette panic (exit 101).

/// A policy on one line, `padding` spaces before its statements: its size stays small (RAM
/// counts it without white space), its columns do not.
fn padded_policy(padding: usize, statements: &str) -> String {
    format!(
        "{{\"Version\": \"1\",{}\"Statement\": [{statements}]}}\n",
        " ".repeat(padding)
    )
}

#[test]
fn a_finding_past_column_65535_is_rendered_clipped_not_a_panic() {
    let text = padded_policy(
        70_000,
        r#"{"Effect": "Allow", "Action": "kvstore:NoSuchAction", "Resource": "*"}"#,
    );
    let dir = scratch("long-line", &[("long.json", text.as_bytes())]);
    let column = text.find("kvstore:NoSuchAction").unwrap(); // 1-based: the opening quote

    let human = ramguard_in(&dir, &["lint", "--color", "never", "long.json"]);
    assert_eq!(human.code, 0, "a warning only, not a panic (101):\n{}", human.stderr);
    let output = human.output();
    assert!(output.contains(&format!("[long.json:1:{column}]")), "{output}");
    assert!(output.contains("…"), "the line is clipped:\n{output}");
    assert!(output.contains("\"kvstore:NoSuchAction\""), "{output}");
    assert!(
        output.len() < 4_000,
        "the line is not printed whole: {} bytes",
        output.len()
    );

    // The machine formats still give the true place.
    let run = ramguard_in(&dir, &["lint", "--format", "json", "long.json"]);
    let diagnostic = &json(&run.stdout)["diagnostics"][0];
    assert_eq!(
        (diagnostic["line"].as_u64(), diagnostic["column"].as_u64()),
        (Some(1), Some(column as u64))
    );
    let run = ramguard_in(&dir, &["lint", "--format", "sarif", "long.json"]);
    let region = &json(&run.stdout)["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"];
    assert_eq!(region["startColumn"].as_u64(), Some(column as u64));
    let run = ramguard_in(&dir, &["lint", "--format", "github", "long.json"]);
    assert!(run.stdout.contains(&format!(",line=1,col={column},")), "{}", run.stdout);
}

#[test]
fn simulate_and_preflight_snippets_past_column_65535() {
    let deny = r#"{"Effect": "Deny", "Action": "kvstore:DeleteInstance", "Resource": "*"}"#;
    let allow = r#"{"Effect": "Allow", "Action": "kvstore:*", "Resource": "*"}"#;
    let policy = padded_policy(70_000, &format!("{allow}, {deny}"));
    // An error far out: the policy is refused, its finding rendered.
    let broken = padded_policy(
        70_000,
        r#"{"Effect": "Perhaps", "Action": "kvstore:*", "Resource": "*"}"#,
    );
    let dir = scratch(
        "long-line-simulate",
        &[("policy.json", policy.as_bytes()), ("broken.json", broken.as_bytes())],
    );
    let instance = Path::new(env!("CARGO_MANIFEST_DIR")).join(INSTANCE);
    let instance = instance.to_str().unwrap();
    let deny_column = policy.find(r#""Deny""#).unwrap() + 1;

    let simulate = |policy: &str| {
        ramguard_in(
            &dir,
            &[
                "simulate",
                "--color",
                "never",
                "--policy",
                policy,
                "--action",
                "kvstore:DeleteInstance",
                "--resource",
                R1,
            ],
        )
    };
    let run = simulate("policy.json");
    assert_eq!(run.code, 1, "an explicit deny, not a panic:\n{}", run.stderr);
    assert!(
        run.stdout.contains(&format!("[policy.json:1:{deny_column}]")),
        "{}",
        run.stdout
    );
    assert!(run.output().len() < 4_000);
    let run = simulate("broken.json");
    assert_eq!(run.code, 2, "refused, not a panic:\n{}", run.stderr);
    assert!(run.stderr.contains("Perhaps"), "{}", run.stderr);

    let preflight = |policy: &str| {
        ramguard_in(
            &dir,
            &[
                "preflight",
                "--color",
                "never",
                "--instance",
                instance,
                "--policy",
                policy,
            ],
        )
    };
    let run = preflight("policy.json");
    assert_eq!(run.code, 1, "no-go, not a panic:\n{}", run.stderr);
    assert!(
        run.stdout.contains(&format!("[policy.json:1:{deny_column}]")),
        "{}",
        run.stdout
    );
    let run = preflight("broken.json");
    assert_eq!(run.code, 2, "refused, not a panic:\n{}", run.stderr);
}

#[test]
fn a_configuration_error_past_column_65535() {
    let config = format!("rules = {{{}no-such-rule = \"warning\" }}\n", " ".repeat(70_000));
    let dir = scratch(
        "long-line-config",
        &[
            ("ramguard.toml", config.as_bytes()),
            ("ok.json", br#"{"Version": "1", "Statement": []}"#),
        ],
    );
    let run = ramguard_in(&dir, &["lint", "--color", "never", "ok.json"]);
    assert_eq!(run.code, 2, "a bad configuration, not a panic:\n{}", run.stderr);
    assert!(run.stderr.contains("no-such-rule"), "{}", run.stderr);
    assert!(run.stderr.contains("[ramguard.toml:1:70010]"), "{}", run.stderr);
}

// ---------------------------------------------------------------------------------------------
// Item 10: line and column of every finding in linear time.

/// `count` findings on one line (an unknown service code per action), after `padding` spaces.
/// The `é` makes the line non-ASCII: columns in characters are not byte offsets.
fn many_findings(count: usize, padding: usize) -> String {
    let actions = vec![r#""r-kvstore:X""#; count].join(",");
    format!(
        "{{\"Version\": \"1\", \"Statement\": [{{\"Sid\": \"é\",{}\"Effect\": \"Allow\", \"Action\": [{actions}], \"Resource\": \"*\"}}]}}\n",
        " ".repeat(padding)
    )
}

#[test]
fn many_findings_on_one_long_line_take_linear_time() {
    // Before: line and column were counted from the line's start for every finding: 20,000
    // times 30 MB, over three minutes even in a release build. Now about ten seconds in a
    // debug build on a loaded machine.
    let (count, padding) = (20_000, 30_000_000);
    let text = many_findings(count, padding);
    let dir = scratch("many-findings", &[("many.json", text.as_bytes())]);
    let started = Instant::now();
    let run = ramguard_in(&dir, &["lint", "--format", "github", "many.json"]);
    let took = started.elapsed();
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(took < Duration::from_secs(60), "{count} findings took {took:?}");
    let last = run.stdout.lines().rfind(|l| l.contains("unknown-service")).unwrap();
    // 1-based column of the last action's opening quote, in characters (`é` is two bytes).
    let column = text.rfind("r-kvstore").unwrap() - 1;
    assert!(last.contains(&format!(",line=1,col={column},")), "{last}");
}

#[test]
fn many_findings_on_one_long_line_print_a_window_each() {
    // Before: each of the findings printed the whole 42,000-character line: 250 MB of text.
    let count = 3_000;
    let dir = scratch(
        "many-findings-human",
        &[("many.json", many_findings(count, 0).as_bytes())],
    );
    let run = ramguard_in(&dir, &["lint", "--color", "never", "many.json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let size = run.output().len();
    assert!(size < 3_000 * 1_500, "{size} bytes for {count} findings");
    assert_eq!(run.output().matches("unknown-service(").count(), count);
}

// ---------------------------------------------------------------------------------------------
// Item 11: no secret in any snippet.

const SECRETS: [&str; 7] = [
    "hunter2",
    "hunter2-kms",
    "hunter2-aks",
    "hunter2-sts",
    "hunter2-pem",
    "hunter2-bits",
    "and-more",
];

fn assert_no_secret(run: &Run, what: &str) {
    let output = run.output();
    for secret in SECRETS {
        assert!(!output.contains(secret), "{what} shows `{secret}`:\n{output}");
    }
}

#[test]
fn a_broken_file_never_shows_its_secrets() {
    // A broken Terraform plan is an error whose snippet shows nothing of the plan (blanked by
    // the reader); a broken `terraform.tfvars.json` (pre-commit names it) and a secret with a
    // bad escape are linted, their snippets masked.
    for (file, masked) in [
        ("broken-plan.json", false),
        ("broken.tfvars.json", true),
        ("secret-with-bad-escape.json", true),
    ] {
        let path = fixture(file);
        for format in ["human", "json", "sarif", "github"] {
            let run = ramguard(&["lint", "--no-ignore", "--color", "never", "--format", format, &path]);
            assert_eq!(run.code, 1, "{file} {format}: {}", run.output());
            assert_no_secret(&run, &format!("lint --format {format} {file}"));
        }
        let run = ramguard(&["lint", "--no-ignore", "--color", "never", &path]);
        assert_eq!(run.output().contains("\"********\""), masked, "{}", run.output());

        let run = ramguard(&[
            "simulate",
            "--color",
            "never",
            "--policy",
            &path,
            "--action",
            "kvstore:DeleteInstance",
            "--resource",
            R1,
        ]);
        assert_eq!(run.code, 2, "{}", run.output());
        assert_no_secret(&run, &format!("simulate --policy {file}"));

        let run = ramguard(&[
            "preflight",
            "--color",
            "never",
            "--instance",
            INSTANCE,
            "--policy",
            &path,
        ]);
        assert_eq!(run.code, 2, "{}", run.output());
        assert_no_secret(&run, &format!("preflight --policy {file}"));

        let run = ramguard(&["preflight", "--color", "never", "--instance", &path]);
        assert_eq!(run.code, 2, "{}", run.output());
        assert_no_secret(&run, &format!("preflight --instance {file}"));
    }
}

#[test]
fn an_error_inside_a_secret_is_shown_on_the_mask() {
    let run = ramguard(&[
        "lint",
        "--no-ignore",
        "--color",
        "never",
        &fixture("secret-with-bad-escape.json"),
    ]);
    let output = run.output();
    assert!(output.contains("invalid escape"), "{output}");
    // The true place in the header, the mask underlined, and why it is a mask.
    assert!(
        output.contains("[tests/fixtures/hostile-output/secret-with-bad-escape.json:6:11"),
        "{output}"
    );
    assert!(output.contains("\"password\": \"********\""), "{output}");
    assert!(
        output.contains("(the value of a secret-looking key is hidden)"),
        "{output}"
    );
}

// ---------------------------------------------------------------------------------------------
// Item 12: no raw terminal control from the input, in any format.

/// The characters no output may hold raw: C0 controls but the line break (and the tab miette
/// never prints raw), DEL, C1, and the invisible and bidirectional format characters.
fn raw_controls(run: &Run) -> Vec<char> {
    let text = String::from_utf8_lossy(&run.bytes);
    text.chars()
        .filter(|&c| {
            (c < ' ' && c != '\n')
                || ('\u{7f}'..='\u{9f}').contains(&c)
                || ('\u{200b}'..='\u{200f}').contains(&c)
                || ('\u{202a}'..='\u{202e}').contains(&c)
                || ('\u{2066}'..='\u{2069}').contains(&c)
                || matches!(c, '\u{feff}' | '\u{2028}' | '\u{2029}')
        })
        .collect()
}

fn assert_no_raw_control(run: &Run, what: &str) {
    let raw = raw_controls(run);
    assert!(raw.is_empty(), "{what} prints raw {raw:?}:\n{}", run.output());
}

#[test]
fn lint_never_prints_a_raw_control_character() {
    for file in ["escapes-in-action.json", "raw-escapes.json"] {
        let path = fixture(file);
        for format in ["human", "json", "sarif", "github"] {
            let run = ramguard(&["lint", "--no-ignore", "--color", "never", "--format", format, &path]);
            assert_eq!(run.code, 1, "{file} {format}: {}", run.output());
            assert_no_raw_control(&run, &format!("lint --format {format} {file}"));
        }
    }
    let run = ramguard(&[
        "lint",
        "--no-ignore",
        "--color",
        "never",
        &fixture("escapes-in-action.json"),
    ]);
    assert!(
        run.output().contains("`kvstore:X\\u{1b}[31mRED\\u{1b}]0;pwned\\u{7}`"),
        "{}",
        run.output()
    );
    assert!(
        run.output().contains("\\u{9b}31m\\u{202e}gnp.exe\\u{200b}"),
        "{}",
        run.output()
    );

    // JSON keeps the exact text, as JSON escapes.
    let run = ramguard(&[
        "lint",
        "--no-ignore",
        "--format",
        "json",
        &fixture("escapes-in-action.json"),
    ]);
    let messages: Vec<String> = json(&run.stdout)["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["message"].as_str().unwrap_or_default().to_string())
        .collect();
    assert!(
        messages
            .iter()
            .any(|m| m.contains("kvstore:Y\u{9b}31m\u{202e}gnp.exe\u{200b}")),
        "{messages:?}"
    );
    assert!(run.stdout.contains("\\u009b31m\\u202egnp.exe\\u200b"), "{}", run.stdout);
}

#[test]
fn a_file_name_with_a_control_character_is_escaped() {
    let name = "evil\u{1b}]0;pwned\u{7}.json";
    let dir = scratch(
        "control-in-name",
        &[(
            name,
            br#"{"Version": "1", "Statement": [{"Effect": "Allow", "Action": "r-kvstore:X", "Resource": "*"}]}"#,
        )],
    );
    for format in ["human", "json", "sarif", "github"] {
        let run = ramguard_in(&dir, &["lint", "--color", "never", "--format", format, name]);
        assert_eq!(run.code, 0, "{format}: {}", run.output());
        assert_no_raw_control(&run, &format!("lint --format {format} of a file named with ESC"));
    }
    let run = ramguard_in(&dir, &["lint", "--color", "never", name]);
    assert!(
        run.output().contains("evil\\u{1b}]0;pwned\\u{7}.json"),
        "{}",
        run.output()
    );
    // A path that does not exist is an error line, escaped too.
    let run = ramguard_in(&dir, &["lint", "missing\u{1b}[2J.json"]);
    assert_eq!(run.code, 2);
    assert_no_raw_control(&run, "the error of a missing path");
}

#[test]
fn simulate_and_preflight_never_print_a_raw_control_character() {
    let policy = fixture("escapes-in-action.json");
    for format in ["human", "json"] {
        let run = ramguard(&[
            "simulate",
            "--color",
            "never",
            "--format",
            format,
            "--policy",
            &policy,
            "--action",
            "kvstore:DeleteInstance",
            "--resource",
            R1,
        ]);
        assert_no_raw_control(&run, &format!("simulate --format {format}"));
        let run = ramguard(&[
            "preflight",
            "--color",
            "never",
            "--format",
            format,
            "--instance",
            &fixture("instance-with-escapes.json"),
            "--policy",
            "policies/redis-teardown.json",
        ]);
        assert_ne!(run.code, 101, "{}", run.output());
        assert_no_raw_control(&run, &format!("preflight --format {format}"));
    }
    // GitHub annotations and the job summary of preflight.
    let summary = scratch("preflight-summary", &[]).join("summary.md");
    let out = Command::new(env!("CARGO_BIN_EXE_ramguard"))
        .args(["preflight", "--format", "github", "--instance"])
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join(fixture("instance-with-escapes.json")))
        .env("GITHUB_STEP_SUMMARY", &summary)
        .output()
        .unwrap_or_else(|e| panic!("cannot run ramguard: {e}"));
    let written = std::fs::read(&summary).unwrap_or_default();
    let run = Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&written).into_owned(),
        bytes: [out.stdout, out.stderr, written].concat(),
    };
    assert!(run.stdout.contains("\\u{1b}[2J"), "{}", run.stdout);
    assert!(run.stderr.contains("cache\\u{1b}]0;pwned"), "{}", run.stderr);
    assert_no_raw_control(&run, "preflight --format github, annotations and job summary");
    let run = ramguard(&[
        "preflight",
        "--color",
        "never",
        "--instance",
        &fixture("instance-with-escapes.json"),
    ]);
    assert!(
        run.stdout.contains("cache\\u{1b}]0;pwned\\u{7}\\u{9b}31m\\u{202e}prod"),
        "{}",
        run.stdout
    );
}

#[test]
fn github_annotations_escape_what_workflow_commands_give_a_meaning_to() {
    let dir = scratch(
        "github-escapes",
        &[(
            "a%b,c:d.json",
            "{\"Version\": \"1\", \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"kvstore:X%0A::error::forged,\\n:\", \"Resource\": \"*\"}]}".as_bytes(),
        )],
    );
    let run = ramguard_in(&dir, &["lint", "--format", "github", "a%b,c:d.json"]);
    let first = run.stdout.lines().next().unwrap_or_default();
    assert!(
        first.starts_with("::error file=a%25b%2Cc%3Ad.json,line=1,"),
        "{}",
        run.stdout
    );
    // The message: `%` escaped, the decoded line break shown as `\n`, never a second command.
    assert!(first.contains("kvstore:X%250A::error::forged,\\n:"), "{first}");
    assert!(run.stdout.lines().all(|l| l.starts_with("::")), "{}", run.stdout);
    // Our own line break before the help is the toolkit's `%0A`.
    assert!(first.contains("%0Ahelp: "), "{first}");
}
