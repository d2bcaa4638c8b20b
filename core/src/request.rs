//! The platform-free picture of an incoming request, and the checks made on it before
//! the body is read.

use crate::path::WebhookPath;
use crate::problem::{ErrorCode, Problem};
use crate::record::{Scheme, WebhookRecord};
use std::collections::BTreeMap;

/// Headers with lowercase names, in arrival order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Headers(Vec<(String, String)>);

impl Headers {
    pub fn new(pairs: impl IntoIterator<Item = (String, String)>) -> Headers {
        Headers(
            pairs
                .into_iter()
                .map(|(k, v)| (k.to_ascii_lowercase(), v))
                .collect(),
        )
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// The headers safe to forward: credentials and anything a scheme reads removed.
    pub fn forwardable(&self, record: &WebhookRecord) -> BTreeMap<String, String> {
        let configured = record.auth.header.as_deref();
        self.0
            .iter()
            .filter(|(k, _)| !is_credential_header(k) && Some(k.as_str()) != configured)
            .fold(BTreeMap::new(), |mut out, (k, v)| {
                out.entry(k.clone())
                    .and_modify(|existing: &mut String| {
                        existing.push_str(", ");
                        existing.push_str(v);
                    })
                    .or_insert_with(|| v.clone());
                out
            })
    }
}

/// Headers that carry credentials or signatures for any scheme hookgate knows, plus the
/// ones that must not travel (cookies). Names are lowercase.
const CREDENTIAL_HEADERS: &[&str] = &[
    "authorization",
    "proxy-authorization",
    "cookie",
    "set-cookie",
    "x-api-key",
    "x-webhook-signature",
    "x-webhook-secret",
    "x-webhook-token",
    "x-hub-signature",
    "x-hub-signature-256",
    "stripe-signature",
    "x-slack-signature",
    "x-shopify-hmac-sha256",
    "shopify-hmac-sha256",
    "x-twilio-signature",
    "webhook-signature",
    "svix-signature",
    "paddle-signature",
    "linear-signature",
    "x-zm-signature",
    "twitch-eventsub-message-signature",
];

pub fn is_credential_header(lowercase_name: &str) -> bool {
    CREDENTIAL_HEADERS.contains(&lowercase_name)
        || lowercase_name.ends_with("-signature")
        || lowercase_name.ends_with("-token")
        || lowercase_name.ends_with("-secret")
}

/// Where a request path landed in the registry.
#[derive(Debug)]
pub struct RouteMatch {
    pub record: WebhookRecord,
    /// The last path segment, when the record is a URL-key webhook registered one level up.
    pub url_key: Option<String>,
}

impl RouteMatch {
    /// The path as it may be logged or forwarded: a URL key is replaced by `{key}`.
    pub fn redacted_path(&self) -> String {
        match self.url_key {
            Some(_) => format!("{}/{{key}}", self.record.path),
            None => self.record.path.to_string(),
        }
    }
}

/// Resolves a request path given the record stored at that exact path and, only when
/// there is none, the record stored at its parent. Exact matches win; the parent only
/// matches when it is a URL-key webhook, whose key is the request's last segment.
pub fn resolve_route(
    request_path: &WebhookPath,
    exact: Option<WebhookRecord>,
    parent: Option<WebhookRecord>,
) -> Option<RouteMatch> {
    if let Some(record) = exact {
        return Some(RouteMatch {
            record,
            url_key: None,
        });
    }
    let (_, key) = request_path.split_last()?;
    let record = parent.filter(|r| r.auth.scheme == Scheme::UrlKey)?;
    Some(RouteMatch {
        url_key: Some(key.to_string()),
        record,
    })
}

/// Checks that need only the method and headers, made before any body byte is read.
pub fn precheck(record: &WebhookRecord, method: &str, headers: &Headers) -> Result<(), Problem> {
    if !record.enabled {
        return Err(Problem::new(
            ErrorCode::WebhookDisabled,
            "this webhook is disabled",
        ));
    }
    if !record.allows(method) {
        return Err(Problem::new(
            ErrorCode::MethodNotAllowed,
            format!("{method} is not accepted here"),
        )
        .with_header("Allow", record.allow_header()));
    }
    if let Some(raw) = headers.get("content-length") {
        let declared: u64 = raw.trim().parse().map_err(|_| {
            Problem::new(
                ErrorCode::InvalidContentLength,
                "Content-Length is not a non-negative integer",
            )
        })?;
        if declared > record.max_body_bytes {
            return Err(too_large(record.max_body_bytes));
        }
    }
    Ok(())
}

pub fn too_large(limit: u64) -> Problem {
    Problem::new(
        ErrorCode::PayloadTooLarge,
        format!("the body exceeds this webhook's limit of {limit} bytes"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{validate_new, Fresh, WebhookSpec};
    use crate::secret::WebhookId;

    pub(crate) fn record(json: &str) -> WebhookRecord {
        validate_new(
            WebhookSpec::parse(json.as_bytes()).unwrap(),
            Fresh {
                id: WebhookId::generate([3; 12]),
                secret_bytes: [4; 32],
                now: crate::time::UnixMillis(0),
            },
        )
        .unwrap()
        .record
    }

    fn headers(pairs: &[(&str, &str)]) -> Headers {
        Headers::new(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())))
    }

    #[test]
    fn forwardable_headers_drop_credentials() {
        let r = record(
            r#"{"path":"/h","auth":{"scheme":"hmac-sha256-hex","header":"X-Custom-Sig"},"target":{"queue":"EVENTS"}}"#,
        );
        let h = headers(&[
            ("Content-Type", "application/json"),
            ("Authorization", "Bearer abc"),
            ("Cookie", "a=b"),
            ("X-Webhook-Signature", "deadbeef"),
            ("X-Webhook-Token", "tok"),
            ("X-Custom-Sig", "cafe"),
            ("Stripe-Signature", "t=1,v1=00"),
            ("X-Request-Id", "r1"),
            ("Accept", "a"),
            ("accept", "b"),
        ]);
        let f = h.forwardable(&r);
        let names: Vec<&str> = f.keys().map(String::as_str).collect();
        assert_eq!(names, vec!["accept", "content-type", "x-request-id"]);
        assert_eq!(f["accept"], "a, b");
    }

    #[test]
    fn exact_route_wins_and_parent_matches_only_url_keys() {
        let exact = record(
            r#"{"path":"/a/b","auth":{"scheme":"shared-secret"},"target":{"queue":"EVENTS"}}"#,
        );
        let url_key =
            record(r#"{"path":"/a","auth":{"scheme":"url-key"},"target":{"queue":"EVENTS"}}"#);
        let hmac = record(
            r#"{"path":"/a","auth":{"scheme":"hmac-sha256-hex"},"target":{"queue":"EVENTS"}}"#,
        );
        let p = WebhookPath::parse_request("/a/b").unwrap();

        let m = resolve_route(&p, Some(exact.clone()), None).unwrap();
        assert_eq!(m.record.path.as_str(), "/a/b");
        assert!(m.url_key.is_none());

        let m = resolve_route(&p, None, Some(url_key)).unwrap();
        assert_eq!(m.url_key.as_deref(), Some("b"));

        assert!(resolve_route(&p, None, Some(hmac)).is_none());
        assert!(resolve_route(&p, None, None).is_none());
    }

    #[test]
    fn precheck_enforces_status_method_and_declared_length() {
        let r = record(
            r#"{"path":"/h","methods":["POST","PUT"],"max_body_bytes":10,"auth":{"scheme":"url-key"},"target":{"queue":"EVENTS"}}"#,
        );
        assert!(precheck(&r, "POST", &headers(&[("content-length", "10")])).is_ok());
        let p = precheck(&r, "GET", &headers(&[])).unwrap_err();
        assert_eq!(p.code, ErrorCode::MethodNotAllowed);
        assert_eq!(p.headers, vec![("Allow", "POST, PUT".to_string())]);
        let p = precheck(&r, "POST", &headers(&[("content-length", "11")])).unwrap_err();
        assert_eq!(p.code, ErrorCode::PayloadTooLarge);
        let p = precheck(&r, "POST", &headers(&[("content-length", "-1")])).unwrap_err();
        assert_eq!(p.code, ErrorCode::InvalidContentLength);
        let mut disabled = r.clone();
        disabled.enabled = false;
        let p = precheck(&disabled, "POST", &headers(&[])).unwrap_err();
        assert_eq!(p.code, ErrorCode::WebhookDisabled);
    }
}
