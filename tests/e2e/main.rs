//! Entry of the end-to-end suite (see `suite.rs`). It drives workerd from the host, so on
//! the wasm32 target (checked by clippy) there is nothing to run.

#[cfg(not(target_arch = "wasm32"))]
#[path = "suite.rs"]
mod suite;

fn main() {
    #[cfg(not(target_arch = "wasm32"))]
    suite::main();
}
