//! Schemes whose verification key is fetched from the provider: AWS SNS and PayPal (an
//! X.509 certificate at a URL the request names, on an allow-listed host), Google
//! Pub/Sub (Google's published certificates, by the token's `kid`) and Plaid (a JWK
//! from Plaid's key endpoint, by `kid`, or one the operator pins).
//!
//! The core stays pure, so verification is two steps. [`key_fetch`] reads the request
//! and says which document is needed (`None`: none, the key is pinned), after checking
//! what can be checked without it (the URL's host against the provider's allow-list,
//! which no record setting widens; SNS's topic): the shell gets that document from its
//! cache or the provider, and passes it to `verify::verify_with_key`, which checks the
//! signature with it. A request whose document cannot be had is refused
//! `401 key_unavailable`: never verified some other way.
//!
//! The unverified body is parsed for SNS (the signature is inside it, as is the
//! certificate's URL) with serde_json, bounded by the webhook's body limit; the others
//! read headers only before the signature is checked.

pub mod jwt;
pub mod sns;

use super::VerifyError;
use crate::model::scheme::Piece;
use crate::model::AuthConfig;
use crate::pubkey::{self, RsaDigest};
use crate::request::Inbound;
use crate::time::UnixMillis;
use std::fmt;

/// The longest key URL accepted from a request (SNS and PayPal name theirs; real ones
/// are under 150 characters). It also bounds the cache keys.
pub const MAX_KEY_URL_LEN: usize = 256;

/// How long a fetched document is kept when the provider says nothing (certificates are
/// immutable at their URL; Plaid's keys per `kid`), and the bounds on what a provider's
/// `Cache-Control` may ask for.
pub const DEFAULT_LIFETIME_S: u64 = 24 * 3600;
pub const MIN_LIFETIME_S: u64 = 60;
/// How long fetching may take before the request is refused `key_unavailable`.
pub const FETCH_TIMEOUT_MS: u64 = 5_000;

/// Plaid's iat window: "not more than 5 minutes old" (its verification guide).
pub const PLAID_MAX_AGE_S: u64 = 300;

/// Google's published signing certificates (PEM, by key id), as google-auth's
/// `verify_oauth2_token` reads them.
pub const GOOGLE_CERTS_URL: &str = "https://www.googleapis.com/oauth2/v1/certs";
/// Issuers of Google's OIDC tokens.
pub const GOOGLE_ISSUERS: [&str; 2] = ["accounts.google.com", "https://accounts.google.com"];

/// PayPal's hosts for webhook certificates (live and sandbox).
pub const PAYPAL_CERT_HOSTS: [&str; 2] = ["api.paypal.com", "api.sandbox.paypal.com"];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Provider {
    AwsSns,
    Paypal,
    GooglePubsub,
    Plaid,
}

impl Provider {
    /// What the provider's signature covers, as pieces (what the guard asks to know
    /// whether a delivery id is signed): SNS signs members of the body, PayPal its
    /// transmission id and time and the body (by its CRC32), Plaid the body (by its
    /// hash). Google's token signs no part of the request: Pub/Sub's push proves only who
    /// sent it (the body's integrity is TLS's).
    pub fn signed_content(self) -> &'static [Piece<'static>] {
        match self {
            Provider::AwsSns | Provider::Plaid => &[Piece::Body],
            Provider::Paypal => &[
                Piece::Header("paypal-transmission-id"),
                Piece::Header("paypal-transmission-time"),
                Piece::Body,
            ],
            Provider::GooglePubsub => &[],
        }
    }
}

impl Provider {
    /// The headers verification reads (SNS reads only its body).
    pub fn headers(self) -> &'static [&'static str] {
        match self {
            Provider::AwsSns => &[],
            Provider::Paypal => &[
                "paypal-transmission-id",
                "paypal-transmission-time",
                "paypal-transmission-sig",
                "paypal-cert-url",
                "paypal-auth-algo",
            ],
            Provider::GooglePubsub => &["authorization"],
            Provider::Plaid => &["plaid-verification"],
        }
    }

    /// The header carrying the signature or token (never forwarded).
    pub fn signature_header(self) -> Option<&'static str> {
        match self {
            Provider::AwsSns => None,
            Provider::Paypal => Some("paypal-transmission-sig"),
            Provider::GooglePubsub => Some("authorization"),
            Provider::Plaid => Some("plaid-verification"),
        }
    }
}

/// Plaid's environments, each with its own API host (and credentials).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PlaidEnvironment {
    #[default]
    Production,
    Sandbox,
}

impl PlaidEnvironment {
    pub fn host(self) -> &'static str {
        match self {
            PlaidEnvironment::Production => "production.plaid.com",
            PlaidEnvironment::Sandbox => "sandbox.plaid.com",
        }
    }

    pub fn is_production(&self) -> bool {
        *self == PlaidEnvironment::Production
    }
}

/// A document to fetch: always https, always on the provider's own host.
#[derive(Clone, PartialEq, Eq)]
pub struct KeyFetch {
    pub method: &'static str,
    pub url: String,
    /// Plaid's request body, which carries the operator's client id and secret.
    pub body: Option<String>,
    /// Names the document in the caches; never holds a credential.
    pub cache_key: String,
}

impl fmt::Debug for KeyFetch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyFetch")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("body", &self.body.as_ref().map(|_| "<redacted>"))
            .field("cache_key", &self.cache_key)
            .finish()
    }
}

/// A fetched document, as the shell hands it to verification.
#[derive(Clone, Debug)]
pub struct KeyDocument {
    pub cache_key: String,
    pub text: String,
}

/// Which document verifying `inbound` needs, after the checks that need none.
pub fn key_fetch(
    provider: Provider,
    auth: &AuthConfig,
    inbound: &Inbound,
) -> Result<Option<KeyFetch>, VerifyError> {
    match provider {
        Provider::AwsSns => {
            let message = sns::parse(&inbound.body).ok_or(VerifyError::SignatureMissing)?;
            sns_fetch(auth, &message).map(Some)
        }
        Provider::Paypal => {
            let raw = header(inbound, "paypal-cert-url")?;
            let url = paypal_cert_url(raw).ok_or(VerifyError::KeyUrlRefused)?;
            Ok(Some(KeyFetch {
                method: "GET",
                cache_key: format!("cert:{url}"),
                url: url.into(),
                body: None,
            }))
        }
        Provider::GooglePubsub => {
            bearer(inbound)?;
            Ok(Some(KeyFetch {
                method: "GET",
                url: GOOGLE_CERTS_URL.to_string(),
                body: None,
                cache_key: format!("certs:{GOOGLE_CERTS_URL}"),
            }))
        }
        Provider::Plaid => {
            if auth.jwk.is_some() {
                return Ok(None);
            }
            let token =
                header(inbound, "plaid-verification").map_err(|_| VerifyError::SignatureMissing)?;
            let jwt = jwt::parse(token).ok_or(VerifyError::SignatureMalformed)?;
            let kid = plaid_kid(&jwt)?;
            let client_id = auth
                .client_id
                .as_deref()
                .ok_or(VerifyError::Misconfigured("plaid without client_id or jwk"))?;
            let secret = auth
                .secrets
                .first()
                .ok_or(VerifyError::Misconfigured("plaid without a secret"))?;
            let env = auth.environment.unwrap_or_default();
            let body = serde_json::json!({
                "client_id": client_id,
                "secret": secret.value().expose(),
                "key_id": kid,
            });
            Ok(Some(KeyFetch {
                method: "POST",
                url: format!("https://{}/webhook_verification_key/get", env.host()),
                body: Some(body.to_string()),
                cache_key: format!("plaid:{}:{client_id}:{kid}", env.host()),
            }))
        }
    }
}

fn header<'i>(inbound: &'i Inbound, name: &str) -> Result<&'i str, VerifyError> {
    inbound
        .headers
        .get(name)
        .map(str::trim)
        .ok_or_else(|| VerifyError::HeaderMissing(name.to_string()))
}

fn bearer(inbound: &Inbound) -> Result<&str, VerifyError> {
    let raw = inbound
        .headers
        .get("authorization")
        .ok_or(VerifyError::SignatureMissing)?
        .trim();
    let (scheme, token) = raw.split_once(' ').ok_or(VerifyError::SignatureMalformed)?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Err(VerifyError::SignatureMalformed);
    }
    Ok(token.trim())
}

fn sns_fetch(auth: &AuthConfig, message: &sns::Message<'_>) -> Result<KeyFetch, VerifyError> {
    let topic = message
        .topic_arn
        .as_deref()
        .ok_or(VerifyError::TopicNotAllowed)?;
    let allowed = auth.topic_arns.as_deref().unwrap_or_default();
    if !allowed.iter().any(|t| t == topic) {
        return Err(VerifyError::TopicNotAllowed);
    }
    let raw = message
        .signing_cert_url
        .as_deref()
        .ok_or(VerifyError::SignatureMissing)?;
    let url = sns::cert_url(raw).ok_or(VerifyError::KeyUrlRefused)?;
    Ok(KeyFetch {
        method: "GET",
        cache_key: format!("cert:{url}"),
        url: url.into(),
        body: None,
    })
}

/// A PayPal certificate URL: https on one of [`PAYPAL_CERT_HOSTS`], default port, under
/// `/v1/notifications/certs/`, no query or credentials.
pub fn paypal_cert_url(raw: &str) -> Option<url::Url> {
    let url = url::Url::parse(raw).ok()?;
    let host_ok = url
        .host_str()
        .is_some_and(|h| PAYPAL_CERT_HOSTS.contains(&h));
    (raw.len() <= MAX_KEY_URL_LEN
        && url.scheme() == "https"
        && host_ok
        && url.port().is_none()
        && url.username().is_empty()
        && url.password().is_none()
        && url.query().is_none()
        && url.fragment().is_none()
        && url.path().starts_with("/v1/notifications/certs/"))
    .then_some(url)
}

fn plaid_kid<'j>(jwt: &'j jwt::Jwt<'_>) -> Result<&'j str, VerifyError> {
    if jwt.alg != "ES256" {
        return Err(VerifyError::SignatureMalformed);
    }
    jwt.kid
        .as_deref()
        .filter(|k| {
            !k.is_empty()
                && k.len() <= 64
                && k.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
        .ok_or(VerifyError::SignatureMalformed)
}

/// The document `key_fetch` asked for, or `key_unavailable`.
fn document(wanted: Option<KeyFetch>, doc: Option<&KeyDocument>) -> Result<&str, VerifyError> {
    match (wanted, doc) {
        (Some(w), Some(d)) if w.cache_key == d.cache_key => Ok(&d.text),
        _ => Err(VerifyError::KeyUnavailable),
    }
}

/// An RSA certificate's key, when the certificate is valid at `now`.
fn certificate(pem: &str, now: UnixMillis) -> Result<rsa::RsaPublicKey, VerifyError> {
    let cert = pubkey::rsa_certificate_pem(pem).ok_or(VerifyError::KeyUnavailable)?;
    let now_s = now.0 / 1000;
    if now_s < cert.not_before || now_s > cert.not_after {
        return Err(VerifyError::KeyUnavailable);
    }
    Ok(cert.key)
}

/// Verifies `inbound` with the fetched `doc` (or the pinned key). The stored secret
/// plays no part: the index returned is the first.
pub(crate) fn run(
    provider: Provider,
    auth: &AuthConfig,
    inbound: &Inbound,
    now: UnixMillis,
    doc: Option<&KeyDocument>,
) -> Result<usize, VerifyError> {
    match provider {
        Provider::AwsSns => {
            let message = sns::parse(&inbound.body).ok_or(VerifyError::SignatureMissing)?;
            let wanted = sns_fetch(auth, &message)?;
            let signature = message
                .signature
                .as_deref()
                .ok_or(VerifyError::SignatureMissing)?;
            let signature =
                crate::codec::base64(signature).ok_or(VerifyError::SignatureMalformed)?;
            let digest = message.digest().ok_or(VerifyError::SignatureMalformed)?;
            // The key first: without it nothing is copied (the string to sign holds the
            // whole Message).
            let key = certificate(document(Some(wanted), doc)?, now)?;
            let signed = message
                .string_to_sign()
                .ok_or(VerifyError::SignatureMalformed)?;
            check(pubkey::verify_rsa_pkcs1v15(
                &key,
                digest,
                signed.as_bytes(),
                &signature,
            ))
        }
        Provider::Paypal => {
            let wanted = key_fetch(provider, auth, inbound)?;
            let id = header(inbound, "paypal-transmission-id")?;
            let time = header(inbound, "paypal-transmission-time")
                .map_err(|_| VerifyError::TimestampMissing)?;
            let signature = header(inbound, "paypal-transmission-sig")
                .map_err(|_| VerifyError::SignatureMissing)?;
            if let Some(algo) = inbound.headers.get("paypal-auth-algo") {
                if algo.trim() != "SHA256withRSA" {
                    return Err(VerifyError::SignatureMalformed);
                }
            }
            let signature =
                crate::codec::base64(signature).ok_or(VerifyError::SignatureMalformed)?;
            let webhook_id = auth
                .webhook_id
                .as_deref()
                .ok_or(VerifyError::Misconfigured("paypal without webhook_id"))?;
            let signed = format!(
                "{id}|{time}|{webhook_id}|{}",
                crc32fast::hash(&inbound.body)
            );
            let key = certificate(document(wanted, doc)?, now)?;
            check(pubkey::verify_rsa_pkcs1v15(
                &key,
                RsaDigest::Sha256,
                signed.as_bytes(),
                &signature,
            ))
        }
        Provider::GooglePubsub => {
            let wanted = key_fetch(provider, auth, inbound)?;
            let token = jwt::parse(bearer(inbound)?).ok_or(VerifyError::SignatureMalformed)?;
            if token.alg != "RS256" {
                return Err(VerifyError::SignatureMalformed);
            }
            let kid = token
                .kid
                .as_deref()
                .ok_or(VerifyError::SignatureMalformed)?;
            let certs: std::collections::HashMap<String, String> =
                serde_json::from_str(document(wanted, doc)?)
                    .map_err(|_| VerifyError::KeyUnavailable)?;
            let pem = certs.get(kid).ok_or(VerifyError::KeyUnavailable)?;
            let key = certificate(pem, now)?;
            check(pubkey::verify_rsa_pkcs1v15(
                &key,
                RsaDigest::Sha256,
                token.signing_input.as_bytes(),
                &token.signature,
            ))?;
            google_claims(auth, &token.claims, now)
        }
        Provider::Plaid => {
            let wanted = key_fetch(provider, auth, inbound)?;
            let token =
                header(inbound, "plaid-verification").map_err(|_| VerifyError::SignatureMissing)?;
            let token = jwt::parse(token).ok_or(VerifyError::SignatureMalformed)?;
            let kid = plaid_kid(&token)?;
            let jwk_text = match &auth.jwk {
                Some(pinned) => pinned.as_str(),
                None => document(wanted, doc)?,
            };
            let jwk = plaid_jwk(jwk_text).ok_or(match auth.jwk {
                Some(_) => VerifyError::Misconfigured("the pinned jwk does not parse"),
                None => VerifyError::KeyUnavailable,
            })?;
            if jwk.get("kid").and_then(|k| k.as_str()) != Some(kid) {
                return Err(VerifyError::KeyUnavailable);
            }
            if let Some(expired) = jwk.get("expired_at").and_then(|e| e.as_u64()) {
                if expired <= now.0 / 1000 {
                    return Err(VerifyError::KeyUnavailable);
                }
            }
            let key = pubkey::p256_jwk(&jwk).ok_or(VerifyError::KeyUnavailable)?;
            check(pubkey::verify_p256_raw(
                &key,
                token.signing_input.as_bytes(),
                &token.signature,
            ))?;
            plaid_claims(&token.claims, &inbound.body, now)
        }
    }
}

fn check(ok: bool) -> Result<usize, VerifyError> {
    if ok {
        Ok(0)
    } else {
        Err(VerifyError::SignatureMismatch)
    }
}

/// Plaid's key: the `key` member of its endpoint's answer, or a bare JWK (pinned).
pub fn plaid_jwk(text: &str) -> Option<serde_json::Value> {
    let mut value: serde_json::Value = serde_json::from_str(text).ok()?;
    if let Some(key) = value.get_mut("key") {
        value = key.take();
    }
    value.is_object().then_some(value)
}

/// Pub/Sub's claims (its "authenticate push subscriptions" page): Google's issuer, the
/// audience the subscription was given, the service account's verified email, and an
/// unexpired token.
fn google_claims(auth: &AuthConfig, claims: &[u8], now: UnixMillis) -> Result<usize, VerifyError> {
    #[derive(serde::Deserialize)]
    struct Claims {
        iss: Option<String>,
        aud: Option<String>,
        email: Option<String>,
        email_verified: Option<bool>,
        exp: Option<u64>,
    }
    let c: Claims = serde_json::from_slice(claims).map_err(|_| VerifyError::ClaimMismatch)?;
    let exp = c.exp.ok_or(VerifyError::TimestampMissing)?;
    if now.0 / 1000 >= exp {
        return Err(VerifyError::TimestampOutOfTolerance);
    }
    let issuer_ok = c
        .iss
        .as_deref()
        .is_some_and(|i| GOOGLE_ISSUERS.contains(&i));
    let audience_ok = c.aud.is_some() && c.aud.as_deref() == auth.audience.as_deref();
    let email_ok = c.email.is_some() && c.email.as_deref() == auth.service_account.as_deref();
    if issuer_ok && audience_ok && email_ok && c.email_verified == Some(true) {
        Ok(0)
    } else {
        Err(VerifyError::ClaimMismatch)
    }
}

/// Plaid's claims: `iat` at most 5 minutes old, and `request_body_sha256` the hex
/// SHA-256 of the body, compared in constant time. (Plaid signs the body's hash, not the
/// body: the hash is computed here, once; the shell's digest is taken after verification.)
fn plaid_claims(claims: &[u8], body: &[u8], now: UnixMillis) -> Result<usize, VerifyError> {
    use sha2::Digest as _;
    use subtle::ConstantTimeEq as _;
    #[derive(serde::Deserialize)]
    struct Claims {
        iat: Option<u64>,
        request_body_sha256: Option<String>,
    }
    let c: Claims = serde_json::from_slice(claims).map_err(|_| VerifyError::ClaimMismatch)?;
    let iat = c.iat.ok_or(VerifyError::TimestampMissing)?;
    if (now.0 / 1000).abs_diff(iat) > PLAID_MAX_AGE_S {
        return Err(VerifyError::TimestampOutOfTolerance);
    }
    let claimed = c.request_body_sha256.ok_or(VerifyError::ClaimMismatch)?;
    let actual = hex::encode(sha2::Sha256::digest(body));
    if bool::from(claimed.as_bytes().ct_eq(actual.as_bytes())) {
        Ok(0)
    } else {
        Err(VerifyError::ClaimMismatch)
    }
}

/// Whether `doc` holds the key `inbound` names. Only Google's document is a set (by
/// `kid`, rotated): a cached copy without the request's key is fetched again (at most
/// once a minute, by the shell). The others are one key per cache key.
pub fn has_key(provider: Provider, inbound: &Inbound, doc: &KeyDocument) -> bool {
    if provider != Provider::GooglePubsub {
        return true;
    }
    let Some(kid) = bearer(inbound)
        .ok()
        .and_then(jwt::parse)
        .and_then(|t| t.kid)
    else {
        return true;
    };
    serde_json::from_str::<std::collections::HashMap<String, String>>(&doc.text)
        .is_ok_and(|certs| certs.contains_key(&kid))
}

/// Until when (Unix ms) a fetched document may be used, or `None` when it is not a
/// usable document (nothing is cached; the request is `key_unavailable`). Google's
/// `Cache-Control: max-age` is honoured (between a minute and a day); the others, whose
/// documents do not change at their URL, are kept a day, and a certificate never past
/// its `notAfter`.
pub fn usable_until(
    provider: Provider,
    cache_control: Option<&str>,
    text: &str,
    now: UnixMillis,
) -> Option<u64> {
    let now_s = now.0 / 1000;
    let day = now_s + DEFAULT_LIFETIME_S;
    let until_s = match provider {
        Provider::AwsSns | Provider::Paypal => {
            let cert = pubkey::rsa_certificate_pem(text)?;
            (cert.not_after > now_s).then_some(day.min(cert.not_after))?
        }
        Provider::GooglePubsub => {
            let certs: std::collections::HashMap<String, String> =
                serde_json::from_str(text).ok()?;
            let valid = certs
                .values()
                .filter_map(|pem| pubkey::rsa_certificate_pem(pem))
                .count();
            if valid == 0 {
                return None;
            }
            let max_age = cache_control
                .and_then(max_age_s)
                .unwrap_or(3600)
                .clamp(MIN_LIFETIME_S, DEFAULT_LIFETIME_S);
            now_s + max_age
        }
        Provider::Plaid => {
            let jwk = plaid_jwk(text)?;
            pubkey::p256_jwk(&jwk)?;
            day
        }
    };
    Some(until_s.saturating_mul(1000))
}

/// `max-age=N` of a `Cache-Control` value.
pub fn max_age_s(cache_control: &str) -> Option<u64> {
    cache_control.split(',').find_map(|d| {
        let (k, v) = d.trim().split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("max-age")
            .then(|| v.trim().parse().ok())
            .flatten()
    })
}

/// The `SubscribeURL` to visit for a verified SNS `SubscriptionConfirmation`, when the
/// record says to confirm (`auth.auto_confirm`) and the URL is an SNS endpoint.
pub fn sns_confirmation(auth: &AuthConfig, body: &[u8]) -> Option<String> {
    if !auth.auto_confirm {
        return None;
    }
    let message = sns::parse(body)?;
    if message.kind.as_deref() != Some("SubscriptionConfirmation") {
        return None;
    }
    sns::subscribe_url(message.subscribe_url.as_deref()?).map(String::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paypal_certificates_come_from_paypal() {
        assert!(paypal_cert_url(
            "https://api.paypal.com/v1/notifications/certs/CERT-360caa42-fca2a594-a5cafa77"
        )
        .is_some());
        assert!(paypal_cert_url(
            "https://api.sandbox.paypal.com/v1/notifications/certs/CERT-360caa42"
        )
        .is_some());
        for bad in [
            "http://api.paypal.com/v1/notifications/certs/C",
            "https://api.paypal.com.evil.com/v1/notifications/certs/C",
            "https://evil.com/v1/notifications/certs/C",
            "https://api.paypal.com/v1/other/C",
            "https://api.paypal.com:444/v1/notifications/certs/C",
            "https://api.paypal.com/v1/notifications/certs/C?x=1",
        ] {
            assert!(paypal_cert_url(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn cache_control_max_age() {
        assert_eq!(
            max_age_s("public, max-age=19433, must-revalidate, no-transform"),
            Some(19433)
        );
        assert_eq!(max_age_s("no-store"), None);
        assert_eq!(max_age_s("max-age=abc"), None);
    }
}
