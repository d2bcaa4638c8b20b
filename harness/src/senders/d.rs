//! Batch d of the catalogue (issue 21): the senders of the Standard Webhooks aliases,
//! GitLab, Mailgun, Contentful and the shared-secret and Basic-auth providers, each
//! written from the provider's page (named beside it), not from `hookgate-core`.

use super::{flip_last, h, hmac_sha256, now_secs, standard_webhooks, Provider, Signed};
use serde_json::json;

/// `whsec_` + base64 of 32 bytes, as these providers hand their secrets out.
const WHSEC_32: &str = "whsec_ZDIxLWNhdGFsb2d1ZS1lMmUtc2lnbmluZy1rZXk=";

pub fn providers() -> Vec<Provider> {
    vec![
        // https://platform.openai.com/docs/guides/webhooks
        Provider {
            scheme: "openai",
            auth: json!({}),
            secret: WHSEC_32,
            sign: |s, _, b| standard_webhooks("webhook", s, b),
            body: br#"{"object":"event","type":"response.completed","data":{"id":"resp_1"}}"#,
            tamper: flip_last,
        },
        // https://replicate.com/docs/topics/webhooks/verify-webhook
        Provider {
            scheme: "replicate",
            auth: json!({}),
            secret: WHSEC_32,
            sign: |s, _, b| standard_webhooks("webhook", s, b),
            body: br#"{"id":"ufawqhfynnddngldkgtslldrkq","status":"succeeded"}"#,
            tamper: flip_last,
        },
        // https://clerk.com/docs/webhooks/sync-data (Svix headers)
        Provider {
            scheme: "clerk",
            auth: json!({}),
            secret: WHSEC_32,
            sign: |s, _, b| standard_webhooks("svix", s, b),
            body: br#"{"type":"user.created","data":{"id":"user_1"}}"#,
            tamper: flip_last,
        },
        // https://resend.com/docs/webhooks/verify-webhooks-requests (Svix headers)
        Provider {
            scheme: "resend",
            auth: json!({}),
            secret: WHSEC_32,
            sign: |s, _, b| standard_webhooks("svix", s, b),
            body: br#"{"type":"email.delivered","data":{"email_id":"e-1"}}"#,
            tamper: flip_last,
        },
        // https://developer.brex.com/docs/webhooks (Webhook-Id, -Timestamp, -Signature)
        Provider {
            scheme: "brex",
            auth: json!({}),
            secret: WHSEC_32,
            sign: |s, _, b| standard_webhooks("Webhook", s, b),
            body: br#"{"event_type":"TRANSFER_PROCESSED","transfer_id":"dpt_1"}"#,
            tamper: flip_last,
        },
        // https://docs.lithic.com/docs/events-api
        Provider {
            scheme: "lithic",
            auth: json!({}),
            secret: WHSEC_32,
            sign: |s, _, b| standard_webhooks("webhook", s, b),
            body: br#"{"event_type":"card.created","token":"t-1"}"#,
            tamper: flip_last,
        },
        // https://docs.gitlab.com/user/project/integrations/webhooks/ with a signing
        // token (gitlab-org/gitlab!230944): Standard Webhooks, `webhook-id` being the
        // delivery's Idempotency-Key. The secret-token form is in tests/e2e/credentials.rs.
        Provider {
            scheme: "gitlab",
            auth: json!({}),
            secret: WHSEC_32,
            sign: |s, _, b| {
                let mut signed = standard_webhooks("webhook", s, b);
                let id = signed.headers[0].1.clone();
                signed.headers.push(("Idempotency-Key".into(), id));
                signed
                    .headers
                    .push(("X-Gitlab-Event".into(), "Push Hook".into()));
                signed
            },
            body: br#"{"object_kind":"push","ref":"refs/heads/main"}"#,
            tamper: flip_last,
        },
        // Mailgun signs inside the body; the tamper changes the signed token.
        Provider {
            scheme: "mailgun",
            auth: json!({}),
            secret: "key-e2e-mailgun-signing-key-0123456789",
            sign: |s, _, _| {
                let token = format!("{:0<50}", crate::client::unique("mg").replace('-', ""));
                Signed {
                    headers: h(&[("Content-Type", "application/json".into())]),
                    body: mailgun_body(s, &token[..50], &now_secs().to_string()),
                }
            },
            body: b"",
            tamper: |b| {
                let text = String::from_utf8_lossy(b);
                let at = text.find("\"token\":\"").unwrap() + 9;
                let mut out = text.into_owned().into_bytes();
                out[at] = if out[at] == b'x' { b'y' } else { b'x' };
                out
            },
        },
        Provider {
            scheme: "contentful",
            auth: json!({}),
            secret: "cf-e2e-signing-secret-0123456789abcdefghijklmnopqrstuvwxyzABCDEF",
            sign: contentful,
            body: br#"{"sys":{"type":"Entry","id":"5KsDBWseXY6QegucYAoacS"}}"#,
            tamper: flip_last,
        },
        // https://docs.polar.sh/integrate/webhooks/delivery: a `polar_whs_` secret keys
        // the HMAC with its own text (Polar's SDKs base64-encode it for standardwebhooks).
        Provider {
            scheme: "polar",
            auth: json!({}),
            secret: "polar_whs_e2eLegacyPolarWebhookSecret0123456789",
            sign: |s, _, b| {
                let id = crate::client::unique("polar-evt");
                let ts = now_secs().to_string();
                let mut content = format!("{id}.{ts}.").into_bytes();
                content.extend_from_slice(b);
                let sig = format!(
                    "v1,{}",
                    base64::Engine::encode(
                        &base64::engine::general_purpose::STANDARD,
                        hmac_sha256(s.as_bytes(), &content)
                    )
                );
                Signed {
                    headers: h(&[
                        ("webhook-id", id),
                        ("webhook-timestamp", ts),
                        ("webhook-signature", sig),
                    ]),
                    body: b.to_vec(),
                }
            },
            body: br#"{"type":"order.paid","data":{"id":"o-1"}}"#,
            tamper: flip_last,
        },
    ]
}

/// Mailgun (https://documentation.mailgun.com/docs/mailgun/user-manual/webhooks/securing-webhooks):
/// the body's `signature` object, hex HMAC-SHA256 of timestamp + token.
pub fn mailgun_body(key: &str, token: &str, ts: &str) -> Vec<u8> {
    let mut content = ts.as_bytes().to_vec();
    content.extend_from_slice(token.as_bytes());
    let signature = hex::encode(hmac_sha256(key.as_bytes(), &content));
    json!({
        "signature": {"token": token, "timestamp": ts, "signature": signature},
        "event-data": {"event": "delivered", "recipient": "alice@example.com"},
    })
    .to_string()
    .into_bytes()
}

/// Contentful (https://www.contentful.com/developers/docs/webhooks/request-verification/):
/// hex HMAC-SHA256 of `method \n path \n headers \n body`, the headers being the listed
/// ones, sorted, as `name:value` joined by `;`; the list and the ms timestamp among them.
pub fn contentful(secret: &str, url: &str, body: &[u8]) -> Signed {
    let path = url
        .split_once("://")
        .and_then(|(_, rest)| rest.find('/').map(|i| rest[i..].to_string()))
        .unwrap_or_else(|| "/".into());
    let ts = (now_secs() * 1000).to_string();
    let topic = "ContentManagement.Entry.publish";
    let list = "x-contentful-signed-headers,x-contentful-timestamp,x-contentful-topic";
    let canonical = format!(
        "POST\n{path}\nx-contentful-signed-headers:{list};x-contentful-timestamp:{ts};x-contentful-topic:{topic}\n"
    );
    let mut content = canonical.into_bytes();
    content.extend_from_slice(body);
    Signed {
        headers: h(&[
            ("X-Contentful-Topic", topic.into()),
            ("X-Contentful-Signed-Headers", list.into()),
            ("X-Contentful-Timestamp", ts),
            (
                "X-Contentful-Signature",
                hex::encode(hmac_sha256(secret.as_bytes(), &content)),
            ),
        ]),
        body: body.to_vec(),
    }
}

/// Adyen (https://docs.adyen.com/development-resources/webhooks/secure-webhooks/verify-hmac-signatures):
/// one notification item, its base64 HMAC-SHA256 (key: the hex HMAC key, decoded) of
/// pspReference:originalReference:merchantAccountCode:merchantReference:value:currency:eventCode:success.
pub fn adyen_notification(hex_key: &str, psp_reference: &str, value: u64) -> Vec<u8> {
    let key = hex::decode(hex_key).unwrap();
    let signing = format!(
        "{psp_reference}::HookgateE2E:order-{psp_reference}:{value}:EUR:AUTHORISATION:true"
    );
    let signature = base64::Engine::encode(
        &base64::engine::general_purpose::STANDARD,
        hmac_sha256(&key, signing.as_bytes()),
    );
    json!({"live": "false", "notificationItems": [{"NotificationRequestItem": {
        "pspReference": psp_reference,
        "merchantAccountCode": "HookgateE2E",
        "merchantReference": format!("order-{psp_reference}"),
        "amount": {"value": value, "currency": "EUR"},
        "eventCode": "AUTHORISATION",
        "success": "true",
        "additionalData": {"hmacSignature": signature},
    }}]})
    .to_string()
    .into_bytes()
}
