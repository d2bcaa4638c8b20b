//! Twilio: <https://www.twilio.com/docs/usage/webhooks/webhooks-security>

use super::prelude::*;

const DOCS: &str = "https://www.twilio.com/docs/usage/webhooks/webhooks-security";

pub static DESCRIPTOR: Descriptor = Descriptor {
    name: "twilio",
    provider: "Twilio",
    summary: "X-Twilio-Signature: base64 HMAC-SHA1 of the URL and sorted form params",
    docs: DOCS,
    operator_fields: &[],
    check: hmac(Layout {
        algorithm: Sha1,
        signature: one_header(&["x-twilio-signature"], Prefix::None, Base64, false),
        timestamp: None,
        content: Cow::Borrowed(&[Piece::TwilioUrlAndParams]),
    }),
    default_tolerance_s: None,
    key: KeyFormat::Text,
    delivery_id: Some(DeliveryIdSource::Header(&["i-twilio-idempotency-token"])),
    handshake: None,
    never_forward: &["x-twilio-signature"],
};
