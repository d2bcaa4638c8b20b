//! Paddle Billing: <https://developer.paddle.com/webhooks/signature-verification>

use super::prelude::*;

const DOCS: &str = "https://developer.paddle.com/webhooks/signature-verification";

pub static DESCRIPTOR: Descriptor = Descriptor {
    name: "paddle",
    provider: "Paddle Billing",
    summary: "Paddle-Signature: ts=<unix>;h1=<hex> over <ts>:<body>",
    docs: DOCS,
    operator_fields: &[],
    check: hmac(Layout {
        algorithm: Sha256,
        signature: SignatureSource::KeyValues {
            header: "paddle-signature",
            separator: ';',
            timestamp_key: "ts",
            signature_key: "h1",
        },
        timestamp: Some(TimestampSource::FromSignatureHeader),
        content: Cow::Borrowed(&[Timestamp, Literal(":"), Body]),
    }),
    default_tolerance_s: Some(5),
    key: KeyFormat::Text,
    delivery_id: Some(DeliveryIdSource::BodyField("event_id")),
    handshake: None,
    never_forward: &["paddle-signature"],
};
