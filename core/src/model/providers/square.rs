//! Square: <https://developer.squareup.com/docs/webhooks/step3validate>

use super::prelude::*;

const DOCS: &str = "https://developer.squareup.com/docs/webhooks/step3validate";

pub static DESCRIPTOR: Descriptor = Descriptor {
    name: "square",
    provider: "Square",
    summary: "x-square-hmacsha256-signature: base64 HMAC-SHA256 of the notification URL + body",
    docs: DOCS,
    operator_fields: &[
        OperatorField {
            name: "secret",
            what: "the subscription's signature key (Developer Console, Webhooks, Subscriptions)",
            required: true,
        },
        OperatorField {
            name: "notification_url",
            what: "the notification URL given to Square, when requests arrive at another one (a proxy in front); default: the URL they arrive at",
            required: false,
        },
    ],
    check: hmac(Layout {
        algorithm: Sha256,
        signature: one_header(&["x-square-hmacsha256-signature"], Prefix::None, Base64, false),
        timestamp: None,
        content: Cow::Borrowed(&[Piece::NotificationUrl, Body]),
    }),
    default_tolerance_s: None,
    key: KeyFormat::Text,
    delivery_id: Some(DeliveryIdSource::BodyField("event_id")),
    handshake: None,
    // The legacy HMAC-SHA1 of the same content is a MAC too.
    never_forward: &["x-square-hmacsha256-signature", "x-square-signature"],
};
