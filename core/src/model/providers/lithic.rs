//! Lithic: <https://docs.lithic.com/docs/events-api>
//!
//! Event webhooks signed as Standard Webhooks with the event subscription's `whsec_`
//! secret (Lithic's own SDKs verify with the `standardwebhooks` library).

use super::prelude::*;

const DOCS: &str = "https://docs.lithic.com/docs/events-api";

pub static DESCRIPTOR: Descriptor = webhook_headers(
    About {
        name: "lithic",
        provider: "Lithic",
        summary: "webhook-id, webhook-timestamp, webhook-signature: v1,<base64> (the event subscription's whsec_ secret)",
        docs: DOCS,
    },
    KeyFormat::Whsec,
);
