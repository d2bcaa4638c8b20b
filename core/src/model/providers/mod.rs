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

use super::scheme::{
    Acknowledgement, Check, DeliveryIdSource, Descriptor, Handshake, KeyFormat, OperatorField,
    SignatureSource, GENERIC_CREDENTIAL_HEADERS,
};
use serde::{Deserialize, Serialize};

mod family;

/// What a descriptor file needs in scope.
mod prelude {
    pub(super) use super::super::scheme::{
        Acknowledgement, Check, DeliveryIdSource, Descriptor, Handshake, KeyFormat, Layout,
        OperatorField, Piece, Prefix, PublicKeyAlgorithm, PublicKeyLayout, SignatureSource,
        TimestampSource,
    };
    pub(super) use super::super::template::{Algorithm, SignatureEncoding};
    pub(super) use super::family::{
        github, hmac, one_header, standard_webhooks, webhook_headers, About,
    };
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
    Sentry => sentry,
    Vercel => vercel,
    Bitbucket => bitbucket,
    Intercom => intercom,
    Jira => jira,
    CoinbaseCommerce => coinbase_commerce,
    Woocommerce => woocommerce,
    Razorpay => razorpay,
    Lemonsqueezy => lemonsqueezy,
    Segment => segment,
    Heroku => heroku,
    Terraform => terraform,
    Launchdarkly => launchdarkly,
    ModernTreasury => modern_treasury,
    Pusher => pusher,
    MongodbAtlas => mongodb_atlas,
    Webex => webex,
    Gocardless => gocardless,
    Typeform => typeform,
    Airtable => airtable,
    Pagerduty => pagerduty,
    Circleci => circleci,
    Docusign => docusign,
    Xero => xero,
    Notion => notion,
    Asana => asana,
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
    AwsSns => aws_sns,
    Paypal => paypal,
    GooglePubsub => google_pubsub,
    Plaid => plaid,
    Openai => openai,
    Replicate => replicate,
    Clerk => clerk,
    Resend => resend,
    Brex => brex,
    Lithic => lithic,
    Polar => polar,
    Telegram => telegram,
    Postmark => postmark,
    Pipedrive => pipedrive,
    Chargebee => chargebee,
    Mailchimp => mailchimp,
    Gitlab => gitlab,
    Mailgun => mailgun,
    Contentful => contentful,
    Adyen => adyen,
}

// What the catalogue as a whole answers.

impl Scheme {
    pub fn name(self) -> &'static str {
        self.descriptor().name
    }

    /// The answer an accepted delivery needs when the provider requires its own; `None`:
    /// hookgate's `202` (or the style's answer).
    pub fn acknowledgement(self) -> Option<Acknowledgement> {
        match self {
            Scheme::Airtable => Some(airtable::ACKNOWLEDGEMENT),
            Scheme::Adyen => Some(adyen::ACKNOWLEDGEMENT),
            Scheme::Xero => Some(xero::ACKNOWLEDGEMENT),
            _ => None,
        }
    }

    pub fn parse(raw: &str) -> Option<Scheme> {
        Scheme::ALL.into_iter().find(|s| s.name() == raw)
    }

    /// What the operator pastes from the provider into `auth` (see
    /// [`Descriptor::operator_fields`]).
    pub fn operator_fields(self) -> &'static [OperatorField] {
        self.descriptor().operator_fields
    }

    /// Whether the scheme's secret is planted by the provider's handshake (Asana): a
    /// record may then hold no secret yet, and carries an arming (`model::arming`).
    pub fn plants_secret(self) -> bool {
        self.descriptor()
            .handshake
            .is_some_and(Handshake::plants_secret)
    }

    /// Whether the credential is the request path's last segment (`url-key`,
    /// `mailchimp`): such a webhook is matched one level above the path it is sent to.
    pub fn takes_url_key(self) -> bool {
        matches!(self.descriptor().check, Check::UrlKey)
    }

    /// Whether a stored secret of this scheme is a GitLab signing token (`whsec_` +
    /// base64) rather than a token compared as it is.
    pub fn is_signing_token(self, raw: &str) -> bool {
        self.descriptor().key == KeyFormat::TokenOrWhsec
            && raw
                .strip_prefix("whsec_")
                .is_some_and(|b64| crate::codec::base64(b64).is_some())
    }

    /// Whether `auth.header` may say where the credential is read.
    pub fn header_configurable(self) -> bool {
        match &self.descriptor().check {
            Check::SharedSecret { .. } => true,
            Check::Hmac(layout) => matches!(
                layout.signature,
                SignatureSource::Header {
                    configurable: true,
                    ..
                }
            ),
            Check::UrlKey
            | Check::Template
            | Check::PublicKey(_)
            | Check::ClientState
            | Check::BasicAuth
            | Check::TokenOrSigned { .. }
            | Check::AdyenNotificationItems
            | Check::FetchedKey(_) => false,
        }
    }

    /// Whether the scheme signs a time, so that `tolerance_s` means something. The
    /// generic template decides per record.
    pub fn signs_timestamp(self) -> bool {
        match &self.descriptor().check {
            Check::Hmac(layout) => layout.timestamp.is_some(),
            Check::Template | Check::PublicKey(_) => true,
            Check::TokenOrSigned { signed, .. } => signed.timestamp.is_some(),
            Check::SharedSecret { .. }
            | Check::UrlKey
            | Check::ClientState
            | Check::BasicAuth
            | Check::AdyenNotificationItems
            | Check::FetchedKey(_) => false,
        }
    }
}

/// Every header any scheme treats as a credential, plus the generic ones.
pub fn all_credential_headers() -> impl Iterator<Item = &'static str> {
    GENERIC_CREDENTIAL_HEADERS.iter().copied().chain(
        Scheme::ALL
            .iter()
            .flat_map(|s| s.descriptor().never_forward.iter().copied()),
    )
}

/// Whether `lowercase_name` is one of [`all_credential_headers`], from that list
/// collected once per process: every forwarded header of every request asks, and
/// walking the per-scheme lists each time cost 20 instructions an entry. (Sorted, the
/// lookup was no faster for 40 names, and the sort added 3 KB to the wasm.) A mask of
/// the names' lengths answers most headers (`content-type`, `host`, `x-request-id`)
/// before the walk.
pub fn is_credential_header(lowercase_name: &str) -> bool {
    struct Names {
        lengths: u64,
        all: Vec<&'static str>,
    }
    fn length_bit(name: &str) -> u64 {
        1 << name.len().min(63)
    }
    static NAMES: std::sync::OnceLock<Names> = std::sync::OnceLock::new();
    let names = NAMES.get_or_init(|| {
        let all: Vec<&'static str> = all_credential_headers().collect();
        Names {
            lengths: all.iter().fold(0, |mask, n| mask | length_bit(n)),
            all,
        }
    });
    let listed = |name: &str| names.lengths & length_bit(name) != 0 && names.all.contains(&name);
    // A numbered family's member (`x-docusign-signature-2`) by its listed stem; only
    // names that end in a digit pay for the second lookup.
    listed(lowercase_name) || {
        let stem = lowercase_name.trim_end_matches(|c: char| c.is_ascii_digit());
        stem.len() < lowercase_name.len() && stem.ends_with('-') && listed(stem)
    }
}

/// Known credential headers of any scheme, plus the names credentials usually have.
pub fn looks_like_credential(lowercase_name: &str) -> bool {
    // The cheap tests first: most headers are none of these, and the delivery-id
    // exemption (a walk over every scheme) only matters for a name that matched.
    let named_like_one = matches!(
        lowercase_name,
        "authorization" | "proxy-authorization" | "cookie"
    ) || lowercase_name.ends_with("api-key")
        || lowercase_name.ends_with("-signature")
        || lowercase_name.ends_with("-token")
        || lowercase_name.ends_with("-secret")
        || is_credential_header(lowercase_name);
    named_like_one && !is_delivery_id_header(lowercase_name)
}

/// Whether `lowercase_name` is some provider's delivery id: never a credential.
pub fn is_delivery_id_header(lowercase_name: &str) -> bool {
    Scheme::ALL
        .iter()
        .any(|s| match s.descriptor().delivery_id {
            Some(DeliveryIdSource::Header(names)) => names.contains(&lowercase_name),
            _ => false,
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::scheme::*;

    #[test]
    fn descriptors_are_in_variant_order_and_names_round_trip() {
        for (i, scheme) in Scheme::ALL.into_iter().enumerate() {
            assert_eq!(scheme as usize, i);
            let d = scheme.descriptor();
            assert_eq!(Scheme::parse(d.name), Some(scheme));
            let json = serde_json::to_string(&scheme).unwrap();
            assert_eq!(json, format!("\"{}\"", d.name));
        }
        assert_eq!(Scheme::parse("rot13"), None);
    }

    #[test]
    fn every_signature_header_is_never_forwarded() {
        for scheme in Scheme::ALL {
            let d = scheme.descriptor();
            let read: Vec<&str> = match &d.check {
                Check::Hmac(l) => l.signature.header_names(),
                Check::SharedSecret { headers } => headers.to_vec(),
                Check::PublicKey(l) => vec![l.signature_header],
                Check::FetchedKey(p) => p.signature_header().into_iter().collect(),
                Check::BasicAuth => vec!["authorization"],
                Check::TokenOrSigned { headers, signed } => headers
                    .iter()
                    .copied()
                    .chain(signed.signature.header_names())
                    .collect(),
                Check::UrlKey
                | Check::Template
                | Check::ClientState
                | Check::AdyenNotificationItems => vec![],
            };
            for h in read {
                assert!(d.never_forward.contains(&h), "{}: {h}", d.name);
                assert_eq!(h, h.to_ascii_lowercase());
            }
        }
    }

    #[test]
    fn the_collected_lookup_agrees_with_the_list() {
        for h in all_credential_headers() {
            assert!(is_credential_header(h), "{h}");
        }
        let long = "x-".repeat(40);
        for h in [
            "content-type",
            "user-agent",
            "x-github-delivery",
            "",
            "zzz",
            &long,
        ] {
            assert!(!is_credential_header(h), "{h}");
        }
        // A numbered family (DocuSign's one header per Connect key) by its stem.
        for h in [
            "x-docusign-signature-1",
            "x-docusign-signature-2",
            "x-docusign-signature-100",
        ] {
            assert!(is_credential_header(h), "{h}");
        }
        for h in [
            "x-docusign-signature-x",
            "x-request-id-1",
            "x-pagerduty-signature1",
            "1",
        ] {
            assert!(!is_credential_header(h), "{h}");
        }
    }

    #[test]
    fn delivery_ids_are_not_credentials() {
        for h in all_credential_headers() {
            assert!(!is_delivery_id_header(h), "{h}");
        }
        assert!(is_delivery_id_header("i-twilio-idempotency-token"));
        assert!(is_delivery_id_header("x-github-delivery"));
    }

    #[test]
    fn signed_ids_are_the_delivery_ids() {
        for scheme in Scheme::ALL {
            let d = scheme.descriptor();
            let Check::Hmac(l) = &d.check else { continue };
            for piece in l.content.iter() {
                if let Piece::Header(h) = piece {
                    let Some(DeliveryIdSource::Header(ids)) = d.delivery_id else {
                        panic!("{} signs {h} but has no delivery id header", d.name);
                    };
                    assert_eq!(ids, &[*h], "{}", d.name);
                }
            }
        }
    }

    #[test]
    fn a_time_read_from_the_signature_header_has_a_header_that_carries_one() {
        for scheme in Scheme::ALL {
            let d = scheme.descriptor();
            let Check::Hmac(l) = &d.check else { continue };
            let from_header = matches!(
                l.timestamp,
                Some(
                    TimestampSource::FromSignatureHeader
                        | TimestampSource::FromSignatureHeaderMillis
                )
            );
            let carries_one = matches!(
                l.signature,
                SignatureSource::KeyValues { .. }
                    | SignatureSource::KeyValueSets { .. }
                    | SignatureSource::TimeThenSignatures { .. }
            );
            assert_eq!(from_header, carries_one, "{}", d.name);
        }
    }

    #[test]
    fn only_url_signing_schemes_take_a_notification_url() {
        for scheme in Scheme::ALL {
            let d = scheme.descriptor();
            let signs_url = match &d.check {
                Check::Hmac(l) => l.content.contains(&Piece::NotificationUrl),
                _ => false,
            };
            let offered = d
                .operator_fields
                .iter()
                .any(|f| f.name == "notification_url");
            assert_eq!(signs_url, offered, "{}", d.name);
        }
    }

    #[test]
    fn timestamped_schemes_have_a_tolerance() {
        for scheme in Scheme::ALL {
            let d = scheme.descriptor();
            if let Check::Hmac(l) = &d.check {
                assert_eq!(
                    l.timestamp.is_some(),
                    d.default_tolerance_s.is_some(),
                    "{}",
                    d.name
                );
                // Contentful's canonical request signs its timestamp header itself.
                let signs_time = l.content.contains(&Piece::Timestamp)
                    || l.content.contains(&Piece::ContentfulCanonicalRequest);
                let body_time = matches!(l.timestamp, Some(TimestampSource::BodyUnixMillis(_)));
                assert_eq!(
                    signs_time,
                    l.timestamp.is_some() && !body_time,
                    "{}",
                    d.name
                );
            }
        }
    }
}
