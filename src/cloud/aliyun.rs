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
        let stdout = drain(child.stdout.take(), MAX_RESPONSE);
        let stderr = drain(child.stderr.take(), MAX_ERROR_TEXT);
        let deadline = Instant::now() + self.timeout;
        let status = loop {
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
        let stdout = stdout
            .join()
            .map_err(|_| CallError::Failed(format!("reading the answer of `{call}` failed")))?;
        let stderr = stderr.join().unwrap_or_default();
        if !status.success() {
            return Err(CallError::Refused {
                code: super::error_code(&String::from_utf8_lossy(&stderr)),
            });
        }
        if stdout.len() > MAX_RESPONSE {
            return Err(CallError::Failed(format!(
                "`{call}` printed more than {} MiB; that is not a response ramguard reads",
                MAX_RESPONSE / (1024 * 1024)
            )));
        }
        Ok(stdout)
    }
}
