//! Contentful webhooks: <https://www.contentful.com/developers/docs/webhooks/request-verification/>
//!
//! With a signing secret set (64 characters, used as text), every webhook carries
//! `x-contentful-signature`, the hex HMAC-SHA256 of the canonical request (method, path,
//! the headers `x-contentful-signed-headers` lists, body: `verify::contentful`), and
//! `x-contentful-timestamp` in Unix milliseconds. The window is the one Contentful's
//! `verifyRequest` uses by default, 30 s. `X-Contentful-Idempotency-Key` names a delivery
//! (not necessarily signed).

use super::prelude::*;

const DOCS: &str = "https://www.contentful.com/developers/docs/webhooks/request-verification/";

pub static DESCRIPTOR: Descriptor = Descriptor {
    name: "contentful",
    provider: "Contentful",
    summary: "x-contentful-signature: hex HMAC-SHA256 of method, path, the x-contentful-signed-headers and the body; x-contentful-timestamp in ms",
    docs: DOCS,
    operator_fields: &[OperatorField {
        name: "secret",
        what: "the space's webhook signing secret (64 characters), from Settings > Webhooks > Settings, Enable request verification",
        required: true,
    }],
    check: hmac(Layout {
        algorithm: Sha256,
        signature: one_header(&["x-contentful-signature"], Prefix::None, Hex, false),
        timestamp: Some(TimestampSource::UnixMillisHeader("x-contentful-timestamp")),
        content: Cow::Borrowed(&[Piece::ContentfulCanonicalRequest]),
    }),
    default_tolerance_s: Some(30),
    key: KeyFormat::Text,
    delivery_id: Some(DeliveryIdSource::Header(&["x-contentful-idempotency-key"])),
    handshake: None,
    never_forward: &["x-contentful-signature"],
};
