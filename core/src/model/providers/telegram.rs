//! Telegram Bot API: <https://core.telegram.org/bots/api#setwebhook>
//!
//! Telegram signs nothing: `setWebhook`'s `secret_token` (1-256 characters of `A-Z`,
//! `a-z`, `0-9`, `_`, `-`; a generated hookgate secret is of that alphabet) comes back
//! in `X-Telegram-Bot-Api-Secret-Token` on every update. The update's `update_id` (an
//! integer) is the delivery id.

use super::prelude::*;

const DOCS: &str = "https://core.telegram.org/bots/api#setwebhook";

pub static DESCRIPTOR: Descriptor = Descriptor {
    name: "telegram",
    provider: "Telegram Bot API",
    summary: "X-Telegram-Bot-Api-Secret-Token: the secret_token given to setWebhook, compared in constant time",
    docs: DOCS,
    operator_fields: &[OperatorField {
        name: "secret",
        what: "the secret_token passed to setWebhook (1-256 of A-Z a-z 0-9 _ -); generated when absent, then pass it to setWebhook",
        required: false,
    }],
    check: Check::SharedSecret {
        headers: &["x-telegram-bot-api-secret-token"],
    },
    default_tolerance_s: None,
    key: KeyFormat::Text,
    delivery_id: Some(DeliveryIdSource::BodyField("update_id")),
    handshake: None,
    never_forward: &["x-telegram-bot-api-secret-token"],
};
