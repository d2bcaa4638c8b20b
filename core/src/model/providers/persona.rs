//! Persona: <https://docs.withpersona.com/docs/webhooks-best-practices>

use super::prelude::*;

const DOCS: &str = "https://docs.withpersona.com/docs/webhooks-best-practices";

pub static DESCRIPTOR: Descriptor = Descriptor {
    name: "persona",
    provider: "Persona",
    summary: "Persona-Signature: t=<unix>,v1=<hex> of <t>.<body>; two space-separated sets while a secret rotates",
    docs: DOCS,
    operator_fields: &[OperatorField {
        name: "secret",
        what: "the webhook secret (Dashboard, Webhooks; wbhsec_…)",
        required: true,
    }],
    check: hmac(Layout {
        algorithm: Sha256,
        signature: SignatureSource::KeyValueSets {
            header: "persona-signature",
            set_separator: ' ',
            separator: ',',
            timestamp_key: "t",
            signature_key: "v1",
        },
        timestamp: Some(TimestampSource::FromSignatureHeader),
        content: Cow::Borrowed(&[Timestamp, Literal("."), Body]),
    }),
    // Persona documents no window.
    default_tolerance_s: Some(300),
    key: KeyFormat::Text,
    delivery_id: None,
    handshake: None,
    never_forward: &["persona-signature"],
};
