//! Reading a request body without ever holding more than the webhook allows.

use futures_util::StreamExt;
use hookgate_core::problem::{ErrorCode, Problem};
use hookgate_core::request::RequestError;
use worker::Request;

/// Reads the body chunk by chunk and stops as soon as it passes `limit`, so a sender
/// without Content-Length (chunked) cannot make the Worker buffer more than the limit.
pub async fn read_limited(req: &mut Request, limit: u64) -> Result<Vec<u8>, Problem> {
    let mut stream = match req.stream() {
        Ok(s) => s,
        // No body at all (e.g. GET): an empty one.
        Err(_) => return Ok(Vec::new()),
    };
    let mut body = Vec::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|_| {
            Problem::new(
                ErrorCode::InvalidContentLength,
                "the request body could not be read to its end",
            )
        })?;
        if (body.len() + chunk.len()) as u64 > limit {
            return Err(RequestError::TooLarge { limit }.into());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}
