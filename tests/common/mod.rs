//! What the command-line tests share: running the binary from the repository's root.

use std::path::Path;
use std::process::Command;

// Not every test file reads fixtures through it.
#[allow(dead_code)]
pub mod findings;
// Only the `diff --base` tests make repositories, and not all of them use every helper.
#[allow(dead_code)]
pub mod repo;

/// Run `ramguard` with `args` in the repository's root: exit code, stdout, stderr.
#[allow(dead_code, reason = "the tests of `diff --base` run it in their own repositories")]
pub fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_ramguard"))
        .args(args)
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")))
        .output()
        .unwrap_or_else(|e| panic!("cannot run ramguard: {e}"));
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}
