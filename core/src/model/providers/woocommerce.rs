//! WooCommerce: <https://developer.woocommerce.com/docs/apis/rest-api/v3/webhooks/>
//!
//! The sender is `WC_Webhook` (woocommerce/includes/class-wc-webhook.php): base64 of the
//! HMAC-SHA256 of the exact body sent, keyed with the secret as the settings screen shows
//! it; `deliver_ping` posts an unsigned `webhook_id=<id>` when the webhook is created and
//! wants exactly `200`. The delivery id is drawn per attempt (`wp_hash(id . time())`).

use super::prelude::*;

const DOCS: &str = "https://developer.woocommerce.com/docs/apis/rest-api/v3/webhooks/";

pub static DESCRIPTOR: Descriptor = Descriptor {
    name: "woocommerce",
    provider: "WooCommerce",
    summary: "X-WC-Webhook-Signature: base64 HMAC-SHA256 of the body with the webhook's secret; the creation ping answered 200",
    docs: DOCS,
    operator_fields: &[],
    check: hmac(Layout {
        algorithm: Sha256,
        signature: one_header(&["x-wc-webhook-signature"], Prefix::None, Base64, false),
        timestamp: None,
        content: Cow::Borrowed(&[Body]),
    }),
    default_tolerance_s: None,
    key: KeyFormat::Text,
    delivery_id: Some(DeliveryIdSource::Header(&["x-wc-webhook-delivery-id"])),
    handshake: Some(Handshake::WoocommercePing),
    never_forward: &["x-wc-webhook-signature"],
};
