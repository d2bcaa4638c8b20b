//! Dispatch, and the commands that are one or a few API calls each.

use crate::api::{write_profile, Api, Failure, Outcome, Profile};
use crate::args::{
    Cli, Command, DeliveriesCmd, ReplayArgs, RotateArgs, SpecArgs, TailArgs, WebhooksCmd,
};
use crate::output;
use clap::Parser;
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::{json, Value};
use std::collections::HashSet;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Runs the command line and returns the exit code.
pub fn run() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // --help and --version are not errors; clap exits 2 for the others.
            e.print().expect("stderr is writable");
            return e.exit_code();
        }
    };
    match dispatch(&cli) {
        Ok(()) => 0,
        Err(failure) => {
            eprintln!("hookgate: {failure}");
            if let Failure::Api { code, .. } = &failure {
                // The stable code alone on its own line, for scripts reading stderr.
                eprintln!("code: {code}");
            }
            failure.exit_code()
        }
    }
}

fn dispatch(cli: &Cli) -> Outcome<()> {
    let json = cli.json;
    match &cli.command {
        Command::Login => login(cli),
        Command::Validate(args) => crate::code::validate(args, json),
        Command::Plan(args) => crate::code::plan(&Api::connect(&cli.conn)?, args, json),
        Command::Apply(args) => crate::code::apply(&Api::connect(&cli.conn)?, args, json),
        Command::Send(args) => crate::send::send(&Api::connect(&cli.conn)?, args, json),
        Command::Tail(args) => tail(&Api::connect(&cli.conn)?, args, json),
        Command::Webhooks(cmd) => webhooks(&Api::connect(&cli.conn)?, cmd, json),
        Command::Deliveries(cmd) => deliveries(&Api::connect(&cli.conn)?, cmd, json),
    }
}

fn login(cli: &Cli) -> Outcome<()> {
    let url = cli
        .conn
        .url
        .clone()
        .ok_or_else(|| Failure::Usage("login needs --url (or HOOKGATE_URL)".into()))?;
    let token = match &cli.conn.token {
        Some(t) => t.clone(),
        None => read_stdin_line("admin token")?,
    };
    // Checked before it is kept: a typo is found now, not at the next command.
    Api::new(&url, &token).call("GET", "/admin/v1/schemes", None)?;
    let path = write_profile(
        &cli.conn,
        &Profile {
            url: Some(url.clone()),
            token: Some(token),
        },
    )?;
    eprintln!(
        "signed in to {url}; profile saved in {} (mode 0600)",
        path.display()
    );
    Ok(())
}

pub fn read_stdin_line(what: &str) -> Outcome<String> {
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .map_err(|e| Failure::Usage(format!("reading the {what} from stdin: {e}")))?;
    let line = line.trim().to_string();
    if line.is_empty() {
        return Err(Failure::Usage(format!("no {what} on stdin")));
    }
    Ok(line)
}

/// A JSON value inline or from `@file`.
pub fn json_arg(raw: &str) -> Outcome<Value> {
    let text = match raw.strip_prefix('@') {
        Some(path) => {
            std::fs::read_to_string(path).map_err(|e| Failure::Usage(format!("{path}: {e}")))?
        }
        None => raw.to_string(),
    };
    serde_json::from_str(&text).map_err(|e| Failure::Usage(format!("the spec is not JSON: {e}")))
}

fn spec_of(args: &SpecArgs) -> Outcome<Value> {
    let mut spec = match &args.spec {
        Some(raw) => json_arg(raw)?,
        None => json!({}),
    };
    if !spec.is_object() {
        return Err(Failure::Usage("the spec must be a JSON object".into()));
    }
    for (key, value) in [("name", &args.name), ("path", &args.path)] {
        if let Some(v) = value {
            spec[key] = v.as_str().into();
        }
    }
    if let Some(scheme) = &args.scheme {
        if !spec["auth"].is_object() {
            spec["auth"] = json!({});
        }
        spec["auth"]["scheme"] = scheme.as_str().into();
    }
    if let Some(queue) = &args.queue {
        spec["target"] = json!({ "queue": queue });
    }
    if let Some(origin) = &args.origin {
        spec["target"] = json!({"origin": {"url": origin}});
    }
    Ok(spec)
}

/// A create or rotate answer: the webhook, and its new secrets shown this once.
fn show_with_secrets(answer: &Value, json: bool) {
    if json {
        return output::json(answer);
    }
    let mut view = answer.clone();
    let mut secrets = Vec::new();
    for key in ["secret", "forwarding_secret"] {
        if let Some(s) = view.as_object_mut().and_then(|o| o.remove(key)) {
            secrets.push((key, s));
        }
    }
    output::webhook(&view);
    for (key, value) in secrets {
        println!("{key} (shown once, keep it now): {}", output::cell(&value));
    }
}

fn webhooks(api: &Api, cmd: &WebhooksCmd, json: bool) -> Outcome<()> {
    let at = |w: &Value| format!("/admin/v1/webhooks/{}", output::cell(&w["id"]));
    match cmd {
        WebhooksCmd::List => {
            let list = api.webhooks()?;
            if json {
                output::json(&json!({ "webhooks": list }));
            } else {
                output::webhooks(&list);
            }
        }
        WebhooksCmd::Get { webhook } => {
            let w = api.find(webhook)?;
            let full = api.call("GET", &at(&w), None)?;
            if json {
                output::json(&full)
            } else {
                output::webhook(&full)
            }
        }
        WebhooksCmd::Create(args) => {
            let created = api.call("POST", "/admin/v1/webhooks", Some(&spec_of(args)?))?;
            show_with_secrets(&created, json);
        }
        WebhooksCmd::Update { webhook, spec } => {
            let w = api.find(webhook)?;
            let updated = api.call("PATCH", &at(&w), Some(&spec_of(spec)?))?;
            show_with_secrets(&updated, json);
        }
        WebhooksCmd::Delete { webhook } => {
            let w = api.find(webhook)?;
            api.call("DELETE", &at(&w), None)?;
            done(
                json,
                &json!({"deleted": w["id"]}),
                &format!("deleted {}", output::cell(&w["id"])),
            );
        }
        WebhooksCmd::Enable { webhook } | WebhooksCmd::Disable { webhook } => {
            let enabled = matches!(cmd, WebhooksCmd::Enable { .. });
            let w = api.find(webhook)?;
            let updated = api.call("PATCH", &at(&w), Some(&json!({ "enabled": enabled })))?;
            let word = if enabled { "enabled" } else { "disabled" };
            done(
                json,
                &updated,
                &format!("{word} {}", output::cell(&w["id"])),
            );
        }
        WebhooksCmd::RotateSecret(args) => rotate(api, args, "rotate-secret", json)?,
        WebhooksCmd::RotateForwardingSecret(args) => {
            rotate(api, args, "rotate-forwarding-secret", json)?
        }
        WebhooksCmd::ArmHandshake { webhook, window_s } => {
            let w = api.find(webhook)?;
            let body = window_s.map_or(json!({}), |s| json!({ "window_s": s }));
            let armed = api.call("POST", &format!("{}/arm-handshake", at(&w)), Some(&body))?;
            done(
                json,
                &armed,
                &format!(
                    "armed {} until {}",
                    output::cell(&w["id"]),
                    output::cell(&armed["auth"]["arming"]["armed_until"])
                ),
            );
        }
    }
    Ok(())
}

fn done(json: bool, value: &Value, message: &str) {
    if json {
        output::json(value)
    } else {
        println!("{message}")
    }
}

fn rotate(api: &Api, args: &RotateArgs, action: &str, json: bool) -> Outcome<()> {
    let w = api.find(&args.webhook)?;
    let mut body = json!({});
    if let Some(g) = args.grace_period_s {
        body["grace_period_s"] = g.into();
    }
    let answer = api.call(
        "POST",
        &format!("/admin/v1/webhooks/{}/{action}", output::cell(&w["id"])),
        Some(&body),
    )?;
    show_with_secrets(&answer, json);
    Ok(())
}

fn deliveries(api: &Api, cmd: &DeliveriesCmd, json: bool) -> Outcome<()> {
    match cmd {
        DeliveriesCmd::List { webhook, limit } => {
            let w = api.find(webhook)?;
            let list = api.call(
                "GET",
                &format!(
                    "/admin/v1/webhooks/{}/deliveries?limit={limit}",
                    output::cell(&w["id"])
                ),
                None,
            )?;
            if json {
                output::json(&list)
            } else {
                output::deliveries(list["deliveries"].as_array().map_or(&[][..], |v| v));
            }
        }
        DeliveriesCmd::Show { webhook, delivery } => {
            let w = api.find(webhook)?;
            let d = api.call(
                "GET",
                &format!(
                    "/admin/v1/webhooks/{}/deliveries/{delivery}",
                    output::cell(&w["id"])
                ),
                None,
            )?;
            if json {
                output::json(&d)
            } else {
                output::webhook(&d)
            }
        }
        DeliveriesCmd::Replay(args) => replay(api, args, json)?,
    }
    Ok(())
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

/// `1h`, `15m`, `90s`, `2d` back from now, or an RFC 3339 time as it is.
pub fn time_arg(raw: &str, now: u64) -> Outcome<String> {
    use hookgate_core::time::UnixMillis;
    if UnixMillis::parse_rfc3339(raw).is_some() {
        return Ok(raw.to_string());
    }
    let split = raw.find(|c: char| !c.is_ascii_digit()).unwrap_or(raw.len());
    let (number, unit) = raw.split_at(split);
    let n: u64 = number.parse().map_err(|_| {
        Failure::Usage(format!(
            "{raw}: want a duration (90s, 15m, 1h, 2d) or an RFC 3339 time"
        ))
    })?;
    let seconds = match unit {
        "s" => n,
        "m" => n * 60,
        "h" => n * 3600,
        "d" => n * 86_400,
        _ => return Err(Failure::Usage(format!("{raw}: the unit is s, m, h or d"))),
    };
    Ok(UnixMillis(now.saturating_sub(seconds * 1000)).to_rfc3339())
}

fn replay(api: &Api, args: &ReplayArgs, json: bool) -> Outcome<()> {
    let w = api.find(&args.webhook)?;
    let base = format!("/admin/v1/webhooks/{}", output::cell(&w["id"]));
    if let Some(delivery) = &args.delivery {
        let answer = api.call(
            "POST",
            &format!("{base}/deliveries/{delivery}/replay"),
            None,
        )?;
        done(json, &answer, &format!("replaying {delivery}"));
        return Ok(());
    }
    let selection = if args.dead_lettered {
        let mut s = json!({"state": "dead_lettered"});
        let now = now_ms();
        if let Some(since) = &args.since {
            s["since"] = time_arg(since, now)?.into();
        }
        if let Some(until) = &args.until {
            s["until"] = time_arg(until, now)?.into();
        }
        s
    } else if !args.ids.is_empty() {
        json!({ "delivery_ids": args.ids })
    } else {
        return Err(Failure::Usage(
            "say what to replay: a delivery id, --dead-lettered [--since …], or --ids".into(),
        ));
    };
    let started = api.call("POST", &format!("{base}/replays"), Some(&selection))?;
    let id = output::cell(&started["id"]);
    if args.no_wait {
        done(
            json,
            &started,
            &format!(
                "replay {id} started: {} matched",
                output::cell(&started["matched"])
            ),
        );
        return Ok(());
    }
    let matched = started["matched"].as_u64().unwrap_or(0);
    let bar = if json {
        ProgressBar::hidden()
    } else {
        ProgressBar::new(matched)
    };
    bar.set_style(
        ProgressStyle::with_template("{bar:30} {pos}/{len} {msg}").expect("the template is valid"),
    );
    let mut current = started;
    loop {
        let settled = current["delivered"].as_u64().unwrap_or(0)
            + current["failed"].as_u64().unwrap_or(0)
            + current["skipped"].as_u64().unwrap_or(0);
        bar.set_position(settled);
        bar.set_message(format!(
            "queued {} delivered {} failed {} ({})",
            output::cell(&current["queued"]),
            output::cell(&current["delivered"]),
            output::cell(&current["failed"]),
            output::cell(&current["state"])
        ));
        if matches!(current["state"].as_str(), Some("completed" | "stopped")) {
            break;
        }
        std::thread::sleep(Duration::from_millis(500));
        current = api.call("GET", &format!("{base}/replays/{id}"), None)?;
    }
    bar.finish();
    if json {
        output::json(&current);
    } else {
        println!(
            "replay {id} {}: {} matched, {} delivered, {} failed, {} skipped",
            output::cell(&current["state"]),
            output::cell(&current["matched"]),
            output::cell(&current["delivered"]),
            output::cell(&current["failed"]),
            output::cell(&current["skipped"])
        );
    }
    if current["state"] == "stopped" {
        return Err(Failure::Invalid(format!(
            "the replay stopped: {}",
            output::cell(&current["stopped_reason"])
        )));
    }
    Ok(())
}

/// Polls the deliveries endpoint and prints each delivery once, oldest first.
fn tail(api: &Api, args: &TailArgs, json: bool) -> Outcome<()> {
    let hooks: Vec<Value> = match &args.webhook {
        Some(w) => vec![api.find(w)?],
        None => api.webhooks()?,
    };
    let mut seen: HashSet<String> = HashSet::new();
    // What is already there is not news.
    for w in &hooks {
        for d in recent(api, w)? {
            seen.insert(output::cell(&d["id"]));
        }
    }
    if !json {
        eprintln!("following {} webhook(s); Ctrl-C stops", hooks.len());
        println!(
            "{:<24}  {:<20}  {:<14}  {:>6}  {:>8}  KEY",
            "RECEIVED", "WEBHOOK", "OUTCOME", "STATUS", "LATENCY"
        );
    }
    let mut printed = 0usize;
    loop {
        for w in &hooks {
            let mut fresh: Vec<Value> = recent(api, w)?
                .into_iter()
                .filter(|d| seen.insert(output::cell(&d["id"])))
                .collect();
            fresh.reverse();
            for d in fresh {
                if json {
                    let mut line = d.clone();
                    line["webhook_id"] = w["id"].clone();
                    println!("{line}");
                } else {
                    println!(
                        "{:<24}  {:<20}  {:<14}  {:>6}  {:>5} ms  {}",
                        output::cell(&d["received_at"]),
                        output::cell(&w["name"]),
                        output::cell(&d["outcome"]),
                        output::cell(&d["status"]),
                        output::cell(&d["latency_ms"]),
                        output::cell(&d["idempotency_key"]),
                    );
                }
                printed += 1;
                if args.count.is_some_and(|n| printed >= n) {
                    return Ok(());
                }
            }
        }
        std::thread::sleep(Duration::from_millis(args.interval_ms.max(100)));
    }
}

fn recent(api: &Api, w: &Value) -> Outcome<Vec<Value>> {
    let list = api.call(
        "GET",
        &format!(
            "/admin/v1/webhooks/{}/deliveries?limit=100",
            output::cell(&w["id"])
        ),
        None,
    )?;
    Ok(list["deliveries"].as_array().cloned().unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_count_back_from_now() {
        let now = 1_800_000_000_000;
        assert_eq!(
            time_arg("1h", now).unwrap(),
            hookgate_core::time::UnixMillis(now - 3_600_000).to_rfc3339()
        );
        assert_eq!(
            time_arg("2026-11-20T10:00:00Z", now).unwrap(),
            "2026-11-20T10:00:00Z"
        );
        assert!(matches!(time_arg("1y", now), Err(Failure::Usage(_))));
        assert!(matches!(time_arg("soon", now), Err(Failure::Usage(_))));
    }
}
