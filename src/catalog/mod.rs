//! What ramguard knows about RAM beyond its grammar: condition keys, service codes, actions.

pub mod conditions;
