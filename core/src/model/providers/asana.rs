//! Asana: <https://developers.asana.com/docs/webhooks-guide>
//!
//! The recipe, from Asana's pages:
//! - the handshake (<https://developers.asana.com/reference/createwebhook>, and the
//!   guide's "The webhook handshake"): "When a webhook is created, we will send a test
//!   POST to the target with an `X-Hook-Secret` header. The target must respond with a
//!   `200 OK` or `204 No Content` and a matching `X-Hook-Secret` header"; Asana
//!   recommends storing the secret "to be used to verify future webhook event
//!   signatures". hookgate answers `204` with the header, and stores the value as the
//!   webhook's secret only while the webhook is armed for it, once (`model::arming`):
//!   the handshake itself carries no proof.
//! - events: `X-Hook-Signature`, the hex HMAC-SHA256 of the request body keyed with that
//!   secret's text, as Asana's own example server linked from the guide computes it
//!   (github.com/Asana/devrel-examples, `javascript/webhooks-nodejs/index.js`:
//!   `createHmac("SHA256", X_HOOK_SECRET)…digest("hex")`, compared in constant time). The
//!   example re-serializes the parsed JSON; the raw body is what is signed and what is
//!   used here.

use super::prelude::*;

const DOCS: &str = "https://developers.asana.com/docs/webhooks-guide";

pub static DESCRIPTOR: Descriptor = Descriptor {
    name: "asana",
    provider: "Asana",
    summary: "X-Hook-Signature: hex HMAC-SHA256 of the body, keyed with the X-Hook-Secret Asana sent in its handshake (answered with the same header, once, while the webhook is armed)",
    docs: DOCS,
    operator_fields: &[OperatorField {
        name: "secret",
        what: "only the X-Hook-Secret of an Asana webhook you already hold; leave it out and Asana sends it in its handshake, accepted while the webhook is armed (10 minutes after creation, or after POST …/arm-handshake)",
        required: false,
    }],
    check: hmac(Layout {
        algorithm: Sha256,
        signature: one_header(&["x-hook-signature"], Prefix::None, Hex, false),
        timestamp: None,
        content: Cow::Borrowed(&[Body]),
    }),
    default_tolerance_s: None,
    key: KeyFormat::Text,
    delivery_id: None,
    handshake: Some(Handshake::AsanaHookSecret),
    never_forward: &["x-hook-signature", "x-hook-secret"],
};
