//! Okta event hooks: <https://developer.okta.com/docs/concepts/event-hooks/>

use super::prelude::*;

const DOCS: &str = "https://developer.okta.com/docs/concepts/event-hooks/";

pub static DESCRIPTOR: Descriptor = Descriptor {
    name: "okta",
    provider: "Okta event hooks",
    summary: "the secret itself in Authorization (or auth.header); the one-time GET with X-Okta-Verification-Challenge answered",
    docs: DOCS,
    operator_fields: &[],
    check: Check::SharedSecret {
        headers: &["authorization"],
    },
    default_tolerance_s: None,
    key: KeyFormat::Text,
    delivery_id: None,
    handshake: Some(Handshake::OktaVerification),
    never_forward: &["authorization"],
};
