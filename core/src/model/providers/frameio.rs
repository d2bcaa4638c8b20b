//! Frame.io: <https://developer.frame.io/platform/docs/guides/webhooks>

use super::prelude::*;

const DOCS: &str = "https://developer.frame.io/platform/docs/guides/webhooks";

pub static DESCRIPTOR: Descriptor = Descriptor {
    name: "frameio",
    provider: "Frame.io",
    summary: "X-Frameio-Signature: v0=<hex> of v0:<X-Frameio-Request-Timestamp>:<body>",
    docs: DOCS,
    operator_fields: &[OperatorField {
        name: "secret",
        what: "the webhook's signing secret (shown once, when the webhook is created)",
        required: true,
    }],
    check: hmac(Layout {
        algorithm: Sha256,
        signature: one_header(&["x-frameio-signature"], Prefix::Required("v0="), Hex, false),
        timestamp: Some(TimestampSource::UnixSecondsHeader(
            "x-frameio-request-timestamp",
        )),
        content: Cow::Borrowed(&[Literal("v0:"), Timestamp, Literal(":"), Body]),
    }),
    default_tolerance_s: Some(300),
    key: KeyFormat::Text,
    delivery_id: None,
    handshake: None,
    never_forward: &["x-frameio-signature"],
};
