//! Webhooks as code: a TOML file of webhooks (README, "Webhooks as code").
//!
//! Each `[[webhook]]` is the admin API's create spec, keyed by its `name`, with secrets
//! named, never written: `auth.secret_env` and `basic_auth.password_env` are the names
//! of environment variables read at `apply`. `validate` runs the core's own create
//! rules offline; `plan` compares the core's view of each file entry (defaults
//! included) with the gateway's, field by field, so an `apply` of an unchanged file
//! changes nothing. Secrets are never compared (the gateway never shows them): they are
//! set when a webhook is created, and rotated with `hookgate webhooks rotate-secret`.

use crate::api::{Api, Failure, Outcome};
use crate::args::{ApplyArgs, FileArgs};
use crate::output;
use hookgate_core::admin::view::view;
use hookgate_core::admin::{validate_create, Fresh, Policy, WebhookSpec};
use hookgate_core::secret::WebhookId;
use hookgate_core::time::UnixMillis;
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, HashSet};

/// One `[[webhook]]` of the file, checked.
pub struct Entry {
    pub name: String,
    /// The admin API's spec, secrets filled in from the environment where they were set.
    pub spec: Value,
    /// The core's view of the record this spec creates (what the gateway would show).
    pub view: Value,
}

/// View fields that are not settings: never compared.
const NOT_SETTINGS: &[&str] = &[
    "id",
    "revision",
    "created_at",
    "updated_at",
    "last_triggered_at",
    "auth.secret_count",
    "auth.secrets",
];

fn now() -> UnixMillis {
    UnixMillis(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as u64),
    )
}

/// Reads and checks the file. With `need_secrets`, a named environment variable that
/// is not set is an error; without (`validate`, offline), the check goes on without it.
pub fn load(args: &FileArgs, need_secrets: bool) -> Outcome<(Vec<Entry>, Vec<String>)> {
    let text = std::fs::read_to_string(&args.file)
        .map_err(|e| Failure::Usage(format!("{}: {e}", args.file.display())))?;
    let doc: toml::Table = toml::from_str(&text)
        .map_err(|e| Failure::Invalid(format!("{}: {e}", args.file.display())))?;
    let mut notes = Vec::new();
    if let Some(other) = doc.keys().find(|k| *k != "webhook") {
        return Err(Failure::Invalid(format!(
            "{other}: unknown key (the file holds [[webhook]] tables)"
        )));
    }
    let list = match doc.get("webhook") {
        None => Vec::new(),
        Some(toml::Value::Array(list)) => list.clone(),
        Some(_) => {
            return Err(Failure::Invalid(
                "webhook: must be [[webhook]] tables".into(),
            ))
        }
    };
    let mut entries = Vec::new();
    let mut names = HashSet::new();
    let mut errors = Vec::new();
    for (i, raw) in list.iter().enumerate() {
        let at = format!("webhook[{i}]");
        if let Some(name) = raw.get("name").and_then(toml::Value::as_str) {
            if !names.insert(name.to_string()) {
                errors.push(format!(
                    "{at}.name: {name:?} is used twice (names identify webhooks)"
                ));
            }
        }
        match entry(
            &at,
            raw,
            need_secrets,
            args.allow_insecure_origins,
            &mut notes,
        ) {
            Ok(e) => entries.push(e),
            Err(Failure::Invalid(e)) => errors.push(e),
            Err(other) => return Err(other),
        }
    }
    if errors.is_empty() {
        Ok((entries, notes))
    } else {
        Err(Failure::Invalid(errors.join("\n  ")))
    }
}

fn entry(
    at: &str,
    raw: &toml::Value,
    need_secrets: bool,
    allow_insecure: bool,
    notes: &mut Vec<String>,
) -> Outcome<Entry> {
    let invalid = |field: &str, why: &str| Failure::Invalid(format!("{at}.{field}: {why}"));
    let mut spec = serde_json::to_value(raw).map_err(|e| invalid("", &e.to_string()))?;
    let name = match spec["name"].as_str() {
        Some(n) if !n.is_empty() => n.to_string(),
        _ => {
            return Err(invalid(
                "name",
                "is required (names identify webhooks in the file)",
            ))
        }
    };
    let at = format!("{at} ({name})");
    let invalid = |field: &str, why: &str| Failure::Invalid(format!("{at}.{field}: {why}"));
    for (section, value_key, env_key) in [
        ("auth", "secret", "secret_env"),
        ("basic_auth", "password", "password_env"),
    ] {
        let Some(table) = spec.get_mut(section).and_then(Value::as_object_mut) else {
            continue;
        };
        if table.contains_key(value_key) {
            return Err(invalid(
                &format!("{section}.{value_key}"),
                &format!("secrets are never written in the file: set {section}.{env_key} to the name of an environment variable"),
            ));
        }
        if let Some(var) = table.remove(env_key) {
            let var = var
                .as_str()
                .ok_or_else(|| invalid(&format!("{section}.{env_key}"), "must be a variable name"))?
                .to_string();
            match std::env::var(&var) {
                Ok(v) if !v.is_empty() => {
                    table.insert(value_key.into(), v.into());
                }
                _ if need_secrets => {
                    return Err(invalid(
                        &format!("{section}.{env_key}"),
                        &format!("the environment variable {var} is not set"),
                    ))
                }
                _ => notes.push(format!(
                    "{at}.{section}.{env_key}: {var} is not set; checked without it"
                )),
            }
        }
    }
    let parsed = WebhookSpec::parse(spec.to_string().as_bytes())
        .map_err(|p| Failure::Invalid(format!("{at}: {}", p.detail)))?;
    let validated = validate_create(
        parsed,
        Fresh {
            id: WebhookId::generate([0; 12]),
            secret_bytes: [0; 32],
            forwarding_secret_bytes: [0; 32],
            now: now(),
        },
        Policy {
            allow_insecure_origins: allow_insecure,
        },
    )
    .map_err(|p| {
        let fields: Vec<String> = p
            .errors
            .iter()
            .map(|e| format!("{at}.{}: {} ({})", e.field, e.message, p.code.as_str()))
            .collect();
        if fields.is_empty() {
            Failure::Invalid(format!("{at}: {} ({})", p.detail, p.code.as_str()))
        } else {
            Failure::Invalid(fields.join("\n  "))
        }
    })?;
    let view = serde_json::to_value(view(&validated.record)).expect("a view serializes");
    Ok(Entry { name, spec, view })
}

pub fn validate(args: &FileArgs, json: bool) -> Outcome<()> {
    let (entries, notes) = load(args, false)?;
    for note in &notes {
        eprintln!("note: {note}");
    }
    if json {
        output::json(
            &json!({"valid": true, "webhooks": entries.iter().map(|e| &e.name).collect::<Vec<_>>()}),
        );
    } else {
        println!(
            "{}: {} webhook(s), valid",
            args.file.display(),
            entries.len()
        );
    }
    Ok(())
}

/// The settings of a view as `field → value`, nested objects flattened.
fn settings(view: &Value) -> BTreeMap<String, Value> {
    fn walk(prefix: &str, v: &Value, out: &mut BTreeMap<String, Value>) {
        match v {
            // `target` and `template` stay whole: their members only make sense together.
            Value::Object(map) if prefix != "target" && prefix != "auth.template" => {
                for (k, child) in map {
                    let key = if prefix.is_empty() {
                        k.clone()
                    } else {
                        format!("{prefix}.{k}")
                    };
                    walk(&key, child, out);
                }
            }
            other => {
                out.insert(prefix.to_string(), other.clone());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk("", view, &mut out);
    out.retain(|k, _| {
        !NOT_SETTINGS
            .iter()
            .any(|n| k == n || k.starts_with(&format!("{n}.")))
    });
    out
}

/// One field that differs: what the gateway has and what the file wants.
pub struct Change {
    pub field: String,
    pub from: Value,
    pub to: Value,
}

pub fn diff(current: &Value, wanted: &Value) -> Vec<Change> {
    let (a, b) = (settings(current), settings(wanted));
    let keys: std::collections::BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    keys.into_iter()
        .filter_map(|k| {
            let from = a.get(k).cloned().unwrap_or(Value::Null);
            let to = b.get(k).cloned().unwrap_or(Value::Null);
            (from != to).then(|| Change {
                field: k.clone(),
                from,
                to,
            })
        })
        .collect()
}

pub enum Action {
    Create(usize),
    Change {
        entry: usize,
        id: String,
        changes: Vec<Change>,
    },
    Delete {
        id: String,
        name: String,
    },
}

pub struct Plan {
    pub actions: Vec<Action>,
    pub unchanged: Vec<String>,
}

fn make_plan(api: &Api, entries: &[Entry], prune: bool) -> Outcome<Plan> {
    let remote = api.webhooks()?;
    let mut actions = Vec::new();
    let mut unchanged = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        let same_name: Vec<&Value> = remote
            .iter()
            .filter(|w| w["name"] == e.name.as_str())
            .collect();
        match same_name.as_slice() {
            [] => actions.push(Action::Create(i)),
            [w] => {
                let changes = diff(w, &e.view);
                if changes.is_empty() {
                    unchanged.push(e.name.clone());
                } else {
                    actions.push(Action::Change {
                        entry: i,
                        id: output::cell(&w["id"]),
                        changes,
                    });
                }
            }
            _ => {
                return Err(Failure::Invalid(format!(
                "{} webhooks on the gateway are named {:?}: names must be unique to apply a file",
                same_name.len(),
                e.name
            )))
            }
        }
    }
    if prune {
        let names: HashSet<&str> = entries.iter().map(|e| e.name.as_str()).collect();
        for w in &remote {
            if !names.contains(w["name"].as_str().unwrap_or_default()) {
                actions.push(Action::Delete {
                    id: output::cell(&w["id"]),
                    name: output::cell(&w["name"]),
                });
            }
        }
    }
    Ok(Plan { actions, unchanged })
}

fn plan_json(plan: &Plan, entries: &[Entry]) -> Value {
    let mut create = Vec::new();
    let mut change = Vec::new();
    let mut delete = Vec::new();
    for a in &plan.actions {
        match a {
            Action::Create(i) => create.push(json!(entries[*i].name)),
            Action::Change { entry, id, changes } => change.push(json!({
                "name": entries[*entry].name, "id": id,
                "fields": changes.iter().map(|c| json!({"field": c.field, "from": c.from, "to": c.to})).collect::<Vec<_>>(),
            })),
            Action::Delete { id, name } => delete.push(json!({"name": name, "id": id})),
        }
    }
    json!({"create": create, "change": change, "delete": delete, "unchanged": plan.unchanged})
}

fn show_plan(plan: &Plan, entries: &[Entry]) {
    let (mut c, mut u, mut d) = (0, 0, 0);
    for a in &plan.actions {
        match a {
            Action::Create(i) => {
                c += 1;
                let e = &entries[*i];
                println!("+ create {} ({})", e.name, output::cell(&e.view["path"]));
            }
            Action::Change { entry, id, changes } => {
                u += 1;
                println!("~ change {} ({id})", entries[*entry].name);
                for ch in changes {
                    println!("    {}: {} -> {}", ch.field, ch.from, ch.to);
                }
            }
            Action::Delete { id, name } => {
                d += 1;
                println!("- delete {name} ({id})");
            }
        }
    }
    for name in &plan.unchanged {
        println!("  unchanged {name}");
    }
    println!(
        "Plan: {c} to create, {u} to change, {d} to delete, {} unchanged.",
        plan.unchanged.len()
    );
}

pub fn plan(api: &Api, args: &ApplyArgs, json: bool) -> Outcome<()> {
    let (entries, notes) = load(&args.file, false)?;
    for note in &notes {
        eprintln!("note: {note}");
    }
    let plan = make_plan(api, &entries, args.prune)?;
    if json {
        output::json(&plan_json(&plan, &entries));
    } else {
        show_plan(&plan, &entries);
    }
    Ok(())
}

/// The PATCH for the changed top-level fields: the file's value, or `null` (the
/// default) for a field the file leaves out. Secrets are not sent on a change.
fn patch_for(entry: &Entry, changes: &[Change]) -> Value {
    let mut patch = Map::new();
    for ch in changes {
        let top = ch.field.split('.').next().unwrap_or_default().to_string();
        if patch.contains_key(&top) {
            continue;
        }
        let mut value = entry.spec.get(&top).cloned().unwrap_or(Value::Null);
        if top == "auth" {
            if let Some(auth) = value.as_object_mut() {
                auth.remove("secret");
            }
        }
        patch.insert(top, value);
    }
    Value::Object(patch)
}

pub fn apply(api: &Api, args: &ApplyArgs, json: bool) -> Outcome<()> {
    let (entries, _) = load(&args.file, true)?;
    let plan = make_plan(api, &entries, args.prune)?;
    let bar = if json {
        ProgressBar::hidden()
    } else {
        ProgressBar::new(plan.actions.len() as u64)
    };
    bar.set_style(
        ProgressStyle::with_template("{bar:30} {pos}/{len} {msg}").expect("the template is valid"),
    );
    let mut report = Vec::new();
    for action in &plan.actions {
        match action {
            Action::Create(i) => {
                let e = &entries[*i];
                bar.set_message(format!("creating {}", e.name));
                let created = api.call("POST", "/admin/v1/webhooks", Some(&e.spec))?;
                let generated = e.spec["auth"].get("secret").is_none();
                if generated && !json {
                    // No secret named in the file: the gateway made one, shown this once.
                    bar.println(format!(
                        "{}: generated secret (shown once, keep it now): {}",
                        e.name,
                        output::cell(&created["secret"])
                    ));
                }
                report.push(json!({"action": "created", "name": e.name, "id": created["id"]}));
            }
            Action::Change { entry, id, changes } => {
                let e = &entries[*entry];
                bar.set_message(format!("changing {}", e.name));
                api.call(
                    "PATCH",
                    &format!("/admin/v1/webhooks/{id}"),
                    Some(&patch_for(e, changes)),
                )?;
                report.push(json!({"action": "changed", "name": e.name, "id": id}));
            }
            Action::Delete { id, name } => {
                bar.set_message(format!("deleting {name}"));
                api.call("DELETE", &format!("/admin/v1/webhooks/{id}"), None)?;
                report.push(json!({"action": "deleted", "name": name, "id": id}));
            }
        }
        bar.inc(1);
    }
    bar.finish_and_clear();
    let count = |what: &str| report.iter().filter(|r| r["action"] == what).count();
    if json {
        output::json(&json!({"applied": report, "unchanged": plan.unchanged}));
    } else {
        for r in &report {
            println!(
                "{} {} ({})",
                output::cell(&r["action"]),
                output::cell(&r["name"]),
                output::cell(&r["id"])
            );
        }
        println!(
            "Applied: {} created, {} changed, {} deleted, {} unchanged.",
            count("created"),
            count("changed"),
            count("deleted"),
            plan.unchanged.len()
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn file(text: &str) -> FileArgs {
        let dir = std::env::temp_dir().join(format!(
            "hookgate-cli-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let path: PathBuf = dir.join("hookgate.toml");
        std::fs::write(&path, text).unwrap();
        FileArgs {
            file: path,
            allow_insecure_origins: false,
        }
    }

    #[test]
    fn a_file_view_has_no_diff_with_itself_and_a_change_is_named() {
        let (entries, _) = load(&file("[[webhook]]\nname = \"a\"\npath = \"/h/a\"\n[webhook.auth]\nscheme = \"stripe\"\n[webhook.target]\nqueue = \"EVENTS\"\n"), false).unwrap();
        let view = &entries[0].view;
        assert!(diff(view, view).is_empty());
        let mut moved = view.clone();
        moved["path"] = "/h/b".into();
        let changes = diff(view, &moved);
        assert_eq!(changes.len(), 1);
        assert_eq!(changes[0].field, "path");
    }

    #[test]
    fn secrets_in_the_file_are_refused() {
        let Err(Failure::Invalid(e)) = load(&file("[[webhook]]\nname = \"a\"\npath = \"/h/a\"\n[webhook.auth]\nsecret = \"s3cr3t-value-long-enough\"\n[webhook.target]\nqueue = \"EVENTS\"\n"), false) else {
            panic!("accepted a secret in the file");
        };
        assert!(e.contains("auth.secret") && !e.contains("s3cr3t"), "{e}");
    }
}
