//! LaunchDarkly: <https://docs.launchdarkly.com/home/connecting/webhooks>

use super::prelude::*;

const DOCS: &str = "https://docs.launchdarkly.com/home/connecting/webhooks";

pub static DESCRIPTOR: Descriptor = Descriptor {
    name: "launchdarkly",
    provider: "LaunchDarkly",
    summary: "X-LD-Signature: hex HMAC-SHA256 of the body with the webhook's secret",
    docs: DOCS,
    // LaunchDarkly takes a secret you supply: the generated one does.
    operator_fields: &[],
    check: hmac(Layout {
        algorithm: Sha256,
        signature: one_header(&["x-ld-signature"], Prefix::None, Hex, false),
        timestamp: None,
        content: Cow::Borrowed(&[Body]),
    }),
    default_tolerance_s: None,
    key: KeyFormat::Text,
    // The payload is an audit-log entry; its `_id` names the change.
    delivery_id: Some(DeliveryIdSource::BodyField("_id")),
    handshake: None,
    never_forward: &["x-ld-signature"],
};
