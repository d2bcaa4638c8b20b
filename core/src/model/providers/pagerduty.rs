//! PagerDuty v3 webhooks: PagerDuty's developer docs, "Verifying Signatures"
//! (docs/webhooks/04-Signatures.md of PagerDuty/developer-docs, published on
//! developer.pagerduty.com).

use super::prelude::*;

const DOCS: &str =
    "https://github.com/PagerDuty/developer-docs/blob/main/docs/webhooks/04-Signatures.md";

pub static DESCRIPTOR: Descriptor = Descriptor {
    name: "pagerduty",
    provider: "PagerDuty (v3 webhooks)",
    summary: "X-PagerDuty-Signature: v1=<hex HMAC-SHA256 of the body>, several comma-separated during a rotation (any may match)",
    docs: DOCS,
    operator_fields: &[OperatorField {
        name: "secret",
        what: "the webhook subscription's signing secret, shown when the subscription is created",
        required: true,
    }],
    check: hmac(Layout {
        algorithm: Sha256,
        signature: SignatureSource::PrefixedList {
            header: "x-pagerduty-signature",
            separator: ',',
            prefix: "v1=",
            encoding: Hex,
        },
        timestamp: None,
        content: Cow::Borrowed(&[Body]),
    }),
    default_tolerance_s: None,
    key: KeyFormat::Text,
    // "unique to the webhook but is repeated for each delivery attempt" (Behavior page).
    delivery_id: Some(DeliveryIdSource::Header(&["x-webhook-id"])),
    handshake: None,
    never_forward: &["x-pagerduty-signature"],
};
