//! Bulk replay in the webhook's object: `POST /replays` selects stored deliveries
//! (`hookgate_core::admin::replays`) and queues them again on hookgate's delivery queue,
//! at most `REPLAY_STEP` per step: the first step in the request, the rest from the
//! object's alarm (shared with cleanup: `Guard::schedule_cleanup` sets it at the earlier
//! of both). Everything is in SQLite, so a replay continues after a restart.
//!
//! Never twice within one replay: a step claims its items (`stand = 'queued'`) in one
//! statement before it awaits anything (G2), so a concurrent step (G4) cannot pick them
//! too; an item whose send failed is given back (`waiting`) for the next step. Progress
//! is read from the deliveries' own states, which the delivery consumer reports.

use super::Guard;
use crate::objects::{as_text, column, int, text};
use crate::platform::now;
use hookgate_core::admin::replays::{
    progress, replay_id, ItemStand, ReplayProgress, ReplaySelection, REPLAY_STEP,
};
use hookgate_core::delivery::{FinalState, REASON_WEBHOOK_DELETED, REASON_WEBHOOK_DISABLED};
use hookgate_core::time::UnixMillis;
use worker::{console_error, Result, SqlStorage};

const SCHEMA: &[&str] = &[
    "CREATE TABLE IF NOT EXISTS replays (id TEXT PRIMARY KEY, created_at TEXT NOT NULL, \
     selection TEXT NOT NULL, stopped TEXT)",
    // stand: waiting | queued | missing (`ItemStand`).
    "CREATE TABLE IF NOT EXISTS replay_items (replay_id TEXT NOT NULL, delivery_id TEXT NOT NULL, \
     stand TEXT NOT NULL DEFAULT 'waiting', PRIMARY KEY (replay_id, delivery_id))",
];

/// Replays kept for `GET …/replays/{id}`; older ones are forgotten when a new one starts.
const KEPT_REPLAYS: u64 = 20;

pub(super) fn create_schema(sql: &SqlStorage) {
    for statement in SCHEMA {
        if let Err(e) = sql.exec(statement, None) {
            console_error!("guard replay schema: {e}");
        }
    }
}

/// The earlier of the cleanup's and a replay's next step.
pub(super) fn earliest(a: Option<u64>, b: Option<u64>) -> Option<u64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, None) => a,
        (None, b) => b,
    }
}

/// `POST /replays`'s answer: `{"result": "started", "replay": {...}}` or
/// `{"result": "disabled"}` (nothing was replayed). Plain JSON values: typed answers with
/// `flatten` or a tag would each pull serde's buffering code into the wasm.
pub type StartAnswer = serde_json::Value;

fn split3(row: &str) -> Option<(&str, &str, &str)> {
    let mut parts = row.splitn(3, '\0');
    Some((parts.next()?, parts.next()?, parts.next()?))
}

fn final_state(name: &str) -> Option<FinalState> {
    serde_json::from_value(serde_json::Value::String(name.to_string())).ok()
}

impl Guard {
    /// Starts a replay of every stored delivery the selection matches, and runs its first
    /// step.
    pub(super) async fn start_replay(&self, selection: ReplaySelection) -> Result<StartAnswer> {
        if !self.record()?.is_some_and(|r| r.enabled()) {
            return Ok(serde_json::json!({"result": "disabled"}));
        }
        let sql = self.sql();
        // Small columns only (the job holds the whole envelope): id, state, received_at.
        let rows = column(
            &sql,
            "SELECT id || char(0) || COALESCE(json_extract(state, '$.state'), '') || char(0) || \
             COALESCE(json_extract(json_extract(job, '$.envelope'), '$.received_at'), '') \
             FROM deliveries ORDER BY rowid",
            vec![],
            as_text,
        )?;
        let matched: Vec<String> = rows
            .iter()
            .filter_map(|row| split3(row))
            .filter(|(id, state, received)| {
                final_state(state)
                    .is_some_and(|s| selection.matches(id, s, UnixMillis::parse_rfc3339(received)))
            })
            .map(|(id, _, _)| id.to_string())
            .collect();
        let id = replay_id(crate::platform::random());
        let created_at = now().to_rfc3339();
        let selection_json = serde_json::to_string(&selection).expect("selection serializes");
        sql.exec(
            "INSERT INTO replays (id, created_at, selection) VALUES (?, ?, ?)",
            vec![text(&id), text(&created_at), text(&selection_json)],
        )?;
        for delivery in &matched {
            sql.exec(
                "INSERT OR IGNORE INTO replay_items (replay_id, delivery_id) VALUES (?, ?)",
                vec![text(&id), text(delivery)],
            )?;
        }
        // Two statements: a multi-statement exec binds values to its last one only.
        sql.exec(
            "DELETE FROM replay_items WHERE replay_id IN (SELECT id FROM replays \
             ORDER BY rowid DESC LIMIT -1 OFFSET ?)",
            vec![int(KEPT_REPLAYS)],
        )?;
        sql.exec(
            "DELETE FROM replays WHERE id IN (SELECT id FROM replays \
             ORDER BY rowid DESC LIMIT -1 OFFSET ?)",
            vec![int(KEPT_REPLAYS)],
        )?;
        self.replay_step().await?;
        self.schedule_cleanup(now().0, Some(now().0)).await?;
        let replay = self
            .replay_view(&id)?
            .ok_or_else(|| worker::Error::RustError("the replay just written is gone".into()))?;
        Ok(serde_json::json!({"result": "started", "replay": replay}))
    }

    /// A replay and its progress; `None` when there is no such replay (or it was
    /// forgotten).
    pub(super) fn replay_view(&self, id: &str) -> Result<Option<serde_json::Value>> {
        let sql = self.sql();
        let head = column(
            &sql,
            "SELECT created_at || char(0) || selection || char(0) || COALESCE(stopped, '') \
             FROM replays WHERE id = ?",
            vec![text(id)],
            as_text,
        )?;
        let Some(head) = head.first() else {
            return Ok(None);
        };
        let (created_at, selection, stopped) =
            split3(head).ok_or_else(|| worker::Error::RustError("replay row".into()))?;
        let items = column(
            &sql,
            "SELECT i.stand || char(0) || COALESCE(json_extract(d.state, '$.state'), '') \
             FROM replay_items i LEFT JOIN deliveries d ON d.id = i.delivery_id \
             WHERE i.replay_id = ?",
            vec![text(id)],
            as_text,
        )?;
        let stands: Vec<ItemStand> = items
            .iter()
            .map(|row| {
                let (stand, state) = row.split_once('\0').unwrap_or((row, ""));
                match (stand, final_state(state)) {
                    ("waiting", _) => ItemStand::Waiting,
                    ("queued", Some(state)) => ItemStand::Queued(state),
                    // Queued, then trimmed from the stored deliveries: its end is unknown.
                    _ => ItemStand::Missing,
                }
            })
            .collect();
        let p: ReplayProgress = progress(&stands, !stopped.is_empty());
        let mut view = crate::http::value_of(&p);
        view["id"] = id.into();
        view["created_at"] = created_at.into();
        view["selection"] = public_selection(selection);
        if !stopped.is_empty() {
            view["stopped_reason"] = stopped.into();
        }
        Ok(Some(view))
    }

    /// Whether some replay has deliveries left to queue: its next step is due now.
    pub(super) fn replay_due(&self, now_ms: u64) -> Result<Option<u64>> {
        let rows = column(
            &self.sql(),
            "SELECT i.replay_id FROM replay_items i JOIN replays r ON r.id = i.replay_id \
             WHERE i.stand = 'waiting' AND r.stopped IS NULL LIMIT 1",
            vec![],
            as_text,
        )?;
        Ok((!rows.is_empty()).then_some(now_ms))
    }

    /// Queues at most `REPLAY_STEP` waiting deliveries, oldest replay first.
    pub(super) async fn replay_step(&self) -> Result<()> {
        let sql = self.sql();
        let record = self.record()?;
        if !record.as_ref().is_some_and(|r| r.enabled()) {
            // Stopped by its operator (or deleted): nothing more reaches the origin.
            let reason = if record.is_some() {
                REASON_WEBHOOK_DISABLED
            } else {
                REASON_WEBHOOK_DELETED
            };
            sql.exec(
                "UPDATE replays SET stopped = ? WHERE stopped IS NULL AND id IN \
                 (SELECT replay_id FROM replay_items WHERE stand = 'waiting')",
                vec![text(reason)],
            )?;
            return Ok(());
        }
        // Claimed in one statement, before any await: no other step can take them.
        let claimed = column(
            &sql,
            "UPDATE replay_items SET stand = 'queued' WHERE rowid IN (SELECT i.rowid \
             FROM replay_items i JOIN replays r ON r.id = i.replay_id \
             WHERE i.stand = 'waiting' AND r.stopped IS NULL ORDER BY i.rowid LIMIT ?) \
             RETURNING replay_id || char(0) || delivery_id",
            vec![int(REPLAY_STEP as u64)],
            as_text,
        )?;
        for (i, row) in claimed.iter().enumerate() {
            let Some((replay, delivery)) = row.split_once('\0') else {
                continue;
            };
            let Some((mut job, state)) = self.delivery(delivery)? else {
                self.set_stand(replay, delivery, "missing")?;
                continue;
            };
            job.attempt = 1;
            job.replay = true;
            let mut pending = state.clone();
            pending.state = FinalState::Pending;
            pending.reason = None;
            self.set_delivery_state(delivery, &pending)?;
            if let Err(e) = self.enqueue(&job, 0).await {
                // Not queued: this one and the rest of the step go back for the next step.
                self.set_delivery_state(delivery, &state)?;
                for rest in &claimed[i..] {
                    if let Some((r, d)) = rest.split_once('\0') {
                        self.set_stand(r, d, "waiting")?;
                    }
                }
                return Err(e);
            }
        }
        Ok(())
    }

    fn set_stand(&self, replay: &str, delivery: &str, stand: &str) -> Result<()> {
        self.sql().exec(
            "UPDATE replay_items SET stand = ? WHERE replay_id = ? AND delivery_id = ?",
            vec![text(stand), text(replay), text(delivery)],
        )?;
        Ok(())
    }
}

/// The stored selection as the operator wrote it (RFC 3339 times).
fn public_selection(stored: &str) -> serde_json::Value {
    match serde_json::from_str::<ReplaySelection>(stored) {
        Ok(ReplaySelection::DeadLettered { since, until }) => {
            let time = |t: Option<u64>| t.map(|ms| UnixMillis(ms).to_rfc3339());
            serde_json::json!({"state": "dead_lettered", "since": time(since), "until": time(until)})
        }
        Ok(ReplaySelection::Ids { delivery_ids }) => {
            serde_json::json!({ "delivery_ids": delivery_ids })
        }
        Err(_) => serde_json::Value::Null,
    }
}
