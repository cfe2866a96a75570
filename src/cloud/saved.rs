//! A saved audit: `--save DIR` writes every response the verdict used, as fetched, with a
//! manifest of which call produced which file; `--from DIR` answers the same calls from it, so
//! the audit can be attached to a change ticket and re-run offline with the same verdict.
//!
//! Only responses are saved (standard output of the CLI), and for a refused call only its error
//! code: the CLI's error text can echo a request and is never kept.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::json;

use super::{Api, Call, CallError, ValueKind};
use crate::json::{self, Node};

pub const MANIFEST: &str = "manifest.json";
const FORMAT: &str = "ramguard-fetch/1";

/// A file name inside the audit's folder: no separator, no leading dot.
fn is_file_name(name: &str) -> bool {
    name.bytes().next().is_some_and(|b| b.is_ascii_alphanumeric())
        && name.len() <= 200
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

/// What the user stated on the command line that shapes the verdict, kept with the responses.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Statements {
    pub instance_id: String,
    pub region: Option<String>,
    pub context: Vec<String>,
    pub no_control_policies: bool,
    pub no_session_policy: bool,
    /// Copies of `--control-policy` / `--session-policy` files, by their name in the folder.
    pub control_policies: Vec<String>,
    pub session_policy: Option<String>,
}

/// One answered call.
#[derive(Debug, Clone)]
enum Answer {
    Response(Vec<u8>),
    Refused(Option<String>),
}

/// Wraps an [`Api`] and keeps every answer, to be saved.
pub struct Recorder<'a> {
    inner: &'a dyn Api,
    answers: RefCell<Vec<(Call, Answer)>>,
}

impl std::fmt::Debug for Recorder<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Recorder({} answers)", self.answers.borrow().len())
    }
}

impl<'a> Recorder<'a> {
    pub fn new(inner: &'a dyn Api) -> Self {
        Self {
            inner,
            answers: RefCell::new(Vec::new()),
        }
    }

    /// Write the responses and the manifest into `dir`, a new or empty folder. `extra` are the
    /// policy files the user gave (name in the folder, bytes).
    pub fn save(&self, dir: &Path, statements: &Statements, extra: &[(String, Vec<u8>)]) -> Result<(), String> {
        let shown = dir.display();
        if dir.exists() {
            let mut entries = std::fs::read_dir(dir).map_err(|e| format!("--save {shown}: {e}"))?;
            if entries.next().is_some() {
                return Err(format!(
                    "--save {shown}: the folder is not empty; name a new folder so that audits do not mix"
                ));
            }
        }
        std::fs::create_dir_all(dir).map_err(|e| format!("--save {shown}: {e}"))?;
        let write = |name: &str, bytes: &[u8]| {
            std::fs::write(dir.join(name), bytes).map_err(|e| format!("--save {shown}/{name}: {e}"))
        };
        let mut calls = Vec::new();
        for (call, answer) in self.answers.borrow().iter() {
            match answer {
                Answer::Response(bytes) => {
                    let name = call.file_name();
                    write(&name, bytes)?;
                    calls.push(json!({ "command": call.words(), "response": name }));
                }
                Answer::Refused(code) => calls.push(json!({ "command": call.words(), "refused": code })),
            }
        }
        for (name, bytes) in extra {
            write(name, bytes)?;
        }
        let manifest = json!({
            "format": FORMAT,
            "statements": {
                "instance_id": statements.instance_id,
                "region": statements.region,
                "context": statements.context,
                "no_control_policies": statements.no_control_policies,
                "no_session_policy": statements.no_session_policy,
                "control_policies": statements.control_policies,
                "session_policy": statements.session_policy,
            },
            "calls": calls,
        });
        write(
            MANIFEST,
            (serde_json::to_string_pretty(&manifest).unwrap_or_default() + "\n").as_bytes(),
        )
    }
}

impl Api for Recorder<'_> {
    fn call(&self, call: &Call) -> Result<Vec<u8>, CallError> {
        let result = self.inner.call(call);
        let answer = match &result {
            Ok(bytes) => Some(Answer::Response(bytes.clone())),
            Err(CallError::Refused { code }) => Some(Answer::Refused(code.clone())),
            Err(CallError::Failed(_)) => None,
        };
        if let Some(answer) = answer {
            self.answers.borrow_mut().push((call.clone(), answer));
        }
        result
    }
}

/// A saved audit, answering the calls it recorded.
#[derive(Debug)]
pub struct Replay {
    pub dir: PathBuf,
    pub statements: Statements,
    answers: BTreeMap<Vec<String>, Result<String, Option<String>>>,
}

impl Replay {
    /// Read `dir/manifest.json`, as strictly as any input.
    pub fn open(dir: &Path) -> Result<Self, String> {
        let path = dir.join(MANIFEST);
        let shown = path.display().to_string();
        let bad = |what: &str| format!("{shown}: {what}; not a manifest written by `ramguard preflight --save`");
        let text = String::from_utf8(read_saved(&path).map_err(|e| format!("--from: {e}"))?)
            .map_err(|_| bad("it is not UTF-8"))?;
        let tree = json::parse_tree(&text).map_err(|e| format!("{shown}: invalid JSON: {}", e.message))?;
        if let Some(duplicate) = tree.duplicates().first() {
            return Err(bad(&format!("the key `{}` appears twice", duplicate.again.key)));
        }
        let root = tree.root;
        // A field `--save` never writes (`statements.absent`) says something this reader would
        // drop in silence: the manifest is refused, not half read.
        let unknown_field = |node: &Node, known: &[&str], at: &str| -> Result<(), String> {
            match node
                .as_object()
                .and_then(|members| members.iter().find(|m| !known.contains(&m.key.as_ref())))
            {
                Some(member) => Err(bad(&format!("`{at}{}` is not a field of a saved audit", member.key))),
                None => Ok(()),
            }
        };
        unknown_field(&root, &["format", "statements", "calls"], "")?;
        if root.get("format").and_then(|m| m.value.as_str()) != Some(FORMAT) {
            return Err(bad(&format!("`format` is not `{FORMAT}`")));
        }
        let statements = root
            .get("statements")
            .map(|m| &m.value)
            .ok_or_else(|| bad("no `statements`"))?;
        let string = |node: &Node, key: &str| -> Result<Option<String>, String> {
            match node.get(key).map(|m| &m.value.value) {
                None | Some(json::Value::Null) => Ok(None),
                Some(json::Value::String(s)) => Ok(Some(s.to_string())),
                Some(_) => Err(bad(&format!("`{key}` is not a string"))),
            }
        };
        let flag = |key: &str| match statements.get(key).map(|m| &m.value.value) {
            Some(json::Value::Bool(b)) => Ok(*b),
            _ => Err(bad(&format!("`statements.{key}` is not true or false"))),
        };
        let strings = |node: &Node, key: &str| -> Result<Vec<String>, String> {
            let items = node
                .get(key)
                .and_then(|m| m.value.as_array())
                .ok_or_else(|| bad(&format!("`{key}` is not an array")))?;
            items
                .iter()
                .map(|n| {
                    n.as_str()
                        .map(str::to_string)
                        .ok_or_else(|| bad(&format!("`{key}` holds a non-string")))
                })
                .collect()
        };
        let file = |name: String| -> Result<String, String> {
            // A name in the folder, never a path out of it.
            if is_file_name(&name) {
                Ok(name)
            } else {
                Err(bad(&format!(
                    "`{}` is not a file name of the audit",
                    name.escape_debug()
                )))
            }
        };
        unknown_field(
            statements,
            &[
                "instance_id",
                "region",
                "context",
                "no_control_policies",
                "no_session_policy",
                "control_policies",
                "session_policy",
            ],
            "statements.",
        )?;
        let instance_id = string(statements, "instance_id")?.ok_or_else(|| bad("no `statements.instance_id`"))?;
        let statements = Statements {
            instance_id: super::validated(ValueKind::InstanceId, "the saved instance ID", &instance_id)
                .map_err(|e| e.to_string())?,
            region: string(statements, "region")?
                .map(|r| super::validated(ValueKind::Region, "the saved region", &r).map_err(|e| e.to_string()))
                .transpose()?,
            context: strings(statements, "context")?,
            no_control_policies: flag("no_control_policies")?,
            no_session_policy: flag("no_session_policy")?,
            control_policies: strings(statements, "control_policies")?
                .into_iter()
                .map(file)
                .collect::<Result<_, _>>()?,
            session_policy: string(statements, "session_policy")?.map(file).transpose()?,
        };
        let mut answers = BTreeMap::new();
        let calls = root
            .get("calls")
            .and_then(|m| m.value.as_array())
            .ok_or_else(|| bad("`calls` is not an array"))?;
        for call in calls {
            unknown_field(call, &["command", "response", "refused"], "calls[].")?;
            let command = strings(call, "command")?;
            let answer = match (call.get("response"), call.get("refused")) {
                (Some(_), None) => Ok(file(string(call, "response")?.unwrap_or_default())?),
                (None, Some(_)) => Err(string(call, "refused")?),
                _ => return Err(bad("a call has neither `response` nor `refused`, or both")),
            };
            // Two answers to one call are two audits: whichever came last was read.
            if answers.contains_key(&command) {
                return Err(bad(&format!("`{}` is answered twice", command.join(" "))));
            }
            answers.insert(command, answer);
        }
        Ok(Self {
            dir: dir.to_path_buf(),
            statements,
            answers,
        })
    }
}

impl Api for Replay {
    fn call(&self, call: &Call) -> Result<Vec<u8>, CallError> {
        match self.answers.get(&call.words()) {
            None => Err(CallError::Failed(format!(
                "the saved audit in {} holds no answer to `{call}`",
                self.dir.display()
            ))),
            Some(Err(code)) => Err(CallError::Refused { code: code.clone() }),
            Some(Ok(name)) => read_saved(&self.dir.join(name)).map_err(CallError::Failed),
        }
    }
}

/// A file of a saved audit, read as strictly as any input: a regular file (not a symbolic link,
/// which `--save` never writes, nor a FIFO or a device), up to the input cap. A link to
/// `/dev/zero` was read until memory ran out, and a FIFO waited for ever.
fn read_saved(path: &Path) -> Result<Vec<u8>, String> {
    let shown = path.display();
    let metadata = std::fs::symlink_metadata(path).map_err(|e| format!("{shown}: {e}"))?;
    if !metadata.file_type().is_file() {
        return Err(format!(
            "{shown}: not a regular file (a saved audit holds only the files `--save` wrote)"
        ));
    }
    crate::inputs::read_input(path).map(|(_, bytes)| bytes)
}
