//! The operator's dashboard in a real headless Chromium (Debian's, over WebDriver),
//! against the running Worker: sign in, create a webhook, see a sender's event arrive,
//! open its details, replay it, send a test event, disable the webhook and see the
//! sender refused, rotate the secret, edit, delete with confirmation, and a wrong token's
//! message. Every view is saved as a screenshot in `target/dashboard-screenshots/`, and
//! the page must log no console errors.

use super::{remember_secret, TestResult, World, ADMIN_TOKEN};
use hookgate_harness::browser::Browser;
use hookgate_harness::client::{hmac_hex, send, unique};
use hookgate_harness::gateway::repo_root;
use std::path::PathBuf;
use std::time::Duration;

type Test = (&'static str, fn(&World) -> TestResult);

pub const TESTS: &[Test] = &[(
    "dashboard::an_operator_manages_a_webhook_in_a_real_browser",
    operator_journey,
)];

/// (method, URL, headers with lowercase names, body) of the page's `curl` command: the
/// words a POSIX shell would split it into (single quotes, `\` before a newline).
fn parse_curl(cmd: &str) -> (String, String, Vec<(String, String)>, String) {
    let (mut words, mut word, mut in_word) = (Vec::new(), String::new(), false);
    let mut chars = cmd.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                word.extend(chars.by_ref().take_while(|q| *q != '\''));
            }
            '\\' => {
                if let Some(escaped) = chars.next().filter(|e| *e != '\n') {
                    in_word = true;
                    word.push(escaped);
                }
            }
            c if c.is_whitespace() => {
                if std::mem::take(&mut in_word) {
                    words.push(std::mem::take(&mut word));
                }
            }
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    if in_word {
        words.push(word);
    }
    assert_eq!(words.first().map(String::as_str), Some("curl"), "{cmd}");
    let (mut method, mut url, mut headers, mut body) =
        (String::new(), String::new(), Vec::new(), String::new());
    let mut rest = words.into_iter().skip(1);
    while let Some(w) = rest.next() {
        match w.as_str() {
            "-X" => method = rest.next().unwrap(),
            "-H" => {
                let h = rest.next().unwrap();
                let (name, value) = h.split_once(": ").unwrap();
                headers.push((name.to_ascii_lowercase(), value.to_string()));
            }
            "--data-binary" => body = rest.next().unwrap(),
            _ => url = w,
        }
    }
    (method, url, headers, body)
}

fn shots() -> PathBuf {
    repo_root().join("target/dashboard-screenshots")
}

fn operator_journey(world: &World) -> TestResult {
    let g = &world.gateway;
    let b = Browser::start();
    let shot = |name: &str| b.screenshot(&shots().join(format!("{name}.png")));

    // A wrong token: a clear message, and nothing else shown.
    b.goto(&g.url("/admin/"));
    b.wait_visible("#signin-form");
    shot("01-sign-in");
    b.type_into("#token", "not-the-admin-token");
    b.click("#signin-btn");
    b.wait_text("#signin-error", "not accepted");
    assert!(b.text("#signin-error").contains("401"));
    shot("02-wrong-token");
    // The browser reports the refused request itself (a 401 resource error); that one
    // is expected. Everything after it must be clean.
    for (level, message) in b.console() {
        assert!(
            level != "SEVERE" || message.contains("401"),
            "console: {level} {message}"
        );
    }

    // Sign in; the token is in sessionStorage, never in the URL.
    b.type_into("#token", ADMIN_TOKEN);
    b.click("#signin-btn");
    b.wait_visible("#view-list");
    let url = b.exec("return location.href;", vec![]);
    assert!(!url.to_string().contains(ADMIN_TOKEN));
    shot("03-webhooks");

    // Create: an async origin, so its deliveries can be replayed.
    let origin = super::origins::origin();
    let origin_path = format!("/ui-origin/{}", unique("o"));
    let path = format!("/ui/{}", unique("deploys"));
    b.click("#nav-create");
    b.wait_visible("#create-form");
    b.type_into("#f-name", "UI deploys");
    b.type_into("#f-path", &path);
    // The picker names the provider and links the page its recipe comes from.
    b.select("#f-scheme", "stripe");
    b.wait_text("#scheme-help", "Stripe-Signature");
    let link = b.exec(
        "const a = document.querySelector('#scheme-help a'); \
         return a && [a.href, a.textContent, a.rel];",
        vec![],
    );
    assert_eq!(
        link,
        serde_json::json!([
            "https://docs.stripe.com/webhooks/signatures",
            "Stripe's documentation",
            "noopener noreferrer"
        ])
    );
    let chosen = b.exec(
        "const s = document.querySelector('#f-scheme'); return s.options[s.selectedIndex].text;",
        vec![],
    );
    assert_eq!(chosen, "Stripe (stripe)");
    shot("03b-scheme-picker");
    b.select("#f-scheme", "hmac-sha256-hex");
    b.wait_text("#scheme-help", "X-Webhook-Signature");
    b.select("#f-target-kind", "origin");
    b.type_into("#f-target", &origin.url(&origin_path));
    b.click("#create-btn");
    b.wait_visible("#created");
    let secret = b.text("#created-secret");
    remember_secret(&secret);
    remember_secret(&b.text("#created-forwarding"));
    assert!(b.text("#created-url").ends_with(&path));
    // The signed curl: its signature verifies, checked with an independent HMAC (the
    // harness's, from the `hmac` and `sha2` crates) over the body it sends.
    let curl = b.text("#created-curl");
    let (method, url, headers, curl_body) = parse_curl(&curl);
    assert_eq!(method, "POST", "{curl}");
    assert_eq!(url, g.url(&path), "{curl}");
    // hmac-sha256-hex: the hex HMAC-SHA256 of the body, `sha256=` in front allowed.
    let signature = headers
        .iter()
        .find(|(k, _)| k == "x-webhook-signature")
        .map(|(_, v)| v.strip_prefix("sha256=").unwrap_or(v));
    assert_eq!(
        signature,
        Some(hmac_hex(&secret, curl_body.as_bytes()).as_str()),
        "{curl}"
    );
    shot("04-created");

    // A sender's event appears in the webhook's deliveries.
    let body = br#"{"deploy": "api", "version": "2.0.1"}"#;
    let sig = hmac_hex(&secret, body);
    let sent = send(
        "POST",
        &g.url(&path),
        &[
            ("Content-Type", "application/json"),
            ("X-Webhook-Signature", &sig),
        ],
        body,
    );
    assert_eq!(sent.status, 202, "{}", sent.body);
    let delivery = sent.json()["id"].as_str().unwrap().to_string();
    origin.wait_for(&origin_path, 1, Duration::from_secs(20));
    b.click("#created-open");
    b.wait_visible("#view-webhook");
    let row = format!("#deliveries tr[data-id=\"{delivery}\"]");
    b.wait_until(
        "the delivery in the table",
        "return !!document.querySelector(arguments[0]);",
        vec![serde_json::json!(row)],
    );
    b.wait_text("#chart-legend", "accepted 1");
    shot("05-webhook");

    // Its details: credential-free headers, the body, the attempts; then replay it.
    b.click(&format!("{row} button.detail"));
    b.wait_visible("#delivery-detail");
    b.wait_text("#detail-body", "2.0.1");
    let headers = b.text("#detail-headers");
    assert!(
        headers.contains("content-type: application/json"),
        "{headers}"
    );
    assert!(
        !headers.to_lowercase().contains("x-webhook-signature"),
        "{headers}"
    );
    b.wait_text("#detail-summary", "delivered");
    shot("06-delivery-detail");
    b.click("#replay-btn");
    b.wait_text("#toast", "Replaying");
    let got = origin.wait_for(&origin_path, 2, Duration::from_secs(20));
    assert_eq!(got[0].header("webhook-id"), got[1].header("webhook-id"));
    assert_eq!(got[1].header("webhook-id"), Some(delivery.as_str()));

    // Filter the deliveries by outcome.
    b.select("#outcome-filter", "rate_limited");
    b.wait_until(
        "no rate-limited rows",
        "return document.querySelectorAll('#deliveries tbody tr').length === 0;",
        vec![],
    );
    b.select("#outcome-filter", "accepted");
    b.wait_visible(&row);

    // A test event through the whole pipeline.
    b.click("#wh-test-btn");
    b.wait_visible("#test-report");
    b.wait_text("#test-outcome", "accepted");
    assert!(b.text("#test-steps").contains("verify: passed"));
    shot("07-test-event");

    // Disable: the sender is refused at once.
    b.click("#wh-enabled-btn");
    b.wait_text("#wh-enabled-btn", "Enable");
    let refused = send(
        "POST",
        &g.url(&path),
        &[("X-Webhook-Signature", &hmac_hex(&secret, b"{\"n\":2}"))],
        b"{\"n\":2}",
    );
    refused.assert_problem(403, "webhook_disabled");
    b.click("#wh-enabled-btn");
    b.wait_text("#wh-enabled-btn", "Disable");

    // Rotate the secret: shown once, and it signs.
    b.click("#wh-rotate-btn");
    b.wait_visible("#wh-secret-panel");
    let rotated = b.text("#rotated-secret");
    remember_secret(&rotated);
    assert!(!rotated.is_empty() && rotated != secret);
    shot("08-rotated");
    let again = send(
        "POST",
        &g.url(&path),
        &[("X-Webhook-Signature", &hmac_hex(&rotated, b"{\"n\":3}"))],
        b"{\"n\":3}",
    );
    assert_eq!(again.status, 202, "{}", again.body);

    // Edit: a bad filter is refused with the API's reason, a good one saved.
    b.click("#wh-edit-btn");
    b.wait_visible("#edit-form");
    shot("09-edit");
    b.wait_until(
        "the body-hash window in the form",
        "return document.getElementById('e-body-hash').value === '300';",
        vec![],
    );
    b.type_into("#e-body-hash", "120");
    b.type_into("#e-filter", "{{ trigger.body.x == }}");
    b.click("#edit-save");
    b.wait_text("#edit-error", "invalid_filter");
    // Again the browser reports the refused request (400); nothing else may be logged.
    for (level, message) in b.console() {
        assert!(
            level != "SEVERE" || message.contains("status of 400"),
            "console: {level} {message}"
        );
    }
    b.type_into("#e-filter", r#"{"field": "body.deploy", "exists": true}"#);
    b.click("#edit-save");
    b.wait_visible("#view-webhook");

    // The list, wide and narrow.
    b.click("#nav-webhooks");
    b.wait_visible("#webhook-list tr[data-id] td code");
    b.wait_until(
        "the webhook in the list",
        "return [...document.querySelectorAll('#webhook-list code')].some(c => c.textContent === arguments[0]);",
        vec![serde_json::json!(path)],
    );
    shot("10-webhooks-with-one");
    b.set_window(390, 844);
    shot("11-webhooks-narrow");
    b.set_window(1280, 1000);

    // Delete, with confirmation; the sender then gets 404.
    let id = b
        .exec(
            "return [...document.querySelectorAll('#webhook-list tr[data-id]')].find(r => r.querySelector('code').textContent === arguments[0]).dataset.id;",
            vec![serde_json::json!(path)],
        )
        .as_str()
        .unwrap()
        .to_string();
    // The edit form's body-hash window was saved with the filter.
    let saved = hookgate_harness::client::Admin::of(&world.gateway)
        .call("GET", &format!("/admin/v1/webhooks/{id}"), None)
        .json();
    assert_eq!(saved["idempotency"]["body_hash_window_s"], 120, "{saved}");
    b.click(&format!("#webhook-list tr[data-id=\"{id}\"] button.open"));
    b.wait_visible("#view-webhook");
    b.click("#wh-delete-btn");
    b.wait_until(
        "the confirmation dialog",
        "return document.getElementById('confirm-dialog').open;",
        vec![],
    );
    shot("12-confirm-delete");
    b.click("#confirm-ok");
    b.wait_visible("#view-list");
    let gone = send(
        "POST",
        &g.url(&path),
        &[("X-Webhook-Signature", &hmac_hex(&rotated, b"{\"n\":4}"))],
        b"{\"n\":4}",
    );
    gone.assert_problem(404, "webhook_not_found");

    let errors: Vec<_> = b
        .console()
        .into_iter()
        .filter(|(level, _)| level == "SEVERE" || level == "WARNING")
        .collect();
    assert!(errors.is_empty(), "the page logged: {errors:?}");
    Ok(())
}
