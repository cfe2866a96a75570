//! What `diff --base REV` asks git, through the `git` command line (no shell, no libgit2): the
//! repository's root, the commit REV names, the files that changed since, and their contents at
//! REV and in the index. Every argument is passed as one word; a revision that could be read as
//! an option is refused before git sees it, and pathspecs are literal (`GIT_LITERAL_PATHSPECS`),
//! so a file named `*.json` is that file, not a glob.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// A git work tree, as seen from the working directory.
#[derive(Debug)]
pub struct Repo {
    /// The top of the work tree (`git rev-parse --show-toplevel`).
    pub root: PathBuf,
}

/// How a file differs between REV and the other side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Added,
    Modified,
    Deleted,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Added => "added",
            Self::Modified => "modified",
            Self::Deleted => "deleted",
        }
    }
}

/// One changed path (relative to the root, `/`-separated as git writes it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub path: String,
    pub status: Status,
    /// The blob at REV, and its mode (`100644`, `120000` for a symbolic link).
    pub old: Option<(String, String)>,
    /// The blob in the index (with `--staged`), and its mode; `None` with a new side: the file
    /// is read from the work tree.
    pub new_blob: Option<(String, String)>,
}

/// The object id git writes for "not in the index" (SHA-1 or SHA-256 repositories).
fn is_null(id: &str) -> bool {
    id.bytes().all(|b| b == b'0')
}

fn git(root: Option<&Path>) -> Command {
    let mut command = Command::new("git");
    if let Some(root) = root {
        command.arg("-C").arg(root);
    }
    command
        .env("GIT_LITERAL_PATHSPECS", "1")
        // Reading must not take the index lock: a pre-commit hook runs while git holds it.
        .env("GIT_OPTIONAL_LOCKS", "0")
        .env("LC_ALL", "C")
        .stdin(Stdio::null());
    command
}

/// Run git; its stdout, or its first line of stderr as the error.
fn output(mut command: Command) -> Result<Vec<u8>, String> {
    let out = command.output().map_err(|e| format!("cannot run `git`: {e}"))?;
    if out.status.success() {
        Ok(out.stdout)
    } else {
        let err = String::from_utf8_lossy(&out.stderr);
        Err(err
            .lines()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("git failed")
            .trim()
            .to_string())
    }
}

impl Repo {
    /// The repository `cwd` is in; an error that says so outside one.
    pub fn open(cwd: &Path) -> Result<Self, String> {
        let mut command = git(None);
        command.current_dir(cwd).args(["rev-parse", "--show-toplevel"]);
        let out = output(command).map_err(|e| {
            if e.starts_with("cannot run") {
                e
            } else {
                format!(
                    "`--base` compares with a git revision, and `{}` is not inside a git work tree ({e})",
                    cwd.display()
                )
            }
        })?;
        let root = String::from_utf8(out)
            .map_err(|_| "the repository's path is not UTF-8".to_string())?
            .trim_end_matches('\n')
            .to_string();
        if root.is_empty() {
            return Err(format!("`{}` is not inside a git work tree", cwd.display()));
        }
        Ok(Self {
            root: PathBuf::from(root),
        })
    }

    /// The commit `rev` names (a branch, a tag, `HEAD~1`, an id), refused when git does not
    /// know it or it could be read as an option.
    pub fn commit(&self, rev: &str) -> Result<String, String> {
        if rev.is_empty() || rev.starts_with('-') || rev.contains(['\0', '\n']) || rev.contains("..") {
            return Err(format!(
                "`{}` is not a revision: give one commit, such as `HEAD`, `origin/main` or a commit id",
                rev.escape_debug()
            ));
        }
        let mut command = git(Some(&self.root));
        command.args(["rev-parse", "--verify", "--quiet", "--end-of-options"]);
        command.arg(format!("{rev}^{{commit}}"));
        let out = output(command).unwrap_or_default();
        let mut id = String::from_utf8_lossy(&out).trim().to_string();
        // `HEAD` before the first commit: everything staged is new, compared with the empty tree.
        if id.is_empty() && rev == "HEAD" && self.unborn() {
            id = self.empty_tree()?;
        }
        if id.is_empty() || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(format!(
                "`{}` is not a revision git knows in {} (a branch not fetched? `git fetch origin main` first)",
                rev.escape_debug(),
                self.root.display()
            ));
        }
        Ok(id)
    }

    /// Whether `HEAD` names a branch with no commit yet (a new repository).
    fn unborn(&self) -> bool {
        let mut command = git(Some(&self.root));
        command.args(["symbolic-ref", "--quiet", "HEAD"]);
        output(command).is_ok()
    }

    /// The id of the empty tree (SHA-1 or SHA-256, as the repository hashes).
    fn empty_tree(&self) -> Result<String, String> {
        let mut command = git(Some(&self.root));
        command.args(["hash-object", "-t", "tree", "--stdin"]);
        let out = output(command)?;
        Ok(String::from_utf8_lossy(&out).trim().to_string())
    }

    /// The files under `pathspecs` (relative to the root) that differ between `commit` and the
    /// work tree, or the index with `staged`. Renames are a deletion and an addition; a path
    /// git reports unmerged is an error (there is no one NEW to compare).
    pub fn changes(&self, commit: &str, staged: bool, pathspecs: &[String]) -> Result<Vec<Change>, String> {
        let mut command = git(Some(&self.root));
        command.args([
            "diff",
            "--raw",
            "-z",
            "--no-renames",
            "--no-abbrev",
            "--no-ext-diff",
            "--ignore-submodules",
        ]);
        if staged {
            command.arg("--cached");
        }
        command.arg(commit).arg("--").args(pathspecs);
        let out = output(command)?;
        let mut changes = Vec::new();
        let mut fields = out.split(|&b| b == 0);
        while let Some(meta) = fields.next() {
            if meta.is_empty() {
                continue;
            }
            let path = fields.next().ok_or("git's output ended early")?;
            let meta = String::from_utf8_lossy(meta);
            let path = String::from_utf8(path.to_vec())
                .map_err(|_| format!("a changed path is not UTF-8: `{}`", String::from_utf8_lossy(path)))?;
            // `:100644 100644 <old> <new> M`
            let parts: Vec<&str> = meta.trim_start_matches(':').split(' ').collect();
            let [old_mode, new_mode, old_id, new_id, status] = parts.as_slice() else {
                return Err(format!("unexpected output of `git diff --raw`: `{meta}`"));
            };
            let status = match status.chars().next() {
                Some('A') => Status::Added,
                Some('D') => Status::Deleted,
                Some('M' | 'T') => Status::Modified,
                Some('U') => {
                    return Err(format!(
                        "`{path}` is unmerged: finish the merge (`git add` the resolved file) before comparing"
                    ));
                }
                _ => return Err(format!("unexpected change `{status}` of `{path}` in `git diff --raw`")),
            };
            let old = (!is_null(old_id)).then(|| ((*old_id).to_string(), (*old_mode).to_string()));
            let new_blob = (staged && !is_null(new_id)).then(|| ((*new_id).to_string(), (*new_mode).to_string()));
            changes.push(Change {
                path,
                status,
                old,
                new_blob,
            });
        }
        Ok(changes)
    }

    /// Files in the work tree that git does not track and does not ignore (new since any
    /// revision), under `pathspecs`.
    /// With `ignored_too`, the ignored ones as well (for files named on the command line,
    /// which `lint` reads whatever `.gitignore` says).
    pub fn untracked(&self, pathspecs: &[String], ignored_too: bool) -> Result<Vec<String>, String> {
        let mut command = git(Some(&self.root));
        command.args(["ls-files", "--others", "-z"]);
        if !ignored_too {
            command.arg("--exclude-standard");
        }
        command.arg("--").args(pathspecs);
        let out = output(command)?;
        Ok(out
            .split(|&b| b == 0)
            .filter(|p| !p.is_empty())
            .map(|p| String::from_utf8_lossy(p).into_owned())
            .collect())
    }

    /// Every file of the repository at `commit` (`staged`: in the index), with its blob and
    /// mode (`git ls-tree -r`, `git ls-files --stage`).
    pub fn files_with_blobs(&self, commit: &str, staged: bool) -> Result<Vec<(String, String, String)>, String> {
        let mut command = git(Some(&self.root));
        if staged {
            command.args(["ls-files", "--stage", "-z"]);
        } else {
            command.args(["ls-tree", "-r", "-z", "--full-tree", commit]);
        }
        let out = output(command)?;
        let mut files = Vec::new();
        for entry in out.split(|&b| b == 0).filter(|e| !e.is_empty()) {
            let entry = String::from_utf8_lossy(entry);
            // `<mode> blob <id>\t<path>` (ls-tree), `<mode> <id> <stage>\t<path>` (ls-files).
            let Some((meta, path)) = entry.split_once('\t') else {
                return Err(format!("unexpected output of git: `{entry}`"));
            };
            let parts: Vec<&str> = meta.split(' ').collect();
            let (mode, id) = match (staged, parts.as_slice()) {
                (false, [mode, "blob", id]) | (true, [mode, id, _]) => (*mode, *id),
                // A submodule (`commit`) is no file.
                (false, [_, _, _]) => continue,
                _ => return Err(format!("unexpected output of git: `{entry}`")),
            };
            files.push((path.to_string(), id.to_string(), mode.to_string()));
        }
        Ok(files)
    }

    /// Every file of the work tree that git tracks, or does not track and does not ignore.
    pub fn work_tree_files(&self) -> Result<Vec<String>, String> {
        let mut command = git(Some(&self.root));
        command.args(["ls-files", "--cached", "--others", "--exclude-standard", "-z"]);
        let out = output(command)?;
        let mut files: Vec<String> = out
            .split(|&b| b == 0)
            .filter(|p| !p.is_empty())
            .map(|p| String::from_utf8_lossy(p).into_owned())
            .collect();
        files.dedup();
        Ok(files)
    }

    /// The contents of blobs, by id, in one `git cat-file --batch`.
    pub fn blobs(&self, ids: &BTreeSet<String>) -> Result<BTreeMap<String, Vec<u8>>, String> {
        let mut blobs = BTreeMap::new();
        if ids.is_empty() {
            return Ok(blobs);
        }
        let mut command = git(Some(&self.root));
        command
            .args(["cat-file", "--batch"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = command.spawn().map_err(|e| format!("cannot run `git`: {e}"))?;
        let input: String = ids.iter().map(|id| format!("{id}\n")).collect();
        let writer = child.stdin.take().map(|mut stdin| {
            std::thread::spawn(move || {
                let _ = stdin.write_all(input.as_bytes());
            })
        });
        let out = child.wait_with_output().map_err(|e| format!("cannot run `git`: {e}"))?;
        if let Some(writer) = writer {
            let _ = writer.join();
        }
        if !out.status.success() {
            return Err(String::from_utf8_lossy(&out.stderr).trim().to_string());
        }
        // `<id> <type> <size>\n<contents>\n`, in the order asked.
        let mut rest = out.stdout.as_slice();
        for id in ids {
            let end = rest
                .iter()
                .position(|&b| b == b'\n')
                .ok_or("git cat-file's output ended early")?;
            let header = String::from_utf8_lossy(&rest[..end]).into_owned();
            rest = &rest[end + 1..];
            let parts: Vec<&str> = header.split(' ').collect();
            let [_, kind, size] = parts.as_slice() else {
                return Err(format!("git cannot read the object `{id}`: {header}"));
            };
            let size: usize = size
                .parse()
                .map_err(|_| format!("unexpected output of git cat-file: `{header}`"))?;
            if *kind != "blob" || rest.len() < size + 1 {
                return Err(format!("git cannot read the blob `{id}`: {header}"));
            }
            blobs.insert(id.clone(), rest[..size].to_vec());
            rest = &rest[size + 1..];
        }
        Ok(blobs)
    }
}
