//! The dashboard at a 1280 × 800 window in Debian's headless Chromium: before sign-in the
//! navigation shows nothing that needs a token; the webhook list fits without a
//! horizontal scrollbar, each row's Open button inside the window; and "Replay all
//! dead-lettered since…" runs a bulk replay to completion. Screenshots are saved in
//! `target/dashboard-screenshots/` (`fit-*.png`).

use super::{remember_secret, TestResult, World, ADMIN_TOKEN};
use hookgate_harness::browser::Browser;
use hookgate_harness::client::{hmac_hex, send, unique, Admin};
use hookgate_harness::gateway::repo_root;
use hookgate_harness::origin::Reply;
use serde_json::json;
use std::time::Duration;

type Test = (&'static str, fn(&World) -> TestResult);

pub const TESTS: &[Test] = &[(
    "dashboard_fit::the_list_fits_1280_and_bulk_replay_completes",
    fits_and_replays,
)];

fn fits_and_replays(world: &World) -> TestResult {
    let g = &world.gateway;
    let admin = Admin::of(g);
    // A webhook with long values, and one with a dead letter to replay.
    let origin = super::origins::origin();
    let origin_path = format!("/fit-origin/{}", unique("o"));
    origin.script(&origin_path, vec![Reply::status(503)]);
    let path = format!(
        "/fit/{}",
        unique("a-rather-long-path-segment-for-the-list/and-another")
    );
    let created = admin.create(json!({
        "name": "A webhook with a long descriptive name for the list",
        "path": path,
        "auth": {"scheme": "hmac-sha256-hex"},
        "target": {"origin": {"url": origin.url(&origin_path), "max_attempts": 1}},
    }));
    let secret = created["secret"].as_str().unwrap();
    remember_secret(secret);
    remember_secret(created["forwarding_secret"].as_str().unwrap());
    let sent = send(
        "POST",
        &g.url(&path),
        &[("X-Webhook-Signature", &hmac_hex(secret, b"{}"))],
        b"{}",
    );
    assert_eq!(sent.status, 202, "{}", sent.body);
    origin.wait_for(&origin_path, 1, Duration::from_secs(20));

    let b = Browser::start();
    b.set_window(1280, 800);
    let shot = |name: &str| {
        b.screenshot(
            &repo_root()
                .join("target/dashboard-screenshots")
                .join(format!("fit-{name}.png")),
        )
    };
    b.goto(&g.url("/admin/"));
    b.wait_visible("#signin-form");
    let nav_shown = b.exec(
        "return ['#nav', '#nav-webhooks', '#nav-create', '#sign-out']
           .some(s => document.querySelector(s).getClientRects().length > 0);",
        vec![],
    );
    assert_eq!(nav_shown, json!(false), "navigation shown before sign-in");
    shot("01-sign-in");

    b.type_into("#token", ADMIN_TOKEN);
    b.click("#signin-btn");
    b.wait_visible("#view-list");
    let row = format!(
        "#webhook-list tr[data-id=\"{}\"] button.open",
        created["id"].as_str().unwrap()
    );
    b.wait_until(
        "the webhook in the list",
        "return !!document.querySelector(arguments[0]);",
        vec![json!(row)],
    );
    shot("02-list-1280x800");
    let fit = b.exec(
        "const d = document.documentElement;
         const open = [...document.querySelectorAll('#webhook-list button.open')]
           .map(e => e.getBoundingClientRect()).every(r => r.right <= innerWidth);
         const scroll = document.querySelector('#view-list .scroll');
         return {page: d.scrollWidth <= innerWidth, table: scroll.scrollWidth <= scroll.clientWidth, open};",
        vec![],
    );
    assert_eq!(
        fit,
        json!({"page": true, "table": true, "open": true}),
        "the list overflows at 1280 px"
    );

    // Bulk replay from the webhook's page: the origin has recovered (200 after the script).
    b.click(&row);
    b.wait_visible("#view-webhook");
    b.click("#bulk-replay-btn");
    b.wait_text("#bulk-replay-progress", "completed: 1 of 1 delivered");
    shot("03-bulk-replay");
    let received = origin.wait_for(&origin_path, 2, Duration::from_secs(20));
    assert_eq!(received.len(), 2, "the dead letter, then its replay");
    for (level, message) in b.console() {
        assert!(level != "SEVERE", "console: {level} {message}");
    }
    Ok(())
}
