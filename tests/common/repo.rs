//! A throwaway git repository for the `diff --base` tests, and what they read of a report.

use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;

/// A git repository in a fresh temporary folder, removed when dropped.
pub struct Repo {
    pub dir: PathBuf,
}

impl Drop for Repo {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

impl Repo {
    /// `name` tells the tests of one test binary apart (each binary runs as its own process).
    pub fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("ramguard-test-repo-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        let repo = Self { dir };
        repo.git(&["init", "--quiet", "--initial-branch=main"]);
        // Local identity: nothing depends on the machine's global git configuration.
        repo.git(&["config", "user.name", "ramguard test"]);
        repo.git(&["config", "user.email", "test@example.com"]);
        repo.git(&["config", "commit.gpgsign", "false"]);
        repo
    }

    pub fn git(&self, args: &[&str]) -> String {
        let out = Command::new("git")
            .args(args)
            .current_dir(&self.dir)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("HOME", &self.dir)
            .output()
            .unwrap_or_else(|e| panic!("git {args:?}: {e}"));
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    pub fn write(&self, path: &str, text: &str) {
        let path = self.dir.join(path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("{}: {e}", parent.display()));
        }
        std::fs::write(&path, text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    }

    pub fn commit_all(&self) {
        self.git(&["add", "--all"]);
        self.git(&["commit", "--quiet", "-m", "policies"]);
    }

    /// `ramguard` in a folder of the repository (`""`: its root), with `env` set, and none of
    /// the variables a caller's environment could steer it with: exit code, stdout, stderr.
    pub fn run_in_with(&self, folder: &str, env: &[(&str, &str)], args: &[&str]) -> (i32, String, String) {
        let mut command = Command::new(env!("CARGO_BIN_EXE_ramguard"));
        command
            .args(args)
            .current_dir(self.dir.join(folder))
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("HOME", &self.dir)
            .env_remove("GIT_DIR")
            .env_remove("GIT_INDEX_FILE")
            .env_remove("RAMGUARD_MAX_INPUT_SIZE");
        for (key, value) in env {
            command.env(key, value);
        }
        let out = command.output().unwrap_or_else(|e| panic!("cannot run ramguard: {e}"));
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    pub fn run_in(&self, folder: &str, args: &[&str]) -> (i32, String, String) {
        self.run_in_with(folder, &[], args)
    }

    pub fn run_with(&self, env: &[(&str, &str)], args: &[&str]) -> (i32, String, String) {
        self.run_in_with("", env, args)
    }

    pub fn run(&self, args: &[&str]) -> (i32, String, String) {
        self.run_in_with("", &[], args)
    }

    /// [`Repo::run`] with `--format json`: exit code and the report.
    pub fn json(&self, args: &[&str]) -> (i32, Value) {
        let mut all = args.to_vec();
        all.extend(["--format", "json"]);
        let (code, out, err) = self.run(&all);
        (
            code,
            serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}\n{err}")),
        )
    }
}

/// A policy allowing `action` on everything.
pub fn allow(action: &str) -> String {
    format!(
        "{{\"Version\":\"1\",\"Statement\":[{{\"Effect\":\"Allow\",\"Action\":\"{action}\",\"Resource\":\"*\"}}]}}\n"
    )
}

/// (file, status, new actions, removed actions, limits) of each document of a JSON report.
pub type Shown = (String, String, Vec<String>, Vec<String>, Vec<String>);

pub fn documents(value: &Value) -> Vec<Shown> {
    let strings = |v: &Value| -> Vec<String> {
        v.as_array()
            .unwrap_or_else(|| panic!("{v}"))
            .iter()
            .map(|x| x.as_str().unwrap_or_default().to_string())
            .collect()
    };
    let actions = |v: &Value| -> Vec<String> {
        v.as_array()
            .unwrap_or_else(|| panic!("{v}"))
            .iter()
            .map(|c| c["witness"]["action"].as_str().unwrap_or_default().to_string())
            .collect()
    };
    value["documents"]
        .as_array()
        .unwrap_or_else(|| panic!("{value}"))
        .iter()
        .map(|d| {
            (
                d["file"].as_str().unwrap_or_default().to_string(),
                d["status"].as_str().unwrap_or_default().to_string(),
                actions(&d["new"]),
                actions(&d["removed"]),
                strings(&d["limits"]),
            )
        })
        .collect()
}

pub fn strings(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_string()).collect()
}
