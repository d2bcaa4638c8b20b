//! What the fetched-key schemes parse from senders and from key hosts: SNS messages
//! (string to sign, certificate and subscribe URLs), JWTs, PayPal's certificate URL,
//! PEM X.509 certificates (`x509-cert`/`der`), Google's certificate sets, Plaid's JWKs
//! and `Cache-Control`. Never panics; what one parser accepts the next may reject, but
//! nothing is read past its bound.
#![no_main]

use hookgate_core::pubkey;
use hookgate_core::time::UnixMillis;
use hookgate_core::verify::fetched::{self, jwt, sns, Provider};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Some(message) = sns::parse(data) {
        let _ = message.string_to_sign();
        let _ = message.digest();
        if let Some(url) = message.signing_cert_url.as_deref() {
            let _ = sns::cert_url(url);
        }
        if let Some(url) = message.subscribe_url.as_deref() {
            let _ = sns::subscribe_url(url);
        }
    }
    let _ = sns::cert_url(&text);
    let _ = fetched::paypal_cert_url(&text);
    if let Some(token) = jwt::parse(&text) {
        assert!(token.signing_input.len() <= jwt::MAX_JWT_LEN);
    }
    let _ = pubkey::rsa_certificate_pem(&text);
    if let Some(jwk) = fetched::plaid_jwk(&text) {
        let _ = pubkey::p256_jwk(&jwk);
    }
    let _ = fetched::max_age_s(&text);
    for provider in [
        Provider::AwsSns,
        Provider::Paypal,
        Provider::GooglePubsub,
        Provider::Plaid,
    ] {
        let _ = fetched::usable_until(provider, Some(&text), &text, UnixMillis(1_764_590_400_000));
    }
});
