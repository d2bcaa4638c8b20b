//! What every Durable Object of hookgate's shares: the Worker's call to an object by
//! name, and reading SQLite rows without serde (a typed row struct per query would each
//! pull in its own deserializer: wasm size).

use hookgate_core::guard::rate_limit::Window;
use serde::de::DeserializeOwned;
use worker::wasm_bindgen_futures::JsFuture;
use worker::{Env, Method, Request, Result, SqlStorage, SqlStorageValue};

/// Calls the object `name` of namespace `binding` at `path`, with an optional JSON body
/// and extra headers (the test-only fault switches), and returns its answer's text.
/// Anything but a 200 is an error whose text is for the log only. The stub, the request
/// and the answer's text are one call into JS (`platform.js`): through `worker` they
/// were a call per option and header, and the answer was read chunk by chunk.
pub async fn call(
    env: &Env,
    binding: &str,
    name: &str,
    method: Method,
    path: &str,
    body: Option<String>,
    extra_headers: &[(&str, String)],
) -> std::result::Result<String, String> {
    crate::platform::call_object_text(
        env,
        binding,
        name,
        &format!("https://object{path}"),
        method.as_ref(),
        extra_headers,
        body.as_deref().map(str::as_bytes),
    )
    .await
    .map_err(|e| format!("{binding} {path}: {e}"))
}

/// A request's JSON body read as `T`: its text from the runtime, parsed in wasm.
/// (`Request::json` has the runtime parse it and then walks the object field by field
/// through serde_wasm_bindgen, one call into JS per value.)
pub async fn json_body<T: DeserializeOwned>(req: &mut Request) -> Result<T> {
    let text = text_body(req).await?;
    serde_json::from_str(&text).map_err(|e| worker::Error::RustError(e.to_string()))
}

/// A request's body as text from the runtime in one call (`Request.text()`), as [`call`]
/// reads an answer: `worker::Request::text` reads the stream through wasm chunk by
/// chunk, a microtask each.
pub async fn text_body(req: &Request) -> Result<String> {
    let raw: &worker::web_sys::Request = req.inner();
    let promise = raw
        .text()
        .map_err(|e| worker::Error::RustError(format!("{e:?}")))?;
    Ok(JsFuture::from(promise)
        .await
        .map_err(|e| worker::Error::RustError(format!("{e:?}")))?
        .as_string()
        .unwrap_or_default())
}

/// An object's JSON answer (from [`call`]) read as `T`.
pub fn parse<T: DeserializeOwned>(path: &str, text: &str) -> std::result::Result<T, String> {
    serde_json::from_str(text).map_err(|e| format!("{path}: {e}"))
}

/// The rate window of a `hits (t, id)` table as three columns (`rate_limit::Window`):
/// the core's `window_columns!`, one text that the core's tests run in SQLite. A macro
/// so that queries adding columns in front (the Guard's key) stay compile-time strings.
#[macro_export]
macro_rules! window_columns {
    () => {
        hookgate_core::window_columns!()
    };
}

/// The window after `start_ms` for `limit`.
pub fn window(sql: &SqlStorage, start_ms: u64, limit: u32) -> Result<Window> {
    let row = first_row(
        sql,
        hookgate_core::guard::rate_limit::WINDOW_QUERY,
        vec![int(start_ms), int(u64::from(limit))],
    )?;
    Ok(window_of(&mut row.into_iter()))
}

/// The first row of a query's answer (empty when there is none).
pub fn first_row(
    sql: &SqlStorage,
    query: &str,
    bindings: Vec<SqlStorageValue>,
) -> Result<Vec<SqlStorageValue>> {
    Ok(sql
        .exec(query, Some(bindings))?
        .raw()
        .next()
        .transpose()?
        .unwrap_or_default())
}

/// Reads the `window_columns!` of a row.
pub fn window_of(cells: &mut impl Iterator<Item = SqlStorageValue>) -> Window {
    let mut number = || cells.next().and_then(as_u64);
    Window {
        count: number().unwrap_or(0),
        oldest_ms: number(),
        blocking_ms: number(),
    }
}

/// `value` as a quoted SQL string literal, when it is made only of `[A-Za-z0-9_.:-]`
/// (our delivery ids, RFC 3339 times), else `None`. workerd binds parameters only in the
/// last statement of a multi-statement `exec`, and each `exec` costs a fixed ~85 µs in
/// local workerd, so statements before the last carry values in their text: integers
/// and such tokens only, never anything a sender wrote.
pub fn token_literal(value: &str) -> Option<String> {
    let plain = !value.is_empty()
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b':' | b'-'));
    plain.then(|| format!("'{value}'"))
}

pub fn int(v: u64) -> SqlStorageValue {
    SqlStorageValue::Integer(v as i64)
}

pub fn text(v: &str) -> SqlStorageValue {
    SqlStorageValue::String(v.to_string())
}

/// The first column of every row.
pub fn column<T>(
    sql: &SqlStorage,
    query: &str,
    bindings: Vec<SqlStorageValue>,
    pick: impl Fn(SqlStorageValue) -> Option<T>,
) -> Result<Vec<T>> {
    let bindings = if bindings.is_empty() {
        None
    } else {
        Some(bindings)
    };
    let mut out = Vec::new();
    for row in sql.exec(query, bindings)?.raw() {
        if let Some(v) = row?.into_iter().next().and_then(&pick) {
            out.push(v);
        }
    }
    Ok(out)
}

pub fn as_text(v: SqlStorageValue) -> Option<String> {
    match v {
        SqlStorageValue::String(s) => Some(s),
        _ => None,
    }
}

pub fn as_u64(v: SqlStorageValue) -> Option<u64> {
    match v {
        SqlStorageValue::Integer(i) => u64::try_from(i).ok(),
        SqlStorageValue::Float(f) if f >= 0.0 => Some(f as u64),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::token_literal;

    #[test]
    fn only_plain_tokens_become_literals() {
        assert_eq!(
            token_literal("evt_0123abcd").as_deref(),
            Some("'evt_0123abcd'")
        );
        assert_eq!(
            token_literal("2026-11-23T03:44:00.000Z").as_deref(),
            Some("'2026-11-23T03:44:00.000Z'")
        );
        for hostile in ["", "a'b", "x; DROP TABLE log", "a b", "é", "a\0b", "--\n"] {
            assert_eq!(token_literal(hostile), None, "{hostile:?}");
        }
    }
}
