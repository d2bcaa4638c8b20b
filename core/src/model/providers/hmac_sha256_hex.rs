//! A generic hex HMAC-SHA256 of the body: <README.md#verification-schemes>

use super::prelude::*;

const DOCS: &str = "README.md#verification-schemes";

pub static DESCRIPTOR: Descriptor = Descriptor {
    name: "hmac-sha256-hex",
    provider: "Generic: hex HMAC-SHA256 of the body",
    summary: "X-Webhook-Signature: hex HMAC-SHA256 of the body (sha256= tolerated)",
    docs: DOCS,
    operator_fields: &[],
    check: hmac(Layout {
        algorithm: Sha256,
        signature: one_header(
            &["x-webhook-signature"],
            Prefix::Optional("sha256="),
            Hex,
            true,
        ),
        timestamp: None,
        content: Cow::Borrowed(&[Body]),
    }),
    default_tolerance_s: None,
    key: KeyFormat::TextOrBase64,
    delivery_id: None,
    handshake: None,
    never_forward: &["x-webhook-signature"],
};
