//! Recurly: <https://docs.recurly.com/recurly-subscriptions/docs/signature-verification>

use super::prelude::*;

const DOCS: &str = "https://docs.recurly.com/recurly-subscriptions/docs/signature-verification";

pub static DESCRIPTOR: Descriptor = Descriptor {
    name: "recurly",
    provider: "Recurly",
    summary: "recurly-signature: <unix ms>,<hex>[,<hex>…] of <ms>.<body> (JSON webhooks)",
    docs: DOCS,
    operator_fields: &[OperatorField {
        name: "secret",
        what: "the endpoint's secret key (Integrations, Webhooks, the endpoint)",
        required: true,
    }],
    check: hmac(Layout {
        algorithm: Sha256,
        signature: SignatureSource::TimeThenSignatures {
            header: "recurly-signature",
            separator: ',',
        },
        timestamp: Some(TimestampSource::FromSignatureHeaderMillis),
        content: Cow::Borrowed(&[Timestamp, Literal("."), Body]),
    }),
    // The default of Recurly's clients.
    default_tolerance_s: Some(300),
    key: KeyFormat::Text,
    delivery_id: None,
    handshake: None,
    never_forward: &["recurly-signature"],
};
