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
