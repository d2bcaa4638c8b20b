//! Sentry: <https://docs.sentry.io/integrations/integration-platform/webhooks/>
//!
//! Sentry-Hook-Timestamp is sent but not signed, so there is no replay window; Request-ID
//! is drawn afresh for every send, so it keys an attempt, not an event.

use super::prelude::*;

const DOCS: &str = "https://docs.sentry.io/integrations/integration-platform/webhooks/";

pub static DESCRIPTOR: Descriptor = Descriptor {
    name: "sentry",
    provider: "Sentry",
    summary: "Sentry-Hook-Signature: hex HMAC-SHA256 of the body with the integration's Client Secret",
    docs: DOCS,
    operator_fields: &[OperatorField {
        name: "secret",
        what: "the Client Secret of the internal or public integration (Settings > Developer Settings)",
        required: true,
    }],
    check: hmac(Layout {
        algorithm: Sha256,
        signature: one_header(&["sentry-hook-signature"], Prefix::None, Hex, false),
        timestamp: None,
        content: Cow::Borrowed(&[Body]),
    }),
    default_tolerance_s: None,
    key: KeyFormat::Text,
    delivery_id: Some(DeliveryIdSource::Header(&["request-id"])),
    handshake: None,
    never_forward: &["sentry-hook-signature"],
};
