//! Lemon Squeezy: <https://docs.lemonsqueezy.com/help/webhooks/signing-requests>

use super::prelude::*;

const DOCS: &str = "https://docs.lemonsqueezy.com/help/webhooks/signing-requests";

pub static DESCRIPTOR: Descriptor = Descriptor {
    name: "lemonsqueezy",
    provider: "Lemon Squeezy",
    summary: "X-Signature: hex HMAC-SHA256 of the body with the webhook's signing secret",
    docs: DOCS,
    operator_fields: &[OperatorField {
        name: "secret",
        what: "the signing secret you entered when creating the webhook (Lemon Squeezy suggests 6 to 40 characters; hookgate needs at least 8)",
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
    delivery_id: None,
    handshake: None,
    never_forward: &["x-signature"],
};
