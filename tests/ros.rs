//! ROS templates (JSON and YAML) and Terraform's JSON syntax (`.tf.json`): every RAM policy
//! document in them is found and linted, its findings at exact lines and columns of the file;
//! a document with a value only ROS (or Terraform) knows gets one `terraform-unknown-value`
//! info finding and no other; YAML that JSON cannot say is refused where it stands.

#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test fails loudly"
)]

mod common;

use common::findings::{lint_bytes as read, lint_fixture as fixture, render};
use std::fmt::Write as _;
use std::path::Path;
use std::time::{Duration, Instant};

use ramguard::inputs::policy_file::{Content, NotPolicy};
use ramguard::rules::{Finding, Severity};

fn documents(content: &Content) -> Vec<String> {
    match content {
        Content::Documents(documents) => documents
            .iter()
            .map(|d| d.address().unwrap_or("<none>").to_string())
            .collect(),
        _ => Vec::new(),
    }
}

#[test]
fn ros_templates_are_linted_at_exact_positions() {
    for (name, expected) in [
        (
            "managed_policy.yaml",
            &["Resources.TeardownPolicy", "Resources.TeardownPolicy"][..],
        ),
        (
            "role.yaml",
            &[
                "Resources.OpsRole",
                "Resources.OpsRole.Policies[0]",
                "Resources.OpsRole.Policies[1]",
                "Resources.Operators.Policies[0]",
                "Resources.Deployer.Policies[0]",
            ][..],
        ),
        (
            "managed_policy.json",
            &[
                "Resources.TeardownPolicy",
                "Resources.OpsRole",
                "Resources.OpsRole.Policies[0]",
            ][..],
        ),
        // What is known of a document with ROS functions is linted.
        (
            "functions.yaml",
            &[
                "Resources.InResource",
                "Resources.InAction",
                "Resources.InCondition",
                "Resources.InlineItem.Policies[1]",
                "Resources.TrustFromParameter",
            ][..],
        ),
        ("functions.json", &["Resources.InResource", "Resources.InPrincipal"][..]),
        ("anchors.yaml", &[][..]),
        ("merge_key.yaml", &[][..]),
        ("tag.yaml", &[][..]),
        ("non_string_key.yaml", &["Resources.P"][..]),
        ("duplicate_keys.yaml", &["Resources.P"][..]),
        ("string_document.yaml", &["Resources.P"][..]),
        ("invalid.yaml", &[][..]),
        ("not_utf8.yaml", &[][..]),
        ("clean.yaml", &["Resources.Reader"][..]),
        // A control policy's document is JSON text.
        ("control_policy.yaml", &["Resources.NoRelease"][..]),
    ] {
        let (source, content, findings) = fixture("ros", name);
        assert_eq!(documents(&content), expected, "{name}");
        insta::assert_snapshot!(format!("ros-{name}"), render(&source, &findings));
    }
}

#[test]
fn terraform_json_is_linted_at_exact_positions() {
    for (name, expected) in [
        (
            "resources.tf.json",
            &[
                "alicloud_ram_policy.teardown",
                "alicloud_ram_role.ops",
                "local.as_object",
                "local.as_string",
                "var.default_policy",
                "output.policy",
                "module.ops.policy",
            ][..],
        ),
        (
            "data_source.tf.json",
            &[
                "data.alicloud_ram_policy_document.teardown",
                "data.alicloud_ram_policy_document.assume",
            ][..],
        ),
        ("legacy.tf.json", &["alicloud_ram_policy.old"][..]),
        // What is known of a document with interpolations is linted.
        (
            "interpolations.tf.json",
            &[
                "alicloud_ram_policy.in_resource",
                "alicloud_ram_policy.directive",
                "local.object",
                "local.value",
            ][..],
        ),
        ("duplicate.tf.json", &["alicloud_ram_policy.p"][..]),
        ("broken_json.tf.json", &[][..]),
    ] {
        let (source, content, findings) = fixture("terraform-json", name);
        assert_eq!(documents(&content), expected, "{name}");
        insta::assert_snapshot!(format!("terraform-json-{name}"), render(&source, &findings));
    }
}

/// ROS functions in every position, and interpolations in `.tf.json`: the info finding once
/// per document, naming the tool; what is known (`allow`, `DeleteInstanse`) is still linted
/// (see `tests/template_unknowns.rs` for the counter-examples that must stay silent).
#[test]
fn unknown_values_give_only_the_info_finding_once_per_document() {
    for (folder, name, expected, tool) in [
        ("ros", "functions.yaml", 9, "only ROS knows"),
        ("ros", "functions.json", 3, "only ROS knows"),
        ("terraform-json", "interpolations.tf.json", 8, "only Terraform knows"),
    ] {
        let (source, _, findings) = fixture(folder, name);
        let rendered = render(&source, &findings);
        let unknown: Vec<&Finding> = findings
            .iter()
            .filter(|f| f.rule.name == "terraform-unknown-value")
            .collect();
        assert!(
            unknown
                .iter()
                .all(|f| f.severity == Severity::Info && f.message.contains(tool)),
            "{name}:\n{rendered}"
        );
        assert_eq!(unknown.len(), expected, "{name}:\n{rendered}");
    }
}

#[test]
fn what_is_not_a_template_is_skipped() {
    for (folder, name) in [
        ("ros", "not_ros.yaml"),
        ("ros", "no_ram.yaml"),
        ("terraform-json", "no_document.tf.json"),
    ] {
        let (_, content, findings) = fixture(folder, name);
        assert!(matches!(content, Content::NotPolicy(_)), "{name}: {content:?}");
        assert!(findings.is_empty(), "{name}");
    }
}

#[test]
fn lint_walks_yaml_and_terraform_json_and_says_why_it_skipped() {
    let (code, stdout, stderr) = common::run(&[
        "lint",
        "--format",
        "json",
        "--no-ignore",
        "tests/fixtures/ros",
        "tests/fixtures/terraform-json",
    ]);
    assert_eq!(code, 1, "{stderr}");
    let out: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let summary = &out["summary"];
    assert_eq!(summary["files"], 22, "{summary}");
    assert_eq!(summary["skipped"], 3, "{summary}");
    let at = |file: &str| {
        out["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["file"] == file)
            .cloned()
            .unwrap_or_else(|| panic!("no finding in {file}"))
    };
    let first = at("tests/fixtures/ros/managed_policy.yaml");
    assert_eq!(
        (first["line"].clone(), first["column"].clone(), first["name"].clone()),
        (11.into(), 21.into(), "invalid-effect".into()),
        "{first}"
    );
    let first = at("tests/fixtures/terraform-json/resources.tf.json");
    assert_eq!(
        (first["line"].clone(), first["column"].clone(), first["name"].clone()),
        (6.into(), 79.into(), "invalid-effect".into()),
        "{first}"
    );
    let (_, stdout, _) = common::run(&["lint", "--show-skipped", "--no-ignore", "tests/fixtures/ros"]);
    assert!(
        stdout.contains("not_ros.yaml") && stdout.contains("YAML that is not a ROS template"),
        "{stdout}"
    );
    assert!(
        stdout.contains("no_ram.yaml") && stdout.contains("a ROS template with no RAM resource"),
        "{stdout}"
    );
}

#[test]
fn a_json_file_with_the_ros_mark_is_read_as_a_template() {
    // Without the hook it would be JSON with nothing of a policy at its top: skipped.
    let (_, content, findings) = fixture("ros", "managed_policy.json");
    assert_eq!(documents(&content).len(), 3);
    assert!(findings.iter().any(|f| f.rule.name == "invalid-effect"));
}

#[test]
fn hostile_yaml_is_a_finding_not_a_crash() {
    let template = |body: &str| format!("ROSTemplateFormatVersion: '2015-09-01'\nResources:\n{body}");
    let policy = "  P:\n    Type: ALIYUN::RAM::ManagedPolicy\n    Properties:\n      PolicyDocument:\n";
    for (text, expected) in [
        // Deep nesting, flow and block.
        (
            template(&format!(
                "{policy}        x: {}1{}\n",
                "[".repeat(100_000),
                "]".repeat(100_000)
            )),
            "recursion limit",
        ),
        (
            template(&format!(
                "{policy}{}",
                (0..300)
                    .map(|i| format!("{}a:\n", "  ".repeat(i + 4)))
                    .collect::<String>()
            )),
            "nesting is deeper",
        ),
        // Anchors, tags, merge keys, a second document.
        (template(&format!("{policy}        Version: &v '1'\n")), "anchors"),
        (
            template(&format!("{policy}        Version: !!binary aGVsbG8=\n")),
            "tag",
        ),
        (
            template(&format!("{policy}        <<: {{Version: '1'}}\n")),
            "merge keys",
        ),
        (
            format!("{}---\nb: 1\n", template("  {}\n")),
            "more than one YAML document",
        ),
        // Numbers JSON cannot write, and keys that are not strings.
        (
            template(&format!("{policy}        Version: 0x1\n")),
            "JSON cannot write",
        ),
        (template(&format!("{policy}        ? [a]\n        : b\n")), "collection"),
        (template(&format!("{policy}        null: b\n")), "not a string"),
    ] {
        let (source, _, findings) = read("hostile.yaml", text.into_bytes());
        let rendered = render(&source, &findings);
        assert!(
            findings
                .iter()
                .any(|f| f.severity == Severity::Error && f.message.contains(expected)),
            "{expected}:\n{rendered}"
        );
    }
}

/// A billion laughs: each alias would expand to ten of the one before. Refused at the first
/// alias, at once, in little memory.
#[test]
fn a_yaml_bomb_is_refused_at_its_first_alias() {
    let mut text = String::from(
        "ROSTemplateFormatVersion: '2015-09-01'\na: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    for (name, previous) in ["b", "c", "d", "e", "f", "g", "h", "i"]
        .iter()
        .zip(["a", "b", "c", "d", "e", "f", "g", "h"])
    {
        let _ = writeln!(text, "{name}: &{name} [{}]", vec![format!("*{previous}"); 9].join(","));
    }
    let started = Instant::now();
    let (source, content, findings) = read("bomb.yaml", text.into_bytes());
    assert!(started.elapsed() < Duration::from_secs(2));
    assert!(matches!(content, Content::Unparsed), "{content:?}");
    let rendered = render(&source, &findings);
    assert!(rendered.contains("anchors"), "{rendered}");
}

/// A large template within the input cap reads in linear time: 5,000 inline policies.
#[test]
fn a_large_template_reads_quickly() {
    let mut text = String::from(
        "ROSTemplateFormatVersion: '2015-09-01'\nResources:\n  G:\n    Type: ALIYUN::RAM::Group\n    Properties:\n      Policies:\n",
    );
    for i in 0..5_000 {
        let _ = write!(
            text,
            "        - PolicyName: p{i}\n          PolicyDocument: {{Version: '1', Statement: [{{Effect: Allow, Action: 'ecs:DescribeInstances', Resource: '*'}}]}}\n"
        );
    }
    let started = Instant::now();
    let (_, content, findings) = read("large.yaml", text.into_bytes());
    assert_eq!(documents(&content).len(), 5_000);
    assert!(findings.is_empty());
    assert!(started.elapsed() < Duration::from_secs(30), "{:?}", started.elapsed());
}

#[test]
fn invisible_characters_in_yaml_are_found_where_they_stand() {
    let text = "ROSTemplateFormatVersion: '2015-09-01'\nResources:\n  P:\n    Type: ALIYUN::RAM::ManagedPolicy\n    Properties:\n      PolicyDocument:\n        Version: '1'\n        Statement:\n          - Effect: Allow\n            Action: \"ecs:Describe\u{200b}Instances\"\n            Resource: '*'\n";
    let (source, _, findings) = read("invisible.yaml", text.as_bytes().to_vec());
    let invisible: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.rule.name == "invisible-character")
        .collect();
    assert_eq!(invisible.len(), 1, "{}", render(&source, &findings));
    let span = invisible[0].span;
    assert_eq!(source.text.get(span.start..span.end), Some("\u{200b}"));
    assert_eq!(invisible[0].pointer, "/Statement/0/Action");
}

#[test]
fn a_byte_order_mark_and_the_yml_extension_are_read() {
    let text = "\u{feff}ROSTemplateFormatVersion: '2015-09-01'\nResources:\n  P:\n    Type: ALIYUN::RAM::ManagedPolicy\n    Properties:\n      PolicyDocument: {Version: '1', Statement: [{Effect: allow, Action: 'ecs:DescribeInstances', Resource: '*'}]}\n";
    let (source, content, findings) = read("template.yml", text.as_bytes().to_vec());
    assert_eq!(documents(&content), ["Resources.P"]);
    let rendered = render(&source, &findings);
    assert_eq!(
        rendered,
        "6:59-6:64 RG007 invalid-effect error: `allow` is not an effect [allow]\n"
    );
}

/// `yes` is `true` to a YAML 1.1 loader and `"yes"` to YAML 1.2: in a document, said out loud.
#[test]
fn yaml_11_booleans_in_a_document_are_ambiguous() {
    let text = "ROSTemplateFormatVersion: '2015-09-01'\nDescription: on\nResources:\n  P:\n    Type: ALIYUN::RAM::ManagedPolicy\n    Properties:\n      PolicyDocument:\n        Version: '1'\n        Statement:\n          - Effect: Allow\n            Action: ecs:DescribeInstances\n            Resource: '*'\n            Condition:\n              Bool:\n                acs:MFAPresent: yes\n";
    let (source, _, findings) = read("template.yaml", text.as_bytes().to_vec());
    let rendered = render(&source, &findings);
    assert!(
        rendered.contains("15:33-15:36 RG003 invalid-element-type error: `yes` is a boolean in YAML 1.1"),
        "{rendered}"
    );
    // Outside a document (`Description: on`), it is none of ramguard's business.
    assert!(!rendered.contains("`on`"), "{rendered}");
}

/// `095` is the string `"095"` to YAML 1.1 and the number 95 to YAML 1.2, a number JSON cannot
/// write. Alibaba's own templates (`aliyun/ros-templates`, eight of them) tag ECS resources
/// `Value: 095`: outside a document it is no policy's business, and the template's documents are
/// linted; in a document it is an error, and the value is unknown (never guessed).
#[test]
fn yaml_numbers_json_cannot_write_are_errors_only_in_a_document() {
    let template = |value: &str| {
        format!(
            "ROSTemplateFormatVersion: '2015-09-01'\nResources:\n  Sg:\n    Type: ALIYUN::ECS::SecurityGroup\n    Properties:\n      Tags:\n      - Key: best_practice\n        Value: 095\n  P:\n    Type: ALIYUN::RAM::ManagedPolicy\n    Properties:\n      PolicyDocument:\n        Version: '1'\n        Statement:\n          - Effect: Allow\n            Action: ecs:DescribeInstances\n            Resource: {value}\n"
        )
    };
    let (source, content, findings) = read("template.yaml", template("'*'").into_bytes());
    assert_eq!(documents(&content), ["Resources.P"]);
    assert!(findings.is_empty(), "{}", render(&source, &findings));

    let (source, content, findings) = read("template.yaml", template("0x2A").into_bytes());
    assert_eq!(documents(&content), ["Resources.P"]);
    let rendered = render(&source, &findings);
    assert!(
        rendered.contains("17:23-17:27 RG001 invalid-json error: `0x2A` is a YAML number JSON cannot write"),
        "{rendered}"
    );
    assert!(!rendered.contains("`095`"), "{rendered}");
}

/// The hook hands YAML files over; pre-commit names every staged one, and YAML that is not a
/// ROS template passes, while a broken template fails.
#[test]
fn the_hook_takes_yaml_and_passes_yaml_that_is_not_a_template() {
    let hooks = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(".pre-commit-hooks.yaml")).unwrap();
    let types = hooks
        .lines()
        .find(|l| l.trim_start().starts_with("types_or:"))
        .unwrap_or_default();
    assert!(types.contains("yaml"), "{hooks}");
    let (code, stdout, stderr) = common::run(&[
        "lint",
        "--deny-warnings",
        "--no-ignore",
        "tests/fixtures/ros/not_ros.yaml",
        "tests/fixtures/ros/no_ram.yaml",
        "tests/fixtures/ros/clean.yaml",
    ]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    let (code, stdout, stderr) = common::run(&[
        "lint",
        "--deny-warnings",
        "--no-ignore",
        "tests/fixtures/ros/not_ros.yaml",
        "tests/fixtures/ros/role.yaml",
    ]);
    assert_eq!(code, 1, "{stdout}{stderr}");
}

/// `Version: 1`, a number, is RAM's error where the author hands the document to RAM (a bare
/// file, Terraform's JSON syntax, JSON text in a template), and a warning where ROS reads the
/// document by its schema (a map in a RAM resource): ROS reads `Version` as a String property
/// and likely sends `"1"` (Alibaba's own stack-group role templates write the trust policy's
/// `Version: 1` unquoted). A control policy's document is a String property: sent as written.
/// Either way it is said.
#[test]
fn a_number_version_is_an_error_unless_ros_hands_the_document_over() {
    let trust = r#"{"Version": 1, "Statement": [{"Action": "sts:AssumeRole", "Effect": "Allow", "Principal": {"RAM": ["acs:ram::1234567890123456:root"]}}]}"#;
    let ros_yaml = "ROSTemplateFormatVersion: '2015-09-01'\nResources:\n  ExecutionRole:\n    Type: ALIYUN::RAM::Role\n    Properties:\n      RoleName: execution\n      AssumeRolePolicyDocument:\n        Version: 1\n        Statement:\n          - Action: sts:AssumeRole\n            Effect: Allow\n            Principal:\n              RAM:\n                - acs:ram::1234567890123456:root\n";
    let ros_json = format!(
        r#"{{"ROSTemplateFormatVersion": "2015-09-01", "Resources": {{"ExecutionRole": {{"Type": "ALIYUN::RAM::Role", "Properties": {{"RoleName": "execution", "AssumeRolePolicyDocument": {trust}}}}}}}}}"#
    );
    let tf_json = format!(
        r#"{{"resource": {{"alicloud_ram_role": {{"execution": {{"name": "execution", "assume_role_policy_document": {trust:?}}}}}}}}}"#
    );
    let ros_text = format!(
        r#"{{"ROSTemplateFormatVersion": "2015-09-01", "Resources": {{"ExecutionRole": {{"Type": "ALIYUN::RAM::Role", "Properties": {{"RoleName": "execution", "AssumeRolePolicyDocument": {trust:?}}}}}}}}}"#
    );
    let control_map = "ROSTemplateFormatVersion: '2015-09-01'\nResources:\n  NoRelease:\n    Type: ALIYUN::ResourceManager::ControlPolicy\n    Properties:\n      ControlPolicyName: no-release\n      PolicyType: ControlPolicy\n      PolicyDocument:\n        Version: 1\n        Statement:\n          - Effect: Deny\n            Action: kvstore:DeleteInstance\n            Resource: '*'\n";
    for (name, text, expected) in [
        ("trust.json", trust.to_string(), Severity::Error),
        ("role.tf.json", tf_json, Severity::Error),
        ("role.yaml", ros_yaml.to_string(), Severity::Warning),
        ("role.json", ros_json, Severity::Warning),
        ("role-text.json", ros_text, Severity::Error),
        ("control.yaml", control_map.to_string(), Severity::Error),
    ] {
        let (source, _, findings) = read(name, text.into_bytes());
        let versions: Vec<&Finding> = findings.iter().filter(|f| f.rule.name == "invalid-version").collect();
        let rendered = render(&source, &findings);
        assert_eq!(versions.len(), 1, "{name}: {rendered}");
        assert_eq!(versions[0].severity, expected, "{name}: {rendered}");
        assert_eq!(
            source.text.get(versions[0].span.start..versions[0].span.end),
            Some("1"),
            "{name}"
        );
    }
}

/// ROS's mark does not hide what stands beside it: a JSON file with `ROSTemplateFormatVersion`
/// and no RAM resource is read for what else it is (a policy document, an API response), and
/// skipped only when it is nothing else.
#[test]
fn the_ros_mark_does_not_hide_a_document_beside_it() {
    let beside = r#"{"ROSTemplateFormatVersion": "2015-09-01", "Version": "1", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}"#;
    let response = r#"{"ROSTemplateFormatVersion": "2015-09-01", "RequestId": "X", "PolicyVersion": {"VersionId": "v1", "IsDefaultVersion": true, "PolicyDocument": "{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"kvstore:DeleteInstance\", \"Resource\": \"*\"}]}"}}"#;
    for (name, text, rules) in [
        ("beside.json", beside, &["unknown-element", "full-admin"][..]),
        ("response.json", response, &["invalid-version"][..]),
    ] {
        let (source, content, findings) = read(name, text.as_bytes().to_vec());
        let rendered = render(&source, &findings);
        assert!(
            matches!(content, Content::Documents(ref d) if d.len() == 1),
            "{name}: {rendered}"
        );
        for rule in rules {
            assert!(
                findings.iter().any(|f| f.rule.name == *rule),
                "{name}: {rule} in {rendered}"
            );
        }
    }
    // Beside a RAM resource, the template is read, and the policy's elements beside the mark are
    // an error: neither ROS nor RAM reads them.
    let both = r#"{"ROSTemplateFormatVersion": "2015-09-01", "Resources": {"P": {"Type": "ALIYUN::RAM::ManagedPolicy", "Properties": {"PolicyDocument": {"Version": "1", "Statement": [{"Effect": "Allow", "Action": "ecs:DescribeInstances", "Resource": "*"}]}}}}, "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}"#;
    let (source, content, findings) = read("both.json", both.as_bytes().to_vec());
    let rendered = render(&source, &findings);
    assert!(
        matches!(content, Content::Documents(ref d) if d.len() == 1),
        "{rendered}"
    );
    assert!(
        rendered.contains("1:244-1:255 RG020 unrecognised-document error: `Statement` stands beside"),
        "{rendered}"
    );
    // The mark alone is a template without a RAM resource, skipped as one.
    let (_, content, findings) = read("empty.json", br#"{"ROSTemplateFormatVersion": "2015-09-01"}"#.to_vec());
    assert!(
        matches!(content, Content::NotPolicy(NotPolicy::RosWithoutRam)),
        "{content:?}"
    );
    assert!(findings.is_empty());
}

/// A `Ref`, `Fn::GetAtt` or `${Name}` in a RAM resource that names nothing the template defines
/// is an error where it is written (a document whose value nobody meant must never give `go`);
/// pseudo parameters, an `Fn::Sub`'s own variables and `${!Literal}` are names, and a dangling
/// name outside the RAM resources (Alibaba's own templates have them) is not judged.
#[test]
fn a_name_the_template_does_not_define_is_an_error_in_a_ram_resource() {
    let (source, content, findings) = fixture("ros", "undefined_reference.yaml");
    assert_eq!(documents(&content), ["Resources.Teardown"]);
    let undefined: Vec<String> = findings
        .iter()
        .filter(|f| f.rule.name == "undefined-reference")
        .map(|f| {
            assert_eq!(f.severity, Severity::Error);
            let written = &source.text[f.span.start..f.span.end];
            format!("{written} | {}", f.help.as_deref().unwrap_or_default())
        })
        .collect();
    assert_eq!(
        undefined,
        [
            "!GetAtt Ghost.UserName | define `Ghost` under `Parameters` (or `Resources`, `Locals`), or name one that is",
            "!Ref InstanceArns | did you mean `InstanceArn`? Or define `InstanceArns` under `Parameters`",
            "${Suffix} | define `Suffix` under `Parameters` (or `Resources`, `Locals`), or name one that is",
        ],
        "{}",
        render(&source, &findings)
    );

    // A function whose argument is no name, a pseudo parameter ROS does not have, a section
    // that is not a map: each an error, where the value was only unknown (preflight said `go`).
    for (parameters, name) in [
        ("{}", "{Ref: [Nope]}"),
        ("{}", "{Ref: ''}"),
        ("{}", "{Ref: 5}"),
        ("{}", "!Ref ALIYUN::Bogus"),
        ("{}", "!GetAtt .Arn"),
        ("{}", "{'Fn::GetAtt': []}"),
        ("{}", "!Sub 'a${}b'"),
        ("{}", "!Sub ['${X}', {X: x}, extra]"),
        ("{}", "!Sub '${Nope} and ${Nope}'"),
        ("[]", "p"),
        ("x", "p"),
    ] {
        let text = format!(
            "ROSTemplateFormatVersion: '2015-09-01'\nParameters: {parameters}\nResources:\n  P:\n    Type: ALIYUN::RAM::ManagedPolicy\n    Properties:\n      PolicyName: {name}\n      PolicyDocument: {{Version: '1', Statement: [{{Effect: Allow, Action: 'ecs:Describe*', Resource: '*'}}]}}\n"
        );
        let (source, _, findings) = read("malformed.yaml", text.into_bytes());
        let undefined: Vec<&Finding> = findings
            .iter()
            .filter(|f| f.rule.name == "undefined-reference")
            .collect();
        assert!(
            !undefined.is_empty() && undefined.iter().all(|f| f.severity == Severity::Error),
            "{name}:\n{}",
            render(&source, &findings)
        );
        // A name written twice is found twice, each where it stands.
        if name.contains("and ${Nope}") {
            let starts: Vec<usize> = undefined.iter().map(|f| f.span.start).collect();
            assert_eq!(starts.len(), 2);
            assert_ne!(starts[0], starts[1], "{}", render(&source, &findings));
        }
    }

    // A `Transform` may define names: nothing is judged.
    let transformed = source.text.replacen(
        "Parameters:",
        "Transform: Aliyun::Serverless-2018-04-03\nParameters:",
        1,
    );
    let (source, _, findings) = read("transformed.yaml", transformed.into_bytes());
    assert!(
        findings.iter().all(|f| f.rule.name != "undefined-reference"),
        "{}",
        render(&source, &findings)
    );

    let (code, _, stderr) = common::run(&[
        "preflight",
        "--instance",
        "tests/fixtures/instances/describe-instance-attribute.json",
        "--policy",
        "tests/fixtures/ros/undefined_reference.yaml",
        "--account-id",
        "1234567890123456",
    ]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("undefined-reference"), "{stderr}");
}

/// In Terraform's JSON syntax a document attribute is a string: Terraform refuses an object
/// there ("string required"), so the file is an error (the document is still linted), never a
/// policy `simulate` could call allowed.
#[test]
fn a_tf_json_document_attribute_written_as_an_object_is_an_error() {
    let text = r#"{"resource": {"alicloud_ram_policy": {"p": {"policy_name": "p", "policy_document": {"Version": "1", "Statement": [{"Effect": "Allow", "Action": "ecs:DescribeInstances", "Resource": "*"}]}}}}}"#;
    let (source, content, findings) = read("main.tf.json", text.as_bytes().to_vec());
    assert_eq!(documents(&content), ["alicloud_ram_policy.p"]);
    let rendered = render(&source, &findings);
    assert!(
        rendered.contains(
            "1:84-1:188 RG003 invalid-element-type error: the document of `alicloud_ram_policy.p` is an object"
        ),
        "{rendered}"
    );
    // As a local, an object is what `jsonencode(local.p)` renders: a document, no error.
    let local = r#"{"locals": {"p": {"Version": "1", "Statement": [{"Effect": "Allow", "Action": "ecs:DescribeInstances", "Resource": "*"}]}}}"#;
    let (source, content, findings) = read("main.tf.json", local.as_bytes().to_vec());
    assert_eq!(documents(&content), ["local.p"]);
    assert!(findings.is_empty(), "{}", render(&source, &findings));
}

/// Terraform takes a `.tfvars.json` file's values and a `variable` block's `default` literally,
/// not as templates: `"$${x}"` is those five characters and `"${x}"` no reference (`terraform
/// console`). Read as templates, a `Deny` on `$${x}` was one on `${x}`.
#[test]
fn tfvars_json_values_and_variable_defaults_are_literal() {
    let document = r#"{\"Version\": \"1\", \"Statement\": [{\"Effect\": \"Deny\", \"Action\": \"kvstore:DeleteInstance\", \"Resource\": \"*\", \"Condition\": {\"StringNotEquals\": {\"acs:UserAgent\": [\"$${x}\", \"${y}\"]}}}]}"#;
    let condition = |content: &Content| -> Vec<String> {
        let Content::Documents(read) = content else {
            panic!("{content:?}")
        };
        read.iter()
            .map(|d| {
                let written = ramguard::json::written_without_layout(&d.root);
                let at = written.find("\"acs:UserAgent\"").unwrap();
                written[at..].chars().take_while(|c| *c != ']').collect()
            })
            .collect()
    };
    let literal = r#""acs:UserAgent":["$${x}","${y}""#;
    let (source, content, findings) = read(
        "terraform.tfvars.json",
        format!(r#"{{"p": "{document}"}}"#).into_bytes(),
    );
    assert_eq!(condition(&content), [literal]);
    assert!(findings.is_empty(), "{}", render(&source, &findings));
    let variable = format!(r#"{{"variable": {{"p": {{"default": "{document}"}}}}}}"#);
    let (_, content, _) = read("main.tf.json", variable.into_bytes());
    assert_eq!(condition(&content), [literal]);
    // Anywhere else in `.tf.json` the string is a template: `$${` is `${`, `${y}` unknown.
    let local = format!(r#"{{"locals": {{"p": "{document}"}}}}"#);
    let (_, content, _) = read("main.tf.json", local.into_bytes());
    assert_eq!(
        condition(&content),
        [r#""acs:UserAgent":["${x}",<the interpolation `${y}`>"#]
    );
}

/// YAML 1.1 (PyYAML, which ROS likely applies) reads `1_000`, `16:40` and `2019-08-12` as a
/// number or a date, YAML 1.2 as strings: in a document the value is ambiguous — an error, and
/// unknown (a `Deny` on `1_000` was read as the string, and `preflight` said `go` for a tag of
/// `1000`). A key that is not a string is an error in a document, and nothing elsewhere (a
/// `Mappings` key `1:` refused the whole template).
#[test]
fn yaml_11_numbers_dates_and_keys_that_are_not_strings_are_errors_only_in_a_document() {
    let template = |value: &str, key: &str| {
        format!(
            "ROSTemplateFormatVersion: '2015-09-01'\nMappings:\n  Sizes:\n    1: {{Name: small}}\nResources:\n  P:\n    Type: ALIYUN::RAM::ManagedPolicy\n    Properties:\n      PolicyDocument:\n        Version: '1'\n        Statement:\n          - Effect: Deny\n            Action: kvstore:DeleteInstance\n            Resource: '*'\n            Condition: {{StringEquals: {{{key}: {value}}}}}\n"
        )
    };
    let (source, _, findings) = read("t.yaml", template("'1000'", "'acs:ResourceTag/env'").into_bytes());
    assert!(findings.is_empty(), "{}", render(&source, &findings));
    for (value, key, expected) in [
        (
            "1_000",
            "'acs:ResourceTag/env'",
            "`1_000` is a number or date in YAML 1.1",
        ),
        (
            "2019-08-12",
            "'acs:ResourceTag/env'",
            "`2019-08-12` is a number or date in YAML 1.1",
        ),
        ("'1000'", "1", "the key `1` is not a string"),
    ] {
        let (source, _, findings) = read("t.yaml", template(value, key).into_bytes());
        let rendered = render(&source, &findings);
        assert!(
            findings
                .iter()
                .any(|f| f.severity == Severity::Error && f.message.contains(expected)),
            "{rendered}"
        );
        assert!(!rendered.contains("`1` is not a string") || key == "1", "{rendered}");
    }
}
