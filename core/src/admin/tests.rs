use super::*;
use crate::model::WebhookRecord;
use crate::secret::WebhookId;
use crate::testing::{patched, record, NOW};
use crate::time::UnixMillis;

fn fresh() -> Fresh {
    Fresh {
        id: WebhookId::generate([1; 12]),
        secret_bytes: [2; 32],
        forwarding_secret_bytes: [0x5a; 32],
        now: UnixMillis(1_795_329_546_000),
    }
}

fn spec(json: &str) -> WebhookSpec {
    WebhookSpec::parse(json.as_bytes()).unwrap()
}

fn problem(json: &str) -> Problem {
    match WebhookSpec::parse(json.as_bytes()) {
        Err(p) => p,
        Ok(s) => validate_create(s, fresh(), Policy::default()).unwrap_err(),
    }
}

fn patch_problem(current: &WebhookRecord, json: &str) -> Problem {
    validate_patch(
        current,
        spec(json),
        NOW,
        crate::admin::Policy {
            allow_insecure_origins: true,
        },
    )
    .unwrap_err()
}

#[test]
fn minimal_spec_gets_documented_defaults() {
    let v = validate_create(
        spec(r#"{"name":"deploys","path":"/hooks/deploys","auth":{"scheme":"hmac-sha256-hex"},"target":{"queue":"EVENTS"}}"#),
        fresh(), crate::admin::Policy { allow_insecure_origins: true })
    .unwrap();
    let r = &v.record;
    assert_eq!(r.methods(), &[Method::Post]);
    assert_eq!(r.max_body_bytes(), rules::DEFAULT_MAX_BODY_BYTES);
    assert!(r.enabled());
    assert_eq!(r.auth().secrets().len(), 1);
    assert!(v.shown_secret.unwrap().same_as(&Secret::generate([2; 32])));
    assert_eq!(r.target().queue(), Some("EVENTS"));
}

#[test]
fn supplied_secret_is_used_and_null_optionals_take_defaults() {
    let v = validate_create(
        spec(r#"{"path":"/h","name":null,"methods":null,"auth":{"scheme":"shared-secret","secret":"s3cr3t-value","header":null},"target":{"queue":"EVENTS"}}"#),
        fresh(), crate::admin::Policy { allow_insecure_origins: true })
    .unwrap();
    assert_eq!(
        v.record.auth().secrets()[0].value().expose(),
        "s3cr3t-value"
    );
    assert_eq!(v.record.name(), "h");
    assert_eq!(v.record.methods(), &[Method::Post]);
    assert_eq!(v.record.auth().header(), None);
}

#[test]
fn generated_secrets_have_the_scheme_format() {
    let whsec = record(r#"{"path":"/h","auth":{"scheme":"svix"},"target":{"queue":"EVENTS"}}"#);
    assert!(whsec.auth().secrets()[0]
        .value()
        .expose()
        .starts_with("whsec_"));
    let b64 = record(
        r#"{"path":"/h","auth":{"scheme":"github","secret_encoding":"base64"},"target":{"queue":"EVENTS"}}"#,
    );
    assert!(crate::codec::base64(b64.auth().secrets()[0].value().expose()).is_some());
}

#[test]
fn bad_specs_are_refused_with_the_reason() {
    let cases: &[(&str, ErrorCode, &str)] = &[
        ("{", ErrorCode::InvalidJson, "EOF"),
        (
            r#"{"path":"/h","auth":{"scheme":"rot13"},"target":{"queue":"EVENTS"}}"#,
            ErrorCode::UnknownScheme,
            "auth.scheme: is not a supported scheme",
        ),
        (
            r#"{"path":"/a/../b","auth":{"scheme":"url-key"},"target":{"queue":"EVENTS"}}"#,
            ErrorCode::InvalidPath,
            "'..'",
        ),
        (
            r#"{"path":"/admin/x","auth":{"scheme":"url-key"},"target":{"queue":"EVENTS"}}"#,
            ErrorCode::InvalidPath,
            "reserved",
        ),
        (
            r#"{"path":"/h","auth":{"scheme":"url-key"},"target":{"queue":"bad-name"}}"#,
            ErrorCode::InvalidTarget,
            "Queue binding",
        ),
        (
            r#"{"path":"/h","auth":{"scheme":"url-key"},"target":{}}"#,
            ErrorCode::InvalidTarget,
            "exactly one",
        ),
        (
            r#"{"path":"/h","auth":{"scheme":"url-key"},"target":{"origin":{"url":"ftp://x.example/"}}}"#,
            ErrorCode::InvalidTarget,
            "https",
        ),
        (
            r#"{"path":"/h","auth":{"scheme":"url-key"},"target":{"origin":{"url":"https://user:pw@x.example/"}}}"#,
            ErrorCode::InvalidTarget,
            "credentials",
        ),
        (
            r#"{"path":"/h","auth":{"scheme":"url-key"},"target":{"origin":{"url":"https://x.example/","max_attempts":0}}}"#,
            ErrorCode::InvalidTarget,
            "max_attempts",
        ),
        (
            r#"{"path":"/h","auth":{"scheme":"url-key"},"target":{"origin":{"url":"http://x.example/"}}}"#,
            ErrorCode::InvalidTarget,
            "ALLOW_INSECURE_ORIGINS",
        ),
        (
            r#"{"path":"/h","auth":{"scheme":"url-key"},"target":{"origin":{}}}"#,
            ErrorCode::InvalidTarget,
            "url: is required",
        ),
        (
            r#"{"path":"/h","auth":{"scheme":"url-key"}}"#,
            ErrorCode::InvalidTarget,
            "required",
        ),
        (
            r#"{"auth":{"scheme":"url-key"},"target":{"queue":"EVENTS"}}"#,
            ErrorCode::InvalidWebhook,
            "path: is required",
        ),
        (
            r#"{"path":"/h","target":{"queue":"EVENTS"}}"#,
            ErrorCode::InvalidWebhook,
            "auth.scheme: is required",
        ),
        (
            r#"{"path":"/h","methods":["BREW"],"auth":{"scheme":"url-key"},"target":{"queue":"EVENTS"}}"#,
            ErrorCode::InvalidWebhook,
            "methods[0]: is not one of GET",
        ),
        (
            r#"{"path":"/h","methods":[],"auth":{"scheme":"url-key"},"target":{"queue":"EVENTS"}}"#,
            ErrorCode::InvalidWebhook,
            "empty",
        ),
        (
            r#"{"path":"/h","max_body_bytes":0,"auth":{"scheme":"url-key"},"target":{"queue":"EVENTS"}}"#,
            ErrorCode::InvalidWebhook,
            "max_body_bytes",
        ),
        (
            r#"{"path":"/h","auth":{"scheme":"shared-secret","secret":"short"},"target":{"queue":"EVENTS"}}"#,
            ErrorCode::InvalidWebhook,
            "auth.secret",
        ),
        (
            r#"{"path":"/h","auth":{"scheme":"url-key","secret":"has/slash/in/it"},"target":{"queue":"EVENTS"}}"#,
            ErrorCode::InvalidWebhook,
            "URL key",
        ),
        (
            r#"{"path":"/h","auth":{"scheme":"hmac-sha256-hex","header":"bad header"},"target":{"queue":"EVENTS"}}"#,
            ErrorCode::InvalidWebhook,
            "header name",
        ),
        (
            r#"{"path":"/h","auth":{"scheme":"slack","header":"x-sig"},"target":{"queue":"EVENTS"}}"#,
            ErrorCode::InvalidWebhook,
            "fixed headers",
        ),
        (
            r#"{"path":"/h","auth":{"scheme":"github","tolerance_s":60},"target":{"queue":"EVENTS"}}"#,
            ErrorCode::InvalidWebhook,
            "signs no timestamp",
        ),
        (
            r#"{"path":"/h","auth":{"scheme":"stripe","tolerance_s":86401},"target":{"queue":"EVENTS"}}"#,
            ErrorCode::InvalidWebhook,
            "between 1 and 86400",
        ),
        (
            r#"{"path":"/h","auth":{"scheme":"hmac","template":{"header":"x-sig","content":"{timestamp}.{body}"}},"target":{"queue":"EVENTS"}}"#,
            ErrorCode::InvalidWebhook,
            "timestamp_header",
        ),
        (
            r#"{"path":"/h","auth":{"scheme":"hmac"},"target":{"queue":"EVENTS"}}"#,
            ErrorCode::InvalidWebhook,
            "auth.template: is required",
        ),
        (
            r#"{"path":"/h","colour":"red","auth":{"scheme":"url-key"},"target":{"queue":"EVENTS"}}"#,
            ErrorCode::InvalidWebhook,
            "colour",
        ),
        (
            r#"{"path":"/h","name":"","auth":{"scheme":"url-key"},"target":{"queue":"EVENTS"}}"#,
            ErrorCode::InvalidWebhook,
            "name",
        ),
    ];
    for (json, code, needle) in cases {
        let p = problem(json);
        assert_eq!(p.code, *code, "{json}: {}", p.detail);
        assert!(
            p.detail.contains(needle),
            "{json}: {:?} lacks {needle:?}",
            p.detail
        );
    }
}

#[test]
fn origins_and_forwarding_secrets() {
    let v = validate_create(
        spec(r#"{"path":"/h","auth":{"scheme":"github"},"target":{"origin":{"url":"https://backend.example/hooks"}}}"#),
        fresh(),
        Policy::default(),
    )
    .unwrap();
    let o = v.record.target().origin().unwrap();
    assert_eq!(
        (o.mode(), o.timeout_ms(), o.max_attempts()),
        (crate::model::OriginMode::Async, 10_000, 8)
    );
    let shown = v.shown_forwarding_secret.unwrap();
    assert!(shown.expose().starts_with("whsec_"));
    assert!(v.record.forwarding_secrets()[0].value().same_as(&shown));
    // Plain http only where the deployment allows it.
    let http = r#"{"path":"/h","auth":{"scheme":"github"},"target":{"origin":{"url":"http://127.0.0.1:9/x","mode":"sync"}}}"#;
    assert!(validate_create(
        spec(http),
        fresh(),
        Policy {
            allow_insecure_origins: true
        }
    )
    .is_ok());
    // Host names in ASCII only; the punycode form of a Unicode name is accepted.
    let p = problem(
        r#"{"path":"/h","auth":{"scheme":"github"},"target":{"origin":{"url":"https://bücher.example/x"}}}"#,
    );
    assert!(p.to_json().contains("punycode"), "{}", p.to_json());
    assert!(validate_create(
        spec(r#"{"path":"/h","auth":{"scheme":"github"},"target":{"origin":{"url":"https://xn--bcher-kva.example/x"}}}"#),
        fresh(),
        Policy::default(),
    )
    .is_ok());
    // The forwarding secret never shows in a view.
    let json = serde_json::to_string(&view::view(&v.record)).unwrap();
    assert!(!json.contains(shown.expose()));
}

#[test]
fn problems_never_echo_a_supplied_secret() {
    let p = problem(
        r#"{"path":"/h","auth":{"scheme":"url-key","secret":"super secret value"},"target":{"queue":"EVENTS"}}"#,
    );
    assert!(!p.to_json().contains("super secret value"));
}

#[test]
fn patch_merges_and_validates() {
    let original =
        record(r#"{"path":"/h","auth":{"scheme":"hmac-sha256-hex"},"target":{"queue":"EVENTS"}}"#);
    let v = validate_patch(
        &original,
        spec(r#"{"enabled":false,"methods":["post","put"]}"#),
        UnixMillis(1_795_329_999_000),
        crate::admin::Policy {
            allow_insecure_origins: true,
        },
    )
    .unwrap();
    assert!(!v.record.enabled());
    assert_eq!(v.record.methods(), &[Method::Post, Method::Put]);
    assert_eq!(
        serde_json::to_string(v.record.auth()).unwrap(),
        serde_json::to_string(original.auth()).unwrap()
    );
    assert_eq!(v.record.updated_at(), "2026-11-22T06:46:39.000Z");
    assert_eq!(v.record.created_at(), original.created_at());
    assert!(v.shown_secret.is_none());

    let v = validate_patch(
        &original,
        spec(r#"{"auth":{"secret":"a-new-secret"}}"#),
        UnixMillis(1_795_329_999_000),
        crate::admin::Policy {
            allow_insecure_origins: true,
        },
    )
    .unwrap();
    assert_eq!(v.record.auth().secrets().len(), 1);
    assert_eq!(v.shown_secret.unwrap().expose(), "a-new-secret");

    assert_eq!(
        patch_problem(&original, r#"{"path":"/admin"}"#).code,
        ErrorCode::InvalidPath
    );
    assert_eq!(
        patch_problem(&original, r#"{"max_body_bytes":0}"#).code,
        ErrorCode::InvalidWebhook
    );
    for null_required in [
        r#"{"path":null}"#,
        r#"{"auth":null}"#,
        r#"{"target":null}"#,
        r#"{"auth":{"scheme":null}}"#,
        r#"{"auth":{"secret":null}}"#,
    ] {
        assert_eq!(
            patch_problem(&original, null_required).code,
            ErrorCode::InvalidWebhook,
            "{null_required}"
        );
    }
}

/// Regression: a PATCH that changed the scheme kept the old scheme's settings, so a
/// Stripe webhook with a one-day window patched to Slack kept the one-day window.
#[test]
fn changing_the_scheme_resets_scheme_specific_settings() {
    let stripe = record(
        r#"{"path":"/h","auth":{"scheme":"stripe","secret":"whsec_test_secret_1","tolerance_s":86400},"target":{"queue":"EVENTS"}}"#,
    );
    assert_eq!(stripe.auth().tolerance_s(), Some(86_400));
    let slack = patched(&stripe, r#"{"auth":{"scheme":"slack"}}"#);
    assert_eq!(slack.auth().scheme(), Scheme::Slack);
    assert_eq!(slack.auth().tolerance_s(), Some(300));
    // Given again in the same PATCH, it stays.
    let slack_wide = patched(&stripe, r#"{"auth":{"scheme":"slack","tolerance_s":600}}"#);
    assert_eq!(slack_wide.auth().tolerance_s(), Some(600));

    let kubiya = record(
        r#"{"path":"/h","auth":{"scheme":"hmac-sha256-hex","header":"x-kubiya-sig","secret_encoding":"base64","secret":"c2VjcmV0LXNlY3JldA=="},"target":{"queue":"EVENTS"}}"#,
    );
    let github = patched(&kubiya, r#"{"auth":{"scheme":"github"}}"#);
    assert_eq!(github.auth().header(), None);
    assert_eq!(github.auth().secret_encoding(), SecretEncoding::Utf8);
    // Same scheme: settings are kept unless cleared with null.
    let same = patched(&kubiya, r#"{"auth":{"scheme":"hmac-sha256-hex"}}"#);
    assert_eq!(same.auth().header(), Some("x-kubiya-sig"));
    let cleared = patched(&kubiya, r#"{"auth":{"header":null}}"#);
    assert_eq!(cleared.auth().header(), None);
    assert_eq!(cleared.auth().secret_encoding(), SecretEncoding::Base64);

    let tmpl = record(
        r#"{"path":"/h","auth":{"scheme":"hmac","template":{"header":"x-sig"}},"target":{"queue":"EVENTS"}}"#,
    );
    let shared = patched(&tmpl, r#"{"auth":{"scheme":"shared-secret"}}"#);
    assert!(shared.auth().template().is_none());
}

#[test]
fn a_kept_secret_must_suit_the_new_scheme() {
    let shared = record(
        r#"{"path":"/h","auth":{"scheme":"shared-secret","secret":"not a whsec secret"},"target":{"queue":"EVENTS"}}"#,
    );
    let p = patch_problem(&shared, r#"{"auth":{"scheme":"standard-webhooks"}}"#);
    assert!(p.detail.contains("supply a new one"), "{}", p.detail);
    assert!(!p.to_json().contains("not a whsec secret"));
}

#[test]
fn view_hides_secrets() {
    let r = record(
        r#"{"path":"/h","auth":{"scheme":"shared-secret","secret":"do-not-show-me"},"target":{"queue":"EVENTS"}}"#,
    );
    let json = serde_json::to_string(&view::view(&r)).unwrap();
    assert!(!json.contains("do-not-show-me"));
    assert!(json.contains("\"secret_count\":1"));
    assert!(!format!("{r:?}").contains("do-not-show-me"));
}

#[test]
fn rotation_keeps_old_secrets_for_the_grace_period_only() {
    let r = record(
        r#"{"path":"/h","auth":{"scheme":"shared-secret","secret":"first-secret"},"target":{"queue":"EVENTS"}}"#,
    );
    let v = rotate(&r, RotateSpec::default(), [9; 32], NOW).unwrap();
    let secrets = v.record.auth().secrets();
    assert_eq!(secrets.len(), 2);
    assert!(secrets[0].value().same_as(v.shown_secret.as_ref().unwrap()));
    assert_eq!(
        secrets[1].not_after(),
        Some(UnixMillis(NOW.0 + DEFAULT_GRACE_PERIOD_S * 1000))
    );
    let now_only = rotate(
        &r,
        RotateSpec::parse(br#"{"grace_period_s":0}"#).unwrap(),
        [9; 32],
        NOW,
    )
    .unwrap();
    assert_eq!(now_only.record.auth().secrets().len(), 1);
    let dup = rotate(
        &r,
        RotateSpec::parse(br#"{"secret":"first-secret"}"#).unwrap(),
        [9; 32],
        NOW,
    )
    .unwrap_err();
    assert!(dup.detail.contains("already"));
    let mut r = r;
    for i in 0..8 {
        r = rotate(&r, RotateSpec::default(), [i; 32], NOW)
            .unwrap()
            .record;
    }
    assert_eq!(r.auth().secrets().len(), rules::MAX_SECRETS);
}

#[test]
fn forwarding_secret_rotation_keeps_the_old_one_for_the_grace_period() {
    let r = record(r#"{"path":"/h","auth":{"scheme":"github"},"target":{"queue":"EVENTS"}}"#);
    let v = rotate_forwarding(
        &r,
        RotateSpec::parse(br#"{"grace_period_s":60}"#).unwrap(),
        [7; 32],
        NOW,
    )
    .unwrap();
    let secrets = v.record.forwarding_secrets();
    assert_eq!(secrets.len(), 2);
    assert!(secrets[0]
        .value()
        .same_as(v.shown_forwarding_secret.as_ref().unwrap()));
    assert_eq!(secrets[1].not_after(), Some(UnixMillis(NOW.0 + 60_000)));
    assert!(v.shown_secret.is_none());
    assert!(rotate_forwarding(
        &r,
        RotateSpec::parse(br#"{"secret":"whsec_x"}"#).unwrap(),
        [7; 32],
        NOW
    )
    .is_err());
}

#[test]
fn origins_in_private_address_space_are_refused_unless_allowed() {
    for url in [
        "https://localhost/x",
        "https://api.localhost/x",
        "https://127.0.0.1/x",
        "https://2130706433/x",
        "https://10.1.2.3/x",
        "https://172.16.0.9/x",
        "https://192.168.1.1/x",
        "https://169.254.169.254/latest/meta-data",
        "https://metadata.google.internal/x",
        "https://0.0.0.0/x",
        "https://100.64.0.1/x",
        "https://[::1]/x",
        "https://[fe80::1]/x",
        "https://[fd00::1]/x",
        "https://[::ffff:127.0.0.1]/x",
    ] {
        let json = format!(
            r#"{{"path":"/h","auth":{{"scheme":"github"}},"target":{{"origin":{{"url":"{url}"}}}}}}"#
        );
        let p = validate_create(spec(&json), fresh(), Policy::default()).unwrap_err();
        assert_eq!(p.code, ErrorCode::InvalidTarget, "{url}");
        assert!(p.to_json().contains("private"), "{url}: {}", p.to_json());
        assert!(
            validate_create(
                spec(&json),
                fresh(),
                Policy {
                    allow_insecure_origins: true
                }
            )
            .is_ok(),
            "{url} allowed for local development"
        );
    }
    for public in [
        "https://backend.example/x",
        "https://8.8.8.8/x",
        "https://[2001:db8::1]/x",
    ] {
        let json = format!(
            r#"{{"path":"/h","auth":{{"scheme":"github"}},"target":{{"origin":{{"url":"{public}"}}}}}}"#
        );
        assert!(
            validate_create(spec(&json), fresh(), Policy::default()).is_ok(),
            "{public}"
        );
    }
}

#[test]
fn hookgates_own_queues_are_not_targets() {
    for queue in ["DELIVERIES", "DEAD_LETTERS"] {
        let json = format!(
            r#"{{"path":"/h","auth":{{"scheme":"github"}},"target":{{"queue":"{queue}"}}}}"#
        );
        let p = validate_create(spec(&json), fresh(), Policy::default()).unwrap_err();
        assert_eq!(p.code, ErrorCode::InvalidTarget, "{queue}");
    }
}

#[test]
fn the_body_hash_window_defaults_is_shown_and_is_bounded_by_the_window() {
    let v = validate_create(
        spec(r#"{"path":"/h","auth":{"scheme":"github"},"target":{"queue":"EVENTS"}}"#),
        fresh(),
        Policy::default(),
    )
    .unwrap();
    assert_eq!(v.record.idempotency().body_hash_window_s, 300);
    let shown = serde_json::to_value(crate::admin::view::view(&v.record)).unwrap();
    assert_eq!(shown["idempotency"]["body_hash_window_s"], 300);
    // Left out of the stored record while it is the default (records keep their bytes).
    assert!(!v.record.encode().contains("body_hash_window_s"));
    let off = validate_create(
        spec(r#"{"path":"/h","auth":{"scheme":"github"},"target":{"queue":"EVENTS"},"idempotency":{"body_hash_window_s":0}}"#),
        fresh(),
        Policy::default(),
    )
    .unwrap();
    assert_eq!(off.record.idempotency().body_hash_window_s, 0);
    let decoded = crate::model::WebhookRecord::decode(&off.record.encode()).unwrap();
    assert_eq!(decoded.idempotency().body_hash_window_s, 0);
    let p = validate_create(
        spec(r#"{"path":"/h","auth":{"scheme":"github"},"target":{"queue":"EVENTS"},"idempotency":{"window_s":60,"body_hash_window_s":61}}"#),
        fresh(),
        Policy::default(),
    )
    .unwrap_err();
    assert_eq!(p.code, ErrorCode::InvalidWebhook);
    assert!(p.to_json().contains("idempotency.body_hash_window_s"));
    // A short key window without a body-hash window: the body hash lives as long.
    let short = validate_create(
        spec(r#"{"path":"/h","auth":{"scheme":"github"},"target":{"queue":"EVENTS"},"idempotency":{"window_s":60}}"#),
        fresh(),
        Policy::default(),
    )
    .unwrap();
    assert_eq!(short.record.idempotency().body_hash_window_s, 60);
    // And a record stored that way before the field existed still decodes.
    let legacy = short
        .record
        .encode()
        .replace(r#""window_s":60"#, r#""window_s":30"#);
    let decoded = crate::model::WebhookRecord::decode(&legacy).unwrap();
    assert_eq!(decoded.idempotency().body_hash_window_s, 30);
}

/// Every input the admin API parses, given a wrong value that holds a sentinel: the
/// answer names the field and what is expected, never the value (it may be a secret
/// pasted into the wrong field).
const SENTINEL: &str = "Zq7Sentinel";

fn bad_values_with_the_sentinel() -> Vec<String> {
    let s = SENTINEL;
    let q = r#""queue":"EVENTS""#;
    [
        format!(r#"{{"path":"/h","auth":{{"scheme":"{s}"}},"target":{{{q}}}}}"#),
        format!(r#"{{"path":"/h","auth":{{"scheme":"github"}},"style":"{s}","target":{{{q}}}}}"#),
        format!(r#"{{"path":"/h","auth":{{"scheme":"github"}},"methods":["POST","{s}"],"target":{{{q}}}}}"#),
        format!(r#"{{"path":"/h","auth":{{"scheme":"github","secret_encoding":"{s}"}},"target":{{{q}}}}}"#),
        format!(r#"{{"path":"/h","auth":{{"scheme":"github"}},"idempotency":{{"on_duplicate":"{s}"}},"target":{{{q}}}}}"#),
        format!(r#"{{"path":"/h","auth":{{"scheme":"github"}},"target":{{"origin":{{"url":"https://o.example","mode":"{s}"}}}}}}"#),
        format!(r#"{{"path":"/h","auth":{{"scheme":"hmac","template":{{"header":"x-sig","algorithm":"{s}"}}}},"target":{{{q}}}}}"#),
        format!(r#"{{"path":"/h","auth":{{"scheme":"hmac","template":{{"header":"x-sig","encoding":"{s}"}}}},"target":{{{q}}}}}"#),
        format!(r#"{{"path":"/h","auth":{{"scheme":"hmac","template":{{"header":"x-sig","content":"{{{s}}}.{{body}}"}}}},"target":{{{q}}}}}"#),
        format!(r#"{{"path":"/h {s}","auth":{{"scheme":"github"}},"target":{{{q}}}}}"#),
        format!(r#"{{"path":"/h","auth":{{"scheme":"github","header":"{s} x"}},"target":{{{q}}}}}"#),
        format!(r#"{{"path":"/h","auth":{{"scheme":"github"}},"enabled":"{s}","target":{{{q}}}}}"#),
        format!(r#"{{"path":"/h","auth":{{"scheme":"github"}},"enabled":"a, expected {s}","target":{{{q}}}}}"#),
        format!(r#"{{"path":"/h","auth":{{"scheme":"github"}},"max_body_bytes":"{s}","target":{{{q}}}}}"#),
        format!(r#"{{"path":"/h","auth":{{"scheme":"github","secret":"{s}{s}{s}\u0001"}},"target":{{{q}}}}}"#),
        format!(r#"{{"path":"/h","auth":{{"scheme":"github"}},"target":{{"queue":"{s}-queue"}}}}"#),
        format!(r#"{{"path":"/h","auth":{{"scheme":"github"}},"target":{{"origin":{{"url":"ftp://{s}.example"}}}}}}"#),
        format!(r#"{{"path":"/h","auth":{{"scheme":"github"}},"namespace":"{s}!","target":{{{q}}}}}"#),
        format!(r#"{{"path":"/h","auth":{{"scheme":"github"}},"name":"{}","target":{{{q}}}}}"#, s.repeat(20)),
        format!(r#"{{"path":"/h","auth":{{"scheme":"github"}},"filter":"{{{{ {s} == 'x' }}}}","target":{{{q}}}}}"#),
        format!(r#"{{"path":"/h","auth":{{"scheme":"github"}},"filter":"{{{{ trigger.body.a == 1 {s} }}}}","target":{{{q}}}}}"#),
        format!(r#"{{"path":"/h","auth":{{"scheme":"github"}},"filter":{{"field":"{s}.a","eq":1}},"target":{{{q}}}}}"#),
        format!(r#"{{"path":"/h","auth":{{"scheme":"github"}},"filter":{{"field":"body[{s}]","eq":1}},"target":{{{q}}}}}"#),
        format!(r#"{{"path":"/h","auth":{{"scheme":"github"}},"event_type":{{"field":"{s}"}},"target":{{{q}}}}}"#),
        format!(r#"{{"path":"/h","auth":{{"scheme":"github"}},"event_type":{{"header":"x-{s}-token"}},"target":{{{q}}}}}"#),
    ]
    .into()
}

#[test]
fn admin_errors_never_quote_a_sent_value() {
    let lower = SENTINEL.to_ascii_lowercase();
    for json in bad_values_with_the_sentinel() {
        let answer = problem(&json).to_json();
        assert!(
            !answer.to_ascii_lowercase().contains(&lower),
            "{json}\nquotes the value: {answer}"
        );
    }
    let current = record(r#"{"path":"/h","auth":{"scheme":"github"},"target":{"queue":"EVENTS"}}"#);
    let answer = patch_problem(&current, &format!(r#"{{"style":"{SENTINEL}"}}"#)).to_json();
    assert!(!answer.contains(SENTINEL), "{answer}");
    for parse in [
        RotateSpec::parse(format!(r#"{{"grace_period_s":"{SENTINEL}"}}"#).as_bytes()).err(),
        NamespaceSpec::parse(
            format!(r#"{{"rate_limit":{{"limit":"{SENTINEL}","window_s":60}}}}"#).as_bytes(),
        )
        .err(),
    ] {
        let answer = parse.expect("refused").to_json();
        assert!(!answer.contains(SENTINEL), "{answer}");
    }
}

#[test]
fn a_notification_url_is_kept_as_given_where_the_scheme_signs_one() {
    let square = record(
        r#"{"path":"/h","auth":{"scheme":"square","notification_url":"https://public.example/hooks/square?a=1"},"target":{"queue":"EVENTS"}}"#,
    );
    // Exactly as given: it is what Square signs, so no normalization.
    assert_eq!(
        square.auth().notification_url(),
        Some("https://public.example/hooks/square?a=1")
    );
    let shown = serde_json::to_value(view::view(&square)).unwrap();
    assert_eq!(
        shown["auth"]["notification_url"],
        "https://public.example/hooks/square?a=1"
    );
    // Kept by a PATCH that does not name it, cleared by null, and reset by a scheme change.
    let kept = patched(&square, r#"{"enabled":false}"#);
    assert!(kept.auth().notification_url().is_some());
    let cleared = patched(&square, r#"{"auth":{"notification_url":null}}"#);
    assert_eq!(cleared.auth().notification_url(), None);
    let trello = patched(&square, r#"{"auth":{"scheme":"trello"}}"#);
    assert_eq!(trello.auth().notification_url(), None);

    for (json, why) in [
        (
            r#"{"path":"/h","auth":{"scheme":"github","notification_url":"https://public.example/h"},"target":{"queue":"EVENTS"}}"#,
            "does not sign a notification URL",
        ),
        (
            r#"{"path":"/h","auth":{"scheme":"square","notification_url":"/hooks/square"},"target":{"queue":"EVENTS"}}"#,
            "absolute http(s) URL",
        ),
        (
            r#"{"path":"/h","auth":{"scheme":"trello","notification_url":"ftp://public.example/h"},"target":{"queue":"EVENTS"}}"#,
            "absolute http(s) URL",
        ),
        (
            r#"{"path":"/h","auth":{"scheme":"trello","notification_url":"https://public.example/a b"},"target":{"queue":"EVENTS"}}"#,
            "absolute http(s) URL",
        ),
    ] {
        let p = problem(json);
        assert_eq!(p.code.as_str(), "invalid_webhook", "{json}");
        assert!(p.detail.contains("auth.notification_url"), "{}", p.detail);
        assert!(p.detail.contains(why), "{}", p.detail);
    }
    let long = format!(
        r#"{{"path":"/h","auth":{{"scheme":"square","notification_url":"https://public.example/{}"}},"target":{{"queue":"EVENTS"}}}}"#,
        "a".repeat(crate::model::rules::MAX_NOTIFICATION_URL_LEN)
    );
    assert!(problem(&long).detail.contains("auth.notification_url"));
}
