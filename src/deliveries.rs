//! The consumer of hookgate's delivery queue: one message per attempt to deliver an
//! accepted event to an async origin. Each attempt is signed afresh, sent within the
//! origin's timeout, and then, as `hookgate_core::delivery::retry` decides: delivered;
//! sent again later (a new message with the next attempt number and the queue's delay);
//! or put on the dead-letter queue. Every attempt is reported to the webhook's object,
//! which keeps it with the delivery (`GET …/deliveries/{id}`).
//!
//! What this promises: an event answered 2xx is delivered at least once or ends in the
//! dead-letter queue, and every copy an origin sees carries the same `webhook-id` (the
//! delivery id), so an origin dedupes on it. A crash between sending the next attempt
//! and acking this one can deliver twice, never zero times.
//!
//! Each attempt first asks the webhook's object for its record (not KV, not a cache):
//! a disabled webhook's pending attempts end `dead_lettered` with reason
//! `webhook_disabled` (replayable once it is enabled again), a deleted one's are
//! dropped and recorded (`webhook_deleted`). A message this consumer cannot read is
//! never acked away: it goes to the dead-letter queue as it came.

use crate::guard::{self, AttemptReport, DEAD_LETTERS_BINDING, DELIVERIES_BINDING};
use crate::origin::{self, Sent};
use crate::platform::{now, random};
use hookgate_core::delivery::retry::{self, Next};
use hookgate_core::delivery::{
    AttemptRecord, DeliveryJob, FinalState, REASON_WEBHOOK_DELETED, REASON_WEBHOOK_DISABLED,
};
use hookgate_core::guard::authority::Held;
use hookgate_core::model::WebhookRecord;
use hookgate_core::secret::WebhookId;
use hookgate_core::time::UnixMillis;
use worker::{console_error, console_log, Env, MessageBatch, MessageExt};

/// The queue's name in wrangler.toml (the binding is `DELIVERIES`).
pub const QUEUE_NAME: &str = "hookgate-deliveries";

pub async fn deliver_batch(batch: &MessageBatch<String>, env: &Env) {
    for message in batch.raw_iter() {
        let text = message.body().as_string().unwrap_or_default();
        let Ok(job) = serde_json::from_str::<DeliveryJob>(&text) else {
            // Never acked away unread: kept in the dead-letter queue as it came.
            console_error!("{}", serde_json::json!({"msg": "delivery_job_unreadable"}));
            match crate::queues::send_text(env, DEAD_LETTERS_BINDING, &text, 0).await {
                Ok(()) => message.ack(),
                Err(_) => message.retry(),
            }
            continue;
        };
        match attempt(env, &job).await {
            Ok(()) => message.ack(),
            // Not even the next step could be queued: let the platform redeliver it.
            Err(e) => {
                console_error!(
                    "{}",
                    serde_json::json!({"msg": "delivery_retry_by_platform", "delivery_id": job.delivery_id, "error": e})
                );
                message.retry();
            }
        }
    }
}

async fn send_job(env: &Env, binding: &str, job: &DeliveryJob, delay_s: u64) -> Result<(), String> {
    let json = serde_json::to_string(job).expect("job serializes");
    let delay = delay_s.min(u64::from(u32::MAX)) as u32;
    crate::queues::send_text(env, binding, &json, delay)
        .await
        .map_err(|e| e.to_string())
}

fn jitter() -> f64 {
    let [a, b] = random::<2>();
    f64::from(u16::from_le_bytes([a, b])) / 65_536.0
}

async fn attempt(env: &Env, job: &DeliveryJob) -> Result<(), String> {
    let id = WebhookId::parse(&job.webhook_id).ok_or("the job names no webhook")?;
    let held = guard::client::held(env, &id)
        .await
        .map_err(|p| p.detail)?
        .held;
    let record = match held {
        Some(Held::Active { record, .. }) => WebhookRecord::decode(&record).ok(),
        _ => None,
    };
    match &record {
        Some(r) if !r.enabled() => {
            // Stopped by its operator: nothing more reaches the origin until it is
            // enabled again and the delivery replayed.
            send_job(env, DEAD_LETTERS_BINDING, job, 0).await?;
            return end_without_attempt(
                env,
                &id,
                job,
                FinalState::DeadLettered,
                REASON_WEBHOOK_DISABLED,
            )
            .await;
        }
        None => {
            console_log!(
                "{}",
                serde_json::json!({"msg": "delivery_dropped", "webhook_id": job.webhook_id,
                    "delivery_id": job.delivery_id, "reason": REASON_WEBHOOK_DELETED})
            );
            return end_without_attempt(env, &id, job, FinalState::Dropped, REASON_WEBHOOK_DELETED)
                .await;
        }
        Some(_) => {}
    }
    let at = now();
    let (sent, max_attempts) = match record
        .as_ref()
        .and_then(|r| r.target().origin().map(|o| (r, o)))
    {
        Some((record, o)) => (
            origin::send(
                env,
                record,
                o,
                &job.delivery_id,
                &job.envelope,
                job.attempt,
                job.replay,
            )
            .await,
            o.max_attempts(),
        ),
        // Deleted, or no longer an origin webhook: nothing to deliver to.
        None => (
            Sent::Failed("the webhook no longer has an origin".into()),
            0,
        ),
    };
    let next = retry::next(sent.attempt(), job.attempt, max_attempts, jitter());
    let (state, next_retry_at) = match next {
        Next::Delivered => {
            // Final: a body in R2 is no longer needed (dead-lettered ones stay for replay).
            origin::forget_body(env, &job.envelope).await;
            (FinalState::Delivered, None)
        }
        Next::RetryAfter(delay_s) => {
            let next_job = DeliveryJob {
                attempt: job.attempt + 1,
                ..job.clone()
            };
            send_job(env, DELIVERIES_BINDING, &next_job, delay_s).await?;
            let due = UnixMillis(at.0 + delay_s * 1000).to_rfc3339();
            (FinalState::Pending, Some(due))
        }
        Next::DeadLetter => {
            send_job(env, DEAD_LETTERS_BINDING, job, 0).await?;
            (FinalState::DeadLettered, None)
        }
    };
    let (status, error, location) = match &sent {
        Sent::Answered(a) => (
            Some(a.status),
            a.location
                .as_ref()
                .map(|_| "redirect not followed".to_string()),
            a.location.clone(),
        ),
        Sent::TimedOut => (None, Some("timeout".to_string()), None),
        Sent::Failed(e) => (None, Some(e.clone()), None),
    };
    let report = AttemptReport {
        delivery_id: job.delivery_id.clone(),
        record: Some(AttemptRecord {
            attempt: job.attempt,
            at: at.to_rfc3339(),
            status,
            error,
            next_retry_at,
            replay: job.replay,
            location,
        }),
        state,
        reason: None,
    };
    if let Err(p) = guard::client::report(env, &id, &report).await {
        console_error!(
            "{}",
            serde_json::json!({"msg": "attempt_report_failed", "delivery_id": job.delivery_id, "error": p.detail})
        );
    }
    Ok(())
}

/// Records a delivery that ends with no attempt: its webhook is disabled or deleted.
async fn end_without_attempt(
    env: &Env,
    id: &WebhookId,
    job: &DeliveryJob,
    state: FinalState,
    reason: &str,
) -> Result<(), String> {
    let report = AttemptReport {
        delivery_id: job.delivery_id.clone(),
        record: None,
        state,
        reason: Some(reason.to_string()),
    };
    if let Err(p) = guard::client::report(env, id, &report).await {
        console_error!(
            "{}",
            serde_json::json!({"msg": "attempt_report_failed", "delivery_id": job.delivery_id, "error": p.detail})
        );
    }
    Ok(())
}
