//! Chargebee: <https://www.chargebee.com/docs/2.0/webhook_settings.html>
//!
//! Chargebee signs nothing; "Protect webhook URL with basic authentication" sends the
//! configured username and password as HTTP Basic authentication. The event's `id`
//! identifies it across Chargebee's retries (its events API says to dedupe on it).

use super::prelude::*;

const DOCS: &str = "https://www.chargebee.com/docs/2.0/webhook_settings.html";

pub static DESCRIPTOR: Descriptor = Descriptor {
    name: "chargebee",
    provider: "Chargebee",
    summary: "Authorization: Basic with the webhook's basic-authentication username and password",
    docs: DOCS,
    operator_fields: &[OperatorField {
        name: "secret",
        what: "username:password, as entered under Protect webhook URL with basic authentication (generated when absent)",
        required: false,
    }],
    check: Check::BasicAuth,
    default_tolerance_s: None,
    key: KeyFormat::BasicCredentials,
    delivery_id: Some(DeliveryIdSource::BodyField("id")),
    handshake: None,
    never_forward: &["authorization"],
};
