//! Slack: <https://api.slack.com/authentication/verifying-requests-from-slack>

use super::prelude::*;

const DOCS: &str = "https://api.slack.com/authentication/verifying-requests-from-slack";

pub static DESCRIPTOR: Descriptor = Descriptor {
    name: "slack",
    provider: "Slack",
    summary: "X-Slack-Signature: v0=<hex> of v0:<ts>:<body>, X-Slack-Request-Timestamp",
    docs: DOCS,
    operator_fields: &[],
    check: hmac(Layout {
        algorithm: Sha256,
        signature: one_header(&["x-slack-signature"], Prefix::Required("v0="), Hex, false),
        timestamp: Some(TimestampSource::UnixSecondsHeader(
            "x-slack-request-timestamp",
        )),
        content: Cow::Borrowed(&[Literal("v0:"), Timestamp, Literal(":"), Body]),
    }),
    default_tolerance_s: Some(300),
    key: KeyFormat::Text,
    delivery_id: Some(DeliveryIdSource::BodyField("event_id")),
    handshake: Some(Handshake::SlackUrlVerification),
    never_forward: &["x-slack-signature"],
};
