//! Vercel: <https://vercel.com/docs/webhooks/webhooks-api>

use super::prelude::*;

const DOCS: &str = "https://vercel.com/docs/webhooks/webhooks-api";

pub static DESCRIPTOR: Descriptor = Descriptor {
    name: "vercel",
    provider: "Vercel",
    summary: "x-vercel-signature: hex HMAC-SHA1 of the body with the webhook's secret (or the integration's Client Secret)",
    docs: DOCS,
    operator_fields: &[OperatorField {
        name: "secret",
        what: "the secret Vercel shows once when the account webhook is created, or the integration's Client Secret",
        required: true,
    }],
    check: hmac(Layout {
        algorithm: Sha1,
        signature: one_header(&["x-vercel-signature"], Prefix::None, Hex, false),
        timestamp: None,
        content: Cow::Borrowed(&[Body]),
    }),
    default_tolerance_s: None,
    key: KeyFormat::Text,
    delivery_id: Some(DeliveryIdSource::BodyField("id")),
    handshake: None,
    never_forward: &["x-vercel-signature"],
};
