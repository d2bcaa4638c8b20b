//! Every signature-header shape the scheme descriptors use, with each descriptor's own
//! parameters, on arbitrary text: never panics, and what it returns is consistent with
//! its input.
#![no_main]

use hookgate_core::codec;
use hookgate_core::model::scheme::{Check, SignatureSource};
use hookgate_core::model::Scheme;
use hookgate_core::verify::parse;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    for scheme in Scheme::ALL {
        let Check::Hmac(layout) = &scheme.descriptor().check else {
            continue;
        };
        match &layout.signature {
            SignatureSource::KeyValues {
                separator,
                timestamp_key,
                signature_key,
                ..
            } => {
                if let Some((t, sigs)) =
                    parse::key_values(s, *separator, timestamp_key, signature_key)
                {
                    assert!(codec::unix_seconds(t).is_some());
                    assert!(!sigs.is_empty() && sigs.iter().all(|v| s.contains(v)));
                }
            }
            SignatureSource::VersionedList { .. } => {
                for sig in parse::signature_list(s) {
                    let _ = codec::base64(sig);
                }
            }
            SignatureSource::PrefixedList {
                separator, prefix, ..
            } => {
                for sig in parse::prefixed_items(s, *separator, prefix) {
                    assert!(!sig.is_empty() && s.contains(sig));
                }
            }
            SignatureSource::TimeThenSignatures { separator, .. } => {
                if let Some((t, sigs)) = parse::time_then_signatures(s, *separator) {
                    assert!(parse::unix_millis(t).is_some());
                    assert!(!sigs.is_empty() && sigs.iter().all(|v| s.contains(v)));
                }
            }
            SignatureSource::KeyValueSets {
                set_separator,
                separator,
                timestamp_key,
                signature_key,
                ..
            } => {
                if let Some(sets) = parse::key_value_sets(
                    s,
                    *set_separator,
                    *separator,
                    timestamp_key,
                    signature_key,
                ) {
                    assert!(!sets.is_empty());
                    for (t, sigs) in sets {
                        assert!(codec::unix_seconds(t).is_some() && !sigs.is_empty());
                    }
                }
            }
            SignatureSource::Header { .. }
            | SignatureSource::NumberedHeaders { .. }
            | SignatureSource::EachHeader { .. }
            | SignatureSource::JsonBodyMember { .. } => {}
        }
    }
    if let Some(n) = codec::unix_seconds(s) {
        // A round trip: the number is the digits that were sent (less leading zeros), and
        // writing it out reads back as itself.
        let digits = s.trim();
        let significant = digits.trim_start_matches('0');
        let expected = if significant.is_empty() {
            "0"
        } else {
            significant
        };
        assert_eq!(n.to_string(), expected, "{s:?}");
        assert_eq!(codec::unix_seconds(&n.to_string()), Some(n));
    }
    let mut bytes = [0u8; 32];
    if codec::hex_exact(s, &mut bytes).is_some() {
        // Only exactly 64 hex digits (after trimming) decode into 32 bytes.
        let digits = s.trim();
        assert!(digits.len() == 64 && digits.bytes().all(|b| b.is_ascii_hexdigit()));
    }
    let _ = codec::base64(s);
});
