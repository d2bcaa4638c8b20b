//! The handshakes that come before any signature (Meta, Twitter CRC, Dropbox, Microsoft
//! Graph, Okta, and Asana's X-Hook-Secret on an armed record) with attacker-controlled
//! method, query, headers and body: never panics; whatever verifies is a handshake
//! (answered, never an event to forward), an echo is never longer than the bound, and
//! Asana's answer echoes exactly the secret it plants.
#![no_main]

use hookgate_core::model::{Scheme, WebhookRecord};
use hookgate_core::request::{Headers, Inbound, RouteMatch};
use hookgate_core::time::UnixMillis;
use hookgate_core::verify::handshake::{handshake, MAX_CHALLENGE_LEN};
use hookgate_core::verify::verify;
use libfuzzer_sys::fuzz_target;

fn record(scheme: Scheme) -> WebhookRecord {
    record_with_secret(scheme, "fuzz-secret-value")
}

fn record_with_secret(scheme: Scheme, secret: &str) -> WebhookRecord {
    let extra = if scheme == Scheme::Meta {
        r#","verify_token":"fuzz-verify-token""#
    } else {
        ""
    };
    let json = format!(
        r#"{{"format":1,"id":"wh_000000000000000000000001","name":"f","path":"/f","enabled":true,"methods":["POST"],"max_body_bytes":1048576,"auth":{{"scheme":"{}","secrets":[{{"value":"{secret}"}}]{extra}}},"target":{{"queue":"EVENTS"}},"created_at":"","updated_at":""}}"#,
        scheme.name()
    );
    WebhookRecord::decode(&json).unwrap()
}

fuzz_target!(|data: &[u8]| {
    // Layout: method, query, Okta's header, then the body, separated by '\n'.
    let text = String::from_utf8_lossy(data);
    let mut parts = text.splitn(4, '\n');
    let method = if parts.next().unwrap_or_default().len() % 2 == 0 { "GET" } else { "POST" };
    let query = parts.next().map(str::to_string);
    let okta = parts.next().unwrap_or_default().to_string();
    let body = parts.next().unwrap_or_default().as_bytes().to_vec();
    for scheme in [
        Scheme::Meta,
        Scheme::Twitter,
        Scheme::Dropbox,
        Scheme::MicrosoftGraph,
        Scheme::Okta,
    ] {
        let inbound = Inbound {
            method: method.into(),
            url: "https://hooks.example.com/f".into(),
            query: query.clone(),
            headers: Headers::new([("x-okta-verification-challenge".to_string(), okta.clone())]),
            source_ip: None,
            body: body.clone(),
        };
        if let Ok(v) = verify(RouteMatch::exact(record(scheme)), inbound, UnixMillis(0)) {
            let reply = handshake(&v);
            let fuzzed_graph_event = scheme == Scheme::MicrosoftGraph;
            // Graph's clientState is the record's secret, which the fuzzer may guess only
            // by finding "fuzz-secret-value" in the body.
            if !fuzzed_graph_event {
                let reply = reply.unwrap_or_else(|| panic!("{} forwarded a fuzzed request", scheme.name()));
                assert!(reply.body.len() <= MAX_CHALLENGE_LEN + 64, "{}", scheme.name());
            }
        }
    }
    // Notion's unsigned verification request: accepted only in its exact shape and only
    // while the webhook holds hookgate's placeholder, and then never as a signed event.
    let notion = |secret: &str| {
        let inbound = Inbound {
            method: method.into(),
            url: "https://hooks.example.com/f".into(),
            query: query.clone(),
            headers: Headers::new([("x-okta-verification-challenge".to_string(), okta.clone())]),
            source_ip: None,
            body: body.clone(),
        };
        verify(RouteMatch::exact(record_with_secret(Scheme::Notion, secret)), inbound, UnixMillis(0))
    };
    if let Ok(v) = notion("hgs_fuzz-placeholder-secret") {
        assert!(v.is_unsigned_setup() && method == "POST");
        let parsed: serde_json::Value = serde_json::from_slice(&body).unwrap();
        let members = parsed.as_object().unwrap();
        assert_eq!(members.len(), 1);
        let token = members["verification_token"].as_str().unwrap();
        assert!(!token.is_empty() && token.len() <= MAX_CHALLENGE_LEN);
        assert!(token.bytes().all(|b| b.is_ascii_graphic()));
    }
    assert!(notion("secret_fuzz-stored-token").is_err(), "an unsigned body verified");
    // Asana: the fuzzed header as X-Hook-Secret, to a record armed for as long as a u64
    // lasts and holding no secret yet.
    let asana = WebhookRecord::decode(
        r#"{"format":1,"id":"wh_000000000000000000000001","name":"f","path":"/f","enabled":true,"methods":["POST"],"max_body_bytes":1048576,"auth":{"scheme":"asana","secrets":[],"arming":{"until_ms":18446744073709551615}},"target":{"queue":"EVENTS"},"created_at":"","updated_at":""}"#,
    )
    .unwrap();
    let inbound = Inbound {
        method: method.into(),
        url: "https://hooks.example.com/f".into(),
        query: query.clone(),
        headers: Headers::new([("x-hook-secret".to_string(), okta.clone())]),
        source_ip: None,
        body: body.clone(),
    };
    if let Ok(v) = verify(RouteMatch::exact(asana), inbound, UnixMillis(0)) {
        let planted = v.planted_secret().expect("a verified asana request is its handshake");
        let reply = handshake(&v).expect("answered");
        assert_eq!(reply.headers[0].1.as_str(), planted.expose());
    }
});
