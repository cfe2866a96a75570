//! A policy file: a bare document, or a RAM API response that carries one (or several) as an
//! encoded string. Recognising what a file is comes first, before any rule or snippet sees it:
//! a Terraform plan or state is read for the RAM documents it holds and nothing else (see
//! [`super::plan_documents`]), and a file that looks like a policy but is not one ramguard knows
//! is said out loud rather than skipped.

use std::sync::Arc;

use super::plan_documents;
use crate::json::{self, Node, Value};
use crate::rules::{
    Finding, Severity, duplicate_key, invalid_element_type, invalid_json, invisible_character, unrecognised_document,
};
use crate::source::{SourceFile, Span};

/// Where a document stands in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// The file is the document.
    Bare,
    /// The file is a RAM API response; the document is the value at `pointer` (of the response).
    Response { api: &'static str, pointer: String },
    /// The document is a value of a Terraform file, named as Terraform names it:
    /// `alicloud_ram_policy.teardown`, `data.alicloud_ram_policy_document.assume`,
    /// `local.policy_json`, `module.ops.alicloud_ram_policy.p` in a plan. Not unique: a
    /// resource can hold two documents, and a file can write one name twice.
    Address(String),
    /// The document is a property of a resource of a ROS template, named `Resources.<LogicalId>`
    /// (an inline policy `Resources.<LogicalId>.Policies[i]`). `typed`: written as a map where
    /// ROS's schema types it as one, which ROS reads by that schema before RAM sees it
    /// ([`Document::typed_by_ros`]); JSON text, or a control policy's, is sent as written.
    RosResource { address: String, typed: bool },
}

impl Document<'_> {
    /// What the place the document stands in says it is (`alicloud_ram_role`'s
    /// `assume_role_policy_document` holds a trust policy, `alicloud_ram_policy`'s
    /// `policy_document` a permission policy), when the place says it.
    pub fn kind_hint(&self) -> Option<crate::policy::PolicyKind> {
        self.address().and_then(super::selection::slot_kind)
    }

    /// The policy model of the document, of the kind its place says when it says one.
    pub fn policy(&self) -> crate::policy::Policy<'_> {
        crate::policy::Policy::from_document_as(&self.root, self.kind_hint())
    }

    /// The document's name inside its file, when the file names it (Terraform, ROS).
    pub fn address(&self) -> Option<&str> {
        match &self.origin {
            Origin::Address(address) | Origin::RosResource { address, .. } => Some(address),
            Origin::Bare | Origin::Response { .. } => None,
        }
    }

    /// Whether ROS reads the document by its schema before RAM sees it: a map in a RAM
    /// resource, whose schema types `Version` as a String. ROS is expected (not verified) to send
    /// a number written there as a string, as Alibaba's own templates assume (`invalid-version`).
    pub fn typed_by_ros(&self) -> bool {
        matches!(self.origin, Origin::RosResource { typed: true, .. })
    }
}

/// One policy document of a file, its spans in the file.
#[derive(Debug)]
pub struct Document<'a> {
    pub root: Node<'a>,
    pub origin: Origin,
    /// Known to have no object with a key twice: the JSON reader saw each object as it read
    /// the file, and `duplicate-key` need not look again. `false` when not known.
    pub no_repeated_key: bool,
}

/// Why a file that parsed as JSON was not read as a policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotPolicy {
    /// Nothing in it looks like a policy (`package.json`).
    NoPolicyMark,
    /// `terraform show -json` output or a raw `terraform.tfstate` with no RAM policy document
    /// in it (see [`super::plan_documents`]).
    Terraform,
    /// YAML without a top-level `ROSTemplateFormatVersion` (see `inputs::ros`).
    NotRosTemplate,
    /// A ROS template with no RAM resource that holds a policy document.
    RosWithoutRam,
}

impl NotPolicy {
    /// Why the file was skipped, for `--show-skipped`.
    pub fn describe(&self) -> &'static str {
        match self {
            Self::NoPolicyMark => "JSON with nothing of a policy in it",
            Self::Terraform => "Terraform JSON (`terraform show -json` or a state) with no RAM policy document in it",
            Self::NotRosTemplate => "YAML that is not a ROS template (no top-level `ROSTemplateFormatVersion`)",
            Self::RosWithoutRam => "a ROS template with no RAM resource that holds a policy document",
        }
    }
}

/// A file that looks like a policy but is not one ramguard can read: named on the command line,
/// it is reported (`unrecognised-document`); found in a walk, it is skipped.
#[derive(Debug, Clone)]
pub struct Unrecognised {
    pub span: Span,
    pub message: String,
    pub help: String,
    /// `Warning` (nothing in the file was checked, and that may hide a mistake), or `Info` for a
    /// resource policy: a document of a kind ramguard does not lint, in the right shape.
    pub severity: Severity,
}

#[derive(Debug)]
pub enum Content<'a> {
    /// Valid JSON that is plainly not a policy: skipped and counted.
    NotPolicy(NotPolicy),
    /// Looks like a policy, but not in a form ramguard reads.
    Unrecognised(Unrecognised),
    /// The file (or a document inside it) could not be parsed; `findings` say why.
    Unparsed,
    /// One document or more (a `ListPolicyVersions` response carries every version).
    Documents(Vec<Document<'a>>),
}

#[derive(Debug)]
pub struct PolicyFile<'a> {
    pub source: Arc<SourceFile>,
    pub content: Content<'a>,
    /// Findings made while reading: invalid JSON, a byte-order mark, a duplicate key in an API
    /// response's wrapper, an invisible character.
    pub findings: Vec<Finding>,
}

/// Read `bytes` as a policy file named `name`, the file's tree owning its strings.
pub fn read(name: String, bytes: Vec<u8>) -> PolicyFile<'static> {
    match source(name, bytes) {
        Ok(source) => read_source(&source).into_owned(),
        Err(unparsed) => unparsed,
    }
}

/// A JSON file's bytes as its text, for [`read_source`]; bytes that are not UTF-8 are the file
/// read already (unparsed, and the finding that says why).
pub fn source(name: String, bytes: Vec<u8>) -> Result<Arc<SourceFile>, PolicyFile<'static>> {
    super::source_of(name, bytes).map_err(|mut not_utf8| {
        // A damaged plan or state still holds secrets: nothing of it is shown.
        if plan_documents::looks_like_terraform_text(&not_utf8.lossy) {
            not_utf8.lossy = plan_documents::blanked(&not_utf8.lossy);
        }
        not_utf8.unparsed()
    })
}

/// Read a file's text as a policy file whose trees borrow their strings from it: the caller
/// keeps the text as long as it reads the file ([`super::with_policy_file`]).
pub fn read_source(source: &Arc<SourceFile>) -> PolicyFile<'_> {
    let mut findings = Vec::new();
    // A byte-order mark is reported, then read past.
    let (parsed, bom) = json::parse_tree_past_bom(&source.text);
    // Terraform JSON (a plan, a state) is read apart: its RAM documents, the rest of its text
    // (secrets included) never shown.
    match &parsed {
        Err(error) if plan_documents::looks_like_terraform_text(&source.text) => {
            return plan_documents::broken(source, error);
        }
        Ok(tree) if plan_documents::is_terraform_json(&tree.root) => return plan_documents::read(source, tree),
        _ => {}
    }
    let content = match parsed {
        Err(error) => {
            findings.push(invalid_json::syntax(&error));
            Content::Unparsed
        }
        Ok(tree) => recognise(&source.text, tree.root, tree.repeats_a_key, &mut findings),
    };
    if bom && !matches!(content, Content::NotPolicy(_)) {
        findings.insert(0, invalid_json::byte_order_mark());
    }
    PolicyFile {
        source: Arc::clone(source),
        content,
        findings,
    }
}

impl PolicyFile<'_> {
    /// The file with every document's tree owning its strings, for a file kept past its text.
    pub fn into_owned(self) -> PolicyFile<'static> {
        PolicyFile {
            source: self.source,
            content: match self.content {
                Content::Documents(documents) => Content::Documents(
                    documents
                        .into_iter()
                        .map(|d| Document {
                            root: d.root.into_owned(),
                            origin: d.origin,
                            no_repeated_key: d.no_repeated_key,
                        })
                        .collect(),
                ),
                Content::NotPolicy(why) => Content::NotPolicy(why),
                Content::Unrecognised(unrecognised) => Content::Unrecognised(unrecognised),
                Content::Unparsed => Content::Unparsed,
            },
            findings: self.findings,
        }
    }
}

/// `may_repeat_a_key`: false when the JSON reader saw no object of the text with a key twice
/// ([`crate::json::Tree::repeats_a_key`]), as each reader below takes it.
fn recognise<'a>(text: &str, root: Node<'a>, may_repeat_a_key: bool, findings: &mut Vec<Finding>) -> Content<'a> {
    if !super::ros::is_template(&root) {
        return recognise_not_template(text, root, may_repeat_a_key, findings);
    }
    match super::ros::read_json_template(text, &root, may_repeat_a_key, findings) {
        // A template without a RAM resource is read for what else it may be: ROS's mark beside
        // a policy document's `Statement`, or in an API response, must not make it pass unread.
        Content::NotPolicy(NotPolicy::RosWithoutRam) => {
            match recognise_not_template(text, root, may_repeat_a_key, findings) {
                Content::NotPolicy(NotPolicy::NoPolicyMark) => Content::NotPolicy(NotPolicy::RosWithoutRam),
                content => content,
            }
        }
        content => content,
    }
}

/// [`recognise`] of what is not read as a ROS template: a document, an API response, or a file
/// that only looks like one.
fn recognise_not_template<'a>(
    text: &str,
    root: Node<'a>,
    may_repeat_a_key: bool,
    findings: &mut Vec<Finding>,
) -> Content<'a> {
    let Some(members) = root.as_object() else {
        return match root
            .as_array()
            .and_then(|items| items.iter().find(|i| looks_like_policy(i)))
        {
            Some(item) => Content::Unrecognised(Unrecognised {
                span: item.span,
                message: "the file holds an array of policy documents, not one document".into(),
                help: "RAM takes one policy document at a time: put each in its own file".into(),
                severity: Severity::Warning,
            }),
            None => Content::NotPolicy(NotPolicy::NoPolicyMark),
        };
    };
    if members.is_empty() {
        return Content::Unrecognised(Unrecognised {
            span: root.span,
            message: "the file is an empty object, not a policy document".into(),
            help: "a policy document has `Version` and `Statement`".into(),
            severity: Severity::Warning,
        });
    }
    // `Version` or `Statement` makes a document; so do both keys in another case (a document
    // with errors that the rules name). `version` alone does not (`package.json` has it), and
    // `statement` alone is only a mark (see `policy_mark`): a word that common is no proof.
    let has = |key: &str| members.iter().any(|m| m.key.eq_ignore_ascii_case(key));
    let is_document =
        members.iter().any(|m| m.key == "Version" || m.key == "Statement") || (has("Version") && has("Statement"));
    if is_document {
        if let Some(resource_policy) = resource_policy(&root) {
            return Content::Unrecognised(resource_policy);
        }
        findings.extend(invisible_character::scan(text, &root, &|offset| offset));
        return Content::Documents(vec![Document {
            root,
            origin: Origin::Bare,
            no_repeated_key: !may_repeat_a_key,
        }]);
    }
    let documents = read_responses(text, &root, may_repeat_a_key, findings);
    if !documents.is_empty() {
        return Content::Documents(documents);
    }
    if !findings.is_empty() {
        return Content::Unparsed;
    }
    if let Some(unrecognised) = policy_mark(&root) {
        return Content::Unrecognised(unrecognised);
    }
    Content::NotPolicy(NotPolicy::NoPolicyMark)
}

/// A step of the path from a response's root to a document.
#[derive(Debug, Clone, Copy)]
enum Step {
    Key(&'static str),
    /// Every item of an array.
    Each,
}

use Step::{Each, Key};

/// The RAM API responses that carry documents, by the path to the encoded string. Checked
/// against the models of Alibaba Cloud's generated SDKs (`alibabacloud-*-sdk`, `ram-20150501`
/// and `resourcemanager-20200331`): see the README.
const RESPONSES: &[(&str, &[Step])] = &[
    // `CreatePolicyVersion` answers in the same shape.
    ("GetPolicyVersion", &[Key("PolicyVersion"), Key("PolicyDocument")]),
    ("GetPolicy", &[Key("DefaultPolicyVersion"), Key("PolicyDocument")]),
    // Deprecated, read only without `DefaultPolicyVersion` (see `read_responses`). `CreatePolicy`
    // answers with a `Policy` too, but without a document.
    ("GetPolicy", &[Key("Policy"), Key("PolicyDocument")]),
    (
        "ListPolicyVersions",
        &[Key("PolicyVersions"), Key("PolicyVersion"), Each, Key("PolicyDocument")],
    ),
    // `CreateRole` and `UpdateRole` answer in the same shape.
    ("GetRole", &[Key("Role"), Key("AssumeRolePolicyDocument")]),
    ("GetControlPolicy", &[Key("ControlPolicy"), Key("PolicyDocument")]),
];

/// Every document a known response shape carries. A key repeated in an object on the way is a
/// `duplicate-key` finding, and every value it holds is read: JSON leaves open which one counts.
/// `may_repeat_a_key`: false when the JSON reader saw no object of the text with a key twice
/// (the wrapper's objects are then not searched again).
fn read_responses<'a>(
    text: &str,
    root: &Node<'a>,
    may_repeat_a_key: bool,
    findings: &mut Vec<Finding>,
) -> Vec<Document<'a>> {
    let mut documents = Vec::new();
    // `GetPolicy` documents `Policy.PolicyDocument` as deprecated: when the current
    // `DefaultPolicyVersion.PolicyDocument` is there, the old field is not read.
    let has_default_version = root.get("DefaultPolicyVersion").is_some();
    let mut reported = std::collections::HashSet::new();
    for (api, steps) in RESPONSES {
        if has_default_version && matches!(steps.first(), Some(Key("Policy"))) {
            continue;
        }
        // The objects the path went through, for their duplicate keys.
        let mut through: Vec<(&Node<'a>, String)> = Vec::new();
        let mut at: Vec<(&Node<'a>, String)> = vec![(root, String::new())];
        for (i, step) in steps.iter().enumerate() {
            let in_list = i > 0 && matches!(steps.get(i - 1), Some(Each));
            let mut next = Vec::new();
            for (node, pointer) in at {
                match step {
                    Key(key) => {
                        let members = node.as_object().unwrap_or_default();
                        let found = members.iter().filter(|m| m.key == *key);
                        let before = next.len();
                        next.extend(found.map(|m| (&m.value, format!("{pointer}/{key}"))));
                        if next.len() > before {
                            through.push((node, pointer));
                        } else if in_list {
                            // Every version in the list carries its document: one without is
                            // a response cut or edited, and that version was not checked.
                            findings.push(unrecognised_document::no_document(
                                crate::rules::opening(node),
                                &pointer,
                                key,
                            ));
                        }
                    }
                    Each => {
                        let Some(items) = node.as_array() else { continue };
                        next.extend(
                            items
                                .iter()
                                .enumerate()
                                .map(|(i, item)| (item, format!("{pointer}/{i}"))),
                        );
                    }
                }
            }
            at = next;
        }
        if at.is_empty() {
            continue;
        }
        for (node, pointer) in through {
            if may_repeat_a_key
                && let Some(members) = node.as_object()
                && reported.insert(node.span)
            {
                report_duplicates(members, &pointer, findings);
            }
        }
        for (node, pointer) in at {
            let origin = Origin::Response { api, pointer };
            if let Some(root) = read_carried(text, node, &origin, findings) {
                documents.push(Document {
                    root,
                    origin,
                    no_repeated_key: false,
                });
            }
        }
    }
    documents
}

fn report_duplicates(members: &[json::Member], pointer: &str, findings: &mut Vec<Finding>) {
    let mut repeated = Vec::new();
    json::repeats(members, &mut repeated);
    for duplicate in repeated {
        let pointer = format!("{pointer}/{}", json::pointer_token(&duplicate.again.key));
        findings.push(duplicate_key::finding(duplicate, pointer));
    }
}

/// The document a response carries at `node`: an encoded string (as the API returns it), or
/// an object (some tools decode it for you).
fn read_carried<'a>(text: &str, node: &Node<'a>, origin: &Origin, findings: &mut Vec<Finding>) -> Option<Node<'a>> {
    match &node.value {
        Value::String(_) => {
            let Some(decoded) = json::decode_string_token(text, node.span) else {
                findings.push(invalid_json::syntax(&json::SyntaxError {
                    message: "the encoded document has an escape JSON does not allow".into(),
                    span: node.span,
                }));
                return None;
            };
            // Parsed in the decoded text's own offsets first, so that an invisible character
            // is placed exactly (an escape inside an escape), then moved into the file.
            let to_file = |offset: usize| decoded.file_offset(offset);
            match json::parse(&decoded.text) {
                Ok(mut root) => {
                    findings.extend(invisible_character::scan(&decoded.text, &root, &to_file));
                    root.remap(&to_file);
                    // The decoded text is gone once the document is read: the tree owns its strings.
                    Some(root.into_owned())
                }
                Err(mut error) => {
                    error.span = Span::new(to_file(error.span.start), to_file(error.span.end));
                    findings.push(invalid_json::syntax(&error));
                    None
                }
            }
        }
        Value::Object(_) => {
            findings.extend(invisible_character::scan(text, node, &|offset| offset));
            Some(node.clone())
        }
        _ => {
            let path = match origin {
                Origin::Response { pointer, .. } => pointer.trim_start_matches('/').replace('/', "."),
                Origin::Bare | Origin::Address(_) | Origin::RosResource { .. } => String::new(),
            };
            findings.push(invalid_element_type::not_a_document(node, &path));
            None
        }
    }
}

/// Whether a value looks like a policy document or a statement: it has `Version`, or
/// `Statement` (any case) holding an array or object, or a statement's `Effect` with `Action`
/// (any case).
fn looks_like_policy(node: &Node) -> bool {
    let Some(members) = node.as_object() else {
        return false;
    };
    let has = |key: &str| members.iter().any(|m| m.key.eq_ignore_ascii_case(key));
    let statements = members.iter().any(|m| {
        m.key.eq_ignore_ascii_case("Statement") && matches!(m.value.value, Value::Array(_) | Value::Object(_))
    });
    statements || members.iter().any(|m| m.key == "Version") || (has("Effect") && (has("Action") || has("NotAction")))
}

/// The services whose resources carry their own policies, and what such a document is called.
const RESOURCE_POLICIES: &[(&str, &str)] = &[("oss", "an OSS bucket policy"), ("kms", "a KMS key policy")];

/// A resource policy (an OSS bucket policy, a KMS key policy): every statement names a
/// `Principal` and a `Resource`, and every action is of one service that takes resource
/// policies. ramguard lints identity and trust policies; read as an identity policy, such a
/// document would have its `Principal` reported as an error (issue 12). It is said out loud as
/// not linted, at `info`: it is in its right shape, and blocking a commit for it is noise.
fn resource_policy(root: &Node) -> Option<Unrecognised> {
    let statements: Vec<&Node> = match root.get("Statement").map(|m| &m.value) {
        Some(node) => match &node.value {
            Value::Array(items) => items.iter().collect(),
            Value::Object(_) => vec![node],
            _ => return None,
        },
        None => return None,
    };
    let mut service = None;
    for statement in &statements {
        statement.get("Principal")?;
        statement.get("Resource")?;
        let action = &statement.get("Action")?.value;
        let actions: Vec<&str> = match &action.value {
            Value::String(_) => vec![action.as_str()?],
            Value::Array(items) => items.iter().map(Node::as_str).collect::<Option<_>>()?,
            _ => return None,
        };
        for action in actions {
            let (prefix, _) = action.split_once(':')?;
            let (code, _) = RESOURCE_POLICIES.iter().find(|(code, _)| *code == prefix)?;
            if *service.get_or_insert(*code) != *code {
                return None;
            }
        }
    }
    let (_, kind) = RESOURCE_POLICIES.iter().find(|(code, _)| Some(*code) == service)?;
    let principal = statements.first()?.get("Principal")?;
    Some(Unrecognised {
        span: principal.key_span,
        message: format!("this is {kind}, a resource policy: ramguard lints identity and trust policies, so nothing in it was checked"),
        help: "lint its grants with the service's own tools; ramguard reads RAM identity (permission), control, session and trust policies".into(),
        severity: Severity::Info,
    })
}

/// Whether a file ramguard does not read looks like a policy anyway: the object is a
/// statement, or somewhere in it stands a key named like a RAM document (`PolicyDocument`,
/// `AssumeRolePolicyDocument`, any case) in a shape ramguard does not know.
fn policy_mark(root: &Node) -> Option<Unrecognised> {
    let statement = root
        .as_object()
        .and_then(|members| members.iter().find(|m| m.key.eq_ignore_ascii_case("Statement")))
        .filter(|m| matches!(m.value.value, Value::Array(_) | Value::Object(_)));
    if let Some(statement) = statement {
        return Some(Unrecognised {
            span: statement.key_span,
            message: format!(
                "`{}` looks like a policy's `Statement`, written in another case",
                statement.key
            ),
            help: "RAM's elements are `Version` and `Statement`, spelled exactly so".into(),
            severity: Severity::Warning,
        });
    }
    if looks_like_policy(root) {
        return Some(Unrecognised {
            span: root.span,
            message: "the file holds a statement, not a policy document".into(),
            help: "wrap it: `{\"Version\": \"1\", \"Statement\": [ ... ]}`".into(),
            severity: Severity::Warning,
        });
    }
    let (span, pointer) = document_key(root, &mut Vec::new())?;
    Some(Unrecognised {
        span,
        message: format!("a policy document at `{pointer}`, in a response shape ramguard does not know"),
        help: "ramguard reads the documents of `GetPolicyVersion`, `CreatePolicyVersion`, `GetPolicy`, \
               `ListPolicyVersions`, `GetRole`, `CreateRole`, `UpdateRole` and `GetControlPolicy` responses \
               as the API returns them; save the document itself to lint it"
            .into(),
        severity: Severity::Warning,
    })
}

/// The first key (in document order) named like a RAM document, and its pointer. The path is
/// kept as tokens so that a pointer is only built for the key found; recursion is bounded by
/// the parser's `json::MAX_DEPTH`.
fn document_key<'a>(node: &'a Node<'a>, path: &mut Vec<std::borrow::Cow<'a, str>>) -> Option<(Span, String)> {
    match &node.value {
        Value::Object(members) => members.iter().find_map(|member| {
            path.push(json::pointer_token(&member.key));
            let found = if member.key.eq_ignore_ascii_case("PolicyDocument")
                || member.key.eq_ignore_ascii_case("AssumeRolePolicyDocument")
            {
                Some((member.key_span, path.iter().map(|t| format!("/{t}")).collect()))
            } else {
                document_key(&member.value, path)
            };
            path.pop();
            found
        }),
        Value::Array(items) => items.iter().enumerate().find_map(|(i, item)| {
            path.push(std::borrow::Cow::Owned(i.to_string()));
            let found = document_key(item, path);
            path.pop();
            found
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn content(text: &str) -> Content<'static> {
        read("x.json".into(), text.as_bytes().to_vec()).content
    }

    #[test]
    fn terraform_without_documents_is_not_a_policy_and_broken_terraform_is_an_error() {
        for text in [
            r#"{"format_version": "1.2", "terraform_version": "1.9.0", "planned_values": {}}"#,
            r#"{"version": 4, "terraform_version": "1.9.0", "serial": 1, "lineage": "x", "resources": []}"#,
        ] {
            assert!(
                matches!(content(text), Content::NotPolicy(NotPolicy::Terraform)),
                "{text}"
            );
        }
        // Broken: an error, and nothing of its text kept for a snippet.
        let file = read(
            "x.json".into(),
            b"{\"version\": 4, \"terraform_version\": \"1.9.0\",\n \"resources\": [ {\"password\": \"hunter2\"} "
                .to_vec(),
        );
        assert!(matches!(file.content, Content::Unparsed));
        assert_eq!(file.findings.len(), 1);
        assert!(!file.source.text.contains("hunter2"));
        // A plan cut down with `jq` (no `terraform_version`), broken: blanked too.
        let file = read(
            "x.json".into(),
            b"{\"format_version\":\"1.2\",\"resource_changes\":[{\"change\":{\"after\":{\"conn\":\"redis://:hunter2@r-x\",}}}]}"
                .to_vec(),
        );
        assert!(matches!(file.content, Content::Unparsed));
        assert!(!file.source.text.contains("hunter2"));
        // A policy that mentions it in a value is still a policy (with an invalid-json finding).
        assert!(matches!(
            content(r#"{"Version": "1", "Statement": [{"Sid": "\"terraform_version\": \"resources\": x"}"#),
            Content::Unparsed
        ));
    }

    #[test]
    fn what_looks_like_a_policy() {
        assert!(matches!(
            content(r#"{"name": "x", "version": "1.0.0"}"#),
            Content::NotPolicy(_)
        ));
        assert!(matches!(content(r#"{"compilerOptions": {}}"#), Content::NotPolicy(_)));
        assert!(matches!(content("[1, 2]"), Content::NotPolicy(_)));
        assert!(matches!(content("{}"), Content::Unrecognised(_)));
        assert!(matches!(
            content(r#"[{"Version": "1", "Statement": []}]"#),
            Content::Unrecognised(_)
        ));
        assert!(matches!(
            content(r#"{"Effect": "Allow", "Action": "*", "Resource": "*"}"#),
            Content::Unrecognised(_)
        ));
        assert!(matches!(
            content(r#"{"Data": {"PolicyDocument": "{}"}}"#),
            Content::Unrecognised(_)
        ));
        assert!(matches!(
            content(r#"{"version": "1", "statement": []}"#),
            Content::Documents(_)
        ));
        assert!(matches!(content(r#"{"statement": []}"#), Content::Unrecognised(_)));
        assert!(matches!(
            content(r#"{"statement": "Terms of use"}"#),
            Content::NotPolicy(_)
        ));
    }
}
