//! Twitch EventSub: <https://dev.twitch.tv/docs/eventsub/handling-webhook-events/>

use super::prelude::*;

const DOCS: &str = "https://dev.twitch.tv/docs/eventsub/handling-webhook-events/";

pub static DESCRIPTOR: Descriptor = Descriptor {
    name: "twitch",
    provider: "Twitch EventSub",
    summary: "Twitch-Eventsub-Message-Signature: sha256=<hex> of id + timestamp + body",
    docs: DOCS,
    operator_fields: &[],
    check: hmac(Layout {
        algorithm: Sha256,
        signature: one_header(
            &["twitch-eventsub-message-signature"],
            Prefix::Required("sha256="),
            Hex,
            false,
        ),
        timestamp: Some(TimestampSource::Rfc3339Header(
            "twitch-eventsub-message-timestamp",
        )),
        content: Cow::Borrowed(&[Piece::Header("twitch-eventsub-message-id"), Timestamp, Body]),
    }),
    default_tolerance_s: Some(600),
    key: KeyFormat::Text,
    delivery_id: Some(DeliveryIdSource::Header(&["twitch-eventsub-message-id"])),
    handshake: Some(Handshake::TwitchCallbackVerification),
    never_forward: &["twitch-eventsub-message-signature"],
};
