//! Adyen standard webhooks: <https://docs.adyen.com/development-resources/webhooks/secure-webhooks/verify-hmac-signatures>
//!
//! Each `NotificationRequestItem` of `notificationItems` carries
//! `additionalData.hmacSignature`: base64 HMAC-SHA256, keyed with the HMAC key's hex
//! decoded, of pspReference, originalReference, merchantAccountCode, merchantReference,
//! amount value and currency, eventCode and success joined by `:` (`verify::adyen`). No
//! time is signed. Adyen marks a webhook delivered when it is answered `200` with
//! `[accepted]` (its help centre; "any 2xx" is accepted since 2024): the answer here.
//! Its ids (pspReference with eventCode) live inside the items: the body hash dedupes.

use super::prelude::*;
use crate::model::scheme::Acknowledgement;

const DOCS: &str =
    "https://docs.adyen.com/development-resources/webhooks/secure-webhooks/verify-hmac-signatures";

pub static DESCRIPTOR: Descriptor = Descriptor {
    name: "adyen",
    provider: "Adyen",
    summary: "every notification item's additionalData.hmacSignature: base64 HMAC-SHA256 (hex key) of its signed fields; answered 200 [accepted]",
    docs: DOCS,
    operator_fields: &[OperatorField {
        name: "secret",
        what: "the webhook's HMAC key (hex), from Developers > Webhooks > Security; generated when absent, then entered at Adyen as an existing key",
        required: false,
    }],
    check: Check::AdyenNotificationItems,
    default_tolerance_s: None,
    key: KeyFormat::Hex,
    delivery_id: None,
    handshake: None,
    never_forward: &[],
};

/// Adyen retries a notification until it is answered `[accepted]`.
pub const ACKNOWLEDGEMENT: Acknowledgement = Acknowledgement::Text {
    status: 200,
    body: "[accepted]",
};
