//! Issue 23's schemes through the real Worker: each provider's handshake answered at the
//! edge (and never forwarded), each signature accepted and its event queued, tampered
//! copies refused with 401. Signing here is written from the providers' documentation
//! with its own crates (ed25519-dalek, p256, hmac), independently of `hookgate-core`.

use super::hostile::drain;
use super::{remember_secret, TestResult, World};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use hookgate_harness::client::{send, unique, Admin, Resp};
use hookgate_harness::senders::{hmac_sha1, hmac_sha256, now_secs};
use serde_json::{json, Value};

type Test = (&'static str, fn(&World) -> TestResult);

pub const TESTS: &[Test] = &[
    (
        "public_keys::discord_ping_command_component_and_events",
        discord,
    ),
    (
        "public_keys::sendgrid_ecdsa_accepted_and_tampered_refused",
        sendgrid,
    ),
    ("public_keys::meta_subscription_and_signed_events", meta),
    ("public_keys::twitter_crc_and_signed_events", twitter),
    ("public_keys::dropbox_challenge_and_signed_events", dropbox),
    ("public_keys::graph_validation_and_client_state", graph),
    ("public_keys::okta_verification_and_header_secret", okta),
    (
        "public_keys::trello_head_and_callbacks_signed_with_their_url",
        trello,
    ),
    ("public_keys::schemes_listing_says_what_to_paste", listing),
];

fn register(world: &World, auth: Value) -> (String, String) {
    let scheme = auth["scheme"].as_str().unwrap().to_string();
    let created = Admin::of(&world.gateway).create(json!({
        "path": format!("/providers/{}", unique(&scheme)),
        "auth": auth,
        "target": {"queue": "EVENTS"},
    }));
    (
        created["id"].as_str().unwrap().to_string(),
        created["path"].as_str().unwrap().to_string(),
    )
}

fn post(world: &World, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Resp {
    send("POST", &world.gateway.url(path), headers, body)
}

fn get(world: &World, path_and_query: &str, headers: &[(&str, &str)]) -> Resp {
    send("GET", &world.gateway.url(path_and_query), headers, b"")
}

fn forwarded(world: &World, id: &str) -> Vec<Value> {
    drain(&world.gateway);
    world.gateway.envelopes_for(id)
}

fn assert_nosniff_echo(r: &Resp, body: &str) {
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body, body);
    assert!(r
        .header("content-type")
        .unwrap_or_default()
        .starts_with("text/plain"));
    assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
}

fn discord(world: &World) -> TestResult {
    use ed25519_dalek::{Signer, SigningKey};
    let key = SigningKey::from_bytes(&[7u8; 32]);
    let public = hex::encode(key.verifying_key().to_bytes());
    let (id, path) = register(world, json!({"scheme": "discord", "public_key": public}));
    let ts = now_secs().to_string();
    let sign = |body: &str| hex::encode(key.sign(format!("{ts}{body}").as_bytes()).to_bytes());
    let send_signed = |body: &str| {
        let sig = sign(body);
        post(
            world,
            &path,
            &[
                ("X-Signature-Ed25519", &sig),
                ("X-Signature-Timestamp", &ts),
            ],
            body.as_bytes(),
        )
    };
    // PING: answered PONG at the edge; unsigned, refused.
    let ping = r#"{"type":1,"id":"ping-1","application_id":"42","version":1}"#;
    let r = send_signed(ping);
    assert_eq!((r.status, r.body.as_str()), (200, r#"{"type":1}"#));
    post(
        world,
        &path,
        &[("X-Signature-Timestamp", &ts)],
        ping.as_bytes(),
    )
    .assert_problem(401, "signature_missing");
    // A command is queued and deferred; a component acknowledged.
    let command = format!(
        r#"{{"type":2,"id":"{}","data":{{"name":"deploy"}}}}"#,
        unique("cmd")
    );
    let r = send_signed(&command);
    assert_eq!(
        (r.status, r.body.as_str()),
        (200, r#"{"type":5}"#),
        "{}",
        r.body
    );
    let component = format!(
        r#"{{"type":3,"id":"{}","data":{{"custom_id":"b"}}}}"#,
        unique("cmp")
    );
    let r = send_signed(&component);
    assert_eq!(
        (r.status, r.body.as_str()),
        (200, r#"{"type":6}"#),
        "{}",
        r.body
    );
    // Tampered: the signature of one body on another.
    let sig = sign(&command);
    post(
        world,
        &path,
        &[
            ("X-Signature-Ed25519", &sig),
            ("X-Signature-Timestamp", &ts),
        ],
        command.replace("deploy", "destroy").as_bytes(),
    )
    .assert_problem(401, "signature_mismatch");
    // The Events URL: its PING and an event are acknowledged with 204.
    let r = send_signed(r#"{"version":1,"application_id":"42","type":0}"#);
    assert_eq!(r.status, 204, "{}", r.body);
    let event = format!(
        r#"{{"version":1,"application_id":"42","type":1,"event":{{"type":"APPLICATION_AUTHORIZED","timestamp":"{}","data":{{}}}}}}"#,
        unique("evt")
    );
    assert_eq!(send_signed(&event).status, 204);
    let envelopes = forwarded(world, &id);
    assert_eq!(
        envelopes.len(),
        3,
        "command, component and event, no ping: {envelopes:?}"
    );
    Ok(())
}

fn sendgrid(world: &World) -> TestResult {
    use p256::ecdsa::signature::Signer;
    use p256::ecdsa::{DerSignature, SigningKey};
    let key = SigningKey::from_slice(&[0x11; 32]).unwrap();
    // SubjectPublicKeyInfo for a P-256 key: the fixed DER header of RFC 5480, then the
    // uncompressed point, which is what SendGrid shows (base64).
    let mut spki = hex::decode("3059301306072a8648ce3d020106082a8648ce3d030107034200").unwrap();
    spki.extend_from_slice(key.verifying_key().to_encoded_point(false).as_bytes());
    let public = STANDARD.encode(spki);
    let (id, path) = register(world, json!({"scheme": "sendgrid", "public_key": public}));
    let ts = now_secs().to_string();
    let body = format!(
        "[{{\"email\":\"a@example.com\",\"event\":\"delivered\",\"sg_event_id\":\"{}\"}}]\r\n",
        unique("sg")
    );
    let sig: DerSignature = key.sign(format!("{ts}{body}").as_bytes());
    let sig = STANDARD.encode(sig.as_bytes());
    let headers = [
        ("X-Twilio-Email-Event-Webhook-Signature", sig.as_str()),
        ("X-Twilio-Email-Event-Webhook-Timestamp", ts.as_str()),
    ];
    let r = post(world, &path, &headers, body.as_bytes());
    assert_eq!(r.status, 202, "{}", r.body);
    post(
        world,
        &path,
        &headers,
        body.replace("delivered", "bounce").as_bytes(),
    )
    .assert_problem(401, "signature_mismatch");
    let stale = (now_secs() - 3600).to_string();
    post(
        world,
        &path,
        &[
            headers[0],
            ("X-Twilio-Email-Event-Webhook-Timestamp", stale.as_str()),
        ],
        body.as_bytes(),
    )
    .assert_problem(401, "timestamp_out_of_tolerance");
    let envelopes = forwarded(world, &id);
    assert_eq!(envelopes.len(), 1);
    assert!(
        !envelopes[0].to_string().contains(&sig),
        "the signature header was forwarded"
    );
    Ok(())
}

fn meta(world: &World) -> TestResult {
    let (secret, token) = ("meta-e2e-app-secret", "meta-e2e-verify-token");
    remember_secret(secret);
    remember_secret(token);
    let (id, path) = register(
        world,
        json!({"scheme": "meta", "secret": secret, "verify_token": token}),
    );
    let r = get(
        world,
        &format!("{path}?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token={token}"),
        &[],
    );
    assert_nosniff_echo(&r, "1158201444");
    get(
        world,
        &format!("{path}?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=guess"),
        &[],
    )
    .assert_problem(401, "verify_token_mismatch");
    // A GET that is no subscription is no event either.
    get(world, &format!("{path}?hello=1"), &[]).assert_problem(401, "signature_missing");
    let body = format!(
        r#"{{"object":"page","entry":[{{"id":"{}"}}]}}"#,
        unique("meta")
    );
    let sig = format!(
        "sha256={}",
        hex::encode(hmac_sha256(secret.as_bytes(), body.as_bytes()))
    );
    assert_eq!(
        post(
            world,
            &path,
            &[("X-Hub-Signature-256", &sig)],
            body.as_bytes()
        )
        .status,
        202
    );
    post(world, &path, &[("X-Hub-Signature-256", &sig)], b"{}")
        .assert_problem(401, "signature_mismatch");
    assert_eq!(
        forwarded(world, &id).len(),
        1,
        "only the event is forwarded"
    );
    Ok(())
}

fn twitter(world: &World) -> TestResult {
    let secret = "twitter-e2e-consumer-secret";
    remember_secret(secret);
    let (id, path) = register(world, json!({"scheme": "twitter", "secret": secret}));
    let r = get(world, &format!("{path}?crc_token=9b4507b3-9040"), &[]);
    assert_eq!(r.status, 200, "{}", r.body);
    let want = format!(
        "sha256={}",
        STANDARD.encode(hmac_sha256(secret.as_bytes(), b"9b4507b3-9040"))
    );
    assert_eq!(r.json()["response_token"], want);
    let body = format!(
        r#"{{"for_user_id":"1","tweet_create_events":[{{"id_str":"{}"}}]}}"#,
        unique("tw")
    );
    let sig = format!(
        "sha256={}",
        STANDARD.encode(hmac_sha256(secret.as_bytes(), body.as_bytes()))
    );
    assert_eq!(
        post(
            world,
            &path,
            &[("x-twitter-webhooks-signature", &sig)],
            body.as_bytes()
        )
        .status,
        202
    );
    post(
        world,
        &path,
        &[("x-twitter-webhooks-signature", &sig)],
        b"{}",
    )
    .assert_problem(401, "signature_mismatch");
    assert_eq!(forwarded(world, &id).len(), 1);
    Ok(())
}

fn dropbox(world: &World) -> TestResult {
    let secret = "dropbox-e2e-app-secret";
    remember_secret(secret);
    let (id, path) = register(world, json!({"scheme": "dropbox", "secret": secret}));
    let r = get(world, &format!("{path}?challenge=%3Cscript%3Eabc"), &[]);
    assert_nosniff_echo(&r, "<script>abc");
    let body = format!(r#"{{"list_folder":{{"accounts":["{}"]}}}}"#, unique("dbid"));
    let sig = hex::encode(hmac_sha256(secret.as_bytes(), body.as_bytes()));
    assert_eq!(
        post(
            world,
            &path,
            &[("X-Dropbox-Signature", &sig)],
            body.as_bytes()
        )
        .status,
        202
    );
    post(world, &path, &[("X-Dropbox-Signature", &sig)], b"{}")
        .assert_problem(401, "signature_mismatch");
    assert_eq!(forwarded(world, &id).len(), 1);
    Ok(())
}

fn graph(world: &World) -> TestResult {
    let state = "graph-e2e-client-state";
    remember_secret(state);
    let (id, path) = register(
        world,
        json!({"scheme": "microsoft-graph", "client_state": state}),
    );
    let r = post(
        world,
        &format!("{path}?validationToken=Validation%3A%20Testing%20reachability"),
        &[],
        b"",
    );
    assert_nosniff_echo(&r, "Validation: Testing reachability");
    let item = |s: &str| json!({"subscriptionId": unique("sub"), "clientState": s, "changeType": "created"});
    let good = json!({"value": [item(state), item(state)]}).to_string();
    assert_eq!(post(world, &path, &[], good.as_bytes()).status, 202);
    let bad = json!({"value": [item(state), item("guess")]}).to_string();
    post(world, &path, &[], bad.as_bytes()).assert_problem(401, "client_state_mismatch");
    let envelopes = forwarded(world, &id);
    assert_eq!(envelopes.len(), 1);
    assert!(
        !envelopes[0].to_string().contains(state),
        "clientState was forwarded"
    );
    assert_eq!(
        envelopes[0]["envelope"]["body"]["data"]["value"][0]["clientState"],
        "<verified>"
    );
    Ok(())
}

/// Trello: the `HEAD` it sends when the webhook is created, then callbacks signed with
/// base64 HMAC-SHA1 of body + callback URL (developer.atlassian.com, Trello webhooks).
fn trello(world: &World) -> TestResult {
    let secret = "trello-e2e-application-secret";
    remember_secret(secret);
    let sign = |body: &[u8], url: &str| {
        STANDARD.encode(hmac_sha1(
            secret.as_bytes(),
            &[body, url.as_bytes()].concat(),
        ))
    };
    let (id, path) = register(world, json!({"scheme": "trello", "secret": secret}));
    let url = world.gateway.url(&path);
    let head = send("HEAD", &url, &[], b"");
    assert_eq!(head.status, 200, "Trello's HEAD: {}", head.body);
    let body = format!(
        r#"{{"action":{{"id":"{}","type":"commentCard"}}}}"#,
        unique("act")
    );
    let sig = sign(body.as_bytes(), &url);
    assert_eq!(
        post(world, &path, &[("X-Trello-Webhook", &sig)], body.as_bytes()).status,
        202
    );
    post(world, &path, &[("X-Trello-Webhook", &sig)], b"{}")
        .assert_problem(401, "signature_mismatch");
    let envelopes = forwarded(world, &id);
    assert_eq!(
        envelopes.len(),
        1,
        "the HEAD or the tampered callback was forwarded"
    );
    assert!(
        !envelopes[0].to_string().contains(&sig),
        "the signature was forwarded"
    );

    // Behind a proxy: Trello signs the callback URL it was given, not the arrival URL.
    let public = "https://trello-callbacks.example/hooks/board?memberID=14";
    let (id, path) = register(
        world,
        json!({"scheme": "trello", "secret": secret, "notification_url": public}),
    );
    let body = format!(
        r#"{{"action":{{"id":"{}","type":"updateCard"}}}}"#,
        unique("act")
    );
    let signed_public = sign(body.as_bytes(), public);
    assert_eq!(
        post(
            world,
            &path,
            &[("X-Trello-Webhook", &signed_public)],
            body.as_bytes()
        )
        .status,
        202
    );
    let signed_arrival = sign(body.as_bytes(), &world.gateway.url(&path));
    post(
        world,
        &path,
        &[("X-Trello-Webhook", &signed_arrival)],
        body.as_bytes(),
    )
    .assert_problem(401, "signature_mismatch");
    assert_eq!(forwarded(world, &id).len(), 1);
    Ok(())
}

fn okta(world: &World) -> TestResult {
    let secret = "okta-e2e-header-secret";
    remember_secret(secret);
    let (id, path) = register(world, json!({"scheme": "okta", "secret": secret}));
    let r = get(
        world,
        &path,
        &[("X-Okta-Verification-Challenge", "rQAJZJzWl1OP")],
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json(), json!({"verification": "rQAJZJzWl1OP"}));
    let body = format!(
        r#"{{"eventType":"com.okta.event_hook","eventId":"{}"}}"#,
        unique("okta")
    );
    assert_eq!(
        post(world, &path, &[("Authorization", secret)], body.as_bytes()).status,
        202
    );
    post(
        world,
        &path,
        &[("Authorization", "okta-e2e-header-guess")],
        body.as_bytes(),
    )
    .assert_problem(401, "secret_mismatch");
    let envelopes = forwarded(world, &id);
    assert_eq!(envelopes.len(), 1);
    assert!(
        !envelopes[0].to_string().contains(secret),
        "the secret was forwarded"
    );
    Ok(())
}

fn listing(world: &World) -> TestResult {
    let r = Admin::of(&world.gateway).call("GET", "/admin/v1/schemes", None);
    assert_eq!(r.status, 200);
    let schemes = r.json()["schemes"].as_array().unwrap().clone();
    let by_name = |n: &str| schemes.iter().find(|s| s["name"] == n).cloned();
    for name in [
        "discord",
        "sendgrid",
        "meta",
        "twitter",
        "dropbox",
        "microsoft-graph",
        "okta",
    ] {
        let s = by_name(name).unwrap_or_else(|| panic!("{name} is not listed"));
        assert!(!s["summary"].as_str().unwrap().is_empty());
        assert!(s["operator_fields"].is_array(), "{name}");
    }
    assert_eq!(
        by_name("discord").unwrap()["operator_fields"][0]["field"],
        "public_key"
    );
    assert_eq!(
        by_name("meta").unwrap()["operator_fields"][1]["field"],
        "verify_token"
    );
    // The whole catalogue is listed, each with who sends it and the page its recipe
    // comes from (the dashboard's picker shows both).
    let listed: Vec<&str> = schemes
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    let known: Vec<&str> = hookgate_core::model::Scheme::ALL
        .iter()
        .map(|s| s.name())
        .collect();
    assert_eq!(listed, known);
    for s in &schemes {
        assert!(!s["provider"].as_str().unwrap().is_empty(), "{s}");
        let docs = s["docs"].as_str().unwrap();
        assert!(
            docs.starts_with("https://") || docs.starts_with("README.md#"),
            "{s}"
        );
    }
    assert_eq!(
        by_name("stripe").unwrap()["docs"],
        "https://docs.stripe.com/webhooks/signatures"
    );
    Ok(())
}
