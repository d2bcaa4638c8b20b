//! Parsers for the signature headers providers send. Each is total: any input gives a
//! value or `None`, never a panic (fuzzed in `fuzz/`).

use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::Engine;

/// Standard base64 that accepts input with or without `=` padding, and with non-zero
/// unused bits in the last symbol (as Python's and Go's decoders do, and so the secrets
/// providers hand out).
pub const BASE64_LENIENT: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);

pub fn base64(s: &str) -> Option<Vec<u8>> {
    BASE64_LENIENT.decode(s.trim()).ok()
}

/// Hex of exactly `len` bytes, either case.
pub fn hex_of_len(s: &str, len: usize) -> Option<Vec<u8>> {
    let bytes = hex::decode(s.trim()).ok()?;
    (bytes.len() == len).then_some(bytes)
}

/// Unix seconds as an unsigned decimal of at most 12 digits.
pub fn unix_seconds(s: &str) -> Option<i64> {
    let s = s.trim();
    if s.is_empty() || s.len() > 12 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// `Stripe-Signature: t=<unix>,v1=<hex>,v1=<hex>,v0=...` → (t as sent, every v1).
/// Only `v1` counts; `v0` and unknown keys are ignored.
pub fn stripe(header: &str) -> Option<(&str, Vec<&str>)> {
    timestamp_and_signatures(header, ',', "t", "v1")
}

/// `Paddle-Signature: ts=<unix>;h1=<hex>[;h1=...]` → (ts as sent, every h1).
pub fn paddle(header: &str) -> Option<(&str, Vec<&str>)> {
    timestamp_and_signatures(header, ';', "ts", "h1")
}

/// The shape Stripe and Paddle share: `key=value` items separated by `separator`, one
/// Unix-seconds timestamp under `time_key` and one or more signatures under `sig_key`.
fn timestamp_and_signatures<'h>(
    header: &'h str,
    separator: char,
    time_key: &str,
    sig_key: &str,
) -> Option<(&'h str, Vec<&'h str>)> {
    let mut time = None;
    let mut signatures = Vec::new();
    for item in header.split(separator) {
        let (k, v) = item.trim().split_once('=')?;
        if k == time_key {
            time = Some(v);
        } else if k == sig_key && !v.is_empty() {
            signatures.push(v);
        }
    }
    let time = time.filter(|t| unix_seconds(t).is_some())?;
    (!signatures.is_empty()).then_some((time, signatures))
}

/// Standard Webhooks / Svix: space-separated `v1,<base64>` entries → the v1 payloads.
/// Other versions (`v1a`, `v2`) are ignored.
pub fn signature_list(header: &str) -> Vec<&str> {
    header
        .split(' ')
        .filter_map(|entry| entry.split_once(','))
        .filter(|(version, _)| *version == "v1")
        .map(|(_, sig)| sig)
        .collect()
}

/// `<prefix><hex>` → the hex part, when the prefix is there.
pub fn prefixed<'a>(header: &'a str, prefix: &str) -> Option<&'a str> {
    header.trim().strip_prefix(prefix)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stripe_header() {
        let (t, v1) = stripe("t=1533204620,v1=aa,v0=bb,v1=cc").unwrap();
        assert_eq!(t, "1533204620");
        assert_eq!(v1, vec!["aa", "cc"]);
        for bad in [
            "t=,v1=aa",
            "t,v1=,v0=",
            "t,,",
            ",,",
            "t",
            "t=1,v0=aa",
            "t=x,v1=aa",
            "",
        ] {
            assert!(stripe(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn paddle_header() {
        let (ts, h1) = paddle("ts=1698796800;h1=ab;h1=cd;h2=zz").unwrap();
        assert_eq!(ts, "1698796800");
        assert_eq!(h1, vec!["ab", "cd"]);
        for bad in ["invalid_header", "h1=x", "ts=1234;h2=x", "ts=x;h1=y", ""] {
            assert!(paddle(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn signature_lists_keep_v1_only() {
        assert_eq!(
            signature_list("v1,abc v2,def v1a,ghi v1,jkl"),
            vec!["abc", "jkl"]
        );
        assert_eq!(signature_list("v1,"), vec![""]);
        assert!(signature_list("garbage").is_empty());
    }

    #[test]
    fn numbers_and_encodings() {
        assert_eq!(unix_seconds(" 1614265330 "), Some(1614265330));
        assert_eq!(unix_seconds("-1"), None);
        assert_eq!(unix_seconds("hello"), None);
        assert_eq!(unix_seconds("9999999999999"), None);
        assert_eq!(hex_of_len("ABcd", 2), Some(vec![0xab, 0xcd]));
        assert_eq!(hex_of_len("abcd", 3), None);
        assert_eq!(base64("AJ+Slg"), Some(vec![0, 159, 146, 150]));
        assert_eq!(base64("AJ+Slg=="), Some(vec![0, 159, 146, 150]));
        assert_eq!(base64("not base64!"), None);
    }
}
