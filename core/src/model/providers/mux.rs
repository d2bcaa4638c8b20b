//! Mux: <https://www.mux.com/docs/core/verify-webhook-signatures>

use super::prelude::*;

const DOCS: &str = "https://www.mux.com/docs/core/verify-webhook-signatures";

pub static DESCRIPTOR: Descriptor = Descriptor {
    name: "mux",
    provider: "Mux",
    summary: "Mux-Signature: t=<unix>,v1=<hex> of <t>.<body>",
    docs: DOCS,
    operator_fields: &[OperatorField {
        name: "secret",
        what: "the webhook's signing secret (Settings, Webhooks; one per endpoint)",
        required: true,
    }],
    check: hmac(Layout {
        algorithm: Sha256,
        signature: SignatureSource::KeyValues {
            header: "mux-signature",
            separator: ',',
            timestamp_key: "t",
            signature_key: "v1",
        },
        timestamp: Some(TimestampSource::FromSignatureHeader),
        content: Cow::Borrowed(&[Timestamp, Literal("."), Body]),
    }),
    // The window of Mux's SDK.
    default_tolerance_s: Some(300),
    key: KeyFormat::Text,
    delivery_id: Some(DeliveryIdSource::BodyField("id")),
    handshake: None,
    never_forward: &["mux-signature"],
};
