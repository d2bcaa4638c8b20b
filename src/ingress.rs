//! A sender's delivery, from request to `202`: the pipeline of the product brief, steps
//! 1-8. Every decision is the core's; this file does the I/O between them, and the
//! webhook's object (`guard/`) does step 6 and the queue send of step 7. The admin
//! API's test action runs the same pipeline on a synthetic request ([`run`]).

use crate::platform::{now, random, sha256_hex};
use crate::registry::Registry;
use crate::{body, guard, http, keys};
use hookgate_core::envelope::{self, Handover};
use hookgate_core::guard::key::delivery_key;
use hookgate_core::guard::protocol::{DeliverAnswer, DeliverRequest, DeliveryMeta, RequestPreview};
use hookgate_core::guard::rate_limit::Quota;
use hookgate_core::log_budget::{Admit, LogBudget};
use hookgate_core::model::{Style, WebhookRecord};
use hookgate_core::path::WebhookPath;
use hookgate_core::pipeline::{prepare, Prepared};
use hookgate_core::problem::{guard_refusal, misconfigured, ErrorCode, Problem};
use hookgate_core::request::{
    content_length, precheck, resolve_route, Headers, Inbound, RequestUrl, RouteMatch,
};
use hookgate_core::secret::DeliveryId;
use hookgate_core::style::{kestra, style_of_path};
use hookgate_core::verify::handshake::{discord_ack, handshake, HandshakeReply};
use hookgate_core::verify::{fetched, key_needed, verify, verify_with_key, Verified, VerifyError};
use serde::Serialize;
use std::sync::Arc;
use worker::{console_error, console_log, web_sys, Bucket, Env};

/// R2 bucket holding bodies too large for a queue message.
const BODIES_BINDING: &str = "BODIES";

/// Which requests get a log line: the `REQUEST_LOG` var. `errors` (the default): refused
/// requests (status >= 400), at most `log_budget::LINES_PER_SECOND` a second per isolate,
/// each written line counting those left out before it; `all`: every request, no budget
/// (what `scripts/dev.sh` uses, so a person sees everything); `off`: none. Accepted
/// deliveries are recorded in the webhook's delivery log (its Durable Object), so a line
/// for each would only repeat it; an unbounded line per refusal made a flood of bad
/// signatures cost 40% of throughput in BENCHMARKS.md.
#[derive(Clone, Copy)]
enum RequestLog {
    All,
    Errors,
    Off,
}

/// Read once per isolate: a deployment's vars are fixed for its isolates' lifetime (a
/// changed var is a new deployment, new isolates), and reading one is a call into JS.
fn request_log(env: &Env) -> RequestLog {
    REQUEST_LOG.with(|policy| {
        *policy.get_or_init(
            || match env.var("REQUEST_LOG").map(|v| v.to_string()).as_deref() {
                Ok("off") => RequestLog::Off,
                Ok("all") => RequestLog::All,
                _ => RequestLog::Errors,
            },
        )
    })
}

thread_local! {
    static REQUEST_LOG: std::cell::OnceCell<RequestLog> = const { std::cell::OnceCell::new() };
    /// Per isolate: Workers run one request at a time per thread, and this is only a
    /// bound on log volume, so it needs no coordination beyond the isolate.
    static LOG_BUDGET: std::cell::RefCell<LogBudget> = std::cell::RefCell::new(LogBudget::default());
}

/// Whether to write this request's line, and how many refusals were left out before it.
pub(crate) fn log_decision(env: &Env, status: u16) -> Option<u64> {
    match request_log(env) {
        RequestLog::Off => None,
        RequestLog::All => Some(0),
        RequestLog::Errors if status < 400 => None,
        RequestLog::Errors => match LOG_BUDGET.with(|b| b.borrow_mut().admit(now())) {
            Admit::Write { suppressed } => Some(suppressed),
            Admit::Skip => None,
        },
    }
}

enum Outcome {
    /// `202` with the object's answer (or a sync origin's status and body) and the
    /// RateLimit fields.
    Accepted {
        status: u16,
        body: String,
        content_type: Option<String>,
        quota: Quota,
    },
    /// A duplicate: the original answer again, with `Idempotent-Replayed: true`.
    Replayed {
        status: u16,
        body: String,
        content_type: Option<String>,
    },
    Handshake(HandshakeReply),
    /// The webhook's filter did not match: `204`, nothing forwarded.
    Filtered,
}

/// A request to run through the pipeline: a sender's, or the test action's synthetic one.
pub enum Arrival<'a> {
    /// The runtime's request and its URL, which the entry point has parsed already.
    Sender(&'a web_sys::Request, RequestUrl),
    Test {
        method: String,
        url: RequestUrl,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    },
}

/// The pipeline's steps, in order, as the test action reports them.
pub const STEPS: [&str; 6] = ["route", "checks", "verify", "filter", "guard", "handover"];

/// What the test action learns: the steps passed (with what each found) and the answer.
#[derive(Default)]
pub struct Trace {
    pub passed: Vec<(&'static str, String)>,
    pub delivery_id: Option<String>,
}

impl Trace {
    fn pass(&mut self, step: &'static str, result: impl Into<String>) {
        self.passed.push((step, result.into()));
    }
}

/// Per-request state: the log line, the style errors are answered in, the trace.
struct Ctx<'t> {
    log: LogLine,
    style: Style,
    trace: Option<&'t mut Trace>,
    test: bool,
}

impl Ctx<'_> {
    fn pass(&mut self, step: &'static str, result: impl Into<String>) {
        if let Some(t) = self.trace.as_deref_mut() {
            t.pass(step, result);
        }
    }
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
    /// Refusals not logged since the previous line (`REQUEST_LOG=errors`'s budget).
    #[serde(skip_serializing_if = "is_zero")]
    suppressed: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// A sync origin's own answer, served on the gateway's host: with its content type, but
/// never sniffed as something else and never able to run (an origin's HTML or script
/// must not execute as the gateway, where the dashboard lives).
fn origin_answer_headers(content_type: &str) -> [(&'static str, String); 3] {
    [
        ("Content-Type", content_type.to_string()),
        ("X-Content-Type-Options", "nosniff".to_string()),
        (
            "Content-Security-Policy",
            "default-src 'none'; sandbox; frame-ancestors 'none'".to_string(),
        ),
    ]
}

pub async fn handle(req: &web_sys::Request, url: RequestUrl, env: &Env) -> http::Answer {
    run(Arrival::Sender(req, url), env, None).await
}

/// Runs the pipeline and answers. `trace` is given by the test action only: it marks the
/// event as a test and records each step.
pub async fn run(mut arrival: Arrival<'_>, env: &Env, trace: Option<&mut Trace>) -> http::Answer {
    let started = now();
    let method = match &arrival {
        Arrival::Sender(req, _) => req.method(),
        Arrival::Test { method, .. } => method.clone(),
    };
    let mut ctx = Ctx {
        log: LogLine {
            msg: "request",
            method,
            ..LogLine::default()
        },
        style: Style::Hookgate,
        test: trace.is_some(),
        trace,
    };
    let result = deliver(&mut arrival, env, &mut ctx).await;
    let log = &mut ctx.log;
    let response = match &result {
        Ok(Outcome::Accepted {
            status,
            body,
            content_type,
            quota,
        }) => {
            log.code = "accepted";
            log.status = *status;
            let mut headers = quota.headers().to_vec();
            if let Some(ct) = content_type {
                headers.extend(origin_answer_headers(ct));
            }
            if *status == 204 {
                // Discord's Events URL: a 204 carries no body.
                http::no_content_with(&headers)
            } else {
                http::raw_json(*status, body, &headers)
            }
        }
        Ok(Outcome::Replayed {
            status,
            body,
            content_type,
        }) => {
            log.code = "replayed";
            log.status = *status;
            let mut headers = vec![("Idempotent-Replayed", "true".to_string())];
            if let Some(ct) = content_type {
                headers.extend(origin_answer_headers(ct));
            }
            if *status == 204 {
                http::no_content_with(&headers)
            } else {
                http::raw_json(*status, body, &headers)
            }
        }
        Ok(Outcome::Handshake(reply)) => {
            log.code = reply.kind;
            log.status = reply.status;
            http::handshake(reply)
        }
        Ok(Outcome::Filtered) => {
            log.code = "filtered";
            log.status = 204;
            http::no_content()
        }
        Err(problem) => {
            let rendered = problem.clone().in_style(ctx.style).render(ctx.style);
            log.code = problem.code.as_str();
            log.status = rendered.status;
            http::rendered(&rendered)
        }
    };
    log.latency_ms = now().0.saturating_sub(started.0);
    if let Some(t) = ctx.trace.as_deref_mut() {
        t.delivery_id = log.delivery_id.clone();
    }
    if let Some(suppressed) = log_decision(env, log.status) {
        log.suppressed = suppressed;
        console_log!("{}", serde_json::to_string(&log).unwrap_or_default());
    }
    response
}

async fn deliver(
    arrival: &mut Arrival<'_>,
    env: &Env,
    ctx: &mut Ctx<'_>,
) -> std::result::Result<Outcome, Problem> {
    let url = match arrival {
        // A copy (no parse): the arrival is borrowed mutably below to read the body.
        Arrival::Sender(_, url) | Arrival::Test { url, .. } => url.clone(),
    };
    ctx.style = style_of_path(url.path());
    let path = WebhookPath::parse_request(url.path())?;

    // 1. Match against the registry: the exact path, else a URL-key webhook one level up;
    // a Kestra URL also at its other form.
    let registry = Registry::new(env);
    let (exact, parent) = registry.lookup(&path).await?;
    let mut route = resolve_route(&path, exact, parent);
    if route.is_none() {
        if let Some(alternate) =
            kestra::alternate_path(path.as_str()).and_then(|p| WebhookPath::parse_request(&p).ok())
        {
            let (exact, parent) = registry.lookup(&alternate).await?;
            route = resolve_route(&alternate, exact, parent)
                .filter(|r| r.record().style() == Style::Kestra);
        }
    }
    let route = route.ok_or_else(not_found)?;
    ctx.style = route.record().style();
    ctx.log.webhook_id = Some(route.record().id().as_str().to_string());
    ctx.log.path = Some(route.redacted_path());
    ctx.pass("route", format!("matched {}", route.record().id().as_str()));

    // 2. Method and size, before a byte of the body is read.
    let method = ctx.log.method.clone();
    let (headers, body) = match arrival {
        Arrival::Sender(req, _) => {
            let headers = Headers::new(crate::platform::header_fields(&req.headers()));
            precheck(route.record(), &method, &headers)?;
            let declared = headers.get("content-length").and_then(content_length);
            let body = body::read_raw(req, declared, route.record().max_body_bytes()).await?;
            (headers, body)
        }
        Arrival::Test { headers, body, .. } => {
            let headers = Headers::new(std::mem::take(headers));
            precheck(route.record(), &method, &headers)?;
            (headers, std::mem::take(body))
        }
    };
    ctx.log.body_bytes = Some(body.len());
    ctx.pass("checks", format!("{method}, {} bytes", body.len()));

    // 3. Verify the sender. Only a `Verified` can become an envelope.
    let source_ip = headers.get("cf-connecting-ip").map(str::to_string);
    let inbound = Inbound {
        method,
        url: url.as_str().to_string(),
        query: url.query().map(str::to_string),
        headers,
        source_ip,
        body,
    };
    // A webhook still waiting for its handshake's secret here may have it at its
    // object already (planted through another isolate; KV lags).
    let route = awaiting_secret(env, &registry, route, &inbound).await?;
    let webhook_id = route.record().id().as_str().to_string();
    let scheme = route.record().auth().scheme().name();
    let verified = verify_fetching(env, route, inbound).await.map_err(|e| {
        if let VerifyError::Misconfigured(why) = &e {
            console_error!(
                "{}",
                serde_json::json!({"msg": "webhook_misconfigured", "webhook_id": webhook_id, "error": why})
            );
        }
        Problem::from(e)
    })?;
    ctx.pass("verify", format!("{scheme} verified"));

    // 4.-7. Edge handshakes (Slack, Zoom, Twitch), answered here once the webhook's
    // object confirms it stands; else the style's checks and the filter, then the
    // webhook's guard (revision, idempotency, rate limit) and the hand-over, in one
    // round trip to its object.
    // A handshake that plants the secret (Asana's) is a write: committed at the webhook's
    // object before it is answered.
    let verified = match verified.planted_secret() {
        Some(_) => match plant_secret(env, &registry, verified, ctx).await? {
            Ok(reply) => return Ok(Outcome::Handshake(reply)),
            Err(event) => event,
        },
        None => verified,
    };
    let faults = guard_faults(arrival);
    guard_and_hand_over(env, &registry, verified, ctx, &faults).await
}

/// The route again, against the record the webhook's object holds, when this one has
/// no secret yet because its handshake (Asana's) is still to plant one: that handshake
/// may have come through another isolate or location, whose KV write this one does not
/// see yet. Costs one call to the object, for such webhooks only, and not for the
/// handshake itself (its write is checked at the object anyway).
async fn awaiting_secret(
    env: &Env,
    registry: &Registry<'_>,
    route: hookgate_core::request::RouteMatch,
    inbound: &Inbound,
) -> std::result::Result<hookgate_core::request::RouteMatch, Problem> {
    use hookgate_core::guard::authority::Held;
    use hookgate_core::verify::handshake::ASANA_SECRET_HEADER;
    let auth = route.record().auth();
    if !auth.secrets().is_empty()
        || !auth.scheme().plants_secret()
        || inbound.headers.get(ASANA_SECRET_HEADER).is_some()
    {
        return Ok(route);
    }
    let held = guard::client::held(env, route.record().id()).await?.held;
    let current = match held {
        Some(Held::Active { revision, record }) if revision != route.record().revision() => {
            WebhookRecord::decode(&record)
                .map(Arc::new)
                .map_err(|_| misconfigured())?
        }
        Some(Held::Deleted { .. }) => return Err(not_found()),
        _ => return Ok(route),
    };
    registry.remember(&current);
    let route = route.refreshed(current).ok_or_else(not_found)?;
    precheck(route.record(), &inbound.method, &inbound.headers)?;
    Ok(route)
}

/// Commits the secret a handshake plants (Asana's `X-Hook-Secret`) through the admin
/// API's write path (`admin::write`: the webhook's object first, compare-and-set on the
/// revision it was verified against, then KV), and only then gives the answer that
/// echoes it. If the object holds another revision (a re-arm, a disable, another
/// handshake that won), the request is decided again against that one, once: a second
/// handshake is refused there, and nothing is written for any refusal. `Err(verified)`:
/// against the newer record this is no handshake (its scheme changed), so an event.
async fn plant_secret(
    env: &Env,
    registry: &Registry<'_>,
    mut verified: Verified,
    ctx: &mut Ctx<'_>,
) -> std::result::Result<std::result::Result<HandshakeReply, Verified>, Problem> {
    use hookgate_core::guard::authority::Held;
    for _ in 0..2 {
        let Some(planted) = verified.planted_secret() else {
            return Ok(Err(verified));
        };
        let record = verified.record();
        let next = hookgate_core::admin::plant(record, planted, now()).map_err(Problem::from)?;
        match crate::admin::write(env, registry, record, &next).await {
            Ok((committed, projected)) => {
                if let Err(p) = projected {
                    // In effect at the object, which every delivery consults; the next
                    // admin access repairs KV. Asana would not retry a failed handshake.
                    console_error!(
                        "{}",
                        serde_json::json!({"msg": "handshake_projection_failed",
                            "webhook_id": committed.id().as_str(), "code": p.code.as_str()})
                    );
                }
                registry.remember(&Arc::new(committed));
                ctx.pass(
                    "guard",
                    "secret committed at the webhook's object; handshake answered",
                );
                let reply = handshake(&verified).expect("a planting handshake has its answer");
                return Ok(Ok(reply));
            }
            Err(p) if p.code == ErrorCode::WriteConflict => {
                let held = guard::client::held(env, record.id()).await?.held;
                let current = match held {
                    Some(Held::Active { record, .. }) => WebhookRecord::decode(&record)
                        .map(Arc::new)
                        .map_err(|_| misconfigured())?,
                    _ => return Err(not_found()),
                };
                registry.remember(&current);
                ctx.style = current.style();
                let (route, inbound) = verified.into_parts();
                let route = route.refreshed(current).ok_or_else(not_found)?;
                precheck(route.record(), &inbound.method, &inbound.headers)?;
                verified = verify(route, inbound, now())?;
            }
            Err(p) => return Err(p),
        }
    }
    Err(Problem::new(
        ErrorCode::ForwardFailed,
        "the webhook changed while its handshake arrived; retry",
    )
    .with_header("Retry-After", "1"))
}

/// Verifies, first getting the key document a fetched-key scheme needs (from the caches
/// or the provider: `keys`). Without it the core refuses `key_unavailable`.
async fn verify_fetching(
    env: &Env,
    route: RouteMatch,
    inbound: Inbound,
) -> std::result::Result<Verified, VerifyError> {
    let Some((provider, fetch)) = key_needed(route.record(), &inbound)? else {
        return verify(route, inbound, now());
    };
    let origin = keys::KeyOrigin::of(&inbound.headers);
    let doc = match keys::document(env, provider, &fetch, &origin).await {
        Some((doc, false)) if !fetched::has_key(provider, &inbound, &doc) => {
            keys::refresh(env, provider, &fetch, &origin)
                .await
                .or(Some(doc))
        }
        got => got.map(|(doc, _)| doc),
    };
    verify_with_key(route, inbound, now(), doc.as_ref())
}

/// The test-only fault headers of a sender's request, passed on to the object. The
/// release build has no code that reads them.
#[cfg(feature = "fault-injection")]
fn guard_faults(arrival: &Arrival<'_>) -> Vec<(&'static str, String)> {
    let Arrival::Sender(req, _) = arrival else {
        return Vec::new();
    };
    [guard::FAIL_HANDOVER_HEADER, guard::GUARD_FAULT_HEADER]
        .into_iter()
        .filter_map(|h| Some((h, req.headers().get(h).ok().flatten()?)))
        .collect()
}

#[cfg(not(feature = "fault-injection"))]
fn guard_faults(_: &Arrival<'_>) -> Vec<(&'static str, String)> {
    Vec::new()
}

/// Builds the envelope, stores a large body in R2, and asks the webhook's object to
/// admit and hand over the delivery (or, for a handshake, only whether the webhook
/// stands). If the object holds a newer revision of the webhook, the request is
/// verified again against it (once) before anything is sent.
///
/// A body stored in R2 is deleted only when the object answered that nothing was handed
/// over for this delivery id. When its answer is lost (a reset connection, an error
/// after the send), the queue may hold an envelope that points at the body: it stays,
/// and bodies that no envelope points at are removed by the bucket's lifecycle rule
/// (README, "Large bodies").
async fn guard_and_hand_over(
    env: &Env,
    registry: &Registry<'_>,
    mut verified: Verified,
    ctx: &mut Ctx<'_>,
    faults: &[(&str, String)],
) -> std::result::Result<Outcome, Problem> {
    let id = DeliveryId::generate(random());
    let received_at = now();
    ctx.log.delivery_id = Some(id.as_str().to_string());
    let internal = |e: String| Problem::new(ErrorCode::Internal, e);
    let fingerprint = sha256_hex(&verified.inbound().body)
        .await
        .map_err(internal)?;
    // What is in R2 under this delivery's key, by its SHA-256.
    let mut stored_body: Option<StoredBody> = None;
    for _ in 0..2 {
        let record = verified.record();
        check_queue_binding(env, record)?;
        let handshake_reply = handshake(&verified);
        // The style's checks and the filter run against this revision of the record.
        // Forwardable headers once: for the envelope, the style and the delivery log.
        let forwardable = verified.inbound().headers.forwardable(record);
        let prepared = match &handshake_reply {
            Some(_) => None,
            None => match prepare(&verified, &forwardable, ctx.test) {
                Ok(p) => Some(p),
                Err(p) => {
                    discard(stored_body).await;
                    return Err(p);
                }
            },
        };
        let (filtered, handover) = match &prepared {
            None => (false, None),
            Some(Prepared::Filtered) => {
                ctx.pass("filter", "not matched: answered 204, not forwarded");
                (true, None)
            }
            Some(Prepared::Forward(extras)) => {
                ctx.pass(
                    "filter",
                    if record.filter().is_some() {
                        "matched"
                    } else {
                        "no filter"
                    },
                );
                let forwarded = extras.forwarded_body(&verified.inbound().body);
                // The claim check hashes what is forwarded; usually that is the body
                // already hashed for the fingerprint.
                let forwarded_sha = match &extras.body {
                    Some(b) => sha256_hex(b).await.map_err(internal)?,
                    None => fingerprint.clone(),
                };
                let built = envelope::build(
                    &verified,
                    &id,
                    received_at,
                    &forwarded_sha,
                    &forwardable,
                    extras,
                );
                let handover = match built {
                    Ok(h) => h,
                    Err(too_large) => {
                        discard(stored_body).await;
                        return Err(Problem::new(
                            ErrorCode::PayloadTooLarge,
                            format!(
                                "the event's headers and query make a {} byte message even with the body stored apart; the limit is {}",
                                too_large.message_bytes,
                                envelope::MAX_MESSAGE_BYTES
                            ),
                        ));
                    }
                };
                if let Handover::WithBodyInR2 { r2_key, .. } = &handover {
                    // A retry against a newer revision may forward other bytes (a style
                    // or auth change): store again, so `sha256` and `size` describe them.
                    if stored_body
                        .as_ref()
                        .is_none_or(|s| s.sha256 != forwarded_sha)
                    {
                        stored_body =
                            Some(store_body(env, record, r2_key, forwarded, &forwarded_sha).await?);
                    }
                }
                (false, Some(handover))
            }
        };
        let inbound = verified.inbound();
        let request = DeliverRequest {
            revision: record.revision(),
            record: Some(record.encode()).filter(|_| record.revision() == 0),
            key: delivery_key(record, &inbound.headers, &inbound.body, &fingerprint),
            fingerprint: fingerprint.clone(),
            delivery: DeliveryMeta {
                id: id.as_str().to_string(),
                received_at_ms: received_at.0,
                method: inbound.method.clone(),
                source_ip: inbound.source_ip.clone(),
                size: inbound.body.len() as u64,
                test: ctx.test,
            },
            message: handover
                .as_ref()
                .map(|h| h.message().to_string())
                .unwrap_or_default(),
            r2_key: match &handover {
                Some(Handover::WithBodyInR2 { r2_key, .. }) => Some(r2_key.clone()),
                _ => None,
            },
            filtered,
            handshake: handshake_reply.is_some(),
            preview: Some(RequestPreview::new(forwardable, &inbound.body)),
        };
        // An error here is no answer, not a refusal: the body stays (see above).
        let answer = guard::client::deliver(env, record.id(), &request, faults).await?;
        match answer {
            DeliverAnswer::Current => {
                let reply = handshake_reply.expect("asked for a handshake");
                if let Some(url) = &reply.visit {
                    // AWS SNS: the subscription is confirmed by visiting its SubscribeURL.
                    let origin = keys::KeyOrigin::of(&verified.inbound().headers);
                    if let Err(e) = keys::confirm_subscription(url, &origin).await {
                        console_error!(
                            "{}",
                            serde_json::json!({"msg": "sns_confirmation_failed", "webhook_id": record.id().as_str(), "error": e})
                        );
                        return Err(Problem::new(
                            ErrorCode::ForwardFailed,
                            "the subscription could not be confirmed; SNS will send it again",
                        ));
                    }
                }
                ctx.pass("guard", "webhook active; handshake answered");
                return Ok(Outcome::Handshake(reply));
            }
            DeliverAnswer::Filtered => {
                ctx.pass("guard", "webhook active; logged as filtered");
                return Ok(Outcome::Filtered);
            }
            DeliverAnswer::Accepted {
                mut status,
                mut body,
                mut content_type,
                quota,
            } => {
                // Discord needs its own acknowledgement of a queued interaction.
                if let Some((ack_status, ack_body)) = discord_ack(&verified) {
                    (status, body, content_type) = (ack_status, ack_body.to_string(), None);
                }
                ctx.pass("guard", "admitted");
                ctx.pass("handover", format!("handed over; answered {status}"));
                return Ok(Outcome::Accepted {
                    status,
                    body,
                    content_type,
                    quota,
                });
            }
            DeliverAnswer::Stale { record, .. } => {
                // Verify again against the authoritative record; remember it here so the
                // next request of this isolate starts from it.
                let Ok(current) = WebhookRecord::decode(&record).map(Arc::new) else {
                    discard(stored_body).await;
                    return Err(misconfigured());
                };
                registry.remember(&current);
                ctx.style = current.style();
                let (route, inbound) = verified.into_parts();
                let Some(route) = route.refreshed(current) else {
                    discard(stored_body).await;
                    return Err(not_found());
                };
                let checked = match precheck(route.record(), &inbound.method, &inbound.headers) {
                    Ok(()) => verify_fetching(env, route, inbound)
                        .await
                        .map_err(Problem::from),
                    Err(e) => Err(Problem::from(e)),
                };
                match checked {
                    Ok(v) => verified = v,
                    Err(p) => {
                        discard(stored_body).await;
                        return Err(p);
                    }
                }
            }
            refused => {
                // The object answered that nothing was handed over for this delivery
                // id: its body goes too.
                discard(stored_body).await;
                let mut outcome = refused_answer(refused, ctx);
                if let (
                    Ok(Outcome::Replayed {
                        status,
                        body,
                        content_type,
                    }),
                    Some((s, b)),
                ) = (&mut outcome, discord_ack(&verified))
                {
                    (*status, *body, *content_type) = (s, b.to_string(), None);
                }
                return outcome;
            }
        }
    }
    discard(stored_body).await;
    Err(Problem::new(
        ErrorCode::ForwardFailed,
        "the webhook changed while this event arrived; retry",
    )
    .with_header("Retry-After", "1"))
}

/// The object's explicit answers that nothing was handed over (or that this is a
/// duplicate), as the sender hears them.
fn refused_answer(
    answer: DeliverAnswer,
    ctx: &mut Ctx<'_>,
) -> std::result::Result<Outcome, Problem> {
    let forward_failed = || {
        Problem::new(
            ErrorCode::ForwardFailed,
            "the event could not be handed over; nothing was forwarded, retry",
        )
        .with_header("Retry-After", "1")
    };
    match answer {
        DeliverAnswer::Replayed {
            status,
            body,
            content_type,
        } => {
            ctx.pass("guard", "duplicate: the original answer replayed");
            Ok(Outcome::Replayed {
                status,
                body,
                content_type,
            })
        }
        DeliverAnswer::Refused {
            refusal,
            quota,
            retry_after_s,
        } => Err(guard_refusal(refusal, quota.as_ref(), retry_after_s)),
        DeliverAnswer::OriginFailed { timed_out: true } => {
            ctx.pass("guard", "admitted");
            Err(Problem::new(
                ErrorCode::OriginTimeout,
                "the origin did not answer in time; nothing was accepted, retry",
            ))
        }
        DeliverAnswer::OriginFailed { timed_out: false } => {
            ctx.pass("guard", "admitted");
            Err(Problem::new(
                ErrorCode::OriginFailed,
                "the origin did not accept the event; nothing was accepted, retry",
            ))
        }
        DeliverAnswer::ForwardFailed => {
            ctx.pass("guard", "admitted");
            Err(forward_failed())
        }
        _ => Err(forward_failed()),
    }
}

fn not_found() -> Problem {
    Problem::new(
        ErrorCode::WebhookNotFound,
        "no webhook is registered at this path",
    )
}

/// Binding names are the operator's business: they go to the log, not to the sender.
fn missing_binding(record: &WebhookRecord, binding: &str) -> Problem {
    console_error!(
        "{}",
        serde_json::json!({"msg": "binding_missing", "binding": binding,
            "webhook_id": record.id().as_str()})
    );
    misconfigured()
}

fn check_queue_binding(env: &Env, record: &WebhookRecord) -> std::result::Result<(), Problem> {
    let name = record.target().queue().unwrap_or(guard::DELIVERIES_BINDING);
    env.queue(name)
        .map(|_| ())
        .map_err(|_| missing_binding(record, name))
}

/// A body this request put into R2.
struct StoredBody {
    bucket: Bucket,
    key: String,
    sha256: String,
}

/// Puts a body too large for a queue message into R2, before the hand-over.
async fn store_body(
    env: &Env,
    record: &WebhookRecord,
    key: &str,
    body: &[u8],
    sha256: &str,
) -> std::result::Result<StoredBody, Problem> {
    let bucket = env
        .bucket(BODIES_BINDING)
        .map_err(|_| missing_binding(record, BODIES_BINDING))?;
    bucket
        .put(key, body.to_vec())
        .execute()
        .await
        .map_err(|_| {
            Problem::new(
                ErrorCode::ForwardFailed,
                "the body could not be stored; nothing was forwarded, retry",
            )
            .with_header("Retry-After", "1")
        })?;
    Ok(StoredBody {
        bucket,
        key: key.to_string(),
        sha256: sha256.to_string(),
    })
}

/// A stored body whose delivery the object refused is garbage (best effort).
async fn discard(stored: Option<StoredBody>) {
    if let Some(StoredBody { bucket, key, .. }) = stored {
        let _ = bucket.delete(key).await;
    }
}
