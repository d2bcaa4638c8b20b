//! Kubiya's job webhook: the body is `WebhookPayload` (`parameters` an object,
//! `config_override` and `metadata` objects or `null`; other members allowed), and a
//! bad body is answered the way FastAPI answers it: `422 {"detail": [{"loc", "msg",
//! "type", "input"}]}`, one item per bad field. Kubiya's webhook settings add a
//! `message` member, which becomes the event's primary instruction.

use crate::problem::{ErrorCode, Problem};
use serde_json::{json, Value};

/// Checks the body; the parsed body comes back for the filter and the envelope.
pub fn validate(body: &[u8]) -> Result<Value, Problem> {
    let fail = |items: Vec<Value>| {
        let detail = items
            .iter()
            .map(|i| {
                let loc: Vec<String> = i["loc"]
                    .as_array()
                    .map(|l| {
                        l.iter()
                            .map(|p| p.as_str().map_or(p.to_string(), str::to_string))
                            .collect()
                    })
                    .unwrap_or_default();
                format!(
                    "{}: {}",
                    loc.join("."),
                    i["msg"].as_str().unwrap_or_default()
                )
            })
            .collect::<Vec<_>>()
            .join("; ");
        let mut p = Problem::new(ErrorCode::BodyValidationFailed, detail);
        p.validation = Some(Value::Array(items));
        p
    };
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(fail(vec![json!({
            "type": "missing", "loc": ["body"], "msg": "Field required", "input": null
        })]));
    }
    // `crate::json::parse`'s one rule, called directly for the error's position.
    let value: Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(e) => {
            return Err(fail(vec![json!({
                "type": "json_invalid",
                "loc": ["body", offset(body, e.line(), e.column())],
                "msg": "JSON decode error",
                "input": {},
                "ctx": {"error": e.to_string()},
            })]))
        }
    };
    let Value::Object(map) = &value else {
        return Err(fail(vec![json!({
            "type": "model_attributes_type",
            "loc": ["body"],
            "msg": "Input should be a valid dictionary or object to extract fields from",
            "input": value,
        })]));
    };
    let mut items = Vec::new();
    for (field, nullable) in [
        ("parameters", false),
        ("config_override", true),
        ("metadata", true),
    ] {
        match map.get(field) {
            None | Some(Value::Object(_)) => {}
            Some(Value::Null) if nullable => {}
            Some(other) => items.push(json!({
                "type": "dict_type",
                "loc": ["body", field],
                "msg": "Input should be a valid dictionary",
                "input": other,
            })),
        }
    }
    if items.is_empty() {
        Ok(value)
    } else {
        Err(fail(items))
    }
}

/// The webhook-settings `message`, the event's primary instruction.
pub fn instruction(body: &Value) -> Option<&str> {
    body.get("message").and_then(Value::as_str)
}

/// The byte offset of a (1-based) line and column, as Python's `json` reports `pos`.
fn offset(body: &[u8], line: usize, column: usize) -> usize {
    let line_start: usize = body
        .split(|b| *b == b'\n')
        .take(line.saturating_sub(1))
        .map(|l| l.len() + 1)
        .sum();
    (line_start + column.saturating_sub(1)).min(body.len())
}
