//! Standard Webhooks: <https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md>

use super::prelude::*;

const DOCS: &str = "https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md";

pub static DESCRIPTOR: Descriptor = webhook_headers(
    About {
        name: "standard-webhooks",
        provider: "Standard Webhooks",
        summary: "webhook-id, webhook-timestamp, webhook-signature: v1,<base64>",
        docs: DOCS,
    },
    KeyFormat::Whsec,
);
