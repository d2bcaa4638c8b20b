//! Rendering the core's answers as HTTP responses. Every answer is `no-store` and
//! `nosniff`: a sync origin's body or a sender's echoed text is never guessed into HTML
//! or script by a browser.

use hookgate_core::problem::{Problem, PROBLEM_CONTENT_TYPE};
use serde::Serialize;
use worker::{Headers, Response, Result};

/// The header fields every answer carries, and its content type when it has a body.
fn base_headers(content_type: Option<&str>) -> Result<Headers> {
    let headers = Headers::new();
    if let Some(content_type) = content_type {
        headers.set("Content-Type", content_type)?;
    }
    headers.set("Cache-Control", "no-store")?;
    headers.set("X-Content-Type-Options", "nosniff")?;
    Ok(headers)
}

pub fn problem(p: &Problem) -> Result<Response> {
    let headers = base_headers(Some(PROBLEM_CONTENT_TYPE))?;
    for (name, value) in &p.headers {
        headers.set(name, value)?;
    }
    Ok(Response::ok(p.to_json())?
        .with_status(p.status())
        .with_headers(headers))
}

pub fn json<T: Serialize>(status: u16, body: &T) -> Result<Response> {
    let text = serde_json::to_string(body).map_err(|e| worker::Error::RustError(e.to_string()))?;
    let headers = base_headers(Some("application/json"))?;
    Ok(Response::ok(text)?
        .with_status(status)
        .with_headers(headers))
}

pub fn text(status: u16, content_type: &str, body: &str) -> Result<Response> {
    let headers = base_headers(Some(content_type))?;
    Ok(Response::ok(body)?
        .with_status(status)
        .with_headers(headers))
}

/// A JSON body already rendered (by the webhook's object), with extra header fields.
pub fn raw_json(status: u16, body: &str, extra: &[(&str, String)]) -> Result<Response> {
    let headers = base_headers(Some("application/json"))?;
    for (name, value) in extra {
        headers.set(name, value)?;
    }
    Ok(Response::ok(body)?
        .with_status(status)
        .with_headers(headers))
}

/// A problem in the shape of the webhook's style (`Problem::render`).
pub fn rendered(r: &hookgate_core::problem::Rendered) -> Result<Response> {
    let headers = base_headers(Some(r.content_type))?;
    for (name, value) in &r.headers {
        headers.set(name, value)?;
    }
    Ok(Response::ok(r.body.clone())?
        .with_status(r.status)
        .with_headers(headers))
}

/// `204 No Content`.
pub fn no_content() -> Result<Response> {
    Ok(Response::empty()?
        .with_status(204)
        .with_headers(base_headers(None)?))
}

/// `serde_json::to_value`, through text: the types the shell turns into a `Value` already
/// serialize to text (stored records, log entries), and `to_value` compiles a second,
/// `Value`-building copy of each (12 KB of the wasm for the admin view alone).
pub fn value_of<T: Serialize>(t: &T) -> serde_json::Value {
    serde_json::to_string(t)
        .ok()
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default()
}
