//! Modern Treasury: <https://docs.moderntreasury.com/platform/docs/verifying-webhooks>

use super::prelude::*;

const DOCS: &str = "https://docs.moderntreasury.com/platform/docs/verifying-webhooks";

pub static DESCRIPTOR: Descriptor = Descriptor {
    name: "modern-treasury",
    provider: "Modern Treasury",
    summary: "X-Signature: hex HMAC-SHA256 of the body with the webhook key; X-Webhook-ID",
    docs: DOCS,
    operator_fields: &[OperatorField {
        name: "secret",
        what: "the webhook key from Developer Settings, Webhooks",
        required: true,
    }],
    check: hmac(Layout {
        algorithm: Sha256,
        signature: one_header(&["x-signature"], Prefix::None, Hex, false),
        timestamp: None,
        content: Cow::Borrowed(&[Body]),
    }),
    default_tolerance_s: None,
    key: KeyFormat::Text,
    delivery_id: Some(DeliveryIdSource::Header(&["x-webhook-id"])),
    handshake: None,
    never_forward: &["x-signature"],
};
