//! RFC 3339 parsing (Twitch timestamps): never panics; what parses formats back to an
//! instant that parses to the same value.
#![no_main]

use hookgate_core::time::UnixMillis;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    if let Some(t) = UnixMillis::parse_rfc3339(s) {
        if t.0 < 253_402_300_800_000 {
            assert_eq!(UnixMillis::parse_rfc3339(&t.to_rfc3339()), Some(t));
        }
    }
});
