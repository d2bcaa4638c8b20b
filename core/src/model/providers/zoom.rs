//! Zoom: <https://developers.zoom.us/docs/api/webhooks/>

use super::prelude::*;

const DOCS: &str = "https://developers.zoom.us/docs/api/webhooks/";

pub static DESCRIPTOR: Descriptor = Descriptor {
    name: "zoom",
    provider: "Zoom",
    summary: "x-zm-signature: v0=<hex> of v0:<ts>:<body>, x-zm-request-timestamp",
    docs: DOCS,
    operator_fields: &[],
    check: hmac(Layout {
        algorithm: Sha256,
        signature: one_header(&["x-zm-signature"], Prefix::Required("v0="), Hex, false),
        timestamp: Some(TimestampSource::UnixSecondsHeader("x-zm-request-timestamp")),
        content: Cow::Borrowed(&[Literal("v0:"), Timestamp, Literal(":"), Body]),
    }),
    default_tolerance_s: Some(300),
    key: KeyFormat::Text,
    delivery_id: None,
    handshake: Some(Handshake::ZoomUrlValidation),
    never_forward: &["x-zm-signature"],
};
