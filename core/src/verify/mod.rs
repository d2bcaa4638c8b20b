//! Sender verification. [`verify`] is the only constructor of [`Verified`], and an
//! envelope can only be built from a `Verified`, so an unverified request cannot be
//! forwarded by construction.
//!
//! What a scheme sends and signs is data (`model::scheme`); [`engine`] runs it. One
//! routine tries each stored secret, in constant time per comparison.

mod adyen;
pub(crate) mod contentful;
mod engine;
pub mod fetched;
pub mod handshake;
pub mod parse;
mod public_key;
mod public_url;
pub mod sign;
mod token_or_signed;
mod twilio;

use crate::model::scheme::Check;
use crate::model::{AuthConfig, WebhookRecord};
use crate::request::{Inbound, RouteMatch};
use crate::secret::Secret;
use crate::time::UnixMillis;
use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VerifyError {
    SignatureMissing,
    SignatureMalformed,
    SignatureMismatch,
    /// A header the scheme signs (e.g. `webhook-id`) is absent.
    HeaderMissing(String),
    TimestampMissing,
    TimestampMalformed,
    TimestampOutOfTolerance,
    /// The signature matches only a secret whose rotation grace period has ended.
    SecretExpired,
    SecretMissing,
    SecretMismatch,
    UrlKeyMissing,
    UrlKeyMismatch,
    /// Kestra style with `basic_auth`: no `Authorization: Basic …`.
    BasicAuthMissing,
    BasicAuthMismatch,
    /// Meta's subscription GET with another `hub.verify_token`.
    VerifyTokenMismatch,
    ClientStateMissing,
    ClientStateMismatch,
    /// A handshake that plants the secret (Asana) outside an arming window.
    HandshakeNotArmed,
    /// Such a handshake after the arming's one was accepted.
    HandshakeAlreadyCompleted,
    /// Such a handshake whose secret cannot serve as one.
    HandshakeSecretInvalid,
    /// An event for a webhook whose secret is still to be planted by its handshake.
    HandshakePending,
    /// A fetched-key scheme: the key could not be had (fetch failed, timed out, or the
    /// document is not a usable key). Fail closed.
    KeyUnavailable,
    /// The request names a key URL outside the provider's allow-list.
    KeyUrlRefused,
    /// AWS SNS: a topic the record does not accept.
    TopicNotAllowed,
    /// A signed token's claims are not this webhook's (audience, email, issuer, body hash).
    ClaimMismatch,
    /// The stored configuration cannot verify anything. For the operator's log only.
    Misconfigured(&'static str),
}

/// A request whose sender was verified against its webhook. Fields are private and the
/// type has no public constructor: only [`verify`] makes one. `Debug` shows no
/// credential (its parts redact theirs).
pub struct Verified {
    route: RouteMatch,
    inbound: Inbound,
    /// Index into the record's secrets of the one that verified.
    secret_index: usize,
    /// A handshake proved by its own shape before any signature (Meta's verify token,
    /// Twitter's CRC, Dropbox's, Graph's and Okta's echoes): answered, never forwarded.
    challenge: Option<handshake::HandshakeReply>,
    /// A provider's unsigned setup request, accepted by its exact shape while the webhook
    /// awaits the key it carries (Notion's verification token): forwarded redacted.
    unsigned_setup: bool,
    /// The secret a planting handshake (Asana's) carries: committed at the webhook's
    /// object before the answer, which echoes it, is sent.
    planted: Option<Secret>,
}

impl fmt::Debug for Verified {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verified")
            .field("route", &self.route)
            .field("inbound", &self.inbound)
            .finish_non_exhaustive()
    }
}

impl Verified {
    pub fn record(&self) -> &WebhookRecord {
        self.route.record()
    }

    pub fn inbound(&self) -> &Inbound {
        &self.inbound
    }

    /// The path as it may be forwarded: a URL key is replaced by `{key}`.
    pub fn redacted_path(&self) -> String {
        self.route.redacted_path()
    }

    /// Gives the request back, to be verified again against a newer record.
    pub fn into_parts(self) -> (RouteMatch, Inbound) {
        (self.route, self.inbound)
    }

    /// Whether this is a provider's unsigned setup request (Notion's verification token),
    /// accepted by its shape alone: forwarded with the token redacted, never as an event.
    pub fn is_unsigned_setup(&self) -> bool {
        self.unsigned_setup
    }

    /// The secret that verified this request (Zoom's handshake answers with it).
    pub(crate) fn secret(&self) -> &Secret {
        self.record().auth().secrets()[self.secret_index].value()
    }

    /// The secret this request plants (Asana's handshake), which must be committed as
    /// the webhook's before the handshake is answered.
    pub fn planted_secret(&self) -> Option<&Secret> {
        self.planted.as_ref()
    }
}

/// Verifies `inbound` against its route's record at time `now`.
pub fn verify(
    route: RouteMatch,
    inbound: Inbound,
    now: UnixMillis,
) -> Result<Verified, VerifyError> {
    verify_with_key(route, inbound, now, None)
}

/// Which key document verifying `inbound` against `record` needs (`fetched::key_fetch`):
/// `Ok(None)` for every scheme that fetches nothing.
pub fn key_needed(
    record: &WebhookRecord,
    inbound: &Inbound,
) -> Result<Option<(fetched::Provider, fetched::KeyFetch)>, VerifyError> {
    match &record.auth().scheme().descriptor().check {
        Check::FetchedKey(provider) => {
            Ok(fetched::key_fetch(*provider, record.auth(), inbound)?
                .map(|fetch| (*provider, fetch)))
        }
        _ => Ok(None),
    }
}

/// [`verify`] with the key document a fetched-key scheme needs (`None` for the others,
/// or when it could not be had: then such a scheme is `key_unavailable`).
pub fn verify_with_key(
    route: RouteMatch,
    inbound: Inbound,
    now: UnixMillis,
    key: Option<&fetched::KeyDocument>,
) -> Result<Verified, VerifyError> {
    if let Some(basic) = route.record().basic_auth() {
        check_basic(basic, &inbound)?;
    }
    if let Some(c) = handshake::challenge(route.record(), &inbound, now)? {
        return Ok(Verified {
            route,
            inbound,
            secret_index: c.secret_index,
            challenge: Some(c.reply),
            unsigned_setup: false,
            planted: c.planted,
        });
    }
    if let Some(secret_index) = handshake::notion_verification(route.record(), &inbound, now) {
        return Ok(Verified {
            route,
            inbound,
            secret_index,
            challenge: None,
            unsigned_setup: true,
            planted: None,
        });
    }
    let secret_index = check(&route, &inbound, now, key)?;
    Ok(Verified {
        route,
        inbound,
        secret_index,
        challenge: None,
        unsigned_setup: false,
        planted: None,
    })
}

fn check(
    route: &RouteMatch,
    inbound: &Inbound,
    now: UnixMillis,
    key: Option<&fetched::KeyDocument>,
) -> Result<usize, VerifyError> {
    let auth = route.record().auth();
    if auth.secrets().is_empty() {
        // Only a scheme whose handshake plants the secret may have none (the rules).
        return Err(if auth.scheme().plants_secret() {
            VerifyError::HandshakePending
        } else {
            VerifyError::Misconfigured("the record holds no secret")
        });
    }
    match &auth.scheme().descriptor().check {
        Check::SharedSecret { headers } => {
            let names: Vec<&str> = match auth.header() {
                Some(h) => vec![h],
                None => headers.to_vec(),
            };
            let presented = names
                .iter()
                .find_map(|n| inbound.headers.get(n))
                .ok_or(VerifyError::SecretMissing)?
                .trim();
            match_plain(auth, presented.as_bytes(), now, VerifyError::SecretMismatch)
        }
        Check::UrlKey => {
            let key = route.url_key().ok_or(VerifyError::UrlKeyMissing)?;
            match_plain(auth, key.as_bytes(), now, VerifyError::UrlKeyMismatch)
        }
        Check::Hmac(layout) => engine::run(layout, auth, inbound, now),
        Check::Template => {
            let template = auth.template().ok_or(VerifyError::Misconfigured(
                "the hmac scheme has no template",
            ))?;
            let layout = template
                .layout()
                .map_err(|_| VerifyError::Misconfigured("the stored template does not parse"))?;
            engine::run(&layout, auth, inbound, now)
        }
        Check::PublicKey(layout) => public_key::run(layout, auth, inbound, now),
        Check::ClientState => public_key::client_state(auth, inbound, now),
        Check::FetchedKey(provider) => fetched::run(*provider, auth, inbound, now, key),
        Check::TokenOrSigned { headers, signed } => {
            token_or_signed::run(headers, signed, auth, inbound, now)
        }
        Check::AdyenNotificationItems => adyen::run(auth, inbound, now),
        Check::BasicAuth => {
            let presented = basic_credentials(inbound)?;
            match_plain(auth, &presented, now, VerifyError::BasicAuthMismatch)
        }
    }
}

/// The decoded `username:password` of `Authorization: Basic …`. Not Basic at all is
/// `basic_auth_missing`; Basic that does not decode, or has no `:`, is a mismatch.
fn basic_credentials(inbound: &Inbound) -> Result<Vec<u8>, VerifyError> {
    let raw = inbound
        .headers
        .get("authorization")
        .ok_or(VerifyError::BasicAuthMissing)?
        .trim();
    let (scheme, encoded) = raw.split_once(' ').ok_or(VerifyError::BasicAuthMissing)?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return Err(VerifyError::BasicAuthMissing);
    }
    let decoded = crate::codec::base64(encoded.trim()).ok_or(VerifyError::BasicAuthMismatch)?;
    if !decoded.contains(&b':') {
        return Err(VerifyError::BasicAuthMismatch);
    }
    Ok(decoded)
}

/// Kestra 0.24+: `Authorization: Basic base64(username:password)`, compared in constant
/// time (both parts are always compared).
fn check_basic(basic: &crate::model::BasicAuth, inbound: &Inbound) -> Result<(), VerifyError> {
    let decoded = basic_credentials(inbound)?;
    let colon = decoded
        .iter()
        .position(|b| *b == b':')
        .ok_or(VerifyError::BasicAuthMismatch)?;
    let (user, password) = (&decoded[..colon], &decoded[colon + 1..]);
    let user_ok = crate::secret::Secret::from_string(basic.username().to_string()).matches(user);
    let password_ok = basic.password().matches(password);
    // `&`, not `&&`: both comparisons always run.
    if user_ok & password_ok {
        Ok(())
    } else {
        Err(VerifyError::BasicAuthMismatch)
    }
}

/// Tries every stored secret with `matches` (no early exit) and returns the index of
/// the first active one that matched. A match only with a secret past its rotation
/// grace period is `SecretExpired`; no match at all is `mismatch`.
pub(crate) fn first_matching_secret(
    auth: &AuthConfig,
    now: UnixMillis,
    mismatch: VerifyError,
    mut matches: impl FnMut(&Secret) -> Result<bool, VerifyError>,
) -> Result<usize, VerifyError> {
    let mut active = None;
    let mut expired = false;
    for (i, s) in auth.secrets().iter().enumerate() {
        if matches(s.value())? {
            if s.active_at(now) {
                active.get_or_insert(i);
            } else {
                expired = true;
            }
        }
    }
    active.ok_or(if expired {
        VerifyError::SecretExpired
    } else {
        mismatch
    })
}

/// Compares a presented secret (shared secret, URL key) with every stored one.
fn match_plain(
    auth: &AuthConfig,
    presented: &[u8],
    now: UnixMillis,
    mismatch: VerifyError,
) -> Result<usize, VerifyError> {
    first_matching_secret(auth, now, mismatch, |secret| Ok(secret.matches(presented)))
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_catalogue_d;
