//! Buildkite: <https://buildkite.com/docs/apis/webhooks/pipelines>

use super::prelude::*;

const DOCS: &str = "https://buildkite.com/docs/apis/webhooks/pipelines";

pub static DESCRIPTOR: Descriptor = Descriptor {
    name: "buildkite",
    provider: "Buildkite",
    summary: "X-Buildkite-Signature: timestamp=<unix>,signature=<hex> of <timestamp>.<body>",
    docs: DOCS,
    operator_fields: &[OperatorField {
        name: "secret",
        what: "the webhook's token, sent as a signature (Notification Services, Webhook, Token)",
        required: true,
    }],
    check: hmac(Layout {
        algorithm: Sha256,
        signature: SignatureSource::KeyValues {
            header: "x-buildkite-signature",
            separator: ',',
            timestamp_key: "timestamp",
            signature_key: "signature",
        },
        timestamp: Some(TimestampSource::FromSignatureHeader),
        content: Cow::Borrowed(&[Timestamp, Literal("."), Body]),
    }),
    // The page's "for example, 5 minutes".
    default_tolerance_s: Some(300),
    key: KeyFormat::Text,
    delivery_id: None,
    handshake: None,
    // The token mode sends the secret itself.
    never_forward: &["x-buildkite-signature", "x-buildkite-token"],
};
