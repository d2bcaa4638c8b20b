//! What `GET` returns: the record without any secret material.

use crate::filter::Filter;
use crate::model::limits::{OnDuplicate, RateLimit};
use crate::model::template::HmacTemplate;
use crate::model::{EventTypeSource, Method, Scheme, SecretEncoding, Style, Target, WebhookRecord};
use serde::Serialize;

/// A secret as the admin API shows it: only when it stops working.
#[derive(Serialize)]
pub struct SecretView {
    pub not_after: Option<String>,
}

#[derive(Serialize)]
pub struct AuthView<'a> {
    pub scheme: Scheme,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub header: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tolerance_s: Option<u64>,
    #[serde(skip_serializing_if = "SecretEncoding::is_utf8")]
    pub secret_encoding: SecretEncoding,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub template: Option<&'a HmacTemplate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notification_url: Option<&'a str>,
    pub secret_count: usize,
    pub secrets: Vec<SecretView>,
    /// A scheme whose handshake plants the secret (Asana): until when the webhook was
    /// last armed for it, and whether that arming's handshake came. Never the secret.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub arming: Option<ArmingView>,
    // The fetched-key schemes' settings: none is a secret (the Plaid secret is one of
    // `secrets`, never shown).
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    pub topic_arns: &'a [String],
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub auto_confirm: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub webhook_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub audience: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_account: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub environment: Option<crate::verify::fetched::PlaidEnvironment>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub jwk: Option<&'a str>,
}

#[derive(Serialize)]
pub struct ArmingView {
    pub armed_until: String,
    pub used: bool,
}

/// Every idempotency setting, defaults included (the stored form leaves some out).
#[derive(Serialize)]
pub struct IdempotencyView {
    pub window_s: u64,
    pub on_duplicate: OnDuplicate,
    pub body_hash_window_s: u64,
}

#[derive(Serialize)]
pub struct BasicAuthView<'a> {
    pub username: &'a str,
}

#[derive(Serialize)]
pub struct WebhookView<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub path: &'a str,
    pub enabled: bool,
    pub methods: &'a [Method],
    pub max_body_bytes: u64,
    pub auth: AuthView<'a>,
    pub target: &'a Target,
    pub idempotency: IdempotencyView,
    pub rate_limit: &'a RateLimit,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<&'a str>,
    pub style: Style,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub filter: Option<&'a Filter>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event_type: Option<&'a EventTypeSource>,
    /// The username only: the password is never shown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub basic_auth: Option<BasicAuthView<'a>>,
    pub revision: u64,
    pub created_at: &'a str,
    pub updated_at: &'a str,
}

pub fn view(record: &WebhookRecord) -> WebhookView<'_> {
    let auth = record.auth();
    WebhookView {
        id: record.id().as_str(),
        name: record.name(),
        path: record.path().as_str(),
        enabled: record.enabled(),
        methods: record.methods(),
        max_body_bytes: record.max_body_bytes(),
        auth: AuthView {
            scheme: auth.scheme(),
            header: auth.header(),
            tolerance_s: auth.tolerance_s(),
            secret_encoding: auth.secret_encoding(),
            template: auth.template(),
            notification_url: auth.notification_url(),
            secret_count: auth.secrets().len(),
            secrets: auth
                .secrets()
                .iter()
                .map(|s| SecretView {
                    not_after: s.not_after().map(|t| t.to_rfc3339()),
                })
                .collect(),
            arming: auth.arming().map(|a| ArmingView {
                armed_until: a.until().to_rfc3339(),
                used: a.used(),
            }),
            topic_arns: auth.topic_arns(),
            auto_confirm: auth.auto_confirm(),
            webhook_id: auth.webhook_id(),
            audience: auth.audience(),
            service_account: auth.service_account(),
            client_id: auth.client_id(),
            environment: auth.environment(),
            jwk: auth.jwk(),
        },
        target: record.target(),
        idempotency: IdempotencyView {
            window_s: record.idempotency().window_s,
            on_duplicate: record.idempotency().on_duplicate,
            body_hash_window_s: record.idempotency().body_hash_window_s,
        },
        rate_limit: record.rate_limit(),
        namespace: record.namespace(),
        style: record.style(),
        filter: record.filter(),
        event_type: record.event_type(),
        basic_auth: record.basic_auth().map(|b| BasicAuthView {
            username: b.username(),
        }),
        revision: record.revision(),
        created_at: record.created_at(),
        updated_at: record.updated_at(),
    }
}
