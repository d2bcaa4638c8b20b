//! Request path normalization: never panics, never yields a traversal segment or an
//! admin path, and is idempotent on its own output.
#![no_main]

use hookgate_core::path::WebhookPath;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(p) = WebhookPath::parse_request(s) {
        let segments: Vec<&str> = p.as_str().split('/').skip(1).collect();
        assert!(segments.iter().all(|seg| !seg.is_empty() && *seg != "." && *seg != ".."));
        assert_ne!(segments[0], "admin");
        if !p.as_str().contains('%') {
            assert_eq!(WebhookPath::parse_request(p.as_str()).as_ref(), Ok(&p));
        }
    }
    let _ = WebhookPath::parse_registered(s);
});
