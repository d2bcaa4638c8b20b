//! Rendering the core's answers as HTTP responses. Every answer is `no-store` and
//! `nosniff`: a sync origin's body or a sender's echoed text is never guessed into HTML
//! or script by a browser.

use hookgate_core::problem::{Problem, PROBLEM_CONTENT_TYPE};
use serde::Serialize;

/// An answer as hookgate builds it, made a runtime `Response` in one call at the end
/// ([`Answer::into_response`]): `worker::Response` with a `worker::Headers` costs a call
/// into JS per header field, per option and for the body (the refusal paths' CPU profile
/// had the response at a tenth of the Worker's own time). The test action reads the
/// pipeline's answer from here, without a `Response` at all.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    headers: Vec<(&'static str, String)>,
    pub body: Vec<u8>,
}

impl Answer {
    /// The header fields every answer carries, and its content type when it has a body.
    fn new(status: u16, content_type: Option<&str>, body: impl Into<Vec<u8>>) -> Answer {
        let mut headers = Vec::with_capacity(6);
        if let Some(content_type) = content_type {
            headers.push(("Content-Type", content_type.to_string()));
        }
        headers.push(("Cache-Control", "no-store".to_string()));
        headers.push(("X-Content-Type-Options", "nosniff".to_string()));
        Answer {
            status,
            headers,
            body: body.into(),
        }
    }

    /// Sets a header field, replacing one of the same name (as `Headers.set` does).
    pub fn with(mut self, name: &'static str, value: impl Into<String>) -> Answer {
        let value = value.into();
        match self
            .headers
            .iter_mut()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
        {
            Some(field) => field.1 = value,
            None => self.headers.push((name, value)),
        }
        self
    }

    fn with_all<'a>(self, fields: impl IntoIterator<Item = &'a (&'static str, String)>) -> Answer {
        fields.into_iter().fold(self, |answer, (name, value)| {
            answer.with(name, value.clone())
        })
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The runtime's `Response`, in one call into JS. A field that holds a line break is
    /// refused, as `Headers.set` would refuse it (and the field list is newline-separated).
    pub fn into_response(self) -> worker::Result<worker::web_sys::Response> {
        let fields = self
            .headers
            .iter()
            .map(|(name, value)| (*name, value.as_str()));
        let lines = crate::platform::field_lines(fields).map_err(worker::Error::RustError)?;
        crate::platform::respond(self.status, &lines, &self.body)
            .map_err(|e| worker::Error::RustError(format!("the answer: {e:?}")))
    }
}

pub fn problem(p: &Problem) -> Answer {
    Answer::new(p.status(), Some(PROBLEM_CONTENT_TYPE), p.to_json()).with_all(&p.headers)
}

pub fn json<T: Serialize>(status: u16, body: &T) -> Answer {
    match serde_json::to_string(body) {
        Ok(text) => Answer::new(status, Some("application/json"), text),
        Err(e) => problem(&Problem::new(
            hookgate_core::problem::ErrorCode::Internal,
            format!("the answer could not be rendered: {e}"),
        )),
    }
}

/// A JSON body already rendered (by the webhook's object), with extra header fields.
pub fn raw_json(status: u16, body: &str, extra: &[(&'static str, String)]) -> Answer {
    Answer::new(status, Some("application/json"), body).with_all(extra)
}

/// A problem in the shape of the webhook's style (`Problem::render`).
pub fn rendered(r: &hookgate_core::problem::Rendered) -> Answer {
    Answer::new(r.status, Some(r.content_type), r.body.as_bytes()).with_all(&r.headers)
}

/// `204 No Content`.
pub fn no_content() -> Answer {
    Answer::new(204, None, Vec::new())
}

/// A dashboard file: its own policy fields, revalidated on every load.
pub fn public_file(content_type: &str, body: &str, csp: &str) -> Answer {
    Answer {
        status: 200,
        headers: vec![
            ("Content-Type", content_type.to_string()),
            ("Content-Security-Policy", csp.to_string()),
            ("X-Content-Type-Options", "nosniff".to_string()),
            ("Referrer-Policy", "no-referrer".to_string()),
            ("Cache-Control", "no-cache".to_string()),
        ],
        body: body.as_bytes().to_vec(),
    }
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

/// `204` with extra header fields (Discord's Events URL acknowledgement).
pub fn no_content_with(extra: &[(&'static str, String)]) -> Answer {
    Answer {
        status: 204,
        headers: vec![("Cache-Control", "no-store".to_string())],
        body: Vec::new(),
    }
    .with_all(extra)
}

/// An edge handshake's answer: its status, content type, body and extra headers (a `204`
/// carries no body).
pub fn handshake(reply: &hookgate_core::verify::handshake::HandshakeReply) -> Answer {
    if reply.status == 204 {
        return no_content_with(&reply.headers);
    }
    Answer {
        status: reply.status,
        headers: vec![
            ("Content-Type", reply.content_type.to_string()),
            ("Cache-Control", "no-store".to_string()),
        ],
        body: reply.body.as_bytes().to_vec(),
    }
    .with_all(&reply.headers)
}
