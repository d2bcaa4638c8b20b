//! The seed systems' triggers end to end: each style's documented requests replayed as
//! its senders send them (Kubiya's job trigger and webhook settings, Flowker's trigger,
//! Kestra's trigger at both URL forms), the filter language, and the admin API's test
//! action. Statuses and bodies are checked field by field against the seeds' documents.

use super::hostile::drain;
use super::{remember_secret, remember_url_key, TestResult, World};
use hookgate_harness::client::{hmac_hex, send, unique, Admin, Resp};
use hookgate_harness::gateway::Gateway;
use hookgate_harness::origin::Reply;
use serde_json::{json, Value};

type Test = (&'static str, fn(&World) -> TestResult);

pub const TESTS: &[Test] = &[
    ("styles::kubiya_job_trigger_as_documented", kubiya_job),
    (
        "styles::kubiya_422_names_each_malformed_field",
        kubiya_validation,
    ),
    (
        "styles::kubiya_webhook_settings_message_secret_and_org_limit",
        kubiya_settings,
    ),
    ("styles::flowker_trigger_as_documented", flowker_trigger),
    (
        "styles::flowker_webhook_metadata_reaches_the_origin_without_credentials",
        flowker_metadata,
    ),
    ("styles::kestra_trigger_as_documented", kestra_trigger),
    (
        "styles::kestra_conditions_answer_204_and_do_not_count",
        kestra_conditions,
    ),
    (
        "styles::kestra_basic_auth_besides_the_key",
        kestra_basic_auth,
    ),
    (
        "styles::filter_structured_form_event_type_and_bad_filters",
        structured_filter,
    ),
    (
        "styles::test_action_runs_each_scheme_family_through_the_pipeline",
        test_action,
    ),
];

fn created(g: &Gateway, spec: Value) -> Value {
    let v = Admin::of(g).create(spec);
    if let Some(s) = v["secret"].as_str() {
        // A URL key travels in the request line, which the dev server's access log shows.
        if v["auth"]["scheme"] == "url-key" {
            remember_url_key(s);
        } else {
            remember_secret(s);
        }
    }
    if let Some(s) = v["forwarding_secret"].as_str() {
        remember_secret(s);
    }
    v
}

fn deliveries(g: &Gateway, id: &str) -> Vec<Value> {
    let r = Admin::of(g).call("GET", &format!("/admin/v1/webhooks/{id}/deliveries"), None);
    assert_eq!(r.status, 200, "{}", r.body);
    r.json()["deliveries"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

/// Flowker's `ErrorResponse`: `code`, `message`, `title`, all strings.
fn assert_flowker_error(r: &Resp, status: u16, code: &str) -> Value {
    assert_eq!(r.status, status, "want {status} {code}: {}", r.body);
    let v = r.json();
    assert_eq!(v["code"], code, "{}", r.body);
    assert!(
        v["message"].is_string() && v["title"].is_string(),
        "{}",
        r.body
    );
    v
}

// ---------------------------------------------------------------- Kubiya

fn kubiya_job(world: &World) -> TestResult {
    let g = &world.gateway;
    let path = format!("/api/v1/jobs/webhook/{}", unique("deploy"));
    let hook = created(
        g,
        json!({"style": "kubiya", "path": path, "target": {"queue": "EVENTS"}}),
    );
    assert_eq!(hook["style"], "kubiya");
    assert_eq!(hook["auth"]["scheme"], "hmac-sha256-hex", "Kubiya signs");
    let secret = hook["secret"].as_str().unwrap();
    // The seed's request: WebhookPayload, X-Webhook-Signature = hex(HMAC-SHA256(body)).
    let body = br#"{"parameters": {"environment": "prod", "version": "1.4.2"}, "config_override": null, "metadata": {"triggered_by": "CI/CD Pipeline"}}"#;
    let sig = hmac_hex(secret, body);
    let headers = [
        ("Content-Type", "application/json"),
        ("X-Webhook-Signature", sig.as_str()),
    ];
    let r = send("POST", &g.url(&path), &headers, body);
    assert_eq!(r.status, 200, "{}", r.body);
    let answer = r.json();
    for field in ["job_id", "execution_id", "workflow_id", "status", "message"] {
        assert!(
            answer[field].is_string(),
            "JobTriggerResponse.{field}: {answer}"
        );
    }
    assert_eq!(answer["job_id"], hook["id"]);
    let envelope = g.wait_envelope(answer["execution_id"].as_str().unwrap());
    assert_eq!(
        envelope["envelope"]["body"]["data"]["parameters"]["version"],
        "1.4.2"
    );
    // The sender's retry is the same execution, answered again.
    let again = send("POST", &g.url(&path), &headers, body);
    assert_eq!((again.status, &again.body), (200, &r.body));
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    // Unsigned or wrongly signed: refused before anything else.
    send(
        "POST",
        &g.url(&path),
        &[("Content-Type", "application/json")],
        body,
    )
    .assert_problem(401, "signature_missing");
    let wrong = hmac_hex("not-the-secret", body);
    send(
        "POST",
        &g.url(&path),
        &[("X-Webhook-Signature", wrong.as_str())],
        body,
    )
    .assert_problem(401, "signature_mismatch");
    Ok(())
}

fn kubiya_validation(world: &World) -> TestResult {
    let g = &world.gateway;
    let path = format!("/api/v1/jobs/webhook/{}", unique("validate"));
    let hook = created(
        g,
        json!({"style": "kubiya", "path": path, "target": {"queue": "EVENTS"}}),
    );
    let secret = hook["secret"].as_str().unwrap();
    let signed = |body: &[u8]| {
        let sig = hmac_hex(secret, body);
        send(
            "POST",
            &g.url(&path),
            &[
                ("Content-Type", "application/json"),
                ("X-Webhook-Signature", sig.as_str()),
            ],
            body,
        )
    };
    let fastapi = |r: Resp| -> Vec<Value> {
        assert_eq!(r.status, 422, "{}", r.body);
        assert_eq!(r.header("content-type"), Some("application/json"));
        let v = r.json();
        let items = v["detail"].as_array().expect("detail is a list").clone();
        for item in &items {
            assert!(item["loc"].is_array() && item["msg"].is_string() && item["type"].is_string());
        }
        items
    };
    for (field, bad) in [
        ("parameters", json!("not-an-object")),
        ("parameters", json!(null)),
        ("config_override", json!(5)),
        ("metadata", json!(["a"])),
    ] {
        let mut body = json!({"parameters": {}});
        body[field] = bad;
        let items = fastapi(signed(body.to_string().as_bytes()));
        assert_eq!(items.len(), 1, "{field}");
        assert_eq!(items[0]["loc"], json!(["body", field]));
        assert_eq!(items[0]["type"], "dict_type");
    }
    let items = fastapi(signed(
        br#"{"parameters": 1, "config_override": "x", "metadata": 2}"#,
    ));
    let locs: Vec<&Value> = items.iter().map(|i| &i["loc"][1]).collect();
    assert_eq!(locs, vec!["parameters", "config_override", "metadata"]);
    assert_eq!(fastapi(signed(b"{not json"))[0]["type"], "json_invalid");
    assert_eq!(
        fastapi(signed(b"[1, 2]"))[0]["type"],
        "model_attributes_type"
    );
    assert_eq!(fastapi(signed(b""))[0]["type"], "missing");
    // Nothing was accepted: no delivery reached the queue. Checked after the queue has
    // drained past these requests, so a wrongly forwarded event has had time to arrive.
    drain(g);
    let forwarded = g.envelopes_for(hook["id"].as_str().unwrap());
    assert!(
        forwarded.is_empty(),
        "a refused body was forwarded: {forwarded:?}"
    );
    Ok(())
}

fn kubiya_settings(world: &World) -> TestResult {
    let g = &world.gateway;
    let admin = Admin::of(g);
    let org = unique("org");
    let r = admin.call(
        "PUT",
        &format!("/admin/v1/namespaces/{org}"),
        Some(&json!({"rate_limit": {"limit": 3, "window_s": 60}})),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let path = format!("/api/webhooks/{}", unique("wh"));
    let hook = created(
        g,
        json!({"style": "kubiya", "path": path, "namespace": org,
            "auth": {"scheme": "shared-secret", "header": "X-Webhook-Secret"},
            "target": {"queue": "EVENTS"}}),
    );
    assert_eq!(hook["rate_limit"], json!({"limit": 100, "window_s": 60}));
    let secret = hook["secret"].as_str().unwrap();
    // The seed's curl "With Authentication".
    let send_message = |msg: &str, secret: &str| {
        send(
            "POST",
            &g.url(&path),
            &[
                ("Content-Type", "application/json"),
                ("X-Webhook-Secret", secret),
            ],
            json!({"message": msg, "environment": "production"})
                .to_string()
                .as_bytes(),
        )
    };
    let r = send_message("Deploy to production", secret);
    assert_eq!(r.status, 200, "{}", r.body);
    let envelope = g.wait_envelope(r.json()["execution_id"].as_str().unwrap());
    assert_eq!(envelope["envelope"]["instruction"], "Deploy to production");
    assert!(envelope["envelope"]["request"]["headers"]
        .get("x-webhook-secret")
        .is_none());
    send_message("wrong secret", "not-the-secret-at-all").assert_problem(401, "secret_mismatch");
    // Last Triggered, as Kubiya's webhook details show it.
    let view = admin
        .call(
            "GET",
            &format!("/admin/v1/webhooks/{}", hook["id"].as_str().unwrap()),
            None,
        )
        .json();
    assert!(view["last_triggered_at"].is_string(), "{view}");
    // The organisation's limit: 3 per minute here, then 429 with Retry-After.
    assert_eq!(send_message("two", secret).status, 200);
    assert_eq!(send_message("three", secret).status, 200);
    let limited = send_message("four", secret);
    limited.assert_problem(429, "rate_limited");
    assert!(limited.header("retry-after").is_some());
    Ok(())
}

// ---------------------------------------------------------------- Flowker

fn flowker_trigger(world: &World) -> TestResult {
    let g = &world.gateway;
    let admin = Admin::of(g);
    let sub = unique("orders");
    let path = format!("/v1/webhooks/{sub}/paid");
    let hook = created(
        g,
        json!({"style": "flowker", "path": path, "methods": ["POST", "PUT"],
            "target": {"queue": "EVENTS"}}),
    );
    assert_eq!(hook["auth"]["header"], "x-webhook-token");
    let token = hook["secret"].as_str().unwrap().to_string();
    let id = hook["id"].as_str().unwrap().to_string();
    let post = |url: &str, body: &[u8], extra: &[(&str, &str)]| {
        let mut headers = vec![
            ("Content-Type", "application/json"),
            ("X-Webhook-Token", token.as_str()),
        ];
        headers.extend_from_slice(extra);
        send("POST", url, &headers, body)
    };
    // 201 ExecutionCreateOutput, forwarded asynchronously.
    let r = post(
        &g.url(&path),
        br#"{"order_id": "ord-1", "amount": 1999}"#,
        &[],
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let out = r.json();
    for field in ["executionId", "workflowId", "status", "startedAt"] {
        assert!(
            out[field].is_string(),
            "ExecutionCreateOutput.{field}: {out}"
        );
    }
    assert_eq!(out["status"], "pending");
    let envelope = g.wait_envelope(out["executionId"].as_str().unwrap());
    assert_eq!(envelope["envelope"]["body"]["data"]["order_id"], "ord-1");
    // `%2F` in the path is the registered `/` (the seed's `orders%2Fpaid`).
    let encoded = g.url(&format!("/v1/webhooks/{sub}%2Fpaid"));
    assert_eq!(post(&encoded, br#"{"order_id": "ord-2"}"#, &[]).status, 201);
    // PUT is registered too; GET is not: 404, as for an unknown path.
    let put = send(
        "PUT",
        &g.url(&path),
        &[("X-Webhook-Token", token.as_str())],
        br#"{"order_id": "ord-3"}"#,
    );
    assert_eq!(put.status, 201, "{}", put.body);
    let get = send(
        "GET",
        &g.url(&path),
        &[("X-Webhook-Token", token.as_str())],
        b"",
    );
    assert_flowker_error(&get, 404, "webhook_not_found");
    assert_flowker_error(
        &post(
            &g.url(&format!("/v1/webhooks/{}", unique("nobody"))),
            b"{}",
            &[],
        ),
        404,
        "webhook_not_found",
    );
    // 401 without the token or with a wrong one.
    let missing = send("POST", &g.url(&path), &[], b"{}");
    assert_flowker_error(&missing, 401, "secret_missing");
    let wrong = send(
        "POST",
        &g.url(&path),
        &[("X-Webhook-Token", "wrong-token-value-000000")],
        b"{}",
    );
    assert_flowker_error(&wrong, 401, "secret_mismatch");
    // 409 on a repeated Idempotency-Key.
    let key = unique("idem");
    let first = post(
        &g.url(&path),
        br#"{"n": 1}"#,
        &[("Idempotency-Key", key.as_str())],
    );
    assert_eq!(first.status, 201, "{}", first.body);
    let dup = post(
        &g.url(&path),
        br#"{"n": 1}"#,
        &[("Idempotency-Key", key.as_str())],
    );
    assert_flowker_error(&dup, 409, "duplicate_delivery");
    // 413 over 1 MB; 400 for a body that is not a JSON object.
    let big = format!("{{\"pad\": \"{}\"}}", "x".repeat(1024 * 1024));
    assert_flowker_error(
        &post(&g.url(&path), big.as_bytes(), &[]),
        413,
        "payload_too_large",
    );
    assert_flowker_error(&post(&g.url(&path), b"[1, 2]", &[]), 400, "invalid_body");
    // 422 while the webhook is not active.
    let r = admin.call(
        "PATCH",
        &format!("/admin/v1/webhooks/{id}"),
        Some(&json!({"enabled": false})),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let inactive = post(&g.url(&path), br#"{"n": 2}"#, &[]);
    assert_flowker_error(&inactive, 422, "webhook_disabled");
    Ok(())
}

fn flowker_metadata(world: &World) -> TestResult {
    let g = &world.gateway;
    let origin = super::origins::origin();
    let origin_path = format!("/flowker/{}", unique("sync"));
    let mut answer = Reply::status(200);
    answer.body = r#"{"result": "done"}"#.into();
    answer
        .headers
        .push(("content-type".into(), "application/json".into()));
    origin.script(&origin_path, vec![answer]);
    let path = format!("/v1/webhooks/{}", unique("meta"));
    let hook = created(
        g,
        json!({"style": "flowker", "path": path,
            "target": {"origin": {"url": origin.url(&origin_path), "mode": "sync"}}}),
    );
    let token = hook["secret"].as_str().unwrap();
    let r = send(
        "POST",
        &g.url(&format!("{path}?source=crm&tag=a&tag=b")),
        &[
            ("Content-Type", "application/json"),
            ("X-Webhook-Token", token),
            ("Authorization", "Bearer sender-bearer-credential"),
            ("X-API-Key", "sender-api-key-credential"),
            ("X-Trace-Id", "trace-77"),
        ],
        br#"{"customer": "c-1"}"#,
    );
    remember_secret("sender-bearer-credential");
    remember_secret("sender-api-key-credential");
    // 200: the sync origin answered; its answer is the execution's output.
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["output"], json!({"result": "done"}));
    let got = origin.received(&origin_path);
    assert_eq!(got.len(), 1);
    let forwarded: Value = serde_json::from_slice(&got[0].body).unwrap();
    assert_eq!(forwarded["customer"], "c-1", "the sender's payload is kept");
    let meta = &forwarded["_webhook"];
    assert_eq!(meta["method"], "POST");
    assert_eq!(meta["path"], path);
    assert_eq!(meta["query"]["source"], json!(["crm"]));
    assert_eq!(meta["query"]["tag"], json!(["a", "b"]));
    assert_eq!(meta["headers"]["x-trace-id"], "trace-77");
    assert!(meta.get("remote_ip").is_some());
    let text = String::from_utf8_lossy(&got[0].body).to_lowercase();
    for credential in [
        "authorization",
        "x-api-key",
        "x-webhook-token",
        "sender-bearer-credential",
        "sender-api-key-credential",
        &token.to_lowercase(),
    ] {
        assert!(
            !text.contains(credential),
            "{credential} was forwarded: {text}"
        );
    }
    Ok(())
}

// ---------------------------------------------------------------- Kestra

fn kestra_hook(g: &Gateway, flow: &str, extra: Value) -> (Value, String) {
    let key = "4wjtkzwVGBM9yKnjm3yv8r";
    remember_url_key(key);
    let mut spec = json!({"style": "kestra",
        "path": format!("/api/v1/main/executions/webhook/company.team/{flow}"),
        "auth": {"scheme": "url-key", "secret": key},
        "target": {"queue": "EVENTS"}});
    for (k, v) in extra.as_object().unwrap() {
        spec[k] = v.clone();
    }
    (created(g, spec), key.to_string())
}

fn kestra_trigger(world: &World) -> TestResult {
    let g = &world.gateway;
    let flow = unique("myflow");
    let (hook, key) = kestra_hook(g, &flow, json!({}));
    assert_eq!(hook["methods"], json!(["GET", "POST", "PUT"]));
    let url = g.url(&format!(
        "/api/v1/main/executions/webhook/company.team/{flow}/{key}"
    ));
    // 200 with the execution's id, namespace and flowId.
    let r = send(
        "POST",
        &format!("{url}?source=github"),
        &[("Content-Type", "application/json"), ("X-Event", "push")],
        br#"{"hello": "world"}"#,
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let execution = r.json();
    assert_eq!(execution["namespace"], "company.team");
    assert_eq!(execution["flowId"], flow);
    let envelope = g.wait_envelope(execution["id"].as_str().unwrap());
    let trigger = &envelope["envelope"]["trigger"];
    assert_eq!(trigger["body"], json!({"hello": "world"}));
    assert_eq!(trigger["headers"]["x-event"], json!(["push"]));
    assert_eq!(trigger["parameters"]["source"], json!(["github"]));
    assert_eq!(
        envelope["envelope"]["request"]["path"],
        format!("/api/v1/main/executions/webhook/company.team/{flow}/{{key}}")
    );
    // A body that is not JSON is kept as the raw string; an array stays an array.
    let text = send(
        "POST",
        &url,
        &[("Content-Type", "text/plain")],
        b"plain text, not json",
    );
    assert_eq!(text.status, 200, "{}", text.body);
    let e = g.wait_envelope(text.json()["id"].as_str().unwrap());
    assert_eq!(e["envelope"]["trigger"]["body"], "plain text, not json");
    let array = send("PUT", &url, &[], br#"[1, 2, 3]"#);
    assert_eq!(array.status, 200, "{}", array.body);
    let e = g.wait_envelope(array.json()["id"].as_str().unwrap());
    assert_eq!(e["envelope"]["trigger"]["body"], json!([1, 2, 3]));
    // GET, with its query as parameters.
    let get = send("GET", &format!("{url}?page=2"), &[], b"");
    assert_eq!(get.status, 200, "{}", get.body);
    let e = g.wait_envelope(get.json()["id"].as_str().unwrap());
    assert_eq!(e["envelope"]["trigger"]["parameters"]["page"], json!(["2"]));
    // The older URL form, without /main.
    let old = g.url(&format!(
        "/api/v1/executions/webhook/company.team/{flow}/{key}"
    ));
    let r = send("POST", &old, &[], br#"{"hello": "old"}"#);
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["flowId"], flow);
    // 404 for an unknown key, flow or namespace; a wrong key is never confirmed.
    let unknown = [
        format!("/api/v1/main/executions/webhook/company.team/{flow}/wrongKey123"),
        format!("/api/v1/executions/webhook/company.team/{flow}/wrongKey123"),
        format!(
            "/api/v1/main/executions/webhook/company.team/{}/{key}",
            unique("noflow")
        ),
        format!("/api/v1/main/executions/webhook/other.ns/{flow}/{key}"),
        format!(
            "/api/v1/main/executions/webhook/company.team/{flow}/{}",
            "k".repeat(257)
        ),
    ];
    for path in unknown {
        send("POST", &g.url(&path), &[], b"{}").assert_problem(404, "webhook_not_found");
    }
    Ok(())
}

fn kestra_conditions(world: &World) -> TestResult {
    let g = &world.gateway;
    let flow = unique("condflow");
    // The seed's condition, and a limit of 1 per minute: filtered requests must not count.
    let (hook, key) = kestra_hook(
        g,
        &flow,
        json!({"filter": "{{ trigger.body.hello == 'world' }}",
            "rate_limit": {"limit": 1, "window_s": 60}}),
    );
    assert_eq!(hook["filter"], "{{ trigger.body.hello == 'world' }}");
    let id = hook["id"].as_str().unwrap();
    let url = g.url(&format!(
        "/api/v1/main/executions/webhook/company.team/{flow}/{key}"
    ));
    for i in 0..3 {
        let body = format!(r#"{{"hello": "moon", "n": {i}}}"#);
        let r = send("POST", &url, &[], body.as_bytes());
        assert_eq!(r.status, 204, "{}", r.body);
        assert!(r.body.is_empty());
    }
    let r = send("POST", &url, &[], br#"{"hello": "world"}"#);
    assert_eq!(
        r.status, 200,
        "filtered requests counted against the limit: {}",
        r.body
    );
    let log = deliveries(g, id);
    let filtered = log.iter().filter(|d| d["outcome"] == "filtered").count();
    assert_eq!(filtered, 3, "{log:?}");
    assert!(log
        .iter()
        .filter(|d| d["outcome"] == "filtered")
        .all(|d| d["status"] == 204));
    // Only the matching one was forwarded (counted once the queue has drained past it).
    drain(g);
    let forwarded = g.envelopes_for(id);
    assert_eq!(forwarded.len(), 1, "{forwarded:?}");
    assert_eq!(
        forwarded[0]["envelope"]["trigger"]["body"]["hello"],
        "world"
    );
    Ok(())
}

fn kestra_basic_auth(world: &World) -> TestResult {
    let g = &world.gateway;
    let flow = unique("authflow");
    let password = "kestra-basic-password-9f2";
    remember_secret(password);
    let (hook, key) = kestra_hook(
        g,
        &flow,
        json!({"basic_auth": {"username": "admin@kestra.io", "password": password}}),
    );
    assert_eq!(hook["basic_auth"], json!({"username": "admin@kestra.io"}));
    let view = Admin::of(g).call(
        "GET",
        &format!("/admin/v1/webhooks/{}", hook["id"].as_str().unwrap()),
        None,
    );
    assert!(!view.body.contains(password));
    let url = g.url(&format!(
        "/api/v1/main/executions/webhook/company.team/{flow}/{key}"
    ));
    use base64::Engine;
    let basic = |user: &str, pass: &str| {
        format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(format!("{user}:{pass}"))
        )
    };
    send("POST", &url, &[], b"{}").assert_problem(401, "basic_auth_missing");
    let wrong = basic("admin@kestra.io", "wrong");
    send("POST", &url, &[("Authorization", wrong.as_str())], b"{}")
        .assert_problem(401, "basic_auth_mismatch");
    let right = basic("admin@kestra.io", password);
    let r = send(
        "POST",
        &url,
        &[("Authorization", right.as_str())],
        br#"{"a": 1}"#,
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let e = g.wait_envelope(r.json()["id"].as_str().unwrap());
    assert!(!e.to_string().contains(password));
    assert!(e["envelope"]["trigger"]["headers"]
        .get("authorization")
        .is_none());
    Ok(())
}

// ---------------------------------------------------------------- filters

fn structured_filter(world: &World) -> TestResult {
    let g = &world.gateway;
    let admin = Admin::of(g);
    let path = format!("/hooks/{}", unique("gh"));
    let hook = created(
        g,
        json!({"path": path, "auth": {"scheme": "github"},
            "filter": {"and": [
                {"field": "headers.x-github-event", "eq": "push"},
                {"field": "body.ref", "in": ["refs/heads/main", "refs/heads/release"]},
                {"not": {"field": "body.deleted", "eq": true}}
            ]},
            "event_type": {"header": "X-GitHub-Event"},
            "target": {"queue": "EVENTS"}}),
    );
    let secret = hook["secret"].as_str().unwrap();
    let id = hook["id"].as_str().unwrap();
    let push = |event: &str, body: &[u8]| {
        let sig = format!("sha256={}", hmac_hex(secret, body));
        send(
            "POST",
            &g.url(&path),
            &[
                ("Content-Type", "application/json"),
                ("X-GitHub-Event", event),
                ("X-Hub-Signature-256", sig.as_str()),
            ],
            body,
        )
    };
    let r = push("push", br#"{"ref": "refs/heads/main", "deleted": false}"#);
    assert_eq!(r.status, 202, "{}", r.body);
    let e = g.wait_envelope(r.json()["id"].as_str().unwrap());
    assert_eq!(e["envelope"]["event_type"], "push");
    assert_eq!(push("push", br#"{"ref": "refs/heads/dev"}"#).status, 204);
    assert_eq!(push("issues", br#"{"ref": "refs/heads/main"}"#).status, 204);
    assert_eq!(
        push("push", br#"{"ref": "refs/heads/main", "deleted": true}"#).status,
        204
    );
    // An unverified request is refused before the filter sees it.
    send(
        "POST",
        &g.url(&path),
        &[("X-GitHub-Event", "push")],
        br#"{"ref": "refs/heads/dev"}"#,
    )
    .assert_problem(401, "signature_missing");
    assert_eq!(
        deliveries(g, id)
            .iter()
            .filter(|d| d["outcome"] == "filtered")
            .count(),
        3
    );

    // A bad filter is a 400 at creation and at PATCH, and changes nothing.
    for bad in [
        json!({"field": "body.x", "like": "y"}),
        json!("{{ trigger.body.x == }}"),
        json!({"not": {"not": {"not": {"not": {"not": {"not": {"not": {"not": {"not": {"field": "body.a", "exists": true}}}}}}}}}}),
        json!(42),
    ] {
        let r = admin.call(
            "POST",
            "/admin/v1/webhooks",
            Some(
                &json!({"path": format!("/hooks/{}", unique("bad")), "auth": {"scheme": "github"},
                "filter": bad, "target": {"queue": "EVENTS"}}),
            ),
        );
        r.assert_problem(400, "invalid_filter");
        let p = admin.call(
            "PATCH",
            &format!("/admin/v1/webhooks/{id}"),
            Some(&json!({"filter": bad})),
        );
        p.assert_problem(400, "invalid_filter");
    }
    let view = admin
        .call("GET", &format!("/admin/v1/webhooks/{id}"), None)
        .json();
    assert_eq!(
        view["filter"]["and"][0]["eq"], "push",
        "the failed PATCHes changed nothing"
    );
    // `null` removes the filter.
    let cleared = admin.call(
        "PATCH",
        &format!("/admin/v1/webhooks/{id}"),
        Some(&json!({"filter": null})),
    );
    assert_eq!(cleared.status, 200, "{}", cleared.body);
    assert!(cleared.json().get("filter").is_none());
    Ok(())
}

// ---------------------------------------------------------------- test action

fn run_test(g: &Gateway, id: &str) -> Value {
    let r = Admin::of(g).call("POST", &format!("/admin/v1/webhooks/{id}/test"), None);
    assert_eq!(r.status, 200, "{}", r.body);
    r.json()
}

fn step<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["step"] == name)
        .unwrap_or_else(|| panic!("no step {name}: {report}"))
}

fn test_action(world: &World) -> TestResult {
    let g = &world.gateway;
    // One scheme of each family: hex HMAC, timestamped, URL key (Kestra style).
    let github = created(
        g,
        json!({"path": format!("/hooks/{}", unique("t-gh")), "auth": {"scheme": "github"},
            "target": {"queue": "EVENTS"}}),
    );
    let stripe = created(
        g,
        json!({"path": format!("/hooks/{}", unique("t-stripe")), "auth": {"scheme": "stripe"},
            "target": {"queue": "EVENTS"}}),
    );
    let (kestra, _) = kestra_hook(g, &unique("t-flow"), json!({}));
    for hook in [&github, &stripe, &kestra] {
        let id = hook["id"].as_str().unwrap();
        let report = run_test(g, id);
        assert_eq!(report["outcome"], "accepted", "{report}");
        for name in ["route", "checks", "verify", "filter", "guard", "handover"] {
            assert_eq!(step(&report, name)["result"], "passed", "{name}: {report}");
        }
        let delivery = report["delivery_id"].as_str().unwrap();
        let e = g.wait_envelope(delivery);
        assert_eq!(e["envelope"]["test"], true, "the envelope is marked");
        let log = deliveries(g, id);
        let entry = log.iter().find(|d| d["id"] == delivery).expect("logged");
        assert_eq!(entry["test"], true, "the log is marked: {entry}");
        assert_eq!(entry["outcome"], "accepted");
        // Secrets never appear in the report.
        let secret = hook["secret"].as_str().unwrap();
        assert!(!report.to_string().contains(secret));
    }
    // A filter the synthetic event does not meet: reported as filtered.
    let filtered = created(
        g,
        json!({"path": format!("/hooks/{}", unique("t-filter")), "auth": {"scheme": "github"},
            "filter": {"field": "body.action", "eq": "never"}, "target": {"queue": "EVENTS"}}),
    );
    let report = run_test(g, filtered["id"].as_str().unwrap());
    assert_eq!(report["outcome"], "filtered", "{report}");
    assert_eq!(step(&report, "filter")["result"], "filtered");
    assert_eq!(report["response"]["status"], 204);
    // A disabled webhook: the checks step fails with the sender's code.
    let id = stripe["id"].as_str().unwrap();
    let r = Admin::of(g).call(
        "PATCH",
        &format!("/admin/v1/webhooks/{id}"),
        Some(&json!({"enabled": false})),
    );
    assert_eq!(r.status, 200);
    let report = run_test(g, id);
    assert_eq!(report["outcome"], "refused");
    assert_eq!(report["response"]["status"], 403);
    assert_eq!(step(&report, "route")["result"], "passed");
    // Refused at the checks (the record this isolate reads) or at the guard (the
    // webhook's object, authoritative everywhere); every step after is skipped.
    let steps = report["steps"].as_array().unwrap();
    let failed = steps
        .iter()
        .position(|s| s["result"] == "failed")
        .expect("a failed step");
    assert_eq!(steps[failed]["code"], "webhook_disabled", "{report}");
    assert!(["checks", "guard"].contains(&steps[failed]["step"].as_str().unwrap()));
    assert!(steps[failed + 1..].iter().all(|s| s["result"] == "skipped"));
    Ok(())
}
