//! Text encodings shared by the stored model (secret formats) and verification
//! (signature headers). Each function is total: any input gives a value or `None`.

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

/// Hex of exactly `out.len()` bytes, either case, decoded into `out`.
pub fn hex_exact(s: &str, out: &mut [u8]) -> Option<()> {
    let s = s.trim();
    // The length first: a wrong-sized signature is refused without decoding it.
    if s.len() != out.len().checked_mul(2)? {
        return None;
    }
    hex::decode_to_slice(s, out).ok()
}

/// Unix seconds as an unsigned decimal of at most 12 digits.
pub fn unix_seconds(s: &str) -> Option<i64> {
    let s = s.trim();
    if s.is_empty() || s.len() > 12 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_encodings() {
        assert_eq!(unix_seconds(" 1700000000 "), Some(1_700_000_000));
        assert_eq!(unix_seconds("-5"), None);
        assert_eq!(unix_seconds("1e9"), None);
        assert_eq!(unix_seconds("1234567890123"), None);
        let hex = |s: &str, len: usize| {
            let mut out = vec![0; len];
            hex_exact(s, &mut out).map(|()| out)
        };
        assert_eq!(hex("00ff", 2), Some(vec![0, 255]));
        assert_eq!(hex("00FF", 2), Some(vec![0, 255]));
        assert_eq!(hex("00ff", 3), None);
        assert_eq!(hex(" 00ff\n", 2), Some(vec![0, 255]));
        assert_eq!(hex("00f", 2), None);
        assert_eq!(hex("00fg", 2), None);
        assert_eq!(hex("\u{e9}00", 2), None);
        assert_eq!(hex("", 0), Some(vec![]));
        assert_eq!(base64("AAE="), Some(vec![0, 1]));
        assert_eq!(base64("AAE"), Some(vec![0, 1]));
        assert_eq!(base64("!!"), None);
    }
}

/// The string value of one top-level field of a JSON object, read without building the
/// document: every other value is skipped as it is parsed (serde's `IgnoredAny`), so
/// the memory used does not grow with the body. `None` when the body is not a JSON
/// object or the field is absent or not a string.
pub fn top_level_string(json: &[u8], field: &str) -> Option<String> {
    use serde::de::{Deserializer, IgnoredAny, MapAccess, Visitor};
    struct Field<'f>(&'f str);
    impl<'de> Visitor<'de> for Field<'_> {
        type Value = Option<String>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a JSON object")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut found = None;
            while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                if key == self.0 && found.is_none() {
                    // A non-string value is "no id", not an error.
                    found = match map.next_value::<serde_json::Value>()? {
                        serde_json::Value::String(s) => Some(s),
                        _ => None,
                    };
                } else {
                    map.next_value::<IgnoredAny>()?;
                }
            }
            Ok(found)
        }
    }
    let mut de = serde_json::Deserializer::from_slice(json);
    let found = (&mut de).deserialize_map(Field(field)).ok()?;
    de.end().ok()?;
    found
}

#[cfg(test)]
mod one_field_tests {
    use super::top_level_string;

    #[test]
    fn reads_one_top_level_string_field() {
        assert_eq!(
            top_level_string(br#"{"a":[1,{"id":"inner"}],"id":"evt_1","z":{}}"#, "id").as_deref(),
            Some("evt_1")
        );
        assert_eq!(top_level_string(br#"{"id":5}"#, "id"), None);
        assert_eq!(top_level_string(br#"{"x":"y"}"#, "id"), None);
        assert_eq!(top_level_string(br#"["id"]"#, "id"), None);
        assert_eq!(top_level_string(br#"{"id":"a"} trailing"#, "id"), None);
        assert_eq!(top_level_string(b"id=evt_1", "id"), None);
        assert_eq!(
            top_level_string(br#"{"id":"a\"b"}"#, "id").as_deref(),
            Some("a\"b")
        );
    }
}
