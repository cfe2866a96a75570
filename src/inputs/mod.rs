//! Recognising what a file is: a policy document, a RAM API response that carries one, instance
//! metadata or Terraform JSON.

pub mod evaluable;
pub mod instances;
pub mod policy_file;
