//! The route table in KV, with a short per-isolate cache in front of it.
//!
//! Layout (one namespace, binding `ROUTES`):
//! - `route:{path}`  → the webhook record (format pinned in `hookgate-core`), read by
//!   every delivery;
//! - `webhook:{id}`  → `{"path": ...}`, so the admin API can find a record by id.
//!
//! KV is eventually consistent across locations. The cache only adds a few seconds to
//! that; writes made through this isolate invalidate its own entries at once.

use crate::platform::now;
use hookgate_core::path::WebhookPath;
use hookgate_core::problem::{ErrorCode, Problem};
use hookgate_core::record::WebhookRecord;
use hookgate_core::secret::WebhookId;
use serde::{Deserialize, Serialize};
use std::cell::RefCell;
use std::collections::HashMap;
use worker::kv::KvStore;
use worker::Env;

const BINDING: &str = "ROUTES";
const FOUND_TTL_MS: u64 = 30_000;
const MISSING_TTL_MS: u64 = 5_000;
const MAX_CACHED: usize = 2_048;

/// Decoded records (or their absence) by KV key, with the time they were read. Records
/// that fail to decode are not cached, so a fix in KV is seen at the next request.
type Cache = HashMap<String, (u64, Option<WebhookRecord>)>;

thread_local! {
    static CACHE: RefCell<Cache> = RefCell::new(HashMap::new());
}

fn route_key(path: &WebhookPath) -> String {
    format!("route:{path}")
}

fn id_key(id: &WebhookId) -> String {
    format!("webhook:{}", id.as_str())
}

#[derive(Serialize, Deserialize)]
struct IdPointer {
    path: WebhookPath,
}

fn unavailable(e: impl std::fmt::Display) -> Problem {
    Problem::new(ErrorCode::RegistryUnavailable, format!("KV: {e}")).with_header("Retry-After", "1")
}

pub struct Registry {
    kv: KvStore,
}

impl Registry {
    pub fn new(env: &Env) -> Result<Registry, Problem> {
        env.kv(BINDING)
            .map(|kv| Registry { kv })
            .map_err(|_| Problem::new(ErrorCode::Internal, "the ROUTES KV binding is missing"))
    }

    /// The record at exactly this path, through the isolate cache.
    pub async fn route(&self, path: &WebhookPath) -> Result<Option<WebhookRecord>, Problem> {
        let key = route_key(path);
        let now_ms = now().0;
        let cached = CACHE.with(|c| {
            c.borrow().get(&key).and_then(|(at, value)| {
                let ttl = if value.is_some() {
                    FOUND_TTL_MS
                } else {
                    MISSING_TTL_MS
                };
                (now_ms.saturating_sub(*at) < ttl).then(|| value.clone())
            })
        });
        if let Some(hit) = cached {
            return Ok(hit);
        }
        let text = self.kv.get(&key).text().await.map_err(unavailable)?;
        let record = text
            .map(|t| WebhookRecord::decode(&t).map_err(Problem::from))
            .transpose()?;
        CACHE.with(|c| {
            let mut c = c.borrow_mut();
            if c.len() >= MAX_CACHED {
                c.clear();
            }
            c.insert(key, (now_ms, record.clone()));
        });
        Ok(record)
    }

    /// Reads without the cache: the admin API must see its own writes.
    async fn route_uncached(&self, path: &WebhookPath) -> Result<Option<WebhookRecord>, Problem> {
        let text = self
            .kv
            .get(&route_key(path))
            .text()
            .await
            .map_err(unavailable)?;
        text.map(|t| WebhookRecord::decode(&t).map_err(Problem::from))
            .transpose()
    }

    pub async fn path_taken(&self, path: &WebhookPath) -> Result<bool, Problem> {
        Ok(self
            .kv
            .get(&route_key(path))
            .text()
            .await
            .map_err(unavailable)?
            .is_some())
    }

    pub async fn by_id(&self, id: &WebhookId) -> Result<Option<WebhookRecord>, Problem> {
        let Some(pointer) = self
            .kv
            .get(&id_key(id))
            .json::<IdPointer>()
            .await
            .map_err(unavailable)?
        else {
            return Ok(None);
        };
        Ok(self
            .route_uncached(&pointer.path)
            .await?
            .filter(|r| r.id == *id))
    }

    /// Every record, in path order.
    pub async fn list(&self) -> Result<Vec<WebhookRecord>, Problem> {
        let mut records = Vec::new();
        let mut cursor = None;
        loop {
            let mut req = self.kv.list().prefix("route:".to_string());
            if let Some(c) = cursor.take() {
                req = req.cursor(c);
            }
            let page = req.execute().await.map_err(unavailable)?;
            for key in page.keys {
                if let Some(text) = self.kv.get(&key.name).text().await.map_err(unavailable)? {
                    records.push(WebhookRecord::decode(&text)?);
                }
            }
            match page.cursor {
                Some(c) if !page.list_complete => cursor = Some(c),
                _ => break,
            }
        }
        Ok(records)
    }

    /// Writes a record and its id pointer. If the second write fails the first is undone,
    /// so a failed call leaves no half-registered webhook.
    pub async fn put(&self, record: &WebhookRecord) -> Result<(), Problem> {
        let key = route_key(&record.path);
        self.kv
            .put(&key, record.encode())
            .map_err(unavailable)?
            .execute()
            .await
            .map_err(unavailable)?;
        invalidate(&key);
        let pointer = serde_json::to_string(&IdPointer {
            path: record.path.clone(),
        })
        .expect("pointer serializes");
        let written = match self.kv.put(&id_key(&record.id), pointer) {
            Ok(builder) => builder.execute().await,
            Err(e) => Err(e),
        };
        if let Err(e) = written {
            let _ = self.kv.delete(&key).await;
            return Err(unavailable(e));
        }
        Ok(())
    }

    /// Removes the route at `path` (used when a record moves or is deleted).
    pub async fn remove_route(&self, path: &WebhookPath) -> Result<(), Problem> {
        let key = route_key(path);
        self.kv.delete(&key).await.map_err(unavailable)?;
        invalidate(&key);
        Ok(())
    }

    pub async fn delete(&self, record: &WebhookRecord) -> Result<(), Problem> {
        // Route first: once it is gone no delivery matches, whatever happens next.
        self.remove_route(&record.path).await?;
        self.kv
            .delete(&id_key(&record.id))
            .await
            .map_err(unavailable)
    }
}

fn invalidate(key: &str) {
    CACHE.with(|c| c.borrow_mut().remove(key));
}
