//! Terraform files (`.tf`): every form of a RAM policy document is found, and its findings point
//! at exact lines and columns of the `.tf` file; a document with a value only Terraform knows
//! gets one `terraform-unknown-value` info finding and no other.

#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test fails loudly"
)]

mod common;

use common::findings::{documents, render};
use std::path::Path;

use ramguard::inputs::{self, policy_file::Content};
use ramguard::lint;
use ramguard::rules::{Finding, Severity};
use ramguard::settings::Settings;
use ramguard::source::SourceFile;

fn fixture(name: &str) -> (std::sync::Arc<SourceFile>, Content<'static>, Vec<Finding>) {
    common::findings::lint_fixture("terraform", name)
}

#[test]
fn every_form_is_linted_at_exact_positions() {
    for (name, expected_documents) in [
        ("locals_heredoc.tf", 1),
        ("indented_heredoc.tf", 1),
        ("quoted_string.tf", 1),
        ("jsonencode.tf", 1),
        ("attributes.tf", 5),
        ("broken_json.tf", 0),
        ("duplicate_hcl_key.tf", 0),
        ("data_source.tf", 4),
        ("legacy_statements.tf", 2),
        ("unknown.tf", 7),
    ] {
        let (source, content, findings) = fixture(name);
        assert_eq!(documents(&content), expected_documents, "{name}");
        insta::assert_snapshot!(name, render(&source, &findings));
    }
}

#[test]
fn unknown_values_give_the_info_finding_once_per_document_and_no_false_error() {
    let (source, _, findings) = fixture("unknown.tf");
    let rendered = render(&source, &findings);
    // What is known is linted: `"Effect": "allow"` is wrong whatever Terraform fills in.
    assert!(
        findings.iter().all(
            |f| (f.rule.name == "terraform-unknown-value" && f.severity == Severity::Info)
                || (f.rule.name == "invalid-effect" && source.line_col(f.span.start).0 == 5)
        ),
        "{rendered}"
    );
    // locals: 6 documents; the variable default, the output, the module argument, and two
    // document attributes; and the `allow`.
    assert_eq!(findings.len(), 12, "{rendered}");
}

#[test]
fn a_file_with_no_document_is_not_a_policy() {
    let (_, content, findings) = fixture("no_document.tf");
    assert!(matches!(content, Content::NotPolicy(_)), "{content:?}");
    assert!(findings.is_empty());
}

#[test]
fn lint_walks_terraform_files_and_counts_their_documents() {
    let (code, stdout, stderr) = common::run(&["lint", "--format", "json", "--no-ignore", "tests/fixtures/terraform"]);
    assert_eq!(code, 1, "{stderr}");
    let out: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let summary = &out["summary"];
    assert_eq!(summary["files"], 12, "{summary}");
    assert_eq!(summary["skipped"], 1, "{summary}");
    // `documents` counts the documents of every form (the JSON reporter prints it once the
    // summary field lands; the count is the library's).
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let report = lint::lint_paths(
        &[root.join("tests/fixtures/terraform")],
        &ramguard::config::Config::default(),
        root,
        lint::LintOptions { no_ignore: true },
    )
    .unwrap();
    // Documents with parts only Terraform knows are linted (and counted) for what is known.
    assert_eq!(report.documents, 24);
    assert_eq!(report.skipped, 1);
    let first = out["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["file"] == "tests/fixtures/terraform/indented_heredoc.tf")
        .unwrap();
    assert_eq!(
        (first["line"].clone(), first["column"].clone()),
        (10.into(), 23.into()),
        "{first}"
    );
}

#[test]
fn hostile_terraform_is_a_finding_not_a_crash() {
    for text in [
        format!("x = {}1{}\n", "[".repeat(100_000), "]".repeat(100_000)),
        format!("x = jsonencode({}{})\n", "{a = ".repeat(50_000), "}".repeat(50_000)),
        "x = <<EOF\n{\"Statement\": [\nEOF\n".to_string(),
        "x = \"\\uD800\"\n".to_string(),
        "resource \"alicloud_ram_policy\" \"p\" {\n  policy_document = <<-EOF\n\t \u{3000}{\"a\":\n  EOF\n}\n"
            .to_string(),
    ] {
        let file = inputs::read_policy_file("hostile.tf".into(), text.into_bytes());
        let findings = lint::lint_file(&file, &Settings::default(), "hostile.tf").unwrap_or_default();
        assert!(
            findings.iter().any(|f| f.severity == Severity::Error),
            "{:?}",
            findings.iter().map(|f| &f.message).collect::<Vec<_>>()
        );
    }
}

/// The place a document stands in says what it is: a role's `assume_role_policy_document` is a
/// trust policy even without a `Principal` (which is then missing), and `alicloud_ram_policy`'s
/// `policy_document` a permission policy even when it looks like a trust policy.
#[test]
fn the_attribute_says_whether_a_document_is_a_trust_policy() {
    let (_, _, findings) = fixture("slots.tf");
    let found: Vec<(&str, &str)> = findings.iter().map(|f| (f.rule.name, &*f.message)).collect();
    assert!(
        found.contains(&("missing-element", "statement 1 has no `Principal`")),
        "{found:?}"
    );
    assert!(
        found.contains(&("principal-in-permission-policy", "`Principal` in a permission policy")),
        "{found:?}"
    );
}

/// Terraform ends a heredoc at the first line that is its marker once trimmed of white space
/// (Unicode's); ramguard's HCL parser (hcl-edit) at a line that starts with the marker after
/// spaces and tabs (`EOT # note`). Where they differ the two read different files — a document
/// Terraform applies would not be the one linted — so the file is refused, never passed.
#[test]
fn a_heredoc_terraform_ends_elsewhere_refuses_the_file() {
    let (source, content, findings) = fixture("heredoc_end_differs.tf");
    assert!(matches!(content, Content::Unparsed), "{content:?}");
    let rendered = render(&source, &findings);
    assert!(
        rendered.contains(
            "5:1-5:61 RG001 invalid-json error: Terraform and ramguard's HCL parser end this heredoc on different lines"
        ),
        "{rendered}"
    );
    let (code, out, err) = common::run(&[
        "simulate",
        "--policy",
        "tests/fixtures/terraform/heredoc_end_differs.tf",
        "--action",
        "kvstore:DeleteInstance",
        "--resource",
        "*",
    ]);
    assert_eq!(code, 2, "{out}{err}");

    // A form feed before the marker ends it for Terraform only: the statement after is its.
    let text = "resource \"alicloud_ram_policy\" \"p\" {\n  description = <<EOT\n\u{c}EOT\n  policy_document = \"{}\"\nEOT\n}\n";
    let (_, content, findings) = common::findings::lint_bytes("smuggled.tf", text.as_bytes().to_vec());
    assert!(matches!(content, Content::Unparsed), "{content:?}");
    assert!(findings.iter().any(|f| f.severity == Severity::Error));
}

/// Terraform reads past a byte-order mark: so does ramguard, at the same positions.
#[test]
fn a_byte_order_mark_is_read_past() {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/terraform/locals_heredoc.tf"),
    )
    .unwrap();
    let (plain_source, plain_content, plain) = fixture("locals_heredoc.tf");
    let (marked_source, marked_content, marked) = common::findings::lint_bytes(
        "tests/fixtures/terraform/locals_heredoc.tf",
        format!("\u{feff}{text}").into_bytes(),
    );
    assert_eq!(documents(&marked_content), documents(&plain_content));
    assert!(!plain.is_empty());
    // Three bytes later, on the same lines and columns but the first line's.
    let shifted: Vec<(usize, usize, &str)> = plain
        .iter()
        .map(|f| (f.span.start + 3, f.span.end + 3, f.rule.name))
        .collect();
    let read: Vec<(usize, usize, &str)> = marked.iter().map(|f| (f.span.start, f.span.end, f.rule.name)).collect();
    assert_eq!(
        read,
        shifted,
        "{}\n{}",
        render(&plain_source, &plain),
        render(&marked_source, &marked)
    );
}

/// `alicloud_ram_role`'s deprecated `ram_users` and `services` are a trust policy: the provider
/// assembles one statement allowing `sts:AssumeRole` to them (`AssembleRolePolicyDocument`).
/// Unread, a new account added to `ram_users` passed `lint` and `diff` as nothing.
#[test]
fn a_role_s_ram_users_and_services_are_its_trust_policy() {
    let text = "resource \"alicloud_ram_role\" \"ops\" {\n  role_name = \"ops\"\n  services  = [\"ecs.aliyuncs.com\"]\n  ram_users = [\"acs:ram::999999999999999:root\", var.extra]\n}\nresource \"alicloud_ram_role\" \"svc\" {\n  role_name = \"svc\"\n  services  = [\"fc.aliyuncs.com\"]\n  ram_users = []\n  version   = \"1\"\n}\n";
    let (source, content, findings) = common::findings::lint_bytes("roles.tf", text.as_bytes().to_vec());
    let Content::Documents(read) = &content else {
        panic!("{content:?}")
    };
    let written: Vec<(Option<&str>, String)> = read
        .iter()
        .map(|d| (d.address(), ramguard::json::written_without_layout(&d.root)))
        .collect();
    assert_eq!(
        written,
        [
            (
                Some("alicloud_ram_role.ops"),
                r#"{"Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":["acs:ram::999999999999999:root",<the reference `var.extra`>],"Service":["ecs.aliyuncs.com"]}}],"Version":"1"}"#.to_string()
            ),
            (
                Some("alicloud_ram_role.svc"),
                r#"{"Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"Service":["fc.aliyuncs.com"]}}],"Version":"1"}"#.to_string()
            ),
        ]
    );
    assert!(
        read.iter()
            .all(|d| d.kind_hint() == Some(ramguard::policy::PolicyKind::Trust))
    );
    // The unknown is said, once; nothing else.
    let rendered = render(&source, &findings);
    assert_eq!(findings.len(), 1, "{rendered}");
    assert!(rendered.contains("RG021"), "{rendered}");

    // Adding an account to `ram_users` is never "no change".
    let role = |users: &str| {
        format!("resource \"alicloud_ram_role\" \"ops\" {{\n  role_name = \"ops\"\n  ram_users = [{users}]\n}}\n")
    };
    let (code, out, err) = diff_files(
        "role-users",
        &role("\"acs:ram::111111111111111:root\""),
        &role("\"acs:ram::111111111111111:root\", \"acs:ram::999999999999999:root\""),
    );
    assert_ne!(code, 0, "{out}{err}");
    assert!(out.contains("alicloud_ram_role.ops"), "{out}");
}

/// The same in Terraform's JSON syntax: `ram_users` and `services` were not read there, and
/// adding an account to `ram_users` passed `diff --fail-on-new-access` (exit 0).
#[test]
fn a_role_s_ram_users_and_services_are_its_trust_policy_in_terraform_json() {
    let text = r#"{"resource": {"alicloud_ram_role": {
  "ops": {"role_name": "ops", "services": ["ecs.aliyuncs.com"], "ram_users": ["acs:ram::999999999999999:root"]},
  "svc": {"role_name": "svc", "ram_users": [], "services": ["fc.aliyuncs.com"], "version": "1"},
  "late": {"role_name": "late", "ram_users": "${var.users}"}
}}}"#;
    let (source, content, findings) = common::findings::lint_bytes("roles.tf.json", text.as_bytes().to_vec());
    let Content::Documents(read) = &content else {
        panic!("{content:?}")
    };
    let written: Vec<(Option<&str>, String)> = read
        .iter()
        .map(|d| (d.address(), ramguard::json::written_without_layout(&d.root)))
        .collect();
    assert_eq!(
        written,
        [
            (
                Some("alicloud_ram_role.ops"),
                r#"{"Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":["acs:ram::999999999999999:root"],"Service":["ecs.aliyuncs.com"]}}],"Version":"1"}"#.to_string()
            ),
            (
                Some("alicloud_ram_role.svc"),
                r#"{"Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"Service":["fc.aliyuncs.com"]}}],"Version":"1"}"#.to_string()
            ),
        ]
    );
    assert!(
        read.iter()
            .all(|d| d.kind_hint() == Some(ramguard::policy::PolicyKind::Trust))
    );
    // The unknown list is said, once, as the interpolation it is; nothing else.
    let rendered = render(&source, &findings);
    assert_eq!(findings.len(), 1, "{rendered}");
    assert!(
        rendered.contains("RG021") && rendered.contains("${var.users}") && !rendered.contains("more unknown"),
        "{rendered}"
    );

    let role = |users: &str| {
        format!(r#"{{"resource": {{"alicloud_ram_role": {{"ops": {{"role_name": "ops", "ram_users": [{users}]}}}}}}}}"#)
    };
    let (code, out, err) = diff_files_as(
        "role-users-json",
        "tf.json",
        &role("\"acs:ram::111111111111111:root\""),
        &role("\"acs:ram::111111111111111:root\", \"acs:ram::999999999999999:root\""),
    );
    assert_ne!(code, 0, "{out}{err}");
    assert!(out.contains("alicloud_ram_role.ops"), "{out}");
}

/// `--policy FILE.tf.json#ADDRESS` with a document only Terraform knows elsewhere in the file:
/// its unknown was taken for every address's (`.tf.json` had no regions), and `simulate`
/// refused the known one as "two policy documents that differ".
#[test]
fn an_address_of_terraform_json_is_told_from_the_file_s_other_unknowns() {
    let dir = std::env::temp_dir().join(format!("ramguard-tf-json-address-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("main.tf.json");
    std::fs::write(
        &path,
        r#"{"resource": {"alicloud_ram_policy": {
  "ops": {"policy_name": "ops", "policy_document": "{\"Version\":\"1\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"kvstore:DeleteInstance\",\"Resource\":\"*\"}]}"},
  "late": {"policy_name": "late", "policy_document": "${var.doc}"}
}}}"#,
    )
    .unwrap();
    let simulate = |address: &str| {
        common::run(&[
            "simulate",
            "--policy",
            &format!("{}#{address}", path.display()),
            "--action",
            "kvstore:DeleteInstance",
            "--resource",
            "acs:kvstore:cn-hangzhou:1234567890123456:instance/r-1",
        ])
    };
    let (code, out, err) = simulate("alicloud_ram_policy.ops");
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.starts_with("allowed"), "{out}{err}");
    let (code, out, err) = simulate("alicloud_ram_policy.late");
    assert_eq!(code, 3, "{out}{err}");
    assert!(
        out.starts_with("conditional") && out.contains("${var.doc}"),
        "{out}{err}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

/// Two `condition` blocks of one operator and variable: the provider appends the values of the
/// second to the first's when each has several (its `MarshalJSON`), and overwrites (or panics)
/// when one has a single value, in an order it does not promise. Merged in the first case; a
/// `duplicate-key` error in the second (it was an error in both).
#[test]
fn repeated_condition_blocks_render_as_the_provider_renders_them() {
    let data = |first: &str, second: &str| {
        format!(
            "data \"alicloud_ram_policy_document\" \"d\" {{\n  statement {{\n    action   = [\"kvstore:DescribeInstances\"]\n    resource = [\"*\"]\n    condition {{\n      operator = \"IpAddress\"\n      variable = \"acs:SourceIp\"\n      values   = [{first}]\n    }}\n    condition {{\n      operator = \"IpAddress\"\n      variable = \"acs:SourceIp\"\n      values   = [{second}]\n    }}\n  }}\n}}\n"
        )
    };
    let text = data(
        "\"10.0.0.0/8\", \"172.16.0.0/12\"",
        "\"192.168.0.0/16\", \"127.0.0.0/8\"",
    );
    let (source, content, findings) = common::findings::lint_bytes("data.tf", text.into_bytes());
    let Content::Documents(read) = &content else {
        panic!("{content:?}")
    };
    let written = ramguard::json::written_without_layout(&read[0].root);
    assert!(
        written.contains(r#""Condition":{"IpAddress":{"acs:SourceIp":["10.0.0.0/8","172.16.0.0/12","192.168.0.0/16","127.0.0.0/8"]}}"#),
        "{written}"
    );
    assert!(findings.is_empty(), "{}", render(&source, &findings));

    let text = data("\"10.0.0.0/8\"", "\"192.168.0.0/16\", \"127.0.0.0/8\"");
    let (source, _, findings) = common::findings::lint_bytes("data.tf", text.into_bytes());
    assert!(
        findings
            .iter()
            .any(|f| f.rule.name == "duplicate-key" && f.severity == Severity::Error),
        "{}",
        render(&source, &findings)
    );
}

/// The same rendering in Terraform's JSON syntax (which pushed both, a false `duplicate-key`),
/// and a repeated block whose `values` only Terraform knows (`var.x`: whether the provider
/// appends or overwrites is unknown): the unknown list, never a false `duplicate-key`.
#[test]
fn repeated_condition_blocks_with_unknown_or_json_values_are_no_false_error() {
    let json = |first: &str| {
        format!(
            r#"{{"data": {{"alicloud_ram_policy_document": {{"d": {{"statement": [{{"action": ["kvstore:DescribeInstances"], "resource": ["*"],
  "condition": [{{"operator": "IpAddress", "variable": "acs:SourceIp", "values": [{first}]}},
                {{"operator": "IpAddress", "variable": "acs:SourceIp", "values": ["192.168.0.0/16", "127.0.0.0/8"]}}]}}]}}}}}}}}"#
        )
    };
    let (source, content, findings) =
        common::findings::lint_bytes("data.tf.json", json("\"10.0.0.0/8\", \"172.16.0.0/12\"").into_bytes());
    let Content::Documents(read) = &content else {
        panic!("{content:?}")
    };
    let written = ramguard::json::written_without_layout(&read[0].root);
    assert!(
        written.contains(r#""Condition":{"IpAddress":{"acs:SourceIp":["10.0.0.0/8","172.16.0.0/12","192.168.0.0/16","127.0.0.0/8"]}}"#),
        "{written}"
    );
    assert!(findings.is_empty(), "{}", render(&source, &findings));
    // One value: the provider overwrites, in an order it does not promise.
    let (source, _, findings) = common::findings::lint_bytes("data.tf.json", json("\"10.0.0.0/8\"").into_bytes());
    assert!(
        findings.iter().any(|f| f.rule.name == "duplicate-key"),
        "{}",
        render(&source, &findings)
    );

    for (first, second) in [
        ("var.x", "[\"10.0.0.0/8\", \"192.168.0.0/16\"]"),
        ("[\"10.0.0.0/8\", \"192.168.0.0/16\"]", "var.x"),
    ] {
        let text = format!(
            "data \"alicloud_ram_policy_document\" \"d\" {{\n  statement {{\n    action   = [\"kvstore:DescribeInstances\"]\n    resource = [\"*\"]\n    condition {{\n      operator = \"IpAddress\"\n      variable = \"acs:SourceIp\"\n      values   = {first}\n    }}\n    condition {{\n      operator = \"IpAddress\"\n      variable = \"acs:SourceIp\"\n      values   = {second}\n    }}\n  }}\n}}\n"
        );
        let (source, content, findings) = common::findings::lint_bytes("data.tf", text.into_bytes());
        let rendered = render(&source, &findings);
        assert!(!findings.iter().any(|f| f.rule.name == "duplicate-key"), "{rendered}");
        assert!(rendered.contains("RG021") && rendered.contains("var.x"), "{rendered}");
        let Content::Documents(read) = &content else {
            panic!("{content:?}")
        };
        let written = ramguard::json::written_without_layout(&read[0].root);
        assert!(
            written.contains(r#""Condition":{"IpAddress":{"acs:SourceIp":<the reference `var.x`>}}"#),
            "{written}"
        );
    }
}

/// A resource, data source or local value declared twice in one file: Terraform refuses the
/// configuration, and which document it would apply is no one's to say — a `duplicate-key`
/// error at the second, never a clean pass (both documents were linted, exit 0).
#[test]
fn a_block_or_local_declared_twice_is_an_error() {
    let policy = "resource \"alicloud_ram_policy\" \"p\" {\n  policy_document = \"{\\\"Version\\\":\\\"1\\\",\\\"Statement\\\":[{\\\"Effect\\\":\\\"Allow\\\",\\\"Action\\\":\\\"ecs:DescribeInstances\\\",\\\"Resource\\\":\\\"*\\\"}]}\"\n}\n";
    let locals = "locals {\n  a = 1\n}\nlocals {\n  a = 2\n}\n";
    let text = format!(
        "{policy}{policy}{locals}data \"alicloud_ram_policy_document\" \"p\" {{\n  statement {{\n    action = [\"ecs:DescribeInstances\"]\n  }}\n}}\nvariable \"v\" {{}}\nvariable \"v\" {{}}\nmodule \"m\" {{}}\nmodule \"m\" {{}}\n"
    );
    let (source, _, findings) = common::findings::lint_bytes("twice.tf", text.into_bytes());
    let rendered = render(&source, &findings);
    let twice: Vec<&str> = rendered.lines().filter(|l| l.contains("RG002")).collect();
    assert_eq!(
        twice,
        [
            "4:1-4:9 RG002 duplicate-key error: the resource `alicloud_ram_policy.p` is declared twice in this file: Terraform refuses the configuration [resource]",
            "11:3-11:4 RG002 duplicate-key error: the local value `local.a` is declared twice in this file: Terraform refuses the configuration [a]",
            "19:1-19:9 RG002 duplicate-key error: the variable `var.v` is declared twice in this file: Terraform refuses the configuration [variable]",
            "21:1-21:7 RG002 duplicate-key error: the module call `module.m` is declared twice in this file: Terraform refuses the configuration [module]",
        ],
        "{rendered}"
    );
}

/// The same in Terraform's JSON syntax, where a name may also hold an array of bodies (a block
/// each): both were linted, exit 0. A name written twice as a key of one object is the reader's
/// own `duplicate-key`, said once.
#[test]
fn a_block_or_local_declared_twice_in_terraform_json_is_an_error() {
    let body = r#"{"policy_document": "{\"Version\":\"1\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"ecs:DescribeInstances\",\"Resource\":\"*\"}]}"}"#;
    let text = format!(
        "{{\n\"resource\": {{\"alicloud_ram_policy\": {{\"p\": [\n{body},\n{body}]}}}},\n\"data\": [{{\"alicloud_ram_policy_document\": {{\"d\": {{\"statement\": [{{\"action\": [\"ecs:DescribeInstances\"]}}]}}}}}},\n {{\"alicloud_ram_policy_document\": {{\"d\": {{}}}}}}],\n\"locals\": {{\"a\": 1,\n\"a\": 2}},\n\"output\": {{\"a\": {{\"value\": 1}}, \"b\": {{\"value\": 1}}}},\n\"variable\": {{\"v\": [{{}}, {{}}]}}\n}}\n"
    );
    let (source, _, findings) = common::findings::lint_bytes("twice.tf.json", text.into_bytes());
    let rendered = render(&source, &findings);
    let twice: Vec<&str> = rendered.lines().filter(|l| l.contains("RG002")).collect();
    assert_eq!(
        twice,
        [
            "4:1-4:2 RG002 duplicate-key error: the resource `alicloud_ram_policy.p` is declared twice in this file: Terraform refuses the configuration [{]",
            "6:36-6:39 RG002 duplicate-key error: the data source `data.alicloud_ram_policy_document.d` is declared twice in this file: Terraform refuses the configuration [\"d\"]",
            "8:1-8:4 RG002 duplicate-key error: `a` appears twice in one object [\"a\"]",
            "10:24-10:25 RG002 duplicate-key error: the variable `var.v` is declared twice in this file: Terraform refuses the configuration [{]",
        ],
        "{rendered}"
    );
}

/// A ROS template in `alicloud_ros_stack.template_body` that holds RAM resources: their documents
/// are not linted inside a Terraform file, which is said (a warning), and `diff` says a changed
/// one is not compared (it passed as nothing: `lint` skipped the file, `diff` exited 0).
#[test]
fn a_ros_template_embedded_in_terraform_is_said() {
    let stack = |action: &str| {
        format!(
            "resource \"alicloud_ros_stack\" \"s\" {{\n  stack_name    = \"s\"\n  template_body = jsonencode({{\n    ROSTemplateFormatVersion = \"2015-09-01\"\n    Resources = {{\n      P = {{\n        Type = \"ALIYUN::RAM::ManagedPolicy\"\n        Properties = {{\n          PolicyName     = \"p\"\n          PolicyDocument = {{ Version = \"1\", Statement = [{{ Effect = \"Allow\", Action = \"{action}\", Resource = \"*\" }}] }}\n        }}\n      }}\n    }}\n  }})\n}}\n"
        )
    };
    let (source, _, findings) =
        common::findings::lint_bytes("stack.tf", stack("kvstore:DescribeInstances").into_bytes());
    let rendered = render(&source, &findings);
    assert!(
        rendered.contains("3:19-14:5 RG020 unrecognised-document warning: this ROS template holds RAM resources"),
        "{rendered}"
    );
    let (code, out, err) = diff_files("ros-stack", &stack("kvstore:DescribeInstances"), &stack("*"));
    assert_eq!(code, 3, "{out}{err}");
    assert!(
        out.contains("the ROS templates `alicloud_ros_stack.s.template_body` differ"),
        "{out}"
    );
}

/// `diff --fail-on-new-access OLD NEW` of two `.tf` texts, written to a fresh folder (`name`
/// tells the tests apart): exit code, stdout, stderr.
/// The same in Terraform's JSON syntax, with a policy attachment beside it: `.tf.json` files had
/// no attachments, so that detaching a guard and widening the embedded template to `*` passed
/// `diff --fail-on-new-access` (exit 0), and `lint` skipped the file.
#[test]
fn a_ros_template_and_an_attachment_in_terraform_json_are_said() {
    let file = |attachment: bool, action: &str| {
        let guard = r#""alicloud_ram_user_policy_attachment": {"guard": {"policy_name": "deny-delete", "policy_type": "Custom", "user_name": "ops"}},"#;
        format!(
            r#"{{"resource": {{{}
 "alicloud_ros_stack": {{"s": {{"stack_name": "s", "template_body": "{{\"ROSTemplateFormatVersion\":\"2015-09-01\",\"Resources\":{{\"P\":{{\"Type\":\"ALIYUN::RAM::ManagedPolicy\",\"Properties\":{{\"PolicyName\":\"p\",\"PolicyDocument\":{{\"Version\":\"1\",\"Statement\":[{{\"Effect\":\"Allow\",\"Action\":\"{action}\",\"Resource\":\"*\"}}]}}}}}}}}}}"}}}}}}}}"#,
            if attachment { guard } else { "" }
        )
    };
    let (source, _, findings) =
        common::findings::lint_bytes("stack.tf.json", file(true, "ecs:DescribeInstances").into_bytes());
    let rendered = render(&source, &findings);
    assert!(
        rendered.contains("2:67-2:350 RG020 unrecognised-document warning: this ROS template holds RAM resources"),
        "{rendered}"
    );
    for (old, new, note) in [
        (
            file(true, "ecs:DescribeInstances"),
            file(true, "*"),
            "the ROS templates `alicloud_ros_stack.s.template_body` differ",
        ),
        (
            file(true, "ecs:DescribeInstances"),
            file(false, "ecs:DescribeInstances"),
            "the policy attachments `alicloud_ram_user_policy_attachment.guard` differ",
        ),
    ] {
        let (code, out, err) = diff_files_as("ros-stack-json", "tf.json", &old, &new);
        assert_eq!(code, 3, "{out}{err}");
        assert!(out.contains(note), "{out}");
    }
}

/// A guard given `"count": 0` and a local a document reads, in Terraform's JSON syntax: neither
/// was said for `.tf.json` files, and the change passed `diff --fail-on-new-access` (exit 0).
#[test]
fn count_and_locals_of_terraform_json_are_said_by_diff() {
    let file = |count: &str, arn: &str| {
        format!(
            r#"{{"resource": {{"alicloud_ram_policy": {{"guard": {{{count}"policy_name": "guard", "policy_document": "{{\"Version\":\"1\",\"Statement\":[{{\"Effect\":\"Deny\",\"Action\":\"kvstore:DeleteInstance\",\"Resource\":\"*\"}}]}}"}},
 "ops": {{"policy_name": "ops", "policy_document": "{{\"Version\":\"1\",\"Statement\":[{{\"Effect\":\"Allow\",\"Action\":\"kvstore:*\",\"Resource\":\"${{local.arn}}\"}}]}}"}}}}}},
 "locals": {{"arn": "{arn}"}}}}"#
        )
    };
    let dev = "acs:kvstore:*:*:instance/r-dev";
    for (old, new, note) in [
        (
            file("", dev),
            file(r#""count": 0, "#, dev),
            "`alicloud_ram_policy.guard`'s `count` / `for_each` differ between OLD and NEW (none in OLD, `count = 0` in NEW)",
        ),
        (
            file("", dev),
            file("", "acs:kvstore:*:*:instance/*"),
            "`local.arn` of the file differ between OLD and NEW",
        ),
    ] {
        let (code, out, err) = diff_files_as("count-json", "tf.json", &old, &new);
        assert_eq!(code, 3, "{out}{err}");
        assert!(out.contains(note), "{out}");
    }
}

/// A `{` inside a string of an interpolation (`${"{{"}`) in Terraform's JSON syntax: ramguard
/// counted braces and read the `Deny` after it as part of the interpolation, so `simulate`
/// answered `allowed` (exit 0) where Terraform sends the `Deny`. Interpolations end where HCL's
/// template grammar ends them; a template Terraform refuses refuses the file.
#[test]
fn an_interpolation_ends_where_terraform_ends_it_in_terraform_json() {
    let dir = std::env::temp_dir().join(format!("ramguard-tf-json-brace-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let statements = r#"[{"Effect":"Allow","Action":"kvstore:*","Resource":"*"},{"Effect":"Allow","Action":"kvstore:DescribeInstances","Resource":"acs:kvstore:*:*:instance/${"{{"}"},{"Effect":"Deny","Action":"kvstore:DeleteInstance","Resource":"*"},{"Effect":"Allow","Action":"kvstore:DescribeInstances","Resource":"acs:kvstore:*:*:instance/}}"}]"#;
    let document = format!(r#"{{"Version":"1","Statement":{statements}}}"#);
    let file = serde_json::json!({"resource": {"alicloud_ram_policy": {"p": {"policy_name": "p", "policy_document": document}}}});
    let path = dir.join("brace.tf.json");
    std::fs::write(&path, file.to_string()).unwrap();
    let (code, out, err) = common::run(&[
        "simulate",
        "--policy",
        path.to_str().unwrap(),
        "--action",
        "kvstore:DeleteInstance",
        "--resource",
        "acs:kvstore:cn-hangzhou:1234567890123456:instance/r-bp1",
    ]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.starts_with("explicit deny"), "{out}{err}");

    let unclosed = serde_json::json!({"resource": {"alicloud_ram_policy": {"p": {"policy_name": "p", "description": "${unclosed", "policy_document": document.replace("${\"{{\"}", "")}}}});
    let (source, content, findings) =
        common::findings::lint_bytes("unclosed.tf.json", unclosed.to_string().into_bytes());
    let rendered = render(&source, &findings);
    assert!(matches!(content, Content::Unparsed), "{content:?}");
    assert!(
        rendered.contains("RG001 invalid-json error: Terraform cannot read this string as a template"),
        "{rendered}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

/// Block values in Terraform's JSON syntax that ramguard does not read were passed over in
/// silence (`lint` exit 0, `diff` "0 new"): a body written as an array of objects (Terraform
/// merges them into one block), an item that is not an object (Terraform refuses it). Each is
/// an `invalid-element-type` error. And a Cloud SSO policy whose type only Terraform knows may be
/// `Inline`: its document is linted, as in `.tf`.
#[test]
fn block_values_ramguard_does_not_read_in_terraform_json_are_errors() {
    let document = r#""{\"Version\":\"1\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"kvstore:*\",\"Resource\":\"arn:aws:x\"}]}""#;
    for (text, expected) in [
        (
            format!(
                r#"{{"resource": {{"alicloud_ram_policy": {{"p": [[{{"policy_name": "p"}}, {{"policy_document": {document}}}]]}}}}}}"#
            ),
            "RG003 invalid-element-type error: a block written as an array of objects: Terraform merges them into one block, which ramguard does not read",
        ),
        (
            format!(
                r#"{{"//": "a comment", "resource": {{"alicloud_ram_policy": {{"//": {{"policy_document": {document}}}}}}}}}"#
            ),
            "RG003 invalid-element-type error: `//` where a block's label stands",
        ),
        (
            r#"{"locals": ["a"]}"#.to_string(),
            "RG003 invalid-element-type error: a block written as a string: Terraform takes an object here, and refuses the file",
        ),
        (
            format!(
                r#"{{"resource": {{"alicloud_cloud_sso_access_configuration": {{"c": {{"permission_policies": [[{{"permission_policy_type": "Inline", "permission_policy_document": {document}}}]]}}}}}}}}"#
            ),
            "RG003 invalid-element-type error: a block written as an array of objects",
        ),
        (
            format!(
                r#"{{"resource": {{"alicloud_cloud_sso_access_configuration": {{"c": {{"permission_policies": {{"permission_policy_type": "${{var.kind}}", "permission_policy_document": {document}}}}}}}}}}}"#
            ),
            "RG011 invalid-resource error: `arn:aws:x` is not a resource",
        ),
    ] {
        let (source, _, findings) = common::findings::lint_bytes("blocks.tf.json", text.clone().into_bytes());
        let rendered = render(&source, &findings);
        assert!(rendered.contains(expected), "{text}\n{rendered}");
    }
}

/// Two values only Terraform knows whose descriptions (cut at 60 characters) read alike were
/// compared alike: `${local.<long name>_staging_only}` widened to `..._and_production` passed
/// `diff --fail-on-new-access` (exit 0). They are compared as written.
#[test]
fn unknowns_are_compared_as_written_not_as_described() {
    let policy = |local: &str| {
        format!(
            "resource \"alicloud_ram_policy\" \"p\" {{\n  policy_name     = \"p\"\n  policy_document = \"{{\\\"Version\\\":\\\"1\\\",\\\"Statement\\\":[{{\\\"Effect\\\":\\\"Allow\\\",\\\"Action\\\":\\\"kvstore:DeleteInstance\\\",\\\"Resource\\\":\\\"${{local.{local}}}\\\"}}]}}\"\n}}\n"
        )
    };
    let long = "instance_arns_of_the_teardown_job_in_the_staging_account";
    let (code, out, err) = diff_files(
        "long-unknowns",
        &policy(&format!("{long}_only")),
        &policy(&format!("{long}_and_every_production_one")),
    );
    assert_eq!(code, 3, "{out}{err}");
    assert!(
        out.contains("the values only Terraform knows differ between OLD and NEW"),
        "{out}"
    );
    assert!(out.contains("_and_every_production_one}` in NEW"), "{out}");
}

/// Two variables files named on the command line: a changed value feeds documents elsewhere,
/// as `--base` says; `actions = ["kvstore:Describe*"]` widened to `["kvstore:*"]` passed
/// `diff --fail-on-new-access` (exit 0).
#[test]
fn a_changed_variables_file_named_twice_is_said() {
    for (extension, old, new) in [
        (
            "tfvars",
            "actions = [\"kvstore:Describe*\"]\n",
            "actions = [\"kvstore:*\"]\n",
        ),
        (
            "tfvars.json",
            r#"{"actions": ["kvstore:Describe*"]}"#,
            r#"{"actions": ["kvstore:*"]}"#,
        ),
    ] {
        let (code, out, err) = diff_files_as("tfvars", extension, old, new);
        assert_eq!(code, 3, "{out}{err}");
        assert!(
            out.contains("changed: the values of Terraform variables are not known to diff"),
            "{out}"
        );
        let (code, out, err) = diff_files_as("tfvars-same", extension, old, old);
        assert_eq!(code, 0, "{out}{err}");
    }
}

/// An embedded ROS template whose RAM type is written with escaped colons
/// (`ALIYUN\u003a\u003aRAM`, the same type to ROS) was not said: `lint --deny-warnings` passed.
#[test]
fn an_embedded_ros_template_with_escaped_colons_is_said() {
    let template = r#"{\"ROSTemplateFormatVersion\":\"2015-09-01\",\"Resources\":{\"P\":{\"Type\":\"ALIYUN\\u003a\\u003aRAM\\u003a\\u003aManagedPolicy\"}}}"#;
    for (name, text) in [
        (
            "stack.tf.json",
            format!(
                r#"{{"resource": {{"alicloud_ros_stack": {{"s": {{"stack_name": "s", "template_body": "{template}"}}}}}}}}"#
            ),
        ),
        (
            "stack.tf",
            format!(
                "resource \"alicloud_ros_stack\" \"s\" {{\n  stack_name    = \"s\"\n  template_body = \"{template}\"\n}}\n"
            ),
        ),
    ] {
        let (source, _, findings) = common::findings::lint_bytes(name, text.clone().into_bytes());
        let rendered = render(&source, &findings);
        assert!(
            rendered.contains("RG020 unrecognised-document warning: this ROS template holds RAM resources"),
            "{text}\n{rendered}"
        );
    }
}

/// A value of the wrong type in a document the provider renders (`action = "kvstore:*"` where
/// the schema takes a list, `entity = ["RAM"]` where it takes a string): Terraform refuses the
/// configuration. It was an info that the value was unknown (exit 0), or, for a principal's or
/// condition's string, dropped in silence; now an `invalid-element-type` error. A value only
/// Terraform knows stays that info, never an error.
#[test]
fn a_value_of_the_wrong_type_in_a_rendered_document_is_an_error() {
    let tf = |action: &str, entity: &str| {
        format!(
            "data \"alicloud_ram_policy_document\" \"d\" {{\n  statement {{\n    action   = {action}\n    resource = [\"*\"]\n    principal {{\n      entity      = {entity}\n      identifiers = [\"1\"]\n    }}\n  }}\n}}\n"
        )
    };
    let json = |action: &str, entity: &str| {
        format!(
            r#"{{"data": {{"alicloud_ram_policy_document": {{"d": {{"statement": [{{"action": {action}, "resource": ["*"], "principal": {{"entity": {entity}, "identifiers": ["1"]}}}}]}}}}}}}}"#
        )
    };
    for (name, text, expected) in [
        (
            "d.tf",
            tf("\"kvstore:*\"", "\"RAM\""),
            Some("`action` is written as a string, not a list"),
        ),
        (
            "d.tf",
            tf("[\"kvstore:*\"]", "[\"RAM\"]"),
            Some("`entity` is written as an array, not a string"),
        ),
        ("d.tf", tf("var.actions", "\"RAM\""), None),
        (
            "d.tf.json",
            json("\"kvstore:*\"", "\"RAM\""),
            Some("`action` is written as a string, not a list"),
        ),
        (
            "d.tf.json",
            json("[\"kvstore:*\"]", "[\"RAM\"]"),
            Some("`entity` is written as an array, not a string"),
        ),
        ("d.tf.json", json("\"${var.actions}\"", "\"RAM\""), None),
    ] {
        let (source, _, findings) = common::findings::lint_bytes(name, text.clone().into_bytes());
        let rendered = render(&source, &findings);
        match expected {
            Some(message) => assert!(
                rendered.contains(&format!(
                    "RG003 invalid-element-type error: {message}: Terraform refuses the configuration"
                )),
                "{text}\n{rendered}"
            ),
            None => {
                assert!(
                    !findings.iter().any(|f| f.severity == Severity::Error),
                    "{text}\n{rendered}"
                );
                assert!(rendered.contains("RG021"), "{text}\n{rendered}");
            }
        }
    }
}

/// Valid Terraform JSON that ramguard refused (a hostile test ran each through Terraform 1.11):
/// a block type or nested block written twice (HCL's JSON keeps every repeat: two `"locals"`,
/// two `"statement"`), a number for `version` (converted to the string the schema takes), a
/// string Terraform takes literally (an output's `description`, a backend's `path`) that is no
/// template. None is an error; an argument ramguard reads, set twice, still is.
#[test]
fn valid_terraform_json_ramguard_refused_is_no_error() {
    let document = r#""{\"Version\":\"1\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"oss:GetObject\"],\"Resource\":[\"*\"]}]}""#;
    let valid = [
        format!(r#"{{"resource": {{"alicloud_ram_policy": {{"p": {{"policy_document": {document}}}}}}}, "locals": {{"a": 1}}, "locals": {{"b": 2}}, "resource": {{"alicloud_ram_policy": {{"q": {{"policy_document": {document}}}}}}}}}"#),
        r#"{"variable": {"b": {"default": "b"}}, "data": {"alicloud_ram_policy_document": {"d": {"statement": {"action": ["oss:GetObject"], "resource": ["acs:oss:*:*:${var.b}/*"]}, "statement": {"action": ["oss:ListObjects"], "resource": ["*"]}}}}}"#.to_string(),
        r#"{"data": {"alicloud_ram_policy_document": {"d": {"version": 1, "statement": [{"action": ["oss:GetObject"], "resource": ["*"]}]}}}}"#.to_string(),
        format!(r#"{{"terraform": {{"backend": {{"local": {{"path": "state-${{x.tfstate"}}}}}}, "resource": {{"alicloud_ram_policy": {{"p": {{"policy_document": {document}}}}}}}, "output": {{"o": {{"value": 1, "description": "a %{{name}} placeholder"}}}}}}"#),
    ];
    for text in valid {
        let (source, content, findings) = common::findings::lint_bytes("valid.tf.json", text.clone().into_bytes());
        let rendered = render(&source, &findings);
        assert!(
            !findings.iter().any(|f| f.severity == Severity::Error),
            "{text}\n{rendered}"
        );
        let _ = content;
    }
    let (source, content, findings) = common::findings::lint_bytes(
        "twice.tf.json",
        format!(r#"{{"resource": {{"alicloud_ram_policy": {{"p": {{"policy_document": {document}, "policy_document": {document}}}}}}}}}"#).into_bytes(),
    );
    let rendered = render(&source, &findings);
    assert!(
        rendered.contains("RG002 duplicate-key error: `policy_document` appears twice"),
        "{rendered}"
    );
    assert_eq!(documents(&content), 2, "{rendered}");
}

fn diff_files(name: &str, old: &str, new: &str) -> (i32, String, String) {
    diff_files_as(name, "tf", old, new)
}

/// [`diff_files`] with files of the `extension` given (`tf.json`).
fn diff_files_as(name: &str, extension: &str, old: &str, new: &str) -> (i32, String, String) {
    let dir = std::env::temp_dir().join(format!("ramguard-diff-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (old_path, new_path) = (
        dir.join(format!("old.{extension}")),
        dir.join(format!("new.{extension}")),
    );
    std::fs::write(&old_path, old).unwrap();
    std::fs::write(&new_path, new).unwrap();
    let out = common::run(&[
        "diff",
        "--fail-on-new-access",
        old_path.to_str().unwrap(),
        new_path.to_str().unwrap(),
    ]);
    std::fs::remove_dir_all(&dir).ok();
    out
}
