//! The registry's writes and reads under failure, against the test-only build with KV
//! fault injection (`build-faults/`, `world.faults`): a failed admin write never destroys
//! or duplicates a webhook, every intermediate state is readable, and the next access
//! repairs it. Also: stored records are checked like admin input, senders never see
//! internal detail, and the release build carries no fault switch.

use super::{remember_secret, TestResult, World};
use hookgate_harness::client::{hmac_hex, send, unique, Admin, Resp};
use hookgate_harness::gateway::{repo_root, Gateway};
use hookgate_harness::senders::hmac_sha256;
use serde_json::{json, Value};

type Test = (&'static str, fn(&World) -> TestResult);

pub const TESTS: &[Test] = &[
    (
        "registry::an_in_place_update_writes_no_pointer_so_a_pointer_fault_cannot_fail_it",
        pointer_write_failure_on_update,
    ),
    (
        "registry::a_failed_route_write_on_patch_changes_nothing",
        route_write_failure_on_patch,
    ),
    (
        "registry::a_move_interrupted_at_any_write_stays_readable_and_is_repaired",
        interrupted_moves,
    ),
    (
        "registry::a_failed_create_leaves_no_webhook_and_the_path_free",
        failed_create,
    ),
    (
        "registry::a_delete_whose_pointer_delete_fails_still_deletes",
        failed_pointer_delete,
    ),
    (
        "records::a_hand_edited_record_fails_closed_like_admin_input",
        hand_edited_record,
    ),
    (
        "records::senders_never_see_internal_detail",
        no_internal_detail,
    ),
    (
        "records::patching_the_scheme_resets_its_settings",
        scheme_change_resets,
    ),
    (
        "build::the_release_wasm_has_none_of_the_test_switches",
        release_has_no_fault_switch,
    ),
];

const FAULT: &str = "x-hookgate-test-kv-fault";

fn call_with_fault(
    g: &Gateway,
    method: &str,
    path: &str,
    body: Option<&Value>,
    fault: &str,
) -> Resp {
    let admin = Admin::of(g);
    let auth = format!("Bearer {}", admin.token);
    let text = body.map(|b| b.to_string()).unwrap_or_default();
    send(
        method,
        &g.url(path),
        &[
            ("Authorization", &auth),
            ("Content-Type", "application/json"),
            (FAULT, fault),
        ],
        text.as_bytes(),
    )
}

/// An hmac-sha256-hex webhook on the fault gateway; returns (id, path, secret).
fn webhook(g: &Gateway, tag: &str) -> (String, String, String) {
    let path = format!("/reg/{}", unique(tag));
    let created = Admin::of(g).create(json!({
        "path": path, "auth": {"scheme": "hmac-sha256-hex"}, "target": {"queue": "EVENTS"},
    }));
    let secret = created["secret"].as_str().unwrap().to_string();
    remember_secret(&secret);
    (created["id"].as_str().unwrap().to_string(), path, secret)
}

fn deliver(g: &Gateway, path: &str, secret: &str) -> u16 {
    let body = br#"{"registry":true}"#;
    let sig = hmac_hex(secret, body);
    send("POST", &g.url(path), &[("X-Webhook-Signature", &sig)], body).status
}

fn get(g: &Gateway, id: &str) -> Resp {
    Admin::of(g).call("GET", &format!("/admin/v1/webhooks/{id}"), None)
}

/// How many times `id` is listed, over every page of the list (the suite's other
/// tests create webhooks on this gateway too, more than one page of them).
fn listed(g: &Gateway, id: &str) -> usize {
    whole_list(g)
        .0
        .iter()
        .filter(|listed| *listed == id)
        .count()
}

/// Every page of the list: the ids listed, and the `(path, code)` of each webhook
/// listed as unreadable.
fn whole_list(g: &Gateway) -> (Vec<String>, Vec<(String, String)>) {
    let (mut ids, mut unreadable) = (Vec::new(), Vec::new());
    let mut path = "/admin/v1/webhooks?limit=100".to_string();
    loop {
        let r = Admin::of(g).call("GET", &path, None);
        assert_eq!(r.status, 200, "the list: {}", r.body);
        let page = r.json();
        for w in page["webhooks"]
            .as_array()
            .unwrap_or_else(|| panic!("no webhooks in {page}"))
        {
            ids.push(w["id"].as_str().unwrap().to_string());
        }
        for u in page["unreadable"].as_array().unwrap() {
            let field = |name: &str| u[name].as_str().unwrap().to_string();
            unreadable.push((field("path"), field("code")));
        }
        match page["next_cursor"].as_str() {
            Some(cursor) => {
                let escaped: String = cursor
                    .bytes()
                    .map(|b| match b {
                        b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' => {
                            (b as char).to_string()
                        }
                        other => format!("%{other:02X}"),
                    })
                    .collect();
                path = format!("/admin/v1/webhooks?limit=100&cursor={escaped}");
            }
            None => return (ids, unreadable),
        }
    }
}

fn raw_get(g: &Gateway, key: &str) -> Option<String> {
    let r = Admin::of(g).call("GET", &format!("/admin/test/kv/{}", encode(key)), None);
    (r.status == 200).then(|| r.json().as_str().unwrap().to_string())
}

fn raw_put(g: &Gateway, key: &str, value: &str) {
    let admin = Admin::of(g);
    let auth = format!("Bearer {}", admin.token);
    let r = send(
        "PUT",
        &g.url(&format!("/admin/test/kv/{}", encode(key))),
        &[("Authorization", &auth)],
        value.as_bytes(),
    );
    assert_eq!(r.status, 204, "{}", r.body);
}

fn encode(key: &str) -> String {
    key.replace('%', "%25")
        .replace('/', "%2F")
        .replace(':', "%3A")
}

/// Regression: PATCH and rotate rewrote the id pointer, and when that write failed they
/// deleted the live route. What this can still catch: an in-place update (PATCH without
/// a move, rotate) that writes the pointer again, which the injected fault then fails
/// (a moving PATCH's pointer fault is `interrupted_moves`).
fn pointer_write_failure_on_update(world: &World) -> TestResult {
    let g = &world.faults;
    let (id, path, secret) = webhook(g, "ptr");
    let r = call_with_fault(
        g,
        "PATCH",
        &format!("/admin/v1/webhooks/{id}"),
        Some(&json!({"name": "renamed"})),
        "put-pointer",
    );
    assert_eq!(
        r.status, 200,
        "an in-place PATCH writes no pointer: {}",
        r.body
    );
    assert_eq!(deliver(g, &path, &secret), 202);
    let r = call_with_fault(
        g,
        "POST",
        &format!("/admin/v1/webhooks/{id}/rotate-secret"),
        Some(&json!({"grace_period_s": 0})),
        "put-pointer",
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let new_secret = r.json()["secret"].as_str().unwrap().to_string();
    remember_secret(&new_secret);
    assert_eq!(deliver(g, &path, &new_secret), 202);
    assert_eq!(deliver(g, &path, &secret), 401);
    Ok(())
}

/// The webhook's object commits first: a disable whose KV write fails is still in
/// effect at once, and the next admin call brings KV in line.
fn route_write_failure_on_patch(world: &World) -> TestResult {
    let g = &world.faults;
    let (id, path, secret) = webhook(g, "route");
    let r = call_with_fault(
        g,
        "PATCH",
        &format!("/admin/v1/webhooks/{id}"),
        Some(&json!({"enabled": false})),
        "put-route",
    );
    r.assert_problem(503, "registry_unavailable");
    assert!(
        !r.body.contains("injected"),
        "KV error text reached the answer: {}",
        r.body
    );
    // KV (and this isolate's cache) still hold the enabled record; the object refuses.
    let stale = raw_get(g, &format!("route:{path}")).unwrap();
    assert!(stale.contains("\"enabled\":true"), "{stale}");
    assert_eq!(deliver(g, &path, &secret), 403);
    // The next admin call repairs KV from the object.
    assert_eq!(get(g, &id).json()["enabled"], false);
    let repaired = raw_get(g, &format!("route:{path}")).unwrap();
    assert!(repaired.contains("\"enabled\":false"), "{repaired}");
    assert_eq!(deliver(g, &path, &secret), 403);
    Ok(())
}

/// Regression: a move whose old-route delete failed left two live routes under one id,
/// and no later call removed the old one. Now the move commits at the object first;
/// whichever KV write fails, the next admin call finishes it.
fn interrupted_moves(world: &World) -> TestResult {
    let g = &world.faults;
    for fault in ["put-pointer", "put-route", "delete-route"] {
        let (id, old, secret) = webhook(g, "move");
        let new = format!("{old}-moved");
        let r = call_with_fault(
            g,
            "PATCH",
            &format!("/admin/v1/webhooks/{id}"),
            Some(&json!({"path": new})),
            fault,
        );
        r.assert_problem(503, "registry_unavailable");
        // The old path no longer delivers, whatever KV says: the object moved it.
        assert_eq!(
            deliver(g, &old, &secret),
            404,
            "{fault}: {old} must not deliver"
        );
        // Readable, and this access repairs KV to the committed state.
        let found = get(g, &id);
        assert_eq!(found.status, 200, "{fault}: {}", found.body);
        assert_eq!(found.json()["path"], new.as_str(), "{fault}");
        assert_eq!(
            deliver(g, &new, &secret),
            202,
            "{fault}: {new} must deliver"
        );
        assert_eq!(deliver(g, &old, &secret), 404, "{fault}: {old} must not");
        assert_eq!(listed(g, &id), 1, "{fault}: listed once");
        assert!(
            raw_get(g, &format!("route:{old}")).is_none(),
            "{fault}: old route left"
        );
        // The pointer drops its `retired` list at the access after the one that moved
        // (never two writes to one key in one call: KV rate-limits that).
        assert_eq!(get(g, &id).status, 200);
        let pointer = raw_get(g, &format!("webhook:{id}")).unwrap();
        assert!(
            !pointer.contains("retired"),
            "{fault}: repaired pointer {pointer}"
        );
    }
    Ok(())
}

fn failed_create(world: &World) -> TestResult {
    let g = &world.faults;
    for fault in ["put-pointer", "put-route"] {
        let path = format!("/reg/{}", unique("create"));
        let spec = json!({"path": path, "auth": {"scheme": "hmac-sha256-hex"}, "target": {"queue": "EVENTS"}});
        let r = call_with_fault(g, "POST", "/admin/v1/webhooks", Some(&spec), fault);
        r.assert_problem(503, "registry_unavailable");
        let all = Admin::of(g).call("GET", "/admin/v1/webhooks", None).json();
        assert!(
            !all["webhooks"]
                .as_array()
                .unwrap()
                .iter()
                .any(|w| w["path"] == path.as_str()),
            "{fault}: a failed create is listed"
        );
        assert_eq!(
            send("POST", &g.url(&path), &[], b"{}").status,
            404,
            "{fault}"
        );
        let created = Admin::of(g).create(spec);
        remember_secret(created["secret"].as_str().unwrap());
    }
    Ok(())
}

fn failed_pointer_delete(world: &World) -> TestResult {
    let g = &world.faults;
    let (id, path, secret) = webhook(g, "delete");
    let r = call_with_fault(
        g,
        "DELETE",
        &format!("/admin/v1/webhooks/{id}"),
        None,
        "delete-pointer",
    );
    assert_eq!(r.status, 204, "{}", r.body);
    get(g, &id).assert_problem(404, "not_found");
    assert_eq!(deliver(g, &path, &secret), 404);
    assert_eq!(listed(g, &id), 0);
    // A failed route delete: the object already refuses, and the next call finishes it.
    let (id, path, secret) = webhook(g, "delete");
    call_with_fault(
        g,
        "DELETE",
        &format!("/admin/v1/webhooks/{id}"),
        None,
        "delete-route",
    )
    .assert_problem(503, "registry_unavailable");
    assert!(
        raw_get(g, &format!("route:{path}")).is_some(),
        "KV still routes it"
    );
    assert_eq!(deliver(g, &path, &secret), 404);
    get(g, &id).assert_problem(404, "not_found");
    assert!(
        raw_get(g, &format!("route:{path}")).is_none(),
        "the repair removes the route"
    );
    assert_eq!(listed(g, &id), 0);
    Ok(())
}

fn stripe_header(secret: &str, ts: u64, body: &[u8]) -> String {
    let mut content = format!("{ts}.").into_bytes();
    content.extend_from_slice(body);
    format!(
        "t={ts},v1={}",
        hex::encode(hmac_sha256(secret.as_bytes(), &content))
    )
}

/// Regression: a record read from KV was trusted as stored, so a hand-edited
/// `tolerance_s` of 10^12 silently removed replay protection.
fn hand_edited_record(world: &World) -> TestResult {
    let g = &world.faults;
    let path = format!("/reg/{}", unique("stripe"));
    let secret = "whsec_hand_edited_0001";
    remember_secret(secret);
    Admin::of(g).create(json!({
        "path": path, "auth": {"scheme": "stripe", "secret": secret}, "target": {"queue": "EVENTS"},
    }));
    let body = br#"{"id":"evt_old","type":"invoice.paid"}"#;
    let two_hours_ago = hookgate_harness::senders::now_secs() - 7200;
    let stale = stripe_header(secret, two_hours_ago, body);
    let post = |sig: &str| send("POST", &g.url(&path), &[("Stripe-Signature", sig)], body);
    post(&stale).assert_problem(401, "timestamp_out_of_tolerance");

    let key = format!("route:{path}");
    let mut record: Value = serde_json::from_str(&raw_get(g, &key).unwrap()).unwrap();
    record["auth"]["tolerance_s"] = json!(1_000_000_000_000u64);
    raw_put(g, &key, &record.to_string());
    let r = post(&stale);
    let problem = r.assert_problem(500, "webhook_misconfigured");
    for internal in ["tolerance", "86400", "serde", "auth."] {
        assert!(
            !r.body.contains(internal),
            "{internal} reached the sender: {}",
            r.body
        );
    }
    assert!(problem["detail"].as_str().unwrap().contains("operator"));
    // A fresh, correctly signed event is refused too: the record is unusable as a whole.
    let fresh = stripe_header(secret, hookgate_harness::senders::now_secs(), body);
    post(&fresh).assert_problem(500, "webhook_misconfigured");
    // The operator's log says why.
    assert!(
        logged_soon(g, |l| l.contains("record_unusable")
            && l.contains("auth.tolerance_s")),
        "no log line names the broken rule"
    );
    // The list still answers, names the unusable webhook apart, and shows the rest.
    let (listed_ids, unreadable) = whole_list(g);
    assert!(
        unreadable.contains(&(path.clone(), "webhook_misconfigured".to_string())),
        "{path} is not listed as unreadable: {unreadable:?}"
    );
    assert!(!listed_ids.is_empty(), "the other webhooks are not listed");
    record["auth"]["tolerance_s"] = json!(300);
    raw_put(g, &key, &record.to_string());
    Ok(())
}

/// The runtime's output reaches us through wrangler's pipe, possibly after the answer:
/// waits up to five seconds for a matching line.
fn logged_soon(g: &hookgate_harness::gateway::Gateway, matches: impl Fn(&str) -> bool) -> bool {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        if g.output().iter().any(|l| matches(l)) {
            return true;
        }
        if std::time::Instant::now() > deadline {
            return false;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

fn no_internal_detail(world: &World) -> TestResult {
    let g = &world.faults;
    let path = format!("/reg/{}", unique("internal"));
    let created = Admin::of(g).create(json!({
        "path": path, "auth": {"scheme": "hmac-sha256-hex"}, "target": {"queue": "EVENTS"},
    }));
    let secret = created["secret"].as_str().unwrap().to_string();
    remember_secret(&secret);
    let key = format!("route:{path}");
    let stored: Value = serde_json::from_str(&raw_get(g, &key).unwrap()).unwrap();

    // A queue binding this deployment does not have.
    let mut no_binding = stored.clone();
    no_binding["target"]["queue"] = json!("NOPE_QUEUE_BINDING");
    raw_put(g, &key, &no_binding.to_string());
    let r = {
        let body = b"{}";
        send(
            "POST",
            &g.url(&path),
            &[("X-Webhook-Signature", &hmac_hex(&secret, body))],
            body,
        )
    };
    r.assert_problem(500, "webhook_misconfigured");
    assert!(!r.body.contains("NOPE_QUEUE_BINDING"), "{}", r.body);
    assert!(
        logged_soon(g, |l| l.contains("binding_missing")
            && l.contains("NOPE_QUEUE_BINDING")),
        "no log line names the missing binding"
    );

    // A scheme this version does not know: serde's message stays in the log.
    let mut unknown = stored.clone();
    unknown["auth"]["scheme"] = json!("carrier-pigeon");
    raw_put(g, &key, &unknown.to_string());
    let r = send("POST", &g.url(&path), &[], b"{}");
    r.assert_problem(500, "webhook_misconfigured");
    for internal in ["carrier-pigeon", "unknown variant", "line", "column"] {
        assert!(!r.body.contains(internal), "{internal}: {}", r.body);
    }
    raw_put(g, &key, &stored.to_string());
    Ok(())
}

fn scheme_change_resets(world: &World) -> TestResult {
    let admin = Admin::of(&world.gateway);
    let created = admin.create(json!({
        "path": format!("/reg/{}", unique("scheme")),
        "auth": {"scheme": "stripe", "secret": "whsec_scheme_change_01", "tolerance_s": 86400},
        "target": {"queue": "EVENTS"},
    }));
    remember_secret("whsec_scheme_change_01");
    assert_eq!(created["auth"]["tolerance_s"], 86400);
    let id = created["id"].as_str().unwrap();
    let r = admin.call(
        "PATCH",
        &format!("/admin/v1/webhooks/{id}"),
        Some(&json!({"auth": {"scheme": "slack"}})),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["auth"]["scheme"], "slack");
    assert_eq!(
        r.json()["auth"]["tolerance_s"],
        300,
        "Slack's window, not Stripe's override"
    );
    Ok(())
}

/// Every test-only switch of the fault build, by the text that turns it on: the KV fault
/// header and the raw KV, R2, queue and storage-count routes (`src/faults.rs`), the
/// hand-over and guard fault headers (`src/guard/`), the guard's fault names, and the
/// header that sends fetched keys to a local server (`src/keys.rs`). Each
/// must be in the fault build's wasm (or looking for it proves nothing) and in none of
/// the release's.
fn release_has_no_fault_switch(_: &World) -> TestResult {
    let read = |dir: &str| std::fs::read(repo_root().join(dir).join("index_bg.wasm")).unwrap();
    let (faults, release) = (read("build-faults"), read("build"));
    let contains =
        |hay: &[u8], needle: &str| hay.windows(needle.len()).any(|w| w == needle.as_bytes());
    for switch in [
        FAULT,
        "x-hookgate-test-fail-handover",
        "x-hookgate-test-guard-fault",
        "/admin/test/kv/",
        "/admin/test/r2/",
        "/admin/test/queue/",
        "/admin/test/storage-calls/",
        "slow-fail-handover-ms=",
        "namespace-answer-lost",
        "lose-answer",
        // Fetched keys from a local server instead of the providers' hosts (src/keys.rs).
        "x-hookgate-test-key-origin",
    ] {
        assert!(
            contains(&faults, switch),
            "the test build must carry {switch:?} (or this check proves nothing)"
        );
        assert!(
            !contains(&release, switch),
            "the release wasm carries the test-only switch {switch:?}"
        );
    }
    Ok(())
}
