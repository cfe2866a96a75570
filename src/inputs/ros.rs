//! A ROS template (Alibaba Cloud Resource Orchestration Service), JSON or YAML, recognised by
//! its top-level `ROSTemplateFormatVersion`: the RAM policy documents its resources hold,
//! handed on as a [`PolicyFile`] whose trees have every span in the template file.
//!
//! Where the documents are, as ROS's resource reference pages give them: the `PolicyDocument`
//! (and `PolicyDocumentUnchecked`, which ROS sends instead when it is set) of
//! `ALIYUN::RAM::ManagedPolicy`; the `AssumeRolePolicyDocument` (a trust policy) of
//! `ALIYUN::RAM::Role`; and the `PolicyDocument` of every item of `Policies` of
//! `ALIYUN::RAM::Role`, `ALIYUN::RAM::User` and `ALIYUN::RAM::Group`. Each is named
//! `Resources.<LogicalId>` (`Resources.<LogicalId>.Policies[i]` for an inline policy).
//!
//! ROS takes a document as a map, not a string: it stands in the template as an object whose
//! spans are already the file's. A ROS function in it (`Ref`, any `Fn::*`, or a YAML short
//! form such as `!Ref`) is a value only ROS knows ([`Value::Unknown`]); an `Fn::Sub` string, or
//! an `Fn::Join` of literals and functions, is a string with unknown parts
//! ([`json::Template`]). What is known is linted, and the document gets one
//! `terraform-unknown-value` finding that names ROS. A document that is itself a function is
//! not linted.
//!
//! YAML that is not a ROS template is skipped like `package.json`; a ROS template with no RAM
//! resource is skipped too.

pub mod yaml;

use std::collections::BTreeSet;
use std::sync::Arc;

use super::policy_file::{Content, Document, NotPolicy, Origin, PolicyFile, Unrecognised};
use crate::json::{self, Node, PathStep, Value};
use crate::rules::terraform_unknown_value::{self, Tool};
use crate::rules::{
    Finding, Severity, invalid_element_type, invalid_json, invisible_character, undefined_reference,
    unrecognised_document,
};
use crate::source::{SourceFile, Span};

/// The key that makes a file a ROS template.
pub const MARK: &str = "ROSTemplateFormatVersion";

/// A resource type of ROS that holds policy documents.
#[derive(Debug)]
struct RamResource {
    kind: &'static str,
    /// The properties that are a document.
    documents: &'static [&'static str],
    /// Whether `Policies[].PolicyDocument` holds inline ones.
    inline_policies: bool,
    /// Whether ROS's schema types its documents as Maps (`Version` a String, which ROS likely
    /// converts a number to: `invalid-version`); a document written as JSON text in them is
    /// sent as written all the same.
    typed_maps: bool,
}

/// The RAM resource types of ROS that hold policy documents. Checked against ROS's resource
/// reference (`ALIYUN::RAM::ManagedPolicy`, `::Role`, `::User`, `::Group`; see the README).
const RAM_RESOURCES: &[RamResource] = &[
    // ROS sends `PolicyDocumentUnchecked` instead of `PolicyDocument` when both are set: both
    // are linted, since either may be the one sent.
    RamResource {
        kind: "ALIYUN::RAM::ManagedPolicy",
        documents: &["PolicyDocument", "PolicyDocumentUnchecked"],
        inline_policies: false,
        typed_maps: true,
    },
    // A trust policy.
    RamResource {
        kind: "ALIYUN::RAM::Role",
        documents: &["AssumeRolePolicyDocument"],
        inline_policies: true,
        typed_maps: true,
    },
    RamResource {
        kind: "ALIYUN::RAM::User",
        documents: &[],
        inline_policies: true,
        typed_maps: true,
    },
    RamResource {
        kind: "ALIYUN::RAM::Group",
        documents: &[],
        inline_policies: true,
        typed_maps: true,
    },
    // A control policy of Resource Directory, as JSON text (ROS's resource reference,
    // "ALIYUN::ResourceManager::ControlPolicy": `PolicyDocument`, a String of up to 2,048
    // characters), as Terraform's `alicloud_resource_manager_control_policy` is read.
    RamResource {
        kind: "ALIYUN::ResourceManager::ControlPolicy",
        documents: &["PolicyDocument"],
        inline_policies: false,
        typed_maps: false,
    },
];

/// ROS resource types that attach a policy to a principal or a folder.
const ATTACHMENT_RESOURCES: &[&str] = &[
    "ALIYUN::RAM::AttachPolicyToUser",
    "ALIYUN::RAM::AttachPolicyToGroup",
    "ALIYUN::RAM::AttachPolicyToRole",
    "ALIYUN::ResourceManager::ControlPolicyAttachment",
    "ALIYUN::ResourceManager::PolicyAttachment",
    // Adds users to a group: the group's policies reach them.
    "ALIYUN::RAM::UserToGroupAddition",
];

/// The properties of a RAM user, group or role that attach policies to it (`PolicyAttachments`:
/// system and custom policies by name) or put a user in groups (`Groups`).
const ATTACHING_PROPERTIES: &[(&str, &[&str])] = &[
    ("ALIYUN::RAM::User", &["PolicyAttachments", "Groups"]),
    ("ALIYUN::RAM::Group", &["PolicyAttachments"]),
    ("ALIYUN::RAM::Role", &["PolicyAttachments"]),
    ("ALIYUN::RAM::ManagedPolicy", &["Users", "Groups", "Roles"]),
];

/// What a ROS template attaches, by where it says it: each attachment resource's `Properties`
/// (group memberships included), a `ManagedPolicy`'s `Users`, `Groups` and `Roles`, and the
/// `PolicyAttachments` (and a user's `Groups`) of users, groups and roles, written without layout. `diff`
/// compares documents, and says when these change.
pub fn policy_attachments(root: &Node) -> std::collections::BTreeMap<String, String> {
    let mut out = std::collections::BTreeMap::new();
    let resources = root
        .get("Resources")
        .and_then(|m| m.value.as_object())
        .unwrap_or_default();
    for resource in resources {
        let kind = resource
            .value
            .get("Type")
            .and_then(|m| m.value.as_str())
            .unwrap_or_default();
        let properties = resource.value.get("Properties").map(|m| &m.value);
        if ATTACHMENT_RESOURCES.contains(&kind) {
            out.insert(
                format!("Resources.{}", resource.key),
                properties.map(json::written_without_layout).unwrap_or_default(),
            );
        } else if let Some((_, keys)) = ATTACHING_PROPERTIES.iter().find(|(k, _)| *k == kind) {
            for key in *keys {
                if let Some(member) = properties.and_then(|p| p.get(key)) {
                    out.insert(
                        format!("Resources.{}.Properties.{key}", resource.key),
                        json::written_without_layout(&member.value),
                    );
                }
            }
        }
    }
    out
}

/// Whether a parsed file is a ROS template: an object with a top-level `ROSTemplateFormatVersion`.
pub fn is_template(root: &Node) -> bool {
    root.get(MARK).is_some()
}

/// Read `bytes` as a YAML file named `name`: a ROS template, or skipped.
pub fn read_yaml(name: String, bytes: Vec<u8>) -> PolicyFile<'static> {
    let source = match super::source_of(name, bytes) {
        Ok(source) => source,
        Err(not_utf8) if not_utf8.lossy.contains(MARK) => return not_utf8.unparsed(),
        Err(not_utf8) => {
            return PolicyFile {
                source: Arc::new(SourceFile::new(not_utf8.name, not_utf8.lossy)),
                content: Content::NotPolicy(NotPolicy::NotRosTemplate),
                findings: Vec::new(),
            };
        }
    };
    let text: &str = &source.text;
    // YAML allows a byte-order mark; offsets stay the file's.
    let (body, base) = match text.strip_prefix('\u{feff}') {
        Some(rest) => (rest, '\u{feff}'.len_utf8()),
        None => (text, 0),
    };
    let mut findings = Vec::new();
    let content = match yaml::parse_noting_ambiguities(body, base) {
        // Broken YAML is only reported in a file that says it is a template: a repository's
        // other YAML (CI workflows, compose files with anchors) is none of ramguard's business.
        Err(_) if !text.contains(MARK) => Content::NotPolicy(NotPolicy::NotRosTemplate),
        Err(error) => {
            findings.push(yaml_error(&error));
            Content::Unparsed
        }
        Ok((root, _)) if !is_template(&root) => Content::NotPolicy(NotPolicy::NotRosTemplate),
        Ok((root, ambiguous)) => {
            let content = read_template(text, &root, Syntax::Yaml, true, &mut findings);
            if let Content::Documents(documents) = &content {
                findings.extend(ambiguous_scalars(text, documents, &ambiguous));
            }
            content
        }
    };
    PolicyFile {
        source: source.clone(),
        content,
        findings,
    }
}

/// The plain scalars of a document whose meaning depends on the YAML version ROS applies, which
/// it does not say ([`yaml::Ambiguity`]): reported, for the author to write what is meant. Those
/// outside every document (an ECS tag's `Value: 095` in Alibaba's own templates) are no policy's
/// business.
fn ambiguous_scalars(text: &str, documents: &[Document], notes: &[(Span, yaml::Ambiguity)]) -> Vec<Finding> {
    notes
        .iter()
        .filter(|(span, _)| {
            documents
                .iter()
                .any(|d| d.root.span.start <= span.start && span.end <= d.root.span.end)
        })
        .map(|&(span, ambiguity)| {
            let written = text.get(span.start..span.end).unwrap_or_default();
            match ambiguity {
                yaml::Ambiguity::Yaml11Boolean => Finding::new(
                    &invalid_element_type::RULE,
                    span,
                    format!("`{written}` is a boolean in YAML 1.1 and a string in YAML 1.2: its type is ambiguous"),
                )
                .label("quote it or write `true`/`false`")
                .help(format!(
                    "write `'{written}'` for the string, or `true`/`false` for a boolean; ramguard read it as the string"
                )),
                yaml::Ambiguity::Yaml11NumberOrDate => Finding::new(
                    &invalid_element_type::RULE,
                    span,
                    format!("`{written}` is a number or date in YAML 1.1 and a string in YAML 1.2: its type is ambiguous"),
                )
                .label("quote it")
                .help(format!(
                    "write `'{written}'` for the string; ramguard read it as a value only ROS knows"
                )),
                yaml::Ambiguity::NotStringKey => Finding::new(
                    &invalid_element_type::RULE,
                    span,
                    format!("the key `{written}` is not a string in YAML: JSON's keys are strings"),
                )
                .label("quote it")
                .help(format!("write `'{written}':`")),
                yaml::Ambiguity::NotJsonNumber => Finding::new(
                    &invalid_json::RULE,
                    span,
                    format!("`{written}` is a YAML number JSON cannot write: YAML 1.1 and 1.2 may read it differently"),
                )
                .label("quote it or write it as JSON does")
                .help(format!(
                    "write `'{written}'` for the string, or the number as JSON writes it; ramguard read it as a value only ROS knows"
                )),
            }
        })
        .collect()
}

/// A JSON file whose tree is a ROS template (the recognition hook of `policy_file`);
/// `may_repeat_a_key` is false when the JSON reader saw no object of it with a key twice.
pub fn read_json_template<'a>(
    text: &str,
    root: &Node<'a>,
    may_repeat_a_key: bool,
    findings: &mut Vec<Finding>,
) -> Content<'a> {
    read_template(text, root, Syntax::Json, may_repeat_a_key, findings)
}

/// The finding for YAML that could not be read.
fn yaml_error(error: &yaml::YamlError) -> Finding {
    if error.syntax {
        Finding::new(
            &invalid_json::RULE,
            error.span,
            format!("the ROS template is not valid YAML: {}", error.message),
        )
        .label("here")
        .help("ROS refuses the template too; no document in it was linted")
    } else {
        Finding::new(&invalid_json::RULE, error.span, error.message.clone())
            .label("not read")
            .help("ramguard reads YAML only where it means what JSON means; no document in this template was linted")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Syntax {
    Json,
    Yaml,
}

struct Reader<'t, 'a> {
    text: &'t str,
    syntax: Syntax,
    documents: Vec<Document<'a>>,
    findings: Vec<Finding>,
    /// Whether the template has a RAM resource that may hold a document.
    has_ram_resource: bool,
}

fn read_template<'a>(
    text: &str,
    root: &Node<'a>,
    syntax: Syntax,
    may_repeat_a_key: bool,
    findings: &mut Vec<Finding>,
) -> Content<'a> {
    let mut reader = Reader {
        text,
        syntax,
        documents: Vec::new(),
        findings: Vec::new(),
        has_ram_resource: false,
    };
    let resources = root
        .as_object()
        .unwrap_or_default()
        .iter()
        .filter(|m| m.key == "Resources");
    for resources in resources {
        for resource in resources.value.as_object().unwrap_or_default() {
            reader.resource(&resource.key, &resource.value);
        }
    }
    if !reader.has_ram_resource {
        return Content::NotPolicy(NotPolicy::RosWithoutRam);
    }
    // A key written twice anywhere in the template is as ambiguous as in a document: every one
    // outside the documents is reported here (those inside are the rule's, when it lints them).
    super::wrapper_duplicates(root, &reader.documents, may_repeat_a_key, findings);
    // A name that nothing defines, in what a RAM resource is given: its documents cannot be
    // what their author meant. (Elsewhere in a template it is not ramguard's business: Alibaba's
    // own templates name undefined parameters in their console metadata and `Conditions`.)
    match defined_names(root) {
        Ok(Some(defined)) => {
            for properties in ram_resources(root).flat_map(|r| r.iter().filter(|m| m.key == "Properties")) {
                undefined_references(text, &properties.value, &defined, 0, findings);
            }
        }
        Ok(None) => {}
        Err(section) => findings.push(undefined_reference::not_a_map(section.value.span, &section.key)),
    }
    // A policy document's elements beside the mark: ROS has no such section, and a document no
    // `Resources`. Whichever tool reads the file, its author meant something it is not (without
    // a RAM resource, the file is read as the document it may be: see `policy_file`).
    for element in root
        .as_object()
        .unwrap_or_default()
        .iter()
        .filter(|m| m.key == "Version" || m.key == "Statement")
    {
        findings.push(unrecognised_document::finding(&Unrecognised {
            span: element.key_span,
            message: format!(
                "`{}` stands beside `{MARK}`: a ROS template has no such section, and ROS reads none of it",
                element.key
            ),
            help: "move the policy into a resource's `PolicyDocument` (`ALIYUN::RAM::ManagedPolicy`), or into a file of its own"
                .into(),
            severity: Severity::Error,
        }));
    }
    findings.append(&mut reader.findings);
    Content::Documents(reader.documents)
}

impl<'a> Reader<'_, 'a> {
    fn resource(&mut self, logical_id: &str, node: &Node<'a>) {
        let members = node.as_object().unwrap_or_default();
        // Every `Type` is read: a resource that writes it twice is reported as a duplicate, and
        // what it may be is checked either way.
        let kinds = members
            .iter()
            .filter(|m| m.key == "Type")
            .filter_map(|m| m.value.as_str())
            .filter_map(|kind| RAM_RESOURCES.iter().find(|resource| resource.kind == kind));
        for resource in kinds {
            self.has_ram_resource = true;
            let address = format!("Resources.{logical_id}");
            for properties in members.iter().filter(|m| m.key == "Properties") {
                if let Some((span, what)) = function(&properties.value) {
                    // The whole of `Properties` is only known to ROS: so are its documents.
                    self.findings
                        .push(terraform_unknown_value::finding_for(Tool::Ros, span, &what, 0));
                    continue;
                }
                for property in properties.value.as_object().unwrap_or_default() {
                    if resource.documents.contains(&property.key.as_ref()) {
                        let path = format!("{address}.Properties.{}", property.key);
                        self.document(&property.value, &address, &path, resource.typed_maps);
                    } else if resource.inline_policies && property.key == "Policies" {
                        self.policies(&property.value, &address, resource.typed_maps);
                    }
                }
            }
        }
    }

    /// `Policies`: a list of `{PolicyName, PolicyDocument, ...}`.
    fn policies(&mut self, node: &Node<'a>, address: &str, typed_maps: bool) {
        if let Some((span, what)) = function(node) {
            self.findings
                .push(terraform_unknown_value::finding_for(Tool::Ros, span, &what, 0));
            return;
        }
        for (i, item) in node.as_array().unwrap_or_default().iter().enumerate() {
            let address = format!("{address}.Policies[{i}]");
            if let Some((span, what)) = function(item) {
                self.findings
                    .push(terraform_unknown_value::finding_for(Tool::Ros, span, &what, 0));
                continue;
            }
            for member in item
                .as_object()
                .unwrap_or_default()
                .iter()
                .filter(|m| m.key == "PolicyDocument")
            {
                let path = format!("{address}.PolicyDocument");
                self.document(&member.value, &address, &path, typed_maps);
            }
        }
    }

    /// A document property's value: a map (as ROS takes it), or a string holding JSON.
    /// `typed_maps`: the property is a Map of ROS's schema ([`RamResource::typed_maps`]).
    fn document(&mut self, node: &Node<'a>, address: &str, path: &str, typed_maps: bool) {
        if let Some((span, what)) = function(node) {
            // The whole document is only known to ROS: nothing of it can be linted.
            let mut unknown = Vec::new();
            functions(node, &mut unknown);
            self.findings.push(terraform_unknown_value::finding_for(
                Tool::Ros,
                span,
                &what,
                unknown.len().saturating_sub(1),
            ));
            return;
        }
        let root = match &node.value {
            Value::Object(_) => {
                self.findings.extend(self.invisible(node));
                let mut root = node.clone();
                self.resolve(&mut root, 0);
                if root.holds_unknown() {
                    let unknowns = json::unknowns(&root);
                    if let Some((span, what)) = unknowns.first() {
                        self.findings.push(terraform_unknown_value::partial_for(
                            Tool::Ros,
                            *span,
                            what,
                            unknowns.len() - 1,
                        ));
                    }
                }
                root
            }
            Value::String(value) => match self.parse_string(node, value) {
                Some(root) => root,
                None => return,
            },
            Value::Null => return,
            other => {
                // An unknown here is a YAML number JSON cannot write (functions were read above).
                let is = match other {
                    Value::Unknown(what) => what.as_str(),
                    _ => node.type_name(),
                };
                self.findings.push(
                    Finding::new(
                        &invalid_element_type::RULE,
                        node.span,
                        format!("`{path}` is {is}, not a policy document"),
                    )
                    .label("expected a map")
                    .help("ROS takes a policy document as a map: `{Version: '1', Statement: [...]}`"),
                );
                return;
            }
        };
        self.documents.push(Document {
            root,
            origin: Origin::RosResource {
                address: address.to_string(),
                // A map ROS's schema reads; JSON text is sent as written.
                typed: typed_maps && node.as_object().is_some(),
            },
            no_repeated_key: false,
        });
    }

    /// Every ROS function in a document's tree, as what is known of its value: a
    /// [`Value::Unknown`], or for `Fn::Sub` and `Fn::Join` a [`json::Template`] of literal
    /// text and unknown parts (a plain string when every part is literal).
    fn resolve(&self, node: &mut Node, depth: usize) {
        if depth > json::MAX_DEPTH {
            return;
        }
        if let Some((_, what)) = function(node) {
            node.value = match self.function_value(node) {
                Some(parts) => template_or_string(parts),
                None => Value::Unknown(what),
            };
            return;
        }
        match &mut node.value {
            Value::Object(members) => members.iter_mut().for_each(|m| self.resolve(&mut m.value, depth + 1)),
            Value::Array(items) => items.iter_mut().for_each(|item| self.resolve(item, depth + 1)),
            _ => {}
        }
    }

    /// The parts of the string an `Fn::Sub` or `Fn::Join` renders, when they can be told (a
    /// literal string to substitute in; a literal delimiter and a literal list); `None` when
    /// the value is wholly unknown.
    fn function_value(&self, node: &Node) -> Option<Vec<json::Part>> {
        let [member] = node.as_object()? else {
            return None;
        };
        match member.key.as_ref() {
            // `{"Fn::Sub": "text"}` or `{"Fn::Sub": ["text", {variables}]}`.
            "Fn::Sub" => {
                let text = match &member.value.value {
                    Value::String(_) => &member.value,
                    Value::Array(items) if matches!(items.len(), 1 | 2) => items.first()?,
                    _ => return None,
                };
                self.substitution(text)
            }
            // `{"Fn::Join": ["delimiter", [items...]]}`.
            "Fn::Join" => {
                let [delimiter, list] = member.value.as_array()? else {
                    return None;
                };
                let separator = delimiter.as_str()?;
                let mut parts = Vec::new();
                for (i, item) in list.as_array()?.iter().enumerate() {
                    if i > 0 && !separator.is_empty() {
                        parts.push(json::Part::Text(separator.to_string(), delimiter.span));
                    }
                    match &item.value {
                        Value::String(s) => parts.push(json::Part::Text(s.to_string(), item.span)),
                        _ => {
                            let (_, what) = function(item)?;
                            match self.function_value(item) {
                                Some(inner) => parts.extend(inner),
                                None => parts.push(json::Part::Unknown(what, item.span)),
                            }
                        }
                    }
                }
                Some(parts)
            }
            _ => None,
        }
    }

    /// The parts of an `Fn::Sub` string: `${Name}` is unknown, `${!Literal}` the literal text
    /// `${Literal}` (ROS's escape). Each part at its place in the file; `None` when the string
    /// cannot be placed (a YAML string with escapes or folded lines) or a `${` is not closed.
    fn substitution(&self, node: &Node) -> Option<Vec<json::Part>> {
        let value = node.as_str()?;
        let placed = match self.syntax {
            Syntax::Json => {
                let decoded = json::decode_string_token(self.text, node.span)?;
                Placed::Offsets((0..=decoded.text.len()).map(|i| decoded.file_offset(i)).collect())
            }
            Syntax::Yaml => {
                // The scalar of a short form (`!Sub 'text'`) is spanned from its tag.
                let raw = self.text.get(node.span.start..node.span.end)?;
                let skip = if raw.starts_with('!') {
                    let tag = raw.find(char::is_whitespace)?;
                    tag + raw.get(tag..)?.len() - raw.get(tag..)?.trim_start().len()
                } else {
                    0
                };
                let span = Span::new(node.span.start + skip, node.span.end);
                Placed::Lines(place_lines(self.text, span, value)?)
            }
        };
        let at = |offset: usize| placed.file_offset(offset);
        let mut parts = Vec::new();
        let mut literal = String::new();
        let mut literal_start = 0;
        let mut rest_at = 0;
        while let Some(found) = value.get(rest_at..)?.find("${") {
            let open = rest_at + found;
            literal.push_str(value.get(rest_at..open)?);
            if value.get(open + 2..)?.starts_with('!') {
                literal.push_str("${");
                rest_at = open + 3;
                continue;
            }
            let close = open + value.get(open..)?.find('}')? + 1;
            if !literal.is_empty() {
                parts.push(json::Part::Text(
                    std::mem::take(&mut literal),
                    Span::new(at(literal_start), at(open)),
                ));
            }
            let raw = value.get(open..close)?;
            parts.push(json::Part::Unknown(
                format!("the ROS substitution `{}`", short(raw)),
                Span::new(at(open), at(close)),
            ));
            rest_at = close;
            literal_start = close;
        }
        literal.push_str(value.get(rest_at..)?);
        if !literal.is_empty() {
            parts.push(json::Part::Text(literal, Span::new(at(literal_start), at(value.len()))));
        }
        Some(parts)
    }

    /// A document written as a string of JSON: parsed where it stands, every span in the file.
    fn parse_string(&mut self, node: &Node, value: &str) -> Option<Node<'static>> {
        let placed = match self.syntax {
            Syntax::Json => json::decode_string_token(self.text, node.span).map(|d| {
                let offsets: Vec<usize> = (0..=d.text.len()).map(|i| d.file_offset(i)).collect();
                Placed::Offsets(offsets)
            }),
            Syntax::Yaml => place_lines(self.text, node.span, value).map(Placed::Lines),
        };
        let Some(placed) = placed else {
            self.findings.push(
                Finding::new(
                    &invalid_element_type::RULE,
                    node.span,
                    "a policy document written as a folded or escaped YAML string is not read",
                )
                .label("not read")
                .help("write the document as a map (ROS takes it as one), or as a `|` block"),
            );
            return None;
        };
        let to_file = |offset: usize| placed.file_offset(offset);
        match json::parse(value) {
            Ok(mut root) => {
                if self.syntax == Syntax::Json {
                    self.findings.extend(invisible_character::scan(value, &root, &to_file));
                }
                root.remap(&to_file);
                if self.syntax == Syntax::Yaml {
                    self.findings.extend(self.invisible(&root));
                }
                // The string's text is the template's, but decoded: the tree owns its strings.
                Some(root.into_owned())
            }
            Err(mut error) => {
                error.span = Span::new(to_file(error.span.start), to_file(error.span.end));
                self.findings.push(invalid_json::syntax(&error));
                None
            }
        }
    }

    /// Invisible characters in a document whose spans are the file's.
    fn invisible(&self, root: &Node) -> Vec<Finding> {
        match self.syntax {
            Syntax::Json => invisible_character::scan(self.text, root, &|offset| offset),
            Syntax::Yaml => {
                let mut out = Vec::new();
                yaml_invisible(self.text, root, &mut Vec::new(), &mut out);
                out
            }
        }
    }
}

/// The members of every resource of the template whose `Type` is a RAM resource of
/// [`RAM_RESOURCES`].
fn ram_resources<'r, 'a>(root: &'r Node<'a>) -> impl Iterator<Item = &'r [json::Member<'a>]> {
    root.as_object()
        .unwrap_or_default()
        .iter()
        .filter(|m| m.key == "Resources")
        .flat_map(|resources| resources.value.as_object().unwrap_or_default())
        .filter_map(|resource| resource.value.as_object())
        .filter(|members| {
            members
                .iter()
                .filter(|m| m.key == "Type")
                .filter_map(|m| m.value.as_str())
                .any(|kind| RAM_RESOURCES.iter().any(|resource| resource.kind == kind))
        })
}

/// ROS's pseudo parameters, as its documentation lists them ("Pseudo parameters"): any other
/// `ALIYUN::` name is no parameter.
const PSEUDO_PARAMETERS: [&str; 8] = [
    "ALIYUN::StackName",
    "ALIYUN::StackId",
    "ALIYUN::Region",
    "ALIYUN::AccountId",
    "ALIYUN::TenantId",
    "ALIYUN::ResourceGroupId",
    "ALIYUN::NoValue",
    "ALIYUN::Index",
];

/// The names a template defines for its functions to name: its parameters, resources and
/// locals, and ROS's pseudo parameters. `Ok(None)` when they cannot be told (a `Transform` may
/// define names); `Err` with the section that is neither a map nor empty (ROS refuses such a
/// template).
fn defined_names<'n>(root: &'n Node) -> Result<Option<BTreeSet<&'n str>>, &'n json::Member<'n>> {
    let mut names: BTreeSet<&str> = PSEUDO_PARAMETERS.into_iter().collect();
    for member in root.as_object().unwrap_or_default() {
        match member.key.as_ref() {
            "Transform" => return Ok(None),
            "Parameters" | "Resources" | "Locals" => match &member.value.value {
                Value::Null => {}
                Value::Object(members) => names.extend(members.iter().map(|m| m.key.as_ref())),
                _ => return Err(member),
            },
            _ => {}
        }
    }
    Ok(Some(names))
}

/// Every `Ref`, `Fn::GetAtt` and `${Name}` of an `Fn::Sub` in `node` (a function being an
/// object of that one key) whose name is not `defined`, or that names nothing at all (`Ref: 5`,
/// `Fn::GetAtt: []`, `${}`) ([`undefined_reference`]).
fn undefined_references(text: &str, node: &Node, defined: &BTreeSet<&str>, depth: usize, out: &mut Vec<Finding>) {
    if depth > json::MAX_DEPTH {
        return;
    }
    let mut check = |name: Option<&str>, written: &str, span: Span, local: &[&str]| match name {
        Some(name) if defined.contains(name) || local.contains(&name) => {}
        Some(name) if !name.is_empty() => {
            // A typo is near in length: the edit distance runs on those candidates only.
            let near = crate::suggest::did_you_mean(
                name,
                defined.iter().copied().filter(|d| d.len().abs_diff(name.len()) <= 3),
            );
            out.push(undefined_reference::finding(span, written, name, near));
        }
        _ => out.push(undefined_reference::no_name(span, written)),
    };
    match &node.value {
        Value::Object(members) => {
            if let [function] = members.as_slice() {
                let argument = &function.value;
                match function.key.as_ref() {
                    "Ref" => check(argument.as_str(), "Ref", argument.span, &[]),
                    // `[Name, Attribute]`, or the short form's `Name.Attribute`.
                    "Fn::GetAtt" => {
                        let (name, span) = match &argument.value {
                            Value::String(s) => (s.split('.').next(), argument.span),
                            Value::Array(items) => match items.first() {
                                Some(first) => (first.as_str().map(|s| s.split('.').next().unwrap_or(s)), first.span),
                                None => (None, argument.span),
                            },
                            _ => (None, argument.span),
                        };
                        check(name, "Fn::GetAtt", span, &[]);
                    }
                    // `"text"` or `["text", {variables}]`.
                    "Fn::Sub" => {
                        let (string, variables) = match &argument.value {
                            Value::Array(items) if items.len() <= 2 => {
                                (items.first(), items.get(1).and_then(|v| v.as_object()))
                            }
                            Value::Array(_) => (None, None),
                            _ => (Some(argument), None),
                        };
                        let local: Vec<&str> = variables.unwrap_or_default().iter().map(|m| m.key.as_ref()).collect();
                        match string.and_then(|s| s.as_str().map(|value| (s, value))) {
                            Some((string, value)) => {
                                // Each `${Name}` placed where the file writes it (in order, so
                                // that a name written twice is found twice).
                                let raw = text.get(string.span.start..string.span.end).unwrap_or_default();
                                let mut cursor = 0;
                                for name in substituted_names(value) {
                                    let written = format!("${{{name}}}");
                                    let span = match raw.get(cursor..).and_then(|r| r.find(&written)) {
                                        Some(at) => {
                                            cursor += at + written.len();
                                            let start = string.span.start + cursor - written.len();
                                            Span::new(start, start + written.len())
                                        }
                                        None => string.span,
                                    };
                                    check(name.split('.').next(), &written, span, &local);
                                }
                            }
                            None => check(None, "Fn::Sub", argument.span, &[]),
                        }
                    }
                    _ => {}
                }
            }
            for member in members {
                undefined_references(text, &member.value, defined, depth + 1, out);
            }
        }
        Value::Array(items) => {
            for item in items {
                undefined_references(text, item, defined, depth + 1, out);
            }
        }
        _ => {}
    }
}

/// What each `${...}` of an `Fn::Sub` string names, in order (`""` for `${}`): not
/// `${!Literal}` (ROS's escape), nor one written with white space (which may not be a
/// reference at all).
fn substituted_names(value: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut rest = value;
    while let Some(open) = rest.find("${") {
        let after = &rest[open + 2..];
        let Some(close) = after.find('}') else { break };
        let inner = &after[..close];
        if !inner.starts_with('!') && !inner.contains(char::is_whitespace) {
            names.push(inner);
        }
        rest = &after[close + 1..];
    }
    names
}

/// A string of parts: a template when one is unknown, the text itself when none is.
fn template_or_string(parts: Vec<json::Part>) -> Value<'static> {
    if parts.iter().any(|p| matches!(p, json::Part::Unknown(..))) {
        return Value::Template(json::Template { parts });
    }
    Value::String(
        parts
            .into_iter()
            .map(|p| match p {
                json::Part::Text(text, _) | json::Part::Unknown(text, _) => text,
            })
            .collect(),
    )
}

/// Where the bytes of a string stand in the file.
enum Placed {
    /// The file offset of every byte, and one more for the end.
    Offsets(Vec<usize>),
    /// (offset in the value, offset in the file) at the start of every line.
    Lines(Vec<(usize, usize)>),
}

impl Placed {
    fn file_offset(&self, offset: usize) -> usize {
        match self {
            Self::Offsets(offsets) => offsets.get(offset).or(offsets.last()).copied().unwrap_or(0),
            Self::Lines(lines) => {
                let at = lines.partition_point(|&(start, _)| start <= offset);
                lines
                    .get(at.saturating_sub(1))
                    .map_or(0, |&(start, file)| file + (offset - start))
            }
        }
    }
}

/// Each line of a YAML string's value, found in order in the file's text of the scalar: a
/// plain or quoted scalar without escapes, or a `|` block. `None` when a line is not there as
/// written (escapes, folding).
fn place_lines(text: &str, span: Span, value: &str) -> Option<Vec<(usize, usize)>> {
    let raw = text.get(span.start..span.end)?;
    let mut lines = Vec::new();
    let mut cursor = 0;
    let mut offset = 0;
    for line in value.split_inclusive('\n') {
        let content = line.strip_suffix('\n').unwrap_or(line);
        let found = raw.get(cursor..)?.find(content)? + cursor;
        // Nothing of the value may be skipped over but indentation and quotes.
        let skipped = raw.get(cursor..found)?;
        if !skipped.chars().all(|c| c.is_whitespace() || c == '"' || c == '\'') {
            return None;
        }
        lines.push((offset, span.start + found));
        cursor = found + content.len();
        offset += line.len();
    }
    lines.push((offset, span.start + cursor));
    Some(lines)
}

/// Invisible characters in the strings and keys of a YAML document: each is checked as a JSON
/// string token of its own, and the finding placed on the scalar.
fn yaml_invisible<'a>(text: &str, node: &'a Node<'a>, path: &mut Vec<PathStep<'a>>, out: &mut Vec<Finding>) {
    match &node.value {
        Value::String(value) => yaml_invisible_in(text, value, node.span, path, out),
        Value::Object(members) => {
            for member in members {
                path.push(PathStep::Key(&member.key));
                yaml_invisible_in(text, &member.key, member.key_span, path, out);
                yaml_invisible(text, &member.value, path, out);
                path.pop();
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                path.push(PathStep::Index(i));
                yaml_invisible(text, item, path, out);
                path.pop();
            }
        }
        _ => {}
    }
}

/// One string of [`yaml_invisible`], written at `span`.
fn yaml_invisible_in(text: &str, value: &str, span: Span, path: &[PathStep<'_>], out: &mut Vec<Finding>) {
    {
        // Printable ASCII shows (every invisible character is a control or past ASCII): one
        // pass over the bytes settles the common value.
        let printable_ascii = value.bytes().all(|b| (0x20..0x7f).contains(&b));
        if printable_ascii || value.chars().all(|c| invisible_character::invisible(c).is_none()) {
            return;
        }
        let token = serde_json::to_string(value).unwrap_or_default();
        let string = Node {
            span: Span::new(0, token.len()),
            value: Value::String(value.into()),
        };
        // A scalar written as its value (no escape, one line) has its characters in place.
        let raw = text.get(span.start..span.end).unwrap_or_default();
        let start = raw.find(value).map(|at| span.start + at);
        let aligned = start.is_some() && token.len() == value.len() + 2;
        for mut finding in invisible_character::scan(&token, &string, &|offset| offset) {
            finding.span = match (aligned, start) {
                (true, Some(start)) => Span::new(
                    start + finding.span.start.saturating_sub(1),
                    start + finding.span.end.saturating_sub(1),
                ),
                _ => span,
            };
            finding.pointer = json::pointer_of(path);
            out.push(finding);
        }
    }
}

/// Whether `node` is a ROS function: an object with a key `Ref` or `Fn::...` (a YAML short
/// form was read as one). Its span and what to call it.
fn function(node: &Node) -> Option<(Span, String)> {
    let member = node
        .as_object()?
        .iter()
        .find(|m| m.key == "Ref" || m.key.starts_with("Fn::"))?;
    let written = if member.key == "Ref" {
        format!("the ROS reference `Ref: {}`", short(&reference(&member.value)))
    } else {
        format!("the ROS function `{}`", member.key)
    };
    Some((node.span, written))
}

fn reference(node: &Node) -> String {
    node.as_str().map_or_else(|| "...".to_string(), str::to_string)
}

fn short(text: &str) -> String {
    let cut: String = text.chars().take(60).collect();
    if cut.len() < text.len() {
        format!("{cut}…")
    } else {
        cut
    }
}

/// Every ROS function in `node`, outermost first, in the order written. Recursion is bounded by
/// the readers' nesting limit (`json::MAX_DEPTH`).
fn functions(node: &Node, out: &mut Vec<(Span, String)>) {
    if let Some(found) = function(node) {
        out.push(found);
        return;
    }
    match &node.value {
        Value::Object(members) => members.iter().for_each(|m| functions(&m.value, out)),
        Value::Array(items) => items.iter().for_each(|item| functions(item, out)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_of_a_block_string_are_placed_in_the_file() {
        let text = "d: |\n  {\"a\":\n   1}\n";
        let value = "{\"a\":\n 1}\n";
        let span = Span::new(text.find('{').unwrap_or_default(), text.len());
        let lines = place_lines(text, span, value).unwrap_or_else(|| unreachable!());
        let placed = Placed::Lines(lines);
        for (i, c) in value.char_indices().filter(|(_, c)| *c != '\n') {
            assert_eq!(text[placed.file_offset(i)..].chars().next(), Some(c), "byte {i}");
        }
        assert!(place_lines("d: >\n  a\n  b\n", Span::new(7, 12), "a b\n").is_none());
    }
}
