//! Zendesk: <https://developer.zendesk.com/documentation/webhooks/verifying/>

use super::prelude::*;

const DOCS: &str = "https://developer.zendesk.com/documentation/webhooks/verifying/";

pub static DESCRIPTOR: Descriptor = Descriptor {
    name: "zendesk",
    provider: "Zendesk",
    summary: "X-Zendesk-Webhook-Signature: base64 HMAC-SHA256 of X-Zendesk-Webhook-Signature-Timestamp (RFC 3339) + body",
    docs: DOCS,
    operator_fields: &[OperatorField {
        name: "secret",
        what: "the webhook's signing secret (Admin Center, Webhooks, the webhook, Reveal secret)",
        required: true,
    }],
    check: hmac(Layout {
        algorithm: Sha256,
        signature: one_header(&["x-zendesk-webhook-signature"], Prefix::None, Base64, false),
        timestamp: Some(TimestampSource::Rfc3339Header(
            "x-zendesk-webhook-signature-timestamp",
        )),
        content: Cow::Borrowed(&[Timestamp, Body]),
    }),
    // Zendesk documents no window.
    default_tolerance_s: Some(300),
    key: KeyFormat::Text,
    delivery_id: Some(DeliveryIdSource::Header(&["x-zendesk-webhook-invocation-id"])),
    handshake: None,
    // The timestamp is no credential, but is named like one: kept with its signature.
    never_forward: &[
        "x-zendesk-webhook-signature",
        "x-zendesk-webhook-signature-timestamp",
    ],
};
