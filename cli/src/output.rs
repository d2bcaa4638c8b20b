//! Tables for people, JSON for scripts.

use comfy_table::{presets::UTF8_FULL_CONDENSED, ContentArrangement, Table};
use serde_json::Value;

pub fn json(value: &Value) {
    println!(
        "{}",
        serde_json::to_string_pretty(value).expect("JSON serializes")
    );
}

pub fn table(header: &[&str], rows: Vec<Vec<String>>) {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(header.to_vec());
    for row in rows {
        t.add_row(row);
    }
    println!("{t}");
}

/// A JSON value as a cell: strings without quotes, nothing as `–`.
pub fn cell(v: &Value) -> String {
    match v {
        Value::Null => "–".into(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

pub fn target(w: &Value) -> String {
    let t = &w["target"];
    if let Some(q) = t["queue"].as_str() {
        format!("queue {q}")
    } else if let Some(url) = t["origin"]["url"].as_str() {
        format!("origin {url}")
    } else {
        cell(t)
    }
}

pub fn webhooks(list: &[Value]) {
    table(
        &["ID", "NAME", "PATH", "SCHEME", "TARGET", "ENABLED"],
        list.iter()
            .map(|w| {
                vec![
                    cell(&w["id"]),
                    cell(&w["name"]),
                    cell(&w["path"]),
                    cell(&w["auth"]["scheme"]),
                    target(w),
                    if w["enabled"] == true { "yes" } else { "no" }.into(),
                ]
            })
            .collect(),
    );
}

/// A webhook's fields, one a line (secrets are never in an answer; a new one is
/// printed by the caller).
pub fn webhook(w: &Value) {
    let mut rows = Vec::new();
    flatten("", w, &mut rows);
    table(
        &["FIELD", "VALUE"],
        rows.into_iter().map(|(k, v)| vec![k, v]).collect(),
    );
}

/// `a.b.c = value` pairs of a JSON object, arrays kept whole.
pub fn flatten(prefix: &str, v: &Value, out: &mut Vec<(String, String)>) {
    match v {
        Value::Object(map) if !map.is_empty() => {
            for (k, child) in map {
                let key = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten(&key, child, out);
            }
        }
        other => out.push((prefix.to_string(), cell(other))),
    }
}

pub fn deliveries(list: &[Value]) {
    table(
        &["RECEIVED", "ID", "OUTCOME", "STATUS", "KEY", "LATENCY"],
        list.iter().map(delivery_row).collect(),
    );
}

pub fn delivery_row(d: &Value) -> Vec<String> {
    vec![
        cell(&d["received_at"]),
        cell(&d["id"]),
        cell(&d["outcome"]),
        cell(&d["status"]),
        cell(&d["idempotency_key"]),
        format!("{} ms", cell(&d["latency_ms"])),
    ]
}
