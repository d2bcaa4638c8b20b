//! `hookgate`: the gateway's admin API from the terminal (README, "From the terminal").
//!
//! - `args.rs`: the command line (clap);
//! - `api.rs`: the connection (flags, environment, `hookgate login`'s profile) and the
//!   admin API client, with its refusals as typed errors;
//! - `commands.rs`: webhooks, deliveries, bulk replay and tail;
//! - `send.rs`: a request signed for the webhook's scheme by the core's own signer;
//! - `code.rs`: webhooks as code (`validate`, `plan`, `apply`);
//! - `output.rs`: tables for people, JSON for scripts.
//!
//! Exit codes: 0 done, 1 refused (by the API, with its problem `code`, or an invalid
//! file), 2 usage.

#[cfg(not(target_arch = "wasm32"))]
mod api;
#[cfg(not(target_arch = "wasm32"))]
mod args;
#[cfg(not(target_arch = "wasm32"))]
mod code;
#[cfg(not(target_arch = "wasm32"))]
mod commands;
#[cfg(not(target_arch = "wasm32"))]
mod output;
#[cfg(not(target_arch = "wasm32"))]
mod send;

fn main() {
    #[cfg(not(target_arch = "wasm32"))]
    std::process::exit(commands::run());
}
