//! GitLab's two credentials on one webhook: the secret token, sent as it is in
//! `X-Gitlab-Token`, and the signing token (`whsec_…`), which signs the request as
//! Standard Webhooks. Which check applies follows the stored secrets' form, never the
//! request's headers alone: with a signing token stored, a request carrying a signature
//! is checked against the signing tokens only; a request without one is checked as a
//! secret token, which needs a secret token stored (otherwise the signature is missing).
//! GitLab ≥ 19 sends `webhook-id` and `webhook-timestamp` on every delivery, signed or
//! not, so only `webhook-signature` says a request is signed.

use super::{engine, first_matching_secret, VerifyError};
use crate::model::scheme::Layout;
use crate::model::AuthConfig;
use crate::request::Inbound;
use crate::time::UnixMillis;

pub(super) fn run(
    token_headers: &[&str],
    signed: &Layout<'_>,
    auth: &AuthConfig,
    inbound: &Inbound,
    now: UnixMillis,
) -> Result<usize, VerifyError> {
    let scheme = auth.scheme();
    let signing = |s: &crate::secret::Secret| scheme.is_signing_token(s.expose());
    let carries_signature = signed
        .signature
        .header_names()
        .iter()
        .any(|h| inbound.headers.get(h).is_some());
    if auth.checks_signing_tokens(carries_signature) {
        return engine::run_for(signed, auth, inbound, now, signing);
    }
    let presented = token_headers
        .iter()
        .find_map(|h| inbound.headers.get(h))
        .ok_or(VerifyError::SecretMissing)?
        .trim();
    first_matching_secret(auth, now, VerifyError::SecretMismatch, |secret| {
        // Every secret is compared (constant time); a signing token never matches.
        Ok(secret.matches(presented.as_bytes()) & !signing(secret))
    })
}
