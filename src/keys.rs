//! Fetched verification keys (AWS SNS and PayPal certificates, Google's certificates,
//! Plaid's JWKs): the core says which document a request needs
//! (`hookgate_core::verify::key_needed`), this module gets it from, in order, the
//! isolate's cache, KV (`key:{cache_key}`, expiring with the document) and the
//! provider, within `FETCH_TIMEOUT_MS`, and keeps it for the lifetime the core allows
//! (`fetched::usable_until`: the provider's `Cache-Control`, a certificate's
//! `notAfter`). A document that cannot be had is `None`, which verification refuses as
//! `401 key_unavailable`.
//!
//! Only URLs the core built are fetched, and the core builds them only on the provider's
//! hosts. The test-only build alone may send them to a local server instead
//! (`TEST_KEY_ORIGIN_HEADER`, below); the release build has no code that reads it.

use crate::platform::{now, within};
use hookgate_core::verify::fetched::{self, KeyDocument, KeyFetch, Provider};
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use worker::{AbortController, Env, Fetch, Headers};

/// The largest document read from a provider (certificates are 1-3 KiB).
const MAX_DOCUMENT_BYTES: usize = 64 * 1024;
/// Documents kept per isolate (a handful of providers and certificates in practice).
const ISOLATE_ENTRIES: usize = 64;
/// After a failed fetch the key is not asked for again for this long, so that a stream
/// of requests naming a missing key does not become a stream of fetches.
const FAILURE_BACKOFF_MS: u64 = 30_000;
/// A cached document is fetched again when a request names a key it lacks (Google's
/// rotation), at most this often.
const REFRESH_INTERVAL_MS: u64 = 60_000;

#[derive(Clone)]
enum Entry {
    Usable { text: Rc<str>, until_ms: u64 },
    Failed { until_ms: u64 },
}

#[derive(Default)]
struct Cache {
    entries: HashMap<String, Entry>,
    refreshed_ms: HashMap<String, u64>,
}

impl Cache {
    fn put(&mut self, key: String, entry: Entry, now_ms: u64) {
        if self.entries.len() >= ISOLATE_ENTRIES {
            self.entries.retain(|_, e| match e {
                Entry::Usable { until_ms, .. } | Entry::Failed { until_ms } => *until_ms > now_ms,
            });
        }
        if self.entries.len() >= ISOLATE_ENTRIES {
            self.entries.clear();
        }
        self.entries.insert(key, entry);
    }
}

thread_local! {
    static CACHE: RefCell<Cache> = RefCell::new(Cache::default());
}

/// Where a request's key documents are fetched from.
#[derive(Clone, Debug, Default)]
pub struct KeyOrigin {
    /// Test-only: `http://127.0.0.1:PORT` standing in for every provider host.
    #[cfg(feature = "fault-injection")]
    local: Option<String>,
}

/// Test-only: a sender's request may name a local server that answers for the
/// providers' key hosts: `https://host/path` is fetched as `{origin}/host/path`. The
/// core's host checks run as in production (the URL is built, and refused, first).
#[cfg(feature = "fault-injection")]
pub const TEST_KEY_ORIGIN_HEADER: &str = "x-hookgate-test-key-origin";

impl KeyOrigin {
    #[cfg(feature = "fault-injection")]
    pub fn of(headers: &hookgate_core::request::Headers) -> KeyOrigin {
        KeyOrigin {
            local: headers
                .get(TEST_KEY_ORIGIN_HEADER)
                .filter(|o| o.starts_with("http://127.0.0.1:"))
                .map(str::to_string),
        }
    }

    #[cfg(not(feature = "fault-injection"))]
    pub fn of(_: &hookgate_core::request::Headers) -> KeyOrigin {
        KeyOrigin::default()
    }

    /// The URL actually fetched, and the name the caches keep the document under.
    fn resolve(&self, fetch: &KeyFetch) -> (String, String) {
        #[cfg(feature = "fault-injection")]
        if let Some(local) = &self.local {
            let rest = fetch.url.strip_prefix("https://").unwrap_or(&fetch.url);
            return (
                format!("{local}/{rest}"),
                format!("{local}|{}", fetch.cache_key),
            );
        }
        (fetch.url.clone(), fetch.cache_key.clone())
    }
}

/// The document `fetch` names, and whether it was fetched just now (a cached one may
/// be refreshed once when it lacks the request's key: [`refresh`]).
pub async fn document(
    env: &Env,
    provider: Provider,
    fetch: &KeyFetch,
    origin: &KeyOrigin,
) -> Option<(KeyDocument, bool)> {
    let (url, store_key) = origin.resolve(fetch);
    let now_ms = now().0;
    let hit = CACHE.with(|c| c.borrow().entries.get(&store_key).cloned());
    match hit {
        Some(Entry::Usable { text, until_ms }) if until_ms > now_ms => {
            return Some((doc(fetch, &text), false));
        }
        Some(Entry::Failed { until_ms }) if until_ms > now_ms => return None,
        _ => {}
    }
    if let Some((text, until_ms)) = from_kv(env, &store_key, now_ms).await {
        CACHE.with(|c| {
            let entry = Entry::Usable {
                text: Rc::clone(&text),
                until_ms,
            };
            c.borrow_mut().put(store_key.clone(), entry, now_ms)
        });
        return Some((doc(fetch, &text), false));
    }
    fetch_and_keep(env, provider, fetch, &url, &store_key, now_ms)
        .await
        .map(|d| (d, true))
}

/// Fetches `fetch` again, bypassing the caches, unless that was done for it within
/// `REFRESH_INTERVAL_MS`.
pub async fn refresh(
    env: &Env,
    provider: Provider,
    fetch: &KeyFetch,
    origin: &KeyOrigin,
) -> Option<KeyDocument> {
    let (url, store_key) = origin.resolve(fetch);
    let now_ms = now().0;
    let recent = CACHE.with(|c| {
        let mut c = c.borrow_mut();
        let last = c.refreshed_ms.get(&store_key).copied().unwrap_or(0);
        if now_ms.saturating_sub(last) < REFRESH_INTERVAL_MS {
            return true;
        }
        if c.refreshed_ms.len() >= ISOLATE_ENTRIES {
            c.refreshed_ms.clear();
        }
        c.refreshed_ms.insert(store_key.clone(), now_ms);
        false
    });
    if recent {
        return None;
    }
    fetch_and_keep(env, provider, fetch, &url, &store_key, now_ms).await
}

fn doc(fetch: &KeyFetch, text: &str) -> KeyDocument {
    KeyDocument {
        cache_key: fetch.cache_key.clone(),
        text: text.to_string(),
    }
}

fn kv_key(store_key: &str) -> String {
    format!("key:{store_key}")
}

async fn from_kv(env: &Env, store_key: &str, now_ms: u64) -> Option<(Rc<str>, u64)> {
    #[derive(serde::Deserialize)]
    struct Stored {
        until_ms: u64,
        text: String,
    }
    let kv = env.kv("ROUTES").ok()?;
    let raw = kv.get(&kv_key(store_key)).text().await.ok()??;
    let stored: Stored = serde_json::from_str(&raw).ok()?;
    (stored.until_ms > now_ms).then(|| (Rc::from(stored.text), stored.until_ms))
}

async fn fetch_and_keep(
    env: &Env,
    provider: Provider,
    fetch: &KeyFetch,
    url: &str,
    store_key: &str,
    now_ms: u64,
) -> Option<KeyDocument> {
    let got = get(fetch, url).await;
    let usable = got.as_ref().ok().and_then(|(text, cache_control)| {
        let until = fetched::usable_until(
            provider,
            cache_control.as_deref(),
            text,
            hookgate_core::time::UnixMillis(now_ms),
        )?;
        Some((text.clone(), until))
    });
    let Some((text, until_ms)) = usable else {
        let why = match &got {
            Err(e) => e.clone(),
            Ok(_) => "the document is not a usable key".to_string(),
        };
        worker::console_error!(
            "{}",
            serde_json::json!({"msg": "key_unavailable", "url": fetch.url, "error": why})
        );
        CACHE.with(|c| {
            let entry = Entry::Failed {
                until_ms: now_ms + FAILURE_BACKOFF_MS,
            };
            c.borrow_mut().put(store_key.to_string(), entry, now_ms)
        });
        return None;
    };
    let text: Rc<str> = Rc::from(text);
    CACHE.with(|c| {
        let entry = Entry::Usable {
            text: Rc::clone(&text),
            until_ms,
        };
        c.borrow_mut().put(store_key.to_string(), entry, now_ms)
    });
    let stored = serde_json::json!({"until_ms": until_ms, "text": &*text}).to_string();
    let ttl_s = until_ms.saturating_sub(now_ms) / 1000;
    if let Err(e) =
        crate::registry::raw_kv::put_expiring(env, &kv_key(store_key), &stored, ttl_s).await
    {
        // The isolate still has it; the next isolate fetches it again.
        worker::console_error!(
            "{}",
            serde_json::json!({"msg": "key_cache_write_failed", "error": e})
        );
    }
    Some(doc(fetch, &text))
}

/// One fetch within the timeout: the body (at most `MAX_DOCUMENT_BYTES`) of a 200, and
/// its `Cache-Control`.
async fn get(fetch: &KeyFetch, url: &str) -> Result<(String, Option<String>), String> {
    let headers = Headers::new();
    let body = fetch.body.as_deref().map(|b| {
        let _ = headers.set("content-type", "application/json");
        wasm_bindgen::JsValue::from_str(b)
    });
    let request = crate::platform::request(url, fetch.method, &headers, body.as_ref())?;
    let controller = AbortController::default();
    let signal = controller.signal();
    let exchange = async {
        let mut response = Fetch::Request(request)
            .send_with_signal(&signal)
            .await
            .map_err(|e| e.to_string())?;
        let status = response.status_code();
        if status != 200 {
            return Err(format!("answered {status}"));
        }
        let cache_control = response.headers().get("cache-control").ok().flatten();
        let bytes = response.bytes().await.map_err(|e| e.to_string())?;
        if bytes.len() > MAX_DOCUMENT_BYTES {
            return Err(format!(
                "{} bytes, more than {MAX_DOCUMENT_BYTES}",
                bytes.len()
            ));
        }
        let text = String::from_utf8(bytes).map_err(|_| "not UTF-8".to_string())?;
        Ok((text, cache_control))
    };
    match within(fetched::FETCH_TIMEOUT_MS, exchange).await {
        Some(result) => result,
        None => {
            controller.abort();
            Err(format!("no answer within {} ms", fetched::FETCH_TIMEOUT_MS))
        }
    }
}

/// Visits a verified SNS `SubscribeURL` (the core checked its host) to confirm the
/// subscription; `Err` says why it failed.
pub async fn confirm_subscription(url: &str, origin: &KeyOrigin) -> Result<(), String> {
    let visit = KeyFetch {
        method: "GET",
        url: url.to_string(),
        body: None,
        cache_key: String::new(),
    };
    let (resolved, _) = origin.resolve(&visit);
    get(&visit, &resolved).await.map(|_| ())
}
