//! Issue 21, batch a: senders whose signature is a MAC of the raw body in one header,
//! each written from its provider's page (named per entry), not from hookgate-core.

use super::{flip_last, h, hmac_sha1, hmac_sha256, hmac_sha512, Provider, Signed};
use crate::client::unique;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde_json::json;

fn signed(headers: Vec<(String, String)>, body: &[u8]) -> Signed {
    Signed {
        headers,
        body: body.to_vec(),
    }
}

pub fn providers() -> Vec<Provider> {
    vec![
        // docs.sentry.io, integration platform webhooks: hex HMAC-SHA256 of the body.
        Provider {
            scheme: "sentry",
            auth: json!({}),
            secret: "sentry-e2e-client-secret",
            sign: |s, _, b| {
                signed(
                    h(&[
                        ("Sentry-Hook-Signature", hex::encode(hmac_sha256(s.as_bytes(), b))),
                        ("Sentry-Hook-Resource", "issue".into()),
                        ("Sentry-Hook-Timestamp", super::now_secs().to_string()),
                        ("Request-ID", unique("sentry-request")),
                    ]),
                    b,
                )
            },
            body: br#"{"action": "created", "data": {"issue": {"id": "1"}}}"#,
            tamper: flip_last,
        },
        // vercel.com/docs/webhooks/webhooks-api: hex HMAC-SHA1 of the body.
        Provider {
            scheme: "vercel",
            auth: json!({}),
            secret: "vercel-e2e-webhook-secret",
            sign: |s, _, b| {
                signed(
                    h(&[("x-vercel-signature", hex::encode(hmac_sha1(s.as_bytes(), b)))]),
                    b,
                )
            },
            body: br#"{"id":"e2e-vercel-delivery","type":"deployment.created","payload":{}}"#,
            tamper: flip_last,
        },
        // Bitbucket Cloud, Manage webhooks (Secure webhooks): sha256=<hex> of the body.
        Provider {
            scheme: "bitbucket",
            auth: json!({}),
            secret: "bitbucket-e2e-secret",
            sign: |s, _, b| {
                signed(
                    h(&[
                        (
                            "X-Hub-Signature",
                            format!("sha256={}", hex::encode(hmac_sha256(s.as_bytes(), b))),
                        ),
                        ("X-Event-Key", "repo:push".into()),
                        ("X-Request-UUID", unique("bitbucket-request")),
                        ("X-Attempt-Number", "1".into()),
                    ]),
                    b,
                )
            },
            body: br#"{"push":{"changes":[]},"repository":{"full_name":"team/repo"}}"#,
            tamper: flip_last,
        },
        // Intercom, Signed notifications: sha1=<hex HMAC-SHA1 of the body>.
        Provider {
            scheme: "intercom",
            auth: json!({}),
            secret: "intercom-e2e-client-secret",
            sign: |s, _, b| {
                signed(
                    h(&[(
                        "X-Hub-Signature",
                        format!("sha1={}", hex::encode(hmac_sha1(s.as_bytes(), b))),
                    )]),
                    b,
                )
            },
            body: br#"{"type":"notification_event","id":"notif_e2e","topic":"user.created","data":{}}"#,
            tamper: flip_last,
        },
        // Jira Cloud admin webhooks (Secure admin webhooks): sha256=<hex> of the body.
        Provider {
            scheme: "jira",
            auth: json!({}),
            secret: "jira-e2e-admin-webhook-secret",
            sign: |s, _, b| {
                signed(
                    h(&[
                        (
                            "X-Hub-Signature",
                            format!("sha256={}", hex::encode(hmac_sha256(s.as_bytes(), b))),
                        ),
                        ("X-Atlassian-Webhook-Identifier", unique("jira-delivery")),
                    ]),
                    b,
                )
            },
            body: br#"{"webhookEvent":"jira:issue_created","issue":{"key":"PROJ-1"}}"#,
            tamper: flip_last,
        },
        // Coinbase Commerce, Webhooks security: hex HMAC-SHA256 of the raw payload.
        Provider {
            scheme: "coinbase-commerce",
            auth: json!({}),
            secret: "coinbase-e2e-shared-secret",
            sign: |s, _, b| {
                signed(
                    h(&[(
                        "X-CC-Webhook-Signature",
                        hex::encode(hmac_sha256(s.as_bytes(), b)),
                    )]),
                    b,
                )
            },
            body: br#"{"attempt_number":1,"event":{"type":"charge:created"},"id":"e2e-coinbase-event"}"#,
            tamper: flip_last,
        },
        // WooCommerce (WC_Webhook::generate_signature): base64 HMAC-SHA256 of the body.
        Provider {
            scheme: "woocommerce",
            auth: json!({}),
            secret: "woocommerce-e2e-secret",
            sign: |s, _, b| {
                signed(
                    h(&[
                        (
                            "X-WC-Webhook-Signature",
                            STANDARD.encode(hmac_sha256(s.as_bytes(), b)),
                        ),
                        ("X-WC-Webhook-Topic", "order.created".into()),
                        ("X-WC-Webhook-Delivery-ID", unique("wc-delivery")),
                    ]),
                    b,
                )
            },
            body: br#"{"id":727,"status":"processing"}"#,
            tamper: flip_last,
        },
        // Razorpay, Validate webhooks: hex HMAC-SHA256 of the body.
        Provider {
            scheme: "razorpay",
            auth: json!({}),
            secret: "razorpay-e2e-webhook-secret",
            sign: |s, _, b| {
                signed(
                    h(&[
                        (
                            "X-Razorpay-Signature",
                            hex::encode(hmac_sha256(s.as_bytes(), b)),
                        ),
                        ("x-razorpay-event-id", unique("rzp-event")),
                    ]),
                    b,
                )
            },
            body: br#"{"entity":"event","event":"payment.captured","payload":{}}"#,
            tamper: flip_last,
        },
        // Lemon Squeezy, Signing requests: hex HMAC-SHA256 of the body in X-Signature.
        Provider {
            scheme: "lemonsqueezy",
            auth: json!({}),
            secret: "lemon-e2e-signing",
            sign: |s, _, b| {
                signed(
                    h(&[
                        ("X-Signature", hex::encode(hmac_sha256(s.as_bytes(), b))),
                        ("X-Event-Name", "order_created".into()),
                    ]),
                    b,
                )
            },
            body: br#"{"meta":{"event_name":"order_created"},"data":{"id":"1"}}"#,
            tamper: flip_last,
        },
        // Segment Webhooks (Actions): hex HMAC-SHA1 of the body in X-Signature.
        Provider {
            scheme: "segment",
            auth: json!({}),
            secret: "segment-e2e-shared-secret",
            sign: |s, _, b| {
                signed(
                    h(&[("X-Signature", hex::encode(hmac_sha1(s.as_bytes(), b)))]),
                    b,
                )
            },
            body: br#"{"type":"track","event":"Signed Up","messageId":"e2e-segment-message"}"#,
            tamper: flip_last,
        },
        // Heroku app webhooks (Securing webhook requests): base64 HMAC-SHA256 of the body.
        Provider {
            scheme: "heroku",
            auth: json!({}),
            secret: "heroku-e2e-webhook-secret",
            sign: |s, _, b| {
                signed(
                    h(&[(
                        "Heroku-Webhook-Hmac-SHA256",
                        STANDARD.encode(hmac_sha256(s.as_bytes(), b)),
                    )]),
                    b,
                )
            },
            body: br#"{"action":"create","id":"e2e-heroku-event","resource":"release"}"#,
            tamper: flip_last,
        },
        // HCP Terraform notifications (Notification authenticity): hex HMAC-SHA512.
        Provider {
            scheme: "terraform",
            auth: json!({}),
            secret: "terraform-e2e-notification-token",
            sign: |s, _, b| {
                signed(
                    h(&[(
                        "X-TFE-Notification-Signature",
                        hex::encode(hmac_sha512(s.as_bytes(), b)),
                    )]),
                    b,
                )
            },
            body: br#"{"payload_version":1,"notifications":[{"trigger":"run:planning"}]}"#,
            tamper: flip_last,
        },
    ]
}
