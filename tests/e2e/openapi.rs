//! `openapi/openapi.json` against the running Worker: the served document is the
//! repository's; every documented operation is called, and each real answer (status,
//! content type, body) is validated against the document with a JSON Schema 2020-12
//! validator, after checking that it is the answer the call must get (its status, and
//! its `code` for a problem: a document that lists 201 and 409 does not make a duplicate
//! create answered 201 right); the operations the Worker serves
//! (`admin::routes::OPERATIONS`, the public files, the sender's path) are exactly the
//! documented ones, and a method the document does not list for a path is refused with
//! `405` and an `Allow` naming the documented ones.

use super::{remember_secret, TestResult, World};
use hookgate_core::admin::routes::{OPERATIONS, PUBLIC_PATHS};
use hookgate_harness::client::{hmac_hex, send, unique, Admin, Resp};
use hookgate_harness::gateway::repo_root;
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::sync::Mutex;
use std::time::Duration;

type Test = (&'static str, fn(&World) -> TestResult);

pub const TESTS: &[Test] = &[(
    "openapi::every_documented_operation_answers_as_documented",
    every_operation,
)];

fn document() -> Value {
    let text = std::fs::read_to_string(repo_root().join("openapi/openapi.json")).unwrap();
    serde_json::from_str(&text).expect("openapi/openapi.json is JSON")
}

/// Validates one real answer against the document and records the operation as covered.
struct Checker {
    doc: Value,
    covered: Mutex<BTreeSet<(String, String)>>,
}

impl Checker {
    /// A problem answer: `want` with this `code`, and as documented.
    fn check_problem(&self, method: &str, template: &str, want: u16, code: &str, r: &Resp) {
        r.assert_problem(want, code);
        self.check(method, template, want, r);
    }

    /// The answer the call must get (`want`), and as the document describes it.
    fn check(&self, method: &str, template: &str, want: u16, r: &Resp) {
        assert_eq!(
            r.status, want,
            "{method} {template}: want {want}, got {}: {}",
            r.status, r.body
        );
        let op = &self.doc["paths"][template][method.to_ascii_lowercase()];
        assert!(op.is_object(), "{method} {template} is not documented");
        let status = r.status.to_string();
        let answer = &op["responses"][&status];
        assert!(
            answer.is_object(),
            "{method} {template} answered {status}, which the document does not list: {}",
            r.body
        );
        if let Some(content) = answer.get("content").and_then(Value::as_object) {
            let got = r
                .header("content-type")
                .unwrap_or_default()
                .split(';')
                .next()
                .unwrap()
                .trim()
                .to_string();
            let media = content
                .get(&got)
                .or_else(|| content.get("*/*"))
                .unwrap_or_else(|| {
                    panic!("{method} {template} {status}: content type {got:?} is not documented")
                });
            if got.ends_with("json") {
                let body: Value = serde_json::from_str(&r.body).unwrap_or_else(|e| {
                    panic!("{method} {template} {status}: not JSON ({e}): {}", r.body)
                });
                let mut schema = media["schema"].clone();
                if let Some(obj) = schema.as_object_mut() {
                    obj.insert("components".into(), self.doc["components"].clone());
                }
                let validator = jsonschema::draft202012::new(&schema)
                    .unwrap_or_else(|e| panic!("{method} {template} {status}: bad schema: {e}"));
                let errors: Vec<String> = validator
                    .iter_errors(&body)
                    .map(|e| format!("{} at {}", e, e.instance_path()))
                    .collect();
                assert!(
                    errors.is_empty(),
                    "{method} {template} {status} does not match the document: {errors:?}\n{body}"
                );
            }
        } else {
            assert!(
                r.body.is_empty(),
                "{method} {template} {status} documents no body"
            );
        }
        self.covered
            .lock()
            .unwrap()
            .insert((method.to_string(), template.to_string()));
    }
}

fn every_operation(world: &World) -> TestResult {
    let g = &world.gateway;
    let admin = Admin::of(g);
    let c = Checker {
        doc: document(),
        covered: Mutex::new(BTreeSet::new()),
    };
    let doc = &c.doc;
    // The validator can fail: a webhook without its fields, or with one too many, is
    // refused by the document's own schema.
    for wrong in [json!({}), json!({"id": "wh_1", "surprise": true})] {
        let mut schema = json!({"$ref": "#/components/schemas/Webhook"});
        schema["components"] = doc["components"].clone();
        let v = jsonschema::draft202012::new(&schema).unwrap();
        assert!(!v.is_valid(&wrong), "{wrong} passed as a Webhook");
    }

    // The served document is the repository's.
    let served = send("GET", &g.url("/admin/v1/openapi.json"), &[], b"");
    c.check("GET", "/admin/v1/openapi.json", 200, &served);
    assert_eq!(
        served.json(),
        *doc,
        "the served document differs from the repository's"
    );
    assert_eq!(doc["openapi"], "3.1.0");
    for (path, template) in [
        ("/admin/", "/admin/"),
        ("/admin/app.js", "/admin/app.js"),
        ("/admin/app.css", "/admin/app.css"),
    ] {
        let r = send("GET", &g.url(path), &[], b"");
        c.check("GET", template, 200, &r);
        let csp = r.header("content-security-policy").unwrap_or_default();
        assert!(
            csp.contains("script-src 'sha256-") && !csp.contains("unsafe-inline"),
            "{csp}"
        );
    }

    let list = "/admin/v1/webhooks";
    c.check_problem(
        "GET",
        list,
        401,
        "unauthorized",
        &send("GET", &g.url(list), &[], b""),
    );
    c.check(
        "GET",
        "/admin/v1/schemes",
        200,
        &admin.call("GET", "/admin/v1/schemes", None),
    );

    // Create, read, change.
    let path = format!("/oa/{}", unique("hook"));
    let spec = json!({"path": path, "auth": {"scheme": "hmac-sha256-hex"},
        "target": {"queue": "EVENTS"}, "event_type": {"header": "X-Event"}});
    let created = admin.call("POST", list, Some(&spec));
    c.check("POST", list, 201, &created);
    let hook = created.json();
    let secret = hook["secret"].as_str().unwrap().to_string();
    remember_secret(&secret);
    remember_secret(hook["forwarding_secret"].as_str().unwrap());
    let id = hook["id"].as_str().unwrap().to_string();
    let one = "/admin/v1/webhooks/{id}";
    let at = |suffix: &str| format!("/admin/v1/webhooks/{id}{suffix}");
    c.check_problem(
        "POST",
        list,
        409,
        "path_conflict",
        &admin.call("POST", list, Some(&spec)),
    );
    c.check_problem(
        "POST",
        list,
        400,
        "invalid_webhook",
        &admin.call("POST", list, Some(&json!({"path": 5}))),
    );
    c.check("GET", list, 200, &admin.call("GET", list, None));
    c.check("GET", one, 200, &admin.call("GET", &at(""), None));
    c.check_problem(
        "GET",
        one,
        404,
        "not_found",
        &admin.call(
            "GET",
            "/admin/v1/webhooks/wh_000000000000000000000000",
            None,
        ),
    );
    c.check(
        "PATCH",
        one,
        200,
        &admin.call("PATCH", &at(""), Some(&json!({"name": "renamed"}))),
    );
    c.check_problem(
        "PATCH",
        one,
        400,
        "invalid_filter",
        &admin.call("PATCH", &at(""), Some(&json!({"filter": "{{"}))),
    );
    let rotated = admin.call(
        "POST",
        &at("/rotate-secret"),
        Some(&json!({"grace_period_s": 0})),
    );
    c.check(
        "POST",
        "/admin/v1/webhooks/{id}/rotate-secret",
        200,
        &rotated,
    );
    let secret = rotated.json()["secret"].as_str().unwrap().to_string();
    remember_secret(&secret);
    let fwd = admin.call("POST", &at("/rotate-forwarding-secret"), None);
    c.check(
        "POST",
        "/admin/v1/webhooks/{id}/rotate-forwarding-secret",
        200,
        &fwd,
    );
    remember_secret(fwd.json()["forwarding_secret"].as_str().unwrap());

    // Arming for a planting handshake (asana), and the handshake's answers to a sender.
    let arm = "/admin/v1/webhooks/{id}/arm-handshake";
    c.check_problem(
        "POST",
        arm,
        400,
        "invalid_webhook",
        &admin.call("POST", &at("/arm-handshake"), None),
    );
    let asana_path = format!("/oa/{}", unique("asana"));
    let asana = admin.create(json!({"path": asana_path, "auth": {"scheme": "asana"},
        "target": {"queue": "EVENTS"}}));
    remember_secret(asana["forwarding_secret"].as_str().unwrap());
    let asana_id = asana["id"].as_str().unwrap();
    let armed = admin.call(
        "POST",
        &format!("/admin/v1/webhooks/{asana_id}/arm-handshake"),
        Some(&json!({"window_s": 60})),
    );
    c.check("POST", arm, 200, &armed);
    let hook_secret = format!("oa-asana-{}", unique("hook-secret"));
    remember_secret(&hook_secret);
    let shake = |s: &str| send("POST", &g.url(&asana_path), &[("X-Hook-Secret", s)], b"");
    let answered = shake(&hook_secret);
    c.check("POST", "/{webhook_path}", 204, &answered);
    assert_eq!(answered.header("x-hook-secret"), Some(hook_secret.as_str()));
    c.check_problem(
        "POST",
        "/{webhook_path}",
        409,
        "handshake_already_completed",
        &shake("oa-asana-second-handshake"),
    );

    // What senders get.
    let sender = "/{webhook_path}";
    let body = br#"{"openapi": true}"#;
    let sig = hmac_hex(&secret, body);
    let accepted = send(
        "POST",
        &g.url(&path),
        &[("X-Webhook-Signature", &sig), ("X-Event", "check")],
        body,
    );
    c.check("POST", sender, 202, &accepted);
    let delivery = accepted.json()["id"].as_str().unwrap().to_string();
    let signed_post = || {
        send(
            "POST",
            &g.url(&path),
            &[("X-Webhook-Signature", &sig)],
            body,
        )
    };
    let replayed = signed_post();
    c.check("POST", sender, 202, &replayed);
    assert_eq!(replayed.header("idempotent-replayed"), Some("true"));
    assert_eq!(replayed.json()["id"], delivery.as_str());
    c.check_problem(
        "POST",
        sender,
        401,
        "signature_missing",
        &send("POST", &g.url(&path), &[], body),
    );
    c.check_problem(
        "POST",
        sender,
        404,
        "webhook_not_found",
        &send("POST", &g.url("/oa/nothing-here"), &[], body),
    );
    let wrong_method = send("GET", &g.url(&path), &[], b"");
    c.check_problem("POST", sender, 405, "method_not_allowed", &wrong_method);
    assert_eq!(wrong_method.header("allow"), Some("POST"));

    // The test action, the log, one delivery, the counts.
    c.check(
        "POST",
        "/admin/v1/webhooks/{id}/test",
        200,
        &admin.call("POST", &at("/test"), None),
    );
    let deliveries = "/admin/v1/webhooks/{id}/deliveries";
    c.check(
        "GET",
        deliveries,
        200,
        &admin.call("GET", &at("/deliveries?limit=10"), None),
    );
    c.check_problem(
        "GET",
        deliveries,
        400,
        "invalid_query",
        &admin.call("GET", &at("/deliveries?limit=0"), None),
    );
    let detail = "/admin/v1/webhooks/{id}/deliveries/{delivery_id}";
    let d = admin.call("GET", &at(&format!("/deliveries/{delivery}")), None);
    c.check("GET", detail, 200, &d);
    assert_eq!(d.json()["request"]["body"], r#"{"openapi": true}"#);
    let missing = format!("/deliveries/evt_{}", "0".repeat(32));
    c.check_problem(
        "GET",
        detail,
        404,
        "not_found",
        &admin.call("GET", &at(&missing), None),
    );
    let stats = admin.call("GET", &at("/stats"), None);
    c.check("GET", "/admin/v1/webhooks/{id}/stats", 200, &stats);
    assert!(stats.json()["last_hour"]["accepted"].as_u64().unwrap() >= 2);

    // Replay needs a delivery to an async origin.
    let origin = super::origins::origin();
    let origin_path = format!("/oa-origin/{}", unique("o"));
    let hook_path = format!("/oa/{}", unique("origin"));
    let o = admin.create(
        json!({"path": hook_path, "auth": {"scheme": "hmac-sha256-hex"},
        "target": {"origin": {"url": origin.url(&origin_path)}}}),
    );
    let (o_id, o_secret) = (o["id"].as_str().unwrap(), o["secret"].as_str().unwrap());
    remember_secret(o_secret);
    remember_secret(o["forwarding_secret"].as_str().unwrap());
    let sent = send(
        "POST",
        &g.url(&hook_path),
        &[("X-Webhook-Signature", &hmac_hex(o_secret, b"{}"))],
        b"{}",
    );
    let o_delivery = sent.json()["id"].as_str().unwrap().to_string();
    origin.wait_for(&origin_path, 1, Duration::from_secs(20));
    let replay = "/admin/v1/webhooks/{id}/deliveries/{delivery_id}/replay";
    let r = admin.call(
        "POST",
        &format!("/admin/v1/webhooks/{o_id}/deliveries/{o_delivery}/replay"),
        None,
    );
    c.check("POST", replay, 202, &r);
    c.check_problem(
        "POST",
        replay,
        404,
        "not_found",
        &admin.call("POST", &at(&format!("{missing}/replay")), None),
    );
    // Bulk replay (tests/e2e/replays.rs tests what it does).
    let replays = "/admin/v1/webhooks/{id}/replays";
    let bulk = admin.call(
        "POST",
        &format!("/admin/v1/webhooks/{o_id}/replays"),
        Some(&json!({ "delivery_ids": [o_delivery] })),
    );
    c.check("POST", replays, 202, &bulk);
    c.check_problem(
        "POST",
        replays,
        400,
        "invalid_replay",
        &admin.call(
            "POST",
            &format!("/admin/v1/webhooks/{o_id}/replays"),
            Some(&json!({"state": "delivered"})),
        ),
    );
    let progress = "/admin/v1/webhooks/{id}/replays/{replay_id}";
    let bulk_id = bulk.json()["id"].as_str().unwrap().to_string();
    c.check(
        "GET",
        progress,
        200,
        &admin.call(
            "GET",
            &format!("/admin/v1/webhooks/{o_id}/replays/{bulk_id}"),
            None,
        ),
    );
    c.check_problem(
        "GET",
        progress,
        404,
        "not_found",
        &admin.call(
            "GET",
            &format!("/admin/v1/webhooks/{o_id}/replays/rpl_{}", "0".repeat(24)),
            None,
        ),
    );
    c.check(
        "GET",
        detail,
        200,
        &admin.call(
            "GET",
            &format!("/admin/v1/webhooks/{o_id}/deliveries/{o_delivery}"),
            None,
        ),
    );

    // Namespaces.
    let ns = format!("/admin/v1/namespaces/{}", unique("oa-org"));
    let ns_t = "/admin/v1/namespaces/{name}";
    c.check(
        "PUT",
        ns_t,
        200,
        &admin.call(
            "PUT",
            &ns,
            Some(&json!({"rate_limit": {"limit": 5, "window_s": 60}})),
        ),
    );
    c.check_problem(
        "PUT",
        ns_t,
        400,
        "invalid_webhook",
        &admin.call(
            "PUT",
            &ns,
            Some(&json!({"rate_limit": {"limit": 0, "window_s": 60}})),
        ),
    );
    c.check("GET", ns_t, 200, &admin.call("GET", &ns, None));

    // Delete, and what comes after.
    c.check("DELETE", one, 204, &admin.call("DELETE", &at(""), None));
    c.check_problem(
        "DELETE",
        one,
        404,
        "not_found",
        &admin.call("DELETE", &at(""), None),
    );
    c.check_problem("POST", sender, 404, "webhook_not_found", &signed_post());

    // Every documented operation was called.
    let documented: BTreeSet<(String, String)> = doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, ops)| {
            ops.as_object()
                .unwrap()
                .keys()
                .filter(|m| *m != "parameters")
                .map(move |m| (m.to_ascii_uppercase(), path.clone()))
        })
        .collect();
    let covered = c.covered.lock().unwrap().clone();
    let untested: Vec<_> = documented.difference(&covered).collect();
    assert!(
        untested.is_empty(),
        "documented but never called: {untested:?}"
    );

    // The Worker serves exactly what is documented: its route table, its public files,
    // and the sender's path.
    let mut served: BTreeSet<(String, String)> = OPERATIONS
        .iter()
        .map(|(m, t)| (m.to_string(), t.to_string()))
        .collect();
    served.extend(
        PUBLIC_PATHS
            .iter()
            .map(|p| ("GET".to_string(), p.to_string())),
    );
    served.insert(("POST".into(), sender.into()));
    assert_eq!(
        served, documented,
        "served operations and the document differ"
    );

    // A method the document does not list for an admin path is refused with 405, and
    // `Allow` names exactly the methods the document lists for it.
    let sample = |template: &str| {
        template
            .replace("{id}", &id)
            .replace("{delivery_id}", &delivery)
            .replace("{name}", "oa-probe")
    };
    for template in documented.iter().map(|(_, t)| t).collect::<BTreeSet<_>>() {
        if template == sender {
            continue;
        }
        let listed: BTreeSet<&str> = documented
            .iter()
            .filter(|(_, t)| t == template)
            .map(|(m, _)| m.as_str())
            .collect();
        for method in ["GET", "POST", "PUT", "PATCH", "DELETE"] {
            if listed.contains(method) {
                continue;
            }
            let r = admin.call(method, &sample(template), Some(&json!({})));
            assert_eq!(
                r.status, 405,
                "{method} {template} is not documented: want 405, got {}: {}",
                r.status, r.body
            );
            let allow: BTreeSet<&str> = r
                .header("allow")
                .unwrap_or_else(|| panic!("{method} {template}: 405 without Allow"))
                .split(',')
                .map(str::trim)
                .collect();
            assert_eq!(allow, listed, "Allow of {method} {template}");
        }
    }
    Ok(())
}
