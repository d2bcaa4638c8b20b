//! Sending a delivery to a webhook's HTTP origin: the request rebuilt from the envelope
//! (`hookgate_core::delivery::forward`), signed with the webhook's forwarding secret
//! (Standard Webhooks), within the origin's timeout. Used by the delivery queue's
//! consumer (async origins) and by the webhook's object (sync origins).

use crate::platform::now;
use futures_util::future::{select, Either};
use hookgate_core::delivery::forward::{self, Body};
use hookgate_core::delivery::retry::Attempt;
use hookgate_core::delivery::sign;
use hookgate_core::model::{Origin, WebhookRecord};
use std::time::Duration;
use worker::{AbortController, Delay, Env, Fetch, Headers};

/// An origin's answer bodies are passed back (sync mode) up to this size.
const MAX_ANSWER_BYTES: usize = 1024 * 1024;
const BODIES_BINDING: &str = "BODIES";

pub struct Answer {
    pub status: u16,
    pub body: Vec<u8>,
    pub content_type: Option<String>,
    pub retry_after_s: Option<u64>,
}

pub enum Sent {
    Answered(Answer),
    TimedOut,
    /// No answer; the reason is for the log and the delivery record.
    Failed(String),
}

impl Sent {
    pub fn attempt(&self) -> Attempt {
        match self {
            Sent::Answered(a) => Attempt::Answered {
                status: a.status,
                retry_after_s: a.retry_after_s,
            },
            Sent::TimedOut => Attempt::TimedOut,
            Sent::Failed(_) => Attempt::NetworkError,
        }
    }
}

fn insecure_allowed(env: &Env) -> bool {
    env.var("ALLOW_INSECURE_ORIGINS")
        .map(|v| v.to_string() == "true")
        .unwrap_or(false)
}

/// The body bytes, read back from R2 when the envelope refers to them, with the size
/// checked (the claim check).
async fn body_bytes(env: &Env, body: Body) -> Result<Vec<u8>, String> {
    match body {
        Body::Inline(bytes) => Ok(bytes),
        Body::R2 { key, size, sha256 } => {
            let bucket = env.bucket(BODIES_BINDING).map_err(|e| e.to_string())?;
            let object = bucket
                .get(&key)
                .execute()
                .await
                .map_err(|e| e.to_string())?
                .ok_or_else(|| format!("the body {key} is missing from R2"))?;
            let bytes = object
                .body()
                .ok_or("the R2 object has no body")?
                .bytes()
                .await
                .map_err(|e| e.to_string())?;
            forward::check_body(&bytes, size, sha256.as_deref())?;
            Ok(bytes)
        }
    }
}

/// Deletes a delivery's body from R2 once nothing will read it again (best effort).
pub async fn forget_body(env: &Env, envelope: &str) {
    if let Ok(forward::Forward {
        body: Body::R2 { key, .. },
        ..
    }) = forward::from_envelope(envelope)
    {
        if let Ok(bucket) = env.bucket(BODIES_BINDING) {
            let _ = bucket.delete(key).await;
        }
    }
}

/// Sends one attempt. Nothing a sender sent chooses where this connects: the URL is the
/// record's, validated when the webhook was created or changed.
pub async fn send(
    env: &Env,
    record: &WebhookRecord,
    origin: &Origin,
    delivery_id: &str,
    envelope: &str,
    attempt: u32,
    replay: bool,
) -> Sent {
    if origin.is_insecure() && !insecure_allowed(env) {
        return Sent::Failed(
            "plain-http origin refused: ALLOW_INSECURE_ORIGINS is not true".into(),
        );
    }
    let forward = match forward::from_envelope(envelope) {
        Ok(f) => f,
        Err(_) => return Sent::Failed("the stored envelope cannot be read".into()),
    };
    let body = match body_bytes(env, forward.body).await {
        Ok(b) => b,
        Err(e) => return Sent::Failed(e),
    };
    let body_sha256 = match crate::platform::sha256_hex(&body).await {
        Ok(h) => h,
        Err(e) => return Sent::Failed(e),
    };
    let headers = Headers::new();
    for (name, value) in &forward.headers {
        let _ = headers.set(name, value);
    }
    let timestamp = now().0 / 1000;
    let signature = sign::signature(
        record.forwarding_secrets(),
        delivery_id,
        timestamp,
        &body,
        now(),
    );
    let own = [
        ("webhook-id", delivery_id.to_string()),
        ("webhook-timestamp", timestamp.to_string()),
        ("webhook-signature", signature),
        ("x-hookgate-webhook-id", record.id().as_str().to_string()),
        ("x-hookgate-attempt", attempt.to_string()),
        ("x-hookgate-body-sha256", body_sha256),
    ];
    for (name, value) in own {
        let _ = headers.set(name, &value);
    }
    if replay {
        let _ = headers.set("x-hookgate-replay", "true");
    }
    let body: wasm_bindgen::JsValue = worker::js_sys::Uint8Array::from(body.as_slice()).into();
    let request = match crate::platform::request(origin.url(), "POST", &headers, Some(&body)) {
        Ok(r) => r,
        Err(e) => return Sent::Failed(e),
    };
    let controller = AbortController::default();
    let signal = controller.signal();
    let fetch = Fetch::Request(request);
    let call = Box::pin(fetch.send_with_signal(&signal));
    let timer = Box::pin(Delay::from(Duration::from_millis(origin.timeout_ms())));
    let mut response = match select(call, timer).await {
        Either::Left((Ok(r), _)) => r,
        Either::Left((Err(e), _)) => return Sent::Failed(e.to_string()),
        Either::Right(_) => {
            controller.abort();
            return Sent::TimedOut;
        }
    };
    let status = response.status_code();
    let headers = response.headers();
    let content_type = headers.get("content-type").ok().flatten();
    let retry_after_s = headers
        .get("retry-after")
        .ok()
        .flatten()
        .and_then(|v| v.trim().parse::<u64>().ok());
    let mut body = response.bytes().await.unwrap_or_default();
    body.truncate(MAX_ANSWER_BYTES);
    Sent::Answered(Answer {
        status,
        body,
        content_type,
        retry_after_s,
    })
}
