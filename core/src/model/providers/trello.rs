//! Trello: <https://developer.atlassian.com/cloud/trello/guides/rest-api/webhooks>

use super::prelude::*;

const DOCS: &str = "https://developer.atlassian.com/cloud/trello/guides/rest-api/webhooks";

pub static DESCRIPTOR: Descriptor = Descriptor {
    name: "trello",
    provider: "Trello",
    summary: "X-Trello-Webhook: base64 HMAC-SHA1 of the body + the callback URL, keyed with the application secret",
    docs: DOCS,
    operator_fields: &[
        OperatorField {
            name: "secret",
            what: "the application's secret (the Power-Up's API key page, Secret)",
            required: true,
        },
        OperatorField {
            name: "notification_url",
            what: "the callbackURL exactly as given to Trello, when requests arrive at another URL; default: the URL they arrive at",
            required: false,
        },
    ],
    check: hmac(Layout {
        algorithm: Sha1,
        signature: one_header(&["x-trello-webhook"], Prefix::None, Base64, false),
        timestamp: None,
        content: Cow::Borrowed(&[Body, Piece::NotificationUrl]),
    }),
    default_tolerance_s: None,
    key: KeyFormat::Text,
    delivery_id: None,
    handshake: Some(Handshake::TrelloHead),
    never_forward: &["x-trello-webhook"],
};
