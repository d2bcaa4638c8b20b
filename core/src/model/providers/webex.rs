//! Webex: <https://developer.webex.com/docs/api/guides/webhooks>

use super::prelude::*;

const DOCS: &str = "https://developer.webex.com/docs/api/guides/webhooks";

pub static DESCRIPTOR: Descriptor = Descriptor {
    name: "webex",
    provider: "Webex",
    summary: "X-Spark-Signature: hex HMAC-SHA1 of the body with the webhook's secret",
    docs: DOCS,
    operator_fields: &[],
    check: hmac(Layout {
        algorithm: Sha1,
        signature: one_header(&["x-spark-signature"], Prefix::None, Hex, false),
        timestamp: None,
        content: Cow::Borrowed(&[Body]),
    }),
    default_tolerance_s: None,
    key: KeyFormat::Text,
    // The body's top-level `id` is the webhook's own, the same on every event.
    delivery_id: None,
    handshake: None,
    never_forward: &["x-spark-signature"],
};
