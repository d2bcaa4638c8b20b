//! hookgate-core: everything hookgate decides, with nothing it does.
//!
//! This crate imports no platform type, performs no I/O, never reads a clock (time comes
//! in as [`time::UnixMillis`]) and never draws randomness (ids and secrets are made from
//! bytes the shell passes in). That keeps every rule unit-testable natively.

pub mod admin;
pub mod envelope;
pub mod path;
pub mod problem;
pub mod record;
pub mod request;
pub mod secret;
pub mod time;
pub mod verify;
