//! Providers' public keys as operators paste them, and the signature checks made with
//! them (Ed25519 for Discord, ECDSA P-256 / SHA-256 for SendGrid), with RustCrypto's
//! `ed25519-dalek` and `p256`: pure, synchronous, natively tested, and the same code in
//! the Worker (BENCHMARKS.md weighs this against WebCrypto).

use crate::codec;
use p256::ecdsa::signature::Verifier as _;
use p256::pkcs8::DecodePublicKey;

/// Discord's application public key: 32 bytes as 64 hex digits, a valid curve point.
pub fn ed25519_hex(raw: &str) -> Option<ed25519_dalek::VerifyingKey> {
    let mut bytes = [0u8; 32];
    codec::hex_exact(raw.trim(), &mut bytes)?;
    ed25519_dalek::VerifyingKey::from_bytes(&bytes).ok()
}

/// SendGrid's verification key: base64 of a DER SubjectPublicKeyInfo holding a P-256 key.
pub fn p256_spki_base64(raw: &str) -> Option<p256::ecdsa::VerifyingKey> {
    let der = codec::base64(raw.trim())?;
    p256::ecdsa::VerifyingKey::from_public_key_der(&der).ok()
}

/// An Ed25519 signature (64 bytes) over `message`, verified strictly (RFC 8032's
/// canonical `S`; small-order keys refused).
pub fn verify_ed25519(key: &ed25519_dalek::VerifyingKey, message: &[u8], signature: &[u8]) -> bool {
    let Ok(bytes) = <[u8; 64]>::try_from(signature) else {
        return false;
    };
    let signature = ed25519_dalek::Signature::from_bytes(&bytes);
    key.verify_strict(message, &signature).is_ok()
}

/// An ASN.1 DER ECDSA signature over SHA-256 of `message`. A high-`S` signature is
/// normalized first: ECDSA accepts both, and signers other than RustCrypto emit both.
pub fn verify_p256_der(key: &p256::ecdsa::VerifyingKey, message: &[u8], der: &[u8]) -> bool {
    let Ok(signature) = p256::ecdsa::Signature::from_der(der) else {
        return false;
    };
    let signature = signature.normalize_s().unwrap_or(signature);
    key.verify(message, &signature).is_ok()
}

/// Whether `der` is shaped like a DER ECDSA signature (a malformed one is told apart from
/// a wrong one).
pub fn is_p256_der_signature(der: &[u8]) -> bool {
    p256::ecdsa::Signature::from_der(der).is_ok()
}

/// An RSA public key taken from an X.509 certificate, with the certificate's validity.
#[derive(Clone, Debug)]
pub struct CertifiedRsaKey {
    pub key: rsa::RsaPublicKey,
    /// Unix seconds.
    pub not_before: u64,
    pub not_after: u64,
}

/// The largest PEM document read (certificates are 1-3 KiB; Google's set is about 4 KiB).
pub const MAX_PEM_BYTES: usize = 16 * 1024;

/// The RSA key of one PEM certificate (`-----BEGIN CERTIFICATE-----`), parsed by
/// `x509-cert`; 2048 to 4096 bits (`rsa` refuses larger moduli itself). The chain is not
/// checked: the key is trusted because of where it was fetched from (an allow-listed
/// provider host over https), as the providers' own verifiers do.
pub fn rsa_certificate_pem(pem: &str) -> Option<CertifiedRsaKey> {
    use rsa::pkcs8::DecodePublicKey;
    use rsa::traits::PublicKeyParts;
    use x509_cert::der::{DecodePem, Encode};
    if pem.len() > MAX_PEM_BYTES {
        return None;
    }
    let cert = x509_cert::Certificate::from_pem(pem.trim().as_bytes()).ok()?;
    let tbs = &cert.tbs_certificate;
    let spki = tbs.subject_public_key_info.to_der().ok()?;
    let key = rsa::RsaPublicKey::from_public_key_der(&spki).ok()?;
    if key.size() < 256 {
        return None;
    }
    Some(CertifiedRsaKey {
        key,
        not_before: tbs.validity.not_before.to_unix_duration().as_secs(),
        not_after: tbs.validity.not_after.to_unix_duration().as_secs(),
    })
}

/// Which digest an RSA PKCS#1 v1.5 signature was made over.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RsaDigest {
    Sha1,
    Sha256,
}

/// RSA PKCS#1 v1.5 over `message` hashed with `digest` (RSASSA-PKCS1-v1_5: SHA1withRSA,
/// SHA256withRSA, JWT's RS256).
pub fn verify_rsa_pkcs1v15(
    key: &rsa::RsaPublicKey,
    digest: RsaDigest,
    message: &[u8],
    signature: &[u8],
) -> bool {
    use rsa::Pkcs1v15Sign;
    use sha2::Digest as _;
    match digest {
        RsaDigest::Sha1 => key.verify(
            Pkcs1v15Sign::new::<sha1::Sha1>(),
            &sha1::Sha1::digest(message),
            signature,
        ),
        RsaDigest::Sha256 => key.verify(
            Pkcs1v15Sign::new::<sha2::Sha256>(),
            &sha2::Sha256::digest(message),
            signature,
        ),
    }
    .is_ok()
}

/// A P-256 public key given as a JWK (`{"kty": "EC", "crv": "P-256", "x", "y"}`, the
/// coordinates base64url): Plaid's webhook verification keys.
pub fn p256_jwk(jwk: &serde_json::Value) -> Option<p256::ecdsa::VerifyingKey> {
    let member = |name: &str| jwk.get(name).and_then(serde_json::Value::as_str);
    if member("kty")? != "EC" || member("crv")? != "P-256" {
        return None;
    }
    let coordinate = |name: &str| -> Option<p256::FieldBytes> {
        let bytes = codec::base64url(member(name)?)?;
        (bytes.len() == 32).then(|| *p256::FieldBytes::from_slice(&bytes))
    };
    let point =
        p256::EncodedPoint::from_affine_coordinates(&coordinate("x")?, &coordinate("y")?, false);
    p256::ecdsa::VerifyingKey::from_encoded_point(&point).ok()
}

/// JWS ES256: the 64-byte `r || s` signature over SHA-256 of `message` (high `S`
/// normalized, as for SendGrid's).
pub fn verify_p256_raw(key: &p256::ecdsa::VerifyingKey, message: &[u8], raw: &[u8]) -> bool {
    let Ok(signature) = p256::ecdsa::Signature::from_slice(raw) else {
        return false;
    };
    let signature = signature.normalize_s().unwrap_or(signature);
    key.verify(message, &signature).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_in_the_wrong_shape_are_refused() {
        assert!(ed25519_hex("00").is_none());
        assert!(ed25519_hex(&"zz".repeat(32)).is_none());
        assert!(p256_spki_base64("not base64!").is_none());
        assert!(p256_spki_base64("AAAA").is_none());
    }
}
