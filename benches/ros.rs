//! `cargo bench --bench ros`: the 5,000-policy corpus linted as `.json` files, and the same
//! documents each written as the `PolicyDocument` of an `ALIYUN::RAM::ManagedPolicy` in a ROS
//! template, in YAML (block style, as ROS's examples write it) and in JSON. Issue 9 asks that
//! another syntax cost at most twice JSON.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a benchmark fails loudly"
)]

mod support;

use std::fmt::Write as _;
use std::time::Duration;

use serde_json::Value;

use support::corpus::FILES;

const RUNS: usize = 7;

fn main() {
    let (json_dir, paths) = support::corpus::fresh("ramguard-bench-corpus-json-ros").unwrap();
    let yaml_dir = std::env::temp_dir().join("ramguard-bench-corpus-ros-yaml");
    let ros_json_dir = std::env::temp_dir().join("ramguard-bench-corpus-ros-json");
    for dir in [&yaml_dir, &ros_json_dir] {
        let _ = std::fs::remove_dir_all(dir);
    }
    for (i, path) in paths.iter().enumerate() {
        let text = std::fs::read_to_string(path).unwrap();
        let value: Value = serde_json::from_str(&text).unwrap();
        // A `GetPolicyVersion` response carries its document as a string: the template holds
        // the document itself.
        let document = match value.pointer("/PolicyVersion/PolicyDocument").and_then(Value::as_str) {
            Some(encoded) => serde_json::from_str(encoded).unwrap(),
            None => value,
        };
        let folder = |dir: &std::path::Path| {
            let folder = dir.join(format!("team-{:02}", i / 100));
            std::fs::create_dir_all(&folder).unwrap();
            folder
        };
        let mut yaml = format!(
            "ROSTemplateFormatVersion: '2015-09-01'\nResources:\n  Policy:\n    Type: ALIYUN::RAM::ManagedPolicy\n    Properties:\n      PolicyName: p{i}\n      PolicyDocument:\n"
        );
        block(&document, 8, &mut yaml);
        std::fs::write(folder(&yaml_dir).join(format!("p{i}.yaml")), yaml).unwrap();
        let template = serde_json::json!({
            "ROSTemplateFormatVersion": "2015-09-01",
            "Resources": {"Policy": {"Type": "ALIYUN::RAM::ManagedPolicy",
                "Properties": {"PolicyName": format!("p{i}"), "PolicyDocument": document}}}
        });
        let pretty = serde_json::to_string_pretty(&template).unwrap();
        std::fs::write(folder(&ros_json_dir).join(format!("p{i}.json")), pretty).unwrap();
    }
    // The three forms in turns, so that each sees the same machine.
    let [
        (json, json_documents, json_findings),
        (yaml, yaml_documents, yaml_findings),
        (ros_json, ros_json_documents, ros_json_findings),
    ] = support::lint_side_by_side([&json_dir, &yaml_dir, &ros_json_dir], RUNS);
    println!(
        "lint, {FILES} .json files:         {:>8.1} ms  ({json_documents} documents, {json_findings} findings)",
        ms(json)
    );
    println!(
        "lint, {FILES} ROS .yaml templates: {:>8.1} ms  ({yaml_documents} documents, {yaml_findings} findings)",
        ms(yaml)
    );
    println!(
        "lint, {FILES} ROS .json templates: {:>8.1} ms  ({ros_json_documents} documents, {ros_json_findings} findings)",
        ms(ros_json)
    );
    println!("ratio ROS .yaml / .json:             {:>8.2}x", ms(yaml) / ms(json));
    println!("ratio ROS .json / .json:             {:>8.2}x", ms(ros_json) / ms(json));
}

/// A non-empty mapping or sequence in YAML's block style, each line indented by `indent`;
/// strings double-quoted (a JSON string is a YAML double-quoted scalar), keys plain when they
/// are words.
fn block(value: &Value, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    match value {
        Value::Object(members) => {
            for (key, value) in members {
                let key = if key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                    key.clone()
                } else {
                    serde_json::to_string(key).unwrap()
                };
                if is_block(value) {
                    let _ = writeln!(out, "{pad}{key}:");
                    block(value, indent + 2, out);
                } else {
                    let _ = writeln!(out, "{pad}{key}: {}", scalar(value));
                }
            }
        }
        Value::Array(items) => {
            for item in items {
                if is_block(item) && item.is_object() {
                    let mut inner = String::new();
                    block(item, indent + 2, &mut inner);
                    let _ = write!(out, "{pad}- {}", inner.get(indent + 2..).unwrap_or_default());
                } else {
                    let _ = writeln!(out, "{pad}- {}", scalar(item));
                }
            }
        }
        other => {
            let _ = writeln!(out, "{pad}{}", scalar(other));
        }
    }
}

fn is_block(value: &Value) -> bool {
    match value {
        Value::Object(members) => !members.is_empty(),
        Value::Array(items) => !items.is_empty() && items.iter().all(|i| !i.is_array()),
        _ => false,
    }
}

/// A scalar, or a collection in flow style (empty, or a list of lists): JSON is YAML.
fn scalar(value: &Value) -> String {
    serde_json::to_string(value).unwrap()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
