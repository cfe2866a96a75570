//! ramguard: lint Alibaba Cloud RAM policies, and pre-flight the release of a Redis / Tair
//! instance.
//!
//! Data flows one way: read (`inputs`) → parse (`json`, `policy`) → check (`rules`) →
//! report (`report`). The library never prints; the binary hands output to the user.

pub mod catalog;
pub mod cli;
pub mod config;
pub mod eval;
pub mod inputs;
pub mod json;
pub mod lint;
pub mod policy;
pub mod preflight;
pub mod report;
pub mod rules;
pub mod settings;
pub mod source;
pub mod suggest;
pub mod values;
