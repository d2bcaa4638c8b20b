//! Mailgun: <https://documentation.mailgun.com/docs/mailgun/user-manual/webhooks/securing-webhooks>
//!
//! The signature is inside the JSON body: its top-level `signature` object holds
//! `token` (50 characters, the delivery's id), `timestamp` (Unix seconds, written as a
//! string or a number) and `signature`, the hex HMAC-SHA256 of timestamp ‖ token with
//! the webhook signing key; a subaccount's event adds `parent-signature`, the same with
//! the primary account's key. Only that object is read before the MAC (a bounded
//! parse). `event-data` is not signed, so the signed token is what dedupes. Mailgun
//! gives no window and warns its processing can be delayed: 15 minutes here.

use super::prelude::*;

const DOCS: &str =
    "https://documentation.mailgun.com/docs/mailgun/user-manual/webhooks/securing-webhooks";

pub static DESCRIPTOR: Descriptor = Descriptor {
    name: "mailgun",
    provider: "Mailgun",
    summary: "the JSON body's signature object: hex HMAC-SHA256 of timestamp + token with the webhook signing key (parent-signature accepted)",
    docs: DOCS,
    operator_fields: &[OperatorField {
        name: "secret",
        what: "the HTTP webhook signing key (the primary account's, to verify subaccounts' parent-signature)",
        required: true,
    }],
    check: hmac(Layout {
        algorithm: Sha256,
        signature: SignatureSource::JsonBodyMember {
            member: "signature",
            fields: &["signature", "parent-signature"],
            encoding: Hex,
        },
        timestamp: Some(TimestampSource::JsonBodyMember("timestamp")),
        content: Cow::Borrowed(&[Timestamp, Piece::JsonBodyMember("token")]),
    }),
    default_tolerance_s: Some(900),
    key: KeyFormat::Text,
    delivery_id: Some(DeliveryIdSource::JsonBodyMember {
        member: "signature",
        field: "token",
    }),
    handshake: None,
    never_forward: &[],
};
