//! hookgate's Worker shell: the only code that touches the platform.
//!
//! Requests under `/admin/` go to the admin API; everything else is a sender's webhook
//! delivery. All decisions are made by `hookgate-core`; this crate reads the request,
//! talks to KV, R2 and Queues, and renders what the core decided.

mod admin;
mod body;
mod claims;
mod consumer;
mod deliveries;
mod faults;
mod guard;
mod http;
mod ingress;
mod keys;
mod namespace;
mod objects;
mod origin;
mod platform;
mod queues;
mod registry;

use hookgate_core::request::RequestUrl;
use worker::{event, web_sys, Context, Env, MessageBatch, Request, Result};

/// The release wasm carries no function names (scripts/build.sh strips them to save
/// 54 KB gzipped), so a panic logs its message and source location instead.
#[event(start)]
fn start() {
    std::panic::set_hook(Box::new(|info| {
        worker::console_error!(
            "{}",
            serde_json::json!({"msg": "panic", "panic": info.to_string()})
        );
    }));
}

/// The fetch entry point, written out instead of `#[event(fetch)]` for two reasons:
/// - it takes the runtime's request as it is: `worker::Request` reads the method, the
///   URL and `request.cf` up front, and `cf` alone was 9% of the refusal paths' CPU in
///   workerd (`scripts/profile.sh`); nothing of hookgate's reads it;
/// - the handler's future is polled once here, before any executor: a request answered
///   without awaiting anything (an unknown path, a bad signature on a cached route) is
///   answered in this call, and one that awaits enters wasm-bindgen-futures' executor,
///   whose microtask hops were 7% of a refusal's CPU, only at its first await
///   (`platform::promise_of`).
///
/// worker-build's shim calls it as `fetch(request, env, ctx)`, as it calls the
/// macro's export.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn fetch(
    req: web_sys::Request,
    env: Env,
    _ctx: worker::worker_sys::Context,
) -> worker::js_sys::Promise {
    platform::promise_of(async move {
        let answer = match RequestUrl::new(req.url()) {
            Some(url) if url.path() == "/admin" || url.path().starts_with("/admin/") => {
                admin::handle(Request::from(req), &env).await
            }
            Some(url) => ingress::handle(&req, url, &env).await,
            None => http::problem(&hookgate_core::problem::Problem::new(
                hookgate_core::problem::ErrorCode::Internal,
                "the request has no absolute URL",
            )),
        };
        answer.into_response().map(Into::into).map_err(|e| {
            worker::console_error!(
                "{}",
                serde_json::json!({"msg": "response_failed", "error": e.to_string()})
            );
            wasm_bindgen::JsValue::from(e)
        })
    })
}

#[event(queue)]
async fn queue(batch: MessageBatch<String>, env: Env, _ctx: Context) -> Result<()> {
    if batch.queue() == deliveries::QUEUE_NAME {
        deliveries::deliver_batch(&batch, &env).await;
    } else {
        consumer::log_batch(&batch, &env).await;
    }
    Ok(())
}
