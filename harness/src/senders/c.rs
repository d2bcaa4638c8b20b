//! Senders of batch c of the catalogue (issue 21), each written from its provider's page
//! (named on each), independently of `hookgate-core`. Trello, whose webhooks begin with a
//! `HEAD`, has its own end-to-end case (`public_keys::trello_head_and_…`).

use super::{flip_last, h, hmac_sha256, now_secs, Provider, Signed};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde_json::json;

fn now_millis() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis()
}

/// `date -u` in the shape a provider writes (`+%Y-%m-%dT%H:%M:%S…`).
fn utc_now(format: &str) -> String {
    let out = std::process::Command::new("date")
        .args(["-u", format])
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

fn hex_sha256(key: &str, parts: &[&[u8]]) -> String {
    hex::encode(hmac_sha256(key.as_bytes(), &parts.concat()))
}

fn b64_sha256(key: &str, parts: &[&[u8]]) -> String {
    STANDARD.encode(hmac_sha256(key.as_bytes(), &parts.concat()))
}

/// `<t>.<body>` signed into a `t=…,<key>=…` header (Calendly, Mux, TikTok, Persona).
fn dotted(header: &'static str, sig_key: &'static str, secret: &str, body: &[u8]) -> Signed {
    let t = now_secs().to_string();
    let sig = hex_sha256(secret, &[t.as_bytes(), b".", body]);
    Signed {
        headers: h(&[(header, format!("t={t},{sig_key}={sig}"))]),
        body: body.to_vec(),
    }
}

pub fn providers() -> Vec<Provider> {
    vec![
        // https://developer.zendesk.com/documentation/webhooks/verifying/
        Provider {
            scheme: "zendesk",
            auth: json!({}),
            secret: "dGhpc19zZWNyZXRfaXNfZm9yX3Rlc3Rpbmdfb25seQ==",
            sign: |s, _, b| {
                let ts = utc_now("+%Y-%m-%dT%H:%M:%SZ");
                Signed {
                    headers: h(&[
                        ("X-Zendesk-Webhook-Signature", b64_sha256(s, &[ts.as_bytes(), b])),
                        ("X-Zendesk-Webhook-Signature-Timestamp", ts),
                        ("X-Zendesk-Webhook-Invocation-Id", now_millis().to_string()),
                    ]),
                    body: b.to_vec(),
                }
            },
            body: br#"{"type":"zen:event-type:ticket.created","detail":{"id":"35436"}}"#,
            tamper: flip_last,
        },
        // https://developer.calendly.com/docs/webhooks/overview
        Provider {
            scheme: "calendly",
            auth: json!({}),
            secret: "calendly-e2e-signing-key",
            sign: |s, _, b| dotted("Calendly-Webhook-Signature", "v1", s, b),
            body: br#"{"event":"invitee.created","payload":{"name":"John Doe"}}"#,
            tamper: flip_last,
        },
        // https://www.mux.com/docs/core/verify-webhook-signatures
        Provider {
            scheme: "mux",
            auth: json!({}),
            secret: "mux-e2e-signing-secret",
            sign: |s, _, b| dotted("Mux-Signature", "v1", s, b),
            body: br#"{"type":"video.asset.ready","id":"3a56ac3d-e2e"}"#,
            tamper: flip_last,
        },
        // https://workos.com/docs/events/data-syncing/webhooks (milliseconds)
        Provider {
            scheme: "workos",
            auth: json!({}),
            secret: "workos-e2e-webhook-secret",
            sign: |s, _, b| {
                let t = now_millis().to_string();
                let sig = hex_sha256(s, &[t.as_bytes(), b".", b]);
                Signed {
                    headers: h(&[("WorkOS-Signature", format!("t={t}, v1={sig}"))]),
                    body: b.to_vec(),
                }
            },
            body: br#"{"id":"event_01E2E","event":"dsync.user.created","data":{}}"#,
            tamper: flip_last,
        },
        // Orb's SDK, orb-billing webhooks.verifySignature (UTC time without a zone)
        Provider {
            scheme: "orb",
            auth: json!({}),
            secret: "orb-e2e-webhook-secret",
            sign: |s, _, b| {
                let ts = utc_now("+%Y-%m-%dT%H:%M:%S.%3N");
                let sig = hex_sha256(s, &[b"v1:", ts.as_bytes(), b":", b]);
                Signed {
                    headers: h(&[("X-Orb-Timestamp", ts), ("X-Orb-Signature", format!("v1={sig}"))]),
                    body: b.to_vec(),
                }
            },
            body: br#"{"id":"o4mmewpfE2E","type":"resource_event.test"}"#,
            tamper: flip_last,
        },
        // https://developer.frame.io/platform/docs/guides/webhooks
        Provider {
            scheme: "frameio",
            auth: json!({}),
            secret: "frameio-e2e-signing-secret",
            sign: |s, _, b| {
                let ts = now_secs().to_string();
                let sig = hex_sha256(s, &[b"v0:", ts.as_bytes(), b":", b]);
                Signed {
                    headers: h(&[
                        ("X-Frameio-Request-Timestamp", ts),
                        ("X-Frameio-Signature", format!("v0={sig}")),
                    ]),
                    body: b.to_vec(),
                }
            },
            body: br#"{"type":"file.ready","resource":{"type":"file","id":"e2e"}}"#,
            tamper: flip_last,
        },
        // https://buildkite.com/docs/apis/webhooks/pipelines
        Provider {
            scheme: "buildkite",
            auth: json!({}),
            secret: "buildkite-e2e-webhook-token",
            sign: |s, _, b| {
                let ts = now_secs().to_string();
                let sig = hex_sha256(s, &[ts.as_bytes(), b".", b]);
                Signed {
                    headers: h(&[("X-Buildkite-Signature", format!("timestamp={ts},signature={sig}"))]),
                    body: b.to_vec(),
                }
            },
            body: br#"{"event":"build.finished","build":{"state":"passed"}}"#,
            tamper: flip_last,
        },
        // https://docs.recurly.com/recurly-subscriptions/docs/signature-verification
        Provider {
            scheme: "recurly",
            auth: json!({}),
            secret: "recurly-e2e-endpoint-key",
            sign: |s, _, b| {
                let t = now_millis().to_string();
                let sig = hex_sha256(s, &[t.as_bytes(), b".", b]);
                Signed {
                    headers: h(&[("Recurly-Signature", format!("{t},{sig}"))]),
                    body: b.to_vec(),
                }
            },
            body: br#"{"id":"ucn6hqe2e","object_type":"account","event_type":"created"}"#,
            tamper: flip_last,
        },
        // https://developers.tiktok.com/doc/webhooks-verification
        Provider {
            scheme: "tiktok",
            auth: json!({}),
            secret: "tiktok-e2e-client-secret",
            sign: |s, _, b| dotted("TikTok-Signature", "s", s, b),
            body: br#"{"event":"video.publish.completed","create_time":1}"#,
            tamper: flip_last,
        },
        // https://docs.withpersona.com/docs/webhooks-best-practices
        Provider {
            scheme: "persona",
            auth: json!({}),
            secret: "wbhsec_persona-e2e-secret",
            sign: |s, _, b| dotted("Persona-Signature", "v1", s, b),
            body: br#"{"data":{"type":"event","id":"evt_e2e"}}"#,
            tamper: flip_last,
        },
        // https://developer.box.com/guides/webhooks/v2/signatures-v2
        Provider {
            scheme: "box",
            auth: json!({}),
            secret: "box-e2e-primary-signature-key",
            sign: |s, _, b| {
                let ts = utc_now("+%Y-%m-%dT%H:%M:%S+00:00");
                Signed {
                    headers: h(&[
                        ("BOX-SIGNATURE-PRIMARY", b64_sha256(s, &[b, ts.as_bytes()])),
                        ("BOX-DELIVERY-TIMESTAMP", ts),
                        ("BOX-SIGNATURE-VERSION", "1".into()),
                        ("BOX-SIGNATURE-ALGORITHM", "HmacSHA256".into()),
                    ]),
                    body: b.to_vec(),
                }
            },
            body: br#"{"type":"webhook_event","id":"eb0c4e06-e2e","trigger":"FILE.UPLOADED"}"#,
            tamper: flip_last,
        },
        // https://developers.hubspot.com/docs/apps/legacy-apps/authentication/validating-requests
        Provider {
            scheme: "hubspot-v3",
            auth: json!({}),
            secret: "yyyyyyyy-e2e0-yyyy-yyyy-yyyyyyyyyyyy",
            sign: |s, url, b| {
                let ts = now_millis().to_string();
                Signed {
                    headers: h(&[
                        ("X-HubSpot-Signature-v3", b64_sha256(s, &[b"POST", url.as_bytes(), b, ts.as_bytes()])),
                        ("X-HubSpot-Request-Timestamp", ts),
                    ]),
                    body: b.to_vec(),
                }
            },
            body: br#"[{"eventId":1,"subscriptionType":"contact.creation","objectId":123}]"#,
            tamper: flip_last,
        },
        // https://developer.squareup.com/docs/webhooks/step3validate
        Provider {
            scheme: "square",
            auth: json!({}),
            secret: "square-e2e-signature-key",
            sign: |s, url, b| Signed {
                headers: h(&[("x-square-hmacsha256-signature", b64_sha256(s, &[url.as_bytes(), b]))]),
                body: b.to_vec(),
            },
            body: br#"{"merchant_id":"MLEFBHHSJGVHD","type":"webhooks.test_notification","event_id":"e2e"}"#,
            tamper: flip_last,
        },
    ]
}
