//! `webhook:{id}` in KV: where a webhook's record lives (`route:{path}`), and which other
//! paths may still hold a copy of it after an interrupted move. Pinned by a golden test.
//!
//! KV has no transactions and allows about one write per second per key, so every admin
//! operation writes each key at most once, in an order where each intermediate state is
//! readable (the record is always at `path` or at a `retired` path) and where every
//! extra copy is listed in `retired`. [`plan_repair`] decides how the next admin access
//! to the webhook finishes or undoes what a failed write left.

use crate::path::WebhookPath;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdPointer {
    pub path: WebhookPath,
    /// Paths that may still hold a route of this webhook (a move in progress). Absent in
    /// pointers written before moves were tracked, and whenever nothing is pending.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub retired: Vec<WebhookPath>,
}

impl IdPointer {
    pub fn at(path: WebhookPath) -> IdPointer {
        IdPointer {
            path,
            retired: Vec::new(),
        }
    }

    pub fn encode(&self) -> String {
        serde_json::to_string(self).expect("pointer serializes")
    }

    pub fn decode(json: &str) -> Result<IdPointer, serde_json::Error> {
        serde_json::from_str(json)
    }
}

/// What the repair must do.
#[derive(Debug, PartialEq, Eq)]
pub struct Repair {
    /// The path whose route is this webhook's record after the repair, if any.
    pub live: Option<WebhookPath>,
    /// Routes holding this webhook that must go (all of them hold its id).
    pub delete_routes: Vec<WebhookPath>,
    /// The pointer to write, when it changes.
    pub pointer: Option<IdPointer>,
}

/// Decides the repair from what KV holds: whether `route:{pointer.path}` holds this
/// webhook, and which retired paths still do.
///
/// - Nothing retired: nothing to do.
/// - The new route was written: the move happened; old copies go.
/// - It was not: the move did not happen; the pointer goes back to where the record is.
pub fn plan_repair(
    pointer: &IdPointer,
    at_path_is_ours: bool,
    retired_holding_ours: &[WebhookPath],
) -> Repair {
    if pointer.retired.is_empty() {
        return Repair {
            live: at_path_is_ours.then(|| pointer.path.clone()),
            delete_routes: Vec::new(),
            pointer: None,
        };
    }
    if at_path_is_ours {
        return Repair {
            live: Some(pointer.path.clone()),
            delete_routes: retired_holding_ours.to_vec(),
            pointer: Some(IdPointer::at(pointer.path.clone())),
        };
    }
    match retired_holding_ours.split_first() {
        Some((home, extra)) => Repair {
            live: Some(home.clone()),
            delete_routes: extra.to_vec(),
            pointer: Some(IdPointer::at(home.clone())),
        },
        None => Repair {
            live: None,
            delete_routes: Vec::new(),
            pointer: None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> WebhookPath {
        WebhookPath::parse_registered(s).unwrap()
    }

    #[test]
    fn legacy_pointers_still_decode() {
        let legacy = IdPointer::decode(r#"{"path":"/a"}"#).unwrap();
        assert_eq!(legacy, IdPointer::at(p("/a")));
        assert_eq!(legacy.encode(), r#"{"path":"/a"}"#);
    }

    #[test]
    fn nothing_pending_needs_nothing() {
        let r = plan_repair(&IdPointer::at(p("/a")), true, &[]);
        assert_eq!(r.live, Some(p("/a")));
        assert!(r.delete_routes.is_empty() && r.pointer.is_none());
    }

    #[test]
    fn a_move_that_wrote_its_new_route_is_finished() {
        let ptr = IdPointer {
            path: p("/new"),
            retired: vec![p("/old")],
        };
        let r = plan_repair(&ptr, true, &[p("/old")]);
        assert_eq!(r.live, Some(p("/new")));
        assert_eq!(r.delete_routes, vec![p("/old")]);
        assert_eq!(r.pointer, Some(IdPointer::at(p("/new"))));
        // The old route was already gone: only the pointer is tidied.
        let r = plan_repair(&ptr, true, &[]);
        assert!(r.delete_routes.is_empty());
        assert_eq!(r.pointer, Some(IdPointer::at(p("/new"))));
    }

    #[test]
    fn a_move_that_did_not_write_its_new_route_is_undone() {
        let ptr = IdPointer {
            path: p("/new"),
            retired: vec![p("/old")],
        };
        let r = plan_repair(&ptr, false, &[p("/old")]);
        assert_eq!(r.live, Some(p("/old")));
        assert!(r.delete_routes.is_empty());
        assert_eq!(r.pointer, Some(IdPointer::at(p("/old"))));
        let gone = plan_repair(&ptr, false, &[]);
        assert_eq!(gone.live, None);
        assert_eq!(gone.pointer, None);
    }
}
