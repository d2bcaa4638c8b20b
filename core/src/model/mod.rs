//! The stored webhook: schemes, verification settings and the record as KV holds it.
//!
//! A leaf: it depends only on the crate's value types (`path`, `secret`, `time`,
//! `codec`, and the `filter` language), never on verification, requests, the admin API or the HTTP table.

pub mod arming;
pub mod auth;
pub mod limits;
pub mod pointer;
pub mod providers;
pub mod record;
pub mod rules;
pub mod scheme;
pub mod style;
pub mod template;

pub use auth::{AuthConfig, SecretEncoding, StoredSecret};
pub use providers::Scheme;
pub use record::{
    Method, Origin, OriginMode, RecordDecodeError, Target, TargetKind, WebhookRecord,
};
pub use style::{BasicAuth, EventTypeSource, Style};

/// hookgate's own queue of deliveries to async origins (`DeliveryJob`s).
pub const DELIVERIES_BINDING: &str = "DELIVERIES";
/// Where deliveries that cannot be delivered end.
pub const DEAD_LETTERS_BINDING: &str = "DEAD_LETTERS";
/// Never a webhook's `target.queue`: their consumer reads jobs, not envelopes.
pub const OWN_QUEUE_BINDINGS: [&str; 2] = [DELIVERIES_BINDING, DEAD_LETTERS_BINDING];
