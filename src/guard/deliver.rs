//! One delivery in the webhook's object, in three phases: **reserve** (decide and write
//! the reservation, in one synchronous block), **hand over** (the only awaits, each
//! bounded), **settle** (write `done`, or give the reservation back). The reservation is
//! a value: only the attempt that made it can settle or release it, and the object
//! remembers in memory which reservations it is still awaiting.
//!
//! # Memory and storage
//! Decisions read memory only (`Guard::memory`: the window's hits, the key states, the
//! refusals not yet written). Every write of a phase is one `exec` (one transaction),
//! made in the same synchronous block as the memory update it mirrors, and memory is
//! updated only after the write returned (G2: nothing interleaves). So memory never says
//! what storage does not hold, nor the other way round, with one deliberate exception:
//! refusals (duplicates, 429s, filtered and refused requests) are logged and counted in
//! memory first and written in a batch: with the next reservation when they fit its
//! statement, else once 32 wait and the oldest has waited a second (a trickle: one write
//! per 32; a flood: one a second), or before the log or counts are read; only the newest
//! 100 entries are kept (the log's length; every refusal is counted). A crash loses at
//! most what waits: fewer than 32 refusals, or those of one second, with their counts;
//! never a key, a hit or an accepted delivery. A new incarnation rebuilds
//! memory from storage before its first decision: the window's hits, and the live keys,
//! all of them when they fit (10,000), else the newest, with a read for any other. Hence
//! a duplicate and a 429 make no storage call, and an accepted delivery two: its
//! reservation, and its settlement with its log entry.

use super::{decoded, Guard};
use crate::objects::token_literal;
use crate::origin::Sent;
use crate::platform::{now, within};
use hookgate_core::delivery::{DeliveryJob, JOB_VERSION};
use hookgate_core::guard::authority::{standing, Held, Standing};
use hookgate_core::guard::idempotency::{
    self, kept_for_replay, Decision, KeyState, Liveness, MAX_HANDOVER_WAIT_MS,
};
use hookgate_core::guard::memory::Lookup;
use hookgate_core::guard::protocol::{DeliverAnswer, DeliverRequest, LogEntry, Outcome, Refusal};
use hookgate_core::guard::rate_limit::{self, RateDecision};
use hookgate_core::model::{OriginMode, TargetKind, WebhookRecord};
use hookgate_core::style;
use hookgate_core::time::UnixMillis;
use std::cell::RefCell;
use std::collections::HashSet;
use worker::{console_error, Request, Result};

/// How long an `in_flight` row of this incarnation that nothing awaits blocks its key.
/// The test-only build shortens it, so the suite can show that an awaited reservation
/// is never overtaken, however long its hand-over takes.
#[cfg(not(feature = "fault-injection"))]
const ABANDON_AFTER_MS: u64 = idempotency::IN_FLIGHT_TIMEOUT_MS;
#[cfg(feature = "fault-injection")]
const ABANDON_AFTER_MS: u64 = 2_000;

/// Which steps of a delivery fail, set by test-only headers in the fault-injection
/// build; in the release build there is no field and every check is `false`.
#[derive(Default)]
pub(super) struct Faults {
    #[cfg(feature = "fault-injection")]
    names: Vec<String>,
}

impl Faults {
    #[cfg(feature = "fault-injection")]
    pub(super) fn from_request(req: &Request) -> Faults {
        let header = |name| req.headers().get(name).ok().flatten().unwrap_or_default();
        let mut names: Vec<String> = header(super::GUARD_FAULT_HEADER)
            .split(',')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect();
        if !header(super::FAIL_HANDOVER_HEADER).is_empty() {
            names.push("fail-handover".into());
        }
        Faults { names }
    }

    #[cfg(not(feature = "fault-injection"))]
    pub(super) fn from_request(_: &Request) -> Faults {
        Faults::default()
    }

    #[cfg(feature = "fault-injection")]
    fn on(&self, name: &str) -> bool {
        self.names.iter().any(|n| n == name)
    }

    #[cfg(not(feature = "fault-injection"))]
    fn on(&self, _: &str) -> bool {
        false
    }

    /// `slow-fail-handover-ms=N`: the hand-over takes N ms, then fails.
    #[cfg(feature = "fault-injection")]
    fn slow_fail_ms(&self) -> Option<u64> {
        self.names
            .iter()
            .find_map(|n| n.strip_prefix("slow-fail-handover-ms="))
            .and_then(|ms| ms.parse().ok())
    }

    #[cfg(not(feature = "fault-injection"))]
    fn slow_fail_ms(&self) -> Option<u64> {
        None
    }

    fn fail(&self, name: &str) -> Result<()> {
        if self.on(name) {
            return Err(worker::Error::RustError(format!("injected fault: {name}")));
        }
        Ok(())
    }
}

/// A delivery's hold on its key and on one hit of the window, from `reserve` until it
/// is settled or released. Not `Clone`: only the attempt that made it can end it, and
/// ending it (or dropping it on an error) stops the object awaiting it.
pub(super) struct Reservation<'g> {
    /// The key's storage name; `None` when the delivery has no key (the body-hash
    /// fallback is off and nothing else identifies it).
    key: Option<String>,
    /// The attempt: its delivery id, also the id of its window hit.
    attempt: String,
    /// `attempt` as an SQL literal (`token_literal`).
    id_literal: String,
    /// How long the key identifies a delivery once done.
    window_s: u64,
    awaited: &'g RefCell<HashSet<String>>,
}

impl Drop for Reservation<'_> {
    fn drop(&mut self) {
        self.awaited.borrow_mut().remove(&self.attempt);
    }
}

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

enum Reserved<'g> {
    Held(Reservation<'g>, rate_limit::Quota),
    /// Answered without a reservation (a duplicate, a 429).
    Answered(DeliverAnswer),
}

impl Guard {
    /// The delivery log entry for this request.
    fn entry(
        &self,
        request: &DeliverRequest,
        started: u64,
        outcome: Outcome,
        status: u16,
    ) -> LogEntry {
        let meta = &request.delivery;
        LogEntry {
            id: meta.id.clone(),
            received_at: UnixMillis(meta.received_at_ms).to_rfc3339(),
            method: meta.method.clone(),
            source_ip: meta.source_ip.clone(),
            size: meta.size,
            idempotency_key: request.key.storage_key(),
            key_source: request.key.source,
            outcome,
            status,
            latency_ms: now().0.saturating_sub(started),
            test: meta.test,
            request: request.preview.clone(),
        }
    }

    /// Logs a request that was not accepted (or whose settlement failed to be written):
    /// in memory, written in a batch with the next reservation or when enough are
    /// waiting (`memory::Pending`). A duplicate or a 429 makes no storage call, but one
    /// writes the batch once 32 wait and the oldest has waited a second.
    fn log_outcome(
        &self,
        request: &DeliverRequest,
        started: u64,
        outcome: Outcome,
        status: u16,
    ) -> Result<()> {
        let entry = self.entry(request, started, outcome, status);
        self.log_later(&entry, request.delivery.received_at_ms)
    }

    fn log_later(&self, entry: &LogEntry, at_ms: u64) -> Result<()> {
        let json = serde_json::to_string(entry).expect("log entry serializes");
        let due = {
            let mut memory = self.memory.borrow_mut();
            let pending = &mut memory_or_default(&mut memory).pending;
            pending.add(json, at_ms, entry.outcome.stat_column());
            pending.is_due(at_ms)
        };
        if due {
            self.flush_pending()?;
        }
        Ok(())
    }

    fn refuse(
        &self,
        request: &DeliverRequest,
        started: u64,
        refusal: Refusal,
        status: u16,
    ) -> Result<DeliverAnswer> {
        self.log_outcome(request, started, refusal.into(), status)?;
        Ok(DeliverAnswer::Refused {
            refusal,
            quota: None,
            retry_after_s: None,
        })
    }

    /// The record this delivery is held to, or the answer when it is not current
    /// (disabled, deleted, or verified against another revision).
    fn current_record(
        &self,
        request: &DeliverRequest,
        started: u64,
    ) -> Result<std::result::Result<WebhookRecord, DeliverAnswer>> {
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
            Some(Held::Deleted { .. }) => {
                return self
                    .refuse(request, started, Refusal::Deleted, 404)
                    .map(Err)
            }
            None => {
                return Err(worker::Error::RustError(
                    "the guard holds no record and none was sent".into(),
                ))
            }
        };
        Ok(
            match standing(held.as_ref(), record.enabled(), request.revision) {
                Standing::Current => Ok(record),
                Standing::Deleted => Err(self.refuse(request, started, Refusal::Deleted, 404)?),
                Standing::Disabled => Err(self.refuse(request, started, Refusal::Disabled, 403)?),
                Standing::Stale { revision, record } => {
                    Err(DeliverAnswer::Stale { revision, record })
                }
            },
        )
    }

    pub(super) async fn deliver(
        &self,
        request: DeliverRequest,
        faults: Faults,
    ) -> Result<DeliverAnswer> {
        let started = now().0;
        let record = match self.current_record(&request, started)? {
            Ok(record) => record,
            Err(answer) => return Ok(answer),
        };
        if request.handshake {
            // The Worker answers the handshake; nothing is counted, logged or sent.
            return Ok(DeliverAnswer::Current);
        }
        if request.filtered {
            // Seen and logged, never counted or forwarded.
            self.log_outcome(&request, started, Outcome::Filtered, 204)?;
            return Ok(DeliverAnswer::Filtered);
        }
        let (reservation, quota) = match self.reserve(&record, &request, started)? {
            Reserved::Held(r, quota) => (r, quota),
            Reserved::Answered(answer) => return Ok(answer),
        };

        // ---- phase 2: hand over. The only awaits while the reservation is held, each
        // bounded by MAX_HANDOVER_WAIT_MS (a sync origin by its timeout_ms, at most the
        // same), far below the abandonment time: a live owner is awaited (G5, in
        // memory), so no concurrent request takes its key over (`idempotency::decide`).
        // Requests that run meanwhile (G4) find `in_flight` and answer 409.
        let id = &request.delivery.id;
        if let Some(ns) = record.namespace() {
            // The organisation's shared window, after our own reservation: a concurrent
            // duplicate already sees `in_flight`, and a refusal here releases both.
            let admitted = within(
                MAX_HANDOVER_WAIT_MS,
                crate::namespace::admit(&self.env, ns, id),
            )
            .await;
            let admitted = match admitted {
                Some(Ok(_)) if faults.on("namespace-answer-lost") => None,
                other => other,
            };
            match admitted {
                Some(Ok(crate::namespace::Admission::Admitted)) => {}
                Some(Ok(crate::namespace::Admission::Refused {
                    quota,
                    retry_after_s,
                })) => {
                    self.release(reservation)?;
                    self.log_outcome(&request, started, Outcome::RateLimited, 429)?;
                    return Ok(DeliverAnswer::Refused {
                        refusal: Refusal::RateLimited,
                        quota: Some(quota),
                        retry_after_s: Some(retry_after_s),
                    });
                }
                // No answer: the slot may have been taken; give it back too.
                Some(Err(_)) | None => {
                    crate::namespace::release(&self.env, ns, id).await;
                    self.release(reservation)?;
                    self.log_outcome(&request, started, Outcome::ForwardFailed, 503)?;
                    return Ok(DeliverAnswer::ForwardFailed);
                }
            }
        }
        let handed = if faults.on("fail-handover") {
            Handed::Failed("injected hand-over failure".into())
        } else if let Some(ms) = faults.slow_fail_ms() {
            crate::platform::sleep(ms).await;
            Handed::Failed("injected slow hand-over failure".into())
        } else {
            self.hand_over(&record, &request).await
        };

        // ---- phase 3: settle. ----
        let answer = |handed| {
            style::accepted_answer(
                &record,
                id,
                UnixMillis(request.delivery.received_at_ms),
                handed,
            )
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
                return self
                    .nothing_handed_over(&record, &request, started, reservation, failed)
                    .await
            }
        };
        // Handed over: from here on the answer is 2xx whatever storage says (invariant
        // 1). `done` first, so that a duplicate replays; by G3 the 2xx leaves only when
        // it is durable. If that write fails the reservation stays `in_flight` (a
        // retry is 409 until it is abandoned): at most a retry forwarded again, never a
        // delivery lost.
        let (kept, kept_type) = kept_for_replay(id, &body, content_type.as_deref());
        let done = KeyState::Done {
            fingerprint: request.fingerprint.clone(),
            status,
            body: kept,
            at_ms: now().0,
            content_type: kept_type,
        };
        let entry = self.entry(&request, started, Outcome::Accepted, status);
        let at_ms = request.delivery.received_at_ms;
        if let Err(e) = self.settle(reservation, &done, &entry, at_ms, &faults) {
            bookkeeping_failed(&record, id, "settle", &e);
        }
        // The hit is due after the rate window, the key after the idempotency window.
        let policy = record.rate_limit();
        let earliest_new =
            started + (policy.window_s.min(record.idempotency().window_s)).saturating_mul(1000);
        let scheduled = match faults.fail("alarm") {
            Ok(()) => self.schedule_cleanup(now().0, Some(earliest_new)).await,
            Err(e) => Err(e),
        };
        if let Err(e) = scheduled {
            bookkeeping_failed(&record, id, "alarm", &e);
        }
        faults.fail("lose-answer")?;
        Ok(DeliverAnswer::Accepted {
            status,
            body,
            content_type,
            quota,
        })
    }

    /// ---- phase 1: reserve. One synchronous block (G2): the key and the window are
    /// read, decided on, and the reservation written with no `await` in between. Any
    /// concurrent request for the same key runs its block before or after ours (G1): if
    /// after, it finds our `in_flight` row, owned by an attempt this incarnation awaits,
    /// and is answered 409 without forwarding anything. Hence at most one forward per
    /// key (invariant 3), and the window counts each admitted delivery once.
    fn reserve(
        &self,
        record: &WebhookRecord,
        request: &DeliverRequest,
        started: u64,
    ) -> Result<Reserved<'_>> {
        let attempt = request.delivery.id.clone();
        // Written into SQL text (`token_literal`): checked before anything is.
        let id_literal = token_literal(&attempt)
            .ok_or_else(|| worker::Error::RustError("malformed delivery id".into()))?;
        let window_s = record.idempotency().window_for(request.key.source);
        let key = (window_s > 0).then(|| request.key.storage_key());
        let now_ms = now();
        let policy = record.rate_limit();
        let window_start = rate_limit::window_start_ms(policy, now_ms);
        self.ensure_memory(now_ms.0, window_start)?;
        let key_state = match &key {
            Some(k) => self.key_state(k, now_ms.0)?,
            None => None,
        };
        let window = {
            let mut memory = self.memory.borrow_mut();
            let memory = memory.as_mut().expect("loaded above");
            memory.hits.window(window_start, policy.limit)
        };
        let awaited = |a: &str| self.awaited.borrow().contains(a);
        let live = Liveness {
            incarnation: &self.incarnation,
            awaited: &awaited,
            abandon_after_ms: ABANDON_AFTER_MS,
        };
        let decision = idempotency::decide(
            key_state.as_ref(),
            &request.fingerprint,
            record.idempotency(),
            window_s,
            &live,
            now_ms,
        );
        let answered = |a| Ok(Reserved::Answered(a));
        match decision {
            Decision::Proceed => {}
            Decision::Replay {
                status,
                body,
                content_type,
            } => {
                self.log_outcome(request, started, Outcome::Replayed, status)?;
                return answered(DeliverAnswer::Replayed {
                    status,
                    body,
                    content_type,
                });
            }
            Decision::Duplicate => {
                return answered(self.refuse(request, started, Refusal::Duplicate, 409)?)
            }
            Decision::InFlight => {
                return answered(self.refuse(request, started, Refusal::InFlight, 409)?)
            }
            Decision::Reused => {
                return answered(self.refuse(request, started, Refusal::Reused, 422)?)
            }
        }
        let quota = match rate_limit::decide(&window, policy, now_ms) {
            RateDecision::Allow { quota } => quota,
            RateDecision::Refuse {
                quota,
                retry_after_s,
            } => {
                self.log_outcome(request, started, Outcome::RateLimited, 429)?;
                return answered(DeliverAnswer::Refused {
                    refusal: Refusal::RateLimited,
                    quota: Some(quota),
                    retry_after_s: Some(retry_after_s),
                });
            }
        };
        let reservation = KeyState::InFlight {
            fingerprint: request.fingerprint.clone(),
            since_ms: now_ms.0,
            attempt: attempt.clone(),
            incarnation: self.incarnation.clone(),
        };
        let expires = idempotency::expires_at_ms(&reservation, window_s);
        // One `exec`: the hit, the key's row, and the refusals waiting to be written.
        // Memory follows storage once the write succeeded (one `exec` is one
        // transaction: all of it or nothing).
        // The waiting refusals ride along when they fit the statement's text.
        let pending = {
            let mut memory = self.memory.borrow_mut();
            let waiting = &mut memory.as_mut().expect("loaded above").pending;
            if waiting.rides_along() {
                waiting.take()
            } else {
                Default::default()
            }
        };
        let written = self.write_reservation(
            now_ms.0,
            &id_literal,
            &pending,
            key.as_deref().map(|k| (k, &reservation, expires)),
        );
        {
            let mut memory = self.memory.borrow_mut();
            let memory = memory.as_mut().expect("loaded above");
            if let Err(e) = written {
                memory.pending.restore(pending);
                return Err(e);
            }
            memory.hits.push(now_ms.0, &attempt);
            if let Some(k) = &key {
                memory.keys.put(k, reservation, expires);
            }
        }
        self.awaited.borrow_mut().insert(attempt.clone());
        Ok(Reserved::Held(
            Reservation {
                key,
                id_literal,
                attempt,
                window_s,
                awaited: &self.awaited,
            },
            quota,
        ))
    }

    /// Memory for this incarnation, read from storage on its first delivery.
    fn ensure_memory(&self, now_ms: u64, window_start: u64) -> Result<()> {
        if matches!(&*self.memory.borrow(), Some(m) if m.loaded) {
            return Ok(());
        }
        let (hits, keys) = self.load_memory(now_ms, window_start)?;
        let mut memory = self.memory.borrow_mut();
        // Refusals logged before the first delivery stay pending.
        let pending = memory.take().map(|m| m.pending).unwrap_or_default();
        *memory = Some(super::Memory {
            hits,
            keys,
            pending,
            loaded: true,
        });
        Ok(())
    }

    /// A key's state, from memory; from storage only when memory does not hold every
    /// live key and not this one.
    fn key_state(&self, key: &str, now_ms: u64) -> Result<Option<KeyState>> {
        if let Some(memory) = self.memory.borrow().as_ref() {
            if let Lookup::Known(state) = memory.keys.get(key, now_ms) {
                return Ok(state.cloned());
            }
        }
        let stored = self.read_key(key)?;
        let mut memory = self.memory.borrow_mut();
        let memory = memory.as_mut().expect("loaded");
        Ok(match stored {
            Some((state, expires)) if expires > now_ms => {
                memory.keys.put(key, state.clone(), expires);
                Some(state)
            }
            _ => None,
        })
    }

    /// Writes the refusals waiting in memory (before the log or the counts are read,
    /// and in batches: `memory::Pending::is_due`).
    pub(super) fn flush_pending(&self) -> Result<()> {
        let pending = match self.memory.borrow_mut().as_mut() {
            Some(m) => m.pending.take(),
            None => return Ok(()),
        };
        if let Err(e) = self.write_pending(&pending) {
            if let Some(m) = self.memory.borrow_mut().as_mut() {
                m.pending.restore(pending);
            }
            return Err(e);
        }
        Ok(())
    }

    /// Writes `done` over the reservation (only its own row: `store::SETTLE_KEY`) and
    /// the accepted delivery's log entry, in one `exec`. When that fails, `done` alone
    /// is tried (it is what keeps a retry from being forwarded twice) and the entry
    /// waits in memory like a refusal's.
    fn settle(
        &self,
        reservation: Reservation<'_>,
        done: &KeyState,
        entry: &LogEntry,
        at_ms: u64,
        faults: &Faults,
    ) -> Result<()> {
        let expires = idempotency::expires_at_ms(done, reservation.window_s);
        let key = reservation
            .key
            .as_deref()
            .map(|k| (k, reservation.attempt.as_str(), done, expires));
        let together = faults
            .fail("settle-write")
            .and_then(|()| faults.fail("log-write"))
            .and_then(|()| self.write_settlement(entry, at_ms, key));
        let ours = match together {
            Ok(ours) => ours,
            Err(e) => {
                bookkeeping_failed_at(&reservation.attempt, "settle with its log entry", &e);
                let _ = self.log_later(entry, at_ms);
                match key {
                    Some((k, attempt, done, expires)) => {
                        faults.fail("settle-write")?;
                        self.write_done(k, attempt, done, expires)?
                    }
                    None => true,
                }
            }
        };
        if let (Some(k), true) = (&reservation.key, ours) {
            if let Some(m) = self.memory.borrow_mut().as_mut() {
                m.keys.put(k, done.clone(), expires);
            }
        }
        if !ours {
            return Err(worker::Error::RustError(
                "the reservation is no longer this attempt's".into(),
            ));
        }
        Ok(())
    }

    /// Gives the key and the hit back (only this attempt's rows: `store::RELEASE_KEY`).
    fn release(&self, reservation: Reservation<'_>) -> Result<()> {
        self.delete_reservation(
            &reservation.id_literal,
            reservation.key.as_deref(),
            &reservation.attempt,
        )?;
        if let Some(m) = self.memory.borrow_mut().as_mut() {
            m.hits.remove(&reservation.attempt);
            if let Some(k) = &reservation.key {
                let ours = matches!(
                    m.keys.get(k, 0),
                    Lookup::Known(Some(KeyState::InFlight { attempt, .. })) if *attempt == reservation.attempt
                );
                if ours {
                    m.keys.forget(k);
                }
            }
        }
        Ok(())
    }

    /// Nothing was handed over: the reservation is given back before answering, so the
    /// sender's retry is not a duplicate (invariant 2).
    async fn nothing_handed_over(
        &self,
        record: &WebhookRecord,
        request: &DeliverRequest,
        started: u64,
        reservation: Reservation<'_>,
        failed: Handed,
    ) -> Result<DeliverAnswer> {
        let (outcome, status, answer, reason) = match failed {
            Handed::OriginFailed {
                timed_out: true,
                reason,
            } => (
                Outcome::OriginTimedOut,
                504,
                DeliverAnswer::OriginFailed { timed_out: true },
                reason,
            ),
            Handed::OriginFailed { reason, .. } => (
                Outcome::OriginFailed,
                502,
                DeliverAnswer::OriginFailed { timed_out: false },
                reason,
            ),
            Handed::Failed(reason) => (
                Outcome::ForwardFailed,
                503,
                DeliverAnswer::ForwardFailed,
                reason,
            ),
            Handed::Queued | Handed::Answered { .. } => unreachable!("handed over"),
        };
        console_error!(
            "{}",
            serde_json::json!({"msg": "handover_failed", "webhook_id": record.id().as_str(),
                "delivery_id": request.delivery.id, "error": reason})
        );
        self.release(reservation)?;
        if let Some(ns) = record.namespace() {
            crate::namespace::release(&self.env, ns, &request.delivery.id).await;
        }
        self.log_outcome(request, started, outcome, status)?;
        Ok(answer)
    }

    /// Hands an admitted delivery to the webhook's target: its queue; hookgate's delivery
    /// queue for an async origin (recording the delivery for its attempts and replay);
    /// or, for a sync origin, the origin itself while the sender waits. A queue send that
    /// does not answer within MAX_HANDOVER_WAIT_MS counts as failed: the sender retries,
    /// and if the send did go through, the retry is forwarded again (at least once,
    /// never lost).
    async fn hand_over(&self, record: &WebhookRecord, request: &DeliverRequest) -> Handed {
        let meta = &request.delivery;
        let timed_out = || Handed::Failed(format!("no answer within {MAX_HANDOVER_WAIT_MS} ms"));
        match record.target().kind() {
            TargetKind::Queue(queue) => {
                let sent = super::group::send(&self.groups, &self.env, queue, &request.message);
                match within(MAX_HANDOVER_WAIT_MS, sent).await {
                    Some(Ok(())) => Handed::Queued,
                    Some(Err(e)) => Handed::Failed(e),
                    None => timed_out(),
                }
            }
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
                let json = serde_json::to_string(&job).expect("job serializes");
                let sent =
                    super::group::send(&self.groups, &self.env, super::DELIVERIES_BINDING, &json);
                let failed = match within(MAX_HANDOVER_WAIT_MS, sent).await {
                    Some(Ok(())) => return Handed::Queued,
                    Some(Err(e)) => Handed::Failed(e),
                    None => timed_out(),
                };
                let _ = self.forget_delivery(&meta.id);
                failed
            }
            TargetKind::Origin(origin) => {
                // Bounded by the origin's timeout_ms (at most MAX_ORIGIN_TIMEOUT_MS),
                // headers and body together (`origin::send`).
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
                match sent {
                    Sent::Answered(a) if (200..300).contains(&a.status) => {
                        // Delivered while the sender waited: its body in R2 is done with.
                        crate::origin::forget_body(&self.env, &request.message).await;
                        Handed::Answered {
                            status: a.status,
                            body: String::from_utf8_lossy(&a.body).into_owned(),
                            content_type: a.content_type,
                        }
                    }
                    Sent::Answered(a) => Handed::OriginFailed {
                        timed_out: false,
                        reason: match &a.location {
                            Some(l) => format!(
                                "the origin answered {} (redirect to {l}, not followed)",
                                a.status
                            ),
                            None => format!("the origin answered {}", a.status),
                        },
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
}

/// Bookkeeping after a hand-over failed: the event was handed over and is answered 2xx;
/// the operator learns of the failure from the log.
fn bookkeeping_failed(record: &WebhookRecord, delivery_id: &str, what: &str, e: &worker::Error) {
    console_error!(
        "{}",
        serde_json::json!({"msg": "bookkeeping_failed", "step": what,
            "webhook_id": record.id().as_str(), "delivery_id": delivery_id,
            "error": e.to_string()})
    );
}

fn bookkeeping_failed_at(delivery_id: &str, what: &str, e: &worker::Error) {
    console_error!(
        "{}",
        serde_json::json!({"msg": "bookkeeping_failed", "step": what,
            "delivery_id": delivery_id, "error": e.to_string()})
    );
}

/// The memory of an object that has not delivered yet: only refusals can be pending.
fn memory_or_default(memory: &mut Option<super::Memory>) -> &mut super::Memory {
    memory.get_or_insert_with(|| super::Memory {
        hits: Default::default(),
        keys: hookgate_core::guard::memory::Keys::from_rows(Vec::new(), 0),
        pending: Default::default(),
        loaded: false,
    })
}
