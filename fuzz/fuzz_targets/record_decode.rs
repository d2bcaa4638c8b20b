//! Decoding a stored KV record: never panics, and what decodes re-encodes to a record
//! that decodes to the same value.
#![no_main]

use hookgate_core::record::WebhookRecord;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(r) = WebhookRecord::decode(s) {
        assert_eq!(WebhookRecord::decode(&r.encode()).as_ref(), Ok(&r));
    }
});
