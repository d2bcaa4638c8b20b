//! Linear: <https://linear.app/developers/webhooks>

use super::prelude::*;

const DOCS: &str = "https://linear.app/developers/webhooks";

pub static DESCRIPTOR: Descriptor = Descriptor {
    name: "linear",
    provider: "Linear",
    summary: "Linear-Signature: <hex>; the body's webhookTimestamp within 60 s",
    docs: DOCS,
    operator_fields: &[],
    check: hmac(Layout {
        algorithm: Sha256,
        signature: one_header(&["linear-signature"], Prefix::None, Hex, false),
        timestamp: Some(TimestampSource::BodyUnixMillis("webhookTimestamp")),
        content: Cow::Borrowed(&[Body]),
    }),
    default_tolerance_s: Some(60),
    key: KeyFormat::Text,
    delivery_id: Some(DeliveryIdSource::Header(&["linear-delivery"])),
    handshake: None,
    never_forward: &["linear-signature"],
};
