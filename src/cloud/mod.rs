//! The outside world: what `preflight --fetch` learns from the account through the `aliyun`
//! CLI, and how a saved audit is replayed (`--save DIR`, `--from DIR`).
//!
//! Why it is shaped this way:
//!
//! - Every request goes through one small trait, [`Api`]: [`aliyun::AliyunCli`] runs the real
//!   CLI, [`saved::Replay`] answers from a saved audit, and tests put a fake `aliyun` on `PATH`.
//!   The gathering logic ([`gather`]) never knows which one it talks to.
//! - ramguard does not sign requests or read credentials: the CLI already handles every
//!   credential mode of the user's profile. ramguard only names the profile (`--profile`).
//! - A [`Call`] can only be built from values that passed [`check_value`]: the CLI is run
//!   without a shell, and still no value may look like an option or carry anything but the
//!   documented characters of an instance ID, a region, or a RAM name — names read from one
//!   response and passed to the next call included.
//! - Responses are read as strictly as any input (strict JSON, no duplicate key, the documented
//!   types). A response ramguard does not understand stops the run (exit 2); a call the caller
//!   may not make is an error code, and the check it feeds is `unknown`, never a guess.

pub mod aliyun;
pub mod gather;
pub mod saved;

use std::fmt;

/// What an argument value is, which decides the characters it may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueKind {
    /// `r-bp1zxszhcgatnx0001`: lowercase letters and digits around hyphens.
    InstanceId,
    /// `cn-hangzhou`: lowercase letters, digits and hyphens.
    Region,
    /// An `aliyun configure` profile name.
    Profile,
    /// A RAM user, group or role name: letters, digits, `.`, `_`, `-` (RAM's CreateUser,
    /// CreateGroup, CreateRole).
    RamName,
    /// A policy name: letters, digits, `-` (CreatePolicy); system policies keep to the same.
    PolicyName,
    /// `Custom` or `System`.
    PolicyType,
    /// `rg-acfmyiu4ekp0001`: letters, digits, hyphens.
    ResourceGroupId,
    /// A page number or size: digits.
    Number,
}

impl ValueKind {
    pub fn describe(self) -> &'static str {
        match self {
            Self::InstanceId => "an instance ID (lowercase letters and digits, e.g. `r-bp1zxszhcgatnx0001`)",
            Self::Region => "a region ID (lowercase letters, digits and hyphens, e.g. `cn-hangzhou`)",
            Self::Profile => "a profile name (letters, digits, `.`, `_`, `-`)",
            Self::RamName => "a RAM user, group or role name (letters, digits, `.`, `_`, `-`, at most 64)",
            Self::PolicyName => "a policy name (letters, digits, `-`, at most 128)",
            Self::PolicyType => "a policy type (`Custom` or `System`)",
            Self::ResourceGroupId => "a resource group ID (letters, digits and hyphens, e.g. `rg-acfmyiu4ekp0001`)",
            Self::Number => "a number",
        }
    }
}

/// Whether `value` is a well-formed value of `kind`. No value may start with `-` (the CLI would
/// read it as an option) or hold anything a shell, a terminal or a file name would give meaning.
pub fn check_value(kind: ValueKind, value: &str) -> bool {
    let starts_alphanumeric = value.bytes().next().is_some_and(|b| b.is_ascii_alphanumeric());
    let all = |allowed: &dyn Fn(u8) -> bool, max: usize| {
        starts_alphanumeric && value.len() <= max && value.bytes().all(allowed)
    };
    match kind {
        // The same shapes the instance readers hold identifiers to.
        ValueKind::InstanceId => value.len() <= 64 && crate::inputs::identifiers::is_instance_id(value),
        ValueKind::Region => value.len() <= 64 && crate::inputs::identifiers::is_region(value),
        ValueKind::Profile | ValueKind::RamName => {
            all(&|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'), 64)
        }
        ValueKind::PolicyName => all(&|b| b.is_ascii_alphanumeric() || b == b'-', 128),
        ValueKind::PolicyType => matches!(value, "Custom" | "System"),
        ValueKind::ResourceGroupId => all(&|b| b.is_ascii_alphanumeric() || b == b'-', 64),
        ValueKind::Number => all(&|b| b.is_ascii_digit(), 9),
    }
}

/// A value refused before any call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidValue {
    pub what: String,
    pub value: String,
    pub kind: ValueKind,
}

impl fmt::Display for InvalidValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} `{}` is not {}; refusing to pass it to the `aliyun` CLI",
            self.what,
            self.value.escape_debug(),
            self.kind.describe()
        )
    }
}

/// Validate one value, naming where it came from (`--instance-id`, `GroupName of ListGroupsForUser`).
pub fn validated(kind: ValueKind, what: &str, value: &str) -> Result<String, InvalidValue> {
    if check_value(kind, value) {
        Ok(value.to_string())
    } else {
        Err(InvalidValue {
            what: what.to_string(),
            value: value.to_string(),
            kind,
        })
    }
}

/// One API request: `aliyun <product> <api> --Key value ...`, every value validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    pub product: &'static str,
    pub api: &'static str,
    params: Vec<(&'static str, String)>,
}

impl Call {
    pub fn new(product: &'static str, api: &'static str) -> Self {
        Self {
            product,
            api,
            params: Vec::new(),
        }
    }

    /// Add `--key value`, the value validated as `kind`.
    pub fn param(mut self, key: &'static str, kind: ValueKind, value: &str) -> Result<Self, InvalidValue> {
        let value = validated(kind, &format!("`{key}` of `{} {}`", self.product, self.api), value)?;
        self.params.push((key, value));
        Ok(self)
    }

    pub fn params(&self) -> &[(&'static str, String)] {
        &self.params
    }

    /// The command's words after `aliyun`: `ram GetPolicy --PolicyName ops --PolicyType Custom`.
    pub fn words(&self) -> Vec<String> {
        let mut words = vec![self.product.to_string(), self.api.to_string()];
        for (key, value) in &self.params {
            words.push(format!("--{key}"));
            words.push(value.clone());
        }
        words
    }

    /// The name its response is known by, in messages, snippets and a saved audit:
    /// `ram-GetPolicy-ops-Custom.json`.
    pub fn file_name(&self) -> String {
        let mut name = format!("{}-{}", self.product, self.api);
        for (_, value) in &self.params {
            name.push('-');
            name.push_str(value);
        }
        name + ".json"
    }
}

impl fmt::Display for Call {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "aliyun {}", self.words().join(" "))
    }
}

/// Why a call gave no response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallError {
    /// The CLI ran and reported an API error (e.g. `NoPermission`): the check it feeds is
    /// `unknown`. The code is `None` when the CLI's error text carried none ramguard could read.
    Refused { code: Option<String> },
    /// The call could not be made at all (no CLI, a timeout, an oversized answer, no saved
    /// response): the run stops, exit 2. One line for the user.
    Failed(String),
}

impl CallError {
    /// `NoPermission`, or a phrase when the CLI said no code.
    pub fn code_text(code: Option<&str>) -> String {
        code.map_or_else(|| "an error without a code".to_string(), |c| format!("`{c}`"))
    }
}

/// Where responses come from: the `aliyun` CLI, a saved audit, or a test's fake.
pub trait Api {
    /// The response's bytes, as the API sent them.
    fn call(&self, call: &Call) -> Result<Vec<u8>, CallError>;
}

/// An API error code as the CLI prints it, from its error text: `ErrorCode: NoPermission`
/// (`ERROR: SDK.ServerError` text) or a JSON `"Code": "NoPermission"`. Only a code of the
/// documented shape is kept; the rest of the text (which may echo a request) is never shown.
pub fn error_code(stderr: &str) -> Option<String> {
    let plausible = |code: &str| {
        !code.is_empty()
            && code.len() <= 100
            && code
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'_')
    };
    for line in stderr.lines() {
        if let Some(code) = line.trim().strip_prefix("ErrorCode:").map(str::trim)
            && plausible(code)
        {
            return Some(code.to_string());
        }
    }
    let start = stderr.find('{')?;
    let root = crate::json::parse(stderr.get(start..)?.trim_end()).ok()?;
    let code = root.get("Code")?.value.as_str()?;
    plausible(code).then(|| code.to_string())
}

/// How long one call may take before the CLI is stopped.
pub const CALL_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60);

/// `--region` and `--profile`, each held to its characters before it reaches the CLI.
fn region_and_profile(fetch: &crate::cli::FetchArgs) -> Result<(Option<String>, Option<String>), gather::GatherError> {
    let region = fetch
        .region
        .as_deref()
        .map(|r| validated(ValueKind::Region, "--region", r))
        .transpose()?;
    let profile = fetch
        .profile
        .as_deref()
        .map(|p| validated(ValueKind::Profile, "--profile", p))
        .transpose()?;
    Ok((region, profile))
}

/// `preflight --fetch` or `--from DIR`: gather (or replay) and check. `--save DIR` writes the
/// responses once the audit is complete.
pub fn run(
    args: &crate::cli::PreflightArgs,
    config: &crate::config::Config,
) -> Result<gather::Audit, gather::GatherError> {
    use gather::{GatherError, Options, Stated};

    let fetch = &args.fetch;
    let usage = GatherError::Usage;
    let replay = match &fetch.from {
        Some(dir) => Some(saved::Replay::open(dir).map_err(usage)?),
        None => None,
    };
    let saved = replay.as_ref().map(|r| r.statements.clone()).unwrap_or_default();
    if !args.instance.is_empty() {
        return run_with_files(args, config);
    }
    let instance_id = match (&args.instance_id, &replay) {
        (Some(id), _) => validated(ValueKind::InstanceId, "--instance-id", id)?,
        (None, Some(_)) => saved.instance_id.clone(),
        (None, None) => {
            return Err(usage(
                "--fetch needs --instance-id ID, or --instance FILE (a plan)".into(),
            ));
        }
    };
    let (region, profile) = region_and_profile(fetch)?;
    // A saved audit brings what was stated when it was made; the command line may add to it.
    let in_folder = |name: &String| replay.as_ref().map_or_else(|| name.into(), |r| r.dir.join(name));
    let mut context = saved.context.clone();
    // What the audit already states, stated again, is no second value.
    context.extend(
        args.policies
            .context
            .iter()
            .filter(|a| !saved.context.contains(a))
            .cloned(),
    );
    let control = if !args.policies.control_policies.is_empty() {
        Stated::Files(args.policies.control_policies.clone())
    } else if !saved.control_policies.is_empty() {
        Stated::Files(saved.control_policies.iter().map(in_folder).collect())
    } else if fetch.no_control_policies || saved.no_control_policies {
        Stated::None
    } else {
        Stated::Unstated
    };
    let session = match (&args.policies.session_policy, &saved.session_policy) {
        (Some(path), _) => Stated::Files(vec![path.clone()]),
        (None, Some(name)) => Stated::Files(vec![in_folder(name)]),
        (None, None) if fetch.no_session_policy || saved.no_session_policy => Stated::None,
        (None, None) => Stated::Unstated,
    };
    // `--account-id` was checked with the other arguments of `preflight`.
    let options = Options {
        config,
        instance_id: instance_id.clone(),
        region: region.clone().or_else(|| saved.region.clone()),
        account_id: args.account_id.clone(),
        context: args.policies.request_context_with(&context).map_err(usage)?,
        control,
        session,
        merge_with: Vec::new(),
    };
    if let Some(replay) = &replay {
        return gather::audit(replay, &options);
    }
    let cli = aliyun::AliyunCli {
        program: fetch.aliyun.clone().unwrap_or_else(|| "aliyun".into()),
        profile,
        region: region.clone(),
        timeout: CALL_TIMEOUT,
    };
    let Some(dir) = &fetch.save else {
        return gather::audit(&cli, &options);
    };
    let recorder = saved::Recorder::new(&cli);
    let audit = gather::audit(&recorder, &options)?;
    let mut extra = Vec::new();
    let mut statements = saved::Statements {
        instance_id,
        region,
        context: args.policies.context.clone(),
        no_control_policies: fetch.no_control_policies,
        no_session_policy: fetch.no_session_policy,
        ..saved::Statements::default()
    };
    let copy = |path: &std::path::Path| std::fs::read(path).map_err(|e| usage(format!("{}: {e}", path.display())));
    for (i, path) in args.policies.control_policies.iter().enumerate() {
        let name = format!("control-policy-{}.json", i + 1);
        extra.push((name.clone(), copy(path)?));
        statements.control_policies.push(name);
    }
    if let Some(path) = &args.policies.session_policy {
        let name = "session-policy.json".to_string();
        extra.push((name.clone(), copy(path)?));
        statements.session_policy = Some(name);
    }
    recorder.save(dir, &statements, &extra).map_err(usage)?;
    Ok(audit)
}

/// `--instance FILE... --fetch` (a Terraform plan, say): the live attributes of each instance
/// the files hold (each the plan deletes), fetched with `DescribeInstanceAttribute` in the
/// instance's own region and merged with what the files say; the caller and its policies are
/// fetched for each, since the policies attached at an instance's resource group differ.
fn run_with_files(
    args: &crate::cli::PreflightArgs,
    config: &crate::config::Config,
) -> Result<gather::Audit, gather::GatherError> {
    use gather::{GatherError, Options, Stated};

    let fetch = &args.fetch;
    let usage = GatherError::Usage;
    if fetch.save.is_some() {
        return Err(usage(
            "--save records an audit of one `--instance-id`; with --instance FILE, run it per instance with --fetch --instance-id ID --save DIR".into(),
        ));
    }
    let mut read = Vec::new();
    for path in &args.instance {
        read.push(crate::inputs::instances::load(path).map_err(usage)?);
    }
    let mut instances = crate::inputs::instances::merge(read);
    if let Some(id) = &args.instance_id {
        instances.retain(|i| i.id == *id);
        if instances.is_empty() {
            return Err(usage(format!("--instance-id `{id}` is not in the --instance files")));
        }
    }
    let (region, profile) = region_and_profile(fetch)?;
    let stated = |files: &[std::path::PathBuf], none: bool| {
        if !files.is_empty() {
            Stated::Files(files.to_vec())
        } else if none {
            Stated::None
        } else {
            Stated::Unstated
        }
    };
    let mut audits = Vec::new();
    for instance in instances {
        let instance_id = validated(
            ValueKind::InstanceId,
            "the instance ID of an --instance file",
            &instance.id,
        )?;
        // The instance's own region, where the file says it; `--region` where it does not. A
        // file and `--region` that disagree: the answer is refused as placing it elsewhere.
        let region = match (&instance.region, &region) {
            (Some(own), Some(given)) if own != given => {
                return Err(usage(format!(
                    "--region `{given}` contradicts the input, which places `{}` in `{own}`",
                    instance.id
                )));
            }
            (Some(own), _) => Some(own.clone()),
            (None, given) => given.clone(),
        };
        let options = Options {
            config,
            instance_id,
            region: region.clone(),
            account_id: args.account_id.clone(),
            context: args.policies.request_context().map_err(usage)?,
            control: stated(&args.policies.control_policies, fetch.no_control_policies),
            session: stated(args.policies.session_policy.as_slice(), fetch.no_session_policy),
            merge_with: vec![instance],
        };
        let cli = aliyun::AliyunCli {
            program: fetch.aliyun.clone().unwrap_or_else(|| "aliyun".into()),
            profile: profile.clone(),
            region,
            timeout: CALL_TIMEOUT,
        };
        audits.push(gather::audit(&cli, &options)?);
    }
    Ok(gather::Audit::combine(audits))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_keep_to_their_characters() {
        assert!(check_value(ValueKind::InstanceId, "r-bp1zxszhcgatnx0001"));
        for bad in ["r-bp1 x", "r-bp1;rm", "-r", "", "R-BP1", "r-bp1$(x)", "r-bp1\n"] {
            assert!(!check_value(ValueKind::InstanceId, bad), "{bad:?}");
        }
        assert!(check_value(ValueKind::RamName, "ops.team_1-a"));
        assert!(!check_value(ValueKind::RamName, "--profile"));
        assert!(check_value(ValueKind::PolicyName, "AliyunKvstoreFullAccess"));
        assert!(!check_value(ValueKind::PolicyName, "a/b"));
        assert!(!check_value(ValueKind::PolicyType, "custom"));
    }

    #[test]
    fn error_codes_are_read_from_both_forms() {
        let text = "ERROR: SDK.ServerError\nErrorCode: NoPermission\nRecommend: https://x\nRequestId: 1\nMessage: You are not authorized\n";
        assert_eq!(error_code(text).as_deref(), Some("NoPermission"));
        let json = "ERROR: {\"Code\": \"EntityNotExist.User\", \"Message\": \"x\"}";
        assert_eq!(error_code(json).as_deref(), Some("EntityNotExist.User"));
        assert_eq!(error_code("ErrorCode: `rm -rf`"), None);
        assert_eq!(error_code("something broke"), None);
    }
}
