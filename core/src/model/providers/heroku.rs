//! Heroku: <https://devcenter.heroku.com/articles/app-webhooks>

use super::prelude::*;

const DOCS: &str = "https://devcenter.heroku.com/articles/app-webhooks";

pub static DESCRIPTOR: Descriptor = Descriptor {
    name: "heroku",
    provider: "Heroku",
    summary: "Heroku-Webhook-Hmac-SHA256: base64 HMAC-SHA256 of the body with the webhook's secret",
    docs: DOCS,
    operator_fields: &[],
    check: hmac(Layout {
        algorithm: Sha256,
        signature: one_header(&["heroku-webhook-hmac-sha256"], Prefix::None, Base64, false),
        timestamp: None,
        content: Cow::Borrowed(&[Body]),
    }),
    default_tolerance_s: None,
    key: KeyFormat::Text,
    delivery_id: Some(DeliveryIdSource::BodyField("id")),
    handshake: None,
    never_forward: &["heroku-webhook-hmac-sha256"],
};
