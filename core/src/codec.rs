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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_encodings() {
        assert_eq!(unix_seconds(" 1700000000 "), Some(1_700_000_000));
        assert_eq!(unix_seconds("-5"), None);
        assert_eq!(unix_seconds("1e9"), None);
        assert_eq!(unix_seconds("1234567890123"), None);
        assert_eq!(hex_of_len("00ff", 2), Some(vec![0, 255]));
        assert_eq!(hex_of_len("00FF", 2), Some(vec![0, 255]));
        assert_eq!(hex_of_len("00ff", 3), None);
        assert_eq!(base64("AAE="), Some(vec![0, 1]));
        assert_eq!(base64("AAE"), Some(vec![0, 1]));
        assert_eq!(base64("!!"), None);
    }
}
