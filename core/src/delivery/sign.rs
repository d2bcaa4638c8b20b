//! The Standard Webhooks signature hookgate puts on everything it forwards, so an
//! origin verifies one scheme whatever the provider: `webhook-id` (the delivery id),
//! `webhook-timestamp` (Unix seconds) and `webhook-signature`, one `v1,<base64>` per
//! active forwarding secret (several during a rotation), over `{id}.{timestamp}.{body}`.

use crate::codec;
use crate::model::StoredSecret;
use crate::time::UnixMillis;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use hmac::{Hmac, Mac};

pub fn signature(
    secrets: &[StoredSecret],
    delivery_id: &str,
    timestamp_s: u64,
    body: &[u8],
    now: UnixMillis,
) -> String {
    let mut out = Vec::new();
    for s in secrets.iter().filter(|s| s.active_at(now)) {
        let raw = s.value().expose();
        let Some(key) = codec::base64(raw.strip_prefix("whsec_").unwrap_or(raw)) else {
            continue;
        };
        let mut mac = Hmac::<sha2::Sha256>::new_from_slice(&key).expect("any key length");
        mac.update(delivery_id.as_bytes());
        mac.update(b".");
        mac.update(timestamp_s.to_string().as_bytes());
        mac.update(b".");
        mac.update(body);
        out.push(format!(
            "v1,{}",
            STANDARD.encode(mac.finalize().into_bytes())
        ));
    }
    out.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret::Secret;

    /// The Standard Webhooks specification's own example, verified by our verifier too.
    #[test]
    fn matches_the_standard_webhooks_example() {
        let secret = StoredSecret::new(Secret::from_string(
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".into(),
        ));
        let sig = signature(
            &[secret],
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1614265330,
            br#"{"test": 2432232314}"#,
            UnixMillis(0),
        );
        assert_eq!(sig, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    #[test]
    fn one_signature_per_active_secret() {
        let a = StoredSecret::new(Secret::from_string(
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".into(),
        ));
        let mut b = StoredSecret::new(Secret::from_string("whsec_AAAAAAAAAAAAAAAAAAAAAAAA".into()));
        assert_eq!(
            signature(&[a.clone(), b.clone()], "m", 1, b"x", UnixMillis(0))
                .split(' ')
                .count(),
            2
        );
        b.not_after_ms = Some(10);
        assert_eq!(
            signature(&[a, b], "m", 1, b"x", UnixMillis(10))
                .split(' ')
                .count(),
            1
        );
    }
}
