//! Razorpay: <https://razorpay.com/docs/webhooks/validate-test/>

use super::prelude::*;

const DOCS: &str = "https://razorpay.com/docs/webhooks/validate-test/";

pub static DESCRIPTOR: Descriptor = Descriptor {
    name: "razorpay",
    provider: "Razorpay",
    summary: "X-Razorpay-Signature: hex HMAC-SHA256 of the body with the webhook secret",
    docs: DOCS,
    operator_fields: &[],
    check: hmac(Layout {
        algorithm: Sha256,
        signature: one_header(&["x-razorpay-signature"], Prefix::None, Hex, false),
        timestamp: None,
        content: Cow::Borrowed(&[Body]),
    }),
    default_tolerance_s: None,
    key: KeyFormat::Text,
    delivery_id: Some(DeliveryIdSource::Header(&["x-razorpay-event-id"])),
    handshake: None,
    never_forward: &["x-razorpay-signature"],
};
