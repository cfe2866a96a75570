//! `ramguard.toml`: per-rule levels, per-path ignores (with a reason, and an expiry date if
//! wanted) and limits. Unknown keys are errors with their span: a misspelt setting that is
//! silently ignored is worse than none.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use serde::Deserialize;
use toml::Spanned;

use crate::rules::{self, Finding, Rule, Severity};
use crate::settings::Settings;
use crate::source::{SourceFile, Span};

pub const FILE_NAME: &str = "ramguard.toml";

/// A rule's level as configured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Error,
    Warning,
    Info,
    Off,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawConfig {
    #[serde(default)]
    rules: BTreeMap<Spanned<String>, Level>,
    #[serde(default)]
    limits: RawLimits,
    #[serde(default)]
    ignore: Vec<Spanned<RawIgnore>>,
    #[serde(default)]
    catalog: RawCatalog,
    #[serde(default)]
    require: Vec<RawRequirement>,
    #[serde(default)]
    diff: RawDiff,
}

/// `[diff]`: the checks `ramguard diff` runs (the command line's flags add to them).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawDiff {
    #[serde(default)]
    fail_on_new_access: bool,
    #[serde(default)]
    deny_access: Vec<Spanned<String>>,
}

/// The checks of `[diff]`, read and checked.
#[derive(Debug, Clone, Default)]
pub struct DiffConfig {
    pub fail_on_new_access: bool,
    /// `ACTION[@RESOURCE]`, each well formed.
    pub deny_access: Vec<String>,
}

/// Services and actions the built-in catalogue does not have yet.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCatalog {
    #[serde(default)]
    services: Vec<String>,
    #[serde(default)]
    actions: BTreeMap<String, Vec<String>>,
}

/// Every policy under `path` must deny these actions unconditionally.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRequirement {
    path: Spanned<String>,
    deny: Vec<Spanned<String>>,
    reason: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawLimits {
    policy_size: Option<usize>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIgnore {
    path: Spanned<String>,
    rules: Option<Vec<Spanned<String>>>,
    reason: Spanned<String>,
    expires: Option<Spanned<String>>,
}

/// A configuration that could not be read or makes no sense: exit 2, with the place.
#[derive(Debug)]
pub struct ConfigError {
    pub source: Option<Arc<SourceFile>>,
    pub span: Option<Span>,
    pub message: String,
    pub help: Option<String>,
}

/// One `[[ignore]]` entry, resolved.
#[derive(Debug)]
pub struct Ignore {
    pattern: glob::Pattern,
    /// `None`: the whole file is skipped.
    rules: Option<Vec<&'static Rule>>,
    pub span: Span,
    pub expired: Option<String>,
    /// Why the entry is there, as written (`diff --base` says it of a changed file it skips).
    pub reason: String,
}

impl Ignore {
    /// The `path` pattern, as written.
    pub fn path(&self) -> &str {
        self.pattern.as_str()
    }
}

#[derive(Debug, Default)]
pub struct Config {
    /// The file it came from, for findings about the configuration itself.
    pub source: Option<Arc<SourceFile>>,
    /// Paths in ignores are relative to this folder.
    pub root: PathBuf,
    pub levels: BTreeMap<&'static str, Level>,
    pub ignores: Vec<Ignore>,
    pub settings: Settings,
    /// `[diff]`.
    pub diff: DiffConfig,
}

impl Config {
    /// `--config FILE`, or `ramguard.toml` in `start` or its nearest parent, or the defaults.
    pub fn discover(explicit: Option<&Path>, start: &Path) -> Result<Self, ConfigError> {
        if let Some(path) = explicit {
            return Self::load(path, start);
        }
        match nearest(start) {
            Some(candidate) => Self::load(&candidate, start),
            None => Ok(Self {
                root: start.to_path_buf(),
                ..Self::default()
            }),
        }
    }

    pub fn load(path: &Path, cwd: &Path) -> Result<Self, ConfigError> {
        let cannot_read = |message: String| ConfigError {
            source: None,
            span: None,
            message,
            help: None,
        };
        // Read as every input is: a regular file, within the input size limit.
        let (_, bytes) = crate::inputs::read_input(path).map_err(|e| cannot_read(format!("cannot read {e}")))?;
        let text = String::from_utf8(bytes).map_err(|e| {
            cannot_read(format!(
                "cannot read {}: not UTF-8 (byte {})",
                path.display(),
                e.utf8_error().valid_up_to()
            ))
        })?;
        let root = absolute(cwd, path.parent().unwrap_or(Path::new("")));
        let file = absolute(cwd, path);
        let name = file.strip_prefix(cwd).unwrap_or(&file).display().to_string();
        Self::parse(&name, &text, root, today())
    }

    pub fn parse(name: &str, text: &str, root: PathBuf, today: (i64, i64, i64)) -> Result<Self, ConfigError> {
        let source = Arc::new(SourceFile::new(name, text));
        let fail = |span: Option<Span>, message: String, help: Option<String>| ConfigError {
            source: Some(source.clone()),
            span,
            message,
            help,
        };
        let raw: RawConfig = toml::from_str(text).map_err(|e| {
            let help = e
                .message()
                .contains("unknown field")
                .then(|| "the keys are `[rules]`, `[limits]` (`policy-size`), `[[ignore]]` (`path`, `rules`, `reason`, `expires`), `[catalog]` (`services`, `actions`), `[[require]]` (`path`, `deny`, `reason`) and `[diff]` (`fail-on-new-access`, `deny-access`)".to_string());
            fail(e.span().map(|r| Span::new(r.start, r.end)), e.message().trim().to_string(), help)
        })?;
        let rule = |name: &Spanned<String>| {
            rules::by_name_or_code(name.get_ref()).ok_or_else(|| {
                let suggestion = crate::suggest::did_you_mean(name.get_ref(), rules::ALL.iter().map(|r| r.name));
                fail(
                    Some(Span::new(name.span().start, name.span().end)),
                    format!("`{}` is not a rule", name.get_ref()),
                    Some(suggestion.map_or_else(
                        || "`ramguard rules` lists every rule".to_string(),
                        |s| format!("did you mean `{s}`?"),
                    )),
                )
            })
        };
        let mut levels = BTreeMap::new();
        for (name, level) in &raw.rules {
            levels.insert(rule(name)?.code, *level);
        }
        let mut ignores = Vec::new();
        for entry in &raw.ignore {
            let entry = entry.get_ref();
            let span = Span::new(entry.path.span().start, entry.path.span().end);
            if entry.reason.get_ref().trim().is_empty() {
                let at = entry.reason.span();
                return Err(fail(
                    Some(Span::new(at.start, at.end)),
                    "an ignore needs a reason".into(),
                    Some("say why the finding is acceptable here, for the next reader".into()),
                ));
            }
            let pattern = glob::Pattern::new(entry.path.get_ref()).map_err(|e| {
                let at = entry.path.span();
                fail(
                    Some(Span::new(at.start, at.end)),
                    format!("`{}` is not a path pattern: {e}", entry.path.get_ref()),
                    None,
                )
            })?;
            let rules = match &entry.rules {
                None => None,
                Some(names) => Some(names.iter().map(rule).collect::<Result<Vec<_>, _>>()?),
            };
            let expired = match &entry.expires {
                None => None,
                Some(date) => {
                    let at = date.span();
                    let parsed = parse_date(date.get_ref()).ok_or_else(|| {
                        fail(
                            Some(Span::new(at.start, at.end)),
                            format!("`{}` is not a date", date.get_ref()),
                            Some("write `expires = \"YYYY-MM-DD\"`".into()),
                        )
                    })?;
                    (parsed < today).then(|| date.get_ref().clone())
                }
            };
            ignores.push(Ignore {
                pattern,
                rules,
                span,
                expired,
                reason: entry.reason.get_ref().trim().to_string(),
            });
        }
        let mut settings = Settings::default();
        if let Some(limit) = raw.limits.policy_size {
            settings.policy_size_limit = limit;
        }
        if !raw.catalog.services.is_empty() || !raw.catalog.actions.is_empty() {
            settings.catalog = Arc::new(settings.catalog.extended(&raw.catalog.services, &raw.catalog.actions));
        }
        for requirement in &raw.require {
            let pattern = glob::Pattern::new(requirement.path.get_ref()).map_err(|e| {
                let at = requirement.path.span();
                fail(
                    Some(Span::new(at.start, at.end)),
                    format!("`{}` is not a path pattern: {e}", requirement.path.get_ref()),
                    None,
                )
            })?;
            for action in &requirement.deny {
                if action.get_ref().contains(['*', '?'])
                    || crate::rules::invalid_action::check_form(action.get_ref()).is_err()
                {
                    let at = action.span();
                    return Err(fail(
                        Some(Span::new(at.start, at.end)),
                        format!("`{}` is not an action", action.get_ref()),
                        Some("name one action, `service:ActionName`, without wildcards".into()),
                    ));
                }
            }
            settings.requirements.push(crate::settings::Requirement {
                pattern,
                actions: requirement.deny.iter().map(|a| a.get_ref().clone()).collect(),
                reason: requirement.reason.clone(),
            });
        }
        for check in &raw.diff.deny_access {
            crate::diff::checks::DenyAccess::parse(check.get_ref(), crate::diff::checks::Origin::Config).map_err(|e| {
                let at = check.span();
                fail(
                    Some(Span::new(at.start, at.end)),
                    format!("`{}` is not a check: {e}", check.get_ref()),
                    Some("write `deny-access = [\"kvstore:DeleteInstance@acs:kvstore:*:*:instance/prod-*\"]`: an action, and optionally `@` and an ARN".into()),
                )
            })?;
        }
        Ok(Self {
            source: Some(source),
            root,
            levels,
            ignores,
            settings,
            diff: DiffConfig {
                fail_on_new_access: raw.diff.fail_on_new_access,
                deny_access: raw.diff.deny_access.iter().map(|c| c.get_ref().clone()).collect(),
            },
        })
    }

    /// The severity a finding of `rule` gets, or `None` when the rule is off.
    pub fn severity(&self, rule: &Rule, default: Severity) -> Option<Severity> {
        match self.levels.get(rule.code) {
            None => Some(default),
            Some(Level::Off) => None,
            Some(Level::Error) => Some(Severity::Error),
            Some(Level::Warning) => Some(Severity::Warning),
            Some(Level::Info) => Some(Severity::Info),
        }
    }

    /// The path of `file` as the ignore patterns see it: relative to the configuration's folder.
    pub fn relative<'p>(&self, absolute_file: &'p Path) -> &'p Path {
        absolute_file.strip_prefix(&self.root).unwrap_or(absolute_file)
    }

    /// The live (unexpired) ignores whose path matches a file, with their index.
    pub fn ignores_for(&self, relative: &Path) -> impl Iterator<Item = (usize, &Ignore)> {
        let options = glob::MatchOptions {
            require_literal_separator: true,
            ..glob::MatchOptions::new()
        };
        self.ignores
            .iter()
            .enumerate()
            .filter(move |(_, ig)| ig.expired.is_none() && ig.pattern.matches_path_with(relative, options))
    }

    /// Findings about the configuration itself: expired ignores, and ignores that matched
    /// nothing in this run (`used[i]` says whether ignore `i` did). An unused ignore is only
    /// reported when the run `covered_root`, the configuration's whole folder: a run over one
    /// file (pre-commit) or one subfolder cannot tell.
    pub fn findings(&self, used: &[bool], covered_root: bool) -> Vec<Finding> {
        let mut out = Vec::new();
        for (i, ignore) in self.ignores.iter().enumerate() {
            let finding = if let Some(date) = &ignore.expired {
                Finding::new(
                    &rules::expired_ignore::RULE,
                    ignore.span,
                    format!("this ignore expired on {date}"),
                )
                .label("expired: it no longer applies")
                .help("fix the findings it silenced and delete it, or renew it with a new date and reason")
            } else if covered_root && !used.get(i).copied().unwrap_or(false) {
                Finding::new(&rules::unused_ignore::RULE, ignore.span, "this ignore matched nothing")
                    .label("no file or finding under this folder matched")
                    .help("delete it, or fix its `path` (relative to the folder of ramguard.toml)")
            } else {
                continue;
            };
            if let Some(severity) = self.severity(finding.rule, finding.severity) {
                out.push(finding.severity(severity));
            }
        }
        out
    }

    /// `--select`, `--extend-select` and `--ignore` over this configuration, as ruff's flags
    /// override `pyproject.toml`: `--select` replaces the set of rules that run (a rule it names
    /// runs at its configured level, or its default where the configuration turned it off);
    /// `--extend-select` adds rules, `--ignore` removes them and wins over both.
    pub fn apply_selection(&mut self, selection: &Selection) -> Result<(), String> {
        let select = selected(&selection.select)?;
        let extend = selected(&selection.extend_select)?;
        let ignore = selected(&selection.ignore)?;
        for rule in rules::ALL {
            let code = rule.code;
            let wanted = if selection.select.is_empty() {
                self.levels.get(code) != Some(&Level::Off) || extend.contains(code)
            } else {
                select.contains(code) || extend.contains(code)
            };
            if wanted && !ignore.contains(code) {
                if self.levels.get(code) == Some(&Level::Off) {
                    self.levels.remove(code);
                }
            } else {
                self.levels.insert(code, Level::Off);
            }
        }
        Ok(())
    }

    /// The settings `lint` runs its rules with: a rule that is off (in `ramguard.toml`, or left
    /// out by `--select` / `--ignore`) is not run at all, for its findings would all be dropped
    /// (`--select RG2` then costs only the security rules). Unless an `[[ignore]]` names it:
    /// an ignore that silences one of its findings is used, and `unused-ignore` counts that.
    pub fn lint_settings(&self) -> Settings {
        let named_by_an_ignore = |rule: &Rule| {
            self.ignores
                .iter()
                .any(|ignore| ignore.rules.as_ref().is_some_and(|rules| rules.contains(&rule)))
        };
        Settings {
            rules_run: rules::ALL
                .iter()
                .copied()
                .filter(|rule| self.severity(rule, rule.severity).is_some() || named_by_an_ignore(rule))
                .collect(),
            ..self.settings.clone()
        }
    }

    /// The level a rule runs at under this configuration (for `ramguard rules`).
    pub fn level(&self, rule: &Rule) -> Level {
        self.levels.get(rule.code).copied().unwrap_or(match rule.severity {
            Severity::Error => Level::Error,
            Severity::Warning => Level::Warning,
            Severity::Info => Level::Info,
        })
    }

    pub fn ignore_skips_file(ignore: &Ignore) -> bool {
        ignore.rules.is_none()
    }

    pub fn ignore_covers(ignore: &Ignore, rule: &Rule) -> bool {
        ignore.rules.as_ref().is_none_or(|rules| rules.contains(&rule))
    }
}

/// The nearest `ramguard.toml` in `start` or above it. Not `is_file`: a `ramguard.toml` that is
/// a FIFO or a folder is found, then refused when read, not passed over.
pub fn nearest(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .map(|dir| dir.join(FILE_NAME))
        .find(|candidate| candidate.exists())
}

/// The folder whose `ramguard.toml` applies to a path named on the command line: the path
/// itself for a folder, its folder for a file, the working directory for standard input (as
/// ruff finds the `pyproject.toml` of each file, not of the working directory).
pub fn start_for(path: &Path, cwd: &Path) -> PathBuf {
    if path == Path::new("-") {
        return cwd.to_path_buf();
    }
    let path = absolute(cwd, path);
    if path.is_dir() {
        path
    } else {
        path.parent().map_or_else(|| cwd.to_path_buf(), Path::to_path_buf)
    }
}

/// The rule selectors of the command line.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    pub select: Vec<String>,
    pub extend_select: Vec<String>,
    pub ignore: Vec<String>,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Error => "error",
            Self::Warning => "warning",
            Self::Info => "info",
            Self::Off => "off",
        }
    }
}

/// The codes of the rules that selectors name: a rule name, a code, a code prefix (`RG2`), or
/// `ALL`. A selector that names no rule is an error: a misspelt `--ignore` that ignores nothing
/// would pass silently.
fn selected(selectors: &[String]) -> Result<std::collections::BTreeSet<&'static str>, String> {
    let mut codes = std::collections::BTreeSet::new();
    for selector in selectors {
        let selector = selector.trim();
        let upper = selector.to_ascii_uppercase();
        let matching: Vec<&'static str> = rules::ALL
            .iter()
            .filter(|r| {
                upper == "ALL"
                    || r.name.eq_ignore_ascii_case(selector)
                    || (upper.starts_with("RG") && r.code.starts_with(upper.as_str()))
            })
            .map(|r| r.code)
            .collect();
        if matching.is_empty() {
            let hint = crate::suggest::did_you_mean(selector, rules::ALL.iter().map(|r| r.name)).map_or_else(
                || "`ramguard rules` lists them".to_string(),
                |s| format!("did you mean `{s}`?"),
            );
            return Err(format!(
                "`{}` selects no rule: give a rule name, a code (`RG201`) or a code prefix (`RG2`); {hint}",
                selector.escape_debug()
            ));
        }
        codes.extend(matching);
    }
    Ok(codes)
}

/// `cwd.join(path)` with `.` and `..` folded, without touching the file system.
pub fn absolute(cwd: &Path, path: &Path) -> PathBuf {
    let joined = cwd.join(path);
    // The common case, every file of a walk: nothing to fold, and no components to split.
    if joined.to_str().is_some_and(is_folded) {
        return joined;
    }
    folded(&joined)
}

/// A path with `.` and `..` folded, component by component.
fn folded(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// Whether a path's text is what folding its components gives back: from the root, each
/// component a name (not empty, `.` or `..`), without a slash at the end.
fn is_folded(text: &str) -> bool {
    text.strip_prefix('/')
        .is_some_and(|rest| !rest.is_empty() && rest.split('/').all(|c| !c.is_empty() && c != "." && c != ".."))
}

/// `YYYY-MM-DD` as a comparable triple.
fn parse_date(text: &str) -> Option<(i64, i64, i64)> {
    let mut parts = text.split('-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return None;
    }
    let date = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    (1..=12).contains(&date.1).then_some(())?;
    (1..=31).contains(&date.2).then_some(date)
}

/// Today's date in UTC.
pub fn today() -> (i64, i64, i64) {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(0));
    crate::values::civil_from_days(seconds.div_euclid(86_400))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, ConfigError> {
        Config::parse("ramguard.toml", text, PathBuf::from("/repo"), (2026, 11, 26))
    }

    /// The text a path is left as, when it is, is the one folding its components gives.
    #[test]
    fn a_path_left_unfolded_is_already_folded() {
        let pieces = ["/", "a", ".", "..", "b.json", ".x", "..y", ""];
        for text in &crate::concatenations(&pieces, 5) {
            let path = Path::new(text);
            let joined = Path::new("/cwd").join(path);
            assert_eq!(absolute(Path::new("/cwd"), path), folded(&joined), "{text:?}");
            if is_folded(text) {
                assert_eq!(folded(path).to_str(), Some(text.as_str()), "{text:?}");
            }
        }
    }

    #[test]
    fn unknown_keys_are_errors_with_a_span() {
        let error = parse("[limits]\npolicy-sise = 10\n").err().map(|e| (e.message, e.span));
        let (message, span) = error.unwrap_or_default();
        assert!(message.contains("unknown field"), "{message}");
        assert_eq!(span, Some(Span::new(9, 20)));
    }

    #[test]
    fn unknown_rules_are_errors() {
        let error = parse("[rules]\nwildcard-grant-delete = \"off\"\n")
            .err()
            .map(|e| e.message);
        assert_eq!(error.as_deref(), Some("`wildcard-grant-delete` is not a rule"));
    }

    #[test]
    fn ignores_need_a_reason_and_may_expire() {
        assert!(parse("[[ignore]]\npath = \"a\"\nreason = \" \"\n").is_err());
        assert!(parse("[[ignore]]\npath = \"a\"\n").is_err());
        let config = parse(
            "[[ignore]]\npath = \"a/**\"\nreason = \"r\"\nexpires = \"2026-11-25\"\n[[ignore]]\npath = \"b\"\nreason = \"r\"\nexpires = \"2026-11-26\"\n",
        );
        let expired: Vec<bool> = config
            .map(|c| c.ignores.iter().map(|i| i.expired.is_some()).collect())
            .unwrap_or_default();
        assert_eq!(expired, [true, false]);
    }

    #[test]
    fn selection_overrides_the_configuration_as_ruffs_flags_do() {
        let off = |config: &Config, code: &str| config.levels.get(code) == Some(&Level::Off);
        let selection = |select: &[&str], extend: &[&str], ignore: &[&str]| Selection {
            select: select.iter().map(|s| s.to_string()).collect(),
            extend_select: extend.iter().map(|s| s.to_string()).collect(),
            ignore: ignore.iter().map(|s| s.to_string()).collect(),
        };
        let mut config =
            parse("[rules]\nfull-admin = \"off\"\nwildcard-grants-delete = \"error\"\n").unwrap_or_default();
        config
            .apply_selection(&selection(&["RG2"], &[], &["unscoped-delete"]))
            .unwrap_or_default();
        assert!(
            off(&config, "RG001") && off(&config, "RG203"),
            "outside the selection, or ignored"
        );
        assert!(
            !off(&config, "RG205") && !off(&config, "RG201"),
            "selected: full-admin is back on"
        );
        assert_eq!(
            config.levels.get("RG201"),
            Some(&Level::Error),
            "the configured level stays"
        );
        let mut config = parse("[rules]\nfull-admin = \"off\"\n").unwrap_or_default();
        config
            .apply_selection(&selection(&[], &["full-admin"], &[]))
            .unwrap_or_default();
        assert!(!off(&config, "RG205") && !off(&config, "RG001"));
        assert!(config.apply_selection(&selection(&[], &[], &["RG9999"])).is_err());
        assert!(
            config
                .apply_selection(&selection(&[], &[], &["wildcard-grant-delete"]))
                .is_err()
        );
    }

    #[test]
    fn civil_dates_round_trip() {
        for days in [-1, 0, 59, 10_957, 20_418] {
            let (y, m, d) = crate::values::civil_from_days(days);
            assert_eq!(crate::values::days_from_civil(y, m, d), days);
        }
        assert_eq!(crate::values::civil_from_days(20_418), (2025, 11, 26));
    }
}
