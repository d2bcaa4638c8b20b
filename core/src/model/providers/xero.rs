//! Xero: <https://developer.xero.com/documentation/webhooks/configuring-your-server>

use super::prelude::*;

const DOCS: &str = "https://developer.xero.com/documentation/webhooks/configuring-your-server";

/// "responds within 5 seconds with a 200 O.K status code", "There is no body in the
/// response". The intent-to-receive check sends correctly and incorrectly signed
/// requests and wants 200 for the first, 401 for the others (every refusal is a 401).
pub const ACKNOWLEDGEMENT: Acknowledgement = Acknowledgement::Empty(200);

pub static DESCRIPTOR: Descriptor = Descriptor {
    name: "xero",
    provider: "Xero",
    summary: "x-xero-signature: base64 HMAC-SHA256 of the body with the webhook key; answered 200 with no body (intent to receive: 401 when the signature is wrong)",
    docs: DOCS,
    operator_fields: &[OperatorField {
        name: "secret",
        what: "the webhook key shown with the app's webhook (My Apps, Webhooks)",
        required: true,
    }],
    check: hmac(Layout {
        algorithm: Sha256,
        signature: one_header(&["x-xero-signature"], Prefix::None, Base64, false),
        timestamp: None,
        content: Cow::Borrowed(&[Body]),
    }),
    default_tolerance_s: None,
    key: KeyFormat::Text,
    // The payload's `entropy` differs per request; nothing names a delivery.
    delivery_id: None,
    handshake: None,
    never_forward: &["x-xero-signature"],
};
