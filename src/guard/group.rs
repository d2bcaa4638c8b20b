//! Group commit of hand-overs to a queue. A lone delivery is sent at once; deliveries
//! whose reservation is made while a send to the same queue is in flight wait for it
//! and then go together, in one `sendBatch` (at most 100 messages and 256 KB, the
//! platform's limits), so under load the batch grows by itself and the object makes one
//! queue call for many deliveries.
//!
//! What it changes in the argument of `deliver.rs`: nothing about ownership. Each
//! delivery still holds its own reservation across the await and settles or releases it
//! itself, from the batch's result (a batch is accepted or refused whole). The batch is
//! sent by a task of its own, so the delivery that started a send is never held up by
//! the ones that queued behind it; a waiting delivery is bounded by the same
//! `MAX_HANDOVER_WAIT_MS` as a send of its own (its caller wraps this in `within`).

use futures_channel::oneshot;
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use wasm_bindgen::JsValue;
use worker::{BatchMessageBuilder, Env, QueueContentType, RawMessageBuilder};

/// `sendBatch`'s limits (Cloudflare Queues): messages per batch, and bytes, less a
/// margin for each message's metadata.
const MAX_BATCH_MESSAGES: usize = 100;
const MAX_BATCH_BYTES: usize = 256_000;
const PER_MESSAGE_OVERHEAD: usize = 200;

type Sent = Result<(), String>;

struct Waiter {
    message: String,
    answer: oneshot::Sender<Sent>,
}

#[derive(Default)]
struct Group {
    /// A send (alone or a batch) to this queue is in flight.
    busy: bool,
    waiting: Vec<Waiter>,
}

/// The groups of one object, by queue binding, and the queue calls made (the test-only
/// build reports them).
#[derive(Default)]
pub(super) struct Groups(RefCell<HashMap<String, Group>>, std::cell::Cell<u64>);

impl Groups {
    #[cfg(feature = "fault-injection")]
    pub(super) fn queue_calls(&self) -> u64 {
        self.1.get()
    }

    fn count_call(&self) {
        self.1.set(self.1.get() + 1);
    }
}

/// Sends `message` on `binding`, alone when nothing is in flight, else with the next
/// batch.
pub(super) async fn send(groups: &Rc<Groups>, env: &Env, binding: &str, message: &str) -> Sent {
    let queued = {
        let mut all = groups.0.borrow_mut();
        let group = all.entry(binding.to_string()).or_default();
        if group.busy {
            let (answer, result) = oneshot::channel();
            group.waiting.push(Waiter {
                message: message.to_string(),
                answer,
            });
            Some(result)
        } else {
            group.busy = true;
            None
        }
    };
    if let Some(result) = queued {
        return result
            .await
            .unwrap_or_else(|_| Err("the batch this delivery waited for was dropped".into()));
    }
    groups.count_call();
    let sent = crate::queues::send_text(env, binding, message, 0)
        .await
        .map_err(|e| e.to_string());
    if let Some(batch) = next_batch(groups, binding) {
        let (groups, env, binding) = (Rc::clone(groups), env.clone(), binding.to_string());
        worker::wasm_bindgen_futures::spawn_local(async move {
            send_batches(groups, env, binding, batch).await;
        });
    }
    sent
}

/// Sends batches until nobody waits any more, answering each waiter with its batch's
/// result.
async fn send_batches(groups: Rc<Groups>, env: Env, binding: String, mut batch: Vec<Waiter>) {
    loop {
        groups.count_call();
        let sent = send_batch(&env, &binding, &batch).await;
        for waiter in batch {
            // A waiter that gave up (its deadline passed) has dropped its receiver.
            let _ = waiter.answer.send(sent.clone());
        }
        match next_batch(&groups, &binding) {
            Some(next) => batch = next,
            None => return,
        }
    }
}

/// The waiters that fit the next batch, oldest first; `None` (and the queue no longer
/// busy) when nobody waits.
fn next_batch(groups: &Groups, binding: &str) -> Option<Vec<Waiter>> {
    let mut all = groups.0.borrow_mut();
    let group = all.get_mut(binding)?;
    if group.waiting.is_empty() {
        group.busy = false;
        return None;
    }
    let mut bytes = 0;
    let mut take = 0;
    for w in &group.waiting {
        let size = w.message.len() + PER_MESSAGE_OVERHEAD;
        if take == MAX_BATCH_MESSAGES || (take > 0 && bytes + size > MAX_BATCH_BYTES) {
            break;
        }
        bytes += size;
        take += 1;
    }
    Some(group.waiting.drain(..take).collect())
}

async fn send_batch(env: &Env, binding: &str, batch: &[Waiter]) -> Sent {
    let queue = env.queue(binding).map_err(|e| e.to_string())?;
    let mut builder = BatchMessageBuilder::<JsValue>::new();
    for w in batch {
        builder = builder.message(
            RawMessageBuilder::new(JsValue::from_str(&w.message))
                .build_with_content_type(QueueContentType::Text),
        );
    }
    queue
        .send_raw_batch(builder.build())
        .await
        .map_err(|e| e.to_string())
}
