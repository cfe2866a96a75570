//! Instance metadata for `preflight`: `DescribeInstanceAttribute` and `DescribeInstances`
//! responses, a bare instance object, and Terraform JSON (`terraform show -json` of a plan or a
//! state) for `alicloud_kvstore_instance` and `alicloud_redis_tair_instance`. The form is
//! recognised by its shape; every form is read into one [`Instance`], where a field the input
//! does not carry stays unknown.
//!
//! Only the fields the checks need are read, and only those are ever printed: a Terraform plan
//! carries `password` and the like in plain text.

use std::collections::BTreeMap;

use crate::json::{Node, Value};
use crate::source::Span;

/// Where the metadata came from, which decides what it can say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    DescribeInstanceAttribute,
    DescribeInstances,
    InstanceObject,
    TerraformPlan,
    TerraformState,
}

impl Form {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::DescribeInstanceAttribute => "DescribeInstanceAttribute",
            Self::DescribeInstances => "DescribeInstances",
            Self::InstanceObject => "instance object",
            Self::TerraformPlan => "Terraform plan",
            Self::TerraformState => "Terraform state",
        }
    }

    pub fn is_terraform(self) -> bool {
        matches!(self, Self::TerraformPlan | Self::TerraformState)
    }
}

/// The Terraform resource types ramguard reads.
pub const TERRAFORM_TYPES: [&str; 2] = ["alicloud_kvstore_instance", "alicloud_redis_tair_instance"];

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChargeType {
    PayAsYouGo,
    Subscription,
    /// A value ramguard does not know, as written.
    Other(String),
}

/// One instance, as the checks see it. `None`: the input does not say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instance {
    pub id: String,
    pub name: Option<String>,
    pub region: Option<String>,
    pub status: Option<String>,
    pub charge_type: Option<ChargeType>,
    pub release_protection: Option<bool>,
    pub order_completed: Option<bool>,
    pub global_instance_id: Option<String>,
    /// `None` when the input does not carry tags at all (then no tag is known absent).
    pub tags: Option<BTreeMap<String, String>>,
    pub form: Form,
    /// The Terraform address (`alicloud_kvstore_instance.cache`) and type.
    pub terraform: Option<(String, String)>,
    /// Where the instance stands in the file.
    pub span: Span,
}

/// Why the file cannot be read as instance metadata.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShapeError {
    pub message: String,
    pub span: Span,
}

fn error(node: &Node, message: impl Into<String>) -> ShapeError {
    ShapeError {
        message: message.into(),
        span: node.span,
    }
}

pub const FORMS: &str = "a DescribeInstanceAttribute or DescribeInstances response, one instance object (with `InstanceId`), `terraform show -json` of a plan or a state, or a `terraform.tfstate` file";

/// Read every instance the file holds.
pub fn read(root: &Node) -> Result<Vec<Instance>, ShapeError> {
    if root.as_object().is_none() {
        return Err(error(root, format!("expected {FORMS}, found {}", root.type_name())));
    }
    if let Some(instances) = root.get("Instances").map(|m| &m.value) {
        for (key, form) in [
            ("DBInstanceAttribute", Form::DescribeInstanceAttribute),
            ("KVStoreInstance", Form::DescribeInstances),
        ] {
            if let Some(list) = instances.get(key) {
                let items = list
                    .value
                    .as_array()
                    .ok_or_else(|| error(&list.value, format!("`Instances.{key}` is not an array")))?;
                if items.is_empty() {
                    return Err(error(
                        &list.value,
                        "the response holds no instance (wrong region, ID or filter?)",
                    ));
                }
                return items.iter().map(|item| api_instance(item, form)).collect();
            }
        }
        return Err(error(
            instances,
            "`Instances` holds neither `DBInstanceAttribute` (DescribeInstanceAttribute) nor `KVStoreInstance` (DescribeInstances)",
        ));
    }
    if root.get("InstanceId").is_some() {
        return api_instance(root, Form::InstanceObject).map(|i| vec![i]);
    }
    if let Some(changes) = root.get("resource_changes") {
        return terraform_plan(&changes.value);
    }
    if let Some(values) = root.get("values") {
        let mut out = Vec::new();
        terraform_module(values.value.get("root_module").map(|m| &m.value), &mut out)?;
        return Ok(out);
    }
    if root.get("version").is_some()
        && let Some(resources) = root.get("resources")
    {
        return terraform_state_file(&resources.value);
    }
    if root.get("format_version").is_some() {
        // `terraform show -json` of an empty state or a plan with no changes.
        return Ok(Vec::new());
    }
    Err(error(
        root,
        format!("this is not instance metadata ramguard reads: expected {FORMS}"),
    ))
}

/// A field as a string, if present; another type is malformed input.
fn string(object: &Node, key: &str) -> Result<Option<String>, ShapeError> {
    match object.get(key).map(|m| &m.value) {
        None | Some(Node { value: Value::Null, .. }) => Ok(None),
        Some(Node {
            value: Value::String(s),
            ..
        }) => Ok(Some(s.clone())),
        Some(other) => Err(error(other, format!("`{key}` is {}, not a string", other.type_name()))),
    }
}

/// A boolean field, written as a boolean or as the string `"true"` / `"false"` (the APIs do both).
fn boolean(object: &Node, key: &str) -> Result<Option<bool>, ShapeError> {
    match object.get(key).map(|m| &m.value) {
        None | Some(Node { value: Value::Null, .. }) => Ok(None),
        Some(Node {
            value: Value::Bool(b), ..
        }) => Ok(Some(*b)),
        Some(
            node @ Node {
                value: Value::String(s),
                ..
            },
        ) => match s.to_ascii_lowercase().as_str() {
            "true" => Ok(Some(true)),
            "false" => Ok(Some(false)),
            _ => Err(error(node, format!("`{key}` is `{s}`, not true or false"))),
        },
        Some(other) => Err(error(other, format!("`{key}` is {}, not a boolean", other.type_name()))),
    }
}

fn charge_type(text: &str) -> ChargeType {
    match text {
        "PostPaid" | "PayAsYouGo" => ChargeType::PayAsYouGo,
        "PrePaid" | "Subscription" => ChargeType::Subscription,
        other => ChargeType::Other(other.to_string()),
    }
}

/// Tags as the APIs write them, `{"Tag": [{"Key", "Value"}]}`, or as a map.
fn tags(node: Option<&Node>) -> Result<Option<BTreeMap<String, String>>, ShapeError> {
    let Some(node) = node else { return Ok(None) };
    let mut out = BTreeMap::new();
    match &node.value {
        Value::Null => return Ok(None),
        Value::Object(members) if members.len() == 1 && members.iter().all(|m| m.key == "Tag") => {
            for m in members {
                let list = m
                    .value
                    .as_array()
                    .ok_or_else(|| error(&m.value, "`Tags.Tag` is not an array"))?;
                for tag in list {
                    let key = string(tag, "Key")?.ok_or_else(|| error(tag, "a tag without `Key`"))?;
                    out.insert(key, string(tag, "Value")?.unwrap_or_default());
                }
            }
        }
        Value::Object(members) => {
            for m in members {
                let value = m
                    .value
                    .as_str()
                    .ok_or_else(|| error(&m.value, format!("tag `{}` is not a string", m.key)))?;
                out.insert(m.key.clone(), value.to_string());
            }
        }
        Value::Array(list) => {
            for tag in list {
                let key = string(tag, "Key")?.ok_or_else(|| error(tag, "a tag without `Key`"))?;
                out.insert(key, string(tag, "Value")?.unwrap_or_default());
            }
        }
        _ => return Err(error(node, format!("`Tags` is {}, not tags", node.type_name()))),
    }
    Ok(Some(out))
}

fn api_instance(node: &Node, form: Form) -> Result<Instance, ShapeError> {
    if node.as_object().is_none() {
        return Err(error(
            node,
            format!("an instance is {}, not an object", node.type_name()),
        ));
    }
    let id = string(node, "InstanceId")?
        .filter(|s| !s.is_empty())
        .ok_or_else(|| error(node, "an instance without `InstanceId`"))?;
    // DescribeInstances carries neither release protection nor the order state: unknown, even if
    // a field of that name turned up.
    let detailed = form != Form::DescribeInstances;
    Ok(Instance {
        id,
        name: string(node, "InstanceName")?,
        region: string(node, "RegionId")?,
        status: string(node, "InstanceStatus")?,
        charge_type: string(node, "ChargeType")?.map(|c| charge_type(&c)),
        release_protection: if detailed {
            boolean(node, "InstanceReleaseProtection")?
        } else {
            None
        },
        order_completed: if detailed {
            boolean(node, "IsOrderCompleted")?
        } else {
            None
        },
        global_instance_id: string(node, "GlobalInstanceId")?,
        tags: tags(node.get("Tags").map(|m| &m.value))?,
        form,
        terraform: None,
        span: node.span,
    })
}

/// A Terraform resource's attributes (`change.before`, or `values` in a state).
fn terraform_instance(
    attributes: &Node,
    address: &str,
    kind: &str,
    form: Form,
    span: Span,
) -> Result<Instance, ShapeError> {
    if attributes.as_object().is_none() {
        return Err(error(attributes, format!("`{address}` has no attributes")));
    }
    let id = string(attributes, "id")?
        .or(string(attributes, "tair_instance_id")?)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| {
            error(
                attributes,
                format!("`{address}` has no `id`: is the instance created yet?"),
            )
        })?;
    let payment = match string(attributes, "payment_type")? {
        Some(p) if !p.is_empty() => Some(p),
        _ => string(attributes, "instance_charge_type")?,
    };
    // Terraform does not record the region of a resource; its zone says it (`cn-hangzhou-h`).
    let region =
        string(attributes, "region_id")?.or(string(attributes, "zone_id")?.as_deref().and_then(region_of_zone));
    Ok(Instance {
        id,
        name: string(attributes, "db_instance_name")?
            .or(string(attributes, "instance_name")?)
            .or(string(attributes, "tair_instance_name")?),
        region,
        status: string(attributes, "status")?,
        charge_type: payment.map(|c| charge_type(&c)),
        // `alicloud_redis_tair_instance` has no release-protection attribute: unknown.
        release_protection: if kind == "alicloud_kvstore_instance" {
            boolean(attributes, "instance_release_protection")?
        } else {
            None
        },
        order_completed: None,
        global_instance_id: string(attributes, "global_instance_id")?,
        tags: tags(attributes.get("tags").map(|m| &m.value))?,
        form,
        terraform: Some((address.to_string(), kind.to_string())),
        span,
    })
}

/// `cn-hangzhou-h` → `cn-hangzhou`; `ap-southeast-1a` → `ap-southeast-1`. Only these two shapes
/// are read; any other zone leaves the region unknown rather than guessed.
fn region_of_zone(zone: &str) -> Option<String> {
    if let Some((region, suffix)) = zone.rsplit_once('-') {
        if suffix.len() == 1 && suffix.bytes().all(|b| b.is_ascii_lowercase()) {
            return Some(region.to_string());
        }
        if suffix.len() >= 2
            && suffix.as_bytes().last().is_some_and(u8::is_ascii_lowercase)
            && suffix.bytes().rev().skip(1).all(|b| b.is_ascii_digit())
        {
            return Some(zone.get(..zone.len() - 1)?.to_string());
        }
    }
    None
}

fn terraform_plan(changes: &Node) -> Result<Vec<Instance>, ShapeError> {
    let list = changes
        .as_array()
        .ok_or_else(|| error(changes, "`resource_changes` is not an array"))?;
    let mut out = Vec::new();
    for change in list {
        let Some(kind) = kvstore_type(change)? else {
            continue;
        };
        let address = string(change, "address")?.unwrap_or_else(|| kind.clone());
        let Some(body) = change.get("change").map(|m| &m.value) else {
            return Err(error(change, format!("`{address}` has no `change`")));
        };
        let actions = body
            .get("actions")
            .map(|m| &m.value)
            .and_then(Node::as_array)
            .ok_or_else(|| error(body, format!("`{address}` has no `change.actions`")))?;
        // A replacement (`["delete", "create"]` either way round) releases the instance too.
        if !actions.iter().any(|a| a.as_str() == Some("delete")) {
            continue;
        }
        let before = body
            .get("before")
            .map(|m| &m.value)
            .ok_or_else(|| error(body, format!("`{address}` has no `change.before`")))?;
        out.push(terraform_instance(
            before,
            &address,
            &kind,
            Form::TerraformPlan,
            change.span,
        )?);
    }
    Ok(out)
}

/// The resource's type when it is one ramguard reads (`alicloud_kvstore_instance`,
/// `alicloud_redis_tair_instance`) and managed, not a data source.
fn kvstore_type(resource: &Node) -> Result<Option<String>, ShapeError> {
    let Some(kind) = string(resource, "type")? else {
        return Ok(None);
    };
    let managed = string(resource, "mode")?.is_none_or(|m| m != "data");
    Ok((managed && TERRAFORM_TYPES.contains(&kind.as_str())).then_some(kind))
}

/// A raw state file (`terraform.tfstate`, format version 4): `resources[].instances[].attributes`.
fn terraform_state_file(resources: &Node) -> Result<Vec<Instance>, ShapeError> {
    let list = resources
        .as_array()
        .ok_or_else(|| error(resources, "`resources` is not an array"))?;
    let mut out = Vec::new();
    for resource in list {
        let Some(kind) = kvstore_type(resource)? else {
            continue;
        };
        let name = string(resource, "name")?.unwrap_or_default();
        let prefix = string(resource, "module")?.map_or_else(String::new, |m| format!("{m}."));
        let instances = resource
            .get("instances")
            .map(|m| &m.value)
            .and_then(Node::as_array)
            .unwrap_or_default();
        for instance in instances {
            let address = match instance.get("index_key").map(|m| &m.value.value) {
                Some(Value::Number(n)) => format!("{prefix}{kind}.{name}[{n}]"),
                Some(Value::String(k)) => format!("{prefix}{kind}.{name}[\"{k}\"]"),
                _ => format!("{prefix}{kind}.{name}"),
            };
            let attributes = instance
                .get("attributes")
                .map(|m| &m.value)
                .ok_or_else(|| error(instance, format!("`{address}` has no `attributes`")))?;
            out.push(terraform_instance(
                attributes,
                &address,
                &kind,
                Form::TerraformState,
                instance.span,
            )?);
        }
    }
    Ok(out)
}

fn terraform_module(module: Option<&Node>, out: &mut Vec<Instance>) -> Result<(), ShapeError> {
    let Some(module) = module else { return Ok(()) };
    for resource in module
        .get("resources")
        .map(|m| &m.value)
        .and_then(Node::as_array)
        .unwrap_or_default()
    {
        let Some(kind) = kvstore_type(resource)? else {
            continue;
        };
        let address = string(resource, "address")?.unwrap_or_else(|| kind.clone());
        let values = resource
            .get("values")
            .map(|m| &m.value)
            .ok_or_else(|| error(resource, format!("`{address}` has no `values`")))?;
        out.push(terraform_instance(
            values,
            &address,
            &kind,
            Form::TerraformState,
            resource.span,
        )?);
    }
    for child in module
        .get("child_modules")
        .map(|m| &m.value)
        .and_then(Node::as_array)
        .unwrap_or_default()
    {
        terraform_module(Some(child), out)?;
    }
    Ok(())
}

/// Read the instance metadata at `path` (`-` is standard input). Anything unreadable or
/// malformed is an error, one line with the place, for exit 2.
pub fn load(path: &std::path::Path) -> Result<Vec<Instance>, String> {
    let (name, bytes) = super::read_input(path)?;
    let text =
        String::from_utf8(bytes).map_err(|e| format!("{name}: not UTF-8 (byte {})", e.utf8_error().valid_up_to()))?;
    let source = crate::source::SourceFile::new(name.clone(), text.as_str());
    let at = |span: Span| {
        let (line, column) = source.line_col(span.start);
        format!("{name}:{line}:{column}")
    };
    let root = crate::json::parse_past_bom(&text)
        .0
        .map_err(|e| format!("{}: invalid JSON: {}", at(e.span), e.message))?;
    read(&root).map_err(|e| format!("{}: {}", at(e.span), e.message))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zones_name_their_region() {
        assert_eq!(region_of_zone("cn-hangzhou-h").as_deref(), Some("cn-hangzhou"));
        assert_eq!(region_of_zone("ap-southeast-1a").as_deref(), Some("ap-southeast-1"));
        assert_eq!(region_of_zone("cn-hangzhou-finance"), None);
        assert_eq!(region_of_zone("weird"), None);
    }
}
