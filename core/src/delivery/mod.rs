//! Delivery to HTTP origins, without the platform: the job that travels on hookgate's
//! delivery queue, the Standard Webhooks signature of what is forwarded, which answers
//! are retried and after how long, and the request rebuilt from a stored envelope.

pub mod forward;
pub mod retry;
pub mod sign;

use serde::{Deserialize, Serialize};

/// One message on the delivery queue (golden-pinned): what to deliver, for which webhook.
/// The origin and the forwarding secret are read from the webhook's object when it is
/// delivered, so a rotated secret or a changed URL applies to retries too.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryJob {
    pub v: u32,
    pub webhook_id: String,
    pub delivery_id: String,
    /// The envelope, exactly as a queue target would have received it.
    pub envelope: String,
    /// Which attempt this message is, from 1. A retry is a new message with the next
    /// number, sent with the queue's delay.
    #[serde(default = "first_attempt")]
    pub attempt: u32,
    /// Re-sent by an operator (`…/replay`): marked so on the forwarded request.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub replay: bool,
}

fn first_attempt() -> u32 {
    1
}

/// Where a delivery to an origin stands (stored by the webhook's object, golden-pinned).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryState {
    pub state: FinalState,
    pub attempts: Vec<AttemptRecord>,
    /// Why it ended without an attempt: `webhook_disabled` (dead-lettered, replayable
    /// once the webhook is enabled again), `webhook_deleted` (dropped).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FinalState {
    #[default]
    Pending,
    Delivered,
    DeadLettered,
    /// The webhook was deleted before it could be delivered: nothing to deliver to.
    Dropped,
}

/// `DeliveryState::reason` of a delivery that ended because its webhook was disabled.
pub const REASON_WEBHOOK_DISABLED: &str = "webhook_disabled";
/// … or deleted.
pub const REASON_WEBHOOK_DELETED: &str = "webhook_deleted";

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttemptRecord {
    pub attempt: u32,
    pub at: String,
    /// The origin's status, when it answered.
    pub status: Option<u16>,
    /// Why there was no usable answer (`timeout`, `network_error`, …).
    pub error: Option<String>,
    pub next_retry_at: Option<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub replay: bool,
    /// A redirect's target: redirects are never followed, the attempt failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
}

pub const JOB_VERSION: u32 = 1;
