//! Notion: <https://developers.notion.com/reference/webhooks>

use super::prelude::*;

const DOCS: &str = "https://developers.notion.com/reference/webhooks";

pub static DESCRIPTOR: Descriptor = Descriptor {
    name: "notion",
    provider: "Notion",
    summary: "X-Notion-Signature: sha256=<hex HMAC-SHA256 of the body> keyed by the verification_token; the one-time unsigned verification request is forwarded (token redacted) and its token shown in the delivery log",
    docs: DOCS,
    operator_fields: &[OperatorField {
        name: "secret",
        what: "the verification_token Notion posts once the subscription is created: read it in this webhook's delivery log (the newest entry's body), paste it in Notion's Verify dialog, then set it here with PATCH",
        required: false,
    }],
    check: hmac(Layout {
        algorithm: Sha256,
        signature: one_header(&["x-notion-signature"], Prefix::Required("sha256="), Hex, false),
        timestamp: None,
        content: Cow::Borrowed(&[Body]),
    }),
    default_tolerance_s: None,
    key: KeyFormat::Text,
    // The event's id; retries carry a new `attempt_number`, so only the id dedupes them.
    delivery_id: Some(DeliveryIdSource::BodyField("id")),
    handshake: Some(Handshake::NotionVerification),
    never_forward: &["x-notion-signature"],
};
