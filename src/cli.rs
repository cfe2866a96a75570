//! The command line, as the CONTRACT fixes it.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::report::Format;

#[derive(Debug, Parser)]
#[command(
    name = "ramguard",
    version = crate::catalog::version_line(),
    about = "Lint Alibaba Cloud RAM policies, and pre-flight the release of Redis / Tair instances",
    after_help = "Environment:\n  RAMGUARD_MAX_INPUT_SIZE  the most ramguard reads from one file or standard input, in bytes or as `128MiB` (default 64MiB)"
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Output format
    #[arg(long, global = true, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// When to use colour (`NO_COLOR` is honoured by `auto`)
    #[arg(long, global = true, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
    /// Configuration file (default: `ramguard.toml` here or in the nearest parent folder)
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Lint RAM policy documents (files, folders, or `-` for standard input)
    Lint(LintArgs),
    /// May this Redis / Tair instance be released now, by this caller?
    Preflight(PreflightArgs),
    /// Would RAM allow this request, and which statement decides?
    Simulate(SimulateArgs),
    /// List every rule: code, name, default severity, summary
    Rules,
    /// The access a change of policy grants and takes away: `diff OLD NEW`
    Diff(DiffArgs),
    /// Print the documentation of one rule, by name or code
    Explain {
        /// A rule name (`wildcard-grants-delete`) or code (`RG201`)
        rule: String,
    },
}

#[derive(Debug, Args)]
pub struct LintArgs {
    /// Files or folders to lint (default: the current folder)
    pub paths: Vec<PathBuf>,
    /// Fail on warnings too
    #[arg(long)]
    pub deny_warnings: bool,
    /// Lint files even where `ramguard.toml` ignores them
    #[arg(long)]
    pub no_ignore: bool,
}

/// The caller's policies, by layer: the forms `lint` reads, RAM API responses included.
#[derive(Debug, Args)]
pub struct PolicyArgs {
    /// An identity policy of the caller (repeatable: the user's and its groups', or the role's)
    #[arg(long = "policy", value_name = "FILE")]
    pub policies: Vec<PathBuf>,
    /// A Resource Directory control policy (repeatable): it must allow too
    #[arg(long = "control-policy", value_name = "FILE")]
    pub control_policies: Vec<PathBuf>,
    /// The STS session policy: the result is its intersection with the identity policies
    #[arg(long = "session-policy", value_name = "FILE")]
    pub session_policy: Option<PathBuf>,
    /// A condition key of the request, `KEY=VALUE` (repeatable; a key given twice has two values)
    #[arg(long = "context", value_name = "KEY=VALUE")]
    pub context: Vec<String>,
}

#[derive(Debug, Args)]
pub struct SimulateArgs {
    #[command(flatten)]
    pub policies: PolicyArgs,
    /// The action, `service:ActionName` (e.g. `kvstore:DeleteInstance`)
    #[arg(long)]
    pub action: String,
    /// The resource ARN (e.g. `acs:kvstore:cn-hangzhou:1234567890123456:instance/r-bp1...`), or `*`
    #[arg(long)]
    pub resource: String,
}

#[derive(Debug, Args)]
pub struct PreflightArgs {
    /// The instance metadata: a DescribeInstanceAttribute or DescribeInstances response, an
    /// instance object, or `terraform show -json` of a plan or state (`-` for standard input).
    /// A repeated key, an identifier of the wrong shape or Terraform JSON off its schema is
    /// refused (exit 2). Repeatable: what several inputs say of one instance (a plan and a
    /// DescribeInstanceAttribute response) is merged field by field, a disagreement said
    #[arg(long, value_name = "FILE", required_unless_present_any = ["fetch", "from"])]
    pub instance: Vec<PathBuf>,
    /// Check only this instance of the file
    #[arg(long, value_name = "ID")]
    pub instance_id: Option<String>,
    /// The account that owns the instance (16 digits), for its ARN `acs:kvstore:<region>:<account>:instance/<id>`
    #[arg(long, value_name = "ID")]
    pub account_id: Option<String>,
    #[command(flatten)]
    pub policies: PolicyArgs,
    #[command(flatten)]
    pub fetch: FetchArgs,
}

// --- `preflight --fetch` / `--from` (issue 11, section 1) -------------------------------------

/// Gather the instance, the caller and its policies through the `aliyun` CLI, or replay a saved
/// audit.
#[derive(Debug, Args)]
pub struct FetchArgs {
    /// Fetch the instance (`--instance-id`), the caller and its identity policies with the
    /// `aliyun` CLI; with `--instance FILE` (a Terraform plan), fetch the live attributes of
    /// each instance it deletes, and merge them
    #[arg(long, conflicts_with_all = ["from", "policies"])]
    pub fetch: bool,
    /// Re-run a saved audit offline (a folder written by `--save`)
    #[arg(long, value_name = "DIR", conflicts_with_all = ["instance", "instance_id", "policies", "save"])]
    pub from: Option<PathBuf>,
    /// Write every response used, with a manifest, to a new folder
    #[arg(long, value_name = "DIR", requires = "fetch")]
    pub save: Option<PathBuf>,
    /// The `aliyun` CLI to run (default: `aliyun` on `PATH`)
    #[arg(long, value_name = "PATH", requires = "fetch")]
    pub aliyun: Option<PathBuf>,
    /// The `aliyun` CLI profile to use (passed as `--profile NAME`)
    #[arg(long, value_name = "NAME", requires = "fetch")]
    pub profile: Option<String>,
    /// The instance's region: with `--fetch`, passed to the `aliyun` CLI as `--region`; for a
    /// file that does not say (a Terraform plan), it completes the instance's ARN
    #[arg(long, value_name = "REGION", conflicts_with = "from")]
    pub region: Option<String>,
    /// State that no Resource Directory control policy applies (they cannot be fetched)
    #[arg(long, conflicts_with = "control_policies")]
    pub no_control_policies: bool,
    /// State that the role session has no STS session policy (it cannot be fetched)
    #[arg(long, conflicts_with = "session_policy")]
    pub no_session_policy: bool,
}

// --- `ramguard diff` (issue 10, section 3) ------------------------------------------------------

/// Compare two versions of a policy document: the access NEW grants that OLD did not, and the
/// reverse, each with a request that shows it.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The policy before the change (any form `lint` reads, one document)
    pub old: PathBuf,
    /// The policy after the change
    pub new: PathBuf,
    /// Fail (exit 1) when NEW allows anything OLD did not
    #[arg(long)]
    pub fail_on_new_access: bool,
    /// Fail (exit 1) when NEW allows `ACTION` (on `RESOURCE`, or on any resource) in any
    /// context (repeatable)
    #[arg(long, value_name = "ACTION[@RESOURCE]")]
    pub deny_access: Vec<String>,
}
