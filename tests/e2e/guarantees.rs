//! Exactly once, nothing lost, nothing replayed: the delivery path's promises where a
//! careful read found them broken, each tried from outside. Faults come from the
//! test-only build (`build-faults/`, `x-hookgate-test-guard-fault`); origins from a
//! real server on loopback.

use super::guard::{hmac_hook as hook, post, replayed, Hook};
use super::hostile::drain;
use super::{remember_secret, TestResult, World};
use hookgate_harness::client::{send, unique, Admin, Resp};
use hookgate_harness::gateway::Gateway;
use hookgate_harness::origin::{OriginServer, Reply, BODY_DELAY_HEADER};
use hookgate_harness::senders::{hmac_sha256, now_secs, v0_signature};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

type Test = (&'static str, fn(&World) -> TestResult);

pub const TESTS: &[Test] = &[
    (
        "guarantees::a_lost_answer_keeps_the_r2_body_and_the_retry_replays",
        lost_answer_keeps_body,
    ),
    (
        "guarantees::bookkeeping_failures_after_the_hand_over_still_answer_2xx",
        bookkeeping_failures,
    ),
    (
        "guarantees::an_awaited_reservation_is_never_overtaken_nor_released_by_another",
        awaited_reservation,
    ),
    (
        "guarantees::a_lost_namespace_answer_gives_the_slot_back",
        namespace_slot_given_back,
    ),
    (
        "guarantees::sync_origins_are_timed_whole_capped_and_never_run_on_the_gateway",
        sync_origin_answers,
    ),
    (
        "guarantees::redirects_from_origins_are_never_followed",
        redirects_not_followed,
    ),
    (
        "guarantees::private_origins_and_hookgates_own_queues_are_refused",
        refused_targets,
    ),
    (
        "guarantees::an_unreadable_delivery_job_is_dead_lettered_not_acked",
        unreadable_job,
    ),
    (
        "guarantees::bodies_that_escape_near_the_queue_limit_reach_an_async_origin",
        escaping_bodies,
    ),
    (
        "guarantees::disable_and_delete_stop_queued_retries_and_replay",
        disable_stops_retries,
    ),
    (
        "guarantees::handshakes_ask_the_webhooks_object",
        handshake_asks_object,
    ),
    (
        "guarantees::a_signed_delivery_id_beats_a_fresh_idempotency_key",
        signed_id_wins,
    ),
    (
        "guarantees::body_hash_dedupe_has_its_own_short_window",
        body_hash_window,
    ),
    (
        "guarantees::a_live_webhooks_path_is_never_taken_over",
        live_path_kept,
    ),
    (
        "guarantees::a_stale_revision_retry_stores_the_body_it_forwards",
        stale_retry_stores_the_new_bytes,
    ),
];

const FAULT: &str = "x-hookgate-test-guard-fault";

fn origin() -> &'static OriginServer {
    static ORIGIN: OnceLock<OriginServer> = OnceLock::new();
    ORIGIN.get_or_init(OriginServer::start)
}

fn admin(g: &Gateway, method: &str, path: &str, body: Option<&Value>) -> Resp {
    Admin::of(g).call(method, path, body)
}

fn wait_until(what: &str, within: Duration, mut check: impl FnMut() -> bool) {
    let deadline = Instant::now() + within;
    while !check() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn lost_answer_keeps_body(world: &World) -> TestResult {
    let g = &world.faults;
    let h = hook(g, json!({"max_body_bytes": 1048576}));
    let body = format!("{{\"big\":\"{}\"}}", "r".repeat(130 * 1024)).into_bytes();
    let key = unique("lost-answer");
    let first = post(
        g,
        &h,
        &body,
        &[("Idempotency-Key", &key), (FAULT, "lose-answer")],
    );
    // The queue took the envelope; only the object's answer was lost.
    first.assert_problem(503, "forward_failed");
    let retry = post(g, &h, &body, &[("Idempotency-Key", &key)]);
    assert_eq!(retry.status, 202, "{}", retry.body);
    assert!(
        replayed(&retry),
        "the retry of an accepted event is a replay"
    );
    let id = retry.json()["id"].as_str().unwrap().to_string();
    let envelope = g.wait_envelope(&id);
    assert_eq!(envelope["envelope"]["body"]["encoding"], "r2");
    assert_eq!(
        envelope["r2_body"],
        json!({"size": body.len(), "sha256": sha256_hex(&body)}),
        "the envelope's body is where it points"
    );
    let r2_key = format!("bodies%2F{}%2F{}", h.id, id);
    let stored = admin(g, "GET", &format!("/admin/test/r2/{r2_key}"), None);
    assert_eq!(
        stored.status, 200,
        "the body is still in R2: {}",
        stored.body
    );
    assert_eq!(stored.json()["sha256"], sha256_hex(&body));
    Ok(())
}

fn bookkeeping_failures(world: &World) -> TestResult {
    let g = &world.faults;
    let h = hook(g, json!({}));
    for fault in ["log-write", "alarm"] {
        let body = format!("{{\"fault\":\"{fault}\"}}");
        let key = unique(fault);
        let r = post(
            g,
            &h,
            body.as_bytes(),
            &[("Idempotency-Key", &key), (FAULT, fault)],
        );
        assert_eq!(r.status, 202, "{fault}: handed over, so 2xx: {}", r.body);
        let id = r.json()["id"].as_str().unwrap().to_string();
        g.wait_envelope(&id);
        // `done` was written first: the retry is a replay of the same delivery.
        let again = post(g, &h, body.as_bytes(), &[("Idempotency-Key", &key)]);
        assert!(replayed(&again), "{fault}: {}", again.body);
        assert_eq!(again.json()["id"], id.as_str());
    }
    // Even `done` failing to be written answers 2xx (the event is in the queue); the
    // key stays reserved, so a retry is refused rather than forwarded twice.
    let body = br#"{"fault":"settle-write"}"#;
    let key = unique("settle");
    let r = post(
        g,
        &h,
        body,
        &[("Idempotency-Key", &key), (FAULT, "settle-write")],
    );
    assert_eq!(r.status, 202, "{}", r.body);
    g.wait_envelope(r.json()["id"].as_str().unwrap());
    post(g, &h, body, &[("Idempotency-Key", &key)])
        .assert_problem(409, "idempotency_key_in_flight");
    drain(g);
    let forwarded = g.envelopes_for(&h.id);
    assert_eq!(forwarded.len(), 3, "each event forwarded once");
    Ok(())
}

fn awaited_reservation(world: &World) -> TestResult {
    // The test-only build abandons an unawaited reservation after 2 s; this hand-over
    // takes 4 s and is awaited all along.
    let g = &world.faults;
    let h = hook(g, json!({}));
    let body = br#"{"slow":"first attempt"}"#;
    let key = unique("slow");
    let (first, second) = std::thread::scope(|s| {
        let first = s.spawn(|| {
            post(
                g,
                &h,
                body,
                &[
                    ("Idempotency-Key", &key),
                    (FAULT, "slow-fail-handover-ms=4000"),
                ],
            )
        });
        std::thread::sleep(Duration::from_millis(2_600));
        let second = post(g, &h, body, &[("Idempotency-Key", &key)]);
        (first.join().unwrap(), second)
    });
    second.assert_problem(409, "idempotency_key_in_flight");
    first.assert_problem(503, "forward_failed");
    // The failed attempt released only its own reservation: the retry goes through,
    // once.
    let retry = post(g, &h, body, &[("Idempotency-Key", &key)]);
    assert_eq!(retry.status, 202, "{}", retry.body);
    assert!(!replayed(&retry));
    let id = retry.json()["id"].as_str().unwrap().to_string();
    let again = post(g, &h, body, &[("Idempotency-Key", &key)]);
    assert!(
        replayed(&again) && again.json()["id"] == id.as_str(),
        "{}",
        again.body
    );
    drain(g);
    let forwarded = g.envelopes_for(&h.id);
    assert_eq!(forwarded.len(), 1, "forwarded once");
    assert_eq!(forwarded[0]["envelope"]["id"], id.as_str());
    Ok(())
}

fn namespace_slot_given_back(world: &World) -> TestResult {
    let g = &world.faults;
    let ns = unique("ns-lost").replace('-', ".");
    let put = admin(
        g,
        "PUT",
        &format!("/admin/v1/namespaces/{ns}"),
        Some(&json!({"rate_limit": {"limit": 1, "window_s": 600}})),
    );
    assert_eq!(put.status, 200, "{}", put.body);
    let h = hook(g, json!({"namespace": ns}));
    let lost = post(g, &h, br#"{"n":1}"#, &[(FAULT, "namespace-answer-lost")]);
    lost.assert_problem(503, "forward_failed");
    // The one slot of the window was given back with the reservation.
    let next = post(g, &h, br#"{"n":2}"#, &[]);
    assert_eq!(next.status, 202, "{}", next.body);
    post(g, &h, br#"{"n":3}"#, &[]).assert_problem(429, "rate_limited");
    Ok(())
}

fn origin_hook(g: &Gateway, origin_path: &str, settings: Value) -> Hook {
    let mut o = json!({"url": origin().url(origin_path)});
    for (k, v) in settings.as_object().unwrap() {
        o[k] = v.clone();
    }
    hook(g, json!({"target": {"origin": o}}))
}

fn reply(status: u16, headers: &[(&str, &str)], body: &str) -> Reply {
    Reply {
        status,
        headers: headers
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        body: body.to_string(),
        delay: Duration::ZERO,
    }
}

fn sync_origin_answers(world: &World) -> TestResult {
    let g = &world.gateway;
    // Headers at once, the body after 3 s: the 1 s timeout covers the whole exchange.
    let slow = format!("/o/{}", unique("slow-body"));
    origin().script(
        &slow,
        vec![reply(200, &[(BODY_DELAY_HEADER, "3000")], "late body")],
    );
    let h = origin_hook(g, &slow, json!({"mode": "sync", "timeout_ms": 1000}));
    let started = Instant::now();
    post(g, &h, br#"{"slow":"body"}"#, &[]).assert_problem(504, "origin_timeout");
    assert!(
        started.elapsed() < Duration::from_millis(2_900),
        "answered at the timeout"
    );

    // An origin's HTML is served with its type but can never run on the gateway's host;
    // a duplicate gets the same bytes and type.
    let html = format!("/o/{}", unique("html"));
    let page = "<script>alert(document.cookie)</script>";
    origin().script(
        &html,
        vec![reply(200, &[("content-type", "text/html")], page)],
    );
    let h = origin_hook(g, &html, json!({"mode": "sync"}));
    let body = br#"{"html":1}"#;
    for (i, r) in [post(g, &h, body, &[]), post(g, &h, body, &[])]
        .iter()
        .enumerate()
    {
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.body, page);
        assert_eq!(r.header("content-type"), Some("text/html"), "answer {i}");
        assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
        let csp = r.header("content-security-policy").unwrap_or_default();
        assert!(
            csp.contains("default-src 'none'") && csp.contains("sandbox"),
            "{csp}"
        );
        assert_eq!(replayed(r), i == 1);
    }

    // A large answer passes through once; duplicates get a summary.
    let large = format!("/o/{}", unique("large-answer"));
    let big = "b".repeat(100 * 1024);
    origin().script(
        &large,
        vec![reply(200, &[("content-type", "text/plain")], &big)],
    );
    let h = origin_hook(g, &large, json!({"mode": "sync"}));
    let first = post(g, &h, body, &[]);
    assert_eq!((first.status, first.body.len()), (200, big.len()));
    let again = post(g, &h, body, &[]);
    assert!(replayed(&again) && again.status == 200, "{}", again.body);
    assert_eq!(again.json()["answer_bytes"], big.len());
    Ok(())
}

fn redirects_not_followed(world: &World) -> TestResult {
    let g = &world.gateway;
    let from = format!("/o/{}", unique("redirect"));
    let to = format!("/o/{}", unique("redirect-target"));
    let location = origin().url(&to);
    origin().script(&from, vec![reply(307, &[("location", &location)], "")]);
    let h = origin_hook(g, &from, json!({"max_attempts": 1}));
    let r = post(g, &h, br#"{"redirect":"async"}"#, &[]);
    assert_eq!(r.status, 202, "{}", r.body);
    let id = r.json()["id"].as_str().unwrap().to_string();
    let url = format!("/admin/v1/webhooks/{}/deliveries/{id}", h.id);
    let mut detail = Value::Null;
    wait_until(
        "the redirect to be dead-lettered",
        Duration::from_secs(20),
        || {
            detail = admin(g, "GET", &url, None).json();
            detail["state"] == "dead_lettered"
        },
    );
    assert_eq!(detail["attempts"][0]["status"], 307);
    assert_eq!(detail["attempts"][0]["location"], location.as_str());
    // Sync: a 3xx is a failed exchange.
    let sync_from = format!("/o/{}", unique("redirect-sync"));
    origin().script(&sync_from, vec![reply(302, &[("location", &location)], "")]);
    let s = origin_hook(g, &sync_from, json!({"mode": "sync"}));
    post(g, &s, br#"{"redirect":"sync"}"#, &[]).assert_problem(502, "origin_failed");
    std::thread::sleep(Duration::from_millis(500));
    assert!(origin().received(&to).is_empty(), "a redirect was followed");
    Ok(())
}

fn refused_targets(world: &World) -> TestResult {
    // The fault gateway runs without ALLOW_INSECURE_ORIGINS, as a deployment does.
    let g = &world.faults;
    for url in [
        "https://127.0.0.1/in",
        "https://localhost/in",
        "https://10.0.0.8/in",
        "https://169.254.169.254/latest/meta-data/",
        "https://[::1]/in",
        "https://[fd12::1]/in",
    ] {
        let path = format!("/guarantees/{}", unique("private"));
        let r = admin(
            g,
            "POST",
            "/admin/v1/webhooks",
            Some(&json!({"path": path, "auth": {"scheme": "hmac-sha256-hex"},
                "target": {"origin": {"url": url}}})),
        );
        r.assert_problem(400, "invalid_target");
        let listed = admin(g, "GET", "/admin/v1/webhooks", None).body;
        assert!(!listed.contains(&path), "{url}: nothing registered");
    }
    let h = hook(g, json!({}));
    admin(
        g,
        "PATCH",
        &format!("/admin/v1/webhooks/{}", h.id),
        Some(&json!({"target": {"origin": {"url": "https://192.168.1.20/in"}}})),
    )
    .assert_problem(400, "invalid_target");
    for queue in ["DELIVERIES", "DEAD_LETTERS"] {
        let r = admin(
            &world.gateway,
            "POST",
            "/admin/v1/webhooks",
            Some(
                &json!({"path": format!("/guarantees/{}", unique("own-queue")),
                "auth": {"scheme": "hmac-sha256-hex"}, "target": {"queue": queue}}),
            ),
        );
        r.assert_problem(400, "invalid_target");
    }
    Ok(())
}

fn unreadable_job(world: &World) -> TestResult {
    let g = &world.faults;
    let marker = unique("not-a-job");
    let r = admin(
        g,
        "POST",
        "/admin/test/queue/DELIVERIES",
        Some(&json!({"what": marker})),
    );
    assert_eq!(r.status, 204, "{}", r.body);
    wait_until(
        "the unreadable job in the dead-letter queue",
        Duration::from_secs(20),
        || {
            g.worker_logs().iter().any(|v| {
                v["msg"] == "envelope_received"
                    && v["queue"] == "hookgate-dead-letters"
                    && v.to_string().contains(&marker)
            })
        },
    );
    Ok(())
}

fn escaping_bodies(world: &World) -> TestResult {
    let g = &world.gateway;
    let path = format!("/o/{}", unique("escapes"));
    let h = origin_hook(g, &path, json!({}));
    Admin::of(g).call(
        "PATCH",
        &format!("/admin/v1/webhooks/{}", h.id),
        Some(&json!({"max_body_bytes": 1048576})),
    );
    let sizes = [100usize, 115, 127];
    for kib in sizes {
        let body: Vec<u8> = b"\"\n".iter().copied().cycle().take(kib * 1024).collect();
        let r = post(g, &h, &body, &[]);
        assert_eq!(
            r.status, 202,
            "{kib} KiB of quotes and newlines: {}",
            r.body
        );
    }
    let got = origin().wait_for(&path, sizes.len(), Duration::from_secs(30));
    let mut lens: Vec<usize> = got.iter().map(|r| r.body.len()).collect();
    lens.sort();
    assert_eq!(
        lens,
        sizes.map(|k| k * 1024).to_vec(),
        "every body, byte for byte"
    );
    assert!(got.iter().all(|r| r.body.starts_with(b"\"\n\"\n")));
    Ok(())
}

fn disable_stops_retries(world: &World) -> TestResult {
    let g = &world.gateway;
    for action in ["disable", "delete"] {
        let path = format!("/o/{}", unique(action));
        // The first attempt fails; the retry comes a second or more later.
        origin().script(&path, vec![Reply::status(503)]);
        let h = origin_hook(g, &path, json!({"max_attempts": 5}));
        let r = post(g, &h, br#"{"stopped":true}"#, &[]);
        assert_eq!(r.status, 202, "{}", r.body);
        let id = r.json()["id"].as_str().unwrap().to_string();
        assert_eq!(
            origin().wait_for(&path, 1, Duration::from_secs(20)).len(),
            1
        );
        let url = format!("/admin/v1/webhooks/{}", h.id);
        if action == "disable" {
            let off = admin(g, "PATCH", &url, Some(&json!({"enabled": false})));
            assert_eq!(off.status, 200, "{}", off.body);
            let detail_url = format!("{url}/deliveries/{id}");
            let mut detail = Value::Null;
            wait_until(
                "the retry to end as dead-lettered",
                Duration::from_secs(30),
                || {
                    detail = admin(g, "GET", &detail_url, None).json();
                    detail["state"] == "dead_lettered"
                },
            );
            assert_eq!(detail["reason"], "webhook_disabled");
            admin(g, "POST", &format!("{detail_url}/replay"), None)
                .assert_problem(403, "webhook_disabled");
            std::thread::sleep(Duration::from_millis(500));
            assert_eq!(
                origin().received(&path).len(),
                1,
                "nothing after the disable"
            );
            // Enabled again, the replay delivers it.
            assert_eq!(
                admin(g, "PATCH", &url, Some(&json!({"enabled": true}))).status,
                200
            );
            let replay = admin(g, "POST", &format!("{detail_url}/replay"), None);
            assert_eq!(replay.status, 202, "{}", replay.body);
            assert_eq!(
                origin().wait_for(&path, 2, Duration::from_secs(20)).len(),
                2
            );
        } else {
            assert_eq!(admin(g, "DELETE", &url, None).status, 204);
            wait_until("the retry to be dropped", Duration::from_secs(30), || {
                g.worker_logs().iter().any(|v| {
                    v["msg"] == "delivery_dropped"
                        && v["delivery_id"] == id.as_str()
                        && v["reason"] == "webhook_deleted"
                })
            });
            std::thread::sleep(Duration::from_millis(500));
            assert_eq!(
                origin().received(&path).len(),
                1,
                "nothing after the delete"
            );
        }
    }
    Ok(())
}

fn slack_challenge(g: &Gateway, path: &str, secret: &str) -> Resp {
    let body = br#"{"token":"t","challenge":"c-123","type":"url_verification"}"#;
    let ts = now_secs().to_string();
    let sig = v0_signature(secret, &ts, body);
    send(
        "POST",
        &g.url(path),
        &[
            ("X-Slack-Request-Timestamp", &ts),
            ("X-Slack-Signature", &sig),
            ("Content-Type", "application/json"),
        ],
        body,
    )
}

pub(super) fn raw_kv(g: &Gateway, method: &str, key: &str, value: Option<&str>) -> Resp {
    let encoded = key
        .replace('%', "%25")
        .replace('/', "%2F")
        .replace(':', "%3A");
    let auth = format!("Bearer {}", Admin::of(g).token);
    send(
        method,
        &g.url(&format!("/admin/test/kv/{encoded}")),
        &[("Authorization", &auth)],
        value.unwrap_or_default().as_bytes(),
    )
}

fn handshake_asks_object(world: &World) -> TestResult {
    let g = &world.faults;
    let secret = "slack-guarantees-secret";
    remember_secret(secret);
    let path = format!("/guarantees/{}", unique("slack"));
    let created = Admin::of(g).create(json!({"path": path,
        "auth": {"scheme": "slack", "secret": secret}, "target": {"queue": "EVENTS"}}));
    let id = created["id"].as_str().unwrap();
    let ok = slack_challenge(g, &path, secret);
    assert_eq!(
        (ok.status, ok.json()["challenge"].clone()),
        (200, json!("c-123"))
    );
    let route_key = format!("route:{path}");
    let enabled = raw_kv(g, "GET", &route_key, None)
        .json()
        .as_str()
        .unwrap()
        .to_string();
    let url = format!("/admin/v1/webhooks/{id}");
    assert_eq!(
        admin(g, "PATCH", &url, Some(&json!({"enabled": false}))).status,
        200
    );
    // KV (and so an isolate's cache) still says enabled, as a slow propagation would.
    assert_eq!(raw_kv(g, "PUT", &route_key, Some(&enabled)).status, 204);
    slack_challenge(g, &path, secret).assert_problem(403, "webhook_disabled");
    assert_eq!(admin(g, "DELETE", &url, None).status, 204);
    assert_eq!(raw_kv(g, "PUT", &route_key, Some(&enabled)).status, 204);
    slack_challenge(g, &path, secret).assert_problem(404, "webhook_not_found");
    Ok(())
}

fn signed_id_wins(world: &World) -> TestResult {
    use base64::engine::general_purpose::STANDARD;
    use base64::Engine;
    let g = &world.gateway;
    let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    let path = format!("/guarantees/{}", unique("stdwh"));
    let created = Admin::of(g).create(json!({"path": path,
        "auth": {"scheme": "standard-webhooks", "secret": secret}, "target": {"queue": "EVENTS"}}));
    let hook_id = created["id"].as_str().unwrap().to_string();
    let body = br#"{"type":"invoice.paid"}"#;
    let msg_id = format!("msg_{}", unique("captured"));
    let ts = now_secs().to_string();
    let key = STANDARD.decode(&secret["whsec_".len()..]).unwrap();
    let mut content = format!("{msg_id}.{ts}.").into_bytes();
    content.extend_from_slice(body);
    let sig = format!("v1,{}", STANDARD.encode(hmac_sha256(&key, &content)));
    // A capture of one signed request, replayed with a fresh Idempotency-Key each time.
    let send_with = |idem: &str| {
        send(
            "POST",
            &g.url(&path),
            &[
                ("webhook-id", &msg_id),
                ("webhook-timestamp", &ts),
                ("webhook-signature", &sig),
                ("Idempotency-Key", idem),
            ],
            body,
        )
    };
    let first = send_with("fresh-1");
    assert_eq!(first.status, 202, "{}", first.body);
    let id = first.json()["id"].as_str().unwrap().to_string();
    for fresh in ["fresh-2", "fresh-3"] {
        let again = send_with(fresh);
        assert!(replayed(&again), "{}", again.body);
        assert_eq!(again.json()["id"], id.as_str());
    }
    drain(g);
    assert_eq!(g.envelopes_for(&hook_id).len(), 1, "forwarded once");
    let log = admin(
        g,
        "GET",
        &format!("/admin/v1/webhooks/{hook_id}/deliveries?limit=1"),
        None,
    );
    assert_eq!(
        log.json()["deliveries"][0]["key_source"],
        "signed_delivery_id"
    );
    Ok(())
}

fn body_hash_window(world: &World) -> TestResult {
    let g = &world.gateway;
    let h = hook(g, json!({"idempotency": {"body_hash_window_s": 2}}));
    let view = admin(g, "GET", &format!("/admin/v1/webhooks/{}", h.id), None).json();
    assert_eq!(view["idempotency"]["body_hash_window_s"], 2);
    let alert = br#"{"alert":"disk full","state":"firing"}"#;
    let first = post(g, &h, alert, &[]);
    assert_eq!(first.status, 202, "{}", first.body);
    assert!(
        replayed(&post(g, &h, alert, &[])),
        "a quick repeat is a duplicate"
    );
    std::thread::sleep(Duration::from_millis(2_200));
    let later = post(g, &h, alert, &[]);
    assert_eq!(later.status, 202, "{}", later.body);
    assert!(
        !replayed(&later),
        "after the body-hash window, the same alert is new"
    );
    // Off: every copy is new.
    let off = hook(g, json!({"idempotency": {"body_hash_window_s": 0}}));
    for _ in 0..2 {
        let r = post(g, &off, alert, &[]);
        assert!(r.status == 202 && !replayed(&r), "{}", r.body);
    }
    // Defaults: 300 s, shown; and never more than the key window.
    let d = hook(g, json!({}));
    let view = admin(g, "GET", &format!("/admin/v1/webhooks/{}", d.id), None).json();
    assert_eq!(view["idempotency"]["body_hash_window_s"], 300);
    admin(
        g,
        "PATCH",
        &format!("/admin/v1/webhooks/{}", d.id),
        Some(&json!({"idempotency": {"window_s": 60, "body_hash_window_s": 61}})),
    )
    .assert_problem(400, "invalid_webhook");
    Ok(())
}

fn live_path_kept(world: &World) -> TestResult {
    let g = &world.faults;
    let a = hook(g, json!({}));
    // KV lost the webhook (a lagging location, a hand edit): only its object knows it.
    for key in [format!("route:{}", a.path), format!("webhook:{}", a.id)] {
        assert_eq!(raw_kv(g, "DELETE", &key, None).status, 204);
    }
    // Past the test-only build's 2 s takeover age for a claim.
    std::thread::sleep(Duration::from_millis(2_300));
    let taken = admin(
        g,
        "POST",
        "/admin/v1/webhooks",
        Some(
            &json!({"path": a.path, "auth": {"scheme": "hmac-sha256-hex"},
            "target": {"queue": "EVENTS"}}),
        ),
    );
    taken.assert_problem(409, "path_conflict");
    Ok(())
}

/// A retry against a newer revision forwards other bytes (here the webhook became
/// Flowker-style, which splices `_webhook` into the body): the R2 body is stored again,
/// so the envelope's `sha256` and `size` describe what is in R2.
fn stale_retry_stores_the_new_bytes(world: &World) -> TestResult {
    let g = &world.faults;
    let h = hook(g, json!({"max_body_bytes": 1048576}));
    let route_key = format!("route:{}", h.path);
    let before = raw_kv(g, "GET", &route_key, None)
        .json()
        .as_str()
        .unwrap()
        .to_string();
    let url = format!("/admin/v1/webhooks/{}", h.id);
    let patched = admin(g, "PATCH", &url, Some(&json!({"style": "flowker"})));
    assert_eq!(patched.status, 200, "{}", patched.body);
    // KV (and the isolate's cache) still serve the hookgate-style revision.
    assert_eq!(raw_kv(g, "PUT", &route_key, Some(&before)).status, 204);
    let body = format!("{{\"big\":\"{}\"}}", "s".repeat(130 * 1024)).into_bytes();
    let r = post(g, &h, &body, &[("Content-Type", "application/json")]);
    assert!((200..300).contains(&r.status), "{}", r.body);
    let id = r.json()["executionId"].as_str().unwrap().to_string();
    let envelope = g.wait_envelope(&id);
    let claim = &envelope["envelope"]["body"];
    assert_eq!(claim["encoding"], "r2", "{envelope}");
    assert_eq!(
        envelope["r2_body"],
        json!({"size": claim["size"], "sha256": claim["sha256"]}),
        "the R2 body is the one the envelope describes"
    );
    assert!(
        claim["size"].as_u64().unwrap() > body.len() as u64,
        "Flowker's _webhook is in the forwarded bytes"
    );
    Ok(())
}
