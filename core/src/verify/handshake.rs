//! Edge handshakes: provider requests that prove the endpoint exists, answered by the
//! gateway itself and never forwarded. They are recognised only on a [`Verified`]
//! request, so an unsigned "challenge" never gets an answer.

use super::engine::mac;
use super::Verified;
use crate::model::scheme::Handshake;
use crate::model::template::Algorithm;
use serde::Deserialize;
use serde_json::json;
use std::borrow::Cow;

#[derive(Debug, PartialEq, Eq)]
pub struct HandshakeReply {
    pub content_type: &'static str,
    pub body: String,
    /// For the log line: which handshake this was.
    pub kind: &'static str,
}

pub fn handshake(verified: &Verified) -> Option<HandshakeReply> {
    let body = &verified.inbound().body;
    match verified.record().auth().scheme().descriptor().handshake? {
        Handshake::SlackUrlVerification => {
            #[derive(Deserialize)]
            struct UrlVerification {
                r#type: String,
                challenge: String,
            }
            let m: UrlVerification = serde_json::from_slice(body).ok()?;
            (m.r#type == "url_verification").then(|| HandshakeReply {
                content_type: "application/json",
                body: json!({ "challenge": m.challenge }).to_string(),
                kind: "slack_url_verification",
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
            Some(HandshakeReply {
                content_type: "application/json",
                body: json!({
                    "plainToken": m.payload.plain_token,
                    "encryptedToken": hex::encode(token),
                })
                .to_string(),
                kind: "zoom_url_validation",
            })
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
                content_type: "text/plain",
                body: m.challenge,
                kind: "twitch_callback_verification",
            })
        }
    }
}
