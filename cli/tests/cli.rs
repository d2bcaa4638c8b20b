//! The `hookgate` binary end to end: against the real gateway in workerd (started by
//! the shared harness from `build/`), and `validate` offline. The binary is the one
//! cargo built for this crate, run as a user would, with its exit codes and output.

#![cfg(not(target_arch = "wasm32"))]

use hookgate_harness::gateway::Gateway;
use hookgate_harness::origin::{OriginServer, Reply};
use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const TOKEN: &str = "cli-e2e-admin-token-7c2e0123456789abcdef";

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn ok(self) -> Run {
        assert_eq!(
            self.code, 0,
            "stdout: {}\nstderr: {}",
            self.stdout, self.stderr
        );
        self
    }
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.stdout))
    }
}

fn scratch(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("hookgate-cli-test-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The binary with a clean environment for the connection: only what `env` says.
fn cli(env: &[(&str, &str)], args: &[&str], stdin: Option<&str>) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_hookgate"));
    cmd.args(args)
        .env_remove("HOOKGATE_URL")
        .env_remove("HOOKGATE_TOKEN")
        .env_remove("HOOKGATE_PROFILE")
        .env_remove("HOOKGATE_SECRET")
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("the hookgate binary runs");
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
    }
    let Output {
        status,
        stdout,
        stderr,
    } = child.wait_with_output().unwrap();
    Run {
        code: status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&stdout).into_owned(),
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
    }
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

#[test]
fn validate_checks_a_file_offline_and_names_the_field() {
    let dir = scratch("validate");
    let valid = write(
        &dir,
        "valid.toml",
        r#"
[[webhook]]
name = "deploys"
path = "/hooks/deploys"
[webhook.auth]
scheme = "stripe"
secret_env = "HOOKGATE_TEST_UNSET_SECRET"
[webhook.target]
queue = "EVENTS"
"#,
    );
    let r = cli(&[], &["validate", "-f", &valid], None).ok();
    assert!(r.stdout.contains("1 webhook(s), valid"), "{}", r.stdout);
    assert!(
        r.stderr.contains("HOOKGATE_TEST_UNSET_SECRET is not set"),
        "{}",
        r.stderr
    );

    for (name, text, field) in [
        (
            "bad-path",
            "[[webhook]]\nname = \"a\"\npath = \"no-slash\"\n[webhook.target]\nqueue = \"EVENTS\"\n",
            "webhook[0] (a).path",
        ),
        (
            "bad-scheme",
            "[[webhook]]\nname = \"a\"\npath = \"/a\"\n[webhook.auth]\nscheme = \"rot13\"\n[webhook.target]\nqueue = \"EVENTS\"\n",
            "webhook[0] (a)",
        ),
        (
            "no-target",
            "[[webhook]]\nname = \"a\"\npath = \"/a\"\n",
            "webhook[0] (a).target",
        ),
        (
            "http-origin",
            "[[webhook]]\nname = \"a\"\npath = \"/a\"\n[webhook.auth]\nscheme = \"stripe\"\n[webhook.target.origin]\nurl = \"http://example.com/x\"\n",
            "webhook[0] (a).target.origin.url",
        ),
        (
            "secret-in-file",
            "[[webhook]]\nname = \"a\"\npath = \"/a\"\n[webhook.auth]\nsecret = \"do-not-write-me-here\"\n[webhook.target]\nqueue = \"EVENTS\"\n",
            "webhook[0] (a).auth.secret",
        ),
        (
            "duplicate",
            "[[webhook]]\nname = \"a\"\npath = \"/a\"\n[webhook.target]\nqueue = \"EVENTS\"\n[[webhook]]\nname = \"a\"\npath = \"/b\"\n[webhook.target]\nqueue = \"EVENTS\"\n",
            "webhook[1].name",
        ),
        ("no-name", "[[webhook]]\npath = \"/a\"\n", "webhook[0].name"),
        (
            "unknown-field",
            "[[webhook]]\nname = \"a\"\npath = \"/a\"\ncolour = \"red\"\n",
            "colour",
        ),
    ] {
        let file = write(&dir, &format!("{name}.toml"), text);
        let r = cli(&[], &["validate", "-f", &file], None);
        assert_eq!(r.code, 1, "{name}: {} {}", r.stdout, r.stderr);
        assert!(r.stderr.contains(field), "{name}: want {field} in {}", r.stderr);
        assert!(!r.stderr.contains("do-not-write-me-here"), "{name}: {}", r.stderr);
    }
    // Usage errors exit 2.
    assert_eq!(cli(&[], &["validate", "--no-such-flag"], None).code, 2);
    assert_eq!(
        cli(&[], &["webhooks", "list"], None).code,
        2,
        "no connection is usage"
    );
}

fn wait_for(what: &str, within: Duration, mut f: impl FnMut() -> bool) {
    let deadline = Instant::now() + within;
    while !f() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(250));
    }
}

#[test]
fn the_cli_operates_a_real_gateway() {
    let gateway = Gateway::start_with(None, Some(TOKEN), &[("ALLOW_INSECURE_ORIGINS", "true")]);
    // The runtime may take a moment after "Ready" to serve the Worker itself.
    wait_for("the gateway to answer", Duration::from_secs(30), || {
        std::panic::catch_unwind(|| {
            hookgate_harness::client::send("GET", &gateway.url("/admin/v1/openapi.json"), &[], b"")
        })
        .is_ok_and(|r| r.status == 200)
    });
    let dir = scratch("gateway");
    let profile = dir.join("profile.toml").display().to_string();
    let env = [("HOOKGATE_PROFILE", profile.as_str())];

    // login: checked, kept with mode 0600, the token never printed.
    let r = cli(
        &env,
        &["login", "--url", &gateway.base],
        Some(&format!("{TOKEN}\n")),
    )
    .ok();
    assert!(!r.stdout.contains(TOKEN) && !r.stderr.contains(TOKEN));
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&profile).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    let bad = cli(
        &env,
        &["login", "--url", &gateway.base, "--token", "wrong"],
        None,
    );
    assert_eq!(bad.code, 1);
    assert!(bad.stderr.contains("code: unauthorized"), "{}", bad.stderr);

    // From here on the profile is the connection.
    let run = |args: &[&str]| cli(&env, args, None);

    // create / list / get; a refusal exits 1 with its code.
    let created = run(&[
        "--json",
        "webhooks",
        "create",
        "--name",
        "manual",
        "--path",
        "/cli/manual",
        "--scheme",
        "hmac-sha256-hex",
        "--queue",
        "EVENTS",
    ])
    .ok()
    .json();
    let manual_secret = created["secret"].as_str().unwrap().to_string();
    let list = run(&["webhooks", "list"]).ok();
    assert!(
        list.stdout.contains("manual") && list.stdout.contains("/cli/manual"),
        "{}",
        list.stdout
    );
    assert!(!list.stdout.contains(&manual_secret));
    let got = run(&["--json", "webhooks", "get", "/cli/manual"])
        .ok()
        .json();
    assert_eq!(got["id"], created["id"]);
    let missing = run(&["webhooks", "get", "wh_000000000000000000000000"]);
    assert_eq!(missing.code, 1);
    assert!(
        missing.stderr.contains("code: not_found"),
        "{}",
        missing.stderr
    );
    let conflict = run(&[
        "webhooks",
        "create",
        "--path",
        "/cli/manual",
        "--scheme",
        "hmac-sha256-hex",
        "--queue",
        "EVENTS",
    ]);
    assert_eq!(conflict.code, 1);
    assert!(
        conflict.stderr.contains("code: path_conflict"),
        "{}",
        conflict.stderr
    );
    run(&["webhooks", "disable", "manual"]).ok();
    assert_eq!(
        run(&["--json", "webhooks", "get", "manual"]).ok().json()["enabled"],
        false
    );
    run(&["webhooks", "enable", "manual"]).ok();

    // Webhooks as code: apply creates, a second apply changes nothing, plan shows a diff.
    let secrets = [
        ("CLI_STRIPE_SECRET", "whsec_c3RyaXBlLXRlc3Qtc2VjcmV0LTAx"),
        ("CLI_SLACK_SECRET", "slack-signing-secret-for-the-cli"),
        ("CLI_TWILIO_SECRET", "twilio-auth-token-for-the-cli-01"),
        ("CLI_SHOPIFY_SECRET", "shopify-secret-for-the-cli-test1"),
    ];
    let mut file = String::new();
    for (scheme, var) in [
        ("stripe", "CLI_STRIPE_SECRET"),
        ("slack", "CLI_SLACK_SECRET"),
        ("twilio", "CLI_TWILIO_SECRET"),
        ("shopify", "CLI_SHOPIFY_SECRET"),
    ] {
        file.push_str(&format!(
            "[[webhook]]\nname = \"{scheme}-events\"\npath = \"/cli/{scheme}\"\n[webhook.auth]\nscheme = \"{scheme}\"\nsecret_env = \"{var}\"\n[webhook.target]\nqueue = \"EVENTS\"\n\n"
        ));
    }
    let hooks_file = write(&dir, "hookgate.toml", &file);
    let mut apply_env: Vec<(&str, &str)> = env.to_vec();
    apply_env.extend(secrets);
    let first = cli(&apply_env, &["--json", "apply", "-f", &hooks_file], None)
        .ok()
        .json();
    assert_eq!(first["applied"].as_array().unwrap().len(), 4, "{first}");
    let again = cli(&apply_env, &["--json", "apply", "-f", &hooks_file], None)
        .ok()
        .json();
    assert_eq!(
        again["applied"],
        serde_json::json!([]),
        "a second apply changed something: {again}"
    );
    assert_eq!(again["unchanged"].as_array().unwrap().len(), 4);
    let file_text = std::fs::read_to_string(&hooks_file).unwrap();
    for (_, secret) in secrets {
        assert!(!file_text.contains(secret));
    }
    // A change to the file: the plan names the field; --prune would delete "manual".
    let changed = write(
        &dir,
        "changed.toml",
        &file.replacen("/cli/stripe", "/cli/stripe-v2", 1),
    );
    let plan = cli(&apply_env, &["plan", "--prune", "-f", &changed], None).ok();
    assert!(
        plan.stdout.contains("~ change stripe-events"),
        "{}",
        plan.stdout
    );
    assert!(
        plan.stdout
            .contains("path: \"/cli/stripe\" -> \"/cli/stripe-v2\""),
        "{}",
        plan.stdout
    );
    assert!(plan.stdout.contains("- delete manual"), "{}", plan.stdout);
    assert!(
        plan.stdout
            .contains("Plan: 0 to create, 1 to change, 1 to delete, 3 unchanged."),
        "{}",
        plan.stdout
    );
    for (_, secret) in secrets {
        assert!(!plan.stdout.contains(secret) && !plan.stderr.contains(secret));
    }
    cli(&apply_env, &["apply", "-f", &changed], None).ok();
    let after = cli(&apply_env, &["--json", "plan", "-f", &changed], None)
        .ok()
        .json();
    assert_eq!(after["change"], serde_json::json!([]), "{after}");

    // send: signed for each scheme by the core's signer, accepted; a wrong secret refused.
    let body = write(&dir, "event.json", r#"{"event":"cli.test","n":1}"#);
    let form = write(&dir, "event.form", "CallSid=CA123&From=%2B15550001");
    for (name, secret, data) in [
        ("stripe-events", secrets[0].1, &body),
        ("slack-events", secrets[1].1, &body),
        ("twilio-events", secrets[2].1, &form),
        ("shopify-events", secrets[3].1, &body),
        ("manual", manual_secret.as_str(), &body),
    ] {
        let sent = run(&[
            "--json",
            "send",
            name,
            "--data",
            &format!("@{data}"),
            "--secret",
            secret,
            "-H",
            "X-Trace: cli",
        ]);
        assert_eq!(sent.code, 0, "{name}: {} {}", sent.stdout, sent.stderr);
        assert_eq!(sent.json()["status"], 202, "{name}: {}", sent.stdout);
    }
    // The secret from stdin; a wrong one is refused with the gateway's code.
    let piped = cli(
        &env,
        &["send", "manual", "--data", &format!("@{body}")],
        Some(&format!("{manual_secret}\n")),
    );
    assert_eq!(piped.code, 0, "{} {}", piped.stdout, piped.stderr);
    let wrong = run(&[
        "send",
        "manual",
        "--data",
        &format!("@{body}"),
        "--secret",
        "not-the-secret",
    ]);
    assert_eq!(wrong.code, 1, "{} {}", wrong.stdout, wrong.stderr);
    assert!(
        wrong.stderr.contains("code: signature_mismatch"),
        "{}",
        wrong.stderr
    );

    // tail: follows what arrives after it started.
    let mut tail = Command::new(env!("CARGO_BIN_EXE_hookgate"))
        .args([
            "--json",
            "tail",
            "manual",
            "--count",
            "1",
            "--interval-ms",
            "200",
        ])
        .env("HOOKGATE_PROFILE", &profile)
        .env_remove("HOOKGATE_URL")
        .env_remove("HOOKGATE_TOKEN")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_secs(2));
    let fresh = write(&dir, "fresh.json", r#"{"event":"cli.tail"}"#);
    run(&[
        "send",
        "manual",
        "--data",
        &format!("@{fresh}"),
        "--secret",
        &manual_secret,
    ])
    .ok();
    let deadline = Instant::now() + Duration::from_secs(20);
    while tail.try_wait().unwrap().is_none() {
        assert!(
            Instant::now() < deadline,
            "tail never printed the new delivery"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let out = tail.wait_with_output().unwrap();
    assert!(out.status.success());
    let line: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(line["outcome"], "accepted", "{line}");
    assert_eq!(line["status"], 202);
    assert!(line["latency_ms"].is_u64() && line["idempotency_key"].is_string());

    // Bulk replay: dead letters of an origin that failed, then recovered, replayed to
    // completion with progress; each delivered once by the replay.
    let origin = OriginServer::start();
    origin.script("/cli-origin", vec![Reply::status(503); 3]);
    let spec = format!(
        r#"{{"name":"to-origin","path":"/cli/origin","auth":{{"scheme":"hmac-sha256-hex"}},"target":{{"origin":{{"url":"{}","max_attempts":1}}}}}}"#,
        origin.url("/cli-origin")
    );
    let o = run(&["--json", "webhooks", "create", "--spec", &spec])
        .ok()
        .json();
    let o_secret = o["secret"].as_str().unwrap().to_string();
    let mut ids = Vec::new();
    for n in 0..3 {
        let data = write(&dir, &format!("o{n}.json"), &format!(r#"{{"n":{n}}}"#));
        let sent = run(&[
            "--json",
            "send",
            "to-origin",
            "--data",
            &format!("@{data}"),
            "--secret",
            &o_secret,
        ])
        .ok()
        .json();
        ids.push(sent["body"]["id"].as_str().unwrap().to_string());
    }
    for id in &ids {
        wait_for("a dead letter", Duration::from_secs(30), || {
            run(&["--json", "deliveries", "show", "to-origin", id])
                .ok()
                .json()["state"]
                == "dead_lettered"
        });
    }
    let listed = run(&["deliveries", "list", "to-origin"]).ok();
    assert!(
        ids.iter().all(|id| listed.stdout.contains(id.as_str())),
        "{}",
        listed.stdout
    );
    let replayed = run(&[
        "deliveries",
        "replay",
        "to-origin",
        "--dead-lettered",
        "--since",
        "1h",
    ])
    .ok();
    assert!(
        replayed
            .stdout
            .contains("completed: 3 matched, 3 delivered, 0 failed"),
        "{}\n{}",
        replayed.stdout,
        replayed.stderr
    );
    std::thread::sleep(Duration::from_secs(1));
    let got = origin.received("/cli-origin");
    for id in &ids {
        let n = got
            .iter()
            .filter(|r| r.header("webhook-id") == Some(id.as_str()))
            .count();
        assert_eq!(n, 2, "{id}: the failed attempt and one replay");
    }

    // delete
    run(&["webhooks", "delete", "manual"]).ok();
    assert_eq!(run(&["webhooks", "get", "manual"]).code, 1);

    // No secret and no token ever reached the Worker's output.
    let logs = gateway.output().join("\n");
    for (_, secret) in secrets {
        assert!(!logs.contains(secret), "a secret reached the logs");
    }
    assert!(!logs.contains(&manual_secret) && !logs.contains(TOKEN));
}
