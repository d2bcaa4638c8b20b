//! The admin API: `/admin/v1/webhooks[/{id}]`, bearer `ADMIN_TOKEN`.

use crate::faults::Faults;
use crate::platform::{now, random};
use crate::registry::Registry;
use crate::{body, http};
use hookgate_core::admin::view::view as record_view;
use hookgate_core::admin::{
    authorize, rotate, route, validate_create, validate_patch, AdminRoute, Fresh, RotateSpec,
    Validated, WebhookSpec,
};
use hookgate_core::model::{Scheme, WebhookRecord};
use hookgate_core::problem::{ErrorCode, Problem};
use hookgate_core::secret::{Secret, WebhookId};
use serde_json::{json, Value};
use worker::{console_log, Env, Request, Response, Result};

const ADMIN_TOKEN: &str = "ADMIN_TOKEN";
const MAX_ADMIN_BODY: u64 = 64 * 1024;

pub async fn handle(mut req: Request, env: &Env) -> Result<Response> {
    let method = req.method().to_string();
    let path = req.path();
    let result = serve(&mut req, env).await;
    let (status, code) = match &result {
        Ok((status, _)) => (*status, "ok"),
        Err(p) => (p.status(), p.code.as_str()),
    };
    console_log!(
        "{}",
        json!({"msg": "admin", "method": method, "path": path, "code": code, "status": status})
    );
    match result {
        Ok((204, _)) => Ok(Response::empty()?.with_status(204)),
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

async fn serve(req: &mut Request, env: &Env) -> std::result::Result<(u16, Value), Problem> {
    let token = configured_token(env);
    let authorization = req.headers().get("Authorization").ok().flatten();
    authorize(token.as_deref(), authorization.as_deref())?;
    #[cfg(feature = "fault-injection")]
    if let Some(answer) = crate::faults::raw_kv(req, env).await {
        return answer;
    }
    let op = route(req.method().as_ref(), &req.path())?;
    let registry = Registry::with_faults(env, Faults::from_request(req))?;
    match op {
        AdminRoute::List => {
            let records = registry.list().await?;
            let views: Vec<Value> = records.iter().map(view).collect();
            Ok((200, json!({ "webhooks": views })))
        }
        AdminRoute::Get(id) => {
            let record = find(&registry, &id).await?;
            Ok((200, view(&record)))
        }
        AdminRoute::Create => {
            let spec = read_spec(req).await?;
            let fresh = Fresh {
                id: WebhookId::generate(random()),
                secret_bytes: random(),
                now: now(),
            };
            let validated = validate_create(spec, fresh)?;
            check_target(env, &validated.record)?;
            if registry.path_taken(validated.record.path()).await? {
                return Err(conflict(&validated.record));
            }
            registry.create(&validated.record).await?;
            Ok((201, with_secret(req, &validated)))
        }
        AdminRoute::Update(id) => {
            let current = find(&registry, &id).await?;
            let spec = read_spec(req).await?;
            let validated = validate_patch(&current, spec, now())?;
            check_target(env, &validated.record)?;
            let moved = validated.record.path() != current.path();
            if moved && registry.path_taken(validated.record.path()).await? {
                return Err(conflict(&validated.record));
            }
            registry.update(&current, &validated.record).await?;
            Ok((200, with_secret(req, &validated)))
        }
        AdminRoute::RotateSecret(id) => {
            let current = find(&registry, &id).await?;
            let bytes = body::read_limited(req, MAX_ADMIN_BODY).await?;
            let spec = RotateSpec::parse(&bytes)?;
            let validated = rotate(&current, spec, random(), now())?;
            registry.update(&current, &validated.record).await?;
            Ok((200, with_secret(req, &validated)))
        }
        AdminRoute::Delete(id) => {
            let record = find(&registry, &id).await?;
            registry.delete(&record).await?;
            Ok((204, Value::Null))
        }
    }
}

async fn find(registry: &Registry, id: &WebhookId) -> std::result::Result<WebhookRecord, Problem> {
    registry
        .by_id(id)
        .await?
        .ok_or_else(|| Problem::new(ErrorCode::NotFound, "no webhook with this id"))
}

async fn read_spec(req: &mut Request) -> std::result::Result<WebhookSpec, Problem> {
    let bytes = body::read_limited(req, MAX_ADMIN_BODY).await?;
    WebhookSpec::parse(&bytes)
}

/// The core checks the binding name's shape; only the shell can see whether it exists.
fn check_target(env: &Env, record: &WebhookRecord) -> std::result::Result<(), Problem> {
    let name = record.target().queue();
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
    serde_json::to_value(record_view(record)).expect("view serializes")
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
    answer["url"] = Value::from(match (record.auth().scheme(), secret) {
        (Scheme::UrlKey, Some(key)) => format!("{origin}{}/{key}", record.path()),
        _ => format!("{origin}{}", record.path()),
    });
    if let Some(secret) = secret {
        answer["secret"] = Value::from(secret);
    }
    answer
}
