//! The lint driver: find the files, read and lint each one (in parallel), apply the
//! configuration, and hand back data for the reporters.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::config::{self, Config};
use crate::inputs::policy_file::{self, Content};
use crate::policy::Policy;
use crate::rules::{self, Context, Finding, Severity};
use crate::settings::Settings;
use crate::source::SourceFile;

/// The findings of one file, with the file they point into.
#[derive(Debug)]
pub struct FileReport {
    pub source: Arc<SourceFile>,
    pub findings: Vec<Finding>,
}

#[derive(Debug, Default)]
pub struct LintReport {
    /// Every file with findings, sorted by name, its findings sorted by position then code.
    pub files: Vec<FileReport>,
    /// How many files were linted.
    pub linted: usize,
    /// Files that were read but were plainly not policies, or that an ignore skipped.
    pub skipped: usize,
}

impl LintReport {
    pub fn count(&self, severity: Severity) -> usize {
        self.files
            .iter()
            .flat_map(|f| &f.findings)
            .filter(|f| f.severity == severity)
            .count()
    }
}

/// A path that could not be linted: the run exits 2.
#[derive(Debug)]
pub struct PathError {
    pub path: String,
    pub message: String,
}

#[derive(Debug, Clone, Copy, Default)]
pub struct LintOptions {
    /// Lint what the configuration's ignores would skip.
    pub no_ignore: bool,
}

/// Lint every policy under `paths` (`-` is standard input).
pub fn lint_paths(
    paths: &[PathBuf],
    config: &Config,
    cwd: &Path,
    options: LintOptions,
) -> Result<LintReport, Vec<PathError>> {
    let (files, mut errors) = collect(paths);
    if !errors.is_empty() {
        return Err(errors);
    }
    let used: Vec<std::sync::atomic::AtomicBool> = config.ignores.iter().map(|_| Default::default()).collect();
    let outcomes: Vec<Result<Option<FileReport>, PathError>> = files
        .par_iter()
        .map(|path| {
            let (name, bytes) = read(path)?;
            let absolute = config::absolute(cwd, path);
            let relative = config.relative(&absolute);
            let ignores: Vec<_> = if options.no_ignore {
                Vec::new()
            } else {
                config.ignores_for(relative).collect()
            };
            if let Some((i, _)) = ignores.iter().find(|(_, ig)| Config::ignore_skips_file(ig)) {
                mark(&used, *i);
                return Ok(None);
            }
            let file = policy_file::read(name, bytes);
            let Some(findings) = lint_file(&file, &config.settings, &relative.to_string_lossy()) else {
                return Ok(None);
            };
            let findings = findings
                .into_iter()
                .filter_map(|finding| {
                    if let Some((i, _)) = ignores.iter().find(|(_, ig)| Config::ignore_covers(ig, finding.rule)) {
                        mark(&used, *i);
                        return None;
                    }
                    let severity = config.severity(finding.rule, finding.severity)?;
                    Some(finding.severity(severity))
                })
                .collect();
            Ok(Some(FileReport {
                source: file.source,
                findings,
            }))
        })
        .collect();
    let mut report = LintReport::default();
    for outcome in outcomes {
        match outcome {
            Ok(Some(file)) => {
                report.linted += 1;
                // A clean file's text is not kept: a run over thousands of files holds only
                // the ones it has something to say about.
                if !file.findings.is_empty() {
                    report.files.push(file);
                }
            }
            Ok(None) => report.skipped += 1,
            Err(error) => errors.push(error),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    if let Some(source) = &config.source {
        let used: Vec<bool> = used
            .iter()
            .map(|u| u.load(std::sync::atomic::Ordering::Relaxed))
            .collect();
        let covered_root = paths
            .iter()
            .any(|p| p.is_dir() && config.root.starts_with(config::absolute(cwd, p)));
        let findings = config.findings(&used, covered_root);
        if !findings.is_empty() {
            report.files.push(FileReport {
                source: source.clone(),
                findings,
            });
        }
    }
    for file in &mut report.files {
        sort(&mut file.findings);
    }
    report.files.sort_by(|a, b| a.source.name.cmp(&b.source.name));
    Ok(report)
}

fn mark(used: &[std::sync::atomic::AtomicBool], i: usize) {
    if let Some(flag) = used.get(i) {
        flag.store(true, std::sync::atomic::Ordering::Relaxed);
    }
}

/// Lint one read file. `None` when it is plainly not a policy.
pub fn lint_file(file: &policy_file::PolicyFile, settings: &Settings, path: &str) -> Option<Vec<Finding>> {
    let mut findings = file.findings.clone();
    match &file.content {
        Content::NotPolicy => return None,
        Content::Unparsed => {}
        Content::Document { root, .. } => findings.extend(lint_document(root, settings, path)),
    }
    Some(findings)
}

/// Run every rule over one document.
pub fn lint_document(root: &crate::json::Node, settings: &Settings, path: &str) -> Vec<Finding> {
    let statements = crate::policy::statement_nodes(root);
    let policy = Policy::from_statement_nodes(&statements);
    let ctx = Context::new(root, statements, &policy, settings, path);
    let mut findings = Vec::new();
    for rule in rules::ALL {
        (rule.check)(&ctx, &mut findings);
    }
    findings
}

/// By position, then code.
pub fn sort(findings: &mut [Finding]) {
    findings.sort_by(|a, b| (a.span.start, a.span.end, a.rule.code).cmp(&(b.span.start, b.span.end, b.rule.code)));
}

fn read(path: &Path) -> Result<(String, Vec<u8>), PathError> {
    crate::inputs::read_input(path).map_err(|message| PathError {
        path: path.display().to_string(),
        message,
    })
}

/// The files to lint: named files as they are, directories walked for `*.json` (hidden and
/// `.gitignore`d paths skipped), sorted and without repeats.
fn collect(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<PathError>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        if path == Path::new("-") || path.is_file() {
            files.push(path.clone());
            continue;
        }
        if !path.is_dir() {
            errors.push(PathError {
                path: path.display().to_string(),
                message: "no such file or directory".into(),
            });
            continue;
        }
        let walker = ignore::WalkBuilder::new(path)
            .hidden(true)
            .git_ignore(true)
            .require_git(false)
            .build();
        for entry in walker {
            match entry {
                Ok(entry) => {
                    let is_json = entry.path().extension().is_some_and(|e| e.eq_ignore_ascii_case("json"));
                    if is_json && entry.file_type().is_some_and(|t| t.is_file()) {
                        files.push(entry.into_path());
                    }
                }
                Err(error) => errors.push(PathError {
                    path: path.display().to_string(),
                    message: error.to_string(),
                }),
            }
        }
    }
    files.sort();
    files.dedup();
    (files, errors)
}
