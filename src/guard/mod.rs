//! The per-webhook Durable Object (`Guard`, binding `GUARD`, one object per webhook id):
//! the authoritative record revision, idempotency, the exact rate limit, the hand-over
//! to the webhook's target, and the delivery log. Every decision is
//! `hookgate_core::guard`'s; this folder keeps the state and does the I/O.
//!
//! - `mod.rs` (here): the object, its entry points, and the runtime facts the proof
//!   sketches rely on;
//! - `store.rs`: the SQLite schema and every statement;
//! - `deliver.rs`: a delivery in three phases, reserve → hand over → settle, with the
//!   argument for each beside it;
//! - `client.rs`: the Worker's calls to the object.
//!
//! # Facts about the runtime (used by the proof sketches in `deliver.rs`)
//! - (G1) One object per webhook id (`id_from_name`), single-threaded: its code never runs
//!   in parallel with itself.
//! - (G2) SQL calls (`storage().sql().exec`) are synchronous. Between two `await`s no
//!   other event can run in the object (input gate), so a read-decide-write sequence
//!   without an `await` in it is atomic.
//! - (G3) Output gate: a response (and any outgoing message) is released only after every
//!   storage write made before it is durable. An answer the Worker sees was persisted.
//! - (G4) While the object awaits something other than storage (the queue send, an
//!   origin, the namespace's object), other requests to it may run.
//! - (G5) An object's memory lives exactly as long as its incarnation: after a crash or
//!   an eviction, `new` runs again and draws a new `incarnation`. An object is never
//!   evicted while a request to it is in progress.
//!
//! Revocation: an admin write commits here first (`commit`, compare-and-set on the
//! revision), and `deliver` refuses any request verified against another revision: a
//! disabled or deleted webhook at once, anything else by sending the current record back
//! to be verified again. Handshakes ask too (`DeliverRequest::handshake`), and so do the
//! delivery consumer's attempts (`GET /record`) and replays. So disable, delete and secret
//! changes hold from the next request on, whatever KV and isolate caches still say
//! (invariant 6). Requests that fail verification never get here (invariant 4): the
//! Worker calls `deliver` only with a `Verified`.

pub mod client;
mod deliver;
mod group;
pub mod replays;
mod store;

use crate::platform::now;
use hookgate_core::delivery::{AttemptRecord, DeliveryJob, FinalState};
use hookgate_core::guard::authority::{next_revision, Held, WriteConflict};
use hookgate_core::guard::protocol::{DeliverRequest, DEFAULT_LOG_ENTRIES};
use hookgate_core::model::WebhookRecord;
use serde::{Deserialize, Serialize};
use std::cell::{Cell, RefCell};
use std::collections::HashSet;
use worker::{durable_object, DurableObject, Env, Request, Response, Result, State};

pub use hookgate_core::model::{DEAD_LETTERS_BINDING, DELIVERIES_BINDING};

pub const BINDING: &str = "GUARD";

/// Sent by the Worker, in the fault-injection build only, to make the hand-over fail.
#[cfg(feature = "fault-injection")]
pub const FAIL_HANDOVER_HEADER: &str = "x-hookgate-test-fail-handover";

/// Sent by the Worker, in the fault-injection build only: which step of a delivery in
/// the object fails or stalls (`deliver::Fault`).
#[cfg(feature = "fault-injection")]
pub const GUARD_FAULT_HEADER: &str = "x-hookgate-test-guard-fault";

#[durable_object]
pub struct Guard {
    state: State,
    env: Env,
    /// Drawn when this incarnation started (G5): a reservation written by another one
    /// has no live owner.
    incarnation: String,
    /// The attempts (delivery ids) this incarnation holds a reservation for and is
    /// still awaiting: their `in_flight` rows are never taken over.
    awaited: RefCell<HashSet<String>>,
    /// When the cleanup alarm is known to be set, so the hot path asks storage at most
    /// once per object lifetime.
    alarm_at: Cell<Option<u64>>,
    /// What storage holds under `held`, and that record decoded: read and parsed once
    /// per object lifetime instead of twice per delivery. `set_held` is the only writer
    /// of `held` and updates both, and an object is the only writer of its storage, so
    /// the copy cannot go stale.
    held_cache: RefCell<Option<(Option<Held>, Option<WebhookRecord>)>>,
    /// The rate window, the key states and the refusals not yet written, in front of
    /// storage (`hookgate_core::guard::memory`); loaded on the first delivery.
    memory: RefCell<Option<Memory>>,
    /// Storage calls made by this incarnation (`store::sql`, alarms set).
    storage_calls: Cell<u64>,
    /// Hand-overs to each queue, sent alone or in batches (`group.rs`).
    groups: std::rc::Rc<group::Groups>,
}

/// What a Guard decides from while it lives; storage holds the same (`store.rs`).
struct Memory {
    hits: hookgate_core::guard::memory::Hits,
    keys: hookgate_core::guard::memory::Keys,
    pending: hookgate_core::guard::memory::Pending,
    /// `hits` and `keys` were read from storage (else only `pending` is meaningful).
    loaded: bool,
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

/// `POST /attempt`: the delivery consumer's report of one attempt, or (`record: None`)
/// of a delivery that ended without one (`reason`: its webhook is disabled or deleted).
#[derive(Serialize, Deserialize)]
pub struct AttemptReport {
    pub delivery_id: String,
    pub record: Option<AttemptRecord>,
    pub state: FinalState,
    #[serde(default)]
    pub reason: Option<String>,
}

/// `GET /record`: what the object holds, and when it last accepted a delivery.
#[derive(Serialize, Deserialize)]
pub struct HeldAnswer {
    pub held: Option<Held>,
    pub last_triggered_at: Option<String>,
}

/// `POST /replay/{id}`'s answer.
#[derive(Serialize, Deserialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum ReplayAnswer {
    Replaying {
        delivery_id: String,
    },
    /// No stored delivery with this id.
    Unknown,
    /// The webhook is disabled (or deleted): nothing was replayed.
    Disabled,
}

/// The record of an active held state, decoded and checked (fails closed to `None`).
fn decoded(held: Option<&Held>) -> Option<WebhookRecord> {
    match held {
        Some(Held::Active { record, .. }) => WebhookRecord::decode(record).ok(),
        _ => None,
    }
}

impl DurableObject for Guard {
    fn new(state: State, env: Env) -> Self {
        store::create_schema(&state.storage().sql());
        replays::create_schema(&state.storage().sql());
        Guard {
            state,
            env,
            incarnation: format!("inc_{}", hex::encode(crate::platform::random::<8>())),
            awaited: RefCell::new(HashSet::new()),
            alarm_at: Cell::new(None),
            held_cache: RefCell::new(None),
            memory: RefCell::new(None),
            storage_calls: Cell::new(0),
            groups: Default::default(),
        }
    }

    async fn fetch(&self, mut req: Request) -> Result<Response> {
        let path = req.path();
        match (req.method(), path.as_str()) {
            (worker::Method::Post, "/deliver") => {
                let wire = crate::objects::text_body(&req).await?;
                let request = DeliverRequest::from_wire(&wire)
                    .map_err(|e| worker::Error::RustError(e.to_string()))?;
                let faults = deliver::Faults::from_request(&req);
                let answer = self.deliver(request, faults).await?;
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
                Response::from_json(&self.record_attempt(report)?)
            }
            (worker::Method::Get, "/stats") => Response::from_json(&self.stats(now().0)?),
            (worker::Method::Get, p) if p.starts_with("/deliveries/") => {
                let id = &p["/deliveries/".len()..];
                Response::from_json(&self.delivery_detail(id)?)
            }
            (worker::Method::Post, p) if p.starts_with("/replay/") => {
                let id = p["/replay/".len()..].to_string();
                Response::from_json(&self.replay(&id).await?)
            }
            // Bulk replay (replays.rs).
            (worker::Method::Post, "/replays") => {
                let selection = crate::objects::json_body(&mut req).await?;
                Response::from_json(&self.start_replay(selection).await?)
            }
            (worker::Method::Get, p) if p.starts_with("/replays/") => {
                Response::from_json(&self.replay_view(&p["/replays/".len()..])?)
            }
            #[cfg(feature = "fault-injection")]
            (worker::Method::Get, "/storage-calls") => {
                let alarm = self.state.storage().get_alarm().await?;
                Response::from_json(&serde_json::json!({
                    "storage_calls": self.storage_calls.get(),
                    "queue_calls": self.groups.queue_calls(),
                    "alarm_in_ms": alarm.map(|at| at - now().0 as i64),
                }))
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
        let window_start = self.record()?.map_or(now, |r| {
            hookgate_core::guard::rate_limit::window_start_ms(
                r.rate_limit(),
                hookgate_core::time::UnixMillis(now),
            )
        });
        self.flush_pending()?;
        self.clean_up(now, window_start)?;
        // The same alarm continues bulk replays; a failed step is retried at the next.
        if let Err(e) = self.replay_step().await {
            worker::console_error!(
                "{}",
                serde_json::json!({"msg": "replay_step_failed", "error": e.to_string()})
            );
        }
        if let Some(m) = self.memory.borrow_mut().as_mut() {
            m.keys.expire(now);
        }
        self.alarm_at.set(None);
        self.schedule_cleanup(now, None).await?;
        Response::ok("cleaned")
    }
}

impl Guard {
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

    /// The log entry (the last 100) and, for a delivery to an async origin, its state
    /// and attempts; null when neither is known.
    fn delivery_detail(&self, id: &str) -> Result<serde_json::Value> {
        let entry = self
            .log(DEFAULT_LOG_ENTRIES)?
            .into_iter()
            .find(|e| e.id == id);
        Ok(match (entry, self.delivery(id)?) {
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
                        if let Some(reason) = &state.reason {
                            v["reason"] = reason.as_str().into();
                        }
                    }
                    None => v["attempts"] = serde_json::json!([]),
                }
                v
            }
        })
    }

    /// Records what the delivery consumer reports. A delivery already ended as
    /// `dead_lettered` for its disabled webhook stays so.
    fn record_attempt(&self, report: AttemptReport) -> Result<bool> {
        let Some((_, mut current)) = self.delivery(&report.delivery_id)? else {
            return Ok(false);
        };
        if let Some(attempt) = report.record {
            current.attempts.push(attempt);
        }
        current.state = report.state;
        current.reason = report.reason;
        self.set_delivery_state(&report.delivery_id, &current)?;
        Ok(true)
    }

    /// Sends a stored delivery again, with the same delivery id (`webhook-id`); refused
    /// while the webhook is disabled, so nothing reaches an origin its operator stopped.
    async fn replay(&self, id: &str) -> Result<ReplayAnswer> {
        let enabled = self.record()?.is_some_and(|r| r.enabled());
        let Some((mut job, mut state)) = self.delivery(id)? else {
            return Ok(ReplayAnswer::Unknown);
        };
        if !enabled {
            return Ok(ReplayAnswer::Disabled);
        }
        job.attempt = 1;
        job.replay = true;
        self.enqueue(&job, 0).await?;
        state.state = FinalState::Pending;
        state.reason = None;
        self.set_delivery_state(id, &state)?;
        Ok(ReplayAnswer::Replaying {
            delivery_id: job.delivery_id,
        })
    }

    /// Puts a delivery job on hookgate's delivery queue, after `delay_s` seconds.
    async fn enqueue(&self, job: &DeliveryJob, delay_s: u32) -> Result<()> {
        let json = serde_json::to_string(job).expect("job serializes");
        crate::queues::send_text(&self.env, DELIVERIES_BINDING, &json, delay_s).await
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
        let window_ms = self
            .record()?
            .map_or(60_000, |r| r.rate_limit().window_s.saturating_mul(1000));
        // A bulk replay with deliveries left to queue continues from the same alarm.
        let due = replays::earliest(self.earliest_due(window_ms)?, self.replay_due(now)?);
        let Some(due) = due else {
            return Ok(());
        };
        let due = due.max(now + 1_000);
        if self.alarm_at.get().is_some_and(|t| t <= due) {
            return Ok(());
        }
        self.storage_calls.set(self.storage_calls.get() + 1);
        // worker's `set_alarm(i64)` takes an offset from now, not a time: a Unix time
        // there set the alarm decades ahead, and the cleanup never ran.
        let offset_ms = due.saturating_sub(crate::platform::now().0).max(1);
        self.state.storage().set_alarm(offset_ms as i64).await?;
        self.alarm_at.set(Some(due));
        Ok(())
    }
}
