//! SendGrid signed Event Webhook: <https://www.twilio.com/docs/sendgrid/for-developers/tracking-events/getting-started-event-webhook-security-features>

use super::prelude::*;

const DOCS: &str = "https://www.twilio.com/docs/sendgrid/for-developers/tracking-events/getting-started-event-webhook-security-features";

pub static DESCRIPTOR: Descriptor = Descriptor {
    name: "sendgrid",
    provider: "SendGrid Event Webhook",
    summary: "X-Twilio-Email-Event-Webhook-Signature: base64 DER ECDSA P-256 of the timestamp + body; auth.public_key is SendGrid's verification key (base64)",
    docs: DOCS,
    operator_fields: &[OperatorField {
    name: "public_key",
    what: "the verification key SendGrid shows for the Signed Event Webhook (base64)",
    required: true,
}],
    check: Check::PublicKey(PublicKeyLayout {
        algorithm: PublicKeyAlgorithm::EcdsaP256Sha256,
        signature_header: "x-twilio-email-event-webhook-signature",
        encoding: Base64,
        timestamp_header: "x-twilio-email-event-webhook-timestamp",
        content: &[Timestamp, Body],
    }),
    default_tolerance_s: Some(300),
    key: KeyFormat::P256SpkiBase64,
    delivery_id: None,
    handshake: None,
    never_forward: &["x-twilio-email-event-webhook-signature"],
};
