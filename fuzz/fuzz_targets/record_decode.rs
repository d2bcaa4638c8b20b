//! Decoding a stored KV record: never panics, and what decodes re-encodes to a record
//! that decodes to the same value.
#![no_main]

use hookgate_core::model::WebhookRecord;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(r) = WebhookRecord::decode(s) {
        let again = WebhookRecord::decode(&r.encode()).expect("an encoded record decodes");
        assert_eq!(again.encode(), r.encode());
    }
});
