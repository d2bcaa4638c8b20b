//! hookgate's test harness, shared by the end-to-end suite (`tests/e2e`) and the load
//! benchmark (`benches/gateway.rs`):
//! - [`gateway`] starts the built Worker in workerd (`wrangler dev --local`) with fresh
//!   state and stops it, with workerd, when dropped;
//! - [`client`] speaks HTTP as a sender and as an operator;
//! - [`browser`] drives Debian's headless Chromium over WebDriver (the dashboard test);
//! - [`senders`] signs requests the way each provider does, from its documentation and
//!   independently of `hookgate-core`.

#![cfg(not(target_arch = "wasm32"))]

pub mod browser;
pub mod client;
pub mod gateway;
pub mod origin;
pub mod senders;
