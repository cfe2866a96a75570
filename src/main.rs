//! The thin binary: parse the arguments, run the library, print, and map the outcome to an
//! exit code (0 clean, 1 findings or a denial, 2 could not run, 3 uncertain).

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use ramguard::cli::{Cli, Color, Command, GlobalArgs, LintArgs, PolicyArgs, PreflightArgs, SimulateArgs};
use ramguard::config::{Config, ConfigError};
use ramguard::eval::{self, Context, Decision, Layer, Resource};
use ramguard::inputs::evaluable::{self, LoadError};
use ramguard::inputs::identifiers;
use ramguard::lint::{self, LintOptions};
use ramguard::report::{self, Format, human::Style};
use ramguard::rules::{self, Severity};

/// Could not run: exit 2, with a message (and, for a configuration, the place).
#[derive(Debug)]
enum Failure {
    Usage(String),
    Config(ConfigError),
    Policy(LoadError),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = run(&cli);
    match result {
        Ok(code) => ExitCode::from(code),
        Err(failure) => {
            let style = style(&cli.global, std::io::stderr().is_terminal());
            let text = match failure {
                Failure::Usage(message) => format!("error: {}\n", report::escape::lines(&message)),
                Failure::Config(error) => render_config_error(&error, style),
                Failure::Policy(error) => {
                    let mut text = String::new();
                    if let LoadError::Refused(report) = &error {
                        for finding in &report.findings {
                            report::human::render_finding(&mut text, &report.source, finding, style);
                        }
                    }
                    text + &format!("error: {}\n", report::escape::lines(&error.message()))
                }
            };
            let _ = std::io::stderr().write_all(text.as_bytes());
            ExitCode::from(2)
        }
    }
}

fn run(cli: &Cli) -> Result<u8, Failure> {
    match &cli.command {
        Command::Lint(args) => run_lint(&cli.global, args),
        Command::Simulate(args) => run_simulate(&cli.global, args),
        Command::Preflight(args) => run_preflight(&cli.global, args),
        Command::Diff(args) => run_diff(&cli.global, args),
        Command::Rules => {
            print(&render_rules(cli.global.format)?);
            Ok(0)
        }
        Command::Explain { rule } => {
            let Some(rule) = rules::by_name_or_code(rule) else {
                let hint = ramguard::suggest::did_you_mean(rule, rules::ALL.iter().map(|r| r.name)).map_or_else(
                    || "`ramguard rules` lists them".to_string(),
                    |s| format!("did you mean `{s}`?"),
                );
                return Err(Failure::Usage(format!("`{rule}` is not a rule; {hint}")));
            };
            print(&format!(
                "# {} ({}, {} by default)\n\n{}\n",
                rule.name,
                rule.code,
                rule.severity.as_str(),
                rule.doc()
            ));
            Ok(0)
        }
    }
}

fn run_lint(global: &GlobalArgs, args: &LintArgs) -> Result<u8, Failure> {
    let cwd = std::env::current_dir().map_err(|e| Failure::Usage(format!("cannot read the working directory: {e}")))?;
    let config = Config::discover(global.config.as_deref(), &cwd).map_err(Failure::Config)?;
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let options = LintOptions {
        no_ignore: args.no_ignore,
    };
    let report = lint::lint_paths(&paths, &config, &cwd, options).map_err(|errors| {
        Failure::Usage(
            errors
                .iter()
                .map(|e| format!("{}: {}", e.path, e.message))
                .collect::<Vec<_>>()
                .join("\nerror: "),
        )
    })?;
    match global.format {
        Format::Human => {
            let text = report::human::render(&report, style(global, std::io::stderr().is_terminal()));
            let _ = std::io::stderr().write_all(text.as_bytes());
        }
        Format::Json => print(&report::json::render(&report)),
        Format::Sarif => print(&report::sarif::render(&report, &cwd)),
        Format::Github => print(&report::github::render(&report)),
    }
    let failing = report.count(Severity::Error) > 0 || (args.deny_warnings && report.count(Severity::Warning) > 0);
    Ok(u8::from(failing))
}

/// The configuration every subcommand reads: `--config FILE`, or the nearest `ramguard.toml`.
/// A bad one is refused (exit 2), whatever the subcommand.
fn load_config(global: &GlobalArgs) -> Result<Config, Failure> {
    let cwd = std::env::current_dir().map_err(|e| Failure::Usage(format!("cannot read the working directory: {e}")))?;
    Config::discover(global.config.as_deref(), &cwd).map_err(Failure::Config)
}

/// The caller's policies, by layer, each file read, linted (with the configuration's catalogue
/// and rule levels) and compiled.
fn load_layers(args: &PolicyArgs, config: &Config) -> Result<Vec<Layer>, Failure> {
    evaluable::load_layers(
        &args.control_policies,
        args.session_policy.as_deref(),
        &args.policies,
        config,
    )
    .map_err(Failure::Policy)
}

fn run_simulate(global: &GlobalArgs, args: &SimulateArgs) -> Result<u8, Failure> {
    let config = load_config(global)?;
    let action = args.action.trim();
    if action.contains(['*', '?']) || rules::invalid_action::check_form(action).is_err() {
        return Err(Failure::Usage(format!(
            "--action `{action}` is not an action: write `service:ActionName`, without wildcards"
        )));
    }
    let resource = args.resource.trim();
    if resource != "*" && (resource.contains(['*', '?']) || rules::invalid_resource::check_form(resource).is_err()) {
        return Err(Failure::Usage(format!(
            "--resource `{resource}` is not a resource: write an ARN `acs:<service>:<region>:<account>:<relative-id>` without wildcards, or `*`"
        )));
    }
    if args.policies.policies.is_empty() {
        return Err(Failure::Usage(
            "give the caller's identity policies with --policy FILE".into(),
        ));
    }
    let context = Context::from_assignments(&args.policies.context).map_err(Failure::Usage)?;
    let layers = load_layers(&args.policies, &config)?;
    let evaluation = eval::evaluate(&layers, action, &Resource::known(resource), &context);
    match global.format {
        Format::Json => print(&report::escape::json_text(&report::decision::json(
            &evaluation,
            action,
            resource,
        ))),
        Format::Human => print(&report::decision::human(
            &evaluation,
            action,
            resource,
            &layers,
            style(global, std::io::stdout().is_terminal()),
        )),
        other => {
            return Err(Failure::Usage(format!(
                "`simulate` prints `human` or `json`, not `{}`",
                format_name(other)
            )));
        }
    }
    Ok(match evaluation.decision {
        Decision::Allowed => 0,
        Decision::ExplicitDeny | Decision::ImplicitDeny => 1,
        Decision::Conditional => 3,
    })
}

fn run_preflight(global: &GlobalArgs, args: &PreflightArgs) -> Result<u8, Failure> {
    let config = load_config(global)?;
    if let Some(account) = &args.account_id
        && !identifiers::is_account_id(account)
    {
        return Err(Failure::Usage(format!(
            "--account-id `{}` is not an account ID ({} digits, such as `1234567890123456`)",
            identifiers::shown(account),
            identifiers::ACCOUNT_ID_DIGITS
        )));
    }
    if let Some(id) = &args.instance_id
        && !identifiers::is_instance_id(id)
    {
        return Err(Failure::Usage(format!(
            "--instance-id `{}` is not an instance ID (a prefix such as `r-`, then lowercase letters and digits)",
            identifiers::shown(id)
        )));
    }
    if args.fetch.fetch || args.fetch.from.is_some() {
        return run_fetched_preflight(global, args, &config);
    }
    if args.instance.is_empty() {
        return Err(Failure::Usage(
            "give --instance FILE, --fetch --instance-id ID, or --from DIR".into(),
        ));
    }
    let mut read = Vec::new();
    for path in &args.instance {
        read.push(ramguard::inputs::instances::load(path).map_err(Failure::Usage)?);
    }
    let instances = ramguard::inputs::instances::merge(read);
    let instances = with_region(instances, args.fetch.region.as_deref())?;
    let instances = match &args.instance_id {
        None => instances,
        Some(id) => {
            let chosen: Vec<_> = instances.iter().filter(|i| i.id == *id).cloned().collect();
            if chosen.is_empty() {
                let known: Vec<&str> = instances.iter().map(|i| i.id.as_str()).collect();
                let paths: Vec<String> = args.instance.iter().map(|p| p.display().to_string()).collect();
                return Err(Failure::Usage(format!(
                    "--instance-id `{id}` is not in {}; {} {}",
                    paths.join(", "),
                    if paths.len() > 1 { "they hold" } else { "it holds" },
                    if known.is_empty() {
                        "no instance".to_string()
                    } else {
                        known.join(", ")
                    }
                )));
            }
            chosen
        }
    };
    let caller = ramguard::preflight::Caller {
        context: Context::from_assignments(&args.policies.context).map_err(Failure::Usage)?,
        layers: load_layers(&args.policies, &config)?,
        account_id: args.account_id.clone(),
    };
    let reports: Vec<_> = instances
        .iter()
        .map(|i| ramguard::preflight::check(i, &caller))
        .collect();
    match global.format {
        Format::Json => print(&report::escape::json_text(&report::preflight::json(&reports))),
        Format::Human => print(&report::preflight::human(
            &reports,
            &caller.layers,
            style(global, std::io::stdout().is_terminal()),
        )),
        Format::Github => github_preflight(&reports)?,
        other => {
            return Err(Failure::Usage(format!(
                "`preflight` prints `human`, `json` or `github`, not `{}`",
                format_name(other)
            )));
        }
    }
    Ok(report::preflight::exit_code(&reports))
}

/// `--format github`: annotations on stdout, and the job summary appended to the file
/// `$GITHUB_STEP_SUMMARY` names, when it is set (as GitHub's own toolkit appends).
fn github_preflight(reports: &[ramguard::preflight::InstanceReport]) -> Result<(), Failure> {
    if let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) {
        let summary = report::preflight_github::summary(reports);
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .and_then(|mut file| file.write_all(summary.as_bytes()))
            .map_err(|e| {
                Failure::Usage(format!(
                    "cannot write the job summary to `{}` ($GITHUB_STEP_SUMMARY): {e}",
                    std::path::Path::new(&path).display()
                ))
            })?;
    }
    print(&report::preflight_github::annotations(reports));
    Ok(())
}

// --- `preflight --fetch` / `--from DIR` (issue 11, section 1) ---------------------------------

/// Gather through the `aliyun` CLI (or replay a saved audit), then report as for files.
fn run_fetched_preflight(global: &GlobalArgs, args: &PreflightArgs, config: &Config) -> Result<u8, Failure> {
    use ramguard::cloud::gather::GatherError;
    if !matches!(global.format, Format::Human | Format::Json | Format::Github) {
        return Err(Failure::Usage(format!(
            "`preflight` prints `human`, `json` or `github`, not `{}`",
            format_name(global.format)
        )));
    }
    let audit = ramguard::cloud::run(args, config).map_err(|e| match e {
        GatherError::Usage(message) => Failure::Usage(message),
        GatherError::Policy(error) => Failure::Policy(error),
    })?;
    match global.format {
        Format::Json => print(&report::escape::json_text(&report::preflight::json(&audit.reports))),
        Format::Github => github_preflight(&audit.reports)?,
        _ => {
            // Whose permission was checked: the identity the CLI's profile resolved to.
            if let Some(caller) = &audit.caller {
                print(&format!("caller: `{}`\n\n", report::escape::line(&caller.arn)));
            }
            print(&report::preflight::human(
                &audit.reports,
                &audit,
                style(global, std::io::stdout().is_terminal()),
            ));
        }
    }
    Ok(report::preflight::exit_code(&audit.reports))
}

/// `--region` completes the instances whose input does not say where they live (issue 11,
/// section 2); an input that says another region is a contradiction, not something to override.
fn with_region(
    mut instances: Vec<ramguard::inputs::instances::Instance>,
    region: Option<&str>,
) -> Result<Vec<ramguard::inputs::instances::Instance>, Failure> {
    use ramguard::cloud::{ValueKind, check_value};
    let Some(region) = region else {
        return Ok(instances);
    };
    if !check_value(ValueKind::Region, region) {
        return Err(Failure::Usage(format!(
            "--region `{}` is not {}",
            region.escape_debug(),
            ValueKind::Region.describe()
        )));
    }
    let region = region.to_string();
    for instance in &mut instances {
        if instance.conflict(ramguard::inputs::instances::Field::Region).is_some() {
            // The inputs disagree: `--region` siding with one of them settles nothing.
            continue;
        }
        match &instance.region {
            None => instance.region = Some(region.clone()),
            Some(own) if *own == region => {}
            Some(own) => {
                return Err(Failure::Usage(format!(
                    "--region `{region}` contradicts the input, which places `{}` in `{own}`",
                    instance.id
                )));
            }
        }
    }
    Ok(instances)
}

// --- `ramguard diff` (issue 10, section 3) ------------------------------------------------------

/// Compare OLD and NEW; exit 1 when a `--fail-on-new-access` or `--deny-access` check fails.
fn run_diff(global: &GlobalArgs, args: &ramguard::cli::DiffArgs) -> Result<u8, Failure> {
    use ramguard::report::diff::{DocumentReport, Failed};
    if !matches!(global.format, Format::Human | Format::Json) {
        return Err(Failure::Usage(format!(
            "`diff` prints `human` or `json`, not `{}`",
            format_name(global.format)
        )));
    }
    // Each check, parsed before any work: `ACTION[@RESOURCE]`, no wildcard in the action.
    let mut denied = Vec::new();
    for check in &args.deny_access {
        let (action, resource) = match check.split_once('@') {
            Some((action, resource)) => (action.trim(), Some(resource.trim())),
            None => (check.trim(), None),
        };
        if action.contains(['*', '?']) || rules::invalid_action::check_form(action).is_err() {
            return Err(Failure::Usage(format!(
                "--deny-access `{check}`: `{action}` is not an action: write `service:ActionName[@ARN]`, without wildcards"
            )));
        }
        if let Some(resource) = resource
            && (resource.contains(['*', '?']) || rules::invalid_resource::check_form(resource).is_err())
        {
            return Err(Failure::Usage(format!(
                "--deny-access `{check}`: `{resource}` is not a resource ARN (without wildcards)"
            )));
        }
        denied.push((check.clone(), action.to_string(), resource.map(str::to_string)));
    }
    let config = load_config(global)?;
    // A file with several documents is refused by the loader (exit 2), saying so.
    let old = evaluable::load(&args.old, &config).map_err(Failure::Policy)?;
    let new = evaluable::load(&args.new, &config).map_err(Failure::Policy)?;
    // The configuration's catalogue: the kvstore actions it adds are compared too.
    let diff = ramguard::diff::diff(&old, &new, &config.settings.catalog);
    let mut failed = Vec::new();
    if args.fail_on_new_access && diff.may_add_access() {
        failed.push(Failed {
            check: "fail-on-new-access".into(),
            message: format!(
                "--fail-on-new-access: `{}` allows {} request(s) that `{}` denies{}",
                args.new.display(),
                diff.new.len(),
                args.old.display(),
                match diff
                    .undecided
                    .iter()
                    .filter(|(_, old, new)| *new == Decision::Conditional && *old != Decision::Allowed)
                    .count()
                {
                    0 => String::new(),
                    n => format!(", and may allow {n} more (conditional)"),
                }
            ),
            witness: diff.new.first().map(|c| c.witness.clone()),
            statements: diff.new.first().map(|c| c.statements.clone()).unwrap_or_default(),
        });
    }
    let mut limits = std::collections::BTreeSet::new();
    for (check, action, resource) in &denied {
        if let Some((witness, decision, statements)) =
            ramguard::diff::allows_somewhere(&new, action, resource.as_deref(), &mut limits)
        {
            failed.push(Failed {
                check: format!("deny-access {check}"),
                message: format!(
                    "--deny-access `{check}`: `{}` {} {}",
                    args.new.display(),
                    if decision == Decision::Allowed {
                        "allows"
                    } else {
                        "may allow (conditional)"
                    },
                    report::diff::describe(&witness)
                ),
                witness: Some(witness),
                statements,
            });
        }
    }
    // A check that found nothing over an incomplete comparison proves nothing: uncertain.
    let uncertain = failed.is_empty()
        && ((args.fail_on_new_access && !diff.limits.is_empty()) || (!denied.is_empty() && !limits.is_empty()));
    let mut diff = diff;
    diff.limits.extend(limits);
    let documents = [DocumentReport {
        old_file: args.old.display().to_string(),
        file: args.new.display().to_string(),
        address: None,
        diff,
    }];
    match global.format {
        Format::Json => print(&report::escape::json_text(&report::diff::json(
            &documents, &failed, uncertain,
        ))),
        _ => print(&report::diff::human(&documents, &failed, uncertain)),
    }
    Ok(if !failed.is_empty() {
        1
    } else if uncertain {
        3
    } else {
        0
    })
}

/// The name `--format` takes, as clap knows it.
fn format_name(format: Format) -> String {
    clap::ValueEnum::to_possible_value(&format).map_or_else(String::new, |v| v.get_name().to_string())
}

fn render_rules(format: Format) -> Result<String, Failure> {
    match format {
        Format::Json => {
            let rules: Vec<_> = rules::ALL
                .iter()
                .map(|r| serde_json::json!({ "code": r.code, "name": r.name, "severity": r.severity, "summary": r.summary() }))
                .collect();
            let out = serde_json::json!({ "catalogue": ramguard::catalog::Catalog::describe(), "rules": rules });
            Ok(serde_json::to_string_pretty(&out).unwrap_or_default() + "\n")
        }
        Format::Human => {
            let mut out = String::new();
            for rule in rules::ALL {
                out.push_str(&format!(
                    "{:<6} {:<32} {:<8} {}\n",
                    rule.code,
                    rule.name,
                    rule.severity.as_str(),
                    rule.summary()
                ));
            }
            Ok(out)
        }
        other => Err(Failure::Usage(
            format!("`rules` prints `human` or `json`, not `{other:?}`").to_lowercase(),
        )),
    }
}

fn style(global: &GlobalArgs, terminal: bool) -> Style {
    let color = match global.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    };
    Style { color, width: 100 }
}

/// A bad configuration, with its place in the file: rendered as every snippet is (clipped,
/// secrets masked, control characters escaped).
fn render_config_error(error: &ConfigError, style: Style) -> String {
    let mut out = String::new();
    report::human::Snippet {
        title: format!("invalid configuration: {}", error.message),
        code: None,
        severity: miette::Severity::Error,
        source: error.source.as_deref(),
        labels: error.span.map(|span| (span, "here".to_string())).into_iter().collect(),
        help: error.help.clone(),
    }
    .render_alone(&mut out, style);
    out
}

/// Write to stdout; a closed pipe (`ramguard rules | head`) is not an error.
fn print(text: &str) {
    let _ = std::io::stdout().write_all(text.as_bytes());
}

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
