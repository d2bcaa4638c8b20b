//! X (Twitter) Account Activity: <https://docs.x.com/x-api/webhooks/introduction>

use super::prelude::*;

const DOCS: &str = "https://docs.x.com/x-api/webhooks/introduction";

pub static DESCRIPTOR: Descriptor = Descriptor {
    name: "twitter",
    provider: "X (Twitter)",
    summary: "x-twitter-webhooks-signature: sha256=<base64> with the consumer secret; GET ?crc_token= answered",
    docs: DOCS,
    operator_fields: &[OperatorField {
    name: "secret",
    what: "the app's consumer secret (API secret key)",
    required: true,
}],
    check: hmac(Layout {
        algorithm: Sha256,
        signature: one_header(
            &["x-twitter-webhooks-signature"],
            Prefix::Required("sha256="),
            Base64,
            false,
        ),
        timestamp: None,
        content: Cow::Borrowed(&[Body]),
    }),
    default_tolerance_s: None,
    key: KeyFormat::Text,
    delivery_id: None,
    handshake: Some(Handshake::TwitterCrc),
    never_forward: &["x-twitter-webhooks-signature"],
};
