//! Whole verification for every scheme with attacker-controlled headers and body: never
//! panics, and never verifies (the fuzzer cannot know the secret). The header names come
//! from the scheme descriptors, so a new provider is fuzzed without touching this file.
#![no_main]

use hookgate_core::model::scheme::{Check, KeyFormat, Piece, TimestampSource};
use hookgate_core::model::{Scheme, WebhookRecord};
use hookgate_core::request::{Headers, Inbound, RouteMatch};
use hookgate_core::time::UnixMillis;
use hookgate_core::verify::verify;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

/// Every header any descriptor reads, plus the template's below.
fn header_names() -> &'static [&'static str] {
    static NAMES: OnceLock<Vec<&'static str>> = OnceLock::new();
    NAMES.get_or_init(|| {
        let mut names = vec!["x-sig", "x-ts"];
        for scheme in Scheme::ALL {
            match &scheme.descriptor().check {
                Check::SharedSecret { headers } => names.extend(headers.iter().copied()),
                Check::Hmac(layout) => {
                    names.extend(layout.signature.header_names());
                    match layout.timestamp {
                        Some(TimestampSource::UnixSecondsHeader(h))
                        | Some(TimestampSource::Rfc3339Header(h))
                        | Some(TimestampSource::UnixMillisHeader(h))
                        | Some(TimestampSource::UtcIso8601Header(h)) => names.push(h),
                        _ => {}
                    }
                    for piece in layout.content.iter() {
                        match piece {
                            Piece::Header(h) => names.push(h),
                            Piece::ContentfulCanonicalRequest => {
                                names.push("x-contentful-signed-headers")
                            }
                            _ => {}
                        }
                    }
                }
                Check::PublicKey(layout) => {
                    names.push(layout.signature_header);
                    names.push(layout.timestamp_header);
                }
                Check::FetchedKey(provider) => names.extend(provider.headers()),
                Check::TokenOrSigned { headers, signed } => {
                    names.extend(headers.iter().copied());
                    names.extend(signed.signature.header_names());
                    names.push("webhook-timestamp");
                    names.push("webhook-id");
                }
                Check::BasicAuth => names.push("authorization"),
                Check::AdyenNotificationItems => {}
                Check::UrlKey | Check::Template | Check::ClientState => {}
            }
        }
        names.dedup();
        names
    })
}

fn record(scheme: Scheme) -> WebhookRecord {
    let template = if scheme == Scheme::Hmac {
        r#","template":{"algorithm":"sha256","encoding":"hex","header":"x-sig","content":"{timestamp}.{body}","timestamp_header":"x-ts"}"#
    } else {
        ""
    };
    let secret = match scheme {
        Scheme::StandardWebhooks | Scheme::Svix => "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        // Public keys whose private halves the fuzzer does not have.
        Scheme::Discord => "bba8da10264636cc4a43dfacecb58374832f198e2319b2a1f8eab2f99b518469",
        Scheme::Sendgrid => "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE83T4O/n84iotIvIW4mdBgQ/7dAfSmpqIM8kF9mN1flpVKS3GRqe62gw+2fNNRaINXvVpiglSI8eNEc6wEA3F+g==",
        // Base64 of at least 16 bytes (Airtable's macSecretBase64): "fuzz-secret-value-16".
        _ => match scheme.descriptor().key {
            KeyFormat::Base64 => "ZnV6ei1zZWNyZXQtdmFsdWUtMTY=",
            // The Standard Webhooks aliases (Polar's too): whsec_ + base64.
            KeyFormat::Whsec | KeyFormat::PolarSecret => "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            // Adyen's HMAC key: hex of "fuzz-secret-value-16".
            KeyFormat::Hex => "66757a7a2d7365637265742d76616c75652d3136",
            // Postmark, Pipedrive, Chargebee: username:password.
            KeyFormat::BasicCredentials => "fuzz:secret-value",
            _ => "fuzz-secret-value",
        },
    };
    // Each scheme's own settings (the fetched-key schemes verify nothing without their
    // key document, which `verify` does not have: every one ends refused).
    let template = match scheme {
        Scheme::Meta => r#","verify_token":"fuzz-verify-token""#,
        Scheme::AwsSns => r#","topic_arns":["arn:aws:sns:us-east-1:123456789012:fuzz"]"#,
        Scheme::Paypal => r#","webhook_id":"8PT597110X687430LKGECATA""#,
        Scheme::GooglePubsub => {
            r#","audience":"https://hooks.example.com/f","service_account":"fuzz@example.iam.gserviceaccount.com""#
        }
        Scheme::Plaid => r#","client_id":"fuzz-client""#,
        _ => template,
    };
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
        header_names()
            .iter()
            .zip(head.split('\n'))
            .map(|(k, v)| (k.to_string(), v.to_string())),
    );
    for scheme in Scheme::ALL {
        let inbound = Inbound {
            method: "POST".into(),
            url: format!("https://hooks.example.com/f/{}", head.len()),
            query: None,
            headers: headers.clone(),
            source_ip: None,
            body: body.as_bytes().to_vec(),
        };
        let record = record(scheme);
        let route = if scheme == Scheme::UrlKey {
            let path = hookgate_core::path::WebhookPath::parse_request(&format!(
                "/f/{}",
                head.replace(['/', '%', '.'], "x")
            ));
            match path {
                Ok(p) => match hookgate_core::request::resolve_route(&p, None, Some(record.into()))
                {
                    Some(r) => r,
                    None => continue,
                },
                Err(_) => continue,
            }
        } else {
            RouteMatch::exact(record)
        };
        let result = verify(route, inbound, UnixMillis(1_614_265_330_000));
        assert!(
            result.is_err(),
            "{} verified a fuzzed request",
            scheme.name()
        );
    }
});
