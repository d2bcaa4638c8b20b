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

/// Takes the runtime's request as it is: `worker::Request` reads the method, the URL and
/// `request.cf` up front, and `cf` alone was 9% of the refusal paths' CPU in workerd
/// (`scripts/profile.sh`); nothing of hookgate's reads it.
#[event(fetch)]
async fn fetch(req: web_sys::Request, env: Env, _ctx: Context) -> Result<web_sys::Response> {
    // Read once here and handed on.
    let url = RequestUrl::new(req.url())
        .ok_or_else(|| worker::Error::RustError("the request has no absolute URL".into()))?;
    let path = url.path();
    let answer = if path == "/admin" || path.starts_with("/admin/") {
        admin::handle(Request::from(req), &env).await
    } else {
        ingress::handle(&req, url, &env).await
    };
    answer.into_response()
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
