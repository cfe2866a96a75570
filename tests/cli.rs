#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test fails loudly"
)]
//! The command line as the CONTRACT fixes it: exit codes, streams, JSON, SARIF, annotations,
//! the directory walk and the configuration.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn ramguard_in(dir: &Path, args: &[&str], stdin: Option<&[u8]>) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ramguard"))
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut pipe = child.stdin.take().unwrap();
    pipe.write_all(stdin.unwrap_or_default()).unwrap();
    drop(pipe);
    let out = child.wait_with_output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn ramguard(args: &[&str]) -> Run {
    ramguard_in(Path::new(env!("CARGO_MANIFEST_DIR")), args, None)
}

/// A fresh folder for one test, with the given files.
fn scratch(name: &str, files: &[(&str, &[u8])]) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    for (path, content) in files {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
    }
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}):\n{text}"))
}

const CLEAN: &[u8] =
    br#"{"Version": "1", "Statement": [{"Effect": "Allow", "Action": "kvstore:DescribeInstances", "Resource": "*"}]}"#;
const WARNING_ONLY: &[u8] = br#"{"Version": "1", "Statement": [{"Sid": "x", "Effect": "Allow", "Action": "kvstore:DescribeInstances", "Resource": "*"}]}"#;

#[test]
fn exit_codes() {
    assert_eq!(ramguard(&["lint", "policies"]).code, 0);
    assert_eq!(
        ramguard(&["lint", "--no-ignore", "tests/fixtures/rules/duplicate-key/fires.json"]).code,
        1
    );
    let missing = ramguard(&["lint", "no/such/path"]);
    assert_eq!(missing.code, 2);
    assert!(missing.stderr.contains("no/such/path"), "{}", missing.stderr);
    assert_eq!(ramguard(&["lint", "--no-such-flag"]).code, 2);
    let dir = scratch("exit-codes", &[("w.json", WARNING_ONLY)]);
    assert_eq!(ramguard_in(&dir, &["lint", "w.json"], None).code, 0);
    assert_eq!(ramguard_in(&dir, &["lint", "--deny-warnings", "w.json"], None).code, 1);
}

#[test]
fn every_report_goes_to_stdout() {
    let human = ramguard(&[
        "lint",
        "--color",
        "never",
        "--no-ignore",
        "tests/fixtures/rules/duplicate-key/fires.json",
    ]);
    assert!(human.stderr.is_empty(), "{}", human.stderr);
    assert!(human.stdout.contains("duplicate-key(RG002)"), "{}", human.stdout);
    assert!(
        human
            .stdout
            .contains("1 error, no warnings, no info in 1 document in 1 file (0 skipped)"),
        "{}",
        human.stdout
    );
    assert!(!human.stdout.contains('\u{1b}'), "colour with --color never");
    let colored = ramguard(&[
        "lint",
        "--color",
        "always",
        "--no-ignore",
        "tests/fixtures/rules/duplicate-key/fires.json",
    ]);
    assert!(colored.stdout.contains('\u{1b}'));
    let machine = ramguard(&[
        "lint",
        "--format",
        "json",
        "--no-ignore",
        "tests/fixtures/rules/duplicate-key/fires.json",
    ]);
    assert!(machine.stderr.is_empty(), "{}", machine.stderr);
    json(&machine.stdout);
}

#[test]
fn json_diagnostics_have_the_contract_fields() {
    let run = ramguard(&[
        "lint",
        "--format",
        "json",
        "--no-ignore",
        "tests/fixtures/rules/duplicate-key/fires.json",
    ]);
    assert_eq!(run.code, 1);
    let out = json(&run.stdout);
    let d = &out["diagnostics"][0];
    assert_eq!(d["file"], "tests/fixtures/rules/duplicate-key/fires.json");
    assert_eq!(d["code"], "RG002");
    assert_eq!(d["name"], "duplicate-key");
    assert_eq!(d["severity"], "error");
    assert_eq!(d["message"], "`Action` appears twice in one object");
    assert_eq!((d["line"].as_u64(), d["column"].as_u64()), (Some(7), Some(7)));
    assert_eq!((d["end_line"].as_u64(), d["end_column"].as_u64()), (Some(7), Some(15)));
    assert_eq!(d["pointer"], "/Statement/0/Action");
    assert!(d["help"].as_str().is_some_and(|h| !h.is_empty()));
    assert_eq!(
        out["summary"],
        json(r#"{"files": 1, "documents": 1, "skipped": 0, "errors": 1, "warnings": 0, "infos": 0}"#)
    );
}

#[test]
fn columns_count_characters_and_documents_inside_api_responses_map_back() {
    let run = ramguard(&[
        "lint",
        "--format",
        "json",
        "--no-ignore",
        "policies/examples/get-policy-version.json",
    ]);
    let out = json(&run.stdout);
    let d = &out["diagnostics"][0];
    assert_eq!(d["name"], "invalid-condition-value");
    assert_eq!(d["pointer"], "/Statement/0/Condition/IpAddress/acs:SourceIp");
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64(), d["end_column"].as_u64()),
        (Some(7), Some(187), Some(204))
    );
    let dir = scratch("chars", &[("p.json", "{\"Version\": \"1\", \"Statement\": [{\"Effect\": \"允许\", \"Action\": \"kvstore:DescribeInstances\", \"Resource\": \"*\"}]}".as_bytes())]);
    let out = json(&ramguard_in(&dir, &["lint", "--format", "json", "p.json"], None).stdout);
    assert_eq!(out["diagnostics"][0]["column"], 43);
    assert_eq!(out["diagnostics"][0]["end_column"], 47);
}

#[test]
fn trust_policies_from_get_role_use_their_own_grammar() {
    let doc = r#"{\"Version\":\"1\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"sts:AssumeRole\",\"Principal\":{\"Service\":[\"ecs.aliyuncs.com\"]}}]}"#;
    let response = format!(r#"{{"RequestId": "x", "Role": {{"RoleName": "r", "AssumeRolePolicyDocument": "{doc}"}}}}"#);
    let dir = scratch("get-role", &[("role.json", response.as_bytes())]);
    let run = ramguard_in(&dir, &["lint", "--format", "json", "role.json"], None);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(json(&run.stdout)["summary"]["files"], 1);
}

#[test]
fn sarif_is_what_code_scanning_takes() {
    let run = ramguard(&["lint", "--format", "sarif", "--no-ignore", "policies/examples"]);
    assert_eq!(run.code, 1);
    let sarif = json(&run.stdout);
    assert_eq!(sarif["version"], "2.1.0");
    let run0 = &sarif["runs"][0];
    let rules = run0["tool"]["driver"]["rules"].as_array().unwrap();
    assert!(rules.iter().any(|r| r["id"] == "RG002" && r["name"] == "duplicate-key"));
    let results = run0["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for result in results {
        let location = &result["locations"][0]["physicalLocation"];
        let uri = location["artifactLocation"]["uri"].as_str().unwrap();
        assert!(uri.starts_with("policies/examples/"), "{uri}");
        assert!(location["region"]["startLine"].as_u64().is_some());
        assert!(
            result["partialFingerprints"]["ramguard/v1"]
                .as_str()
                .is_some_and(|f| f.len() == 16)
        );
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
    }
}

#[test]
fn github_annotations() {
    let run = ramguard(&[
        "lint",
        "--format",
        "github",
        "--no-ignore",
        "tests/fixtures/rules/duplicate-key/fires.json",
    ]);
    assert!(
        run.stdout.starts_with("::error file=tests/fixtures/rules/duplicate-key/fires.json,line=7,col=7,endLine=7,endColumn=15,title=RG002 duplicate-key::`Action` appears twice"),
        "{}",
        run.stdout
    );
}

#[test]
fn the_walk_skips_hidden_ignored_and_non_policy_files() {
    let bad = b"{\"Version\": 1, \"Statement\": []}";
    let dir = scratch(
        "walk",
        &[
            (".gitignore", b"generated/\n"),
            ("ok.json", CLEAN),
            ("package.json", br#"{"name": "x", "version": "1.0.0"}"#),
            ("list.json", b"[1, 2]"),
            ("notes.txt", b"not json"),
            (".hidden/bad.json", bad),
            ("generated/bad.json", bad),
            ("nested/deeper/ok.json", CLEAN),
        ],
    );
    let run = ramguard_in(&dir, &["lint", "--format", "json"], None);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(
        json(&run.stdout)["summary"],
        json(r#"{"files": 2, "documents": 2, "skipped": 2, "errors": 0, "warnings": 0, "infos": 0}"#)
    );
    // A file named on the command line is read even where .gitignore would skip it.
    let named = ramguard_in(
        &dir,
        &["lint", "--format", "json", "generated/bad.json", "package.json"],
        None,
    );
    assert_eq!(named.code, 1);
    assert_eq!(json(&named.stdout)["summary"]["skipped"], 1);
}

#[test]
fn hostile_files_get_findings_not_crashes() {
    let deep = "[".repeat(200_000) + &"]".repeat(200_000);
    let cases: [(&str, Vec<u8>, &str); 5] = [
        (
            "latin1.json",
            b"{\"Version\": \"1\xe9\"}".to_vec(),
            "the file is not valid UTF-8",
        ),
        ("empty.json", Vec::new(), "invalid JSON: the document is empty"),
        (
            "deep.json",
            deep.into_bytes(),
            "invalid JSON: nesting is deeper than 127 levels",
        ),
        (
            "bom.json",
            [b"\xef\xbb\xbf".as_slice(), CLEAN].concat(),
            "the file starts with a UTF-8 byte-order mark",
        ),
        (
            "comment.json",
            b"{\"Version\": \"1\" // one\n}".to_vec(),
            "invalid JSON",
        ),
    ];
    let files: Vec<(&str, &[u8])> = cases.iter().map(|(n, b, _)| (*n, b.as_slice())).collect();
    let dir = scratch("hostile", &files);
    for (name, _, message) in &cases {
        let run = ramguard_in(&dir, &["lint", "--format", "json", name], None);
        assert_eq!(run.code, 1, "{name}: {}", run.stderr);
        let out = json(&run.stdout);
        let first = &out["diagnostics"][0];
        assert_eq!(first["name"], "invalid-json", "{name}");
        assert!(
            first["message"].as_str().unwrap().starts_with(message),
            "{name}: {first}"
        );
    }
}

#[test]
fn a_20_mb_policy_is_linted_in_bounded_time() {
    let statement = r#"{"Effect": "Allow", "Action": ["kvstore:DescribeInstances", "kvstore:DescribeInstanceAttribute"], "Resource": "acs:kvstore:cn-hangzhou:1234567890123456:instance/r-bp1zxszhcgatnx0001"}"#;
    let count = 20_000_000 / statement.len();
    let text = format!(
        "{{\"Version\": \"1\", \"Statement\": [{}]}}",
        vec![statement; count].join(",\n")
    );
    let dir = scratch("large", &[("large.json", text.as_bytes())]);
    let started = std::time::Instant::now();
    let run = ramguard_in(&dir, &["lint", "--format", "json", "large.json"], None);
    assert!(started.elapsed().as_secs() < 60, "took {:?}", started.elapsed());
    assert_eq!(run.code, 1);
    assert_eq!(json(&run.stdout)["diagnostics"][0]["name"], "policy-too-large");
}

#[test]
fn standard_input() {
    let run = ramguard_in(
        Path::new(env!("CARGO_MANIFEST_DIR")),
        &["lint", "--format", "json", "-"],
        Some(b"{\"Version\": \"2\", \"Statement\": []}"),
    );
    assert_eq!(run.code, 1);
    let out = json(&run.stdout);
    assert_eq!(out["diagnostics"][0]["file"], "<stdin>");
}

#[test]
fn every_finding_keeps_its_file_in_a_large_parallel_run() {
    let names: Vec<String> = (0..400).map(|i| format!("p{i:03}.json")).collect();
    let bodies: Vec<String> = (0..400)
        .map(|i| format!("{{\"Version\": \"{i}\", \"Statement\": []}}"))
        .collect();
    let files: Vec<(&str, &[u8])> = names
        .iter()
        .zip(&bodies)
        .map(|(n, b)| (n.as_str(), b.as_bytes()))
        .collect();
    let dir = scratch("parallel", &files);
    let out = json(&ramguard_in(&dir, &["lint", "--format", "json", "."], None).stdout);
    let versions: Vec<(String, String)> = out["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["name"] == "invalid-version")
        .map(|d| {
            (
                d["file"].as_str().unwrap().to_string(),
                d["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(versions.len(), 399, "every file but the one with version 1");
    for (file, message) in versions {
        let i: usize = file.trim_start_matches('p').trim_end_matches(".json").parse().unwrap();
        assert_eq!(message, format!("`Version` is `\"{i}\"`"));
    }
}

#[test]
fn diagnostics_are_sorted_by_file_position_and_code() {
    let out = json(&ramguard(&["lint", "--format", "json", "--no-ignore", "policies/examples"]).stdout);
    let keys: Vec<(String, u64, u64, String)> = out["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["file"].as_str().unwrap().into(),
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
                d["code"].as_str().unwrap().into(),
            )
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
}

#[test]
fn configuration_levels_ignores_and_their_own_findings() {
    let dir = scratch(
        "config",
        &[
            ("ramguard.toml", b"[rules]\nunsupported-element = \"error\"\n\n[[ignore]]\npath = \"legacy/**\"\nreason = \"being rewritten\"\n\n[[ignore]]\npath = \"gone/**\"\nreason = \"deleted folder\"\n\n[[ignore]]\npath = \"old.json\"\nreason = \"was fine until then\"\nexpires = \"2020-01-01\"\n"),
            ("w.json", WARNING_ONLY),
            ("old.json", WARNING_ONLY),
            ("legacy/bad.json", b"{\"Version\": 2}"),
        ],
    );
    let run = ramguard_in(&dir, &["lint", "--format", "json"], None);
    assert_eq!(run.code, 1, "{}", run.stdout);
    let out = json(&run.stdout);
    let found: Vec<(&str, &str, &str)> = out["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["file"].as_str().unwrap(),
                d["name"].as_str().unwrap(),
                d["severity"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            ("old.json", "unsupported-element", "error"),
            ("ramguard.toml", "unused-ignore", "warning"),
            ("ramguard.toml", "expired-ignore", "warning"),
            ("w.json", "unsupported-element", "error"),
        ]
    );
    assert_eq!(out["summary"]["skipped"], 1);
    // One file alone (pre-commit) cannot tell whether an ignore is unused.
    let one = json(&ramguard_in(&dir, &["lint", "--format", "json", "w.json"], None).stdout);
    assert!(
        one["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["name"] != "unused-ignore")
    );
}

/// A rule outside `--select` is not run at all (its findings would all be dropped); the findings
/// of the rules that are run are the same as in a full run. A rule an ignore names still runs,
/// so that the ignore is still counted as used.
#[test]
fn select_runs_only_the_selected_rules_and_what_ignores_name() {
    let codes = |out: &Value, prefix: &str| -> Vec<String> {
        out["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["code"].as_str().unwrap().starts_with(prefix))
            .map(|d| d.to_string())
            .collect()
    };
    let all = json(&ramguard(&["lint", "--format", "json", "--no-ignore", "policies"]).stdout);
    let security = json(&ramguard(&["lint", "--format", "json", "--no-ignore", "--select", "RG2", "policies"]).stdout);
    assert!(!codes(&all, "RG2").is_empty() && !codes(&all, "RG0").is_empty());
    assert_eq!(codes(&security, ""), codes(&all, "RG2"));

    let dir = scratch(
        "select-ignore",
        &[
            (
                "ramguard.toml",
                b"[[ignore]]\npath = \"w.json\"\nrules = [\"unsupported-element\"]\nreason = \"a Sid is fine here\"\n",
            ),
            ("w.json", WARNING_ONLY),
        ],
    );
    let run = ramguard_in(
        &dir,
        &[
            "lint",
            "--format",
            "json",
            "--select",
            "RG2",
            "--extend-select",
            "unused-ignore",
        ],
        None,
    );
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(
        json(&run.stdout)["diagnostics"],
        serde_json::json!([]),
        "the ignore was used: no unused-ignore"
    );
}

#[test]
fn a_bad_configuration_is_exit_2_with_the_place() {
    let dir = scratch(
        "bad-config",
        &[("ramguard.toml", b"[limits]\npolicy-sise = 10\n"), ("ok.json", CLEAN)],
    );
    let run = ramguard_in(&dir, &["lint", "--color", "never"], None);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("unknown field `policy-sise`"), "{}", run.stderr);
    assert!(run.stderr.contains("ramguard.toml:2:1"), "{}", run.stderr);
    let explicit = ramguard_in(&dir, &["lint", "--config", "missing.toml"], None);
    assert_eq!(explicit.code, 2);
    let limit = scratch(
        "limit-config",
        &[("strict.toml", b"[limits]\npolicy-size = 50\n"), ("ok.json", CLEAN)],
    );
    let run = ramguard_in(
        &limit,
        &["lint", "--format", "json", "--config", "strict.toml", "ok.json"],
        None,
    );
    assert_eq!(json(&run.stdout)["diagnostics"][0]["name"], "policy-too-large");
}

#[test]
fn rules_and_explain() {
    let run = ramguard(&["rules", "--format", "json"]);
    assert_eq!(run.code, 0);
    let rules = json(&run.stdout);
    assert!(rules["catalogue"].as_str().unwrap().contains("176 kvstore actions"));
    let names: Vec<&str> = rules["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    for name in [
        "invalid-json",
        "duplicate-key",
        "invalid-element-type",
        "missing-element",
        "unknown-element",
        "invalid-version",
        "invalid-effect",
        "conflicting-elements",
        "empty-value",
        "invalid-action",
        "unknown-service",
        "unknown-action",
        "action-case-mismatch",
        "wildcard-matches-nothing",
        "invalid-resource",
        "resource-service-mismatch",
        "unsupported-element",
        "principal-in-permission-policy",
        "unknown-condition-operator",
        "unknown-condition-key",
        "invalid-condition-value",
        "policy-too-large",
        "wildcard-grants-delete",
        "allow-with-not-action",
        "unscoped-delete",
        "release-protection-bypass",
        "full-admin",
        "privilege-escalation",
        "destroy-instance-scoped",
        "shadowed-statement",
    ] {
        assert!(names.contains(&name), "{name}");
    }
    let explain = ramguard(&["explain", "RG002"]);
    assert_eq!(explain.code, 0);
    assert!(
        explain.stdout.starts_with("# duplicate-key (RG002, error by default)"),
        "{}",
        explain.stdout
    );
    assert!(explain.stdout.contains("## Why is this bad?"));
    let unknown = ramguard(&["explain", "duplicate-keys"]);
    assert_eq!(unknown.code, 2);
    assert!(
        unknown.stderr.contains("did you mean `duplicate-key`?"),
        "{}",
        unknown.stderr
    );
}

#[test]
fn version_names_the_catalogue() {
    let run = ramguard(&["--version"]);
    assert_eq!(run.code, 0);
    assert!(
        run.stdout
            .contains("catalogue: 176 kvstore actions from the PyPI wheel alibabacloud-r-kvstore20150101 7.0.0"),
        "{}",
        run.stdout
    );
}

#[test]
fn the_catalogue_and_requirements_come_from_the_configuration() {
    let deny_typo = br#"{"Version": "1", "Statement": [{"Effect": "Deny", "Action": ["kvstore:DescribeConsoleOnly", "newsvc:Run"], "Resource": "*"}]}"#;
    let prod =
        br#"{"Version": "1", "Statement": [{"Effect": "Allow", "Action": "kvstore:Describe*", "Resource": "*"}]}"#;
    let guarded = br#"{"Version": "1", "Statement": [{"Effect": "Allow", "Action": "kvstore:Describe*", "Resource": "*"}, {"Effect": "Deny", "Action": "kvstore:DeleteInstance", "Resource": "*"}]}"#;
    let dir = scratch(
        "catalogue-config",
        &[
            ("ramguard.toml", b"[catalog]\nservices = [\"newsvc\"]\n\n[catalog.actions]\nkvstore = [\"DescribeConsoleOnly\"]\n\n[[require]]\npath = \"prod/**\"\ndeny = [\"kvstore:DeleteInstance\"]\nreason = \"change process\"\n"),
            ("dev/typo.json", deny_typo),
            ("prod/open.json", prod),
            ("prod/guarded.json", guarded),
        ],
    );
    let out = json(&ramguard_in(&dir, &["lint", "--format", "json"], None).stdout);
    let found: Vec<(&str, &str)> = out["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["file"].as_str().unwrap(), d["name"].as_str().unwrap()))
        .collect();
    assert_eq!(found, [("prod/open.json", "missing-required-deny")]);
    // Without the configuration, the same files say something else.
    let empty = scratch("catalogue-none", &[("empty.toml", b""), ("typo.json", deny_typo)]);
    let out = json(&ramguard_in(&empty, &["lint", "--format", "json", "--config", "empty.toml"], None).stdout);
    let names: Vec<&str> = out["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["unknown-action", "unknown-service"]);
}

#[test]
fn statement_pairs_do_not_make_a_hostile_file_quadratic() {
    let statements: Vec<String> = (0..40_000)
        .map(|i| {
            let effect = if i % 2 == 0 { "Allow" } else { "Deny" };
            format!(r#"{{"Effect": "{effect}", "Action": ["kvstore:*", "kvstore:ModifyInstanceAttribute"], "Resource": "acs:kvstore:*:*:instance/r-{i}*"}}"#)
        })
        .collect();
    let text = format!(r#"{{"Version": "1", "Statement": [{}]}}"#, statements.join(", "));
    let dir = scratch("pairwise", &[("hostile.json", text.as_bytes())]);
    let started = std::time::Instant::now();
    let run = ramguard_in(&dir, &["lint", "--format", "json", "hostile.json"], None);
    assert!(started.elapsed().as_secs() < 30, "took {:?}", started.elapsed());
    assert_eq!(run.code, 1);
    assert_eq!(json(&run.stdout)["diagnostics"][0]["name"], "policy-too-large");
}
