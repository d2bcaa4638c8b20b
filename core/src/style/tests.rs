use super::*;
use crate::problem::{ErrorCode, Problem};
use crate::testing::{patched, record};
use serde_json::json;

fn detail(body: &[u8]) -> Value {
    let p = kubiya::validate(body).unwrap_err();
    assert_eq!(p.code, ErrorCode::BodyValidationFailed);
    let r = p.render(Style::Kubiya);
    assert_eq!((r.status, r.content_type), (422, "application/json"));
    serde_json::from_str(&r.body).unwrap()
}

#[test]
fn kubiya_validates_each_field_like_fastapi() {
    assert!(kubiya::validate(br#"{"parameters": {"a": 1}}"#).is_ok());
    assert!(
        kubiya::validate(br#"{"parameters": {}, "config_override": null, "metadata": null}"#)
            .is_ok()
    );
    assert!(
        kubiya::validate(br#"{"message": "Deploy to production", "environment": "prod"}"#).is_ok()
    );

    let d = detail(br#"{"parameters": "x", "config_override": 3, "metadata": []}"#);
    let items = d["detail"].as_array().unwrap();
    assert_eq!(items.len(), 3);
    for (item, field) in items
        .iter()
        .zip(["parameters", "config_override", "metadata"])
    {
        assert_eq!(item["loc"], json!(["body", field]));
        assert_eq!(item["type"], "dict_type");
        assert_eq!(item["msg"], "Input should be a valid dictionary");
    }
    assert_eq!(items[0]["input"], "x");
    let d = detail(br#"{"parameters": null}"#);
    assert_eq!(d["detail"][0]["loc"], json!(["body", "parameters"]));

    let d = detail(b"[1, 2]");
    assert_eq!(d["detail"][0]["type"], "model_attributes_type");
    assert_eq!(d["detail"][0]["loc"], json!(["body"]));
    let d = detail(b"{\"parameters\": {,}");
    assert_eq!(d["detail"][0]["type"], "json_invalid");
    assert_eq!(
        d["detail"][0]["loc"],
        json!(["body", 16]),
        "Python's pos: the comma"
    );
    let d = detail(b"");
    assert_eq!(d["detail"][0]["type"], "missing");
    assert_eq!(d["detail"][0]["msg"], "Field required");
}

#[test]
fn kubiya_message_is_the_instruction() {
    let v = kubiya::validate(br#"{"message": "Deploy to production"}"#).unwrap();
    assert_eq!(kubiya::instruction(&v), Some("Deploy to production"));
    let v = kubiya::validate(br#"{"message": 7}"#).unwrap();
    assert_eq!(kubiya::instruction(&v), None);
}

fn meta() -> flowker::WebhookMeta<'static> {
    let hook = record(r#"{"path":"/h","auth":{"scheme":"github"},"target":{"queue":"EVENTS"}}"#);
    let headers = crate::request::Headers::new([
        ("Content-Type".to_string(), "application/json".to_string()),
        ("Authorization".to_string(), "Bearer dropped".to_string()),
    ])
    .forwardable(&hook);
    flowker::WebhookMeta {
        method: "POST",
        path: "/v1/webhooks/orders/paid",
        headers: Box::leak(Box::new(headers)),
        query: [("a".to_string(), vec!["1".to_string()])].into(),
        remote_ip: Some("203.0.113.9"),
    }
}

#[test]
fn flowker_splices_webhook_metadata_into_the_senders_json() {
    let out = flowker::inject(br#"{"b": 1, "a": [1.50]}  "#, &meta()).unwrap();
    let text = String::from_utf8(out).unwrap();
    assert!(
        text.starts_with(r#"{"b": 1, "a": [1.50],"_webhook":{"method":"POST""#),
        "{text}"
    );
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["_webhook"]["path"], "/v1/webhooks/orders/paid");
    assert_eq!(v["_webhook"]["query"]["a"], json!(["1"]));
    assert_eq!(v["_webhook"]["remote_ip"], "203.0.113.9");

    let empty: Value = serde_json::from_slice(&flowker::inject(b"", &meta()).unwrap()).unwrap();
    assert_eq!(empty["_webhook"]["method"], "POST");
    let empty_object: Value =
        serde_json::from_slice(&flowker::inject(b"{ }", &meta()).unwrap()).unwrap();
    assert!(empty_object["_webhook"].is_object());

    // A sender's own `_webhook` is replaced, not trusted.
    let spoof: Value = serde_json::from_slice(
        &flowker::inject(
            br#"{"_webhook": {"remote_ip": "1.2.3.4"}, "x": 1}"#,
            &meta(),
        )
        .unwrap(),
    )
    .unwrap();
    assert_eq!(spoof["_webhook"]["remote_ip"], "203.0.113.9");
    assert_eq!(spoof["x"], 1);

    for bad in [&b"[1]"[..], b"\"text\"", b"not json", b"{\"a\":"] {
        assert_eq!(
            flowker::inject(bad, &meta()).unwrap_err().code,
            ErrorCode::InvalidBody
        );
    }
}

#[test]
fn answers_follow_the_style() {
    let at = crate::time::UnixMillis(1_795_329_546_000);
    let hook =
        record(r#"{"path":"/h","auth":{"scheme":"hmac-sha256-hex"},"target":{"queue":"EVENTS"}}"#);
    let (status, body, _) = accepted_answer(&hook, "evt_1", at, Handed::Queued);
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!((status, v["status"].as_str()), (202, Some("accepted")));

    // Providers that need their own acknowledgement get it, with an empty body; a sync
    // origin's answer still passes through.
    for (scheme, secret, want) in [
        ("xero", "xero-webhook-key-1", 200),
        (
            "airtable",
            "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
            204,
        ),
    ] {
        let provider = record(&format!(
            r#"{{"path":"/h","auth":{{"scheme":"{scheme}","secret":"{secret}"}},"target":{{"queue":"EVENTS"}}}}"#
        ));
        assert_eq!(
            accepted_answer(&provider, "evt_1", at, Handed::Queued),
            (want, String::new(), None),
            "{scheme}"
        );
        let answered = Handed::OriginAnswered {
            status: 201,
            body: "made",
            content_type: Some("text/plain"),
        };
        assert_eq!(
            accepted_answer(&provider, "evt_1", at, answered),
            (201, "made".to_string(), Some("text/plain".to_string())),
            "{scheme}"
        );
    }

    let kubiya = patched(&hook, r#"{"style":"kubiya"}"#);
    let (status, body, _) = accepted_answer(&kubiya, "evt_1", at, Handed::Queued);
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(status, 200);
    for field in ["job_id", "execution_id", "workflow_id", "status", "message"] {
        assert!(v[field].is_string(), "{field}");
    }
    assert_eq!(v["execution_id"], "evt_1");

    let flowker = patched(&hook, r#"{"style":"flowker"}"#);
    let (status, body, _) = accepted_answer(&flowker, "evt_1", at, Handed::Queued);
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        (status, &v["executionId"], &v["status"]),
        (201, &json!("evt_1"), &json!("pending"))
    );
    let (status, body, _) = accepted_answer(
        &flowker,
        "evt_1",
        at,
        Handed::OriginAnswered {
            status: 200,
            body: r#"{"ok":true}"#,
            content_type: Some("application/json"),
        },
    );
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!((status, &v["output"]), (200, &json!({"ok": true})));

    let kestra = record(
        r#"{"style":"kestra","path":"/api/v1/main/executions/webhook/company.team/myflow","target":{"queue":"EVENTS"}}"#,
    );
    let (status, body, _) = accepted_answer(&kestra, "evt_1", at, Handed::Queued);
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(status, 200);
    assert_eq!(
        (&v["id"], &v["namespace"], &v["flowId"]),
        (&json!("evt_1"), &json!("company.team"), &json!("myflow"))
    );
}

#[test]
fn errors_follow_the_style() {
    let disabled = Problem::new(ErrorCode::WebhookDisabled, "this webhook is disabled");
    let r = disabled
        .clone()
        .in_style(Style::Flowker)
        .render(Style::Flowker);
    let v: Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(r.status, 422);
    assert_eq!(v["code"], "webhook_disabled");
    assert_eq!(v["message"], "this webhook is disabled");
    assert_eq!(v["title"], "Webhook disabled");
    assert_eq!(disabled.render(Style::Hookgate).status, 403);

    let method = Problem::new(ErrorCode::MethodNotAllowed, "GET").with_header("Allow", "POST");
    let r = method
        .clone()
        .in_style(Style::Flowker)
        .render(Style::Flowker);
    assert_eq!(r.status, 404);
    assert!(r.headers.is_empty());
    assert_eq!(method.render(Style::Hookgate).status, 405);

    let key = Problem::from(crate::verify::VerifyError::UrlKeyMismatch);
    let r = key.clone().in_style(Style::Kestra).render(Style::Kestra);
    let v: Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!((r.status, &v["code"]), (404, &json!("webhook_not_found")));
    assert_eq!(key.render(Style::Hookgate).status, 401);
}

#[test]
fn kestra_paths_and_rules() {
    assert_eq!(
        kestra::alternate_path("/api/v1/executions/webhook/ns/flow/key").as_deref(),
        Some("/api/v1/main/executions/webhook/ns/flow/key")
    );
    assert_eq!(
        kestra::alternate_path("/api/v1/main/executions/webhook/ns/flow/key").as_deref(),
        Some("/api/v1/executions/webhook/ns/flow/key")
    );
    assert_eq!(kestra::alternate_path("/hooks/x"), None);
    assert_eq!(style_of_path("/v1/webhooks/a/b"), Style::Flowker);
    assert_eq!(
        style_of_path("/api/v1/executions/webhook/a/b/c"),
        Style::Kestra
    );
    assert_eq!(style_of_path("/api/v1/jobs/webhook/x"), Style::Kubiya);
    assert_eq!(style_of_path("/hooks/x"), Style::Hookgate);

    let spec = |s: &str| {
        crate::admin::validate_create(
            crate::admin::WebhookSpec::parse(s.as_bytes()).unwrap(),
            crate::admin::Fresh {
                id: crate::secret::WebhookId::generate([3; 12]),
                secret_bytes: [4; 32],
                forwarding_secret_bytes: [5; 32],
                now: crate::testing::NOW,
            },
            crate::admin::Policy::default(),
        )
    };
    let ok = spec(r#"{"style":"kestra","path":"/api/v1/main/executions/webhook/company.team/myflow","target":{"queue":"EVENTS"}}"#).unwrap();
    assert_eq!(ok.record.auth().scheme(), crate::model::Scheme::UrlKey);
    assert_eq!(ok.record.methods().len(), 3);
    for (body, field) in [
        (
            r#"{"style":"kestra","path":"/hooks/x","target":{"queue":"EVENTS"}}"#,
            "path",
        ),
        (
            r#"{"style":"kestra","path":"/api/v1/main/executions/webhook/a/b","auth":{"scheme":"github"},"target":{"queue":"EVENTS"}}"#,
            "auth.scheme",
        ),
        (
            r#"{"style":"kestra","path":"/api/v1/main/executions/webhook/a/b","methods":["DELETE"],"target":{"queue":"EVENTS"}}"#,
            "methods",
        ),
        (
            r#"{"style":"kestra","path":"/api/v1/main/executions/webhook/a/b","auth":{"scheme":"url-key","secret":"KEY"},"target":{"queue":"EVENTS"}}"#,
            "auth.secret",
        ),
        (
            r#"{"style":"flowker","path":"/v1/webhooks/a","basic_auth":{"username":"u","password":"p"},"target":{"queue":"EVENTS"}}"#,
            "basic_auth",
        ),
        (
            r#"{"style":"jenkins","path":"/a","target":{"queue":"EVENTS"}}"#,
            "style",
        ),
        (
            r#"{"path":"/a","auth":{"scheme":"github"},"filter":{"field":"nope","eq":1},"target":{"queue":"EVENTS"}}"#,
            "filter.field",
        ),
        (
            r#"{"path":"/a","auth":{"scheme":"github"},"event_type":{},"target":{"queue":"EVENTS"}}"#,
            "event_type",
        ),
    ] {
        let p = spec(body).unwrap_err();
        assert!(
            p.errors.iter().any(|e| e.field == field),
            "{body}: {:?}",
            p.errors
        );
    }
    let long_key = format!(
        r#"{{"style":"kestra","path":"/api/v1/main/executions/webhook/a/b","auth":{{"scheme":"url-key","secret":"{}"}},"target":{{"queue":"EVENTS"}}}}"#,
        "k".repeat(257)
    );
    assert!(spec(&long_key).unwrap_err().detail.contains("at most 256"));
    let flowker =
        spec(r#"{"style":"flowker","path":"/v1/webhooks/a","target":{"queue":"EVENTS"}}"#).unwrap();
    assert_eq!(flowker.record.auth().header(), Some("x-webhook-token"));
    assert_eq!(
        flowker.record.idempotency().on_duplicate,
        crate::model::limits::OnDuplicate::Conflict
    );
    let bad_filter = spec(r#"{"path":"/a","auth":{"scheme":"github"},"filter":"{{ trigger.body.x == }}","target":{"queue":"EVENTS"}}"#).unwrap_err();
    assert_eq!(bad_filter.code, ErrorCode::InvalidFilter);
}
