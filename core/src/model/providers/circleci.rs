//! CircleCI outbound webhooks: <https://circleci.com/docs/outbound-webhooks>

use super::prelude::*;

const DOCS: &str = "https://circleci.com/docs/outbound-webhooks";

pub static DESCRIPTOR: Descriptor = Descriptor {
    name: "circleci",
    provider: "CircleCI",
    summary: "circleci-signature: v1=<hex HMAC-SHA256 of the body> in a comma-separated list of versions (only v1 is checked)",
    docs: DOCS,
    operator_fields: &[],
    check: hmac(Layout {
        algorithm: Sha256,
        // "You should only check the latest signature type": v1, the only one so far.
        signature: SignatureSource::PrefixedList {
            header: "circleci-signature",
            separator: ',',
            prefix: "v1=",
            encoding: Hex,
        },
        timestamp: None,
        content: Cow::Borrowed(&[Body]),
    }),
    default_tolerance_s: None,
    key: KeyFormat::Text,
    delivery_id: Some(DeliveryIdSource::BodyField("id")),
    handshake: None,
    never_forward: &["circleci-signature"],
};
