//! The verification schemes, one [`Descriptor`] each: the single place that says what a
//! provider sends and signs. Verification, the forwarded-header strip list, secret
//! generation and validation, the fuzz targets and the tests all read these tables.
//!
//! Adding a provider is one `Scheme` variant, one descriptor below, and its vectors.
//! (This file is long because it is the table: about 400 of its lines are descriptors.)

use super::template::{Algorithm, SignatureEncoding};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// How a sender proves who it is. The serialized names are the `auth.scheme` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scheme {
    HmacSha256Hex,
    SharedSecret,
    UrlKey,
    StandardWebhooks,
    Svix,
    Github,
    GithubSha1,
    Stripe,
    Slack,
    Shopify,
    Twilio,
    Paddle,
    Linear,
    Zoom,
    Twitch,
    Hmac,
}

/// Everything scheme-specific, as data.
#[derive(Debug)]
pub struct Descriptor {
    pub scheme: Scheme,
    /// The `auth.scheme` value.
    pub name: &'static str,
    /// What the sender sends, in one line (README, errors, the dashboard).
    pub summary: &'static str,
    pub check: Check,
    /// The provider's replay window, for schemes that sign a timestamp.
    pub default_tolerance_s: Option<u64>,
    pub key: KeyFormat,
    /// Where the provider puts its own id of a delivery (used for idempotency). Never a
    /// credential, so it is always forwarded.
    pub delivery_id: Option<DeliveryIdSource>,
    pub handshake: Option<Handshake>,
    /// Headers of this scheme that carry a credential or signature: never forwarded,
    /// whatever scheme the receiving webhook uses.
    pub never_forward: &'static [&'static str],
}

/// What verification does with the request.
#[derive(Debug)]
pub enum Check {
    /// The secret itself in a header (any of `headers`, or the record's `auth.header`).
    SharedSecret { headers: &'static [&'static str] },
    /// The secret is the last segment of the request path (Kestra).
    UrlKey,
    /// A MAC laid out by the provider.
    Hmac(Layout<'static>),
    /// A MAC laid out by the record's `auth.template`.
    Template,
}

/// How a MAC is presented and what it covers. Borrowed so that a template's layout can
/// point into its record without copying.
#[derive(Clone, Debug)]
pub struct Layout<'a> {
    pub algorithm: Algorithm,
    pub signature: SignatureSource<'a>,
    pub timestamp: Option<TimestampSource<'a>>,
    /// The signed content, in order.
    pub content: Cow<'a, [Piece<'a>]>,
}

#[derive(Clone, Debug)]
pub enum SignatureSource<'a> {
    /// One header (the first of `names` present): an optional or required prefix, then
    /// the MAC in `encoding`, exactly the algorithm's length.
    Header {
        names: Cow<'a, [&'a str]>,
        prefix: Prefix<'a>,
        encoding: SignatureEncoding,
        /// Whether `auth.header` may name another header.
        configurable: bool,
    },
    /// `k=v` items: one timestamp and one or more hex signatures (Stripe, Paddle).
    KeyValues {
        header: &'a str,
        separator: char,
        timestamp_key: &'a str,
        signature_key: &'a str,
    },
    /// Space-separated `v1,<base64>` entries (Standard Webhooks, Svix).
    VersionedList { header: &'a str },
}

impl SignatureSource<'_> {
    /// The header names this source reads by default.
    pub fn header_names(&self) -> Vec<&str> {
        match self {
            SignatureSource::Header { names, .. } => names.iter().copied().collect(),
            SignatureSource::KeyValues { header, .. }
            | SignatureSource::VersionedList { header } => vec![header],
        }
    }
}

#[derive(Clone, Copy, Debug)]
pub enum Prefix<'a> {
    None,
    /// Must be present (`sha256=`); a signature without it is malformed.
    Required(&'a str),
    /// Stripped when present (Kubiya tolerates `sha256=`).
    Optional(&'a str),
}

/// Where a timestamped scheme reads the signed time.
#[derive(Clone, Copy, Debug)]
pub enum TimestampSource<'a> {
    /// Unix seconds in a header.
    UnixSecondsHeader(&'a str),
    /// The timestamp item of a [`SignatureSource::KeyValues`] header.
    FromSignatureHeader,
    /// RFC 3339 in a header (Twitch).
    Rfc3339Header(&'a str),
    /// Unix milliseconds in a top-level field of the JSON body (Linear).
    BodyUnixMillis(&'a str),
}

/// One piece of signed content.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Piece<'a> {
    Literal(&'a str),
    /// The timestamp exactly as the sender wrote it.
    Timestamp,
    /// A header's value; its absence is `header_missing`.
    Header(&'a str),
    Body,
    /// Twilio: the public URL (in the forms its SDKs try) and the sorted form
    /// parameters, or the URL alone with `bodySHA256` for JSON bodies.
    TwilioUrlAndParams,
}

/// How a stored secret becomes key bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyFormat {
    /// The secret's text (`auth.secret_encoding` is not accepted).
    Text,
    /// The text, or with `"secret_encoding": "base64"` the decoded bytes.
    TextOrBase64,
    /// `whsec_` + base64 of at least 16 bytes (the prefix is optional on input).
    Whsec,
    /// Compared, not used as a MAC key; limited to URL-safe characters.
    UrlSafeText,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeliveryIdSource {
    /// The first of these headers present.
    Header(&'static [&'static str]),
    /// A top-level string field of the JSON body.
    BodyField(&'static str),
}

/// Requests a provider sends to prove the endpoint exists; answered at the edge.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Handshake {
    SlackUrlVerification,
    ZoomUrlValidation,
    TwitchCallbackVerification,
}

/// Headers that carry credentials for no particular scheme: never forwarded.
pub const GENERIC_CREDENTIAL_HEADERS: &[&str] = &[
    "authorization",
    "proxy-authorization",
    "cookie",
    "set-cookie",
    "x-api-key",
    "x-webhook-signature",
    "x-webhook-secret",
    "x-webhook-token",
    "x-gitlab-token",
];

const fn hmac(layout: Layout<'static>) -> Check {
    Check::Hmac(layout)
}

const fn one_header(
    names: &'static [&'static str],
    prefix: Prefix<'static>,
    encoding: SignatureEncoding,
    configurable: bool,
) -> SignatureSource<'static> {
    SignatureSource::Header {
        names: Cow::Borrowed(names),
        prefix,
        encoding,
        configurable,
    }
}

use Algorithm::{Sha1, Sha256};
use Piece::{Body, Literal, Timestamp};
use SignatureEncoding::{Base64, Hex};

/// Standard Webhooks and Svix differ only in their header names.
const fn standard_webhooks(
    scheme: Scheme,
    name: &'static str,
    summary: &'static str,
    [ts, sig]: [&'static str; 2],
    (id, signature): (&'static [&'static str], &'static [&'static str]),
    content: &'static [Piece<'static>],
) -> Descriptor {
    Descriptor {
        scheme,
        name,
        summary,
        check: hmac(Layout {
            algorithm: Sha256,
            signature: SignatureSource::VersionedList { header: sig },
            timestamp: Some(TimestampSource::UnixSecondsHeader(ts)),
            content: Cow::Borrowed(content),
        }),
        default_tolerance_s: Some(300),
        key: KeyFormat::Whsec,
        delivery_id: Some(DeliveryIdSource::Header(id)),
        handshake: None,
        never_forward: signature,
    }
}

/// GitHub's two signature headers differ in name, prefix and algorithm. It sends both
/// when a secret is set, so neither is ever forwarded.
const fn github(
    scheme: Scheme,
    name: &'static str,
    summary: &'static str,
    (header, prefix, algorithm): (&'static [&'static str], &'static str, Algorithm),
) -> Descriptor {
    Descriptor {
        scheme,
        name,
        summary,
        check: hmac(Layout {
            algorithm,
            signature: one_header(header, Prefix::Required(prefix), Hex, true),
            timestamp: None,
            content: Cow::Borrowed(&[Body]),
        }),
        default_tolerance_s: None,
        key: KeyFormat::TextOrBase64,
        delivery_id: Some(DeliveryIdSource::Header(&["x-github-delivery"])),
        handshake: None,
        never_forward: &["x-hub-signature-256", "x-hub-signature"],
    }
}

/// In the order of the `Scheme` variants (checked by a test).
static DESCRIPTORS: [Descriptor; 16] = [
    Descriptor {
        scheme: Scheme::HmacSha256Hex,
        name: "hmac-sha256-hex",
        summary: "X-Webhook-Signature: hex HMAC-SHA256 of the body (sha256= tolerated)",
        check: hmac(Layout {
            algorithm: Sha256,
            signature: one_header(
                &["x-webhook-signature"],
                Prefix::Optional("sha256="),
                Hex,
                true,
            ),
            timestamp: None,
            content: Cow::Borrowed(&[Body]),
        }),
        default_tolerance_s: None,
        key: KeyFormat::TextOrBase64,
        delivery_id: None,
        handshake: None,
        never_forward: &["x-webhook-signature"],
    },
    Descriptor {
        scheme: Scheme::SharedSecret,
        name: "shared-secret",
        summary: "the secret itself in X-Webhook-Secret or X-Webhook-Token",
        check: Check::SharedSecret {
            headers: &["x-webhook-secret", "x-webhook-token"],
        },
        default_tolerance_s: None,
        key: KeyFormat::Text,
        delivery_id: None,
        handshake: None,
        never_forward: &["x-webhook-secret", "x-webhook-token"],
    },
    Descriptor {
        scheme: Scheme::UrlKey,
        name: "url-key",
        summary: "the key as the last path segment (at most 256 characters)",
        check: Check::UrlKey,
        default_tolerance_s: None,
        key: KeyFormat::UrlSafeText,
        delivery_id: None,
        handshake: None,
        never_forward: &[],
    },
    standard_webhooks(
        Scheme::StandardWebhooks,
        "standard-webhooks",
        "webhook-id, webhook-timestamp, webhook-signature: v1,<base64>",
        ["webhook-timestamp", "webhook-signature"],
        (&["webhook-id"], &["webhook-signature"]),
        &[
            Piece::Header("webhook-id"),
            Literal("."),
            Timestamp,
            Literal("."),
            Body,
        ],
    ),
    standard_webhooks(
        Scheme::Svix,
        "svix",
        "svix-id, svix-timestamp, svix-signature: v1,<base64>",
        ["svix-timestamp", "svix-signature"],
        (&["svix-id"], &["svix-signature"]),
        &[
            Piece::Header("svix-id"),
            Literal("."),
            Timestamp,
            Literal("."),
            Body,
        ],
    ),
    github(
        Scheme::Github,
        "github",
        "X-Hub-Signature-256: sha256=<hex>",
        (&["x-hub-signature-256"], "sha256=", Sha256),
    ),
    github(
        Scheme::GithubSha1,
        "github-sha1",
        "X-Hub-Signature: sha1=<hex>",
        (&["x-hub-signature"], "sha1=", Sha1),
    ),
    Descriptor {
        scheme: Scheme::Stripe,
        name: "stripe",
        summary: "Stripe-Signature: t=<unix>,v1=<hex> (the whole whsec_ string is the key)",
        check: hmac(Layout {
            algorithm: Sha256,
            signature: SignatureSource::KeyValues {
                header: "stripe-signature",
                separator: ',',
                timestamp_key: "t",
                signature_key: "v1",
            },
            timestamp: Some(TimestampSource::FromSignatureHeader),
            content: Cow::Borrowed(&[Timestamp, Literal("."), Body]),
        }),
        default_tolerance_s: Some(300),
        key: KeyFormat::Text,
        delivery_id: Some(DeliveryIdSource::BodyField("id")),
        handshake: None,
        never_forward: &["stripe-signature"],
    },
    Descriptor {
        scheme: Scheme::Slack,
        name: "slack",
        summary: "X-Slack-Signature: v0=<hex> of v0:<ts>:<body>, X-Slack-Request-Timestamp",
        check: hmac(Layout {
            algorithm: Sha256,
            signature: one_header(&["x-slack-signature"], Prefix::Required("v0="), Hex, false),
            timestamp: Some(TimestampSource::UnixSecondsHeader(
                "x-slack-request-timestamp",
            )),
            content: Cow::Borrowed(&[Literal("v0:"), Timestamp, Literal(":"), Body]),
        }),
        default_tolerance_s: Some(300),
        key: KeyFormat::Text,
        delivery_id: Some(DeliveryIdSource::BodyField("event_id")),
        handshake: Some(Handshake::SlackUrlVerification),
        never_forward: &["x-slack-signature"],
    },
    Descriptor {
        scheme: Scheme::Shopify,
        name: "shopify",
        summary: "X-Shopify-Hmac-Sha256 (or shopify-hmac-sha256): base64 HMAC of the body",
        check: hmac(Layout {
            algorithm: Sha256,
            signature: one_header(
                &["x-shopify-hmac-sha256", "shopify-hmac-sha256"],
                Prefix::None,
                Base64,
                true,
            ),
            timestamp: None,
            content: Cow::Borrowed(&[Body]),
        }),
        default_tolerance_s: None,
        key: KeyFormat::TextOrBase64,
        delivery_id: Some(DeliveryIdSource::Header(&[
            "x-shopify-webhook-id",
            "shopify-webhook-id",
        ])),
        handshake: None,
        never_forward: &["x-shopify-hmac-sha256", "shopify-hmac-sha256"],
    },
    Descriptor {
        scheme: Scheme::Twilio,
        name: "twilio",
        summary: "X-Twilio-Signature: base64 HMAC-SHA1 of the URL and sorted form params",
        check: hmac(Layout {
            algorithm: Sha1,
            signature: one_header(&["x-twilio-signature"], Prefix::None, Base64, false),
            timestamp: None,
            content: Cow::Borrowed(&[Piece::TwilioUrlAndParams]),
        }),
        default_tolerance_s: None,
        key: KeyFormat::Text,
        delivery_id: Some(DeliveryIdSource::Header(&["i-twilio-idempotency-token"])),
        handshake: None,
        never_forward: &["x-twilio-signature"],
    },
    Descriptor {
        scheme: Scheme::Paddle,
        name: "paddle",
        summary: "Paddle-Signature: ts=<unix>;h1=<hex> over <ts>:<body>",
        check: hmac(Layout {
            algorithm: Sha256,
            signature: SignatureSource::KeyValues {
                header: "paddle-signature",
                separator: ';',
                timestamp_key: "ts",
                signature_key: "h1",
            },
            timestamp: Some(TimestampSource::FromSignatureHeader),
            content: Cow::Borrowed(&[Timestamp, Literal(":"), Body]),
        }),
        default_tolerance_s: Some(5),
        key: KeyFormat::Text,
        delivery_id: Some(DeliveryIdSource::BodyField("event_id")),
        handshake: None,
        never_forward: &["paddle-signature"],
    },
    Descriptor {
        scheme: Scheme::Linear,
        name: "linear",
        summary: "Linear-Signature: <hex>; the body's webhookTimestamp within 60 s",
        check: hmac(Layout {
            algorithm: Sha256,
            signature: one_header(&["linear-signature"], Prefix::None, Hex, false),
            timestamp: Some(TimestampSource::BodyUnixMillis("webhookTimestamp")),
            content: Cow::Borrowed(&[Body]),
        }),
        default_tolerance_s: Some(60),
        key: KeyFormat::Text,
        delivery_id: Some(DeliveryIdSource::Header(&["linear-delivery"])),
        handshake: None,
        never_forward: &["linear-signature"],
    },
    Descriptor {
        scheme: Scheme::Zoom,
        name: "zoom",
        summary: "x-zm-signature: v0=<hex> of v0:<ts>:<body>, x-zm-request-timestamp",
        check: hmac(Layout {
            algorithm: Sha256,
            signature: one_header(&["x-zm-signature"], Prefix::Required("v0="), Hex, false),
            timestamp: Some(TimestampSource::UnixSecondsHeader("x-zm-request-timestamp")),
            content: Cow::Borrowed(&[Literal("v0:"), Timestamp, Literal(":"), Body]),
        }),
        default_tolerance_s: Some(300),
        key: KeyFormat::Text,
        delivery_id: None,
        handshake: Some(Handshake::ZoomUrlValidation),
        never_forward: &["x-zm-signature"],
    },
    Descriptor {
        scheme: Scheme::Twitch,
        name: "twitch",
        summary: "Twitch-Eventsub-Message-Signature: sha256=<hex> of id + timestamp + body",
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
    },
    Descriptor {
        scheme: Scheme::Hmac,
        name: "hmac",
        summary: "your own: auth.template says the algorithm, encoding, header and content",
        check: Check::Template,
        // A template that signs a timestamp gets 300 s (`AuthConfig::tolerance_s`).
        default_tolerance_s: None,
        key: KeyFormat::TextOrBase64,
        delivery_id: None,
        handshake: None,
        never_forward: &[],
    },
];

impl Scheme {
    pub const ALL: [Scheme; 16] = [
        Scheme::HmacSha256Hex,
        Scheme::SharedSecret,
        Scheme::UrlKey,
        Scheme::StandardWebhooks,
        Scheme::Svix,
        Scheme::Github,
        Scheme::GithubSha1,
        Scheme::Stripe,
        Scheme::Slack,
        Scheme::Shopify,
        Scheme::Twilio,
        Scheme::Paddle,
        Scheme::Linear,
        Scheme::Zoom,
        Scheme::Twitch,
        Scheme::Hmac,
    ];

    pub fn descriptor(self) -> &'static Descriptor {
        &DESCRIPTORS[self as usize]
    }

    pub fn name(self) -> &'static str {
        self.descriptor().name
    }

    pub fn parse(raw: &str) -> Option<Scheme> {
        Scheme::ALL.into_iter().find(|s| s.name() == raw)
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
            Check::UrlKey | Check::Template => false,
        }
    }

    /// Whether the scheme signs a time, so that `tolerance_s` means something. The
    /// generic template decides per record.
    pub fn signs_timestamp(self) -> bool {
        match &self.descriptor().check {
            Check::Hmac(layout) => layout.timestamp.is_some(),
            Check::Template => true,
            Check::SharedSecret { .. } | Check::UrlKey => false,
        }
    }
}

/// Every header any scheme treats as a credential, plus the generic ones.
pub fn all_credential_headers() -> impl Iterator<Item = &'static str> {
    GENERIC_CREDENTIAL_HEADERS.iter().copied().chain(
        DESCRIPTORS
            .iter()
            .flat_map(|d| d.never_forward.iter().copied()),
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
    names.lengths & length_bit(lowercase_name) != 0 && names.all.contains(&lowercase_name)
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
    DESCRIPTORS.iter().any(|d| match d.delivery_id {
        Some(DeliveryIdSource::Header(names)) => names.contains(&lowercase_name),
        _ => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descriptors_are_in_variant_order_and_names_round_trip() {
        for (i, scheme) in Scheme::ALL.into_iter().enumerate() {
            assert_eq!(scheme as usize, i);
            let d = scheme.descriptor();
            assert_eq!(d.scheme, scheme);
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
                Check::UrlKey | Check::Template => vec![],
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
                let signs_time = l.content.contains(&Piece::Timestamp);
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
