//! Box: <https://developer.box.com/guides/webhooks/v2/signatures-v2>

use super::prelude::*;

const DOCS: &str = "https://developer.box.com/guides/webhooks/v2/signatures-v2";

pub static DESCRIPTOR: Descriptor = Descriptor {
    name: "box",
    provider: "Box",
    summary: "BOX-SIGNATURE-PRIMARY / -SECONDARY: base64 HMAC-SHA256 of body + BOX-DELIVERY-TIMESTAMP (RFC 3339), one per signature key",
    docs: DOCS,
    operator_fields: &[OperatorField {
        name: "secret",
        what: "the primary signature key (Developer Console, Webhooks, Manage signature keys); while Box's keys change, rotate-secret adds the other",
        required: true,
    }],
    check: hmac(Layout {
        algorithm: Sha256,
        // Each header is signed with one of the two keys; either stored key may match.
        signature: SignatureSource::EachHeader {
            names: &["box-signature-primary", "box-signature-secondary"],
            encoding: Base64,
        },
        timestamp: Some(TimestampSource::Rfc3339Header("box-delivery-timestamp")),
        content: Cow::Borrowed(&[Body, Timestamp]),
    }),
    default_tolerance_s: Some(600),
    key: KeyFormat::Text,
    // BOX-DELIVERY-ID changes on every retry; the event's id in the body stays.
    delivery_id: Some(DeliveryIdSource::BodyField("id")),
    handshake: None,
    // Version and algorithm are no credentials, but are named like them: kept with them.
    never_forward: &[
        "box-signature-primary",
        "box-signature-secondary",
        "box-signature-version",
        "box-signature-algorithm",
    ],
};
