//! Bitbucket: <https://support.atlassian.com/bitbucket-cloud/docs/manage-webhooks/>
//!
//! Headers: <https://support.atlassian.com/bitbucket-cloud/docs/event-payloads/>. Bitbucket
//! Data Center signs the same way and names its request id X-Request-Id.

use super::prelude::*;

const DOCS: &str = "https://support.atlassian.com/bitbucket-cloud/docs/manage-webhooks/";

pub static DESCRIPTOR: Descriptor = Descriptor {
    name: "bitbucket",
    provider: "Bitbucket",
    summary: "X-Hub-Signature: sha256=<hex HMAC-SHA256 of the body> with the webhook's secret",
    docs: DOCS,
    operator_fields: &[],
    check: hmac(Layout {
        algorithm: Sha256,
        signature: one_header(&["x-hub-signature"], Prefix::Required("sha256="), Hex, false),
        timestamp: None,
        content: Cow::Borrowed(&[Body]),
    }),
    default_tolerance_s: None,
    key: KeyFormat::Text,
    delivery_id: Some(DeliveryIdSource::Header(&["x-request-uuid", "x-request-id"])),
    handshake: None,
    never_forward: &["x-hub-signature"],
};
