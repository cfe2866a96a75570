#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test fails loudly"
)]
//! Issue 10, section 3: `ramguard diff --base REV [PATH]...` and `--staged` against throwaway git
//! repositories; documents matched by address; SARIF and GitHub output; `[diff]` in
//! ramguard.toml.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

mod common;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/diff-base");

fn fixture(name: &str) -> String {
    std::fs::read_to_string(Path::new(FIXTURES).join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

use common::repo::Repo;

/// (file, status, new actions) of each compared document.
fn documents(value: &Value) -> Vec<(String, String, Vec<String>)> {
    common::repo::documents(value)
        .into_iter()
        .map(|(file, status, new, _, _)| (file, status, new))
        .collect()
}

fn files(value: &Value) -> Vec<String> {
    documents(value).into_iter().map(|d| d.0).collect()
}

/// A repository with a read-only policy committed, and files that `lint`'s walk passes over.
fn repository(name: &str) -> Repo {
    let repo = Repo::new(name);
    repo.write("policies/ops.json", &fixture("describe.json"));
    repo.write("policies/unchanged-broken.json", &fixture("broken.json"));
    repo.write("policies/gone.json", &fixture("all.json"));
    repo.write("package.json", "{\"name\": \"x\"}\n");
    repo.commit_all();
    repo
}

#[test]
fn the_work_tree_against_a_revision_compares_only_the_changed_policies() {
    let repo = repository("worktree");
    // Widened, new, deleted; a policy that is broken but unchanged is never read (it would be
    // refused, exit 2); files lint's walk skips are skipped here too.
    repo.write("policies/ops.json", &fixture("all.json"));
    repo.write("policies/new.json", &fixture("describe.json"));
    std::fs::remove_file(repo.dir.join("policies/gone.json")).unwrap();
    repo.write("package.json", "{\"name\": \"y\"}\n");
    repo.write(".hidden/p.json", &fixture("all.json"));
    repo.write(".gitignore", "ignored/\n");
    repo.write("ignored/p.json", &fixture("all.json"));
    repo.write(
        "ramguard.toml",
        "[[ignore]]\npath = \"skipped/**\"\nreason = \"generated\"\n",
    );
    repo.write("skipped/p.json", &fixture("all.json"));

    let (code, value) = repo.json(&["diff", "--base", "HEAD"]);
    assert_eq!(code, 0, "{value}");
    let docs = documents(&value);
    let shown: Vec<(&str, &str, usize)> = docs.iter().map(|(f, s, n)| (f.as_str(), s.as_str(), n.len())).collect();
    let describe_actions = docs[1].2.len();
    assert_eq!(
        shown,
        [
            ("policies/gone.json", "deleted", 0),
            ("policies/new.json", "added", describe_actions),
            ("policies/ops.json", "modified", 176 - describe_actions),
            // Skipped by `[[ignore]]`: said, not compared (tests/diff_base_hostile.rs).
            ("skipped/p.json", "not-compared", 0),
        ],
        "{value}"
    );
    assert!(describe_actions > 0);
    let gone = &value["documents"][0];
    assert_eq!(
        gone["removed"].as_array().map(Vec::len),
        Some(176),
        "all of a deleted file's access is removed"
    );
    assert_eq!(gone["old_file"], "HEAD:policies/gone.json");
    assert_eq!(
        value["documents"][1]["old_file"],
        Value::Null,
        "a new file is compared with nothing"
    );
    assert!(docs[2].2.contains(&"kvstore:DeleteInstance".to_string()));

    let (code, out, _) = repo.run(&["diff", "--base", "HEAD", "--fail-on-new-access"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("HEAD:policies/ops.json -> policies/ops.json\n"), "{out}");
    assert!(
        out.contains("+ `kvstore:DeleteInstance` on `*` (allowed by statement 1 of policies/ops.json:5)"),
        "{out}"
    );
    assert!(out.contains("HEAD:policies/gone.json -> (no document)\n"), "{out}");
    assert!(out.contains("(no document) -> policies/new.json\n"), "{out}");

    // A PATH narrows the walk; from a subfolder, paths are shown from there.
    let (_, value) = repo.json(&["diff", "--base", "HEAD", "policies/ops.json"]);
    assert_eq!(files(&value), ["policies/ops.json"]);
    let (code, out, err) = repo.run_in("policies", &["diff", "--base", "HEAD", "--format", "json", "."]);
    assert_eq!(code, 0, "{err}");
    let value: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(files(&value), ["gone.json", "new.json", "ops.json"]);
    // A file named on the command line is read even where the walk would skip it.
    let (_, value) = repo.json(&["diff", "--base", "HEAD", "ignored/p.json"]);
    assert_eq!(files(&value), ["ignored/p.json"]);
}

#[test]
fn staged_compares_the_index_not_the_work_tree() {
    let repo = repository("staged");
    repo.write("policies/ops.json", &fixture("all.json"));
    repo.git(&["add", "policies/ops.json"]);
    // The work tree narrows it again, unstaged: `--staged` sees what the commit would record.
    repo.write("policies/ops.json", &fixture("describe.json"));

    let (code, out, _) = repo.run(&["diff", "--base", "HEAD", "--staged", "--fail-on-new-access"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("HEAD:policies/ops.json -> policies/ops.json (staged)\n"),
        "{out}"
    );
    assert!(out.contains("+ `kvstore:DeleteInstance` on `*`"), "{out}");

    let (code, out, _) = repo.run(&["diff", "--base", "HEAD", "--fail-on-new-access"]);
    assert_eq!(code, 0, "the work tree equals HEAD: {out}");
    assert!(out.contains("0 new, 0 removed"), "{out}");

    // An untracked file is not in the index.
    repo.write("policies/untracked.json", &fixture("all.json"));
    let (_, value) = repo.json(&["diff", "--base", "HEAD", "--staged"]);
    assert_eq!(files(&value), ["policies/ops.json"]);
}

#[test]
fn outside_a_repository_or_with_an_unknown_revision_it_cannot_run() {
    let dir = std::env::temp_dir().join(format!("ramguard-diff-base-norepo-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_ramguard"))
        .args(["diff", "--base", "HEAD"])
        .current_dir(&dir)
        .env("GIT_CEILING_DIRECTORIES", std::env::temp_dir())
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("is not inside a git work tree"), "{err}");

    let repo = repository("badrev");
    let (code, _, err) = repo.run(&["diff", "--base", "no-such-branch"]);
    assert_eq!(code, 2);
    assert!(err.contains("`no-such-branch` is not a revision git knows"), "{err}");
    // Never passed to git as an option.
    let (code, _, err) = repo.run(&["diff", "--base=--output=/tmp/x"]);
    assert_eq!(code, 2);
    assert!(err.contains("is not a revision"), "{err}");
    let (code, _, err) = repo.run(&["diff", "--base", "HEAD", "nowhere.json"]);
    assert_eq!(code, 2);
    assert!(err.contains("nowhere.json: no such file or directory"), "{err}");
    let (code, _, err) = repo.run(&["diff", "--staged", "a.json"]);
    assert_eq!(code, 2, "{err}");
    let (code, _, err) = repo.run(&["diff", "only-one.json"]);
    assert_eq!(code, 2);
    assert!(err.contains("compares two files"), "{err}");
}

#[test]
fn a_broken_new_policy_is_refused_and_a_broken_old_one_counts_as_nothing() {
    let repo = repository("broken");
    repo.write("policies/ops.json", &fixture("broken.json"));
    repo.write("policies/new.json", &fixture("all.json"));
    let (code, out, err) = repo.run(&["diff", "--base", "HEAD"]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(
        err.contains("duplicate-key") && err.contains("policies/ops.json"),
        "{err}"
    );
    assert!(
        out.contains("(no document) -> policies/new.json"),
        "the other files are reported: {out}"
    );

    // Fixing it: the old version cannot be read, so everything the fix allows counts as new.
    repo.commit_all();
    repo.write("policies/ops.json", &fixture("describe.json"));
    std::fs::remove_file(repo.dir.join("policies/new.json")).unwrap();
    let (code, out, _) = repo.run(&["diff", "--base", "HEAD", "--fail-on-new-access", "policies/ops.json"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("note: HEAD:policies/ops.json is compared as no policy at all"),
        "{out}"
    );
}

#[test]
fn documents_of_a_terraform_file_are_matched_by_address() {
    let repo = Repo::new("terraform");
    repo.write("main.tf", &fixture("two.tf"));
    repo.commit_all();
    repo.write("main.tf", &fixture("two-widened.tf"));
    let (code, value) = repo.json(&["diff", "--base", "HEAD"]);
    assert_eq!(code, 0, "{value}");
    let by_address: Vec<(String, String, Vec<String>)> = value["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["address"].as_str().unwrap_or_default().to_string(),
                d["status"].as_str().unwrap_or_default().to_string(),
                d["new"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|c| c["witness"]["action"].as_str().unwrap_or_default().to_string())
                    .collect(),
            )
        })
        .collect();
    let expected = |a: &str, s: &str, n: &[&str]| {
        (
            a.to_string(),
            s.to_string(),
            n.iter().map(|x| x.to_string()).collect::<Vec<_>>(),
        )
    };
    assert_eq!(
        by_address,
        [
            expected("alicloud_ram_policy.ops", "modified", &["kvstore:DeleteInstance"]),
            expected("alicloud_ram_policy.reader", "modified", &[]),
            expected("alicloud_ram_policy.extra", "added", &["kvstore:FlushInstance"]),
        ],
        "moved in the file, matched by name: {value}"
    );
    let (_, out, _) = repo.run(&["diff", "--base", "HEAD"]);
    assert!(
        out.contains("HEAD:main.tf -> main.tf: `alicloud_ram_policy.ops`\n  + `kvstore:DeleteInstance` on `*` (allowed by statement 1 of main.tf:5)"),
        "{out}"
    );

    // The same, for two files named on the command line.
    let (code, out, err) = repo.run(&[
        "diff",
        &format!("{FIXTURES}/two.tf"),
        &format!("{FIXTURES}/two-widened.tf"),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("2 new, 0 removed"), "{out}");
}

#[test]
fn documents_that_cannot_be_told_apart_are_refused() {
    let repo = Repo::new("ambiguous");
    repo.write("main.tf", &fixture("two.tf"));
    repo.write("versions.json", &fixture("describe.json"));
    repo.commit_all();
    repo.write("main.tf", &fixture("same-address.tf"));
    repo.write("versions.json", &fixture("several-versions.json"));
    let (code, out, err) = repo.run(&["diff", "--base", "HEAD"]);
    assert_eq!(code, 2, "{out}{err}");
    // A resource declared twice is refused by the lint of the file (Terraform refuses it too).
    assert!(
        err.contains("the resource `alicloud_ram_policy.ops` is declared twice in this file"),
        "{err}"
    );
    assert!(
        err.contains("versions.json: the file carries several policy documents"),
        "{err}"
    );
    assert!(!out.contains("main.tf ->"), "never guessed: {out}");

    // One resource holding two documents (`policy_document` and its deprecated `document`).
    repo.write("main.tf", &fixture("both-attributes.tf"));
    repo.write("versions.json", &fixture("describe.json"));
    let (code, out, err) = repo.run(&["diff", "--base", "HEAD"]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(
        err.contains(
            "main.tf: two documents are named `alicloud_ram_policy.ops`: which to compare with which cannot be told"
        ),
        "{err}"
    );
}

#[test]
fn sarif_and_github_point_at_the_granting_statement() {
    let repo = repository("sarif");
    repo.write("policies/ops.json", &fixture("all.json"));
    let (code, out, err) = repo.run(&["diff", "--base", "HEAD", "--fail-on-new-access", "--format", "sarif"]);
    assert_eq!(code, 1, "{err}");
    let sarif: Value = serde_json::from_str(&out).unwrap();
    let run = &sarif["runs"][0];
    let results = run["results"].as_array().unwrap();
    let errors: Vec<&Value> = results.iter().filter(|r| r["level"] == "error").collect();
    let warnings: Vec<&Value> = results.iter().filter(|r| r["level"] == "warning").collect();
    assert_eq!(errors.len(), 1, "{out}");
    assert_eq!(errors[0]["ruleId"], "failed-check");
    assert!(warnings.iter().all(|r| r["ruleId"] == "new-access"));
    assert!(warnings.iter().any(|r| {
        r["message"]["text"]
            .as_str()
            .unwrap()
            .contains("`kvstore:DeleteInstance` on `*`")
    }));
    for result in results {
        let rule = &run["tool"]["driver"]["rules"][result["ruleIndex"].as_u64().unwrap() as usize];
        assert_eq!(rule["id"], result["ruleId"]);
        let location = &result["locations"][0]["physicalLocation"];
        assert_eq!(location["artifactLocation"]["uri"], "policies/ops.json");
        // The statement's `Effect` value: line 5, column 17 of all.json.
        assert_eq!(
            (
                location["region"]["startLine"].as_u64(),
                location["region"]["startColumn"].as_u64()
            ),
            (Some(5), Some(17))
        );
    }

    let (code, out, _) = repo.run(&["diff", "--base", "HEAD", "--fail-on-new-access", "--format", "github"]);
    assert_eq!(code, 1);
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines[0].starts_with("::error file=policies/ops.json,line=5,col=17,"),
        "{out}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("::warning file=policies/ops.json,line=5,col=17,")
                && l.contains("`kvstore:DeleteInstance` on `*`")),
        "{out}"
    );
}

#[test]
fn checks_come_from_the_configuration_too() {
    let repo = repository("config");
    repo.write(
        "ramguard.toml",
        "[diff]\nfail-on-new-access = true\ndeny-access = [\"kvstore:DeleteInstance@acs:kvstore:*:*:instance/prod-*\"]\n",
    );
    repo.commit_all();
    repo.write(
        "policies/ops.json",
        r#"{"Version": "1", "Statement": [{"Effect": "Allow", "Action": "kvstore:DeleteInstance", "Resource": "acs:kvstore:*:*:instance/test-*"}]}"#,
    );
    let (code, value) = repo.json(&["diff", "--base", "HEAD"]);
    assert_eq!(code, 1, "{value}");
    let checks: Vec<&str> = value["failed_checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["check"].as_str().unwrap())
        .collect();
    assert_eq!(checks, ["fail-on-new-access"], "test-* is not prod-*: {value}");
    assert!(
        value["failed_checks"][0]["message"]
            .as_str()
            .unwrap()
            .starts_with("fail-on-new-access (ramguard.toml): ")
    );

    repo.write(
        "policies/ops.json",
        r#"{"Version": "1", "Statement": [{"Effect": "Allow", "Action": "kvstore:DeleteInstance", "Resource": "acs:kvstore:cn-*:*:instance/*"}]}"#,
    );
    let (code, value) = repo.json(&["diff", "--base", "HEAD"]);
    assert_eq!(code, 1);
    let failed = &value["failed_checks"][1];
    assert_eq!(
        failed["check"], "deny-access kvstore:DeleteInstance@acs:kvstore:*:*:instance/prod-*",
        "{value}"
    );
    let arn = failed["witness"]["resource"].as_str().unwrap();
    assert!(
        arn.starts_with("acs:kvstore:cn-") && arn.contains(":instance/prod-"),
        "{arn}"
    );

    // The command line adds to it.
    let (_, value) = repo.json(&["diff", "--base", "HEAD", "--deny-access", "kvstore:DeleteInstance"]);
    assert_eq!(value["failed_checks"].as_array().map(Vec::len), Some(3), "{value}");

    // An unknown key of `[diff]` is an error with its place, as everywhere in the configuration.
    repo.write("ramguard.toml", "[diff]\nfail-on-new-acess = true\n");
    let (code, _, err) = repo.run(&["diff", "--base", "HEAD"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("unknown field `fail-on-new-acess`") && err.contains("ramguard.toml:2:1"),
        "{err}"
    );
    repo.write("ramguard.toml", "[diff]\ndeny-access = [\"kvstore:Delete*\"]\n");
    let (code, _, err) = repo.run(&["diff", "--base", "HEAD"]);
    assert_eq!(code, 2);
    assert!(err.contains("`kvstore:Delete*` is not a check"), "{err}");
}

#[test]
fn the_new_access_hook_runs_diff_against_the_index() {
    let hooks = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(".pre-commit-hooks.yaml")).unwrap();
    let hook = &hooks[hooks.find("- id: ramguard-new-access").expect("the hook")..];
    assert!(hook.contains("entry: ramguard diff --base HEAD --staged\n"), "{hook}");
    assert!(hook.contains("pass_filenames: false\n"), "{hook}");
    let e2e = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(".ci/pre-commit-e2e")).unwrap();
    assert!(e2e.contains("- id: ramguard-new-access"), "the e2e runs it");

    // What the hook runs, with `args: [--fail-on-new-access]`: the first commit (no HEAD yet)
    // is all new access; then a widening is blocked and a narrowing passes.
    let repo = Repo::new("hook");
    let hook_run = ["diff", "--base", "HEAD", "--staged", "--fail-on-new-access"];
    repo.write("ops.json", &fixture("describe.json"));
    repo.git(&["add", "ops.json"]);
    let (code, out, err) = repo.run(&hook_run);
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("(no document) -> ops.json (staged)"), "{out}");
    repo.commit_all();
    repo.write("ops.json", &fixture("all.json"));
    repo.git(&["add", "ops.json"]);
    let (code, out, _) = repo.run(&hook_run);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("+ `kvstore:DeleteInstance` on `*`"), "{out}");
    repo.commit_all();
    repo.write("ops.json", &fixture("describe.json"));
    repo.git(&["add", "ops.json"]);
    let (code, out, _) = repo.run(&hook_run);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("0 new, 105 removed"), "{out}");
}

#[test]
fn actions_of_a_service_without_a_catalogue_are_said_as_their_class() {
    let old = format!("{FIXTURES}/ecs-describe.json");
    let new = format!("{FIXTURES}/ecs-all.json");
    let repo = Repo::new("symbolic");
    let (code, out, err) = repo.run(&["diff", &old, &new]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("  + `ecs:` actions outside `ecs:Describe*` on `*` (allowed by statement 1 of "),
        "{out}"
    );
    assert!(!out.contains("otheraction"), "{out}");
    // JSON keeps a concrete witness, and says what it stands for.
    let (_, value) = repo.json(&["diff", &old, &new]);
    let change = &value["documents"][0]["new"][0];
    assert_eq!(change["witness"]["action"], "ecs:otheraction");
    assert_eq!(change["description"], "`ecs:` actions outside `ecs:Describe*`");
    // Swapped, the same class is removed; a name written literally stands for itself.
    let (_, out, _) = repo.run(&["diff", &new, &old]);
    assert!(
        out.contains("  - `ecs:` actions outside `ecs:Describe*` on `*`"),
        "{out}"
    );
    let literal = format!("{FIXTURES}/ecs-run.json");
    let (_, value) = repo.json(&["diff", &old, &literal]);
    let new_actions: Vec<(&str, &Value)> = value["documents"][0]["new"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["witness"]["action"].as_str().unwrap(), &c["description"]))
        .collect();
    assert_eq!(new_actions, [("ecs:runinstances", &Value::Null)], "{value}");
    let removed = &value["documents"][0]["removed"][0];
    assert_eq!(
        removed["description"], "`ecs:` actions matching `ecs:Describe*`",
        "{value}"
    );
}

/// A document only Terraform knows (here a reference) is said and makes the comparison not
/// exhaustive: `--fail-on-new-access` exits 3, never 0.
#[test]
fn a_document_only_terraform_knows_is_not_compared_and_said() {
    let dir = std::env::temp_dir().join(format!("ramguard-diff-unknown-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| unreachable!("{e}"));
    let old = dir.join("old.tf");
    let new = dir.join("new.tf");
    std::fs::write(
        &old,
        "resource \"alicloud_ram_policy\" \"p\" {\n  policy_document = jsonencode({ Version = \"1\", Statement = [{ Effect = \"Allow\", Action = \"kvstore:DescribeInstances\", Resource = \"*\" }] })\n}\n",
    )
    .unwrap_or_else(|e| unreachable!("{e}"));
    std::fs::write(
        &new,
        "resource \"alicloud_ram_policy\" \"p\" {\n  policy_document = var.doc\n}\n",
    )
    .unwrap_or_else(|e| unreachable!("{e}"));
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_ramguard"))
        .args(["diff", "--fail-on-new-access", "--color", "never"])
        .arg(&old)
        .arg(&new)
        .output()
        .unwrap_or_else(|e| unreachable!("{e}"));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(3), "{stdout}");
    assert!(
        stdout.contains("the reference `var.doc`") && stdout.contains("not compared"),
        "{stdout}"
    );
    // `--deny-access` likewise: the document it would check was not compared; GitHub's log
    // says the note and the verdict.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_ramguard"))
        .args(["diff", "--deny-access", "kvstore:DeleteInstance", "--format", "github"])
        .arg(&old)
        .arg(&new)
        .output()
        .unwrap_or_else(|e| unreachable!("{e}"));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(3), "{stdout}");
    assert!(stdout.contains("::notice title=ramguard diff%3A note::"), "{stdout}");
    assert!(
        stdout.contains("::warning title=ramguard diff%3A uncertain::"),
        "{stdout}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A document that only Terraform knows on one side was not removed (or added): what the other
/// side's document of that address allows is no change to list, and the document's status says
/// it was not compared. Either way round, `--fail-on-new-access` is uncertain (3), not failed.
#[test]
fn a_known_document_against_an_unknown_one_is_neither_new_nor_removed() {
    let dir = std::env::temp_dir().join(format!("ramguard-diff-unknown-side-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| unreachable!("{e}"));
    let known = dir.join("known.tf");
    let unknown = dir.join("unknown.tf");
    std::fs::write(
        &known,
        "resource \"alicloud_ram_policy\" \"p\" {\n  policy_document = jsonencode({ Version = \"1\", Statement = [{ Effect = \"Allow\", Action = \"kvstore:DescribeInstances\", Resource = \"*\" }] })\n}\n",
    )
    .unwrap_or_else(|e| unreachable!("{e}"));
    std::fs::write(
        &unknown,
        "resource \"alicloud_ram_policy\" \"p\" {\n  policy_document = var.doc\n}\n",
    )
    .unwrap_or_else(|e| unreachable!("{e}"));
    for (old, new) in [(&known, &unknown), (&unknown, &known)] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_ramguard"))
            .args(["diff", "--fail-on-new-access", "--format", "json"])
            .arg(old)
            .arg(new)
            .output()
            .unwrap_or_else(|e| unreachable!("{e}"));
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(3), "{stdout}");
        let value: serde_json::Value = serde_json::from_str(&stdout).unwrap_or_else(|e| unreachable!("{e}: {stdout}"));
        let documents = value["documents"].as_array().cloned().unwrap_or_default();
        assert_eq!(documents.len(), 1, "{stdout}");
        assert_eq!(documents[0]["address"], "alicloud_ram_policy.p", "{stdout}");
        assert_eq!(documents[0]["status"], "not-compared", "{stdout}");
        assert_eq!(documents[0]["new"], serde_json::json!([]), "{stdout}");
        assert_eq!(documents[0]["removed"], serde_json::json!([]), "{stdout}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// `diff OLD NEW` takes `FILE#ADDRESS` on each side: the two picked documents are compared
/// with each other whatever their names; an address the file does not hold is refused.
#[test]
fn diff_of_two_files_picks_documents_by_address() {
    let dir = std::env::temp_dir().join(format!("ramguard-diff-address-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| unreachable!("{e}"));
    let tf = dir.join("main.tf");
    std::fs::write(
        &tf,
        "resource \"alicloud_ram_policy\" \"ops\" {\n  policy_document = jsonencode({ Version = \"1\", Statement = [{ Effect = \"Allow\", Action = \"kvstore:*\", Resource = \"*\" }] })\n}\nlocals {\n  p = jsonencode({ Version = \"1\", Statement = [{ Effect = \"Allow\", Action = \"kvstore:DescribeInstances\", Resource = \"*\" }] })\n}\n",
    )
    .unwrap_or_else(|e| unreachable!("{e}"));
    let run = |old: &str, new: &str| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_ramguard"))
            .args(["diff", "--fail-on-new-access", "--color", "never"])
            .arg(format!("{}#{old}", tf.display()))
            .arg(format!("{}#{new}", tf.display()))
            .output()
            .unwrap_or_else(|e| unreachable!("{e}"));
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
        )
    };
    let (code, out) = run("local.p", "alicloud_ram_policy.ops");
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("175 new, 0 removed"), "{out}");
    let (code, out) = run("alicloud_ram_policy.ops", "local.p");
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("0 new, 175 removed"), "{out}");
    let (code, out) = run("local.nope", "local.p");
    assert_eq!(code, Some(2), "{out}");
    assert!(out.contains("no policy document at `local.nope`"), "{out}");
    // Another document of the file that is broken refuses only itself; one only Terraform
    // knows is said, not compared (uncertain under a check), never all removed.
    let text = std::fs::read_to_string(&tf).unwrap_or_else(|e| unreachable!("{e}"))
        + "resource \"alicloud_ram_policy\" \"broken\" {\n  policy_document = jsonencode({ Version = \"1\", Statement = [{ Effect = \"allow\", Action = \"kvstore:*\", Resource = \"*\" }] })\n}\nresource \"alicloud_ram_policy\" \"unknown\" {\n  policy_document = var.doc\n}\n";
    std::fs::write(&tf, text).unwrap_or_else(|e| unreachable!("{e}"));
    let (code, out) = run("local.p", "alicloud_ram_policy.ops");
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("175 new, 0 removed"), "{out}");
    let (code, out) = run("alicloud_ram_policy.broken", "local.p");
    assert_eq!(code, Some(2), "{out}");
    assert!(out.contains("`allow` is not an effect"), "{out}");
    let (code, out) = run("local.p", "alicloud_ram_policy.unknown");
    assert_eq!(code, Some(3), "{out}");
    assert!(
        out.contains("not compared") && out.contains("0 new, 0 removed"),
        "{out}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
