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

use worker::{event, Context, Env, MessageBatch, Request, Response, Result};

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

#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> Result<Response> {
    // Parsed once here and handed on: `Request::path` and `Request::url` each parse it.
    let url = req.url()?;
    let path = url.path();
    if path == "/admin" || path.starts_with("/admin/") {
        admin::handle(req, &env).await
    } else {
        ingress::handle(req, url, &env).await
    }
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
