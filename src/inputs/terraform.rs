//! A Terraform file (`.tf`): the RAM policy documents written in it, handed on as a
//! [`PolicyFile`] whose trees have every span in the `.tf` file, as a JSON file's do.
//!
//! What is a document: the attributes the provider documents as RAM documents
//! ([`DOCUMENT_ATTRIBUTES`], read whatever they hold, broken JSON included), and anywhere else
//! (`locals`, variable defaults, outputs, module arguments) a string, heredoc or
//! `jsonencode({...})` whose value is an object with a `Statement` key.
//!
//! The forms a value takes: a quoted string (HCL escapes decoded), a heredoc (`<<-` indentation
//! stripped as Terraform strips it), whose JSON text is parsed with a map from every decoded
//! byte back to the file; and `jsonencode` of object and tuple literals, whose tree is built
//! from the HCL expression itself, with spans at the HCL tokens.
//!
//! Unknown values never produce a false error: a document that holds anything only Terraform
//! knows (an interpolation, a directive, a reference, another function, a conditional, a `for`)
//! is not linted; it gets one `terraform-unknown-value` finding naming its first unknown part.

mod heredoc;

use std::path::PathBuf;

use hcl_edit::Span as _;
use hcl_edit::expr::{Expression, ObjectKey};
use hcl_edit::structure::{Block, Body, Structure};
use hcl_edit::template::{Element, Template};

use super::policy_file::{Content, Document, NotPolicy, Origin, PolicyFile};
use crate::json::{self, Member, Node, Value};
use crate::rules::{
    Finding, duplicate_key, invalid_json, invisible_character, terraform_unknown_value, unrecognised_document,
};
use crate::source::Span;

/// Resource attributes that hold a RAM policy document, checked in the provider's schemas
/// (`alicloud/resource_alicloud_*.go`; see the README).
pub const DOCUMENT_ATTRIBUTES: &[(&str, &[&str])] = &[
    // `document` is the deprecated spelling of `policy_document`.
    ("alicloud_ram_policy", &["policy_document", "document"]),
    // Trust policies; `document` is deprecated.
    ("alicloud_ram_role", &["assume_role_policy_document", "document"]),
    ("alicloud_resource_manager_control_policy", &["policy_document"]),
    ("alicloud_resource_manager_policy", &["policy_document"]),
    ("alicloud_resource_manager_policy_version", &["policy_document"]),
    ("alicloud_resource_manager_role", &["assume_role_policy_document"]),
];

/// Resource attributes that hold a resource policy, in its service's own grammar (checked in
/// the provider's schemas): never read as an identity or trust policy; each is said once, at
/// `info`, by `unrecognised-document`.
pub const RESOURCE_POLICY_ATTRIBUTES: &[(&str, &str, &str)] = &[
    ("alicloud_oss_bucket", "policy", "an OSS bucket policy"),
    ("alicloud_oss_bucket_policy", "policy", "an OSS bucket policy"),
    ("alicloud_kms_key", "policy", "a KMS key policy"),
    ("alicloud_kms_secret", "policy", "a KMS secret policy"),
    ("alicloud_log_project", "policy", "a Log Service project policy"),
    ("alicloud_max_compute_role", "policy", "a MaxCompute role policy"),
    (
        "alicloud_privatelink_vpc_endpoint",
        "policy_document",
        "a PrivateLink endpoint policy",
    ),
    (
        "alicloud_vpc_gateway_endpoint",
        "policy_document",
        "a VPC gateway endpoint policy",
    ),
];

/// What resource policy `attribute` of a `kind` resource holds, if it holds one.
pub(crate) fn resource_policy_kind(kind: &str, attribute: &str) -> Option<&'static str> {
    RESOURCE_POLICY_ATTRIBUTES
        .iter()
        .find(|(k, a, _)| *k == kind && *a == attribute)
        .map(|(_, _, what)| *what)
}

/// The resource whose `permission_policies` blocks hold inline RAM permission policies
/// (`permission_policy_type = "Inline"`, `permission_policy_document`).
pub(crate) const CLOUD_SSO_ACCESS_CONFIGURATION: &str = "alicloud_cloud_sso_access_configuration";

/// The resources that hand a ROS template to ROS in their `template_body`.
pub(crate) const ROS_TEMPLATE_RESOURCES: [&str; 3] = [
    "alicloud_ros_stack",
    "alicloud_ros_stack_group",
    "alicloud_ros_template",
];

/// What a value of the wrong type in a rendered document is: Terraform refuses a string (or
/// a number, an object) where the provider's schema takes a list.
pub(crate) fn not_a_list(key: &str, node: &Node) -> String {
    format!("`{key}` is written as {}, not a list", node.type_name())
}

/// The findings for what Terraform refuses in a document the provider renders (a value of the
/// wrong type): `invalid-element-type` errors, where it was an info that the value was unknown.
pub(crate) fn refused(refused: &[(Span, String)]) -> Vec<Finding> {
    refused
        .iter()
        .map(|(span, what)| {
            Finding::new(
                &crate::rules::invalid_element_type::RULE,
                *span,
                format!("{what}: Terraform refuses the configuration, and the document was not linted"),
            )
            .label("the wrong type")
            .help("write the type the provider's schema takes (a list of strings: `[\"...\"]`)")
        })
        .collect()
}

/// Whether a ROS template's text, as a Terraform file writes it, holds a RAM resource
/// (`ALIYUN::RAM::`), its characters written plain or as `\uXXXX` escapes at any depth of
/// strings (HCL's, then the template's JSON): `ALIYUN\u003a\u003aRAM` is the same type to ROS.
pub(crate) fn names_ram_resources(written: &str) -> bool {
    const TYPE: &str = "ALIYUN::RAM::";
    if written.contains(TYPE) {
        return true;
    }
    if !written.contains("\\u") {
        return false;
    }
    // Every backslash dropped, then every `uXXXX` read as its character: enough to find the
    // type, whatever else it makes of the text.
    let unslashed: String = written.chars().filter(|&c| c != '\\').collect();
    let mut plain = String::with_capacity(unslashed.len());
    let mut rest = unslashed.as_str();
    while let Some(at) = rest.find('u') {
        plain.push_str(rest.get(..at).unwrap_or_default());
        let escaped = rest
            .get(at + 1..at + 5)
            .and_then(|hex| u32::from_str_radix(hex, 16).ok())
            .and_then(char::from_u32);
        match escaped {
            Some(c) => {
                plain.push(c);
                rest = rest.get(at + 5..).unwrap_or_default();
            }
            None => {
                plain.push('u');
                rest = rest.get(at + 1..).unwrap_or_default();
            }
        }
    }
    plain.push_str(rest);
    plain.contains(TYPE)
}

/// Whether a resource type gives policies to principals without holding a document: an
/// attachment of a policy (`alicloud_ram_user_policy_attachment`, any `*_policy_attachment`),
/// a group's members (whom its policies reach), or a role attached to ECS instances (whose
/// processes take its permissions). `diff` says when these change.
pub(crate) fn attaches_policies(kind: &str) -> bool {
    kind.ends_with("_policy_attachment")
        || matches!(
            kind,
            "alicloud_ram_group_membership" | "alicloud_ram_user_group_attachment" | "alicloud_ram_role_attachment"
        )
}

/// `alicloud_ram_role`'s deprecated attributes from which the provider assembles the role's
/// trust policy, and the principal each names.
pub(super) const ROLE_PRINCIPAL_ATTRIBUTES: [(&str, &str); 2] = [("ram_users", "RAM"), ("services", "Service")];

/// Read `bytes` as a Terraform file named `name`.
pub fn read(name: String, bytes: Vec<u8>) -> PolicyFile<'static> {
    read_with_references(name, bytes).0
}

/// [`read`], and the files that documents of it name with `file("x.json")` or
/// `templatefile("x.json.tpl", ...)` (literal paths relative to the file's folder, checked to
/// stay inside it and to be regular files): the lint driver lints each once, as a file of its
/// own.
pub fn read_with_references(name: String, bytes: Vec<u8>) -> (PolicyFile<'static>, Vec<PathBuf>) {
    let mut references = Vec::new();
    let file = read_file(name, bytes, &mut references);
    (file, references)
}

/// Parse a `.tf` file's text, the heredocs that hold a policy as literal text blanked first
/// (see [`heredoc`]); unblanked when a placeholder would not stand as an attribute's value, or
/// when the blanked text does not parse (the error is then the file's own).
pub(crate) fn parse_body(text: &str) -> Result<Body, hcl_edit::parser::Error> {
    if let Some((blanked, starts)) = heredoc::blanked(text)
        && let Ok(body) = hcl_edit::parser::parse_body(&blanked)
        && heredoc::stand_as_attribute_values(&body, &starts)
    {
        return Ok(body);
    }
    hcl_edit::parser::parse_body(text)
}

/// The heredoc a blanked placeholder stands for (see [`heredoc`]): an empty quoted string where
/// the file's text holds a heredoc.
fn placeholder(text: &str, expr: &Expression) -> Option<heredoc::Heredoc> {
    let Expression::String(s) = expr else { return None };
    let span = s.span()?;
    if !s.value().is_empty() || span.len() != 2 {
        return None;
    }
    heredoc::at(text, span.start)
}

fn read_file(name: String, bytes: Vec<u8>, references: &mut Vec<PathBuf>) -> PolicyFile<'static> {
    read_file_parsed_by(name, bytes, references, parse_body)
}

/// [`read_file`] with the parser given (the tests compare blanked and unblanked reading).
fn read_file_parsed_by(
    name: String,
    bytes: Vec<u8>,
    references: &mut Vec<PathBuf>,
    parse: fn(&str) -> Result<Body, hcl_edit::parser::Error>,
) -> PolicyFile<'static> {
    let source = match super::source_of(name, bytes) {
        Ok(source) => source,
        Err(not_utf8) => return not_utf8.unparsed(),
    };
    let text: &str = &source.text;
    if let Some(differ) = heredoc::ends_differently(text) {
        return PolicyFile {
            source: source.clone(),
            content: Content::Unparsed,
            findings: vec![heredoc_ends_differ(text, &differ)],
        };
    }
    // Terraform reads past a byte-order mark; hcl-edit does not. Three spaces stand in its three
    // bytes, so that every span is still the file's.
    let unmarked = text.strip_prefix('\u{feff}').map(|rest| format!("   {rest}"));
    let body = match parse(unmarked.as_deref().unwrap_or(text)) {
        Ok(body) => body,
        Err(error) => {
            // Terraform refuses the whole file too; a file nobody can read is never a pass.
            let at = error.location().offset().min(text.len());
            let at = crate::source::floor_char_boundary(text, at);
            let end = text
                .get(at..)
                .and_then(|rest| rest.chars().next())
                .map_or(at, |c| at + c.len_utf8());
            let finding = hcl_error(text, error.message(), Span::new(at, end));
            return PolicyFile {
                source: source.clone(),
                content: Content::Unparsed,
                findings: vec![finding],
            };
        }
    };
    let mut reader = Reader {
        text,
        name: &source.name,
        documents: Vec::new(),
        findings: Vec::new(),
        local_references: Vec::new(),
        references: Vec::new(),
    };
    reader.body(&body, None, None);
    reader.findings.extend(declared_twice(&body));
    reader.name_linted_locals();
    references.append(&mut reader.references);
    let content = if reader.documents.is_empty() && reader.findings.is_empty() {
        Content::NotPolicy(NotPolicy::NoPolicyMark)
    } else {
        Content::Documents(reader.documents)
    };
    PolicyFile {
        source: source.clone(),
        content,
        findings: reader.findings,
    }
}

/// What a reader does with a value it read (`.tf`, `.tf.json`): a document when `always` (a
/// document attribute) or when it reads as one, with its reading findings and the info that it
/// holds unknowns; broken JSON and a value only Terraform knows are said when they would have
/// been a document. Returns whether it said the value is unknown.
pub(crate) fn accept(
    read: Read,
    always: bool,
    address: String,
    documents: &mut Vec<Document>,
    findings: &mut Vec<Finding>,
) -> bool {
    match read {
        Read::Known(root, found) => {
            if always || is_document(&root) {
                findings.extend(found);
                findings.extend(partly_unknown(&root));
                documents.push(Document {
                    root,
                    origin: Origin::Address(address),
                    no_repeated_key: false,
                });
            }
            false
        }
        Read::NotJson(error, looks_like_document) => {
            if always || looks_like_document {
                findings.push(invalid_json::syntax(&error));
            }
            false
        }
        Read::Unknown {
            span,
            what,
            count,
            looks_like_document,
        } => {
            let said = always || looks_like_document;
            if said {
                findings.push(terraform_unknown_value::finding(span, &what, count.saturating_sub(1)));
            }
            said
        }
    }
}

/// A statement of `data "alicloud_ram_policy_document"` as the provider renders it: `Effect`,
/// `Action`, `Resource` as given, then `Principal` (one entity per `principal` block, its
/// identifiers) and `Condition` (one operator per `condition` block, its variables), each
/// element at the place of its first block. Shared by the `.tf` and `.tf.json` readers.
pub(crate) fn rendered_statement(
    span: Span,
    elements: [Option<Member<'static>>; 3],
    principals: Vec<(String, Span, Vec<Node<'static>>, Span)>,
    conditions: Vec<(String, Span, Vec<Member<'static>>)>,
) -> Node<'static> {
    let mut members: Vec<Member<'static>> = elements.into_iter().flatten().collect();
    let object = |key: std::borrow::Cow<'static, str>, span: Span, entries: Vec<Member<'static>>| Member {
        key,
        key_span: span,
        value: Node {
            span,
            value: Value::Object(entries),
        },
    };
    if let Some(first) = principals.first().map(|p| p.1) {
        let entries = principals
            .into_iter()
            .map(|(entity, entity_span, identifiers, list_span)| Member {
                key: entity.into(),
                key_span: entity_span,
                value: Node {
                    span: list_span,
                    value: Value::Array(identifiers),
                },
            })
            .collect();
        members.push(object("Principal".into(), first, entries));
    }
    if let Some(first) = conditions.first().map(|c| c.1) {
        let operators = conditions
            .into_iter()
            .map(|(operator, operator_span, entries)| object(operator.into(), operator_span, entries))
            .collect();
        members.push(object("Condition".into(), first, operators));
    }
    Node {
        span,
        value: Value::Object(members),
    }
}

/// Adds a `condition` block's values for its variable (`entry`) to its operator's `entries`, as
/// the provider renders repeated blocks: a second block of one operator and variable, each with
/// several values, appends its values to the first's (its `MarshalJSON`; their order is its
/// set's, which matching does not heed); with one value it overwrites in that order (or
/// panics): left twice, for `duplicate-key`. Where either list is only Terraform's to know
/// (`values = var.x`, or an item that may stand for several), whether it appends or overwrites
/// is unknown, and so is what it renders: the unknown list alone, never a false `duplicate-key`.
pub(crate) fn add_condition_entry(entries: &mut Vec<Member<'static>>, entry: Member<'static>) {
    let Some(first) = entries.iter_mut().find(|m| m.key == entry.key) else {
        entries.push(entry);
        return;
    };
    let unknown = |node: &Node| match &node.value {
        Value::Unknown(_) => true,
        Value::Array(items) => items.iter().any(|i| matches!(i.value, Value::Unknown(_))),
        _ => false,
    };
    if unknown(&first.value) {
        return;
    }
    if unknown(&entry.value) {
        first.value = entry.value;
        return;
    }
    match (&mut first.value.value, entry.value.value) {
        (Value::Array(values), Value::Array(more)) => values.extend(more),
        (_, value) => entries.push(Member {
            value: Node {
                span: entry.value.span,
                value,
            },
            ..entry
        }),
    }
}

/// The name Terraform gives a top-level block: `alicloud_ram_policy.p` for a resource,
/// `data.alicloud_ram_policy_document.d`, `var.v` (its default), `output.o`, `module.m`;
/// `locals` for a `locals` block, whose attributes are named `local.NAME`.
pub(crate) fn block_address(block: &Block) -> String {
    let labels: Vec<&str> = block.labels.iter().map(|l| l.as_str()).collect();
    match (block.ident.as_str(), labels.as_slice()) {
        ("resource", [kind, name]) => format!("{kind}.{name}"),
        ("variable", [name]) => format!("var.{name}"),
        (ident, []) => ident.to_string(),
        (ident, labels) => format!("{ident}.{}", labels.join(".")),
    }
}

/// The finding for a file that is not HCL. `hcl-edit` refuses a key written twice in an object
/// (as Terraform does): that is a `duplicate-key`, with the first key found before it.
fn hcl_error(text: &str, message: &str, at: Span) -> Finding {
    if message.contains("redefined object key") {
        let rest = text.get(at.start..).unwrap_or_default();
        let quoted = rest.starts_with('"');
        let len = if quoted {
            rest.get(1..).and_then(|r| r.find('"')).map_or(1, |i| i + 2)
        } else {
            rest.find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
                .unwrap_or(rest.len())
        };
        let token = rest.get(..len).unwrap_or_default();
        let again_span = Span::new(at.start, at.start + len);
        let name = token.trim_matches('"').to_string();
        // The first key: the nearest earlier `name =` or `"name" =` (for the related label).
        let before = text.get(..at.start).unwrap_or_default();
        let first_span = before
            .match_indices(name.as_str())
            .filter(|(i, _)| {
                let after = before.get(i + name.len()..).unwrap_or_default();
                let after = after.strip_prefix('"').unwrap_or(after).trim_start();
                after.starts_with('=') || after.starts_with(':')
            })
            .last()
            .map_or(again_span, |(i, _)| Span::new(i, i + name.len()));
        let member = |key_span: Span| Member {
            key: name.clone().into(),
            key_span,
            value: Node {
                span: key_span,
                value: Value::Null,
            },
        };
        let (first, again) = (member(first_span), member(again_span));
        return duplicate_key::finding(
            json::Duplicate {
                first: &first,
                again: &again,
            },
            String::new(),
        );
    }
    Finding::new(
        &invalid_json::RULE,
        at,
        format!("the Terraform file is not valid HCL: {message}"),
    )
    .label("here")
    .help("Terraform refuses the file too (`terraform validate`); no document in it was linted")
}

/// Every resource, data source, variable, output or module call the file declares again, and
/// every local value it defines again: Terraform refuses the configuration ("Duplicate resource
/// configuration", "Duplicate variable declaration", "Duplicate local value definition", ...), and which of the two documents it would have applied is no one's
/// to say. Each is a `duplicate-key` error at the second, the first beside it.
fn declared_twice(body: &Body) -> Vec<Finding> {
    let mut declarations = Declarations::default();
    for block in body.blocks() {
        match block.ident.as_str() {
            "resource" | "data" if block.labels.len() == 2 => {
                let what = if block.ident.as_str() == "data" {
                    "the data source"
                } else {
                    "the resource"
                };
                declarations.declare(block_address(block), span_of_ident(&block.ident), what);
            }
            "variable" | "output" | "module" if block.labels.len() == 1 => {
                let (prefix, what) = match block.ident.as_str() {
                    "variable" => ("var", "the variable"),
                    "output" => ("output", "the output"),
                    _ => ("module", "the module call"),
                };
                let name = block.labels.first().map(|l| l.as_str()).unwrap_or_default();
                declarations.declare(format!("{prefix}.{name}"), span_of_ident(&block.ident), what);
            }
            "locals" => {
                for attribute in block.body.attributes() {
                    declarations.declare(
                        format!("local.{}", attribute.key.as_str()),
                        span_of_ident(&attribute.key),
                        "the local value",
                    );
                }
            }
            _ => {}
        }
    }
    declarations.findings
}

/// The names a Terraform file declares (`alicloud_ram_policy.p`, `data.x.y`, `local.a`), in
/// either syntax: a name declared again is a `duplicate-key` error at the second.
#[derive(Default)]
pub(super) struct Declarations {
    seen: std::collections::HashMap<String, Span>,
    pub findings: Vec<Finding>,
}

impl Declarations {
    /// `what` names the kind of thing declared: "the resource", "the local value".
    pub fn declare(&mut self, name: String, span: Span, what: &str) {
        match self.seen.get(&name) {
            Some(first) => self.findings.push(
                Finding::new(
                    &duplicate_key::RULE,
                    span,
                    format!("{what} `{name}` is declared twice in this file: Terraform refuses the configuration"),
                )
                .label("declared again here")
                .related(*first, "first declared here")
                .help("remove one of the two, or give it another name"),
            ),
            None => {
                self.seen.insert(name, span);
            }
        }
    }
}

/// The finding for a heredoc that Terraform and ramguard's HCL parser end on different lines
/// ([`heredoc::ends_differently`]): at the line where only one of them ends it.
fn heredoc_ends_differ(text: &str, differ: &heredoc::EndsDiffer) -> Finding {
    let line_of = |span: Span| text.get(..span.start).unwrap_or_default().matches('\n').count() + 1;
    let (span, label) = match (differ.terraform, differ.hcl_edit) {
        (Some(terraform), hcl_edit) if hcl_edit.is_none_or(|h| terraform.start < h.start) => (
            terraform,
            "Terraform ends the heredoc here, ramguard's HCL parser does not",
        ),
        (_, Some(hcl_edit)) => (
            hcl_edit,
            "ramguard's HCL parser ends the heredoc here, Terraform does not",
        ),
        _ => (differ.opening, "opened here"),
    };
    let marker = text
        .get(differ.opening.start..differ.opening.end)
        .unwrap_or_default()
        .trim_start_matches(['<', '-'])
        .trim_end();
    Finding::new(
        &invalid_json::RULE,
        span,
        format!(
            "Terraform and ramguard's HCL parser end this heredoc on different lines (line {}): they would read different files",
            line_of(span)
        ),
    )
    .label(label)
    .related(differ.opening, "the heredoc opens here")
    .help(format!(
        "write the closing `{marker}` alone on its line, with nothing but spaces or tabs around it; no document in this file was linted"
    ))
}

struct Reader<'t> {
    text: &'t str,
    /// The file's name, as it was read (its folder is where `file("x.json")` looks).
    name: &'t str,
    documents: Vec<Document<'static>>,
    findings: Vec<Finding>,
    /// Document attributes that name a `local` (`policy_document = local.policy_json`): the
    /// index of their finding, and the local's address. A local written in the file is linted
    /// where it is written, and the finding says so (see [`Reader::name_linted_locals`]).
    local_references: Vec<(usize, String)>,
    /// The files named by `file(...)` / `templatefile(...)` with a literal path.
    references: Vec<PathBuf>,
}

/// What an expression is worth as a policy document.
pub(crate) enum Read {
    /// Fully known: the tree, and findings made while reading it (a key given twice in an HCL
    /// object, an invisible character).
    Known(Node<'static>, Vec<Finding>),
    /// Known text that is not JSON.
    NotJson(json::SyntaxError, bool),
    /// It holds parts only Terraform knows: the first one's span and description, how many,
    /// and whether what is known of it looks like a document.
    Unknown {
        span: Span,
        what: String,
        count: usize,
        looks_like_document: bool,
    },
}

impl Reader<'_> {
    /// Every attribute of `body`, at any depth; `resource` is the type of the resource block
    /// the body belongs to, `address` the name Terraform gives the top-level block (`None` at
    /// the top level).
    fn body(&mut self, body: &Body, resource: Option<&str>, address: Option<&str>) {
        for structure in body.iter() {
            match structure {
                Structure::Attribute(attribute) => {
                    let key = attribute.key.as_str();
                    if let Some(what) = resource.and_then(|kind| resource_policy_kind(kind, key)) {
                        self.findings.push(unrecognised_document::resource_policy(
                            value_span(self.text, &attribute.value),
                            what,
                        ));
                        continue;
                    }
                    if key == "template_body" && resource.is_some_and(|kind| ROS_TEMPLATE_RESOURCES.contains(&kind)) {
                        let span = value_span(self.text, &attribute.value);
                        if self.text.get(span.start..span.end).is_some_and(names_ram_resources) {
                            self.findings.push(unrecognised_document::embedded_ros_template(span));
                        }
                        continue;
                    }
                    let always = resource.is_some_and(|kind| {
                        DOCUMENT_ATTRIBUTES
                            .iter()
                            .any(|(k, attributes)| *k == kind && attributes.contains(&key))
                    });
                    let address = match address {
                        Some(block) if block.starts_with("locals") => format!("local.{key}"),
                        Some(block) if block.starts_with("module.") => format!("{block}.{key}"),
                        Some(block) => block.to_string(),
                        None => key.to_string(),
                    };
                    self.candidate(&attribute.value, always, address);
                }
                Structure::Block(block)
                    if block.ident.as_str() == "data"
                        && block.labels.first().map(|l| l.as_str()) == Some("alicloud_ram_policy_document") =>
                {
                    let address = address.map_or_else(|| block_address(block), str::to_string);
                    self.policy_document_blocks(block, false, address);
                }
                // Cloud SSO: an inline permission policy of an access configuration.
                Structure::Block(block)
                    if resource == Some(CLOUD_SSO_ACCESS_CONFIGURATION)
                        && block.ident.as_str() == "permission_policies" =>
                {
                    let inline = block
                        .body
                        .get_attribute("permission_policy_type")
                        .is_none_or(|t| !matches!(&t.value, Expression::String(s) if s.value().as_str() != "Inline"));
                    if let (true, Some(document)) = (inline, block.body.get_attribute("permission_policy_document")) {
                        let address = address.unwrap_or_default().to_string();
                        self.candidate(&document.value, true, address);
                    }
                }
                Structure::Block(block) => {
                    let kind = (block.ident.as_str() == "resource")
                        .then(|| block.labels.first().map(|l| l.as_str()))
                        .flatten();
                    let address = address.map_or_else(|| block_address(block), str::to_string);
                    if kind == Some("alicloud_ram_policy") && block.body.iter().any(is_statement_block) {
                        self.policy_document_blocks(block, true, address.clone());
                    }
                    if kind == Some("alicloud_ram_role")
                        && ROLE_PRINCIPAL_ATTRIBUTES
                            .iter()
                            .any(|(key, _)| block.body.get_attribute(key).is_some())
                    {
                        self.assembled_trust_policy(block, address.clone());
                    }
                    self.body(&block.body, kind, Some(&address));
                }
            }
        }
    }

    /// An attribute's value: a document when `always` (a document attribute), or when it reads
    /// as an object with a `Statement` key.
    fn candidate(&mut self, expr: &Expression, always: bool, address: String) {
        if let Some(named) = self.file_reference(expr) {
            if always {
                let span = span_of(expr);
                self.findings.push(match named {
                    Ok(path) => terraform_unknown_value::linted_in_file(span, &path),
                    Err(what) => terraform_unknown_value::finding(span, &what, 0),
                });
            }
            return;
        }
        let read = self.read(expr);
        if accept(read, always, address, &mut self.documents, &mut self.findings)
            && let Some(local) = local_reference(self.text, expr)
        {
            // The unknown's finding, just said: it names the local once the local is linted.
            self.local_references.push((self.findings.len() - 1, local));
        }
    }

    /// [`named_file`] of `expr`, the file's path recorded (to be linted as a file of its own).
    fn file_reference(&mut self, expr: &Expression) -> Option<Result<String, String>> {
        let named = named_file(self.name, self.text, expr)?;
        Some(named.map(|(written, path)| {
            self.references.push(path);
            written
        }))
    }

    /// A document attribute that is `local.NAME`, where `local.NAME` is a document of this file:
    /// that document was linted where it is written, and the finding says so instead of "not
    /// linted".
    fn name_linted_locals(&mut self) {
        for (at, local) in std::mem::take(&mut self.local_references) {
            let linted = self.documents.iter().any(|d| d.address() == Some(local.as_str()));
            if let (true, Some(finding)) = (linted, self.findings.get_mut(at)) {
                *finding = terraform_unknown_value::linted_where_written(finding.span, &local);
            }
        }
    }

    /// `data "alicloud_ram_policy_document"` (or, `legacy`, the deprecated `statement` blocks
    /// of `alicloud_ram_policy`): the document the provider renders from its blocks, each value
    /// at its HCL attribute.
    fn policy_document_blocks(&mut self, block: &Block, legacy: bool, address: String) {
        let mut build = Build::new(self.text, legacy);
        let root = build.policy_document(block);
        // The provider renders nothing without a `statement` block.
        let renders = root
            .get("Statement")
            .and_then(|m| m.value.as_array())
            .is_some_and(|s| !s.is_empty());
        if renders || !build.unreadable.is_empty() {
            self.built(&build, root, address);
        }
    }

    /// A document a [`Build`] rendered: said unknown when it cannot be read as a whole, and
    /// otherwise taken, its invisible characters and unknown values said.
    fn built(&mut self, build: &Build, root: Node<'static>, address: String) {
        if !build.refused.is_empty() {
            self.findings.extend(refused(&build.refused));
            return;
        }
        if let Some((span, what)) = build.unreadable.first() {
            let more = build.unreadable.len() + build.unknown.len() - 1;
            self.findings.push(terraform_unknown_value::finding(*span, what, more));
            return;
        }
        self.findings
            .extend(invisible_character::scan(self.text, &root, &|offset| offset));
        self.findings.extend(partly_unknown(&root));
        self.documents.push(Document {
            root,
            origin: Origin::Address(address),
            no_repeated_key: false,
        });
    }

    /// The trust policy the provider assembles from `alicloud_ram_role`'s deprecated `ram_users`
    /// and `services` ([`Build::role_trust_policy`]): read beside any document attribute of the
    /// role, so that a role that writes both names two documents (which `FILE#ADDRESS` refuses
    /// to choose between) rather than hiding one.
    fn assembled_trust_policy(&mut self, block: &Block, address: String) {
        let mut build = Build::new(self.text, false);
        let root = build.role_trust_policy(block);
        self.built(&build, root, address);
    }

    fn read(&self, expr: &Expression) -> Read {
        match expr {
            Expression::Parenthesis(inner) => self.read(inner.inner()),
            Expression::String(_) | Expression::StringTemplate(_) | Expression::HeredocTemplate(_) => {
                if let Some(range) = verbatim(self.text, expr) {
                    return self.parse_verbatim(range);
                }
                match template_text(self.text, expr) {
                    Ok(decoded) => self.parse_text(&decoded),
                    Err(_) => parse_with_unknowns(self.text, expr),
                }
            }
            Expression::FuncCall(call)
                if call.name.namespace.is_empty()
                    && call.name.name.as_str() == "jsonencode"
                    && call.args.len() == 1 =>
            {
                let Some(arg) = call.args.iter().next() else {
                    return self.unknown(expr, 1, false);
                };
                let mut build = Build::new(self.text, false);
                let root = build.node(arg, 0);
                // A document that is not an object as written (`jsonencode(var.p)`), or with a
                // part whose place in it is unknown (a computed key): nothing of it is linted.
                if let Some((span, what)) = build
                    .unreadable
                    .first()
                    .or(build.unknown.first().filter(|_| root.as_object().is_none()))
                {
                    return Read::Unknown {
                        span: *span,
                        what: what.clone(),
                        count: build.unknown.len() + build.unreadable.len(),
                        looks_like_document: is_document(&root),
                    };
                }
                let findings = invisible_character::scan(self.text, &root, &|offset| offset);
                Read::Known(root, findings)
            }
            _ => self.unknown(expr, 1, false),
        }
    }

    fn unknown(&self, expr: &Expression, count: usize, looks_like_document: bool) -> Read {
        let span = span_of(expr);
        Read::Unknown {
            span,
            what: describe(self.text, expr, span),
            count,
            looks_like_document,
        }
    }

    /// JSON text that stands in the file as it is (most heredocs): parsed in place, its
    /// offsets moved by where it starts.
    fn parse_verbatim(&self, range: std::ops::Range<usize>) -> Read {
        let base = range.start;
        let slice = self.text.get(range).unwrap_or_default();
        let to_file = |offset: usize| offset + base;
        match json::parse(slice) {
            Ok(mut root) => {
                let findings = invisible_character::scan(slice, &root, &to_file);
                root.remap(&to_file);
                Read::Known(root.into_owned(), findings)
            }
            Err(mut error) => {
                error.span = Span::new(to_file(error.span.start), to_file(error.span.end));
                Read::NotJson(error, mentions_statement(slice))
            }
        }
    }

    fn parse_text(&self, decoded: &Decoded) -> Read {
        let to_file = |offset: usize| decoded.file_offset(offset);
        match json::parse(&decoded.text) {
            Ok(mut root) => {
                let findings = invisible_character::scan(&decoded.text, &root, &to_file);
                root.remap(&to_file);
                Read::Known(root.into_owned(), findings)
            }
            Err(mut error) => {
                error.span = Span::new(to_file(error.span.start), to_file(error.span.end));
                Read::NotJson(error, mentions_statement(&decoded.text))
            }
        }
    }
}

/// The pieces of a string or heredoc, whether it is a quoted string (HCL escapes), and the
/// indentation a `<<-` heredoc strips.
fn pieces_of(text: &str, expr: &Expression) -> (Vec<Piece>, bool, usize) {
    let mut pieces = Vec::new();
    if let Some(heredoc) = placeholder(text, expr) {
        pieces.push(Piece::Literal(heredoc.body));
        let strip = if heredoc.flush { flush_indent(text, &pieces) } else { 0 };
        return (pieces, false, strip);
    }
    let flush = match expr {
        Expression::String(s) => {
            // The token's span includes its quotes.
            let span = s.span().unwrap_or_default();
            pieces.push(Piece::Literal(span.start + 1..span.end.saturating_sub(1)));
            false
        }
        Expression::StringTemplate(template) => {
            template_pieces(text, template, &mut pieces);
            false
        }
        Expression::HeredocTemplate(heredoc) => {
            template_pieces(text, &heredoc.template, &mut pieces);
            heredoc_is_flush(text, expr)
        }
        _ => false,
    };
    let quoted = !matches!(expr, Expression::HeredocTemplate(_));
    let strip = if flush { flush_indent(text, &pieces) } else { 0 };
    (pieces, quoted, strip)
}

/// The text of a string or heredoc, decoded, with the file offset of every byte; or the
/// unknown parts it holds.
fn template_text(text: &str, expr: &Expression) -> Result<Decoded, Read> {
    let (pieces, quoted, strip) = pieces_of(text, expr);
    let unknown: Vec<&Piece> = pieces.iter().filter(|p| matches!(p, Piece::Unknown(..))).collect();
    if let Some(Piece::Unknown(span, what)) = unknown.first() {
        // What is known of it, decoded (`\"Statement\"` in a quoted string is `"Statement"`).
        let mut known = Decoded::default();
        for piece in &pieces {
            if let Piece::Literal(range) = piece {
                decode_literal(text, range.clone(), quoted, 0, &mut known);
            }
        }
        return Err(Read::Unknown {
            span: *span,
            what: what.clone(),
            count: unknown.len(),
            looks_like_document: mentions_statement(&known.text),
        });
    }
    let mut decoded = Decoded::default();
    for piece in &pieces {
        if let Piece::Literal(range) = piece {
            decode_literal(text, range.clone(), quoted, strip, &mut decoded);
        }
    }
    decoded.offsets.push(
        pieces
            .iter()
            .rev()
            .find_map(|p| match p {
                Piece::Literal(range) => Some(range.end),
                Piece::Unknown(..) => None,
            })
            .unwrap_or_else(|| span_of(expr).end),
    );
    Ok(decoded)
}

/// The pieces of a string or heredoc, each literal decoded (escapes, `<<-` indentation).
fn decoded_pieces(text: &str, expr: &Expression) -> (Vec<TextPiece>, usize) {
    let (pieces, quoted, strip) = pieces_of(text, expr);
    let end = pieces.last().map_or_else(
        || span_of(expr).end,
        |p| match p {
            Piece::Literal(range) => range.end,
            Piece::Unknown(span, _) => span.end,
        },
    );
    let decoded = pieces
        .into_iter()
        .map(|piece| match piece {
            Piece::Literal(range) => {
                let mut decoded = Decoded::default();
                decode_literal(text, range.clone(), quoted, strip, &mut decoded);
                TextPiece::Text(decoded, Span::new(range.start, range.end))
            }
            Piece::Unknown(span, what) => TextPiece::Unknown(span, what),
        })
        .collect();
    (decoded, end)
}

/// A string with interpolations or directives, as a JSON string value: a [`json::Template`]
/// of its decoded literal pieces and its unknown parts (`None` when it has none).
fn template_value(text: &str, expr: &Expression) -> Option<Value<'static>> {
    template_of(decoded_pieces(text, expr).0)
}

/// A piece of a template's text: literal text, decoded, with the file offset of each byte and
/// the span it was written as; or a part only the tool knows (its span, what to call it).
pub(crate) enum TextPiece {
    Text(Decoded, Span),
    Unknown(Span, String),
}

/// The pieces of a string as a JSON string value: a [`json::Template`] (`None` when no piece
/// is unknown).
pub(crate) fn template_of(pieces: Vec<TextPiece>) -> Option<Value<'static>> {
    if !pieces.iter().any(|p| matches!(p, TextPiece::Unknown(..))) {
        return None;
    }
    let parts = pieces
        .into_iter()
        .map(|piece| match piece {
            TextPiece::Text(decoded, span) => json::Part::Text(decoded.text, span),
            TextPiece::Unknown(span, what) => json::Part::Unknown(what, span),
        })
        .collect();
    Some(Value::Template(json::Template { parts }))
}

/// JSON text with interpolations or directives in it (a heredoc or string holding a document
/// with `${...}`): parsed with each unknown part standing where it is. Inside a JSON string it
/// is part of the string (a [`json::Template`]); elsewhere it stands for a whole value
/// ([`Value::Unknown`]: `"Resource": ${jsonencode(var.arns)}`). Where it stands for anything
/// else (a key, several members, half a token), the text is not JSON without it: the whole
/// value is unknown, as it was.
fn parse_with_unknowns(text: &str, expr: &Expression) -> Read {
    let (pieces, end) = decoded_pieces(text, expr);
    parse_pieces(&pieces, end, span_of(expr))
}

/// [`parse_with_unknowns`] of the decoded pieces of a template (shared by the readers of
/// Terraform's two syntaxes); `end` is the file offset where the text ends, `whole` the span
/// of the whole value.
pub(crate) fn parse_pieces(pieces: &[TextPiece], end: usize, whole: Span) -> Read {
    let unknown_count = pieces.iter().filter(|p| matches!(p, TextPiece::Unknown(..))).count();
    let mut decoded = Decoded::default();
    // Each unknown part: its range in `decoded.text`, whether it is inside a JSON string, its
    // span in the file and description.
    let mut holes: Vec<(std::ops::Range<usize>, bool, Span, String)> = Vec::new();
    let mut lexer = JsonStrings::default();
    let mut fallback = None;
    for piece in pieces {
        match piece {
            TextPiece::Text(literal, _) => {
                decoded.text.push_str(&literal.text);
                decoded.offsets.extend(literal.offsets.iter().take(literal.text.len()));
                lexer.feed(&literal.text);
            }
            TextPiece::Unknown(span, what) => {
                if lexer.escape {
                    // `\${x}`: what the backslash escapes is unknown.
                    fallback.get_or_insert((*span, what.clone()));
                }
                let placeholder = if lexer.in_string { "_" } else { "null" };
                let start = decoded.text.len();
                for c in placeholder.chars() {
                    decoded.push(c, span.start);
                }
                holes.push((start..decoded.text.len(), lexer.in_string, *span, what.clone()));
            }
        }
    }
    decoded.offsets.push(end);
    let first = pieces.iter().find_map(|p| match p {
        TextPiece::Unknown(span, what) => Some((*span, what.clone())),
        TextPiece::Text(..) => None,
    });
    let whole_unknown = |looks_like_document: bool| {
        let (span, what) = first.clone().unwrap_or_else(|| (whole, "a template".into()));
        Read::Unknown {
            span,
            what,
            count: unknown_count,
            looks_like_document,
        }
    };
    if fallback.is_some() {
        return whole_unknown(mentions_statement(&decoded.text));
    }
    let to_file = |offset: usize| decoded.file_offset(offset);
    let mut root = match json::parse(&decoded.text) {
        Ok(root) => root.into_owned(),
        // Known text (a template file without interpolations) that is not JSON.
        Err(mut error) if unknown_count == 0 => {
            error.span = Span::new(to_file(error.span.start), to_file(error.span.end));
            return Read::NotJson(error, mentions_statement(&decoded.text));
        }
        Err(_) => return whole_unknown(mentions_statement(&decoded.text)),
    };
    // Placeholders are printable ASCII: the scan sees the known text only.
    let findings = invisible_character::scan(&decoded.text, &root, &to_file);
    let mut used = 0;
    if !fill_holes(&decoded.text, &mut root, &holes, &mut used, 0) || used != holes.len() {
        return whole_unknown(mentions_statement(&decoded.text));
    }
    // The text is one interpolation (`"${var.policy}"`): nothing of a document is known.
    if matches!(root.value, Value::Unknown(_)) {
        return whole_unknown(false);
    }
    root.remap(&to_file);
    Read::Known(root, findings)
}

/// Where a JSON text is, as it is read: inside a string, after a backslash in one.
#[derive(Default)]
struct JsonStrings {
    in_string: bool,
    escape: bool,
}

impl JsonStrings {
    fn feed(&mut self, text: &str) {
        for b in text.bytes() {
            if !self.in_string {
                self.in_string = b == b'"';
            } else if self.escape {
                self.escape = false;
            } else if b == b'\\' {
                self.escape = true;
            } else if b == b'"' {
                self.in_string = false;
            }
        }
    }
}

/// Put the unknown parts back in a tree parsed with placeholders (`holes`, in text order):
/// a `null` placeholder becomes [`Value::Unknown`], a string with placeholders a
/// [`json::Template`]. `used` counts the holes filled; false when one stands in a key.
fn fill_holes(
    text: &str,
    node: &mut Node,
    holes: &[(std::ops::Range<usize>, bool, Span, String)],
    used: &mut usize,
    depth: usize,
) -> bool {
    if depth > json::MAX_DEPTH {
        return false;
    }
    let inside = |span: Span| {
        holes
            .iter()
            .filter(move |(range, ..)| range.start >= span.start && range.end <= span.end)
    };
    match &mut node.value {
        Value::Null => {
            if let Some((_, false, _, what)) = inside(node.span).next() {
                node.value = Value::Unknown(what.clone());
                *used += 1;
            }
            true
        }
        Value::String(_) => {
            let in_string: Vec<_> = inside(node.span).collect();
            if in_string.is_empty() {
                return true;
            }
            let mut parts = Vec::new();
            let mut at = node.span.start + 1;
            for (range, _, _, what) in &in_string {
                if range.start > at {
                    let Some(part) = json_text_part(text, at..range.start) else {
                        return false;
                    };
                    parts.push(part);
                }
                parts.push(json::Part::Unknown(what.clone(), Span::new(range.start, range.end)));
                at = range.end;
            }
            let end = node.span.end.saturating_sub(1);
            if end > at {
                let Some(part) = json_text_part(text, at..end) else {
                    return false;
                };
                parts.push(part);
            }
            *used += in_string.len();
            node.value = Value::Template(json::Template { parts });
            true
        }
        Value::Array(items) => items
            .iter_mut()
            .all(|item| fill_holes(text, item, holes, used, depth + 1)),
        Value::Object(members) => members
            .iter_mut()
            .all(|m| inside(m.key_span).next().is_none() && fill_holes(text, &mut m.value, holes, used, depth + 1)),
        _ => true,
    }
}

/// The literal text of a JSON string between two unknown parts, decoded.
fn json_text_part(text: &str, range: std::ops::Range<usize>) -> Option<json::Part> {
    let raw = text.get(range.clone())?;
    let token = format!("\"{raw}\"");
    let decoded = json::parse(&token).ok()?;
    match decoded.value {
        Value::String(s) => Some(json::Part::Text(s.into_owned(), Span::new(range.start, range.end))),
        _ => None,
    }
}

fn template_pieces(text: &str, template: &Template, pieces: &mut Vec<Piece>) {
    for element in template.iter() {
        let span = element.span().map(|r| Span::new(r.start, r.end)).unwrap_or_default();
        match element {
            Element::Literal(_) => pieces.push(Piece::Literal(span.start..span.end)),
            Element::Interpolation(_) => {
                let raw = text.get(span.start..span.end).unwrap_or("${...}");
                pieces.push(Piece::Unknown(span, format!("the interpolation `{}`", short(raw))));
            }
            Element::Directive(_) => {
                let raw = text.get(span.start..span.end).unwrap_or("%{...}");
                pieces.push(Piece::Unknown(span, format!("the template directive `{}`", short(raw))));
            }
        }
    }
}

/// The byte range of a string's or heredoc's text when its value is that text unchanged: a
/// quoted string with no escape, a `<<` heredoc with no interpolation, directive or escape.
fn verbatim(text: &str, expr: &Expression) -> Option<std::ops::Range<usize>> {
    if let Some(heredoc) = placeholder(text, expr) {
        // Blanked only without `${` and `%{`, so without their escapes too.
        return (!heredoc.flush).then_some(heredoc.body);
    }
    let range = match expr {
        Expression::String(s) => {
            let span = s.span()?;
            span.start + 1..span.end.checked_sub(1)?
        }
        Expression::HeredocTemplate(heredoc) if !heredoc_is_flush(text, expr) => {
            let mut elements = heredoc.template.iter();
            let (Some(element @ Element::Literal(_)), None) = (elements.next(), elements.next()) else {
                return None;
            };
            element.span()?
        }
        _ => return None,
    };
    let raw = text.get(range.clone())?;
    let escapes = raw.contains("$${") || raw.contains("%%{");
    let backslash = matches!(expr, Expression::String(_)) && raw.contains('\\');
    (!escapes && !backslash).then_some(range)
}

/// A part of a string or heredoc: literal text (a byte range of the file, escapes undecoded),
/// or an interpolation or directive (its span, and what to call it).
enum Piece {
    Literal(std::ops::Range<usize>),
    Unknown(Span, String),
}

/// Decoded text with the file offset of every byte (one more entry for the end).
#[derive(Default)]
pub(crate) struct Decoded {
    pub(crate) text: String,
    pub(crate) offsets: Vec<usize>,
}

impl Decoded {
    pub(crate) fn file_offset(&self, decoded: usize) -> usize {
        self.offsets.get(decoded).or(self.offsets.last()).copied().unwrap_or(0)
    }

    pub(crate) fn push(&mut self, c: char, at: usize) {
        self.offsets.extend(std::iter::repeat_n(at, c.len_utf8()));
        self.text.push(c);
    }
}

/// Decode the literal text at `range`: HCL's escapes in a quoted string (`\n`, `\"`, `\u00e9`,
/// ...), and in both forms `$${` and `%%{`, which stand for `${` and `%{`. In a `<<-` heredoc,
/// `strip` characters of leading white space are dropped at the start of each line that is not
/// blank, as Terraform does.
fn decode_literal(text: &str, range: std::ops::Range<usize>, quoted: bool, strip: usize, out: &mut Decoded) {
    let Some(raw) = text.get(range.clone()) else {
        return;
    };
    let base = range.start;
    let mut chars = raw.char_indices().peekable();
    // Whether the next character starts a line of the heredoc (the literal of a heredoc starts
    // a line: it follows the opening marker's newline, or a newline of an earlier literal).
    let mut line_start = strip > 0 && (base == 0 || text.get(..base).is_some_and(|t| t.ends_with('\n')));
    while let Some((at, c)) = chars.next() {
        if line_start {
            line_start = false;
            let rest = raw.get(at..).unwrap_or_default();
            let line = rest.split_inclusive('\n').next().unwrap_or_default();
            if !is_blank_line(line) {
                // Skip `strip` white-space characters (this one included).
                let mut skipped = 1;
                while skipped < strip {
                    if chars.next_if(|(_, c)| c.is_whitespace() && *c != '\n').is_none() {
                        break;
                    }
                    skipped += 1;
                }
                if c.is_whitespace() && c != '\n' {
                    continue;
                }
            }
        }
        if c == '\n' {
            line_start = strip > 0;
        }
        let start = base + at;
        match c {
            '\\' if quoted => {
                let Some((_, e)) = chars.next() else {
                    out.push(c, start);
                    continue;
                };
                let decoded = match e {
                    'n' => Some('\n'),
                    'r' => Some('\r'),
                    't' => Some('\t'),
                    '"' => Some('"'),
                    '\\' => Some('\\'),
                    'u' | 'U' => {
                        let digits = if e == 'u' { 4 } else { 8 };
                        let mut value = 0u32;
                        let mut ok = true;
                        for _ in 0..digits {
                            match chars.next().and_then(|(_, d)| d.to_digit(16)) {
                                Some(d) => value = value * 16 + d,
                                None => ok = false,
                            }
                        }
                        if ok { char::from_u32(value) } else { None }
                    }
                    _ => None,
                };
                // HCL refuses an unknown escape, so the parser has; keep the text if not.
                out.push(decoded.unwrap_or(e), start);
            }
            '$' | '%'
                if raw
                    .get(at + 1..)
                    .is_some_and(|r| r.starts_with(c) && r.get(1..).is_some_and(|r| r.starts_with('{'))) =>
            {
                // `$${` is a literal `${`: the first character stands for the pair.
                chars.next();
                out.push(c, start);
            }
            _ => out.push(c, start),
        }
    }
}

fn is_blank_line(line: &str) -> bool {
    line.ends_with('\n') && line.chars().all(char::is_whitespace)
}

/// The indentation Terraform strips from a `<<-` heredoc: the fewest leading white-space
/// characters of any line that is not blank; a line that starts with an interpolation or
/// directive has none (hclsyntax `flushHeredocTemplateParts`).
fn flush_indent(text: &str, pieces: &[Piece]) -> usize {
    let mut min = usize::MAX;
    let mut line_start = true;
    for piece in pieces {
        match piece {
            Piece::Unknown(..) => {
                if line_start {
                    min = 0;
                }
                line_start = false;
            }
            Piece::Literal(range) => {
                let raw = text.get(range.clone()).unwrap_or_default();
                for line in raw.split_inclusive('\n') {
                    if line_start && !is_blank_line(line) {
                        let spaces = line.chars().take_while(|c| c.is_whitespace() && *c != '\n').count();
                        min = min.min(spaces);
                    }
                    line_start = line.ends_with('\n');
                }
            }
        }
    }
    if min == usize::MAX { 0 } else { min }
}

/// Whether the heredoc of `expr` opens with `<<-`.
fn heredoc_is_flush(text: &str, expr: &Expression) -> bool {
    let span = span_of(expr);
    text.get(span.start..).is_some_and(|t| t.starts_with("<<-"))
}

/// Builds a JSON tree from the HCL expression under `jsonencode(...)`.
struct Build<'t> {
    text: &'t str,
    /// Every unknown value met (kept in the tree as [`Value::Unknown`] or a template): its span
    /// and description.
    unknown: Vec<(Span, String)>,
    /// What makes the document unreadable as a whole (a computed key, a block the data source
    /// does not have, a value nested too deep): it is then not linted at all.
    unreadable: Vec<(Span, String)>,
    /// What Terraform refuses (a list where a string is required, a string where a list is):
    /// the document is then not linted, and each is an error.
    refused: Vec<(Span, String)>,
    pointer: Vec<String>,
    /// Building the deprecated `statement` blocks of `alicloud_ram_policy`, which the provider
    /// renders its own way (see [`Build::policy_document`]).
    legacy: bool,
}

impl Build<'_> {
    fn node(&mut self, expr: &Expression, depth: usize) -> Node<'static> {
        let span = span_of(expr);
        let value = if depth > json::MAX_DEPTH {
            self.unreadable.push((span, "a value nested too deep".into()));
            Value::Null
        } else {
            match expr {
                Expression::Parenthesis(inner) => return self.node(inner.inner(), depth),
                Expression::Null(_) => Value::Null,
                Expression::Bool(b) => Value::Bool(*b.value()),
                Expression::Number(_) => {
                    Value::Number(self.text.get(span.start..span.end).unwrap_or("0").to_string().into())
                }
                Expression::String(s) => Value::String(s.value().clone().into()),
                Expression::StringTemplate(_) | Expression::HeredocTemplate(_) => {
                    match template_text(self.text, expr) {
                        Ok(decoded) => Value::String(decoded.text.into()),
                        Err(_) => match template_value(self.text, expr) {
                            Some(template) => {
                                if let Value::Template(t) = &template {
                                    self.unknown.extend(t.parts.iter().filter_map(|p| match p {
                                        json::Part::Unknown(what, span) => Some((*span, what.clone())),
                                        json::Part::Text(..) => None,
                                    }));
                                }
                                template
                            }
                            None => {
                                self.unreadable.push((span, describe(self.text, expr, span)));
                                Value::Null
                            }
                        },
                    }
                }
                Expression::Array(array) => Value::Array(
                    array
                        .iter()
                        .enumerate()
                        .map(|(i, item)| {
                            self.pointer.push(i.to_string());
                            let node = self.node(item, depth + 1);
                            self.pointer.pop();
                            node
                        })
                        .collect(),
                ),
                Expression::Object(object) => {
                    let mut members = Vec::new();
                    for (key, value) in object.iter() {
                        let key_span = key.span().map(|r| Span::new(r.start, r.end)).unwrap_or_default();
                        let name = match key {
                            ObjectKey::Ident(ident) => Some(ident.as_str().to_string()),
                            ObjectKey::Expression(Expression::String(s)) => Some(s.value().clone()),
                            ObjectKey::Expression(Expression::Parenthesis(p)) => match p.inner().as_str() {
                                Some(name) => Some(name.to_string()),
                                // A computed key: where its value stands is unknown.
                                None => {
                                    self.unreadable
                                        .push((key_span, describe(self.text, p.inner(), key_span)));
                                    None
                                }
                            },
                            ObjectKey::Expression(other) => {
                                self.unreadable.push((key_span, describe(self.text, other, key_span)));
                                None
                            }
                        };
                        let Some(name) = name else { continue };
                        self.pointer.push(json::pointer_token(&name).into_owned());
                        let value_node = self.node(value.expr(), depth + 1);
                        self.pointer.pop();
                        members.push(Member {
                            key: name.into(),
                            key_span,
                            value: value_node,
                        });
                    }
                    Value::Object(members)
                }
                other => {
                    let what = describe(self.text, other, span);
                    self.unknown.push((span, what.clone()));
                    Value::Unknown(what)
                }
            }
        };
        Node { span, value }
    }
}

/// Whether a structure is a `statement` block, or a `dynamic "statement"`.
fn is_statement_block(structure: &Structure) -> bool {
    let Structure::Block(block) = structure else {
        return false;
    };
    (block.ident.as_str() == "statement" && block.labels.is_empty())
        || (block.ident.as_str() == "dynamic" && block.labels.first().map(|l| l.as_str()) == Some("statement"))
}

/// The data source's rendering, checked in the provider's source
/// (`alicloud/data_source_alicloud_ram_policy_document.go`, `AssembleDataSourcePolicyDocument`):
/// `version` defaults to `"1"` and `effect` to `"Allow"`; a list of one `action`, `resource` or
/// condition value is rendered as a string; `Resource`, `Principal` and `Condition` are left out
/// when empty; `principal` blocks gather into `{entity: [identifiers...]}` (identifiers sorted in
/// reverse, blocks of one entity appended), `condition` blocks into `{operator: {variable:
/// values}}`. Anything else in the data source (a `dynamic` block, an attribute the provider
/// does not have) is unknown, never guessed. The deprecated `statement` blocks of
/// `alicloud_ram_policy` (`AssemblePolicyDocument` in `service_alicloud_ram_v2.go`): `effect`,
/// `action`, `resource` only, `effect` without a default, lists always rendered as arrays.
impl<'t> Build<'t> {
    fn new(text: &'t str, legacy: bool) -> Self {
        Self {
            text,
            unknown: Vec::new(),
            unreadable: Vec::new(),
            refused: Vec::new(),
            pointer: Vec::new(),
            legacy,
        }
    }

    fn policy_document(&mut self, block: &Block) -> Node<'static> {
        let block_span = span_of_block(block);
        let ident_span = span_of_ident(&block.ident);
        let mut version = None;
        let mut statements = Vec::new();
        for structure in block.body.iter() {
            match structure {
                Structure::Attribute(a) if a.key.as_str() == "version" => {
                    version = Some(self.version(a));
                }
                // Terraform's meta-arguments and the provider's own: not part of the document.
                Structure::Attribute(a)
                    if ["output_file", "count", "for_each", "provider", "depends_on"].contains(&a.key.as_str()) => {}
                Structure::Block(b) if b.ident.as_str() == "statement" && b.labels.is_empty() => {
                    self.pointer.push(statements.len().to_string());
                    statements.push(self.statement(b));
                    self.pointer.pop();
                }
                Structure::Block(b) if b.ident.as_str() == "lifecycle" => {}
                // The resource's other attributes and blocks are not part of its document; a
                // `dynamic "statement"` is: statements only Terraform knows.
                other if self.legacy && !is_statement_block(other) => {}
                other if is_statement_block(other) => {
                    let span = other.span().map(|r| Span::new(r.start, r.end)).unwrap_or_default();
                    let what = "the `dynamic \"statement\"` block".to_string();
                    self.unknown.push((span, what.clone()));
                    statements.push(Node {
                        span,
                        value: Value::Unknown(what),
                    });
                }
                other => self.unknown_structure(other),
            }
        }
        let statement_span = statements.first().map_or(ident_span, |s: &Node| s.span);
        let mut members = vec![Member {
            key: "Statement".into(),
            key_span: statement_span,
            value: Node {
                span: block_span,
                value: Value::Array(statements),
            },
        }];
        members.push(version.unwrap_or_else(|| Member {
            key: "Version".into(),
            key_span: ident_span,
            value: Node {
                span: ident_span,
                value: Value::String("1".into()),
            },
        }));
        Node {
            span: block_span,
            value: Value::Object(members),
        }
    }

    /// The trust policy the provider assembles from `alicloud_ram_role`'s deprecated `ram_users`
    /// and `services` (`AssembleRolePolicyDocument` in `service_alicloud_ram_v2.go`): one
    /// statement allowing `sts:AssumeRole` to the `RAM` and `Service` principals as written, and
    /// `version` (default `"1"`). An empty list is left out (the provider sends it empty, which
    /// grants nothing); `Effect` and `Action` stand at the block's `resource` keyword.
    fn role_trust_policy(&mut self, block: &Block) -> Node<'static> {
        let block_span = span_of_block(block);
        let ident_span = span_of_ident(&block.ident);
        let fixed = |key: &'static str, value: &'static str| Member {
            key: key.into(),
            key_span: ident_span,
            value: Node {
                span: ident_span,
                value: Value::String(value.into()),
            },
        };
        let mut principals = Vec::new();
        for (attribute, entity) in ROLE_PRINCIPAL_ATTRIBUTES {
            let Some(attribute) = block.body.get_attribute(attribute) else {
                continue;
            };
            let key_span = span_of_ident(&attribute.key);
            let node = self.node(&attribute.value, 0);
            let items = match node.value {
                Value::Array(mut items) => {
                    items.iter_mut().for_each(as_terraform_string);
                    items
                }
                // A list only Terraform knows: one unknown item, which stands for any number.
                Value::Unknown(_) => vec![node.clone()],
                _ => {
                    self.refused
                        .push((node.span, not_a_list(attribute.key.as_str(), &node)));
                    continue;
                }
            };
            if !items.is_empty() {
                principals.push(((*entity).to_string(), key_span, items, node.span));
            }
        }
        let statement = rendered_statement(
            block_span,
            [
                Some(fixed("Effect", "Allow")),
                Some(fixed("Action", "sts:AssumeRole")),
                None,
            ],
            principals,
            Vec::new(),
        );
        let version = match block.body.get_attribute("version") {
            Some(a) => self.version(a),
            None => fixed("Version", "1"),
        };
        Node {
            span: block_span,
            value: Value::Object(vec![
                Member {
                    key: "Statement".into(),
                    key_span: ident_span,
                    value: Node {
                        span: block_span,
                        value: Value::Array(vec![statement]),
                    },
                },
                version,
            ]),
        }
    }

    fn statement(&mut self, block: &Block) -> Node<'static> {
        let block_span = span_of_block(block);
        let ident_span = span_of_ident(&block.ident);
        let mut effect = None;
        let mut action = None;
        let mut resource = None;
        let mut principals: Vec<(String, Span, Vec<Node>, Span)> = Vec::new();
        let mut conditions: Vec<(String, Span, Vec<Member<'static>>)> = Vec::new();
        for structure in block.body.iter() {
            match structure {
                Structure::Attribute(a) => {
                    let key_span = span_of_ident(&a.key);
                    match a.key.as_str() {
                        "effect" => effect = Some(self.member("Effect", key_span, &a.value)),
                        "action" => action = Some(self.one_or_all("Action", key_span, &a.value)),
                        "resource" => resource = Some(self.one_or_all("Resource", key_span, &a.value)),
                        _ => self.unknown_structure(structure),
                    }
                }
                Structure::Block(_) if self.legacy => self.unknown_structure(structure),
                Structure::Block(b) if b.ident.as_str() == "principal" && b.labels.is_empty() => {
                    let entity = self.string_attribute(b, "entity");
                    let identifiers = self.string_list_attribute(b, "identifiers");
                    if let (Some((entity, entity_span)), Some((mut identifiers, list_span))) = (entity, identifiers) {
                        identifiers.sort_by(|a, b| b.as_str().cmp(&a.as_str()));
                        match principals.iter_mut().find(|(e, ..)| *e == entity) {
                            Some((_, _, existing, _)) => existing.extend(identifiers),
                            None => principals.push((entity, entity_span, identifiers, list_span)),
                        }
                    }
                }
                Structure::Block(b) if b.ident.as_str() == "condition" && b.labels.is_empty() => {
                    let operator = self.string_attribute(b, "operator");
                    let variable = self.string_attribute(b, "variable");
                    let values = b
                        .body
                        .get_attribute("values")
                        .map(|a| self.one_or_all("values", span_of_ident(&a.key), &a.value));
                    let (Some((operator, operator_span)), Some((variable, variable_span)), Some(values)) =
                        (operator, variable, values)
                    else {
                        if b.body.get_attribute("values").is_none() {
                            self.unreadable
                                .push((span_of_block(b), "a `condition` block without `values`".into()));
                        }
                        continue;
                    };
                    let entry = Member {
                        key: variable.into(),
                        key_span: variable_span,
                        value: values.value,
                    };
                    match conditions.iter_mut().find(|(o, ..)| *o == operator) {
                        Some((_, _, entries)) => add_condition_entry(entries, entry),
                        None => conditions.push((operator, operator_span, vec![entry])),
                    }
                }
                other => self.unknown_structure(other),
            }
        }
        // The deprecated blocks require `effect` (no default): without it the rules report the
        // missing `Effect`, which Terraform refuses too.
        let effect = match effect {
            Some(effect) => Some(effect),
            None if self.legacy => None,
            None => Some(Member {
                key: "Effect".into(),
                key_span: ident_span,
                value: Node {
                    span: ident_span,
                    value: Value::String("Allow".into()),
                },
            }),
        };
        // `action` is required by the provider's schema: without it the rules report the
        // missing `Action`, which Terraform refuses too.
        rendered_statement(block_span, [effect, action, resource], principals, conditions)
    }

    /// `version`, a string in the provider's schema: a number written there (`1`) is converted,
    /// as Terraform converts it, before the provider renders it.
    fn version(&mut self, attribute: &hcl_edit::structure::Attribute) -> Member<'static> {
        let mut version = self.member("Version", span_of_ident(&attribute.key), &attribute.value);
        as_terraform_string(&mut version.value);
        version
    }

    /// A member whose value is the HCL attribute's value.
    fn member(&mut self, key: &'static str, key_span: Span, expr: &Expression) -> Member<'static> {
        Member {
            key: key.into(),
            key_span,
            value: self.node(expr, 0),
        }
    }

    /// A list attribute as the provider renders it: one item as a string, more as an array
    /// (its items strings: Terraform converts numbers and booleans in a list of strings).
    fn one_or_all(&mut self, key: &'static str, key_span: Span, expr: &Expression) -> Member<'static> {
        let mut node = self.node(expr, 0);
        if let Value::Array(items) = &mut node.value {
            for item in items.iter_mut() {
                as_terraform_string(item);
            }
            // The deprecated blocks render every list as an array (`expandStringList`).
            if items.len() == 1
                && !self.legacy
                && let Some(item) = items.pop()
            {
                node = item;
            }
        } else if !matches!(node.value, Value::Null | Value::Unknown(_)) {
            // The attribute as written (`action`), not as rendered (`Action`).
            self.refused
                .push((node.span, not_a_list(&key.to_ascii_lowercase(), &node)));
        }
        Member {
            key: key.into(),
            key_span,
            value: node,
        }
    }

    fn string_attribute(&mut self, block: &Block, key: &str) -> Option<(String, Span)> {
        let Some(attribute) = block.body.get_attribute(key) else {
            self.unreadable.push((
                span_of_block(block),
                format!("a `{}` block without `{key}`", block.ident.as_str()),
            ));
            return None;
        };
        let mut node = self.node(&attribute.value, 0);
        as_terraform_string(&mut node);
        match node.value {
            Value::String(s) => Some((s.into_owned(), node.span)),
            // It becomes a key of the document: where it stands is unknown.
            Value::Unknown(_) | Value::Template(_) => {
                let what = node.unknown_what().unwrap_or_default().to_string();
                self.unreadable.push((node.span, what));
                None
            }
            _ => {
                self.refused.push((
                    node.span,
                    format!("`{key}` is written as {}, not a string", node.type_name()),
                ));
                None
            }
        }
    }

    fn string_list_attribute(&mut self, block: &Block, key: &str) -> Option<(Vec<Node<'static>>, Span)> {
        let Some(attribute) = block.body.get_attribute(key) else {
            self.unreadable.push((
                span_of_block(block),
                format!("a `{}` block without `{key}`", block.ident.as_str()),
            ));
            return None;
        };
        let node = self.node(&attribute.value, 0);
        match node.value {
            Value::Array(mut items) => {
                items.iter_mut().for_each(as_terraform_string);
                Some((items, node.span))
            }
            // A list only Terraform knows: one unknown item, which stands for any number.
            Value::Unknown(_) => {
                let span = node.span;
                Some((vec![node], span))
            }
            _ => {
                self.refused.push((node.span, not_a_list(key, &node)));
                None
            }
        }
    }

    fn unknown_structure(&mut self, structure: &Structure) {
        let span = structure.span().map(|r| Span::new(r.start, r.end)).unwrap_or_default();
        let what = match structure {
            Structure::Attribute(a) => format!("the attribute `{}`", a.key.as_str()),
            Structure::Block(b) => match b.labels.first() {
                Some(label) => format!("the block `{} \"{}\"`", b.ident.as_str(), label.as_str()),
                None => format!("the block `{}`", b.ident.as_str()),
            },
        };
        self.unreadable.push((span, what));
    }
}

/// One `condition` block: its variable (and span) and its values.
/// A number or boolean in a list of strings, as Terraform converts it.
fn as_terraform_string(node: &mut Node) {
    match &node.value {
        Value::Number(n) => node.value = Value::String(n.clone()),
        Value::Bool(b) => node.value = Value::String(b.to_string().into()),
        _ => {}
    }
}

fn span_of_block(block: &Block) -> Span {
    block.span().map(|r| Span::new(r.start, r.end)).unwrap_or_default()
}

fn span_of_ident(ident: &hcl_edit::Decorated<hcl_edit::Ident>) -> Span {
    ident.span().map(|r| Span::new(r.start, r.end)).unwrap_or_default()
}

fn span_of(expr: &Expression) -> Span {
    expr.span().map(|r| Span::new(r.start, r.end)).unwrap_or_default()
}

/// [`span_of`], a blanked heredoc's being the heredoc's in `text`.
fn value_span(text: &str, expr: &Expression) -> Span {
    placeholder(text, expr).map_or_else(|| span_of(expr), |heredoc| heredoc.span)
}

/// A path written as a literal string, or as `"${path.module}/rest"`.
fn literal_path(text: &str, expr: &Expression) -> Option<String> {
    match expr {
        Expression::String(s) => Some(s.value().to_string()),
        Expression::StringTemplate(template) => {
            let mut elements = template.iter();
            let (Some(first @ Element::Interpolation(_)), Some(Element::Literal(rest)), None) =
                (elements.next(), elements.next(), elements.next())
            else {
                return None;
            };
            let range = first.span()?;
            let raw: String = text.get(range)?.chars().filter(|c| !c.is_whitespace()).collect();
            (raw == "${path.module}")
                .then(|| rest.value().strip_prefix('/').map(str::to_string))
                .flatten()
        }
        _ => None,
    }
}

/// `file("x.json")` or `templatefile("x.json.tpl", {...})` with a literal path (or
/// `"${path.module}/x.json"`) in the Terraform file named `file_name`, whose `text` `expr`'s
/// spans point into (a `.tf` file's, or a `.tf.json` string's template): the path as written
/// and the file's path when the file is there (to be linted as a file of its own), or what the
/// call is and why it stays unknown. `None` for anything else.
pub(super) fn named_file(file_name: &str, text: &str, expr: &Expression) -> Option<Result<(String, PathBuf), String>> {
    let Expression::FuncCall(call) = expr else {
        return None;
    };
    let function = call.name.name.as_str();
    let (extension, arguments) = match function {
        "file" => (".json", 1),
        "templatefile" => (".tpl", 2),
        _ => return None,
    };
    if !call.name.namespace.is_empty() || call.args.len() != arguments {
        return None;
    }
    let written = literal_path(text, call.args.iter().next()?)?;
    if !written.ends_with(extension) {
        return None;
    }
    let span = span_of(expr);
    let unknown = |why: &str| Err(format!("{}, {why}", describe(text, expr, span)));
    if file_name == "<stdin>" {
        return Some(unknown(
            "whose folder is unknown (the file was read from standard input)",
        ));
    }
    let relative = std::path::Path::new(&written);
    if !relative
        .components()
        .all(|c| matches!(c, std::path::Component::Normal(_) | std::path::Component::CurDir))
    {
        return Some(unknown("whose path leaves the folder of this file"));
    }
    let path = std::path::Path::new(file_name)
        .parent()
        .unwrap_or(std::path::Path::new(""))
        .join(relative);
    match std::fs::symlink_metadata(&path) {
        Ok(metadata) if metadata.is_file() => Some(Ok((written, path))),
        Ok(_) => Some(unknown("whose path is not a regular file")),
        Err(_) => Some(unknown("whose file does not exist")),
    }
}

/// Every file a Terraform file's text names through `file("...")` or `templatefile("...", ...)`,
/// anywhere in it (a document attribute or not, inside `jsondecode`, `merge`, an interpolation),
/// with a literal path or `"${path.module}/..."`: each call's function and the path as written,
/// whatever its extension and whether or not it exists. Empty for a text that does not parse.
/// `diff --base` follows a changed file back to the `.tf` files it feeds with it.
pub fn named_files(text: &str) -> Vec<(String, String)> {
    // Unblanked first: a call inside a heredoc's interpolation counts too.
    let Ok(body) = hcl_edit::parser::parse_body(text).or_else(|_| parse_body(text)) else {
        return Vec::new();
    };
    let mut calls = FileCalls {
        text,
        named: Vec::new(),
    };
    hcl_edit::visit::Visit::visit_body(&mut calls, &body);
    calls.named
}

/// [`named_files`] of one template's text (a string of a `.tf.json` file, JSON-decoded).
pub fn named_files_in_template(text: &str) -> Vec<(String, String)> {
    let Ok(template) = hcl_edit::parser::parse_template(text) else {
        return Vec::new();
    };
    let mut calls = FileCalls {
        text,
        named: Vec::new(),
    };
    hcl_edit::visit::Visit::visit_template(&mut calls, &template);
    calls.named
}

/// The `file` / `templatefile` calls with a literal path of what it visits.
struct FileCalls<'t> {
    text: &'t str,
    named: Vec<(String, String)>,
}

impl hcl_edit::visit::Visit for FileCalls<'_> {
    fn visit_func_call(&mut self, call: &hcl_edit::expr::FuncCall) {
        let function = call.name.name.as_str();
        if call.name.namespace.is_empty()
            && matches!(function, "file" | "templatefile")
            && let Some(path) = call.args.iter().next().and_then(|arg| literal_path(self.text, arg))
        {
            self.named.push((function.to_string(), path));
        }
        hcl_edit::visit::visit_func_call(self, call);
    }
}

/// The values a Terraform file's text defines for others to use: each `variable` block
/// (`var.NAME`, its whole text), each attribute of a `locals` block (`local.NAME`, its
/// value's text), and each `module` call (`module.NAME`, its whole text: the values it passes),
/// as written. Empty for a text that does not parse.
/// `diff --base` tells with it which of them a change touches.
pub fn named_values(text: &str) -> Vec<(String, String)> {
    let Ok(body) = hcl_edit::parser::parse_body(text).or_else(|_| parse_body(text)) else {
        return Vec::new();
    };
    let written = |span: Span| text.get(span.start..span.end).unwrap_or_default().to_string();
    let mut values = Vec::new();
    for block in body.blocks() {
        match (block.ident.as_str(), block.labels.as_slice()) {
            ("variable", [name]) => values.push((format!("var.{}", name.as_str()), written(span_of_block(block)))),
            ("module", [name]) => values.push((format!("module.{}", name.as_str()), written(span_of_block(block)))),
            ("locals", []) => {
                for attribute in block.body.attributes() {
                    values.push((
                        format!("local.{}", attribute.key.as_str()),
                        written(span_of(&attribute.value)),
                    ));
                }
            }
            _ => {}
        }
    }
    values
}

/// For each `resource` and `data` block of a Terraform file's text that has a `count` or
/// `for_each` (its address, `alicloud_ram_policy.guard` or `data.x.y`), the meta-arguments as
/// written (`count = 0`): how many of its documents Terraform makes, which only Terraform knows.
pub fn multiplicities(text: &str) -> std::collections::BTreeMap<String, String> {
    let Ok(body) = hcl_edit::parser::parse_body(text).or_else(|_| parse_body(text)) else {
        return std::collections::BTreeMap::new();
    };
    let written = |span: Span| text.get(span.start..span.end).unwrap_or_default().trim().to_string();
    let mut out = std::collections::BTreeMap::new();
    for block in body.blocks() {
        let address = match (block.ident.as_str(), block.labels.as_slice()) {
            ("resource", [kind, name]) => format!("{}.{}", kind.as_str(), name.as_str()),
            ("data", [kind, name]) => format!("data.{}.{}", kind.as_str(), name.as_str()),
            _ => continue,
        };
        let meta: Vec<String> = block
            .body
            .attributes()
            .filter(|a| matches!(a.key.as_str(), "count" | "for_each"))
            .map(|a| format!("{} = {}", a.key.as_str(), written(span_of(&a.value))))
            .collect();
        if !meta.is_empty() {
            out.insert(address, meta.join(", "));
        }
    }
    out
}

/// Each block of a Terraform file's text that attaches a policy (`alicloud_ram_user_policy_attachment`,
/// `alicloud_resource_manager_control_policy_attachment`, any `*_policy_attachment` resource; a
/// group membership: [`attaches_policies`]), by address, as written with its layout collapsed:
/// `diff` compares documents, and says when these change.
pub fn policy_attachments(text: &str) -> std::collections::BTreeMap<String, String> {
    let Ok(body) = hcl_edit::parser::parse_body(text).or_else(|_| parse_body(text)) else {
        return std::collections::BTreeMap::new();
    };
    body.blocks()
        .filter_map(|block| match (block.ident.as_str(), block.labels.as_slice()) {
            // A ROS template's RAM resources are not compared where they are embedded.
            ("resource", [kind, name]) if ROS_TEMPLATE_RESOURCES.contains(&kind.as_str()) => {
                let body = block.body.get_attribute("template_body")?;
                let span = span_of(&body.value);
                let written = text.get(span.start..span.end).unwrap_or_default();
                Some((
                    format!("{}.{}.template_body", kind.as_str(), name.as_str()),
                    written.split_whitespace().collect::<Vec<_>>().join(" "),
                ))
            }
            ("resource", [kind, name]) if attaches_policies(kind.as_str()) => {
                let span = span_of_block(block);
                let written = text.get(span.start..span.end).unwrap_or_default();
                Some((
                    format!("{}.{}", kind.as_str(), name.as_str()),
                    written.split_whitespace().collect::<Vec<_>>().join(" "),
                ))
            }
            _ => None,
        })
        .collect()
}

/// Each `module` call of a Terraform file's text: its name, its `source` when a literal
/// string, and its whole text as written. Empty for a text that does not parse.
pub fn module_calls(text: &str) -> Vec<(String, Option<String>, String)> {
    let Ok(body) = hcl_edit::parser::parse_body(text).or_else(|_| parse_body(text)) else {
        return Vec::new();
    };
    body.blocks()
        .filter(|block| block.ident.as_str() == "module")
        .filter_map(|block| {
            let [name] = block.labels.as_slice() else {
                return None;
            };
            let source = block.body.get_attribute("source").and_then(|a| match &a.value {
                Expression::String(s) => Some(s.value().to_string()),
                _ => None,
            });
            let span = span_of_block(block);
            let written = text.get(span.start..span.end).unwrap_or_default().to_string();
            Some((name.as_str().to_string(), source, written))
        })
        .collect()
}

/// Read `bytes` as a Terraform template file (`templatefile("x.json.tpl", ...)`): JSON text
/// whose `${...}` and `%{...}` are values only Terraform knows, linted for what is known as a
/// heredoc is. Named on the command line, or reached through a `.tf` file.
pub fn read_template_file(name: String, bytes: Vec<u8>) -> PolicyFile<'static> {
    let source = match super::source_of(name, bytes) {
        Ok(source) => source,
        Err(not_utf8) => return not_utf8.unparsed(),
    };
    let text: &str = &source.text;
    let not_policy = |findings: Vec<Finding>| PolicyFile {
        source: source.clone(),
        content: if findings.is_empty() {
            Content::NotPolicy(NotPolicy::NoPolicyMark)
        } else {
            Content::Documents(Vec::new())
        },
        findings,
    };
    let template = match hcl_edit::parser::parse_template(text) {
        Ok(template) => template,
        Err(error) => {
            let at = crate::source::floor_char_boundary(text, error.location().offset().min(text.len()));
            if !mentions_statement(text) {
                return not_policy(Vec::new());
            }
            let finding = Finding::new(
                &invalid_json::RULE,
                Span::new(at, at),
                format!("the Terraform template is not valid: {}", error.message()),
            )
            .label("here")
            .help("`templatefile` refuses it too; the document in it was not linted");
            return not_policy(vec![finding]);
        }
    };
    let mut pieces = Vec::new();
    template_pieces(text, &template, &mut pieces);
    let decoded = pieces
        .into_iter()
        .map(|piece| match piece {
            Piece::Literal(range) => {
                let mut decoded = Decoded::default();
                decode_literal(text, range.clone(), false, 0, &mut decoded);
                TextPiece::Text(decoded, Span::new(range.start, range.end))
            }
            Piece::Unknown(span, what) => TextPiece::Unknown(span, what),
        })
        .collect::<Vec<_>>();
    match parse_pieces(&decoded, text.len(), Span::new(0, text.len())) {
        Read::Known(root, mut findings) if is_document(&root) => {
            findings.extend(partly_unknown(&root));
            PolicyFile {
                source: source.clone(),
                content: Content::Documents(vec![Document {
                    root,
                    origin: Origin::Bare,
                    no_repeated_key: false,
                }]),
                findings,
            }
        }
        Read::Known(..) => not_policy(Vec::new()),
        Read::NotJson(error, looks_like_document) => not_policy(if looks_like_document {
            vec![invalid_json::syntax(&error)]
        } else {
            Vec::new()
        }),
        Read::Unknown {
            span,
            what,
            count,
            looks_like_document,
        } => not_policy(if looks_like_document {
            vec![terraform_unknown_value::finding(span, &what, count.saturating_sub(1))]
        } else {
            Vec::new()
        }),
    }
}

/// `local.NAME` when the expression is exactly that reference.
fn local_reference(text: &str, expr: &Expression) -> Option<String> {
    if !matches!(expr, Expression::Traversal(_)) {
        return None;
    }
    let span = span_of(expr);
    let raw = text.get(span.start..span.end)?.trim();
    let name = raw.strip_prefix("local.")?;
    name.chars()
        .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
        .then(|| raw.to_string())
}

/// What an unknown expression is, for a message.
fn describe(text: &str, expr: &Expression, span: Span) -> String {
    let raw = short(text.get(span.start..span.end).unwrap_or_default());
    let kind = match expr {
        Expression::Variable(_) | Expression::Traversal(_) => "the reference",
        Expression::FuncCall(_) => "the function call",
        Expression::Conditional(_) => "the conditional",
        Expression::ForExpr(_) => "the `for` expression",
        Expression::StringTemplate(_) | Expression::HeredocTemplate(_) => "the template",
        Expression::UnaryOp(_) | Expression::BinaryOp(_) => "the operation",
        _ => "the value",
    };
    format!("{kind} `{raw}`")
}

/// One line of at most 60 characters of `raw`, for a message.
fn short(raw: &str) -> String {
    let line = raw.lines().next().unwrap_or_default().trim();
    let cut: String = line.chars().take(60).collect();
    if cut.len() < raw.trim().len() {
        format!("{cut}…")
    } else {
        cut
    }
}

/// The `terraform-unknown-value` finding of a document linted with unknown parts, if it has any.
fn partly_unknown(root: &Node) -> Option<Finding> {
    if !root.holds_unknown() {
        return None;
    }
    let unknowns = json::unknowns(root);
    let (span, what) = unknowns.first()?;
    Some(terraform_unknown_value::partial(*span, what, unknowns.len() - 1))
}

/// An object that is a policy document.
pub(crate) fn is_document(node: &Node) -> bool {
    let Some(members) = node.as_object() else {
        return false;
    };
    // As for a JSON file: `Statement`, or `Version` and `Statement` in any case (a document
    // with errors that the rules name).
    let has = |key: &str| members.iter().any(|m| m.key.eq_ignore_ascii_case(key));
    members.iter().any(|m| m.key == "Statement") || (has("Version") && has("Statement"))
}

/// Whether known text mentions a `"Statement"` key (any case): a document whose JSON is broken or whose
/// value is partly unknown is still reported, never skipped.
pub(crate) fn mentions_statement(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    lower.match_indices("\"statement\"").any(|(at, key)| {
        lower
            .get(at + key.len()..)
            .is_some_and(|rest| rest.trim_start().starts_with(':'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Blanking heredocs changes nothing ramguard reads: every `.tf` fixture, and heredocs of
    /// every shape, give the same documents, findings and references either way.
    #[test]
    fn blanked_heredocs_read_as_hcl_edit_reads_them() {
        let mut texts: Vec<(String, String)> = Vec::new();
        let mut dirs = vec![std::path::PathBuf::from("tests/fixtures")];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "tf") {
                    let text = std::fs::read_to_string(&path).unwrap_or_default();
                    texts.push((path.display().to_string(), text));
                }
            }
        }
        assert!(texts.len() > 20, "the fixtures were not found");
        let document = "{\n  \"Version\": \"1\",\n  \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"kvstore:*\", \"Resource\": \"*\"}]\n}\n";
        for shape in [
            "resource \"alicloud_ram_policy\" \"p\" {\n  policy_document = <<EOT\nDOC\nEOT\n}\n",
            "locals {\n  p = <<-EOT\n    DOC\n  EOT\n  q = <<EOT\r\nDOC\r\nEOT\r\n}\n",
            "module \"m\" {\n  source = \"./m\"\n  document = <<POLICY\nDOC\nPOLICY\n}\n",
            "locals {\n  p = jsonencode({ a = <<EOT\nDOC\nEOT\n })\n}\n",
            "locals {\n  # <<EOT\n  p = \"<<EOT\"\n  q = <<EOT\nDOC\nEOT\n}\n",
            "variable \"d\" {\n  default = <<EOT\nDOC\nEOT\n}\nresource \"alicloud_ram_policy\" \"p\" {\n  policy_document = var.d\n}\n",
            "locals {\n  p = <<EOT\n{\"Statement\": [\"\u{202e}\", 1,]}\nEOT\n}\n",
            "/* x = <<EOT\nDOC\nEOT\n */\nlocals {\n  p = 1\n}\n",
            "locals {\n  p = (<<EOT\nDOC\nEOT\n  )\n  q = true ? <<EOT\nDOC\nEOT\n  : null\n}\n",
            "locals {\n  p = <<EOT\nDOC\nEOT # said\n  q = <<EOT\nDOC\nEOT",
            "locals {\n  p = <<EOT\nDOC\nEOT y = 1\n}\n",
        ] {
            texts.push((shape.to_string(), shape.replace("DOC", document)));
        }
        let blanked = texts
            .iter()
            .filter(|(_, text)| {
                heredoc::blanked(text).is_some_and(|(copy, starts)| {
                    hcl_edit::parser::parse_body(&copy).is_ok_and(|b| heredoc::stand_as_attribute_values(&b, &starts))
                })
            })
            .count();
        assert!(blanked >= 8, "only {blanked} files read blanked");
        for (name, text) in texts {
            let read = |parse| {
                let mut references = Vec::new();
                let file = read_file_parsed_by(name.clone(), text.clone().into_bytes(), &mut references, parse);
                format!("{:?}", (&file.content, &file.findings, references))
            };
            assert_eq!(read(parse_body), read(hcl_edit::parser::parse_body), "{name}");
        }
    }

    /// The decoded text of the value of the first attribute of `text`, and its offset map.
    fn decoded(text: &str) -> Decoded {
        let body = hcl_edit::parser::parse_body(text).unwrap_or_else(|e| unreachable!("{e}"));
        let Some(Structure::Attribute(attribute)) = body.iter().next() else {
            unreachable!("no attribute")
        };
        template_text(text, &attribute.value).unwrap_or_else(|_| unreachable!("unknown"))
    }

    #[test]
    fn an_indented_heredoc_is_stripped_as_terraform_strips_it() {
        // The fewest leading spaces of a line that is not blank (2 here) are stripped from
        // every such line; the blank line keeps what it has.
        let text = "x = <<-EOF\n    {\"a\":\n  1}\n   \n      \"é\"\n  EOF\n";
        let d = decoded(text);
        assert_eq!(d.text, "  {\"a\":\n1}\n   \n    \"é\"\n");
        // Every decoded byte points at the same character in the file.
        for (i, c) in d.text.char_indices() {
            let at = d.file_offset(i);
            assert_eq!(text.get(at..).and_then(|t| t.chars().next()), Some(c), "byte {i}");
        }
    }

    #[test]
    fn a_plain_heredoc_keeps_its_text_and_escapes_only_templates() {
        let text = "x = <<EOF\n  {\"a\": \"\\n$${b}%%{c}\"}\nEOF\n";
        assert_eq!(decoded(text).text, "  {\"a\": \"\\n${b}%{c}\"}\n");
    }

    #[test]
    fn a_quoted_string_decodes_hcl_escapes_with_exact_offsets() {
        let text = r#"x = "{\"k\": \"\u00e9\U0001F600\t$${v}\"}""#;
        let d = decoded(text);
        assert_eq!(d.text, "{\"k\": \"é😀\t${v}\"}");
        let e = d.text.find('é').unwrap_or_default();
        assert_eq!(text.get(d.file_offset(e)..d.file_offset(e) + 6), Some(r"\u00e9"));
    }

    #[test]
    fn mentions_of_statement_are_keys_only() {
        assert!(mentions_statement(r#"{"Statement" : ["#));
        assert!(!mentions_statement(r#"{"a": "Statement"}"#));
    }

    #[test]
    fn named_files_are_found_in_any_expression() {
        let text = "resource \"alicloud_ram_policy\" \"p\" {\n  policy_document = file(\"${path.module}/p.tpl\")\n}\nlocals {\n  arns = jsondecode(file(\"arns.json\"))\n  q = \"${templatefile(\"../q.json.tpl\", {})}\"\n  r = file(var.path)\n}\n";
        assert_eq!(
            named_files(text),
            [
                ("file".to_string(), "p.tpl".to_string()),
                ("file".to_string(), "arns.json".to_string()),
                ("templatefile".to_string(), "../q.json.tpl".to_string()),
            ]
        );
        assert!(named_files("resource {").is_empty());
    }

    #[test]
    fn named_values_are_variables_and_locals() {
        let text = "variable \"arns\" {\n  default = [\"*\"]\n}\nlocals {\n  tags = { a = 1 }\n}\nresource \"x\" \"y\" {\n  z = 1\n}\nmodule \"kv\" {\n  source = \"./kv\"\n}\n";
        let module = "module \"kv\" {\n  source = \"./kv\"\n}".to_string();
        assert_eq!(
            module_calls(text),
            [("kv".to_string(), Some("./kv".to_string()), module.clone())]
        );
        assert_eq!(
            named_values(text),
            [
                (
                    "var.arns".to_string(),
                    "variable \"arns\" {\n  default = [\"*\"]\n}".to_string()
                ),
                ("local.tags".to_string(), "{ a = 1 }".to_string()),
                ("module.kv".to_string(), module),
            ]
        );
    }

    #[test]
    fn documents_are_named_by_their_terraform_address() {
        let doc =
            r#"jsonencode({ Version = "1", Statement = [{ Effect = "Allow", Action = "ecs:*", Resource = "*" }] })"#;
        let text = format!(
            "resource \"alicloud_ram_policy\" \"ops\" {{\n  policy_document = {doc}\n}}\n\
             locals {{\n  p = {doc}\n}}\n\
             variable \"v\" {{\n  default = {doc}\n}}\n\
             module \"m\" {{\n  source = \"./m\"\n  doc = {doc}\n}}\n\
             output \"o\" {{\n  value = {doc}\n}}\n\
             data \"alicloud_ram_policy_document\" \"d\" {{\n  statement {{\n    action = [\"ecs:*\"]\n    resource = [\"*\"]\n  }}\n}}\n"
        );
        let file = read("main.tf".into(), text.into_bytes());
        let Content::Documents(documents) = &file.content else {
            unreachable!("documents expected: {:?}", file.findings)
        };
        let addresses: Vec<Option<&str>> = documents.iter().map(Document::address).collect();
        assert_eq!(
            addresses,
            [
                Some("alicloud_ram_policy.ops"),
                Some("local.p"),
                Some("var.v"),
                Some("module.m.doc"),
                Some("output.o"),
                Some("data.alicloud_ram_policy_document.d"),
            ]
        );
    }
}
