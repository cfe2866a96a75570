// Each bench uses part of the generator.
#[allow(dead_code, reason = "each bench uses only part of the generator")]
pub mod corpus;
