//! The command line, as the CONTRACT fixes it.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::report::Format;

#[derive(Debug, Parser)]
#[command(
    name = "ramguard",
    version,
    about = "Lint Alibaba Cloud RAM policies, and pre-flight the release of Redis / Tair instances"
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Output format
    #[arg(long, global = true, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// When to use colour (`NO_COLOR` is honoured by `auto`)
    #[arg(long, global = true, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
    /// Configuration file (default: `ramguard.toml` here or in the nearest parent folder)
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Lint RAM policy documents (files, folders, or `-` for standard input)
    Lint(LintArgs),
    /// List every rule: code, name, default severity, summary
    Rules,
    /// Print the documentation of one rule, by name or code
    Explain {
        /// A rule name (`wildcard-grants-delete`) or code (`RG201`)
        rule: String,
    },
}

#[derive(Debug, Args)]
pub struct LintArgs {
    /// Files or folders to lint (default: the current folder)
    pub paths: Vec<PathBuf>,
    /// Fail on warnings too
    #[arg(long)]
    pub deny_warnings: bool,
    /// Lint files even where `ramguard.toml` ignores them
    #[arg(long)]
    pub no_ignore: bool,
}
