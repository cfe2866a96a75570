//! `--policy FILE#ADDRESS`: one document of a file that holds several, named as Terraform names
//! it (`main.tf#alicloud_ram_policy.teardown`, `main.tf#data.alicloud_ram_policy_document.assume`,
//! `main.tf#local.policy_json`, `plan.json#module.ops.alicloud_ram_policy.p`).
//!
//! A document that could not be read (it holds values only Terraform knows, or broken JSON) is
//! no [`Document`], only a finding: to tell which address such a finding belongs to, each
//! address has its region of the file (a `.tf` file's top-level block, or one attribute of
//! `locals` or of a `module` block; a plan's resource change or resource).

use std::path::{Path, PathBuf};

use hcl_edit::Span as _;
use hcl_edit::structure::Structure;

use super::policy_file::{Content, Document, PolicyFile};
use super::terraform::DOCUMENT_ATTRIBUTES;
use crate::rules::{Finding, terraform_unknown_value};
use crate::source::Span;

/// Split `FILE#ADDRESS`. A path that names an existing file (or `-`) is the file, whatever `#`
/// it holds; otherwise the first `#` whose left side is an existing file (or `-`) splits it.
/// Without one, the path is the file (and reading it says that it does not exist).
pub fn split_address(path: &Path) -> (PathBuf, Option<String>) {
    let Some(text) = path.to_str() else {
        return (path.to_path_buf(), None);
    };
    if text == "-" || path.exists() {
        return (path.to_path_buf(), None);
    }
    for (at, _) in text.match_indices('#') {
        let (file, address) = (&text[..at], &text[at + 1..]);
        if file == "-" || Path::new(file).is_file() {
            return (PathBuf::from(file), Some(address.to_string()));
        }
    }
    (path.to_path_buf(), None)
}

/// The region of the file each address stands in: for a `.tf` file (by its name), its blocks;
/// for a `.tf.json` or `.tfvars.json` file, its blocks and values; for Terraform JSON (a plan, a
/// state), its resources; nothing for other files.
pub fn regions(name: &str, bytes: &[u8]) -> Vec<(String, Span)> {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Vec::new();
    };
    let lower = name.to_ascii_lowercase();
    if Path::new(name)
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("tf"))
    {
        terraform_regions(text)
    } else if lower.ends_with(".tf.json") || lower.ends_with(".tfvars.json") {
        super::terraform_json::regions(text, lower.ends_with(".tfvars.json"))
    } else {
        super::plan_documents::regions(text)
    }
}

/// A `.tf` file's addresses, as [`super::terraform`] names its documents.
fn terraform_regions(text: &str) -> Vec<(String, Span)> {
    let Ok(body) = super::terraform::parse_body(text) else {
        return Vec::new();
    };
    let span = |range: Option<std::ops::Range<usize>>| range.map(|r| Span::new(r.start, r.end)).unwrap_or_default();
    let mut out = Vec::new();
    for structure in body.iter() {
        match structure {
            Structure::Attribute(attribute) => {
                out.push((attribute.key.as_ref().to_string(), span(attribute.span())));
            }
            Structure::Block(block) => {
                let address = super::terraform::block_address(block);
                let per_attribute = match address.as_str() {
                    "locals" => Some("local".to_string()),
                    a if a.starts_with("module.") => Some(address.clone()),
                    _ => None,
                };
                match per_attribute {
                    Some(prefix) => {
                        for attribute in block.body.iter().filter_map(Structure::as_attribute) {
                            out.push((format!("{prefix}.{}", attribute.key.as_ref()), span(attribute.span())));
                        }
                    }
                    None => out.push((address, span(block.span()))),
                }
            }
        }
    }
    out
}

/// What a file holds, by address: the documents read, and the addresses whose document was not
/// (a `terraform-unknown-value` or another finding in its region instead).
#[derive(Debug)]
pub struct Held<'f> {
    pub documents: Vec<&'f Document<'f>>,
    regions: Vec<(String, Span)>,
    findings: &'f [Finding],
}

/// One address's share of a file.
#[derive(Debug)]
pub struct Selected<'f> {
    pub address: String,
    pub documents: Vec<&'f Document<'f>>,
    /// The reading findings that belong to it, and those that belong to no address (about the
    /// whole file).
    pub findings: Vec<Finding>,
    /// Its `terraform-unknown-value` finding, when its document is known only to Terraform.
    pub unknown: Option<Finding>,
}

impl<'f> Held<'f> {
    pub fn new(file: &'f PolicyFile<'f>, regions: Vec<(String, Span)>) -> Self {
        let documents = match &file.content {
            Content::Documents(documents) => documents.iter().collect(),
            _ => Vec::new(),
        };
        Self {
            documents,
            regions,
            findings: &file.findings,
        }
    }

    /// The `terraform-unknown-value` findings that stand for a document only Terraform knows:
    /// not those about the unknown parts of a document that was read (its known parts linted).
    pub fn unknowns(&self) -> impl Iterator<Item = &Finding> {
        self.findings
            .iter()
            .filter(|f| is_unknown(f) && !self.documents.iter().any(|d| within(f.span, d.root.span)))
    }

    /// [`Self::unknowns`], each with the address whose region holds it (`None`: outside every
    /// address, or a file without addresses).
    pub fn unknowns_by_address(&self) -> impl Iterator<Item = (&Finding, Option<&str>)> {
        self.unknowns().map(|finding| {
            let address = self
                .regions
                .iter()
                .find(|(_, region)| within(finding.span, *region))
                .map(|(address, _)| address.as_str());
            (finding, address)
        })
    }

    /// Every address that holds a document, read or not, in file order, each once.
    pub fn addresses(&self) -> Vec<String> {
        let mut found: Vec<(usize, String)> = self
            .documents
            .iter()
            .filter_map(|d| d.address().map(|a| (d.root.span.start, a.to_string())))
            .collect();
        for (address, region) in &self.regions {
            if self.findings.iter().any(|f| within(f.span, *region)) {
                found.push((region.start, address.clone()));
            }
        }
        found.sort();
        let mut out: Vec<String> = Vec::new();
        for (_, address) in found {
            if !out.contains(&address) {
                out.push(address);
            }
        }
        out
    }

    /// The addresses `wanted` names: itself, or else its instances (`wanted[0]`, `wanted["k"]`).
    pub fn matching(&self, wanted: &str) -> Vec<String> {
        let addresses = self.addresses();
        if addresses.iter().any(|a| a == wanted) {
            return vec![wanted.to_string()];
        }
        addresses
            .into_iter()
            .filter(|a| a.strip_prefix(wanted).is_some_and(|rest| rest.starts_with('[')))
            .collect()
    }

    /// The share of `address` (one of [`Self::addresses`]).
    pub fn select(&self, address: &str) -> Selected<'f> {
        let documents: Vec<&'f Document<'f>> = self
            .documents
            .iter()
            .copied()
            .filter(|d| d.address() == Some(address))
            .collect();
        let own: Vec<Span> = self
            .regions
            .iter()
            .filter(|(a, _)| a == address)
            .map(|(_, span)| *span)
            .chain(documents.iter().map(|d| d.root.span))
            .collect();
        let anywhere: Vec<Span> = self
            .regions
            .iter()
            .map(|(_, span)| *span)
            .chain(self.documents.iter().map(|d| d.root.span))
            .collect();
        let findings: Vec<Finding> = self
            .findings
            .iter()
            .filter(|f| own.iter().any(|r| within(f.span, *r)) || !anywhere.iter().any(|r| within(f.span, *r)))
            .cloned()
            .collect();
        let unknown = findings
            .iter()
            .find(|f| is_unknown(f) && !documents.iter().any(|d| within(f.span, d.root.span)))
            .cloned();
        Selected {
            address: address.to_string(),
            documents,
            findings,
            unknown,
        }
    }
}

pub(crate) fn is_unknown(finding: &Finding) -> bool {
    std::ptr::eq(finding.rule, &terraform_unknown_value::RULE)
}

fn within(span: Span, region: Span) -> bool {
    region.start <= span.start && span.end <= region.end && !region.is_empty()
}

/// Whether the resource an address names holds a trust policy (`alicloud_ram_role`,
/// `alicloud_resource_manager_role`): its document attribute is `assume_role_policy_document`.
pub fn names_a_trust_policy(address: &str) -> bool {
    let kind = resource_type(address);
    DOCUMENT_ATTRIBUTES
        .iter()
        .any(|(k, attributes)| *k == kind && attributes.contains(&"assume_role_policy_document"))
}

/// What a Terraform address's slot says its document is: a trust policy for the resources
/// whose document attribute is `assume_role_policy_document`, a permission (or control)
/// policy for the other resources of [`DOCUMENT_ATTRIBUTES`]; `None` elsewhere (a local, a
/// variable, a ROS resource: the document's content decides).
pub fn slot_kind(address: &str) -> Option<crate::policy::PolicyKind> {
    let kind = resource_type(address);
    let (_, attributes) = DOCUMENT_ATTRIBUTES.iter().find(|(k, _)| *k == kind)?;
    Some(if attributes.contains(&"assume_role_policy_document") {
        crate::policy::PolicyKind::Trust
    } else {
        crate::policy::PolicyKind::Permission
    })
}

/// The resource type of an address: `module.a["x"].module.b.alicloud_ram_role.r[0]` →
/// `alicloud_ram_role` (module calls and `data.` skipped).
fn resource_type(address: &str) -> &str {
    let mut rest = address;
    while let Some(after) = rest.strip_prefix("module.") {
        let end = after.find(['.', '[']).unwrap_or(after.len());
        rest = &after[end..];
        if rest.starts_with('[') {
            let close = closing_bracket(rest).unwrap_or(rest.len().saturating_sub(1));
            rest = rest.get(close + 1..).unwrap_or_default();
        }
        rest = rest.strip_prefix('.').unwrap_or(rest);
    }
    let rest = rest.strip_prefix("data.").unwrap_or(rest);
    rest.split('.').next().unwrap_or_default()
}

/// The offset of the `]` that closes the `[` at the start of `text`, past any quoted text.
fn closing_bracket(text: &str) -> Option<usize> {
    let mut quoted = false;
    let mut escaped = false;
    for (i, c) in text.char_indices().skip(1) {
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            ']' if !quoted => return Some(i),
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_resource_type_of_an_address() {
        assert_eq!(resource_type("alicloud_ram_role.r"), "alicloud_ram_role");
        assert_eq!(
            resource_type("module.a[\"x.y]\"].module.b.alicloud_ram_role.r[0]"),
            "alicloud_ram_role"
        );
        assert_eq!(
            resource_type("data.alicloud_ram_policy_document.d"),
            "alicloud_ram_policy_document"
        );
        assert_eq!(resource_type("local.p"), "local");
        assert!(names_a_trust_policy("module.ops.alicloud_ram_role.ci[\"ecs\"]"));
        assert!(!names_a_trust_policy("alicloud_ram_policy.p"));
    }

    #[test]
    fn terraform_regions_name_blocks_locals_and_module_arguments() {
        let text = "locals {\n  a = 1\n  b = 2\n}\nresource \"alicloud_ram_policy\" \"p\" {\n  policy_name = \"p\"\n}\nmodule \"m\" {\n  source = \"./m\"\n}\ndata \"alicloud_ram_policy_document\" \"d\" {\n}\n";
        let names: Vec<String> = terraform_regions(text).into_iter().map(|(a, _)| a).collect();
        assert_eq!(
            names,
            [
                "local.a",
                "local.b",
                "alicloud_ram_policy.p",
                "module.m.source",
                "data.alicloud_ram_policy_document.d"
            ]
        );
    }
}
