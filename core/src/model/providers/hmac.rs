//! Your own HMAC layout (`auth.template`): <README.md#verification-schemes>

use super::prelude::*;

const DOCS: &str = "README.md#verification-schemes";

pub static DESCRIPTOR: Descriptor = Descriptor {
    name: "hmac",
    provider: "Generic: your own layout (`auth.template`)",
    summary: "your own: auth.template says the algorithm, encoding, header and content",
    docs: DOCS,
    operator_fields: &[],
    check: Check::Template,
    // A template that signs a timestamp gets 300 s (`AuthConfig::tolerance_s`).
    default_tolerance_s: None,
    key: KeyFormat::TextOrBase64,
    delivery_id: None,
    handshake: None,
    never_forward: &[],
};
