//! Sending to a Queue binding: one text message, optionally delayed. The envelope, a
//! delivery job and a dead letter all travel as text (`QueueContentType::Text`), so a
//! consumer reads exactly the JSON that was sent.

use wasm_bindgen::JsValue;
use worker::{Env, QueueContentType, RawMessageBuilder, Result};

pub async fn send_text(env: &Env, binding: &str, text: &str, delay_s: u32) -> Result<()> {
    let queue = env.queue(binding)?;
    let mut message = RawMessageBuilder::new(JsValue::from_str(text));
    if delay_s > 0 {
        message = message.delay_seconds(delay_s);
    }
    queue
        .send_raw(message.build_with_content_type(QueueContentType::Text))
        .await
}
