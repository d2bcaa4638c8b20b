//! Replicate: <https://replicate.com/docs/topics/webhooks/verify-webhook>
//!
//! Standard Webhooks headers; `webhook-id` stays the same when Replicate resends a
//! webhook. The secret comes from `GET /v1/webhooks/default/secret` as `whsec_` + base64
//! (the client's `validateWebhook` decodes what follows the prefix).

use super::prelude::*;

const DOCS: &str = "https://replicate.com/docs/topics/webhooks/verify-webhook";

pub static DESCRIPTOR: Descriptor = webhook_headers(
    About {
        name: "replicate",
        provider: "Replicate",
        summary: "webhook-id, webhook-timestamp, webhook-signature: v1,<base64> (the whsec_ key from GET /v1/webhooks/default/secret)",
        docs: DOCS,
    },
    KeyFormat::Whsec,
);
