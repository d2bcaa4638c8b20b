//! Google Cloud Pub/Sub authenticated push: <https://cloud.google.com/pubsub/docs/authenticate-push-subscriptions>
//! (an OIDC token, RS256, in `Authorization: Bearer`; its `aud` and service-account
//! `email` checked, under Google's certificates at
//! <https://www.googleapis.com/oauth2/v1/certs>, which google-auth's
//! `verify_oauth2_token` reads).

use super::prelude::*;
use crate::verify::fetched::Provider;

const DOCS: &str = "https://cloud.google.com/pubsub/docs/authenticate-push-subscriptions";

pub static DESCRIPTOR: Descriptor = Descriptor {
    name: "google-pubsub",
    provider: "Google Cloud Pub/Sub (push)",
    summary: "Authorization: Bearer <OIDC token>, RS256 under Google's published certificates; iss Google, aud auth.audience, email auth.service_account (verified), unexpired. The token signs no part of the body",
    docs: DOCS,
    operator_fields: &[
        OperatorField {
            name: "audience",
            what: "the audience set on the push subscription's authentication (by default the push endpoint's URL)",
            required: true,
        },
        OperatorField {
            name: "service_account",
            what: "the email of the service account the push subscription authenticates as",
            required: true,
        },
    ],
    check: Check::FetchedKey(Provider::GooglePubsub),
    default_tolerance_s: None,
    key: KeyFormat::Text,
    // Pub/Sub's messageId is inside `message`, not a top-level member.
    delivery_id: None,
    handshake: None,
    never_forward: &["authorization"],
};
