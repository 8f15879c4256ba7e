//! Reporters: render an `Outcome`. They never re-parse anything.

pub mod human;
pub mod json;
