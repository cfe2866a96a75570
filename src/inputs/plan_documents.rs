//! RAM policy documents in Terraform JSON: `terraform show -json` of a plan or of a state, and a
//! raw `terraform.tfstate`. A plan shows each document as Terraform will send it: variables
//! substituted, `jsonencode` rendered, data sources read.
//!
//! Where documents are read (Terraform's JSON output format, `internal/command/jsonplan` and
//! `jsonstate`):
//!
//! - a plan: `resource_changes[].change.after` (what the resource will hold), with the values
//!   `after_unknown` marks `true` unknown; then the resources of `planned_values.root_module`
//!   (and its `child_modules`, at any depth) that `resource_changes` did not list, where an
//!   attribute left out is unknown (Terraform omits unknown values there); then the
//!   `alicloud_ram_policy_document` data sources read while planning, which stand in
//!   `prior_state` only. Every address is read once, from the first of these that has it; a
//!   resource of `planned_values` that `resource_changes` listed must hold the same documents.
//! - a state: `values.root_module` (`terraform show -json` of a state), or
//!   `resources[].instances[].attributes` (a raw `terraform.tfstate`, format version 4).
//!
//! The attributes read are [`DOCUMENT_ATTRIBUTES`] and the rendered `document` of the
//! `alicloud_ram_policy_document` data source. A document is an encoded JSON string: it is
//! decoded and parsed on its own, every span moved back into the plan file. Each is named by its
//! resource address as Terraform writes it ([`Origin::Address`]).
//!
//! A plan holds secrets (passwords, keys) in plain text. The file the reporters see is the plan
//! with everything but the documents' own text blanked (spaces, line breaks kept, every other
//! character replaced by one of the same length in bytes), so that no snippet can show
//! anything else, at the same lines and columns. The messages name keys and addresses, never a
//! value.
//!
//! What is read is read strictly, as `super::instances` reads plans: a part of the schema that
//! is missing or of the wrong type, an unknown change action or `format_version` major version,
//! is an error finding; fields Terraform adds in newer versions are read past.

use std::collections::{HashMap, HashSet};

use super::policy_file::{Content, Document, NotPolicy, Origin, PolicyFile};
use super::terraform::DOCUMENT_ATTRIBUTES;
use crate::json::{self, Node, SyntaxError, Tree, Value};
use crate::rules::{Finding, duplicate_key, invalid_json, invisible_character, terraform_unknown_value};
use crate::source::{SourceFile, Span};

/// The data source whose rendered document is read, and its attribute: `document`, computed by
/// the provider (`alicloud/data_source_alicloud_ram_policy_document.go`).
pub const POLICY_DOCUMENT_DATA_SOURCE: (&str, &[&str]) = ("alicloud_ram_policy_document", &["document"]);

/// The change actions of `terraform show -json` (as `super::instances` reads them).
const ACTIONS: [&str; 6] = ["no-op", "create", "read", "update", "delete", "forget"];

/// Whether a parsed file is Terraform JSON: `terraform show -json` output (a plan or a state:
/// `format_version` with `terraform_version`, `planned_values`, `resource_changes`, `values`,
/// ...) or a raw `terraform.tfstate` (`version`, `terraform_version`, `resources`).
pub fn is_terraform_json(root: &Node) -> bool {
    let has = |key: &str| root.get(key).is_some();
    let shown = has("format_version")
        && (has("terraform_version")
            || has("planned_values")
            || has("resource_changes")
            || has("values")
            || has("prior_state")
            || has("configuration"));
    let raw_state = has("terraform_version") && (has("version") || has("resources") || has("lineage"));
    shown || raw_state
}

/// The same marks, in a text that is not valid JSON: a Terraform file cut short or edited by
/// hand. Only keys written at the start of a line or after `{`/`,` count, so a policy that
/// merely mentions `terraform_version` in a value is still read as a policy.
pub fn looks_like_terraform_text(text: &str) -> bool {
    let has = |key: &str| {
        text.match_indices(key).any(|(at, _)| {
            let before = text.get(..at).map(str::trim_end).unwrap_or_default();
            let after = text.get(at + key.len()..).map(str::trim_start).unwrap_or_default();
            (before.is_empty() || before.ends_with(['{', ','])) && after.starts_with(':')
        })
    };
    // The marks `is_terraform_json` reads: a plan cut down with `jq` may have lost
    // `terraform_version` and still holds secrets.
    let shown = has("\"format_version\"")
        && [
            "\"terraform_version\"",
            "\"planned_values\"",
            "\"resource_changes\"",
            "\"values\"",
            "\"prior_state\"",
            "\"configuration\"",
        ]
        .iter()
        .any(|key| has(key));
    let raw_state = has("\"terraform_version\"") && (has("\"version\"") || has("\"resources\"") || has("\"lineage\""));
    shown || raw_state
}

/// Read Terraform JSON (`tree`, parsed from `source`): its documents, and findings, with the
/// source blanked but for the documents.
pub fn read(source: &SourceFile, tree: &Tree) -> PolicyFile<'static> {
    let mut reader = Reader::new(&source.text);
    let outcome = reader.terraform(tree);
    let content = match outcome {
        Err(malformed) => {
            reader.findings.push(
                Finding::new(
                    &invalid_json::RULE,
                    malformed.span,
                    format!("this Terraform JSON is not well-formed: {}", malformed.message),
                )
                .label("here")
                .help(
                    "write it again with `terraform show -json` (of a plan file or a state); no RAM policy document in it was linted, and the file is shown blanked, since a plan holds secrets",
                ),
            );
            Content::Unparsed
        }
        Ok(()) if reader.documents.is_empty() && reader.findings.is_empty() => Content::NotPolicy(NotPolicy::Terraform),
        Ok(()) => Content::Documents(std::mem::take(&mut reader.documents)),
    };
    PolicyFile {
        source: std::sync::Arc::new(SourceFile::new(source.name.clone(), redact(&source.text, reader.shown))),
        content,
        findings: reader.findings,
    }
}

/// Terraform JSON that is not valid JSON: an error finding, the file shown wholly blanked.
pub fn broken(source: &SourceFile, error: &SyntaxError) -> PolicyFile<'static> {
    let finding = Finding::new(
        &invalid_json::RULE,
        error.span,
        format!("this Terraform plan or state is not valid JSON: {}", error.message),
    )
    .label("here")
    .help(
        "write it again with `terraform show -json` (of a plan file or a state); no RAM policy document in it was linted, and the file is shown blanked, since a plan holds secrets",
    );
    PolicyFile {
        source: std::sync::Arc::new(SourceFile::new(source.name.clone(), blanked(&source.text))),
        content: Content::Unparsed,
        findings: vec![finding],
    }
}

/// Where each resource that holds (or would hold) a RAM document stands in Terraform JSON
/// `text`, by address: for `--policy FILE#ADDRESS`, which tells a document's findings and its
/// unknown value from the others'. Empty when the text is not Terraform JSON.
pub fn regions(text: &str) -> Vec<(String, Span)> {
    let Ok(tree) = json::parse_tree_past_bom(text).0 else {
        return Vec::new();
    };
    if !is_terraform_json(&tree.root) {
        return Vec::new();
    }
    let mut reader = Reader::new(text);
    let _ = reader.terraform(&tree);
    reader.regions
}

/// The document attributes of a resource type (`managed`), or of a data source (`data`).
fn document_attributes(mode: Mode, kind: &str) -> Option<&'static [&'static str]> {
    match mode {
        Mode::Managed => DOCUMENT_ATTRIBUTES
            .iter()
            .find(|(k, _)| *k == kind)
            .map(|(_, attributes)| *attributes),
        Mode::Data => (kind == POLICY_DOCUMENT_DATA_SOURCE.0).then_some(POLICY_DOCUMENT_DATA_SOURCE.1),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Managed,
    Data,
}

/// Which representation a module comes from, which decides what a missing attribute means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum From {
    /// `planned_values`: Terraform leaves unknown values out.
    Planned,
    /// A state: everything is known; only its data sources are read (`prior_state` of a plan).
    PriorData,
    /// A state (`values` of `terraform show -json`, or a raw state): everything is known.
    State,
}

/// What one document attribute holds.
#[derive(Debug, Clone, Copy)]
enum Attribute<'a> {
    /// A non-empty string: the document, encoded.
    Known(&'a Node<'a>),
    /// Null or an empty string: no document.
    Empty,
    /// Known only after apply; the span stands for it in the file.
    Unknown(Span),
}

/// Why Terraform JSON is not well-formed, and where.
#[derive(Debug)]
struct Malformed {
    span: Span,
    message: String,
}

type Read<T> = Result<T, Malformed>;

fn malformed(node: &Node, message: impl Into<String>) -> Malformed {
    Malformed {
        span: crate::rules::opening(node),
        message: message.into(),
    }
}

struct Reader<'t> {
    text: &'t str,
    documents: Vec<Document<'static>>,
    findings: Vec<Finding>,
    /// What of the file a snippet may show: the documents' string tokens, and the keys and
    /// `true`s the reader's own findings point at.
    shown: Vec<Span>,
    regions: Vec<(String, Span)>,
    /// Addresses already read: each is read once, from the first place that has it.
    read: HashSet<String>,
    /// What `resource_changes` says a resource's document attributes hold after the plan
    /// (`None`: nothing, or deleted), by address and attribute, for `planned_values` to agree with.
    after: HashMap<(String, &'static str), Option<String>>,
    /// The addresses `planned_values` lists, each once in a plan Terraform wrote.
    planned: HashSet<String>,
}

impl<'t> Reader<'t> {
    fn new(text: &'t str) -> Self {
        Self {
            text,
            documents: Vec::new(),
            findings: Vec::new(),
            shown: Vec::new(),
            regions: Vec::new(),
            read: HashSet::new(),
            after: HashMap::new(),
            planned: HashSet::new(),
        }
    }

    fn terraform(&mut self, tree: &Tree) -> Read<()> {
        let root = &tree.root;
        // A key repeated anywhere: which value counts would be this reader's guess (Terraform
        // never writes one). Said as an error, at the key; the rest is still read.
        for duplicate in tree.duplicates() {
            self.shown.push(duplicate.first.key_span);
            self.shown.push(duplicate.again.key_span);
            self.findings
                .push(duplicate_key::finding(duplicate, String::new()).help(
                "Terraform never writes a key twice: this file was edited, and which value counts is anyone's guess",
            ));
        }
        if let Some(version) = member(root, "format_version") {
            format_version(version)?;
            if root.get("resource_changes").is_some() || root.get("planned_values").is_some() {
                return self.plan(root);
            }
            if let Some(values) = member(root, "values") {
                return self.values(values, From::State);
            }
            // `terraform show -json` of an empty state.
            return Ok(());
        }
        self.raw_state(root)
    }

    fn plan(&mut self, root: &Node) -> Read<()> {
        if let Some(changes) = member(root, "resource_changes") {
            for change in array(changes, "`resource_changes`")? {
                self.resource_change(change)?;
            }
        }
        if let Some(planned) = member(root, "planned_values") {
            self.values(planned, From::Planned)?;
        }
        if let Some(prior) = member(root, "prior_state") {
            expect_object(prior, "`prior_state`")?;
            if let Some(values) = member(prior, "values") {
                self.values(values, From::PriorData)?;
            }
        }
        Ok(())
    }

    /// `values` of a state or `planned_values` of a plan: `root_module`, which may be left out
    /// when there is nothing in it.
    fn values(&mut self, values: &Node, from: From) -> Read<()> {
        expect_object(values, "a values representation")?;
        match member(values, "root_module") {
            Some(module) => self.module(module, from),
            None => Ok(()),
        }
    }

    fn resource_change(&mut self, change: &Node) -> Read<()> {
        expect_object(change, "a resource change")?;
        let kind = required_str(change, "type", "a resource change")?;
        let mode = mode(change)?;
        let body = required_object(change, "change", "a resource change")?;
        let actions = required_array(body, "actions", "the change of a resource")?;
        if actions.is_empty() {
            return Err(malformed(body, "a resource change has no actions"));
        }
        let mut names = Vec::with_capacity(actions.len());
        for action in actions {
            match action.as_str() {
                Some(name) if ACTIONS.contains(&name) => names.push(name),
                _ => {
                    return Err(malformed(
                        action,
                        format!(
                            "a change action is not one of Terraform's ({})",
                            ACTIONS.map(|a| format!("`{a}`")).join(", ")
                        ),
                    ));
                }
            }
        }
        let Some(attributes) = document_attributes(mode, kind) else {
            return Ok(());
        };
        let address = required_str(change, "address", "a resource change")?;
        // A deposed object is one this plan destroys: nothing of it is in force after.
        if member(change, "deposed").is_some() {
            return Ok(());
        }
        if !self.read.insert(address.to_string()) {
            return Err(malformed(
                change,
                format!(
                    "`{address}` is listed twice in `resource_changes`: Terraform lists each object once (a deposed one apart), so this plan was edited, and which change applies is anyone's guess"
                ),
            ));
        }
        self.regions.push((address.to_string(), change.span));
        // Deleted or forgotten: no document after the change (nor in `planned_values`).
        if !names
            .iter()
            .any(|a| matches!(*a, "create" | "update" | "no-op" | "read"))
        {
            for name in attributes {
                self.after.insert((address.to_string(), name), None);
            }
            return Ok(());
        }
        let after = member(body, "after");
        let after_unknown = member(body, "after_unknown");
        let wholly_unknown = matches!(after_unknown.map(|n| &n.value), Some(Value::Bool(true)));
        if let Some(after) = after {
            expect_object(after, &format!("`change.after` of `{address}`"))?;
        } else if !wholly_unknown {
            return Err(malformed(
                body,
                format!("`{address}` is created or kept, but its change has no `after`"),
            ));
        }
        let before = member(body, "before").filter(|b| b.as_object().is_some());
        let mut held = Vec::with_capacity(attributes.len());
        for name in attributes {
            let unknown = match after_unknown {
                Some(
                    node @ Node {
                        value: Value::Bool(true),
                        ..
                    },
                ) => Some(node.span),
                Some(node) => node
                    .get(name)
                    .filter(|m| matches!(m.value.value, Value::Bool(true)))
                    .map(|m| Span::new(m.key_span.start, m.value.span.end)),
                None => None,
            };
            let attribute = match unknown {
                Some(span) => Attribute::Unknown(span),
                None => match after.and_then(|a| a.get(name)) {
                    Some(m) => attribute(&m.value, address, name)?,
                    None => Attribute::Empty,
                },
            };
            let was = before.and_then(|b| b.get(name)).and_then(|m| m.value.as_str());
            match attribute {
                Attribute::Known(node) => {
                    self.after
                        .insert((address.to_string(), name), node.as_str().map(str::to_string));
                }
                Attribute::Empty => {
                    self.after.insert((address.to_string(), name), None);
                }
                Attribute::Unknown(_) => {}
            }
            held.push((attribute, was));
        }
        // Created or replaced: a new object, planned from the configuration.
        let in_place = before.is_some() && !names.contains(&"create");
        self.choose(address, &held, in_place);
        Ok(())
    }

    /// A module of a values representation, and its `child_modules` at any depth (bounded by
    /// the parser's nesting limit).
    fn module(&mut self, module: &Node, from: From) -> Read<()> {
        expect_object(module, "a module")?;
        for resource in optional_array(module, "resources")? {
            expect_object(resource, "a resource")?;
            let kind = required_str(resource, "type", "a resource")?;
            let mode = mode(resource)?;
            let Some(attributes) = document_attributes(mode, kind) else {
                continue;
            };
            if from == From::PriorData && mode != Mode::Data {
                continue;
            }
            let address_node = resource
                .get("address")
                .map(|m| &m.value)
                .filter(|n| n.as_str().is_some())
                .ok_or_else(|| malformed(resource, format!("a `{kind}` resource without a string `address`")))?;
            let address = address_node.as_str().unwrap_or_default();
            // Destroyed by the plan (a state lists deposed objects apart).
            if member(resource, "deposed_key").is_some() {
                continue;
            }
            if from == From::Planned && !self.planned.insert(address.to_string()) {
                return Err(malformed(
                    address_node,
                    format!(
                        "`{address}` is listed twice in `planned_values`: Terraform lists each object once, so this plan was edited, and which applies is anyone's guess"
                    ),
                ));
            }
            if !self.read.insert(address.to_string()) {
                if from == From::Planned {
                    self.agrees_with_changes(resource, address, attributes)?;
                }
                continue;
            }
            self.regions.push((address.to_string(), resource.span));
            let values = member(resource, "values");
            if let Some(values) = values {
                expect_object(values, &format!("`values` of `{address}`"))?;
            }
            let mut held = Vec::with_capacity(attributes.len());
            for name in attributes {
                let attribute = match values.and_then(|v| v.get(name)) {
                    Some(m) => attribute(&m.value, address, name)?,
                    // `planned_values` leaves unknown values out.
                    None if from == From::Planned => Attribute::Unknown(address_node.span),
                    None => Attribute::Empty,
                };
                held.push((attribute, None));
            }
            self.choose(address, &held, false);
        }
        for child in optional_array(module, "child_modules")? {
            self.module(child, from)?;
        }
        Ok(())
    }

    /// A resource of `planned_values` that `resource_changes` listed: each document attribute
    /// it knows must hold what the change's `after` holds. Terraform writes both from one plan;
    /// where they differ the file was edited, and which one applies is anyone's guess.
    fn agrees_with_changes(&self, resource: &Node, address: &str, attributes: &[&'static str]) -> Read<()> {
        let Some(values) = member(resource, "values") else {
            return Ok(());
        };
        for name in attributes {
            let (Some(planned), Some(after)) = (values.get(name), self.after.get(&(address.to_string(), *name))) else {
                continue;
            };
            let planned_text = planned.value.as_str().filter(|s| !s.is_empty());
            let after_text = after.as_deref().filter(|s| !s.is_empty());
            if planned_text != after_text {
                return Err(malformed(
                    &planned.value,
                    format!(
                        "`planned_values` and `resource_changes` disagree on `{address}`'s `{name}`: Terraform writes both from one plan, so this one was edited, and which applies is anyone's guess"
                    ),
                ));
            }
        }
        Ok(())
    }

    /// A raw state file (`terraform.tfstate`, format version 4, Terraform 0.12 and later).
    fn raw_state(&mut self, root: &Node) -> Read<()> {
        let version = root
            .get("version")
            .map(|m| &m.value)
            .ok_or_else(|| malformed(root, "a state file without `version`"))?;
        if !matches!(&version.value, Value::Number(n) if n == "4") {
            return Err(malformed(
                version,
                "a state file of another `version` than 4: ramguard reads the state format of Terraform 0.12 and later",
            ));
        }
        for resource in required_array(root, "resources", "a state file")? {
            expect_object(resource, "a resource")?;
            let kind = required_str(resource, "type", "a resource")?;
            let mode = mode(resource)?;
            let Some(attributes) = document_attributes(mode, kind) else {
                continue;
            };
            let name = required_str(resource, "name", &format!("a `{kind}` resource"))?;
            let module = match member(resource, "module") {
                Some(node) => format!(
                    "{}.",
                    node.as_str()
                        .ok_or_else(|| malformed(node, "`module` is not a string"))?
                ),
                None => String::new(),
            };
            let data = if mode == Mode::Data { "data." } else { "" };
            let base = format!("{module}{data}{kind}.{name}");
            for instance in required_array(resource, "instances", &format!("`{base}`"))? {
                expect_object(instance, &format!("an instance of `{base}`"))?;
                if member(instance, "deposed").is_some() {
                    continue;
                }
                let address = match member(instance, "index_key").map(|n| &n.value) {
                    Some(Value::Number(n)) => format!("{base}[{n}]"),
                    Some(Value::String(key)) => format!("{base}[{}]", quoted(key)),
                    Some(_) => return Err(malformed(instance, "`index_key` is neither a number nor a string")),
                    None => base.clone(),
                };
                let values = required_object(instance, "attributes", &format!("`{address}`"))?;
                if !self.read.insert(address.clone()) {
                    continue;
                }
                self.regions.push((address.clone(), instance.span));
                let mut held = Vec::with_capacity(attributes.len());
                for name in attributes {
                    let attribute = match values.get(name) {
                        Some(m) => attribute(&m.value, &address, name)?,
                        None => Attribute::Empty,
                    };
                    held.push((attribute, None));
                }
                self.choose(&address, &held, false);
            }
        }
        Ok(())
    }

    /// The documents of one resource, from what its attributes hold (`was`: the value before
    /// the change, when the plan updates the object in place).
    ///
    /// `policy_document` and its deprecated twin `document` (the same for `alicloud_ram_role`)
    /// are both Optional+Computed: the provider sets both to the document RAM holds, so a state
    /// holds the same text twice, read once. A new object (created, or replaced) is planned from
    /// the configuration: the attribute it sets is known, the twin unknown until apply, and the
    /// known one is read. An object updated in place keeps the twin the configuration does not
    /// set at its old value until apply: only the attributes that change are read, and if the
    /// one that changes is unknown, the document is unknown (the old twin is not the document).
    fn choose(&mut self, address: &str, held: &[(Attribute<'_>, Option<&str>)], in_place: bool) {
        let known_changed = |(attribute, was): &&(Attribute<'_>, Option<&str>)| matches!(attribute, Attribute::Known(node) if node.as_str() != *was);
        let unknown = held.iter().find_map(|(attribute, _)| match attribute {
            Attribute::Unknown(span) => Some(*span),
            _ => None,
        });
        let read: Vec<&Node> = if in_place && held.iter().any(|h| known_changed(&h)) {
            held.iter()
                .filter(known_changed)
                .filter_map(|(a, _)| known(a))
                .collect()
        } else if in_place && unknown.is_some() {
            // The attribute that changes is unknown: the known ones are old twins.
            Vec::new()
        } else {
            held.iter().filter_map(|(a, _)| known(a)).collect()
        };
        let mut texts: Vec<&str> = Vec::new();
        for node in read {
            let text = node.as_str().unwrap_or_default();
            if !texts.contains(&text) {
                texts.push(text);
                self.document(address, node);
            }
        }
        if texts.is_empty()
            && let Some(span) = unknown
        {
            self.shown.push(span);
            self.findings.push(unknown_after_apply(span, address));
        }
    }

    /// Decode the encoded document at `node` (a string token of the file) and parse it, every
    /// span moved back into the file.
    fn document(&mut self, address: &str, node: &Node) {
        self.shown.push(node.span);
        let Some(decoded) = json::decode_string_token(self.text, node.span) else {
            self.findings.push(invalid_json::syntax(&SyntaxError {
                message: "the encoded document has an escape JSON does not allow".into(),
                span: node.span,
            }));
            return;
        };
        let to_file = |offset: usize| decoded.file_offset(offset);
        match json::parse(&decoded.text) {
            Ok(mut root) => {
                self.findings
                    .extend(invisible_character::scan(&decoded.text, &root, &to_file));
                root.remap(&to_file);
                self.documents.push(Document {
                    // The decoded text is gone once the document is read.
                    root: root.into_owned(),
                    origin: Origin::Address(address.to_string()),
                    no_repeated_key: false,
                });
            }
            Err(mut error) => {
                error.span = Span::new(to_file(error.span.start), to_file(error.span.end));
                self.findings.push(invalid_json::syntax(&error));
            }
        }
    }
}

/// The finding for a document Terraform knows only after apply.
fn unknown_after_apply(span: Span, address: &str) -> Finding {
    Finding::new(
        &terraform_unknown_value::RULE,
        span,
        format!("the policy document of `{address}` is known only after apply: it was not linted"),
    )
    .label("known only after apply")
    .help(
        "it depends on a value Terraform learns when it applies the plan (another resource's ID, a data source read then); lint the state after apply (`terraform show -json`), or build the document from values the plan knows",
    )
}

fn known<'a>(attribute: &Attribute<'a>) -> Option<&'a Node<'a>> {
    match attribute {
        Attribute::Known(node) => Some(node),
        Attribute::Empty | Attribute::Unknown(_) => None,
    }
}

/// A document attribute's value: a string, or null.
fn attribute<'a>(node: &'a Node<'a>, address: &str, name: &str) -> Read<Attribute<'a>> {
    match &node.value {
        Value::Null => Ok(Attribute::Empty),
        Value::String(text) if text.is_empty() => Ok(Attribute::Empty),
        Value::String(_) => Ok(Attribute::Known(node)),
        _ => Err(malformed(
            node,
            format!(
                "`{name}` of `{address}` is {}, not a string (Terraform writes a policy document as a JSON string)",
                node.type_name()
            ),
        )),
    }
}

/// `format_version` of `terraform show -json`: a string whose major version is `0` (before
/// Terraform 1.1) or `1`. A new minor version only adds fields; a new major version may change
/// what they mean, and Terraform asks its readers to refuse it.
fn format_version(node: &Node) -> Read<()> {
    let readable = node
        .as_str()
        .and_then(|v| v.split_once('.'))
        .is_some_and(|(major, minor)| {
            matches!(major, "0" | "1") && !minor.is_empty() && minor.bytes().all(|b| b.is_ascii_digit())
        });
    if readable {
        Ok(())
    } else {
        Err(malformed(
            node,
            "`format_version` is not a version of `terraform show -json` ramguard reads (`0.x` or `1.x`)",
        ))
    }
}

fn mode(resource: &Node) -> Read<Mode> {
    match member(resource, "mode") {
        None => Ok(Mode::Managed),
        Some(node) => match node.as_str() {
            Some("managed") => Ok(Mode::Managed),
            Some("data") => Ok(Mode::Data),
            _ => Err(malformed(node, "`mode` is neither `managed` nor `data`")),
        },
    }
}

/// A member's value; a `null` is no value.
fn member<'a>(object: &'a Node<'a>, key: &str) -> Option<&'a Node<'a>> {
    object
        .get(key)
        .map(|m| &m.value)
        .filter(|n| !matches!(n.value, Value::Null))
}

fn expect_object(node: &Node, what: &str) -> Read<()> {
    match node.as_object() {
        Some(_) => Ok(()),
        None => Err(malformed(
            node,
            format!("{what} is {}, not an object", node.type_name()),
        )),
    }
}

fn array<'a>(node: &'a Node<'a>, what: &str) -> Read<&'a [Node<'a>]> {
    node.as_array()
        .ok_or_else(|| malformed(node, format!("{what} is {}, not an array", node.type_name())))
}

fn optional_array<'a>(object: &'a Node<'a>, key: &str) -> Read<&'a [Node<'a>]> {
    match member(object, key) {
        None => Ok(&[]),
        Some(node) => array(node, &format!("`{key}`")),
    }
}

fn required_array<'a>(object: &'a Node<'a>, key: &str, what: &str) -> Read<&'a [Node<'a>]> {
    let node = member(object, key).ok_or_else(|| malformed(object, format!("{what} without `{key}`")))?;
    array(node, &format!("`{key}` of {what}"))
}

fn required_object<'a>(object: &'a Node<'a>, key: &str, what: &str) -> Read<&'a Node<'a>> {
    let node = member(object, key).ok_or_else(|| malformed(object, format!("{what} without `{key}`")))?;
    expect_object(node, &format!("`{key}` of {what}"))?;
    Ok(node)
}

fn required_str<'a>(object: &'a Node<'a>, key: &str, what: &str) -> Read<&'a str> {
    let node = member(object, key).ok_or_else(|| malformed(object, format!("{what} without `{key}`")))?;
    node.as_str()
        .ok_or_else(|| malformed(node, format!("`{key}` of {what} is {}, not a string", node.type_name())))
}

/// A string instance key as Terraform writes it in an address: `["key"]`, HCL-quoted.
fn quoted(key: &str) -> String {
    let mut out = String::with_capacity(key.len() + 2);
    out.push('"');
    for c in key.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `text` wholly blanked (see [`redact`]): for Terraform JSON nothing of which may be shown.
pub fn blanked(text: &str) -> String {
    redact(text, Vec::new())
}

/// `text` with everything outside `shown` blanked: line breaks kept, an ASCII character made a
/// space, any other one a printable character of the same length in bytes, so that every
/// offset, line and column stays where it was.
fn redact(text: &str, mut shown: Vec<Span>) -> String {
    shown.sort_unstable();
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for span in shown {
        let start = span.start.max(at).min(text.len());
        let end = span.end.max(start).min(text.len());
        blank(text.get(at..start).unwrap_or_default(), &mut out);
        out.push_str(text.get(start..end).unwrap_or_default());
        at = end;
    }
    blank(text.get(at..).unwrap_or_default(), &mut out);
    out
}

fn blank(text: &str, out: &mut String) {
    for c in text.chars() {
        out.push(match c {
            '\n' | '\r' => c,
            c if c.is_ascii() => ' ',
            c => match c.len_utf8() {
                2 => '\u{b7}',
                3 => '\u{2219}',
                _ => '\u{10101}',
            },
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_text(text: &str) -> PolicyFile<'static> {
        super::super::policy_file::read("plan.json".into(), text.as_bytes().to_vec())
    }

    #[test]
    fn blanking_keeps_every_offset_and_column() {
        let text = "{\"a\": \"é中\u{1F600}x\",\n \"doc\": \"{}\"}";
        let doc = text.find("\"{}\"").unwrap_or_default();
        let out = redact(text, vec![Span::new(doc, doc + 4)]);
        assert_eq!(out.len(), text.len());
        assert_eq!(out.chars().count(), text.chars().count());
        assert!(!out.contains('é') && !out.contains("\"a\""));
        assert_eq!(out.get(doc..doc + 4), Some("\"{}\""));
        assert_eq!(out.matches('\n').count(), 1);
    }

    #[test]
    fn a_plan_with_no_ram_document_is_skipped() {
        let file = read_text(r#"{"format_version": "1.2", "terraform_version": "1.9.0", "planned_values": {}}"#);
        assert!(matches!(file.content, Content::NotPolicy(NotPolicy::Terraform)));
        let file =
            read_text(r#"{"version": 4, "terraform_version": "1.9.0", "serial": 1, "lineage": "x", "resources": []}"#);
        assert!(matches!(file.content, Content::NotPolicy(NotPolicy::Terraform)));
    }

    #[test]
    fn a_plan_that_is_not_utf8_shows_nothing() {
        let mut bytes = br#"{"format_version": "1.2", "terraform_version": "1.9.0", "variables": {"p": {"value": "hunter2"}}, "x": ""#.to_vec();
        bytes.extend([0xff, b'"', b'}']);
        let file = super::super::policy_file::read("plan.json".into(), bytes);
        assert_eq!(file.findings.len(), 1);
        assert!(!file.source.text.contains("hunter2"), "{}", file.source.text);
    }

    #[test]
    fn string_keys_are_quoted_as_terraform_writes_them() {
        assert_eq!(quoted("a\"b"), "\"a\\\"b\"");
        assert_eq!(quoted("ops"), "\"ops\"");
    }
}
