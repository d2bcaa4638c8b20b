//! The Guard's storage: its SQLite schema and every statement it runs. Each `exec` has
//! a fixed cost in workerd (~85 µs measured alone, more under load), so statements that
//! belong together are sent as one, with values that are ours (integers, our own ids)
//! written into the statement text (`token_literal`) and the rest bound in the last.

use super::Guard;
use crate::objects::{as_text, as_u64, column, first_row, int, text, token_literal, window_of};
use hookgate_core::delivery::{DeliveryJob, DeliveryState};
use hookgate_core::guard::idempotency::KeyState;
use hookgate_core::guard::protocol::{LogEntry, Outcome, DEFAULT_LOG_ENTRIES};
use hookgate_core::guard::rate_limit::Window;
use hookgate_core::time::UnixMillis;
use worker::{console_error, Result, SqlStorage, SqlStorageValue};

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

pub(super) fn create_schema(sql: &SqlStorage) {
    for statement in SCHEMA {
        if let Err(e) = sql.exec(statement, None) {
            console_error!("guard schema: {e}");
        }
    }
}

/// Writes a key's state: bound (key, state JSON, expiry).
const PUT_KEY: &str = "INSERT INTO keys (k, state, expires_ms) VALUES (?, ?, ?) \
     ON CONFLICT (k) DO UPDATE SET state = excluded.state, expires_ms = excluded.expires_ms";

/// Settles a reservation: only while the row is still that attempt's reservation
/// (bound: state JSON, expiry, key, attempt). A row someone else took over is theirs.
const SETTLE_KEY: &str = "UPDATE keys SET state = ?1, expires_ms = ?2 \
     WHERE k = ?3 AND json_extract(state, '$.state') = 'in_flight' \
     AND json_extract(state, '$.attempt') = ?4 RETURNING 1";

/// Releases a reservation, again only its owner's (bound: key, attempt).
const RELEASE_KEY: &str = "DELETE FROM keys WHERE k = ?1 \
     AND json_extract(state, '$.state') = 'in_flight' AND json_extract(state, '$.attempt') = ?2";

fn state_json(state: &KeyState) -> String {
    serde_json::to_string(state).expect("key state serializes")
}

/// The log holds at most `DEFAULT_LOG_ENTRIES + LOG_TRIM_EVERY - 1` rows.
const LOG_TRIM_EVERY: u64 = 16;

/// Minutes of counts kept for `GET …/stats`.
const STATS_MINUTES: u64 = 60;

impl Guard {
    pub(super) fn sql(&self) -> SqlStorage {
        self.state.storage().sql()
    }

    pub(super) fn meta(&self, key: &str) -> Result<Option<String>> {
        let rows = column(
            &self.sql(),
            "SELECT v FROM meta WHERE k = ?",
            vec![text(key)],
            as_text,
        )?;
        Ok(rows.into_iter().next())
    }

    pub(super) fn set_meta(&self, key: &str, value: &str) -> Result<()> {
        self.sql().exec(
            "INSERT INTO meta (k, v) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET v = excluded.v",
            vec![text(key), text(value)],
        )?;
        Ok(())
    }

    /// The key's state (none asked: `None`) and the rate window, in one query.
    pub(super) fn key_and_window(
        &self,
        key: Option<&str>,
        window_start: u64,
        limit: u32,
    ) -> Result<(Option<KeyState>, Window)> {
        let row = first_row(
            &self.sql(),
            concat!(
                "SELECT (SELECT state FROM keys WHERE k = ?3), ",
                crate::window_columns!()
            ),
            vec![
                int(window_start),
                int(u64::from(limit)),
                key.map_or(SqlStorageValue::Null, text),
            ],
        )?;
        let mut cells = row.into_iter();
        let state = cells
            .next()
            .and_then(as_text)
            .and_then(|s| serde_json::from_str(&s).ok());
        let window = window_of(&mut cells);
        Ok((state, window))
    }

    /// The reservation's two writes in one `exec`: the window hit (an integer and our
    /// own id, checked by `token_literal`, in the text) and, when the delivery has a
    /// key, the key's `in_flight` row (bound).
    pub(super) fn reserve_rows(
        &self,
        at_ms: u64,
        id_literal: &str,
        key: Option<(&str, &KeyState, u64)>,
    ) -> Result<()> {
        let hit = format!("INSERT INTO hits (t, id) VALUES ({at_ms}, {id_literal})");
        match key {
            Some((k, state, expires_ms)) => self.sql().exec(
                &format!("{hit}; {PUT_KEY}"),
                vec![text(k), text(&state_json(state)), int(expires_ms)],
            )?,
            None => self.sql().exec(&hit, None)?,
        };
        Ok(())
    }

    /// Writes `done` over the attempt's own reservation; `false` when the row is no
    /// longer that reservation (it never is while the attempt is awaited: `deliver.rs`).
    pub(super) fn settle_key(
        &self,
        key: &str,
        attempt: &str,
        done: &KeyState,
        expires_ms: u64,
    ) -> Result<bool> {
        let rows = column(
            &self.sql(),
            SETTLE_KEY,
            vec![
                text(&state_json(done)),
                int(expires_ms),
                text(key),
                text(attempt),
            ],
            as_u64,
        )?;
        Ok(!rows.is_empty())
    }

    /// Gives back a reservation that handed nothing over: the attempt's key row (only
    /// if it is still its own) and its window hit.
    pub(super) fn release_rows(&self, key: Option<&str>, attempt: &str) -> Result<()> {
        if let Some(k) = key {
            self.sql().exec(RELEASE_KEY, vec![text(k), text(attempt)])?;
        }
        self.sql()
            .exec("DELETE FROM hits WHERE id = ?", vec![text(attempt)])?;
        Ok(())
    }

    /// Logs a delivery's outcome and counts it in its minute in one `exec`: the counter
    /// and, for an accepted delivery, `last_triggered_at` go in the statement text (a
    /// column name from a fixed list, integers, an RFC 3339 token: `token_literal`), the
    /// entry is bound in the last statement. The log is trimmed every `LOG_TRIM_EVERY`
    /// entries, not on each: readers take the newest `DEFAULT_LOG_ENTRIES`.
    pub(super) fn record_outcome(&self, entry: &LogEntry, at_ms: u64) -> Result<()> {
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

    pub(super) fn log(&self, limit: usize) -> Result<Vec<LogEntry>> {
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

    /// The last hour, minute by minute (oldest first), with zeros where nothing came.
    pub(super) fn stats(&self, now_ms: u64) -> Result<serde_json::Value> {
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

    /// Keeps an async-origin delivery (its job and attempts) for `GET …/deliveries/{id}`
    /// and replay; the newest `DEFAULT_LOG_ENTRIES` are kept.
    pub(super) fn store_delivery(&self, job: &DeliveryJob) -> Result<()> {
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

    pub(super) fn forget_delivery(&self, id: &str) -> Result<()> {
        self.sql()
            .exec("DELETE FROM deliveries WHERE id = ?", vec![text(id)])?;
        Ok(())
    }

    pub(super) fn delivery(&self, id: &str) -> Result<Option<(DeliveryJob, DeliveryState)>> {
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

    pub(super) fn set_delivery_state(&self, id: &str, state: &DeliveryState) -> Result<()> {
        let json = serde_json::to_string(state).expect("state serializes");
        self.sql().exec(
            "UPDATE deliveries SET state = ? WHERE id = ?",
            vec![text(&json), text(id)],
        )?;
        Ok(())
    }

    /// The alarm's work: expired keys, hits out of the window, old minutes.
    pub(super) fn clean_up(&self, now: u64, window_start: u64) -> Result<()> {
        let sql = self.sql();
        sql.exec("DELETE FROM keys WHERE expires_ms <= ?", vec![int(now)])?;
        sql.exec("DELETE FROM hits WHERE t <= ?", vec![int(window_start)])?;
        sql.exec(
            "DELETE FROM minutes WHERE m < ?",
            vec![int((now / 60_000).saturating_sub(STATS_MINUTES))],
        )?;
        Ok(())
    }

    /// The earliest time a key or a hit (`window_ms` after it) can go.
    pub(super) fn earliest_due(&self, window_ms: u64) -> Result<Option<u64>> {
        let sql = self.sql();
        let key_due = column(&sql, "SELECT MIN(expires_ms) FROM keys", vec![], as_u64)?
            .into_iter()
            .next();
        let hit_due = column(&sql, "SELECT MIN(t) FROM hits", vec![], as_u64)?
            .into_iter()
            .next()
            .map(|t| t + window_ms);
        Ok(match (key_due, hit_due) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (Some(a), None) | (None, Some(a)) => Some(a),
            (None, None) => None,
        })
    }
}
