//! A policy file: a bare document, or a RAM API response that carries one as an encoded string.

use std::sync::Arc;

use crate::json::{self, Node, Value};
use crate::rules::{Finding, invalid_element_type, invalid_json};
use crate::source::SourceFile;

/// Where the document stands in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// The file is the document.
    Bare,
    /// The file is a RAM API response; the document is the encoded string at this path.
    Response { api: &'static str, path: [&'static str; 2] },
}

/// The RAM API responses that carry a document, by the path of the encoded string.
const RESPONSES: [(&str, [&str; 2]); 3] = [
    ("GetPolicyVersion", ["PolicyVersion", "PolicyDocument"]),
    ("GetPolicy", ["DefaultPolicyVersion", "PolicyDocument"]),
    ("GetRole", ["Role", "AssumeRolePolicyDocument"]),
];

#[derive(Debug)]
pub enum Content {
    /// Valid JSON that is plainly not a policy (`package.json`): skipped and counted.
    NotPolicy,
    /// The file (or the document inside it) could not be parsed; `findings` say why.
    Unparsed,
    Document {
        root: Node,
        origin: Origin,
    },
}

#[derive(Debug)]
pub struct PolicyFile {
    pub source: Arc<SourceFile>,
    pub content: Content,
    /// Findings made while reading: invalid JSON, a byte-order mark.
    pub findings: Vec<Finding>,
}

/// Read `bytes` as a policy file named `name`.
pub fn read(name: String, bytes: Vec<u8>) -> PolicyFile {
    let mut findings = Vec::new();
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(error) => {
            let at = error.utf8_error().valid_up_to();
            let lossy = String::from_utf8_lossy(error.as_bytes()).into_owned();
            findings.push(invalid_json::not_utf8(at));
            return PolicyFile {
                source: Arc::new(SourceFile::new(name, lossy)),
                content: Content::Unparsed,
                findings,
            };
        }
    };
    let source = Arc::new(SourceFile::new(name, text));
    // A byte-order mark is reported, then read past.
    let (parsed, bom) = json::parse_past_bom(&source.text);
    if bom {
        findings.push(invalid_json::byte_order_mark());
    }
    let content = match parsed {
        Err(error) => {
            findings.push(invalid_json::syntax(&error));
            Content::Unparsed
        }
        Ok(root) => recognise(&source.text, root, &mut findings),
    };
    PolicyFile {
        source,
        content,
        findings,
    }
}

fn recognise(text: &str, root: Node, findings: &mut Vec<Finding>) -> Content {
    if root.as_object().is_none() {
        return Content::NotPolicy;
    }
    if root.get("Version").is_some() || root.get("Statement").is_some() {
        return Content::Document {
            root,
            origin: Origin::Bare,
        };
    }
    for (api, path) in RESPONSES {
        let Some(carrier) = root.get(path[0]).and_then(|m| m.value.get(path[1])) else {
            continue;
        };
        let origin = Origin::Response { api, path };
        let document = &carrier.value;
        return match &document.value {
            Value::String(_) => {
                let decoded = json::decode_string_token(text, document.span);
                match decoded.map(|d| d.parse()) {
                    Some(Ok(root)) => Content::Document { root, origin },
                    Some(Err(error)) => {
                        findings.push(invalid_json::syntax(&error));
                        Content::Unparsed
                    }
                    None => {
                        let error = json::SyntaxError {
                            message: "the encoded document has an escape JSON does not allow".into(),
                            span: document.span,
                        };
                        findings.push(invalid_json::syntax(&error));
                        Content::Unparsed
                    }
                }
            }
            // Some tools decode the document for you; take it as it is.
            Value::Object(_) => Content::Document {
                root: document.clone(),
                origin,
            },
            _ => {
                findings.push(invalid_element_type::not_a_document(
                    document,
                    &format!("{}.{}", path[0], path[1]),
                ));
                Content::Unparsed
            }
        };
    }
    Content::NotPolicy
}
