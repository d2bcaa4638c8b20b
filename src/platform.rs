//! Clock and randomness: the two things the core is not allowed to touch.

use hookgate_core::time::UnixMillis;

pub fn now() -> UnixMillis {
    UnixMillis(worker::Date::now().as_millis())
}

/// Fills an array from the platform's CSPRNG (`crypto.getRandomValues` on Workers).
pub fn random<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).expect("the platform CSPRNG is available");
    bytes
}
