//! Dropbox: <https://www.dropbox.com/developers/reference/webhooks>

use super::prelude::*;

const DOCS: &str = "https://www.dropbox.com/developers/reference/webhooks";

pub static DESCRIPTOR: Descriptor = Descriptor {
    name: "dropbox",
    provider: "Dropbox",
    summary: "X-Dropbox-Signature: hex HMAC-SHA256 of the body with the app secret; GET ?challenge= echoed",
    docs: DOCS,
    operator_fields: &[OperatorField {
    name: "secret",
    what: "the app secret from the App Console",
    required: true,
}],
    check: hmac(Layout {
        algorithm: Sha256,
        signature: one_header(&["x-dropbox-signature"], Prefix::None, Hex, false),
        timestamp: None,
        content: Cow::Borrowed(&[Body]),
    }),
    default_tolerance_s: None,
    key: KeyFormat::Text,
    delivery_id: None,
    handshake: Some(Handshake::DropboxChallenge),
    never_forward: &["x-dropbox-signature"],
};
