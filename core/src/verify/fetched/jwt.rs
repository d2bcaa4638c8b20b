//! The compact JWS form of a JWT (RFC 7519 / RFC 7515): three base64url segments. Only
//! what verification needs is read before the signature is checked: the header's `alg`
//! and `kid`. The claims are decoded but read only by the caller, after the signature.

use crate::codec;
use serde::Deserialize;

/// The longest token read (Google's OIDC tokens are about 1 KiB, Plaid's less).
pub const MAX_JWT_LEN: usize = 8 * 1024;

#[derive(Debug)]
pub struct Jwt<'t> {
    pub alg: String,
    pub kid: Option<String>,
    /// `header.payload`, the bytes the signature covers.
    pub signing_input: &'t str,
    /// The payload's JSON, decoded from base64url (not parsed).
    pub claims: Vec<u8>,
    pub signature: Vec<u8>,
}

#[derive(Deserialize)]
struct Header {
    alg: String,
    #[serde(default)]
    kid: Option<String>,
}

/// `None` when the token is not three base64url segments with a JSON header naming an
/// `alg`.
pub fn parse(token: &str) -> Option<Jwt<'_>> {
    let token = token.trim();
    if token.len() > MAX_JWT_LEN {
        return None;
    }
    let mut parts = token.split('.');
    let (header, payload, signature) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || header.is_empty() || payload.is_empty() {
        return None;
    }
    let decoded: Header = serde_json::from_slice(&codec::base64url(header)?).ok()?;
    Some(Jwt {
        alg: decoded.alg,
        kid: decoded.kid,
        signing_input: &token[..header.len() + 1 + payload.len()],
        claims: codec::base64url(payload)?,
        signature: codec::base64url(signature)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_segments_with_a_json_header() {
        // {"alg":"ES256","kid":"k1"} . {"a":1} . "sig"
        let jwt = parse("eyJhbGciOiJFUzI1NiIsImtpZCI6ImsxIn0.eyJhIjoxfQ.c2ln").unwrap();
        assert_eq!(jwt.alg, "ES256");
        assert_eq!(jwt.kid.as_deref(), Some("k1"));
        assert_eq!(jwt.claims, br#"{"a":1}"#);
        assert_eq!(jwt.signature, b"sig");
        assert_eq!(
            jwt.signing_input,
            "eyJhbGciOiJFUzI1NiIsImtpZCI6ImsxIn0.eyJhIjoxfQ"
        );
        for bad in [
            "",
            "a.b",
            "a.b.c.d",
            ".eyJhIjoxfQ.c2ln",
            "eyJhIjoxfQ.eyJhIjoxfQ.c2ln",
            "e30.e30.***",
        ] {
            assert!(parse(bad).is_none(), "{bad}");
        }
        assert!(parse(&"a".repeat(MAX_JWT_LEN + 1)).is_none());
    }
}
