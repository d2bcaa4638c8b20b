//! The per-webhook Durable Object (`Guard`, binding `GUARD`, one object per webhook id):
//! the authoritative record revision, idempotency, the exact rate limit, the hand-over
//! to the queue, and the delivery log. Every decision is `hookgate_core::guard`'s; this
//! file keeps the state in the object's SQLite storage and does the I/O.
//!
//! # Why it is safe (proof sketch)
//!
//! Facts about the runtime this relies on:
//! - (G1) One object per webhook id (`id_from_name`), single-threaded: its code never runs
//!   in parallel with itself.
//! - (G2) SQL calls (`storage().sql().exec`) are synchronous. Between two `await`s no
//!   other event can run in the object (input gate), so a read-decide-write sequence
//!   without an `await` in it is atomic.
//! - (G3) Output gate: a response (and any outgoing message) is released only after every
//!   storage write made before it is durable. An answer the Worker sees was persisted.
//! - (G4) While the object awaits something other than storage (the queue send), other
//!   requests to it may run.
//!
//! `deliver` does, in one synchronous block: check the revision, look the key up, check
//! the window, then write the key as `in_flight` and one hit (two `exec` calls: one
//! query for the key and the window, one for both writes; SQL calls are the object's
//! main cost in workerd). Only then does it await the
//! queue send (G4). Any concurrent request for the same key runs its block after ours
//! (G1, G2) and finds `in_flight`: it is answered 409 and forwards nothing. Hence at most
//! one forward per key (invariant 3), and the window counts each admitted delivery once.
//!
//! A namespaced webhook then asks its namespace's object for a slot in the shared
//! window (`namespace.rs`), still after the reservation: a refusal there releases the
//! key and the hit before answering 429.
//!
//! After the send: success writes `done` with the answer (so duplicates replay it), then
//! answers 202; by G3 the 202 leaves only when `done` is durable. Failure deletes the
//! key and the hit before answering 503, so the sender's retry is not a duplicate
//! (invariant 2).
//!
//! If the object dies during the send, the `in_flight` row may survive. It blocks the key
//! for `IN_FLIGHT_TIMEOUT_MS` (60 s), then counts as abandoned. If the queue had accepted
//! the message before the crash, a retry after that time is forwarded a second time:
//! the one place where hookgate is at-least-once towards a queue. The sender saw no 2xx
//! for the first attempt (its connection failed), so no 2xx is ever answered twice for
//! one forward.
//!
//! Revocation: an admin write commits here first (`commit`, compare-and-set on the
//! revision), and `deliver` refuses any request verified against another revision: a
//! disabled or deleted webhook at once, anything else by sending the current record back
//! to be verified again. So disable, delete and secret changes hold from the next request
//! on, whatever KV and isolate caches still say (invariant 6). Requests that fail
//! verification never get here (invariant 4): the Worker calls `deliver` only with a
//! `Verified`.

use crate::objects::{as_text, as_u64, column, first_row, int, text, token_literal, window_of};
use crate::origin::Sent;
use crate::platform::now;
use hookgate_core::delivery::{AttemptRecord, DeliveryJob, DeliveryState, FinalState, JOB_VERSION};
use hookgate_core::guard::authority::{next_revision, standing, Held, Standing, WriteConflict};
use hookgate_core::guard::idempotency::{self, Decision, KeyState};
use hookgate_core::guard::protocol::{
    DeliverAnswer, DeliverRequest, LogEntry, Outcome, Refusal, DEFAULT_LOG_ENTRIES,
};
use hookgate_core::guard::rate_limit::{self, RateDecision, Window};
use hookgate_core::model::{OriginMode, TargetKind, WebhookRecord};
use hookgate_core::style;
use hookgate_core::time::UnixMillis;
use serde::{Deserialize, Serialize};
use std::cell::{Cell, RefCell};
use wasm_bindgen::JsValue;
use worker::SqlStorage;
use worker::{
    console_error, durable_object, DurableObject, Env, QueueContentType, RawMessageBuilder,
    Request, Response, Result, State,
};

pub const BINDING: &str = "GUARD";
/// hookgate's own queue of deliveries to async origins, and where they end when they
/// cannot be delivered.
pub const DELIVERIES_BINDING: &str = "DELIVERIES";
pub const DEAD_LETTERS_BINDING: &str = "DEAD_LETTERS";

/// How a hand-over went.
enum Handed {
    Queued,
    Answered {
        status: u16,
        body: String,
        content_type: Option<String>,
    },
    OriginFailed {
        timed_out: bool,
        reason: String,
    },
    Failed(String),
}

impl Handed {
    fn reason(&self) -> &str {
        match self {
            Handed::OriginFailed { reason, .. } | Handed::Failed(reason) => reason,
            _ => "",
        }
    }
}

/// Sent by the Worker, in the fault-injection build only, to make the hand-over fail.
#[cfg(feature = "fault-injection")]
pub const FAIL_HANDOVER_HEADER: &str = "x-hookgate-test-fail-handover";

#[durable_object]
pub struct Guard {
    state: State,
    env: Env,
    /// When the cleanup alarm is known to be set, so the hot path asks storage at most
    /// once per object lifetime.
    alarm_at: Cell<Option<u64>>,
    /// What storage holds under `held`, and that record decoded: read and parsed once
    /// per object lifetime instead of twice per delivery. `set_held` is the only writer
    /// of `held` and updates both, and an object is the only writer of its storage, so
    /// the copy cannot go stale.
    held_cache: RefCell<Option<(Option<Held>, Option<WebhookRecord>)>>,
}

/// `PUT /record`: an admin write, computed from `base_revision`. `record: None` deletes.
#[derive(Serialize, Deserialize)]
pub struct CommitRequest {
    pub base_revision: u64,
    pub record: Option<String>,
}

#[derive(Serialize, Deserialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum CommitAnswer {
    Committed { revision: u64 },
    Conflict { current: Option<u64> },
}

/// `POST /attempt`: the delivery consumer's report of one attempt.
#[derive(Serialize, Deserialize)]
pub struct AttemptReport {
    pub delivery_id: String,
    pub record: AttemptRecord,
    pub state: FinalState,
}

/// `GET /record`: what the object holds, and when it last accepted a delivery.
#[derive(Serialize, Deserialize)]
pub struct HeldAnswer {
    pub held: Option<Held>,
    pub last_triggered_at: Option<String>,
}

const SCHEMA: &[&str] = &[
    "CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS keys (k TEXT PRIMARY KEY, state TEXT NOT NULL, expires_ms INTEGER NOT NULL)",
    "CREATE INDEX IF NOT EXISTS keys_expiry ON keys (expires_ms)",
    "CREATE TABLE IF NOT EXISTS hits (t INTEGER NOT NULL, id TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS hits_t ON hits (t)",
    "CREATE TABLE IF NOT EXISTS log (seq INTEGER PRIMARY KEY AUTOINCREMENT, entry TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS deliveries (id TEXT PRIMARY KEY, job TEXT NOT NULL, state TEXT NOT NULL)",
    // Per-minute counts by outcome (`protocol::STAT_COLUMNS`), the last hour.
    "CREATE TABLE IF NOT EXISTS minutes (m INTEGER PRIMARY KEY, accepted INTEGER NOT NULL DEFAULT 0, \
     refused INTEGER NOT NULL DEFAULT 0, duplicate INTEGER NOT NULL DEFAULT 0, \
     rate_limited INTEGER NOT NULL DEFAULT 0, filtered INTEGER NOT NULL DEFAULT 0)",
];

/// Writes a key's state: bound (key, state JSON, expiry).
const PUT_KEY: &str = "INSERT INTO keys (k, state, expires_ms) VALUES (?, ?, ?) \
     ON CONFLICT (k) DO UPDATE SET state = excluded.state, expires_ms = excluded.expires_ms";

/// `PUT_KEY`'s bindings.
fn key_row(key: &str, state: &KeyState, expires_ms: u64) -> Vec<worker::SqlStorageValue> {
    let json = serde_json::to_string(state).expect("key state serializes");
    vec![text(key), text(&json), int(expires_ms)]
}

/// The log holds at most `DEFAULT_LOG_ENTRIES + LOG_TRIM_EVERY - 1` rows.
const LOG_TRIM_EVERY: u64 = 16;

/// Minutes of counts kept for `GET …/stats`.
const STATS_MINUTES: u64 = 60;

/// The record of an active held state, decoded and checked (fails closed to `None`).
fn decoded(held: Option<&Held>) -> Option<WebhookRecord> {
    match held {
        Some(Held::Active { record, .. }) => WebhookRecord::decode(record).ok(),
        _ => None,
    }
}

impl DurableObject for Guard {
    fn new(state: State, env: Env) -> Self {
        let sql = state.storage().sql();
        for statement in SCHEMA {
            if let Err(e) = sql.exec(statement, None) {
                console_error!("guard schema: {e}");
            }
        }
        Guard {
            state,
            env,
            alarm_at: Cell::new(None),
            held_cache: RefCell::new(None),
        }
    }

    async fn fetch(&self, mut req: Request) -> Result<Response> {
        let path = req.path();
        match (req.method(), path.as_str()) {
            (worker::Method::Post, "/deliver") => {
                let request: DeliverRequest = crate::objects::json_body(&mut req).await?;
                #[cfg(feature = "fault-injection")]
                let fail = req.headers().get(FAIL_HANDOVER_HEADER)?.is_some();
                #[cfg(not(feature = "fault-injection"))]
                let fail = false;
                let answer = self.deliver(request, fail).await?;
                Response::from_json(&answer)
            }
            (worker::Method::Put, "/record") => {
                let request: CommitRequest = crate::objects::json_body(&mut req).await?;
                Response::from_json(&self.commit(request)?)
            }
            (worker::Method::Get, "/record") => Response::from_json(&HeldAnswer {
                held: self.held()?,
                last_triggered_at: self.meta("last_triggered_at")?,
            }),
            (worker::Method::Post, "/attempt") => {
                let report: AttemptReport = crate::objects::json_body(&mut req).await?;
                let known =
                    self.record_attempt(&report.delivery_id, report.record, report.state)?;
                Response::from_json(&known)
            }
            (worker::Method::Get, "/stats") => Response::from_json(&self.stats(now().0)?),
            (worker::Method::Get, p) if p.starts_with("/deliveries/") => {
                // The log entry (the last 100) and, for a delivery to an async origin,
                // its state and attempts; null when neither is known.
                let id = &p["/deliveries/".len()..];
                let entry = self
                    .log(DEFAULT_LOG_ENTRIES)?
                    .into_iter()
                    .find(|e| e.id == id);
                let detail = match (entry, self.delivery(id)?) {
                    (None, None) => serde_json::Value::Null,
                    (entry, origin) => {
                        let mut v = crate::http::value_of(&entry);
                        if !v.is_object() {
                            v = serde_json::json!({ "id": id });
                        }
                        match origin {
                            Some((_, state)) => {
                                v["state"] = crate::http::value_of(&state.state);
                                v["attempts"] = crate::http::value_of(&state.attempts);
                            }
                            None => v["attempts"] = serde_json::json!([]),
                        }
                        v
                    }
                };
                Response::from_json(&detail)
            }
            (worker::Method::Post, p) if p.starts_with("/replay/") => {
                let id = p["/replay/".len()..].to_string();
                let job = self.replay(&id).await?;
                Response::from_json(&job.map(|j| j.delivery_id))
            }
            (worker::Method::Get, "/deliveries") => {
                let limit = req
                    .url()?
                    .query_pairs()
                    .find(|(k, _)| k == "limit")
                    .and_then(|(_, v)| v.parse::<usize>().ok())
                    .unwrap_or(DEFAULT_LOG_ENTRIES)
                    .clamp(1, DEFAULT_LOG_ENTRIES);
                Response::from_json(&self.log(limit)?)
            }
            _ => Response::error("no such guard operation", 404),
        }
    }

    async fn alarm(&self) -> Result<Response> {
        let now = now().0;
        let sql = self.sql();
        sql.exec("DELETE FROM keys WHERE expires_ms <= ?", vec![int(now)])?;
        let window_start = self.record()?.map_or(now, |r| {
            rate_limit::window_start_ms(r.rate_limit(), UnixMillis(now))
        });
        sql.exec("DELETE FROM hits WHERE t <= ?", vec![int(window_start)])?;
        sql.exec(
            "DELETE FROM minutes WHERE m < ?",
            vec![int((now / 60_000).saturating_sub(STATS_MINUTES))],
        )?;
        self.alarm_at.set(None);
        self.schedule_cleanup(now, None).await?;
        Response::ok("cleaned")
    }
}

impl Guard {
    fn sql(&self) -> SqlStorage {
        self.state.storage().sql()
    }

    fn meta(&self, key: &str) -> Result<Option<String>> {
        let rows = column(
            &self.sql(),
            "SELECT v FROM meta WHERE k = ?",
            vec![text(key)],
            as_text,
        )?;
        Ok(rows.into_iter().next())
    }

    fn set_meta(&self, key: &str, value: &str) -> Result<()> {
        self.sql().exec(
            "INSERT INTO meta (k, v) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET v = excluded.v",
            vec![text(key), text(value)],
        )?;
        Ok(())
    }

    /// The held state and its record decoded (`None` for a deleted webhook or a stored
    /// record that no longer decodes), from the cache or from storage.
    fn held_and_record(&self) -> Result<(Option<Held>, Option<WebhookRecord>)> {
        if let Some(cached) = self.held_cache.borrow().as_ref() {
            return Ok(cached.clone());
        }
        let held: Option<Held> = self
            .meta("held")?
            .map(|v| serde_json::from_str(&v).map_err(|e| worker::Error::RustError(e.to_string())))
            .transpose()?;
        let loaded = (held.clone(), decoded(held.as_ref()));
        *self.held_cache.borrow_mut() = Some(loaded.clone());
        Ok(loaded)
    }

    fn held(&self) -> Result<Option<Held>> {
        Ok(self.held_and_record()?.0)
    }

    fn record(&self) -> Result<Option<WebhookRecord>> {
        Ok(self.held_and_record()?.1)
    }

    fn set_held(&self, held: &Held) -> Result<()> {
        // Forget the copy first: if the write fails, the next read goes to storage.
        *self.held_cache.borrow_mut() = None;
        self.set_meta(
            "held",
            &serde_json::to_string(held).expect("held serializes"),
        )?;
        *self.held_cache.borrow_mut() = Some((Some(held.clone()), decoded(Some(held))));
        Ok(())
    }

    /// An admin write: compare-and-set on the revision (one writer per webhook).
    fn commit(&self, request: CommitRequest) -> Result<CommitAnswer> {
        let held = self.held()?;
        let revision = match next_revision(held.as_ref(), request.base_revision) {
            Ok(r) => r,
            Err(WriteConflict::Deleted) => return Ok(CommitAnswer::Conflict { current: None }),
            Err(WriteConflict::Changed { current }) => {
                return Ok(CommitAnswer::Conflict {
                    current: Some(current),
                })
            }
        };
        let next = match request.record {
            Some(json) => {
                let record = WebhookRecord::decode(&json)
                    .map_err(|e| worker::Error::RustError(e.to_string()))?
                    .at_revision(revision);
                Held::Active {
                    revision,
                    record: record.encode(),
                }
            }
            None => Held::Deleted { revision },
        };
        self.set_held(&next)?;
        Ok(CommitAnswer::Committed { revision })
    }

    fn put_key(&self, key: &str, state: &KeyState, expires_ms: u64) -> Result<()> {
        self.sql().exec(PUT_KEY, key_row(key, state, expires_ms))?;
        Ok(())
    }

    /// Logs a delivery's outcome and counts it in its minute in one `exec` (each call has
    /// a fixed cost in workerd: ~85 µs measured alone, more under load): the counter and, for an accepted delivery,
    /// `last_triggered_at` go in the statement text (a column name from a fixed list,
    /// integers, an RFC 3339 token: `token_literal`), the entry is bound in the last
    /// statement. The log is trimmed every `LOG_TRIM_EVERY` entries, not on each: readers
    /// take the newest `DEFAULT_LOG_ENTRIES`.
    fn record_outcome(&self, entry: &LogEntry, at_ms: u64) -> Result<()> {
        let sql = self.sql();
        let counter = entry.outcome.stat_column();
        let minute = at_ms / 60_000;
        let mut statements = format!(
            "INSERT INTO minutes (m, {counter}) VALUES ({minute}, 1) \
             ON CONFLICT (m) DO UPDATE SET {counter} = {counter} + 1; "
        );
        if entry.outcome == Outcome::Accepted {
            let at = token_literal(&entry.received_at)
                .ok_or_else(|| worker::Error::RustError("received_at is not RFC 3339".into()))?;
            statements.push_str(&format!(
                "INSERT INTO meta (k, v) VALUES ('last_triggered_at', {at}) \
                 ON CONFLICT (k) DO UPDATE SET v = excluded.v; "
            ));
        }
        statements.push_str("INSERT INTO log (entry) VALUES (?) RETURNING seq");
        let json = serde_json::to_string(entry).expect("log entry serializes");
        let seq = column(&sql, &statements, vec![text(&json)], as_u64)?;
        if seq.first().is_some_and(|s| s % LOG_TRIM_EVERY == 0) {
            sql.exec(
                "DELETE FROM log WHERE seq <= (SELECT MAX(seq) FROM log) - ?",
                vec![int(DEFAULT_LOG_ENTRIES as u64)],
            )?;
        }
        Ok(())
    }

    /// The key's state and the rate window, in one query (see `record_outcome` on why
    /// the number of `exec` calls matters).
    fn key_and_window(
        &self,
        key: &str,
        window_start: u64,
        limit: u32,
    ) -> Result<(Option<KeyState>, Window)> {
        let row = first_row(
            &self.sql(),
            concat!(
                "SELECT (SELECT state FROM keys WHERE k = ?3), ",
                crate::window_columns!()
            ),
            vec![int(window_start), int(u64::from(limit)), text(key)],
        )?;
        let mut cells = row.into_iter();
        let state = cells
            .next()
            .and_then(as_text)
            .and_then(|s| serde_json::from_str(&s).ok());
        let window = window_of(&mut cells);
        Ok((state, window))
    }

    /// The last hour, minute by minute (oldest first), with zeros where nothing came.
    fn stats(&self, now_ms: u64) -> Result<serde_json::Value> {
        use hookgate_core::guard::protocol::STAT_COLUMNS;
        let current = now_ms / 60_000;
        let first = current + 1 - STATS_MINUTES;
        let rows = column(
            &self.sql(),
            "SELECT m || ',' || accepted || ',' || refused || ',' || duplicate || ',' || \
             rate_limited || ',' || filtered FROM minutes WHERE m >= ? ORDER BY m",
            vec![int(first)],
            as_text,
        )?;
        let mut by_minute = std::collections::BTreeMap::new();
        for row in rows {
            let numbers: Vec<u64> = row.split(',').filter_map(|n| n.parse().ok()).collect();
            if let [m, rest @ ..] = numbers.as_slice() {
                by_minute.insert(*m, rest.to_vec());
            }
        }
        let mut totals = vec![0u64; STAT_COLUMNS.len()];
        let minutes: Vec<serde_json::Value> = (first..=current)
            .map(|m| {
                let counts = by_minute
                    .get(&m)
                    .cloned()
                    .unwrap_or_else(|| vec![0; STAT_COLUMNS.len()]);
                let mut v = serde_json::json!({"minute": UnixMillis(m * 60_000).to_rfc3339()});
                for (i, name) in STAT_COLUMNS.iter().enumerate() {
                    let n = counts.get(i).copied().unwrap_or(0);
                    totals[i] += n;
                    v[*name] = n.into();
                }
                v
            })
            .collect();
        let mut last_hour = serde_json::json!({});
        for (i, name) in STAT_COLUMNS.iter().enumerate() {
            last_hour[*name] = totals[i].into();
        }
        Ok(serde_json::json!({"minutes": minutes, "last_hour": last_hour}))
    }

    fn log(&self, limit: usize) -> Result<Vec<LogEntry>> {
        let rows = column(
            &self.sql(),
            "SELECT entry FROM log ORDER BY seq DESC LIMIT ?",
            vec![int(limit as u64)],
            as_text,
        )?;
        Ok(rows
            .iter()
            .filter_map(|e| serde_json::from_str(e).ok())
            .collect())
    }

    /// Sets the cleanup alarm at the earliest time a key or a hit can go, if any.
    /// `earliest_new`: the earliest time anything written since the last call becomes
    /// due. An alarm already set no later than that covers it (when it fires it
    /// reschedules from storage), so the steady state costs no query here.
    async fn schedule_cleanup(&self, now: u64, earliest_new: Option<u64>) -> Result<()> {
        if let (Some(at), Some(new)) = (self.alarm_at.get(), earliest_new) {
            if at <= new {
                return Ok(());
            }
        }
        let sql = self.sql();
        let window_ms = self
            .record()?
            .map_or(60_000, |r| r.rate_limit().window_s.saturating_mul(1000));
        let key_due = column(&sql, "SELECT MIN(expires_ms) FROM keys", vec![], as_u64)?
            .into_iter()
            .next();
        let hit_due = column(&sql, "SELECT MIN(t) FROM hits", vec![], as_u64)?
            .into_iter()
            .next()
            .map(|t| t + window_ms);
        let due = match (key_due, hit_due) {
            (Some(a), Some(b)) => a.min(b),
            (Some(a), None) | (None, Some(a)) => a,
            (None, None) => return Ok(()),
        };
        let due = due.max(now + 1_000);
        if self.alarm_at.get().is_some_and(|t| t <= due) {
            return Ok(());
        }
        self.state.storage().set_alarm(due as i64).await?;
        self.alarm_at.set(Some(due));
        Ok(())
    }

    async fn deliver(&self, request: DeliverRequest, fail_handover: bool) -> Result<DeliverAnswer> {
        let started = now().0;
        let meta = &request.delivery;
        let key = request.key.storage_key();
        // Written into SQL text below (`token_literal`): checked before anything is.
        let id_literal = token_literal(&meta.id)
            .ok_or_else(|| worker::Error::RustError("malformed delivery id".into()))?;
        let log = |outcome: Outcome, status: u16| -> Result<()> {
            let entry = LogEntry {
                id: meta.id.clone(),
                received_at: UnixMillis(meta.received_at_ms).to_rfc3339(),
                method: meta.method.clone(),
                source_ip: meta.source_ip.clone(),
                size: meta.size,
                idempotency_key: key.clone(),
                key_source: request.key.source,
                outcome,
                status,
                latency_ms: now().0.saturating_sub(started),
                test: meta.test,
                request: request.preview.clone(),
            };
            self.record_outcome(&entry, meta.received_at_ms)
        };
        let refuse = |refusal: Refusal, status: u16| -> Result<DeliverAnswer> {
            log(refusal.into(), status)?;
            Ok(DeliverAnswer::Refused {
                refusal,
                quota: None,
                retry_after_s: None,
            })
        };

        // ---- one synchronous block: no `await` until the reservation is written ----
        let (mut held, mut cached_record) = self.held_and_record()?;
        if held.is_none() {
            // A webhook created before the guard existed: adopt the verified record.
            if let Some(json) = &request.record {
                if let Ok(r) = WebhookRecord::decode(json) {
                    let adopted = Held::Active {
                        revision: request.revision,
                        record: r.at_revision(request.revision).encode(),
                    };
                    self.set_held(&adopted)?;
                    cached_record = decoded(Some(&adopted));
                    held = Some(adopted);
                }
            }
        }
        let record = match &held {
            Some(Held::Active { record, .. }) => match cached_record {
                Some(r) => r,
                None => {
                    let e = WebhookRecord::decode(record).err();
                    return Err(worker::Error::RustError(format!(
                        "the held record does not decode: {e:?}"
                    )));
                }
            },
            Some(Held::Deleted { .. }) => return refuse(Refusal::Deleted, 404),
            None => {
                return Err(worker::Error::RustError(
                    "the guard holds no record and none was sent".into(),
                ))
            }
        };
        match standing(held.as_ref(), record.enabled(), request.revision) {
            Standing::Current => {}
            Standing::Deleted => return refuse(Refusal::Deleted, 404),
            Standing::Disabled => return refuse(Refusal::Disabled, 403),
            Standing::Stale { revision, record } => {
                return Ok(DeliverAnswer::Stale { revision, record })
            }
        }
        if request.filtered {
            // Seen and logged, never counted or forwarded.
            log(Outcome::Filtered, 204)?;
            return Ok(DeliverAnswer::Filtered);
        }
        let now_ms = now();
        let policy = record.rate_limit();
        let window_start = rate_limit::window_start_ms(policy, now_ms);
        let (key_state, window) = self.key_and_window(&key, window_start, policy.limit)?;
        match idempotency::decide(
            key_state.as_ref(),
            &request.fingerprint,
            record.idempotency(),
            now_ms,
        ) {
            Decision::Proceed => {}
            Decision::Replay { status, body } => {
                log(Outcome::Replayed, status)?;
                return Ok(DeliverAnswer::Replayed { status, body });
            }
            Decision::Duplicate => return refuse(Refusal::Duplicate, 409),
            Decision::InFlight => return refuse(Refusal::InFlight, 409),
            Decision::Reused => return refuse(Refusal::Reused, 422),
        }
        let quota = match rate_limit::decide(&window, policy, now_ms) {
            RateDecision::Allow { quota } => quota,
            RateDecision::Refuse {
                quota,
                retry_after_s,
            } => {
                log(Outcome::RateLimited, 429)?;
                return Ok(DeliverAnswer::Refused {
                    refusal: Refusal::RateLimited,
                    quota: Some(quota),
                    retry_after_s: Some(retry_after_s),
                });
            }
        };
        let reservation = KeyState::InFlight {
            fingerprint: request.fingerprint.clone(),
            since_ms: now_ms.0,
        };
        // The hit in the statement text (an integer and our own id, checked above), the
        // key's row bound: one `exec` for both writes.
        self.sql().exec(
            &format!(
                "INSERT INTO hits (t, id) VALUES ({}, {id_literal}); {PUT_KEY}",
                now_ms.0
            ),
            key_row(
                &key,
                &reservation,
                idempotency::expires_at_ms(&reservation, record.idempotency()),
            ),
        )?;
        // ---- end of the synchronous block; others may run while the queue answers ----

        // The organisation's shared window, after our own reservation: a concurrent
        // duplicate already sees `in_flight`, and a refusal here releases both.
        let release = || -> Result<()> {
            self.sql()
                .exec("DELETE FROM keys WHERE k = ?", vec![text(&key)])?;
            self.sql()
                .exec("DELETE FROM hits WHERE id = ?", vec![text(&meta.id)])?;
            Ok(())
        };
        if let Some(ns) = record.namespace() {
            match crate::namespace::admit(&self.env, ns, &meta.id).await {
                Ok(crate::namespace::Admission::Admitted) => {}
                Ok(crate::namespace::Admission::Refused {
                    quota,
                    retry_after_s,
                }) => {
                    release()?;
                    log(Outcome::RateLimited, 429)?;
                    return Ok(DeliverAnswer::Refused {
                        refusal: Refusal::RateLimited,
                        quota: Some(quota),
                        retry_after_s: Some(retry_after_s),
                    });
                }
                Err(_) => {
                    release()?;
                    log(Outcome::ForwardFailed, 503)?;
                    return Ok(DeliverAnswer::ForwardFailed);
                }
            }
        }

        let handed = if fail_handover {
            Handed::Failed("injected hand-over failure".into())
        } else {
            self.hand_over(&record, &request).await
        };
        // The answer in the webhook's style, stored below so a duplicate gets it again.
        let answer = |handed| {
            style::accepted_answer(&record, &meta.id, UnixMillis(meta.received_at_ms), handed)
        };
        let (status, body, content_type) = match handed {
            Handed::Queued => answer(style::Handed::Queued),
            Handed::Answered {
                status,
                body,
                content_type,
            } => answer(style::Handed::OriginAnswered {
                status,
                body: &body,
                content_type: content_type.as_deref(),
            }),
            failed => {
                let (outcome, status, answer) = match &failed {
                    Handed::OriginFailed {
                        timed_out: true, ..
                    } => (
                        Outcome::OriginTimedOut,
                        504,
                        DeliverAnswer::OriginFailed { timed_out: true },
                    ),
                    Handed::OriginFailed { .. } => (
                        Outcome::OriginFailed,
                        502,
                        DeliverAnswer::OriginFailed { timed_out: false },
                    ),
                    _ => (Outcome::ForwardFailed, 503, DeliverAnswer::ForwardFailed),
                };
                console_error!(
                    "{}",
                    serde_json::json!({"msg": "handover_failed", "webhook_id": record.id().as_str(),
                        "delivery_id": meta.id, "error": failed.reason()})
                );
                release()?;
                if let Some(ns) = record.namespace() {
                    crate::namespace::release(&self.env, ns, &meta.id).await;
                }
                log(outcome, status)?;
                return Ok(answer);
            }
        };
        let done = KeyState::Done {
            fingerprint: request.fingerprint.clone(),
            status,
            body: body.clone(),
            at_ms: now().0,
        };
        self.put_key(
            &key,
            &done,
            idempotency::expires_at_ms(&done, record.idempotency()),
        )?;
        // Also sets `last_triggered_at` (record_outcome).
        log(Outcome::Accepted, status)?;
        // The hit is due after the rate window, the key after the idempotency window.
        let earliest_new =
            now_ms.0 + (policy.window_s.min(record.idempotency().window_s)).saturating_mul(1000);
        self.schedule_cleanup(now().0, Some(earliest_new)).await?;
        Ok(DeliverAnswer::Accepted {
            status,
            body,
            content_type,
            quota,
        })
    }

    /// Hands an admitted delivery to the webhook's target: its queue; hookgate's delivery
    /// queue for an async origin (recording the delivery for its attempts and replay);
    /// or, for a sync origin, the origin itself while the sender waits.
    async fn hand_over(&self, record: &WebhookRecord, request: &DeliverRequest) -> Handed {
        let meta = &request.delivery;
        match record.target().kind() {
            TargetKind::Queue(queue) => match self.send(queue, &request.message).await {
                Ok(()) => Handed::Queued,
                Err(e) => Handed::Failed(e.to_string()),
            },
            TargetKind::Origin(origin) if origin.mode() == OriginMode::Async => {
                let job = DeliveryJob {
                    v: JOB_VERSION,
                    webhook_id: record.id().as_str().to_string(),
                    delivery_id: meta.id.clone(),
                    envelope: request.message.clone(),
                    attempt: 1,
                    replay: false,
                };
                if let Err(e) = self.store_delivery(&job) {
                    return Handed::Failed(e.to_string());
                }
                match self.enqueue(&job, 0).await {
                    Ok(()) => Handed::Queued,
                    Err(e) => {
                        let _ = self.forget_delivery(&meta.id);
                        Handed::Failed(e.to_string())
                    }
                }
            }
            TargetKind::Origin(origin) => {
                let sent = crate::origin::send(
                    &self.env,
                    record,
                    origin,
                    &meta.id,
                    &request.message,
                    1,
                    false,
                )
                .await;
                if matches!(&sent, Sent::Answered(a) if (200..300).contains(&a.status)) {
                    // Delivered while the sender waited: its body in R2 is done with.
                    crate::origin::forget_body(&self.env, &request.message).await;
                }
                match sent {
                    Sent::Answered(a) if (200..300).contains(&a.status) => Handed::Answered {
                        status: a.status,
                        body: String::from_utf8_lossy(&a.body).into_owned(),
                        content_type: a.content_type,
                    },
                    Sent::Answered(a) => Handed::OriginFailed {
                        timed_out: false,
                        reason: format!("the origin answered {}", a.status),
                    },
                    Sent::TimedOut => Handed::OriginFailed {
                        timed_out: true,
                        reason: "timeout".into(),
                    },
                    Sent::Failed(e) => Handed::OriginFailed {
                        timed_out: false,
                        reason: e,
                    },
                }
            }
        }
    }

    /// Puts a delivery job on hookgate's delivery queue, after `delay_s` seconds.
    async fn enqueue(&self, job: &DeliveryJob, delay_s: u32) -> Result<()> {
        let queue = self.env.queue(DELIVERIES_BINDING)?;
        let json = serde_json::to_string(job).expect("job serializes");
        let mut message = RawMessageBuilder::new(JsValue::from_str(&json));
        if delay_s > 0 {
            message = message.delay_seconds(delay_s);
        }
        queue
            .send_raw(message.build_with_content_type(QueueContentType::Text))
            .await
    }

    /// Keeps an async-origin delivery (its job and attempts) for `GET …/deliveries/{id}`
    /// and replay; the newest `DEFAULT_LOG_ENTRIES` are kept.
    fn store_delivery(&self, job: &DeliveryJob) -> Result<()> {
        let sql = self.sql();
        let job_json = serde_json::to_string(job).expect("job serializes");
        let state = serde_json::to_string(&DeliveryState::default()).expect("state serializes");
        sql.exec(
            "INSERT INTO deliveries (id, job, state) VALUES (?, ?, ?) \
             ON CONFLICT (id) DO UPDATE SET job = excluded.job",
            vec![text(&job.delivery_id), text(&job_json), text(&state)],
        )?;
        sql.exec(
            "DELETE FROM deliveries WHERE rowid <= (SELECT MAX(rowid) FROM deliveries) - ?",
            vec![int(DEFAULT_LOG_ENTRIES as u64)],
        )?;
        Ok(())
    }

    fn forget_delivery(&self, id: &str) -> Result<()> {
        self.sql()
            .exec("DELETE FROM deliveries WHERE id = ?", vec![text(id)])?;
        Ok(())
    }

    fn delivery(&self, id: &str) -> Result<Option<(DeliveryJob, DeliveryState)>> {
        #[allow(clippy::type_complexity)]
        let rows = column(
            &self.sql(),
            "SELECT job || char(0) || state FROM deliveries WHERE id = ?",
            vec![text(id)],
            as_text,
        )?;
        Ok(rows.into_iter().next().and_then(|joined| {
            let (job, state) = joined.split_once('\0')?;
            Some((
                serde_json::from_str(job).ok()?,
                serde_json::from_str(state).ok()?,
            ))
        }))
    }

    /// Records an attempt reported by the delivery consumer.
    fn record_attempt(&self, id: &str, attempt: AttemptRecord, state: FinalState) -> Result<bool> {
        let Some((_, mut current)) = self.delivery(id)? else {
            return Ok(false);
        };
        current.attempts.push(attempt);
        current.state = state;
        let json = serde_json::to_string(&current).expect("state serializes");
        self.sql().exec(
            "UPDATE deliveries SET state = ? WHERE id = ?",
            vec![text(&json), text(id)],
        )?;
        Ok(true)
    }

    /// Sends a stored delivery again, with the same delivery id (`webhook-id`).
    async fn replay(&self, id: &str) -> Result<Option<DeliveryJob>> {
        let Some((mut job, mut state)) = self.delivery(id)? else {
            return Ok(None);
        };
        job.attempt = 1;
        job.replay = true;
        self.enqueue(&job, 0).await?;
        state.state = FinalState::Pending;
        let json = serde_json::to_string(&state).expect("state serializes");
        self.sql().exec(
            "UPDATE deliveries SET state = ? WHERE id = ?",
            vec![text(&json), text(id)],
        )?;
        Ok(Some(job))
    }

    async fn send(&self, queue: &str, message: &str) -> Result<()> {
        // (queue targets: the operator's own queue binding)
        let queue = self.env.queue(queue)?;
        let message = RawMessageBuilder::new(JsValue::from_str(message))
            .build_with_content_type(QueueContentType::Text);
        queue.send_raw(message).await
    }
}

/// The Worker's side: calls to a webhook's object.
pub mod client {
    use super::{CommitAnswer, CommitRequest, HeldAnswer, BINDING};
    use hookgate_core::guard::protocol::{DeliverAnswer, DeliverRequest, LogEntry};
    use hookgate_core::problem::{ErrorCode, Problem};
    use hookgate_core::secret::WebhookId;
    use serde::de::DeserializeOwned;
    use worker::{console_error, Env, Method};

    /// The object could not be reached or answered nonsense: the detail is logged, the
    /// caller answers 503 and nothing was handed over.
    fn unavailable(what: &str, e: impl std::fmt::Display) -> Problem {
        console_error!(
            "{}",
            serde_json::json!({"msg": "guard_error", "op": what, "error": e.to_string()})
        );
        Problem::new(
            ErrorCode::ForwardFailed,
            "the webhook's guard is unavailable; nothing was handed over, retry",
        )
        .with_header("Retry-After", "1")
    }

    async fn call<T: DeserializeOwned>(
        env: &Env,
        id: &WebhookId,
        method: Method,
        path: &str,
        body: Option<String>,
        marker_header: Option<&str>,
    ) -> Result<T, Problem> {
        let text =
            crate::objects::call(env, BINDING, id.as_str(), method, path, body, marker_header)
                .await
                .map_err(|e| unavailable(path, e))?;
        crate::objects::parse(path, &text).map_err(|e| unavailable(path, e))
    }

    pub async fn deliver(
        env: &Env,
        id: &WebhookId,
        request: &DeliverRequest,
        fail_handover: bool,
    ) -> Result<DeliverAnswer, Problem> {
        #[cfg(feature = "fault-injection")]
        let header = fail_handover.then_some(super::FAIL_HANDOVER_HEADER);
        #[cfg(not(feature = "fault-injection"))]
        let header = {
            let _ = fail_handover;
            None
        };
        let body = serde_json::to_string(request).expect("deliver request serializes");
        call(env, id, Method::Post, "/deliver", Some(body), header).await
    }

    pub async fn commit(
        env: &Env,
        id: &WebhookId,
        base_revision: u64,
        record: Option<String>,
    ) -> Result<CommitAnswer, Problem> {
        let body = serde_json::to_string(&CommitRequest {
            base_revision,
            record,
        })
        .expect("commit serializes");
        call(env, id, Method::Put, "/record", Some(body), None).await
    }

    pub async fn stats(env: &Env, id: &WebhookId) -> Result<serde_json::Value, Problem> {
        call(env, id, Method::Get, "/stats", None, None).await
    }

    pub async fn held(env: &Env, id: &WebhookId) -> Result<HeldAnswer, Problem> {
        call(env, id, Method::Get, "/record", None, None).await
    }

    pub async fn delivery(
        env: &Env,
        id: &WebhookId,
        delivery_id: &str,
    ) -> Result<serde_json::Value, Problem> {
        call(
            env,
            id,
            Method::Get,
            &format!("/deliveries/{delivery_id}"),
            None,
            None,
        )
        .await
    }

    pub async fn replay(
        env: &Env,
        id: &WebhookId,
        delivery_id: &str,
    ) -> Result<serde_json::Value, Problem> {
        call(
            env,
            id,
            Method::Post,
            &format!("/replay/{delivery_id}"),
            None,
            None,
        )
        .await
    }

    pub async fn report(
        env: &Env,
        id: &WebhookId,
        report: &super::AttemptReport,
    ) -> Result<bool, Problem> {
        let body = serde_json::to_string(report).expect("report serializes");
        call(env, id, Method::Post, "/attempt", Some(body), None).await
    }

    pub async fn deliveries(
        env: &Env,
        id: &WebhookId,
        limit: usize,
    ) -> Result<Vec<LogEntry>, Problem> {
        call(
            env,
            id,
            Method::Get,
            &format!("/deliveries?limit={limit}"),
            None,
            None,
        )
        .await
    }
}
