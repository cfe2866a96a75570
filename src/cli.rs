//! The command line, as the CONTRACT fixes it.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

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
    /// `--format` before the subcommand, as the first wave took it: still accepted, and checked
    /// against what the subcommand prints. Each subcommand's own `--format` lists its formats.
    #[arg(long = "format", value_enum, hide = true)]
    pub format_before_subcommand: Option<AnyFormat>,
    /// When to use colour (`NO_COLOR` is honoured by `auto`)
    #[arg(long, global = true, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
    /// Configuration file (default: for `lint`, the `ramguard.toml` nearest above each path linted;
    /// for the other subcommands, the nearest above the working directory)
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

/// Every format some subcommand prints (the hidden top-level `--format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AnyFormat {
    Human,
    Concise,
    Json,
    Sarif,
    Github,
}

/// What `lint` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LintFormat {
    /// Diagnostics with source snippets (the default)
    Human,
    /// One line per finding, `path:line:col: CODE message`, for editors and `grep`
    Concise,
    /// One JSON object: `diagnostics` and `summary`
    Json,
    /// SARIF 2.1.0, for code-scanning services
    Sarif,
    /// GitHub Actions workflow annotations
    Github,
}

/// What `simulate`, `rules` and `explain` print.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// Text for people (the default)
    Human,
    /// JSON for scripts
    Json,
}

/// What `preflight` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PreflightFormat {
    /// The checklist and verdict, for people (the default)
    Human,
    /// JSON for scripts
    Json,
    /// GitHub Actions annotations, and the job summary appended to `$GITHUB_STEP_SUMMARY`
    Github,
}

impl AnyFormat {
    /// The name `--format` takes.
    pub fn name(self) -> &'static str {
        match self {
            Self::Human => "human",
            Self::Concise => "concise",
            Self::Json => "json",
            Self::Sarif => "sarif",
            Self::Github => "github",
        }
    }

    pub fn for_lint(self) -> LintFormat {
        match self {
            Self::Human => LintFormat::Human,
            Self::Concise => LintFormat::Concise,
            Self::Json => LintFormat::Json,
            Self::Sarif => LintFormat::Sarif,
            Self::Github => LintFormat::Github,
        }
    }

    /// `preflight`'s format, if it prints this one.
    pub fn for_preflight(self) -> Option<PreflightFormat> {
        match self {
            Self::Human => Some(PreflightFormat::Human),
            Self::Json => Some(PreflightFormat::Json),
            Self::Github => Some(PreflightFormat::Github),
            _ => None,
        }
    }

    /// The report format, if this subcommand's formats include it.
    pub fn for_report(self) -> Option<ReportFormat> {
        match self {
            Self::Human => Some(ReportFormat::Human),
            Self::Json => Some(ReportFormat::Json),
            _ => None,
        }
    }
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
    /// List every rule: code, name, severity (as `ramguard.toml` sets it), summary
    Rules(RulesArgs),
    /// The access a change of policy grants and takes away: `diff OLD NEW`, `diff --base REV [PATH]...`
    Diff(DiffArgs),
    /// Print the documentation of one rule, by name or code
    Explain(ExplainArgs),
    /// Print shell completions (`ramguard completions bash > /etc/bash_completion.d/ramguard`)
    Completions(CompletionsArgs),
    /// Print the man page (roff), e.g. `ramguard manpage > ramguard.1`
    Manpage,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    /// Output format
    #[arg(long, value_enum)]
    pub format: Option<ReportFormat>,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// A rule name (`wildcard-grants-delete`) or code (`RG201`)
    pub rule: String,
    /// Output format (`human` is the rule's Markdown documentation)
    #[arg(long, value_enum)]
    pub format: Option<ReportFormat>,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct LintArgs {
    /// Files or folders to lint (default: the current folder)
    pub paths: Vec<PathBuf>,
    /// Output format
    #[arg(long, value_enum)]
    pub format: Option<LintFormat>,
    /// Fail on warnings too
    #[arg(long)]
    pub deny_warnings: bool,
    /// Exit 0 even when there are findings (2 still means ramguard could not run)
    #[arg(long)]
    pub exit_zero: bool,
    /// Lint files even where `ramguard.toml` ignores them
    #[arg(long)]
    pub no_ignore: bool,
    /// Run only these rules: names, codes or code prefixes (`RG2`), comma-separated; replaces
    /// the rules `ramguard.toml` turns on or off
    #[arg(long, value_name = "RULE", value_delimiter = ',')]
    pub select: Vec<String>,
    /// Run these rules too (names, codes or prefixes), even where `ramguard.toml` turns them off
    #[arg(long, value_name = "RULE", value_delimiter = ',')]
    pub extend_select: Vec<String>,
    /// Do not run these rules (names, codes or prefixes); wins over `--select`
    #[arg(long, value_name = "RULE", value_delimiter = ',')]
    pub ignore: Vec<String>,
    /// Print how many findings each rule made, instead of the findings
    #[arg(long)]
    pub statistics: bool,
    /// Write the report to FILE instead of standard output
    #[arg(long, value_name = "FILE")]
    pub output_file: Option<PathBuf>,
    /// Print no report: only the exit code, and errors that stop the run
    #[arg(long, short = 'q', conflicts_with_all = ["statistics", "show_skipped"])]
    pub quiet: bool,
    /// List each file that was skipped, and why
    #[arg(long, short = 'v', visible_alias = "verbose")]
    pub show_skipped: bool,
    /// Rewrite the files in place with the safe mechanical fixes (`ramguard explain RULE` says
    /// which rules have one), then report what is left
    #[arg(long, conflicts_with = "diff")]
    pub fix: bool,
    /// Print the fixes as a unified diff instead of writing them (exit 1 when there is one)
    #[arg(long)]
    pub diff: bool,
    /// With `--fix` or `--diff`: apply the fixes that change what a policy grants, too
    #[arg(long)]
    pub unsafe_fixes: bool,
}

/// The caller's policies, by layer: the forms `lint` reads, RAM API responses, `.tf` files and
/// Terraform plans and states included; `FILE#ADDRESS` picks one document of a file that holds
/// several (`main.tf#local.policy_json`, `plan.json#module.ops.alicloud_ram_policy.p`).
#[derive(Debug, Args)]
pub struct PolicyArgs {
    /// An identity policy of the caller (repeatable: the user's and its groups', or the role's);
    /// `FILE#ADDRESS` picks one document of a `.tf` file or a Terraform plan by its address
    #[arg(long = "policy", value_name = "FILE[#ADDRESS]")]
    pub policies: Vec<PathBuf>,
    /// A Resource Directory control policy (repeatable): it must allow too
    #[arg(long = "control-policy", value_name = "FILE[#ADDRESS]")]
    pub control_policies: Vec<PathBuf>,
    /// The STS session policy: the result is its intersection with the identity policies
    #[arg(long = "session-policy", value_name = "FILE[#ADDRESS]")]
    pub session_policy: Option<PathBuf>,
    /// A condition key of the request, `KEY=VALUE` (repeatable; a service key given twice has two values; a global or tag key, which a request carries once, is refused twice)
    #[arg(long = "context", value_name = "KEY=VALUE")]
    pub context: Vec<String>,
    /// A condition key the request does not carry (repeatable): a witness of `diff` or of a
    /// `conditional` answer may need one absent, which no `--context` can say
    #[arg(long = "absent", value_name = "KEY")]
    pub absent: Vec<String>,
}

impl PolicyArgs {
    /// The request's context: `--context` values and `--absent` keys (a key given both ways is
    /// refused: it cannot be both).
    pub fn request_context(&self) -> Result<crate::eval::Context, String> {
        self.request_context_with(&self.context)
    }

    /// [`PolicyArgs::request_context`] with these `KEY=VALUE` assignments in place of
    /// `--context`'s (a saved audit's and the command line's, together).
    pub fn request_context_with(&self, assignments: &[String]) -> Result<crate::eval::Context, String> {
        let mut context = crate::eval::Context::from_assignments(assignments)?;
        for key in &self.absent {
            let key = key.trim();
            if key.is_empty() {
                return Err("`--absent` takes a condition key".to_string());
            }
            if assignments.iter().any(|a| {
                a.split_once('=')
                    .is_some_and(|(k, _)| k.trim().eq_ignore_ascii_case(key))
            }) {
                return Err(format!(
                    "`{key}` is given both a value (`--context`) and as absent (`--absent`)"
                ));
            }
            context.mark_absent(key);
        }
        Ok(context)
    }
}

#[derive(Debug, Args)]
pub struct SimulateArgs {
    /// Output format
    #[arg(long, value_enum)]
    pub format: Option<ReportFormat>,
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
    /// Output format
    #[arg(long, value_enum)]
    pub format: Option<PreflightFormat>,
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
#[command(
    override_usage = "ramguard diff [OPTIONS] OLD NEW\n       ramguard diff [OPTIONS] --base REV [--staged] [PATH]...",
    after_help = "Checks (`--fail-on-new-access`, `--deny-access`) add to those of `[diff]` in ramguard.toml.\nExit codes: 0 no check failed, 1 a check failed, 2 could not run (usage, a broken NEW policy, git), 3 no check failed but the comparison was not exhaustive."
)]
pub struct DiffArgs {
    /// OLD and NEW (any form `lint` reads; `FILE#ADDRESS` picks one document of a Terraform file
    /// or plan); with `--base`, the files or folders to compare (default: the current folder)
    #[arg(value_name = "OLD NEW | PATH")]
    pub paths: Vec<PathBuf>,
    /// Compare each policy file at this git revision (`HEAD`, `origin/main`) with the work tree
    #[arg(long, value_name = "REV")]
    pub base: Option<String>,
    /// With `--base`: compare with the index (what `git commit` would record), the pre-commit case
    #[arg(long, requires = "base")]
    pub staged: bool,
    /// Fail (exit 1) when NEW allows anything OLD did not
    #[arg(long)]
    pub fail_on_new_access: bool,
    /// Fail (exit 1) when NEW allows `ACTION` (on `RESOURCE`, or on any resource) in any
    /// context (repeatable)
    #[arg(long, value_name = "ACTION[@RESOURCE]")]
    pub deny_access: Vec<String>,
    /// Output format
    #[arg(long, value_enum)]
    pub format: Option<DiffFormat>,
}

/// What `diff` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    /// New and removed access, one line each, for people (the default)
    Human,
    /// JSON for scripts
    Json,
    /// SARIF 2.1.0: a result per new access and per failed check, on NEW's statement
    Sarif,
    /// GitHub Actions annotations on NEW's statements
    Github,
}

impl AnyFormat {
    /// `diff`'s format, if it prints this one.
    pub fn for_diff(self) -> Option<DiffFormat> {
        match self {
            Self::Human => Some(DiffFormat::Human),
            Self::Json => Some(DiffFormat::Json),
            Self::Sarif => Some(DiffFormat::Sarif),
            Self::Github => Some(DiffFormat::Github),
            Self::Concise => None,
        }
    }
}
