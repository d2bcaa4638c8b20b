//! Golden tests: the formats hookgate stores (the KV record) and forwards (the queue
//! envelope) are pinned byte for byte. Deployed records and consumers depend on them.
//!
//! If one of these fails, you changed a format. Adding an optional field means a new
//! golden file *next to* the old one (the old one must still decode); renaming or
//! retyping a field needs a new format version and a reader for the old one.

use hookgate_core::admin::{validate_create, Fresh, WebhookSpec};
use hookgate_core::envelope::{build, Handover};
use hookgate_core::model::WebhookRecord;
use hookgate_core::path::WebhookPath;
use hookgate_core::pipeline::{prepare, Prepared};
use hookgate_core::request::{resolve_route, Headers, Inbound};
use hookgate_core::secret::{DeliveryId, WebhookId};
use hookgate_core::time::UnixMillis;
use hookgate_core::verify::verify;
use std::path::PathBuf;

fn golden(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name);
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .trim_end()
        .to_string()
}

fn assert_golden(name: &str, actual: &str) {
    let expected = golden(name);
    assert!(
        expected == actual,
        "{name} changed.\nexpected: {expected}\nactual:   {actual}"
    );
}

fn record(spec: &str) -> WebhookRecord {
    validate_create(
        WebhookSpec::parse(spec.as_bytes()).unwrap(),
        Fresh {
            id: WebhookId::generate([0xa1; 12]),
            secret_bytes: [0x42; 32],
            forwarding_secret_bytes: [0x5a; 32],
            now: UnixMillis(1_795_329_546_123),
        },
        hookgate_core::admin::Policy::default(),
    )
    .unwrap()
    .record
}

const HMAC_SPEC: &str = r#"{"name":"deploys","path":"/hooks/deploys","methods":["POST","PUT"],
    "max_body_bytes":65536,"auth":{"scheme":"hmac-sha256-hex","header":"X-Kubiya-Signature"},
    "target":{"queue":"EVENTS"}}"#;

/// Records written before the guard (no revision, idempotency or rate_limit) still
/// decode, with the documented defaults.
#[test]
fn kv_record_v1_before_the_guard_still_decodes() {
    let decoded = WebhookRecord::decode(&golden("record_v1.json")).unwrap();
    assert_eq!(decoded.name(), "deploys");
    assert_eq!(decoded.auth().header(), Some("x-kubiya-signature"));
    assert!(decoded.forwarding_secrets().is_empty());
    assert_eq!(decoded.revision(), 0);
    assert_eq!(decoded.rate_limit().limit, 100);
    assert_eq!(decoded.idempotency().window_s, 86_400);
}

/// Written between the guard and origins: still decodes.
#[test]
fn kv_record_v1_with_guard_settings_still_decodes() {
    let decoded = WebhookRecord::decode(&golden("record_v1_guard.json")).unwrap();
    assert_eq!(decoded.revision(), 3);
    assert_eq!(decoded.rate_limit().limit, 1000);
    assert_eq!(decoded.idempotency().window_s, 3600);
}

#[test]
fn kv_record_v1_with_origin_and_forwarding_secret_is_pinned() {
    let r = record(
        r#"{"name":"deploys","path":"/hooks/deploys","methods":["POST","PUT"],
        "max_body_bytes":65536,"auth":{"scheme":"hmac-sha256-hex","header":"X-Kubiya-Signature"},
        "target":{"origin":{"url":"https://backend.example/hooks","mode":"sync","timeout_ms":5000,"max_attempts":3}},
        "idempotency":{"window_s":3600,"on_duplicate":"conflict"},
        "rate_limit":{"limit":1000,"window_s":60},"namespace":"acme"}"#,
    )
    .at_revision(3);
    assert_golden("record_v1_origin.json", &r.encode());
    let decoded = WebhookRecord::decode(&golden("record_v1_origin.json")).unwrap();
    assert_eq!(decoded.encode(), r.encode());
}

/// Asana's arming (`auth.arming`, an optional member added to format 1): a record armed
/// at creation with no secret yet, the same record once its handshake planted the secret,
/// and the object's held state with it, pinned; and every record written before arming
/// existed still decodes, never armed.
#[test]
fn kv_record_v1_with_asana_arming_is_pinned_and_older_records_are_never_armed() {
    use hookgate_core::guard::authority::Held;
    let armed = record(
        r#"{"name":"tasks","path":"/hooks/asana/tasks","auth":{"scheme":"asana"},"target":{"queue":"EVENTS"}}"#,
    )
    .at_revision(1);
    assert_golden("record_v1_asana_armed.json", &armed.encode());
    let decoded = WebhookRecord::decode(&golden("record_v1_asana_armed.json")).unwrap();
    assert_eq!(decoded.encode(), armed.encode());
    assert!(decoded.auth().secrets().is_empty());
    assert!(decoded.auth().arming().is_some_and(|a| !a.used()));

    // The secret as a sender's handshake plants it (the core makes a `Secret` only so).
    let at = UnixMillis(1_795_329_550_000);
    let handshake = Inbound {
        method: "POST".into(),
        url: "https://hooks.example.com/hooks/asana/tasks".into(),
        query: None,
        headers: Headers::new([(
            "X-Hook-Secret".to_string(),
            "b537207f20cbfa02357cf448134da559e8bd39d61597dcd5631b8012eae53e81".to_string(),
        )]),
        source_ip: None,
        body: Vec::new(),
    };
    let route = hookgate_core::request::RouteMatch::exact(armed.clone());
    let verified = verify(route, handshake, at).unwrap();
    let secret = verified.planted_secret().unwrap();
    let planted = hookgate_core::admin::plant(&armed, secret, at)
        .unwrap()
        .at_revision(2);
    assert_golden("record_v1_asana_planted.json", &planted.encode());
    let decoded = WebhookRecord::decode(&golden("record_v1_asana_planted.json")).unwrap();
    assert_eq!(decoded.encode(), planted.encode());
    assert!(decoded.auth().arming().is_some_and(|a| a.used()));
    assert_eq!(decoded.auth().secrets().len(), 1);

    // The webhook's object holds the record's JSON as KV does (`Held`).
    let held = Held::Active {
        revision: 2,
        record: planted.encode(),
    };
    assert_golden(
        "guard_held_v1_asana.json",
        &serde_json::to_string(&held).unwrap(),
    );
    assert_eq!(
        serde_json::from_str::<Held>(&golden("guard_held_v1_asana.json")).unwrap(),
        held
    );

    for older in [
        "record_v1.json",
        "record_v1_guard.json",
        "record_v1_origin.json",
        "record_v1_url_key.json",
    ] {
        let decoded = WebhookRecord::decode(&golden(older)).unwrap();
        assert_eq!(decoded.auth().arming(), None, "{older}");
    }
}

#[test]
fn guard_object_state_is_pinned() {
    use hookgate_core::guard::authority::Held;
    use hookgate_core::guard::idempotency::KeyState;
    use hookgate_core::guard::key::KeySource;
    use hookgate_core::guard::protocol::{LogEntry, Outcome};
    let held = Held::Active {
        revision: 3,
        record: "{\"format\":1}".into(),
    };
    let deleted = Held::Deleted { revision: 4 };
    // As written before reservations had owners and answers a content type: the
    // same bytes, so rows of deployed objects read as they did.
    let in_flight = KeyState::InFlight {
        fingerprint: "ab12".into(),
        since_ms: 1_795_329_546_123,
        attempt: String::new(),
        incarnation: String::new(),
    };
    let done = KeyState::Done {
        fingerprint: "ab12".into(),
        status: 202,
        body: "{\"id\":\"evt_1\"}".into(),
        at_ms: 1_795_329_546_200,
        content_type: None,
    };
    // With an owner (the attempt's delivery id, the object's incarnation) and a sync
    // origin's answer that was not JSON.
    let owned = KeyState::InFlight {
        fingerprint: "ab12".into(),
        since_ms: 1_795_329_546_123,
        attempt: "evt_0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e".into(),
        incarnation: "inc_5a5a5a5a5a5a5a5a".into(),
    };
    let done_text = KeyState::Done {
        fingerprint: "ab12".into(),
        status: 200,
        body: "ok".into(),
        at_ms: 1_795_329_546_200,
        content_type: Some("text/plain".into()),
    };
    let owned_lines = [
        serde_json::to_string(&owned).unwrap(),
        serde_json::to_string(&done_text).unwrap(),
    ];
    assert_golden("guard_keys_v1_owned.jsonl", &owned_lines.join("\n"));
    for (line, state) in golden("guard_keys_v1_owned.jsonl")
        .lines()
        .zip([&owned, &done_text])
    {
        assert_eq!(&serde_json::from_str::<KeyState>(line).unwrap(), state);
    }
    let entry = LogEntry {
        id: "evt_0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e".into(),
        received_at: "2026-11-22T06:39:06.123Z".into(),
        method: "POST".into(),
        source_ip: Some("203.0.113.7".into()),
        size: 58,
        idempotency_key: "h:order-42".into(),
        key_source: KeySource::IdempotencyKeyHeader,
        outcome: Outcome::Accepted,
        status: 202,
        latency_ms: 12,
        test: false,
        request: None,
    };
    // Filtered test requests: the additions since (a new line, the old ones unchanged).
    let filtered_test = LogEntry {
        outcome: Outcome::Filtered,
        status: 204,
        test: true,
        request: Some(hookgate_core::guard::protocol::RequestPreview::new(
            Headers::new([("Content-Type".to_string(), "application/json".to_string())])
                .forwardable(&record(HMAC_SPEC)),
            br#"{"hello": "moon"}"#,
        )),
        ..entry.clone()
    };
    assert_golden(
        "guard_log_v1_with_request.json",
        &serde_json::to_string(&filtered_test).unwrap(),
    );
    // The entry as written before the request preview existed still reads.
    let older: LogEntry = serde_json::from_str(&golden("guard_log_v1_filtered_test.json")).unwrap();
    assert_eq!(older.request, None);
    assert_eq!(older.outcome, Outcome::Filtered);
    let lines = [
        serde_json::to_string(&held).unwrap(),
        serde_json::to_string(&deleted).unwrap(),
        serde_json::to_string(&in_flight).unwrap(),
        serde_json::to_string(&done).unwrap(),
        serde_json::to_string(&entry).unwrap(),
    ];
    assert_golden("guard_state_v1.jsonl", &lines.join("\n"));
    let g = golden("guard_state_v1.jsonl");
    let mut it = g.lines();
    assert_eq!(
        serde_json::from_str::<Held>(it.next().unwrap()).unwrap(),
        held
    );
    assert_eq!(
        serde_json::from_str::<Held>(it.next().unwrap()).unwrap(),
        deleted
    );
    assert_eq!(
        serde_json::from_str::<KeyState>(it.next().unwrap()).unwrap(),
        in_flight
    );
    assert_eq!(
        serde_json::from_str::<KeyState>(it.next().unwrap()).unwrap(),
        done
    );
    assert_eq!(
        serde_json::from_str::<LogEntry>(it.next().unwrap()).unwrap(),
        entry
    );
}

#[test]
fn kv_record_v1_url_key_before_the_guard_still_decodes() {
    let r = record(
        r#"{"path":"/api/v1/executions/webhook/company.team/myflow","auth":{"scheme":"url-key","secret":"kestra-key-0001"},"target":{"queue":"EVENTS"},"enabled":false}"#,
    );
    let decoded = WebhookRecord::decode(&golden("record_v1_url_key.json")).unwrap();
    assert_eq!(
        decoded.auth().secrets()[0].value().expose(),
        r.auth().secrets()[0].value().expose()
    );
    assert!(!decoded.enabled());
}

fn envelope_for(body: &[u8], request_path: &str, spec: &str) -> Handover {
    let r = record(spec);
    let path = WebhookPath::parse_request(request_path).unwrap();
    let (exact, parent) = if path == *r.path() {
        (Some(r), None)
    } else {
        (None, Some(r))
    };
    let route = resolve_route(&path, exact.map(Into::into), parent.map(Into::into)).unwrap();
    let mut headers = vec![
        ("Content-Type".to_string(), "application/json".to_string()),
        ("User-Agent".to_string(), "golden/1".to_string()),
        ("X-Request-Id".to_string(), "req-1".to_string()),
        ("Authorization".to_string(), "Bearer hidden".to_string()),
    ];
    if route.url_key().is_none() {
        let secret = route.record().auth().secrets()[0]
            .value()
            .expose()
            .to_string();
        let mac = {
            use hmac::{Hmac, Mac};
            let mut m = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
            m.update(body);
            hex::encode(m.finalize().into_bytes())
        };
        headers.push(("X-Kubiya-Signature".to_string(), mac));
    }
    let inbound = Inbound {
        method: "POST".into(),
        url: format!("https://hooks.example.com{request_path}?ref=main&ref=dev&empty="),
        query: Some("ref=main&ref=dev&empty=".into()),
        headers: Headers::new(headers),
        source_ip: Some("203.0.113.7".into()),
        body: body.to_vec(),
    };
    let verified = verify(route, inbound, UnixMillis(1_795_329_546_999)).unwrap();
    let headers = verified.inbound().headers.forwardable(verified.record());
    let Prepared::Forward(extras) = prepare(&verified, &headers, false).unwrap() else {
        panic!("the golden requests are never filtered");
    };
    let sha = hookgate_core::guard::key::sha256_hex(extras.forwarded_body(body));
    build(
        &verified,
        &DeliveryId::generate([0x0e; 16]),
        UnixMillis(1_795_329_546_999),
        &sha,
        &headers,
        &extras,
    )
    .expect("fits a queue message")
}

#[test]
fn envelope_v1_json_body_is_pinned() {
    let h = envelope_for(
        br#"{"parameters": {"env": "prod"}, "n": 12345678901234567890}"#,
        "/hooks/deploys",
        HMAC_SPEC,
    );
    assert_golden("envelope_v1_json.json", h.message());
}

/// JSON with whitespace around it (a file sent with `curl --data-binary @event.json`):
/// still `encoding: "json"` with the value as `data`, the whitespace in two optional
/// members added beside it, so the three are the body's bytes.
#[test]
fn envelope_v1_json_body_with_surrounding_whitespace_is_pinned() {
    let h = envelope_for(
        b"\n  {\"parameters\": {\"env\": \"prod\"}}\r\n",
        "/hooks/deploys",
        HMAC_SPEC,
    );
    assert_golden("envelope_v1_json_whitespace.json", h.message());
}

#[test]
fn envelope_v1_text_body_is_pinned() {
    let h = envelope_for(b"a=1&b=two", "/hooks/deploys", HMAC_SPEC);
    assert_golden("envelope_v1_text.json", h.message());
}

#[test]
fn envelope_v1_base64_body_and_url_key_path_are_pinned() {
    let h = envelope_for(
        &[0, 159, 146, 150],
        "/api/v1/executions/webhook/company.team/myflow/kestra-key-0001",
        r#"{"path":"/api/v1/executions/webhook/company.team/myflow","auth":{"scheme":"url-key","secret":"kestra-key-0001"},"target":{"queue":"EVENTS"}}"#,
    );
    assert_golden("envelope_v1_base64_url_key.json", h.message());
}

#[test]
fn envelope_v1_style_additions_are_pinned() {
    // Kestra: the trigger variables; an event type read from the body.
    let h = envelope_for(
        br#"{"hello": "world", "type": "deploy.started"}"#,
        "/api/v1/main/executions/webhook/company.team/myflow/kestra-key-0001",
        r#"{"style":"kestra","path":"/api/v1/main/executions/webhook/company.team/myflow","auth":{"scheme":"url-key","secret":"kestra-key-0001"},"event_type":{"field":"body.type"},"target":{"queue":"EVENTS"}}"#,
    );
    assert_golden("envelope_v1_kestra.json", h.message());
    // Flowker: `_webhook` spliced into the sender's JSON, credentials left out.
    let h = envelope_for(
        br#"{"order": 42}"#,
        "/v1/webhooks/orders/paid",
        r#"{"style":"flowker","path":"/v1/webhooks/orders/paid","auth":{"scheme":"hmac-sha256-hex","header":"X-Kubiya-Signature"},"target":{"queue":"EVENTS"}}"#,
    );
    assert_golden("envelope_v1_flowker.json", h.message());
    // Kubiya: the message is the instruction.
    let h = envelope_for(
        br#"{"message": "Deploy to production", "parameters": {}}"#,
        "/api/v1/jobs/webhook/deploy",
        r#"{"style":"kubiya","path":"/api/v1/jobs/webhook/deploy","auth":{"scheme":"hmac-sha256-hex","header":"X-Kubiya-Signature"},"event_type":{"header":"User-Agent"},"target":{"queue":"EVENTS"}}"#,
    );
    assert_golden("envelope_v1_kubiya.json", h.message());
}

#[test]
fn envelope_v1_r2_body_is_pinned() {
    let body = vec![b'x'; 200 * 1024];
    let h = envelope_for(&body, "/hooks/deploys", HMAC_SPEC);
    let Handover::WithBodyInR2 { r2_key, message } = &h else {
        panic!("expected R2 handover");
    };
    assert_eq!(
        r2_key,
        "bodies/wh_a1a1a1a1a1a1a1a1a1a1a1a1/evt_0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e"
    );
    assert_golden("envelope_v1_r2_sha256.json", message);
    // Envelopes written before the claim check carried the hash still read.
    let old =
        hookgate_core::delivery::forward::from_envelope(&golden("envelope_v1_r2.json")).unwrap();
    assert!(matches!(
        old.body,
        hookgate_core::delivery::forward::Body::R2 { sha256: None, .. }
    ));
}

#[test]
fn kv_id_pointer_is_pinned() {
    use hookgate_core::model::pointer::IdPointer;
    let moving = IdPointer {
        path: WebhookPath::parse_registered("/hooks/new").unwrap(),
        retired: vec![WebhookPath::parse_registered("/hooks/old").unwrap()],
    };
    assert_golden("pointer_v1_moving.json", &moving.encode());
    assert_eq!(
        IdPointer::decode(&golden("pointer_v1_moving.json")).unwrap(),
        moving
    );
    // Pointers written before moves were tracked hold only the path.
    let settled = IdPointer::decode(&golden("pointer_v1.json")).unwrap();
    assert_eq!(settled.encode(), golden("pointer_v1.json"));
    assert!(settled.retired.is_empty());
}
