//! Flowker's webhook trigger injects `_webhook` (method, path, headers without
//! credentials, query parameters, remote IP) into the JSON payload it passes on. The
//! sender's JSON text is kept byte for byte; the member is spliced in before the
//! closing brace. A `_webhook` the sender sent is replaced, never trusted.

use crate::json;
use crate::problem::{ErrorCode, Problem};
use crate::request::Forwardable;
use serde::Serialize;
use std::collections::BTreeMap;

/// What `_webhook` says. The headers come from `Headers::forwardable`, which already
/// drops every credential (`Authorization`, `X-API-Key`, `X-Webhook-Token`, signatures).
#[derive(Serialize)]
pub struct WebhookMeta<'a> {
    pub method: &'a str,
    pub path: &'a str,
    pub headers: &'a Forwardable,
    pub query: BTreeMap<String, Vec<String>>,
    pub remote_ip: Option<&'a str>,
}

/// The forwarded payload: the sender's JSON object with `_webhook` added. An empty body
/// (a GET or DELETE) becomes `{"_webhook": …}`; anything but a JSON object (by
/// `crate::json`'s one rule) is `400`. The sender's text is kept byte for byte (member
/// order, numbers, whitespace): `_webhook` members it carries are cut out of the text and
/// the new one spliced in before the closing brace, nothing is re-serialized.
pub fn inject(body: &[u8], meta: &WebhookMeta<'_>) -> Result<Vec<u8>, Problem> {
    let meta_json = serde_json::to_string(meta).expect("metadata serializes");
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(format!("{{\"_webhook\":{meta_json}}}").into_bytes());
    }
    let not_object = || {
        Problem::new(
            ErrorCode::InvalidBody,
            "the body must be a JSON object (Flowker passes it on with _webhook added)",
        )
    };
    let text = std::str::from_utf8(body).map_err(|_| not_object())?;
    let object = json::members_named(text, "_webhook").ok_or_else(not_object)?;
    let open = object.open;
    // The closing brace: the last byte before the trailing whitespace.
    let close = json::split_whitespace(text).1.len() + open - 1;
    // Each named member is cut with what separates it from the value before it (for
    // the first member: from the brace), so `, "_webhook": …` goes as a whole.
    let mut cuts: Vec<(usize, usize)> = Vec::new();
    for member in &object.named {
        let from = member.previous_value_end.unwrap_or(open + 1);
        match cuts.last_mut() {
            Some(last) if last.1 == from => last.1 = member.value_end,
            _ => cuts.push((from, member.value_end)),
        }
    }
    // Cut from the brace: the comma before the first member kept goes too.
    if let Some(first) = cuts.first_mut().filter(|c| c.0 == open + 1) {
        if let Some(comma) = text[first.1..close].find(',') {
            first.1 += comma + 1;
        }
    }
    let kept = object.count - object.named.len();
    let mut out = String::with_capacity(text.len() + meta_json.len() + 16);
    let mut at = 0;
    for (from, to) in cuts {
        out.push_str(&text[at..from]);
        at = to;
    }
    out.push_str(&text[at..close]);
    if kept > 0 {
        out.push(',');
    }
    out.push_str("\"_webhook\":");
    out.push_str(&meta_json);
    out.push_str(&text[close..]);
    Ok(out.into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::Headers;

    fn spliced(body: &str) -> Result<String, Problem> {
        let record = crate::testing::record(
            r#"{"path":"/v1/webhooks/a","style":"flowker","target":{"queue":"EVENTS"}}"#,
        );
        let headers = Headers::new([("x-a".to_string(), "1".to_string())]).forwardable(&record);
        let meta = WebhookMeta {
            method: "POST",
            path: "/v1/webhooks/a",
            headers: &headers,
            query: BTreeMap::new(),
            remote_ip: None,
        };
        inject(body.as_bytes(), &meta).map(|b| String::from_utf8(b).unwrap())
    }

    const META: &str = r#""_webhook":{"method":"POST","path":"/v1/webhooks/a","headers":{"x-a":"1"},"query":{},"remote_ip":null}"#;

    #[test]
    fn the_senders_text_is_kept_and_its_own_webhook_member_cut_out() {
        let big = "12345678901234567890123";
        for (body, expected) in [
            (r#"{"a":1}"#.to_string(), format!(r#"{{"a":1,{META}}}"#)),
            ("{}\n".to_string(), format!("{{{META}}}\n")),
            (" { } ".to_string(), format!(" {{ {META}}} ")),
            (
                format!("{{\"z\": {big}, \"a\": 1.50}}\r\n"),
                format!("{{\"z\": {big}, \"a\": 1.50,{META}}}\r\n"),
            ),
            (
                r#"{"z":1,"_webhook":{"forged":true},"a":2}"#.into(),
                format!(r#"{{"z":1,"a":2,{META}}}"#),
            ),
            (
                r#"{ "_webhook" : 1 , "z": 9007199254740993 }"#.into(),
                format!(r#"{{ "z": 9007199254740993 ,{META}}}"#),
            ),
            (r#"{"_webhook":1}"#.into(), format!("{{{META}}}")),
            (
                r#"{"_webhook":1,"_webhook":2,"b":[1,2],"_w\u0065bhook":3}"#.into(),
                format!(r#"{{"b":[1,2],{META}}}"#),
            ),
            (
                r#"{"a":"}","_webhook":"{,}"}"#.into(),
                format!(r#"{{"a":"}}",{META}}}"#),
            ),
        ] {
            let out = spliced(&body).unwrap();
            assert_eq!(out, expected, "{body}");
            let v: serde_json::Value = serde_json::from_str(&out).unwrap();
            assert_eq!(v["_webhook"]["method"], "POST", "{body}");
        }
        assert_eq!(spliced("").unwrap(), format!("{{{META}}}"));
    }

    #[test]
    fn anything_but_a_json_object_by_the_one_rule_is_refused() {
        let deep = format!("{{\"a\":{}{}}}", "[".repeat(200), "]".repeat(200));
        for body in [
            "[1]",
            "\"x\"",
            "1",
            "{\"a\":1",
            r#"{"a":"\ud800"}"#,
            r#"{"a":1e400}"#,
            deep.as_str(),
            "{} {}",
        ] {
            assert_eq!(
                spliced(body).unwrap_err().code,
                ErrorCode::InvalidBody,
                "{body}"
            );
        }
    }
}
