//! Pusher Channels: <https://pusher.com/docs/channels/server_api/webhooks/>

use super::prelude::*;

const DOCS: &str = "https://pusher.com/docs/channels/server_api/webhooks/";

pub static DESCRIPTOR: Descriptor = Descriptor {
    name: "pusher",
    provider: "Pusher Channels",
    summary: "X-Pusher-Signature: hex HMAC-SHA256 of the body with the app secret of X-Pusher-Key",
    docs: DOCS,
    operator_fields: &[OperatorField {
        name: "secret",
        what: "the app's secret (App Keys); during a key rotation add the other key's secret by rotating",
        required: true,
    }],
    check: hmac(Layout {
        algorithm: Sha256,
        signature: one_header(&["x-pusher-signature"], Prefix::None, Hex, false),
        timestamp: None,
        content: Cow::Borrowed(&[Body]),
    }),
    default_tolerance_s: None,
    key: KeyFormat::Text,
    // No delivery id: the body's hash dedupes Pusher's retries.
    delivery_id: None,
    handshake: None,
    // X-Pusher-Key is the public key's name, forwarded.
    never_forward: &["x-pusher-signature"],
};
