//! Sender verification. [`verify`] is the only constructor of [`Verified`], and an
//! envelope can only be built from a `Verified`, so an unverified request cannot be
//! forwarded by construction.
//!
//! Every HMAC scheme is reduced to a [`Plan`]: the presented signatures, the algorithm,
//! and the signed content as borrowed pieces (so a 1 MiB body is never copied). One
//! routine then tries each stored secret, in constant time per comparison.

pub mod handshake;
pub mod parse;
pub mod template;
mod twilio;

use crate::problem::{ErrorCode, Problem};
use crate::record::{AuthConfig, Scheme, SecretEncoding, WebhookRecord};
use crate::request::{Headers, RouteMatch};
use crate::secret::Secret;
use crate::time::UnixMillis;
use hmac::{Hmac, Mac};
use std::borrow::Cow;
use subtle::ConstantTimeEq;
use template::{parse_template, Algorithm, Part, SignatureEncoding};

/// Everything about a request that verification and envelope building need.
#[derive(Debug)]
pub struct Inbound {
    pub method: String,
    /// The full request URL as the Worker received it (Twilio signs it).
    pub url: String,
    /// The request path as the sender wrote it, percent-encoded, without the query.
    pub raw_path: String,
    /// The raw query string, without `?`.
    pub query: Option<String>,
    pub headers: Headers,
    pub source_ip: Option<String>,
    pub body: Vec<u8>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VerifyError {
    SignatureMissing,
    SignatureMalformed,
    SignatureMismatch,
    /// A header the scheme signs (e.g. `webhook-id`) is absent.
    HeaderMissing(&'static str),
    TimestampMissing,
    TimestampMalformed,
    TimestampOutOfTolerance,
    /// The signature matches only a secret whose rotation grace period has ended.
    SecretExpired,
    SecretMissing,
    SecretMismatch,
    UrlKeyMissing,
    UrlKeyMismatch,
    /// The stored configuration cannot verify anything (e.g. undecodable key).
    Misconfigured(&'static str),
}

impl From<VerifyError> for Problem {
    fn from(e: VerifyError) -> Self {
        use VerifyError::*;
        // Details say what was wrong with the request, never what was expected.
        let (code, detail): (ErrorCode, Cow<'static, str>) = match e {
            SignatureMissing => (
                ErrorCode::SignatureMissing,
                "the request carries no signature header".into(),
            ),
            SignatureMalformed => (
                ErrorCode::SignatureMalformed,
                "the signature header is not in the scheme's format".into(),
            ),
            SignatureMismatch => (
                ErrorCode::SignatureMismatch,
                "the signature does not match the request".into(),
            ),
            HeaderMissing(name) => (
                ErrorCode::HeaderMissing,
                format!("the signed header {name} is missing").into(),
            ),
            TimestampMissing => (
                ErrorCode::TimestampMissing,
                "the request carries no signed timestamp".into(),
            ),
            TimestampMalformed => (
                ErrorCode::TimestampMalformed,
                "the signed timestamp cannot be read".into(),
            ),
            TimestampOutOfTolerance => (
                ErrorCode::TimestampOutOfTolerance,
                "the signed timestamp is outside the allowed window; check the sender's clock"
                    .into(),
            ),
            SecretExpired => (
                ErrorCode::SecretExpired,
                "the request is signed with a secret that has been rotated out".into(),
            ),
            SecretMissing => (
                ErrorCode::SecretMissing,
                "the request carries no shared secret header".into(),
            ),
            SecretMismatch => (
                ErrorCode::SecretMismatch,
                "the shared secret is not valid".into(),
            ),
            UrlKeyMissing => (ErrorCode::UrlKeyMissing, "the URL has no key".into()),
            UrlKeyMismatch => (ErrorCode::UrlKeyMismatch, "the URL key is not valid".into()),
            Misconfigured(why) => (ErrorCode::WebhookMisconfigured, why.into()),
        };
        Problem::new(code, detail)
    }
}

/// A request whose sender was verified against its webhook. Fields are private and the
/// type has no public constructor: only [`verify`] makes one.
#[derive(Debug)]
pub struct Verified {
    route: RouteMatch,
    inbound: Inbound,
    /// Index into the record's secrets of the one that verified.
    secret_index: usize,
}

impl Verified {
    pub fn record(&self) -> &WebhookRecord {
        &self.route.record
    }

    pub fn inbound(&self) -> &Inbound {
        &self.inbound
    }

    /// The path as it may be forwarded: a URL key is replaced by `{key}`.
    pub fn redacted_path(&self) -> String {
        self.route.redacted_path()
    }

    /// The secret that verified this request (Zoom's handshake answers with it).
    pub(crate) fn secret(&self) -> &Secret {
        &self.route.record.auth.secrets[self.secret_index].value
    }
}

/// The rejected request comes back with the error so the caller can still log it.
pub type VerifyResult = Result<Verified, (VerifyError, Box<Inbound>)>;

/// Verifies `inbound` against its route's record at time `now`.
pub fn verify(route: RouteMatch, inbound: Inbound, now: UnixMillis) -> VerifyResult {
    match check(&route, &inbound, now) {
        Ok(secret_index) => Ok(Verified {
            route,
            inbound,
            secret_index,
        }),
        Err(e) => Err((e, Box::new(inbound))),
    }
}

fn check(route: &RouteMatch, inbound: &Inbound, now: UnixMillis) -> Result<usize, VerifyError> {
    let auth = &route.record.auth;
    match auth.scheme {
        Scheme::SharedSecret => {
            let presented = configured_header(auth, &inbound.headers)
                .ok_or(VerifyError::SecretMissing)?
                .trim();
            match_plain(auth, presented.as_bytes(), now, VerifyError::SecretMismatch)
        }
        Scheme::UrlKey => {
            let key = route.url_key.as_deref().ok_or(VerifyError::UrlKeyMissing)?;
            match_plain(auth, key.as_bytes(), now, VerifyError::UrlKeyMismatch)
        }
        _ => {
            let plan = plan(auth, inbound, now)?;
            match_hmac(auth, &plan, now)
        }
    }
}

/// The header a configurable scheme reads: `auth.header`, else the scheme's defaults.
fn configured_header<'h>(auth: &AuthConfig, headers: &'h Headers) -> Option<&'h str> {
    match auth.header.as_deref() {
        Some(name) => headers.get(name),
        None => auth
            .scheme
            .default_headers()
            .iter()
            .find_map(|name| headers.get(name)),
    }
}

/// Tries every stored secret with `matches` (no early exit) and returns the index of
/// the first active one that matched. A match only with a secret past its rotation
/// grace period is `SecretExpired`; no match at all is `mismatch`.
fn first_matching_secret(
    auth: &AuthConfig,
    now: UnixMillis,
    mismatch: VerifyError,
    mut matches: impl FnMut(&Secret) -> Result<bool, VerifyError>,
) -> Result<usize, VerifyError> {
    let mut active = None;
    let mut expired = false;
    for (i, s) in auth.secrets.iter().enumerate() {
        if matches(&s.value)? {
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

/// What an HMAC scheme signs and what the sender presented.
pub(crate) struct Plan<'a> {
    algorithm: Algorithm,
    /// Decoded signatures from the request; one match is enough.
    candidates: Vec<Vec<u8>>,
    /// Alternative signed contents (Twilio tries several URL forms), each as pieces.
    contents: Vec<Vec<Cow<'a, [u8]>>>,
}

impl Plan<'_> {
    fn single(
        algorithm: Algorithm,
        candidates: Vec<Vec<u8>>,
        pieces: Vec<Cow<'_, [u8]>>,
    ) -> Plan<'_> {
        Plan {
            algorithm,
            candidates,
            contents: vec![pieces],
        }
    }

    /// True when any content signed with `key` equals any candidate. Each comparison is
    /// constant time; the loop does not stop at the first match.
    fn matches(&self, key: &[u8]) -> bool {
        let mut found = subtle::Choice::from(0);
        for pieces in &self.contents {
            let tag = mac(self.algorithm, key, pieces);
            for candidate in &self.candidates {
                found |= tag.as_slice().ct_eq(candidate.as_slice());
            }
        }
        found.into()
    }
}

pub(crate) fn mac(algorithm: Algorithm, key: &[u8], pieces: &[Cow<'_, [u8]>]) -> Vec<u8> {
    fn run<M: Mac + hmac::digest::KeyInit>(key: &[u8], pieces: &[Cow<'_, [u8]>]) -> Vec<u8> {
        let mut m =
            <M as hmac::digest::KeyInit>::new_from_slice(key).expect("HMAC takes any key length");
        for p in pieces {
            m.update(p);
        }
        m.finalize().into_bytes().to_vec()
    }
    match algorithm {
        Algorithm::Sha256 => run::<Hmac<sha2::Sha256>>(key, pieces),
        Algorithm::Sha1 => run::<Hmac<sha1::Sha1>>(key, pieces),
        Algorithm::Sha512 => run::<Hmac<sha2::Sha512>>(key, pieces),
    }
}

/// The HMAC key bytes of one stored secret.
pub fn key_bytes<'s>(auth: &AuthConfig, secret: &'s Secret) -> Result<Cow<'s, [u8]>, VerifyError> {
    let raw = secret.expose();
    if auth.scheme.uses_whsec_secret() {
        let b64 = raw.strip_prefix("whsec_").unwrap_or(raw);
        return parse::base64(b64)
            .map(Cow::Owned)
            .ok_or(VerifyError::Misconfigured(
                "the stored whsec_ secret is not base64",
            ));
    }
    match auth.secret_encoding {
        SecretEncoding::Utf8 => Ok(Cow::Borrowed(raw.as_bytes())),
        SecretEncoding::Base64 => {
            parse::base64(raw)
                .map(Cow::Owned)
                .ok_or(VerifyError::Misconfigured(
                    "the stored base64 secret does not decode",
                ))
        }
    }
}

fn match_hmac(auth: &AuthConfig, plan: &Plan<'_>, now: UnixMillis) -> Result<usize, VerifyError> {
    first_matching_secret(auth, now, VerifyError::SignatureMismatch, |secret| {
        Ok(plan.matches(&key_bytes(auth, secret)?))
    })
}

fn require<'h>(headers: &'h Headers, name: &'static str) -> Result<&'h str, VerifyError> {
    headers.get(name).ok_or(VerifyError::HeaderMissing(name))
}

fn signature_header<'h>(headers: &'h Headers, name: &str) -> Result<&'h str, VerifyError> {
    headers.get(name).ok_or(VerifyError::SignatureMissing)
}

fn timestamp_header<'h>(headers: &'h Headers, name: &str) -> Result<&'h str, VerifyError> {
    headers
        .get(name)
        .map(str::trim)
        .ok_or(VerifyError::TimestampMissing)
}

/// A signed Unix-seconds header, in milliseconds.
fn unix_ms(raw: &str) -> Result<i64, VerifyError> {
    let secs = parse::unix_seconds(raw).ok_or(VerifyError::TimestampMalformed)?;
    Ok(secs * 1000)
}

/// The request's signed time must be within `tolerance` of `now`, in either direction.
fn check_fresh(auth: &AuthConfig, signed_ms: i64, now: UnixMillis) -> Result<(), VerifyError> {
    let Some(tolerance_s) = auth.tolerance_s() else {
        return Ok(());
    };
    let skew = (now.0 as i64).abs_diff(signed_ms);
    if skew > tolerance_s.saturating_mul(1000) {
        Err(VerifyError::TimestampOutOfTolerance)
    } else {
        Ok(())
    }
}

fn hex_candidates(values: &[&str], len: usize) -> Vec<Vec<u8>> {
    values
        .iter()
        .filter_map(|v| parse::hex_of_len(v, len))
        .collect()
}

fn bytes(s: &str) -> Cow<'_, [u8]> {
    Cow::Borrowed(s.as_bytes())
}

/// Builds the plan for every HMAC-based scheme.
fn plan<'a>(
    auth: &AuthConfig,
    inbound: &'a Inbound,
    now: UnixMillis,
) -> Result<Plan<'a>, VerifyError> {
    let headers = &inbound.headers;
    let body: Cow<'a, [u8]> = Cow::Borrowed(&inbound.body);
    use Algorithm::*;
    Ok(match auth.scheme {
        Scheme::HmacSha256Hex => {
            let raw = configured_header(auth, headers).ok_or(VerifyError::SignatureMissing)?;
            let hex_part = raw.trim().strip_prefix("sha256=").unwrap_or(raw.trim());
            let sig = parse::hex_of_len(hex_part, 32).ok_or(VerifyError::SignatureMalformed)?;
            Plan::single(Sha256, vec![sig], vec![body])
        }
        Scheme::Github | Scheme::GithubSha1 => {
            let (prefix, len, algorithm) = if auth.scheme == Scheme::Github {
                ("sha256=", 32, Sha256)
            } else {
                ("sha1=", 20, Sha1)
            };
            let raw = configured_header(auth, headers).ok_or(VerifyError::SignatureMissing)?;
            let sig = parse::prefixed(raw, prefix)
                .and_then(|h| parse::hex_of_len(h, len))
                .ok_or(VerifyError::SignatureMalformed)?;
            Plan::single(algorithm, vec![sig], vec![body])
        }
        Scheme::Shopify => {
            let raw = configured_header(auth, headers).ok_or(VerifyError::SignatureMissing)?;
            let sig = parse::base64(raw)
                .filter(|s| s.len() == 32)
                .ok_or(VerifyError::SignatureMalformed)?;
            Plan::single(Sha256, vec![sig], vec![body])
        }
        Scheme::Slack | Scheme::Zoom => {
            let (sig_name, ts_name) = if auth.scheme == Scheme::Slack {
                ("x-slack-signature", "x-slack-request-timestamp")
            } else {
                ("x-zm-signature", "x-zm-request-timestamp")
            };
            let raw = signature_header(headers, sig_name)?;
            let ts = timestamp_header(headers, ts_name)?;
            check_fresh(auth, unix_ms(ts)?, now)?;
            let sig = parse::prefixed(raw, "v0=")
                .and_then(|h| parse::hex_of_len(h, 32))
                .ok_or(VerifyError::SignatureMalformed)?;
            Plan::single(
                Sha256,
                vec![sig],
                vec![bytes("v0:"), bytes(ts), bytes(":"), body],
            )
        }
        Scheme::Stripe | Scheme::Paddle => {
            // Same shape: `<t>=<unix>` plus hex signatures over `<t><sep><body>`.
            type Parser = for<'h> fn(&'h str) -> Option<(&'h str, Vec<&'h str>)>;
            let (name, parser, separator): (_, Parser, _) = if auth.scheme == Scheme::Stripe {
                ("stripe-signature", parse::stripe, ".")
            } else {
                ("paddle-signature", parse::paddle, ":")
            };
            let raw = signature_header(headers, name)?;
            let (ts, signatures) = parser(raw).ok_or(VerifyError::SignatureMalformed)?;
            check_fresh(auth, unix_ms(ts)?, now)?;
            Plan::single(
                Sha256,
                hex_candidates(&signatures, 32),
                vec![bytes(ts), bytes(separator), body],
            )
        }
        Scheme::StandardWebhooks | Scheme::Svix => {
            let (id_name, ts_name, sig_name) = if auth.scheme == Scheme::Svix {
                ("svix-id", "svix-timestamp", "svix-signature")
            } else {
                ("webhook-id", "webhook-timestamp", "webhook-signature")
            };
            let raw = signature_header(headers, sig_name)?;
            let id = require(headers, id_name)?;
            let ts = timestamp_header(headers, ts_name)?;
            check_fresh(auth, unix_ms(ts)?, now)?;
            let candidates = parse::signature_list(raw)
                .into_iter()
                .filter_map(parse::base64)
                .collect();
            Plan::single(
                Sha256,
                candidates,
                vec![bytes(id), bytes("."), bytes(ts), bytes("."), body],
            )
        }
        Scheme::Linear => {
            let raw = signature_header(headers, "linear-signature")?;
            let sig = parse::hex_of_len(raw, 32).ok_or(VerifyError::SignatureMalformed)?;
            #[derive(serde::Deserialize)]
            struct Stamp {
                #[serde(rename = "webhookTimestamp")]
                webhook_timestamp: Option<i64>,
            }
            let stamp: Stamp =
                serde_json::from_slice(&inbound.body).map_err(|_| VerifyError::TimestampMissing)?;
            let signed_ms = stamp
                .webhook_timestamp
                .ok_or(VerifyError::TimestampMissing)?;
            check_fresh(auth, signed_ms, now)?;
            Plan::single(Sha256, vec![sig], vec![body])
        }
        Scheme::Twitch => {
            let raw = signature_header(headers, "twitch-eventsub-message-signature")?;
            let id = require(headers, "twitch-eventsub-message-id")?;
            let ts = timestamp_header(headers, "twitch-eventsub-message-timestamp")?;
            let signed = UnixMillis::parse_rfc3339(ts).ok_or(VerifyError::TimestampMalformed)?;
            check_fresh(auth, signed.0 as i64, now)?;
            let sig = parse::prefixed(raw, "sha256=")
                .and_then(|h| parse::hex_of_len(h, 32))
                .ok_or(VerifyError::SignatureMalformed)?;
            Plan::single(Sha256, vec![sig], vec![bytes(id), bytes(ts), body])
        }
        Scheme::Twilio => {
            let raw = signature_header(headers, "x-twilio-signature")?;
            let sig = parse::base64(raw)
                .filter(|s| s.len() == 20)
                .ok_or(VerifyError::SignatureMalformed)?;
            let urls = twilio::url_variants(&inbound.url);
            let contents = match twilio::body_sha256_param(&inbound.url) {
                // JSON variant: the URL (with the body's hash in it) is what is signed.
                Some(expected) => {
                    if !twilio::body_matches_sha256(&inbound.body, &expected) {
                        return Err(VerifyError::SignatureMismatch);
                    }
                    urls.into_iter()
                        .map(|u| vec![Cow::Owned(u.into_bytes())])
                        .collect()
                }
                None => {
                    let params = twilio::form_params_string(&inbound.body);
                    urls.into_iter()
                        .map(|u| {
                            vec![
                                Cow::Owned(u.into_bytes()),
                                Cow::Owned(params.clone().into_bytes()),
                            ]
                        })
                        .collect()
                }
            };
            Plan {
                algorithm: Sha1,
                candidates: vec![sig],
                contents,
            }
        }
        Scheme::Hmac => {
            let t = auth.template.as_ref().ok_or(VerifyError::Misconfigured(
                "the hmac scheme has no template",
            ))?;
            let raw = signature_header(headers, &t.header)?;
            let encoded = raw
                .trim()
                .strip_prefix(t.prefix.as_str())
                .ok_or(VerifyError::SignatureMalformed)?;
            let sig = match t.encoding {
                SignatureEncoding::Hex => hex::decode(encoded.trim()).ok(),
                SignatureEncoding::Base64 => parse::base64(encoded),
            }
            .ok_or(VerifyError::SignatureMalformed)?;
            let parts = parse_template(&t.content)
                .map_err(|_| VerifyError::Misconfigured("the stored template does not parse"))?;
            let mut pieces = Vec::with_capacity(parts.len());
            for part in parts {
                pieces.push(match part {
                    Part::Literal(text) => Cow::Owned(text.as_bytes().to_vec()),
                    Part::Body => body.clone(),
                    Part::Id => {
                        let name = t.id_header.as_deref().ok_or(VerifyError::Misconfigured(
                            "the template signs {id} but names no id_header",
                        ))?;
                        Cow::Borrowed(
                            headers
                                .get(name)
                                .ok_or(VerifyError::HeaderMissing("id"))?
                                .as_bytes(),
                        )
                    }
                    Part::Timestamp => {
                        let name =
                            t.timestamp_header
                                .as_deref()
                                .ok_or(VerifyError::Misconfigured(
                                    "the template signs {timestamp} but names no timestamp_header",
                                ))?;
                        let ts = timestamp_header(headers, name)?;
                        check_fresh(auth, unix_ms(ts)?, now)?;
                        Cow::Borrowed(ts.as_bytes())
                    }
                });
            }
            Plan::single(t.algorithm, vec![sig], pieces)
        }
        Scheme::SharedSecret | Scheme::UrlKey => {
            unreachable!("plain schemes are checked without a plan")
        }
    })
}

#[cfg(test)]
mod tests;
