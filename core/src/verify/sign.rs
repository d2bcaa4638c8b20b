//! Signing like a sender: the inverse of verification, for the admin API's test action.
//! It reads the same descriptors and layouts the verifier runs, so a test event is signed
//! exactly as the webhook's provider would sign it, with the webhook's newest secret.

use super::{adyen, contentful, engine, public_url, twilio};
use crate::model::scheme::{Check, Layout, Piece, Prefix, SignatureSource, TimestampSource};
use crate::model::template::SignatureEncoding;
use crate::model::{Method, Scheme, Style, WebhookRecord};
use crate::time::UnixMillis;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use std::borrow::Cow;

/// A request as the webhook's sender would send it.
#[derive(Clone)]
pub struct SignedRequest {
    pub method: Method,
    /// Path and query, e.g. `/hooks/x?TestId=…` or a Kestra URL with its key.
    pub path_and_query: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

// Its path may hold a URL key and its headers a secret: never shown.
impl std::fmt::Debug for SignedRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignedRequest")
            .field("method", &self.method)
            .field("body_len", &self.body.len())
            .finish_non_exhaustive()
    }
}

#[derive(Debug, PartialEq, Eq)]
pub enum SignError {
    /// Every secret of the webhook is past its rotation grace period.
    NoActiveSecret,
    /// The stored configuration cannot sign (it could not verify either).
    Misconfigured(&'static str),
    /// The scheme verifies with the provider's public key: only the provider can sign.
    PublicKeyOnly,
}

/// A synthetic event for `record`, signed with its newest active secret at `now`.
/// `origin` is the Worker's public origin (`https://hooks.example.com`), which Twilio
/// signs; `test_id` makes the body unique, so the test is never a duplicate.
pub fn test_request(
    record: &WebhookRecord,
    origin: &str,
    now: UnixMillis,
    test_id: &str,
) -> Result<SignedRequest, SignError> {
    sign(record, origin, now, test_id, None)
}

/// An operator's own request body (the `hookgate send` command), with its content
/// type, signed for `record` as its sender would: `delivery_id` goes where the scheme
/// signs the provider's delivery id. A body-timestamp scheme's field must be in `body`.
pub struct OwnBody {
    pub method: Method,
    pub content_type: Option<String>,
    /// Extra headers (lower-case names); a signed header given here is signed as is.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

pub fn sign_body(
    record: &WebhookRecord,
    origin: &str,
    now: UnixMillis,
    delivery_id: &str,
    own: OwnBody,
) -> Result<SignedRequest, SignError> {
    sign(record, origin, now, delivery_id, Some(own))
}

fn sign(
    record: &WebhookRecord,
    origin: &str,
    now: UnixMillis,
    test_id: &str,
    own: Option<OwnBody>,
) -> Result<SignedRequest, SignError> {
    let auth = record.auth();
    let secret = auth
        .secrets()
        .iter()
        .find(|s| s.active_at(now))
        .ok_or(SignError::NoActiveSecret)?
        .value();
    let method = if let Some(own) = &own {
        own.method
    } else if record.methods().contains(&Method::Post) {
        Method::Post
    } else {
        record.methods()[0]
    };
    let carries_body = !matches!(method, Method::Get);
    let timestamp_source: Option<TimestampSource<'_>> = match &auth.scheme().descriptor().check {
        Check::Hmac(layout) => layout.timestamp,
        Check::Template => template_layout(record)?.timestamp,
        _ => None,
    };
    let now_s = (now.0 / 1000).to_string();
    let timestamp: Option<String> = timestamp_source.and_then(|t| match t {
        TimestampSource::BodyUnixMillis(_) => None,
        TimestampSource::Rfc3339Header(_) => Some(now.to_rfc3339()),
        TimestampSource::UnixMillisHeader(_) | TimestampSource::FromSignatureHeaderMillis => {
            Some(now.0.to_string())
        }
        // Orb writes UTC without a zone.
        TimestampSource::UtcIso8601Header(_) => {
            Some(now.to_rfc3339().trim_end_matches('Z').to_string())
        }
        _ => Some(now_s.clone()),
    });

    let mut headers: Vec<(String, String)> = Vec::new();
    let mut path_and_query = record.path().as_str().to_string();
    let given = own.is_some();
    let body: Vec<u8> = if let Some(own) = own {
        if let Some(content_type) = own.content_type {
            headers.push(("content-type".into(), content_type));
        }
        headers.extend(own.headers);
        own.body
    } else if !carries_body {
        Vec::new()
    } else if auth.scheme() == Scheme::Twilio {
        headers.push((
            "content-type".into(),
            "application/x-www-form-urlencoded".into(),
        ));
        format!("HookgateTest=true&TestId={test_id}").into_bytes()
    } else {
        headers.push(("content-type".into(), "application/json".into()));
        let mut event = match record.style() {
            Style::Kubiya => serde_json::json!({
                "message": "hookgate test event",
                "parameters": {},
                "metadata": {"hookgate_test": true, "test_id": test_id},
            }),
            _ => serde_json::json!({
                "type": "hookgate.test",
                "test": true,
                "id": test_id,
                "sent_at": now.to_rfc3339(),
            }),
        };
        if let Some(TimestampSource::BodyUnixMillis(field)) = timestamp_source {
            event[field] = now.0.into();
        }
        event.to_string().into_bytes()
    };
    if !carries_body && !given {
        path_and_query.push_str(&format!("?hookgate_test={test_id}"));
    }

    if let Some(basic) = record.basic_auth() {
        let pair = format!("{}:{}", basic.username(), basic.password().expose());
        headers.push((
            "authorization".into(),
            format!("Basic {}", STANDARD.encode(pair)),
        ));
    }
    let mut body = body;
    match &auth.scheme().descriptor().check {
        Check::PublicKey(_) | Check::FetchedKey(_) => return Err(SignError::PublicKeyOnly),
        Check::ClientState => {
            // Graph's notification shape, with the secret as every item's clientState.
            body = serde_json::json!({"value": [{
                "subscriptionId": test_id,
                "clientState": secret.expose(),
                "changeType": "created",
                "resource": "hookgate/test",
            }]})
            .to_string()
            .into_bytes();
        }
        Check::TokenOrSigned {
            headers: names,
            signed,
        } => {
            if auth.scheme().is_signing_token(secret.expose()) {
                let url = format!("{origin}{path_and_query}");
                sign_mac(
                    signed,
                    record,
                    secret,
                    method,
                    &url,
                    Some(&now_s),
                    test_id,
                    &body,
                    &mut headers,
                )?
            } else {
                headers.push((names[0].to_string(), secret.expose().to_string()));
            }
        }
        Check::AdyenNotificationItems => {
            let key = auth
                .key_bytes(secret)
                .ok_or(SignError::Misconfigured("the secret does not decode"))?;
            // A test event is one AUTHORISATION item; an operator's own notification is
            // signed item by item as it stands.
            let mut notification: serde_json::Value = if given {
                serde_json::from_slice(&body)
                    .map_err(|_| SignError::Misconfigured("an Adyen notification is JSON"))?
            } else {
                serde_json::json!({"live": "false", "notificationItems": [{"NotificationRequestItem": {
                    "pspReference": test_id,
                    "merchantAccountCode": "HookgateTest",
                    "merchantReference": format!("hookgate-test-{test_id}"),
                    "amount": {"value": 0, "currency": "EUR"},
                    "eventCode": "AUTHORISATION",
                    "success": "true",
                    "eventDate": now.to_rfc3339(),
                }}]})
            };
            adyen::sign_items(&mut notification, &key)
                .ok_or(SignError::Misconfigured("not an Adyen notification"))?;
            body = notification.to_string().into_bytes();
        }
        Check::BasicAuth => headers.push((
            "authorization".into(),
            format!("Basic {}", STANDARD.encode(secret.expose())),
        )),
        Check::SharedSecret { headers: names } => {
            let name = auth.header().unwrap_or(names[0]);
            headers.push((name.to_string(), secret.expose().to_string()));
        }
        Check::UrlKey => {
            let (path, query) = path_and_query
                .split_once('?')
                .map_or((path_and_query.clone(), String::new()), |(p, q)| {
                    (p.to_string(), format!("?{q}"))
                });
            path_and_query = format!("{path}/{}{query}", secret.expose());
        }
        Check::Hmac(layout)
            if matches!(layout.signature, SignatureSource::JsonBodyMember { .. }) =>
        {
            body = sign_in_body(layout, record, secret, &now_s, test_id, &body)?;
        }
        Check::Hmac(layout) => {
            let url = format!("{origin}{path_and_query}");
            sign_mac(
                layout,
                record,
                secret,
                method,
                &url,
                timestamp.as_deref(),
                test_id,
                &body,
                &mut headers,
            )?
        }
        Check::Template => {
            let url = format!("{origin}{path_and_query}");
            let layout = template_layout(record)?;
            sign_mac(
                &layout,
                record,
                secret,
                method,
                &url,
                timestamp.as_deref(),
                test_id,
                &body,
                &mut headers,
            )?
        }
    }
    Ok(SignedRequest {
        method,
        path_and_query,
        headers,
        body,
    })
}

fn template_layout(record: &WebhookRecord) -> Result<Layout<'_>, SignError> {
    record
        .auth()
        .template()
        .ok_or(SignError::Misconfigured("the hmac scheme has no template"))?
        .layout()
        .map_err(|_| SignError::Misconfigured("the stored template does not parse"))
}

/// Adds the timestamp, signed-header and signature headers of a MAC layout.
#[allow(clippy::too_many_arguments)]
fn sign_mac(
    layout: &Layout<'_>,
    record: &WebhookRecord,
    secret: &crate::secret::Secret,
    method: Method,
    url: &str,
    timestamp: Option<&str>,
    test_id: &str,
    body: &[u8],
    headers: &mut Vec<(String, String)>,
) -> Result<(), SignError> {
    let auth = record.auth();
    let key = auth
        .key_bytes(secret)
        .ok_or(SignError::Misconfigured("the secret does not decode"))?;
    let timestamp = timestamp.unwrap_or_default();
    if let Some(
        TimestampSource::UnixSecondsHeader(name)
        | TimestampSource::Rfc3339Header(name)
        | TimestampSource::UnixMillisHeader(name)
        | TimestampSource::UtcIso8601Header(name),
    ) = layout.timestamp
    {
        headers.push((name.to_string(), timestamp.to_string()));
    }
    // Contentful signs its own list of signed headers: the two it always lists.
    if layout.content.contains(&Piece::ContentfulCanonicalRequest)
        && !headers.iter().any(|(k, _)| k == contentful::SIGNED_HEADERS)
    {
        headers.push((
            contentful::SIGNED_HEADERS.to_string(),
            format!("{},{}", contentful::SIGNED_HEADERS, contentful::TIMESTAMP),
        ));
    }
    // Signed headers the request does not have yet get a test value.
    for piece in layout.content.iter() {
        if let Piece::Header(name) = piece {
            if !headers.iter().any(|(k, _)| k == name) {
                headers.push((name.to_string(), format!("msg_{test_id}")));
            }
        }
    }
    let mut pieces: Vec<Cow<'_, [u8]>> = Vec::new();
    for piece in layout.content.iter() {
        pieces.push(match piece {
            Piece::Literal(text) => Cow::Borrowed(text.as_bytes()),
            Piece::Body => Cow::Borrowed(body),
            Piece::Timestamp => Cow::Borrowed(timestamp.as_bytes()),
            Piece::Header(name) => Cow::Owned(
                headers
                    .iter()
                    .find(|(k, _)| k == name)
                    .map(|(_, v)| v.clone().into_bytes())
                    .unwrap_or_default(),
            ),
            Piece::JsonBodyMember(_) => {
                return Err(SignError::Misconfigured(
                    "a body object is signed in the body",
                ))
            }
            Piece::ContentfulCanonicalRequest => {
                let lookup = |name: &str| {
                    headers
                        .iter()
                        .find(|(k, _)| k.eq_ignore_ascii_case(name))
                        .map(|(_, v)| v.as_str())
                };
                let prefix = contentful::canonical_prefix(method.as_str(), url, lookup)
                    .map_err(|_| SignError::Misconfigured("Contentful's canonical request"))?;
                let mut signed = prefix.into_bytes();
                signed.extend_from_slice(body);
                Cow::Owned(signed)
            }
            Piece::TwilioUrlAndParams => Cow::Owned(
                twilio::signed_contents(url, body)
                    .ok()
                    .and_then(|mut c| (!c.is_empty()).then(|| c.remove(0)))
                    .ok_or(SignError::Misconfigured("Twilio content"))?,
            ),
            Piece::Method => Cow::Borrowed(method.as_str().as_bytes()),
            Piece::RequestUrl | Piece::NotificationUrl => {
                Cow::Owned(public_url::signing_form(piece, auth, url).into_bytes())
            }
        });
    }
    let mac = engine::mac(layout.algorithm, &key, &pieces);
    let encode = |encoding: SignatureEncoding| match encoding {
        SignatureEncoding::Hex => hex::encode(mac.as_slice()),
        SignatureEncoding::Base64 => STANDARD.encode(mac.as_slice()),
    };
    let (name, value) = match &layout.signature {
        SignatureSource::Header {
            names,
            prefix,
            encoding,
            configurable,
        } => {
            let name = auth.header().filter(|_| *configurable).unwrap_or(names[0]);
            let prefix = match prefix {
                Prefix::None => "",
                Prefix::Required(p) | Prefix::Optional(p) => p,
            };
            let encoded = match encoding {
                SignatureEncoding::Hex => hex::encode(mac.as_slice()),
                SignatureEncoding::Base64 => STANDARD.encode(mac.as_slice()),
            };
            (name.to_string(), format!("{prefix}{encoded}"))
        }
        SignatureSource::KeyValues {
            header,
            separator,
            timestamp_key,
            signature_key,
        } => (
            header.to_string(),
            format!(
                "{timestamp_key}={timestamp}{separator}{signature_key}={}",
                hex::encode(mac.as_slice())
            ),
        ),
        SignatureSource::VersionedList { header } => (
            header.to_string(),
            format!("v1,{}", STANDARD.encode(mac.as_slice())),
        ),
        SignatureSource::PrefixedList {
            header,
            prefix,
            encoding,
            ..
        } => (header.to_string(), format!("{prefix}{}", encode(*encoding))),
        // One Connect key: the family's first header.
        SignatureSource::NumberedHeaders {
            prefix, encoding, ..
        } => (format!("{prefix}1"), encode(*encoding)),
        SignatureSource::TimeThenSignatures { header, separator } => (
            header.to_string(),
            format!("{timestamp}{separator}{}", hex::encode(mac.as_slice())),
        ),
        // One set: a sender signing with one secret.
        SignatureSource::KeyValueSets {
            header,
            separator,
            timestamp_key,
            signature_key,
            ..
        } => (
            header.to_string(),
            format!(
                "{timestamp_key}={timestamp}{separator}{signature_key}={}",
                hex::encode(mac.as_slice())
            ),
        ),
        // The first header: the provider's primary key.
        SignatureSource::EachHeader { names, encoding } => {
            (names[0].to_string(), encode(*encoding))
        }
        SignatureSource::JsonBodyMember { .. } => {
            return Err(SignError::Misconfigured(
                "a body object is signed in the body",
            ))
        }
    };
    headers.push((name, value));
    Ok(())
}

/// A body that signs itself (Mailgun): `{member: {<time>, <signed fields>, <MAC>},
/// "event-data": <the event>}`, the event being `event` as JSON (or as a string when it
/// is not JSON). The signed fields get a test value made from `test_id`.
fn sign_in_body(
    layout: &Layout<'_>,
    record: &WebhookRecord,
    secret: &crate::secret::Secret,
    timestamp: &str,
    test_id: &str,
    event: &[u8],
) -> Result<Vec<u8>, SignError> {
    let SignatureSource::JsonBodyMember {
        member,
        fields,
        encoding,
    } = &layout.signature
    else {
        return Err(SignError::Misconfigured("not a body-object layout"));
    };
    let key = record
        .auth()
        .key_bytes(secret)
        .ok_or(SignError::Misconfigured("the secret does not decode"))?;
    let mut object = serde_json::Map::new();
    if let Some(TimestampSource::JsonBodyMember(field)) = layout.timestamp {
        object.insert(field.to_string(), timestamp.into());
    }
    let value_of = |field: &str| format!("{field}-{test_id}");
    let mut pieces: Vec<Cow<'_, [u8]>> = Vec::new();
    for piece in layout.content.iter() {
        pieces.push(match piece {
            Piece::Literal(text) => Cow::Borrowed(text.as_bytes()),
            Piece::Timestamp => Cow::Borrowed(timestamp.as_bytes()),
            Piece::JsonBodyMember(field) => {
                object.insert(field.to_string(), value_of(field).into());
                Cow::Owned(value_of(field).into_bytes())
            }
            Piece::Body
            | Piece::Header(_)
            | Piece::TwilioUrlAndParams
            | Piece::ContentfulCanonicalRequest
            | Piece::Method
            | Piece::RequestUrl
            | Piece::NotificationUrl => {
                return Err(SignError::Misconfigured(
                    "a body-object layout signs the object's fields only",
                ))
            }
        });
    }
    let mac = engine::mac(layout.algorithm, &key, &pieces);
    let encoded = match encoding {
        SignatureEncoding::Hex => hex::encode(mac.as_slice()),
        SignatureEncoding::Base64 => STANDARD.encode(mac.as_slice()),
    };
    object.insert(fields[0].to_string(), encoded.into());
    let event: serde_json::Value = serde_json::from_slice(event)
        .unwrap_or_else(|_| String::from_utf8_lossy(event).into_owned().into());
    let mut body = serde_json::Map::new();
    body.insert(member.to_string(), object.into());
    // Mailgun's shape, the only sender of this layout.
    body.insert("event-data".to_string(), event);
    Ok(serde_json::Value::Object(body).to_string().into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::path::WebhookPath;
    use crate::request::{resolve_route, Headers, Inbound};
    use crate::testing::{record, NOW};
    use crate::verify::{verify, VerifyError};

    const ORIGIN: &str = "https://hooks.example.com";

    fn check(
        r: &WebhookRecord,
        signed: &SignedRequest,
        now: UnixMillis,
    ) -> Result<(), VerifyError> {
        let (path, query) = signed
            .path_and_query
            .split_once('?')
            .map_or((signed.path_and_query.as_str(), None), |(p, q)| {
                (p, Some(q))
            });
        let request_path = WebhookPath::parse_request(path).unwrap();
        let exact = (r.path() == &request_path).then(|| r.clone());
        let parent = exact.is_none().then(|| r.clone());
        let route = resolve_route(&request_path, exact.map(Into::into), parent.map(Into::into))
            .expect("the test request routes");
        let inbound = Inbound {
            method: signed.method.as_str().to_string(),
            url: format!("{ORIGIN}{}", signed.path_and_query),
            query: query.map(str::to_string),
            headers: Headers::new(signed.headers.clone()),
            source_ip: None,
            body: signed.body.clone(),
        };
        verify(route, inbound, now).map(|_| ())
    }

    #[test]
    fn every_scheme_signs_what_its_verifier_accepts() {
        for scheme in Scheme::ALL {
            let auth = match scheme {
                Scheme::Hmac => r#"{"scheme":"hmac","template":{"header":"X-Sig","content":"{id}.{timestamp}.{body}","id_header":"X-Id","timestamp_header":"X-Ts","prefix":"v0=","encoding":"base64"}}"#.to_string(),
                Scheme::Meta => r#"{"scheme":"meta","verify_token":"vt-0123456789"}"#.to_string(),
                // Signed with the provider's private key: nobody else can sign for them.
                Scheme::Discord
                | Scheme::Sendgrid
                | Scheme::AwsSns
                | Scheme::Paypal
                | Scheme::GooglePubsub
                | Scheme::Plaid => continue,
                Scheme::Asana => r#"{"scheme":"asana","secret":"asana-hook-secret-0123"}"#.to_string(),
                _ => format!(r#"{{"scheme":"{}"}}"#, scheme.name()),
            };
            let r = record(&format!(
                r#"{{"path":"/h","auth":{auth},"target":{{"queue":"EVENTS"}}}}"#
            ));
            let signed = test_request(&r, ORIGIN, NOW, "t1").unwrap();
            assert_eq!(check(&r, &signed, NOW), Ok(()), "{}", scheme.name());
            // And the signature is real: the same webhook with another generated secret
            // refuses it, with the scheme's own refusal for a wrong credential (not just
            // any error: a request that fails to parse would also be an error).
            let auth = match scheme {
                Scheme::Asana => auth.replace("asana-hook-secret-0123", "asana-other-secret-4567"),
                _ => auth,
            };
            let spec = format!(r#"{{"path":"/h","auth":{auth},"target":{{"queue":"EVENTS"}}}}"#);
            let other = crate::admin::validate_create(
                crate::admin::WebhookSpec::parse(spec.as_bytes()).unwrap(),
                crate::admin::Fresh {
                    id: crate::secret::WebhookId::generate([3; 12]),
                    secret_bytes: [9; 32],
                    forwarding_secret_bytes: [0x5a; 32],
                    now: NOW,
                },
                crate::admin::Policy::default(),
            )
            .unwrap()
            .record;
            let wrong_credential = match scheme {
                Scheme::SharedSecret => VerifyError::SecretMismatch,
                Scheme::UrlKey => VerifyError::UrlKeyMismatch,
                Scheme::HmacSha256Hex
                | Scheme::StandardWebhooks
                | Scheme::Svix
                | Scheme::Github
                | Scheme::GithubSha1
                | Scheme::Stripe
                | Scheme::Slack
                | Scheme::Shopify
                | Scheme::Twilio
                | Scheme::Paddle
                | Scheme::Linear
                | Scheme::Zoom
                | Scheme::Twitch
                | Scheme::Hmac
                | Scheme::Meta
                | Scheme::Twitter
                | Scheme::Dropbox
                | Scheme::Zendesk
                | Scheme::Calendly
                | Scheme::Mux
                | Scheme::Workos
                | Scheme::Orb
                | Scheme::Frameio
                | Scheme::Buildkite
                | Scheme::Recurly
                | Scheme::Tiktok
                | Scheme::Persona
                | Scheme::Box
                | Scheme::HubspotV3
                | Scheme::Square
                | Scheme::Trello
                | Scheme::Sentry
                | Scheme::Vercel
                | Scheme::Bitbucket
                | Scheme::Intercom
                | Scheme::Jira
                | Scheme::CoinbaseCommerce
                | Scheme::Woocommerce
                | Scheme::Razorpay
                | Scheme::Lemonsqueezy
                | Scheme::Segment
                | Scheme::Heroku
                | Scheme::Terraform
                | Scheme::Launchdarkly
                | Scheme::ModernTreasury
                | Scheme::Pusher
                | Scheme::MongodbAtlas
                | Scheme::Webex
                | Scheme::Gocardless
                | Scheme::Typeform
                | Scheme::Airtable
                | Scheme::Pagerduty
                | Scheme::Circleci
                | Scheme::Docusign
                | Scheme::Xero
                | Scheme::Notion
                | Scheme::Asana
                | Scheme::Openai
                | Scheme::Replicate
                | Scheme::Clerk
                | Scheme::Resend
                | Scheme::Brex
                | Scheme::Lithic
                | Scheme::Polar
                | Scheme::Mailgun
                | Scheme::Contentful
                | Scheme::Adyen => VerifyError::SignatureMismatch,
                // A generated GitLab secret is a secret token.
                Scheme::Okta | Scheme::Telegram | Scheme::Gitlab => VerifyError::SecretMismatch,
                Scheme::Postmark | Scheme::Pipedrive | Scheme::Chargebee => {
                    VerifyError::BasicAuthMismatch
                }
                Scheme::Mailchimp => VerifyError::UrlKeyMismatch,
                Scheme::MicrosoftGraph => VerifyError::ClientStateMismatch,
                Scheme::Discord
                | Scheme::Sendgrid
                | Scheme::AwsSns
                | Scheme::Paypal
                | Scheme::GooglePubsub
                | Scheme::Plaid => unreachable!("skipped above"),
            };
            assert_eq!(
                check(&other, &signed, NOW),
                Err(wrong_credential),
                "{}",
                scheme.name()
            );
        }
    }

    #[test]
    fn an_operators_own_body_is_signed_for_every_scheme() {
        for scheme in Scheme::ALL {
            let auth = match scheme {
                Scheme::Hmac => r#"{"scheme":"hmac","template":{"header":"X-Sig","content":"{id}.{timestamp}.{body}","id_header":"X-Id","timestamp_header":"X-Ts","prefix":"v0=","encoding":"base64"}}"#.to_string(),
                Scheme::Meta => r#"{"scheme":"meta","verify_token":"vt-0123456789"}"#.to_string(),
                // Signed with the provider's private key: nobody else can sign for them.
                // Graph's and Mailgun's credentials are inside the body, which their
                // signers write.
                Scheme::Discord
                | Scheme::Sendgrid
                | Scheme::MicrosoftGraph
                | Scheme::AwsSns
                | Scheme::Paypal
                | Scheme::GooglePubsub
                | Scheme::Plaid
                | Scheme::Mailgun => continue,
                Scheme::Asana => r#"{"scheme":"asana","secret":"asana-hook-secret-0123"}"#.to_string(),
                _ => format!(r#"{{"scheme":"{}"}}"#, scheme.name()),
            };
            let r = record(&format!(
                r#"{{"path":"/h","auth":{auth},"target":{{"queue":"EVENTS"}}}}"#
            ));
            // A body of the scheme's shape (a body-timestamp field where it signs one).
            let sample = test_request(&r, ORIGIN, NOW, "t1").unwrap();
            let content_type = sample
                .headers
                .iter()
                .find(|(k, _)| k == "content-type")
                .map(|(_, v)| v.clone());
            let own = OwnBody {
                method: sample.method,
                content_type,
                headers: vec![("x-extra".into(), "1".into())],
                body: sample.body.clone(),
            };
            let signed = sign_body(&r, ORIGIN, NOW, "msg_own", own).unwrap();
            assert_eq!(signed.body, sample.body);
            assert!(signed
                .headers
                .iter()
                .any(|(k, v)| k == "x-extra" && v == "1"));
            assert_eq!(check(&r, &signed, NOW), Ok(()), "{}", scheme.name());
        }
    }

    #[test]
    fn styles_and_configured_headers_are_followed() {
        let kestra = record(
            r#"{"style":"kestra","path":"/api/v1/main/executions/webhook/company.team/myflow","basic_auth":{"username":"admin@kestra.io","password":"kestra-pass"},"target":{"queue":"EVENTS"}}"#,
        );
        let signed = test_request(&kestra, ORIGIN, NOW, "t2").unwrap();
        assert!(signed
            .path_and_query
            .starts_with("/api/v1/main/executions/webhook/company.team/myflow/"));
        assert_eq!(check(&kestra, &signed, NOW), Ok(()));
        let kubiya = record(
            r#"{"style":"kubiya","path":"/api/v1/jobs/webhook/deploy","target":{"queue":"EVENTS"}}"#,
        );
        let signed = test_request(&kubiya, ORIGIN, NOW, "t3").unwrap();
        assert!(crate::style::kubiya::validate(&signed.body).is_ok());
        assert_eq!(check(&kubiya, &signed, NOW), Ok(()));
        let custom = record(
            r#"{"path":"/h","auth":{"scheme":"github","header":"X-Custom-Sig"},"target":{"queue":"EVENTS"}}"#,
        );
        let signed = test_request(&custom, ORIGIN, NOW, "t4").unwrap();
        assert!(signed.headers.iter().any(|(k, _)| k == "x-custom-sig"));
        assert_eq!(check(&custom, &signed, NOW), Ok(()));
        let get_only = record(
            r#"{"path":"/h","methods":["GET"],"auth":{"scheme":"url-key"},"target":{"queue":"EVENTS"}}"#,
        );
        let signed = test_request(&get_only, ORIGIN, NOW, "t5").unwrap();
        assert!(signed.body.is_empty() && signed.method == Method::Get);
        assert_eq!(check(&get_only, &signed, NOW), Ok(()));
    }

    #[test]
    fn debug_shows_no_key_or_secret() {
        let r = record(
            r#"{"path":"/h","auth":{"scheme":"url-key","secret":"the-url-key-0123456789abcdef"},"target":{"queue":"EVENTS"}}"#,
        );
        let signed = test_request(&r, ORIGIN, NOW, "t6").unwrap();
        assert!(!format!("{signed:?}").contains("the-url-key"));
    }
}
