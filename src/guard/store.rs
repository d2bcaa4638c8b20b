//! The Guard's storage: its SQLite schema and every statement it runs. Each `exec` has
//! a fixed cost in workerd (~85 µs measured alone, more under load), so statements that
//! belong together are sent as one. workerd binds parameters only in the last statement
//! of an `exec`: values before it are written into the text, integers and our own ids
//! as they are (`token_literal`), anything else as a string literal with its quotes
//! doubled (`quoted`), which nothing in its value can end early. A statement is limited
//! to 100 KB on the platform: what is batched into one is bounded by its bytes
//! (`memory::Pending::rides_along`), or bound (the refusals' batch, `write_pending`).
//!
//! Storage is the durable copy of what the object keeps in memory
//! (`hookgate_core::guard::memory`): every write here is made in the same synchronous
//! block as the memory update it mirrors, after the write succeeded.

use super::Guard;
use crate::objects::{as_text, as_u64, column, int, text, token_literal};
use hookgate_core::delivery::{DeliveryJob, DeliveryState};
use hookgate_core::guard::idempotency::KeyState;
use hookgate_core::guard::memory::{Hits, Keys, Pending};
use hookgate_core::guard::protocol::{LogEntry, DEFAULT_LOG_ENTRIES};
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

/// Keeps the newest `DEFAULT_LOG_ENTRIES` (a range delete on the key: cheap, and part
/// of a write that happens anyway).
const TRIM_LOG: &str = "DELETE FROM log WHERE seq <= (SELECT MAX(seq) FROM log) - 100";
const _: () = assert!(DEFAULT_LOG_ENTRIES == 100, "TRIM_LOG says 100");

fn state_json(state: &KeyState) -> String {
    serde_json::to_string(state).expect("key state serializes")
}

/// Minutes of counts kept for `GET …/stats`.
const STATS_MINUTES: u64 = 60;

impl Guard {
    /// The object's SQL storage, for one `exec` (each call is counted: the test-only
    /// build reports the count, so the suite can hold the hot paths to their budget).
    pub(super) fn sql(&self) -> SqlStorage {
        self.storage_calls.set(self.storage_calls.get() + 1);
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

    /// What this incarnation starts from: the hits after `window_start` and the live
    /// key states (all of them when they fit in memory). Two reads, once per
    /// incarnation.
    pub(super) fn load_memory(&self, now_ms: u64, window_start: u64) -> Result<(Hits, Keys)> {
        let hits = rows(
            &self.sql(),
            "SELECT t, id FROM hits WHERE t > ?",
            vec![int(window_start)],
        )?
        .into_iter()
        .filter_map(|row| {
            let mut cells = row.into_iter();
            Some((as_u64(cells.next()?)?, as_text(cells.next()?)?))
        })
        .collect();
        let keys = rows(
            &self.sql(),
            "SELECT k, state, expires_ms FROM keys WHERE expires_ms > ? \
             ORDER BY expires_ms DESC LIMIT ?",
            vec![int(now_ms), int(KEYS_IN_MEMORY as u64 + 1)],
        )?
        .into_iter()
        .filter_map(|row| {
            let mut cells = row.into_iter();
            let k = as_text(cells.next()?)?;
            let state = serde_json::from_str(&as_text(cells.next()?)?).ok()?;
            Some((k, state, as_u64(cells.next()?)?))
        })
        .collect();
        Ok((Hits::from_rows(hits), Keys::from_rows(keys, KEYS_IN_MEMORY)))
    }

    /// One key's row, for a key memory does not hold (it fell out of memory).
    pub(super) fn read_key(&self, key: &str) -> Result<Option<(KeyState, u64)>> {
        let row = rows(
            &self.sql(),
            "SELECT state, expires_ms FROM keys WHERE k = ?",
            vec![text(key)],
        )?;
        Ok(row.into_iter().next().and_then(|row| {
            let mut cells = row.into_iter();
            let state = serde_json::from_str(&as_text(cells.next()?)?).ok()?;
            Some((state, as_u64(cells.next()?)?))
        }))
    }

    /// The reservation in one `exec`: the window hit, the refusals waiting to be
    /// written (`pending`), and, when the delivery has a key, its `in_flight` row
    /// (bound, last).
    pub(super) fn write_reservation(
        &self,
        at_ms: u64,
        id_literal: &str,
        pending: &Pending,
        key: Option<(&str, &KeyState, u64)>,
    ) -> Result<()> {
        let mut statements = format!("INSERT INTO hits (t, id) VALUES ({at_ms}, {id_literal}); ");
        push_pending(&mut statements, pending);
        match key {
            Some((k, state, expires_ms)) => {
                statements.push_str(PUT_KEY);
                self.sql().exec(
                    &statements,
                    vec![text(k), text(&state_json(state)), int(expires_ms)],
                )?
            }
            None => self.sql().exec(&statements, None)?,
        };
        Ok(())
    }

    /// The settlement in one `exec`: the accepted delivery's log entry, its count and
    /// `last_triggered_at`, the log trimmed, and `done` written over the attempt's own
    /// reservation (bound, last: `SETTLE_KEY`). `false` when the row is no longer that
    /// reservation (it never is while the attempt is awaited: `deliver.rs`).
    pub(super) fn write_settlement(
        &self,
        entry: &LogEntry,
        at_ms: u64,
        key: Option<(&str, &str, &KeyState, u64)>,
    ) -> Result<bool> {
        let mut statements = String::new();
        let mut accepted = Pending::default();
        let json = serde_json::to_string(entry).expect("log entry serializes");
        accepted.add(json, at_ms, entry.outcome.stat_column());
        push_pending(&mut statements, &accepted);
        let at = token_literal(&entry.received_at)
            .ok_or_else(|| worker::Error::RustError("received_at is not RFC 3339".into()))?;
        statements.push_str(&format!(
            "INSERT INTO meta (k, v) VALUES ('last_triggered_at', {at}) \
             ON CONFLICT (k) DO UPDATE SET v = excluded.v; {TRIM_LOG}; "
        ));
        let Some((k, attempt, done, expires_ms)) = key else {
            statements.push_str("SELECT 1");
            self.sql().exec(&statements, None)?;
            return Ok(true);
        };
        statements.push_str(SETTLE_KEY);
        let matched = column(
            &self.sql(),
            &statements,
            vec![
                text(&state_json(done)),
                int(expires_ms),
                text(k),
                text(attempt),
            ],
            as_u64,
        )?;
        Ok(!matched.is_empty())
    }

    /// `done` alone over the attempt's own reservation (the fallback when the
    /// settlement with its log entry failed).
    pub(super) fn write_done(
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
    /// if it is still its own) and its window hit, in one `exec`.
    pub(super) fn delete_reservation(
        &self,
        id_literal: &str,
        key: Option<&str>,
        attempt: &str,
    ) -> Result<()> {
        let hit = format!("DELETE FROM hits WHERE id = {id_literal}");
        match key {
            Some(k) => self.sql().exec(
                &format!("{hit}; {RELEASE_KEY}"),
                vec![text(k), text(attempt)],
            )?,
            None => self.sql().exec(&hit, None)?,
        };
        Ok(())
    }

    /// Writes the refusals waiting in memory (their log entries and counts), one `exec`.
    pub(super) fn write_pending(&self, pending: &Pending) -> Result<()> {
        if pending.is_empty() {
            return Ok(());
        }
        // The entries are bound (the last statement), not written into the text: up to
        // 100 of them with their 1 KiB previews would pass the 100 KB statement limit.
        // The trim goes first, so the log holds up to 200 rows until the next write;
        // every read takes the newest.
        let mut statements = String::new();
        push_counts(&mut statements, pending);
        statements.push_str(TRIM_LOG);
        if pending.entries.is_empty() {
            self.sql().exec(&statements, None)?;
            return Ok(());
        }
        statements.push_str("; INSERT INTO log (entry) VALUES (?)");
        for _ in 1..pending.entries.len() {
            statements.push_str(", (?)");
        }
        let entries: Vec<SqlStorageValue> = pending.entries.iter().map(|e| text(e)).collect();
        self.sql().exec(&statements, entries)?;
        Ok(())
    }

    pub(super) fn log(&self, limit: usize) -> Result<Vec<LogEntry>> {
        self.flush_pending()?;
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
        self.flush_pending()?;
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

/// How many key states an object keeps in memory: a webhook whose live keys fit never
/// reads storage to decide; one with more reads a key that fell out (one query).
const KEYS_IN_MEMORY: usize = 10_000;

/// Every row of a query, every column.
fn rows(
    sql: &SqlStorage,
    query: &str,
    bindings: Vec<SqlStorageValue>,
) -> Result<Vec<Vec<SqlStorageValue>>> {
    let mut out = Vec::new();
    for row in sql.exec(query, Some(bindings))?.raw() {
        out.push(row?);
    }
    Ok(out)
}

/// `value` as an SQL string literal. SQLite's literals know one escape, a doubled
/// quote, so doubling every `'` leaves nothing in the value that can end the literal
/// early. For values before the last statement of an `exec`, whose size counts against
/// the platform's 100 KB statement limit (a hex literal doubled it).
fn quoted(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('\'');
    for ch in value.chars() {
        if ch == '\'' {
            out.push('\'');
        }
        out.push(ch);
    }
    out.push('\'');
    out
}

/// Appends the statements that write `pending`: each log entry, quoted into the text
/// (`Pending::rides_along` bounds them), then [`push_counts`].
fn push_pending(out: &mut String, pending: &Pending) {
    use std::fmt::Write as _;
    for entry in &pending.entries {
        let _ = write!(out, "INSERT INTO log (entry) VALUES ({}); ", quoted(entry));
    }
    push_counts(out, pending);
}

/// Each minute's counts (column names from `protocol::STAT_COLUMNS`, integers).
fn push_counts(out: &mut String, pending: &Pending) {
    use std::fmt::Write as _;
    for ((minute, column), n) in &pending.counts {
        let _ = write!(
            out,
            "INSERT INTO minutes (m, {column}) VALUES ({minute}, {n}) \
             ON CONFLICT (m) DO UPDATE SET {column} = {column} + {n}; "
        );
    }
}

#[cfg(test)]
mod tests {
    use super::quoted;

    #[test]
    fn a_quoted_value_cannot_end_its_literal() {
        assert_eq!(quoted("plain"), "'plain'");
        assert_eq!(quoted("it's"), "'it''s'");
        assert_eq!(
            quoted("'); DROP TABLE log; --"),
            "'''); DROP TABLE log; --'"
        );
        assert_eq!(quoted(""), "''");
    }
}
