//! What a webhook's `style` changes: the answers a sender gets and the checks and
//! additions specific to the system it imitates (Kubiya, Flowker, Kestra). Guarantees
//! never change with the style: every style verifies, dedupes, rate-limits and logs the
//! same way. Error shapes are in `problem.rs` ([`crate::problem::Problem::render`]).

pub mod flowker;
pub mod kestra;
pub mod kubiya;

use crate::model::scheme::Acknowledgement;
use crate::model::style::kestra_flow;
use crate::model::{Style, WebhookRecord};
use crate::time::UnixMillis;
use serde_json::{json, Value};

/// How the event was handed over, as the answer needs it.
pub enum Handed<'a> {
    /// Into a queue (the webhook's, or hookgate's delivery queue for an async origin).
    Queued,
    /// A sync origin answered 2xx with this.
    OriginAnswered {
        status: u16,
        body: &'a str,
        content_type: Option<&'a str>,
    },
}

/// The answer to an accepted delivery: status, body, content type. The webhook's object
/// stores it, so a replayed duplicate gets exactly the same bytes.
pub fn accepted_answer(
    record: &WebhookRecord,
    delivery_id: &str,
    received_at: UnixMillis,
    handed: Handed<'_>,
) -> (u16, String, Option<String>) {
    let received_at = received_at.to_rfc3339();
    let id = record.id().as_str();
    // What a sync origin said, for styles that wrap it.
    let origin_output = |body: &str| -> Value {
        serde_json::from_str(body).unwrap_or_else(|_| Value::String(body.to_string()))
    };
    let json_answer = |status: u16, v: Value| (status, v.to_string(), None);
    // A provider that needs its own answer to an event handed to a queue (Airtable,
    // Xero, Adyen).
    if let (Style::Hookgate, Handed::Queued) = (record.style(), &handed) {
        match record.auth().scheme().acknowledgement() {
            Some(Acknowledgement::Empty(status)) => return (status, String::new(), None),
            Some(Acknowledgement::Text { status, body }) => {
                return (status, body.to_string(), Some("text/plain".to_string()))
            }
            None => {}
        }
    }
    match (record.style(), handed) {
        (Style::Hookgate, Handed::Queued) => json_answer(
            202,
            json!({"id": delivery_id, "webhook_id": id, "status": "accepted",
                "received_at": received_at}),
        ),
        (
            Style::Hookgate,
            Handed::OriginAnswered {
                status,
                body,
                content_type,
            },
        ) => (status, body.to_string(), content_type.map(str::to_string)),
        (Style::Kubiya, handed) => {
            let mut v = json!({
                "job_id": id,
                "execution_id": delivery_id,
                "workflow_id": delivery_id,
                "status": "queued",
                "message": format!("Job triggered via webhook {}", record.name()),
            });
            if let Handed::OriginAnswered { body, .. } = handed {
                v["status"] = "completed".into();
                v["result"] = origin_output(body);
            }
            json_answer(200, v)
        }
        (Style::Flowker, handed) => {
            let mut v = json!({
                "executionId": delivery_id,
                "workflowId": id,
                "status": "pending",
                "startedAt": received_at,
            });
            match handed {
                Handed::Queued => json_answer(201, v),
                Handed::OriginAnswered { body, .. } => {
                    v["status"] = "completed".into();
                    v["output"] = origin_output(body);
                    json_answer(200, v)
                }
            }
        }
        (Style::Kestra, handed) => {
            let (namespace, flow) = kestra_flow(record.path().as_str()).unwrap_or_default();
            let mut v = json!({
                "id": delivery_id,
                "namespace": namespace,
                "flowId": flow,
                "state": {"current": "CREATED", "startDate": received_at},
            });
            if let Handed::OriginAnswered { body, .. } = handed {
                v["state"]["current"] = "SUCCESS".into();
                v["outputs"] = origin_output(body);
            }
            json_answer(200, v)
        }
    }
}

/// The style a request path suggests, for answering before any webhook matched (an
/// unknown Flowker path gets Flowker's 404 shape).
pub fn style_of_path(path: &str) -> Style {
    if path.starts_with("/v1/webhooks/") {
        Style::Flowker
    } else if crate::model::style::KESTRA_PREFIXES
        .iter()
        .any(|p| path.starts_with(p))
    {
        Style::Kestra
    } else if path.starts_with("/api/v1/jobs/webhook/") || path.starts_with("/api/webhooks/") {
        Style::Kubiya
    } else {
        Style::Hookgate
    }
}

#[cfg(test)]
mod tests;
