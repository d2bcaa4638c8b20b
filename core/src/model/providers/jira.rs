//! Jira: <https://developer.atlassian.com/cloud/jira/platform/webhooks/>
//!
//! Admin webhooks with a secret only (Connect and OAuth apps' webhooks carry a JWT).

use super::prelude::*;

const DOCS: &str = "https://developer.atlassian.com/cloud/jira/platform/webhooks/";

pub static DESCRIPTOR: Descriptor = Descriptor {
    name: "jira",
    provider: "Jira",
    summary: "X-Hub-Signature: sha256=<hex HMAC-SHA256 of the body> with the admin webhook's secret",
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
    delivery_id: Some(DeliveryIdSource::Header(&["x-atlassian-webhook-identifier"])),
    handshake: None,
    never_forward: &["x-hub-signature"],
};
