//! The stored webhook: schemes, verification settings and the record as KV holds it.
//!
//! A leaf: it depends only on the crate's value types (`path`, `secret`, `time`,
//! `codec`, and the `filter` language), never on verification, requests, the admin API or the HTTP table.

pub mod auth;
pub mod limits;
pub mod pointer;
pub mod record;
pub mod rules;
pub mod scheme;
pub mod style;
pub mod template;

pub use auth::{AuthConfig, SecretEncoding, StoredSecret};
pub use record::{
    Method, Origin, OriginMode, RecordDecodeError, Target, TargetKind, WebhookRecord,
};
pub use scheme::Scheme;
pub use style::{BasicAuth, EventTypeSource, Style};
