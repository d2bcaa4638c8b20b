//! A generic shared secret in a header: <README.md#verification-schemes>

use super::prelude::*;

const DOCS: &str = "README.md#verification-schemes";

pub static DESCRIPTOR: Descriptor = Descriptor {
    name: "shared-secret",
    provider: "Generic: a shared secret in a header",
    summary: "the secret itself in X-Webhook-Secret or X-Webhook-Token",
    docs: DOCS,
    operator_fields: &[],
    check: Check::SharedSecret {
        headers: &["x-webhook-secret", "x-webhook-token"],
    },
    default_tolerance_s: None,
    key: KeyFormat::Text,
    delivery_id: None,
    handshake: None,
    never_forward: &["x-webhook-secret", "x-webhook-token"],
};
