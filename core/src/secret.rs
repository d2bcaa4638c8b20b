//! Secrets and identifiers made from the shell's random bytes.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fmt;
use subtle::ConstantTimeEq;

/// A webhook secret or key. `Debug` never shows it; the only ways out are
/// [`Secret::expose`] (for MACs and the one-time creation answer) and serde (for the KV
/// record, which is the operator's own store). There is no `PartialEq`: comparisons go
/// through the constant-time [`Secret::matches`] and [`Secret::same_as`].
#[derive(Clone, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub const MIN_LEN: usize = 8;
    pub const MAX_LEN: usize = 256;

    /// 32 random bytes from the shell become `hgs_` + 43 URL-safe characters: printable,
    /// usable as a path segment (URL key), and recognisable by secret scanners.
    pub fn generate(random: [u8; 32]) -> Secret {
        Secret(format!("hgs_{}", URL_SAFE_NO_PAD.encode(random)))
    }

    pub(crate) fn from_string(value: String) -> Secret {
        Secret(value)
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Constant-time equality with a presented value. Both sides are hashed first so the
    /// comparison takes the same time whatever the lengths are.
    pub fn matches(&self, presented: &[u8]) -> bool {
        constant_time_eq_hashed(self.0.as_bytes(), presented)
    }

    /// Constant-time equality of two secrets.
    pub fn same_as(&self, other: &Secret) -> bool {
        self.matches(other.0.as_bytes())
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

/// Compares two byte strings in constant time with respect to their contents and lengths.
pub fn constant_time_eq_hashed(expected: &[u8], presented: &[u8]) -> bool {
    let a = Sha256::digest(expected);
    let b = Sha256::digest(presented);
    a.ct_eq(&b).into()
}

/// A webhook's id: `wh_` followed by 24 lowercase hex digits.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct WebhookId(String);

impl WebhookId {
    pub fn generate(random: [u8; 12]) -> WebhookId {
        WebhookId(format!("wh_{}", hex::encode(random)))
    }

    pub fn parse(raw: &str) -> Option<WebhookId> {
        let hex_part = raw.strip_prefix("wh_")?;
        let ok = hex_part.len() == 24
            && hex_part
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        ok.then(|| WebhookId(raw.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for WebhookId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        WebhookId::parse(&raw).ok_or_else(|| serde::de::Error::custom("malformed webhook id"))
    }
}

/// A delivery's id: `evt_` followed by 32 lowercase hex digits.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct DeliveryId(String);

impl DeliveryId {
    pub fn generate(random: [u8; 16]) -> DeliveryId {
        let mut id = *b"evt_00000000000000000000000000000000";
        hex::encode_to_slice(random, &mut id[4..]).expect("32 hex digits fit");
        DeliveryId(String::from_utf8(id.to_vec()).expect("ASCII"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_secret() {
        let s = Secret::generate([7; 32]);
        assert!(!format!("{s:?}").contains(&s.expose()[4..]));
        assert_eq!(format!("{s:?}"), "Secret(<redacted>)");
    }

    #[test]
    fn generated_secret_is_url_safe_and_long() {
        let s = Secret::generate([0xfb; 32]);
        assert!(s.expose().starts_with("hgs_"));
        assert_eq!(s.expose().len(), 4 + 43);
        assert!(s
            .expose()
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-'));
    }

    #[test]
    fn matches_only_the_exact_value() {
        let s = Secret::from_string("correct horse".into());
        assert!(s.matches(b"correct horse"));
        assert!(!s.matches(b"correct hors"));
        assert!(!s.matches(b"correct horse "));
        assert!(!s.matches(b""));
        assert!(s.same_as(&Secret::from_string("correct horse".into())));
        assert!(!s.same_as(&Secret::from_string("correct horsE".into())));
    }

    #[test]
    fn ids_round_trip_and_reject_garbage() {
        let id = WebhookId::generate([0xab; 12]);
        assert_eq!(id.as_str(), "wh_abababababababababababab");
        assert_eq!(WebhookId::parse(id.as_str()), Some(id));
        for bad in [
            "wh_",
            "wh_ABABABABABABABABABABABAB",
            "xx_abababababababababababab",
            "wh_abab",
        ] {
            assert!(WebhookId::parse(bad).is_none(), "{bad}");
        }
        assert_eq!(
            DeliveryId::generate([1; 16]).as_str(),
            "evt_01010101010101010101010101010101"
        );
    }
}
