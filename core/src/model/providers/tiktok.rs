//! TikTok for Developers: <https://developers.tiktok.com/doc/webhooks-verification>

use super::prelude::*;

const DOCS: &str = "https://developers.tiktok.com/doc/webhooks-verification";

pub static DESCRIPTOR: Descriptor = Descriptor {
    name: "tiktok",
    provider: "TikTok for Developers",
    summary: "TikTok-Signature: t=<unix>,s=<hex> of <t>.<body>, keyed with the client secret",
    docs: DOCS,
    operator_fields: &[OperatorField {
        name: "secret",
        what: "the app's client secret (Developer Portal, the app, App details)",
        required: true,
    }],
    check: hmac(Layout {
        algorithm: Sha256,
        signature: SignatureSource::KeyValues {
            header: "tiktok-signature",
            separator: ',',
            timestamp_key: "t",
            signature_key: "s",
        },
        timestamp: Some(TimestampSource::FromSignatureHeader),
        content: Cow::Borrowed(&[Timestamp, Literal("."), Body]),
    }),
    // TikTok documents no window.
    default_tolerance_s: Some(300),
    key: KeyFormat::Text,
    delivery_id: None,
    handshake: None,
    never_forward: &["tiktok-signature"],
};
