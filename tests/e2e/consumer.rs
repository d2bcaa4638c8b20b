//! The consumer library (`consumer/js/`) in its example Worker (`examples/consumer/`), run
//! as a real second Worker in the same workerd as the gateway (`wrangler dev -c gateway
//! -c example`), consuming the gateway's events queue and reading its R2 bucket: small
//! bodies arrive exact, a large body is read back from R2 and settled, and a body that
//! does not check out (changed, truncated or gone) is refused, never handed over.

use super::{remember_secret, TestResult, World};
use hookgate_harness::client::{hmac_hex, send, unique, Admin, Resp};
use hookgate_harness::gateway::Gateway;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::time::{Duration, Instant};

type Test = (&'static str, fn(&World) -> TestResult);

pub const TESTS: &[Test] = &[
    (
        "consumer::small_json_and_binary_bodies_are_opened_exactly",
        small_bodies,
    ),
    (
        "consumer::an_r2_body_is_read_back_checked_and_settled",
        r2_body,
    ),
    (
        "consumer::a_tampered_truncated_or_missing_r2_body_is_refused",
        tampered_r2_body,
    ),
];

/// A webhook on the consumer runtime delivering to the events queue.
fn webhook(g: &Gateway) -> (String, String, String) {
    let path = format!("/consumer/{}", unique("hook"));
    let created = Admin::of(g).create(json!({
        "path": path, "auth": {"scheme": "hmac-sha256-hex"}, "target": {"queue": "EVENTS"},
    }));
    let secret = created["secret"].as_str().unwrap().to_string();
    remember_secret(&secret);
    (created["id"].as_str().unwrap().to_string(), path, secret)
}

/// Sends a signed body; returns the delivery id.
fn deliver(g: &Gateway, path: &str, secret: &str, content_type: &str, body: &[u8]) -> String {
    let sig = hmac_hex(secret, body);
    let r = send(
        "POST",
        &g.url(path),
        &[
            ("X-Webhook-Signature", &sig),
            ("Content-Type", content_type),
        ],
        body,
    );
    assert_eq!(r.status, 202, "{}", r.body);
    r.json()["id"].as_str().unwrap().to_string()
}

/// The example consumer's log lines (`msg` = `consumer_opened` or `consumer_refused`).
fn lines(g: &Gateway, msg: &str, id: &str) -> Vec<Value> {
    g.worker_logs()
        .into_iter()
        .filter(|v| v["msg"] == msg && v["id"] == id)
        .collect()
}

/// Waits for the `n`-th line of `msg` about delivery `id`.
fn wait_line(g: &Gateway, msg: &str, id: &str, n: usize) -> Value {
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        if let Some(v) = lines(g, msg, id).into_iter().nth(n - 1) {
            return v;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!(
        "the example consumer never logged {msg} #{n} for {id}; its output:\n{}",
        g.output().join("\n")
    );
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn admin(g: &Gateway, method: &str, path: &str, body: &[u8]) -> Resp {
    let auth = format!("Bearer {}", super::ADMIN_TOKEN);
    send(method, &g.url(path), &[("Authorization", &auth)], body)
}

fn small_bodies(world: &World) -> TestResult {
    let g = &world.consumer;
    let (webhook_id, path, secret) = webhook(g);
    // Whitespace and an integer past 2^53: a re-serialization would change both.
    let json_body = br#"{"order": 42,  "n": 12345678901234567890}"#;
    let id = deliver(g, &path, &secret, "application/json", json_body);
    let opened = wait_line(g, "consumer_opened", &id, 1);
    assert_eq!(opened["webhook"], webhook_id.as_str());
    assert_eq!(opened["encoding"], "json");
    assert_eq!(opened["text"], std::str::from_utf8(json_body).unwrap());
    assert_eq!(opened["sha256"], sha256_hex(json_body));

    let binary = [0u8, 0xff, 0x10, 0x80, b'x', 0xc3];
    let id = deliver(g, &path, &secret, "application/octet-stream", &binary);
    let opened = wait_line(g, "consumer_opened", &id, 1);
    assert_eq!(opened["encoding"], "base64");
    assert_eq!(opened["size"], binary.len());
    assert_eq!(opened["sha256"], sha256_hex(&binary));
    Ok(())
}

/// A body over the 120 KiB inline limit, not valid UTF-8 everywhere.
fn large_body(tag: u8) -> Vec<u8> {
    (0..150 * 1024).map(|i| (i % 251) as u8 ^ tag).collect()
}

/// Delivers a large body and waits until the example consumer opened (and settled) it.
fn opened_r2(g: &Gateway, body: &[u8]) -> (String, Value) {
    let (_, path, secret) = webhook(g);
    let id = deliver(g, &path, &secret, "application/octet-stream", body);
    (id.clone(), wait_line(g, "consumer_opened", &id, 1))
}

fn r2_body(world: &World) -> TestResult {
    let g = &world.consumer;
    let body = large_body(0);
    let (_, opened) = opened_r2(g, &body);
    assert_eq!(opened["encoding"], "r2");
    assert_eq!(opened["size"], body.len());
    assert_eq!(opened["sha256"], sha256_hex(&body));
    let key = opened["envelope"]["body"]["key"].as_str().unwrap();
    assert_eq!(opened["envelope"]["body"]["sha256"], sha256_hex(&body));
    // settle() removed the body once the consumer was done with it.
    let r = admin(g, "GET", &format!("/admin/test/r2/{key}"), b"");
    assert_eq!(r.status, 404, "the settled body is still in R2: {}", r.body);
    Ok(())
}

fn tampered_r2_body(world: &World) -> TestResult {
    let g = &world.consumer;
    let body = large_body(7);
    let (id, opened) = opened_r2(g, &body);
    // The envelope the gateway sent, as the consumer logged it, sent again by hand: the
    // gateway will not send one whose body it did not store itself.
    let envelope = opened["envelope"].clone();
    let key = envelope["body"]["key"].as_str().unwrap().to_string();
    let r2 = format!("/admin/test/r2/{key}");
    let resend = || {
        let r = admin(
            g,
            "POST",
            "/admin/test/queue/EVENTS",
            envelope.to_string().as_bytes(),
        );
        assert_eq!(r.status, 204, "{}", r.body);
    };

    // Settled already: the object is gone.
    resend();
    let refused = wait_line(g, "consumer_refused", &id, 1);
    assert_eq!(refused["code"], "body_missing", "{refused}");

    // Overwritten with bytes of the same size: only the hash can tell.
    let mut changed = body.clone();
    changed[100 * 1024] ^= 1;
    assert_eq!(admin(g, "PUT", &r2, &changed).status, 204);
    resend();
    let refused = wait_line(g, "consumer_refused", &id, 2);
    assert_eq!(refused["code"], "body_sha256_mismatch", "{refused}");

    // Truncated.
    assert_eq!(admin(g, "PUT", &r2, &body[..body.len() - 1]).status, 204);
    resend();
    let refused = wait_line(g, "consumer_refused", &id, 3);
    assert_eq!(refused["code"], "body_size_mismatch", "{refused}");

    // Refused bodies are kept for a look, never settled.
    assert_eq!(admin(g, "GET", &r2, b"").status, 200);
    // The original bytes back: the same envelope opens, so the refusals were the bytes'.
    assert_eq!(admin(g, "PUT", &r2, &body).status, 204);
    resend();
    let reopened = wait_line(g, "consumer_opened", &id, 2);
    assert_eq!(reopened["sha256"], sha256_hex(&body));
    assert_eq!(lines(g, "consumer_opened", &id).len(), 2);
    Ok(())
}
