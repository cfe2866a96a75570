//! The real thing: run the `aliyun` CLI as a subprocess, without a shell, with a timeout and a
//! cap on what it may print. Its standard error is read only for an API error code and never
//! printed or saved: it may echo a request.

use std::io::Read;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::{Api, Call, CallError};

/// How to get the CLI, for a user who does not have it.
pub const INSTALL_HELP: &str = "install the Alibaba Cloud CLI (`brew install aliyun-cli`, or a release from https://github.com/aliyun/aliyun-cli), run `aliyun configure`, or name it with `--aliyun PATH`";

/// The largest response ramguard reads (a policy document is at most 6,144 characters; an
/// instance's attributes a few kilobytes).
pub const MAX_RESPONSE: usize = 4 * 1024 * 1024;
const MAX_ERROR_TEXT: usize = 64 * 1024;

#[derive(Debug)]
pub struct AliyunCli {
    /// The program: `aliyun` (looked up on `PATH`) or the path given with `--aliyun`.
    pub program: PathBuf,
    /// `--profile NAME`, validated.
    pub profile: Option<String>,
    /// `--region R` (the CLI's option that picks the endpoint), validated.
    pub region: Option<String>,
    pub timeout: Duration,
}

impl AliyunCli {
    fn arguments(&self, call: &Call) -> Vec<String> {
        let mut words = call.words();
        if let Some(region) = &self.region {
            words.extend(["--region".to_string(), region.clone()]);
        }
        if let Some(profile) = &self.profile {
            words.extend(["--profile".to_string(), profile.clone()]);
        }
        words
    }
}

/// Read at most `cap + 1` bytes of a pipe on its own thread, so a child that fills one pipe
/// cannot block on it while we wait for it.
fn drain(pipe: Option<impl Read + Send + 'static>, cap: usize) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        if let Some(pipe) = pipe {
            let _ = pipe.take(cap as u64 + 1).read_to_end(&mut bytes);
        }
        bytes
    })
}

impl Api for AliyunCli {
    fn call(&self, call: &Call) -> Result<Vec<u8>, CallError> {
        let shown = self.program.display();
        let mut child = Command::new(&self.program)
            .args(self.arguments(call))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| match e.kind() {
                std::io::ErrorKind::NotFound => {
                    CallError::Failed(format!("the `aliyun` CLI was not found (`{shown}`); {INSTALL_HELP}"))
                }
                _ => CallError::Failed(format!("cannot run `{shown}`: {e}")),
            })?;
        let mut reading = Some(drain(child.stdout.take(), MAX_RESPONSE));
        let stderr = drain(child.stderr.take(), MAX_ERROR_TEXT);
        let too_large = || {
            CallError::Failed(format!(
                "`{call}` printed more than {} MiB; that is not a response ramguard reads",
                MAX_RESPONSE / (1024 * 1024)
            ))
        };
        let unread = || CallError::Failed(format!("reading the answer of `{call}` failed"));
        let mut stdout = None;
        let deadline = Instant::now() + self.timeout;
        let status = loop {
            // The reader stops at the cap: a child still printing past it is stopped now,
            // not at the timeout.
            if let Some(handle) = reading.take_if(|h| h.is_finished()) {
                let bytes = handle.join().map_err(|_| unread())?;
                if bytes.len() > MAX_RESPONSE {
                    let _ = child.kill();
                    let _ = child.wait();
                    return Err(too_large());
                }
                stdout = Some(bytes);
            }
            match child.try_wait() {
                Ok(Some(status)) => break status,
                Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(10)),
                Ok(None) => {
                    let _ = child.kill();
                    let _ = child.wait();
                    return Err(CallError::Failed(format!(
                        "`{call}` did not answer within {} s; stopped it",
                        self.timeout.as_secs()
                    )));
                }
                Err(e) => return Err(CallError::Failed(format!("waiting for `{call}`: {e}"))),
            }
        };
        // A process the CLI started may hold its pipes open past its exit: the readers get the
        // rest of the same deadline, not for ever (a background child of the CLI once kept
        // `preflight` waiting with no end).
        while !(reading.as_ref().is_none_or(|h| h.is_finished()) && stderr.is_finished()) {
            if Instant::now() >= deadline {
                return Err(CallError::Failed(format!(
                    "`{call}` exited, but its output stayed open past {} s (a process it started holds it); not read",
                    self.timeout.as_secs()
                )));
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        let stdout = match (stdout, reading) {
            (Some(bytes), _) => bytes,
            (None, Some(handle)) => handle.join().map_err(|_| unread())?,
            (None, None) => Vec::new(),
        };
        let stderr = stderr.join().unwrap_or_default();
        if !status.success() {
            return Err(CallError::Refused {
                code: super::error_code(&String::from_utf8_lossy(&stderr)),
            });
        }
        if stdout.len() > MAX_RESPONSE {
            return Err(too_large());
        }
        Ok(stdout)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A throwaway CLI: a shell script with `body`.
    fn fake(name: &str, body: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("ramguard-aliyun-{}-{name}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        let path = dir.join("aliyun");
        let _ = std::fs::write(&path, format!("#!/bin/sh\n{body}\n"));
        let _ = Command::new("chmod").arg("+x").arg(&path).status();
        path
    }

    fn cli(program: PathBuf, timeout: Duration) -> AliyunCli {
        AliyunCli {
            program,
            profile: None,
            region: None,
            timeout,
        }
    }

    #[test]
    fn a_silent_cli_is_stopped_at_the_timeout() {
        let started = Instant::now();
        let result =
            cli(fake("slow", "sleep 30"), Duration::from_millis(300)).call(&Call::new("sts", "GetCallerIdentity"));
        assert!(
            matches!(&result, Err(CallError::Failed(m)) if m.contains("did not answer")),
            "{result:?}"
        );
        assert!(started.elapsed() < Duration::from_secs(10));
    }

    #[test]
    fn a_cli_whose_child_holds_its_output_open_is_stopped_at_the_timeout() {
        // The CLI answers and exits; a process it left behind keeps stdout open (hostile test:
        // `preflight` waited with no end).
        let started = Instant::now();
        let script = "sleep 30 & echo '{}'";
        let result =
            cli(fake("lingering", script), Duration::from_millis(500)).call(&Call::new("sts", "GetCallerIdentity"));
        assert!(
            matches!(&result, Err(CallError::Failed(m)) if m.contains("stayed open")),
            "{result:?}"
        );
        assert!(started.elapsed() < Duration::from_secs(10));
    }

    #[test]
    fn an_endless_answer_is_cut_at_the_cap() {
        // The answer that says the cap (not the timeout's) shows that the child was stopped at
        // the cap; the timeout is long so that a loaded machine cannot reach it first.
        let result = cli(fake("endless", "exec cat /dev/zero"), Duration::from_secs(300))
            .call(&Call::new("sts", "GetCallerIdentity"));
        assert!(
            matches!(&result, Err(CallError::Failed(m)) if m.contains("more than")),
            "{result:?}"
        );
    }

    #[test]
    fn an_error_exit_is_a_refusal_with_its_code() {
        let script = "echo 'ERROR: SDK.ServerError' >&2; echo 'ErrorCode: NoPermission' >&2; exit 1";
        let result = cli(fake("refused", script), Duration::from_secs(30)).call(&Call::new("sts", "GetCallerIdentity"));
        assert_eq!(
            result,
            Err(CallError::Refused {
                code: Some("NoPermission".into())
            })
        );
    }
}
