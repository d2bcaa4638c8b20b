//! What the webhook's object keeps in memory while it lives, in front of its storage:
//! the rate window's hits, the key states, and the refusals not yet written. Decisions
//! are made from here; storage is the durable copy, written in the same synchronous
//! block as memory (so the two never disagree), and read back only when this
//! incarnation starts or a key fell out of memory.

use super::idempotency::KeyState;
use super::rate_limit::Window;
use std::collections::{HashMap, VecDeque};

/// The accepted hits of the rate window, oldest first: exactly the rows of the
/// object's `hits` table after the window's start.
#[derive(Debug, Default)]
pub struct Hits {
    hits: VecDeque<(u64, String)>,
}

impl Hits {
    /// From storage's rows (any order).
    pub fn from_rows(mut rows: Vec<(u64, String)>) -> Hits {
        rows.sort();
        Hits { hits: rows.into() }
    }

    /// The window after `start_ms` for `limit`; hits at or before `start_ms` are
    /// dropped (they can never count again: the window only moves forward).
    pub fn window(&mut self, start_ms: u64, limit: u32) -> Window {
        while self.hits.front().is_some_and(|(t, _)| *t <= start_ms) {
            self.hits.pop_front();
        }
        let count = self.hits.len();
        let blocking = count.saturating_sub(limit as usize);
        Window {
            count: count as u64,
            oldest_ms: self.hits.front().map(|(t, _)| *t),
            blocking_ms: self.hits.get(blocking).map(|(t, _)| *t),
        }
    }

    /// Records an accepted hit, kept in time order.
    pub fn push(&mut self, at_ms: u64, id: &str) {
        let at = self.hits.partition_point(|(t, _)| *t <= at_ms);
        self.hits.insert(at, (at_ms, id.to_string()));
    }

    /// Gives a hit back (its delivery handed nothing over).
    pub fn remove(&mut self, id: &str) {
        if let Some(i) = self.hits.iter().position(|(_, h)| h == id) {
            self.hits.remove(i);
        }
    }

    pub fn len(&self) -> usize {
        self.hits.len()
    }

    pub fn is_empty(&self) -> bool {
        self.hits.is_empty()
    }
}

/// What memory says about a key.
#[derive(Debug, PartialEq, Eq)]
pub enum Lookup<'a> {
    /// The key's state (`None`: no such key), as storage holds it.
    Known(Option<&'a KeyState>),
    /// Not in memory and memory is not complete: ask storage.
    Ask,
}

/// Key states, at most `capacity`, in front of the `keys` table. `complete` while
/// memory holds every live row of the table (loaded whole at start, nothing evicted
/// since): then a key memory does not know does not exist, and a new key costs no read.
#[derive(Debug)]
pub struct Keys {
    states: HashMap<String, (KeyState, u64)>,
    /// First-insertion order, for eviction. A key written again keeps its place: moving
    /// it was a walk over up to `capacity` keys on every settlement (a reservation's key
    /// is always written twice), and a key settled a moment after its reservation is no
    /// younger for eviction's purposes.
    order: VecDeque<String>,
    capacity: usize,
    complete: bool,
}

impl Keys {
    /// From storage's live rows `(key, state, expires_ms)`; `complete` when those were
    /// all of them (the caller asked for one more than `capacity`).
    pub fn from_rows(rows: Vec<(String, KeyState, u64)>, capacity: usize) -> Keys {
        let complete = rows.len() <= capacity;
        let mut keys = Keys {
            states: HashMap::new(),
            order: VecDeque::new(),
            capacity,
            complete,
        };
        for (k, state, expires) in rows.into_iter().take(capacity) {
            keys.put(&k, state, expires);
        }
        keys.complete = complete;
        keys
    }

    pub fn get(&self, key: &str, now_ms: u64) -> Lookup<'_> {
        match self.states.get(key) {
            Some((state, expires)) if *expires > now_ms => Lookup::Known(Some(state)),
            // Expired: storage's row is as good as gone (the alarm deletes it).
            Some(_) => Lookup::Known(None),
            None if self.complete => Lookup::Known(None),
            None => Lookup::Ask,
        }
    }

    /// Memory learns what storage holds now (after a write, or a read on `Ask`).
    pub fn put(&mut self, key: &str, state: KeyState, expires_ms: u64) {
        if let Some(known) = self.states.get_mut(key) {
            *known = (state, expires_ms);
            return;
        }
        self.states.insert(key.to_string(), (state, expires_ms));
        self.order.push_back(key.to_string());
        while self.states.len() > self.capacity {
            let Some(oldest) = self.order.pop_front() else {
                break;
            };
            self.states.remove(&oldest);
            // Its row is still in storage: from now on a miss must be asked.
            self.complete = false;
        }
    }

    /// The key's row was deleted (a released reservation).
    pub fn forget(&mut self, key: &str) {
        if self.states.remove(key).is_some() {
            self.order.retain(|k| k != key);
        }
    }

    /// Drops the states that expired (the alarm deleted their rows).
    pub fn expire(&mut self, now_ms: u64) {
        self.states.retain(|_, (_, expires)| *expires > now_ms);
        let states = &self.states;
        self.order.retain(|k| states.contains_key(k));
    }

    pub fn is_complete(&self) -> bool {
        self.complete
    }

    pub fn len(&self) -> usize {
        self.states.len()
    }

    pub fn is_empty(&self) -> bool {
        self.states.is_empty()
    }
}

/// Refusals (duplicates, 429s, filtered requests…) and their counts, logged in memory
/// and written in one batch: with the next accepted delivery's reservation when they fit
/// its statement ([`Pending::rides_along`]), else once [`FLUSH_EVERY`] are waiting and
/// the oldest has waited [`FLUSH_AFTER_MS`] ([`Pending::is_due`]), or before the log or
/// the counts are read. Only the newest [`KEPT_ENTRIES`] entries are kept: the delivery
/// log holds no more, so older ones would be written only to be trimmed at once (every
/// refusal is counted). So a trickle of refusals costs a write per 32 of them, and a
/// flood one a second. A crash loses at most what waits: fewer than 32 refusals, or
/// refusals that arrived within one second, with their counts; never a key, a hit or an
/// accepted delivery.
#[derive(Debug, Default)]
pub struct Pending {
    /// Log entries' JSON, oldest first.
    pub entries: std::collections::VecDeque<String>,
    /// `(minute, counter column)` → how many.
    pub counts: Vec<((u64, &'static str), u64)>,
    /// The entries' bytes.
    pub bytes: usize,
    /// When the oldest refusal pending arrived.
    pub since_ms: Option<u64>,
}

/// Refusals written together at least this many at a time…
pub const FLUSH_EVERY: u64 = 32;
/// …and at most once in this long.
pub const FLUSH_AFTER_MS: u64 = 1_000;
/// The entries kept: the delivery log's length (`protocol::DEFAULT_LOG_ENTRIES`). Also
/// within the platform's 100 parameters bound in one statement.
pub const KEPT_ENTRIES: usize = 100;
const _: () = assert!(KEPT_ENTRIES == crate::guard::protocol::DEFAULT_LOG_ENTRIES);
/// Entries ride in the reservation's statement only up to this many bytes: they are
/// written into its text, which the platform limits to 100 KB.
pub const RIDE_ALONG_BYTES: usize = 24 * 1024;

impl Pending {
    pub fn add(&mut self, entry_json: String, at_ms: u64, column: &'static str) {
        self.since_ms.get_or_insert(at_ms);
        self.bytes += entry_json.len();
        self.entries.push_back(entry_json);
        self.keep_newest();
        let minute = at_ms / 60_000;
        match self.counts.iter_mut().find(|(k, _)| *k == (minute, column)) {
            Some((_, n)) => *n += 1,
            None => self.counts.push(((minute, column), 1)),
        }
    }

    fn keep_newest(&mut self) {
        while self.entries.len() > KEPT_ENTRIES {
            if let Some(old) = self.entries.pop_front() {
                self.bytes -= old.len();
            }
        }
    }

    /// Whether to write now, a refusal arriving at `at_ms` included.
    pub fn is_due(&self, at_ms: u64) -> bool {
        self.refusals() >= FLUSH_EVERY
            && self
                .since_ms
                .is_some_and(|since| at_ms >= since.saturating_add(FLUSH_AFTER_MS))
    }

    /// How many refusals wait (their entries may be fewer: `KEPT_ENTRIES`).
    pub fn refusals(&self) -> u64 {
        self.counts.iter().map(|(_, n)| n).sum()
    }

    /// Whether the entries fit into the reservation's statement.
    pub fn rides_along(&self) -> bool {
        self.bytes <= RIDE_ALONG_BYTES
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty() && self.counts.is_empty()
    }

    pub fn take(&mut self) -> Pending {
        std::mem::take(self)
    }

    /// Puts back what was taken for a write that failed, before what came since.
    pub fn restore(&mut self, mut taken: Pending) {
        taken.bytes += self.bytes;
        taken.entries.append(&mut self.entries);
        for (k, n) in self.counts.drain(..) {
            match taken.counts.iter_mut().find(|(t, _)| *t == k) {
                Some((_, m)) => *m += n,
                None => taken.counts.push((k, n)),
            }
        }
        taken.since_ms = match (taken.since_ms, self.since_ms) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        taken.keep_newest();
        *self = taken;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::guard::rate_limit::Window;

    #[test]
    fn the_window_in_memory_is_the_windows_summary_of_its_hits() {
        let mut hits = Hits::from_rows(vec![(30, "c".into()), (10, "a".into()), (20, "b".into())]);
        assert_eq!(hits.window(0, 2), Window::of(&[10, 20, 30], 2));
        assert_eq!(hits.window(10, 2), Window::of(&[20, 30], 2));
        hits.push(25, "d");
        assert_eq!(hits.window(10, 2), Window::of(&[20, 25, 30], 2));
        hits.remove("d");
        hits.remove("never");
        assert_eq!(hits.window(10, 5), Window::of(&[20, 30], 5));
        // Dropped from the front as the window moves, never counted again.
        assert_eq!(hits.window(25, 5), Window::of(&[30], 5));
        assert_eq!(hits.len(), 1);
    }

    fn done(n: u64) -> KeyState {
        KeyState::Done {
            fingerprint: "f".into(),
            status: 202,
            body: n.to_string(),
            at_ms: n,
            content_type: None,
        }
    }

    #[test]
    fn a_complete_memory_answers_misses_and_an_evicting_one_asks() {
        let mut keys = Keys::from_rows(vec![("a".into(), done(1), 100)], 2);
        assert!(keys.is_complete());
        assert_eq!(keys.get("a", 50), Lookup::Known(Some(&done(1))));
        assert_eq!(keys.get("zz", 50), Lookup::Known(None));
        assert_eq!(keys.get("a", 100), Lookup::Known(None), "expired");
        keys.put("b", done(2), 100);
        // A key written again (a settlement after its reservation) is updated in place.
        keys.put("b", done(3), 100);
        assert_eq!(keys.get("b", 50), Lookup::Known(Some(&done(3))));
        assert_eq!(keys.len(), 2);
        assert!(keys.is_complete());
        keys.put("c", done(4), 100);
        // "a" was the first in: evicted, and memory no longer knows every key.
        assert!(!keys.is_complete());
        assert_eq!(keys.get("a", 50), Lookup::Ask);
        assert_eq!(keys.get("b", 50), Lookup::Known(Some(&done(3))));
        assert_eq!(keys.get("c", 50), Lookup::Known(Some(&done(4))));
        assert_eq!(keys.len(), 2);
        // The evicted key's place is gone too: the next eviction takes "b", not a ghost.
        keys.put("d", done(5), 100);
        assert_eq!(keys.get("b", 50), Lookup::Ask);
        assert_eq!(keys.len(), 2);
        // Loaded from more rows than fit: incomplete from the start.
        let rows = (0..3).map(|i| (i.to_string(), done(i), 100)).collect();
        let partial = Keys::from_rows(rows, 2);
        assert!(!partial.is_complete());
        assert_eq!(partial.get("nope", 1), Lookup::Ask);
    }

    #[test]
    fn expired_states_leave_memory() {
        let mut keys = Keys::from_rows(vec![], 10);
        keys.put("a", done(1), 10);
        keys.put("b", done(2), 20);
        keys.expire(10);
        assert_eq!(keys.len(), 1);
        assert_eq!(keys.get("a", 5), Lookup::Known(None));
    }

    #[test]
    fn refusals_are_counted_per_minute_and_column_and_written_in_batches() {
        let mut p = Pending::default();
        assert!(!p.is_due(0) && p.is_empty());
        let since = 7 * 60_000 + 59_000;
        for i in 0..FLUSH_EVERY {
            // Two minutes: 7 and 8 (a refusal every 100 ms).
            p.add(format!("{{\"n\":{i}}}"), since + i * 100, "duplicate");
        }
        assert_eq!(p.since_ms, Some(since));
        assert_eq!(p.refusals(), FLUSH_EVERY);
        // A flood: 32 waiting but not for a second yet.
        let mut flood = Pending::default();
        for i in 0..FLUSH_EVERY {
            flood.add("{}".into(), since + i, "duplicate");
        }
        assert!(!flood.is_due(since + FLUSH_AFTER_MS - 1));
        assert!(flood.is_due(since + FLUSH_AFTER_MS));
        // A trickle: a second passed long ago, but fewer than 32 wait.
        let mut trickle = Pending::default();
        for i in 0..FLUSH_EVERY - 1 {
            trickle.add("{}".into(), since + i * 60_000, "duplicate");
        }
        assert!(!trickle.is_due(since + 3_600_000));
        let taken = p.take();
        assert!(p.is_empty() && p.since_ms.is_none());
        assert_eq!(taken.entries.len(), FLUSH_EVERY as usize);
        assert_eq!(
            taken.counts,
            vec![((7, "duplicate"), 10), ((8, "duplicate"), FLUSH_EVERY - 10)]
        );
    }

    #[test]
    fn only_the_entries_the_log_keeps_are_kept_and_every_refusal_is_counted() {
        let mut p = Pending::default();
        for i in 0..(KEPT_ENTRIES + 50) {
            p.add(format!("{i:04}"), 1_000, "rate_limited");
        }
        assert_eq!(p.entries.len(), KEPT_ENTRIES);
        assert_eq!(
            p.entries.front().map(String::as_str),
            Some("0050"),
            "the oldest go"
        );
        assert_eq!(p.bytes, 4 * KEPT_ENTRIES);
        assert_eq!(
            p.counts,
            vec![((0, "rate_limited"), (KEPT_ENTRIES + 50) as u64)]
        );
    }

    #[test]
    fn large_entries_do_not_ride_along_and_a_failed_write_is_restored_in_order() {
        let mut big = Pending::default();
        big.add("x".repeat(RIDE_ALONG_BYTES / 2), 5_000, "duplicate");
        assert!(big.rides_along());
        big.add("x".repeat(RIDE_ALONG_BYTES / 2 + 1), 5_000, "duplicate");
        assert!(!big.rides_along());
        let mut later = Pending::default();
        later.add("y".into(), 9_000, "duplicate");
        later.restore(big.take());
        assert_eq!(later.bytes, RIDE_ALONG_BYTES + 2);
        assert_eq!(later.entries.back().map(String::as_str), Some("y"));
        assert_eq!(later.since_ms, Some(5_000));
        assert_eq!(later.counts, vec![((0, "duplicate"), 3)]);
    }
}
