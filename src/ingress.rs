//! A sender's delivery, from request to `202`: the pipeline of the product brief, steps
//! 1-3, 7 and 8. Every decision is the core's; this file does the I/O between them.

use crate::platform::{now, random};
use crate::registry::Registry;
use crate::{body, http};
use hookgate_core::envelope::{self, Handover};
use hookgate_core::path::WebhookPath;
use hookgate_core::problem::{misconfigured, ErrorCode, Problem};
use hookgate_core::request::{precheck, resolve_route, Headers, Inbound};
use hookgate_core::secret::DeliveryId;
use hookgate_core::verify::handshake::{handshake, HandshakeReply};
use hookgate_core::verify::{verify, Verified, VerifyError};
use serde::Serialize;
use wasm_bindgen::JsValue;
use worker::{
    console_error, console_log, Env, QueueContentType, RawMessageBuilder, Request, Response, Result,
};

/// R2 bucket holding bodies too large for a queue message.
const BODIES_BINDING: &str = "BODIES";

#[derive(Serialize)]
struct Accepted {
    id: String,
    webhook_id: String,
    status: &'static str,
    received_at: String,
}

/// Which requests get a log line: the `REQUEST_LOG` var, `all` (default), `errors`
/// (status >= 400) or `off`. High-volume senders make per-request logs the largest
/// per-request cost after the bindings (see BENCHMARKS.md).
enum RequestLog {
    All,
    Errors,
    Off,
}

impl RequestLog {
    fn includes(&self, status: u16) -> bool {
        match self {
            RequestLog::All => true,
            RequestLog::Errors => status >= 400,
            RequestLog::Off => false,
        }
    }
}

fn request_log(env: &Env) -> RequestLog {
    match env.var("REQUEST_LOG").map(|v| v.to_string()).as_deref() {
        Ok("off") => RequestLog::Off,
        Ok("errors") => RequestLog::Errors,
        _ => RequestLog::All,
    }
}

enum Outcome {
    Accepted(Accepted),
    Handshake(HandshakeReply),
}

/// What the request log line says; nothing here may hold a secret.
#[derive(Default, Serialize)]
struct LogLine {
    msg: &'static str,
    method: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    webhook_id: Option<String>,
    /// The registered path (a URL key is shown as `{key}`); absent when nothing matched.
    #[serde(skip_serializing_if = "Option::is_none")]
    path: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    delivery_id: Option<String>,
    code: &'static str,
    status: u16,
    latency_ms: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    body_bytes: Option<usize>,
}

pub async fn handle(mut req: Request, env: &Env) -> Result<Response> {
    let started = now();
    let mut log = LogLine {
        msg: "request",
        method: req.method().to_string(),
        ..LogLine::default()
    };
    let result = deliver(&mut req, env, &mut log).await;
    let response = match &result {
        Ok(Outcome::Accepted(accepted)) => {
            log.code = "accepted";
            log.status = 202;
            http::json(202, accepted)
        }
        Ok(Outcome::Handshake(reply)) => {
            log.code = reply.kind;
            log.status = 200;
            http::text(200, reply.content_type, &reply.body)
        }
        Err(problem) => {
            log.code = problem.code.as_str();
            log.status = problem.status();
            http::problem(problem)
        }
    };
    log.latency_ms = now().0.saturating_sub(started.0);
    if request_log(env).includes(log.status) {
        console_log!("{}", serde_json::to_string(&log).unwrap_or_default());
    }
    response
}

async fn deliver(
    req: &mut Request,
    env: &Env,
    log: &mut LogLine,
) -> std::result::Result<Outcome, Problem> {
    let url = req
        .url()
        .map_err(|_| Problem::new(ErrorCode::InvalidPath, "the request URL cannot be parsed"))?;
    let path = WebhookPath::parse_request(url.path())?;

    // 1. Match against the registry: the exact path, else a URL-key webhook one level up.
    let registry = Registry::new(env)?;
    let (exact, parent) = registry.lookup(&path).await?;
    let route = resolve_route(&path, exact, parent).ok_or_else(|| {
        Problem::new(
            ErrorCode::WebhookNotFound,
            "no webhook is registered at this path",
        )
    })?;
    log.webhook_id = Some(route.record().id().as_str().to_string());
    log.path = Some(route.redacted_path());

    // 2. Method and size, before a byte of the body is read.
    let headers = Headers::new(req.headers().entries());
    let method = req.method().to_string();
    precheck(route.record(), &method, &headers)?;
    let max_body = route.record().max_body_bytes();
    let body = body::read_limited(req, max_body).await?;
    log.body_bytes = Some(body.len());

    // 3. Verify the sender. Only a `Verified` can become an envelope.
    let source_ip = headers.get("cf-connecting-ip").map(str::to_string);
    let inbound = Inbound {
        method,
        url: url.to_string(),
        query: url.query().map(str::to_string),
        headers,
        source_ip,
        body,
    };
    let webhook_id = route.record().id().as_str().to_string();
    let verified = verify(route, inbound, now()).map_err(|e| {
        if let VerifyError::Misconfigured(why) = &e {
            console_error!(
                "{}",
                serde_json::json!({"msg": "webhook_misconfigured", "webhook_id": webhook_id, "error": why})
            );
        }
        Problem::from(e)
    })?;

    // 4. Edge handshakes (Slack, Zoom, Twitch) are answered here and never forwarded.
    if let Some(reply) = handshake(&verified) {
        return Ok(Outcome::Handshake(reply));
    }

    // 7. Hand over.
    let id = DeliveryId::generate(random());
    let received_at = now();
    log.delivery_id = Some(id.as_str().to_string());
    let handover = envelope::build(&verified, &id, received_at);
    hand_over(env, &verified, &handover).await?;

    // 8. Answer.
    Ok(Outcome::Accepted(Accepted {
        id: id.as_str().to_string(),
        webhook_id: verified.record().id().as_str().to_string(),
        status: "accepted",
        received_at: received_at.to_rfc3339(),
    }))
}

/// Puts the body in R2 when it is too large for a message, then sends the envelope. A
/// success here is the moment the event is durably handed over (invariant 1); any error
/// means the sender gets a non-2xx and nothing was sent (invariant 2).
async fn hand_over(
    env: &Env,
    verified: &Verified,
    handover: &Handover,
) -> std::result::Result<(), Problem> {
    let queue_name = verified.record().target().queue();
    // Binding names are the operator's business: they go to the log, not to the sender.
    let missing_binding = |binding: &str| {
        console_error!(
            "{}",
            serde_json::json!({"msg": "binding_missing", "binding": binding,
                "webhook_id": verified.record().id().as_str()})
        );
        misconfigured()
    };
    let queue = env
        .queue(queue_name)
        .map_err(|_| missing_binding(queue_name))?;
    let forward_failed = |what: &str| {
        Problem::new(ErrorCode::ForwardFailed, format!("{what}; retry later"))
            .with_header("Retry-After", "1")
    };
    let mut stored_body = None;
    if let Handover::WithBodyInR2 { r2_key, .. } = handover {
        let bucket = env
            .bucket(BODIES_BINDING)
            .map_err(|_| missing_binding(BODIES_BINDING))?;
        bucket
            .put(r2_key.as_str(), verified.inbound().body.clone())
            .execute()
            .await
            .map_err(|_| forward_failed("the body could not be stored"))?;
        stored_body = Some((bucket, r2_key.clone()));
    }
    let message = RawMessageBuilder::new(JsValue::from_str(handover.message()))
        .build_with_content_type(QueueContentType::Text);
    if queue.send_raw(message).await.is_err() {
        // The event was not handed over; do not leave its body behind.
        if let Some((bucket, key)) = stored_body {
            let _ = bucket.delete(key).await;
        }
        return Err(forward_failed("the queue did not accept the event"));
    }
    Ok(())
}
