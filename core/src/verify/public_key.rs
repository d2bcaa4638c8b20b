//! Runs a [`PublicKeyLayout`]: the signature header, the signed time (checked against
//! the tolerance when one is in force), the signed content, and the signature checked
//! against every stored public key (several during a rotation), without stopping at the
//! first match. The order of the checks gives the same codes as the MAC engine.

use super::{first_matching_secret, VerifyError};
use crate::codec;
use crate::model::scheme::{Piece, PublicKeyAlgorithm, PublicKeyLayout};
use crate::model::template::SignatureEncoding;
use crate::model::AuthConfig;
use crate::pubkey;
use crate::request::Inbound;
use crate::time::UnixMillis;

pub(super) fn run(
    layout: &PublicKeyLayout,
    auth: &AuthConfig,
    inbound: &Inbound,
    now: UnixMillis,
) -> Result<usize, VerifyError> {
    let headers = &inbound.headers;
    let presented = headers
        .get(layout.signature_header)
        .ok_or(VerifyError::SignatureMissing)?
        .trim();
    let time = headers
        .get(layout.timestamp_header)
        .map(str::trim)
        .ok_or(VerifyError::TimestampMissing)?;
    if let Some(tolerance_s) = auth.tolerance_s() {
        let secs = codec::unix_seconds(time).ok_or(VerifyError::TimestampMalformed)?;
        let skew = (now.0 as i64).abs_diff(secs.saturating_mul(1000));
        if skew > tolerance_s.saturating_mul(1000) {
            return Err(VerifyError::TimestampOutOfTolerance);
        }
    }
    let signature = match layout.encoding {
        SignatureEncoding::Hex => hex::decode(presented).ok(),
        SignatureEncoding::Base64 => codec::base64(presented),
    }
    .filter(|s| match layout.algorithm {
        PublicKeyAlgorithm::Ed25519 => s.len() == 64,
        PublicKeyAlgorithm::EcdsaP256Sha256 => pubkey::is_p256_der_signature(s),
    })
    .ok_or(VerifyError::SignatureMalformed)?;

    // Both algorithms take the message whole (Ed25519 hashes it twice): one copy.
    let mut message = Vec::with_capacity(time.len() + inbound.body.len());
    for piece in layout.content {
        match piece {
            Piece::Timestamp => message.extend_from_slice(time.as_bytes()),
            Piece::Body => message.extend_from_slice(&inbound.body),
            Piece::Literal(text) => message.extend_from_slice(text.as_bytes()),
            Piece::Header(name) => message.extend_from_slice(
                headers
                    .get(name)
                    .ok_or_else(|| VerifyError::HeaderMissing(name.to_string()))?
                    .as_bytes(),
            ),
            Piece::TwilioUrlAndParams
            | Piece::JsonBodyMember(_)
            | Piece::ContentfulCanonicalRequest => {
                return Err(VerifyError::Misconfigured(
                    "a public-key layout signs headers, the time and the body only",
                ))
            }
            Piece::Method => message.extend_from_slice(inbound.method.as_bytes()),
            Piece::RequestUrl | Piece::NotificationUrl => {
                return Err(VerifyError::Misconfigured(
                    "no public-key layout signs a URL yet",
                ))
            }
        }
    }

    let misconfigured = || VerifyError::Misconfigured("a stored public key does not parse");
    first_matching_secret(auth, now, VerifyError::SignatureMismatch, |key| {
        let raw = key.expose();
        Ok(match layout.algorithm {
            PublicKeyAlgorithm::Ed25519 => {
                let key = pubkey::ed25519_hex(raw).ok_or_else(misconfigured)?;
                pubkey::verify_ed25519(&key, &message, &signature)
            }
            PublicKeyAlgorithm::EcdsaP256Sha256 => {
                let key = pubkey::p256_spki_base64(raw).ok_or_else(misconfigured)?;
                pubkey::verify_p256_der(&key, &message, &signature)
            }
        })
    })
}

/// Microsoft Graph: every item of `value[]` must carry `clientState` equal to a stored
/// secret (the same one for all items), compared in constant time with no early exit.
pub(super) fn client_state(
    auth: &AuthConfig,
    inbound: &Inbound,
    now: UnixMillis,
) -> Result<usize, VerifyError> {
    #[derive(serde::Deserialize)]
    struct Item<'a> {
        #[serde(rename = "clientState", borrow, default)]
        client_state: Option<std::borrow::Cow<'a, str>>,
    }
    #[derive(serde::Deserialize)]
    struct Notifications<'a> {
        #[serde(borrow)]
        value: Vec<Item<'a>>,
    }
    let parsed: Notifications<'_> =
        serde_json::from_slice(&inbound.body).map_err(|_| VerifyError::ClientStateMissing)?;
    let states: Vec<&str> = parsed
        .value
        .iter()
        .map(|i| {
            i.client_state
                .as_deref()
                .ok_or(VerifyError::ClientStateMissing)
        })
        .collect::<Result<_, _>>()?;
    if states.is_empty() {
        return Err(VerifyError::ClientStateMissing);
    }
    first_matching_secret(auth, now, VerifyError::ClientStateMismatch, |secret| {
        // `&`, not `&&`: every item is compared.
        Ok(states
            .iter()
            .fold(true, |all, s| all & secret.matches(s.as_bytes())))
    })
}
