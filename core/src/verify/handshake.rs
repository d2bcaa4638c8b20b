//! Edge handshakes: provider requests that prove the endpoint exists, answered by the
//! gateway itself and never forwarded.
//!
//! Two kinds. Signed ones (Slack, Zoom, Twitch, Discord's PING) are recognised only on a
//! [`Verified`] request, so an unsigned "challenge" never gets an answer. The others
//! arrive before any signature exists, and each is proved by its own shape
//! ([`challenge`]): Meta's by the verify token the operator chose; Twitter's CRC needs no
//! proof because the answer is itself an HMAC only the secret's holder can compute;
//! Dropbox's, Graph's and Okta's are echoes, harmless as `text/plain` with `nosniff` (or
//! inside a JSON string), and bounded in length. Neither kind is ever forwarded: the
//! webhook's object is only asked whether the webhook stands.

use super::engine::mac;
use super::{first_matching_secret, Verified, VerifyError};
use crate::model::scheme::Handshake;
use crate::model::template::Algorithm;
use crate::model::{TargetKind, WebhookRecord};
use crate::request::Inbound;
use crate::secret::Secret;
use crate::time::UnixMillis;
use base64::Engine as _;
use serde::Deserialize;
use serde_json::json;
use std::borrow::Cow;

#[derive(Clone, PartialEq, Eq)]
pub struct HandshakeReply {
    pub status: u16,
    pub content_type: &'static str,
    pub body: String,
    /// Extra response headers (Dropbox's `X-Content-Type-Options: nosniff`).
    pub headers: Vec<(&'static str, String)>,
    /// For the log line: which handshake this was.
    pub kind: &'static str,
    /// AWS SNS with `auto_confirm`: the `SubscribeURL` the gateway visits before it
    /// answers (host-checked by the core). The reply stands only if the visit succeeds.
    pub visit: Option<String>,
}

/// Header values are left out: Asana's answer carries the secret it plants.
impl std::fmt::Debug for HandshakeReply {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<&str> = self.headers.iter().map(|(n, _)| *n).collect();
        f.debug_struct("HandshakeReply")
            .field("status", &self.status)
            .field("content_type", &self.content_type)
            .field("body_len", &self.body.len())
            .field("headers", &names)
            .field("kind", &self.kind)
            .finish()
    }
}

/// The header Asana's handshake carries its secret in, and its answer echoes.
pub const ASANA_SECRET_HEADER: &str = "x-hook-secret";

/// The secret a planting handshake (Asana's) carries, when the record accepts it at
/// `now`: armed, not yet used in this arming, and a value that can serve as a secret.
/// Run by verification (to answer at once) and again on the record the write is
/// computed from (`admin::plant`), which may be newer.
pub fn planting(
    record: &WebhookRecord,
    value: &str,
    now: UnixMillis,
) -> Result<Secret, VerifyError> {
    use crate::model::arming::{accept, ArmingRefusal};
    let auth = record.auth();
    accept(auth.arming(), now).map_err(|r| match r {
        ArmingRefusal::NotArmed => VerifyError::HandshakeNotArmed,
        ArmingRefusal::AlreadyUsed => VerifyError::HandshakeAlreadyCompleted,
    })?;
    crate::model::rules::check_secret(value, auth)
        .map_err(|_| VerifyError::HandshakeSecretInvalid)?;
    Ok(Secret::from_string(value.to_string()))
}

/// The longest challenge echoed back: providers send tokens of a few dozen characters
/// (Graph's is about 200); anything longer is not taken for a handshake.
pub const MAX_CHALLENGE_LEN: usize = 1024;

const NOSNIFF: (&str, &str) = ("X-Content-Type-Options", "nosniff");

fn json_reply(body: String, kind: &'static str) -> HandshakeReply {
    HandshakeReply {
        status: 200,
        content_type: "application/json",
        body,
        headers: Vec::new(),
        kind,
        visit: None,
    }
}

fn text_echo(body: String, kind: &'static str) -> HandshakeReply {
    HandshakeReply {
        status: 200,
        content_type: "text/plain; charset=utf-8",
        body,
        headers: vec![(NOSNIFF.0, NOSNIFF.1.to_string())],
        kind,
        visit: None,
    }
}

/// A query parameter, decoded, when present, non-empty and at most [`MAX_CHALLENGE_LEN`].
fn query_param<'q>(inbound: &'q Inbound, name: &str) -> Option<Cow<'q, str>> {
    let query = inbound.query.as_deref()?;
    form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
        .filter(|v| !v.is_empty() && v.len() <= MAX_CHALLENGE_LEN)
}

/// A handshake that comes before any signature, proved by its own shape.
pub(super) struct Challenge {
    /// The index of the secret it answers with.
    pub secret_index: usize,
    pub reply: HandshakeReply,
    /// The secret it plants (Asana), to be committed before the reply is sent.
    pub planted: Option<Secret>,
}

/// `Ok(None)`: not such a handshake (the request is verified as an event). `Err`: a
/// handshake whose proof fails (Meta's token), or that the webhook does not accept now
/// (Asana's, outside an arming).
pub(super) fn challenge(
    record: &WebhookRecord,
    inbound: &Inbound,
    now: UnixMillis,
) -> Result<Option<Challenge>, VerifyError> {
    let auth = record.auth();
    let Some(kind) = auth.scheme().descriptor().handshake else {
        return Ok(None);
    };
    if !kind.before_signature() {
        return Ok(None);
    }
    if kind.method().is_some_and(|m| m != inbound.method) {
        return Ok(None);
    }
    let reply = match kind {
        Handshake::MetaSubscription => {
            if query_param(inbound, "hub.mode").as_deref() != Some("subscribe") {
                return Ok(None);
            }
            let Some(challenge) = query_param(inbound, "hub.challenge") else {
                return Ok(None);
            };
            let token = query_param(inbound, "hub.verify_token").unwrap_or_default();
            let expected = auth.verify_token().ok_or(VerifyError::Misconfigured(
                "the meta scheme has no verify token",
            ))?;
            if !expected.matches(token.as_bytes()) {
                return Err(VerifyError::VerifyTokenMismatch);
            }
            text_echo(challenge.into_owned(), "meta_subscription")
        }
        Handshake::TwitterCrc => {
            let Some(token) = query_param(inbound, "crc_token") else {
                return Ok(None);
            };
            // The newest active secret answers (Twitter knows one consumer secret).
            let index = first_matching_secret(auth, now, VerifyError::SecretMissing, |_| Ok(true))?;
            let secret = auth.secrets()[index].value();
            let tag = mac(
                Algorithm::Sha256,
                secret.expose().as_bytes(),
                &[Cow::Borrowed(token.as_bytes())],
            );
            let answer = base64::engine::general_purpose::STANDARD.encode(tag.as_slice());
            return Ok(Some(Challenge {
                secret_index: index,
                reply: json_reply(
                    json!({ "response_token": format!("sha256={answer}") }).to_string(),
                    "twitter_crc",
                ),
                planted: None,
            }));
        }
        Handshake::DropboxChallenge => {
            let Some(challenge) = query_param(inbound, "challenge") else {
                return Ok(None);
            };
            text_echo(challenge.into_owned(), "dropbox_challenge")
        }
        Handshake::GraphValidation => {
            let Some(token) = query_param(inbound, "validationToken") else {
                return Ok(None);
            };
            text_echo(token.into_owned(), "graph_validation")
        }
        Handshake::OktaVerification => {
            let Some(challenge) = inbound
                .headers
                .get("x-okta-verification-challenge")
                .map(str::trim)
                // Okta's challenge is a token of visible ASCII; anything else is no
                // challenge (and would grow when escaped into the JSON answer).
                .filter(|c| {
                    !c.is_empty()
                        && c.len() <= MAX_CHALLENGE_LEN
                        && c.bytes().all(|b| b.is_ascii_graphic())
                })
            else {
                return Ok(None);
            };
            json_reply(
                json!({ "verification": challenge }).to_string(),
                "okta_verification",
            )
        }
        // Trello's, likewise: the method alone is the handshake (checked above).
        Handshake::TrelloHead => empty_ok("trello_head"),
        // Intercom's URL check proves nothing and is told nothing: an empty 200 says no
        // more than a refused POST would (that a webhook exists at this path).
        Handshake::IntercomHead => empty_ok("intercom_head"),
        Handshake::WoocommercePing => {
            if !is_woocommerce_ping(inbound) {
                return Ok(None);
            }
            empty_ok("woocommerce_ping")
        }
        Handshake::AsanaHookSecret => {
            // Any request carrying the header is taken for the handshake: refused
            // outright unless the webhook is armed for one, never verified as an event.
            let Some(value) = inbound.headers.get(ASANA_SECRET_HEADER) else {
                return Ok(None);
            };
            let secret = planting(record, value.trim(), now)?;
            // Asana takes 200 or 204 with the same header; nothing else is answered.
            let reply = HandshakeReply {
                status: 204,
                content_type: "text/plain",
                body: String::new(),
                headers: vec![("X-Hook-Secret", secret.expose().to_string())],
                kind: "asana_handshake",
                visit: None,
            };
            return Ok(Some(Challenge {
                secret_index: 0,
                reply,
                planted: Some(secret),
            }));
        }
        Handshake::SlackUrlVerification
        | Handshake::ZoomUrlValidation
        | Handshake::TwitchCallbackVerification
        | Handshake::DiscordPing
        | Handshake::MailchimpUrlValidation
        | Handshake::NotionVerification => return Ok(None),
    };
    Ok(Some(Challenge {
        secret_index: 0,
        reply,
        planted: None,
    }))
}

fn empty_ok(kind: &'static str) -> HandshakeReply {
    text_echo(String::new(), kind)
}

/// WooCommerce's creation ping (`WC_Webhook::deliver_ping`): exactly `webhook_id=<id>`
/// and no signature header. A signed request is an event, whatever its body.
fn is_woocommerce_ping(inbound: &Inbound) -> bool {
    let Some(id) = inbound.body.strip_prefix(b"webhook_id=") else {
        return false;
    };
    inbound.headers.get("x-wc-webhook-signature").is_none()
        && (1..=20).contains(&id.len())
        && id.iter().all(u8::is_ascii_digit)
}

pub fn handshake(verified: &Verified) -> Option<HandshakeReply> {
    if let Some(reply) = &verified.challenge {
        return Some(reply.clone());
    }
    let body = &verified.inbound().body;
    let auth = verified.record().auth();
    if let crate::model::scheme::Check::FetchedKey(super::fetched::Provider::AwsSns) =
        auth.scheme().descriptor().check
    {
        // A verified SubscriptionConfirmation, confirmed at the edge when the record says
        // so (else it is forwarded like any message).
        return super::fetched::sns_confirmation(auth, body).map(|url| HandshakeReply {
            visit: Some(url),
            ..json_reply(
                json!({"confirmed": true}).to_string(),
                "sns_subscription_confirmation",
            )
        });
    }
    match auth.scheme().descriptor().handshake? {
        Handshake::SlackUrlVerification => {
            #[derive(Deserialize)]
            struct UrlVerification {
                r#type: String,
                challenge: String,
            }
            let m: UrlVerification = serde_json::from_slice(body).ok()?;
            (m.r#type == "url_verification").then(|| {
                json_reply(
                    json!({ "challenge": m.challenge }).to_string(),
                    "slack_url_verification",
                )
            })
        }
        Handshake::ZoomUrlValidation => {
            #[derive(Deserialize)]
            struct Payload {
                #[serde(rename = "plainToken")]
                plain_token: String,
            }
            #[derive(Deserialize)]
            struct Validation {
                event: String,
                payload: Payload,
            }
            let m: Validation = serde_json::from_slice(body).ok()?;
            if m.event != "endpoint.url_validation" {
                return None;
            }
            let key = verified.secret().expose().as_bytes();
            let token = mac(
                Algorithm::Sha256,
                key,
                &[Cow::Borrowed(m.payload.plain_token.as_bytes())],
            );
            Some(json_reply(
                json!({
                    "plainToken": m.payload.plain_token,
                    "encryptedToken": hex::encode(token),
                })
                .to_string(),
                "zoom_url_validation",
            ))
        }
        Handshake::TwitchCallbackVerification => {
            let message_type = verified
                .inbound()
                .headers
                .get("twitch-eventsub-message-type")?;
            if message_type != "webhook_callback_verification" {
                return None;
            }
            #[derive(Deserialize)]
            struct Challenge {
                challenge: String,
            }
            let m: Challenge = serde_json::from_slice(body).ok()?;
            Some(HandshakeReply {
                status: 200,
                content_type: "text/plain",
                body: m.challenge,
                headers: Vec::new(),
                kind: "twitch_callback_verification",
                visit: None,
            })
        }
        Handshake::DiscordPing => match discord_message(body)? {
            DiscordMessage::Interaction(1) => {
                Some(json_reply(r#"{"type":1}"#.to_string(), "discord_ping"))
            }
            DiscordMessage::EventsPing => Some(HandshakeReply {
                status: 204,
                content_type: "text/plain",
                body: String::new(),
                headers: Vec::new(),
                kind: "discord_events_ping",
                visit: None,
            }),
            _ => None,
        },
        // Verified by its URL key: Mailchimp only needs the callback URL to answer.
        Handshake::MailchimpUrlValidation => {
            (verified.inbound().method == "GET").then(|| HandshakeReply {
                status: 200,
                content_type: "text/plain",
                body: String::new(),
                headers: Vec::new(),
                kind: "mailchimp_url_validation",
                visit: None,
            })
        }
        Handshake::MetaSubscription
        | Handshake::TwitterCrc
        | Handshake::DropboxChallenge
        | Handshake::GraphValidation
        | Handshake::OktaVerification
        | Handshake::TrelloHead
        | Handshake::IntercomHead
        | Handshake::WoocommercePing
        | Handshake::NotionVerification
        | Handshake::AsanaHookSecret => None,
    }
}

/// What the forwarded body of Notion's verification request says instead of the token:
/// the token is the key Notion will sign with, so it never leaves hookgate.
pub const NOTION_TOKEN_REDACTED: &str = "<in hookgate's delivery log>";

/// Notion's one-time verification request (Notion's webhooks page, "Step 2 - Verifying
/// the subscription"): a `POST` whose body is `{"verification_token": "…"}`. It cannot be
/// signed with a key the endpoint does not have yet (the token is that key), so it is
/// accepted by its exact shape: no `X-Notion-Signature`, one member, a token of visible
/// ASCII at most [`MAX_CHALLENGE_LEN`] long; and only while every active secret of the
/// webhook is the `hgs_` placeholder hookgate generated, i.e. before the operator stored
/// the token. Afterwards the same request is an unsigned body like any other (401).
/// Returns the index of the active secret the request is recorded against.
pub(super) fn notion_verification(
    record: &WebhookRecord,
    inbound: &Inbound,
    now: UnixMillis,
) -> Option<usize> {
    let auth = record.auth();
    if auth.scheme().descriptor().handshake != Some(Handshake::NotionVerification)
        || inbound.method != "POST"
        || inbound.headers.get("x-notion-signature").is_some()
    {
        return None;
    }
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Verification<'a> {
        #[serde(borrow)]
        verification_token: Cow<'a, str>,
    }
    let v: Verification<'_> = serde_json::from_slice(&inbound.body).ok()?;
    let token = v.verification_token;
    let token_shaped = !token.is_empty()
        && token.len() <= MAX_CHALLENGE_LEN
        && token.bytes().all(|b| b.is_ascii_graphic());
    let mut active = auth
        .secrets()
        .iter()
        .enumerate()
        .filter(|(_, s)| s.active_at(now));
    let (index, _) = active.clone().next()?;
    let awaiting_token = active.all(|(_, s)| s.value().expose().starts_with("hgs_"));
    (token_shaped && awaiting_token).then_some(index)
}

/// What a Discord body is: an interaction (by its `type`) or, on the Events URL
/// (`"event"` present, or `"type": 0`), a webhook event or its PING.
enum DiscordMessage {
    Interaction(u64),
    EventsPing,
    Event,
}

fn discord_message(body: &[u8]) -> Option<DiscordMessage> {
    #[derive(Deserialize)]
    struct Message<'a> {
        r#type: u64,
        #[serde(borrow, default)]
        event: Option<&'a serde_json::value::RawValue>,
    }
    let m: Message<'_> = serde_json::from_slice(body).ok()?;
    Some(match (m.r#type, m.event) {
        (0, _) => DiscordMessage::EventsPing,
        (_, Some(_)) => DiscordMessage::Event,
        (t, None) => DiscordMessage::Interaction(t),
    })
}

/// The answer Discord needs for a verified request handed to a queue (or an async
/// origin), in place of hookgate's `202`: a command or modal submit (types 2, 5) is
/// deferred (`{"type":5}`), a component (3) acknowledged (`{"type":6}`), a webhook event
/// `204` as the Events URL requires. `None`: keep the usual answer (a sync origin's
/// passes through; other interaction types need an origin to answer them).
pub fn discord_ack(verified: &Verified) -> Option<(u16, &'static str)> {
    let record = verified.record();
    if record.auth().scheme().descriptor().handshake != Some(Handshake::DiscordPing) {
        return None;
    }
    if let TargetKind::Origin(o) = record.target().kind() {
        if o.mode() == crate::model::OriginMode::Sync {
            return None;
        }
    }
    match discord_message(&verified.inbound().body)? {
        DiscordMessage::Interaction(2 | 5) => Some((200, r#"{"type":5}"#)),
        DiscordMessage::Interaction(3) => Some((200, r#"{"type":6}"#)),
        DiscordMessage::Event => Some((204, "")),
        _ => None,
    }
}
