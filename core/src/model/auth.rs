//! The stored verification settings of a webhook.

use super::scheme::KeyFormat;
use super::template::HmacTemplate;
use super::Scheme;
use crate::codec;
use crate::secret::Secret;
use crate::time::UnixMillis;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// The key a secret stands for, and the other one it may also stand for (Polar).
pub type KeyPair<'s> = (Cow<'s, [u8]>, Option<Cow<'s, [u8]>>);

/// How a secret string becomes HMAC key bytes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SecretEncoding {
    /// The string's UTF-8 bytes (almost every provider).
    #[default]
    Utf8,
    /// Standard base64, padding optional.
    Base64,
}

impl SecretEncoding {
    pub(crate) fn is_utf8(&self) -> bool {
        *self == SecretEncoding::Utf8
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct StoredSecret {
    pub(crate) value: Secret,
    /// Unix milliseconds after which this secret no longer verifies (set by rotation).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) not_after_ms: Option<u64>,
}

impl StoredSecret {
    pub(crate) fn new(value: Secret) -> StoredSecret {
        StoredSecret {
            value,
            not_after_ms: None,
        }
    }

    pub fn value(&self) -> &Secret {
        &self.value
    }

    pub fn not_after(&self) -> Option<UnixMillis> {
        self.not_after_ms.map(UnixMillis)
    }

    pub fn active_at(&self, now: UnixMillis) -> bool {
        self.not_after_ms.is_none_or(|t| now.0 < t)
    }
}

/// `auth` of a stored record. Holding one from a decoded or validated record means
/// [`crate::model::rules`] passed: at least one secret, each usable by the scheme.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthConfig {
    pub(crate) scheme: Scheme,
    /// Lowercase header name overriding the scheme's default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) header: Option<String>,
    /// Every secret currently accepted (several during a rotation), newest first.
    pub(crate) secrets: Vec<StoredSecret>,
    /// Replay window override, for schemes that sign a timestamp.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) tolerance_s: Option<u64>,
    #[serde(default, skip_serializing_if = "SecretEncoding::is_utf8")]
    pub(crate) secret_encoding: SecretEncoding,
    /// Only for `hmac`: what is signed and how.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) template: Option<HmacTemplate>,
    /// Only for `meta`: the token its subscription GET must present as
    /// `hub.verify_token` (chosen by the operator, pasted into Meta's dashboard).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) verify_token: Option<Secret>,
    /// Only for schemes that sign the URL the provider was told to call (Square, Trello):
    /// that URL, when it is not the one requests arrive at (a proxy in front).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) notification_url: Option<String>,
    /// Only for a scheme whose handshake plants the secret (`asana`): whether, and until
    /// when, that handshake is accepted (`model::arming`). Absent: not armed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) arming: Option<super::arming::Arming>,
    /// Only for `aws-sns`: the topics whose messages are accepted (at least one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) topic_arns: Option<Vec<String>>,
    /// Only for `aws-sns`: confirm a verified `SubscriptionConfirmation` by visiting its
    /// `SubscribeURL` (else it is forwarded like any message).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub(crate) auto_confirm: bool,
    /// Only for `paypal`: the webhook's id in PayPal's dashboard (PayPal signs it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) webhook_id: Option<String>,
    /// Only for `google-pubsub`: the token's `aud` (the subscription's audience).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) audience: Option<String>,
    /// Only for `google-pubsub`: the push subscription's service account (`email`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) service_account: Option<String>,
    /// Only for `plaid`: the client id its key endpoint is asked with (with the secret).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) client_id: Option<String>,
    /// Only for `plaid`: which of Plaid's hosts holds the keys (production by default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) environment: Option<crate::verify::fetched::PlaidEnvironment>,
    /// Only for `plaid`: a JWK the operator pins instead of fetching Plaid's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) jwk: Option<String>,
}

/// The generic template's window when it signs a timestamp and sets none.
pub const TEMPLATE_DEFAULT_TOLERANCE_S: u64 = 300;

impl AuthConfig {
    pub fn scheme(&self) -> Scheme {
        self.scheme
    }

    pub fn header(&self) -> Option<&str> {
        self.header.as_deref()
    }

    /// GitLab (`Check::TokenOrSigned`): whether a request is checked against the
    /// signing tokens (`whsec_…`) rather than compared as a secret token. Follows the
    /// stored secrets' form: with a signing token stored, a request carrying a signature
    /// is checked as signed, and so is every request when no secret token is stored.
    pub fn checks_signing_tokens(&self, carries_signature: bool) -> bool {
        let signing = |s: &StoredSecret| self.scheme.is_signing_token(s.value().expose());
        let has_signing = self.secrets().iter().any(signing);
        let has_token = self.secrets().iter().any(|s| !signing(s));
        has_signing && (carries_signature || !has_token)
    }

    pub fn secrets(&self) -> &[StoredSecret] {
        &self.secrets
    }

    pub fn secret_encoding(&self) -> SecretEncoding {
        self.secret_encoding
    }

    pub fn template(&self) -> Option<&HmacTemplate> {
        self.template.as_ref()
    }

    pub fn verify_token(&self) -> Option<&Secret> {
        self.verify_token.as_ref()
    }

    pub fn notification_url(&self) -> Option<&str> {
        self.notification_url.as_deref()
    }

    pub fn arming(&self) -> Option<super::arming::Arming> {
        self.arming
    }

    pub fn topic_arns(&self) -> &[String] {
        self.topic_arns.as_deref().unwrap_or_default()
    }

    pub fn auto_confirm(&self) -> bool {
        self.auto_confirm
    }

    pub fn webhook_id(&self) -> Option<&str> {
        self.webhook_id.as_deref()
    }

    pub fn audience(&self) -> Option<&str> {
        self.audience.as_deref()
    }

    pub fn service_account(&self) -> Option<&str> {
        self.service_account.as_deref()
    }

    pub fn client_id(&self) -> Option<&str> {
        self.client_id.as_deref()
    }

    pub fn environment(&self) -> Option<crate::verify::fetched::PlaidEnvironment> {
        self.environment
    }

    pub fn jwk(&self) -> Option<&str> {
        self.jwk.as_deref()
    }

    /// The replay window in force: the override, else the provider's, else 300 s for a
    /// template that signs a timestamp.
    pub fn tolerance_s(&self) -> Option<u64> {
        let template_signs_time = self
            .template
            .as_ref()
            .is_some_and(|t| t.timestamp_header.is_some());
        self.tolerance_s
            .or(self.scheme.descriptor().default_tolerance_s)
            .or(template_signs_time.then_some(TEMPLATE_DEFAULT_TOLERANCE_S))
    }

    /// The HMAC key bytes of one stored secret; `None` when it does not decode (which
    /// validation prevents, and verification treats as misconfiguration).
    pub fn key_bytes<'s>(&self, secret: &'s Secret) -> Option<Cow<'s, [u8]>> {
        self.keys(secret).map(|(key, _)| key)
    }

    /// The key a secret stands for, and the other key it may also stand for (Polar's
    /// `whsec_` secrets: decoded, or the text). Verification tries both; a signer uses
    /// the first.
    pub fn keys<'s>(&self, secret: &'s Secret) -> Option<KeyPair<'s>> {
        let raw = secret.expose();
        let text = || Cow::Borrowed(raw.as_bytes());
        Some(match (self.scheme.descriptor().key, self.secret_encoding) {
            (KeyFormat::Whsec, _) => (
                Cow::Owned(codec::base64(raw.strip_prefix("whsec_").unwrap_or(raw))?),
                None,
            ),
            (KeyFormat::TextOrBase64, SecretEncoding::Base64) | (KeyFormat::Base64, _) => {
                (Cow::Owned(codec::base64(raw)?), None)
            }
            (KeyFormat::Hex, _) => (Cow::Owned(hex::decode(raw.trim()).ok()?), None),
            (KeyFormat::TokenOrWhsec, _) => {
                match raw.strip_prefix("whsec_").and_then(codec::base64) {
                    Some(decoded) => (Cow::Owned(decoded), None),
                    None => (text(), None),
                }
            }
            (KeyFormat::PolarSecret, _) => {
                match raw.strip_prefix("whsec_").and_then(codec::base64) {
                    Some(decoded) => (Cow::Owned(decoded), Some(text())),
                    None => (text(), None),
                }
            }
            _ => (text(), None),
        })
    }

    /// Headers of this record that must never be forwarded besides every scheme's
    /// credential headers: the configured header and a template's signature and
    /// timestamp headers.
    pub fn own_credential_headers(&self) -> impl Iterator<Item = &str> {
        let template = self.template.as_ref();
        self.header
            .as_deref()
            .into_iter()
            .chain(template.map(|t| t.header.as_str()))
            .chain(template.and_then(|t| t.timestamp_header.as_deref()))
    }

    /// Whether a header is stripped from everything forwarded for this webhook (the
    /// rule `Headers::forwardable` applies): this record's own credential headers, any
    /// scheme's, or one named like a credential.
    pub fn never_forwarded(&self, lowercase_name: &str) -> bool {
        self.own_credential_headers().any(|h| h == lowercase_name)
            || super::providers::looks_like_credential(lowercase_name)
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::record;

    fn keys_of(scheme: &str, secret: &str) -> (Vec<u8>, Option<Vec<u8>>) {
        let r = record(&format!(
            r#"{{"path":"/h","auth":{{"scheme":"{scheme}","secret":"{secret}"}},"target":{{"queue":"EVENTS"}}}}"#
        ));
        let auth = r.auth();
        let (key, other) = auth.keys(auth.secrets()[0].value()).unwrap();
        (key.into_owned(), other.map(|k| k.into_owned()))
    }

    #[test]
    fn a_polar_whsec_secret_stands_for_two_keys_and_others_for_one() {
        let whsec = "whsec_cG9sYXItdW5pdC10ZXN0LWtleS1vZi0zMi1ieXRlcyE=";
        // Polar's newer secrets decode; its older ones key with their text: both tried.
        assert_eq!(
            keys_of("polar", whsec),
            (
                b"polar-unit-test-key-of-32-bytes!".to_vec(),
                Some(whsec.as_bytes().to_vec())
            )
        );
        // `polar_whs_` secrets, and `whsec_` ones that do not decode, are only text.
        for text in ["polar_whs_abcdefghijklmnop", "whsec_not-base64_at-all_here"] {
            assert_eq!(keys_of("polar", text), (text.as_bytes().to_vec(), None));
        }
        // Standard Webhooks' own secrets stand for their decoded bytes alone.
        assert_eq!(
            keys_of("standard-webhooks", whsec),
            (b"polar-unit-test-key-of-32-bytes!".to_vec(), None)
        );
    }
}
