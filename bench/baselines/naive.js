// What a user writes instead of adopting hookgate (the "hand-written JS Worker" of
// issue 24): the shared front (cached route, WebCrypto HMAC), then one Durable Object
// call that checks the key and a two-bucket rate counter with ctx.storage.get/put (two
// gets, one put), then the queue send from the Worker. It does less than hookgate: the
// key is stored as done before the send, so a failed send loses the event; the window
// is approximate; nothing is logged.
import { front } from "./shared-front.js";

export default {
  async fetch(request, env) {
    const f = await front(request, env);
    if (f.answer) return f.answer;
    const stub = env.GUARD.getByName(f.route.path);
    const verdict = await (await stub.fetch("https://guard/check", {
      method: "POST",
      body: JSON.stringify({ key: f.dedupe, id: f.id, limit: f.route.limit, window_s: f.route.window_s }),
    })).json();
    if (verdict.duplicate) {
      return new Response(verdict.answer, { status: 202, headers: { "content-type": "application/json", "idempotent-replayed": "true" } });
    }
    if (verdict.limited) {
      return new Response('{"code":"rate_limited"}', { status: 429, headers: { "retry-after": "1" } });
    }
    await env.EVENTS.send(f.envelope, { contentType: "text" });
    return new Response(verdict.answer, { status: 202, headers: { "content-type": "application/json" } });
  },
};

export class NaiveGuard {
  constructor(ctx) {
    this.ctx = ctx;
  }

  async fetch(request) {
    const { key, id, limit, window_s } = await request.json();
    const seen = await this.ctx.storage.get("k:" + key);
    if (seen !== undefined) return Response.json({ duplicate: true, answer: seen });
    const now = Date.now();
    const size = window_s * 1000;
    const bucket = Math.floor(now / size);
    let rate = (await this.ctx.storage.get("rate")) ?? { bucket, count: 0, previous: 0 };
    if (rate.bucket !== bucket) {
      rate = { bucket, count: 0, previous: rate.bucket === bucket - 1 ? rate.count : 0 };
    }
    const weight = 1 - (now % size) / size;
    if (rate.previous * weight + rate.count >= limit) return Response.json({ limited: true });
    rate.count += 1;
    const answer = JSON.stringify({ id, webhook_id: "wh_bench", status: "accepted", received_at: new Date(now).toISOString() });
    await this.ctx.storage.put({ ["k:" + key]: answer, rate });
    return Response.json({ answer });
  }
}
