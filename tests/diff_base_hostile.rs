#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test fails loudly"
)]
//! `diff --base` against what a hostile test found (notes/hostile.md, items 4 and 6): files
//! that share a git blob each get their content; a changed file git tracks is compared whatever
//! `.gitignore` says; a changed policy that `ramguard.toml`'s `[[ignore]]` skips is said as not
//! compared, so a check over it is uncertain (exit 3), never a clean pass.

use serde_json::Value;

mod common;

use common::repo::{Repo, allow, documents, strings};

// Item 6: `blobs.remove(id)` gave a blob shared by several files to the first one only; the
// others were compared as new documents with a false "larger than the input size limit".

#[test]
fn changed_files_with_the_same_old_content_each_compare_with_it() {
    let repo = Repo::new("same-old");
    for file in ["a.json", "b.json", "c.json", "d.json"] {
        repo.write(file, &allow("kvstore:DescribeInstances"));
    }
    repo.commit_all();
    repo.write("a.json", &allow("kvstore:DescribeInstanceAttribute"));
    repo.write("b.json", &allow("kvstore:DescribeInstanceAttribute"));
    repo.write("c.json", &allow("kvstore:DeleteInstance"));
    std::fs::remove_file(repo.dir.join("d.json")).unwrap();

    let (code, value) = repo.json(&["diff", "--base", "HEAD", "--fail-on-new-access"]);
    assert_eq!(code, 1, "{value}");
    let described = strings(&["kvstore:DescribeInstances"]);
    assert_eq!(
        documents(&value),
        [
            (
                "a.json".into(),
                "modified".into(),
                strings(&["kvstore:DescribeInstanceAttribute"]),
                described.clone(),
                vec![]
            ),
            (
                "b.json".into(),
                "modified".into(),
                strings(&["kvstore:DescribeInstanceAttribute"]),
                described.clone(),
                vec![]
            ),
            (
                "c.json".into(),
                "modified".into(),
                strings(&["kvstore:DeleteInstance"]),
                described.clone(),
                vec![]
            ),
            // A deleted file keeps the access it removes.
            ("d.json".into(), "deleted".into(), vec![], described, vec![]),
        ],
        "{value}"
    );
    let (_, out, _) = repo.run(&["diff", "--base", "HEAD"]);
    assert!(!out.contains("input size limit"), "{out}");
    assert!(!out.contains("(no document) -> "), "no file is new: {out}");
}

#[test]
fn staged_files_with_the_same_content_are_each_compared() {
    let repo = Repo::new("same-new");
    repo.write("old.json", &allow("kvstore:DescribeInstances"));
    repo.commit_all();
    // Two identical new files, and a rename: the new file's blob is the deleted one's.
    repo.write("x.json", &allow("kvstore:DeleteInstance"));
    repo.write("y.json", &allow("kvstore:DeleteInstance"));
    repo.git(&["mv", "old.json", "renamed.json"]);
    repo.git(&["add", "--all"]);

    let (code, out, err) = repo.run(&["diff", "--base", "HEAD", "--staged", "--fail-on-new-access"]);
    assert_eq!(code, 1, "a failed check, not a refusal: {out}{err}");
    assert!(
        !err.contains("input size limit") && !out.contains("input size limit"),
        "{out}{err}"
    );
    let (_, value) = repo.json(&["diff", "--base", "HEAD", "--staged"]);
    let delete = strings(&["kvstore:DeleteInstance"]);
    let described = strings(&["kvstore:DescribeInstances"]);
    assert_eq!(
        documents(&value),
        [
            ("old.json".into(), "deleted".into(), vec![], described.clone(), vec![]),
            ("renamed.json".into(), "added".into(), described, vec![], vec![]),
            ("x.json".into(), "added".into(), delete.clone(), vec![], vec![]),
            ("y.json".into(), "added".into(), delete, vec![], vec![]),
        ],
        "{value}"
    );
}

#[test]
fn the_size_limit_is_said_only_of_a_blob_over_it() {
    let repo = Repo::new("size");
    let small = allow("kvstore:DescribeInstances");
    let large = format!("{}{}", small.trim_end(), " ".repeat(400));
    repo.write("a.json", &small);
    repo.write("b.json", &small);
    repo.write("large.json", &large);
    repo.commit_all();
    for file in ["a.json", "b.json", "large.json"] {
        repo.write(file, &allow("kvstore:DeleteInstance"));
    }
    let limit = small.len().max(allow("kvstore:DeleteInstance").len()).to_string();
    let (code, out, err) = repo.run_with(
        &[("RAMGUARD_MAX_INPUT_SIZE", &limit)],
        &["diff", "--base", "HEAD", "--format", "json"],
    );
    assert_eq!(code, 0, "{err}");
    let value: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
    let limited: Vec<(String, usize)> = documents(&value)
        .into_iter()
        .map(|(file, _, _, _, limits)| {
            (
                file,
                limits
                    .iter()
                    .filter(|l| l.contains("larger than the input size limit"))
                    .count(),
            )
        })
        .collect();
    assert_eq!(
        limited,
        [("a.json".into(), 0), ("b.json".into(), 0), ("large.json".into(), 1)],
        "{value}"
    );
}

// Item 4: changed files that `.gitignore` or `[[ignore]]` matched were dropped without a word,
// and the run passed (exit 0) under every check.

#[test]
fn a_tracked_file_that_gitignore_matches_is_compared() {
    let repo = Repo::new("gitignore");
    repo.write("policies/p.json", &allow("kvstore:DescribeInstances"));
    repo.commit_all();
    repo.write("policies/p.json", &allow("kvstore:DeleteInstance"));
    repo.write(".gitignore", "policies/\n");
    // Untracked and ignored: git leaves it out, and so does the comparison.
    repo.write("policies/untracked.json", &allow("*"));

    let checks = ["--fail-on-new-access", "--deny-access", "kvstore:DeleteInstance"];
    for paths in [&[][..], &["policies"][..], &["."][..]] {
        let mut args = vec!["diff", "--base", "HEAD"];
        args.extend(checks);
        args.extend(paths);
        let (code, out, _) = repo.run(&args);
        assert_eq!(code, 1, "{paths:?}: {out}");
        assert!(out.contains("+ `kvstore:DeleteInstance` on `*`"), "{out}");
        assert!(!out.contains("untracked.json"), "{out}");
    }

    // The same change, committed as a pre-commit hook would see it.
    repo.git(&["add", ".gitignore"]);
    repo.git(&["add", "--force", "policies/p.json"]);
    let mut args = vec!["diff", "--base", "HEAD", "--staged"];
    args.extend(checks);
    let (code, out, _) = repo.run(&args);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("HEAD:policies/p.json -> policies/p.json (staged)\n"),
        "{out}"
    );
}

#[test]
fn a_changed_policy_that_ramguard_toml_skips_is_said_and_leaves_the_checks_uncertain() {
    let repo = Repo::new("config-ignore");
    repo.write("policies/p.json", &allow("kvstore:DescribeInstances"));
    repo.write("policies/package.json", "{\"name\": \"x\"}\n");
    repo.commit_all();
    // The change widens the policy and skips it in the same breath.
    repo.write("policies/p.json", &allow("kvstore:DeleteInstance"));
    repo.write("policies/package.json", "{\"name\": \"y\"}\n");
    repo.write(
        "ramguard.toml",
        "[[ignore]]\npath = \"policies/**\"\nreason = \"legacy\"\n",
    );

    let note = "policies/p.json: skipped by the `[[ignore]]` of `policies/**` in ramguard.toml (reason: `legacy`), so not compared; name the file to compare it";
    let (code, value) = repo.json(&["diff", "--base", "HEAD"]);
    assert_eq!(code, 0, "no check, nothing failed: {value}");
    assert_eq!(
        documents(&value),
        [(
            "policies/p.json".into(),
            "not-compared".into(),
            vec![],
            vec![],
            strings(&[note])
        )],
        "a package.json is plainly no policy and stays skipped: {value}"
    );
    assert_eq!(value["documents"][0]["old_file"], "HEAD:policies/p.json");
    assert_eq!(value["documents"][0]["new_file"], "policies/p.json");

    for check in [
        &["--fail-on-new-access"][..],
        &["--deny-access", "kvstore:DeleteInstance"][..],
    ] {
        let mut args = vec!["diff", "--base", "HEAD"];
        args.extend(check);
        let (code, out, _) = repo.run(&args);
        assert_eq!(code, 3, "{check:?}: {out}");
        assert!(
            out.contains("HEAD:policies/p.json -> policies/p.json\n  not compared\n"),
            "{out}"
        );
        assert!(out.contains(&format!("  note: {note}\n")), "{out}");
        assert!(out.contains("uncertain: "), "{out}");
    }

    // Staged, a new file under the ignored folder too.
    repo.write("policies/new.json", &allow("*"));
    repo.git(&["add", "--all"]);
    let (code, value) = repo.json(&["diff", "--base", "HEAD", "--staged", "--fail-on-new-access"]);
    assert_eq!(code, 3, "{value}");
    let shown: Vec<(String, String)> = documents(&value).into_iter().map(|d| (d.0, d.1)).collect();
    assert_eq!(
        shown,
        [
            ("policies/new.json".into(), "not-compared".into()),
            ("policies/p.json".into(), "not-compared".into()),
        ],
        "{value}"
    );
    assert_eq!(value["summary"]["uncertain"], true);
    assert_eq!(value["documents"][0]["old_file"], Value::Null);
    assert_eq!(value["documents"][0]["new_file"], "policies/new.json (staged)");

    // A file named on the command line is compared, as the note says.
    let (code, out, _) = repo.run(&["diff", "--base", "HEAD", "--fail-on-new-access", "policies/p.json"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("+ `kvstore:DeleteInstance` on `*`"), "{out}");
}

/// A file that only attaches policies holds no document, but detaching a guard grants what it
/// denied: said, never a clean pass under a check (it was skipped, exit 0).
#[test]
fn a_changed_attachment_is_said() {
    let repo = Repo::new("attachment");
    let attachment = |policy: &str| {
        format!(
            "resource \"alicloud_ram_user_policy_attachment\" \"guard\" {{\n  policy_name = \"{policy}\"\n  policy_type = \"Custom\"\n  user_name   = \"ops\"\n}}\n"
        )
    };
    repo.write("attachments.tf", &attachment("guard"));
    repo.commit_all();
    repo.write("attachments.tf", &attachment("nothing"));
    let (code, out, err) = repo.run_with(&[], &["diff", "--base", "HEAD", "--fail-on-new-access"]);
    assert_eq!(code, 3, "{out}{err}");
    assert!(
        out.contains("the policy attachments `alicloud_ram_user_policy_attachment.guard` differ"),
        "{out}"
    );
    // Layout alone is no change.
    repo.write(
        "attachments.tf",
        &attachment("guard")
            .replace("  user_name   =", "  user_name =")
            .replace("\n}", "\n\n}"),
    );
    let (code, out, err) = repo.run_with(&[], &["diff", "--base", "HEAD", "--fail-on-new-access"]);
    assert_eq!(code, 0, "{out}{err}");
}

/// Terraform merges an override file into the module's other files: removing one that narrowed
/// `kvstore:*` grants it again, though the change alone reads "removed". Said, and uncertain;
/// `simulate` refuses a file of such a module (what applies is not its text).
#[test]
fn an_override_file_is_said_and_its_module_not_evaluated_file_by_file() {
    let repo = Repo::new("override");
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/terraform-override");
    for name in ["main.tf", "main_override.tf"] {
        repo.write(name, &std::fs::read_to_string(root.join(name)).unwrap());
    }
    repo.commit_all();
    repo.git(&["rm", "--quiet", "main_override.tf"]);
    let (code, out, err) = repo.run_with(&[], &["diff", "--base", "HEAD", "--fail-on-new-access"]);
    assert_eq!(code, 3, "{out}{err}");
    assert!(out.contains("`main_override.tf` is a Terraform override file"), "{out}");

    let (code, out, err) = common::run(&[
        "simulate",
        "--policy",
        "tests/fixtures/terraform-override/main.tf",
        "--action",
        "kvstore:DeleteInstance",
        "--resource",
        "*",
    ]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(err.contains("override file"), "{err}");
}

/// A provider's `assume_role { policy }` is a session policy: it narrows what the role may do.
/// Removing it grants more, though it reads as access removed: said, and uncertain (exit 0).
#[test]
fn a_session_policy_removed_is_never_only_access_removed() {
    let repo = Repo::new("session");
    let provider = |policy: &str| {
        format!(
            "provider \"alicloud\" {{\n  region = \"cn-hangzhou\"\n  assume_role {{\n    role_arn = \"acs:ram::1234567890123456:role/ops\"\n{policy}  }}\n}}\n"
        )
    };
    repo.write(
        "providers.tf",
        &provider("    policy   = jsonencode({ Version = \"1\", Statement = [{ Effect = \"Allow\", Action = \"kvstore:Describe*\", Resource = \"*\" }] })\n"),
    );
    repo.commit_all();
    repo.write("providers.tf", &provider(""));
    let (code, out, err) = repo.run_with(&[], &["diff", "--base", "HEAD", "--fail-on-new-access"]);
    assert_eq!(code, 3, "{out}{err}");
    assert!(out.contains("this is a session policy"), "{out}");
}
