//! The provider catalogue: one file per `auth.scheme`, each holding that provider's
//! [`Descriptor`] (`pub static DESCRIPTOR`) with the page its recipe was taken from. The
//! folder listing is the list of senders hookgate verifies.
//!
//! Adding a provider:
//! 1. `<scheme_name_with_underscores>.rs` here, with its `DESCRIPTOR` (`docs` is the
//!    provider's own page; `summary` what the sender sends; `operator_fields` what the
//!    operator pastes; `delivery_id` the provider's own id, so dedupe uses it);
//! 2. one line in the `catalogue!` list below (the variant's kebab-case name is the
//!    `auth.scheme` value: `HubspotV3` is `hubspot-v3`);
//! 3. its vectors, `core/tests/data/providers/<scheme>.json`, written by
//!    `core/tests/data/providers/derive/<scheme>.py`;
//! 4. its sender in `harness/src/senders/` (the end-to-end test signs a request for every
//!    scheme, independently of this crate);
//! 5. `docs/providers.md`, regenerated from the descriptors with
//!    `HOOKGATE_WRITE_CATALOGUE=1 cargo test -p hookgate-core --test catalogue`
//!    (the test command fails while the committed file is not current).
//!
//! The language the descriptors are written in is `super::scheme`; builders shared by a
//! family of providers are in `family.rs`.

use super::scheme::Descriptor;
use serde::{Deserialize, Serialize};

mod family;

/// What a descriptor file needs in scope.
mod prelude {
    pub(super) use super::super::scheme::{
        Check, DeliveryIdSource, Descriptor, Handshake, KeyFormat, Layout, OperatorField, Piece,
        Prefix, PublicKeyAlgorithm, PublicKeyLayout, Scheme, SignatureSource, TimestampSource,
    };
    pub(super) use super::super::template::{Algorithm, SignatureEncoding};
    pub(super) use super::family::{github, hmac, one_header, standard_webhooks, About};
    pub(super) use std::borrow::Cow;
    pub(super) use Algorithm::{Sha1, Sha256};
    pub(super) use Piece::{Body, Literal, Timestamp};
    pub(super) use SignatureEncoding::{Base64, Hex};
}

/// Declares each provider's module and makes the `Scheme` enum, `Scheme::ALL` (in this
/// order: the order of listings and of `GET /admin/v1/schemes`) and
/// `Scheme::descriptor`.
macro_rules! catalogue {
    ($($variant:ident => $module:ident,)*) => {
        $(mod $module;)*

        /// How a sender proves who it is. The serialized names are the `auth.scheme`
        /// values.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "kebab-case")]
        pub enum Scheme {
            $($variant,)*
        }

        const COUNT: usize = [$(stringify!($variant),)*].len();

        impl Scheme {
            pub const ALL: [Scheme; COUNT] = [$(Scheme::$variant,)*];

            pub fn descriptor(self) -> &'static Descriptor {
                match self {
                    $(Scheme::$variant => &$module::DESCRIPTOR,)*
                }
            }
        }
    };
}

catalogue! {
    HmacSha256Hex => hmac_sha256_hex,
    SharedSecret => shared_secret,
    UrlKey => url_key,
    StandardWebhooks => standard_webhooks,
    Svix => svix,
    Github => github,
    GithubSha1 => github_sha1,
    Stripe => stripe,
    Slack => slack,
    Shopify => shopify,
    Twilio => twilio,
    Paddle => paddle,
    Linear => linear,
    Zoom => zoom,
    Twitch => twitch,
    Hmac => hmac,
    Discord => discord,
    Sendgrid => sendgrid,
    Meta => meta,
    Twitter => twitter,
    Dropbox => dropbox,
    MicrosoftGraph => microsoft_graph,
    Okta => okta,
    Zendesk => zendesk,
    Calendly => calendly,
    Mux => mux,
    Workos => workos,
    Orb => orb,
    Frameio => frameio,
    Buildkite => buildkite,
    Recurly => recurly,
    Tiktok => tiktok,
    Persona => persona,
    Box => r#box,
    HubspotV3 => hubspot_v3,
    Square => square,
    Trello => trello,
}
