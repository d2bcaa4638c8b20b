//! Calendly: <https://developer.calendly.com/api-docs/overview/webhooks/webhook-signatures>

use super::prelude::*;

const DOCS: &str =
    "https://developer.calendly.com/api-docs/overview/webhooks/webhook-signatures";

pub static DESCRIPTOR: Descriptor = Descriptor {
    name: "calendly",
    provider: "Calendly",
    summary: "Calendly-Webhook-Signature: t=<unix>,v1=<hex> of <t>.<body>",
    docs: DOCS,
    operator_fields: &[OperatorField {
        name: "secret",
        what: "the subscription's signing key: the OAuth app's, or for a personal-access-token subscription the signing_key you give it (generated when empty)",
        required: false,
    }],
    check: hmac(Layout {
        algorithm: Sha256,
        signature: SignatureSource::KeyValues {
            header: "calendly-webhook-signature",
            separator: ',',
            timestamp_key: "t",
            signature_key: "v1",
        },
        timestamp: Some(TimestampSource::FromSignatureHeader),
        content: Cow::Borrowed(&[Timestamp, Literal("."), Body]),
    }),
    // The three minutes of Calendly's example.
    default_tolerance_s: Some(180),
    key: KeyFormat::Text,
    delivery_id: None,
    handshake: None,
    never_forward: &["calendly-webhook-signature"],
};
