//! Asana, as <https://developers.asana.com/docs/webhooks-guide> and Asana's example
//! server describe it: the handshake is a `POST` carrying `X-Hook-Secret` (answered with
//! the same header); events carry `X-Hook-Signature`, the hex HMAC-SHA256 of the body
//! keyed with that secret's text.

use super::hmac_sha256;

pub const SECRET_HEADER: &str = "X-Hook-Secret";
pub const SIGNATURE_HEADER: &str = "X-Hook-Signature";

/// The `X-Hook-Signature` of an event body.
pub fn signature(secret: &str, body: &[u8]) -> String {
    hex::encode(hmac_sha256(secret.as_bytes(), body))
}
