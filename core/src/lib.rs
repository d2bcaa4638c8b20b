//! hookgate-core: everything hookgate decides, with nothing it does.
//!
//! This crate imports no platform type, performs no I/O, never reads a clock (time comes
//! in as [`time::UnixMillis`]) and never draws randomness (ids and secrets are made from
//! bytes the shell passes in). That keeps every rule unit-testable natively.
//!
//! Layers, each importing only those above it (no cycles):
//! `time`, `secret`, `codec`, `path`, `json`, `filter` → `model` → `request` → `verify` →
//! `envelope`, `guard`, `style` → `pipeline`; `admin` and `problem` (the error-to-HTTP
//! table) sit on top.

pub mod admin;
pub mod codec;
pub mod delivery;
pub mod envelope;
pub mod filter;
pub mod guard;
pub mod json;
mod json_text;
pub mod log_budget;
pub mod model;
pub mod path;
pub mod pipeline;
pub mod problem;
pub mod request;
pub mod secret;
pub mod style;
pub mod time;
pub mod verify;

#[cfg(test)]
pub(crate) mod testing;
