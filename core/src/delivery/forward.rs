//! The request hookgate sends to an origin, rebuilt from the envelope: the original
//! body bytes and content type, the original headers on [`ALLOWED_HEADERS`] (never a
//! credential: the envelope already dropped those), and hookgate's own headers.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde::Deserialize;
use serde_json::value::RawValue;

/// Original headers forwarded to origins, by name. Everything else the sender sent stays
/// in the envelope only. `webhook-*` never passes: those names carry hookgate's own
/// signature.
pub const ALLOWED_HEADERS: &[&str] = &[
    "content-type",
    "user-agent",
    "idempotency-key",
    "x-request-id",
    "x-correlation-id",
    "x-github-event",
    "x-github-delivery",
    "x-github-hook-id",
    "x-shopify-topic",
    "x-shopify-shop-domain",
    "x-shopify-webhook-id",
    "x-slack-retry-num",
    "x-slack-retry-reason",
    "linear-event",
    "linear-delivery",
    "twitch-eventsub-message-type",
    "twitch-eventsub-message-id",
    "twitch-eventsub-subscription-type",
    "i-twilio-idempotency-token",
];

/// Where the body is.
#[derive(Debug, PartialEq, Eq)]
pub enum Body {
    Inline(Vec<u8>),
    /// In R2 under `key`; `size` bytes (checked when read back).
    R2 {
        key: String,
        size: u64,
        sha256: Option<String>,
    },
}

#[derive(Debug, PartialEq, Eq)]
pub struct Forward {
    pub method: String,
    pub body: Body,
    pub headers: Vec<(String, String)>,
}

#[derive(Deserialize)]
struct Envelope<'a> {
    request: RequestPart,
    #[serde(borrow)]
    body: &'a RawValue,
}

#[derive(Deserialize)]
struct RequestPart {
    method: String,
    #[serde(default)]
    headers: std::collections::BTreeMap<String, String>,
}

/// The body part's tag and R2 reference; `data` is read apart so that JSON stays the
/// sender's exact text.
#[derive(Deserialize)]
struct BodyHead {
    encoding: String,
    #[serde(default)]
    key: Option<String>,
    #[serde(default)]
    size: u64,
    #[serde(default)]
    sha256: Option<String>,
}

/// A JSON body: the sender's JSON text, and the whitespace around it that the envelope
/// keeps beside it (absent when there was none).
#[derive(Deserialize)]
struct RawData<'a> {
    #[serde(borrow)]
    data: &'a RawValue,
    #[serde(default)]
    leading_whitespace: String,
    #[serde(default)]
    trailing_whitespace: String,
}

#[derive(Deserialize)]
struct TextData {
    data: String,
}

#[derive(Debug, PartialEq, Eq)]
pub struct BadEnvelope;

/// The claim check a consumer makes on a body read back from R2: the size and, when the
/// envelope carries it, the SHA-256 the gateway computed when it stored the body.
pub fn check_body(bytes: &[u8], size: u64, sha256: Option<&str>) -> Result<(), String> {
    if bytes.len() as u64 != size {
        return Err(format!(
            "the body read back has {} bytes, the envelope says {size}",
            bytes.len()
        ));
    }
    match sha256 {
        Some(want) if !crate::guard::key::sha256_hex(bytes).eq_ignore_ascii_case(want) => {
            Err("the body read back does not have the envelope's SHA-256".into())
        }
        _ => Ok(()),
    }
}

pub fn from_envelope(envelope: &str) -> Result<Forward, BadEnvelope> {
    let e: Envelope<'_> = serde_json::from_str(envelope).map_err(|_| BadEnvelope)?;
    let head: BodyHead = serde_json::from_str(e.body.get()).map_err(|_| BadEnvelope)?;
    let text = || serde_json::from_str::<TextData>(e.body.get()).map_err(|_| BadEnvelope);
    let body = match head.encoding.as_str() {
        "json" => {
            let raw: RawData<'_> = serde_json::from_str(e.body.get()).map_err(|_| BadEnvelope)?;
            let data = raw.data.get();
            let mut bytes = Vec::with_capacity(
                raw.leading_whitespace.len() + data.len() + raw.trailing_whitespace.len(),
            );
            bytes.extend_from_slice(raw.leading_whitespace.as_bytes());
            bytes.extend_from_slice(data.as_bytes());
            bytes.extend_from_slice(raw.trailing_whitespace.as_bytes());
            Body::Inline(bytes)
        }
        "text" => Body::Inline(text()?.data.into_bytes()),
        "base64" => Body::Inline(STANDARD.decode(text()?.data).map_err(|_| BadEnvelope)?),
        "r2" => Body::R2 {
            key: head.key.ok_or(BadEnvelope)?,
            size: head.size,
            sha256: head.sha256,
        },
        _ => return Err(BadEnvelope),
    };
    let headers = e
        .request
        .headers
        .into_iter()
        .filter(|(k, _)| ALLOWED_HEADERS.contains(&k.as_str()))
        .collect();
    Ok(Forward {
        method: e.request.method,
        body,
        headers,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rebuilds_each_body_encoding_and_filters_headers() {
        let json = r#"{"v":1,"request":{"method":"POST","headers":{"content-type":"application/json","x-github-event":"push","cookie":"x","webhook-id":"spoof","x-custom":"kept-in-envelope"}},"body":{"encoding":"json","size":17,"data":{"a": 1.50, "b":[]}}}"#;
        let f = from_envelope(json).unwrap();
        assert_eq!(f.body, Body::Inline(br#"{"a": 1.50, "b":[]}"#.to_vec()));
        assert_eq!(
            f.headers,
            vec![
                ("content-type".to_string(), "application/json".to_string()),
                ("x-github-event".to_string(), "push".to_string())
            ]
        );
        let text =
            r#"{"request":{"method":"PUT"},"body":{"encoding":"text","size":3,"data":"a=1"}}"#;
        assert_eq!(
            from_envelope(text).unwrap().body,
            Body::Inline(b"a=1".to_vec())
        );
        let b64 =
            r#"{"request":{"method":"POST"},"body":{"encoding":"base64","size":3,"data":"/wAQ"}}"#;
        assert_eq!(
            from_envelope(b64).unwrap().body,
            Body::Inline(vec![0xff, 0, 0x10])
        );
        let r2 =
            r#"{"request":{"method":"POST"},"body":{"encoding":"r2","size":9,"key":"bodies/w/e"}}"#;
        assert_eq!(
            from_envelope(r2).unwrap().body,
            Body::R2 {
                key: "bodies/w/e".into(),
                size: 9,
                sha256: None
            }
        );
        assert_eq!(check_body(b"abc", 3, None), Ok(()));
        let good = crate::guard::key::sha256_hex(b"abc");
        assert_eq!(check_body(b"abc", 3, Some(&good)), Ok(()));
        assert!(check_body(b"abd", 3, Some(&good)).is_err());
        assert!(check_body(b"ab", 3, None).is_err());
        assert_eq!(from_envelope("{}"), Err(BadEnvelope));
    }

    #[test]
    fn no_credential_or_signature_header_is_allowed() {
        use crate::model::providers::all_credential_headers;
        for h in all_credential_headers() {
            assert!(!ALLOWED_HEADERS.contains(&h), "{h}");
        }
        assert!(!ALLOWED_HEADERS.iter().any(|h| h.starts_with("webhook-")));
    }
}
