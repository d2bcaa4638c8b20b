//! OpenAI webhooks: <https://platform.openai.com/docs/guides/webhooks>
//!
//! Standard Webhooks as written: the `webhook-id` is the idempotency key OpenAI tells
//! receivers to use, the secret `whsec_` + base64 (openai-python `verify_signature`
//! decodes it; 300 s either way).

use super::prelude::*;

const DOCS: &str = "https://platform.openai.com/docs/guides/webhooks";

pub static DESCRIPTOR: Descriptor = webhook_headers(
    About {
        name: "openai",
        provider: "OpenAI",
        summary: "webhook-id, webhook-timestamp, webhook-signature: v1,<base64> (the whsec_ signing secret)",
        docs: DOCS,
    },
    KeyFormat::Whsec,
);
