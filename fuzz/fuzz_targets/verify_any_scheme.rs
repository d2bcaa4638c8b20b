//! Whole verification for every scheme with attacker-controlled headers and body: never
//! panics, and never verifies (the fuzzer cannot know the secret).
#![no_main]

use hookgate_core::record::{Scheme, WebhookRecord};
use hookgate_core::request::{Headers, RouteMatch};
use hookgate_core::time::UnixMillis;
use hookgate_core::verify::{verify, Inbound};
use libfuzzer_sys::fuzz_target;

const HEADER_NAMES: &[&str] = &[
    "x-webhook-signature", "x-webhook-secret", "x-hub-signature-256", "x-hub-signature",
    "stripe-signature", "x-slack-signature", "x-slack-request-timestamp",
    "x-shopify-hmac-sha256", "x-twilio-signature", "webhook-id", "webhook-timestamp",
    "webhook-signature", "svix-id", "svix-timestamp", "svix-signature", "paddle-signature",
    "linear-signature", "x-zm-signature", "x-zm-request-timestamp",
    "twitch-eventsub-message-id", "twitch-eventsub-message-timestamp",
    "twitch-eventsub-message-signature", "x-sig", "x-ts",
];

fn record(scheme: Scheme) -> WebhookRecord {
    let template = if scheme == Scheme::Hmac {
        r#","template":{"algorithm":"sha256","encoding":"hex","header":"x-sig","content":"{timestamp}.{body}","timestamp_header":"x-ts"}"#
    } else {
        ""
    };
    let secret = if scheme.uses_whsec_secret() { "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" } else { "fuzz-secret-value" };
    let json = format!(
        r#"{{"format":1,"id":"wh_000000000000000000000001","name":"f","path":"/f","enabled":true,"methods":["POST"],"max_body_bytes":1048576,"auth":{{"scheme":"{}","secrets":[{{"value":"{secret}"}}]{template}}},"target":{{"queue":"EVENTS"}},"created_at":"","updated_at":""}}"#,
        scheme.name()
    );
    WebhookRecord::decode(&json).unwrap()
}

fuzz_target!(|data: &[u8]| {
    // Layout: value for each known header separated by '\n', then the body after "\n\n".
    let text = String::from_utf8_lossy(data);
    let (head, body) = text.split_once("\n\n").unwrap_or((&text, ""));
    let headers = Headers::new(
        HEADER_NAMES
            .iter()
            .zip(head.split('\n'))
            .map(|(k, v)| (k.to_string(), v.to_string())),
    );
    for scheme in Scheme::ALL {
        let inbound = Inbound {
            method: "POST".into(),
            url: format!("https://hooks.example.com/f/{}", head.len()),
            raw_path: "/f".into(),
            query: None,
            headers: headers.clone(),
            source_ip: None,
            body: body.as_bytes().to_vec(),
        };
        let url_key = (scheme == Scheme::UrlKey).then(|| head.to_string());
        let route = RouteMatch { record: record(scheme), url_key };
        let result = verify(route, inbound, UnixMillis(1_614_265_330_000));
        assert!(result.is_err(), "{} verified a fuzzed request", scheme.name());
    }
});
