//! The operator's pasted public keys and the senders' signatures: hex Ed25519 keys,
//! base64 DER SubjectPublicKeyInfo (P-256), DER ECDSA signatures. Never panics, and a
//! fuzzed signature never verifies.
#![no_main]

use hookgate_core::pubkey;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = pubkey::ed25519_hex(&text);
    let _ = pubkey::p256_spki_base64(&text);
    let key = pubkey::p256_spki_base64(
        "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE83T4O/n84iotIvIW4mdBgQ/7dAfSmpqIM8kF9mN1flpVKS3GRqe62gw+2fNNRaINXvVpiglSI8eNEc6wEA3F+g==",
    )
    .unwrap();
    let _ = pubkey::is_p256_der_signature(data);
    assert!(!pubkey::verify_p256_der(&key, b"fuzz", data));
    let ed = pubkey::ed25519_hex("bba8da10264636cc4a43dfacecb58374832f198e2319b2a1f8eab2f99b518469").unwrap();
    assert!(!pubkey::verify_ed25519(&ed, b"fuzz", data));
});
