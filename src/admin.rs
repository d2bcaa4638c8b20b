//! The admin API: `/admin/v1/webhooks[/{id}]`, bearer `ADMIN_TOKEN`.

use crate::faults::Faults;
use crate::guard::{self, CommitAnswer, HeldAnswer, ReplayAnswer};
use crate::platform::{now, random};
use crate::registry::Registry;
use crate::{body, http};
use crate::{claims, namespace};
use hookgate_core::admin::replays::ReplaySelection;
use hookgate_core::admin::view::view as record_view;
use hookgate_core::admin::{
    arm_handshake, authorize, deliveries_limit, list_page, next_cursor, rotate, rotate_forwarding,
    route, token_unusable, validate_create, validate_patch, AdminRoute, ArmSpec, Fresh,
    NamespaceSpec, Policy, RotateSpec, Validated, WebhookSpec,
};
use hookgate_core::guard::authority::Held;
use hookgate_core::guard::protocol::DEFAULT_LOG_ENTRIES;
use hookgate_core::model::{Scheme, Style, WebhookRecord};
use hookgate_core::problem::{ErrorCode, Problem};
use hookgate_core::secret::{Secret, WebhookId};
use serde_json::{json, Value};
use worker::{console_error, console_log, Env, Request};

const ADMIN_TOKEN: &str = "ADMIN_TOKEN";
const MAX_ADMIN_BODY: u64 = 64 * 1024;

/// The dashboard and the OpenAPI document, shipped inside the Worker: nothing is fetched
/// from elsewhere at build or run time. The page is as `build.rs` wrote it: its script
/// tag carries the script's hash.
const DASHBOARD_HTML: &str = include_str!(concat!(env!("OUT_DIR"), "/index.html"));
const DASHBOARD_JS: &str = include_str!("../dashboard/app.js");
const DASHBOARD_CSS: &str = include_str!("../dashboard/app.css");
const OPENAPI: &str = include_str!("../openapi/openapi.json");

/// No inline script or style, nothing from another origin; the page talks only to this
/// Worker's admin API. The one script allowed is named by its SHA-256 (`build.rs`), so
/// even another file served from this origin would not run.
const DASHBOARD_CSP: &str = concat!(
    "default-src 'none'; script-src '",
    env!("HOOKGATE_APP_JS_INTEGRITY"),
    "'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; \
     form-action 'none'; frame-ancestors 'none'"
);

/// The files served without the token (`routes::PUBLIC_PATHS`): code and documentation.
fn public_file(method: &str, path: &str) -> Option<(&'static str, &'static str)> {
    if method != "GET" {
        return None;
    }
    match path {
        "/admin" | "/admin/" => Some(("text/html; charset=utf-8", DASHBOARD_HTML)),
        "/admin/app.js" => Some(("text/javascript; charset=utf-8", DASHBOARD_JS)),
        "/admin/app.css" => Some(("text/css; charset=utf-8", DASHBOARD_CSS)),
        "/admin/v1/openapi.json" => Some(("application/json", OPENAPI)),
        _ => None,
    }
}

pub async fn handle(mut req: Request, env: &Env) -> http::Answer {
    let method = req.method().to_string();
    let path = req.path();
    if let Some((content_type, body)) = public_file(&method, &path) {
        return http::public_file(content_type, body, DASHBOARD_CSP);
    }
    let result = serve(&mut req, env).await;
    let (status, code) = match &result {
        Ok((status, _)) => (*status, "ok"),
        Err(p) => (p.status(), p.code.as_str()),
    };
    // Anyone can send a request that fails authentication: those lines share the
    // senders' refusal budget, so a flood of them cannot flood the logs.
    let refused_unauthenticated = matches!(
        &result,
        Err(p) if matches!(p.code, ErrorCode::Unauthorized | ErrorCode::AdminDisabled)
    );
    let suppressed = if refused_unauthenticated {
        crate::ingress::log_decision(env, status)
    } else {
        Some(0)
    };
    if let Some(suppressed) = suppressed {
        console_log!(
            "{}",
            json!({"msg": "admin", "method": method, "path": path, "code": code,
                "status": status, "suppressed": suppressed})
        );
    }
    match result {
        Ok((204, _)) => http::no_content(),
        Ok((status, body)) => http::json(status, &body),
        Err(p) => http::problem(&p),
    }
}

fn configured_token(env: &Env) -> Option<String> {
    env.secret(ADMIN_TOKEN)
        .map(|s| s.to_string())
        .or_else(|_| env.var(ADMIN_TOKEN).map(|v| v.to_string()))
        .ok()
}

thread_local! {
    /// Whether this isolate has said why the admin API is closed (once is enough: the
    /// configuration is fixed for an isolate's life).
    static CLOSED_REASON_LOGGED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

async fn serve(req: &mut Request, env: &Env) -> std::result::Result<(u16, Value), Problem> {
    let token = configured_token(env);
    if let Some(reason) = token_unusable(token.as_deref()) {
        if !CLOSED_REASON_LOGGED.with(|logged| logged.replace(true)) {
            console_error!(
                "{}",
                json!({"msg": "admin_disabled", "reason": reason,
                    "fix": "set an ADMIN_TOKEN of at least 32 characters"})
            );
        }
    }
    let authorization = req.headers().get("Authorization").ok().flatten();
    authorize(token.as_deref(), authorization.as_deref())?;
    #[cfg(feature = "fault-injection")]
    if let Some(answer) = crate::faults::raw_kv(req, env).await {
        return answer;
    }
    #[cfg(feature = "fault-injection")]
    if let Some(answer) = crate::faults::raw_r2_and_queue(req, env).await {
        return answer;
    }
    let op = route(req.method().as_ref(), &req.path())?;
    let registry = Registry::with_faults(env, Faults::from_request(req));
    match op {
        AdminRoute::PutNamespace(name) => {
            let bytes = body::read_limited(req, MAX_ADMIN_BODY).await?;
            let spec = NamespaceSpec::parse(&bytes)?;
            let body = json!({ "rate_limit": spec.rate_limit }).to_string();
            let stored: Value =
                namespace::call(env, &name, worker::Method::Put, "/limit", Some(body)).await?;
            Ok((
                200,
                json!({ "name": name, "rate_limit": stored["rate_limit"] }),
            ))
        }
        AdminRoute::GetNamespace(name) => {
            let stored: Value =
                namespace::call(env, &name, worker::Method::Get, "/limit", None).await?;
            Ok((
                200,
                json!({ "name": name, "rate_limit": stored["rate_limit"] }),
            ))
        }
        AdminRoute::List => {
            let page = list_page(req.url().ok().as_ref().and_then(|u| u.query()))?;
            let listed = registry.list_page(page.limit, page.kv_cursor).await?;
            let views: Vec<Value> = listed.records.iter().map(view).collect();
            let next_cursor = listed.next.as_deref().map(next_cursor);
            let unreadable: Vec<Value> = listed
                .unreadable
                .iter()
                .map(|path| json!({"path": path, "code": ErrorCode::WebhookMisconfigured.as_str()}))
                .collect();
            Ok((
                200,
                json!({ "webhooks": views, "unreadable": unreadable, "next_cursor": next_cursor }),
            ))
        }
        AdminRoute::Get(id) => {
            let (record, last_triggered_at) = find(env, &registry, &id).await?;
            let mut answer = view(&record);
            answer["last_triggered_at"] = json!(last_triggered_at);
            Ok((200, answer))
        }
        AdminRoute::Delivery(id, delivery_id) => {
            find(env, &registry, &id).await?;
            let detail = guard::client::delivery(env, &id, &delivery_id).await?;
            if detail.is_null() {
                return Err(Problem::new(
                    ErrorCode::NotFound,
                    "no such delivery of this webhook",
                ));
            }
            Ok((200, detail))
        }
        AdminRoute::Replay(id, delivery_id) => {
            find(env, &registry, &id).await?;
            match guard::client::replay(env, &id, &delivery_id).await? {
                ReplayAnswer::Replaying { .. } => {
                    Ok((202, json!({"id": delivery_id, "status": "replaying"})))
                }
                ReplayAnswer::Unknown => Err(Problem::new(
                    ErrorCode::NotFound,
                    "no stored delivery with this id (only deliveries to async origins are kept for replay)",
                )),
                ReplayAnswer::Disabled => Err(Problem::new(
                    ErrorCode::WebhookDisabled,
                    "the webhook is disabled: enable it, then replay; nothing was replayed",
                )),
            }
        }
        AdminRoute::StartReplay(id) => {
            find(env, &registry, &id).await?;
            let bytes = body::read_limited(req, MAX_ADMIN_BODY).await?;
            let selection = ReplaySelection::parse(&bytes)?;
            let answer = guard::client::start_replay(env, &id, &selection).await?;
            if answer["result"] == "started" {
                Ok((202, replay_answer(&id, &answer["replay"])))
            } else {
                Err(Problem::new(
                    ErrorCode::WebhookDisabled,
                    "the webhook is disabled: enable it, then replay; nothing was replayed",
                ))
            }
        }
        AdminRoute::ReplayProgress(id, replay_id) => {
            find(env, &registry, &id).await?;
            let replay = guard::client::replay_progress(env, &id, &replay_id).await?;
            if replay.is_null() {
                return Err(Problem::new(
                    ErrorCode::NotFound,
                    "no such replay of this webhook (the newest 20 are kept)",
                ));
            }
            Ok((200, replay_answer(&id, &replay)))
        }
        AdminRoute::Stats(id) => {
            find(env, &registry, &id).await?;
            Ok((200, guard::client::stats(env, &id).await?))
        }
        AdminRoute::Schemes => {
            let schemes: Vec<Value> = Scheme::ALL
                .iter()
                .map(|s| {
                    let d = s.descriptor();
                    let fields: Vec<Value> = d
                        .operator_fields
                        .iter()
                        .map(|f| {
                            json!({"field": f.name, "description": f.what,
                                "required": f.required, "type": f.value_type()})
                        })
                        .collect();
                    json!({"name": d.name, "provider": d.provider, "summary": d.summary,
                        "docs": d.docs, "tolerance_s": d.default_tolerance_s,
                        "operator_fields": fields})
                })
                .collect();
            let styles: Vec<&str> = Style::ALL.iter().map(|s| s.name()).collect();
            Ok((200, json!({"schemes": schemes, "styles": styles})))
        }
        AdminRoute::Test(id) => {
            let (record, _) = find(env, &registry, &id).await?;
            test_event(req, env, &record).await
        }
        AdminRoute::Deliveries(id) => {
            let limit = deliveries_limit(
                req.url().ok().as_ref().and_then(|u| u.query()),
                DEFAULT_LOG_ENTRIES,
            )?;
            find(env, &registry, &id).await?;
            let deliveries = guard::client::deliveries(env, &id, limit).await?;
            Ok((200, json!({ "deliveries": deliveries })))
        }
        AdminRoute::Create => {
            let spec = read_spec(req).await?;
            let fresh = Fresh {
                id: WebhookId::generate(random()),
                secret_bytes: random(),
                forwarding_secret_bytes: random(),
                now: now(),
            };
            let mut validated = validate_create(spec, fresh, policy(env))?;
            check_target(env, &validated.record)?;
            if registry.path_taken(validated.record.path()).await? {
                return Err(conflict(&validated.record));
            }
            claim_path(env, &registry, &validated.record).await?;
            validated.record = commit(env, &validated.record, 0).await?;
            if let Err(p) = registry.create(&validated.record).await {
                // Nothing was returned to the operator: take back the object's record and
                // the claim, so a retry starts clean (best effort; a claim left behind is
                // taken over after a minute, as its webhook is invisible).
                let r = &validated.record;
                let _ = guard::client::commit(env, r.id(), r.revision(), None).await;
                let _ = claims::release(env, r.path(), r.id()).await;
                return Err(p);
            }
            Ok((201, with_secret(req, &validated)))
        }
        AdminRoute::Update(id) => {
            let (current, _) = find(env, &registry, &id).await?;
            let spec = read_spec(req).await?;
            let mut validated = validate_patch(&current, spec, now(), policy(env))?;
            check_target(env, &validated.record)?;
            let moved = validated.record.path() != current.path();
            if moved {
                if registry.path_taken(validated.record.path()).await? {
                    return Err(conflict(&validated.record));
                }
                claim_path(env, &registry, &validated.record).await?;
            }
            let projected;
            (validated.record, projected) =
                write(env, &registry, &current, &validated.record).await?;
            projected?;
            if moved {
                claims::release(env, current.path(), &id).await?;
            }
            Ok((200, with_secret(req, &validated)))
        }
        AdminRoute::RotateSecret(id) => {
            let (current, _) = find(env, &registry, &id).await?;
            let bytes = body::read_limited(req, MAX_ADMIN_BODY).await?;
            let spec = RotateSpec::parse(&bytes)?;
            let mut validated = rotate(&current, spec, random(), now())?;
            let projected;
            (validated.record, projected) =
                write(env, &registry, &current, &validated.record).await?;
            projected?;
            Ok((200, with_secret(req, &validated)))
        }
        AdminRoute::RotateForwardingSecret(id) => {
            let (current, _) = find(env, &registry, &id).await?;
            let bytes = body::read_limited(req, MAX_ADMIN_BODY).await?;
            let spec = RotateSpec::parse(&bytes)?;
            let mut validated = rotate_forwarding(&current, spec, random(), now())?;
            let projected;
            (validated.record, projected) =
                write(env, &registry, &current, &validated.record).await?;
            projected?;
            Ok((200, with_secret(req, &validated)))
        }
        AdminRoute::ArmHandshake(id) => {
            let (current, _) = find(env, &registry, &id).await?;
            let bytes = body::read_limited(req, MAX_ADMIN_BODY).await?;
            let spec = ArmSpec::parse(&bytes)?;
            let mut validated = arm_handshake(&current, spec, now())?;
            let projected;
            (validated.record, projected) =
                write(env, &registry, &current, &validated.record).await?;
            projected?;
            Ok((200, with_secret(req, &validated)))
        }
        AdminRoute::Delete(id) => {
            let (record, _) = find(env, &registry, &id).await?;
            // The object first: from its answer on, no request is accepted anywhere.
            match guard::client::commit(env, &id, record.revision(), None).await? {
                CommitAnswer::Committed { .. } => {}
                CommitAnswer::Conflict { .. } => return Err(write_conflict()),
            }
            registry.delete(&record).await?;
            claims::release(env, record.path(), &id).await?;
            Ok((204, Value::Null))
        }
    }
}

/// Claims the record's path at its claim object: of two concurrent creates or moves onto
/// one path, exactly one gets here. A holder is gone when its own object (the authority,
/// not KV, which may lag or be missing a key) holds no live webhook at this path: a
/// create that failed before committing, a webhook deleted or moved away. Its claim is
/// then taken over once it is a minute old (a create or move may still be under way).
async fn claim_path(
    env: &Env,
    registry: &Registry<'_>,
    record: &WebhookRecord,
) -> std::result::Result<(), Problem> {
    let path = record.path().clone();
    claims::claim(env, &path, record.id(), async |holder: &str| {
        let Some(holder) = WebhookId::parse(holder) else {
            return Ok(true);
        };
        let held = guard::client::held(env, &holder).await?.held;
        Ok(match held {
            Some(Held::Active { record, .. }) => WebhookRecord::decode(&record)
                .map(|r| *r.path() != path)
                // Undecodable is not gone: never take a path over on a doubt.
                .unwrap_or(false),
            Some(Held::Deleted { .. }) => true,
            // Never committed at its object: a create that failed, or a webhook from
            // before the objects existed, which only KV knows.
            None => registry.by_id(&holder).await?.is_none(),
        })
    })
    .await
}

/// A bulk replay as the admin API answers it (`POST …/replays`, `GET …/replays/{id}`).
fn replay_answer(webhook: &WebhookId, replay: &Value) -> Value {
    let mut v = replay.clone();
    v["webhook_id"] = webhook.as_str().into();
    v
}

fn write_conflict() -> Problem {
    Problem::new(
        ErrorCode::WriteConflict,
        "the webhook changed while this change was made; read it again and retry",
    )
}

/// Commits a write at the webhook's object (compare-and-set on `base_revision`), which
/// makes it authoritative everywhere at once; KV is then brought in line.
async fn commit(
    env: &Env,
    record: &WebhookRecord,
    base_revision: u64,
) -> std::result::Result<WebhookRecord, Problem> {
    match guard::client::commit(env, record.id(), base_revision, Some(record.encode())).await? {
        CommitAnswer::Committed { revision } => Ok(record.clone().at_revision(revision)),
        CommitAnswer::Conflict { .. } => Err(write_conflict()),
    }
}

/// The one write path for a change to an existing webhook (PATCH, rotations, arming,
/// and the secret a sender's handshake plants, `ingress::plant_secret`): committed at the
/// webhook's object first (compare-and-set on `current`'s revision: from the object's
/// answer on, every delivery sees it), then projected into KV over `current`. Returns
/// the committed record, and the projection's outcome apart: when KV fails the change
/// is in effect all the same, and the next admin access brings KV in line (`find`).
pub(crate) async fn write(
    env: &Env,
    registry: &Registry<'_>,
    current: &WebhookRecord,
    next: &WebhookRecord,
) -> std::result::Result<(WebhookRecord, std::result::Result<(), Problem>), Problem> {
    let committed = commit(env, next, current.revision()).await?;
    let projected = registry.update(current, &committed).await;
    Ok((committed, projected))
}

/// The webhook with this id as its object holds it (KV may lag behind: then KV is
/// repaired from the object), and when it last accepted a delivery.
async fn find(
    env: &Env,
    registry: &Registry<'_>,
    id: &WebhookId,
) -> std::result::Result<(WebhookRecord, Option<String>), Problem> {
    let not_found = || Problem::new(ErrorCode::NotFound, "no webhook with this id");
    let projected = registry.by_id(id).await?.ok_or_else(not_found)?;
    let HeldAnswer {
        held,
        last_triggered_at,
    } = guard::client::held(env, id).await?;
    match held {
        // Created before the object existed: KV is all there is.
        None => Ok((projected, last_triggered_at)),
        Some(Held::Deleted { .. }) => {
            // A delete whose KV half failed: finish it.
            if let Err(p) = registry.delete(&projected).await {
                console_log!(
                    "{}",
                    json!({"msg": "repair_failed", "id": id.as_str(), "code": p.code.as_str()})
                );
            }
            Err(not_found())
        }
        Some(Held::Active { revision, record }) => {
            if revision == projected.revision() {
                return Ok((projected, last_triggered_at));
            }
            let current = WebhookRecord::decode(&record).map_err(|e| Problem::from(&e))?;
            // A write whose KV half failed: project the object's record again.
            if let Err(p) = registry.update(&projected, &current).await {
                console_log!(
                    "{}",
                    json!({"msg": "repair_failed", "id": id.as_str(), "code": p.code.as_str()})
                );
            }
            Ok((current, last_triggered_at))
        }
    }
}

async fn read_spec(req: &mut Request) -> std::result::Result<WebhookSpec, Problem> {
    let bytes = body::read_limited(req, MAX_ADMIN_BODY).await?;
    WebhookSpec::parse(&bytes)
}

/// What this deployment allows: plain-http origins only with `ALLOW_INSECURE_ORIGINS=true`.
fn policy(env: &Env) -> Policy {
    Policy {
        allow_insecure_origins: env
            .var("ALLOW_INSECURE_ORIGINS")
            .map(|v| v.to_string() == "true")
            .unwrap_or(false),
    }
}

/// The core checks the binding name's shape; only the shell can see whether it exists.
fn check_target(env: &Env, record: &WebhookRecord) -> std::result::Result<(), Problem> {
    let Some(name) = record.target().queue() else {
        return Ok(());
    };
    env.queue(name).map(|_| ()).map_err(|_| {
        Problem::new(
            ErrorCode::InvalidTarget,
            format!("target.queue: this deployment has no Queue binding named {name:?}"),
        )
    })
}

fn conflict(record: &WebhookRecord) -> Problem {
    Problem::new(
        ErrorCode::PathConflict,
        format!("another webhook is already registered at {}", record.path()),
    )
}

fn view(record: &WebhookRecord) -> Value {
    http::value_of(&record_view(record))
}

/// An answer that changed the secret: the record, its URL and the secret, shown this once.
fn with_secret(req: &Request, validated: &Validated) -> Value {
    let record = &validated.record;
    let origin = req
        .url()
        .map(|u| u.origin().ascii_serialization())
        .unwrap_or_default();
    let mut answer = view(record);
    let secret = validated.shown_secret.as_ref().map(Secret::expose);
    answer["url"] = Value::from(match secret {
        Some(key) if record.auth().scheme().takes_url_key() => {
            format!("{origin}{}/{key}", record.path())
        }
        _ => format!("{origin}{}", record.path()),
    });
    if let Some(secret) = secret {
        answer["secret"] = Value::from(secret);
        // Beside the secret, and only there: a shared-secret or URL-key command holds it.
        if let Some(curl) = hookgate_core::admin::example::signed_curl(record, &origin, now()) {
            answer["example_curl"] = Value::from(curl);
        }
    }
    if let Some(f) = &validated.shown_forwarding_secret {
        answer["forwarding_secret"] = Value::from(f.expose());
    }
    answer
}

/// `POST /admin/v1/webhooks/{id}/test`: signs a synthetic event as the webhook's sender
/// would (its scheme, its newest secret, its style's body) and runs it through the same
/// pipeline as a sender's request: route, checks, verification, filter, guard, hand-over.
/// The event is marked `"test": true` in its envelope and its delivery-log entry.
async fn test_event(
    req: &Request,
    env: &Env,
    record: &WebhookRecord,
) -> std::result::Result<(u16, Value), Problem> {
    use crate::ingress::{self, Arrival, Trace, STEPS};
    use hookgate_core::verify::sign::{test_request, SignError};
    let url = req
        .url()
        .map_err(|_| Problem::new(ErrorCode::Internal, "the request URL cannot be parsed"))?;
    let origin = url.origin().ascii_serialization();
    if record.auth().secrets().is_empty() {
        return Err(Problem::new(
            ErrorCode::InvalidWebhook,
            "this webhook has no secret yet: it awaits its provider's handshake (arm it with POST …/arm-handshake)",
        ));
    }
    let test_id = format!("test_{}", hex::encode(random::<8>()));
    let signed = test_request(record, &origin, now(), &test_id).map_err(|e| match e {
        SignError::NoActiveSecret => Problem::new(
            ErrorCode::InvalidWebhook,
            "every secret of this webhook is past its grace period; rotate the secret first",
        ),
        SignError::Misconfigured(why) => Problem::new(
            ErrorCode::WebhookMisconfigured,
            format!("cannot sign: {why}"),
        ),
        SignError::PublicKeyOnly => Problem::new(
            ErrorCode::InvalidWebhook,
            "this scheme verifies with the provider's public key: only the provider can sign a test event",
        ),
    })?;
    // Parsed (and so serialized as the runtime would) before it is cut into its parts.
    let target = worker::Url::parse(&format!("{origin}{}", signed.path_and_query))
        .ok()
        .and_then(|url| hookgate_core::request::RequestUrl::new(url.to_string()))
        .ok_or_else(|| Problem::new(ErrorCode::Internal, "the test URL cannot be built"))?;
    let mut trace = Trace::default();
    let arrival = Arrival::Test {
        method: signed.method.as_str().to_string(),
        url: target,
        headers: signed.headers,
        body: signed.body,
    };
    let answer = ingress::run(arrival, env, Some(&mut trace)).await;
    let status = answer.status;
    let text = answer.text();
    let body: Value = serde_json::from_str(&text).unwrap_or(Value::String(text));
    let mut failed = false;
    let steps: Vec<Value> = STEPS
        .iter()
        .map(|step| {
            if let Some((_, detail)) = trace.passed.iter().find(|(s, _)| s == step) {
                let result = if *step == "filter" && status == 204 {
                    "filtered"
                } else {
                    "passed"
                };
                json!({"step": step, "result": result, "detail": detail})
            } else if status >= 400 && !failed {
                failed = true;
                json!({"step": step, "result": "failed", "code": body["code"],
                    "detail": body.get("detail").cloned().unwrap_or(Value::Null)})
            } else {
                json!({"step": step, "result": "skipped"})
            }
        })
        .collect();
    let outcome = match status {
        204 => "filtered",
        200..=299 => "accepted",
        _ => "refused",
    };
    Ok((
        200,
        json!({
            "webhook_id": record.id().as_str(),
            "delivery_id": trace.delivery_id,
            "test": true,
            "outcome": outcome,
            "steps": steps,
            "response": {"status": status, "body": body},
        }),
    ))
}
