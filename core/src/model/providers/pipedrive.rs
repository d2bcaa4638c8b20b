//! Pipedrive: <https://developers.pipedrive.com/docs/api/v1/Webhooks>
//!
//! Pipedrive signs nothing; a webhook created with `http_auth_user` and
//! `http_auth_password` is sent with them as HTTP Basic authentication. Its v2 body keeps
//! its ids inside `meta`: the body hash dedupes.

use super::prelude::*;

const DOCS: &str = "https://developers.pipedrive.com/docs/api/v1/Webhooks";

pub static DESCRIPTOR: Descriptor = Descriptor {
    name: "pipedrive",
    provider: "Pipedrive",
    summary: "Authorization: Basic with the webhook's http_auth_user and http_auth_password",
    docs: DOCS,
    operator_fields: &[OperatorField {
        name: "secret",
        what: "http_auth_user:http_auth_password, as given when creating the webhook (generated when absent)",
        required: false,
    }],
    check: Check::BasicAuth,
    default_tolerance_s: None,
    key: KeyFormat::BasicCredentials,
    delivery_id: None,
    handshake: None,
    never_forward: &["authorization"],
};
