//! MongoDB Atlas alert webhooks: <https://www.mongodb.com/docs/atlas/tutorial/webhook-integration/>

use super::prelude::*;

const DOCS: &str = "https://www.mongodb.com/docs/atlas/tutorial/webhook-integration/";

pub static DESCRIPTOR: Descriptor = Descriptor {
    name: "mongodb-atlas",
    provider: "MongoDB Atlas",
    summary: "X-MMS-Signature: base64 HMAC-SHA1 of the body with the Webhook Secret",
    docs: DOCS,
    operator_fields: &[],
    check: hmac(Layout {
        algorithm: Sha1,
        signature: one_header(&["x-mms-signature"], Prefix::None, Base64, false),
        timestamp: None,
        content: Cow::Borrowed(&[Body]),
    }),
    default_tolerance_s: None,
    key: KeyFormat::Text,
    // The body's `id` is the alert's, the same for its open, update and close: not a
    // delivery id. The body's hash dedupes retries.
    delivery_id: None,
    handshake: None,
    never_forward: &["x-mms-signature"],
};
