//! Mailchimp (audience webhooks): <https://mailchimp.com/developer/marketing/guides/sync-audience-data-webhooks/>
//!
//! Mailchimp signs nothing (only its transactional API does); the secret is part of the
//! callback URL, here its last path segment, as the `url-key` scheme reads it. Saving
//! the webhook makes Mailchimp `GET` the URL, which must answer `200`: answered here.

use super::prelude::*;

const DOCS: &str =
    "https://mailchimp.com/developer/marketing/guides/sync-audience-data-webhooks/";

pub static DESCRIPTOR: Descriptor = Descriptor {
    name: "mailchimp",
    provider: "Mailchimp (audience webhooks)",
    summary: "the key as the callback URL's last path segment; Mailchimp's GET of the URL answered 200",
    docs: DOCS,
    operator_fields: &[],
    check: Check::UrlKey,
    default_tolerance_s: None,
    key: KeyFormat::UrlSafeText,
    delivery_id: None,
    handshake: Some(Handshake::MailchimpUrlValidation),
    never_forward: &[],
};
