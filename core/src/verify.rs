//! Sender verification. [`verify`] is the only constructor of [`Verified`], and an
//! envelope can only be built from a `Verified`, so an unverified request cannot be
//! forwarded by construction.

use crate::problem::{ErrorCode, Problem};
use crate::record::{Scheme, WebhookRecord};
use crate::request::{Headers, RouteMatch};
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Everything about a request that verification and envelope building need.
#[derive(Debug)]
pub struct Inbound {
    pub method: String,
    /// The request path as the sender wrote it, percent-encoded, without the query.
    pub raw_path: String,
    /// The raw query string, without `?`.
    pub query: Option<String>,
    pub headers: Headers,
    pub source_ip: Option<String>,
    pub body: Vec<u8>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VerifyError {
    SignatureMissing,
    SignatureMalformed,
    SignatureMismatch,
    SecretMissing,
    SecretMismatch,
    UrlKeyMissing,
    UrlKeyMismatch,
}

impl From<VerifyError> for Problem {
    fn from(e: VerifyError) -> Self {
        // Details say what was wrong with the request, never what was expected.
        let (code, detail) = match e {
            VerifyError::SignatureMissing => (
                ErrorCode::SignatureMissing,
                "the request carries no signature header",
            ),
            VerifyError::SignatureMalformed => (
                ErrorCode::SignatureMalformed,
                "the signature header is not in the scheme's format",
            ),
            VerifyError::SignatureMismatch => (
                ErrorCode::SignatureMismatch,
                "the signature does not match the body",
            ),
            VerifyError::SecretMissing => (
                ErrorCode::SecretMissing,
                "the request carries no shared secret header",
            ),
            VerifyError::SecretMismatch => {
                (ErrorCode::SecretMismatch, "the shared secret is not valid")
            }
            VerifyError::UrlKeyMissing => (ErrorCode::UrlKeyMissing, "the URL has no key"),
            VerifyError::UrlKeyMismatch => (ErrorCode::UrlKeyMismatch, "the URL key is not valid"),
        };
        Problem::new(code, detail)
    }
}

/// A request whose sender was verified against its webhook. Fields are private and the
/// type has no public constructor: only [`verify`] makes one.
#[derive(Debug)]
pub struct Verified {
    route: RouteMatch,
    inbound: Inbound,
}

impl Verified {
    pub fn record(&self) -> &WebhookRecord {
        &self.route.record
    }

    pub fn inbound(&self) -> &Inbound {
        &self.inbound
    }

    /// True when the last path segment is the URL key and must not be forwarded.
    pub fn path_holds_key(&self) -> bool {
        self.route.url_key.is_some()
    }
}

/// The rejected request comes back with the error so the caller can still log it.
pub type VerifyResult = Result<Verified, (VerifyError, Box<Inbound>)>;

pub fn verify(route: RouteMatch, inbound: Inbound) -> VerifyResult {
    match check(&route, &inbound) {
        Ok(()) => Ok(Verified { route, inbound }),
        Err(e) => Err((e, Box::new(inbound))),
    }
}

fn presented_header<'h>(record: &WebhookRecord, headers: &'h Headers) -> Option<&'h str> {
    match record.auth.header.as_deref() {
        Some(name) => headers.get(name),
        None => record
            .auth
            .scheme
            .default_headers()
            .iter()
            .find_map(|name| headers.get(name)),
    }
}

fn check(route: &RouteMatch, inbound: &Inbound) -> Result<(), VerifyError> {
    let record = &route.record;
    let secrets = &record.auth.secrets;
    match record.auth.scheme {
        Scheme::HmacSha256Hex => {
            let header = presented_header(record, &inbound.headers)
                .ok_or(VerifyError::SignatureMissing)?
                .trim();
            let hex_part = header.strip_prefix("sha256=").unwrap_or(header);
            let signature = hex::decode(hex_part).map_err(|_| VerifyError::SignatureMalformed)?;
            if signature.len() != 32 {
                return Err(VerifyError::SignatureMalformed);
            }
            let any = secrets.iter().fold(false, |found, s| {
                let mut mac = Hmac::<Sha256>::new_from_slice(s.value.expose().as_bytes())
                    .expect("HMAC takes keys of any length");
                mac.update(&inbound.body);
                // verify_slice compares in constant time.
                found | mac.verify_slice(&signature).is_ok()
            });
            any.then_some(()).ok_or(VerifyError::SignatureMismatch)
        }
        Scheme::SharedSecret => {
            let presented = presented_header(record, &inbound.headers)
                .ok_or(VerifyError::SecretMissing)?
                .trim();
            let any = secrets.iter().fold(false, |found, s| {
                found | s.value.matches(presented.as_bytes())
            });
            any.then_some(()).ok_or(VerifyError::SecretMismatch)
        }
        Scheme::UrlKey => {
            let key = route.url_key.as_deref().ok_or(VerifyError::UrlKeyMissing)?;
            let any = secrets
                .iter()
                .fold(false, |found, s| found | s.value.matches(key.as_bytes()));
            any.then_some(()).ok_or(VerifyError::UrlKeyMismatch)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::path::WebhookPath;
    use crate::record::{validate_new, Fresh, WebhookSpec};
    use crate::request::resolve_route;
    use crate::secret::{Secret, WebhookId};

    fn record(json: &str) -> WebhookRecord {
        validate_new(
            WebhookSpec::parse(json.as_bytes()).unwrap(),
            Fresh {
                id: WebhookId::generate([3; 12]),
                secret: Secret::generate([4; 32]),
                now_rfc3339: "2026-11-22T00:00:00.000Z".into(),
            },
        )
        .unwrap()
        .record
    }

    fn inbound(headers: &[(&str, &str)], body: &[u8]) -> Inbound {
        Inbound {
            method: "POST".into(),
            raw_path: "/h".into(),
            query: None,
            headers: Headers::new(headers.iter().map(|(k, v)| (k.to_string(), v.to_string()))),
            source_ip: None,
            body: body.to_vec(),
        }
    }

    fn exact(r: &WebhookRecord) -> RouteMatch {
        RouteMatch {
            record: r.clone(),
            url_key: None,
        }
    }

    fn sign(secret: &str, body: &[u8]) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
        mac.update(body);
        hex::encode(mac.finalize().into_bytes())
    }

    fn err(route: RouteMatch, i: Inbound) -> VerifyError {
        verify(route, i).unwrap_err().0
    }

    #[test]
    fn hmac_hex_accepts_good_and_refuses_tampered() {
        let r = record(
            r#"{"path":"/h","auth":{"scheme":"hmac-sha256-hex","secret":"kubiya-secret"},"target":{"queue":"EVENTS"}}"#,
        );
        let body = br#"{"parameters":{"env":"prod"}}"#;
        let sig = sign("kubiya-secret", body);
        assert!(verify(exact(&r), inbound(&[("X-Webhook-Signature", &sig)], body)).is_ok());
        assert!(verify(
            exact(&r),
            inbound(&[("x-webhook-signature", &sig.to_uppercase())], body)
        )
        .is_ok());
        let prefixed = format!("sha256={sig}");
        assert!(verify(
            exact(&r),
            inbound(&[("X-Webhook-Signature", &prefixed)], body)
        )
        .is_ok());

        let tampered = br#"{"parameters":{"env":"dev"}}"#;
        assert_eq!(
            err(
                exact(&r),
                inbound(&[("X-Webhook-Signature", &sig)], tampered)
            ),
            VerifyError::SignatureMismatch
        );
        let wrong_key = sign("other-secret", body);
        assert_eq!(
            err(
                exact(&r),
                inbound(&[("X-Webhook-Signature", &wrong_key)], body)
            ),
            VerifyError::SignatureMismatch
        );
        assert_eq!(
            err(exact(&r), inbound(&[], body)),
            VerifyError::SignatureMissing
        );
        assert_eq!(
            err(exact(&r), inbound(&[("X-Webhook-Signature", "zz")], body)),
            VerifyError::SignatureMalformed
        );
        assert_eq!(
            err(
                exact(&r),
                inbound(&[("X-Webhook-Signature", &sig[..62])], body)
            ),
            VerifyError::SignatureMalformed
        );
    }

    #[test]
    fn hmac_hex_reads_the_configured_header_only() {
        let r = record(
            r#"{"path":"/h","auth":{"scheme":"hmac-sha256-hex","header":"X-Sig","secret":"kubiya-secret"},"target":{"queue":"EVENTS"}}"#,
        );
        let sig = sign("kubiya-secret", b"x");
        assert!(verify(exact(&r), inbound(&[("x-sig", &sig)], b"x")).is_ok());
        assert_eq!(
            err(exact(&r), inbound(&[("X-Webhook-Signature", &sig)], b"x")),
            VerifyError::SignatureMissing
        );
    }

    #[test]
    fn any_active_secret_verifies() {
        let mut r = record(
            r#"{"path":"/h","auth":{"scheme":"hmac-sha256-hex","secret":"first-secret"},"target":{"queue":"EVENTS"}}"#,
        );
        let mut second = r.auth.secrets[0].clone();
        second.value = Secret::generate([9; 32]);
        r.auth.secrets.push(second.clone());
        let sig = sign(second.value.expose(), b"x");
        assert!(verify(exact(&r), inbound(&[("X-Webhook-Signature", &sig)], b"x")).is_ok());
    }

    #[test]
    fn shared_secret_in_either_default_header() {
        let r = record(
            r#"{"path":"/h","auth":{"scheme":"shared-secret","secret":"flowker-token"},"target":{"queue":"EVENTS"}}"#,
        );
        assert!(verify(
            exact(&r),
            inbound(&[("X-Webhook-Secret", "flowker-token")], b"")
        )
        .is_ok());
        assert!(verify(
            exact(&r),
            inbound(&[("X-Webhook-Token", "flowker-token")], b"")
        )
        .is_ok());
        assert_eq!(
            err(
                exact(&r),
                inbound(&[("X-Webhook-Token", "flowker-tokeN")], b"")
            ),
            VerifyError::SecretMismatch
        );
        assert_eq!(
            err(
                exact(&r),
                inbound(&[("X-Webhook-Token", "flowker-token-and-more")], b"")
            ),
            VerifyError::SecretMismatch
        );
        assert_eq!(
            err(
                exact(&r),
                inbound(&[("Authorization", "flowker-token")], b"")
            ),
            VerifyError::SecretMissing
        );
    }

    #[test]
    fn url_key_is_the_last_segment() {
        let r = record(
            r#"{"path":"/api/v1/executions/webhook/ns/flow","auth":{"scheme":"url-key","secret":"kestra-key-1"},"target":{"queue":"EVENTS"}}"#,
        );
        let good =
            WebhookPath::parse_request("/api/v1/executions/webhook/ns/flow/kestra-key-1").unwrap();
        let m = resolve_route(&good, None, Some(r.clone())).unwrap();
        let v = verify(m, inbound(&[], b"")).unwrap();
        assert!(v.path_holds_key());

        let bad =
            WebhookPath::parse_request("/api/v1/executions/webhook/ns/flow/kestra-key-2").unwrap();
        let m = resolve_route(&bad, None, Some(r.clone())).unwrap();
        assert_eq!(err(m, inbound(&[], b"")), VerifyError::UrlKeyMismatch);

        // The bare registered path carries no key.
        assert_eq!(
            err(exact(&r), inbound(&[], b"")),
            VerifyError::UrlKeyMissing
        );
    }

    #[test]
    fn refusals_never_reveal_the_secret() {
        let r = record(
            r#"{"path":"/h","auth":{"scheme":"shared-secret","secret":"flowker-token"},"target":{"queue":"EVENTS"}}"#,
        );
        for e in [VerifyError::SecretMismatch, VerifyError::SecretMissing] {
            assert!(!Problem::from(e).to_json().contains("flowker-token"));
        }
        let (_, back) =
            verify(exact(&r), inbound(&[("X-Webhook-Token", "nope-nope")], b"")).unwrap_err();
        assert!(!format!("{:?}", r).contains("flowker-token"));
        assert_eq!(back.headers.get("x-webhook-token"), Some("nope-nope"));
    }
}
