//! A queue consumer for local use: it logs every envelope it receives so a person
//! running the gateway sees events arrive. Envelopes hold no secrets by construction.
//! For a body that travelled through R2 it also logs the stored body's size and SHA-256,
//! so the handover can be checked end to end.

use serde::Deserialize;
use serde_json::value::RawValue;
use sha2::{Digest, Sha256};
use worker::{console_log, Env, MessageBatch};

const BODIES_BINDING: &str = "BODIES";

#[derive(Deserialize)]
struct BodyRef {
    encoding: String,
    #[serde(default)]
    key: Option<String>,
}

#[derive(Deserialize)]
struct EnvelopeHead {
    body: BodyRef,
}

pub async fn log_batch(batch: &MessageBatch<String>, env: &Env) {
    let queue = serde_json::Value::from(batch.queue());
    for message in batch.raw_iter() {
        let text = message.body().as_string().unwrap_or_default();
        // Keep the envelope's exact JSON text; fall back to a string if it is not JSON.
        let Ok(raw) = serde_json::from_str::<&RawValue>(&text) else {
            console_log!(
                "{}",
                serde_json::json!({"msg": "envelope_received", "queue": queue, "raw": text})
            );
            continue;
        };
        let r2_body = match serde_json::from_str::<EnvelopeHead>(&text) {
            Ok(EnvelopeHead {
                body:
                    BodyRef {
                        encoding,
                        key: Some(key),
                    },
            }) if encoding == "r2" => stored_body_summary(env, &key).await,
            _ => None,
        };
        match r2_body {
            Some(summary) => console_log!(
                r#"{{"msg":"envelope_received","queue":{queue},"envelope":{},"r2_body":{summary}}}"#,
                raw.get()
            ),
            None => console_log!(
                r#"{{"msg":"envelope_received","queue":{queue},"envelope":{}}}"#,
                raw.get()
            ),
        }
    }
    batch.ack_all();
}

async fn stored_body_summary(env: &Env, key: &str) -> Option<serde_json::Value> {
    let bucket = env.bucket(BODIES_BINDING).ok()?;
    let bytes = match bucket.get(key).execute().await.ok()? {
        Some(object) => object.body()?.bytes().await.ok()?,
        None => return Some(serde_json::json!({"missing": true})),
    };
    Some(serde_json::json!({"size": bytes.len(), "sha256": hex::encode(Sha256::digest(&bytes))}))
}
