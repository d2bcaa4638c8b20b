//! Coinbase Commerce: <https://docs.cdp.coinbase.com/commerce/api-arcitecture/webhooks-security>

use super::prelude::*;

const DOCS: &str = "https://docs.cdp.coinbase.com/commerce/api-arcitecture/webhooks-security";

pub static DESCRIPTOR: Descriptor = Descriptor {
    name: "coinbase-commerce",
    provider: "Coinbase Commerce",
    summary: "X-CC-Webhook-Signature: hex HMAC-SHA256 of the body with the webhook shared secret",
    docs: DOCS,
    operator_fields: &[OperatorField {
        name: "secret",
        what: "the webhook shared secret (Settings > Notifications)",
        required: true,
    }],
    check: hmac(Layout {
        algorithm: Sha256,
        signature: one_header(&["x-cc-webhook-signature"], Prefix::None, Hex, false),
        timestamp: None,
        content: Cow::Borrowed(&[Body]),
    }),
    default_tolerance_s: None,
    key: KeyFormat::Text,
    delivery_id: Some(DeliveryIdSource::BodyField("id")),
    handshake: None,
    never_forward: &["x-cc-webhook-signature"],
};
