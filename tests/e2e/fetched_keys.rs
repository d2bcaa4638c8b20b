//! Issue 23's fetched-key schemes through the real Worker (aws-sns, paypal,
//! google-pubsub, plaid): the test-only build fetches their keys from a local key server
//! (`x-hookgate-test-key-origin`: `https://host/path` is asked of `{origin}/host/path`),
//! after the core's host checks ran as in production. Each scheme is accepted and its
//! event queued, a tampered copy refused, a key URL off the provider's hosts refused
//! without a fetch, and a key that cannot be fetched is `401 key_unavailable` (fail
//! closed). The release build ignores the switch: it never fetches from the local server.
//!
//! The requests are the derived vectors (`core/tests/data/providers/*.json`, written by
//! `derive/fetched_keys.py` with `cryptography`, independently of `hookgate-core`);
//! Plaid's JWT, which must be at most five minutes old, is signed here with p256.

use super::hostile::drain;
use super::{remember_secret, TestResult, World};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hookgate_harness::client::{send, unique, Admin, Resp};
use hookgate_harness::gateway::{repo_root, Gateway};
use hookgate_harness::origin::{OriginServer, Reply};
use hookgate_harness::senders::now_secs;
use serde_json::{json, Value};
use std::time::Duration;

type Test = (&'static str, fn(&World) -> TestResult);

pub const TESTS: &[Test] = &[
    (
        "fetched_keys::aws_sns_certificate_fetched_once_topic_and_host_checked",
        aws_sns,
    ),
    (
        "fetched_keys::aws_sns_subscription_confirmed_or_forwarded",
        aws_sns_confirmation,
    ),
    (
        "fetched_keys::paypal_certificate_from_paypal_hosts_only",
        paypal,
    ),
    (
        "fetched_keys::google_pubsub_oidc_token_under_googles_certificates",
        google_pubsub,
    ),
    ("fetched_keys::plaid_jwt_under_the_fetched_jwk", plaid),
    (
        "fetched_keys::release_build_never_fetches_from_the_test_server",
        release_ignores_the_switch,
    ),
];

const ORIGIN_HEADER: &str = "x-hookgate-test-key-origin";

/// One vector of `core/tests/data/providers/<scheme>.json`.
fn vector(scheme: &str, id: &str) -> Value {
    let path = repo_root().join(format!("core/tests/data/providers/{scheme}.json"));
    let all: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    all.as_array()
        .unwrap()
        .iter()
        .find(|v| v["id"] == id)
        .unwrap_or_else(|| panic!("{scheme}: no vector {id}"))
        .clone()
}

/// A key server answering for the providers' hosts: `{origin}/host/path`.
struct KeyServer(OriginServer);

impl KeyServer {
    fn start() -> KeyServer {
        KeyServer(OriginServer::start())
    }

    fn origin(&self) -> String {
        format!("http://127.0.0.1:{}", self.0.port)
    }

    /// The path this server is asked for a provider URL.
    fn path_of(url: &str) -> String {
        format!("/{}", url.strip_prefix("https://").unwrap())
    }

    /// Serves `text` for `url` (a few times: the gateway caches it, and must not need
    /// more than one).
    fn serve(&self, url: &str, text: &str, headers: &[(&str, &str)]) {
        let reply = Reply {
            status: 200,
            headers: headers
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            body: text.to_string(),
            delay: Duration::ZERO,
        };
        self.0.script(
            &Self::path_of(url),
            vec![reply.clone(), reply.clone(), reply],
        );
    }

    fn asked(&self, url: &str) -> usize {
        self.0.received(&Self::path_of(url)).len()
    }
}

/// An origin nothing listens on: a fetch there fails at once.
fn dead_origin() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    format!("http://127.0.0.1:{port}")
}

fn register(gateway: &Gateway, auth: Value) -> (String, String) {
    let scheme = auth["scheme"].as_str().unwrap().to_string();
    if let Some(secret) = auth["secret"].as_str() {
        remember_secret(secret);
    }
    let created = Admin::of(gateway).create(json!({
        "path": format!("/fetched/{}", unique(&scheme)),
        "auth": auth,
        "target": {"queue": "EVENTS"},
    }));
    (
        created["id"].as_str().unwrap().to_string(),
        created["path"].as_str().unwrap().to_string(),
    )
}

/// The vector's request, with the key origin header when one is given.
fn post_vector(
    gateway: &Gateway,
    path: &str,
    v: &Value,
    origin: Option<&str>,
    body: Option<&str>,
) -> Resp {
    let mut headers: Vec<(String, String)> = v["headers"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, val)| (k.clone(), val.as_str().unwrap().to_string()))
        .collect();
    if let Some(o) = origin {
        headers.push((ORIGIN_HEADER.to_string(), o.to_string()));
    }
    let headers: Vec<(&str, &str)> = headers
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let body = match body {
        Some(b) => b.to_string(),
        None if v["scheme"] == "aws-sns" => compact(v["body"].as_str().unwrap()),
        None => v["body"].as_str().unwrap().to_string(),
    };
    send("POST", &gateway.url(path), &headers, body.as_bytes())
}

fn forwarded(gateway: &Gateway, id: &str) -> Vec<Value> {
    drain(gateway);
    gateway.envelopes_for(id)
}

/// A JSON body on one line. The envelope carries a JSON body's own text, and the suite
/// reads envelopes from the consumer's log lines: a pretty-printed body (as SNS and the
/// vectors send) would split its line. SNS signs members, not the text, so the compact
/// form verifies alike.
fn compact(body: &str) -> String {
    serde_json::from_str::<Value>(body).unwrap().to_string()
}

fn aws_sns(world: &World) -> TestResult {
    let g = &world.faults;
    let keys = KeyServer::start();
    let valid = vector("aws-sns", "sns-notification-signature-version-2");
    let cert_url = valid["key"]["url"].as_str().unwrap();
    keys.serve(cert_url, valid["key"]["text"].as_str().unwrap(), &[]);
    let (id, path) = register(g, valid["auth"].clone().merged("scheme", "aws-sns"));
    let origin = keys.origin();

    let r = post_vector(g, &path, &valid, Some(&origin), None);
    assert_eq!(r.status, 202, "{}", r.body);
    // Tampered (the signature of one message on another), a foreign topic, a
    // certificate URL off SNS's hosts: all refused.
    let tampered = vector("aws-sns", "sns-tampered-message");
    post_vector(g, &path, &tampered, Some(&origin), None).assert_problem(401, "signature_mismatch");
    let v1 = vector("aws-sns", "sns-notification-signature-version-1-sha1");
    let forged_topic =
        compact(v1["body"].as_str().unwrap()).replace("hookgate-orders", "someone-elses");
    post_vector(g, &path, &v1, Some(&origin), Some(&forged_topic))
        .assert_problem(401, "topic_not_allowed");
    let off_host = vector("aws-sns", "sns-cert-url-off-host");
    post_vector(g, &path, &off_host, Some(&origin), None).assert_problem(401, "key_url_refused");
    // The certificate was fetched once (then from the isolate's cache), and the one
    // accepted message was queued with its signed MessageId as the delivery key.
    assert_eq!(keys.asked(cert_url), 1, "the certificate is cached");
    let envelopes = forwarded(g, &id);
    assert_eq!(envelopes.len(), 1, "{envelopes:?}");
    // The same message again is a duplicate of its signed MessageId.
    let again = post_vector(g, &path, &valid, Some(&origin), None);
    assert_eq!(
        again.header("idempotent-replayed"),
        Some("true"),
        "{}",
        again.body
    );

    // A certificate that cannot be fetched: refused, never let through.
    let (_, other) = register(g, valid["auth"].clone().merged("scheme", "aws-sns"));
    post_vector(g, &other, &valid, Some(&dead_origin()), None)
        .assert_problem(401, "key_unavailable");
    // A key server that answers something other than a certificate: the same.
    let junk = KeyServer::start();
    junk.serve(cert_url, "not a certificate", &[]);
    post_vector(g, &other, &valid, Some(&junk.origin()), None)
        .assert_problem(401, "key_unavailable");
    Ok(())
}

fn aws_sns_confirmation(world: &World) -> TestResult {
    let g = &world.faults;
    let keys = KeyServer::start();
    let confirmation = vector("aws-sns", "sns-subscription-confirmation");
    keys.serve(
        confirmation["key"]["url"].as_str().unwrap(),
        confirmation["key"]["text"].as_str().unwrap(),
        &[],
    );
    let message: Value = serde_json::from_str(confirmation["body"].as_str().unwrap()).unwrap();
    let subscribe_url = message["SubscribeURL"].as_str().unwrap();

    // auto_confirm: hookgate visits the SubscribeURL and answers; nothing is forwarded.
    let mut auth = confirmation["auth"].clone().merged("scheme", "aws-sns");
    auth["auto_confirm"] = json!(true);
    let (id, path) = register(g, auth);
    let r = post_vector(g, &path, &confirmation, Some(&keys.origin()), None);
    assert_eq!((r.status, r.body.as_str()), (200, r#"{"confirmed":true}"#));
    let visits = keys.0.wait_for(
        &KeyServer::path_of(subscribe_url),
        1,
        Duration::from_secs(5),
    );
    assert_eq!(visits.len(), 1, "the SubscribeURL was visited once");
    assert!(
        forwarded(g, &id).is_empty(),
        "a confirmation is not forwarded"
    );

    // Without auto_confirm it is forwarded like any message, for the operator to confirm.
    let (id, path) = register(g, confirmation["auth"].clone().merged("scheme", "aws-sns"));
    let r = post_vector(g, &path, &confirmation, Some(&keys.origin()), None);
    assert_eq!(r.status, 202, "{}", r.body);
    assert_eq!(forwarded(g, &id).len(), 1);
    assert_eq!(
        keys.asked(subscribe_url),
        1,
        "visited only for the auto_confirm webhook"
    );
    Ok(())
}

fn paypal(world: &World) -> TestResult {
    let g = &world.faults;
    let keys = KeyServer::start();
    let valid = vector("paypal", "paypal-valid");
    let cert_url = valid["key"]["url"].as_str().unwrap();
    keys.serve(cert_url, valid["key"]["text"].as_str().unwrap(), &[]);
    let (id, path) = register(g, valid["auth"].clone().merged("scheme", "paypal"));
    let origin = keys.origin();
    let r = post_vector(g, &path, &valid, Some(&origin), None);
    assert_eq!(r.status, 202, "{}", r.body);
    let tampered = vector("paypal", "paypal-tampered-body");
    post_vector(g, &path, &tampered, Some(&origin), None).assert_problem(401, "signature_mismatch");
    for off_host in ["paypal-cert-off-host", "paypal-cert-plain-http"] {
        let v = vector("paypal", off_host);
        post_vector(g, &path, &v, Some(&origin), None).assert_problem(401, "key_url_refused");
    }
    assert_eq!(keys.asked(cert_url), 1);
    assert_eq!(forwarded(g, &id).len(), 1);
    // No certificate to be had: refused.
    let (_, other) = register(g, valid["auth"].clone().merged("scheme", "paypal"));
    post_vector(g, &other, &valid, Some(&dead_origin()), None)
        .assert_problem(401, "key_unavailable");
    Ok(())
}

fn google_pubsub(world: &World) -> TestResult {
    let g = &world.faults;
    let keys = KeyServer::start();
    // Long-lived so that it is still valid at the real clock (the others expire an hour
    // after the vectors' fixed time).
    let valid = vector("google-pubsub", "pubsub-valid-long-lived");
    let certs_url = valid["key"]["url"].as_str().unwrap();
    keys.serve(
        certs_url,
        valid["key"]["text"].as_str().unwrap(),
        &[("cache-control", "public, max-age=3600, must-revalidate")],
    );
    let (id, path) = register(g, valid["auth"].clone().merged("scheme", "google-pubsub"));
    let origin = keys.origin();
    let r = post_vector(g, &path, &valid, Some(&origin), None);
    assert_eq!(r.status, 202, "{}", r.body);
    // Another signature on the same claims; a token for another audience.
    let token = valid["headers"]["authorization"].as_str().unwrap();
    let (signed, _) = token.rsplit_once('.').unwrap();
    let forged = json!({"headers": {
        "content-type": "application/json",
        "authorization": format!("{signed}.{}", URL_SAFE_NO_PAD.encode([7u8; 256])),
    }, "body": valid["body"]});
    post_vector(g, &path, &forged, Some(&origin), None).assert_problem(401, "signature_mismatch");
    let mut other_audience = valid["auth"].clone().merged("scheme", "google-pubsub");
    other_audience["audience"] = json!("https://other.example.com/push");
    let (_, elsewhere) = register(g, other_audience);
    post_vector(g, &elsewhere, &valid, Some(&origin), None).assert_problem(401, "claim_mismatch");
    // Unsigned: no bearer token at all.
    let unsigned = json!({"headers": {"content-type": "application/json"}, "body": valid["body"]});
    post_vector(g, &path, &unsigned, Some(&origin), None).assert_problem(401, "signature_missing");
    assert_eq!(keys.asked(certs_url), 1, "Google's certificates are cached");
    assert_eq!(forwarded(g, &id).len(), 1);
    // Google's certificates cannot be had: refused.
    post_vector(g, &path, &valid, Some(&dead_origin()), None)
        .assert_problem(401, "key_unavailable");
    Ok(())
}

/// Plaid's test key (the derivation script's: the scalar is SHA-256 of this label).
fn plaid_key() -> p256::ecdsa::SigningKey {
    use sha2::Digest;
    let scalar = sha2::Sha256::digest(b"hookgate plaid test key");
    p256::ecdsa::SigningKey::from_bytes(&scalar).unwrap()
}

fn plaid_jwt(key: &p256::ecdsa::SigningKey, kid: &str, body: &str, iat: u64) -> String {
    use p256::ecdsa::signature::Signer;
    use sha2::Digest;
    let header =
        URL_SAFE_NO_PAD.encode(json!({"alg": "ES256", "kid": kid, "typ": "JWT"}).to_string());
    let claims =
        json!({"iat": iat, "request_body_sha256": hex::encode(sha2::Sha256::digest(body))});
    let input = format!("{header}.{}", URL_SAFE_NO_PAD.encode(claims.to_string()));
    let signature: p256::ecdsa::Signature = key.sign(input.as_bytes());
    format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature.to_bytes()))
}

fn plaid(world: &World) -> TestResult {
    let g = &world.faults;
    let keys = KeyServer::start();
    let template = vector("plaid", "plaid-valid");
    let key_url = template["key"]["url"].as_str().unwrap();
    let kid = unique("kid").replace('_', "-");
    // The JWK Plaid's endpoint answers with (the vector's, under this test's kid).
    let mut answer: Value =
        serde_json::from_str(template["key"]["text"].as_str().unwrap()).unwrap();
    answer["key"]["kid"] = json!(kid);
    keys.serve(key_url, &answer.to_string(), &[]);
    let client_id = unique("client");
    let secret = format!("plaid-secret-{}", unique("s"));
    let (id, path) = register(
        g,
        json!({"scheme": "plaid", "client_id": client_id, "secret": secret}),
    );
    let key = plaid_key();
    let body = &compact(template["body"].as_str().unwrap());
    let signed = |body: &str, iat: u64| {
        json!({"headers": {
            "content-type": "application/json",
            "plaid-verification": plaid_jwt(&key, &kid, body, iat),
        }})
    };
    let origin = keys.origin();
    let r = post_vector(
        g,
        &path,
        &signed(body, now_secs()),
        Some(&origin),
        Some(body),
    );
    assert_eq!(r.status, 202, "{}", r.body);
    // Plaid's endpoint was asked with the operator's credentials and the token's kid.
    let asked = keys.0.received(&KeyServer::path_of(key_url));
    assert_eq!(asked.len(), 1);
    let request: Value = serde_json::from_slice(&asked[0].body).unwrap();
    assert_eq!(
        request,
        json!({"client_id": client_id, "secret": secret, "key_id": kid})
    );
    // The body's hash is signed: another body is refused; so is a stale token.
    let other_body = body.replace("DEFAULT_UPDATE", "HISTORICAL_UPDATE");
    post_vector(
        g,
        &path,
        &signed(body, now_secs()),
        Some(&origin),
        Some(&other_body),
    )
    .assert_problem(401, "claim_mismatch");
    post_vector(
        g,
        &path,
        &signed(body, now_secs() - 600),
        Some(&origin),
        Some(body),
    )
    .assert_problem(401, "timestamp_out_of_tolerance");
    assert_eq!(forwarded(g, &id).len(), 1);
    // Plaid's endpoint unreachable: refused.
    let (_, other) = register(
        g,
        json!({"scheme": "plaid", "client_id": unique("client"), "secret": secret}),
    );
    post_vector(
        g,
        &other,
        &signed(body, now_secs()),
        Some(&dead_origin()),
        Some(body),
    )
    .assert_problem(401, "key_unavailable");
    // A pinned JWK needs no fetch at all.
    let (pinned_id, pinned) = register(g, json!({"scheme": "plaid", "jwk": answer["key"]}));
    let r = post_vector(g, &pinned, &signed(body, now_secs()), None, Some(body));
    assert_eq!(r.status, 202, "{}", r.body);
    assert_eq!(forwarded(g, &pinned_id).len(), 1);
    Ok(())
}

/// The release build has no code that reads the key-origin header: a valid SNS message
/// naming a live local key server is still fetched from SNS's own host (unreachable
/// here), so it fails closed, and the local server is never asked; an off-host URL is
/// refused before any fetch, as in the test build.
fn release_ignores_the_switch(world: &World) -> TestResult {
    let g = &world.gateway;
    let keys = KeyServer::start();
    let valid = vector("aws-sns", "sns-notification-signature-version-2");
    let cert_url = valid["key"]["url"].as_str().unwrap();
    keys.serve(cert_url, valid["key"]["text"].as_str().unwrap(), &[]);
    let (id, path) = register(g, valid["auth"].clone().merged("scheme", "aws-sns"));
    post_vector(g, &path, &valid, Some(&keys.origin()), None)
        .assert_problem(401, "key_unavailable");
    let off_host = vector("aws-sns", "sns-cert-url-off-host");
    post_vector(g, &path, &off_host, Some(&keys.origin()), None)
        .assert_problem(401, "key_url_refused");
    assert_eq!(
        keys.asked(cert_url),
        0,
        "the release build asked the test server"
    );
    assert!(forwarded(g, &id).is_empty());
    Ok(())
}

/// `auth` objects from the vectors lack the scheme (it is the file's).
trait Merged {
    fn merged(self, key: &str, value: &str) -> Value;
}

impl Merged for Value {
    fn merged(mut self, key: &str, value: &str) -> Value {
        self[key] = json!(value);
        self
    }
}
