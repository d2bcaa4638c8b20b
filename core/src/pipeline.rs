//! Steps 5 and the style's part of the pipeline, between verification and the guard:
//! the style's body checks (Kubiya's schema, Flowker's JSON object), the filter, and
//! what the envelope carries besides the request (event type, Kubiya's instruction,
//! Flowker's `_webhook`, Kestra's trigger variables, the test mark). The body is parsed
//! at most once, and only when something here reads it.

use crate::envelope::Extras;
use crate::filter::{evaluate, parse_selector, select_text, Source};
use crate::model::Style;
use crate::problem::Problem;
use crate::request::{query_lists, Forwardable, RequestView};
use crate::style::{flowker, kestra, kubiya};
use crate::verify::Verified;
use serde_json::Value;

/// What happens to a verified request before the guard.
pub enum Prepared {
    /// Forward it, with these additions to its envelope.
    Forward(Extras),
    /// The filter did not match: answer `204`, forward nothing, log it as filtered.
    Filtered,
}

/// `headers`: the request's forwardable headers (computed once by the caller, who also
/// puts them in the envelope). `test`: the admin API's test action sent this request;
/// the envelope says so.
pub fn prepare(
    verified: &Verified,
    headers: &Forwardable,
    test: bool,
) -> Result<Prepared, Problem> {
    let record = verified.record();
    let inbound = verified.inbound();
    let style = record.style();
    let event_type_selector = record
        .event_type()
        .and_then(|e| e.field.as_deref())
        .and_then(|f| parse_selector(f).ok());
    let needs_body = style == Style::Kubiya
        || style == Style::Kestra
        || record.filter().is_some_and(|f| f.reads_body())
        || event_type_selector
            .as_ref()
            .is_some_and(|s| s.root == crate::filter::Root::Body);

    let parsed: Option<Value> = if style == Style::Kubiya {
        Some(kubiya::validate(&inbound.body)?)
    } else if needs_body {
        // JSON by the one rule (`crate::json`), which the envelope's `encoding` follows.
        crate::json::parse(&inbound.body).or_else(|| {
            std::str::from_utf8(&inbound.body)
                .ok()
                .filter(|t| !t.is_empty())
                .map(|t| Value::String(t.to_string()))
        })
    } else {
        None
    };
    let path = verified.redacted_path();
    let view = RequestView::new(inbound, parsed.as_ref(), path.clone());
    if let Some(filter) = record.filter() {
        if !evaluate(filter.condition(), &view) {
            return Ok(Prepared::Filtered);
        }
    }

    let mut extras = Extras {
        test,
        ..Extras::default()
    };
    extras.event_type = match (record.event_type(), &event_type_selector) {
        (Some(e), _) if e.header.is_some() => e
            .header
            .as_deref()
            .and_then(|h| view.header(h))
            .map(|v| v.into_owned()),
        (_, Some(selector)) => select_text(selector, &view),
        _ => None,
    };
    match style {
        Style::Hookgate => {}
        Style::Kubiya => {
            extras.instruction = parsed
                .as_ref()
                .and_then(kubiya::instruction)
                .map(str::to_string);
        }
        Style::Flowker => {
            let meta = flowker::WebhookMeta {
                method: &inbound.method,
                path: &path,
                headers,
                query: query_lists(inbound.query.as_deref()),
                remote_ip: inbound.source_ip.as_deref(),
            };
            extras.body = Some(flowker::inject(&inbound.body, &meta)?);
        }
        Style::Kestra => {
            let parameters = query_lists(inbound.query.as_deref());
            // The envelope's `body` always carries the body; the copy in the trigger
            // variables is left out for large bodies so the message stays in the queue's limit.
            // Measured as written into the envelope: 32 KiB of control bytes is 192 KiB
            // escaped.
            let body =
                if crate::json_text::escaped_len(&inbound.body) <= kestra::MAX_TRIGGER_BODY_BYTES {
                    kestra::TriggerBody::of(parsed.as_ref(), &inbound.body)
                } else {
                    kestra::TriggerBody::Absent(None)
                };
            let trigger = kestra::Trigger {
                body,
                headers: inbound.headers.forwardable_lists(record),
                parameters: &parameters,
            };
            extras.trigger = Some(serde_json::to_string(&trigger).expect("trigger serializes"));
        }
    }
    if verified.is_unsigned_setup() {
        // Notion's verification request: the token is the key its events will be signed
        // with, so the consumer learns only that it came (the delivery log shows it to
        // the operator, who pastes it into Notion and into `auth.secret`).
        extras.event_type = Some("notion.verification".to_string());
        extras.body = Some(
            serde_json::json!({
                "verification_token": crate::verify::handshake::NOTION_TOKEN_REDACTED
            })
            .to_string()
            .into_bytes(),
        );
    }
    if record.auth().scheme() == crate::model::Scheme::MicrosoftGraph {
        // Graph repeats the shared clientState in every notification; it was checked,
        // and a secret is never forwarded, so the forwarded body says only that.
        let forwarded = extras.body.as_deref().unwrap_or(&inbound.body);
        extras.body = Some(without_client_state(forwarded));
    }
    Ok(Prepared::Forward(extras))
}

/// The body with every `value[].clientState` replaced by `"<verified>"`.
fn without_client_state(body: &[u8]) -> Vec<u8> {
    let Ok(mut v) = serde_json::from_slice::<serde_json::Value>(body) else {
        return body.to_vec();
    };
    if let Some(items) = v.get_mut("value").and_then(|i| i.as_array_mut()) {
        for item in items {
            if let Some(state) = item.get_mut("clientState") {
                *state = serde_json::Value::from("<verified>");
            }
        }
    }
    serde_json::to_vec(&v).unwrap_or_else(|_| body.to_vec())
}
