//! Typeform: <https://www.typeform.com/developers/webhooks/secure-your-webhooks/>

use super::prelude::*;

const DOCS: &str = "https://www.typeform.com/developers/webhooks/secure-your-webhooks/";

pub static DESCRIPTOR: Descriptor = Descriptor {
    name: "typeform",
    provider: "Typeform",
    summary: "Typeform-Signature: sha256=<base64 HMAC-SHA256 of the body> with the webhook's secret",
    docs: DOCS,
    operator_fields: &[],
    check: hmac(Layout {
        algorithm: Sha256,
        signature: one_header(&["typeform-signature"], Prefix::Required("sha256="), Base64, false),
        timestamp: None,
        content: Cow::Borrowed(&[Body]),
    }),
    default_tolerance_s: None,
    key: KeyFormat::Text,
    delivery_id: Some(DeliveryIdSource::BodyField("event_id")),
    handshake: None,
    never_forward: &["typeform-signature"],
};
