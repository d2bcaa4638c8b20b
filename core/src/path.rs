//! Webhook paths: how operators register them and how request paths are matched.
//!
//! Both sides are reduced to a [`WebhookPath`]: decoded segments joined by `/`, with no
//! empty, `.` or `..` segment and no trailing slash. A registered path may hold only
//! RFC 3986 `pchar` characters (no `%`), so a request path matches it exactly when its
//! percent-decoded segments, with a decoded `%2F` counting as a separator (Flowker's
//! rule), are equal.

use percent_encoding::percent_decode_str;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Longest path accepted: KV keys are at most 512 bytes and carry a short prefix.
pub const MAX_PATH_BYTES: usize = 480;

/// A normalized path. Constructed only through [`WebhookPath::parse_registered`] or
/// [`WebhookPath::parse_request`], so holding one means the checks were made.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct WebhookPath(String);

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PathError {
    NotAbsolute,
    TooLong,
    Empty,
    Traversal,
    ReservedAdmin,
    InvalidCharacter(char),
    InvalidEncoding,
}

impl fmt::Display for PathError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PathError::NotAbsolute => f.write_str("path must start with '/'"),
            PathError::TooLong => write!(f, "path is longer than {MAX_PATH_BYTES} bytes"),
            PathError::Empty => f.write_str("path must have at least one segment"),
            PathError::Traversal => f.write_str("'.' and '..' segments are not allowed"),
            PathError::ReservedAdmin => f.write_str("paths under /admin are reserved"),
            PathError::InvalidCharacter(_) => f.write_str(
                "a character is not allowed in a path segment (letters, digits, \
                 -._~!$&'()*+,;=:@ and %XX escapes are)",
            ),
            PathError::InvalidEncoding => f.write_str("path is not valid percent-encoded UTF-8"),
        }
    }
}

fn is_pchar(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-._~!$&'()*+,;=:@".contains(c)
}

impl WebhookPath {
    /// Validates a path an operator wants to register.
    pub fn parse_registered(raw: &str) -> Result<Self, PathError> {
        if !raw.starts_with('/') {
            return Err(PathError::NotAbsolute);
        }
        if raw.len() > MAX_PATH_BYTES {
            return Err(PathError::TooLong);
        }
        let mut segments = Vec::new();
        for segment in raw.split('/').filter(|s| !s.is_empty()) {
            if let Some(c) = segment.chars().find(|&c| !is_pchar(c)) {
                return Err(PathError::InvalidCharacter(c));
            }
            segments.push(segment);
        }
        Self::from_segments(&segments)
    }

    /// Normalizes the path of an incoming request (still percent-encoded).
    pub fn parse_request(raw: &str) -> Result<Self, PathError> {
        if !raw.starts_with('/') {
            return Err(PathError::NotAbsolute);
        }
        // Generous bound before decoding; the decoded form is checked again below.
        if raw.len() > MAX_PATH_BYTES * 3 {
            return Err(PathError::TooLong);
        }
        let mut decoded_segments = Vec::new();
        for segment in raw.split('/').filter(|s| !s.is_empty()) {
            let decoded = percent_decode_str(segment)
                .decode_utf8()
                .map_err(|_| PathError::InvalidEncoding)?;
            if decoded.chars().any(|c| c.is_control()) {
                return Err(PathError::InvalidEncoding);
            }
            // A decoded %2F separates segments, exactly like a literal '/'.
            for part in decoded.split('/').filter(|s| !s.is_empty()) {
                decoded_segments.push(part.to_string());
            }
        }
        let refs: Vec<&str> = decoded_segments.iter().map(String::as_str).collect();
        Self::from_segments(&refs)
    }

    fn from_segments(segments: &[&str]) -> Result<Self, PathError> {
        if segments.is_empty() {
            return Err(PathError::Empty);
        }
        if segments.iter().any(|s| *s == "." || *s == "..") {
            return Err(PathError::Traversal);
        }
        if segments[0] == "admin" {
            return Err(PathError::ReservedAdmin);
        }
        let joined = format!("/{}", segments.join("/"));
        if joined.len() > MAX_PATH_BYTES {
            return Err(PathError::TooLong);
        }
        Ok(WebhookPath(joined))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The path without its last segment, and that segment: where a URL-key webhook
    /// (Kestra) is registered and the key the request carries.
    pub fn split_last(&self) -> Option<(WebhookPath, &str)> {
        let idx = self.0.rfind('/')?;
        if idx == 0 {
            return None;
        }
        Some((WebhookPath(self.0[..idx].to_string()), &self.0[idx + 1..]))
    }
}

impl fmt::Display for WebhookPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for WebhookPath {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        WebhookPath::parse_registered(&raw).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registered_paths_normalize() {
        let p = WebhookPath::parse_registered("/v1/webhooks/orders/paid/").unwrap();
        assert_eq!(p.as_str(), "/v1/webhooks/orders/paid");
        let p = WebhookPath::parse_registered("//api//v1/jobs").unwrap();
        assert_eq!(p.as_str(), "/api/v1/jobs");
        let p = WebhookPath::parse_registered("/api/v1/executions/webhook/company.team/myflow")
            .unwrap();
        assert_eq!(p.as_str(), "/api/v1/executions/webhook/company.team/myflow");
    }

    #[test]
    fn registered_paths_reject_bad_input() {
        use PathError::*;
        let cases = [
            ("hooks/x", NotAbsolute),
            ("/", Empty),
            ("/hooks/../admin", Traversal),
            ("/hooks/./x", Traversal),
            ("/admin/v1/webhooks", ReservedAdmin),
            ("/admin", ReservedAdmin),
            ("/hooks/a b", InvalidCharacter(' ')),
            ("/hooks/a%2Fb", InvalidCharacter('%')),
            ("/hooks?x=1", InvalidCharacter('?')),
            ("/hooks#frag", InvalidCharacter('#')),
        ];
        for (raw, want) in cases {
            assert_eq!(WebhookPath::parse_registered(raw), Err(want), "{raw}");
        }
        let long = format!("/{}", "a".repeat(MAX_PATH_BYTES));
        assert_eq!(WebhookPath::parse_registered(&long), Err(TooLong));
    }

    #[test]
    fn admin_prefix_only_reserves_the_admin_segment() {
        assert!(WebhookPath::parse_registered("/administrator/hook").is_ok());
        assert!(WebhookPath::parse_registered("/hooks/admin").is_ok());
    }

    #[test]
    fn request_paths_decode_and_match_registered_ones() {
        let reg = WebhookPath::parse_registered("/v1/webhooks/orders/paid").unwrap();
        for raw in [
            "/v1/webhooks/orders/paid",
            "/v1/webhooks/orders/paid/",
            "/v1/webhooks/orders%2Fpaid",
            "/v1%2fwebhooks%2Forders%2Fpaid",
            "/v1/%77ebhooks/orders/paid",
        ] {
            assert_eq!(WebhookPath::parse_request(raw).unwrap(), reg, "{raw}");
        }
        let other = WebhookPath::parse_request("/v1/webhooks/orders/Paid").unwrap();
        assert_ne!(other, reg, "matching is case-sensitive");
    }

    #[test]
    fn request_paths_reject_traversal_even_when_encoded() {
        for raw in [
            "/hooks/../admin",
            "/hooks/%2e%2e/admin",
            "/hooks/a%2F..%2Fb",
            "/hooks/%2E",
            "/..",
        ] {
            assert_eq!(
                WebhookPath::parse_request(raw),
                Err(PathError::Traversal),
                "{raw}"
            );
        }
    }

    #[test]
    fn request_paths_reject_bad_encoding_and_admin() {
        assert_eq!(
            WebhookPath::parse_request("/hooks/%ff"),
            Err(PathError::InvalidEncoding)
        );
        assert_eq!(
            WebhookPath::parse_request("/hooks/%00"),
            Err(PathError::InvalidEncoding)
        );
        assert_eq!(
            WebhookPath::parse_request("/admin%2Fv1"),
            Err(PathError::ReservedAdmin)
        );
        assert_eq!(WebhookPath::parse_request("/"), Err(PathError::Empty));
    }

    #[test]
    fn split_last_yields_parent_and_key() {
        let p = WebhookPath::parse_request("/api/v1/executions/webhook/ns/flow/k3y").unwrap();
        let (parent, key) = p.split_last().unwrap();
        assert_eq!(parent.as_str(), "/api/v1/executions/webhook/ns/flow");
        assert_eq!(key, "k3y");
        let single = WebhookPath::parse_request("/one").unwrap();
        assert!(single.split_last().is_none());
    }

    #[test]
    fn deserializing_validates() {
        let ok: WebhookPath = serde_json::from_str("\"/a/b\"").unwrap();
        assert_eq!(ok.as_str(), "/a/b");
        assert!(serde_json::from_str::<WebhookPath>("\"/a/../b\"").is_err());
    }
}
