//! A sender's happy paths, and what the gateway hands over for them.

use super::{remember_secret, TestResult, World, SECRETS_SEEN};
use hookgate_harness::client::{hmac_hex, send, send_chunked, unique, Admin};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

type Test = (&'static str, fn(&World) -> TestResult);

pub const TESTS: &[Test] = &[
    (
        "ingress::hmac_signed_post_is_accepted_and_its_envelope_arrives",
        hmac_signed_post_is_accepted,
    ),
    (
        "ingress::shared_secret_in_either_header_is_accepted",
        shared_secret_is_accepted,
    ),
    (
        "ingress::url_key_is_accepted_and_never_forwarded",
        url_key_is_accepted,
    ),
    (
        "ingress::nested_path_matches_with_encoded_slash",
        nested_path_with_encoded_slash,
    ),
    (
        "ingress::text_and_binary_bodies_keep_their_bytes",
        text_and_binary_bodies,
    ),
    (
        "ingress::large_body_travels_through_r2",
        large_body_through_r2,
    ),
    (
        "ingress::chunked_body_within_limit_is_accepted",
        chunked_within_limit,
    ),
    (
        "ingress::configured_methods_and_header_are_honoured",
        configured_methods_and_header,
    ),
    (
        "ingress::one_structured_log_line_per_request",
        one_log_line_per_request,
    ),
    (
        "ingress::forwarded_headers_follow_the_record",
        forwarded_headers_follow_the_record,
    ),
];

/// Regression: a generic template's signature header (`X-Sig`) was forwarded, and
/// Twilio's `I-Twilio-Idempotency-Token` was dropped by a `-token` suffix rule.
fn forwarded_headers_follow_the_record(world: &World) -> TestResult {
    let secret = "template-forwarding-secret";
    remember_secret(secret);
    let created = Admin::of(&world.gateway).create(json!({
        "path": format!("/hooks/{}", unique("fwd")),
        "auth": {"scheme": "hmac", "secret": secret, "template": {
            "header": "X-Sig", "content": "{timestamp}.{body}", "timestamp_header": "X-Sent-At"}},
        "target": {"queue": "EVENTS"},
    }));
    let body = br#"{"forwarded":"headers"}"#;
    let ts = hookgate_harness::senders::now_secs().to_string();
    let mut content = format!("{ts}.").into_bytes();
    content.extend_from_slice(body);
    let sig = hex::encode(hookgate_harness::senders::hmac_sha256(
        secret.as_bytes(),
        &content,
    ));
    let r = send(
        "POST",
        &world.gateway.url(&path_of(&created)),
        &[
            ("X-Sig", &sig),
            ("X-Sent-At", &ts),
            ("I-Twilio-Idempotency-Token", "idem-42"),
            ("X-GitHub-Delivery", "delivery-42"),
            ("X-Webhook-Token", "someone-elses-credential"),
            ("X-Correlation-Id", "corr-1"),
        ],
        body,
    );
    assert_eq!(r.status, 202, "{}", r.body);
    let env = world
        .gateway
        .wait_envelope(r.json()["id"].as_str().unwrap());
    let headers = &env["envelope"]["request"]["headers"];
    for dropped in ["x-sig", "x-sent-at", "x-webhook-token"] {
        assert!(
            headers.get(dropped).is_none(),
            "{dropped} was forwarded: {headers}"
        );
    }
    assert_eq!(headers["i-twilio-idempotency-token"], "idem-42");
    assert_eq!(headers["x-github-delivery"], "delivery-42");
    assert_eq!(headers["x-correlation-id"], "corr-1");
    Ok(())
}

/// Creates an hmac-sha256-hex webhook at a fresh path; returns (answer, secret).
pub fn hmac_webhook(world: &World, extra: Value) -> (Value, String) {
    let path = format!("/hooks/{}", unique("hmac"));
    let mut spec = json!({
        "name": "deploys",
        "path": path,
        "auth": {"scheme": "hmac-sha256-hex"},
        "target": {"queue": "EVENTS"},
    });
    merge(&mut spec, extra);
    let created = Admin::of(&world.gateway).create(spec);
    let secret = created["secret"]
        .as_str()
        .expect("secret shown at creation")
        .to_string();
    remember_secret(&secret);
    (created, secret)
}

pub fn merge(base: &mut Value, extra: Value) {
    if let (Some(b), Value::Object(e)) = (base.as_object_mut(), extra) {
        for (k, v) in e {
            match (b.get_mut(&k), v) {
                (Some(existing @ Value::Object(_)), v @ Value::Object(_)) => merge(existing, v),
                (_, v) => {
                    b.insert(k, v);
                }
            }
        }
    }
}

pub fn path_of(created: &Value) -> String {
    created["path"].as_str().unwrap().to_string()
}

/// Sends a correctly signed POST and returns the 202 answer.
pub fn send_signed(world: &World, path: &str, secret: &str, body: &[u8]) -> Value {
    let sig = hmac_hex(secret, body);
    let r = send(
        "POST",
        &world.gateway.url(path),
        &[
            ("X-Webhook-Signature", &sig),
            ("Content-Type", "application/json"),
        ],
        body,
    );
    assert_eq!(r.status, 202, "{}", r.body);
    r.json()
}

fn hmac_signed_post_is_accepted(world: &World) -> TestResult {
    let (created, secret) = hmac_webhook(world, json!({}));
    let path = path_of(&created);
    assert!(created["url"].as_str().unwrap().ends_with(&path));
    let body = br#"{"parameters":{"env":"prod","n":12345678901234567890},"metadata":{}}"#;
    let sig = hmac_hex(&secret, body);
    let r = send(
        "POST",
        &world.gateway.url(&format!("{path}?ref=main&ref=dev")),
        &[
            ("X-Webhook-Signature", &sig),
            ("Content-Type", "application/json"),
            ("Authorization", "Bearer should-not-travel"),
            ("Cookie", "session=should-not-travel"),
            ("X-Request-Id", "req-42"),
        ],
        body,
    );
    assert_eq!(r.status, 202, "{}", r.body);
    assert_eq!(r.header("content-type"), Some("application/json"));
    let answer = r.json();
    assert_eq!(answer["status"], "accepted");
    assert_eq!(answer["webhook_id"], created["id"]);
    let id = answer["id"].as_str().unwrap();
    assert!(id.starts_with("evt_") && id.len() == 36, "{id}");
    assert!(answer["received_at"].as_str().unwrap().ends_with('Z'));

    let line = world.gateway.wait_envelope(id);
    let env = &line["envelope"];
    assert_eq!(env["v"], 1);
    assert_eq!(env["webhook"]["id"], created["id"]);
    assert_eq!(env["webhook"]["name"], "deploys");
    assert_eq!(env["webhook"]["path"], path.as_str());
    assert_eq!(env["received_at"], answer["received_at"]);
    assert_eq!(env["request"]["method"], "POST");
    assert_eq!(env["request"]["path"], path.as_str());
    assert_eq!(env["request"]["query"]["ref"], json!(["main", "dev"]));
    assert_eq!(env["request"]["source_ip"], "127.0.0.1");
    let headers = env["request"]["headers"].as_object().unwrap();
    assert_eq!(headers["x-request-id"], "req-42");
    assert_eq!(headers["content-type"], "application/json");
    for gone in ["authorization", "cookie", "x-webhook-signature"] {
        assert!(!headers.contains_key(gone), "{gone} was forwarded");
    }
    assert_eq!(env["body"]["encoding"], "json");
    assert_eq!(env["body"]["size"], body.len());
    // The sender's JSON text is forwarded verbatim: the big integer keeps every digit.
    let raw_line = world
        .gateway
        .output()
        .into_iter()
        .find(|l| l.contains("envelope_received") && l.contains(id))
        .unwrap();
    assert!(
        raw_line.contains(std::str::from_utf8(body).unwrap()),
        "{raw_line}"
    );
    assert_eq!(
        world
            .gateway
            .envelopes_for(created["id"].as_str().unwrap())
            .len(),
        1
    );
    Ok(())
}

fn shared_secret_is_accepted(world: &World) -> TestResult {
    let path = format!("/flowker/{}", unique("token"));
    let admin = Admin::of(&world.gateway);
    let created = admin.create(json!({
        "path": path, "methods": ["POST", "PUT"],
        "auth": {"scheme": "shared-secret", "secret": "flowker-shared-token-1"},
        "target": {"queue": "EVENTS"},
    }));
    remember_secret("flowker-shared-token-1");
    assert_eq!(created["secret"], "flowker-shared-token-1");
    for (method, header) in [("POST", "X-Webhook-Token"), ("PUT", "X-Webhook-Secret")] {
        // Distinct bodies: the same body twice is one delivery (deduplicated by its hash).
        let body = format!("{{\"method\":\"{method}\"}}");
        let r = send(
            method,
            &world.gateway.url(&path),
            &[(header, "flowker-shared-token-1")],
            body.as_bytes(),
        );
        assert_eq!(r.status, 202, "{method} {header}: {}", r.body);
        let env = world
            .gateway
            .wait_envelope(r.json()["id"].as_str().unwrap());
        assert_eq!(env["envelope"]["request"]["method"], method);
        assert!(env["envelope"]["request"]["headers"]
            .get(header.to_ascii_lowercase())
            .is_none());
    }
    Ok(())
}

fn url_key_is_accepted(world: &World) -> TestResult {
    let base = format!("/api/v1/executions/webhook/company.team/{}", unique("flow"));
    let created = Admin::of(&world.gateway).create(json!({
        "path": base, "auth": {"scheme": "url-key"}, "target": {"queue": "EVENTS"},
    }));
    let key = created["secret"].as_str().unwrap().to_string();
    super::remember_url_key(&key);
    let url = created["url"].as_str().unwrap();
    assert_eq!(url, world.gateway.url(&format!("{base}/{key}")));
    let r = send("POST", url, &[], b"plain text");
    assert_eq!(r.status, 202, "{}", r.body);
    let line = world
        .gateway
        .wait_envelope(r.json()["id"].as_str().unwrap());
    assert_eq!(
        line["envelope"]["request"]["path"],
        format!("{base}/{{key}}")
    );
    assert!(
        !line.to_string().contains(&key),
        "the key was forwarded: {line}"
    );
    Ok(())
}

fn nested_path_with_encoded_slash(world: &World) -> TestResult {
    let leaf = unique("paid");
    let (created, secret) = hmac_webhook(
        world,
        json!({"path": format!("/v1/webhooks/orders/{leaf}")}),
    );
    // `%2F` in a segment matches the registered `/`, and a trailing slash is ignored.
    for sent_path in [
        format!("/v1/webhooks%2Forders%2F{leaf}"),
        format!("/v1/webhooks/orders/{leaf}/"),
    ] {
        let answer = send_signed(world, &sent_path, &secret, b"{}");
        assert_eq!(answer["webhook_id"], created["id"]);
    }
    Ok(())
}

fn text_and_binary_bodies(world: &World) -> TestResult {
    let (created, secret) = hmac_webhook(world, json!({}));
    let path = path_of(&created);
    let text = "name=ünïcode&x=1".as_bytes();
    let answer = send_signed(world, &path, &secret, text);
    let env = world.gateway.wait_envelope(answer["id"].as_str().unwrap());
    assert_eq!(env["envelope"]["body"]["encoding"], "text");
    assert_eq!(env["envelope"]["body"]["data"], "name=ünïcode&x=1");

    let binary: Vec<u8> = (0u8..=255).collect();
    let answer = send_signed(world, &path, &secret, &binary);
    let env = world.gateway.wait_envelope(answer["id"].as_str().unwrap());
    assert_eq!(env["envelope"]["body"]["encoding"], "base64");
    assert_eq!(
        base64_decode(env["envelope"]["body"]["data"].as_str().unwrap()),
        binary
    );
    Ok(())
}

/// Minimal standard-base64 decoder for checking envelopes, independent of the gateway's.
fn base64_decode(s: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0);
    for c in s.bytes().filter(|&c| c != b'=') {
        let v = ALPHABET
            .iter()
            .position(|&a| a == c)
            .expect("base64 alphabet") as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}

fn large_body_through_r2(world: &World) -> TestResult {
    let (created, secret) = hmac_webhook(world, json!({}));
    let path = path_of(&created);
    let body: Vec<u8> = (0..256 * 1024).map(|i| b"{}[]abcdefgh"[i % 12]).collect();
    let answer = send_signed(world, &path, &secret, &body);
    let line = world.gateway.wait_envelope(answer["id"].as_str().unwrap());
    let env = &line["envelope"];
    assert_eq!(env["body"]["encoding"], "r2");
    assert_eq!(env["body"]["size"], body.len());
    let key = env["body"]["key"].as_str().unwrap();
    assert_eq!(
        key,
        format!(
            "bodies/{}/{}",
            created["id"].as_str().unwrap(),
            answer["id"].as_str().unwrap()
        )
    );
    // The consumer read the object back from R2: same size, same bytes.
    assert_eq!(line["r2_body"]["size"], body.len());
    assert_eq!(
        line["r2_body"]["sha256"],
        hex::encode(Sha256::digest(&body))
    );
    Ok(())
}

fn chunked_within_limit(world: &World) -> TestResult {
    let (created, secret) = hmac_webhook(world, json!({"max_body_bytes": 4096}));
    let body = vec![b'x'; 4096];
    let sig = hmac_hex(&secret, &body);
    let r = send_chunked(
        &world.gateway.url(&path_of(&created)),
        &[("X-Webhook-Signature", &sig)],
        body,
    );
    assert_eq!(r.status, 202, "{}", r.body);
    let env = world
        .gateway
        .wait_envelope(r.json()["id"].as_str().unwrap());
    assert_eq!(env["envelope"]["body"]["size"], 4096);
    Ok(())
}

fn configured_methods_and_header(world: &World) -> TestResult {
    let (created, secret) = hmac_webhook(
        world,
        json!({"methods": ["GET", "POST"], "auth": {"header": "X-Kubiya-Sig"}}),
    );
    let path = path_of(&created);
    let sig = hmac_hex(&secret, b"");
    let r = send(
        "GET",
        &world.gateway.url(&format!("{path}?a=1")),
        &[("X-Kubiya-Sig", &sig)],
        b"",
    );
    assert_eq!(r.status, 202, "{}", r.body);
    let env = world
        .gateway
        .wait_envelope(r.json()["id"].as_str().unwrap());
    assert_eq!(env["envelope"]["request"]["method"], "GET");
    assert!(env["envelope"]["request"]["headers"]
        .get("x-kubiya-sig")
        .is_none());
    // The default header is not read when another is configured.
    let r = send(
        "POST",
        &world.gateway.url(&path),
        &[("X-Webhook-Signature", &sig)],
        b"",
    );
    r.assert_problem(401, "signature_missing");
    Ok(())
}

/// By default (`REQUEST_LOG=errors`) only refusals get a line, and at most five a second
/// per isolate: a burst of refusals is logged in part, and a later line says how many
/// were left out. Accepted deliveries are in the webhook's delivery log. With `all`
/// every request gets exactly one.
///
/// The budget is per isolate, so on the shared gateway other tests' refusals would use
/// it and take the count of ours: the burst runs on a gateway of its own, where every
/// line and every refusal left out is this test's, and the counts must add up exactly.
fn one_log_line_per_request(world: &World) -> TestResult {
    let lines_for =
        |g: &hookgate_harness::gateway::Gateway, key: &str, value: &str| -> Vec<Value> {
            g.worker_logs()
                .into_iter()
                .filter(|v| v["msg"] == "request" && v[key] == value)
                .collect()
        };
    let own = hookgate_harness::gateway::Gateway::start(Some(super::ADMIN_TOKEN));
    let path = format!("/hooks/{}", unique("budget"));
    let created = Admin::of(&own).create(
        json!({"path": path, "auth": {"scheme": "hmac-sha256-hex"}, "target": {"queue": "EVENTS"}}),
    );
    let secret = created["secret"].as_str().unwrap().to_string();
    remember_secret(&secret);
    let webhook_id = created["id"].as_str().unwrap();
    let body = b"{\"x\":1}";
    let r = send(
        "POST",
        &own.url(&path),
        &[("X-Webhook-Signature", &hmac_hex(&secret, body))],
        body,
    );
    assert_eq!(r.status, 202, "{}", r.body);
    let id = r.json()["id"].as_str().unwrap().to_string();
    own.wait_envelope(&id);
    assert!(
        lines_for(&own, "delivery_id", &id).is_empty(),
        "accepted and logged by default"
    );
    // A burst of 40 refusals within a second or two: at most the budget is written.
    let burst = 40;
    let started = std::time::Instant::now();
    for _ in 0..burst {
        let refused = send("POST", &own.url(&path), &[], b"{}");
        assert_eq!(refused.status, 401);
    }
    let seconds = started.elapsed().as_secs() as usize + 1;
    std::thread::sleep(std::time::Duration::from_millis(1200));
    // One more refusal after the window: it is written, and counts those left out.
    send("POST", &own.url(&path), &[], b"{}").assert_problem(401, "signature_missing");
    let refusals = burst + 1;
    // Every refusal is written or counted by a later line: lines + left out = refusals.
    let accounted = |lines: &[Value]| {
        lines.len() as u64
            + lines
                .iter()
                .filter_map(|l| l["suppressed"].as_u64())
                .sum::<u64>()
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    let mut lines = lines_for(&own, "webhook_id", webhook_id);
    while accounted(&lines) < refusals as u64 && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(50));
        lines = lines_for(&own, "webhook_id", webhook_id);
    }
    assert!(
        !lines.is_empty() && lines.len() <= 5 * seconds + 1 && lines.len() < burst,
        "{} lines for {burst} refusals in {seconds} s",
        lines.len()
    );
    assert!(lines
        .iter()
        .all(|l| l["code"] == "signature_missing" && l["status"] == 401));
    let left_out = refusals - lines.len();
    let counted: u64 = lines.iter().filter_map(|l| l["suppressed"].as_u64()).sum();
    assert_eq!(
        counted,
        left_out as u64,
        "{} of {refusals} refusals were written; the lines count {counted} left out",
        lines.len()
    );
    // The last line, after the pause, counts what the burst's last window left out.
    assert!(
        lines.last().unwrap()["suppressed"].as_u64() >= Some(1),
        "{:?}",
        lines.last()
    );
    // Nothing but this test's requests reached this gateway, and none got a line
    // without its webhook.
    let all_lines = own
        .worker_logs()
        .into_iter()
        .filter(|v| v["msg"] == "request")
        .count();
    assert_eq!(all_lines, lines.len());
    // This gateway is not in the suite's final scan for secrets: scanned here.
    for line in own.output() {
        assert!(
            !line.contains(&secret) && !line.contains(super::ADMIN_TOKEN),
            "a secret in the output: {line:?}"
        );
    }
    drop(own);

    // REQUEST_LOG=all (the fault build's gateway runs with it).
    let g = &world.faults;
    let path = format!("/hooks/{}", unique("logged"));
    let created = Admin::of(g).create(
        json!({"path": path, "auth": {"scheme": "hmac-sha256-hex"}, "target": {"queue": "EVENTS"}}),
    );
    let secret = created["secret"].as_str().unwrap().to_string();
    remember_secret(&secret);
    let body = b"{\"x\":2}";
    let r = send(
        "POST",
        &g.url(&path),
        &[("X-Webhook-Signature", &hmac_hex(&secret, body))],
        body,
    );
    assert_eq!(r.status, 202, "{}", r.body);
    let id = r.json()["id"].as_str().unwrap().to_string();
    g.wait_envelope(&id);
    let lines = lines_for(g, "delivery_id", &id);
    assert_eq!(lines.len(), 1, "{lines:?}");
    let line = &lines[0];
    assert_eq!(line["webhook_id"], created["id"]);
    assert_eq!(line["code"], "accepted");
    assert_eq!(line["status"], 202);
    assert!(line["latency_ms"].is_u64());
    assert_eq!(line["path"], created["path"]);
    Ok(())
}

/// Returns how many Worker log lines were checked, or the first leak found.
/// `full_run` demands enough traffic to make the check meaningful.
/// Scans every line each runtime printed (the Worker's logs, wrangler's and workerd's
/// own output) for every secret the suite used.
pub fn secret_leaks_in_logs(world: &World, full_run: bool) -> Result<usize, String> {
    let mut secrets = SECRETS_SEEN.lock().unwrap().clone();
    secrets.push(super::ADMIN_TOKEN.to_string());
    let url_keys = super::URL_KEYS_SEEN.lock().unwrap().clone();
    let mut checked = 0;
    for gateway in [&world.gateway, &world.closed, &world.faults] {
        for text in gateway.output() {
            checked += 1;
            if let Some(s) = secrets.iter().find(|s| text.contains(s.as_str())) {
                return Err(format!(
                    "secret {}… found in the output line {:?}",
                    &s[..4],
                    text.replace(s.as_str(), "<secret>")
                ));
            }
            let access_log = text.starts_with("[wrangler:info] ")
                && text
                    .split_whitespace()
                    .nth(1)
                    .is_some_and(|m| m.chars().all(|c| c.is_ascii_uppercase()));
            if let Some(k) = url_keys.iter().find(|k| text.contains(k.as_str())) {
                if !access_log {
                    return Err(format!(
                        "URL key {}… found outside the access log: {:?}",
                        &k[..4],
                        text.replace(k.as_str(), "<key>")
                    ));
                }
            }
        }
    }
    if full_run && (secrets.len() < 5 || checked < 20) {
        return Err(format!(
            "too little to check: {} secrets, {checked} lines",
            secrets.len()
        ));
    }
    Ok(checked)
}
