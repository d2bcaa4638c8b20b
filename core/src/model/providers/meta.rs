//! Meta (Facebook, WhatsApp, Instagram, Messenger): <https://developers.facebook.com/docs/graph-api/webhooks/getting-started>

use super::prelude::*;

const DOCS: &str = "https://developers.facebook.com/docs/graph-api/webhooks/getting-started";

pub static DESCRIPTOR: Descriptor = Descriptor {
    name: "meta",
    provider: "Meta (Facebook, WhatsApp, Instagram, Messenger)",
    summary: "X-Hub-Signature-256: sha256=<hex> with the app secret; the GET subscription answered when hub.verify_token is auth.verify_token",
    docs: DOCS,
    operator_fields: &[
    OperatorField {
        name: "secret",
        what: "the app secret (App settings, Basic)",
        required: true,
    },
    OperatorField {
        name: "verify_token",
        what: "a token you choose, also pasted as the Verify Token in Meta's webhook setup",
        required: true,
    },
],
    check: hmac(Layout {
        algorithm: Sha256,
        signature: one_header(
            &["x-hub-signature-256"],
            Prefix::Required("sha256="),
            Hex,
            false,
        ),
        timestamp: None,
        content: Cow::Borrowed(&[Body]),
    }),
    default_tolerance_s: None,
    key: KeyFormat::Text,
    delivery_id: None,
    handshake: Some(Handshake::MetaSubscription),
    never_forward: &["x-hub-signature-256", "x-hub-signature"],
};
