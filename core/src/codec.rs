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

/// base64url (RFC 4648 section 5) with or without padding: JWT segments and JWK members.
pub const BASE64URL_LENIENT: GeneralPurpose = GeneralPurpose::new(
    &alphabet::URL_SAFE,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

pub fn base64url(s: &str) -> Option<Vec<u8>> {
    BASE64URL_LENIENT.decode(s).ok()
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
