//! Senders of the catalogue's batch b (issue 21), each written from its provider's page
//! (named on each entry), independently of `hookgate-core`.

use super::{flip_last, hmac_sha1, hmac_sha256, Provider, Signed};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde_json::json;

fn one(name: &str, value: String) -> Vec<(String, String)> {
    vec![(name.to_string(), value)]
}

pub fn providers() -> Vec<Provider> {
    vec![
        // https://docs.launchdarkly.com/home/connecting/webhooks: hex HMAC-SHA256 of the
        // payload with the webhook's secret.
        Provider {
            scheme: "launchdarkly",
            auth: json!({}),
            secret: "ld-e2e-webhook-secret",
            sign: |s, _, b| Signed {
                headers: one("X-LD-Signature", hex::encode(hmac_sha256(s.as_bytes(), b))),
                body: b.to_vec(),
            },
            body: br#"{"_id":"57c0a8e29969090743529965","kind":"flag","name":"e2e"}"#,
            tamper: flip_last,
        },
        // https://docs.moderntreasury.com/platform/docs/verifying-webhooks: hex
        // HMAC-SHA-256 of the body with the webhook key, in X-Signature.
        Provider {
            scheme: "modern-treasury",
            auth: json!({}),
            secret: "mt-e2e-webhook-key",
            sign: |s, _, b| Signed {
                headers: vec![
                    (
                        "X-Signature".into(),
                        hex::encode(hmac_sha256(s.as_bytes(), b)),
                    ),
                    (
                        "X-Webhook-ID".into(),
                        crate::client::unique("mt-webhook"),
                    ),
                ],
                body: b.to_vec(),
            },
            body: br#"{"event":"completed","data":{"object":"payment_order"}}"#,
            tamper: flip_last,
        },
        // https://pusher.com/docs/channels/server_api/webhooks/: X-Pusher-Key names the
        // key, X-Pusher-Signature is the hex HMAC-SHA256 of the body with its secret.
        Provider {
            scheme: "pusher",
            auth: json!({}),
            secret: "pusher-e2e-app-secret",
            sign: |s, _, b| Signed {
                headers: vec![
                    ("X-Pusher-Key".into(), "e2e-app-key".into()),
                    (
                        "X-Pusher-Signature".into(),
                        hex::encode(hmac_sha256(s.as_bytes(), b)),
                    ),
                ],
                body: b.to_vec(),
            },
            body: br#"{"time_ms":1700000000123,"events":[{"name":"channel_occupied","channel":"e2e"}]}"#,
            tamper: flip_last,
        },
        // https://www.mongodb.com/docs/atlas/tutorial/webhook-integration/: base64
        // HMAC-SHA-1 of the body with the Webhook Secret.
        Provider {
            scheme: "mongodb-atlas",
            auth: json!({}),
            secret: "atlas-e2e-webhook-secret",
            sign: |s, _, b| Signed {
                headers: vec![
                    (
                        "X-MMS-Signature".into(),
                        STANDARD.encode(hmac_sha1(s.as_bytes(), b)),
                    ),
                    ("X-MMS-Event".into(), "alert.open".into()),
                ],
                body: b.to_vec(),
            },
            body: br#"{"id":"5f5a1c2b3d4e5f6a7b8c9d0e","status":"OPEN"}"#,
            tamper: flip_last,
        },
        // https://developer.webex.com/blog/using-a-webhook-secret: hex HMAC-SHA1 of the
        // raw body with the webhook's secret, in X-Spark-Signature.
        Provider {
            scheme: "webex",
            auth: json!({}),
            secret: "somesupersecretphrase",
            sign: |s, _, b| Signed {
                headers: one("X-Spark-Signature", hex::encode(hmac_sha1(s.as_bytes(), b))),
                body: b.to_vec(),
            },
            body: br#"{"id":"webhook-1","resource":"messages","event":"created","data":{"id":"m-1"}}"#,
            tamper: flip_last,
        },
        // https://developer.gocardless.com/getting-started/stay-up-to-date-with-webhooks/:
        // hex HMAC-SHA256 of the body with the endpoint's secret, in Webhook-Signature.
        Provider {
            scheme: "gocardless",
            auth: json!({}),
            secret: "gc-e2e-endpoint-secret",
            sign: |s, _, b| Signed {
                headers: one(
                    "Webhook-Signature",
                    hex::encode(hmac_sha256(s.as_bytes(), b)),
                ),
                body: b.to_vec(),
            },
            body: br#"{"events":[{"id":"EV123","action":"cancelled","resource_type":"mandates"}]}"#,
            tamper: flip_last,
        },
        // https://www.typeform.com/developers/webhooks/secure-your-webhooks/: sha256= and
        // the base64 HMAC-SHA256 of the payload.
        Provider {
            scheme: "typeform",
            auth: json!({}),
            secret: "3f9c2a71d04b8e65a1c7f2d9b0e4a6c8d1f3b5a7",
            sign: |s, _, b| Signed {
                headers: one(
                    "Typeform-Signature",
                    format!("sha256={}", STANDARD.encode(hmac_sha256(s.as_bytes(), b))),
                ),
                body: b.to_vec(),
            },
            body: br#"{"event_id":"01EK4R5PFZZP6C8H14RTP4YW6C","event_type":"form_response"}"#,
            tamper: flip_last,
        },
        // PagerDuty's "Verifying Signatures" (developer docs, v3 webhooks): v1=<hex
        // HMAC-SHA256 of the body>, one per signing secret, comma-separated; here a
        // rotated-out secret's first, as during a rotation.
        Provider {
            scheme: "pagerduty",
            auth: json!({}),
            secret: "pd-e2e-subscription-secret",
            sign: |s, _, b| Signed {
                headers: vec![
                    (
                        "X-PagerDuty-Signature".into(),
                        format!(
                            "v1={},v1={}",
                            hex::encode(hmac_sha256(b"pd-e2e-old-secret", b)),
                            hex::encode(hmac_sha256(s.as_bytes(), b))
                        ),
                    ),
                    ("X-Webhook-Id".into(), crate::client::unique("pd-webhook")),
                ],
                body: b.to_vec(),
            },
            body: br#"{"event":{"id":"5ac64822","event_type":"incident.triggered","resource_type":"incident"}}"#,
            tamper: flip_last,
        },
        // https://circleci.com/docs/outbound-webhooks: a comma-separated list of versioned
        // signatures; v1 is the hex HMAC-SHA256 of the body.
        Provider {
            scheme: "circleci",
            auth: json!({}),
            secret: "circleci-e2e-signing-secret",
            sign: |s, _, b| Signed {
                headers: vec![
                    (
                        "circleci-signature".into(),
                        format!("v1={}", hex::encode(hmac_sha256(s.as_bytes(), b))),
                    ),
                    ("circleci-event-type".into(), "workflow-completed".into()),
                ],
                body: b.to_vec(),
            },
            body: br#"{"id":"3888f21b-eaa7-38e3-8f3d-75a63bba8895","type":"workflow-completed"}"#,
            tamper: flip_last,
        },
        // https://developers.docusign.com/platform/webhooks/connect/validate: one
        // X-DocuSign-Signature-<n> per Connect key, base64 HMAC-SHA256 of the body with
        // the key's text; here the second key is this webhook's.
        Provider {
            scheme: "docusign",
            auth: json!({}),
            secret: "1x8yqG2ZK3m+Jk9Q0o7dR5tW4vN6pL2sH8fC3aB1eD0=",
            sign: |s, _, b| Signed {
                headers: vec![
                    (
                        "X-DocuSign-Signature-1".into(),
                        STANDARD.encode(hmac_sha256(b"another-connect-key", b)),
                    ),
                    (
                        "X-DocuSign-Signature-2".into(),
                        STANDARD.encode(hmac_sha256(s.as_bytes(), b)),
                    ),
                    ("x-authorization-digest".into(), "HMACSHA256".into()),
                ],
                body: b.to_vec(),
            },
            body: br#"{"event":"envelope-completed","apiVersion":"v2.1","data":{"envelopeId":"93be49ab"}}"#,
            tamper: flip_last,
        },
        // https://developers.notion.com/reference/webhooks ("Validating event payloads"):
        // sha256= and the hex HMAC-SHA256 of the body keyed by the verification_token
        // (the token stored as the webhook's secret; the setup request is
        // `schemes::notion_verification_token_is_logged_forwarded_redacted_then_events_verify`).
        Provider {
            scheme: "notion",
            auth: json!({}),
            secret: "secret_e2eNotionVerificationToken0123456789",
            sign: |s, _, b| Signed {
                headers: one(
                    "X-Notion-Signature",
                    format!("sha256={}", hex::encode(hmac_sha256(s.as_bytes(), b))),
                ),
                body: b.to_vec(),
            },
            body: br#"{"id":"0c4d2f6e-2b3a-4e1f-9a7b-5d8c1e3f2a10","type":"page.created"}"#,
            tamper: flip_last,
        },
    ]
}
