//! Terraform's JSON syntax (`*.tf.json`): the RAM policy documents written in it, the same
//! ones as in a `.tf` file, every span in the `.tf.json` file.
//!
//! The file is read with the strict JSON reader: a key written twice is `duplicate-key`
//! (Terraform refuses it too). Blocks are nested objects, one level per label
//! (`{"resource": {"alicloud_ram_policy": {"p": {...}}}}`), and at any level an array of
//! objects stands for several blocks; a `"//"` key is a comment.
//!
//! What is a document, as in `.tf` ([`terraform::DOCUMENT_ATTRIBUTES`], read whatever they
//! hold; anywhere else, a value that is a document: an object with a `Statement` key, or a
//! string whose JSON text is one), and `data.alicloud_ram_policy_document` with its `statement`
//! written as an object or an array of objects, built as the provider renders it.
//!
//! In Terraform's JSON syntax every string is a template: a `${...}` or `%{...}` in it (but not
//! `$${`/`%%{`, which stand for `${`/`%{`) is a value only Terraform knows, and the document
//! that holds one is not linted: it gets one `terraform-unknown-value` finding.

use super::policy_file::{Content, Document, NotPolicy, Origin, PolicyFile};
use super::terraform::{self, DOCUMENT_ATTRIBUTES, Read, TextPiece};
use crate::json::{self, Member, Node, Value};
use crate::rules::{
    Finding, invalid_element_type, invalid_json, invisible_character, terraform_unknown_value, unrecognised_document,
};
use crate::source::Span;
use hcl_edit::Span as _;
use hcl_edit::template::Element;
use std::path::PathBuf;

/// Read `bytes` as a `.tf.json` file named `name`.
pub fn read(name: String, bytes: Vec<u8>) -> PolicyFile<'static> {
    read_with_references(name, bytes).0
}

/// [`read`], and the files its documents are (`"${file(\"x.json\")}"`,
/// `"${templatefile(\"x.json.tpl\", {...})}"`), which `lint` lints as files of their own (as
/// [`terraform::read_with_references`] does for a `.tf` file).
pub fn read_with_references(name: String, bytes: Vec<u8>) -> (PolicyFile<'static>, Vec<PathBuf>) {
    let mut references = Vec::new();
    let file = read_as(name, bytes, false, &mut references);
    (file, references)
}

/// Read `bytes` as a `.tfvars.json` file: each top-level member is a variable's value, a
/// document when it reads as one (named `var.NAME`).
pub fn read_variables(name: String, bytes: Vec<u8>) -> PolicyFile<'static> {
    read_as(name, bytes, true, &mut Vec::new())
}

fn read_as(name: String, bytes: Vec<u8>, variables: bool, references: &mut Vec<PathBuf>) -> PolicyFile<'static> {
    let source = match super::source_of(name, bytes) {
        Ok(source) => source,
        Err(not_utf8) => return not_utf8.unparsed(),
    };
    let text: &str = &source.text;
    let (parsed, bom) = json::parse_tree_past_bom(text);
    let mut findings = Vec::new();
    if bom {
        findings.push(invalid_json::byte_order_mark());
    }
    let (root, may_repeat_a_key) = match parsed {
        Ok(tree) => (tree.root, tree.repeats_a_key),
        Err(error) => {
            findings.push(invalid_json::syntax(&error));
            return PolicyFile {
                source: source.clone(),
                content: Content::Unparsed,
                findings,
            };
        }
    };
    if root.as_object().is_none() {
        // HCL merges an array of objects at the top into one body: Terraform takes it, ramguard
        // does not read it (fail closed, and said so).
        let message = if root
            .as_array()
            .is_some_and(|items| items.iter().all(|i| i.as_object().is_some()))
        {
            "a Terraform JSON file written as an array of objects: Terraform merges them into one body, which ramguard does not read".to_string()
        } else {
            format!("a Terraform JSON file is an object, not {}", root.type_name())
        };
        findings.push(
            Finding::new(&invalid_element_type::RULE, root.span, message)
                .label("here")
                .help("write the file as one object, whose keys are block types: `resource`, `data`, `locals`, ..."),
        );
        return PolicyFile {
            source: source.clone(),
            content: Content::Unparsed,
            findings,
        };
    }
    if !variables {
        let refused = refused_templates(&root);
        if !refused.is_empty() {
            findings.extend(refused);
            return PolicyFile {
                source: source.clone(),
                content: Content::Unparsed,
                findings,
            };
        }
    }
    let mut reader = Reader {
        name: &source.name,
        text,
        documents: Vec::new(),
        references: Vec::new(),
        findings: Vec::new(),
        literal: variables,
    };
    let mut declared_twice = Vec::new();
    if variables {
        for member in members(&root) {
            reader.candidate(&member.value, false, format!("var.{}", member.key));
        }
    } else {
        declared_twice = reader.file(&root);
    }
    references.append(&mut reader.references);
    let content = if reader.documents.is_empty()
        && reader.findings.is_empty()
        && findings.is_empty()
        && declared_twice.is_empty()
    {
        Content::NotPolicy(NotPolicy::NoPolicyMark)
    } else {
        // A key written twice is refused by Terraform; every one outside the documents is
        // reported here (those inside are the rule's).
        // The top level's keys are block types, which may repeat.
        for member in members(&root) {
            super::wrapper_duplicates_of(
                &member.value,
                &reader.documents,
                may_repeat_a_key,
                &is_repeated_argument,
                &mut findings,
            );
        }
        // A name written twice as a key of one object is that finding already.
        declared_twice.retain(|d| !findings.iter().any(|f| f.rule.name == d.rule.name && f.span == d.span));
        findings.append(&mut declared_twice);
        findings.append(&mut reader.findings);
        Content::Documents(reader.documents)
    };
    PolicyFile {
        source: source.clone(),
        content,
        findings,
    }
}

/// Whether a key written again in a `.tf.json` file's wrapper (`again`, its second member) is
/// refused: an argument, which HCL refuses set twice ("Duplicate argument") — one whose value
/// cannot be a block (neither an object nor an array of objects), or one ramguard reads (a
/// document attribute, a role's principals, a statement's `effect`, ...), of which it would read
/// both. Block types, labels and nested blocks may repeat: HCL's JSON keeps every one ("must
/// support duplicate definitions of the same property name", its spec), each a block of its
/// own — two `"resource"` keys, two `"statement"` blocks; a name declared twice is
/// [`terraform::Declarations`]'s.
fn is_repeated_argument(again: &Member) -> bool {
    let block_shaped = match &again.value.value {
        Value::Object(_) => true,
        Value::Array(items) => items.iter().all(|i| i.as_object().is_some()),
        _ => false,
    };
    !block_shaped || is_read_argument(&again.key)
}

/// An argument ramguard reads in a resource, data source, variable, output or statement.
fn is_read_argument(key: &str) -> bool {
    const ARGUMENTS: &[&str] = &[
        "template_body",
        "version",
        "default",
        "value",
        "effect",
        "action",
        "resource",
        "operator",
        "values",
        "entity",
        "identifiers",
        "permission_policy_type",
        "permission_policy_document",
        "count",
        "for_each",
    ];
    ARGUMENTS.contains(&key)
        || terraform::ROLE_PRINCIPAL_ATTRIBUTES.iter().any(|(k, _)| *k == key)
        || DOCUMENT_ATTRIBUTES
            .iter()
            .any(|(_, attributes)| attributes.contains(&key))
}

/// Where each address of a `.tf.json` file (or, `variables`, a `.tfvars.json` file) stands, as
/// [`read`] names its documents: a resource's or data source's body, a local's, variable's,
/// output's or module argument's member, a top-level key's value. For `--policy FILE#ADDRESS`,
/// which tells a document's unknown value from the others'. Empty when the text is not JSON.
pub fn regions(text: &str, variables: bool) -> Vec<(String, Span)> {
    let Ok(tree) = json::parse_tree_past_bom(text).0 else {
        return Vec::new();
    };
    let whole = |member: &Member| Span::new(member.key_span.start, member.value.span.end);
    let mut out = Vec::new();
    for member in members(&tree.root) {
        if variables {
            out.push((format!("var.{}", member.key), whole(member)));
            continue;
        }
        match member.key.as_ref() {
            "resource" | "data" => {
                let prefix = if member.key == "data" { "data." } else { "" };
                for (kind, name, _, body) in twice_labelled(&member.value) {
                    out.push((format!("{prefix}{kind}.{name}"), body.span));
                }
            }
            "locals" => {
                for body in blocks(&member.value) {
                    out.extend(members(body).map(|local| (format!("local.{}", local.key), whole(local))));
                }
            }
            "variable" | "output" => {
                for (name, _, body) in labelled(&member.value) {
                    out.push((
                        format!("{}.{name}", if member.key == "variable" { "var" } else { "output" }),
                        body.span,
                    ));
                }
            }
            "module" => {
                for (name, _, body) in labelled(&member.value) {
                    out.extend(
                        members(body).map(|argument| (format!("module.{name}.{}", argument.key), whole(argument))),
                    );
                }
            }
            other => out.push((other.to_string(), member.value.span)),
        }
    }
    out
}

/// `.tf`'s `policy_attachments` for a `.tf.json` file's text: each resource that attaches a
/// policy (`*_policy_attachment`, a group membership: `terraform::attaches_policies`), and each
/// ROS template in a `template_body`, by address, as written with its layout collapsed. `diff`
/// compares documents, and says when these change.
pub fn policy_attachments(text: &str) -> std::collections::BTreeMap<String, String> {
    let mut out = std::collections::BTreeMap::new();
    let Ok(tree) = json::parse_tree_past_bom(text).0 else {
        return out;
    };
    let collapsed = |span: Span| {
        let written = text.get(span.start..span.end).unwrap_or_default();
        written.split_whitespace().collect::<Vec<_>>().join(" ")
    };
    for member in members(&tree.root).filter(|m| m.key == "resource") {
        for (kind, name, _, body) in twice_labelled(&member.value) {
            if terraform::ROS_TEMPLATE_RESOURCES.contains(&kind) {
                for template in members(body).filter(|m| m.key == "template_body") {
                    out.insert(format!("{kind}.{name}.template_body"), collapsed(template.value.span));
                }
            } else if terraform::attaches_policies(kind) {
                out.insert(format!("{kind}.{name}"), collapsed(body.span));
            }
        }
    }
    out
}

/// `.tf`'s `named_files` for a `.tf.json` file's text: the `file("...")` and
/// `templatefile("...", ...)` calls with a literal path in its strings' interpolations.
pub fn named_files(text: &str) -> Vec<(String, String)> {
    fn walk(node: &Node, out: &mut Vec<(String, String)>, depth: usize) {
        match &node.value {
            Value::String(text) if text.contains("${") => out.extend(terraform::named_files_in_template(text)),
            Value::Object(members) if depth < json::MAX_DEPTH => {
                members.iter().for_each(|m| walk(&m.value, out, depth + 1));
            }
            Value::Array(items) if depth < json::MAX_DEPTH => items.iter().for_each(|i| walk(i, out, depth + 1)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    if let Ok(tree) = json::parse_tree_past_bom(text).0 {
        walk(&tree.root, &mut out, 0);
    }
    out
}

/// `.tf`'s `multiplicities` for a `.tf.json` file's text: for each resource or data source with
/// `count` or `for_each`, by address, the meta-arguments as written.
pub fn multiplicities(text: &str) -> std::collections::BTreeMap<String, String> {
    let mut out = std::collections::BTreeMap::new();
    let Ok(tree) = json::parse_tree_past_bom(text).0 else {
        return out;
    };
    for member in members(&tree.root) {
        let prefix = match member.key.as_ref() {
            "resource" => "",
            "data" => "data.",
            _ => continue,
        };
        for (kind, name, _, body) in twice_labelled(&member.value) {
            let meta: Vec<String> = members(body)
                .filter(|m| matches!(m.key.as_ref(), "count" | "for_each"))
                .map(|m| {
                    let written = text.get(m.value.span.start..m.value.span.end).unwrap_or_default();
                    format!("{} = {written}", m.key)
                })
                .collect();
            if !meta.is_empty() {
                out.insert(format!("{prefix}{kind}.{name}"), meta.join(", "));
            }
        }
    }
    out
}

/// `.tf`'s `named_values` for a `.tf.json` file's text: each variable and module call (its
/// body) and each local (its value), by name (`var.x`, `module.x`, `local.x`), as written.
pub fn named_values(text: &str) -> Vec<(String, String)> {
    let Ok(tree) = json::parse_tree_past_bom(text).0 else {
        return Vec::new();
    };
    let written = |span: Span| text.get(span.start..span.end).unwrap_or_default().to_string();
    let mut values = Vec::new();
    for member in members(&tree.root) {
        match member.key.as_ref() {
            "variable" | "module" => {
                let prefix = if member.key == "variable" { "var" } else { "module" };
                for (name, _, body) in labelled(&member.value) {
                    values.push((format!("{prefix}.{name}"), written(body.span)));
                }
            }
            "locals" => {
                for body in blocks(&member.value) {
                    values
                        .extend(members(body).map(|local| (format!("local.{}", local.key), written(local.value.span))));
                }
            }
            _ => {}
        }
    }
    values
}

/// Every part of a block value (`labels` levels of labels, then a body) that [`blocks`] does not
/// read: an item of an array that is an array (Terraform merges the objects of an array in a
/// body's place into one body) or neither (Terraform refuses it), or a value neither an object
/// nor an array. Each is an `invalid-element-type` error: the documents inside were not read,
/// and must not pass as absent.
fn misshapen_blocks(node: &Node, labels: usize, out: &mut Vec<Finding>) {
    let refuse = |node: &Node, message: String| {
        Finding::new(&invalid_element_type::RULE, node.span, message)
            .label("not read by ramguard")
            .help("write each block as one JSON object (several blocks as an array of objects); nothing in this one was linted")
    };
    match &node.value {
        Value::Object(_) if labels == 0 => {}
        Value::Object(label_members) => {
            for member in label_members {
                // `"//"` is a comment in a body only (HCL's `JustAttributes`); where a label
                // stands it is the label, which no name may be.
                if member.key == "//" {
                    out.push(
                        Finding::new(
                            &invalid_element_type::RULE,
                            member.key_span,
                            "`//` where a block's label stands: a comment only in a block's body, here it is the block's name, which Terraform refuses",
                        )
                        .label("not a comment here")
                        .help("move the comment into the block's body; nothing under this key was linted"),
                    );
                    continue;
                }
                misshapen_blocks(&member.value, labels - 1, out);
            }
        }
        Value::Array(items) => {
            for item in items {
                match &item.value {
                    Value::Object(_) => misshapen_blocks(item, labels, out),
                    Value::Array(_) => out.push(refuse(
                        item,
                        "a block written as an array of objects: Terraform merges them into one block, which ramguard does not read".into(),
                    )),
                    _ => out.push(refuse(
                        item,
                        format!("a block written as {}: Terraform takes an object here, and refuses the file", item.type_name()),
                    )),
                }
            }
        }
        Value::Null => {}
        _ => out.push(refuse(
            node,
            format!(
                "a block written as {}: Terraform takes an object here, and refuses the file",
                node.type_name()
            ),
        )),
    }
}

/// The objects a block value stands for: an object, or each object of an array.
fn blocks<'n>(node: &'n Node<'n>) -> Vec<&'n Node<'n>> {
    match &node.value {
        Value::Object(_) => vec![node],
        Value::Array(items) => items.iter().filter(|i| i.as_object().is_some()).collect(),
        _ => Vec::new(),
    }
}

/// The members of a block body, comments (`"//"`) left out.
fn members<'n>(node: &'n Node<'n>) -> impl Iterator<Item = &'n Member<'n>> {
    node.as_object().unwrap_or_default().iter().filter(|m| m.key != "//")
}

/// A block with one label: every (label, where it is declared, body). The label's key is where
/// it is declared, or the body's opening brace when the label holds an array of bodies (each a
/// block of its own).
fn labelled<'n>(node: &'n Node<'n>) -> Vec<(&'n str, Span, &'n Node<'n>)> {
    blocks(node)
        .into_iter()
        .flat_map(members)
        .flat_map(|m| {
            let in_array = m.value.as_array().is_some();
            blocks(&m.value).into_iter().map(move |body| {
                let declared = if in_array { opening(body) } else { m.key_span };
                (m.key.as_ref(), declared, body)
            })
        })
        .collect()
}

/// A block with two labels (`resource`, `data`): every (type, name, where the name is declared,
/// body), as [`labelled`] gives them.
fn twice_labelled<'n>(node: &'n Node<'n>) -> Vec<(&'n str, &'n str, Span, &'n Node<'n>)> {
    labelled(node)
        .into_iter()
        .flat_map(|(kind, _, inner)| {
            labelled(inner)
                .into_iter()
                .map(move |(name, declared, body)| (kind, name, declared, body))
        })
        .collect()
}

struct Reader<'t> {
    /// The file's name, by which the files it names with `file()` are found.
    name: &'t str,
    text: &'t str,
    documents: Vec<Document<'static>>,
    /// The files its documents are (`"${file(\"x.json\")}"`), to be linted as files of their own.
    references: Vec<PathBuf>,
    findings: Vec<Finding>,
    /// Reading values Terraform takes literally, not as templates: a `.tfvars.json` file's and a
    /// `variable` block's `default` (`"$${x}"` is those five characters, `"${x}"` no reference).
    literal: bool,
}

impl Reader<'_> {
    fn file(&mut self, root: &Node) -> Vec<Finding> {
        // Terraform refuses a resource, data source or local declared twice, whether as two
        // blocks, as an array of two bodies under one name, or as one key written twice (the
        // reader's own `duplicate-key` at that key, said once: see `read_as`). Returns those
        // declared twice.
        let mut declarations = terraform::Declarations::default();
        for member in members(root) {
            let labels = match member.key.as_ref() {
                "resource" | "data" => Some(2),
                "variable" | "output" | "module" => Some(1),
                "locals" => Some(0),
                _ => None,
            };
            if let Some(labels) = labels {
                misshapen_blocks(&member.value, labels, &mut self.findings);
            }
            match member.key.as_ref() {
                "resource" => {
                    for (kind, name, declared, body) in twice_labelled(&member.value) {
                        let address = format!("{kind}.{name}");
                        declarations.declare(address.clone(), declared, "the resource");
                        self.resource(kind, &address, body);
                    }
                }
                "data" => {
                    for (kind, name, declared, body) in twice_labelled(&member.value) {
                        let address = format!("data.{kind}.{name}");
                        declarations.declare(address.clone(), declared, "the data source");
                        if kind == "alicloud_ram_policy_document" {
                            self.policy_document(body, false, address);
                        } else {
                            self.anywhere(body, &address);
                        }
                    }
                }
                "locals" => {
                    for body in blocks(&member.value) {
                        for local in members(body) {
                            let address = format!("local.{}", local.key);
                            declarations.declare(address.clone(), local.key_span, "the local value");
                            self.candidate(&local.value, false, address);
                        }
                    }
                }
                "variable" => {
                    for (name, declared, body) in labelled(&member.value) {
                        declarations.declare(format!("var.{name}"), declared, "the variable");
                        for default in members(body).filter(|m| m.key == "default") {
                            self.literal = true;
                            self.candidate(&default.value, false, format!("var.{name}"));
                            self.literal = false;
                        }
                    }
                }
                "output" => {
                    for (name, declared, body) in labelled(&member.value) {
                        declarations.declare(format!("output.{name}"), declared, "the output");
                        for value in members(body).filter(|m| m.key == "value") {
                            self.candidate(&value.value, false, format!("output.{name}"));
                        }
                    }
                }
                "module" => {
                    for (name, declared, body) in labelled(&member.value) {
                        declarations.declare(format!("module.{name}"), declared, "the module call");
                        for argument in members(body) {
                            self.candidate(&argument.value, false, format!("module.{name}.{}", argument.key));
                        }
                    }
                }
                other => self.anywhere(&member.value, other),
            }
        }
        declarations.findings
    }

    /// A resource body: its document attributes always, the deprecated `statement` blocks of
    /// `alicloud_ram_policy`, and anything else that is a document.
    fn resource(&mut self, kind: &str, address: &str, body: &Node) {
        let attributes = DOCUMENT_ATTRIBUTES
            .iter()
            .find(|(k, _)| *k == kind)
            .map_or(&[][..], |(_, attributes)| attributes);
        let legacy = kind == "alicloud_ram_policy";
        for member in members(body) {
            if legacy && member.key == "statement" {
                continue;
            }
            if let Some(what) = terraform::resource_policy_kind(kind, &member.key) {
                self.findings
                    .push(unrecognised_document::resource_policy(member.value.span, what));
                continue;
            }
            if member.key == "template_body" && terraform::ROS_TEMPLATE_RESOURCES.contains(&kind) {
                let span = member.value.span;
                if self
                    .text
                    .get(span.start..span.end)
                    .is_some_and(terraform::names_ram_resources)
                {
                    self.findings.push(unrecognised_document::embedded_ros_template(span));
                }
                continue;
            }
            if kind == terraform::CLOUD_SSO_ACCESS_CONFIGURATION && member.key == "permission_policies" {
                misshapen_blocks(&member.value, 0, &mut self.findings);
                for policy in blocks(&member.value) {
                    // Inline unless its type is a literal other than `Inline`: a type only
                    // Terraform knows (`${var.kind}`) may be `Inline`, as in `.tf`.
                    let inline = policy.get("permission_policy_type").is_none_or(|t| {
                        t.value
                            .as_str()
                            .is_none_or(|t| t == "Inline" || !interpolations(t).is_empty())
                    });
                    if let (true, Some(document)) = (inline, policy.get("permission_policy_document")) {
                        self.candidate(&document.value, true, address.to_string());
                    }
                }
                continue;
            }
            let always = attributes.contains(&member.key.as_ref());
            self.candidate(&member.value, always, address.to_string());
        }
        if legacy && members(body).any(|m| m.key == "statement" || is_dynamic_statement(m)) {
            self.policy_document(body, true, address.to_string());
        }
        if kind == "alicloud_ram_role"
            && members(body).any(|m| {
                terraform::ROLE_PRINCIPAL_ATTRIBUTES
                    .iter()
                    .any(|(key, _)| m.key == *key)
            })
        {
            self.assembled_trust_policy(body, address.to_string());
        }
    }

    /// Any value of a block: documents wherever they stand.
    fn anywhere(&mut self, node: &Node, address: &str) {
        self.candidate(node, false, address.to_string());
    }

    /// A value: a document when `always` (a document attribute), or when it is one. Objects and
    /// arrays that are not are searched for documents inside.
    fn candidate(&mut self, node: &Node, always: bool, address: String) {
        match &node.value {
            Value::String(value) => {
                if let Some(named) = self.file_reference(value) {
                    if always {
                        self.findings.push(match named {
                            Ok(path) => terraform_unknown_value::linted_in_file(node.span, &path),
                            Err(what) => terraform_unknown_value::finding(node.span, &what, 0),
                        });
                    }
                    return;
                }
            }
            // A document attribute is a string: Terraform refuses an object there ("string
            // required"), though its author's document is plain to see, and linted.
            Value::Object(_) if always => self.findings.push(
                Finding::new(
                    &invalid_element_type::RULE,
                    node.span,
                    format!("the document of `{address}` is an object: Terraform takes a string of JSON here, and refuses the file"),
                )
                .label("an object where Terraform requires a string")
                .help("write it as `\"${jsonencode({...})}\"`, or as the JSON text in a string"),
            ),
            Value::Object(_) if terraform::is_document(node) => {}
            // An object that is not a document is searched, never copied.
            Value::Object(members) => {
                for member in members.iter().filter(|m| m.key != "//") {
                    self.candidate(&member.value, false, address.clone());
                }
                return;
            }
            Value::Array(items) if !always => {
                for item in items {
                    self.candidate(item, false, address.clone());
                }
                return;
            }
            Value::Null => return,
            _ if always => {
                self.findings.push(
                    Finding::new(
                        &invalid_element_type::RULE,
                        node.span,
                        format!("`{address}` is {}, not a policy document", node.type_name()),
                    )
                    .label("expected a JSON document in a string")
                    .help("write the document as a string of JSON, or as `${jsonencode(...)}`"),
                );
                return;
            }
            _ => return,
        }
        let read = self.read(node);
        terraform::accept(read, always, address, &mut self.documents, &mut self.findings);
    }

    /// A string that is one interpolation, `${file("x.json")}` or `${templatefile("x.json.tpl",
    /// {...})}` with a literal path: read as in a `.tf` file ([`terraform::named_file`]), the
    /// file recorded when it is there. `None` for anything else.
    fn file_reference(&mut self, value: &str) -> Option<Result<String, String>> {
        if self.literal || !value.contains("${") {
            return None;
        }
        let template = hcl_edit::parser::parse_template(value).ok()?;
        let mut elements = template.iter();
        let (Some(Element::Interpolation(interpolation)), None) = (elements.next(), elements.next()) else {
            return None;
        };
        let named = terraform::named_file(self.name, value, &interpolation.expr)?;
        Some(named.map(|(written, path)| {
            self.references.push(path);
            written
        }))
    }

    /// A string (a template holding JSON text) or an object (the value `jsonencode` renders).
    fn read(&self, node: &Node) -> Read {
        match &node.value {
            Value::String(value) => {
                let Some(decoded) = json::decode_string_token(self.text, node.span) else {
                    return Read::NotJson(
                        json::SyntaxError {
                            message: "the string has an escape JSON does not allow".into(),
                            span: node.span,
                        },
                        false,
                    );
                };
                let map = |offset: usize| decoded.file_offset(offset);
                if !self.literal && !interpolations(value).is_empty() {
                    // JSON text with unknown parts: parsed around them, as a `.tf` heredoc is.
                    let pieces = string_pieces(value, &map);
                    return terraform::parse_pieces(&pieces, map(value.len()), node.span);
                }
                // `$${` and `%%{` stand for `${` and `%{` (where the value is a template): dropped
                // with their offsets kept.
                let (text, offsets) = if self.literal {
                    (value.to_string(), (0..=value.len()).map(&map).collect())
                } else {
                    unescape_templates(value, &map)
                };
                let to_file = |offset: usize| offsets.get(offset).or(offsets.last()).copied().unwrap_or(0);
                match json::parse(&text) {
                    Ok(mut root) => {
                        let findings = invisible_character::scan(&text, &root, &to_file);
                        root.remap(&to_file);
                        Read::Known(root.into_owned(), findings)
                    }
                    Err(mut error) => {
                        error.span = Span::new(to_file(error.span.start), to_file(error.span.end));
                        Read::NotJson(error, terraform::mentions_statement(&text))
                    }
                }
            }
            _ => {
                // The value `jsonencode` renders: its strings are templates, its keys must be
                // known (where a computed key's value stands is unknown).
                let mut root = node.clone();
                let mut unreadable = Vec::new();
                if !self.literal {
                    self.templates(&mut root, &mut unreadable, 0);
                }
                if let Some((span, what)) = unreadable.first() {
                    return Read::Unknown {
                        span: *span,
                        what: what.clone(),
                        count: unreadable.len() + json::unknowns(&root).len(),
                        looks_like_document: terraform::is_document(node),
                    };
                }
                let findings = invisible_character::scan(self.text, node, &|offset| offset);
                Read::Known(root.into_owned(), findings)
            }
        }
    }

    /// The strings of a tree as Terraform reads them, each a template: one with interpolations
    /// or directives becomes a [`json::Template`] (a [`Value::Unknown`] when it is exactly one),
    /// `$${`/`%%{` are read as `${`/`%{`. A key with an interpolation is pushed to `unreadable`.
    fn templates(&self, node: &mut Node, unreadable: &mut Vec<(Span, String)>, depth: usize) {
        if depth > json::MAX_DEPTH {
            unreadable.push((node.span, "a value nested too deep".into()));
            return;
        }
        match &mut node.value {
            Value::String(value) => {
                if interpolations(value).is_empty() {
                    unescape_in_place(value);
                    return;
                }
                let Some(decoded) = json::decode_string_token(self.text, node.span) else {
                    return;
                };
                let map = |offset: usize| decoded.file_offset(offset);
                let mut pieces = string_pieces(value, &map);
                node.value = match pieces.as_mut_slice() {
                    [TextPiece::Unknown(_, what)] => Value::Unknown(std::mem::take(what)),
                    _ => terraform::template_of(pieces).unwrap_or(Value::Null),
                };
            }
            Value::Object(members) => {
                for member in members {
                    let mut found = Vec::new();
                    unknown_string(&member.key, member.key_span, &mut found);
                    unreadable.extend(found);
                    unescape_in_place(&mut member.key);
                    self.templates(&mut member.value, unreadable, depth + 1);
                }
            }
            Value::Array(items) => items
                .iter_mut()
                .for_each(|item| self.templates(item, unreadable, depth + 1)),
            _ => {}
        }
    }

    /// `data "alicloud_ram_policy_document"` (or, `legacy`, the deprecated `statement` blocks
    /// of `alicloud_ram_policy`): the document the provider renders, each value at its JSON
    /// value. The rendering is the one `terraform.rs` documents for the `.tf` form.
    fn policy_document(&mut self, body: &Node, legacy: bool, address: String) {
        let mut build = Build {
            unknown: Vec::new(),
            refused: Vec::new(),
            legacy,
        };
        let root = build.policy_document(body);
        if root
            .get("Statement")
            .and_then(|m| m.value.as_array())
            .is_some_and(|s| !s.is_empty())
            || !build.unknown.is_empty()
            || !build.refused.is_empty()
        {
            self.built(&build, root, address);
        }
    }

    /// The trust policy the provider assembles from `alicloud_ram_role`'s deprecated `ram_users`
    /// and `services` (as `terraform.rs` reads it from a `.tf` file): read beside any document
    /// attribute of the role, so that a role that writes both names two documents.
    fn assembled_trust_policy(&mut self, body: &Node, address: String) {
        let mut build = Build {
            unknown: Vec::new(),
            refused: Vec::new(),
            legacy: false,
        };
        let root = build.role_trust_policy(body);
        self.built(&build, root, address);
    }

    /// A document the provider renders: linted, or only said to be unknown when any part of it
    /// is (a reference, a `dynamic` block).
    fn built(&mut self, build: &Build, root: Node<'static>, address: String) {
        if !build.refused.is_empty() {
            self.findings.extend(terraform::refused(&build.refused));
            return;
        }
        if let Some((span, what)) = build.unknown.first() {
            self.findings
                .push(terraform_unknown_value::finding(*span, what, build.unknown.len() - 1));
            return;
        }
        self.findings
            .extend(invisible_character::scan(self.text, &root, &|offset| offset));
        self.documents.push(Document {
            root,
            origin: Origin::Address(address),
            no_repeated_key: false,
        });
    }
}

fn is_dynamic_statement(member: &Member) -> bool {
    member.key == "dynamic" && blocks(&member.value).iter().any(|b| b.get("statement").is_some())
}

/// The byte ranges of the interpolations `${...}` and directives `%{...}` of a template (after
/// JSON decoding), as Terraform's HCL reads them: hcl-edit's template grammar, so that a `}`
/// or `{` inside a string of the expression (`${"{{"}`) neither ends nor extends it — counting
/// braces once read a `Deny` after such a string as part of the interpolation, and `simulate`
/// answered `allowed`. A template Terraform refuses (an unclosed `${`) is refused with its file
/// ([`refused_templates`]); here it runs to the end.
fn interpolations(text: &str) -> Vec<(usize, usize)> {
    if !text.contains("${") && !text.contains("%{") {
        return Vec::new();
    }
    let Ok(template) = hcl_edit::parser::parse_template(text) else {
        let start = text
            .match_indices("${")
            .chain(text.match_indices("%{"))
            .map(|(at, _)| at)
            .min()
            .unwrap_or(0);
        return vec![(start, text.len())];
    };
    template
        .iter()
        .filter(|element| !matches!(element, Element::Literal(_)))
        .filter_map(|element| element.span().map(|r| (r.start, r.end)))
        .collect()
}

/// Every string of a `.tf.json` file that Terraform would read as a template, and ramguard
/// reads, and that does not parse as one (an unclosed `${`, an expression HCL does not parse):
/// Terraform refuses the file, and so does ramguard (an `invalid-json` error each).
fn refused_templates(root: &Node) -> Vec<Finding> {
    fn refused(text: &str, span: Span) -> Option<Finding> {
        let refused = (text.contains("${") || text.contains("%{")) && hcl_edit::parser::parse_template(text).is_err();
        refused.then(|| {
            Finding::new(
                &invalid_json::RULE,
                span,
                "Terraform cannot read this string as a template (an unclosed `${` or `%{`, or an expression it does not parse), and refuses the file",
            )
            .label("not a Terraform template")
            .help("write `$${` for a literal `${` (`%%{` for `%{`), or close the interpolation; no document in the file was linted")
        })
    }
    fn walk(node: &Node, out: &mut Vec<Finding>, depth: usize) {
        if depth > json::MAX_DEPTH {
            return;
        }
        match &node.value {
            Value::String(text) => out.extend(refused(text, node.span)),
            Value::Object(members) => {
                for member in members.iter().filter(|m| m.key != "//") {
                    out.extend(refused(&member.key, member.key_span));
                    walk(&member.value, out, depth + 1);
                }
            }
            Value::Array(items) => items.iter().for_each(|item| walk(item, out, depth + 1)),
            _ => {}
        }
    }
    // Where Terraform evaluates strings as templates and ramguard reads them: resource and data
    // bodies (their meta-arguments aside), locals, outputs' values, module arguments, providers.
    // Elsewhere a string may be taken literally (a variable's `default`, an output's
    // `description`, a backend's `path`, a module's `source`: HCL returns it verbatim when read
    // without an evaluation context), and is no reason to refuse the file.
    const LITERAL_OR_NOT_READ: &[&str] = &[
        "depends_on",
        "provider",
        "lifecycle",
        "provisioner",
        "connection",
        "source",
        "version",
        "providers",
    ];
    let mut out = Vec::new();
    let walk_body = |body: &Node, out: &mut Vec<Finding>| {
        for member in members(body).filter(|m| !LITERAL_OR_NOT_READ.contains(&m.key.as_ref())) {
            out.extend(refused(&member.key, member.key_span));
            walk(&member.value, out, 0);
        }
    };
    for member in members(root) {
        match member.key.as_ref() {
            "resource" | "data" => {
                for (_, _, _, body) in twice_labelled(&member.value) {
                    walk_body(body, &mut out);
                }
            }
            "locals" => blocks(&member.value)
                .into_iter()
                .for_each(|body| walk_body(body, &mut out)),
            "module" => labelled(&member.value)
                .into_iter()
                .for_each(|(_, _, body)| walk_body(body, &mut out)),
            "output" => {
                for (_, _, body) in labelled(&member.value) {
                    for value in members(body).filter(|m| m.key == "value") {
                        walk(&value.value, &mut out, 0);
                    }
                }
            }
            "provider" => walk(&member.value, &mut out, 0),
            _ => {}
        }
    }
    out
}

/// The pieces of a template string (JSON-decoded; `map` gives the file offset of its bytes):
/// literal text with `$${`/`%%{` read, and each interpolation or directive.
fn string_pieces(value: &str, map: &dyn Fn(usize) -> usize) -> Vec<TextPiece> {
    let mut pieces = Vec::new();
    let mut at = 0;
    let literal = |from: usize, to: usize, pieces: &mut Vec<TextPiece>| {
        if to > from {
            let (text, mut offsets) = unescape_templates(value.get(from..to).unwrap_or_default(), &|o| map(from + o));
            offsets.pop();
            let decoded = terraform::Decoded { text, offsets };
            pieces.push(TextPiece::Text(decoded, Span::new(map(from), map(to))));
        }
    };
    for (start, end) in interpolations(value) {
        literal(at, start, &mut pieces);
        let raw = value.get(start..end).unwrap_or("${...}");
        let kind = if raw.starts_with('%') {
            "the template directive"
        } else {
            "the interpolation"
        };
        pieces.push(TextPiece::Unknown(
            Span::new(map(start), map(end)),
            format!("{kind} `{}`", short(raw)),
        ));
        at = end;
    }
    literal(at, value.len(), &mut pieces);
    pieces
}

/// `$${` → `${` and `%%{` → `%{`, in place.
fn unescape_in_place(s: &mut std::borrow::Cow<'_, str>) {
    if s.contains("$${") || s.contains("%%{") {
        *s = s.replace("$${", "${").replace("%%{", "%{").into();
    }
}

/// `text` with `$${` → `${` and `%%{` → `%{`, and the file offset of every byte left (one more
/// for the end), through `map` from offsets of `text`.
fn unescape_templates(text: &str, map: &dyn Fn(usize) -> usize) -> (String, Vec<usize>) {
    let mut out = String::with_capacity(text.len());
    let mut offsets = Vec::with_capacity(text.len() + 1);
    for (at, c) in text.char_indices() {
        if (c == '$' || c == '%')
            && text
                .get(at + 1..)
                .is_some_and(|r| r.starts_with(c) && r.get(1..).is_some_and(|r| r.starts_with('{')))
        {
            // The first of the pair is dropped; the second stands for it.
            continue;
        }
        offsets.extend(std::iter::repeat_n(map(at), c.len_utf8()));
        out.push(c);
    }
    offsets.push(map(text.len()));
    (out, offsets)
}

/// Every string (key or value) of a tree that holds an interpolation or directive.
fn unknown_strings(node: &Node, out: &mut Vec<(Span, String)>) {
    match &node.value {
        Value::String(value) => unknown_string(value, node.span, out),
        Value::Object(members) => {
            for member in members {
                unknown_string(&member.key, member.key_span, out);
                unknown_strings(&member.value, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|item| unknown_strings(item, out)),
        _ => {}
    }
}

fn unknown_string(value: &str, span: Span, out: &mut Vec<(Span, String)>) {
    if let Some(&(start, end)) = interpolations(value).first() {
        let raw = value.get(start..end).unwrap_or("${...}");
        out.push((span, format!("the interpolation `{}`", short(raw))));
    }
}

/// The strings of a tree as Terraform reads its templates: `$${` → `${`, `%%{` → `%{`.
fn unescape_tree(node: &mut Node) {
    match &mut node.value {
        Value::String(s) => unescape_in_place(s),
        Value::Object(members) => {
            for member in members {
                unescape_in_place(&mut member.key);
                unescape_tree(&mut member.value);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(unescape_tree),
        _ => {}
    }
}

fn short(raw: &str) -> String {
    let line = raw.lines().next().unwrap_or_default().trim();
    let cut: String = line.chars().take(60).collect();
    if cut.len() < raw.trim().len() {
        format!("{cut}…")
    } else {
        cut
    }
}

/// Builds the provider's rendering of `alicloud_ram_policy_document` from its JSON body.
struct Build {
    unknown: Vec<(Span, String)>,
    /// What Terraform refuses (a value of the wrong type): each an error, nothing linted.
    refused: Vec<(Span, String)>,
    legacy: bool,
}

/// Terraform's meta-arguments and the data source's own: not part of the document.
const META_ARGUMENTS: &[&str] = &[
    "output_file",
    "count",
    "for_each",
    "provider",
    "depends_on",
    "lifecycle",
];

impl Build {
    fn policy_document(&mut self, body: &Node) -> Node<'static> {
        let mut version = None;
        let mut statements = Vec::new();
        for member in members(body) {
            match member.key.as_ref() {
                "version" => version = Some(self.version(member)),
                "statement" => {
                    for statement in self.block_list(&member.value) {
                        statements.push(self.statement(statement));
                    }
                }
                key if META_ARGUMENTS.contains(&key) => {}
                // A resource's other attributes are not part of its document; a `dynamic`
                // block of statements is unknown.
                "dynamic" => self.unknown.push((member.key_span, "the `dynamic` block".into())),
                _ if self.legacy => {}
                key => self.unknown.push((member.key_span, format!("the attribute `{key}`"))),
            }
        }
        let statement_span = statements.first().map_or(body.span, |s: &Node| s.span);
        let mut members = vec![Member {
            key: "Statement".into(),
            key_span: statement_span,
            value: Node {
                span: body.span,
                value: Value::Array(statements),
            },
        }];
        members.push(version.unwrap_or_else(|| Member {
            key: "Version".into(),
            key_span: opening(body),
            value: Node {
                span: opening(body),
                value: Value::String("1".into()),
            },
        }));
        Node {
            span: body.span,
            value: Value::Object(members),
        }
    }

    /// `.tf`'s `Build::role_trust_policy` for a role's JSON body: one statement allowing
    /// `sts:AssumeRole` to the `RAM` and `Service` principals as written (an empty list left
    /// out), and `version` (default `"1"`); `Effect` and `Action` stand at the body's brace.
    fn role_trust_policy(&mut self, body: &Node) -> Node<'static> {
        let at = opening(body);
        let fixed = |key: &'static str, value: &'static str| Member {
            key: key.into(),
            key_span: at,
            value: Node {
                span: at,
                value: Value::String(value.into()),
            },
        };
        let mut principals = Vec::new();
        for (attribute, entity) in terraform::ROLE_PRINCIPAL_ATTRIBUTES {
            let Some(member) = members(body).find(|m| m.key == attribute) else {
                continue;
            };
            if let Some((items, span)) = self.string_list(member).filter(|(items, _)| !items.is_empty()) {
                principals.push((entity.to_string(), member.key_span, items, span));
            }
        }
        let statement = terraform::rendered_statement(
            body.span,
            [
                Some(fixed("Effect", "Allow")),
                Some(fixed("Action", "sts:AssumeRole")),
                None,
            ],
            principals,
            Vec::new(),
        );
        let statements = Member {
            key: "Statement".into(),
            key_span: at,
            value: Node {
                span: body.span,
                value: Value::Array(vec![statement]),
            },
        };
        let version = match members(body).find(|m| m.key == "version") {
            Some(member) => self.version(member),
            None => fixed("Version", "1"),
        };
        Node {
            span: body.span,
            value: Value::Object(vec![statements, version]),
        }
    }

    /// A nested block written as an object, or an array of objects; anything else is unknown
    /// (Terraform refuses it).
    fn block_list<'n>(&mut self, node: &'n Node<'n>) -> Vec<&'n Node<'n>> {
        match &node.value {
            Value::Object(_) => vec![node],
            Value::Array(items) => items
                .iter()
                .filter(|item| {
                    let object = item.as_object().is_some();
                    if !object {
                        self.unknown
                            .push((item.span, format!("a block written as {}", item.type_name())));
                    }
                    object
                })
                .collect(),
            _ => {
                self.unknown
                    .push((node.span, format!("a block written as {}", node.type_name())));
                Vec::new()
            }
        }
    }

    fn statement(&mut self, block: &Node) -> Node<'static> {
        let mut effect = None;
        let mut action = None;
        let mut resource = None;
        let mut principals: Vec<(String, Span, Vec<Node<'static>>, Span)> = Vec::new();
        let mut conditions: Vec<(String, Span, Vec<Member<'static>>)> = Vec::new();
        for member in members(block) {
            match member.key.as_ref() {
                "effect" => effect = Some(self.member("Effect", member)),
                "action" => action = Some(self.one_or_all("Action", member)),
                "resource" => resource = Some(self.one_or_all("Resource", member)),
                "principal" if !self.legacy => {
                    for principal in self.block_list(&member.value) {
                        let entity = self.string_attribute(principal, "entity");
                        let identifiers = self.string_list_attribute(principal, "identifiers");
                        if let (Some((entity, entity_span)), Some((mut identifiers, list_span))) = (entity, identifiers)
                        {
                            identifiers.sort_by(|a, b| b.as_str().cmp(&a.as_str()));
                            match principals.iter_mut().find(|(e, ..)| *e == entity) {
                                Some((_, _, existing, _)) => existing.extend(identifiers),
                                None => principals.push((entity, entity_span, identifiers, list_span)),
                            }
                        }
                    }
                }
                "condition" if !self.legacy => {
                    for condition in self.block_list(&member.value) {
                        let operator = self.string_attribute(condition, "operator");
                        let variable = self.string_attribute(condition, "variable");
                        let values = members(condition).find(|m| m.key == "values");
                        let Some(values) = values else {
                            self.unknown
                                .push((condition.span, "a `condition` block without `values`".into()));
                            continue;
                        };
                        let values = self.one_or_all("values", values);
                        let (Some((operator, operator_span)), Some((variable, variable_span))) = (operator, variable)
                        else {
                            continue;
                        };
                        let entry = Member {
                            key: variable.into(),
                            key_span: variable_span,
                            value: values.value,
                        };
                        match conditions.iter_mut().find(|(o, ..)| *o == operator) {
                            Some((_, _, entries)) => super::terraform::add_condition_entry(entries, entry),
                            None => conditions.push((operator, operator_span, vec![entry])),
                        }
                    }
                }
                key => self.unknown.push((member.key_span, format!("the attribute `{key}`"))),
            }
        }
        let effect = match effect {
            Some(effect) => Some(effect),
            // The deprecated blocks require `effect`: the rules report it missing.
            None if self.legacy => None,
            None => Some(Member {
                key: "Effect".into(),
                key_span: opening(block),
                value: Node {
                    span: opening(block),
                    value: Value::String("Allow".into()),
                },
            }),
        };
        super::terraform::rendered_statement(block.span, [effect, action, resource], principals, conditions)
    }

    /// `version`, a string in the provider's schema: a number written there (`1`) is converted,
    /// as Terraform converts it, before the provider renders it.
    fn version(&mut self, member: &Member) -> Member<'static> {
        let mut version = self.member("Version", member);
        as_terraform_string(&mut version.value);
        version
    }

    /// A member whose value is the attribute's, its strings checked for interpolations.
    fn member(&mut self, key: &'static str, member: &Member) -> Member<'static> {
        let mut value = member.value.clone().into_owned();
        self.known(&mut value);
        Member {
            key: key.into(),
            key_span: member.key_span,
            value,
        }
    }

    /// Records the interpolations of a value as unknown, and reads its escapes.
    fn known(&mut self, node: &mut Node) {
        unknown_strings(node, &mut self.unknown);
        unescape_tree(node);
    }

    /// A list attribute as the provider renders it: one item as a string (the deprecated blocks
    /// keep arrays), numbers and booleans as strings.
    fn one_or_all(&mut self, key: &'static str, member: &Member) -> Member<'static> {
        let mut node = member.value.clone().into_owned();
        let unknown_before = self.unknown.len();
        self.known(&mut node);
        if let Value::Array(items) = &mut node.value {
            items.iter_mut().for_each(as_terraform_string);
            if items.len() == 1
                && !self.legacy
                && let Some(item) = items.pop()
            {
                node = item;
            }
        } else if !matches!(node.value, Value::Null) && self.unknown.len() == unknown_before {
            // `"${var.actions}"` is a list only Terraform knows; anything else is refused.
            self.refused
                .push((node.span, terraform::not_a_list(&member.key, &node)));
        }
        Member {
            key: key.into(),
            key_span: member.key_span,
            value: node,
        }
    }

    fn string_attribute(&mut self, block: &Node, key: &str) -> Option<(String, Span)> {
        let Some(member) = members(block).find(|m| m.key == key) else {
            self.unknown.push((opening(block), format!("a block without `{key}`")));
            return None;
        };
        let mut node = member.value.clone();
        let unknown_before = self.unknown.len();
        self.known(&mut node);
        as_terraform_string(&mut node);
        match node.value {
            Value::String(s) => Some((s.into_owned(), node.span)),
            _ if self.unknown.len() > unknown_before => None,
            _ => {
                self.refused.push((
                    node.span,
                    format!("`{key}` is written as {}, not a string", node.type_name()),
                ));
                None
            }
        }
    }

    fn string_list_attribute(&mut self, block: &Node, key: &str) -> Option<(Vec<Node<'static>>, Span)> {
        let Some(member) = members(block).find(|m| m.key == key) else {
            self.unknown.push((opening(block), format!("a block without `{key}`")));
            return None;
        };
        self.string_list(member)
    }

    /// A member's value as a list of strings (numbers and booleans converted, as Terraform
    /// does), and its span; nothing when only Terraform knows it (`"${var.users}"`: said as the
    /// interpolation) or it is not a list (refused).
    fn string_list(&mut self, member: &Member) -> Option<(Vec<Node<'static>>, Span)> {
        let mut node = member.value.clone().into_owned();
        let unknown_before = self.unknown.len();
        self.known(&mut node);
        match node.value {
            Value::Array(mut items) => {
                items.iter_mut().for_each(as_terraform_string);
                Some((items, node.span))
            }
            _ if self.unknown.len() > unknown_before => None,
            _ => {
                self.refused
                    .push((node.span, terraform::not_a_list(&member.key, &node)));
                None
            }
        }
    }
}

/// A number or boolean in a list of strings, as Terraform converts it.
fn as_terraform_string(node: &mut Node) {
    match &node.value {
        Value::Number(n) => node.value = Value::String(n.clone()),
        Value::Bool(b) => node.value = Value::String(b.to_string().into()),
        _ => {}
    }
}

fn opening(node: &Node) -> Span {
    crate::rules::opening(node)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interpolations_and_their_escapes() {
        assert_eq!(interpolations("a${b}c"), [(1, 5)]);
        assert_eq!(interpolations("a$${b}c%%{d}"), []);
        // A directive is one range from `%{ if }` to `%{ endif }`: what it holds is conditional.
        assert_eq!(interpolations("%{ if x }a%{ endif }${y}"), [(0, 20), (20, 24)]);
        assert_eq!(interpolations("${ {a = 1} }"), [(0, 12)]);
        // A brace inside a string of the expression neither ends nor extends it.
        assert_eq!(interpolations(r#"x${"{{"}y}"#), [(1, 8)]);
        assert_eq!(interpolations(r#"${"}"}z"#), [(0, 6)]);
        // Templates Terraform refuses (the file is refused): to the end.
        assert_eq!(interpolations("${unclosed"), [(0, 10)]);
        assert_eq!(interpolations("a%{ if x }${y}"), [(1, 14)]);
        let (text, offsets) = unescape_templates("x$${y}", &|o| o + 10);
        assert_eq!(text, "x${y}");
        assert_eq!(offsets, [10, 12, 13, 14, 15, 16]);
    }
}
