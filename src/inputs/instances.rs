//! Instance metadata for `preflight`: `DescribeInstanceAttribute` and `DescribeInstances`
//! responses, a bare instance object, and Terraform JSON (`terraform show -json` of a plan or a
//! state) for `alicloud_kvstore_instance` and `alicloud_redis_tair_instance`. The form is
//! recognised by its shape; every form is read into one [`Instance`], where a field the input
//! does not carry stays unknown.
//!
//! Only the fields the checks need are read, and only those are ever printed: a Terraform plan
//! carries `password` and the like in plain text.
//!
//! What is read is read strictly, since a `go` rests on it: a key repeated anywhere, a field of
//! the wrong type, an identifier of the wrong shape (see [`super::identifiers`]), a Terraform
//! part that the documented schema requires and that is missing or of the wrong type, or a
//! change action Terraform does not have is malformed input. Fields ramguard does not know are
//! read past: the APIs and Terraform add fields over time, and refusing them breaks users for
//! nothing.

use std::collections::BTreeMap;

use super::identifiers::{self, shown};
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
    /// `(key, value)` sorted by key, each key once. `None` when the input does not carry tags
    /// at all (then no tag is known absent). A vector, not a map: a map of one tag takes room
    /// for eleven, more than the rest of the instance, on pages of many thousands.
    pub tags: Option<Vec<(String, String)>>,
    pub form: Form,
    /// The Terraform address (`alicloud_kvstore_instance.cache`) and type.
    pub terraform: Option<(String, String)>,
    /// Where the instance stands in the file.
    pub span: Span,
    /// The inputs that describe it: one, unless several `--instance` inputs were merged
    /// ([`merge`]). Empty until the reader's caller names the input ([`load`] does).
    pub inputs: Vec<Input>,
    /// The fields on which those inputs disagree. Such a field is `None` above, and the check
    /// that reads it says the disagreement instead of picking a side.
    pub conflicts: Vec<Conflict>,
}

/// One input that describes an instance: its name (a file, or the call that fetched it) and form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    pub name: String,
    pub form: Form,
}

/// A field of [`Instance`] that two inputs may disagree on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Name,
    Region,
    Status,
    ChargeType,
    ReleaseProtection,
    OrderCompleted,
    GlobalInstanceId,
    Tags,
}

impl Field {
    /// The field as the inputs name it (API name / Terraform name).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Name => "name",
            Self::Region => "region",
            Self::Status => "status (`InstanceStatus` / `status`)",
            Self::ChargeType => "billing (`ChargeType` / `payment_type`)",
            Self::ReleaseProtection => {
                "release protection (`InstanceReleaseProtection` / `instance_release_protection`)"
            }
            Self::OrderCompleted => "`IsOrderCompleted`",
            Self::GlobalInstanceId => "distributed instance (`GlobalInstanceId` / `global_instance_id`)",
            Self::Tags => "tags",
        }
    }
}

/// Two or more inputs that say different things about one field: `(input, value as shown)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    pub field: Field,
    pub values: Vec<(String, String)>,
}

impl Conflict {
    /// `` `plan.json` says `Normal`, `live.json` says `Changing` ``.
    pub fn describe(&self) -> String {
        let said: Vec<String> = self
            .values
            .iter()
            .map(|(input, value)| format!("`{}` says `{}`", shown(input), shown(value)))
            .collect();
        format!(
            "the inputs disagree on the {}: {}",
            self.field.as_str(),
            said.join(", ")
        )
    }
}

impl Instance {
    /// What the inputs disagree on about `field`, if they do.
    pub fn conflict(&self, field: Field) -> Option<&Conflict> {
        self.conflicts.iter().find(|c| c.field == field)
    }

    /// Whether a Terraform plan is among the inputs: Terraform will release it.
    pub fn from_plan(&self) -> bool {
        self.form == Form::TerraformPlan || self.inputs.iter().any(|i| i.form == Form::TerraformPlan)
    }
}

/// Why the file cannot be read as instance metadata.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShapeError {
    pub message: String,
    pub span: Span,
    /// For a repeated key: where it stands first.
    pub first: Option<Span>,
}

fn error(node: &Node, message: impl Into<String>) -> ShapeError {
    ShapeError {
        message: message.into(),
        span: node.span,
        first: None,
    }
}

pub const FORMS: &str = "a DescribeInstanceAttribute or DescribeInstances response, one instance object (with `InstanceId`), `terraform show -json` of a plan or a state, or a `terraform.tfstate` file";

/// The change actions of `terraform show -json` (Terraform's own `UnmarshalActions`: `no-op`,
/// `create`, `read`, `update`, `delete`, the replacements `delete`+`create` either way round,
/// and since Terraform 1.7 `forget` and `create`+`forget`, which drop an object from the state
/// without destroying it).
pub const TERRAFORM_ACTIONS: [&str; 6] = ["no-op", "create", "read", "update", "delete", "forget"];

/// The keys of `terraform show -json` of an empty state, which has no `values`.
const EMPTY_STATE_KEYS: [&str; 3] = ["format_version", "terraform_version", "checks"];

/// Read every instance the file holds.
///
/// A key repeated anywhere in the file is refused: readers disagree on which value counts (jq,
/// Python and Terraform take the last), neither the APIs nor Terraform ever write one, and a
/// repeat on the way to a value ramguard uses would decide its verdict.
pub fn read(root: &Node) -> Result<Vec<Instance>, ShapeError> {
    read_tree(root, &crate::json::duplicates(root))
}

/// [`read`], the tree's repeated keys already found (by [`crate::json::Tree::duplicates`], which
/// does not search a tree the JSON reader saw none in).
fn read_tree<'n>(root: &'n Node<'n>, repeats: &[crate::json::Duplicate<'n>]) -> Result<Vec<Instance>, ShapeError> {
    if root.as_object().is_none() {
        return Err(error(root, format!("expected {FORMS}, found {}", root.type_name())));
    }
    if let Some(repeat) = repeats.first() {
        return Err(ShapeError {
            message: format!(
                "the key `{}` appears twice in one object: readers disagree on which value counts, so ramguard refuses instance metadata with a repeated key",
                shown(&repeat.again.key)
            ),
            span: repeat.again.key_span,
            first: Some(repeat.first.key_span),
        });
    }
    if let Some(instances) = root.get("Instances").map(|m| &m.value) {
        if let Some(id) = root.get("InstanceId") {
            return Err(ShapeError {
                message: "both `Instances` (a response) and `InstanceId` (one instance): which is it?".into(),
                span: id.key_span,
                first: None,
            });
        }
        return api_response(instances);
    }
    if root.get("InstanceId").is_some() {
        return api_instance(root, Form::InstanceObject).map(|i| vec![i]);
    }
    if let Some(version) = root.get("format_version") {
        terraform_format_version(&version.value)?;
        if root.get("resource_changes").is_some() || root.get("planned_values").is_some() {
            return terraform_plan(root);
        }
        if let Some(values) = root.get("values") {
            let mut out = Vec::new();
            terraform_values(&values.value, "values", &mut out)?;
            return Ok(out);
        }
        // `terraform show -json` of an empty state: nothing but these keys.
        if let Some(other) = root
            .as_object()
            .unwrap_or_default()
            .iter()
            .find(|m| !EMPTY_STATE_KEYS.contains(&m.key.as_ref()))
        {
            return Err(ShapeError {
                message: format!(
                    "`terraform show -json` output with `{}` but neither `resource_changes` / `planned_values` (a plan) nor `values` (a state)",
                    shown(&other.key)
                ),
                span: other.key_span,
                first: None,
            });
        }
        return Ok(Vec::new());
    }
    if let Some(version) = root.get("version") {
        return terraform_state_file(root, &version.value);
    }
    Err(error(
        root,
        format!("this is not instance metadata ramguard reads: expected {FORMS}"),
    ))
}

/// `Instances` of a DescribeInstanceAttribute or DescribeInstances response.
fn api_response(instances: &Node) -> Result<Vec<Instance>, ShapeError> {
    expect_object(instances, "`Instances`")?;
    let forms = [
        ("DBInstanceAttribute", Form::DescribeInstanceAttribute),
        ("KVStoreInstance", Form::DescribeInstances),
    ];
    let found: Vec<_> = forms
        .iter()
        .filter_map(|(key, form)| instances.get(key).map(|list| (*key, *form, list)))
        .collect();
    let [(key, form, list)] = found.as_slice() else {
        return Err(error(
            instances,
            if found.is_empty() {
                "`Instances` holds neither `DBInstanceAttribute` (DescribeInstanceAttribute) nor `KVStoreInstance` (DescribeInstances)"
            } else {
                "`Instances` holds both `DBInstanceAttribute` and `KVStoreInstance`: which response is this?"
            },
        ));
    };
    let items = list.value.as_array().ok_or_else(|| {
        error(
            &list.value,
            format!("`Instances.{key}` is {}, not an array", list.value.type_name()),
        )
    })?;
    if items.is_empty() {
        return Err(error(
            &list.value,
            "the response holds no instance (wrong region, ID or filter?)",
        ));
    }
    // Room for exactly the instances: collecting `Result`s would grow the vector by doubling,
    // up to twice the room of a large page's instances.
    let mut instances = Vec::with_capacity(items.len());
    // One response that describes an instance twice is two answers: merging them field by field
    // (as separate inputs are) let one entry's `InstanceReleaseProtection: false` complete
    // another's status, and `preflight` said `go`.
    let mut listed = std::collections::HashSet::with_capacity(items.len());
    for item in items {
        let instance = api_instance(item, *form)?;
        if let Some(id) = item.get("InstanceId").and_then(|m| m.value.as_str())
            && !listed.insert(id)
        {
            return Err(error(
                item,
                format!(
                    "the instance `{}` is described twice in one response: which entry counts would be a guess",
                    shown(id)
                ),
            ));
        }
        instances.push(instance);
    }
    Ok(instances)
}

/// A field as a string, if present; another type is malformed input.
fn string(object: &Node, key: &str) -> Result<Option<String>, ShapeError> {
    match object.get(key).map(|m| &m.value) {
        None | Some(Node { value: Value::Null, .. }) => Ok(None),
        Some(Node {
            value: Value::String(s),
            ..
        }) => Ok(Some(s.to_string())),
        Some(other) => Err(error(other, format!("`{key}` is {}, not a string", other.type_name()))),
    }
}

/// A field that must be there, as a string.
fn required_string(object: &Node, key: &str, what: &str) -> Result<String, ShapeError> {
    string(object, key)?.ok_or_else(|| error(object, format!("{what} without `{key}`")))
}

/// A field that must be there, as an array.
fn required_array<'a>(object: &'a Node<'a>, key: &str, what: &str) -> Result<&'a [Node<'a>], ShapeError> {
    let node = object
        .get(key)
        .map(|m| &m.value)
        .ok_or_else(|| error(object, format!("{what} without `{key}`")))?;
    node.as_array()
        .ok_or_else(|| error(node, format!("`{key}` of {what} is {}, not an array", node.type_name())))
}

/// A field that may be absent, but if present is an array.
fn optional_array<'a>(object: &'a Node<'a>, key: &str) -> Result<&'a [Node<'a>], ShapeError> {
    match object.get(key).map(|m| &m.value) {
        None => Ok(&[]),
        Some(node) => node
            .as_array()
            .ok_or_else(|| error(node, format!("`{key}` is {}, not an array", node.type_name()))),
    }
}

/// A field that must be there, as an object.
fn required_object<'a>(object: &'a Node<'a>, key: &str, what: &str) -> Result<&'a Node<'a>, ShapeError> {
    let node = object
        .get(key)
        .map(|m| &m.value)
        .ok_or_else(|| error(object, format!("{what} without `{key}`")))?;
    match node.as_object() {
        Some(_) => Ok(node),
        None => Err(error(
            node,
            format!("`{key}` of {what} is {}, not an object", node.type_name()),
        )),
    }
}

fn expect_object(node: &Node, what: &str) -> Result<(), ShapeError> {
    match node.as_object() {
        Some(_) => Ok(()),
        None => Err(error(node, format!("{what} is {}, not an object", node.type_name()))),
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
        ) => match s.as_ref() {
            "true" => Ok(Some(true)),
            "false" => Ok(Some(false)),
            _ => Err(error(node, format!("`{key}` is `{}`, not true or false", shown(s)))),
        },
        Some(other) => Err(error(other, format!("`{key}` is {}, not a boolean", other.type_name()))),
    }
}

/// An identifier of its documented shape, if present: anything else would be pasted into the
/// ARN or a suggested command.
fn identifier(object: &Node, key: &str, valid: fn(&str) -> bool, shape: &str) -> Result<Option<String>, ShapeError> {
    let Some(text) = string(object, key)? else {
        return Ok(None);
    };
    if valid(&text) {
        return Ok(Some(text));
    }
    let at = object.get(key).map_or(object, |m| &m.value);
    Err(error(
        at,
        format!("`{key}` is `{}`, which is not {shape}", shown(&text)),
    ))
}

const REGION_SHAPE: &str = "a region ID (lowercase letters, digits and hyphens, such as `cn-hangzhou`)";
const INSTANCE_ID_SHAPE: &str = "an instance ID (a prefix such as `r-` or `tt-`, then lowercase letters and digits, such as `r-bp1zxszhcgatnx0001`)";
const GLOBAL_ID_SHAPE: &str = "a distributed instance ID (`gr-`, then lowercase letters and digits) or empty";

fn instance_id(object: &Node, key: &str) -> Result<Option<String>, ShapeError> {
    identifier(object, key, identifiers::is_instance_id, INSTANCE_ID_SHAPE)
}

fn region(object: &Node, key: &str) -> Result<Option<String>, ShapeError> {
    identifier(object, key, identifiers::is_region, REGION_SHAPE)
}

/// Empty means: not part of a distributed instance.
fn global_instance_id(object: &Node, key: &str) -> Result<Option<String>, ShapeError> {
    identifier(
        object,
        key,
        |text| text.is_empty() || identifiers::is_global_instance_id(text),
        GLOBAL_ID_SHAPE,
    )
}

fn charge_type(text: &str) -> ChargeType {
    match text {
        "PostPaid" | "PayAsYouGo" => ChargeType::PayAsYouGo,
        "PrePaid" | "Subscription" => ChargeType::Subscription,
        other => ChargeType::Other(other.to_string()),
    }
}

/// Tags as the APIs write them, `{"Tag": [{"Key", "Value"}]}`, or as a map. A tag key given twice
/// is malformed: an instance has one value per tag key.
fn tags(node: Option<&Node>) -> Result<Option<Vec<(String, String)>>, ShapeError> {
    let Some(node) = node else { return Ok(None) };
    let mut out = BTreeMap::new();
    let insert_listed = |list: &[Node], out: &mut BTreeMap<String, String>| -> Result<(), ShapeError> {
        for tag in list {
            expect_object(tag, "a tag")?;
            let key = required_string(tag, "Key", "a tag")?;
            if out
                .insert(key.clone(), string(tag, "Value")?.unwrap_or_default())
                .is_some()
            {
                return Err(error(tag, format!("the tag `{}` is given twice", shown(&key))));
            }
        }
        Ok(())
    };
    match &node.value {
        Value::Null => return Ok(None),
        Value::Object(members) if members.len() == 1 && members.iter().all(|m| m.key == "Tag") => {
            for m in members {
                let list = m
                    .value
                    .as_array()
                    .ok_or_else(|| error(&m.value, format!("`Tags.Tag` is {}, not an array", m.value.type_name())))?;
                insert_listed(list, &mut out)?;
            }
        }
        Value::Object(members) => {
            for m in members {
                let value = m
                    .value
                    .as_str()
                    .ok_or_else(|| error(&m.value, format!("tag `{}` is not a string", shown(&m.key))))?;
                out.insert(m.key.to_string(), value.to_string());
            }
        }
        Value::Array(list) => insert_listed(list, &mut out)?,
        _ => return Err(error(node, format!("`Tags` is {}, not tags", node.type_name()))),
    }
    Ok(Some(out.into_iter().collect()))
}

fn api_instance(node: &Node, form: Form) -> Result<Instance, ShapeError> {
    expect_object(node, "an instance")?;
    let id = instance_id(node, "InstanceId")?.ok_or_else(|| error(node, "an instance without `InstanceId`"))?;
    // DescribeInstances carries neither release protection nor the order state: unknown, even if
    // a field of that name turned up.
    let detailed = form != Form::DescribeInstances;
    Ok(Instance {
        id,
        name: string(node, "InstanceName")?,
        region: region(node, "RegionId")?,
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
        global_instance_id: global_instance_id(node, "GlobalInstanceId")?,
        tags: tags(node.get("Tags").map(|m| &m.value))?,
        form,
        terraform: None,
        span: node.span,
        inputs: Vec::new(),
        conflicts: Vec::new(),
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
        return Err(error(
            attributes,
            format!("`{}` has no attributes ({})", shown(address), attributes.type_name()),
        ));
    }
    let id = instance_id(attributes, "id")?.filter(|s| !s.is_empty());
    let tair_id = instance_id(attributes, "tair_instance_id")?;
    if let (Some(id), Some(tair_id)) = (&id, &tair_id)
        && id != tair_id
    {
        return Err(error(
            attributes,
            format!(
                "`{}` has `id` `{id}` but `tair_instance_id` `{tair_id}`: which instance is it?",
                shown(address)
            ),
        ));
    }
    let id = id.or(tair_id).ok_or_else(|| {
        error(
            attributes,
            format!("`{}` has no `id`: is the instance created yet?", shown(address)),
        )
    })?;
    let payment = match string(attributes, "payment_type")? {
        Some(p) if !p.is_empty() => Some(p),
        _ => string(attributes, "instance_charge_type")?,
    };
    // Terraform does not record the region of a resource; its zone says it (`cn-hangzhou-h`).
    let region = match region(attributes, "region_id")? {
        Some(region) => Some(region),
        None => zone_region(attributes)?,
    };
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
        global_instance_id: global_instance_id(attributes, "global_instance_id")?,
        tags: tags(attributes.get("tags").map(|m| &m.value))?,
        form,
        terraform: Some((address.to_string(), kind.to_string())),
        span,
        inputs: Vec::new(),
        conflicts: Vec::new(),
    })
}

/// The region a Terraform resource's `zone_id` names. An empty zone says nothing; a zone whose
/// region ramguard does not read leaves it unknown; a value that is no zone ID is malformed.
fn zone_region(attributes: &Node) -> Result<Option<String>, ShapeError> {
    let Some(zone) = string(attributes, "zone_id")?.filter(|z| !z.is_empty()) else {
        return Ok(None);
    };
    identifiers::region_of_zone(&zone).map_err(|identifiers::NotAZone| {
        let at = attributes.get("zone_id").map_or(attributes, |m| &m.value);
        error(
            at,
            format!(
                "`zone_id` is `{}`, which is not a zone ID (such as `cn-hangzhou-h` or `cn-hangzhou-MAZ10(h,i)`)",
                shown(&zone)
            ),
        )
    })
}

/// `format_version` of `terraform show -json`: a string whose major version ramguard reads
/// (`0.x` before Terraform 1.1, `1.x` since). A new minor version only adds fields; a new major
/// version may change what the fields mean, and Terraform asks its readers to refuse it.
fn terraform_format_version(node: &Node) -> Result<(), ShapeError> {
    let Some(version) = node.as_str() else {
        return Err(error(
            node,
            format!("`format_version` is {}, not a string", node.type_name()),
        ));
    };
    match version.split_once('.') {
        Some(("0" | "1", minor)) if !minor.is_empty() && minor.bytes().all(|b| b.is_ascii_digit()) => Ok(()),
        _ => Err(error(
            node,
            format!(
                "`format_version` `{}` is not a version of `terraform show -json` ramguard reads (`0.x` or `1.x`)",
                shown(version)
            ),
        )),
    }
}

/// The resource's type when it is one ramguard reads (`alicloud_kvstore_instance`,
/// `alicloud_redis_tair_instance`) and managed, not a data source. Every resource must say its
/// type: without one, ramguard cannot tell whether it is an instance.
fn kvstore_type(resource: &Node, what: &str) -> Result<Option<String>, ShapeError> {
    expect_object(resource, what)?;
    let kind = required_string(resource, "type", what)?;
    if !TERRAFORM_TYPES.contains(&kind.as_str()) {
        return Ok(None);
    }
    match string(resource, "mode")?.as_deref() {
        None | Some("managed") => Ok(Some(kind)),
        Some("data") => Ok(None),
        Some(other) => {
            let at = resource.get("mode").map_or(resource, |m| &m.value);
            Err(error(
                at,
                format!("`mode` is `{}`, neither `managed` nor `data`", shown(other)),
            ))
        }
    }
}

/// `terraform show -json PLAN`: the instances that `resource_changes` deletes or replaces.
fn terraform_plan(root: &Node) -> Result<Vec<Instance>, ShapeError> {
    let Some(changes) = root.get("resource_changes").map(|m| &m.value) else {
        // A plan with no change at all omits `resource_changes`; any resource, even one left
        // alone, would be listed there.
        if let Some(planned) = root.get("planned_values")
            && module_tree_has_resources(planned.value.get("root_module").map(|m| &m.value))
        {
            return Err(error(
                &planned.value,
                "the plan lists resources in `planned_values` but has no `resource_changes`",
            ));
        }
        return Ok(Vec::new());
    };
    let list = changes.as_array().ok_or_else(|| {
        error(
            changes,
            format!("`resource_changes` is {}, not an array", changes.type_name()),
        )
    })?;
    let mut out = Vec::new();
    for change in list {
        let Some(kind) = kvstore_type(change, "a resource change")? else {
            continue;
        };
        let address = string(change, "address")?.unwrap_or_else(|| kind.clone());
        let what = format!("`{}`", shown(&address));
        let body = required_object(change, "change", &what)?;
        let actions = required_array(body, "actions", &format!("the change of {what}"))?;
        let mut deletes = false;
        for action in actions {
            match action.as_str() {
                Some(name) if TERRAFORM_ACTIONS.contains(&name) => deletes |= name == "delete",
                _ => {
                    return Err(error(
                        action,
                        format!(
                            "{} is not a Terraform change action ({})",
                            action
                                .as_str()
                                .map_or_else(|| action.type_name().to_string(), |s| format!("`{}`", shown(s))),
                            TERRAFORM_ACTIONS.map(|a| format!("`{a}`")).join(", ")
                        ),
                    ));
                }
            }
        }
        if actions.is_empty() {
            return Err(error(body, format!("the change of {what} has no actions")));
        }
        // A replacement (`["delete", "create"]` either way round) releases the instance too;
        // `forget` drops it from the state and leaves it running.
        if !deletes {
            continue;
        }
        let before = body
            .get("before")
            .map(|m| &m.value)
            .ok_or_else(|| error(body, format!("{what} is deleted but has no `change.before`")))?;
        let mut instance = terraform_instance(before, &address, &kind, Form::TerraformPlan, change.span)?;
        if instance.region.is_none() {
            instance.region = provider_region(root, change)?;
        }
        out.push(instance);
    }
    Ok(out)
}

/// The region of the provider configuration a planned resource uses, when the configuration
/// writes it as a constant: `configuration.provider_config[<key>].expressions.region.constant_value`,
/// where `<key>` is the `provider_config_key` of the resource in `configuration` (Terraform's
/// JSON format: the keys are opaque, to be looked up through `provider_config_key` only). A
/// region from a variable or any other reference (`references` instead of `constant_value`),
/// no region at all (the provider then reads `ALICLOUD_REGION` or `ALIBABA_CLOUD_REGION` from its environment), or
/// a resource ramguard cannot find in the configuration: unknown.
fn provider_region(root: &Node, change: &Node) -> Result<Option<String>, ShapeError> {
    let Some(configuration) = root.get("configuration").map(|m| &m.value) else {
        return Ok(None);
    };
    let (Some(kind), Some(name)) = (string(change, "type")?, string(change, "name")?) else {
        return Ok(None);
    };
    let mut module = configuration.get("root_module").map(|m| &m.value);
    for call in module_calls(string(change, "module_address")?.as_deref().unwrap_or_default()) {
        let Some(call) = call else { return Ok(None) };
        module = module
            .and_then(|m| m.get("module_calls"))
            .and_then(|calls| calls.value.get(&call))
            .and_then(|c| c.value.get("module"))
            .map(|m| &m.value);
    }
    let Some(module) = module else { return Ok(None) };
    let address = format!("{kind}.{name}");
    let resources = module
        .get("resources")
        .and_then(|m| m.value.as_array())
        .unwrap_or_default();
    let mut keys = resources.iter().filter(|r| {
        r.get("address").and_then(|m| m.value.as_str()) == Some(address.as_str())
            && r.get("mode")
                .and_then(|m| m.value.as_str())
                .is_none_or(|mode| mode == "managed")
    });
    let (Some(resource), None) = (keys.next(), keys.next()) else {
        return Ok(None);
    };
    let Some(key) = string(resource, "provider_config_key")? else {
        return Ok(None);
    };
    let Some(expression) = configuration
        .get("provider_config")
        .and_then(|m| m.value.get(&key))
        .and_then(|m| m.value.get("expressions"))
        .and_then(|m| m.value.get("region"))
        .map(|m| &m.value)
    else {
        return Ok(None);
    };
    match expression.get("constant_value").map(|m| &m.value) {
        Some(Node {
            value: Value::String(text),
            ..
        }) if text.is_empty() => Ok(None),
        Some(_) => region(expression, "constant_value"),
        None => Ok(None),
    }
}

/// The module call names of a `module_address` (`module.a.module.b["x"]` → `a`, `b`); `None`
/// for a part ramguard cannot read (then the provider's region stays unknown).
fn module_calls(address: &str) -> Vec<Option<String>> {
    let mut out = Vec::new();
    let mut rest = address;
    while !rest.is_empty() {
        let Some(after) = rest.strip_prefix("module.") else {
            out.push(None);
            break;
        };
        let end = after.find(['.', '[']).unwrap_or(after.len());
        out.push(Some(after[..end].to_string()));
        rest = &after[end..];
        if rest.starts_with('[') {
            // An index (`[0]`, `["key"]`): skip to its closing bracket, past any quoted text.
            let mut quoted = false;
            let mut escaped = false;
            let mut close = None;
            for (i, c) in rest.char_indices().skip(1) {
                match c {
                    _ if escaped => escaped = false,
                    '\\' if quoted => escaped = true,
                    '"' => quoted = !quoted,
                    ']' if !quoted => {
                        close = Some(i);
                        break;
                    }
                    _ => {}
                }
            }
            let Some(close) = close else {
                out.push(None);
                break;
            };
            rest = &rest[close + 1..];
        }
        rest = rest.strip_prefix('.').unwrap_or(rest);
    }
    out
}

/// Whether a module of a values representation, or any module below it, holds a resource.
fn module_tree_has_resources(module: Option<&Node>) -> bool {
    let Some(module) = module else { return false };
    let has = |key: &str| {
        module
            .get(key)
            .is_some_and(|m| m.value.as_array().is_none_or(|a| !a.is_empty()))
    };
    has("resources")
        || module
            .get("child_modules")
            .and_then(|m| m.value.as_array())
            .is_some_and(|children| children.iter().any(|c| module_tree_has_resources(Some(c))))
}

/// `values` of `terraform show -json STATE`: `root_module` and its `child_modules`, at any depth.
fn terraform_values(values: &Node, what: &str, out: &mut Vec<Instance>) -> Result<(), ShapeError> {
    expect_object(values, &format!("`{what}`"))?;
    let root = required_object(values, "root_module", &format!("`{what}`"))?;
    terraform_module(root, out)
}

fn terraform_module(module: &Node, out: &mut Vec<Instance>) -> Result<(), ShapeError> {
    expect_object(module, "a module")?;
    for resource in optional_array(module, "resources")? {
        let Some(kind) = kvstore_type(resource, "a resource")? else {
            continue;
        };
        let address = string(resource, "address")?.unwrap_or_else(|| kind.clone());
        let values = required_object(resource, "values", &format!("`{}`", shown(&address)))?;
        out.push(terraform_instance(
            values,
            &address,
            &kind,
            Form::TerraformState,
            resource.span,
        )?);
    }
    for child in optional_array(module, "child_modules")? {
        terraform_module(child, out)?;
    }
    Ok(())
}

/// A raw state file (`terraform.tfstate`, format version 4, Terraform 0.12 and later):
/// `resources[].instances[].attributes`.
fn terraform_state_file(root: &Node, version: &Node) -> Result<Vec<Instance>, ShapeError> {
    if !matches!(&version.value, Value::Number(n) if n == "4") {
        return Err(error(
            version,
            "a state file of another `version` than 4: ramguard reads the state format of Terraform 0.12 and later",
        ));
    }
    let mut out = Vec::new();
    for resource in required_array(root, "resources", "a state file")? {
        let Some(kind) = kvstore_type(resource, "a resource")? else {
            continue;
        };
        let name = required_string(resource, "name", &format!("a `{kind}` resource"))?;
        let prefix = string(resource, "module")?.map_or_else(String::new, |m| format!("{m}."));
        let what = format!("`{}{kind}.{}`", shown(&prefix), shown(&name));
        for instance in required_array(resource, "instances", &what)? {
            expect_object(instance, &format!("an instance of {what}"))?;
            let address = match instance.get("index_key").map(|m| &m.value.value) {
                Some(Value::Number(n)) => format!("{prefix}{kind}.{name}[{n}]"),
                Some(Value::String(k)) => format!("{prefix}{kind}.{name}[\"{k}\"]"),
                _ => format!("{prefix}{kind}.{name}"),
            };
            let attributes = required_object(instance, "attributes", &format!("`{}`", shown(&address)))?;
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

/// Read the instance metadata at `path` (`-` is standard input). Anything unreadable or
/// malformed is an error, one line with the place, for exit 2.
pub fn load(path: &std::path::Path) -> Result<Vec<Instance>, String> {
    let (name, bytes) = super::read_input(path)?;
    let text =
        String::from_utf8(bytes).map_err(|e| format!("{name}: not UTF-8 (byte {})", e.utf8_error().valid_up_to()))?;
    // Lines and columns are counted only for an error: a large response is not copied for them.
    let line_col = |offset: usize| crate::source::SourceFile::new("", text.as_str()).line_col(offset);
    let at = |span: Span| {
        let (line, column) = line_col(span.start);
        format!("{name}:{line}:{column}")
    };
    let tree = crate::json::parse_tree_past_bom(&text)
        .0
        .map_err(|e| format!("{}: invalid JSON: {}", at(e.span), e.message))?;
    let mut instances = read_tree(&tree.root, &tree.duplicates()).map_err(|e| {
        let first = e.first.map_or_else(String::new, |span| {
            let (line, column) = line_col(span.start);
            format!(" (first at line {line}, column {column})")
        });
        format!("{}: {}{first}", at(e.span), e.message)
    })?;
    drop(tree);
    for instance in &mut instances {
        instance.inputs = vec![Input {
            name: name.clone(),
            form: instance.form,
        }];
    }
    Ok(instances)
}

/// Merge what several inputs say about the same instances (`--instance plan.json --instance
/// live.json`), field by field: a field one input leaves out is taken from another; a field two
/// inputs give different values is a [`Conflict`] and stays `None`, so that no check passes on
/// a side picked in silence. Instances keep the order in which they first appear.
pub fn merge(inputs: Vec<Vec<Instance>>) -> Vec<Instance> {
    let mut out: Vec<Instance> = Vec::new();
    // Where each ID first stands in `out`: a response of many thousands of instances is merged
    // in linear time, not by a search of every instance before it.
    let mut at: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for instance in inputs.into_iter().flatten() {
        match at.get(&instance.id).and_then(|&i| out.get_mut(i)) {
            Some(known) => merge_into(known, instance),
            None => {
                at.insert(instance.id.clone(), out.len());
                out.push(instance);
            }
        }
    }
    out
}

/// The input names of an instance, for a conflict: `plan.json` (or `plan.json, live.json`).
fn named(instance: &Instance) -> String {
    if instance.inputs.is_empty() {
        return instance.form.as_str().to_string();
    }
    let names: Vec<&str> = instance.inputs.iter().map(|i| i.name.as_str()).collect();
    names.join(", ")
}

fn merge_into(known: &mut Instance, other: Instance) {
    let ours = named(known);
    let theirs = named(&other);
    let mut conflicts = std::mem::take(&mut known.conflicts);
    let mut field = |field: Field, mine: &mut Option<String>, their: Option<String>| {
        if let Some(conflict) = conflicts.iter_mut().find(|c| c.field == field) {
            // Already disputed: one more voice.
            if let Some(value) = their {
                conflict.values.push((theirs.clone(), value));
            }
            return;
        }
        match (mine.as_ref(), their) {
            (_, None) => {}
            (None, Some(value)) => *mine = Some(value),
            (Some(a), Some(b)) if *a == b => {}
            (Some(a), Some(b)) => {
                conflicts.push(Conflict {
                    field,
                    values: vec![(ours.clone(), a.clone()), (theirs.clone(), b)],
                });
                *mine = None;
            }
        }
    };
    // Each field as text, compared and shown in that form, then read back.
    let mut name = known.name.take();
    field(Field::Name, &mut name, other.name);
    known.name = name;
    let mut region = known.region.take();
    field(Field::Region, &mut region, other.region);
    known.region = region;
    let mut status = known.status.take();
    field(Field::Status, &mut status, other.status);
    known.status = status;
    let mut charge = known.charge_type.take().map(|c| charge_text(&c));
    field(
        Field::ChargeType,
        &mut charge,
        other.charge_type.map(|c| charge_text(&c)),
    );
    known.charge_type = charge.map(|c| charge_type(&c));
    let mut protection = known.release_protection.take().map(|b| b.to_string());
    field(
        Field::ReleaseProtection,
        &mut protection,
        other.release_protection.map(|b| b.to_string()),
    );
    known.release_protection = protection.map(|p| p == "true");
    let mut order = known.order_completed.take().map(|b| b.to_string());
    field(
        Field::OrderCompleted,
        &mut order,
        other.order_completed.map(|b| b.to_string()),
    );
    known.order_completed = order.map(|o| o == "true");
    let mut global = known.global_instance_id.take();
    field(Field::GlobalInstanceId, &mut global, other.global_instance_id);
    known.global_instance_id = global;
    match (&known.tags, other.tags) {
        (_, None) => {}
        (_, Some(their)) if conflicts.iter().any(|c| c.field == Field::Tags) => {
            if let Some(conflict) = conflicts.iter_mut().find(|c| c.field == Field::Tags) {
                conflict.values.push((theirs.clone(), tags_text(&their)));
            }
        }
        (None, Some(their)) => known.tags = Some(their),
        (Some(mine), Some(their)) if *mine == their => {}
        (Some(mine), Some(their)) => {
            conflicts.push(Conflict {
                field: Field::Tags,
                values: vec![(ours.clone(), tags_text(mine)), (theirs.clone(), tags_text(&their))],
            });
            known.tags = None;
        }
    }
    known.conflicts = conflicts;
    if known.terraform.is_none() {
        known.terraform = other.terraform;
    }
    known.inputs.extend(other.inputs);
}

/// A charge type as the merge compares it: the API's spelling of the two known ones.
fn charge_text(charge: &ChargeType) -> String {
    match charge {
        ChargeType::PayAsYouGo => "PostPaid".to_string(),
        ChargeType::Subscription => "PrePaid".to_string(),
        ChargeType::Other(raw) => raw.clone(),
    }
}

/// Tags as the merge compares and shows them: `env=prod, team=cache`, or `none`.
fn tags_text(tags: &[(String, String)]) -> String {
    if tags.is_empty() {
        return "no tags".to_string();
    }
    let pairs: Vec<String> = tags.iter().map(|(k, v)| format!("{k}={v}")).collect();
    pairs.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn instance(input: &str, text: &str) -> Instance {
        let root = crate::json::parse(text).unwrap_or_else(|e| unreachable!("{}", e.message));
        let mut found = read(&root).unwrap_or_else(|e| unreachable!("{}", e.message));
        for i in &mut found {
            i.inputs = vec![Input {
                name: input.into(),
                form: i.form,
            }];
        }
        found.remove(0)
    }

    #[test]
    fn merging_fills_gaps_and_records_disagreements() {
        let a = instance(
            "a.json",
            r#"{"InstanceId": "r-x1", "InstanceStatus": "Normal", "ChargeType": "PostPaid", "Tags": {"env": "test"}}"#,
        );
        let b = instance(
            "b.json",
            r#"{"InstanceId": "r-x1", "InstanceStatus": "Changing", "ChargeType": "PostPaid", "InstanceReleaseProtection": false, "Tags": {"env": "prod"}}"#,
        );
        let c = instance("c.json", r#"{"InstanceId": "r-x1", "InstanceStatus": "Normal"}"#);
        let merged = merge(vec![vec![a], vec![b], vec![c]]);
        let [one] = merged.as_slice() else {
            unreachable!("{merged:?}")
        };
        assert_eq!(one.release_protection, Some(false), "a gap filled");
        assert_eq!(one.charge_type, Some(ChargeType::PayAsYouGo), "an agreement kept");
        assert_eq!(one.status, None, "a disagreement picks no side");
        let status = one.conflict(Field::Status).unwrap_or_else(|| unreachable!());
        assert_eq!(
            status.values,
            [
                ("a.json".to_string(), "Normal".to_string()),
                ("b.json".to_string(), "Changing".to_string()),
                ("c.json".to_string(), "Normal".to_string())
            ]
        );
        assert_eq!(one.tags, None);
        assert!(one.conflict(Field::Tags).is_some());
        assert_eq!(one.inputs.len(), 3);
    }

    #[test]
    fn module_addresses_name_their_calls() {
        assert_eq!(module_calls(""), Vec::<Option<String>>::new());
        assert_eq!(
            module_calls(r#"module.a.module.b["x.y]"][0]"#),
            [Some("a".to_string()), Some("b".to_string()), None]
        );
        assert_eq!(
            module_calls(r#"module.a[0].module.b["k"]"#),
            [Some("a".to_string()), Some("b".to_string())]
        );
        assert_eq!(module_calls("modules.a"), [None]);
    }
}
