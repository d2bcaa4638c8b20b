//! How each provider signs a request, written from the providers' documentation and
//! independently of `hookgate-core`: the end-to-end suite sends these as a sender would,
//! and the benchmark uses them for its signed cases.

mod a;
pub mod asana;
mod b;

use crate::client::unique;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use hmac::{Hmac, Mac};
use serde_json::{json, Value};

mod c;
mod d;
pub use d::adyen_notification;

pub fn hmac_sha256(key: &[u8], data: &[u8]) -> Vec<u8> {
    let mut m = Hmac::<sha2::Sha256>::new_from_slice(key).unwrap();
    m.update(data);
    m.finalize().into_bytes().to_vec()
}

/// Slack's and Zoom's `v0=` signature: hex HMAC-SHA256 of `v0:<timestamp>:<body>`.
pub fn v0_signature(secret: &str, ts: &str, body: &[u8]) -> String {
    let mut content = format!("v0:{ts}:").into_bytes();
    content.extend_from_slice(body);
    format!(
        "v0={}",
        hex::encode(hmac_sha256(secret.as_bytes(), &content))
    )
}

pub fn hmac_sha1(key: &[u8], data: &[u8]) -> Vec<u8> {
    let mut m = Hmac::<sha1::Sha1>::new_from_slice(key).unwrap();
    m.update(data);
    m.finalize().into_bytes().to_vec()
}

pub fn hmac_sha512(key: &[u8], data: &[u8]) -> Vec<u8> {
    let mut m = Hmac::<sha2::Sha512>::new_from_slice(key).unwrap();
    m.update(data);
    m.finalize().into_bytes().to_vec()
}

pub fn now_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

pub fn rfc3339_now() -> String {
    let out = std::process::Command::new("date")
        .args(["-u", "+%Y-%m-%dT%H:%M:%S.%NZ"])
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// What a sender sends: headers and body for a path.
pub struct Signed {
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

pub struct Provider {
    pub scheme: &'static str,
    /// Extra `auth` fields and the secret to register.
    pub auth: Value,
    pub secret: &'static str,
    /// Signs `body` for the URL the gateway will see.
    pub sign: fn(secret: &str, url: &str, body: &[u8]) -> Signed,
    pub body: &'static [u8],
    /// The same request with the body altered after signing.
    pub tamper: fn(&[u8]) -> Vec<u8>,
}

fn h(pairs: &[(&str, String)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
}

pub fn flip_last(body: &[u8]) -> Vec<u8> {
    let mut b = body.to_vec();
    let last = b.len() - 2;
    b[last] ^= 1;
    b
}

const WHSEC: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

fn standard_webhooks(prefix: &str, secret: &str, body: &[u8]) -> Signed {
    let key = STANDARD
        .decode(secret.trim_start_matches("whsec_"))
        .unwrap();
    let id = format!("msg_{}", unique("e2e"));
    let ts = now_secs().to_string();
    let mut content = format!("{id}.{ts}.").into_bytes();
    content.extend_from_slice(body);
    let sig = format!("v1,{}", STANDARD.encode(hmac_sha256(&key, &content)));
    Signed {
        headers: h(&[
            (&format!("{prefix}-id"), id),
            (&format!("{prefix}-timestamp"), ts),
            (&format!("{prefix}-signature"), sig),
        ]),
        body: body.to_vec(),
    }
}

/// Every scheme's sender: the first ones below, the catalogue's in the files beside this
/// one (each file's `providers()` added to this list).
pub fn providers() -> Vec<Provider> {
    [
        first_providers(),
        a::providers(),
        b::providers(),
        c::providers(),
        d::providers(),
    ]
    .into_iter()
    .flatten()
    .collect()
}

fn first_providers() -> Vec<Provider> {
    vec![
        Provider {
            scheme: "hmac-sha256-hex",
            auth: json!({}),
            secret: "kubiya-e2e-secret",
            sign: |s, _, b| Signed {
                headers: h(&[(
                    "X-Webhook-Signature",
                    hex::encode(hmac_sha256(s.as_bytes(), b)),
                )]),
                body: b.to_vec(),
            },
            body: br#"{"parameters":{"env":"prod"}}"#,
            tamper: flip_last,
        },
        Provider {
            scheme: "github",
            auth: json!({}),
            secret: "It's a Secret to Everybody",
            sign: |s, _, b| Signed {
                headers: h(&[(
                    "X-Hub-Signature-256",
                    format!("sha256={}", hex::encode(hmac_sha256(s.as_bytes(), b))),
                )]),
                body: b.to_vec(),
            },
            body: br#"{"action":"opened"}"#,
            tamper: flip_last,
        },
        Provider {
            scheme: "github-sha1",
            auth: json!({}),
            secret: "legacy-github-secret",
            sign: |s, _, b| Signed {
                headers: h(&[(
                    "X-Hub-Signature",
                    format!("sha1={}", hex::encode(hmac_sha1(s.as_bytes(), b))),
                )]),
                body: b.to_vec(),
            },
            body: br#"{"zen":"Keep it simple."}"#,
            tamper: flip_last,
        },
        Provider {
            scheme: "shopify",
            auth: json!({}),
            secret: "shpss_e2e_secret",
            sign: |s, _, b| Signed {
                headers: h(&[(
                    "X-Shopify-Hmac-Sha256",
                    STANDARD.encode(hmac_sha256(s.as_bytes(), b)),
                )]),
                body: b.to_vec(),
            },
            body: br#"{"id":820982911946154508}"#,
            tamper: flip_last,
        },
        Provider {
            scheme: "slack",
            auth: json!({}),
            secret: "8f742231b10e8888abcd99yyyzzz85a5",
            sign: |s, _, b| {
                let ts = now_secs().to_string();
                Signed {
                    headers: h(&[
                        ("X-Slack-Signature", v0_signature(s, &ts, b)),
                        ("X-Slack-Request-Timestamp", ts),
                    ]),
                    body: b.to_vec(),
                }
            },
            body: b"token=xyzz0WbapA4vBCDEFasx0q6G&command=%2Fdeploy&text=api",
            tamper: flip_last,
        },
        Provider {
            scheme: "zoom",
            auth: json!({}),
            secret: "zoom-e2e-secret-token",
            sign: |s, _, b| {
                let ts = now_secs().to_string();
                Signed {
                    headers: h(&[
                        ("x-zm-signature", v0_signature(s, &ts, b)),
                        ("x-zm-request-timestamp", ts),
                    ]),
                    body: b.to_vec(),
                }
            },
            body: br#"{"event":"meeting.started","payload":{}}"#,
            tamper: flip_last,
        },
        Provider {
            scheme: "stripe",
            auth: json!({}),
            secret: "whsec_stripe_e2e_0123456789",
            sign: |s, _, b| {
                let ts = now_secs().to_string();
                let mut content = format!("{ts}.").into_bytes();
                content.extend_from_slice(b);
                Signed {
                    headers: h(&[(
                        "Stripe-Signature",
                        format!(
                            "t={ts},v1={},v0=deadbeef",
                            hex::encode(hmac_sha256(s.as_bytes(), &content))
                        ),
                    )]),
                    body: b.to_vec(),
                }
            },
            body: br#"{"id":"evt_1","object":"event","type":"invoice.paid"}"#,
            tamper: flip_last,
        },
        Provider {
            scheme: "paddle",
            auth: json!({}),
            secret: "pdl_ntfset_e2e_secret",
            sign: |s, _, b| {
                let ts = now_secs().to_string();
                let mut content = format!("{ts}:").into_bytes();
                content.extend_from_slice(b);
                Signed {
                    headers: h(&[(
                        "Paddle-Signature",
                        format!(
                            "ts={ts};h1={}",
                            hex::encode(hmac_sha256(s.as_bytes(), &content))
                        ),
                    )]),
                    body: b.to_vec(),
                }
            },
            body: br#"{"event_type":"transaction.completed"}"#,
            tamper: flip_last,
        },
        Provider {
            scheme: "standard-webhooks",
            auth: json!({}),
            secret: WHSEC,
            sign: |s, _, b| standard_webhooks("webhook", s, b),
            body: br#"{"type":"user.created"}"#,
            tamper: flip_last,
        },
        Provider {
            scheme: "svix",
            auth: json!({}),
            secret: WHSEC,
            sign: |s, _, b| standard_webhooks("svix", s, b),
            body: br#"{"type":"invoice.created"}"#,
            tamper: flip_last,
        },
        Provider {
            scheme: "linear",
            auth: json!({}),
            secret: "lin_wh_e2e_secret",
            sign: |s, _, _| {
                let ms = now_secs() * 1000;
                let body =
                    format!(r#"{{"action":"create","type":"Issue","webhookTimestamp":{ms}}}"#)
                        .into_bytes();
                Signed {
                    headers: h(&[(
                        "Linear-Signature",
                        hex::encode(hmac_sha256(s.as_bytes(), &body)),
                    )]),
                    body,
                }
            },
            body: b"",
            tamper: |b| {
                String::from_utf8_lossy(b)
                    .replace("create", "remove")
                    .into_bytes()
            },
        },
        Provider {
            scheme: "twitch",
            auth: json!({}),
            secret: "twitch-e2e-secret",
            sign: |s, _, b| {
                let id = unique("twitch-msg");
                let ts = rfc3339_now();
                let mut content = format!("{id}{ts}").into_bytes();
                content.extend_from_slice(b);
                Signed {
                    headers: h(&[
                        ("Twitch-Eventsub-Message-Id", id),
                        ("Twitch-Eventsub-Message-Timestamp", ts),
                        ("Twitch-Eventsub-Message-Type", "notification".into()),
                        (
                            "Twitch-Eventsub-Message-Signature",
                            format!(
                                "sha256={}",
                                hex::encode(hmac_sha256(s.as_bytes(), &content))
                            ),
                        ),
                    ]),
                    body: b.to_vec(),
                }
            },
            body: br#"{"subscription":{"type":"channel.follow"},"event":{}}"#,
            tamper: flip_last,
        },
        Provider {
            scheme: "twilio",
            auth: json!({}),
            secret: "12345twilioauthtoken",
            sign: |s, url, b| {
                // URL + params sorted by name, each name followed by its value.
                let mut params: Vec<(String, String)> = url_decode_form(b);
                params.sort();
                let mut content = url.to_string();
                for (k, v) in params {
                    content.push_str(&k);
                    content.push_str(&v);
                }
                Signed {
                    headers: h(&[
                        ("Content-Type", "application/x-www-form-urlencoded".into()),
                        (
                            "X-Twilio-Signature",
                            STANDARD.encode(hmac_sha1(s.as_bytes(), content.as_bytes())),
                        ),
                    ]),
                    body: b.to_vec(),
                }
            },
            body:
                b"CallSid=CA1234567890ABCDE&Caller=%2B14158675309&Digits=1234&From=%2B14158675309",
            tamper: |b| {
                String::from_utf8_lossy(b)
                    .replace("Digits=1234", "Digits=9999")
                    .into_bytes()
            },
        },
        Provider {
            scheme: "hmac",
            auth: json!({"template": {"algorithm": "sha512", "encoding": "base64", "header": "X-Signature",
                                      "prefix": "v1=", "content": "{timestamp}.{body}",
                                      "timestamp_header": "X-Timestamp"}}),
            secret: "generic-template-secret",
            sign: |s, _, b| {
                let ts = now_secs().to_string();
                let mut content = format!("{ts}.").into_bytes();
                content.extend_from_slice(b);
                Signed {
                    headers: h(&[
                        ("X-Timestamp", ts),
                        (
                            "X-Signature",
                            format!(
                                "v1={}",
                                STANDARD.encode(hmac_sha512(s.as_bytes(), &content))
                            ),
                        ),
                    ]),
                    body: b.to_vec(),
                }
            },
            body: br#"{"generic":true}"#,
            tamper: flip_last,
        },
    ]
}

fn url_decode_form(body: &[u8]) -> Vec<(String, String)> {
    let decode = |s: &str| {
        let s = s.replace('+', " ");
        let mut out = Vec::new();
        let bytes = s.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'%' && i + 2 < bytes.len() + 1 {
                out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
                i += 3;
            } else {
                out.push(bytes[i]);
                i += 1;
            }
        }
        String::from_utf8(out).unwrap()
    };
    std::str::from_utf8(body)
        .unwrap()
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (decode(k), decode(v)))
        .collect()
}
