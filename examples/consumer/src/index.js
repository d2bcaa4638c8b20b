// An example consumer Worker for hookgate's events queue: opens each envelope, "processes"
// it (here: one log line), then settles the body and acks the message.
import { openEnvelope, EnvelopeError, sha256Hex } from "../../../consumer/js/index.js";

export default {
  async queue(batch, env) {
    for (const message of batch.messages) {
      let event;
      try {
        event = await openEnvelope(message, env.BODIES);
      } catch (e) {
        if (!(e instanceof EnvelopeError)) throw e; // R2 unreachable and such: retry the batch
        // A body that does not check out is never processed. Retrying cannot make the
        // bytes right, so the message is acked; the R2 object stays for a look.
        console.log(JSON.stringify({ msg: "consumer_refused", id: e.envelopeId, code: e.code, error: e.message }));
        message.ack();
        continue;
      }
      const { body } = event;
      console.log(
        JSON.stringify({
          msg: "consumer_opened",
          id: event.id,
          webhook: event.webhook.id,
          encoding: body.encoding,
          size: body.bytes.byteLength,
          sha256: await sha256Hex(body.bytes),
          // Small bodies in full, so a person running it locally sees them.
          text: body.size <= 1024 ? safeText(body) : undefined,
          // The envelope as received, minus an inline body's data.
          envelope: { ...event.envelope, body: { ...event.envelope.body, data: undefined } },
        }),
      );
      // Settle only after the work is done: a retried message must still find its body.
      await event.settle();
      message.ack();
    }
  },
};

function safeText(body) {
  try {
    return body.text();
  } catch {
    return undefined; // not UTF-8
  }
}
