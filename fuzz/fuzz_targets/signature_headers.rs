//! Every provider header parser on arbitrary text: never panics, and what it returns is
//! consistent with its input.
#![no_main]

use hookgate_core::verify::parse;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    if let Some((t, v1)) = parse::stripe(s) {
        assert!(parse::unix_seconds(t).is_some());
        assert!(!v1.is_empty() && v1.iter().all(|v| s.contains(v)));
    }
    if let Some((ts, h1)) = parse::paddle(s) {
        assert!(parse::unix_seconds(ts).is_some());
        assert!(!h1.is_empty());
    }
    for sig in parse::signature_list(s) {
        let _ = parse::base64(sig);
    }
    if let Some(n) = parse::unix_seconds(s) {
        assert!(n >= 0);
    }
    if let Some(bytes) = parse::hex_of_len(s, 32) {
        assert_eq!(bytes.len(), 32);
    }
    let _ = parse::prefixed(s, "sha256=").map(|h| parse::hex_of_len(h, 32));
    let _ = parse::base64(s);
});
