//! The platform-free picture of an incoming request, where it lands in the registry,
//! and the checks made on it before the body is read.

use crate::model::WebhookRecord;
use crate::path::WebhookPath;
use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

/// Headers with lowercase names, in arrival order. `Debug` shows names only: values
/// may be credentials.
#[derive(Clone, Default)]
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

    /// Every header, name (lowercase) and value, in arrival order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// The first value of a header; `name` is lowercase.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The headers safe to forward: every scheme's credential headers, the record's own
    /// (configured header, template signature and timestamp headers), and anything
    /// named like a credential removed. A provider's delivery id is never a credential.
    pub fn forwardable(&self, record: &WebhookRecord) -> Forwardable {
        Forwardable(
            self.forwardable_pairs(record)
                .fold(BTreeMap::new(), |mut out, (k, v)| {
                    out.entry(k.clone())
                        .and_modify(|existing: &mut String| {
                            existing.push_str(", ");
                            existing.push_str(v);
                        })
                        .or_insert_with(|| v.clone());
                    out
                }),
        )
    }
}

/// Headers with every credential removed. Only [`Headers::forwardable`] makes one, so
/// whatever takes a `Forwardable` (the envelope, the delivery log's preview, Flowker's
/// `_webhook`) cannot be handed raw headers; computed once per request and shared.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(transparent)]
pub struct Forwardable(BTreeMap<String, String>);

impl Forwardable {
    pub fn into_map(self) -> BTreeMap<String, String> {
        self.0
    }
}

impl std::ops::Deref for Forwardable {
    type Target = BTreeMap<String, String>;

    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl Headers {
    fn forwardable_pairs<'a>(
        &'a self,
        record: &'a WebhookRecord,
    ) -> impl Iterator<Item = &'a (String, String)> {
        let auth = record.auth();
        self.0.iter().filter(move |(k, _)| !auth.never_forwarded(k))
    }

    /// The forwardable headers with every value kept apart (Kestra's `trigger.headers`).
    pub fn forwardable_lists(&self, record: &WebhookRecord) -> BTreeMap<String, Vec<String>> {
        let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (k, v) in self.forwardable_pairs(record) {
            out.entry(k.clone()).or_default().push(v.clone());
        }
        out
    }

    /// Every value of a header, joined with `, ` (how HTTP combines repeated fields).
    pub fn joined(&self, name: &str) -> Option<std::borrow::Cow<'_, str>> {
        let mut values = self.0.iter().filter(|(k, _)| k == name).map(|(_, v)| v);
        let first = values.next()?;
        match values.next() {
            None => Some(std::borrow::Cow::Borrowed(first.as_str())),
            Some(second) => {
                let mut all = format!("{first}, {second}");
                for v in values {
                    all.push_str(", ");
                    all.push_str(v);
                }
                Some(std::borrow::Cow::Owned(all))
            }
        }
    }
}

impl fmt::Debug for Headers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.0.iter().map(|(k, _)| k))
            .finish()
    }
}

/// Everything about a request that verification and envelope building need.
pub struct Inbound {
    pub method: String,
    /// The full request URL as the Worker received it (Twilio signs it). It may hold a
    /// URL key, so it is never logged or forwarded.
    pub url: String,
    /// The raw query string, without `?`.
    pub query: Option<String>,
    pub headers: Headers,
    pub source_ip: Option<String>,
    pub body: Vec<u8>,
}

impl fmt::Debug for Inbound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Inbound")
            .field("method", &self.method)
            .field("url", &"<redacted>")
            .field("headers", &self.headers)
            .field("body_len", &self.body.len())
            .finish_non_exhaustive()
    }
}

/// A request as a filter sees it: the parsed body (JSON, or the text as a JSON string),
/// headers, query, the path as it may be shown (a URL key replaced) and the method.
pub struct RequestView<'a> {
    inbound: &'a Inbound,
    body: Option<&'a serde_json::Value>,
    path: String,
}

impl<'a> RequestView<'a> {
    pub fn new(
        inbound: &'a Inbound,
        body: Option<&'a serde_json::Value>,
        path: String,
    ) -> RequestView<'a> {
        RequestView {
            inbound,
            body,
            path,
        }
    }
}

impl crate::filter::Source for RequestView<'_> {
    fn body(&self) -> Option<&serde_json::Value> {
        self.body
    }

    fn header(&self, lowercase_name: &str) -> Option<std::borrow::Cow<'_, str>> {
        self.inbound.headers.joined(lowercase_name)
    }

    fn query(&self, name: &str, index: usize) -> Option<std::borrow::Cow<'_, str>> {
        let raw = self.inbound.query.as_deref()?;
        form_urlencoded::parse(raw.as_bytes())
            .filter(|(k, _)| k == name)
            .nth(index)
            .map(|(_, v)| std::borrow::Cow::Owned(v.into_owned()))
    }

    fn path(&self) -> &str {
        &self.path
    }

    fn method(&self) -> &str {
        &self.inbound.method
    }
}

/// Where a request path landed in the registry.
pub struct RouteMatch {
    /// Shared with the registry's isolate cache: a request borrows the cached record
    /// instead of copying it (a dozen allocations per request).
    record: Arc<WebhookRecord>,
    /// The last path segment, when the record is a URL-key webhook registered one level up.
    url_key: Option<String>,
}

impl fmt::Debug for RouteMatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RouteMatch")
            .field("webhook", self.record.id())
            .field("url_key", &self.url_key.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

impl RouteMatch {
    /// A request at exactly the record's path.
    pub fn exact(record: impl Into<Arc<WebhookRecord>>) -> RouteMatch {
        RouteMatch {
            record: record.into(),
            url_key: None,
        }
    }

    pub fn record(&self) -> &WebhookRecord {
        &self.record
    }

    /// The same request against a newer revision of its webhook, if it still lands
    /// there (a moved webhook, or one that stopped taking URL keys, no longer matches).
    pub fn refreshed(self, record: Arc<WebhookRecord>) -> Option<RouteMatch> {
        let lands = record.id() == self.record.id()
            && record.path() == self.record.path()
            && (self.url_key.is_none() || record.auth().scheme().takes_url_key());
        lands.then_some(RouteMatch {
            record,
            url_key: self.url_key,
        })
    }

    pub fn url_key(&self) -> Option<&str> {
        self.url_key.as_deref()
    }

    /// The path as it may be logged or forwarded: a URL key is replaced by `{key}`.
    pub fn redacted_path(&self) -> String {
        match self.url_key {
            Some(_) => format!("{}/{{key}}", self.record.path()),
            None => self.record.path().to_string(),
        }
    }
}

/// Resolves a request path given the record stored at that exact path and, only when
/// there is none, the record stored at its parent. Exact matches win; the parent only
/// matches when it is a URL-key webhook, whose key is the request's last segment. A
/// record is only taken where it says it lives: a stray copy under another key (left by
/// an interrupted move) never matches.
/// A query string's parameters, each name with its values in order (the envelope's
/// `query` and the styles' parameters). Here, below both, so neither imports the other.
pub(crate) fn query_lists(raw: Option<&str>) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (k, v) in form_urlencoded::parse(raw.unwrap_or_default().as_bytes()) {
        out.entry(k.into_owned()).or_default().push(v.into_owned());
    }
    out
}

pub fn resolve_route(
    request_path: &WebhookPath,
    exact: Option<Arc<WebhookRecord>>,
    parent: Option<Arc<WebhookRecord>>,
) -> Option<RouteMatch> {
    if let Some(record) = exact.filter(|r| r.path() == request_path) {
        return Some(RouteMatch::exact(record));
    }
    let (parent_path, key) = request_path.split_last()?;
    let record =
        parent.filter(|r| r.auth().scheme().takes_url_key() && *r.path() == parent_path)?;
    Some(RouteMatch {
        url_key: Some(key.to_string()),
        record,
    })
}

/// Refusals made before the body is verified.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RequestError {
    Disabled,
    MethodNotAllowed { method: String, allow: String },
    InvalidContentLength,
    TooLarge { limit: u64 },
}

/// Checks that need only the method and headers, made before any body byte is read.
pub fn precheck(
    record: &WebhookRecord,
    method: &str,
    headers: &Headers,
) -> Result<(), RequestError> {
    if !record.enabled() {
        return Err(RequestError::Disabled);
    }
    // A provider's GET handshake (Meta, Twitter, Dropbox, Okta) is let through to be
    // recognised by verification even when the webhook lists only POST; anything else
    // arriving with that method fails verification there.
    let handshake_method = record
        .auth()
        .scheme()
        .descriptor()
        .handshake
        .and_then(|h| h.method());
    if !record.allows(method) && handshake_method != Some(method) {
        return Err(RequestError::MethodNotAllowed {
            method: method.to_string(),
            allow: record.allow_header(),
        });
    }
    if let Some(raw) = headers.get("content-length") {
        let declared = content_length(raw).ok_or(RequestError::InvalidContentLength)?;
        if declared > record.max_body_bytes() {
            return Err(RequestError::TooLarge {
                limit: record.max_body_bytes(),
            });
        }
    }
    Ok(())
}

/// RFC 9110's `1*DIGIT`: no sign, no spaces inside, no empty value.
pub fn content_length(raw: &str) -> Option<u64> {
    let digits = raw.trim();
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// A request's URL as the runtime serializes it (WHATWG: `scheme://authority/path?query`,
/// no fragment on a request). Its path and query are cut out of that text, not parsed
/// again: the serialization has already percent-encoded what a path or a query may not
/// hold, and a second parse (the `url` crate) was 2% of a refusal's CPU in workerd.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestUrl {
    text: String,
    path_at: usize,
    query_at: Option<usize>,
    end: usize,
}

impl RequestUrl {
    /// `None` when the text has no `scheme://` (the runtime never gives one without).
    pub fn new(text: String) -> Option<RequestUrl> {
        let authority = text.find("://")? + 3;
        let end = text.find('#').unwrap_or(text.len());
        let path_at = text[authority..end]
            .find(['/', '?'])
            .map_or(end, |i| authority + i);
        let query_at = text[path_at..end].find('?').map(|i| path_at + i);
        Some(RequestUrl {
            text,
            path_at,
            query_at,
            end,
        })
    }

    /// The path, `/` when the URL has none.
    pub fn path(&self) -> &str {
        match &self.text[self.path_at..self.query_at.unwrap_or(self.end)] {
            "" => "/",
            path => path,
        }
    }

    /// The query without its `?`; `None` when there is no `?`.
    pub fn query(&self) -> Option<&str> {
        self.query_at.map(|q| &self.text[q + 1..self.end])
    }

    pub fn as_str(&self) -> &str {
        &self.text[..self.end]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::record;

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
            ("X-Hub-Signature", "sha1=00"),
            ("X-Request-Id", "r1"),
            ("I-Twilio-Idempotency-Token", "idem-1"),
            ("X-GitHub-Delivery", "d-1"),
            ("Accept", "a"),
            ("accept", "b"),
        ]);
        let f = h.forwardable(&r);
        let names: Vec<&str> = f.keys().map(String::as_str).collect();
        assert_eq!(
            names,
            vec![
                "accept",
                "content-type",
                "i-twilio-idempotency-token",
                "x-github-delivery",
                "x-request-id"
            ]
        );
        assert_eq!(f["accept"], "a, b");
    }

    #[test]
    fn template_signature_and_timestamp_headers_are_not_forwarded() {
        let r = record(
            r#"{"path":"/h","auth":{"scheme":"hmac","template":{"header":"X-Sig","content":"{timestamp}.{body}","timestamp_header":"X-Sent-At"}},"target":{"queue":"EVENTS"}}"#,
        );
        let h = headers(&[("X-Sig", "abc"), ("X-Sent-At", "1"), ("X-Other", "kept")]);
        let f = h.forwardable(&r);
        assert_eq!(f.keys().collect::<Vec<_>>(), vec!["x-other"]);
    }

    #[test]
    fn debug_never_shows_header_values_urls_or_url_keys() {
        let h = headers(&[("X-Webhook-Secret", "very-secret-value")]);
        assert!(!format!("{h:?}").contains("very-secret-value"));
        let inbound = Inbound {
            method: "POST".into(),
            url: "https://x.example/a/the-url-key".into(),
            query: None,
            headers: h,
            source_ip: None,
            body: b"very-secret-value".to_vec(),
        };
        let shown = format!("{inbound:?}");
        assert!(!shown.contains("very-secret-value") && !shown.contains("the-url-key"));
        let key_hook =
            record(r#"{"path":"/a","auth":{"scheme":"url-key"},"target":{"queue":"EVENTS"}}"#);
        let p = WebhookPath::parse_request("/a/the-url-key").unwrap();
        let m = resolve_route(&p, None, Some(key_hook.into())).unwrap();
        assert!(!format!("{m:?}").contains("the-url-key"));
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

        let m = resolve_route(&p, Some(exact.clone().into()), None).unwrap();
        assert_eq!(m.record().path().as_str(), "/a/b");
        assert!(m.url_key().is_none());

        let m = resolve_route(&p, None, Some(url_key.clone().into())).unwrap();
        assert_eq!(m.url_key(), Some("b"));

        assert!(resolve_route(&p, None, Some(hmac.into())).is_none());
        assert!(resolve_route(&p, None, None).is_none());

        // A copy of a record stored under a key that is not its path never matches.
        let elsewhere = WebhookPath::parse_request("/x/y").unwrap();
        assert!(resolve_route(&elsewhere, Some(exact.into()), None).is_none());
        assert!(resolve_route(&elsewhere, None, Some(url_key.into())).is_none());
    }

    #[test]
    fn precheck_enforces_status_method_and_declared_length() {
        let r = record(
            r#"{"path":"/h","methods":["POST","PUT"],"max_body_bytes":10,"auth":{"scheme":"url-key"},"target":{"queue":"EVENTS"}}"#,
        );
        assert!(precheck(&r, "POST", &headers(&[("content-length", "10")])).is_ok());
        assert_eq!(
            precheck(&r, "GET", &headers(&[])),
            Err(RequestError::MethodNotAllowed {
                method: "GET".into(),
                allow: "POST, PUT".into()
            })
        );
        assert_eq!(
            precheck(&r, "POST", &headers(&[("content-length", "11")])),
            Err(RequestError::TooLarge { limit: 10 })
        );
        for bad in ["-1", "+5", "", "1 0", "0x10", "5.0"] {
            assert_eq!(
                precheck(&r, "POST", &headers(&[("content-length", bad)])),
                Err(RequestError::InvalidContentLength),
                "{bad:?}"
            );
        }
        let disabled = crate::testing::patched(&r, r#"{"enabled":false}"#);
        assert_eq!(
            precheck(&disabled, "POST", &headers(&[])),
            Err(RequestError::Disabled)
        );
    }

    #[test]
    fn a_serialized_url_is_cut_into_its_path_and_query() {
        let url = |t: &str| RequestUrl::new(t.to_string()).unwrap();
        let u = url("https://gw.example/hooks/a%20b?x=1&y=%3F");
        assert_eq!(u.path(), "/hooks/a%20b");
        assert_eq!(u.query(), Some("x=1&y=%3F"));
        assert_eq!(u.as_str(), "https://gw.example/hooks/a%20b?x=1&y=%3F");
        let u = url("http://127.0.0.1:8787/hooks/x?");
        assert_eq!((u.path(), u.query()), ("/hooks/x", Some("")));
        let u = url("http://h:1/p/q");
        assert_eq!((u.path(), u.query()), ("/p/q", None));
        let u = url("http://h?only=query");
        assert_eq!((u.path(), u.query()), ("/", Some("only=query")));
        let u = url("http://h/p?q=1#frag");
        assert_eq!(
            (u.path(), u.query(), u.as_str()),
            ("/p", Some("q=1"), "http://h/p?q=1")
        );
        // A `?` is never part of a path, and a `/` in a query is not a path.
        let u = url("http://h/a?b/c?d");
        assert_eq!((u.path(), u.query()), ("/a", Some("b/c?d")));
        assert_eq!(RequestUrl::new("/no/scheme".into()), None);
    }

    #[test]
    fn it_agrees_with_a_full_parse_of_what_the_runtime_serializes() {
        for text in [
            "https://gw.example/hooks/github?x=%2F&y",
            "http://localhost:8787/hooks/k/abc.def~_-",
            "https://gw.example/",
            "https://gw.example/a/b/?",
        ] {
            let ours = RequestUrl::new(text.to_string()).unwrap();
            let theirs = url::Url::parse(text).unwrap();
            assert_eq!(ours.path(), theirs.path(), "{text}");
            assert_eq!(ours.query(), theirs.query(), "{text}");
        }
    }
}
