//! Sending a delivery to a webhook's HTTP origin: the request rebuilt from the envelope
//! (`hookgate_core::delivery::forward`), signed with the webhook's forwarding secret
//! (Standard Webhooks), within the origin's timeout. Used by the delivery queue's
//! consumer (async origins) and by the webhook's object (sync origins).

use crate::platform::{now, within};
use hookgate_core::delivery::forward::{self, Body};
use hookgate_core::delivery::retry::Attempt;
use hookgate_core::delivery::sign;
use hookgate_core::model::{Origin, WebhookRecord};
use worker::{AbortController, Env, Fetch, Headers};

/// An origin's answer bodies are passed back (sync mode) up to this size.
const MAX_ANSWER_BYTES: usize = 1024 * 1024;
const BODIES_BINDING: &str = "BODIES";

pub struct Answer {
    pub status: u16,
    pub body: Vec<u8>,
    pub content_type: Option<String>,
    pub retry_after_s: Option<u64>,
    /// A redirect's `Location`: recorded, never followed.
    pub location: Option<String>,
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
    // Checked when the webhook was written, and again here: a deployment that dropped
    // ALLOW_INSECURE_ORIGINS never reaches a private address through an old record.
    if origin.is_private_network() && !insecure_allowed(env) {
        return Sent::Failed(
            "private-network origin refused: ALLOW_INSECURE_ORIGINS is not true".into(),
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
    // One deadline for the whole exchange: the status and headers, then the body.
    let controller = AbortController::default();
    let signal = controller.signal();
    let exchange = async {
        let mut response = Fetch::Request(request)
            .send_with_signal(&signal)
            .await
            .map_err(|e| e.to_string())?;
        let status = response.status_code();
        let headers = response.headers();
        let header = |name: &str| headers.get(name).ok().flatten();
        let content_type = header("content-type");
        let retry_after_s = header("retry-after").and_then(|v| v.trim().parse::<u64>().ok());
        let location = (300..400)
            .contains(&status)
            .then(|| header("location"))
            .flatten();
        let mut body = response.bytes().await.unwrap_or_default();
        body.truncate(MAX_ANSWER_BYTES);
        Ok::<Answer, String>(Answer {
            status,
            body,
            content_type,
            retry_after_s,
            location,
        })
    };
    match within(origin.timeout_ms(), exchange).await {
        Some(Ok(answer)) => Sent::Answered(answer),
        Some(Err(e)) => Sent::Failed(e),
        None => {
            controller.abort();
            Sent::TimedOut
        }
    }
}
