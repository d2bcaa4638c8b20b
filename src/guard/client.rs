//! The Worker's side: calls to a webhook's object.

use super::{CommitAnswer, CommitRequest, HeldAnswer, ReplayAnswer, BINDING};
use hookgate_core::guard::protocol::{DeliverAnswer, DeliverRequest, LogEntry};
use hookgate_core::problem::{ErrorCode, Problem};
use hookgate_core::secret::WebhookId;
use serde::de::DeserializeOwned;
use worker::{console_error, Env, Method};

/// The object could not be reached, or its answer was lost or unreadable: the detail is
/// logged and the caller answers 503. For a delivery that is not "nothing was handed
/// over": the answer may be what was lost, so the sender's retry is answered from the
/// object (a replay when it was accepted), and a body stored in R2 is kept.
fn unavailable(what: &str, e: impl std::fmt::Display) -> Problem {
    console_error!(
        "{}",
        serde_json::json!({"msg": "guard_error", "op": what, "error": e.to_string()})
    );
    Problem::new(
        ErrorCode::ForwardFailed,
        "the webhook's guard did not answer; retry (an event it accepted is answered as a replay)",
    )
    .with_header("Retry-After", "1")
}

async fn call<T: DeserializeOwned>(
    env: &Env,
    id: &WebhookId,
    method: Method,
    path: &str,
    body: Option<String>,
    headers: &[(&str, String)],
) -> Result<T, Problem> {
    let text = crate::objects::call(env, BINDING, id.as_str(), method, path, body, headers)
        .await
        .map_err(|e| unavailable(path, e))?;
    crate::objects::parse(path, &text).map_err(|e| unavailable(path, e))
}

/// `faults`: the test-only fault headers the sender's request carried (always empty in
/// the release build, which has no code that reads them).
pub async fn deliver(
    env: &Env,
    id: &WebhookId,
    request: &DeliverRequest,
    faults: &[(&str, String)],
) -> Result<DeliverAnswer, Problem> {
    call(
        env,
        id,
        Method::Post,
        "/deliver",
        Some(request.to_wire()),
        faults,
    )
    .await
}

pub async fn commit(
    env: &Env,
    id: &WebhookId,
    base_revision: u64,
    record: Option<String>,
) -> Result<CommitAnswer, Problem> {
    let body = serde_json::to_string(&CommitRequest {
        base_revision,
        record,
    })
    .expect("commit serializes");
    call(env, id, Method::Put, "/record", Some(body), &[]).await
}

pub async fn stats(env: &Env, id: &WebhookId) -> Result<serde_json::Value, Problem> {
    call(env, id, Method::Get, "/stats", None, &[]).await
}

pub async fn held(env: &Env, id: &WebhookId) -> Result<HeldAnswer, Problem> {
    call(env, id, Method::Get, "/record", None, &[]).await
}

pub async fn delivery(
    env: &Env,
    id: &WebhookId,
    delivery_id: &str,
) -> Result<serde_json::Value, Problem> {
    call(
        env,
        id,
        Method::Get,
        &format!("/deliveries/{delivery_id}"),
        None,
        &[],
    )
    .await
}

pub async fn replay(env: &Env, id: &WebhookId, delivery_id: &str) -> Result<ReplayAnswer, Problem> {
    call(
        env,
        id,
        Method::Post,
        &format!("/replay/{delivery_id}"),
        None,
        &[],
    )
    .await
}

pub async fn report(
    env: &Env,
    id: &WebhookId,
    report: &super::AttemptReport,
) -> Result<bool, Problem> {
    let body = serde_json::to_string(report).expect("report serializes");
    call(env, id, Method::Post, "/attempt", Some(body), &[]).await
}

pub async fn deliveries(env: &Env, id: &WebhookId, limit: usize) -> Result<Vec<LogEntry>, Problem> {
    call(
        env,
        id,
        Method::Get,
        &format!("/deliveries?limit={limit}"),
        None,
        &[],
    )
    .await
}

pub async fn start_replay(
    env: &Env,
    id: &WebhookId,
    selection: &hookgate_core::admin::replays::ReplaySelection,
) -> Result<serde_json::Value, Problem> {
    let body = serde_json::to_string(selection).expect("selection serializes");
    call(env, id, Method::Post, "/replays", Some(body), &[]).await
}

pub async fn replay_progress(
    env: &Env,
    id: &WebhookId,
    replay_id: &str,
) -> Result<serde_json::Value, Problem> {
    call(
        env,
        id,
        Method::Get,
        &format!("/replays/{replay_id}"),
        None,
        &[],
    )
    .await
}

/// The storage and queue calls the object's incarnation made (test-only build).
#[cfg(feature = "fault-injection")]
pub async fn storage_calls(env: &Env, id: &WebhookId) -> Result<serde_json::Value, Problem> {
    call(env, id, Method::Get, "/storage-calls", None, &[]).await
}
