//! Postmark: <https://postmarkapp.com/developer/webhooks/webhooks-overview>
//!
//! Postmark signs nothing; the webhook URL carries Basic authentication
//! (`https://<username>:<password>@host/path`), which arrives as `Authorization: Basic`.
//! A `MessageID` is shared by a message's delivery, open and click events, so no body
//! field names one delivery: the body hash dedupes.

use super::prelude::*;

const DOCS: &str = "https://postmarkapp.com/developer/webhooks/webhooks-overview";

pub static DESCRIPTOR: Descriptor = Descriptor {
    name: "postmark",
    provider: "Postmark",
    summary: "Authorization: Basic with the username:password put in the webhook URL (https://user:password@host/path)",
    docs: DOCS,
    operator_fields: &[OperatorField {
        name: "secret",
        what: "username:password, the credentials you put in the webhook URL (generated when absent)",
        required: false,
    }],
    check: Check::BasicAuth,
    default_tolerance_s: None,
    key: KeyFormat::BasicCredentials,
    delivery_id: None,
    handshake: None,
    never_forward: &["authorization"],
};
