//! Plaid webhooks: <https://plaid.com/docs/api/webhooks/webhook-verification/> (an ES256
//! JWT in `Plaid-Verification`, its key by `kid` from `/webhook_verification_key/get`,
//! `iat` at most 5 minutes old, `request_body_sha256` the body's SHA-256).

use super::prelude::*;
use crate::verify::fetched::Provider;

const DOCS: &str = "https://plaid.com/docs/api/webhooks/webhook-verification/";

pub static DESCRIPTOR: Descriptor = Descriptor {
    name: "plaid",
    provider: "Plaid",
    summary: "Plaid-Verification: an ES256 JWT (iat within 5 minutes, request_body_sha256 the body's SHA-256) under the JWK Plaid's /webhook_verification_key/get gives for its kid (asked with auth.client_id and auth.secret), or auth.jwk pinned",
    docs: DOCS,
    operator_fields: &[
        OperatorField {
            name: "client_id",
            what: "your Plaid client_id (Dashboard, Developers, Keys); not needed with jwk",
            required: false,
        },
        OperatorField {
            name: "secret",
            what: "your Plaid secret for that environment, which the key endpoint is asked with; not needed with jwk",
            required: false,
        },
        OperatorField {
            name: "environment",
            what: "production (default) or sandbox: which Plaid host holds the keys",
            required: false,
        },
        OperatorField {
            name: "jwk",
            what: "a webhook verification key (the JWK object) to pin instead of fetching Plaid's",
            required: false,
        },
    ],
    check: Check::FetchedKey(Provider::Plaid),
    // Plaid's 5-minute `iat` window (`fetched::PLAID_MAX_AGE_S`), shown as the scheme's
    // tolerance; fixed, as Plaid documents it (`auth.tolerance_s` is not taken).
    default_tolerance_s: Some(crate::verify::fetched::PLAID_MAX_AGE_S),
    key: KeyFormat::Text,
    delivery_id: None,
    handshake: None,
    never_forward: &["plaid-verification"],
};
