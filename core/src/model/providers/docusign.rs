//! DocuSign Connect (HMAC): <https://developers.docusign.com/platform/webhooks/connect/validate>

use super::prelude::*;

const DOCS: &str = "https://developers.docusign.com/platform/webhooks/connect/validate";

pub static DESCRIPTOR: Descriptor = Descriptor {
    name: "docusign",
    provider: "DocuSign Connect",
    summary: "X-DocuSign-Signature-1…N: base64 HMAC-SHA256 of the body, one per Connect key (any may match)",
    docs: DOCS,
    operator_fields: &[OperatorField {
        name: "secret",
        what: "a Connect HMAC key (Admin, Connect, Connect Keys), as shown: it is used as text, not decoded",
        required: true,
    }],
    check: hmac(Layout {
        algorithm: Sha256,
        signature: SignatureSource::NumberedHeaders {
            prefix: "x-docusign-signature-",
            max: 100,
            encoding: Base64,
        },
        timestamp: None,
        content: Cow::Borrowed(&[Body]),
    }),
    default_tolerance_s: None,
    // DocuSign's sample hashes the key's UTF-8 bytes, though it looks like base64.
    key: KeyFormat::Text,
    // No top-level id; retries change `retryCount`, so the body hash differs too.
    delivery_id: None,
    handshake: None,
    never_forward: &["x-docusign-signature-"],
};
