//! Helpers for the crate's unit tests: records made the way the admin API makes them.

use crate::admin::{validate_create, validate_patch, Fresh, WebhookSpec};
use crate::model::WebhookRecord;
use crate::secret::WebhookId;
use crate::time::UnixMillis;

pub const NOW: UnixMillis = UnixMillis(1_700_000_000_000);

/// A record from a creation spec, with fixed id, secret bytes and time.
pub fn record(json: &str) -> WebhookRecord {
    validate_create(
        WebhookSpec::parse(json.as_bytes()).unwrap(),
        Fresh {
            id: WebhookId::generate([3; 12]),
            secret_bytes: [4; 32],
            forwarding_secret_bytes: [0x5a; 32],
            now: NOW,
        },
        crate::admin::Policy {
            allow_insecure_origins: true,
        },
    )
    .unwrap_or_else(|p| panic!("{json}: {}", p.detail))
    .record
}

/// `record` after a PATCH.
pub fn patched(record: &WebhookRecord, json: &str) -> WebhookRecord {
    validate_patch(
        record,
        WebhookSpec::parse(json.as_bytes()).unwrap(),
        NOW,
        crate::admin::Policy {
            allow_insecure_origins: true,
        },
    )
    .unwrap_or_else(|p| panic!("{json}: {}", p.detail))
    .record
}
