//! Test-only KV fault injection, so the end-to-end suite can prove that a failed admin
//! write leaves nothing destroyed or duplicated.
//!
//! Compiled in only with the `fault-injection` cargo feature, which only the test build
//! (`scripts/build.sh faults`, into `build-faults/`) enables. The release build that
//! `wrangler deploy` ships has no code that reads the header, so no request and no
//! configuration can turn it on; `tests/e2e` checks the release wasm for its name.

use worker::Request;

/// The KV writes of the registry, as named in the fault header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KvWrite {
    PutPointer,
    PutRoute,
    DeleteRoute,
    DeletePointer,
}

#[cfg(feature = "fault-injection")]
impl KvWrite {
    fn name(self) -> &'static str {
        match self {
            KvWrite::PutPointer => "put-pointer",
            KvWrite::PutRoute => "put-route",
            KvWrite::DeleteRoute => "delete-route",
            KvWrite::DeletePointer => "delete-pointer",
        }
    }
}

/// The writes to fail during one admin request.
#[derive(Clone, Default)]
pub struct Faults {
    #[cfg(feature = "fault-injection")]
    failing: Vec<String>,
}

#[cfg(feature = "fault-injection")]
pub const HEADER: &str = "x-hookgate-test-kv-fault";

impl Faults {
    #[cfg(feature = "fault-injection")]
    pub fn from_request(req: &Request) -> Faults {
        let raw = req.headers().get(HEADER).ok().flatten().unwrap_or_default();
        Faults {
            failing: raw.split(',').map(|s| s.trim().to_string()).collect(),
        }
    }

    #[cfg(not(feature = "fault-injection"))]
    pub fn from_request(_: &Request) -> Faults {
        Faults::default()
    }

    /// An error when this write is set to fail.
    #[cfg(feature = "fault-injection")]
    pub fn check(&self, write: KvWrite) -> Result<(), String> {
        if self.failing.iter().any(|f| f == write.name()) {
            Err(format!("injected fault: {}", write.name()))
        } else {
            Ok(())
        }
    }

    #[cfg(not(feature = "fault-injection"))]
    #[inline(always)]
    pub fn check(&self, _: KvWrite) -> Result<(), String> {
        Ok(())
    }
}

/// `GET|PUT|DELETE /admin/test/kv/{key}`: raw KV access behind the admin token, so the
/// suite can plant what a hand edit or a slow KV propagation would leave. Only in the
/// fault-injection build.
#[cfg(feature = "fault-injection")]
pub async fn raw_kv(
    req: &mut Request,
    env: &worker::Env,
) -> Option<Result<(u16, serde_json::Value), hookgate_core::problem::Problem>> {
    use hookgate_core::problem::{ErrorCode, Problem};
    let path = req.path();
    let key = path.strip_prefix("/admin/test/kv/")?.to_string();
    let key = percent_decode(&key);
    crate::registry::forget(&key);
    let fail = |e: worker::Error| Problem::new(ErrorCode::Internal, e.to_string());
    let result = async {
        let kv = env.kv("ROUTES").map_err(fail)?;
        match req.method() {
            // The stored text, as a JSON string.
            worker::Method::Get => match kv.get(&key).text().await.map_err(|e| fail(e.into()))? {
                Some(text) => Ok((200, serde_json::Value::String(text))),
                None => Err(Problem::new(ErrorCode::NotFound, "no such key")),
            },
            worker::Method::Put => {
                let body = req.text().await.map_err(fail)?;
                kv.put(&key, body)
                    .map_err(|e| fail(e.into()))?
                    .execute()
                    .await
                    .map_err(|e| fail(e.into()))?;
                Ok((204, serde_json::Value::Null))
            }
            worker::Method::Delete => {
                kv.delete(&key).await.map_err(|e| fail(e.into()))?;
                Ok((204, serde_json::Value::Null))
            }
            _ => Err(Problem::new(
                ErrorCode::MethodNotAllowed,
                "GET, PUT or DELETE",
            )),
        }
    }
    .await;
    Some(result)
}

/// `GET /admin/test/r2/{key}`: whether a body is in R2 (its size and SHA-256);
/// `PUT|DELETE /admin/test/r2/{key}`: overwrite or remove it, so the suite can tamper
/// with a stored body the way a stray writer or a lifecycle rule would; and
/// `POST /admin/test/queue/{binding}`: the request's body sent as one raw message, so
/// the suite can hand a consumer what no webhook can; `GET
/// /admin/test/storage-calls/{webhook_id}`: the storage calls its object's incarnation
/// made. Only in the fault-injection build.
#[cfg(feature = "fault-injection")]
pub async fn raw_r2_and_queue(
    req: &mut Request,
    env: &worker::Env,
) -> Option<Result<(u16, serde_json::Value), hookgate_core::problem::Problem>> {
    use hookgate_core::problem::{ErrorCode, Problem};
    let path = req.path();
    let fail = |e: worker::Error| Problem::new(ErrorCode::Internal, e.to_string());
    if let Some(key) = path.strip_prefix("/admin/test/r2/") {
        let key = percent_decode(key);
        let result = async {
            let bucket = env.bucket("BODIES").map_err(fail)?;
            match req.method() {
                worker::Method::Put => {
                    let bytes = req.bytes().await.map_err(fail)?;
                    bucket.put(&key, bytes).execute().await.map_err(fail)?;
                    return Ok((204, serde_json::Value::Null));
                }
                worker::Method::Delete => {
                    bucket.delete(&key).await.map_err(fail)?;
                    return Ok((204, serde_json::Value::Null));
                }
                _ => {}
            }
            let Some(object) = bucket.get(&key).execute().await.map_err(fail)? else {
                return Err(Problem::new(ErrorCode::NotFound, "no such R2 object"));
            };
            let bytes = match object.body() {
                Some(b) => b.bytes().await.map_err(fail)?,
                None => Vec::new(),
            };
            let sha = crate::platform::sha256_hex(&bytes)
                .await
                .map_err(|e| Problem::new(ErrorCode::Internal, e))?;
            Ok((200, serde_json::json!({"size": bytes.len(), "sha256": sha})))
        }
        .await;
        return Some(result);
    }
    if let Some(id) = path.strip_prefix("/admin/test/storage-calls/") {
        let Some(id) = hookgate_core::secret::WebhookId::parse(id) else {
            return Some(Err(Problem::new(ErrorCode::NotFound, "no such webhook id")));
        };
        return Some(
            crate::guard::client::storage_calls(env, &id)
                .await
                .map(|counts| (200, counts)),
        );
    }
    let binding = path.strip_prefix("/admin/test/queue/")?.to_string();
    let result = async {
        let text = req.text().await.map_err(fail)?;
        crate::queues::send_text(env, &binding, &text, 0)
            .await
            .map_err(fail)?;
        Ok((204, serde_json::Value::Null))
    }
    .await;
    Some(result)
}

#[cfg(feature = "fault-injection")]
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}
