//! From responses to the preflight's inputs: the instance (`DescribeInstanceAttribute`), the
//! caller (`GetCallerIdentity`), and the caller's identity policies — a RAM user's own and its
//! groups', or an assumed role's — each document fetched with `GetPolicy`. Then the checks run
//! as for hand-fed files, and what could not be learnt turns the permission check `unknown`.
//!
//! None of `ListPoliciesForUser`, `ListGroupsForUser`, `ListPoliciesForGroup` and
//! `ListPoliciesForRole` pages (RAM API 2015-05-01: no `Marker` / `MaxItems` parameter); a
//! response that says `IsTruncated: true` anyway is not taken as complete.
//!
//! Those four list only the policies attached at the account's scope ("You cannot query the
//! policies that are attached to resource groups", ListPoliciesForUser). A policy attached at the
//! scope of the instance's resource group binds the caller on this instance too, a `Deny` as
//! well as an `Allow`: they are read with Resource Manager's `ListPolicyAttachments
//! --ResourceGroupId <the instance's>`, which pages (`PageNumber`, `PageSize` up to 100,
//! `TotalCount`), and kept when their principal is the caller, one of its groups or its role.

use std::path::PathBuf;

use super::{Api, Call, CallError, ValueKind};
use crate::config::Config;
use crate::eval::{CompiledPolicy, Context, Decision, Layer, LayerKind};
use crate::inputs::evaluable::{self, LoadError};
use crate::inputs::instances::{self, Instance};
use crate::inputs::policy_file::{self, Content, Origin};
use crate::json::{self, Node};
use crate::preflight::{self, Check, InstanceReport, Status, permission};

/// Why the run cannot go on (exit 2).
#[derive(Debug)]
pub enum GatherError {
    /// One line for the user.
    Usage(String),
    /// A fetched policy that `ramguard lint` finds broken: rendered as `lint` renders it.
    Policy(LoadError),
}

impl From<super::InvalidValue> for GatherError {
    fn from(error: super::InvalidValue) -> Self {
        Self::Usage(error.to_string())
    }
}

/// What the user states about a layer that cannot be fetched.
#[derive(Debug, Clone)]
pub enum Stated {
    /// Policy files given on the command line (`--control-policy`, `--session-policy`).
    Files(Vec<PathBuf>),
    /// `--no-control-policies`, `--no-session-policy`.
    None,
    /// Nothing said: the layer is unknown.
    Unstated,
}

#[derive(Debug)]
pub struct Options<'c> {
    /// The configuration's catalogue and rule levels apply to the lint of every policy.
    pub config: &'c Config,
    pub instance_id: String,
    /// `--region`: the instance must be there (an answer that places it elsewhere is refused).
    pub region: Option<String>,
    pub account_id: Option<String>,
    pub context: Context,
    pub control: Stated,
    pub session: Stated,
    /// What files (`--instance plan.json`) say of the instance: merged, field by field, with
    /// what `DescribeInstanceAttribute` says.
    pub merge_with: Vec<Instance>,
}

/// Who is calling, per `sts GetCallerIdentity`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Identity {
    /// The account's root identity (`IdentityType` `Account`).
    Root,
    RamUser {
        name: String,
    },
    AssumedRole {
        role: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub account_id: String,
    pub arn: String,
    pub identity: Identity,
}

/// The caller's identity policies, as far as they could be learnt.
#[derive(Debug)]
enum Policies {
    Root,
    Known(Vec<CompiledPolicy>),
    /// Why they are not known: a refused call, a truncated list.
    Unknown(String),
}

/// The audit: one report per instance, and the layers evaluated (for snippets).
#[derive(Debug)]
pub struct Audit {
    pub reports: Vec<InstanceReport>,
    pub layers: Vec<Layer>,
    pub caller: Option<Caller>,
}

impl Audit {
    /// Several audits as one (`--fetch` with a plan: one per instance the plan deletes). Each
    /// instance's policies may differ (those attached at its resource group's scope): the
    /// layers are kept side by side, and a statement's file is found by its name.
    pub fn combine(audits: Vec<Audit>) -> Audit {
        let mut out = Audit {
            reports: Vec::new(),
            layers: Vec::new(),
            caller: None,
        };
        for audit in audits {
            out.reports.extend(audit.reports);
            out.layers.extend(audit.layers);
            out.caller = out.caller.or(audit.caller);
        }
        out
    }
}

/// A statement's file, by layer and name, across the layers of every instance.
impl crate::report::decision::Sources for Audit {
    fn source(&self, statement: &crate::eval::StatementRef) -> Option<&crate::source::SourceFile> {
        self.layers
            .iter()
            .filter(|l| l.kind == statement.layer)
            .flat_map(|l| l.policies.iter())
            .find(|p| p.source.name == statement.file)
            .map(|p| p.source.as_ref())
    }
}

/// A response read as strictly as any input: UTF-8, strict JSON, no duplicate key.
struct Response {
    call: Call,
    root: Node<'static>,
}

/// Make `call`: `Ok(Err(code))` when the API refused it (the check it feeds becomes unknown).
fn fetch(api: &dyn Api, call: Call) -> Result<Result<Response, Option<String>>, GatherError> {
    let bytes = match api.call(&call) {
        Ok(bytes) => bytes,
        Err(CallError::Refused { code }) => return Ok(Err(code)),
        Err(CallError::Failed(message)) => return Err(GatherError::Usage(message)),
    };
    let not_understood = |why: String| {
        GatherError::Usage(format!(
            "`{call}` answered something ramguard does not understand: {why}"
        ))
    };
    let text = String::from_utf8(bytes).map_err(|_| not_understood("not UTF-8".into()))?;
    let tree = json::parse_tree(&text).map_err(|e| not_understood(format!("not JSON ({})", e.message)))?;
    if let Some(duplicate) = tree.duplicates().first() {
        return Err(not_understood(format!(
            "the key `{}` appears twice",
            duplicate.again.key
        )));
    }
    if tree.root.as_object().is_none() {
        return Err(not_understood(format!(
            "a JSON {}, not an object",
            tree.root.type_name()
        )));
    }
    let root = tree.root.into_owned();
    Ok(Ok(Response { call, root }))
}

impl Response {
    fn wrong(&self, what: String) -> GatherError {
        GatherError::Usage(format!(
            "`{}` answered something ramguard does not understand: {what}",
            self.call
        ))
    }

    /// The string at `path`; `None` when absent, an error when of another type.
    fn string(&self, node: &Node, key: &str) -> Result<Option<String>, GatherError> {
        match node.get(key) {
            None => Ok(None),
            Some(member) => member
                .value
                .as_str()
                .map(|s| Some(s.to_string()))
                .ok_or_else(|| self.wrong(format!("`{key}` is a {}, not a string", member.value.type_name()))),
        }
    }

    /// A policy an item of a list names, `(PolicyName, PolicyType)`, each held to its
    /// documented characters before it is passed to `GetPolicy`. `what` names the item.
    fn policy(&self, item: &Node, what: &str) -> Result<(String, String), GatherError> {
        let name = super::validated(
            ValueKind::PolicyName,
            &format!("`PolicyName` of {what}"),
            &self.required(item, "PolicyName")?,
        )?;
        let kind = super::validated(
            ValueKind::PolicyType,
            &format!("`PolicyType` of {what}"),
            &self.required(item, "PolicyType")?,
        )?;
        Ok((name, kind))
    }

    fn required(&self, node: &Node, key: &str) -> Result<String, GatherError> {
        self.string(node, key)?
            .ok_or_else(|| self.wrong(format!("`{key}` is missing")))
    }

    /// The objects of a RAM list, `{"Policies": {"Policy": [...]}}`; refuses a list that says it
    /// is truncated, since these APIs document no paging.
    fn list(&self, outer: &str, inner: &str) -> Result<Result<&[Node<'static>], String>, GatherError> {
        if let Some(truncated) = self.root.get("IsTruncated") {
            match truncated.value.value {
                json::Value::Bool(false) => {}
                json::Value::Bool(true) => {
                    return Ok(Err(format!(
                        "`{}` says its answer is truncated, and the API documents no paging",
                        self.call
                    )));
                }
                _ => return Err(self.wrong("`IsTruncated` is not true or false".into())),
            }
        }
        let outer_node = &self
            .root
            .get(outer)
            .ok_or_else(|| self.wrong(format!("`{outer}` is missing")))?
            .value;
        let items = outer_node
            .get(inner)
            .map(|m| &m.value)
            .ok_or_else(|| self.wrong(format!("`{outer}.{inner}` is missing")))?
            .as_array()
            .ok_or_else(|| self.wrong(format!("`{outer}.{inner}` is not an array")))?;
        if let Some(item) = items.iter().find(|i| i.as_object().is_none()) {
            return Err(self.wrong(format!("an item of `{outer}.{inner}` is a {}", item.type_name())));
        }
        Ok(Ok(items))
    }
}

/// `sts GetCallerIdentity`: who the caller is. `Ok(Err(code))` when refused.
fn caller(api: &dyn Api) -> Result<Result<Caller, Option<String>>, GatherError> {
    let response = match fetch(api, Call::new("sts", "GetCallerIdentity"))? {
        Ok(response) => response,
        Err(code) => return Ok(Err(code)),
    };
    let root = &response.root;
    let account_id = response.required(root, "AccountId")?;
    if account_id.is_empty() || !account_id.bytes().all(|b| b.is_ascii_digit()) {
        return Err(response.wrong(format!(
            "`AccountId` `{}` is not an account ID",
            account_id.escape_debug()
        )));
    }
    let arn = response.required(root, "Arn")?;
    let kind = response.required(root, "IdentityType")?;
    let prefix = format!("acs:ram::{account_id}:");
    let rest = arn.strip_prefix(&prefix).ok_or_else(|| {
        response.wrong(format!(
            "`Arn` `{}` is not an ARN of account `{account_id}`",
            arn.escape_debug()
        ))
    })?;
    let identity = match kind.as_str() {
        "Account" if rest == "root" => Identity::Root,
        // `RAMUser` in the current API reference, `RamUser` in older pages and SDK comments.
        "RAMUser" | "RamUser" => {
            let name = rest
                .strip_prefix("user/")
                .ok_or_else(|| response.wrong(format!("`Arn` `{}` is not a RAM user's", arn.escape_debug())))?;
            Identity::RamUser {
                name: super::validated(
                    ValueKind::RamName,
                    "the user name in `Arn` of `sts GetCallerIdentity`",
                    name,
                )?,
            }
        }
        "AssumedRoleUser" => {
            let role = rest
                .strip_prefix("assumed-role/")
                .and_then(|r| r.split_once('/'))
                .map(|(role, _session)| role)
                .ok_or_else(|| response.wrong(format!("`Arn` `{}` is not an assumed role's", arn.escape_debug())))?;
            Identity::AssumedRole {
                role: super::validated(
                    ValueKind::RamName,
                    "the role name in `Arn` of `sts GetCallerIdentity`",
                    role,
                )?,
            }
        }
        other => {
            return Err(response.wrong(format!(
                "`IdentityType` `{}` with `Arn` `{}` (ramguard knows `Account`, `RAMUser`, `AssumedRoleUser`)",
                other.escape_debug(),
                arn.escape_debug()
            )));
        }
    };
    Ok(Ok(Caller {
        account_id,
        arn,
        identity,
    }))
}

/// The policies a `List...` response names: `(name, type)`.
fn attached(response: &Response) -> Result<Result<Vec<(String, String)>, String>, GatherError> {
    let items = match response.list("Policies", "Policy")? {
        Ok(items) => items,
        Err(why) => return Ok(Err(why)),
    };
    let mut names = Vec::new();
    for item in items {
        names.push(response.policy(item, &format!("a policy of `{}`", response.call))?);
    }
    Ok(Ok(names))
}

/// Why a layer is unknown when a call was refused.
fn refused(call: &Call, code: Option<&str>) -> String {
    format!("`{call}` was refused ({})", CallError::code_text(code))
}

/// Macro-free early return for the three outcomes of a list call.
enum Step<T> {
    Done(T),
    Unknown(String),
}

fn list_policies(api: &dyn Api, call: Call) -> Result<Step<Vec<(String, String)>>, GatherError> {
    let shown = call.clone();
    match fetch(api, call)? {
        Err(code) => Ok(Step::Unknown(refused(&shown, code.as_deref()))),
        Ok(response) => Ok(match attached(&response)? {
            Ok(names) => Step::Done(names),
            Err(why) => Step::Unknown(why),
        }),
    }
}

/// Every identity policy of the caller — attached at the account's scope, and at the scope of
/// the instance's resource group — each document fetched and linted.
fn identity_policies(
    api: &dyn Api,
    identity: &Identity,
    resource_group: Option<&str>,
    config: &Config,
) -> Result<Policies, GatherError> {
    let mut names: Vec<(String, String)> = Vec::new();
    let mut add = |found: Vec<(String, String)>| {
        for name in found {
            if !names.contains(&name) {
                names.push(name);
            }
        }
    };
    // The caller as Resource Manager names principals: type, and name before the `@`.
    let mut principals: Vec<(&str, String)> = Vec::new();
    match identity {
        Identity::Root => return Ok(Policies::Root),
        Identity::RamUser { name } => {
            principals.push(("IMSUser", name.clone()));
            let own = Call::new("ram", "ListPoliciesForUser").param("UserName", ValueKind::RamName, name)?;
            match list_policies(api, own)? {
                Step::Done(found) => add(found),
                Step::Unknown(why) => return Ok(Policies::Unknown(why)),
            }
            let call = Call::new("ram", "ListGroupsForUser").param("UserName", ValueKind::RamName, name)?;
            let shown = call.clone();
            let response = match fetch(api, call)? {
                Ok(response) => response,
                Err(code) => return Ok(Policies::Unknown(refused(&shown, code.as_deref()))),
            };
            let groups = match response.list("Groups", "Group")? {
                Ok(groups) => groups,
                Err(why) => return Ok(Policies::Unknown(why)),
            };
            for group in groups {
                let group = response.required(group, "GroupName")?;
                let call = Call::new("ram", "ListPoliciesForGroup").param("GroupName", ValueKind::RamName, &group)?;
                match list_policies(api, call)? {
                    Step::Done(found) => add(found),
                    Step::Unknown(why) => return Ok(Policies::Unknown(why)),
                }
                principals.push(("IMSGroup", group));
            }
        }
        Identity::AssumedRole { role } => {
            principals.push(("ServiceRole", role.clone()));
            let call = Call::new("ram", "ListPoliciesForRole").param("RoleName", ValueKind::RamName, role)?;
            match list_policies(api, call)? {
                Step::Done(found) => add(found),
                Step::Unknown(why) => return Ok(Policies::Unknown(why)),
            }
        }
    }
    let Some(resource_group) = resource_group else {
        return Ok(Policies::Unknown(
            "`DescribeInstanceAttribute` does not say the instance's resource group, so the policies attached at its scope could not be read".into(),
        ));
    };
    match resource_group_policies(api, resource_group, &principals)? {
        Step::Done(found) => add(found),
        Step::Unknown(why) => return Ok(Policies::Unknown(why)),
    }
    let mut policies = Vec::new();
    for (name, kind) in names {
        let call = Call::new("ram", "GetPolicy")
            .param("PolicyName", ValueKind::PolicyName, &name)?
            .param("PolicyType", ValueKind::PolicyType, &kind)?;
        let shown = call.clone();
        let file_name = call.file_name();
        let bytes = match api.call(&call) {
            Ok(bytes) => bytes,
            Err(CallError::Refused { code }) => return Ok(Policies::Unknown(refused(&shown, code.as_deref()))),
            Err(CallError::Failed(message)) => return Err(GatherError::Usage(message)),
        };
        policies.push(compile_response(&shown, file_name, bytes, config)?);
    }
    Ok(Policies::Known(policies))
}

/// The largest page `ListPolicyAttachments` returns, and how many pages ramguard reads.
const ATTACHMENTS_PER_PAGE: u64 = 100;
const MAX_ATTACHMENT_PAGES: u64 = 100;

/// The policies attached to the caller (or its groups, or its role) at the scope of
/// `resource_group`, through every page of `resourcemanager ListPolicyAttachments`.
fn resource_group_policies(
    api: &dyn Api,
    resource_group: &str,
    principals: &[(&str, String)],
) -> Result<Step<Vec<(String, String)>>, GatherError> {
    let mut found = Vec::new();
    // The pages must add up to the count the first one gives, each attachment listed once: a
    // short page before the count is reached, a count that changes, more attachments than
    // counted or one listed twice (a pager that loops) leave the listing incomplete, and a
    // `Deny` attached at the group's scope may be in what was not listed.
    let mut listed = std::collections::HashSet::new();
    let mut counted = None;
    for page in 1..=MAX_ATTACHMENT_PAGES {
        let call = Call::new("resourcemanager", "ListPolicyAttachments")
            .param("ResourceGroupId", ValueKind::ResourceGroupId, resource_group)?
            .param("PageNumber", ValueKind::Number, &page.to_string())?
            .param("PageSize", ValueKind::Number, &ATTACHMENTS_PER_PAGE.to_string())?;
        let shown = call.clone();
        let response = match fetch(api, call)? {
            Ok(response) => response,
            Err(code) => return Ok(Step::Unknown(refused(&shown, code.as_deref()))),
        };
        let total = match response.root.get("TotalCount").map(|m| &m.value.value) {
            Some(json::Value::Number(n)) => n
                .parse::<u64>()
                .map_err(|_| response.wrong(format!("`TotalCount` `{n}` is not a count")))?,
            _ => return Err(response.wrong("`TotalCount` is missing or not a number".into())),
        };
        let incomplete = |why: String| {
            Ok(Step::Unknown(format!(
                "`resourcemanager ListPolicyAttachments` for `{resource_group}` {why}: its listing is incomplete"
            )))
        };
        if let Some(json::Value::Number(n)) = response.root.get("PageNumber").map(|m| &m.value.value)
            && n.as_ref() != page.to_string()
        {
            return incomplete(format!("answers page {n} when asked for page {page}"));
        }
        let first_count = *counted.get_or_insert(total);
        if first_count != total {
            return incomplete(format!(
                "counts {first_count} attachments on its first page and {total} on page {page}"
            ));
        }
        let items = match response.list("PolicyAttachments", "PolicyAttachment")? {
            Ok(items) => items,
            Err(why) => return Ok(Step::Unknown(why)),
        };
        for item in items {
            // An attachment is its policy, principal and scope, whatever else the item says (a
            // looping pager that reorders keys or changes `AttachDate` repeats it all the same).
            let identity: Vec<Option<String>> = [
                "PolicyName",
                "PolicyType",
                "PrincipalType",
                "PrincipalName",
                "ResourceGroupId",
            ]
            .map(|key| item.get(key).and_then(|m| m.value.as_str()).map(str::to_string))
            .into();
            if !listed.insert(identity) {
                return incomplete("lists an attachment twice (its pages repeat)".into());
            }
            let what = format!("an attachment of `{}`", response.call);
            let kind = response.required(item, "PrincipalType")?;
            let principal = response.required(item, "PrincipalName")?;
            let scope = response.required(item, "ResourceGroupId")?;
            // `<name>@<domain>` for a user, `<name>@group.<domain>`, `<name>@role.<domain>`.
            let local = principal.split_once('@').map_or(principal.as_str(), |(local, _)| local);
            let ours = principals.iter().any(|(k, name)| *k == kind && name == local);
            if !ours || scope != resource_group {
                continue;
            }
            let policy = response.policy(item, &what)?;
            if !found.contains(&policy) {
                found.push(policy);
            }
        }
        let seen = listed.len() as u64;
        if seen > total {
            return incomplete(format!("lists {seen} attachments and counts {total}"));
        }
        if seen == total {
            return Ok(Step::Done(found));
        }
        if (items.len() as u64) < ATTACHMENTS_PER_PAGE {
            return incomplete(format!("lists {seen} of the {total} attachments it counts"));
        }
    }
    Ok(Step::Unknown(format!(
        "`resourcemanager ListPolicyAttachments` for `{resource_group}` holds more than {} pages",
        MAX_ATTACHMENT_PAGES
    )))
}

/// A `GetPolicy` response, read, linted and compiled like `--policy FILE`.
fn compile_response(call: &Call, name: String, bytes: Vec<u8>, config: &Config) -> Result<CompiledPolicy, GatherError> {
    let not_understood = |why: &str| {
        GatherError::Usage(format!(
            "`{call}` answered something ramguard does not understand: {why}"
        ))
    };
    let file = policy_file::read(name.clone(), bytes);
    // A response with the document anywhere but where `GetPolicy` puts it was not understood.
    let from_get_policy = matches!(
        &file.content,
        Content::Documents(documents) if matches!(
            documents.as_slice(),
            [policy_file::Document { origin: Origin::Response { api: "GetPolicy", .. }, .. }]
        )
    );
    // A repeated key, in the document or its wrapper, is an error finding: refused here.
    let compiled = evaluable::compile(&name, &file, config).map_err(GatherError::Policy)?;
    if !from_get_policy {
        return Err(not_understood("no `DefaultPolicyVersion.PolicyDocument`"));
    }
    Ok(compiled)
}

/// The instance, from `r-kvstore DescribeInstanceAttribute` (tags included).
fn instance(
    api: &dyn Api,
    instance_id: &str,
    region: Option<&str>,
) -> Result<(Vec<Instance>, Option<String>), GatherError> {
    let call =
        Call::new("r-kvstore", "DescribeInstanceAttribute").param("InstanceId", ValueKind::InstanceId, instance_id)?;
    let shown = call.clone();
    let response = match fetch(api, call)? {
        Ok(response) => response,
        Err(code) => {
            return Err(GatherError::Usage(format!(
                "{}: the instance could not be read, so nothing can be checked",
                refused(&shown, code.as_deref())
            )));
        }
    };
    let found = instances::read(&response.root).map_err(|e| response.wrong(e.message))?;
    let mut found: Vec<Instance> = found.into_iter().filter(|i| i.id == instance_id).collect();
    for instance in &mut found {
        match (&instance.region, region) {
            (None, Some(region)) => instance.region = Some(region.to_string()),
            (Some(own), Some(region)) if own != region => {
                return Err(response.wrong(format!("it places `{instance_id}` in `{own}`, not in `{region}`")));
            }
            _ => {}
        }
    }
    if found.is_empty() {
        return Err(response.wrong(format!("it does not describe `{instance_id}`")));
    }
    for instance in &mut found {
        instance.inputs = vec![instances::Input {
            name: response.call.to_string(),
            form: instance.form,
        }];
    }
    // The resource group is not one of the checks' fields: read here, for the policies
    // attached at its scope.
    let attributes = response
        .root
        .get("Instances")
        .and_then(|m| m.value.get("DBInstanceAttribute"))
        .and_then(|m| m.value.as_array())
        .unwrap_or_default();
    let mut groups = Vec::new();
    for item in attributes
        .iter()
        .filter(|i| i.get("InstanceId").and_then(|m| m.value.as_str()) == Some(instance_id))
    {
        if let Some(group) = response.string(item, "ResourceGroupId")? {
            groups.push(super::validated(
                ValueKind::ResourceGroupId,
                "`ResourceGroupId` of `DescribeInstanceAttribute`",
                &group,
            )?);
        }
    }
    groups.dedup();
    let resource_group = match groups.as_slice() {
        [one] => Some(one.clone()),
        _ => None,
    };
    Ok((found, resource_group))
}

fn load_stated(stated: &Stated, config: &Config) -> Result<Vec<CompiledPolicy>, GatherError> {
    match stated {
        Stated::Files(paths) => paths
            .iter()
            .map(|p| evaluable::load(p, config).map_err(GatherError::Policy))
            .collect(),
        Stated::None | Stated::Unstated => Ok(Vec::new()),
    }
}

/// Fetch everything, run the checks, and settle what could not be learnt.
pub fn audit(api: &dyn Api, options: &Options<'_>) -> Result<Audit, GatherError> {
    let (fetched, resource_group) = instance(api, &options.instance_id, options.region.as_deref())?;
    let instances = instances::merge(vec![options.merge_with.clone(), fetched]);
    let caller = caller(api)?;
    let policies = match &caller {
        Ok(caller) => identity_policies(api, &caller.identity, resource_group.as_deref(), options.config)?,
        Err(code) => Policies::Unknown(refused(&Call::new("sts", "GetCallerIdentity"), code.as_deref())),
    };
    let account_id = match (&options.account_id, &caller) {
        (Some(given), Ok(caller)) if *given != caller.account_id => {
            return Err(GatherError::Usage(format!(
                "--account-id `{given}` is not the caller's account `{}` (sts GetCallerIdentity)",
                caller.account_id
            )));
        }
        (Some(given), _) => Some(given.clone()),
        (None, Ok(caller)) => Some(caller.account_id.clone()),
        (None, Err(_)) => None,
    };
    let identity = match &policies {
        Policies::Known(list) => list.clone(),
        Policies::Root | Policies::Unknown(_) => Vec::new(),
    };
    let layers = vec![
        Layer {
            kind: LayerKind::ControlPolicy,
            policies: load_stated(&options.control, options.config)?,
        },
        Layer {
            kind: LayerKind::SessionPolicy,
            policies: load_stated(&options.session, options.config)?,
        },
        Layer {
            kind: LayerKind::IdentityPolicy,
            policies: identity,
        },
    ];
    let checker = preflight::Caller {
        layers,
        account_id,
        context: options.context.clone(),
    };
    let caller = caller.ok();
    let reports = instances
        .iter()
        .map(|i| {
            let mut report = preflight::check(i, &checker);
            settle_permission(&mut report, caller.as_ref(), &policies, options);
            report
        })
        .collect();
    Ok(Audit {
        reports,
        layers: checker.layers,
        caller,
    })
}

/// What the fetch could not learn, said in the permission check. A layer that is not known can
/// only narrow access: it turns a `pass` into `unknown`, never a `fail` into anything else —
/// except unknown identity policies, which leave nothing certain but a `Deny` of a layer that
/// is known.
fn settle_permission(report: &mut InstanceReport, caller: Option<&Caller>, policies: &Policies, options: &Options<'_>) {
    let Some(check) = report.checks.iter_mut().find(|c| c.id == permission::ID) else {
        return;
    };
    let resource = report.resource.display();
    // For a plan, Terraform calls both (see `preflight::terraform`), and both were allowed.
    let action = if report.instance.from_plan() {
        format!("{}` and `{}", preflight::terraform::READ_ACTION, permission::ACTION)
    } else {
        permission::ACTION.to_string()
    };
    match policies {
        Policies::Root => {
            let account = caller.map_or("", |c| c.account_id.as_str());
            *check = Check::new(
                permission::ID,
                Status::Pass,
                format!(
                    "the caller is the root identity of account `{account}`, which may do everything on the account's own resources (RAM policies and control policies do not bind it)"
                ),
            );
        }
        Policies::Unknown(why) => {
            let certain_deny = check
                .evaluation
                .as_ref()
                .is_some_and(|e| e.decision == Decision::ExplicitDeny && e.layer != Some(LayerKind::IdentityPolicy));
            if !certain_deny {
                *check = Check::new(
                    permission::ID,
                    Status::Unknown,
                    format!("the caller's identity policies could not be read: {why}"),
                )
                .remediation(
                    "let the caller read its own policies (`ram:ListPoliciesForUser`, `ram:ListGroupsForUser`, `ram:ListPoliciesForGroup`, `ram:ListPoliciesForRole`, `ram:GetPolicy`, and Resource Manager's `ListPolicyAttachments`), or pass them with `--policy FILE` without `--fetch`",
                );
            }
        }
        Policies::Known(_) => {
            if check.status != Status::Pass {
                return;
            }
            let mut unknown = Vec::new();
            if matches!(options.control, Stated::Unstated) {
                unknown.push((
                    "Resource Directory control policies were not stated",
                    "pass them with `--control-policy FILE`, or `--no-control-policies` when the account has none",
                ));
            }
            let role = caller.is_some_and(|c| matches!(c.identity, Identity::AssumedRole { .. }));
            if role && matches!(options.session, Stated::Unstated) {
                unknown.push((
                    "the role session's STS session policy was not stated",
                    "pass it with `--session-policy FILE`, or `--no-session-policy` when the session has none",
                ));
            }
            if unknown.is_empty() {
                return;
            }
            let why: Vec<&str> = unknown.iter().map(|(why, _)| *why).collect();
            let what: Vec<&str> = unknown.iter().map(|(_, what)| *what).collect();
            let evaluation = check.evaluation.take();
            *check = Check::new(
                permission::ID,
                Status::Unknown,
                format!(
                    "the identity policies allow `{action}` on `{resource}`, but {} (they cannot be fetched, and must allow too)",
                    why.join(", and ")
                ),
            )
            .remediation(what.join("; "));
            check.evaluation = evaluation;
        }
    }
    report.verdict = preflight::Verdict::of(&report.checks);
}
