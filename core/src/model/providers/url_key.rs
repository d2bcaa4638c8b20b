//! A key in the URL (Kestra's webhook trigger): <https://kestra.io/docs/workflow-components/triggers/webhook-trigger>

use super::prelude::*;

const DOCS: &str = "https://kestra.io/docs/workflow-components/triggers/webhook-trigger";

pub static DESCRIPTOR: Descriptor = Descriptor {
    name: "url-key",
    provider: "Kestra (a key in the URL)",
    summary: "the key as the last path segment (at most 256 characters)",
    docs: DOCS,
    operator_fields: &[],
    check: Check::UrlKey,
    default_tolerance_s: None,
    key: KeyFormat::UrlSafeText,
    delivery_id: None,
    handshake: None,
    never_forward: &[],
};
