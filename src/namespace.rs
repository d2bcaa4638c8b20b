//! Organisation limits: one `Namespace` Durable Object per namespace name (binding
//! `NAMESPACES`), holding the shared rate limit (`PUT /admin/v1/namespaces/{name}`) and
//! the hits of every webhook in it. A webhook's guard asks it only when the webhook has a
//! `namespace`, and only after reserving its own key (see `guard/deliver.rs`); a namespace with
//! no limit set admits everything.
//!
//! Same reasoning as the guard: the window check and the hit are one synchronous SQL
//! block, so concurrent admits from several webhooks are counted exactly.

use crate::objects::{as_text, column, int, text};
use crate::platform::now;
use hookgate_core::guard::rate_limit::{self, Quota, RateDecision};
use hookgate_core::model::limits::RateLimit;
use hookgate_core::problem::{ErrorCode, Problem};
use serde::{Deserialize, Serialize};
use worker::{
    console_error, durable_object, DurableObject, Env, Method, Request, Response, Result, State,
};

pub const BINDING: &str = "NAMESPACES";

#[durable_object]
pub struct Namespace {
    state: State,
    #[allow(dead_code)]
    env: Env,
}

#[derive(Serialize, Deserialize)]
pub struct Limit {
    pub rate_limit: Option<RateLimit>,
}

#[derive(Serialize, Deserialize)]
pub struct Hit {
    pub id: String,
}

#[derive(Serialize, Deserialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum Admission {
    Admitted,
    Refused { quota: Quota, retry_after_s: u64 },
}

impl DurableObject for Namespace {
    fn new(state: State, env: Env) -> Self {
        let sql = state.storage().sql();
        for statement in [
            "CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL)",
            "CREATE TABLE IF NOT EXISTS hits (t INTEGER NOT NULL, id TEXT NOT NULL)",
            "CREATE INDEX IF NOT EXISTS hits_t ON hits (t)",
        ] {
            if let Err(e) = sql.exec(statement, None) {
                console_error!("namespace schema: {e}");
            }
        }
        Namespace { state, env }
    }

    async fn fetch(&self, mut req: Request) -> Result<Response> {
        let sql = self.state.storage().sql();
        match (req.method(), req.path().as_str()) {
            (Method::Put, "/limit") => {
                let limit: Limit = crate::objects::json_body(&mut req).await?;
                let json = serde_json::to_string(&limit.rate_limit).expect("serializes");
                sql.exec(
                    "INSERT INTO meta (k, v) VALUES ('limit', ?) ON CONFLICT (k) DO UPDATE SET v = excluded.v",
                    vec![text(&json)],
                )?;
                Response::from_json(&limit)
            }
            (Method::Get, "/limit") => Response::from_json(&Limit {
                rate_limit: self.limit()?,
            }),
            (Method::Post, "/admit") => {
                let hit: Hit = crate::objects::json_body(&mut req).await?;
                let Some(policy) = self.limit()? else {
                    return Response::from_json(&Admission::Admitted);
                };
                let now_ms = now();
                let start = rate_limit::window_start_ms(&policy, now_ms);
                sql.exec("DELETE FROM hits WHERE t <= ?", vec![int(start)])?;
                let window = crate::objects::window(&sql, start, policy.limit)?;
                let answer = match rate_limit::decide(&window, &policy, now_ms) {
                    RateDecision::Allow { .. } => {
                        sql.exec(
                            "INSERT INTO hits (t, id) VALUES (?, ?)",
                            vec![int(now_ms.0), text(&hit.id)],
                        )?;
                        Admission::Admitted
                    }
                    RateDecision::Refuse {
                        quota,
                        retry_after_s,
                    } => Admission::Refused {
                        quota,
                        retry_after_s,
                    },
                };
                Response::from_json(&answer)
            }
            (Method::Post, "/release") => {
                let hit: Hit = crate::objects::json_body(&mut req).await?;
                sql.exec("DELETE FROM hits WHERE id = ?", vec![text(&hit.id)])?;
                Response::from_json(&Admission::Admitted)
            }
            _ => Response::error("no such namespace operation", 404),
        }
    }
}

impl Namespace {
    fn limit(&self) -> Result<Option<RateLimit>> {
        let rows = column(
            &self.state.storage().sql(),
            "SELECT v FROM meta WHERE k = 'limit'",
            vec![],
            as_text,
        )?;
        Ok(rows
            .into_iter()
            .next()
            .and_then(|v| serde_json::from_str::<Option<RateLimit>>(&v).ok())
            .flatten())
    }
}

fn unavailable(e: impl std::fmt::Display) -> Problem {
    console_error!(
        "{}",
        serde_json::json!({"msg": "namespace_error", "error": e.to_string()})
    );
    Problem::new(
        ErrorCode::ForwardFailed,
        "the organisation limit could not be checked; nothing was handed over, retry",
    )
    .with_header("Retry-After", "1")
}

/// Calls the namespace object named `name`.
pub async fn call<T: for<'de> Deserialize<'de>>(
    env: &Env,
    name: &str,
    method: Method,
    path: &str,
    body: Option<String>,
) -> std::result::Result<T, Problem> {
    let text = crate::objects::call(env, BINDING, name, method, path, body, &[])
        .await
        .map_err(unavailable)?;
    crate::objects::parse(path, &text).map_err(unavailable)
}

pub async fn admit(env: &Env, name: &str, id: &str) -> std::result::Result<Admission, Problem> {
    let body = serde_json::to_string(&Hit { id: id.into() }).expect("serializes");
    call(env, name, Method::Post, "/admit", Some(body)).await
}

pub async fn release(env: &Env, name: &str, id: &str) {
    let body = serde_json::to_string(&Hit { id: id.into() }).expect("serializes");
    if let Err(p) = call::<Admission>(env, name, Method::Post, "/release", Some(body)).await {
        console_error!("namespace release failed: {}", p.detail);
    }
}
