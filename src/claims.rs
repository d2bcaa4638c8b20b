//! Path claims: one small Durable Object per registered path (`PathClaim`, binding
//! `PATHS`, named by the path) that records which webhook owns it. Claiming is a
//! compare-and-set inside that object, so of two concurrent creates (or moves) onto one
//! path exactly one wins, whatever KV shows (G1 and G2 of `guard/mod.rs`: one object per
//! name, and a synchronous read-decide-write is atomic).
//!
//! Order of writes: a create or move claims its new path before anything else, and a
//! delete or move releases the old path after KV no longer routes it. A claim whose
//! webhook never came to exist (a create that failed later) is taken over by the next
//! claim of the same path once it is a minute old and its owner holds nothing.

use crate::objects::{as_text, column};
use hookgate_core::path::WebhookPath;
use hookgate_core::problem::{ErrorCode, Problem};
use hookgate_core::secret::WebhookId;
use serde::{Deserialize, Serialize};
use worker::{
    console_error, durable_object, DurableObject, Env, Method, Request, Response, Result,
    SqlStorageValue, State,
};

pub const BINDING: &str = "PATHS";

/// A claim younger than this is never taken over: its create may still be under way.
/// (The test-only build waits less, so the suite can show what else protects a path.)
#[cfg(not(feature = "fault-injection"))]
const TAKEOVER_AFTER_MS: u64 = 60_000;
#[cfg(feature = "fault-injection")]
const TAKEOVER_AFTER_MS: u64 = 2_000;

#[durable_object]
pub struct PathClaim {
    state: State,
    #[allow(dead_code)]
    env: Env,
}

#[derive(Serialize, Deserialize)]
pub struct ClaimRequest {
    pub owner: String,
    /// Take the claim even from another owner (the caller checked that owner is gone).
    #[serde(default)]
    pub replace: Option<String>,
}

#[derive(Serialize, Deserialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum ClaimAnswer {
    Claimed,
    Taken { owner: String },
    Released,
}

impl DurableObject for PathClaim {
    fn new(state: State, env: Env) -> Self {
        if let Err(e) = state.storage().sql().exec(
            "CREATE TABLE IF NOT EXISTS claim (k TEXT PRIMARY KEY, v TEXT NOT NULL)",
            None,
        ) {
            console_error!("claim schema: {e}");
        }
        PathClaim { state, env }
    }

    async fn fetch(&self, mut req: Request) -> Result<Response> {
        let request: ClaimRequest = crate::objects::json_body(&mut req).await?;
        let sql = self.state.storage().sql();
        let read = |k: &str| -> Result<Option<String>> {
            let rows = column(
                &sql,
                "SELECT v FROM claim WHERE k = ?",
                vec![SqlStorageValue::String(k.into())],
                as_text,
            )?;
            Ok(rows.into_iter().next())
        };
        let owner = read("owner")?;
        let claimed_at: u64 = read("at")?.and_then(|v| v.parse().ok()).unwrap_or(0);
        let now = crate::platform::now().0;
        let answer = match req.method() {
            Method::Put => match owner {
                Some(o)
                    if o != request.owner
                        && (request.replace.as_deref() != Some(&o)
                            || now.saturating_sub(claimed_at) < TAKEOVER_AFTER_MS) =>
                {
                    ClaimAnswer::Taken { owner: o }
                }
                _ => {
                    for (k, v) in [("owner", request.owner), ("at", now.to_string())] {
                        sql.exec(
                            "INSERT INTO claim (k, v) VALUES (?, ?) \
                             ON CONFLICT (k) DO UPDATE SET v = excluded.v",
                            vec![
                                SqlStorageValue::String(k.into()),
                                SqlStorageValue::String(v),
                            ],
                        )?;
                    }
                    ClaimAnswer::Claimed
                }
            },
            Method::Delete => {
                if owner.as_deref() == Some(&request.owner) {
                    sql.exec("DELETE FROM claim", None)?;
                }
                ClaimAnswer::Released
            }
            _ => return Response::error("PUT or DELETE", 405),
        };
        Response::from_json(&answer)
    }
}

fn unavailable(e: impl std::fmt::Display) -> Problem {
    console_error!(
        "{}",
        serde_json::json!({"msg": "claim_error", "error": e.to_string()})
    );
    Problem::new(
        ErrorCode::RegistryUnavailable,
        "the webhook registry is unavailable; retry",
    )
    .with_header("Retry-After", "1")
}

async fn call(
    env: &Env,
    path: &WebhookPath,
    method: Method,
    request: &ClaimRequest,
) -> std::result::Result<ClaimAnswer, Problem> {
    let body = serde_json::to_string(request).expect("claim serializes");
    let text = crate::objects::call(env, BINDING, path.as_str(), method, "/", Some(body), &[])
        .await
        .map_err(unavailable)?;
    crate::objects::parse("/", &text).map_err(unavailable)
}

/// Claims `path` for `owner`; `Err` with `path_conflict` when another webhook holds it.
/// `owner_is_gone` is asked about a holder before refusing: a claim left by a create
/// that never completed is taken over.
pub async fn claim(
    env: &Env,
    path: &WebhookPath,
    owner: &WebhookId,
    owner_is_gone: impl AsyncFnOnce(&str) -> std::result::Result<bool, Problem>,
) -> std::result::Result<(), Problem> {
    let request = ClaimRequest {
        owner: owner.as_str().to_string(),
        replace: None,
    };
    match call(env, path, Method::Put, &request).await? {
        ClaimAnswer::Claimed | ClaimAnswer::Released => Ok(()),
        ClaimAnswer::Taken { owner: holder } => {
            if !owner_is_gone(&holder).await? {
                return Err(conflict(path));
            }
            let retry = ClaimRequest {
                replace: Some(holder),
                ..request
            };
            match call(env, path, Method::Put, &retry).await? {
                ClaimAnswer::Taken { .. } => Err(conflict(path)),
                _ => Ok(()),
            }
        }
    }
}

pub async fn release(
    env: &Env,
    path: &WebhookPath,
    owner: &WebhookId,
) -> std::result::Result<(), Problem> {
    let request = ClaimRequest {
        owner: owner.as_str().to_string(),
        replace: None,
    };
    call(env, path, Method::Delete, &request).await.map(|_| ())
}

pub fn conflict(path: &WebhookPath) -> Problem {
    Problem::new(
        ErrorCode::PathConflict,
        format!("another webhook is already registered at {path}"),
    )
}
