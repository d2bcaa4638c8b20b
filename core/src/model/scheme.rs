//! The language the provider catalogue is written in: a [`Descriptor`] says, as data, what
//! a provider sends and signs. Verification, the forwarded-header strip list, secret
//! generation and validation, signing like a sender, the fuzz targets, the docs and the
//! tests all read descriptors; the descriptors themselves live one per provider in
//! `super::providers`, whose folder listing is the catalogue.

use super::template::{Algorithm, SignatureEncoding};
use std::borrow::Cow;

/// Everything scheme-specific, as data.
#[derive(Debug)]
pub struct Descriptor {
    /// The `auth.scheme` value.
    pub name: &'static str,
    /// Who sends it, as a person would name them (the catalogue's first column).
    pub provider: &'static str,
    /// What the sender sends, in one line (README, errors, the dashboard).
    pub summary: &'static str,
    /// The provider's page the recipe was taken from (hookgate's README for its own
    /// generic schemes).
    pub docs: &'static str,
    /// What the operator pastes from the provider into `auth` when creating the
    /// webhook. Empty: an optional `secret`, generated when absent.
    pub operator_fields: &'static [OperatorField],
    pub check: Check,
    /// The provider's replay window, for schemes that sign a timestamp.
    pub default_tolerance_s: Option<u64>,
    pub key: KeyFormat,
    /// Where the provider puts its own id of a delivery (used for idempotency). Never a
    /// credential, so it is always forwarded.
    pub delivery_id: Option<DeliveryIdSource>,
    pub handshake: Option<Handshake>,
    /// Headers of this scheme that carry a credential or signature: never forwarded,
    /// whatever scheme the receiving webhook uses. A name ending in `-` stands for a
    /// numbered family (`x-docusign-signature-` covers `x-docusign-signature-1`, `-2`, …).
    pub never_forward: &'static [&'static str],
}

/// One field of `auth` the operator fills from the provider's console.
#[derive(Debug)]
pub struct OperatorField {
    pub name: &'static str,
    /// What it is and where the provider shows it.
    pub what: &'static str,
    pub required: bool,
}

impl OperatorField {
    /// The JSON shape the field takes, for forms: `list` (of strings), `boolean`, or
    /// `text`. Only aws-sns's settings are not text.
    pub fn value_type(&self) -> &'static str {
        match self.name {
            "topic_arns" => "list",
            "auto_confirm" => "boolean",
            _ => "text",
        }
    }
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
    /// A public-key signature laid out by the provider; the stored "secrets" are the
    /// provider's public keys (several during a rotation).
    PublicKey(PublicKeyLayout),
    /// Microsoft Graph: every notification of the body's `value[]` carries the secret
    /// as `clientState`.
    ClientState,
    /// A signature under a key fetched from the provider (`verify::fetched`).
    FetchedKey(crate::verify::fetched::Provider),
    /// `Authorization: Basic base64(username:password)` with the credentials the
    /// operator set at the provider (Postmark, Pipedrive, Chargebee); the stored secret
    /// is `username:password`, compared whole in constant time.
    BasicAuth,
    /// GitLab: a stored `whsec_` secret is a signing token, checked as `signed` lays out
    /// (the signature is then required); any other stored secret is a secret token,
    /// compared with the first of `headers` present. Each secret is checked the way its
    /// form says, so a token never stands in for a signature.
    TokenOrSigned {
        headers: &'static [&'static str],
        signed: Layout<'static>,
    },
    /// Adyen: every item of the body's `notificationItems` carries its own base64
    /// HMAC-SHA256 of eight of its fields in `additionalData.hmacSignature`
    /// (`verify::adyen`); all must verify.
    AdyenNotificationItems,
}

/// How a public-key signature is presented and what it covers.
#[derive(Debug)]
pub struct PublicKeyLayout {
    pub algorithm: PublicKeyAlgorithm,
    pub signature_header: &'static str,
    pub encoding: SignatureEncoding,
    /// Unix seconds, signed (its freshness is checked when a tolerance is in force).
    pub timestamp_header: &'static str,
    /// The signed content, in order.
    pub content: &'static [Piece<'static>],
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PublicKeyAlgorithm {
    /// RFC 8032 Ed25519: a 64-byte signature.
    Ed25519,
    /// ECDSA over P-256 with SHA-256: an ASN.1 DER signature.
    EcdsaP256Sha256,
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
    /// Items separated by `separator`, each a version `prefix` and a signature: every
    /// item with the prefix is a candidate and any may match; items of other versions
    /// are ignored (PagerDuty's `v1=…,v1=…` during a rotation, CircleCI's `v1=…,v2=…`).
    PrefixedList {
        header: &'a str,
        separator: char,
        prefix: &'a str,
        encoding: SignatureEncoding,
    },
    /// A family of numbered headers, `<prefix>1` to `<prefix><max>`, one signature each,
    /// any of which may match (DocuSign sends `X-DocuSign-Signature-<n>`, one per Connect
    /// key). Its `never_forward` entry is the prefix, which covers every number.
    NumberedHeaders {
        prefix: &'a str,
        max: u8,
        encoding: SignatureEncoding,
    },
    /// The time first, then one or more hex signatures, all `separator`-separated
    /// (Recurly: `<unix ms>,<hex>,<hex>`).
    TimeThenSignatures { header: &'a str, separator: char },
    /// Several [`SignatureSource::KeyValues`] sets separated by `set_separator`, each with
    /// its own time (Persona while a secret rotates: `t=…,v1=… t=…,v1=…`).
    KeyValueSets {
        header: &'a str,
        set_separator: char,
        separator: char,
        timestamp_key: &'a str,
        signature_key: &'a str,
    },
    /// Each of these headers present carries one signature in `encoding`, made with one
    /// of the provider's keys (Box's primary and secondary); any may match any stored
    /// secret.
    EachHeader {
        names: &'a [&'a str],
        encoding: SignatureEncoding,
    },
    /// Inside the JSON body: the top-level object `member` (at most
    /// [`BODY_MEMBER_MAX_LEN`] bytes, so reading it is a bounded parse) holds the MAC in
    /// the first of `fields` present, and any others in the rest (Mailgun's `signature`
    /// object: `signature`, and `parent-signature` on a subaccount's event).
    JsonBodyMember {
        member: &'a str,
        fields: &'a [&'a str],
        encoding: SignatureEncoding,
    },
}

/// The longest [`SignatureSource::JsonBodyMember`] object read (Mailgun's is about 200
/// bytes).
pub const BODY_MEMBER_MAX_LEN: usize = 1024;

impl SignatureSource<'_> {
    /// The header names this source reads by default.
    pub fn header_names(&self) -> Vec<&str> {
        match self {
            SignatureSource::Header { names, .. } => names.iter().copied().collect(),
            SignatureSource::KeyValues { header, .. }
            | SignatureSource::VersionedList { header }
            | SignatureSource::PrefixedList { header, .. }
            | SignatureSource::TimeThenSignatures { header, .. }
            | SignatureSource::KeyValueSets { header, .. } => vec![header],
            SignatureSource::NumberedHeaders { prefix, .. } => vec![prefix],
            SignatureSource::JsonBodyMember { .. } => vec![],
            SignatureSource::EachHeader { names, .. } => names.to_vec(),
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
    /// Unix milliseconds in a header (HubSpot, Contentful).
    UnixMillisHeader(&'a str),
    /// The time item of the signature header, in Unix milliseconds (WorkOS, Recurly).
    FromSignatureHeaderMillis,
    /// ISO 8601 in a header, UTC when it names no offset (Orb's `2024-03-27T15:42:29.551`).
    UtcIso8601Header(&'a str),
    /// Unix seconds (a string or a number) in a field of the
    /// [`SignatureSource::JsonBodyMember`] object (Mailgun's `timestamp`), read with it.
    JsonBodyMember(&'a str),
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
    /// A field of the [`SignatureSource::JsonBodyMember`] object (Mailgun's `token`);
    /// its absence is `signature_malformed`.
    JsonBodyMember(&'a str),
    /// Contentful's canonical request: method, path, the headers its
    /// `x-contentful-signed-headers` lists (sorted `name:value` joined by `;`), body, on
    /// four lines (`verify::contentful`).
    ContentfulCanonicalRequest,
    /// The request's method as sent (HubSpot).
    Method,
    /// The public URL the request arrived at, in the forms Twilio's SDKs try (HubSpot's
    /// URI "as the sender called it").
    RequestUrl,
    /// The URL the provider was told to call: `auth.notification_url` when the record
    /// sets one (a proxy in front, another public host), else as [`Piece::RequestUrl`]
    /// (Square's notification URL, Trello's callback URL).
    NotificationUrl,
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
    /// A public key: 32 bytes in hex (Discord's application public key).
    Ed25519Hex,
    /// A public key: base64 of its DER SubjectPublicKeyInfo (SendGrid's verification key).
    P256SpkiBase64,
    /// Polar's endpoint secret: its text keys the MAC (`polar_whs_…`, and the `whsec_`
    /// secrets Polar made before Standard Webhooks), or, for a newer `whsec_` secret,
    /// the decoded base64. Nothing tells them apart, so a `whsec_` secret that decodes
    /// stands for both keys.
    PolarSecret,
    /// `username:password` (Basic authentication), compared, never a MAC key.
    BasicCredentials,
    /// GitLab's two credentials: `whsec_` + base64 (a signing token, decoded) or any
    /// other text (a secret token, compared).
    TokenOrWhsec,
    /// Hex of at least 16 bytes, always decoded (Adyen's HMAC key); generated as hex.
    Hex,
    /// Base64 of at least 16 key bytes, always decoded (Airtable's `macSecretBase64`):
    /// the operator pastes the provider's text as it is; generated as base64 too.
    Base64,
}

impl KeyFormat {
    /// Whether the stored value is a public key the operator pastes (never generated).
    pub fn is_public_key(self) -> bool {
        matches!(self, KeyFormat::Ed25519Hex | KeyFormat::P256SpkiBase64)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeliveryIdSource {
    /// The first of these headers present.
    Header(&'static [&'static str]),
    /// A top-level field of the JSON body: a string, or an integer (Telegram's
    /// `update_id`) taken as its decimal digits.
    BodyField(&'static str),
    /// A field of a top-level object of the JSON body (Mailgun's `signature.token`).
    JsonBodyMember {
        member: &'static str,
        field: &'static str,
    },
}

/// How an accepted delivery is answered when its provider needs something other than
/// hookgate's `202` with a JSON body (`Scheme::acknowledgement`, from the provider's
/// file). Duplicates replay the same answer; a sync origin's answer still passes through.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Acknowledgement {
    /// This status with an empty body (Xero: `200`, "no body in the response"; Airtable:
    /// `200` or `204` "and an empty response body", else it retries and disables).
    Empty(u16),
    /// This status with a `text/plain` body (Adyen: `200` and `[accepted]`).
    Text { status: u16, body: &'static str },
}

/// Requests a provider sends to prove the endpoint exists; answered at the edge.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Handshake {
    SlackUrlVerification,
    ZoomUrlValidation,
    TwitchCallbackVerification,
    /// Discord: a signed PING (`{"type":1}`) answered `{"type":1}`; the Events URL's
    /// signed PING (`"type":0`) answered `204`.
    DiscordPing,
    /// Meta: `GET ?hub.mode=subscribe&hub.verify_token=…&hub.challenge=…`, proved by the
    /// verify token, answered with the challenge.
    MetaSubscription,
    /// Twitter/X: `GET ?crc_token=…`, answered with an HMAC of the token (only the
    /// secret's holder can answer; the request itself needs no proof).
    TwitterCrc,
    /// Dropbox: `GET ?challenge=…` echoed as `text/plain` with `nosniff`.
    DropboxChallenge,
    /// Microsoft Graph: `POST ?validationToken=…` answered with the decoded token.
    GraphValidation,
    /// Okta: the one-time `GET` with `X-Okta-Verification-Challenge`.
    OktaVerification,
    /// Mailchimp: a `GET` to the callback URL (its key proves it) when the webhook is
    /// saved, answered `200`.
    MailchimpUrlValidation,
    /// Trello: the `HEAD` it sends to the callback URL when the webhook is created,
    /// answered `200` with no body (it proves nothing and reveals only that the webhook
    /// stands, which the webhook's object confirms first).
    TrelloHead,
    /// Intercom: a `HEAD` to the endpoint URL when it is saved, answered `200`.
    IntercomHead,
    /// WooCommerce: the unsigned ping on creation (form body `webhook_id=<id>`, no
    /// signature header), which must be answered exactly `200`.
    WoocommercePing,
    /// Notion: the one-time `POST {"verification_token": "secret_…"}`, unsigned (the token
    /// it carries is the key later events are signed with). Accepted in exactly that
    /// shape, without `X-Notion-Signature`, only while every active secret of the webhook
    /// is still the placeholder hookgate generated; forwarded with the token redacted, the
    /// token itself shown in the delivery log (`verify::handshake::notion_verification`).
    NotionVerification,
    /// Asana: the first request carries `X-Hook-Secret`, answered with the same header;
    /// the value becomes the webhook's secret. Proved by nothing but the webhook being
    /// armed for it (`model::arming`), so accepted once per arming.
    AsanaHookSecret,
}

impl Handshake {
    /// Whether the handshake comes before (and without) a signature: proved by its own
    /// shape (`verify::handshake::challenge`), never forwarded.
    pub fn before_signature(self) -> bool {
        matches!(
            self,
            Handshake::MetaSubscription
                | Handshake::TwitterCrc
                | Handshake::DropboxChallenge
                | Handshake::GraphValidation
                | Handshake::OktaVerification
                | Handshake::TrelloHead
                | Handshake::IntercomHead
                | Handshake::WoocommercePing
                | Handshake::AsanaHookSecret
        )
    }

    /// Whether the handshake stores the secret it carries (Asana): it writes, so it is
    /// accepted only while the webhook is armed for it.
    pub fn plants_secret(self) -> bool {
        self == Handshake::AsanaHookSecret
    }

    /// The method the handshake arrives with when it is not one the webhook lists.
    pub fn method(self) -> Option<&'static str> {
        match self {
            Handshake::MetaSubscription
            | Handshake::TwitterCrc
            | Handshake::DropboxChallenge
            | Handshake::OktaVerification
            | Handshake::MailchimpUrlValidation => Some("GET"),
            Handshake::TrelloHead => Some("HEAD"),
            Handshake::IntercomHead => Some("HEAD"),
            _ => None,
        }
    }
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
