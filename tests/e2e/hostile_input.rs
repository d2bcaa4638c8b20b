//! Hostile input and the admin plane (issue 20), against the real Worker in workerd:
//! nothing of an unverified body is read before its MAC, one notion of JSON for the
//! filter and the consumer, the sender's exact bytes at the origin, bounded filter
//! parsing, credentials never made an event type, the paginated list, a short admin
//! token keeping the API closed and refusals within the log budget, `nosniff` and the
//! dashboard's script named by hash, and admin errors that never quote what was sent.

use super::{remember_secret, remember_url_key, TestResult, World};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use hookgate_harness::client::{send, unique, Admin, Resp};
use hookgate_harness::gateway::{repo_root, Gateway};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;
use std::time::{Duration, Instant};

type Test = (&'static str, fn(&World) -> TestResult);

pub const TESTS: &[Test] = &[
    (
        "hostile_input::an_unverified_body_is_not_read_before_its_mac",
        body_not_read_before_the_mac,
    ),
    (
        "hostile_input::a_body_is_json_to_the_consumer_only_if_it_is_to_the_filter",
        one_notion_of_json,
    ),
    (
        "hostile_input::the_origin_gets_the_senders_exact_bytes",
        exact_bytes_at_the_origin,
    ),
    (
        "hostile_input::kestra_filters_with_multibyte_escapes_and_nested_lists",
        bounded_filter_parsing,
    ),
    (
        "hostile_input::an_event_type_never_copies_a_credential_header",
        event_type_credentials,
    ),
    (
        "hostile_input::the_webhook_list_is_paged_by_cursor",
        paged_list,
    ),
    (
        "hostile_input::a_short_admin_token_keeps_the_admin_api_closed",
        short_admin_token,
    ),
    (
        "hostile_input::failed_admin_authentications_share_the_log_budget",
        admin_refusals_budgeted,
    ),
    (
        "hostile_input::every_answer_is_nosniff_and_the_script_is_named_by_hash",
        nosniff_and_script_hash,
    ),
    (
        "hostile_input::admin_errors_never_quote_a_sent_value",
        admin_errors_quote_nothing,
    ),
];

fn created(g: &Gateway, spec: Value) -> Value {
    let created = Admin::of(g).create(spec);
    // A URL key is in the request line, which the dev server's access log shows: the
    // caller remembers it as one (`remember_url_key`).
    if let Some(secret) = created["secret"]
        .as_str()
        .filter(|_| created["auth"]["scheme"] != "url-key")
    {
        remember_secret(secret);
    }
    if let Some(secret) = created["forwarding_secret"].as_str() {
        remember_secret(secret);
    }
    created
}

fn shared_secret_hook(g: &Gateway, extra: Value) -> (Value, String) {
    let path = format!("/hostile-input/{}", unique("hook"));
    let mut spec = json!({"path": path, "auth": {"scheme": "shared-secret"},
        "target": {"queue": "EVENTS"}});
    for (k, v) in extra.as_object().unwrap() {
        spec[k] = v.clone();
    }
    let hook = created(g, spec);
    let secret = hook["secret"].as_str().unwrap().to_string();
    (hook, secret)
}

fn post_shared(g: &Gateway, hook: &Value, secret: &str, body: &[u8]) -> Resp {
    send(
        "POST",
        &g.url(hook["path"].as_str().unwrap()),
        &[
            ("X-Webhook-Secret", secret),
            ("Content-Type", "application/json"),
        ],
        body,
    )
}

/// Item 1. Linear signs the body alone, so its MAC is checked before anything is read
/// from the body: a wrong signature on a body without `webhookTimestamp` is
/// `signature_mismatch` (it was `timestamp_missing`, from a parse of the whole unverified
/// body), and so is a 16 MiB unsigned body that would take hundreds of MB to parse.
fn body_not_read_before_the_mac(world: &World) -> TestResult {
    let g = &world.gateway;
    let hook = created(
        g,
        json!({"path": format!("/hostile-input/{}", unique("linear")),
            "auth": {"scheme": "linear"}, "max_body_bytes": 16 * 1024 * 1024,
            "target": {"queue": "EVENTS"}}),
    );
    let url = g.url(hook["path"].as_str().unwrap());
    let wrong = "ab".repeat(32);
    let headers = [
        ("Linear-Signature", wrong.as_str()),
        ("Content-Type", "application/json"),
    ];
    send("POST", &url, &headers, br#"{"action":"create"}"#)
        .assert_problem(401, "signature_mismatch");
    let mut big = br#"{"action":"create","data":[0"#.to_vec();
    while big.len() < 16 * 1024 * 1024 - 16 {
        big.extend_from_slice(b",0");
    }
    big.extend_from_slice(b"]}");
    send("POST", &url, &headers, &big).assert_problem(401, "signature_mismatch");
    // A correctly signed request still has its time read, after the MAC.
    let secret = hook["secret"].as_str().unwrap();
    let body = br#"{"action":"create"}"#;
    let sig = hookgate_harness::client::hmac_hex(secret, body);
    send(
        "POST",
        &url,
        &[
            ("Linear-Signature", sig.as_str()),
            ("Content-Type", "application/json"),
        ],
        body,
    )
    .assert_problem(401, "timestamp_missing");
    Ok(())
}

/// Item 2. The filter `{"field": "body", "contains": "MARK"}` finds the substring in a
/// body it reads as text, and tests for a key in a body it reads as JSON: each body is
/// forwarded only if it is text to the filter, and its envelope must say the same.
fn one_notion_of_json(world: &World) -> TestResult {
    let g = &world.gateway;
    let (hook, secret) =
        shared_secret_hook(g, json!({"filter": {"field": "body", "contains": "MARK"}}));
    let deep = format!("{}{{\"MARKx\":1}}{}", "[".repeat(130), "]".repeat(130));
    let cases: [(&str, &[u8], &str); 5] = [
        ("a lone surrogate", br#"{"MARKx": "\ud800"}"#, "text"),
        ("a number beyond f64", br#"{"MARKx": 1e400}"#, "text"),
        ("nesting beyond serde_json's limit", deep.as_bytes(), "text"),
        ("valid JSON with the key", br#"{"MARK": 1}"#, "json"),
        (
            "valid JSON, trailing newline",
            b"{\"MARK\": [1, 2]}\n",
            "json",
        ),
    ];
    for (what, body, encoding) in cases {
        let r = post_shared(g, &hook, &secret, body);
        assert_eq!(r.status, 202, "{what}: {}", r.body);
        let envelope = g.wait_envelope(r.json()["id"].as_str().unwrap());
        let got = &envelope["envelope"]["body"];
        assert_eq!(got["encoding"], encoding, "{what}: {got}");
        if encoding == "text" {
            assert_eq!(got["data"], *std::str::from_utf8(body).unwrap(), "{what}");
        }
    }
    // Valid JSON without the key: the filter reads it as an object, so 204.
    let r = post_shared(g, &hook, &secret, br#"{"MARKx": 1}"#);
    assert_eq!(r.status, 204, "{}", r.body);
    Ok(())
}

/// Item 3. Whitespace around a JSON body reaches the origin (and travels beside the
/// value in the envelope), and Flowker's `_webhook` is spliced into the sender's text:
/// member order, big integers and whitespace as sent.
fn exact_bytes_at_the_origin(world: &World) -> TestResult {
    let g = &world.gateway;
    let origin = super::origins::origin();
    let body = b"\n  {\"deploy\": \"api\", \"n\": 12345678901234567890123}\r\n";

    let (queued, secret) = shared_secret_hook(g, json!({}));
    let r = post_shared(g, &queued, &secret, body);
    assert_eq!(r.status, 202, "{}", r.body);
    let envelope = g.wait_envelope(r.json()["id"].as_str().unwrap());
    let got = &envelope["envelope"]["body"];
    assert_eq!(got["encoding"], "json", "{got}");
    assert_eq!(got["leading_whitespace"], "\n  ");
    assert_eq!(got["trailing_whitespace"], "\r\n");
    assert_eq!(got["size"], body.len());

    let origin_path = format!("/hostile-input/{}", unique("origin"));
    let (to_origin, secret) = shared_secret_hook(
        g,
        json!({"target": {"origin": {"url": origin.url(&origin_path)}}}),
    );
    let r = post_shared(g, &to_origin, &secret, body);
    assert_eq!(r.status, 202, "{}", r.body);
    let got = origin.wait_for(&origin_path, 1, Duration::from_secs(20));
    assert_eq!(got[0].body, body.to_vec(), "the origin got other bytes");

    let flowker_origin = format!("/hostile-input/{}", unique("flowker-origin"));
    let flowker = created(
        g,
        json!({"style": "flowker", "path": format!("/v1/webhooks/{}", unique("exact")),
            "target": {"origin": {"url": origin.url(&flowker_origin)}}}),
    );
    let sent =
        b" {\"z\": 12345678901234567890123, \"_webhook\": {\"forged\": true}, \"a\": 1.50}\n";
    let r = send(
        "POST",
        &g.url(flowker["path"].as_str().unwrap()),
        &[
            ("X-Webhook-Token", flowker["secret"].as_str().unwrap()),
            ("Content-Type", "application/json"),
        ],
        sent,
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let got = origin.wait_for(&flowker_origin, 1, Duration::from_secs(20));
    let text = String::from_utf8(got[0].body.clone()).unwrap();
    let prefix = " {\"z\": 12345678901234567890123, \"a\": 1.50,\"_webhook\":";
    assert!(text.starts_with(prefix), "{text}");
    assert!(text.ends_with("}}\n"), "{text:?}");
    let forwarded: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(forwarded["_webhook"]["method"], "POST");
    assert!(forwarded["_webhook"].get("forged").is_none(), "{text}");
    Ok(())
}

/// Item 6. A backslash before a multi-byte character once panicked the lexer (a wasm
/// trap and a 500 on PATCH); lists nested thousands deep recursed without a bound.
fn bounded_filter_parsing(world: &World) -> TestResult {
    let g = &world.gateway;
    let key = "hostileInputKestraKey01";
    remember_url_key(key);
    let flow = unique("escapes");
    let hook = created(
        g,
        json!({"style": "kestra",
            "path": format!("/api/v1/main/executions/webhook/company.team/{flow}"),
            "auth": {"scheme": "url-key", "secret": key}, "target": {"queue": "EVENTS"}}),
    );
    let admin = Admin::of(g);
    let at = format!("/admin/v1/webhooks/{}", hook["id"].as_str().unwrap());
    let r = admin.call(
        "PATCH",
        &at,
        Some(&json!({"filter": "{{ trigger.body.a == '\\é' }}"})),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["filter"], "{{ trigger.body.a == '\\é' }}");
    let url = g.url(&format!(
        "/api/v1/main/executions/webhook/company.team/{flow}/{key}"
    ));
    let json_body = [("Content-Type", "application/json")];
    assert_eq!(send("POST", &url, &json_body, br#"{"a": "x"}"#).status, 204);
    let r = send("POST", &url, &json_body, "{\"a\": \"é\"}".as_bytes());
    assert_eq!(r.status, 200, "{}", r.body);

    let nested = format!("{{{{ trigger.body.a in {} }}}}", "[".repeat(4000));
    let p = admin
        .call("PATCH", &at, Some(&json!({ "filter": nested })))
        .assert_problem(400, "invalid_filter");
    assert!(
        p["detail"].as_str().unwrap().contains("literals only"),
        "{p}"
    );
    Ok(())
}

/// Item 8. `event_type` copies a value into every envelope: never a header the
/// forwarded headers are stripped of.
fn event_type_credentials(world: &World) -> TestResult {
    let g = &world.gateway;
    let admin = Admin::of(g);
    for event_type in [
        json!({"header": "X-Webhook-Secret"}),
        json!({"header": "Authorization"}),
        json!({"field": "headers.authorization"}),
        json!({"field": "headers['X-Hub-Signature-256']"}),
    ] {
        let spec = json!({"path": format!("/hostile-input/{}", unique("event")),
            "auth": {"scheme": "github"}, "event_type": event_type,
            "target": {"queue": "EVENTS"}});
        let p = admin
            .call("POST", "/admin/v1/webhooks", Some(&spec))
            .assert_problem(400, "invalid_webhook");
        assert!(
            p["detail"].as_str().unwrap().contains("never forwarded"),
            "{p}"
        );
    }
    // A configured credential header, and the same rule on PATCH.
    let (hook, secret) = shared_secret_hook(
        g,
        json!({"auth": {"scheme": "shared-secret", "header": "X-Custom-Auth"},
            "event_type": {"header": "X-Event"}}),
    );
    let at = format!("/admin/v1/webhooks/{}", hook["id"].as_str().unwrap());
    admin
        .call(
            "PATCH",
            &at,
            Some(&json!({"event_type": {"header": "x-custom-auth"}})),
        )
        .assert_problem(400, "invalid_webhook");
    // What was kept still works: the event type is read from a forwarded header.
    let r = send(
        "POST",
        &g.url(hook["path"].as_str().unwrap()),
        &[("X-Custom-Auth", &secret), ("X-Event", "deploy")],
        b"{}",
    );
    assert_eq!(r.status, 202, "{}", r.body);
    let envelope = g.wait_envelope(r.json()["id"].as_str().unwrap());
    assert_eq!(envelope["envelope"]["event_type"], "deploy");
    Ok(())
}

/// The schema the OpenAPI document gives an answer of `GET /admin/v1/webhooks`.
fn list_schema(status: &str, media: &str) -> jsonschema::Validator {
    let text = std::fs::read_to_string(repo_root().join("openapi/openapi.json")).unwrap();
    let doc: Value = serde_json::from_str(&text).unwrap();
    let mut schema = doc["paths"]["/admin/v1/webhooks"]["get"]["responses"][status]["content"]
        [media]["schema"]
        .clone();
    schema["components"] = doc["components"].clone();
    jsonschema::draft202012::new(&schema).unwrap()
}

/// Item 9. Pages of at most `limit`, each valid by the OpenAPI document, followed by
/// `next_cursor` to the end: every webhook exactly once. A bad limit or cursor is `400`.
fn paged_list(world: &World) -> TestResult {
    let g = &world.gateway;
    let admin = Admin::of(g);
    let mut mine = BTreeSet::new();
    for _ in 0..7 {
        let (hook, _) = shared_secret_hook(g, json!({}));
        mine.insert(hook["id"].as_str().unwrap().to_string());
    }
    let page_schema = list_schema("200", "application/json");
    let mut seen: Vec<String> = Vec::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let query = match &cursor {
            Some(c) => format!("?limit=3&cursor={c}"),
            None => "?limit=3".to_string(),
        };
        let r = admin.call("GET", &format!("/admin/v1/webhooks{query}"), None);
        assert_eq!(r.status, 200, "{}", r.body);
        let page = r.json();
        let errors: Vec<String> = page_schema
            .iter_errors(&page)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{errors:?}: {page}");
        let webhooks = page["webhooks"].as_array().unwrap();
        assert!(webhooks.len() <= 3, "{page}");
        let paths: Vec<&str> = webhooks
            .iter()
            .map(|w| w["path"].as_str().unwrap())
            .collect();
        assert!(
            paths.windows(2).all(|w| w[0] < w[1]),
            "path order: {paths:?}"
        );
        seen.extend(
            webhooks
                .iter()
                .map(|w| w["id"].as_str().unwrap().to_string()),
        );
        pages += 1;
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_string()),
            None => break,
        }
        assert!(pages < 10_000, "the cursor never ends");
    }
    for id in &mine {
        assert_eq!(seen.iter().filter(|s| *s == id).count(), 1, "{id}");
    }
    assert!(pages >= 3, "7 webhooks in pages of 3 take at least 3 pages");
    let default = admin.call("GET", "/admin/v1/webhooks", None).json();
    assert!(default["webhooks"].as_array().unwrap().len() <= 50);

    let problem_schema = list_schema("400", "application/problem+json");
    let good = cursor_of_second_page(&admin);
    let cut = &good[..good.len() - 2];
    for query in [
        "limit=0".to_string(),
        "limit=101".into(),
        "limit=all".into(),
        "cursor=zz".into(),
        format!("cursor={cut}"),
        format!("cursor={good}00"),
    ] {
        let r = admin.call("GET", &format!("/admin/v1/webhooks?{query}"), None);
        let p = r.assert_problem(400, "invalid_query");
        assert!(problem_schema.is_valid(&p), "{p}");
    }
    Ok(())
}

fn cursor_of_second_page(admin: &Admin<'_>) -> String {
    let first = admin.call("GET", "/admin/v1/webhooks?limit=1", None).json();
    first["next_cursor"]
        .as_str()
        .expect("more than one webhook")
        .to_string()
}

/// Item 10. 31 characters are too few: the same `503 admin_disabled` as no token at all
/// (the answer does not say how long the token is), and one log line saying why.
fn short_admin_token(world: &World) -> TestResult {
    let short = "short-admin-token-0123456789abc";
    assert_eq!(short.len(), 31);
    let g = Gateway::start(Some(short));
    let bearer = format!("Bearer {short}");
    let mut details = BTreeSet::new();
    for _ in 0..3 {
        let r = send(
            "GET",
            &g.url("/admin/v1/webhooks"),
            &[("Authorization", &bearer)],
            b"",
        );
        let p = r.assert_problem(503, "admin_disabled");
        details.insert(p["detail"].as_str().unwrap().to_string());
    }
    let unset = send(
        "GET",
        &world.closed.url("/admin/v1/webhooks"),
        &[("Authorization", &bearer)],
        b"",
    )
    .assert_problem(503, "admin_disabled");
    assert_eq!(
        details,
        BTreeSet::from([unset["detail"].as_str().unwrap().to_string()])
    );
    let reasons = wait_for_lines(&g, |l| l["msg"] == "admin_disabled", 1);
    assert_eq!(
        reasons.len(),
        1,
        "once per isolate: {reasons:?}\n{}",
        g.output().join("\n")
    );
    assert_eq!(
        reasons[0]["reason"],
        "ADMIN_TOKEN is shorter than 32 characters"
    );
    assert!(!g.output().iter().any(|l| l.contains(short)));
    Ok(())
}

/// The Worker's JSON log lines, `console_error` ones included (the dev server colours
/// those, around the JSON).
fn worker_lines(g: &Gateway) -> Vec<Value> {
    g.output()
        .iter()
        .filter_map(|l| Some(&l[l.find('{')?..=l.rfind('}')?]))
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|v| v.get("msg").is_some())
        .collect()
}

/// The Worker's log lines that match, once at least `n` have arrived (or after 5 s).
fn wait_for_lines(g: &Gateway, matches: impl Fn(&Value) -> bool, n: usize) -> Vec<Value> {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let lines: Vec<Value> = worker_lines(g).into_iter().filter(|l| matches(l)).collect();
        if lines.len() >= n || Instant::now() > deadline {
            return lines;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Item 10. A burst of wrong admin tokens writes at most the refusal budget's five lines
/// a second (every admin request once wrote one), and a later line counts the rest.
fn admin_refusals_budgeted(world: &World) -> TestResult {
    let g = &world.gateway;
    let path = format!("/admin/v1/{}", unique("budget"));
    let before = g.output().len();
    let started = Instant::now();
    let burst = 40;
    for _ in 0..burst {
        send(
            "GET",
            &g.url(&path),
            &[("Authorization", "Bearer not-the-admin-token")],
            b"",
        )
        .assert_problem(401, "unauthorized");
    }
    let seconds = started.elapsed().as_secs() + 1;
    std::thread::sleep(Duration::from_millis(500));
    let lines = wait_for_lines(g, |l| l["msg"] == "admin" && l["path"] == path.as_str(), 1);
    assert!(!lines.is_empty(), "no line at all for {path}");
    assert!(
        lines.len() as u64 <= 5 * seconds,
        "{} lines for {burst} refusals in {seconds} s",
        lines.len()
    );
    // Every refusal left out is counted by a later line (the suite's other refusals
    // share the budget, so that line may be any refusal's). One more, in a new second,
    // makes sure a line is written after the burst.
    std::thread::sleep(Duration::from_millis(1100));
    send("GET", &g.url("/admin/v1/budget-after"), &[], b"").assert_problem(401, "unauthorized");
    let left_out = burst - lines.len() as u64;
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let counted: u64 = g.output()[before..]
            .iter()
            .filter_map(|l| Some(&l[l.find('{')?..=l.rfind('}')?]))
            .filter_map(|l| serde_json::from_str::<Value>(l).ok())
            .filter_map(|v| v["suppressed"].as_u64())
            .sum();
        if counted >= left_out {
            return Ok(());
        }
        assert!(
            Instant::now() < deadline,
            "{left_out} refusals were left out, later lines count {counted}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Item 11. `X-Content-Type-Options: nosniff` on every answer; the dashboard's CSP allows
/// exactly the script it ships, by SHA-256, which the page asks for by integrity.
fn nosniff_and_script_hash(world: &World) -> TestResult {
    let g = &world.gateway;
    let (hook, secret) = shared_secret_hook(g, json!({"filter": {"field": "body.go", "eq": true}}));
    let path = hook["path"].as_str().unwrap();
    let admin = Admin::of(g);
    let answers = [
        post_shared(g, &hook, &secret, br#"{"go": true}"#),
        post_shared(g, &hook, &secret, br#"{"go": false}"#),
        post_shared(g, &hook, "wrong-secret-value", b"{}"),
        send("POST", &g.url("/hostile-input/nothing-here"), &[], b"{}"),
        send("GET", &g.url(path), &[("X-Webhook-Secret", &secret)], b""),
        admin.call("GET", "/admin/v1/schemes", None),
        admin.call(
            "GET",
            "/admin/v1/webhooks/wh_000000000000000000000000",
            None,
        ),
        send("GET", &g.url("/admin/v1/webhooks"), &[], b""),
        send("GET", &g.url("/admin/"), &[], b""),
        send("GET", &g.url("/admin/app.js"), &[], b""),
        admin.call(
            "DELETE",
            &format!("/admin/v1/webhooks/{}", hook["id"].as_str().unwrap()),
            None,
        ),
    ];
    let statuses: Vec<u16> = answers.iter().map(|r| r.status).collect();
    assert_eq!(
        statuses,
        [202, 204, 401, 404, 405, 200, 404, 401, 200, 200, 204]
    );
    for r in &answers {
        assert_eq!(
            r.header("x-content-type-options"),
            Some("nosniff"),
            "{} {}",
            r.status,
            r.body
        );
    }

    let page = &answers[8];
    let script = &answers[9];
    let file = std::fs::read(repo_root().join("dashboard/app.js")).unwrap();
    assert_eq!(script.body.as_bytes(), file.as_slice());
    let hash = format!("sha256-{}", STANDARD.encode(Sha256::digest(&file)));
    let csp = page.header("content-security-policy").unwrap();
    let script_src = csp
        .split(';')
        .map(str::trim)
        .find(|d| d.starts_with("script-src "))
        .unwrap();
    assert_eq!(script_src, format!("script-src '{hash}'"));
    assert!(
        page.body.contains(&format!(
            r#"<script src="/admin/app.js" integrity="{hash}" defer>"#
        )),
        "{}",
        page.body
    );
    Ok(())
}

/// Item 12. A sentinel in every kind of wrong value the admin API parses; no answer
/// repeats it.
fn admin_errors_quote_nothing(world: &World) -> TestResult {
    let g = &world.gateway;
    let admin = Admin::of(g);
    let s = "Zq7SentinelValue";
    let base = |extra: Value| {
        let mut spec = json!({"path": format!("/hostile-input/{}", unique("quote")),
            "auth": {"scheme": "github"}, "target": {"queue": "EVENTS"}});
        for (k, v) in extra.as_object().unwrap() {
            spec[k] = v.clone();
        }
        spec
    };
    let specs = [
        base(json!({"auth": {"scheme": s}})),
        base(json!({"style": s})),
        base(json!({"methods": ["POST", s]})),
        base(json!({"auth": {"scheme": "github", "secret_encoding": s}})),
        base(json!({"idempotency": {"on_duplicate": s}})),
        base(json!({"enabled": format!("yes, expected {s}")})),
        base(
            json!({"auth": {"scheme": "hmac", "template": {"header": "x-sig", "content": format!("{{{s}}}.{{body}}")}}}),
        ),
        base(json!({"filter": format!("{{{{ {s} == 'x' }}}}")})),
        base(json!({"filter": {"field": format!("{s}.a"), "eq": 1}})),
        base(json!({"event_type": {"field": s}})),
        base(json!({"path": format!("/a b/{s}")})),
    ];
    for spec in specs {
        let r = admin.call("POST", "/admin/v1/webhooks", Some(&spec));
        assert_eq!(r.status, 400, "{spec}: {}", r.body);
        assert!(
            !r.body
                .to_ascii_lowercase()
                .contains(&s.to_ascii_lowercase()),
            "{spec}\nquotes the value: {}",
            r.body
        );
    }
    Ok(())
}
