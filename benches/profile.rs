//! Where the accepted path's CPU goes, from the runtime itself: a V8 CPU profile of the
//! release Worker (with its function names, `build-profile/`) in workerd while the load
//! generator sends signed 1 KiB deliveries, taken through wrangler's DevTools inspector.
//!
//! Run it with `bash scripts/profile.sh`. Prints the self time by function and by
//! crate (wasm) or layer (JS glue, runtime), and writes the raw profile to
//! `target/profile/<case>.cpuprofile` (open it in Chrome's DevTools, Performance tab).
//! Knobs: HOOKGATE_PROFILE_CASE (accepted, duplicate, bad-signature or unknown-path; default
//! accepted), HOOKGATE_PROFILE_SECS (default 8), HOOKGATE_BENCH_CONNECTIONS (8).

// Shared with the load bench, which uses more of it (spread and one-connection cases).
#[cfg(not(target_arch = "wasm32"))]
#[allow(dead_code)]
mod load;

fn main() {
    #[cfg(not(target_arch = "wasm32"))]
    run::main();
}

#[cfg(not(target_arch = "wasm32"))]
mod run {
    use super::load::{drive, Case};
    use hookgate_harness::client::{hmac_hex, Admin};
    use hookgate_harness::gateway::{derived_config, repo_root, Gateway, TempDir};
    use serde_json::{json, Value};
    use std::collections::HashMap;
    use std::time::Duration;
    use tungstenite::{connect, Message};

    const TOKEN: &str = "profile-admin-token-3c9e51a0d7f2486b";
    const SECRET: &str = "profile-secret-0123456789";
    /// bench/baselines/shared-front.js's.
    const NAIVE_SECRET: &str = "bench-secret-0123456789";

    fn env_u64(name: &str, default: u64) -> u64 {
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    }

    /// A DevTools session on the Worker's isolate.
    struct Inspector {
        socket: tungstenite::WebSocket<tungstenite::stream::MaybeTlsStream<std::net::TcpStream>>,
        next_id: u64,
    }

    impl Inspector {
        fn open(port: u16) -> Inspector {
            // wrangler lists the Worker's targets at /json.
            let listing = ureq::get(&format!("http://127.0.0.1:{port}/json"))
                .call()
                .expect("wrangler's inspector answers /json")
                .into_string()
                .expect("/json is text");
            let targets: Value = serde_json::from_str(&listing).expect("/json is JSON");
            let url = targets[0]["webSocketDebuggerUrl"]
                .as_str()
                .unwrap_or_else(|| panic!("no inspector target in {targets}"))
                .to_string();
            let (socket, _) = connect(url.as_str()).expect("the inspector accepts a session");
            Inspector { socket, next_id: 1 }
        }

        /// Sends one command and waits for its answer, skipping events.
        fn call(&mut self, method: &str, params: Value) -> Value {
            let id = self.next_id;
            self.next_id += 1;
            let msg = json!({"id": id, "method": method, "params": params}).to_string();
            self.socket.send(Message::text(msg)).expect("sends");
            loop {
                let Message::Text(text) = self.socket.read().expect("reads") else {
                    continue;
                };
                let v: Value = serde_json::from_str(&text).expect("inspector JSON");
                if v["id"].as_u64() == Some(id) {
                    if let Some(e) = v.get("error") {
                        panic!("{method}: {e}");
                    }
                    return v["result"].clone();
                }
            }
        }
    }

    /// Who a function belongs to: its crate for Rust compiled to wasm, else the layer.
    fn owner(function: &str, url: &str) -> String {
        if function.starts_with('(') && !function.starts_with("(anonymous") {
            return function.to_string(); // (idle), (program), (garbage collector)
        }
        if function.contains("::") || url.starts_with("wasm://") {
            let trimmed = function
                .trim_start_matches(['<', '&'])
                .trim_start_matches("mut ");
            let krate = trimmed.split("::").next().unwrap_or(trimmed);
            return format!("wasm: {}", krate.split('[').next().unwrap_or(krate));
        }
        if url.ends_with("index.js") {
            // wrangler bundles the wasm-bindgen glue with its own dev shims.
            return "JS: the Worker's bundle (wasm-bindgen glue, wrangler's shims)".into();
        }
        if url.is_empty() {
            return "JS: runtime built-ins".into();
        }
        "JS: wrangler/miniflare shims".into()
    }

    fn table(title: &str, rows: &HashMap<String, f64>, total: f64, n: usize) {
        let mut rows: Vec<(&String, &f64)> = rows.iter().collect();
        rows.sort_by(|a, b| b.1.total_cmp(a.1));
        println!("\n| {title} | self ms | share |\n|---|---:|---:|");
        for (name, ms) in rows.into_iter().take(n) {
            let name: String = name.chars().take(110).collect();
            println!("| `{name}` | {ms:.1} | {:.1}% |", 100.0 * ms / total);
        }
    }

    pub fn main() {
        let secs = env_u64("HOOKGATE_PROFILE_SECS", 8);
        let connections = env_u64("HOOKGATE_BENCH_CONNECTIONS", 8) as usize;
        let root = repo_root();
        let dir = TempDir::new("profile");
        // HOOKGATE_PROFILE_WORKER=naive profiles the naive JS Worker of the load bench
        // (bench/baselines/naive.js) on the same case instead: the same measure for the
        // Worker a user would write, so the two are compared per request.
        let worker = std::env::var("HOOKGATE_PROFILE_WORKER").unwrap_or_else(|_| "hookgate".into());
        let (gateway, path, secret) = match worker.as_str() {
            "hookgate" => {
                let config = derived_config(&dir, "build-profile", false);
                let gateway = Gateway::start_with(Some(&config), Some(TOKEN), &[]);
                let hook = Admin {
                    gateway: &gateway,
                    token: TOKEN.into(),
                }
                .create(json!({
                    "path": "/hooks/profile",
                    "auth": {"scheme": "hmac-sha256-hex", "secret": SECRET},
                    "target": {"queue": "EVENTS"},
                    "rate_limit": {"limit": 10000, "window_s": 1},
                }));
                let path = hook["path"].as_str().unwrap().to_string();
                (gateway, path, SECRET)
            }
            "naive" => {
                let toml = root.join("bench/baselines/naive.toml");
                let gateway = Gateway::start_with(Some(&toml), None, &[]);
                (gateway, "/hooks/bench".to_string(), NAIVE_SECRET)
            }
            other => panic!("HOOKGATE_PROFILE_WORKER={other}: hookgate or naive"),
        };
        let counter = std::sync::atomic::AtomicU64::new(0);
        let case_name =
            std::env::var("HOOKGATE_PROFILE_CASE").unwrap_or_else(|_| "accepted".into());
        let url = gateway.url(&path);
        let body_of = |n: u64| {
            let mut body =
                format!(r#"{{"event":"deploy.finished","n":{n},"payload":""#).into_bytes();
            body.resize(1022, b'x');
            body.extend_from_slice(br#""}"#);
            body
        };
        let case = match case_name.as_str() {
            "accepted" => Case::new("accepted 1 KiB", url, 202, move || {
                // Distinct bodies: identical ones would be answered as duplicates.
                let n = counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let body = body_of(n);
                let sig = hmac_hex(secret, &body);
                (vec![("X-Webhook-Signature".to_string(), sig)], body)
            }),
            "duplicate" => Case::new("duplicate 1 KiB", url, 202, move || {
                // One delivery, sent again and again: every request after the first is
                // answered from the object's memory as a replay.
                let body = body_of(0);
                let sig = hmac_hex(secret, &body);
                (
                    vec![
                        ("X-Webhook-Signature".to_string(), sig),
                        (
                            "Idempotency-Key".to_string(),
                            "profile-duplicate".to_string(),
                        ),
                    ],
                    body,
                )
            }),
            "bad-signature" => Case::new("bad signature", url, 401, move || {
                let body = body_of(0);
                let sig = hmac_hex("not-the-secret-at-all", &body);
                (vec![("X-Webhook-Signature".to_string(), sig)], body)
            }),
            "unknown-path" => Case::new(
                "unknown path",
                gateway.url("/hooks/profile-nothing-here"),
                404,
                move || (vec![], body_of(0)),
            ),
            other => panic!(
                "HOOKGATE_PROFILE_CASE={other}: accepted, duplicate, bad-signature or unknown-path"
            ),
        };
        // Warm the isolate and the object first, then profile a steady state.
        drive(&case, connections, Duration::from_secs(2), u64::MAX);
        let mut inspector = Inspector::open(gateway.inspector);
        inspector.call("Profiler.enable", json!({}));
        inspector.call("Profiler.setSamplingInterval", json!({"interval": 200}));
        inspector.call("Profiler.start", json!({}));
        let stats = drive(&case, connections, Duration::from_secs(secs), u64::MAX);
        let profile = inspector.call("Profiler.stop", json!({}))["profile"].clone();
        // Anonymous functions are named by where they are and how their text starts:
        // wasm-bindgen's imports (every call from wasm into JS) and the build's shim
        // are anonymous in the bundle, and the text says which call each one is.
        inspector.call("Debugger.enable", json!({}));
        let mut sources: HashMap<String, String> = HashMap::new();

        let which = if worker == "hookgate" {
            case_name.clone()
        } else {
            format!("{worker}-{case_name}")
        };
        let out = root.join("target/profile");
        std::fs::create_dir_all(&out).unwrap();

        // Self time per node: each sample is charged the time delta that follows it.
        let nodes = profile["nodes"].as_array().cloned().unwrap_or_default();
        let frame: HashMap<u64, (String, String)> = nodes
            .iter()
            .map(|n| {
                let f = &n["callFrame"];
                let mut name = f["functionName"].as_str().unwrap_or("").to_string();
                let url = f["url"].as_str().unwrap_or("").to_string();
                let script = f["scriptId"].as_str().unwrap_or("").to_string();
                if name.is_empty() && url.ends_with("index.js") {
                    let source = sources.entry(script.clone()).or_insert_with(|| {
                        inspector.call("Debugger.getScriptSource", json!({"scriptId": script}))
                            ["scriptSource"]
                            .as_str()
                            .unwrap_or("")
                            .to_string()
                    });
                    let (line, column) = (
                        f["lineNumber"].as_u64().unwrap_or(0) as usize,
                        f["columnNumber"].as_u64().unwrap_or(0) as usize,
                    );
                    let text: String = source
                        .lines()
                        .nth(line)
                        .map(|l| l.chars().skip(column).take(90).collect())
                        .unwrap_or_default();
                    name = format!("(anonymous {line}:{column}) {text}");
                }
                (n["id"].as_u64().unwrap(), (name, url))
            })
            .collect();
        std::fs::write(out.join(format!("{which}.cpuprofile")), profile.to_string()).unwrap();
        // The bundle as the runtime ran it, to read the anonymous functions' lines in.
        for (script, source) in &sources {
            std::fs::write(out.join(format!("{which}.script-{script}.js")), source).unwrap();
        }
        let samples = profile["samples"].as_array().cloned().unwrap_or_default();
        let deltas = profile["timeDeltas"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let mut by_function: HashMap<String, f64> = HashMap::new();
        let mut by_owner: HashMap<String, f64> = HashMap::new();
        let mut total = 0.0;
        for (i, s) in samples.iter().enumerate() {
            let ms = deltas.get(i + 1).and_then(Value::as_f64).unwrap_or(0.0) / 1000.0;
            let (function, url) = &frame[&s.as_u64().unwrap()];
            *by_owner.entry(owner(function, url)).or_default() += ms;
            let function = if function.is_empty() {
                format!("(anonymous) {url}")
            } else {
                function.clone()
            };
            *by_function.entry(function).or_default() += ms;
            total += ms;
        }
        let busy = total - by_owner.get("(idle)").copied().unwrap_or(0.0);
        println!(
            "\nCPU profile of {}: {secs} s, {} requests ({:.0} req/s, p50 {:?}, p99 {:?}, max {:?}), \
             {} samples, {total:.0} ms sampled of which {busy:.0} ms busy ({:.0} us of the \
             isolate's CPU per request); written to target/profile/{which}.cpuprofile",
            case.name,
            stats.requests,
            stats.rps,
            stats.p50,
            stats.p99,
            stats.max,
            samples.len(),
            1000.0 * busy / stats.requests as f64
        );
        assert_eq!(
            stats.unexpected, 0,
            "answers other than the case's status: the profile would not be of its path"
        );
        table("owner (self time)", &by_owner, total, 20);
        table("function (self time)", &by_function, total, 30);
    }
}
