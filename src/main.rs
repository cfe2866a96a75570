//! The thin binary: parse the arguments, run the library, print, and map the outcome to an
//! exit code (0 clean, 1 findings or a denial, 2 could not run, 3 uncertain).

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use ramguard::cli::{
    Cli, Color, Command, ExplainArgs, GlobalArgs, LintArgs, LintFormat, PolicyArgs, PreflightArgs, PreflightFormat,
    ReportFormat, RulesArgs, SimulateArgs,
};
use ramguard::config::{self, Config, ConfigError, Selection};
use ramguard::eval::{self, Decision, Layer, Resource};
use ramguard::inputs::evaluable::{self, LoadError};
use ramguard::inputs::identifiers;
use ramguard::lint::{self, LintOptions, LintReport};
use ramguard::report::{self, human::Style};
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
        Command::Rules(args) => run_rules(&cli.global, args),
        Command::Explain(args) => run_explain(&cli.global, args),
        Command::Completions(args) => {
            let mut out = Vec::new();
            clap_complete::generate(
                args.shell,
                &mut <Cli as clap::CommandFactory>::command(),
                "ramguard",
                &mut out,
            );
            print(&String::from_utf8_lossy(&out));
            Ok(0)
        }
        Command::Manpage => {
            let mut out = Vec::new();
            // The plain version: `--version`'s second line (the catalogue) would break `.TH`.
            let command = <Cli as clap::CommandFactory>::command().version(env!("CARGO_PKG_VERSION"));
            clap_mangen::Man::new(command)
                .render(&mut out)
                .map_err(|e| Failure::Usage(format!("cannot render the man page: {e}")))?;
            print(&String::from_utf8_lossy(&out));
            Ok(0)
        }
    }
}

/// The format a `human`/`json` subcommand prints: its own `--format`, or the one given before
/// the subcommand (refused when the subcommand does not print it).
fn report_format(global: &GlobalArgs, own: Option<ReportFormat>, command: &str) -> Result<ReportFormat, Failure> {
    match (own, global.format_before_subcommand) {
        (Some(format), _) => Ok(format),
        (None, None) => Ok(ReportFormat::Human),
        (None, Some(any)) => any
            .for_report()
            .ok_or_else(|| Failure::Usage(format!("`{command}` prints `human` or `json`, not `{}`", any.name()))),
    }
}

/// `preflight`'s format: `human`, `json` or `github`.
fn preflight_format(global: &GlobalArgs, own: Option<PreflightFormat>) -> Result<PreflightFormat, Failure> {
    match (own, global.format_before_subcommand) {
        (Some(format), _) => Ok(format),
        (None, None) => Ok(PreflightFormat::Human),
        (None, Some(any)) => any.for_preflight().ok_or_else(|| {
            Failure::Usage(format!(
                "`preflight` prints `human`, `json` or `github`, not `{}`",
                any.name()
            ))
        }),
    }
}

fn run_rules(global: &GlobalArgs, args: &RulesArgs) -> Result<u8, Failure> {
    let format = report_format(global, args.format, "rules")?;
    let config = load_config(global)?;
    print(&render_rules(format, &config));
    Ok(0)
}

fn run_explain(global: &GlobalArgs, args: &ExplainArgs) -> Result<u8, Failure> {
    let format = report_format(global, args.format, "explain")?;
    let Some(rule) = rules::by_name_or_code(&args.rule) else {
        let hint = ramguard::suggest::did_you_mean(&args.rule, rules::ALL.iter().map(|r| r.name)).map_or_else(
            || "`ramguard rules` lists them".to_string(),
            |s| format!("did you mean `{s}`?"),
        );
        return Err(Failure::Usage(format!(
            "`{}` is not a rule; {hint}",
            args.rule.escape_debug()
        )));
    };
    match format {
        ReportFormat::Human => print(&format!(
            "# {} ({}, {} by default)\n\n{}\n\n## Fix\n{}\n",
            rule.name,
            rule.code,
            rule.severity.as_str(),
            rule.doc(),
            ramguard::fix::describe(rule.code).unwrap_or("none: `--fix` leaves this one to you")
        )),
        ReportFormat::Json => {
            let out = serde_json::json!({
                "code": rule.code,
                "name": rule.name,
                "severity": rule.severity,
                "summary": rule.summary(),
                "doc": rule.doc(),
                "fix": ramguard::fix::describe(rule.code),
            });
            print(&report::escape::json_text(&out));
        }
    }
    Ok(0)
}

fn run_lint(global: &GlobalArgs, args: &LintArgs) -> Result<u8, Failure> {
    let format = match (args.format, global.format_before_subcommand) {
        (Some(format), _) => format,
        (None, Some(any)) => any.for_lint(),
        (None, None) => LintFormat::Human,
    };
    if args.statistics && matches!(format, LintFormat::Sarif | LintFormat::Github) {
        return Err(Failure::Usage(
            "--statistics prints `human`, `concise` or `json`".into(),
        ));
    }
    if args.show_skipped && matches!(format, LintFormat::Sarif | LintFormat::Github) {
        return Err(Failure::Usage(
            "--show-skipped prints `human`, `concise` or `json`".into(),
        ));
    }
    let cwd = std::env::current_dir().map_err(|e| Failure::Usage(format!("cannot read the working directory: {e}")))?;
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let selection = Selection {
        select: args.select.clone(),
        extend_select: args.extend_select.clone(),
        ignore: args.ignore.clone(),
    };
    let options = LintOptions {
        no_ignore: args.no_ignore,
    };
    if (args.fix || args.diff) && paths.iter().any(|p| p == std::path::Path::new("-")) {
        return Err(Failure::Usage(
            "--fix and --diff rewrite files: name them, not `-`".into(),
        ));
    }
    let lint_group = |group: &[PathBuf], config: &Config| {
        lint::lint_paths(group, config, &cwd, options).map_err(|errors| {
            Failure::Usage(
                errors
                    .iter()
                    .map(|e| format!("{}: {}", e.path, e.message))
                    .collect::<Vec<_>>()
                    .join("\nerror: "),
            )
        })
    };
    // Each path is linted under the `ramguard.toml` nearest to it (or `--config`).
    let mut report = LintReport::default();
    let mut diffs = String::new();
    for (mut config, group) in configured_groups(global, &paths, &cwd)? {
        config.apply_selection(&selection).map_err(Failure::Usage)?;
        let mut part = lint_group(&group, &config)?;
        if args.fix || args.diff {
            let fixed = fix_files(&part, &config, &cwd, args)?;
            for (path, old, new) in &fixed {
                diffs.push_str(&ramguard::fix::unified_diff(path, old, new));
            }
            if args.fix && !fixed.is_empty() {
                part = lint_group(&group, &config)?;
            }
        }
        merge(&mut report, part);
    }
    // `--diff` prints the edits, and nothing else; it fails when there is one.
    if args.diff {
        // Input text is shown, never obeyed: a hidden character in a policy is escaped here too.
        print(&report::escape::lines(&diffs));
        return Ok(u8::from(!diffs.is_empty() && !args.exit_zero));
    }
    let to_terminal = args.output_file.is_none() && std::io::stdout().is_terminal();
    let mut text = if args.quiet {
        String::new()
    } else if args.statistics {
        render_statistics(&report, format)
    } else {
        match format {
            LintFormat::Human => report::human::render(&report, style(global, to_terminal)),
            LintFormat::Concise => report::concise::render(&report),
            LintFormat::Json => report::json::render(&report),
            LintFormat::Sarif => report::sarif::render(&report, &cwd),
            LintFormat::Github => report::github::render(&report),
        }
    };
    if args.show_skipped {
        text = with_skipped(text, &report, format);
    }
    match &args.output_file {
        Some(path) => {
            std::fs::write(path, text).map_err(|e| Failure::Usage(format!("cannot write {}: {e}", path.display())))?
        }
        None => print(&text),
    }
    let failing = report.count(Severity::Error) > 0 || (args.deny_warnings && report.count(Severity::Warning) > 0);
    Ok(u8::from(failing && !args.exit_zero))
}

/// The fixes of every file of the report, each file fixed in memory round after round (a
/// fixed trailing comma lets the rest be read) until nothing changes; written back with
/// `--fix`. Only findings the configuration keeps are fixed, and only a file whose bytes are
/// still the text that was linted. Returns (path, old text, new text) per changed file.
fn fix_files(
    report: &LintReport,
    config: &Config,
    cwd: &std::path::Path,
    args: &LintArgs,
) -> Result<Vec<(String, String, String)>, Failure> {
    use ramguard::inputs::policy_file;
    let mut changed = Vec::new();
    for file in &report.files {
        let path = PathBuf::from(&file.source.name);
        // Not a file as read (the configuration's own findings, a lossy non-UTF-8 read): no fix.
        if config.source.as_ref().is_some_and(|s| s.name == file.source.name)
            || std::fs::read(&path).ok().as_deref() != Some(file.source.text.as_bytes())
        {
            continue;
        }
        let absolute = config::absolute(cwd, &path);
        let relative = config.relative(&absolute).to_string_lossy().into_owned();
        let ignores: Vec<_> = if args.no_ignore {
            Vec::new()
        } else {
            config.ignores_for(config.relative(&absolute)).collect()
        };
        let mut text = file.source.text.to_string();
        for _round in 0..8 {
            let read = policy_file::read(file.source.name.clone(), text.clone().into_bytes());
            let findings: Vec<_> = lint::lint_file(&read, &config.settings, &relative)
                .unwrap_or_default()
                .into_iter()
                .filter(|f| {
                    config.severity(f.rule, f.severity).is_some()
                        && !ignores.iter().any(|(_, ig)| Config::ignore_covers(ig, f.rule))
                })
                .collect();
            let edits = ramguard::fix::edits(&text, &findings, &config.settings.catalog);
            match ramguard::fix::apply(&text, &edits, args.unsafe_fixes) {
                Some(next) => text = next,
                None => break,
            }
        }
        if text != *file.source.text {
            if args.fix {
                std::fs::write(&path, &text)
                    .map_err(|e| Failure::Usage(format!("cannot write {}: {e}", path.display())))?;
            }
            changed.push((file.source.name.clone(), file.source.text.to_string(), text));
        }
    }
    Ok(changed)
}

/// The paths grouped by the configuration that applies to them: `--config` for all, or the
/// nearest `ramguard.toml` above each path (not above the working directory).
fn configured_groups(
    global: &GlobalArgs,
    paths: &[PathBuf],
    cwd: &std::path::Path,
) -> Result<Vec<(Config, Vec<PathBuf>)>, Failure> {
    if global.config.is_some() {
        return Ok(vec![(load_config(global)?, paths.to_vec())]);
    }
    let mut groups: Vec<(Option<PathBuf>, PathBuf, Vec<PathBuf>)> = Vec::new();
    for path in paths {
        let start = config::start_for(path, cwd);
        let file = config::nearest(&start);
        match groups.iter_mut().find(|(f, _, _)| *f == file) {
            Some((_, _, group)) => group.push(path.clone()),
            None => groups.push((file, start, vec![path.clone()])),
        }
    }
    groups
        .into_iter()
        .map(|(file, start, group)| {
            let config = match file {
                Some(file) => Config::load(&file, cwd).map_err(Failure::Config)?,
                None => Config {
                    root: start,
                    ..Config::default()
                },
            };
            Ok((config, group))
        })
        .collect()
}

/// One report from the reports of several configurations.
fn merge(into: &mut LintReport, part: LintReport) {
    into.files.extend(part.files);
    into.files.sort_by(|a, b| a.source.name.cmp(&b.source.name));
    into.linted += part.linted;
    into.documents += part.documents;
    into.skipped += part.skipped;
    into.skipped_files.extend(part.skipped_files);
    into.skipped_files.sort_by(|a, b| a.path.cmp(&b.path));
}

/// `--statistics`: how many findings each rule made, most first.
fn render_statistics(report: &LintReport, format: LintFormat) -> String {
    let mut counts: std::collections::BTreeMap<(&str, &str, Severity), usize> = std::collections::BTreeMap::new();
    for finding in report.files.iter().flat_map(|f| &f.findings) {
        *counts
            .entry((finding.rule.code, finding.rule.name, finding.severity))
            .or_default() += 1;
    }
    let mut rows: Vec<_> = counts.into_iter().collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    if format == LintFormat::Json {
        let rows: Vec<_> = rows
            .iter()
            .map(|((code, name, severity), count)| serde_json::json!({ "code": code, "name": name, "severity": severity, "count": count }))
            .collect();
        return report::escape::json_text(&serde_json::json!({ "statistics": rows }));
    }
    rows.iter()
        .map(|((code, name, severity), count)| format!("{count:>5}  {code:<6} {name:<32} {}\n", severity.as_str()))
        .collect()
}

/// `--show-skipped`: each skipped file and why, after the report (inside it, for JSON).
fn with_skipped(text: String, report: &LintReport, format: LintFormat) -> String {
    if format == LintFormat::Json {
        let Ok(mut value) = serde_json::from_str::<serde_json::Value>(&text) else {
            return text;
        };
        if let Some(object) = value.as_object_mut() {
            let skipped: Vec<_> = report
                .skipped_files
                .iter()
                .map(|s| serde_json::json!({ "file": s.path, "reason": s.reason }))
                .collect();
            object.insert("skipped".into(), serde_json::Value::Array(skipped));
        }
        return report::escape::json_text(&value);
    }
    let mut out = text;
    for skipped in &report.skipped_files {
        out.push_str(&format!(
            "skipped {}: {}\n",
            report::escape::line(&skipped.path),
            report::escape::line(&skipped.reason)
        ));
    }
    out
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
    let format = report_format(global, args.format, "simulate")?;
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
    if let Some(c) = resource
        .chars()
        .find(|&c| rules::invisible_character::invisible(c).is_some())
    {
        return Err(Failure::Usage(format!(
            "--resource `{}` holds the invisible character U+{:04X}: no resource is named so",
            rules::invisible_character::escaped(resource),
            u32::from(c)
        )));
    }
    // A kvstore resource is an instance, `acs:kvstore:<region>:<account>:instance/<id>`: one
    // of another shape (a full-width letter in its region or ID, 15 digits of account, a
    // trailing `/`) names no instance, and matched no `Deny` that names the real one. Made-up
    // IDs (`r-ci-1`) and other cases stay: they differ where a user sees it.
    if let Some(rest) = resource.strip_prefix("acs:kvstore:") {
        let mut parts = rest.splitn(3, ':');
        let (region, account, relative) = (parts.next(), parts.next(), parts.next());
        let id = relative.and_then(|r| r.strip_prefix("instance/"));
        let shaped = region.is_some_and(ramguard::inputs::identifiers::is_region)
            && account.is_some_and(ramguard::inputs::identifiers::is_account_id)
            && id.is_some_and(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'));
        if !shaped {
            return Err(Failure::Usage(format!(
                "--resource `{}` is not a kvstore instance: write `acs:kvstore:<region>:<account>:instance/<id>`, a region ID, 16 digits and an ID of ASCII letters, digits and `-` (e.g. `acs:kvstore:cn-hangzhou:1234567890123456:instance/r-bp1zxszhcgatnx0001`)",
                rules::invisible_character::escaped(resource)
            )));
        }
    }
    if args.policies.policies.is_empty() {
        return Err(Failure::Usage(
            "give the caller's identity policies with --policy FILE".into(),
        ));
    }
    let context = args.policies.request_context().map_err(Failure::Usage)?;
    let layers = load_layers(&args.policies, &config)?;
    let evaluation = eval::evaluate(&layers, action, &Resource::known(resource), &context);
    match format {
        ReportFormat::Json => print(&report::escape::json_text(&report::decision::json(
            &evaluation,
            action,
            resource,
        ))),
        ReportFormat::Human => print(&report::decision::human(
            &evaluation,
            action,
            resource,
            &layers,
            style(global, std::io::stdout().is_terminal()),
        )),
    }
    Ok(match evaluation.decision {
        Decision::Allowed => 0,
        Decision::ExplicitDeny | Decision::ImplicitDeny => 1,
        Decision::Conditional => 3,
    })
}

fn run_preflight(global: &GlobalArgs, args: &PreflightArgs) -> Result<u8, Failure> {
    let format = preflight_format(global, args.format)?;
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
        return run_fetched_preflight(global, args, &config, format);
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
        context: args.policies.request_context().map_err(Failure::Usage)?,
        layers: load_layers(&args.policies, &config)?,
        account_id: args.account_id.clone(),
    };
    let mut each = instances.iter().map(|i| ramguard::preflight::check(i, &caller));
    // Each instance checked, written and dropped in turn: a response of many thousands of
    // instances is never held as reports (issue 13). Should stdout fail, the instances not yet
    // written still decide the exit code.
    let written = match format {
        PreflightFormat::Json => Some(report::preflight::write_json_each(
            &mut std::io::stdout().lock(),
            &mut each,
        )),
        PreflightFormat::Human => Some(report::preflight::write_human_each(
            &mut std::io::stdout().lock(),
            &mut each,
            &caller.layers,
            style(global, std::io::stdout().is_terminal()),
        )),
        PreflightFormat::Github => None,
    };
    if let Some(written) = written {
        return Ok(each.map(|r| r.verdict).fold(written, std::cmp::max).exit_code());
    }
    let reports: Vec<_> = each.collect();
    github_preflight(&reports)?;
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
fn run_fetched_preflight(
    global: &GlobalArgs,
    args: &PreflightArgs,
    config: &Config,
    format: PreflightFormat,
) -> Result<u8, Failure> {
    use ramguard::cloud::gather::GatherError;
    let audit = ramguard::cloud::run(args, config).map_err(|e| match e {
        GatherError::Usage(message) => Failure::Usage(message),
        GatherError::Policy(error) => Failure::Policy(error),
    })?;
    match format {
        PreflightFormat::Json => print_preflight_json(&audit.reports),
        PreflightFormat::Github => github_preflight(&audit.reports)?,
        PreflightFormat::Human => {
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

/// Compare OLD and NEW, or every policy file changed since `--base REV`; exit 1 when a check
/// fails, 3 when none failed over a comparison that was not exhaustive, 2 when a file or
/// git refused.
fn run_diff(global: &GlobalArgs, args: &ramguard::cli::DiffArgs) -> Result<u8, Failure> {
    use ramguard::cli::DiffFormat;
    use ramguard::diff::checks::{Checks, DenyAccess, Origin};
    use ramguard::diff::documents::Refusal;
    use ramguard::diff::files;
    let format = match (args.format, global.format_before_subcommand) {
        (Some(format), _) => format,
        (None, None) => DiffFormat::Human,
        (None, Some(any)) => any.for_diff().ok_or_else(|| {
            Failure::Usage(format!(
                "`diff` prints `human`, `json`, `sarif` or `github`, not `{}`",
                any.name()
            ))
        })?,
    };
    // The checks, parsed before any work: the configuration's, then the command line's.
    let mut command_line = Vec::new();
    for check in &args.deny_access {
        command_line.push(
            DenyAccess::parse(check, Origin::CommandLine)
                .map_err(|e| Failure::Usage(format!("--deny-access `{check}`: {e}")))?,
        );
    }
    let config = load_config(global)?;
    let mut checks = Checks {
        fail_on_new_access: if args.fail_on_new_access {
            Some(Origin::CommandLine)
        } else {
            config.diff.fail_on_new_access.then_some(Origin::Config)
        },
        deny_access: Vec::new(),
    };
    for check in &config.diff.deny_access {
        checks.add_deny_access(DenyAccess::parse(check, Origin::Config).map_err(Failure::Usage)?);
    }
    for check in command_line {
        checks.add_deny_access(check);
    }
    for check in &checks.deny_access {
        check
            .check_catalogued(&config.settings.catalog)
            .map_err(|e| Failure::Usage(format!("{}: {e}", check.name())))?;
    }
    let cwd = std::env::current_dir().map_err(|e| Failure::Usage(format!("cannot read the working directory: {e}")))?;
    let outcome = match &args.base {
        Some(rev) => files::base(
            &files::Base {
                rev,
                staged: args.staged,
                paths: &args.paths,
            },
            &cwd,
            &config,
            &checks,
        )
        .map_err(Failure::Usage)?,
        None => {
            let [old, new] = args.paths.as_slice() else {
                return Err(Failure::Usage(format!(
                    "`diff` compares two files, OLD and NEW (got {}); or give `--base REV` to compare with a git revision",
                    args.paths.len()
                )));
            };
            let mut outcome = files::two_files(old, new, &config, &checks).map_err(Failure::Usage)?;
            // Two files named by the user: a refusal stops the run, as it did before `--base`.
            if let Some(refusal) = outcome.refused.pop() {
                return Err(match refusal {
                    Refusal::Findings(report) => Failure::Policy(LoadError::Refused(report)),
                    Refusal::Message(message) => Failure::Usage(message),
                });
            }
            outcome
        }
    };
    let text = match format {
        DiffFormat::Json => report::escape::json_text(&report::diff::json(
            &outcome.documents,
            &outcome.failed,
            outcome.uncertain,
        )),
        DiffFormat::Human => report::diff::human(&outcome.documents, &outcome.failed, outcome.uncertain),
        DiffFormat::Sarif => report::diff::sarif(&outcome.documents, &outcome.failed, &cwd),
        DiffFormat::Github => report::diff::github(&outcome.documents, &outcome.failed, outcome.uncertain),
    };
    print(&text);
    // A file refused in a `--base` run: the others are reported, the run fails (exit 2).
    let style = style(global, std::io::stderr().is_terminal());
    let mut errors = String::new();
    for refusal in &outcome.refused {
        if let Refusal::Findings(file) = refusal {
            for finding in &file.findings {
                report::human::render_finding(&mut errors, &file.source, finding, style);
            }
        }
        errors.push_str(&format!("error: {}\n", report::escape::lines(&refusal.message())));
    }
    let _ = std::io::stderr().write_all(errors.as_bytes());
    Ok(outcome.exit_code())
}

/// `ramguard rules`: every rule at the level the configuration gives it (`off` included).
fn render_rules(format: ReportFormat, config: &Config) -> String {
    match format {
        ReportFormat::Json => {
            let rules: Vec<_> = rules::ALL
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "code": r.code,
                        "name": r.name,
                        "severity": config.level(r).as_str(),
                        "default_severity": r.severity,
                        "summary": r.summary(),
                    })
                })
                .collect();
            let out = serde_json::json!({ "catalogue": ramguard::catalog::Catalog::describe(), "rules": rules });
            report::escape::json_text(&out)
        }
        ReportFormat::Human => {
            let mut out = String::new();
            for rule in rules::ALL {
                out.push_str(&format!(
                    "{:<6} {:<32} {:<8} {}\n",
                    rule.code,
                    rule.name,
                    config.level(rule).as_str(),
                    rule.summary()
                ));
            }
            out
        }
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

/// `preflight --format json`, written as it is serialized (never held whole: issue 13).
fn print_preflight_json(reports: &[ramguard::preflight::InstanceReport]) {
    let _ = report::preflight::write_json(&mut std::io::stdout().lock(), reports);
}

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
