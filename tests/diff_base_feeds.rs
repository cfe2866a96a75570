#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test fails loudly"
)]
//! `diff --base` and the files that feed a policy without being one (notes/hostile.md, item 5):
//! the target of `file()` / `templatefile()` in an unchanged `.tf` file is compared as a file of
//! its own (as `lint` lints it), or said as not compared when it holds no document; a changed
//! Terraform variables file is said as not compared, so a check is uncertain (exit 3). Before,
//! each of these changes passed, `0 new, 0 removed`, exit 0, under every check.

mod common;

use common::repo::{Repo, allow, documents, strings};

const DESCRIBE: &str = "kvstore:DescribeInstances";
const DELETE: &str = "kvstore:DeleteInstance";

/// A repository with `main.tf` reading `policy.tpl` with `file()` and `q.json.tpl` with
/// `templatefile()` (hostile repo `g3`), both granting DescribeInstances, committed.
fn templated(name: &str) -> Repo {
    let repo = Repo::new(name);
    repo.write(
        "main.tf",
        "resource \"alicloud_ram_policy\" \"p\" {\n  policy_name     = \"p\"\n  policy_document = file(\"${path.module}/policy.tpl\")\n}\nresource \"alicloud_ram_policy\" \"q\" {\n  policy_name     = \"q\"\n  policy_document = templatefile(\"${path.module}/policies/q.json.tpl\", {})\n}\n",
    );
    repo.write("policy.tpl", &allow(DESCRIBE));
    repo.write("policies/q.json.tpl", &allow(DESCRIBE));
    repo.write("README.md", "# policies\n");
    repo.commit_all();
    repo
}

#[test]
fn a_file_target_that_grants_delete_is_new_access() {
    let repo = templated("file");
    repo.write("policy.tpl", &allow(DELETE));
    for staged in [false, true] {
        let mut args = vec!["diff", "--base", "HEAD", "--fail-on-new-access"];
        if staged {
            repo.git(&["add", "policy.tpl"]);
            args.push("--staged");
        }
        let (code, value) = repo.json(&args);
        assert_eq!(code, 1, "{value}");
        assert_eq!(
            documents(&value),
            [(
                "policy.tpl".into(),
                "modified".into(),
                strings(&[DELETE]),
                strings(&[DESCRIBE]),
                vec![]
            )],
            "{value}"
        );
    }
}

#[test]
fn a_templatefile_target_that_grants_delete_fails_the_checks() {
    let repo = templated("templatefile");
    repo.write("policies/q.json.tpl", &allow(DELETE));
    let (code, value) = repo.json(&["diff", "--base", "HEAD", "--fail-on-new-access"]);
    assert_eq!(code, 1, "{value}");
    assert_eq!(
        documents(&value),
        [(
            "policies/q.json.tpl".into(),
            "modified".into(),
            strings(&[DELETE]),
            strings(&[DESCRIBE]),
            vec![]
        )],
        "{value}"
    );
    let (code, out, err) = repo.run(&["diff", "--base", "HEAD", "--deny-access", DELETE]);
    assert_eq!(code, 1, "{out}{err}");
    // Run from the folder: the target is found whatever the working directory.
    let (code, out, err) = repo.run(&["diff", "--base", "HEAD", "--fail-on-new-access", "policies"]);
    assert_eq!(code, 1, "{out}{err}");
}

#[test]
fn a_target_read_from_another_folder_is_followed() {
    let repo = Repo::new("parent");
    repo.write(
        "infra/prod/main.tf",
        "resource \"alicloud_ram_policy\" \"p\" {\n  policy_name     = \"p\"\n  policy_document = templatefile(\"../shared/p.json.tpl\", { region = \"cn-hangzhou\" })\n}\n",
    );
    repo.write("infra/shared/p.json.tpl", &allow(DESCRIBE));
    repo.commit_all();
    repo.write("infra/shared/p.json.tpl", &allow(DELETE));
    let (code, out, err) = repo.run(&["diff", "--base", "HEAD", "--fail-on-new-access"]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("`kvstore:DeleteInstance` on `*`"), "{out}");
}

#[test]
fn a_target_that_holds_no_document_is_said_as_not_compared() {
    let repo = Repo::new("values");
    repo.write(
        "main.tf",
        "resource \"alicloud_ram_policy\" \"p\" {\n  policy_name     = \"p\"\n  policy_document = jsonencode({\n    Version   = \"1\"\n    Statement = [{ Effect = \"Allow\", Action = [\"kvstore:DeleteInstance\"], Resource = split(\"\\n\", trimspace(file(\"${path.module}/arns.txt\"))) }]\n  })\n}\n",
    );
    repo.write("arns.txt", "acs:kvstore:cn-hangzhou:1234567890123456:instance/r-dev1\n");
    repo.commit_all();
    repo.write("arns.txt", "*\n");
    let (code, value) = repo.json(&["diff", "--base", "HEAD", "--fail-on-new-access"]);
    assert_eq!(code, 3, "{value}");
    let shown = documents(&value);
    assert_eq!(shown.len(), 1, "{value}");
    assert_eq!((shown[0].0.as_str(), shown[0].1.as_str()), ("arns.txt", "not-compared"));
    assert!(
        shown[0]
            .4
            .iter()
            .any(|l| l.contains("`file(\"arns.txt\")` in HEAD:main.tf reads it")),
        "{value}"
    );
}

#[test]
fn a_changed_variables_file_makes_a_check_uncertain() {
    let repo = Repo::new("tfvars");
    repo.write(
        "main.tf",
        "variable \"arns\" {\n  type = list(string)\n}\nresource \"alicloud_ram_policy\" \"p\" {\n  policy_name     = \"p\"\n  policy_document = jsonencode({\n    Version = \"1\"\n    Statement = [{ Effect = \"Allow\", Action = [\"kvstore:DeleteInstance\"], Resource = var.arns }]\n  })\n}\n",
    );
    repo.write(
        "terraform.tfvars",
        "arns = [\"acs:kvstore:cn-hangzhou:1234567890123456:instance/r-dev1\"]\n",
    );
    repo.write(
        "env/prod.auto.tfvars.json",
        "{\"arns\": [\"acs:kvstore:cn-hangzhou:1234567890123456:instance/r-dev1\"]}\n",
    );
    repo.commit_all();
    repo.write("terraform.tfvars", "arns = [\"*\"]\n");
    let (code, value) = repo.json(&[
        "diff",
        "--base",
        "HEAD",
        "--fail-on-new-access",
        "--deny-access",
        "kvstore:DeleteInstance@acs:kvstore:*:*:instance/r-prod*",
    ]);
    assert_eq!(code, 3, "{value}");
    let shown = documents(&value);
    assert_eq!(shown.len(), 1, "{value}");
    assert_eq!(
        (shown[0].0.as_str(), shown[0].1.as_str()),
        ("terraform.tfvars", "not-compared")
    );
    assert!(
        shown[0]
            .4
            .iter()
            .any(|l| l.contains("terraform.tfvars changed: the values of Terraform variables")),
        "{value}"
    );
    // Staged, and in JSON syntax.
    repo.git(&["checkout", "--", "terraform.tfvars"]);
    repo.write("env/prod.auto.tfvars.json", "{\"arns\": [\"*\"]}\n");
    repo.git(&["add", "env"]);
    let (code, out, err) = repo.run(&["diff", "--base", "HEAD", "--staged", "--fail-on-new-access"]);
    assert_eq!(code, 3, "{out}{err}");
    assert!(out.contains("env/prod.auto.tfvars.json changed"), "{out}");
}

#[test]
fn an_unrelated_change_adds_nothing() {
    let repo = templated("unrelated");
    repo.write("README.md", "# policies\n\nSee policy.tpl and policies/q.json.tpl.\n");
    // Same name as a target, in a folder no `.tf` file reads it from.
    repo.write("other/policy.tpl", &allow(DELETE));
    let (code, value) = repo.json(&["diff", "--base", "HEAD", "--fail-on-new-access"]);
    assert_eq!(code, 0, "{value}");
    assert_eq!(documents(&value), [], "{value}");
}

#[test]
fn a_changed_variable_default_or_local_that_a_document_uses_makes_a_check_uncertain() {
    let repo = Repo::new("defaults");
    repo.write(
        "main.tf",
        "resource \"alicloud_ram_policy\" \"p\" {\n  policy_name     = \"p\"\n  policy_document = jsonencode({\n    Version = \"1\"\n    Statement = [{ Effect = \"Allow\", Action = [\"kvstore:DeleteInstance\"], Resource = concat(var.arns, local.more) }]\n  })\n  tags = local.tags\n}\n",
    );
    let variables = |arns: &str, more: &str, tags: &str| {
        format!(
            "variable \"arns\" {{\n  type    = list(string)\n  default = [\"{arns}\"]\n}}\nlocals {{\n  more = [\"{more}\"]\n  tags = {{ team = \"{tags}\" }}\n}}\n"
        )
    };
    let dev = "acs:kvstore:cn-hangzhou:1234567890123456:instance/r-dev1";
    repo.write("variables.tf", &variables(dev, dev, "ops"));
    repo.commit_all();

    // A local no document mentions: nothing to say.
    repo.write("variables.tf", &variables(dev, dev, "platform"));
    let (code, value) = repo.json(&["diff", "--base", "HEAD", "--fail-on-new-access"]);
    assert_eq!((code, documents(&value)), (0, vec![]), "{value}");

    for (arns, more, named) in [("*", dev, "`var.arns`"), (dev, "*", "`local.more`")] {
        repo.write("variables.tf", &variables(arns, more, "ops"));
        let (code, value) = repo.json(&["diff", "--base", "HEAD", "--fail-on-new-access"]);
        assert_eq!(code, 3, "{value}");
        let shown = documents(&value);
        assert_eq!(shown.len(), 1, "{value}");
        assert_eq!(
            (shown[0].0.as_str(), shown[0].1.as_str()),
            ("variables.tf", "not-compared")
        );
        assert!(
            shown[0]
                .4
                .iter()
                .any(|l| l.contains(&format!("variables.tf changes the value of {named}"))),
            "{value}"
        );
    }
}

#[test]
fn a_variable_that_is_a_document_is_compared_as_one() {
    let repo = Repo::new("document-default");
    let policy = |action: &str| {
        format!(
            "variable \"policy\" {{\n  default = <<EOT\n{}EOT\n}}\nresource \"alicloud_ram_policy\" \"p\" {{\n  policy_name     = \"p\"\n  policy_document = var.policy\n}}\n",
            allow(action)
        )
    };
    repo.write("main.tf", &policy(DESCRIBE));
    repo.commit_all();
    repo.write("main.tf", &policy(DELETE));
    let (code, value) = repo.json(&["diff", "--base", "HEAD", "--fail-on-new-access"]);
    assert_eq!(code, 1, "{value}");
    let shown = documents(&value);
    assert!(
        shown
            .iter()
            .all(|d| !d.4.iter().any(|l| l.contains("changes the value of"))),
        "{value}"
    );
}

#[test]
fn a_variable_used_through_a_local_is_followed() {
    let repo = Repo::new("through-local");
    repo.write(
        "main.tf",
        "locals {\n  targets = [for arn in var.arns : arn]\n}\ndata \"alicloud_ram_policy_document\" \"d\" {\n  statement {\n    effect   = \"Allow\"\n    action   = [\"kvstore:DeleteInstance\"]\n    resource = local.targets\n  }\n}\n",
    );
    let variables = |arns: &str| format!("variable \"arns\" {{\n  default = [\"{arns}\"]\n}}\n");
    repo.write(
        "variables.tf",
        &variables("acs:kvstore:cn-hangzhou:1234567890123456:instance/r-dev1"),
    );
    repo.commit_all();
    repo.write("variables.tf", &variables("*"));
    repo.git(&["add", "variables.tf"]);
    let (code, out, err) = repo.run(&["diff", "--base", "HEAD", "--staged", "--fail-on-new-access"]);
    assert_eq!(code, 3, "{out}{err}");
    assert!(out.contains("variables.tf changes the value of `var.arns`"), "{out}");
}

#[test]
fn a_document_that_names_another_unknown_value_is_not_a_clean_pass() {
    let repo = Repo::new("other-unknown");
    let policy = |instance: &str| {
        format!(
            "resource \"alicloud_ram_policy\" \"p\" {{\n  policy_name     = \"p\"\n  policy_document = jsonencode({{\n    Version   = \"1\"\n    Statement = [{{ Effect = \"Allow\", Action = [\"kvstore:DeleteInstance\"], Resource = [\"acs:kvstore:*:*:instance/${{alicloud_kvstore_instance.{instance}.id}}\"] }}]\n  }})\n}}\n"
        )
    };
    repo.write("main.tf", &policy("dev"));
    repo.commit_all();
    // Unchanged: compared, and equal.
    let (code, value) = repo.json(&["diff", "--base", "HEAD", "--fail-on-new-access"]);
    assert_eq!((code, documents(&value)), (0, vec![]), "{value}");
    repo.write("main.tf", &policy("prod"));
    let (code, value) = repo.json(&["diff", "--base", "HEAD", "--fail-on-new-access"]);
    assert_eq!(code, 3, "{value}");
    let shown = documents(&value);
    assert_eq!(shown.len(), 1, "{value}");
    assert!(
        shown[0].4.iter().any(
            |l| l.contains("the values only Terraform knows differ between OLD and NEW")
                && l.contains("alicloud_kvstore_instance.prod.id")
        ),
        "{value}"
    );
}

#[test]
fn a_module_call_or_a_variable_it_passes_feeds_the_modules_documents() {
    let repo = Repo::new("module");
    repo.write(
        "modules/kv/main.tf",
        "variable \"targets\" {\n  type = list(string)\n}\nresource \"alicloud_ram_policy\" \"p\" {\n  policy_name     = \"p\"\n  policy_document = jsonencode({\n    Version   = \"1\"\n    Statement = [{ Effect = \"Allow\", Action = [\"kvstore:DeleteInstance\"], Resource = var.targets }]\n  })\n}\n",
    );
    let root = |targets: &str, arns: &str| {
        format!(
            "variable \"arns\" {{\n  default = [\"{arns}\"]\n}}\nmodule \"kv\" {{\n  source  = \"./modules/kv\"\n  targets = {targets}\n}}\n"
        )
    };
    let dev = "acs:kvstore:cn-hangzhou:1234567890123456:instance/r-dev1";
    repo.write("main.tf", &root("var.arns", dev));
    repo.commit_all();
    // The default of a variable the call passes.
    repo.write("main.tf", &root("var.arns", "*"));
    let (code, out, err) = repo.run(&["diff", "--base", "HEAD", "--fail-on-new-access"]);
    assert_eq!(code, 3, "{out}{err}");
    assert!(out.contains("main.tf changes the value of `var.arns`"), "{out}");
    // The call's argument itself.
    repo.write("main.tf", &root("[\"*\"]", dev));
    let (code, out, err) = repo.run(&["diff", "--base", "HEAD", "--fail-on-new-access"]);
    assert_eq!(code, 3, "{out}{err}");
    assert!(out.contains("main.tf changes the value of `module.kv`"), "{out}");
}

/// The same two feeds in Terraform's JSON syntax (hostile repos `g1`–`g3` of a later test): a
/// `templatefile()` target read from a `.tf.json` string, and a `.tf.json` variable default a
/// document uses (its own file in `.tf` or `.tf.json`). Each passed, `0 new`, exit 0.
#[test]
fn feeds_written_in_terraform_json_are_followed() {
    let repo = Repo::new("json-feeds");
    repo.write(
        "main.tf.json",
        r#"{"resource": {"alicloud_ram_policy": {
  "p": {"policy_name": "p", "policy_document": "${templatefile(\"q.json.tpl\", {})}"},
  "v": {"policy_name": "v", "policy_document": "{\"Version\":\"1\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"${var.act}\",\"Resource\":\"*\"}]}"}
}}}"#,
    );
    repo.write("q.json.tpl", &allow(DESCRIBE));
    let variables = |action: &str| format!(r#"{{"variable": {{"act": {{"default": "{action}"}}}}}}"#);
    repo.write("vars.tf.json", &variables(DESCRIBE));
    repo.commit_all();

    repo.write("q.json.tpl", &allow(DELETE));
    let (code, value) = repo.json(&["diff", "--base", "HEAD", "--fail-on-new-access"]);
    assert_eq!(code, 1, "{value}");
    assert_eq!(documents(&value)[0].0, "q.json.tpl", "{value}");
    repo.write("q.json.tpl", &allow(DESCRIBE));

    repo.write("vars.tf.json", &variables("kvstore:*"));
    let (code, value) = repo.json(&["diff", "--base", "HEAD", "--fail-on-new-access"]);
    assert_eq!(code, 3, "{value}");
    let shown = documents(&value);
    assert!(
        shown.iter().any(|d| d
            .4
            .iter()
            .any(|l| l.contains("vars.tf.json changes the value of `var.act`"))),
        "{value}"
    );
}
