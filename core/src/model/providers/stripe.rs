//! Stripe: <https://docs.stripe.com/webhooks/signatures>

use super::prelude::*;

const DOCS: &str = "https://docs.stripe.com/webhooks/signatures";

pub static DESCRIPTOR: Descriptor = Descriptor {
    name: "stripe",
    provider: "Stripe",
    summary: "Stripe-Signature: t=<unix>,v1=<hex> (the whole whsec_ string is the key)",
    docs: DOCS,
    operator_fields: &[],
    check: hmac(Layout {
        algorithm: Sha256,
        signature: SignatureSource::KeyValues {
            header: "stripe-signature",
            separator: ',',
            timestamp_key: "t",
            signature_key: "v1",
        },
        timestamp: Some(TimestampSource::FromSignatureHeader),
        content: Cow::Borrowed(&[Timestamp, Literal("."), Body]),
    }),
    default_tolerance_s: Some(300),
    key: KeyFormat::Text,
    delivery_id: Some(DeliveryIdSource::BodyField("id")),
    handshake: None,
    never_forward: &["stripe-signature"],
};
