//! Segment: <https://www.twilio.com/docs/segment/connections/destinations/catalog/actions-webhook>

use super::prelude::*;

const DOCS: &str = "https://www.twilio.com/docs/segment/connections/destinations/catalog/actions-webhook";

pub static DESCRIPTOR: Descriptor = Descriptor {
    name: "segment",
    provider: "Segment",
    summary: "X-Signature: hex HMAC-SHA1 of the body with the destination's shared secret",
    docs: DOCS,
    operator_fields: &[],
    check: hmac(Layout {
        algorithm: Sha1,
        signature: one_header(&["x-signature"], Prefix::None, Hex, false),
        timestamp: None,
        content: Cow::Borrowed(&[Body]),
    }),
    default_tolerance_s: None,
    key: KeyFormat::Text,
    delivery_id: Some(DeliveryIdSource::BodyField("messageId")),
    handshake: None,
    never_forward: &["x-signature"],
};
