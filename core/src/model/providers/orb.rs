//! Orb: its official SDK's verifier, <https://www.npmjs.com/package/orb-billing>
//! (`webhooks.verifySignature`; Orb's own page was not reachable when this was written).

use super::prelude::*;

const DOCS: &str = "https://www.npmjs.com/package/orb-billing";

pub static DESCRIPTOR: Descriptor = Descriptor {
    name: "orb",
    provider: "Orb",
    summary: "X-Orb-Signature: v1=<hex> (space-separated) of v1:<X-Orb-Timestamp>:<body>; X-Orb-Timestamp in UTC",
    docs: DOCS,
    operator_fields: &[OperatorField {
        name: "secret",
        what: "the webhook's signing secret (Developers, Webhooks)",
        required: true,
    }],
    check: hmac(Layout {
        algorithm: Sha256,
        signature: SignatureSource::PrefixedList {
            header: "x-orb-signature",
            separator: ' ',
            prefix: "v1=",
            encoding: Hex,
        },
        timestamp: Some(TimestampSource::UtcIso8601Header("x-orb-timestamp")),
        content: Cow::Borrowed(&[Literal("v1:"), Timestamp, Literal(":"), Body]),
    }),
    default_tolerance_s: Some(300),
    key: KeyFormat::Text,
    delivery_id: Some(DeliveryIdSource::BodyField("id")),
    handshake: None,
    never_forward: &["x-orb-signature"],
};
