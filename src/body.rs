//! Reading a request body without ever holding more than the webhook allows.

use futures_util::StreamExt;
use hookgate_core::problem::{ErrorCode, Problem};
use hookgate_core::request::{content_length, RequestError};
use worker::{js_sys, wasm_bindgen_futures, web_sys, Request};

/// Reads the body without ever holding more than `limit`.
///
/// With a Content-Length within the limit, the runtime's HTTP framing bounds the body to
/// it, so it is read in one native call (`arrayBuffer`): streaming it through wasm chunk
/// by chunk was the accepted path's largest JS cost in the CPU profile
/// (`scripts/profile.sh`: the reader's read, releaseLock and microtask shims). Without
/// one (chunked), it is read chunk by chunk and refused as soon as it passes the limit.
pub async fn read_limited(req: &Request, limit: u64) -> Result<Vec<u8>, Problem> {
    let declared = req
        .headers()
        .get("content-length")
        .ok()
        .flatten()
        .and_then(|v| content_length(&v));
    read_raw(req.inner(), declared, limit).await
}

/// [`read_limited`] of the runtime's request, whose Content-Length (`declared`) the
/// caller has read with the other header fields.
pub async fn read_raw(
    req: &web_sys::Request,
    declared: Option<u64>,
    limit: u64,
) -> Result<Vec<u8>, Problem> {
    let unreadable = || {
        Problem::new(
            ErrorCode::InvalidContentLength,
            "the request body could not be read to its end",
        )
    };
    if declared.is_some_and(|len| len <= limit) {
        let buffer = req.array_buffer().map_err(|_| unreadable())?;
        let buffer = wasm_bindgen_futures::JsFuture::from(buffer)
            .await
            .map_err(|_| unreadable())?;
        let body = js_sys::Uint8Array::new(&buffer).to_vec();
        // The framing already holds it; checked anyway, it costs nothing.
        if body.len() as u64 > limit {
            return Err(RequestError::TooLarge { limit }.into());
        }
        return Ok(body);
    }
    // Chunked: rare, so through `worker`'s stream (which reads `request.cf`, once).
    // (`Clone::clone` copies the handle; `Request::clone` would tee the body.)
    let mut stream = match Request::from(Clone::clone(req)).stream() {
        Ok(s) => s,
        // No body at all (e.g. GET): an empty one.
        Err(_) => return Ok(Vec::new()),
    };
    let mut body = Vec::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|_| unreadable())?;
        if (body.len() + chunk.len()) as u64 > limit {
            return Err(RequestError::TooLarge { limit }.into());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}
