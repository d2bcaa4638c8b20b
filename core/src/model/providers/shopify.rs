//! Shopify: <https://shopify.dev/docs/apps/build/webhooks>

use super::prelude::*;

const DOCS: &str = "https://shopify.dev/docs/apps/build/webhooks";

pub static DESCRIPTOR: Descriptor = Descriptor {
    name: "shopify",
    provider: "Shopify",
    summary: "X-Shopify-Hmac-Sha256 (or shopify-hmac-sha256): base64 HMAC of the body",
    docs: DOCS,
    operator_fields: &[],
    check: hmac(Layout {
        algorithm: Sha256,
        signature: one_header(
            &["x-shopify-hmac-sha256", "shopify-hmac-sha256"],
            Prefix::None,
            Base64,
            true,
        ),
        timestamp: None,
        content: Cow::Borrowed(&[Body]),
    }),
    default_tolerance_s: None,
    key: KeyFormat::TextOrBase64,
    delivery_id: Some(DeliveryIdSource::Header(&[
        "x-shopify-webhook-id",
        "shopify-webhook-id",
    ])),
    handshake: None,
    never_forward: &["x-shopify-hmac-sha256", "shopify-hmac-sha256"],
};
