//! The per-webhook guard's decisions, without the Durable Object that holds its state:
//! which key identifies a delivery ([`key`]), what a repeated key means
//! ([`idempotency`]), whether the webhook's exact sliding window has room
//! ([`rate_limit`]), whether the record a request was verified with is still the
//! authoritative one ([`authority`]), and the object's stored and wire formats
//! ([`protocol`]). Every function takes the time as an argument.

pub mod authority;
pub mod idempotency;
pub mod key;
pub mod memory;
pub mod protocol;
pub mod rate_limit;
