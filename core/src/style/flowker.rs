//! Flowker's webhook trigger injects `_webhook` (method, path, headers without
//! credentials, query parameters, remote IP) into the JSON payload it passes on. The
//! sender's JSON text is kept byte for byte; the member is spliced in before the
//! closing brace. A `_webhook` the sender sent is replaced, never trusted.

use crate::problem::{ErrorCode, Problem};
use crate::request::Forwardable;
use serde::Serialize;
use serde_json::value::RawValue;
use std::collections::{BTreeMap, HashMap};

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
/// (a GET or DELETE) becomes `{"_webhook": …}`; anything but a JSON object is `400`.
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
    let members: HashMap<String, &RawValue> =
        serde_json::from_slice(body).map_err(|_| not_object())?;
    if members.contains_key("_webhook") {
        // Rare: rebuild without the sender's member (order of the rest is kept by
        // serde_json's map only when sorted, so this path re-serializes).
        let mut v: serde_json::Map<String, serde_json::Value> =
            serde_json::from_slice(body).map_err(|_| not_object())?;
        v.insert(
            "_webhook".into(),
            serde_json::from_str(&meta_json).expect("metadata is JSON"),
        );
        return Ok(serde_json::to_vec(&v).expect("map serializes"));
    }
    let text = std::str::from_utf8(body)
        .map_err(|_| not_object())?
        .trim_end();
    let inner = text.strip_suffix('}').ok_or_else(not_object)?.trim_end();
    let separator = if members.is_empty() { "" } else { "," };
    Ok(format!("{inner}{separator}\"_webhook\":{meta_json}}}").into_bytes())
}
