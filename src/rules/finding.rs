//! A finding is data until the very end: the reporters turn it into text.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use super::Rule;
use crate::source::Span;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Info => "info",
            Self::Warning => "warning",
            Self::Error => "error",
        }
    }
}

/// A finding's text: most are fixed (`&'static str`), kept without a copy; the others are
/// written for the finding (`String`).
pub type Text = Cow<'static, str>;

#[derive(Debug, Clone)]
pub struct Finding {
    pub rule: &'static Rule,
    pub severity: Severity,
    /// One line, lowercase, no final period, user input in backticks.
    pub message: Text,
    /// The offending value.
    pub span: Span,
    pub label: Text,
    /// The JSON pointer of the offending value in the policy document.
    pub pointer: String,
    /// Other places that explain the finding (the `"Effect": "Allow"` that makes a wildcard
    /// dangerous, the first of two duplicate keys).
    pub related: Vec<(Span, Text)>,
    pub help: Option<Text>,
    /// The name of the document the finding is in, when its file names its documents (a
    /// Terraform address: `module.ops.alicloud_ram_policy.p`; a ROS logical ID). Set by the
    /// linter, not by rules.
    pub document: Option<std::sync::Arc<str>>,
}

impl Finding {
    pub fn new(rule: &'static Rule, span: Span, message: impl Into<Text>) -> Self {
        Self {
            rule,
            severity: rule.severity,
            message: message.into(),
            span,
            label: Text::Borrowed(""),
            pointer: String::new(),
            related: Vec::new(),
            help: None,
            document: None,
        }
    }

    #[must_use]
    pub fn label(mut self, label: impl Into<Text>) -> Self {
        self.label = label.into();
        self
    }

    #[must_use]
    pub fn pointer(mut self, pointer: impl Into<String>) -> Self {
        self.pointer = pointer.into();
        self
    }

    #[must_use]
    pub fn related(mut self, span: crate::source::Span, label: impl Into<Text>) -> Self {
        self.related.push((span, label.into()));
        self
    }

    #[must_use]
    pub fn help(mut self, help: impl Into<Text>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// A milder severity than the rule's default, for a case the rule is less sure of.
    #[must_use]
    pub fn severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }
}
