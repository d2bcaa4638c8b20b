//! PayPal REST webhooks: <https://developer.paypal.com/api/rest/webhooks/rest/> (verify the
//! signature: SHA256withRSA over `transmission_id|transmission_time|webhook_id|crc32`, the
//! body's CRC32 in decimal, under the certificate at `PAYPAL-CERT-URL`; the header
//! definitions: <https://developer.paypal.com/api/webhooks/v1/definitions/verify_webhook_signature>).

use super::prelude::*;
use crate::verify::fetched::Provider;

const DOCS: &str = "https://developer.paypal.com/api/rest/webhooks/rest/";

pub static DESCRIPTOR: Descriptor = Descriptor {
    name: "paypal",
    provider: "PayPal",
    summary: "PAYPAL-TRANSMISSION-SIG: base64 SHA256withRSA of transmission id|time|auth.webhook_id|CRC32(body) under the certificate at PAYPAL-CERT-URL (api.paypal.com or api.sandbox.paypal.com only)",
    docs: DOCS,
    operator_fields: &[OperatorField {
        name: "webhook_id",
        what: "the Webhook ID PayPal shows for this listener URL (Developer Dashboard, the app's Webhooks)",
        required: true,
    }],
    check: Check::FetchedKey(Provider::Paypal),
    default_tolerance_s: None,
    key: KeyFormat::Text,
    // The event's id (stable across PayPal's retries; signed through the body's CRC32).
    delivery_id: Some(DeliveryIdSource::BodyField("id")),
    handshake: None,
    never_forward: &["paypal-transmission-sig"],
};
