//! Airtable: <https://airtable.com/developers/web/api/webhooks-overview>

use super::prelude::*;

const DOCS: &str = "https://airtable.com/developers/web/api/webhooks-overview";

/// "respond with an HTTP 200 or 204 status code and an empty response body"; anything
/// else is retried 13 times, then notifications are disabled.
pub const ACKNOWLEDGEMENT: Acknowledgement = Acknowledgement::Empty(204);

pub static DESCRIPTOR: Descriptor = Descriptor {
    name: "airtable",
    provider: "Airtable",
    summary: "X-Airtable-Content-MAC: hmac-sha256=<hex HMAC-SHA256 of the body>, keyed by the decoded macSecretBase64; answered 204 with no body",
    docs: DOCS,
    operator_fields: &[OperatorField {
        name: "secret",
        what: "the macSecretBase64 the create-webhook call returned, pasted as it is (hookgate decodes it)",
        required: true,
    }],
    check: hmac(Layout {
        algorithm: Sha256,
        signature: one_header(
            &["x-airtable-content-mac"],
            Prefix::Required("hmac-sha256="),
            Hex,
            false,
        ),
        timestamp: None,
        content: Cow::Borrowed(&[Body]),
    }),
    default_tolerance_s: None,
    key: KeyFormat::Base64,
    // A ping names the base and the webhook only, and pings may be coalesced.
    delivery_id: None,
    handshake: None,
    never_forward: &["x-airtable-content-mac"],
};
