//! The route table in KV, with a bounded per-isolate cache in front of it.
//!
//! Layout (one namespace, binding `ROUTES`):
//! - `route:{path}`  → the webhook record (format pinned in `hookgate-core`), read by
//!   every delivery;
//! - `webhook:{id}`  → an [`IdPointer`] `{"path", "retired"}`, so the admin API finds a
//!   record by id.
//!
//! Writes. KV has no transactions and about one write per second per key, so each admin
//! operation writes each key once, in this order:
//! - create: pointer, then route. A failed route write leaves a pointer to nothing,
//!   which no one can see (the id was never returned).
//! - update in place (PATCH, rotate): the route only. The pointer is untouched, so no
//!   failed pointer write can take a live webhook down.
//! - move P → Q: pointer `{Q, retired: [P]}`, then route Q, then delete route P. Every
//!   state in between is readable (the record is at Q or at a retired path), and every
//!   extra copy is listed in `retired`. The next admin access to the webhook repairs it
//!   ([`plan_repair`]): finishes the move if route Q was written, undoes it otherwise.
//! - delete: route, then pointer. A failed pointer delete leaves a pointer to nothing.
//!
//! What is deliberately not guaranteed (the per-webhook Durable Object will make it so):
//! after a failed move and until the next admin access, both paths deliver; and KV is
//! eventually consistent across locations, so other locations see any change up to ~60 s
//! late, plus this cache's TTL.

use crate::faults::{Faults, KvWrite};
use crate::platform::now;
use futures_util::future::join;
use hookgate_core::model::pointer::{plan_repair, IdPointer};
use hookgate_core::model::WebhookRecord;
use hookgate_core::path::WebhookPath;
use hookgate_core::problem::{misconfigured, ErrorCode, Problem};
use hookgate_core::secret::WebhookId;
use lru::LruCache;
use std::cell::{OnceCell, RefCell};
use std::collections::BTreeMap;
use std::num::NonZeroUsize;
use std::sync::Arc;
use worker::kv::KvStore;
use worker::{console_error, Env};

const BINDING: &str = "ROUTES";
const FOUND_TTL_MS: u64 = 30_000;
const MISSING_TTL_MS: u64 = 5_000;
/// Records and absences are cached apart, so a stream of unknown paths only ever evicts
/// other absences, never a hot record.
const MAX_FOUND: usize = 2_048;
const MAX_MISSING: usize = 1_024;

struct Cache {
    /// Shared with the requests that use them (`RouteMatch` holds an `Arc`).
    found: LruCache<String, (u64, Arc<WebhookRecord>)>,
    missing: LruCache<String, u64>,
}

impl Cache {
    fn new() -> Cache {
        Cache {
            found: LruCache::new(NonZeroUsize::new(MAX_FOUND).expect("non-zero")),
            missing: LruCache::new(NonZeroUsize::new(MAX_MISSING).expect("non-zero")),
        }
    }

    /// `Some(answer)` while fresh.
    fn get(&mut self, key: &str, now_ms: u64) -> Option<Option<Arc<WebhookRecord>>> {
        if let Some((at, record)) = self.found.get(key) {
            if now_ms.saturating_sub(*at) < FOUND_TTL_MS {
                return Some(Some(Arc::clone(record)));
            }
        }
        if let Some(at) = self.missing.get(key) {
            if now_ms.saturating_sub(*at) < MISSING_TTL_MS {
                return Some(None);
            }
        }
        None
    }

    fn put(&mut self, key: String, now_ms: u64, record: Option<Arc<WebhookRecord>>) {
        match record {
            Some(r) => {
                self.missing.pop(&key);
                self.found.put(key, (now_ms, r));
            }
            None => {
                self.found.pop(&key);
                self.missing.put(key, now_ms);
            }
        }
    }

    fn invalidate(&mut self, key: &str) {
        self.found.pop(key);
        self.missing.pop(key);
    }
}

thread_local! {
    static CACHE: RefCell<Cache> = RefCell::new(Cache::new());
}

/// Drops a key from this isolate's cache (the fault-injection build's raw KV writes).
#[cfg(feature = "fault-injection")]
pub fn forget(key: &str) {
    CACHE.with(|c| c.borrow_mut().invalidate(key));
}

fn route_key(path: &WebhookPath) -> String {
    format!("route:{path}")
}

fn id_key(id: &WebhookId) -> String {
    format!("webhook:{}", id.as_str())
}

/// KV failed: the detail goes to the log, the caller learns only to retry.
fn unavailable(what: &str, e: impl std::fmt::Display) -> Problem {
    console_error!(
        "{}",
        serde_json::json!({"msg": "kv_error", "op": what, "error": e.to_string()})
    );
    Problem::new(
        ErrorCode::RegistryUnavailable,
        "the webhook registry is unavailable; retry",
    )
    .with_header("Retry-After", "1")
}

fn decode(key: &str, text: &str) -> Result<WebhookRecord, Problem> {
    WebhookRecord::decode(text).map_err(|e| {
        console_error!(
            "{}",
            serde_json::json!({"msg": "record_unusable", "key": key, "error": e.to_string()})
        );
        misconfigured()
    })
}

/// A page of [`Registry::list_page`].
pub struct ListPage {
    pub records: Vec<WebhookRecord>,
    /// The paths whose records do not decode, in path order.
    pub unreadable: Vec<String>,
    /// KV's cursor for the next page; `None` on the last.
    pub next: Option<String>,
}

pub struct Registry<'e> {
    /// The binding, fetched on the first KV read: a request answered from the isolate
    /// cache (most senders' requests) makes no call into JS for it (`env.kv` looks up
    /// the binding and each of its methods).
    kv: OnceCell<KvStore>,
    /// For the binding above, and for the writes and the listing, which call KV directly
    /// ([`raw_kv`]). Borrowed: every sender's request makes a `Registry`.
    env: &'e Env,
    faults: Faults,
}

impl<'e> Registry<'e> {
    pub fn new(env: &'e Env) -> Registry<'e> {
        Self::with_faults(env, Faults::default())
    }

    pub fn with_faults(env: &'e Env, faults: Faults) -> Registry<'e> {
        Registry {
            kv: OnceCell::new(),
            env,
            faults,
        }
    }

    fn kv(&self) -> Result<&KvStore, Problem> {
        if let Some(kv) = self.kv.get() {
            return Ok(kv);
        }
        let kv = self.env.kv(BINDING).map_err(|_| {
            console_error!("the {BINDING} KV binding is missing from this deployment");
            Problem::new(ErrorCode::Internal, "the gateway is misconfigured")
        })?;
        Ok(self.kv.get_or_init(|| kv))
    }

    /// The record at exactly this path, through the isolate cache.
    pub async fn route(&self, path: &WebhookPath) -> Result<Option<Arc<WebhookRecord>>, Problem> {
        let key = route_key(path);
        let now_ms = now().0;
        if let Some(hit) = CACHE.with(|c| c.borrow_mut().get(&key, now_ms)) {
            return Ok(hit);
        }
        let record = self.read(&key).await?.map(Arc::new);
        CACHE.with(|c| c.borrow_mut().put(key, now_ms, record.clone()));
        Ok(record)
    }

    /// Puts a record the webhook's object says is current into this isolate's cache.
    pub fn remember(&self, record: &Arc<WebhookRecord>) {
        let key = route_key(record.path());
        CACHE.with(|c| c.borrow_mut().put(key, now().0, Some(Arc::clone(record))));
    }

    /// The records at a request's path and at its parent (where a URL-key webhook would
    /// be). The parent is only needed when the exact path holds nothing, so a cached
    /// exact answer decides alone; otherwise both are read at once.
    pub async fn lookup(
        &self,
        path: &WebhookPath,
    ) -> Result<(Option<Arc<WebhookRecord>>, Option<Arc<WebhookRecord>>), Problem> {
        let Some((parent, _)) = path.split_last() else {
            return Ok((self.route(path).await?, None));
        };
        let cached_exact = CACHE.with(|c| c.borrow_mut().get(&route_key(path), now().0));
        match cached_exact {
            Some(Some(record)) => Ok((Some(record), None)),
            Some(None) => Ok((None, self.route(&parent).await?)),
            None => {
                let (exact, parent) = join(self.route(path), self.route(&parent)).await;
                let exact = exact?;
                Ok(match exact {
                    Some(r) => (Some(r), None),
                    None => (None, parent?),
                })
            }
        }
    }

    async fn read(&self, key: &str) -> Result<Option<WebhookRecord>, Problem> {
        let text = self
            .kv()?
            .get(key)
            .text()
            .await
            .map_err(|e| unavailable("get", e))?;
        text.map(|t| decode(key, &t)).transpose()
    }

    /// The record at `path` if it belongs to `id`.
    async fn route_of(
        &self,
        id: &WebhookId,
        path: &WebhookPath,
    ) -> Result<Option<WebhookRecord>, Problem> {
        Ok(self.read(&route_key(path)).await?.filter(|r| r.id() == id))
    }

    pub async fn path_taken(&self, path: &WebhookPath) -> Result<bool, Problem> {
        Ok(self
            .kv()?
            .get(&route_key(path))
            .text()
            .await
            .map_err(|e| unavailable("get", e))?
            .is_some())
    }

    async fn pointer(&self, id: &WebhookId) -> Result<Option<IdPointer>, Problem> {
        let Some(text) = self
            .kv()?
            .get(&id_key(id))
            .text()
            .await
            .map_err(|e| unavailable("get", e))?
        else {
            return Ok(None);
        };
        IdPointer::decode(&text).map(Some).map_err(|e| {
            console_error!(
                "{}",
                serde_json::json!({"msg": "pointer_unusable", "id": id.as_str(), "error": e.to_string()})
            );
            misconfigured()
        })
    }

    /// The webhook with this id, after repairing what an interrupted write left.
    pub async fn by_id(&self, id: &WebhookId) -> Result<Option<WebhookRecord>, Problem> {
        let Some(pointer) = self.pointer(id).await? else {
            return Ok(None);
        };
        let at_path = self.route_of(id, &pointer.path).await?;
        if pointer.retired.is_empty() {
            return Ok(at_path);
        }
        let mut retired_ours = Vec::new();
        let mut retired_records = Vec::new();
        for path in &pointer.retired {
            if let Some(r) = self.route_of(id, path).await? {
                retired_ours.push(path.clone());
                retired_records.push(r);
            }
        }
        let repair = plan_repair(&pointer, at_path.is_some(), &retired_ours);
        for path in &repair.delete_routes {
            self.delete_route(path).await?;
        }
        if let Some(p) = &repair.pointer {
            self.put_pointer(id, p).await?;
        }
        let Some(live) = repair.live else {
            return Ok(None);
        };
        if live == pointer.path {
            return Ok(at_path);
        }
        Ok(retired_ours
            .iter()
            .position(|p| *p == live)
            .map(|i| retired_records.swap_remove(i)))
    }

    /// One page of the webhooks, in path order: at most `limit` (up to 100, KV's bulk
    /// read) route keys from KV's list after `kv_cursor`, their records in one bulk read,
    /// and KV's cursor for the next page (`None` on the last). A page costs two KV
    /// operations, whatever the number of webhooks. During an unrepaired move a webhook's id can be at two
    /// paths: on one page it is listed once, where its pointer says it lives; two pages
    /// may each show one copy until the next admin access to it repairs the move.
    ///
    /// A record that no longer decodes (hand-edited, or written by a newer version) is
    /// left out and its path returned apart (`unreadable`), with its reason in the log:
    /// one bad record must not hide every other webhook from its operator. (Its sender's
    /// requests are still refused `webhook_misconfigured`.)
    pub async fn list_page(
        &self,
        limit: usize,
        kv_cursor: Option<String>,
    ) -> Result<ListPage, Problem> {
        let page = raw_kv::list(self.env, "route:", limit, kv_cursor)
            .await
            .map_err(|e| unavailable("list", e))?;
        let names: Vec<&str> = page.keys.iter().map(|k| k.name.as_str()).collect();
        let mut records: Vec<WebhookRecord> = Vec::with_capacity(names.len());
        let mut unreadable = Vec::new();
        if !names.is_empty() {
            let values = raw_kv::get_many(self.env, &names)
                .await
                .map_err(|e| unavailable("get", e))?;
            for (key, text) in values {
                if let Some(text) = text {
                    match decode(&key, &text) {
                        Ok(record) => records.push(record),
                        Err(_) => {
                            unreadable.push(key.strip_prefix("route:").unwrap_or(&key).to_string())
                        }
                    }
                }
            }
        }
        let mut by_id: BTreeMap<String, Vec<WebhookRecord>> = BTreeMap::new();
        for r in records {
            by_id
                .entry(r.id().as_str().to_string())
                .or_default()
                .push(r);
        }
        let mut unique = Vec::with_capacity(by_id.len());
        for (_, mut copies) in by_id {
            if copies.len() == 1 {
                unique.extend(copies.pop());
            } else if let Some(live) = self.by_id(copies[0].id()).await? {
                unique.push(live);
            }
        }
        unique.sort_by(|a, b| a.path().cmp(b.path()));
        let next = page.cursor.filter(|_| !page.list_complete);
        unreadable.sort();
        Ok(ListPage {
            records: unique,
            unreadable,
            next,
        })
    }

    pub async fn create(&self, record: &WebhookRecord) -> Result<(), Problem> {
        self.put_pointer(record.id(), &IdPointer::at(record.path().clone()))
            .await?;
        self.put_route(record).await
    }

    /// Writes a changed record; `current` is what the change was computed from.
    pub async fn update(
        &self,
        current: &WebhookRecord,
        record: &WebhookRecord,
    ) -> Result<(), Problem> {
        if current.path() == record.path() {
            return self.put_route(record).await;
        }
        let moving = IdPointer {
            path: record.path().clone(),
            retired: vec![current.path().clone()],
        };
        self.put_pointer(record.id(), &moving).await?;
        self.put_route(record).await?;
        self.delete_route(current.path()).await
        // The pointer keeps `retired` until the next access tidies it: a second write to
        // the same key within a second is what KV rate-limits.
    }

    pub async fn delete(&self, record: &WebhookRecord) -> Result<(), Problem> {
        // Route first: once it is gone no delivery matches, whatever happens next.
        self.delete_route(record.path()).await?;
        let key = id_key(record.id());
        let deleted = match self.faults.check(KvWrite::DeletePointer) {
            Ok(()) => match self.kv() {
                Ok(kv) => kv.delete(&key).await.map_err(|e| e.to_string()),
                Err(_) => Err(format!("the {BINDING} KV binding is missing")),
            },
            Err(e) => Err(e),
        };
        if let Err(e) = deleted {
            // A pointer to nothing is invisible; the webhook is gone either way.
            console_error!(
                "{}",
                serde_json::json!({"msg": "kv_error", "op": "delete pointer", "error": e})
            );
        }
        Ok(())
    }

    async fn put_route(&self, record: &WebhookRecord) -> Result<(), Problem> {
        let key = route_key(record.path());
        self.faults
            .check(KvWrite::PutRoute)
            .map_err(|e| unavailable("put route", e))?;
        raw_kv::put(self.env, &key, &record.encode())
            .await
            .map_err(|e| unavailable("put route", e))?;
        CACHE.with(|c| c.borrow_mut().invalidate(&key));
        Ok(())
    }

    async fn put_pointer(&self, id: &WebhookId, pointer: &IdPointer) -> Result<(), Problem> {
        self.faults
            .check(KvWrite::PutPointer)
            .map_err(|e| unavailable("put pointer", e))?;
        raw_kv::put(self.env, &id_key(id), &pointer.encode())
            .await
            .map_err(|e| unavailable("put pointer", e))
    }

    async fn delete_route(&self, path: &WebhookPath) -> Result<(), Problem> {
        let key = route_key(path);
        self.faults
            .check(KvWrite::DeleteRoute)
            .map_err(|e| unavailable("delete route", e))?;
        self.kv()?
            .delete(&key)
            .await
            .map_err(|e| unavailable("delete route", e))?;
        CACHE.with(|c| c.borrow_mut().invalidate(&key));
        Ok(())
    }
}

/// KV's `put` (no options) and `list` called directly. worker's builders pass their
/// options and read `list`'s answer through serde_wasm_bindgen, which was the only user
/// of that crate in the release wasm (11 KB raw); the answer is read here from its JSON
/// text instead.
pub(crate) mod raw_kv {
    use super::BINDING;
    use serde::Deserialize;
    use std::collections::BTreeMap;
    use worker::js_sys::{Array, Function, Object, Promise, Reflect, JSON};
    use worker::wasm_bindgen::{JsCast, JsValue};
    use worker::wasm_bindgen_futures::JsFuture;
    use worker::Env;

    #[derive(Deserialize)]
    pub struct ListPage {
        pub keys: Vec<Key>,
        pub list_complete: bool,
        #[serde(default)]
        pub cursor: Option<String>,
    }

    #[derive(Deserialize)]
    pub struct Key {
        pub name: String,
    }

    fn method(env: &Env, name: &str) -> Result<(JsValue, Function), String> {
        let kv = Reflect::get(env, &JsValue::from_str(BINDING)).map_err(|e| format!("{e:?}"))?;
        let f = Reflect::get(&kv, &JsValue::from_str(name))
            .map_err(|e| format!("{e:?}"))?
            .dyn_into::<Function>()
            .map_err(|_| format!("{BINDING}.{name} is not a function"))?;
        Ok((kv, f))
    }

    async fn settle(promise: Result<JsValue, JsValue>) -> Result<JsValue, String> {
        let promise: Promise = promise.map_err(|e| format!("{e:?}"))?.into();
        JsFuture::from(promise).await.map_err(|e| format!("{e:?}"))
    }

    /// A put that KV deletes after `ttl_s` seconds (at least 60, KV's minimum): the
    /// fetched-key cache (`crate::keys`).
    pub async fn put_expiring(env: &Env, key: &str, value: &str, ttl_s: u64) -> Result<(), String> {
        let (kv, put) = method(env, "put")?;
        let options = Object::new();
        Reflect::set(
            &options,
            &JsValue::from_str("expirationTtl"),
            &JsValue::from_f64(ttl_s.max(60) as f64),
        )
        .map_err(|e| format!("{e:?}"))?;
        settle(put.call3(
            &kv,
            &JsValue::from_str(key),
            &JsValue::from_str(value),
            &options,
        ))
        .await
        .map(|_| ())
    }

    pub async fn put(env: &Env, key: &str, value: &str) -> Result<(), String> {
        let (kv, put) = method(env, "put")?;
        settle(put.call2(&kv, &JsValue::from_str(key), &JsValue::from_str(value)))
            .await
            .map(|_| ())
    }

    /// KV's bulk read: up to 100 keys in one operation, each key with its text or `None`.
    pub async fn get_many(
        env: &Env,
        keys: &[&str],
    ) -> Result<BTreeMap<String, Option<String>>, String> {
        let (kv, get) = method(env, "get")?;
        let names = Array::new();
        for key in keys {
            names.push(&JsValue::from_str(key));
        }
        // A `Map` of key to text (or null), read as JSON text like `list`'s answer.
        let answer = settle(get.call1(&kv, &names)).await?;
        let entries = Object::from_entries(&answer).map_err(|e| format!("{e:?}"))?;
        let text: String = JSON::stringify(&entries)
            .map_err(|e| format!("{e:?}"))?
            .into();
        serde_json::from_str(&text).map_err(|e| e.to_string())
    }

    pub async fn list(
        env: &Env,
        prefix: &str,
        limit: usize,
        cursor: Option<String>,
    ) -> Result<ListPage, String> {
        let (kv, list) = method(env, "list")?;
        let options = Object::new();
        let set = |k: &str, v: &JsValue| Reflect::set(&options, &JsValue::from_str(k), v);
        set("prefix", &JsValue::from_str(prefix)).map_err(|e| format!("{e:?}"))?;
        set("limit", &JsValue::from_f64(limit as f64)).map_err(|e| format!("{e:?}"))?;
        if let Some(c) = cursor {
            set("cursor", &JsValue::from_str(&c)).map_err(|e| format!("{e:?}"))?;
        }
        let answer = settle(list.call1(&kv, &options)).await?;
        let text: String = JSON::stringify(&answer)
            .map_err(|e| format!("{e:?}"))?
            .into();
        serde_json::from_str(&text).map_err(|e| e.to_string())
    }
}
