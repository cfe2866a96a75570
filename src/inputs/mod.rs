//! Recognising what a file is: a policy document, a RAM API response that carries one, instance
//! metadata, Terraform (`.tf`, `.tf.json`) or a ROS template (JSON or YAML).

pub mod evaluable;
pub mod identifiers;
pub mod instances;
pub mod plan_documents;
pub mod policy_file;
pub mod ros;
pub mod selection;
pub mod terraform;
pub mod terraform_json;

use std::io::Read;
use std::path::Path;

/// The most ramguard reads from one file or from standard input, unless
/// [`INPUT_SIZE_VARIABLE`] says otherwise: well above a RAM policy (6,144 characters), an API
/// response and a large Terraform plan, and far below what would exhaust a CI machine.
pub const DEFAULT_INPUT_SIZE_LIMIT: u64 = 64 * 1024 * 1024;

/// The environment variable that sets the input size limit, in bytes (`134217728`) or with a
/// binary suffix (`128MiB`, `128M`, `512KiB`, `1GiB`). It applies to every file ramguard
/// reads, `ramguard.toml` included, which is why it is not a setting of that file.
pub const INPUT_SIZE_VARIABLE: &str = "RAMGUARD_MAX_INPUT_SIZE";

/// The input size limit in force: [`INPUT_SIZE_VARIABLE`] if set, else the default. A value
/// that is not a size is an error, not a silent default.
pub fn input_size_limit() -> Result<u64, String> {
    match std::env::var(INPUT_SIZE_VARIABLE) {
        Err(std::env::VarError::NotPresent) => Ok(DEFAULT_INPUT_SIZE_LIMIT),
        Err(std::env::VarError::NotUnicode(_)) => Err(format!("{INPUT_SIZE_VARIABLE} is not UTF-8")),
        Ok(text) => parse_size(&text).ok_or_else(|| {
            format!(
                "{INPUT_SIZE_VARIABLE} `{}` is not a size: write bytes (`67108864`) or `64MiB`, `512KiB`, `1GiB`",
                text.escape_debug()
            )
        }),
    }
}

/// A file's bytes as its text, shared by the readers and their findings; or, when they are not
/// UTF-8, what the file is shown as instead.
pub fn source_of(name: String, bytes: Vec<u8>) -> Result<std::sync::Arc<crate::source::SourceFile>, NotUtf8> {
    match String::from_utf8(bytes) {
        Ok(text) => Ok(std::sync::Arc::new(crate::source::SourceFile::new(name, text))),
        Err(error) => Err(NotUtf8 {
            at: error.utf8_error().valid_up_to(),
            lossy: String::from_utf8_lossy(error.as_bytes()).into_owned(),
            name,
        }),
    }
}

/// A file whose bytes are not UTF-8: its name, its text with each invalid sequence replaced,
/// and the offset of the first one.
#[derive(Debug)]
pub struct NotUtf8 {
    pub name: String,
    pub lossy: String,
    pub at: usize,
}

impl NotUtf8 {
    /// The file as read: unparsed, and the finding that says why.
    pub fn unparsed(self) -> policy_file::PolicyFile<'static> {
        policy_file::PolicyFile {
            source: std::sync::Arc::new(crate::source::SourceFile::new(self.name, self.lossy)),
            content: policy_file::Content::Unparsed,
            findings: vec![crate::rules::invalid_json::not_utf8(self.at)],
        }
    }
}

/// `67108864`, `64MiB`, `64M`, `512KiB`, `512K`, `1GiB`, `1G` → bytes; zero is not a size.
pub fn parse_size(text: &str) -> Option<u64> {
    let text = text.trim();
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    let (number, unit) = text.split_at(digits);
    let multiplier: u64 = match unit.trim() {
        "" | "B" => 1,
        "K" | "KiB" => 1 << 10,
        "M" | "MiB" => 1 << 20,
        "G" | "GiB" => 1 << 30,
        _ => return None,
    };
    number
        .parse::<u64>()
        .ok()?
        .checked_mul(multiplier)
        .filter(|&bytes| bytes > 0)
}

/// Read a file named on the command line, `-` being standard input: the name to show, and the
/// bytes. The error is one line for the user.
///
/// Only a regular file is read (a symbolic link to one is fine): a FIFO named as a path would
/// block until someone writes to it, and `/dev/zero` never ends. Its metadata is checked before
/// it is opened, since opening a FIFO blocks already. Standard input may be anything, a pipe
/// above all. Nothing past the size limit is read: a larger input is refused.
pub fn read_input(path: &Path) -> Result<(String, Vec<u8>), String> {
    read_input_within(path, input_size_limit()?)
}

/// [`read_input`] under a limit read once (`lint` reads thousands of files).
pub fn read_input_within(path: &Path, limit: u64) -> Result<(String, Vec<u8>), String> {
    if path == Path::new("-") {
        let bytes = read_capped(std::io::stdin().lock(), limit, 0).map_err(|e| format!("<stdin>: {e}"))?;
        return Ok(("<stdin>".to_string(), bytes));
    }
    let shown = path.display();
    let metadata = std::fs::metadata(path).map_err(|e| format!("{shown}: {e}"))?;
    refuse_unless_regular(&shown, &metadata, limit)?;
    read_regular_file_within(path, limit)
}

/// [`read_input_within`] for a path that the caller has just seen to be a regular file (`lint`'s
/// walk, its check of a named path, the Terraform reader's of a file that `file()` names), never
/// `-`: the file is opened first, without blocking, and checked through the open file. This
/// spares a second lookup of the path (the kernel's path walk of a `stat` was 3-4 % of a lint's
/// CPU time; the floor of issue 13 opens, then asks the open file, as this does), and what is
/// read is what was checked.
pub fn read_regular_file_within(path: &Path, limit: u64) -> Result<(String, Vec<u8>), String> {
    let shown = path.display();
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    // Should a FIFO or a terminal take the path's place after it was checked, opening it must
    // neither wait for a writer nor make it the process's terminal; the check below refuses it.
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, libc::O_NONBLOCK | libc::O_NOCTTY);
    let file = options.open(path).map_err(|e| format!("{shown}: {e}"))?;
    let metadata = file.metadata().map_err(|e| format!("{shown}: {e}"))?;
    refuse_unless_regular(&shown, &metadata, limit)?;
    let bytes = read_capped(file, limit, metadata.len()).map_err(|e| format!("{shown}: {e}"))?;
    let name = path.to_string_lossy();
    Ok((name.strip_prefix("./").unwrap_or(&name).to_string(), bytes))
}

/// Refuse what is not a regular file, or is larger than `limit`: the message says which.
fn refuse_unless_regular(
    shown: &std::path::Display<'_>,
    metadata: &std::fs::Metadata,
    limit: u64,
) -> Result<(), String> {
    if !metadata.is_file() {
        return Err(format!(
            "{shown}: is {}, not a regular file",
            kind_of(metadata.file_type())
        ));
    }
    if metadata.len() > limit {
        return Err(too_large(&shown.to_string(), limit));
    }
    Ok(())
}

/// Read at most `limit` bytes; one byte more means the input is too large (a file may grow
/// between its metadata and its reading, and standard input has no size). `expected`: the size
/// the file says it has, the room read first (through `take`, `read_to_end` does not ask the
/// file: it would double its buffer up to twice the input).
fn read_capped(reader: impl Read, limit: u64, expected: u64) -> Result<Vec<u8>, String> {
    // One byte more, where the read that finds the end lands.
    let room = usize::try_from(expected.min(limit)).map_or(0, |n| n.saturating_add(1));
    let mut reader = reader.take(limit.saturating_add(1));
    let mut bytes = vec![0; room];
    // A first read asking one byte more than the expected size: when it returns exactly that
    // size, the end was reached (a file that grew since its size was read gives more, and is
    // read on; fewer is read on too). `read_to_end` would ask again to see the end: a second
    // system call for each of the thousands of files a lint reads (6 ms of the bench corpus's
    // 35 ms of reading, about 3 % of its lint's CPU time). The room is zeroed first: reading
    // into memory never written takes `unsafe`, which this crate forbids.
    let first = loop {
        match reader.read(&mut bytes) {
            Ok(n) => break n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e.to_string()),
        }
    };
    bytes.truncate(first);
    if u64::try_from(first).ok() != Some(expected) {
        reader.read_to_end(&mut bytes).map_err(|e| e.to_string())?;
    }
    if u64::try_from(bytes.len()).map_or(true, |len| len > limit) {
        return Err(too_large_message(limit));
    }
    Ok(bytes)
}

fn too_large(name: &str, limit: u64) -> String {
    format!("{name}: {}", too_large_message(limit))
}

fn too_large_message(limit: u64) -> String {
    format!("larger than the input size limit of {limit} bytes (set {INPUT_SIZE_VARIABLE} to read larger inputs)")
}

/// What a path that is not a regular file is, for the message.
pub fn kind_of(kind: std::fs::FileType) -> &'static str {
    if kind.is_dir() {
        return "a directory";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if kind.is_char_device() {
            return "a character device";
        }
        if kind.is_block_device() {
            return "a block device";
        }
        if kind.is_socket() {
            return "a socket";
        }
    }
    "a special file"
}

/// Read a file `lint` was given, by its name: Terraform (`.tf`), Terraform's JSON syntax
/// (`.tf.json`), YAML (`.yaml`, `.yml`: a ROS template, or skipped), or JSON (a policy, an API
/// response, or a ROS template, told by its content). The file owns its strings: see
/// [`with_policy_file`] for a reader that keeps the file only while it reads it.
pub fn read_policy_file(name: String, bytes: Vec<u8>) -> policy_file::PolicyFile<'static> {
    with_policy_file(name, bytes, |file, _| file.into_owned())
}

/// Read a file as [`read_policy_file`] does, with the files its documents name (a Terraform
/// file's `file("x.json")`, `templatefile("x.json.tpl", ...)`: see
/// [`terraform::read_with_references`] and [`terraform_json::read_with_references`]), and hand
/// both to `f`. A `.tpl` file is a Terraform
/// template ([`terraform::read_template_file`]). A JSON file's tree borrows its strings from the
/// file's text ([`policy_file::read_source`]), which lives until `f` returns: `lint` and the
/// commands that compile a policy keep a file only as long as they read it, and copy none of its
/// strings.
pub fn with_policy_file<R>(
    name: String,
    bytes: Vec<u8>,
    f: impl FnOnce(policy_file::PolicyFile<'_>, Vec<std::path::PathBuf>) -> R,
) -> R {
    if name.ends_with(".tpl") {
        return f(terraform::read_template_file(name, bytes), Vec::new());
    }
    match kind_of_name(&name) {
        FileKind::Terraform => {
            let (file, references) = terraform::read_with_references(name, bytes);
            f(file, references)
        }
        FileKind::TerraformJson => {
            let (file, references) = terraform_json::read_with_references(name, bytes);
            f(file, references)
        }
        FileKind::TerraformVariablesJson => f(terraform_json::read_variables(name, bytes), Vec::new()),
        FileKind::Yaml => f(ros::read_yaml(name, bytes), Vec::new()),
        FileKind::Json => match policy_file::source(name, bytes) {
            Ok(source) => f(policy_file::read_source(&source), Vec::new()),
            Err(unparsed) => f(unparsed, Vec::new()),
        },
    }
}

/// Whether a file found in a walk is one `lint` reads: `*.json` (`*.tf.json` included), `*.tf`,
/// `*.tfvars`, `*.yaml` and `*.yml`.
pub fn is_read_by_lint(path: &Path) -> bool {
    path.extension().is_some_and(|e| {
        is_terraform_extension(e)
            || ["json", "yaml", "yml"]
                .iter()
                .any(|known| e.eq_ignore_ascii_case(known))
    })
}

/// What a file is, by its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FileKind {
    /// `.tf`, and `.tfvars`: variable values in Terraform's syntax, which can hold a document
    /// (and which pre-commit tags `terraform` too, so the hook hands them over).
    Terraform,
    TerraformJson,
    /// `.tfvars.json`: variable values in Terraform's JSON syntax.
    TerraformVariablesJson,
    Yaml,
    Json,
}

fn kind_of_name(name: &str) -> FileKind {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".tf.json") {
        FileKind::TerraformJson
    } else if lower.ends_with(".tfvars.json") {
        FileKind::TerraformVariablesJson
    } else if Path::new(name).extension().is_some_and(is_terraform_extension) {
        FileKind::Terraform
    } else if lower.ends_with(".yaml") || lower.ends_with(".yml") {
        FileKind::Yaml
    } else {
        FileKind::Json
    }
}

fn is_terraform_extension(extension: &std::ffi::OsStr) -> bool {
    extension.eq_ignore_ascii_case("tf") || extension.eq_ignore_ascii_case("tfvars")
}

/// The duplicate keys of a template's wrapper: [`outside_duplicates`] of `root` around the
/// `documents` read from it. `may_repeat_a_key`: false when the JSON reader saw no object of the
/// text with a key twice, and the wrapper is not walked again.
pub(crate) fn wrapper_duplicates(
    root: &crate::json::Node,
    documents: &[policy_file::Document],
    may_repeat_a_key: bool,
    out: &mut Vec<crate::rules::Finding>,
) {
    wrapper_duplicates_of(root, documents, may_repeat_a_key, &|_: &crate::json::Member| true, out);
}

/// [`wrapper_duplicates`] of the members `refused` says a key written again is refused for
/// (HCL's JSON keeps every repeat of a block type or label, and refuses an argument set twice).
pub(crate) fn wrapper_duplicates_of(
    root: &crate::json::Node,
    documents: &[policy_file::Document],
    may_repeat_a_key: bool,
    refused: &dyn Fn(&crate::json::Member) -> bool,
    out: &mut Vec<crate::rules::Finding>,
) {
    if may_repeat_a_key {
        let linted: Vec<crate::source::Span> = documents.iter().map(|d| d.root.span).collect();
        outside_duplicates(root, &linted, refused, &mut Vec::new(), out);
    }
}

/// The duplicate keys of `node` outside the spans of `linted` documents, with their pointers:
/// a template's wrapper (ROS, `.tf.json`) is refused with a key written twice, as the tool
/// refuses it; inside a document the `duplicate-key` rule reports it.
pub(crate) fn outside_duplicates<'a>(
    node: &'a crate::json::Node,
    linted: &[crate::source::Span],
    refused: &dyn Fn(&crate::json::Member) -> bool,
    path: &mut Vec<crate::json::PathStep<'a>>,
    out: &mut Vec<crate::rules::Finding>,
) {
    use crate::json::{self, PathStep, Value};
    use crate::rules::duplicate_key;
    if linted.contains(&node.span) {
        return;
    }
    match &node.value {
        Value::Object(members) => {
            let mut repeated = Vec::new();
            json::repeats(members, &mut repeated);
            for duplicate in repeated.into_iter().filter(|d| refused(d.again)) {
                path.push(PathStep::Key(&duplicate.again.key));
                out.push(duplicate_key::finding(duplicate, json::pointer_of(path)));
                path.pop();
            }
            for member in members {
                path.push(PathStep::Key(&member.key));
                outside_duplicates(&member.value, linted, refused, path, out);
                path.pop();
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                path.push(PathStep::Index(i));
                outside_duplicates(item, linted, refused, path, out);
                path.pop();
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_are_bytes_or_binary_units() {
        assert_eq!(parse_size("67108864"), Some(67_108_864));
        assert_eq!(parse_size("64MiB"), Some(64 << 20));
        assert_eq!(parse_size("64M"), Some(64 << 20));
        assert_eq!(parse_size("512 KiB"), Some(512 << 10));
        assert_eq!(parse_size("1GiB"), Some(1 << 30));
        for bad in ["", "0", "-1", "64MB", "1.5M", "lots", "99999999999999999999G"] {
            assert_eq!(parse_size(bad), None, "{bad}");
        }
    }

    #[test]
    fn reading_stops_one_byte_past_the_limit() {
        let endless = std::io::repeat(0);
        let message = read_capped(endless, 1024, 0).err().unwrap_or_default();
        assert!(
            message.contains("larger than the input size limit of 1024 bytes"),
            "{message}"
        );
        assert_eq!(read_capped(&b"1234"[..], 4, 4).ok(), Some(b"1234".to_vec()));
    }

    /// `lint` opens a file its walk saw as regular before checking it: should a FIFO have
    /// taken its place, the open must not wait for a writer, and the check must refuse it.
    #[cfg(unix)]
    #[test]
    fn a_file_opened_first_is_checked_through_the_open_file() {
        let dir = std::env::temp_dir().join(format!("ramguard-open-first-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let policy = dir.join("policy.json");
        std::fs::write(&policy, "{}").unwrap();
        let name = policy.to_string_lossy().into_owned();
        assert_eq!(read_regular_file_within(&policy, 2), Ok((name, b"{}".to_vec())));
        let message = read_regular_file_within(&policy, 1).unwrap_err();
        assert!(
            message.contains("larger than the input size limit of 1 bytes"),
            "{message}"
        );
        let message = read_regular_file_within(&dir, 1024).unwrap_err();
        assert!(message.ends_with(": is a directory, not a regular file"), "{message}");
        let fifo = dir.join("pipe.json");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if made.is_ok_and(|s| s.success()) {
            // On another thread: a blocking open would never return.
            let (send, receive) = std::sync::mpsc::channel();
            let opened = fifo.clone();
            std::thread::spawn(move || send.send(read_regular_file_within(&opened, 1024)));
            let read = receive.recv_timeout(std::time::Duration::from_secs(10));
            let message = read.expect("the open waited for a writer").unwrap_err();
            assert!(
                message.ends_with(": is a FIFO (named pipe), not a regular file"),
                "{message}"
            );
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// A reader that hands out at most `step` bytes a call, and counts its calls.
    struct Trickle<'a> {
        rest: &'a [u8],
        step: usize,
        calls: usize,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            self.calls += 1;
            let n = buf.len().min(self.step).min(self.rest.len());
            let (now, later) = self.rest.split_at(n);
            buf.get_mut(..n).unwrap_or_default().copy_from_slice(now);
            self.rest = later;
            Ok(n)
        }
    }

    /// A file of the size it said is read in one call; one that grew, shrank, or is handed out
    /// in pieces is read to its end, nothing lost.
    #[test]
    fn a_file_of_the_size_it_said_is_read_in_one_call() {
        let text = b"{\"Version\": \"1\"}";
        for (expected, step) in [
            (text.len(), usize::MAX),
            (text.len() - 1, usize::MAX),
            (text.len() + 1, usize::MAX),
            (text.len(), 3),
            (0, usize::MAX),
        ] {
            let mut reader = Trickle {
                rest: text,
                step,
                calls: 0,
            };
            let bytes = read_capped(&mut reader, 1 << 20, expected as u64);
            assert_eq!(bytes.as_deref(), Ok(&text[..]), "{expected} {step}");
            // The end is seen by a call that reads nothing, unless the size said where it is.
            let one_call = expected == text.len() && step == usize::MAX;
            assert_eq!(reader.calls == 1, one_call, "{expected} {step}: {} calls", reader.calls);
        }
    }

    #[test]
    fn a_file_is_read_into_room_for_its_size() {
        // A 20 MB policy was read into a buffer doubled to 32 MiB, then copied.
        let text = vec![b'x'; 100_000];
        let bytes = read_capped(&text[..], 1 << 20, 100_000).unwrap_or_default();
        assert_eq!((bytes.len(), bytes.capacity()), (100_000, 100_001));
    }

    #[test]
    fn terraform_variable_files_in_json_are_read_for_documents() {
        let text = r#"{"region": "cn-hangzhou", "policy": {"Version": "1", "Statement": [{"Effect": "allow", "Action": "ecs:*", "Resource": "*"}]}}"#;
        let file = read_policy_file("prod.tfvars.json".into(), text.as_bytes().to_vec());
        let policy_file::Content::Documents(documents) = &file.content else {
            unreachable!("a document expected: {:?}", file.findings)
        };
        assert_eq!(documents.len(), 1);
        assert_eq!(documents[0].address(), Some("var.policy"));
    }

    #[test]
    fn terraform_variable_files_are_read_as_terraform() {
        assert!(is_read_by_lint(Path::new("prod.tfvars")));
        let text = "ops_policy = <<EOF\n{\"Version\": \"1\", \"Statement\": [{\"Effect\": \"allow\", \"Action\": \"ecs:*\", \"Resource\": \"*\"}]}\nEOF\n";
        let file = read_policy_file("prod.tfvars".into(), text.as_bytes().to_vec());
        let policy_file::Content::Documents(documents) = &file.content else {
            unreachable!("a document expected: {:?}", file.findings)
        };
        assert_eq!(documents.len(), 1);
        assert_eq!(documents[0].address(), Some("ops_policy"));
    }
}
