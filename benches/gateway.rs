//! The gateway's cost against the runtime's own ceiling, measured in one run.
//!
//! Starts, in workerd (`wrangler dev --local`), the release gateway (without the local
//! queue consumer, which is not part of ingress), a baseline Worker that answers a
//! constant 202 (the ceiling) and one that reads a KV key (the cheapest binding). Drives
//! each case with the same closed-loop load generator on loopback, bounded in time and
//! request count, and writes BENCHMARKS.md with every figure as a ratio to the ceiling
//! of the same run, plus the native core figures from `core/benches/hot_path.rs`.
//!
//! Run it with `bash scripts/bench.sh` (which also runs the criterion bench first).
//! Knobs: HOOKGATE_BENCH_SECS (per case, default 5), HOOKGATE_BENCH_CONNECTIONS (8),
//! HOOKGATE_BENCH_MAX_REQUESTS (per case, default 200000); for experiments,
//! HOOKGATE_BENCH_ONLY (name filters, comma-separated), HOOKGATE_BENCH_REQUEST_LOG (the REQUEST_LOG var)
//! and HOOKGATE_BENCH_OUT (report file instead of BENCHMARKS.md).

#[cfg(not(target_arch = "wasm32"))]
mod load;

fn main() {
    #[cfg(not(target_arch = "wasm32"))]
    run::main();
}

#[cfg(not(target_arch = "wasm32"))]
mod run {
    use super::load::{drive, Case, Stats};
    use hookgate_harness::client::{hmac_hex, Admin};
    use hookgate_harness::gateway::{derived_config, repo_root, Gateway, TempDir};
    use hookgate_harness::senders::providers;
    use serde_json::{json, Value};
    use std::fmt::Write as _;
    use std::sync::Arc;
    use std::time::Duration;

    const TOKEN: &str = "bench-admin-token-8a41f6c2e09d73b5";

    fn env_u64(name: &str, default: u64) -> u64 {
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    }

    fn json_body(size: usize) -> Vec<u8> {
        let head = br#"{"event":"deploy.finished","service":"api","payload":""#;
        let tail = br#""}"#;
        let mut body = head.to_vec();
        body.resize(size - tail.len(), b'x');
        body.extend_from_slice(tail);
        body
    }

    fn create(gw: &Gateway, spec: Value) -> Value {
        Admin {
            gateway: gw,
            token: TOKEN.into(),
        }
        .create(spec)
    }

    static NEXT_KEY: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

    /// How a case's requests are keyed for the webhook's guard.
    #[derive(Clone, Copy)]
    enum Keys {
        /// A new `Idempotency-Key` per request: every request is a new delivery.
        Fresh,
        /// The same key and body every time: after the first, every request is a
        /// duplicate, answered by replay.
        Same,
    }

    fn hmac_case(
        name: &str,
        url: String,
        secret: String,
        size: usize,
        tamper: bool,
        expect: u16,
    ) -> Case {
        keyed_case(name, url, secret, size, tamper, expect, Keys::Fresh)
    }

    fn keyed_case(
        name: &str,
        url: String,
        secret: String,
        size: usize,
        tamper: bool,
        expect: u16,
        keys: Keys,
    ) -> Case {
        use std::sync::atomic::Ordering;
        let body = Arc::new(json_body(size));
        let run = std::process::id();
        Case::new(name, url, expect, move || {
            let sig = hmac_hex(&secret, &body);
            let sig = if tamper {
                sig.replace(&sig[..2], "00")
            } else {
                sig
            };
            let key = match keys {
                // One counter for every case: keys must never repeat on one webhook, or
                // the guard rightly answers 422 (same key, other body).
                Keys::Fresh => format!("bench-{run}-{}", NEXT_KEY.fetch_add(1, Ordering::Relaxed)),
                Keys::Same => "bench-duplicate".to_string(),
            };
            (
                vec![
                    ("X-Webhook-Signature".into(), sig),
                    ("Idempotency-Key".into(), key),
                ],
                body.to_vec(),
            )
        })
    }

    fn cpu_model() -> String {
        std::fs::read_to_string("/proc/cpuinfo")
            .ok()
            .and_then(|s| {
                s.lines()
                    .find(|l| l.starts_with("model name"))
                    .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
            })
            .unwrap_or_else(|| "unknown CPU".into())
    }

    /// Mean time in ns of a criterion benchmark, if `cargo bench --bench hot_path` ran.
    fn criterion_mean(id: &str) -> Option<f64> {
        let path = repo_root()
            .join("target/criterion")
            .join(id)
            .join("new/estimates.json");
        let v: Value = serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()?;
        v["mean"]["point_estimate"].as_f64()
    }

    fn fmt_ms(d: Duration) -> String {
        format!("{:.2}", d.as_secs_f64() * 1000.0)
    }

    pub fn main() {
        let secs = env_u64("HOOKGATE_BENCH_SECS", 3);
        let rounds = env_u64("HOOKGATE_BENCH_ROUNDS", 3);
        let connections = env_u64("HOOKGATE_BENCH_CONNECTIONS", 16) as usize;
        let max_requests = env_u64("HOOKGATE_BENCH_MAX_REQUESTS", 200_000);
        let root = repo_root();
        let dir = TempDir::new("bench");
        let config = derived_config(&dir, "build", false);

        // HOOKGATE_BENCH_BEFORE=build-before: also a gateway from that build (a copy of
        // `build/` made at the commit to compare with), for the hot-webhook case.
        let before_dir = std::env::var("HOOKGATE_BENCH_BEFORE").ok();
        let before_config = before_dir
            .as_deref()
            .map(|d| derived_config(&dir, d, false));
        eprintln!("starting the gateway and the baselines in workerd...");
        let (gateway, quiet, ceiling, kv, naive, floor, refusal) = std::thread::scope(|s| {
            let g = s.spawn(|| Gateway::start_with(Some(&config), Some(TOKEN), &[]));
            let q = s.spawn(|| {
                Gateway::start_with(Some(&config), Some(TOKEN), &[("REQUEST_LOG", "off")])
            });
            let baseline = |name: &str| {
                let toml = root.join(format!("bench/baselines/{name}.toml"));
                s.spawn(move || Gateway::start_with(Some(&toml), None, &[]))
            };
            let (c, k, n, f, r) = (
                baseline("ceiling"),
                baseline("kv"),
                baseline("naive"),
                baseline("floor"),
                baseline("refusal"),
            );
            (
                g.join().unwrap(),
                q.join().unwrap(),
                c.join().unwrap(),
                k.join().unwrap(),
                n.join().unwrap(),
                f.join().unwrap(),
                r.join().unwrap(),
            )
        });
        let before = before_config
            .as_ref()
            .map(|c| Gateway::start_with(Some(c), Some(TOKEN), &[]));

        let main_hook = create(
            &gateway,
            json!({
                "path": "/hooks/bench", "max_body_bytes": 2 * 1024 * 1024,
                "auth": {"scheme": "hmac-sha256-hex", "secret": "bench-secret-0123456789"},
                "target": {"queue": "EVENTS"},
                // The load is far above a webhook's default 100/min: measure the path,
                // not the refusal.
                "rate_limit": {"limit": 10000, "window_s": 1},
            }),
        );
        // One delivery a day: after the first request every answer is 429.
        let limited_hook = create(
            &gateway,
            json!({
                "path": "/hooks/bench-limited",
                "auth": {"scheme": "hmac-sha256-hex", "secret": "bench-secret-0123456789"},
                "target": {"queue": "EVENTS"},
                "rate_limit": {"limit": 1, "window_s": 3600},
            }),
        );
        assert_eq!(limited_hook["path"], "/hooks/bench-limited");
        let hook_url = gateway.url(main_hook["path"].as_str().unwrap());
        let secret = "bench-secret-0123456789".to_string();
        let quiet_hook = create(
            &quiet,
            json!({
                "path": "/hooks/bench",
                "auth": {"scheme": "hmac-sha256-hex", "secret": "bench-secret-0123456789"},
                "target": {"queue": "EVENTS"},
                "rate_limit": {"limit": 10000, "window_s": 1},
            }),
        );
        let quiet_url = quiet.url(quiet_hook["path"].as_str().unwrap());
        // Sixteen webhooks for the same load spread out (one object each).
        let spread: Vec<String> = (0..16)
            .map(|i| {
                let created = create(
                    &gateway,
                    json!({
                        "path": format!("/hooks/spread-{i}"),
                        "auth": {"scheme": "hmac-sha256-hex", "secret": "bench-secret-0123456789"},
                        "target": {"queue": "EVENTS"},
                        "rate_limit": {"limit": 10000, "window_s": 1},
                    }),
                );
                gateway.url(created["path"].as_str().unwrap())
            })
            .collect();
        let before_url = before.as_ref().map(|b| {
            let created = create(
                b,
                json!({
                    "path": "/hooks/bench",
                    "auth": {"scheme": "hmac-sha256-hex", "secret": "bench-secret-0123456789"},
                    "target": {"queue": "EVENTS"},
                    "rate_limit": {"limit": 10000, "window_s": 1},
                }),
            );
            b.url(created["path"].as_str().unwrap())
        });
        // Each path through hookgate and both JS baselines, in that order.
        let sides: [(&str, &Gateway); 3] = [
            ("hookgate", &gateway),
            ("naive JS", &naive),
            ("JS floor", &floor),
        ];
        let mut compared = Vec::new();
        for (side, g) in sides {
            let bench = g.url("/hooks/bench");
            compared.push(hmac_case(
                &format!("{side}: accepted 1 KiB"),
                bench.clone(),
                secret.clone(),
                1024,
                false,
                202,
            ));
            compared.push(keyed_case(
                &format!("{side}: duplicate 1 KiB"),
                bench.clone(),
                secret.clone(),
                1024,
                false,
                202,
                Keys::Same,
            ));
            compared.push(hmac_case(
                &format!("{side}: rate limited 1 KiB (429)"),
                g.url("/hooks/bench-limited"),
                secret.clone(),
                1024,
                false,
                429,
            ));
            compared.push(hmac_case(
                &format!("{side}: bad signature (401)"),
                bench.clone(),
                secret.clone(),
                1024,
                true,
                401,
            ));
            compared.push(Case::new(
                &format!("{side}: unknown path (404)"),
                g.url("/hooks/nothing-here"),
                404,
                || (vec![], json_body(1024)),
            ));
        }
        for (side, g) in &sides[..2] {
            let bench = g.url("/hooks/bench");
            compared.push(
                hmac_case(
                    &format!("{side}: accepted 1 KiB, one connection"),
                    bench.clone(),
                    secret.clone(),
                    1024,
                    false,
                    202,
                )
                .with_connections(1),
            );
            compared.push(
                keyed_case(
                    &format!("{side}: duplicate 1 KiB, one connection"),
                    bench,
                    secret.clone(),
                    1024,
                    false,
                    202,
                    Keys::Same,
                )
                .with_connections(1),
            );
        }
        compared.push(
            hmac_case(
                "hookgate: hot webhook, 64 connections",
                gateway.url("/hooks/bench"),
                secret.clone(),
                1024,
                false,
                202,
            )
            .with_connections(64),
        );
        if let Some(url) = before_url {
            compared.push(
                hmac_case(
                    "hookgate before issue 24: hot webhook, 64 connections",
                    url,
                    secret.clone(),
                    1024,
                    false,
                    202,
                )
                .with_connections(64),
            );
        }
        compared.push(
            hmac_case(
                "hookgate: 64 connections over 16 webhooks",
                spread[0].clone(),
                secret.clone(),
                1024,
                false,
                202,
            )
            .with_connections(64)
            .over(spread),
        );
        compared.push(
            hmac_case(
                "naive JS: hot webhook, 64 connections",
                naive.url("/hooks/bench"),
                secret.clone(),
                1024,
                false,
                202,
            )
            .with_connections(64),
        );

        let mut cases = vec![
            Case::new(
                "ceiling: constant 202, no bindings",
                ceiling.url("/hooks/bench"),
                202,
                || (vec![], json_body(1024)),
            ),
            Case::new("baseline: one KV read", kv.url("/hooks/bench"), 202, || {
                (vec![], json_body(1024))
            }),
            hmac_case(
                "JS refusal (HMAC, 401 problem, no bindings)",
                refusal.url("/hooks/bench"),
                secret.clone(),
                1024,
                true,
                401,
            ),
        ];
        cases.append(&mut compared);
        cases.extend([
            hmac_case(
                "accepted 256 KiB (body to R2)",
                hook_url.clone(),
                secret.clone(),
                256 * 1024,
                false,
                202,
            ),
            hmac_case(
                "accepted 1 MiB (body to R2)",
                hook_url,
                secret.clone(),
                1024 * 1024,
                false,
                202,
            ),
            hmac_case(
                "REQUEST_LOG=off: accepted 1 KiB",
                quiet_url.clone(),
                secret.clone(),
                1024,
                false,
                202,
            ),
            hmac_case(
                "REQUEST_LOG=off: refused: bad signature (401)",
                quiet_url,
                secret,
                1024,
                true,
                401,
            ),
            Case::new(
                "REQUEST_LOG=off: refused: unknown path (404)",
                quiet.url("/hooks/nothing-here"),
                404,
                || (vec![], json_body(1024)),
            ),
        ]);
        for p in providers() {
            let mut auth = json!({"scheme": p.scheme, "secret": p.secret});
            for (k, v) in p.auth.as_object().unwrap() {
                auth[k] = v.clone();
            }
            let created = create(
                &gateway,
                json!({
                    "path": format!("/providers/{}", p.scheme), "auth": auth, "target": {"queue": "EVENTS"},
                    "rate_limit": {"limit": 10000, "window_s": 1},
                }),
            );
            let url = gateway.url(created["path"].as_str().unwrap());
            let (secret, sign, body) = (p.secret, p.sign, p.body);
            let signing_url = url.clone();
            let run = std::process::id();
            cases.push(Case::new(
                &format!("accepted 1 KiB-class: {}", p.scheme),
                url,
                202,
                move || {
                    let signed = sign(secret, &signing_url, body);
                    // Fixed bodies would be duplicates of the first: a key per request.
                    let n = NEXT_KEY.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let mut headers = signed.headers;
                    headers.push(("Idempotency-Key".into(), format!("bench-{run}-{n}")));
                    (headers, signed.body)
                },
            ));
        }

        // HOOKGATE_BENCH_ONLY=text[,text...] keeps the ceiling and the cases whose name
        // contains one of them (for quick experiments; the report then covers only
        // those: point HOOKGATE_BENCH_OUT elsewhere).
        if let Ok(only) = std::env::var("HOOKGATE_BENCH_ONLY") {
            let wanted: Vec<&str> = only.split(',').filter(|t| !t.is_empty()).collect();
            let mut i = 0;
            cases.retain(|c| {
                i += 1;
                i <= 2 || wanted.iter().any(|t| c.name.contains(t))
            });
        }
        // Interleaved rounds: each round measures the ceiling and then every case, and a
        // case's ratio is taken against the ceiling of its own round. The report gives
        // the median over rounds, so one slow stretch of the machine moves no figure much.
        let mut measured: Vec<Vec<Stats>> = vec![Vec::new(); cases.len()];
        let mut ratios: Vec<Vec<f64>> = vec![Vec::new(); cases.len()];
        for round in 1..=rounds {
            eprintln!("round {round} of {rounds}");
            let mut ceiling_rps = f64::NAN;
            for (i, case) in cases.iter().enumerate() {
                // One second of warm-up (JIT, connection setup, isolate caches), not counted.
                drive(case, connections, Duration::from_secs(1), max_requests);
                let stats = drive(case, connections, Duration::from_secs(secs), max_requests);
                if i == 0 {
                    ceiling_rps = stats.rps;
                }
                eprintln!(
                    "  {}: {:.0} req/s ({:.2}), p50 {} ms, p99 {} ms, wrong status {}",
                    case.name,
                    stats.rps,
                    stats.rps / ceiling_rps,
                    fmt_ms(stats.p50),
                    fmt_ms(stats.p99),
                    stats.unexpected
                );
                ratios[i].push(stats.rps / ceiling_rps);
                measured[i].push(stats);
            }
        }
        drop((gateway, quiet, ceiling, kv, naive, floor, refusal, before));

        let median = |mut v: Vec<f64>| -> f64 {
            v.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
            if v.is_empty() {
                f64::NAN
            } else {
                v[v.len() / 2]
            }
        };
        let mut table = String::from(
            "| case | req/s (median) | ratio to ceiling (median) | ratios per round | p50 ms | p99 ms | max ms | requests | wrong status |\n|---|---:|---:|---|---:|---:|---:|---:|---:|\n",
        );
        for (i, case) in cases.iter().enumerate() {
            let runs = &measured[i];
            let per_round = ratios[i]
                .iter()
                .map(|r| format!("{r:.2}"))
                .collect::<Vec<_>>()
                .join(" ");
            writeln!(
                table,
                "| {} | {:.0} | {:.2} | {per_round} | {} | {} | {} | {} | {} |",
                case.name,
                median(runs.iter().map(|s| s.rps).collect()),
                median(ratios[i].clone()),
                fmt_ms(Duration::from_secs_f64(median(
                    runs.iter().map(|s| s.p50.as_secs_f64()).collect()
                ))),
                fmt_ms(Duration::from_secs_f64(median(
                    runs.iter().map(|s| s.p99.as_secs_f64()).collect()
                ))),
                fmt_ms(runs.iter().map(|s| s.max).max().unwrap_or_default()),
                runs.iter().map(|s| s.requests).sum::<u64>(),
                runs.iter().map(|s| s.unexpected).sum::<u64>(),
            )
            .unwrap();
        }
        let index_of = |prefix: &str| cases.iter().position(|c| c.name.starts_with(prefix));
        let ratio_of =
            |prefix: &str| index_of(prefix).map_or(f64::NAN, |i| median(ratios[i].clone()));
        // A case against another (a baseline) round by round, then the median.
        let against = |case: &str, base: &str| match (index_of(case), index_of(base)) {
            (Some(c), Some(b)) => median(
                ratios[c]
                    .iter()
                    .zip(&ratios[b])
                    .map(|(x, y)| x / y)
                    .collect(),
            ),
            _ => f64::NAN,
        };
        // The paired medians (core/benches/hot_path.rs `paired`), the criterion means beside.
        let paired: Value = std::fs::read_to_string(root.join("target/criterion/paired.json"))
            .ok()
            .and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or(Value::Null);
        let paired_median = |label: &str| paired[label]["median"].as_f64().unwrap_or(f64::NAN);
        // Instruction counts under callgrind (scripts/bench.sh), when valgrind was there.
        let counts: Value =
            std::fs::read_to_string(root.join("target/criterion/instructions.json"))
                .ok()
                .and_then(|t| serde_json::from_str(&t).ok())
                .unwrap_or(Value::Null);
        let counted = |side: &str| {
            counts["1KiB"][side].as_f64().unwrap_or(f64::NAN)
                / counts["1KiB"]["requests"].as_f64().unwrap_or(f64::NAN)
        };
        let instructions = if counts.is_null() {
            "Instruction counts: not measured (valgrind was not installed).\n".to_string()
        } else {
            format!(
                "Instructions per request at 1 KiB (callgrind; valgrind's CPU has no SHA extensions, so the HMAC\n\
                 runs the software SHA-256 that the wasm build runs too): hot path {:.0}, HMAC-SHA256 {:.0},\n\
                 ratio **{:.2}x**. Counted, so the same on a busy machine; the wall-clock target stays the paired ratio.\n",
                counted("hot_path"),
                counted("hmac"),
                counted("hot_path") / counted("hmac"),
            )
        };
        let mut core = String::new();
        for label in ["1KiB", "64KiB", "1MiB"] {
            match (criterion_mean(&format!("core/hot_path/{label}")), criterion_mean(&format!("core/hmac_sha256/{label}"))) {
                (Some(hot), Some(floor)) => writeln!(
                    core,
                    "| {label} | {:.2} µs | {:.2} µs | {:.2}x | {:.2}x |",
                    hot / 1000.0, floor / 1000.0, hot / floor, paired_median(label)
                )
                .unwrap(),
                _ => writeln!(core, "| {label} | not measured (run `cargo bench -p hookgate-core --bench hot_path`) | | | |").unwrap(),
            }
        }
        let date = std::process::Command::new("date")
            .args(["-u", "+%Y-%m-%d %H:%M UTC"])
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
            .unwrap_or_default();
        let size = std::fs::metadata(root.join("build/index_bg.wasm"))
            .map(|m| m.len())
            .unwrap_or(0);
        let gz_bytes: f64 = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!(
                "gzip -9 -c {} | wc -c",
                root.join("build/index_bg.wasm").display()
            ))
            .output()
            .ok()
            .and_then(|o| String::from_utf8_lossy(&o.stdout).trim().parse().ok())
            .unwrap_or(f64::NAN);
        let verdict = |ok: bool| if ok { "met" } else { "**not met**" };
        let mut vs = String::new();
        for (path, target) in [
            ("accepted 1 KiB", 1.1),
            ("duplicate 1 KiB", 1.2),
            ("rate limited 1 KiB (429)", 1.1),
            ("bad signature (401)", 1.0),
            ("unknown path (404)", 1.0),
        ] {
            let naive = against(&format!("hookgate: {path}"), &format!("naive JS: {path}"));
            let floor = against(&format!("hookgate: {path}"), &format!("JS floor: {path}"));
            writeln!(
                vs,
                "| {path} | {naive:.2} | ≥ {target} | {} | {floor:.2} |",
                verdict(naive >= target)
            )
            .unwrap();
        }
        // Latency: medians over rounds of each side's percentile.
        let percentile = |name: &str, p99: bool| {
            index_of(name).map_or(f64::NAN, |i| {
                median(
                    measured[i]
                        .iter()
                        .map(|s| if p99 { s.p99 } else { s.p50 }.as_secs_f64() * 1000.0)
                        .collect(),
                )
            })
        };
        let mut lat = String::new();
        for (label, case, p99) in [
            ("accepted p99, 16 connections", "accepted 1 KiB", true),
            (
                "accepted p50, one connection",
                "accepted 1 KiB, one connection",
                false,
            ),
            (
                "duplicate p50, one connection",
                "duplicate 1 KiB, one connection",
                false,
            ),
        ] {
            let (h, n) = (
                percentile(&format!("hookgate: {case}"), p99),
                percentile(&format!("naive JS: {case}"), p99),
            );
            writeln!(
                lat,
                "| {label} | {h:.2} ms | {n:.2} ms | {} |",
                verdict(h <= n)
            )
            .unwrap();
        }
        let hot = match index_of("hookgate before issue 24") {
            Some(_) => {
                let r = against(
                    "hookgate: hot webhook",
                    "hookgate before issue 24: hot webhook",
                );
                format!(
                    "{r:.2} × hookgate's own figure before issue 24 (target ≥ 1.5: {}); ",
                    verdict(r >= 1.5)
                )
            }
            None => "not compared with the build before issue 24 (set HOOKGATE_BENCH_BEFORE); ".into(),
        } + &format!(
            "{:.2} of the ceiling on one webhook, {:.2} spread over 16 webhooks, {:.2} for the naive JS Worker's hot webhook.",
            ratio_of("hookgate: hot webhook"),
            ratio_of("hookgate: 64 connections over 16"),
            ratio_of("naive JS: hot webhook"),
        );
        let report = format!(
            "# Benchmarks\n\n\
             Produced by `bash scripts/bench.sh` on {date}; machine: {cpus} × {cpu}, {mem}.\n\
             Load: {connections} keep-alive connections from one client process on 127.0.0.1, {rounds}\n\
             interleaved rounds; in each, the ceiling and then every case, {secs} s each after 1 s of\n\
             warm-up (at most {max_requests} requests). A ratio is a case's req/s over the ceiling's in\n\
             the same round; the table gives medians over the rounds. Client and workerd share the\n\
             same cores. Shipped configuration (`REQUEST_LOG` unset, i.e. `errors`) unless the case says.\n\n\
             ## Through workerd (`wrangler dev --local`, release build)\n\n{table}\n\
             Against the hand-written JS Worker (`bench/baselines/naive.js`: what a user writes\n\
             instead; it does less, see the file) and the floor for hookgate's guarantees\n\
             (`bench/baselines/floor.js`: the fewest platform calls that keep them), path by path,\n\
             round by round, then the median (issue 24's targets):\n\n\
             | path | hookgate / naive JS | target | verdict | hookgate / JS floor |\n|---|---:|---:|---|---:|\n{vs}\n\
             | latency | hookgate | naive JS | verdict |\n|---|---:|---:|---|\n{lat}\n\
             Hot webhook: {hot}\n\n\
             Storage calls per request in the webhook's object, counted by the object itself in the\n\
             test-only build (`tests/e2e/storage_budget.rs`, which fails past the budget): accepted\n\
             at most 2 (the reservation; the settlement with its log entry), duplicate 0, rate\n\
             limited 0 (their log entries are written with the next reservation, or in batches of at least 32 and at most one a second).\n\
             The naive JS Worker makes 3 on an accepted delivery (two gets, one put), 1 on a\n\
             duplicate, 2 on a 429; the JS floor 2, 0 and 0.\n\n\
             With `REQUEST_LOG=off`: accepted {q1:.2}, bad signature {q2:.2}, unknown path {q3:.2} of the ceiling.\n\n\
             ## The core's hot path, natively (criterion)\n\n\
             Verify hmac-sha256-hex + request checks + envelope, against one HMAC-SHA256 over the same bytes.\n\n\
             Inputs are made and outputs dropped outside the timed region. \"criterion\" is the ratio of the two\n\
             criterion means, measured minutes apart; \"paired\" is the median of 21 rounds in one process\n\
             (`target/criterion/paired.json`), the figure the targets use: in a round the two alternate chunk by\n\
             chunk (about 64 KiB of requests each), both reading requests made just before their chunk, as a\n\
             Worker reads a request it has just received. The body's SHA-256 is the platform's WebCrypto in the\n\
             Worker, not the core's, so it is in neither.\n\n\
             | body | hot path | HMAC-SHA256 alone | ratio (criterion) | ratio (paired) |\n|---|---:|---:|---:|---:|\n{core}\n\
             {instructions}\n\
             | target | measured | verdict |\n|---|---:|---|\n\
             | 1 KiB ≤ 1.5x | {c1:.2}x | {cv1} |\n\
             | 1 MiB ≤ 1.05x | {c2:.2}x | {cv2} |\n\n\
             ## Size\n\n\
             Release wasm: {size} bytes raw, {gz_bytes} bytes gzipped (budget in `size-budget.txt`, enforced by the test\n\
             command as a guard against regressions; Cloudflare Free plan limit 3 MB; the 400 KB target was\n\
             withdrawn by issue 24: startup is what counts, `npx wrangler check startup`).\n",
            cpus = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0),
            cpu = cpu_model(),
            mem = std::fs::read_to_string("/proc/meminfo").ok().and_then(|m| m.lines().next().map(|l| l.replace("MemTotal:", "").trim().to_string())).unwrap_or_default() + " RAM",
            q1 = ratio_of("REQUEST_LOG=off: accepted"),
            q2 = ratio_of("REQUEST_LOG=off: refused: bad"),
            q3 = ratio_of("REQUEST_LOG=off: refused: unknown"),
            c1 = paired_median("1KiB"),
            cv1 = verdict(paired_median("1KiB") <= 1.5),
            c2 = paired_median("1MiB"),
            cv2 = verdict(paired_median("1MiB") <= 1.05),
        );
        let notes_marker = "\n## Notes\n";
        let existing = std::fs::read_to_string(root.join("BENCHMARKS.md")).unwrap_or_default();
        let notes = existing
            .find(notes_marker)
            .map(|i| existing[i..].to_string())
            .unwrap_or_default();
        let out = std::env::var("HOOKGATE_BENCH_OUT").unwrap_or_else(|_| "BENCHMARKS.md".into());
        std::fs::write(root.join(&out), report + &notes).unwrap();
        println!("{table}");
        println!("wrote {out}");
        let wrong: u64 = measured.iter().flatten().map(|s| s.unexpected).sum();
        if wrong > 0 {
            eprintln!("{wrong} responses had an unexpected status");
            std::process::exit(1);
        }
    }
}
