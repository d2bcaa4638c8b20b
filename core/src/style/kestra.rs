//! Kestra's webhook trigger: two URL forms, and the trigger variables a flow reads
//! (`trigger.body`, `trigger.headers`, `trigger.parameters`).

use crate::model::style::KESTRA_PREFIXES;
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;

/// A request at one of Kestra's URL forms (`/api/v1/main/executions/webhook/…` or the
/// older `/api/v1/executions/webhook/…`) also looks for a webhook registered at the other.
pub fn alternate_path(path: &str) -> Option<String> {
    let [main, old] = KESTRA_PREFIXES;
    if let Some(rest) = path.strip_prefix(main) {
        Some(format!("{old}{rest}"))
    } else {
        path.strip_prefix(old).map(|rest| format!("{main}{rest}"))
    }
}

/// Largest body also copied into the trigger variables (see `pipeline::prepare`).
pub const MAX_TRIGGER_BODY_BYTES: usize = 32 * 1024;

/// The trigger variables, as the envelope carries them: the body as JSON (object or
/// array) or else as the raw string; headers and query parameters as lists of values.
#[derive(Serialize)]
pub struct Trigger<'a> {
    pub body: TriggerBody<'a>,
    pub headers: BTreeMap<String, Vec<String>>,
    pub parameters: &'a BTreeMap<String, Vec<String>>,
}

#[derive(Serialize)]
#[serde(untagged)]
pub enum TriggerBody<'a> {
    Json(&'a Value),
    Text(&'a str),
    Absent(Option<()>),
}

impl<'a> TriggerBody<'a> {
    /// Kestra tries JSON (an object or an array) and otherwise keeps the text.
    pub fn of(parsed: Option<&'a Value>, raw: &'a [u8]) -> TriggerBody<'a> {
        match parsed {
            Some(v @ (Value::Object(_) | Value::Array(_))) => TriggerBody::Json(v),
            _ if raw.is_empty() => TriggerBody::Absent(None),
            _ => match std::str::from_utf8(raw) {
                Ok(text) => TriggerBody::Text(text),
                Err(_) => TriggerBody::Absent(None),
            },
        }
    }
}
