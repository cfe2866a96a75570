//! Recognising what a file is: a policy document, a RAM API response that carries one, instance
//! metadata or Terraform JSON.

pub mod evaluable;
pub mod instances;
pub mod policy_file;

use std::io::Read;
use std::path::Path;

/// Read a file named on the command line, `-` being standard input: the name to show, and the
/// bytes. The error is one line for the user.
pub fn read_input(path: &Path) -> Result<(String, Vec<u8>), String> {
    if path == Path::new("-") {
        let mut bytes = Vec::new();
        std::io::stdin()
            .read_to_end(&mut bytes)
            .map_err(|e| format!("<stdin>: {e}"))?;
        return Ok(("<stdin>".to_string(), bytes));
    }
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let name = path.to_string_lossy();
    Ok((name.strip_prefix("./").unwrap_or(&name).to_string(), bytes))
}
