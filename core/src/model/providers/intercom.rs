//! Intercom: <https://developers.intercom.com/docs/references/webhooks/webhook-models>
//!
//! Signed notifications; the endpoint must also answer the `HEAD` Intercom sends when the
//! URL is saved (<https://developers.intercom.com/docs/webhooks/setting-up-webhooks>).
//! A retry carries the same `id` in a body whose `delivery_attempts` has changed.

use super::prelude::*;

const DOCS: &str = "https://developers.intercom.com/docs/references/webhooks/webhook-models";

pub static DESCRIPTOR: Descriptor = Descriptor {
    name: "intercom",
    provider: "Intercom",
    summary: "X-Hub-Signature: sha1=<hex HMAC-SHA1 of the body> with the app's client_secret; HEAD answered 200",
    docs: DOCS,
    operator_fields: &[OperatorField {
        name: "secret",
        what: "the app's client_secret (Developer Hub > your app > Basic information)",
        required: true,
    }],
    check: hmac(Layout {
        algorithm: Sha1,
        signature: one_header(&["x-hub-signature"], Prefix::Required("sha1="), Hex, false),
        timestamp: None,
        content: Cow::Borrowed(&[Body]),
    }),
    default_tolerance_s: None,
    key: KeyFormat::Text,
    delivery_id: Some(DeliveryIdSource::BodyField("id")),
    handshake: Some(Handshake::IntercomHead),
    never_forward: &["x-hub-signature"],
};
