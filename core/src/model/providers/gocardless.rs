//! GoCardless: <https://developer.gocardless.com/getting-started/stay-up-to-date-with-webhooks/>

use super::prelude::*;

const DOCS: &str = "https://developer.gocardless.com/getting-started/stay-up-to-date-with-webhooks/";

pub static DESCRIPTOR: Descriptor = Descriptor {
    name: "gocardless",
    provider: "GoCardless",
    summary: "Webhook-Signature: hex HMAC-SHA256 of the body with the webhook endpoint's secret",
    docs: DOCS,
    operator_fields: &[OperatorField {
        name: "secret",
        what: "the webhook endpoint's secret (Developers, Webhook endpoints)",
        required: true,
    }],
    check: hmac(Layout {
        algorithm: Sha256,
        signature: one_header(&["webhook-signature"], Prefix::None, Hex, false),
        timestamp: None,
        content: Cow::Borrowed(&[Body]),
    }),
    default_tolerance_s: None,
    key: KeyFormat::Text,
    // A request batches events, each with its own id; none names the request.
    delivery_id: None,
    handshake: None,
    never_forward: &["webhook-signature"],
};
