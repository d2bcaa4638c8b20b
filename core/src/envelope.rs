//! The queue envelope: what a consumer receives for every accepted event.
//!
//! The format is versioned (`"v": 1`) and pinned byte for byte by the golden tests in
//! `core/tests/golden.rs`. Add fields only; never rename or retype one.

use crate::json_text::{push_str, push_u64};
use crate::model::WebhookRecord;
use crate::request::Forwardable;
use crate::secret::DeliveryId;
use crate::time::UnixMillis;
use crate::verify::Verified;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde_json::value::RawValue;
use std::borrow::Cow;

pub const ENVELOPE_VERSION: u32 = 1;

/// Queue messages are limited to 128 KB including metadata; a message that would be
/// larger than this (with a margin for the metadata) carries its body in R2 instead.
pub const MAX_MESSAGE_BYTES: usize = 120 * 1024;

/// What carries the envelope to its target, which decides how large the message is:
/// the size checked is the size of what is actually sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Carrier {
    /// The envelope is the queue message (a queue target; a sync origin's request to
    /// the object, which is held to the same limit so replays and R2 work alike).
    Envelope,
    /// The envelope travels escaped inside a `DeliveryJob` on hookgate's delivery
    /// queue (an async origin): every `"`, `\` and control byte grows.
    DeliveryJob,
}

/// A job's fields around its escaped envelope: ids, version, attempt, replay mark.
const DELIVERY_JOB_OVERHEAD_BYTES: usize = 512;

impl Carrier {
    /// The size of the message that carries `envelope`.
    pub fn message_bytes(self, envelope: &str) -> usize {
        match self {
            Carrier::Envelope => envelope.len(),
            Carrier::DeliveryJob => {
                crate::json_text::escaped_len(envelope.as_bytes()) + DELIVERY_JOB_OVERHEAD_BYTES
            }
        }
    }

    pub fn of(record: &WebhookRecord) -> Carrier {
        use crate::model::{OriginMode, TargetKind};
        match record.target().kind() {
            TargetKind::Origin(o) if o.mode() == OriginMode::Async => Carrier::DeliveryJob,
            _ => Carrier::Envelope,
        }
    }
}

/// Even with the body in R2, the headers, query and style additions make a message
/// over the limit: refused with `413`, as no retry could ever be handed over.
#[derive(Debug, PartialEq, Eq)]
pub struct TooLarge {
    pub message_bytes: usize,
}

/// What a webhook's style and settings add to its envelopes (`pipeline::prepare`).
#[derive(Debug, Default)]
pub struct Extras {
    /// The body to forward instead of the sender's (Flowker's `_webhook` added).
    pub body: Option<Vec<u8>>,
    pub event_type: Option<String>,
    pub instruction: Option<String>,
    /// JSON text of Kestra's trigger variables.
    pub trigger: Option<String>,
    pub test: bool,
}

impl Extras {
    /// The bytes that are forwarded: the sender's body unless the style changed it.
    pub fn forwarded_body<'a>(&'a self, sender_body: &'a [u8]) -> &'a [u8] {
        self.body.as_deref().unwrap_or(sender_body)
    }
}

/// The envelope's `body` object, tagged by `encoding`.
enum BodyPart<'a> {
    /// The body is JSON (`crate::json`'s one rule); `data` is the sender's exact JSON
    /// text, and the whitespace around it (which a JSON value cannot hold) is kept
    /// beside it, so that the three together are the body's bytes.
    Json {
        size: usize,
        leading: &'a str,
        data: &'a str,
        trailing: &'a str,
    },
    /// UTF-8 that is not JSON (by the rule the filter uses too).
    Text { size: usize, data: &'a str },
    /// Anything else, standard base64 with padding.
    Base64 { size: usize, data: String },
    /// Too large for a queue message: the raw bytes are in R2 under `key`, with their
    /// SHA-256 (hex) so a consumer can check what it reads back
    /// (`delivery::forward::check_body`).
    R2 {
        size: usize,
        key: &'a str,
        sha256: &'a str,
    },
}

/// What the shell must do to hand an event over.
#[derive(Debug, PartialEq, Eq)]
pub enum Handover {
    /// Send this JSON as the queue message.
    Inline { message: String },
    /// Put the raw body into R2 at `r2_key` first, then send `message`.
    WithBodyInR2 { r2_key: String, message: String },
}

impl Handover {
    pub fn message(&self) -> &str {
        match self {
            Handover::Inline { message } | Handover::WithBodyInR2 { message, .. } => message,
        }
    }
}

/// The query's pairs, decoded, sorted by name with each name's values in the order sent:
/// the envelope's `query` object lists a name once with all its values. Usually borrowed
/// from the query as it came (a name or two, in order).
fn parse_query(raw: Option<&str>) -> Vec<(Cow<'_, str>, Cow<'_, str>)> {
    let Some(raw) = raw.filter(|q| !q.is_empty()) else {
        return Vec::new();
    };
    let pairs: Vec<_> = if raw.bytes().any(|b| b == b'%' || b == b'+') {
        form_urlencoded::parse(raw.as_bytes()).collect()
    } else {
        // Nothing to decode: the pairs form_urlencoded would give, borrowed.
        raw.split('&')
            .filter(|pair| !pair.is_empty())
            .map(|pair| {
                let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
                (Cow::Borrowed(name), Cow::Borrowed(value))
            })
            .collect()
    };
    if pairs.windows(2).all(|w| w[0].0 <= w[1].0) {
        return pairs;
    }
    // Names out of order (rare; the query is parsed again): grouped as Kestra's and
    // Flowker's query lists are, which keeps each name's values in the order sent (a
    // stable sort of the pairs would too, for 3.6 KB more wasm).
    let mut sorted = Vec::new();
    for (name, values) in crate::request::query_lists(Some(raw)) {
        for value in values {
            sorted.push((Cow::Owned(name.clone()), Cow::Owned(value)));
        }
    }
    sorted
}

/// Everything in an envelope but its body, which may be written twice (inline, then
/// with the body in R2).
struct Common<'a> {
    id: &'a DeliveryId,
    record: &'a WebhookRecord,
    received_at: &'a str,
    method: &'a str,
    path: &'a str,
    query: &'a [(Cow<'a, str>, Cow<'a, str>)],
    headers: &'a Forwardable,
    source_ip: Option<&'a str>,
    extras: &'a Extras,
    trigger: Option<&'a RawValue>,
}

impl Common<'_> {
    /// The envelope's JSON text, its fields in the pinned order (`core/tests/golden/`).
    fn render(&self, body: BodyPart<'_>, capacity: usize) -> String {
        // The field names and punctuation between values are written as whole literals.
        let mut out = String::with_capacity(capacity);
        out.push_str("{\"v\":");
        push_u64(&mut out, u64::from(ENVELOPE_VERSION));
        out.push_str(",\"id\":");
        push_str(&mut out, self.id.as_str());
        out.push_str(",\"webhook\":{\"id\":");
        push_str(&mut out, self.record.id().as_str());
        out.push_str(",\"name\":");
        push_str(&mut out, self.record.name());
        out.push_str(",\"path\":");
        push_str(&mut out, self.record.path().as_str());
        out.push_str("},\"received_at\":");
        push_str(&mut out, self.received_at);
        out.push_str(",\"request\":{\"method\":");
        push_str(&mut out, self.method);
        out.push_str(",\"path\":");
        push_str(&mut out, self.path);
        out.push_str(",\"query\":");
        self.push_query(&mut out);
        out.push_str(",\"headers\":{");
        for (i, (name, value)) in self.headers.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            push_str(&mut out, name);
            out.push(':');
            push_str(&mut out, value);
        }
        out.push_str("},\"source_ip\":");
        match self.source_ip {
            Some(ip) => push_str(&mut out, ip),
            None => out.push_str("null"),
        }
        out.push_str("},\"body\":");
        push_body(&mut out, body);
        if let Some(event_type) = &self.extras.event_type {
            out.push_str(",\"event_type\":");
            push_str(&mut out, event_type);
        }
        if let Some(instruction) = &self.extras.instruction {
            out.push_str(",\"instruction\":");
            push_str(&mut out, instruction);
        }
        if let Some(trigger) = self.trigger {
            out.push_str(",\"trigger\":");
            out.push_str(trigger.get());
        }
        if self.extras.test {
            out.push_str(",\"test\":true");
        }
        out.push('}');
        out
    }

    /// `{"name":["value",...],...}` from the sorted pairs.
    fn push_query(&self, out: &mut String) {
        out.push('{');
        let mut previous: Option<&str> = None;
        for (name, value) in self.query {
            match previous {
                Some(p) if p == name.as_ref() => out.push(','),
                _ => {
                    if previous.is_some() {
                        out.push_str("],");
                    }
                    push_str(out, name);
                    out.push_str(":[");
                    previous = Some(name);
                }
            }
            push_str(out, value);
        }
        if previous.is_some() {
            out.push(']');
        }
        out.push('}');
    }
}

fn push_body(out: &mut String, body: BodyPart<'_>) {
    let (encoding, size) = match &body {
        BodyPart::Json { size, .. } => ("{\"encoding\":\"json\",\"size\":", size),
        BodyPart::Text { size, .. } => ("{\"encoding\":\"text\",\"size\":", size),
        BodyPart::Base64 { size, .. } => ("{\"encoding\":\"base64\",\"size\":", size),
        BodyPart::R2 { size, .. } => ("{\"encoding\":\"r2\",\"size\":", size),
    };
    out.push_str(encoding);
    push_u64(out, *size as u64);
    match body {
        BodyPart::Json {
            leading,
            data,
            trailing,
            ..
        } => {
            out.push_str(",\"data\":");
            out.push_str(data);
            if !leading.is_empty() {
                out.push_str(",\"leading_whitespace\":");
                push_str(out, leading);
            }
            if !trailing.is_empty() {
                out.push_str(",\"trailing_whitespace\":");
                push_str(out, trailing);
            }
        }
        BodyPart::Text { data, .. } => {
            out.push_str(",\"data\":");
            push_str(out, data);
        }
        BodyPart::Base64 { data, .. } => {
            out.push_str(",\"data\":");
            push_str(out, &data);
        }
        BodyPart::R2 { key, sha256, .. } => {
            out.push_str(",\"key\":");
            push_str(out, key);
            out.push_str(",\"sha256\":");
            push_str(out, sha256);
        }
    }
    out.push('}');
}

/// Builds the envelope for a verified request.
/// `body_sha256` is the body's SHA-256 (hex), which the caller already computed for the
/// delivery's fingerprint: the claim check reuses it instead of hashing the body again.
/// `headers` are the request's forwardable headers, which the caller also keeps in the
/// delivery log: computed once.
pub fn build(
    verified: &Verified,
    id: &DeliveryId,
    received_at: UnixMillis,
    body_sha256: &str,
    headers: &Forwardable,
    extras: &Extras,
) -> Result<Handover, TooLarge> {
    let carrier = Carrier::of(verified.record());
    let record = verified.record();
    let inbound = verified.inbound();
    let body = extras.forwarded_body(&inbound.body);
    let path = verified.redacted_path();
    let query = parse_query(inbound.query.as_deref());
    let received_at = received_at.to_rfc3339();
    let common = Common {
        id,
        record,
        received_at: &received_at,
        method: &inbound.method,
        path: &path,
        query: &query,
        headers,
        source_ip: inbound.source_ip.as_deref(),
        extras,
        // Kestra's variables, which `pipeline::prepare` wrote as JSON text.
        trigger: extras
            .trigger
            .as_deref()
            .and_then(|t| serde_json::from_str(t).ok()),
    };
    let offloaded = || {
        let r2_key = format!("bodies/{}/{}", record.id().as_str(), id.as_str());
        let message = common.render(
            BodyPart::R2 {
                size: body.len(),
                key: &r2_key,
                sha256: body_sha256,
            },
            1024,
        );
        match carrier.message_bytes(&message) {
            n if n > MAX_MESSAGE_BYTES => Err(TooLarge { message_bytes: n }),
            _ => Ok(Handover::WithBodyInR2 { message, r2_key }),
        }
    };
    if body.len() > MAX_MESSAGE_BYTES {
        return offloaded();
    }
    let size = body.len();
    // Sized once for the body plus headers, instead of growing.
    let capacity = size * 4 / 3 + 1024 + headers.len() * 64;
    // Borrowed from the body: validated, not copied. JSON by the rule the filter and
    // the styles use, so a body is the same kind of thing to them and to the consumer.
    let text = std::str::from_utf8(body).ok();
    let message = match text {
        Some(text) if crate::json::is_json(body) => {
            let (leading, data, trailing) = crate::json::split_whitespace(text);
            common.render(
                BodyPart::Json {
                    size,
                    leading,
                    data,
                    trailing,
                },
                capacity,
            )
        }
        Some(text) => common.render(BodyPart::Text { size, data: text }, capacity),
        None => common.render(
            BodyPart::Base64 {
                size,
                data: STANDARD.encode(body),
            },
            capacity,
        ),
    };
    if carrier.message_bytes(&message) > MAX_MESSAGE_BYTES {
        offloaded()
    } else {
        Ok(Handover::Inline { message })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::guard::key::sha256_hex;
    use crate::request::{Headers, Inbound, RouteMatch};
    use crate::testing::record;
    use crate::verify::verify;
    use serde_json::Value;

    fn verified(body: &[u8]) -> Verified {
        let record = record(
            r#"{"path":"/h","auth":{"scheme":"shared-secret","secret":"the-secret"},"target":{"queue":"EVENTS"}}"#,
        );
        let inbound = Inbound {
            method: "POST".into(),
            url: "https://hooks.example.com/h?a=1&a=2&b=x%20y".into(),
            query: Some("a=1&a=2&b=x%20y".into()),
            headers: Headers::new([
                ("X-Webhook-Secret".to_string(), "the-secret".to_string()),
                ("Content-Type".to_string(), "application/json".to_string()),
            ]),
            source_ip: Some("203.0.113.9".into()),
            body: body.to_vec(),
        };
        verify(RouteMatch::exact(record), inbound, UnixMillis(0)).unwrap()
    }

    fn build_plain(v: &Verified, id: &DeliveryId, at: UnixMillis, sha: &str) -> Handover {
        let headers = v.inbound().headers.forwardable(v.record());
        build(v, id, at, sha, &headers, &Extras::default()).unwrap()
    }

    fn inline(h: Handover) -> Value {
        match h {
            Handover::Inline { message } => serde_json::from_str(&message).unwrap(),
            other => panic!("expected inline, got {other:?}"),
        }
    }

    #[test]
    fn json_body_is_embedded_verbatim() {
        let body = br#"{"big": 12345678901234567890, "f": 1.50}"#;
        let h = build_plain(
            &verified(body),
            &DeliveryId::generate([1; 16]),
            UnixMillis(0),
            "unused-inline",
        );
        assert!(h
            .message()
            .contains(r#""data":{"big": 12345678901234567890, "f": 1.50}"#));
        let v = inline(h);
        assert_eq!(v["body"]["encoding"], "json");
        assert_eq!(v["body"]["size"], body.len());
        assert_eq!(v["request"]["query"]["a"], serde_json::json!(["1", "2"]));
        assert_eq!(v["request"]["query"]["b"], serde_json::json!(["x y"]));
        assert_eq!(v["request"]["source_ip"], "203.0.113.9");
        assert!(v["request"]["headers"].get("x-webhook-secret").is_none());
    }

    #[test]
    fn query_and_headers_are_written_as_serde_json_writes_the_maps() {
        let record = record(
            r#"{"path":"/h","auth":{"scheme":"shared-secret","secret":"the-secret"},"target":{"queue":"EVENTS"}}"#,
        );
        let query = "z=1&a=%22q%22&b%5C=x&a=2&%E6%97%A5=%F0%9F%9A%80&z=&z=3&c";
        let inbound = Inbound {
            method: "POST".into(),
            url: format!("https://hooks.example.com/h?{query}"),
            query: Some(query.into()),
            headers: Headers::new([
                ("X-Webhook-Secret".to_string(), "the-secret".to_string()),
                ("X-Quoted".to_string(), "say \"hi\"\t\\ \u{1}".to_string()),
                ("X-Repeated".to_string(), "one".to_string()),
                ("X-Repeated".to_string(), "two".to_string()),
                ("X-Unicode".to_string(), "é 日本".to_string()),
            ]),
            source_ip: None,
            body: b"{}".to_vec(),
        };
        let v = verify(RouteMatch::exact(record), inbound, UnixMillis(0)).unwrap();
        let headers = v.inbound().headers.forwardable(v.record());
        let h = build(
            &v,
            &DeliveryId::generate([1; 16]),
            UnixMillis(0),
            "unused-inline",
            &headers,
            &Extras::default(),
        )
        .unwrap();
        let mut expected_query: std::collections::BTreeMap<String, Vec<String>> =
            Default::default();
        for (k, v) in form_urlencoded::parse(query.as_bytes()) {
            expected_query
                .entry(k.into_owned())
                .or_default()
                .push(v.into_owned());
        }
        let expected = format!(
            r#""query":{},"headers":{},"source_ip":null}}"#,
            serde_json::to_string(&expected_query).unwrap(),
            serde_json::to_string(&headers).unwrap()
        );
        assert!(h.message().contains(&expected), "{}", h.message());
        let parsed = inline(h);
        assert_eq!(
            parsed["request"]["query"]["a"],
            serde_json::json!(["\"q\"", "2"])
        );
        assert_eq!(parsed["request"]["query"]["c"], serde_json::json!([""]));
        assert_eq!(parsed["request"]["headers"]["x-repeated"], "one, two");
    }

    #[test]
    fn queries_without_escapes_split_as_form_urlencoded_does() {
        for q in [
            "a=1",
            "a=1&b=2&a=3",
            "&&a=&=b&c&d==e&",
            "k=v=w",
            "=",
            "&",
            "x=%41",
            "x=a+b",
            "é=ü&日本=1",
            "b=1&a=2&b=3&a=4&c=%20",
        ] {
            let ours: Vec<(String, String)> = parse_query(Some(q))
                .into_iter()
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
            let mut theirs: Vec<(String, String)> = form_urlencoded::parse(q.as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
            theirs.sort_by(|a, b| a.0.cmp(&b.0));
            assert_eq!(ours, theirs, "{q}");
        }
        assert!(parse_query(None).is_empty());
    }

    #[test]
    fn text_and_binary_bodies_keep_their_bytes() {
        let v = inline(build_plain(
            &verified(b"hello=world"),
            &DeliveryId::generate([1; 16]),
            UnixMillis(0),
            "unused-inline",
        ));
        assert_eq!(v["body"]["encoding"], "text");
        assert_eq!(v["body"]["data"], "hello=world");
        let v = inline(build_plain(
            &verified(&[0xff, 0x00, 0x10]),
            &DeliveryId::generate([1; 16]),
            UnixMillis(0),
            "unused-inline",
        ));
        assert_eq!(v["body"]["encoding"], "base64");
        assert_eq!(v["body"]["data"], "/wAQ");
        let v = inline(build_plain(
            &verified(b""),
            &DeliveryId::generate([1; 16]),
            UnixMillis(0),
            "unused-inline",
        ));
        assert_eq!(v["body"]["encoding"], "text");
        assert_eq!(v["body"]["size"], 0);
    }

    #[test]
    fn a_body_is_json_only_by_the_filters_rule_and_forwards_as_its_exact_bytes() {
        let deep = format!(
            "{}{}",
            "[".repeat(crate::json::MAX_DEPTH),
            "]".repeat(crate::json::MAX_DEPTH)
        );
        let cases: Vec<(Vec<u8>, &str)> = vec![
            (b"{\"a\":1}\n".to_vec(), "json"),
            (b" \t{\"a\": [1, 2]}\r\n".to_vec(), "json"),
            (
                b"{\"big\": 123456789012345678901234567890}".to_vec(),
                "json",
            ),
            (b"\"\\ud83d\\ude00\"".to_vec(), "json"),
            // serde_json's raw value accepts these; its parse, which the filter uses, does not.
            (b"\"\\ud800\"".to_vec(), "text"),
            (b"{\"n\": 1e400}".to_vec(), "text"),
            (deep.into_bytes(), "text"),
            (b"{\"a\":1} trailing".to_vec(), "text"),
            (b"  ".to_vec(), "text"),
            (vec![0xff, b'{', b'}'], "base64"),
        ];
        for (body, encoding) in cases {
            let v = verified(&body);
            let message = build_plain(&v, &DeliveryId::generate([1; 16]), UnixMillis(0), "-")
                .message()
                .to_string();
            let parsed: Value = serde_json::from_str(&message).unwrap();
            let shown = String::from_utf8_lossy(&body);
            assert_eq!(parsed["body"]["encoding"], encoding, "{shown}");
            // The filter sees the same kind of thing: JSON, or the text as a string.
            let view = crate::json::parse(&body);
            assert_eq!(view.is_some(), encoding == "json", "{shown}");
            // What an origin receives is exactly what the sender sent.
            let forward = crate::delivery::forward::from_envelope(&message).unwrap();
            assert_eq!(
                forward.body,
                crate::delivery::forward::Body::Inline(body.clone()),
                "{shown}"
            );
        }
    }

    #[test]
    fn whitespace_around_json_travels_beside_it() {
        let v = inline(build_plain(
            &verified(b"\n {\"a\":1}\r\n"),
            &DeliveryId::generate([1; 16]),
            UnixMillis(0),
            "-",
        ));
        assert_eq!(
            v["body"],
            serde_json::json!({"encoding": "json", "size": 11, "data": {"a": 1},
                "leading_whitespace": "\n ", "trailing_whitespace": "\r\n"})
        );
    }

    #[test]
    fn large_bodies_go_to_r2() {
        let body = vec![b'a'; MAX_MESSAGE_BYTES + 1];
        let id = DeliveryId::generate([2; 16]);
        match build_plain(&verified(&body), &id, UnixMillis(0), &sha256_hex(&body)) {
            Handover::WithBodyInR2 { r2_key, message } => {
                assert_eq!(
                    r2_key,
                    format!("bodies/wh_030303030303030303030303/{}", id.as_str())
                );
                let v: Value = serde_json::from_str(&message).unwrap();
                assert_eq!(
                    v["body"],
                    serde_json::json!({"encoding": "r2", "size": body.len(), "key": r2_key,
                        "sha256": sha256_hex(&body)})
                );
                assert!(message.len() < 2048);
            }
            other => panic!("expected R2, got {other:?}"),
        }
        // Binary just under the raw limit grows past it in base64: also offloaded.
        let binary = vec![0xffu8; MAX_MESSAGE_BYTES - 10];
        assert!(matches!(
            build_plain(&verified(&binary), &id, UnixMillis(0), &sha256_hex(&binary)),
            Handover::WithBodyInR2 { .. }
        ));
    }

    fn verified_for(spec: &str, body: &[u8], extra_header: Option<(&str, String)>) -> Verified {
        let record = record(spec);
        let mut headers = vec![("X-Webhook-Secret".to_string(), "the-secret".to_string())];
        if let Some((k, v)) = extra_header {
            headers.push((k.to_string(), v));
        }
        let inbound = Inbound {
            method: "POST".into(),
            url: "https://hooks.example.com/h".into(),
            query: None,
            headers: Headers::new(headers),
            source_ip: None,
            body: body.to_vec(),
        };
        verify(RouteMatch::exact(record), inbound, UnixMillis(0)).unwrap()
    }

    const ASYNC_ORIGIN: &str = r#"{"path":"/h","auth":{"scheme":"shared-secret","secret":"the-secret"},"target":{"origin":{"url":"https://backend.example/in"}}}"#;
    const QUEUE: &str = r#"{"path":"/h","auth":{"scheme":"shared-secret","secret":"the-secret"},"target":{"queue":"EVENTS"}}"#;

    /// What actually travels, for each carrier: the envelope, or the job around it.
    fn sent_bytes(spec: &str, h: &Handover) -> usize {
        let envelope = h.message();
        if spec == ASYNC_ORIGIN {
            serde_json::to_string(&crate::delivery::DeliveryJob {
                v: crate::delivery::JOB_VERSION,
                webhook_id: "wh_030303030303030303030303".into(),
                delivery_id: "evt_0101010101010101010101010101010101".into(),
                envelope: envelope.to_string(),
                attempt: 25,
                replay: true,
            })
            .unwrap()
            .len()
        } else {
            envelope.len()
        }
    }

    #[test]
    fn what_is_sent_fits_a_queue_message_for_bodies_that_escape() {
        // 100-127 KiB of characters JSON must escape: inline for the queue when the
        // envelope fits, and whatever the carrier, what is sent stays under the limit.
        let id = DeliveryId::generate([2; 16]);
        for kib in [100usize, 110, 120, 127] {
            for fill in [&b"\"\n"[..], b"\x01", b"ab"] {
                let body: Vec<u8> = fill.iter().copied().cycle().take(kib * 1024).collect();
                for spec in [QUEUE, ASYNC_ORIGIN] {
                    let v = verified_for(spec, &body, None);
                    let headers = v.inbound().headers.forwardable(v.record());
                    let h = build(&v, &id, UnixMillis(0), "ab12", &headers, &Extras::default())
                        .unwrap();
                    let sent = sent_bytes(spec, &h);
                    assert!(
                        sent <= MAX_MESSAGE_BYTES,
                        "{kib} KiB of {fill:?} to {spec}: {sent} bytes sent"
                    );
                }
            }
        }
        // An async origin's job doubles the escapes: a body that fits a queue target's
        // envelope goes to R2 for an async origin.
        let quotes = vec![b'"'; 50 * 1024];
        let to_queue = verified_for(QUEUE, &quotes, None);
        let to_origin = verified_for(ASYNC_ORIGIN, &quotes, None);
        let fwd = |v: &Verified| v.inbound().headers.forwardable(v.record());
        assert!(matches!(
            build(
                &to_queue,
                &id,
                UnixMillis(0),
                "ab12",
                &fwd(&to_queue),
                &Extras::default()
            ),
            Ok(Handover::Inline { .. })
        ));
        assert!(matches!(
            build(
                &to_origin,
                &id,
                UnixMillis(0),
                "ab12",
                &fwd(&to_origin),
                &Extras::default()
            ),
            Ok(Handover::WithBodyInR2 { .. })
        ));
    }

    #[test]
    fn a_message_too_large_even_without_its_body_is_refused() {
        let id = DeliveryId::generate([2; 16]);
        let huge_header = "\u{1}".repeat(30 * 1024);
        let v = verified_for(QUEUE, b"{}", Some(("X-Huge", huge_header)));
        let headers = v.inbound().headers.forwardable(v.record());
        let built = build(&v, &id, UnixMillis(0), "ab12", &headers, &Extras::default());
        assert!(
            matches!(built, Err(TooLarge { message_bytes }) if message_bytes > MAX_MESSAGE_BYTES),
            "{built:?}"
        );
    }
}
