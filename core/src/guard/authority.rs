//! Which record is the truth. The webhook's object holds the authoritative revision;
//! KV and isolate caches are projections that may lag. A request verified against an
//! older revision is never accepted on it: a disable or delete refuses it at once, and
//! any other change sends the current record back to be verified again.

use serde::{Deserialize, Serialize};

/// What the object stores as the truth about its webhook (golden-pinned).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Held {
    /// The record's JSON as stored in KV, at `revision`.
    Active { revision: u64, record: String },
    /// Deleted at `revision`; the id is never used again.
    Deleted { revision: u64 },
}

impl Held {
    pub fn revision(&self) -> u64 {
        match self {
            Held::Active { revision, .. } | Held::Deleted { revision } => *revision,
        }
    }
}

/// Where a request verified at some revision stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Standing {
    /// Verified against the authoritative record (or the object holds none yet).
    Current,
    /// The webhook was deleted.
    Deleted,
    /// The webhook is disabled now.
    Disabled,
    /// Another revision is authoritative: verify again against it.
    Stale { revision: u64, record: String },
}

/// `enabled` of the held record is passed in by the caller, which has decoded it.
pub fn standing(held: Option<&Held>, held_enabled: bool, presented_revision: u64) -> Standing {
    match held {
        None => Standing::Current,
        Some(Held::Deleted { .. }) => Standing::Deleted,
        Some(Held::Active { revision, .. }) if *revision == presented_revision => Standing::Current,
        Some(Held::Active { .. }) if !held_enabled => Standing::Disabled,
        Some(Held::Active { revision, record }) => Standing::Stale {
            revision: *revision,
            record: record.clone(),
        },
    }
}

/// An admin write computed from `base_revision` commits as the next revision only when
/// nothing else was committed since (one writer per webhook, compare and set).
pub fn next_revision(held: Option<&Held>, base_revision: u64) -> Result<u64, WriteConflict> {
    match held {
        None => Ok(base_revision + 1),
        Some(Held::Deleted { .. }) => Err(WriteConflict::Deleted),
        Some(h) if h.revision() == base_revision => Ok(base_revision + 1),
        Some(h) => Err(WriteConflict::Changed {
            current: h.revision(),
        }),
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WriteConflict {
    Deleted,
    Changed { current: u64 },
}

#[cfg(test)]
mod tests {
    use super::*;

    fn active(rev: u64) -> Held {
        Held::Active {
            revision: rev,
            record: format!("{{\"rev\":{rev}}}"),
        }
    }

    #[test]
    fn only_the_authoritative_revision_is_current() {
        assert_eq!(standing(None, true, 0), Standing::Current);
        assert_eq!(standing(Some(&active(3)), true, 3), Standing::Current);
        assert_eq!(
            standing(Some(&active(4)), true, 3),
            Standing::Stale {
                revision: 4,
                record: "{\"rev\":4}".into()
            }
        );
        assert_eq!(standing(Some(&active(4)), false, 3), Standing::Disabled);
        assert_eq!(
            standing(Some(&Held::Deleted { revision: 5 }), true, 4),
            Standing::Deleted
        );
        assert_eq!(
            standing(Some(&Held::Deleted { revision: 5 }), true, 5),
            Standing::Deleted
        );
        // KV can never be ahead of the object; if it were, the object still wins.
        assert!(matches!(
            standing(Some(&active(2)), true, 3),
            Standing::Stale { .. }
        ));
    }

    #[test]
    fn writes_are_compare_and_set() {
        assert_eq!(next_revision(None, 0), Ok(1));
        assert_eq!(next_revision(Some(&active(3)), 3), Ok(4));
        assert_eq!(
            next_revision(Some(&active(4)), 3),
            Err(WriteConflict::Changed { current: 4 })
        );
        assert_eq!(
            next_revision(Some(&Held::Deleted { revision: 2 }), 2),
            Err(WriteConflict::Deleted)
        );
    }
}
