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
    /// How many policy documents were linted (a `ListPolicyVersions` response carries several).
    pub documents: usize,
    /// Files that were read but were plainly not policies, or that an ignore skipped, and
    /// `*.json` entries of a walk that are not regular files (a dangling symbolic link, a FIFO).
    pub skipped: usize,
    /// Each skipped file and why (`--show-skipped`), sorted by path.
    pub skipped_files: Vec<SkippedFile>,
}

/// A file that was not linted, and why, in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkippedFile {
    pub path: String,
    pub reason: String,
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

/// What became of one file: linted (its report, `None` when it is clean, and how many
/// documents it held), or skipped.
type FileOutcome = Result<(Option<FileReport>, usize), SkippedFile>;

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
    let Collected {
        files,
        mut errors,
        unreadable,
    } = collect(paths);
    if !errors.is_empty() {
        return Err(errors);
    }
    let used: Vec<std::sync::atomic::AtomicBool> = config.ignores.iter().map(|_| Default::default()).collect();
    let settings = config.lint_settings();
    let limit = crate::inputs::input_size_limit();
    let reads_paths = !config.ignores.is_empty() || !settings.requirements.is_empty();
    // Each file's outcome, and the files its Terraform documents name (`file("x.json")`).
    let lint_target = |Target { path, named }: &Target| -> Result<(FileOutcome, Vec<PathBuf>), PathError> {
        let (name, bytes) = read(path, &limit)?;
        // The path as `ramguard.toml` sees it, relative to its folder: only its ignores and
        // requirements read it (without them, making it cost more than reading a small file).
        let absolute = reads_paths.then(|| config::absolute(cwd, path));
        let relative = absolute.as_deref().map(|absolute| config.relative(absolute));
        let ignores: Vec<_> = match relative {
            Some(relative) if !options.no_ignore => config.ignores_for(relative).collect(),
            _ => Vec::new(),
        };
        let skipped = |reason: String| SkippedFile {
            path: path.display().to_string(),
            reason,
        };
        if let Some((i, _)) = ignores.iter().find(|(_, ig)| Config::ignore_skips_file(ig)) {
            mark(&used, *i);
            return Ok((
                Err(skipped("an `[[ignore]]` of ramguard.toml skips it".into())),
                Vec::new(),
            ));
        }
        // A JSON file's tree borrows its strings from its text while the file is linted.
        crate::inputs::with_policy_file(name, bytes, |file, references| {
            // Only a file named on the command line is reported for looking like a policy
            // without being one; in a walk it is skipped like any other JSON.
            match &file.content {
                Content::Unrecognised(unrecognised) if !named => {
                    return Ok((
                        Err(skipped(format!(
                            "found in a folder, and not a policy ramguard reads: {}",
                            unrecognised.message
                        ))),
                        references,
                    ));
                }
                Content::NotPolicy(why) => return Ok((Err(skipped(why.describe().into())), references)),
                _ => {}
            }
            let relative = relative.map(Path::to_string_lossy).unwrap_or_default();
            let Some(findings) = lint_file(&file, &settings, &relative) else {
                return Ok((Err(skipped("not a policy".into())), references));
            };
            let documents = match &file.content {
                Content::Documents(documents) => documents.len(),
                _ => 0,
            };
            let findings: Vec<Finding> = findings
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
            // A clean file's text is let go at once: a run over thousands of files holds only
            // the ones it has something to say about (holding every text until all were linted
            // cost a page fault every two files).
            let report = (!findings.is_empty()).then(|| FileReport {
                source: file.source,
                findings,
            });
            Ok((Ok((report, documents)), references))
        })
    };
    // One file (a pre-commit hook's usual call) is linted on this thread: starting the pool's
    // threads would cost more than the file.
    let mut outcomes: Vec<Result<(FileOutcome, Vec<PathBuf>), PathError>> = if files.len() == 1 {
        files.iter().map(lint_target).collect()
    } else {
        files.par_iter().map(lint_target).collect()
    };
    // The files named by `file()` / `templatefile()` in Terraform documents: each linted once,
    // as a file of its own, unless the walk or the command line already has it.
    let referenced: Vec<PathBuf> = outcomes
        .iter_mut()
        .filter_map(|outcome| outcome.as_mut().ok())
        .flat_map(|(_, references)| std::mem::take(references))
        .collect();
    if !referenced.is_empty() {
        let canonical = |path: &Path| std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        let mut seen: std::collections::HashSet<PathBuf> = files.iter().map(|t| canonical(&t.path)).collect();
        let more: Vec<Target> = referenced
            .into_iter()
            .filter(|path| seen.insert(canonical(path)))
            .map(|path| Target { path, named: false })
            .collect();
        outcomes.extend(more.par_iter().map(lint_target).collect::<Vec<_>>());
    }
    let mut report = LintReport {
        skipped: unreadable.len(),
        skipped_files: unreadable,
        ..LintReport::default()
    };
    for outcome in outcomes {
        match outcome.map(|(outcome, _)| outcome) {
            Ok(Ok((file, documents))) => {
                report.linted += 1;
                report.documents += documents;
                report.files.extend(file);
            }
            Ok(Err(skipped)) => {
                report.skipped += 1;
                report.skipped_files.push(skipped);
            }
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
    report.skipped_files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(report)
}

fn mark(used: &[std::sync::atomic::AtomicBool], i: usize) {
    if let Some(flag) = used.get(i) {
        flag.store(true, std::sync::atomic::Ordering::Relaxed);
    }
}

/// Lint one read file, as a file named on the command line: `None` when it is plainly not a
/// policy; a file that looks like one without being one is an `unrecognised-document` finding.
pub fn lint_file(file: &policy_file::PolicyFile, settings: &Settings, path: &str) -> Option<Vec<Finding>> {
    let mut findings = file.findings.clone();
    match &file.content {
        Content::NotPolicy(_) => return None,
        Content::Unrecognised(unrecognised) => findings.push(rules::unrecognised_document::finding(unrecognised)),
        Content::Unparsed => {}
        Content::Documents(documents) => {
            for document in documents {
                let mut found = lint_read_document(document, settings, path);
                if let Some(address) = document.address() {
                    let address: std::sync::Arc<str> = address.into();
                    for finding in &mut found {
                        finding.document = Some(address.clone());
                    }
                }
                findings.extend(found);
            }
        }
    }
    Some(findings)
}

/// Run every rule over one document of a read file, told what its reader knows of it.
pub fn lint_read_document(document: &policy_file::Document, settings: &Settings, path: &str) -> Vec<Finding> {
    lint_tree(&document.root, Reading::of(document), settings, path)
}

/// Run every rule over one document, given alone (its reader's knowledge is not at hand).
pub fn lint_document(root: &crate::json::Node, settings: &Settings, path: &str) -> Vec<Finding> {
    lint_tree(root, Reading::default(), settings, path)
}

/// What the reader of a document knows of it beyond its tree (nothing, for a tree given
/// alone).
#[derive(Debug, Default, Clone, Copy)]
struct Reading {
    /// The kind its place says ([`policy_file::Document::kind_hint`]).
    kind: Option<crate::policy::PolicyKind>,
    /// Known to have no object with a key twice ([`policy_file::Document::no_repeated_key`]).
    no_repeated_key: bool,
    /// Read by ROS's schema before RAM sees it ([`policy_file::Document::typed_by_ros`]).
    typed_by_ros: bool,
}

impl Reading {
    fn of(document: &policy_file::Document) -> Self {
        Self {
            kind: document.kind_hint(),
            no_repeated_key: document.no_repeated_key,
            typed_by_ros: document.typed_by_ros(),
        }
    }
}

/// Run every rule over one document, told what its reader knows of it.
fn lint_tree(root: &crate::json::Node, reading: Reading, settings: &Settings, path: &str) -> Vec<Finding> {
    in_context_of(root, reading, settings, path, |ctx| {
        let mut findings = Vec::new();
        for rule in settings.rules_run.iter() {
            (rule.check)(ctx, &mut findings);
        }
        findings
    })
}

/// `f` given what the rules see of one document of a read file (its tree, its model, what its
/// reader knows), built as `lint` builds it: the rules bench times each rule in it.
pub fn in_context<T>(
    document: &policy_file::Document,
    settings: &Settings,
    path: &str,
    f: impl FnOnce(&Context) -> T,
) -> T {
    in_context_of(&document.root, Reading::of(document), settings, path, f)
}

fn in_context_of<T>(
    root: &crate::json::Node,
    reading: Reading,
    settings: &Settings,
    path: &str,
    f: impl FnOnce(&Context) -> T,
) -> T {
    let statements = crate::policy::statement_nodes(root);
    let policy = Policy::from_read_statement_nodes(&statements, reading.kind, reading.no_repeated_key);
    let mut ctx = Context::new(root, statements, &policy, settings, path);
    ctx.no_repeated_key = reading.no_repeated_key;
    ctx.typed_by_ros = reading.typed_by_ros;
    f(&ctx)
}

/// By position, then code.
pub fn sort(findings: &mut [Finding]) {
    findings.sort_by(|a, b| (a.span.start, a.span.end, a.rule.code).cmp(&(b.span.start, b.span.end, b.rule.code)));
}

fn read(path: &Path, limit: &Result<u64, String>) -> Result<(String, Vec<u8>), PathError> {
    // Every path but `-` was seen to be a regular file: by `collect`, or by the Terraform reader
    // (a file that a `.tf` file names with `file()`).
    let read = limit.clone().and_then(|limit| {
        if path == Path::new("-") {
            crate::inputs::read_input_within(path, limit)
        } else {
            crate::inputs::read_regular_file_within(path, limit)
        }
    });
    read.map_err(|message| PathError {
        path: path.display().to_string(),
        message,
    })
}

/// A file to lint, and whether it was named on the command line (or found by a walk).
#[derive(Debug)]
struct Target {
    path: PathBuf,
    named: bool,
}

#[derive(Debug, Default)]
struct Collected {
    files: Vec<Target>,
    errors: Vec<PathError>,
    /// `*.json` entries of a walk that cannot be read as files: counted as skipped.
    unreadable: Vec<SkippedFile>,
}

/// The files to lint: named files as they are, directories walked for the files
/// [`crate::inputs::is_read_by_lint`] takes (`*.json`, `*.tf`, `*.yaml`, `*.yml`; hidden and
/// `.gitignore`d paths skipped), sorted and without repeats. A named path that is not a
/// regular file or a directory is an error that says what it is; in a walk, a symbolic link to
/// a file is linted, and one that leads nowhere (or to a FIFO, a device) is counted as skipped.
fn collect(paths: &[PathBuf]) -> Collected {
    let mut collected = Collected::default();
    for path in paths {
        if path == Path::new("-") {
            collected.files.push(Target {
                path: path.clone(),
                named: true,
            });
            continue;
        }
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_file() => {
                collected.files.push(Target {
                    path: path.clone(),
                    named: true,
                });
                continue;
            }
            Ok(meta) if meta.is_dir() => {}
            Ok(meta) => {
                collected.errors.push(PathError {
                    path: path.display().to_string(),
                    message: format!(
                        "{}, not a regular file or a directory",
                        crate::inputs::kind_of(meta.file_type())
                    ),
                });
                continue;
            }
            Err(error) => {
                let dangling = error.kind() == std::io::ErrorKind::NotFound
                    && std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
                let message = if dangling {
                    "a symbolic link to a file that does not exist".to_string()
                } else if error.kind() == std::io::ErrorKind::NotFound {
                    "no such file or directory".to_string()
                } else {
                    error.to_string()
                };
                collected.errors.push(PathError {
                    path: path.display().to_string(),
                    message,
                });
                continue;
            }
        }
        let walker = ignore::WalkBuilder::new(path)
            .hidden(true)
            .git_ignore(true)
            .require_git(false)
            .build();
        for entry in walker {
            match entry {
                Ok(entry) => {
                    let Some(file_type) = entry
                        .file_type()
                        .filter(|_| crate::inputs::is_read_by_lint(entry.path()))
                    else {
                        continue;
                    };
                    if file_type.is_dir() {
                        continue;
                    }
                    // A symbolic link is followed: to a file, it is linted like one.
                    let is_file = file_type.is_file()
                        || (file_type.is_symlink() && std::fs::metadata(entry.path()).is_ok_and(|m| m.is_file()));
                    if is_file {
                        collected.files.push(Target {
                            path: entry.into_path(),
                            named: false,
                        });
                    } else if !(file_type.is_symlink() && entry.path().is_dir()) {
                        collected.unreadable.push(SkippedFile {
                            path: entry.path().display().to_string(),
                            reason: "not a regular file (a dangling symbolic link, a FIFO, a device)".into(),
                        });
                    }
                }
                Err(error) => collected.errors.push(PathError {
                    path: path.display().to_string(),
                    message: error.to_string(),
                }),
            }
        }
    }
    // Sorted by path; a file both named and walked counts as named.
    // Paths compare component by component: each is turned into its sort key once, not at
    // every comparison (parsing components dominated the sort of a large walk), and repeats
    // are found by their keys, equal exactly when the paths are (comparing the paths parsed
    // their components again: 3 M instructions for the bench's 5,000 files, before any file
    // is linted).
    let mut keyed: Vec<(Vec<u8>, bool, Target)> = std::mem::take(&mut collected.files)
        .into_iter()
        .map(|target| (path_order(&target.path), !target.named, target))
        .collect();
    keyed.sort_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
    keyed.dedup_by(|later, earlier| later.0 == earlier.0);
    collected.files = keyed.into_iter().map(|(_, _, target)| target).collect();
    collected
}

/// A key that sorts as `Path`'s own order, which compares components: first by kind (a prefix,
/// the root, `.`, `..`, a name, in that order), then names by their bytes. Each component is
/// its kind's rank, its bytes, and a NUL (which no component holds, and which sorts before every
/// other byte, so that `a` comes before `ab`).
fn path_order(path: &Path) -> Vec<u8> {
    use std::path::Component;
    let mut key = Vec::with_capacity(path.as_os_str().len() + 16);
    for component in path.components() {
        let rank = match component {
            Component::Prefix(_) => 1,
            Component::RootDir => 2,
            Component::CurDir => 3,
            Component::ParentDir => 4,
            Component::Normal(_) => 5,
        };
        key.push(rank);
        if let Component::Normal(_) | Component::Prefix(_) = component {
            key.extend_from_slice(component.as_os_str().as_encoded_bytes());
        }
        key.push(0);
    }
    key
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_sort_by_the_key_as_by_path_order() {
        let paths: Vec<PathBuf> = [
            "/a",
            "./a",
            "a",
            "../a",
            "-x",
            "..",
            "a/b",
            "a-b",
            "a.b",
            "ab",
            "a//b",
            "a/b/",
            "/",
            "./-x",
            "a/./b",
            "team-01/policy-00100.json",
            "team-01/policy-00099.json",
            "team-1/p.json",
            "team-01.json",
        ]
        .iter()
        .map(PathBuf::from)
        .collect();
        let mut by_path = paths.clone();
        by_path.sort();
        let mut by_key = paths.clone();
        by_key.sort_by_cached_key(|p| path_order(p));
        assert_eq!(by_key, by_path);
        // Repeats are found by their keys: equal exactly when the paths are (`a//b`, `a/b/`
        // and `a/./b` are `a/b`; `./a` is not `a`).
        for a in &paths {
            for b in &paths {
                assert_eq!(path_order(a) == path_order(b), a == b, "{a:?} {b:?}");
            }
        }
    }
}
