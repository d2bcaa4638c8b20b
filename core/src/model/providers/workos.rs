//! WorkOS: <https://workos.com/docs/events/data-syncing/webhooks>

use super::prelude::*;

const DOCS: &str = "https://workos.com/docs/events/data-syncing/webhooks";

pub static DESCRIPTOR: Descriptor = Descriptor {
    name: "workos",
    provider: "WorkOS",
    summary: "WorkOS-Signature: t=<unix ms>, v1=<hex> of <t>.<body>",
    docs: DOCS,
    operator_fields: &[OperatorField {
        name: "secret",
        what: "the endpoint's webhook secret (Dashboard, Webhooks)",
        required: true,
    }],
    check: hmac(Layout {
        algorithm: Sha256,
        signature: SignatureSource::KeyValues {
            header: "workos-signature",
            separator: ',',
            timestamp_key: "t",
            signature_key: "v1",
        },
        timestamp: Some(TimestampSource::FromSignatureHeaderMillis),
        content: Cow::Borrowed(&[Timestamp, Literal("."), Body]),
    }),
    // The default of WorkOS's SDKs.
    default_tolerance_s: Some(180),
    key: KeyFormat::Text,
    delivery_id: Some(DeliveryIdSource::BodyField("id")),
    handshake: None,
    never_forward: &["workos-signature"],
};
