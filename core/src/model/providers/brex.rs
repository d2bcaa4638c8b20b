//! Brex: <https://developer.brex.com/docs/webhooks>
//!
//! `Webhook-Id`, `Webhook-Timestamp` and `Webhook-Signature`, which carries two entries
//! after a secret rotation (the secrets come from `GET /v1/webhooks/secrets`). The stored
//! copy of Brex's page does not show its signing steps; the Standard Webhooks recipe used
//! here (content `id.timestamp.body`, the secret base64-decoded) is the one Brex's
//! headers name and trigger.dev's Brex example follows. The weakest-sourced alias.

use super::prelude::*;

const DOCS: &str = "https://developer.brex.com/docs/webhooks";

pub static DESCRIPTOR: Descriptor = webhook_headers(
    About {
        name: "brex",
        provider: "Brex",
        summary: "Webhook-Id, Webhook-Timestamp, Webhook-Signature: v1,<base64> (a secret from GET /v1/webhooks/secrets)",
        docs: DOCS,
    },
    KeyFormat::Whsec,
);
