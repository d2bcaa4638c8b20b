// The floor for hookgate's guarantees, written with the fewest platform calls we could
// find (issue 24): the shared front, then one Durable Object call that decides from
// memory (keys and the exact window of hits), writes one storage row to reserve the key
// before the queue send (from inside the object, as the reservation must be held across
// it), and one to settle it; a failed send releases the reservation (nothing lost, a
// retry is not a duplicate). Duplicates and 429s make no storage call. No delivery log.
import { front } from "./shared-front.js";

export default {
  async fetch(request, env) {
    const f = await front(request, env);
    if (f.answer) return f.answer;
    const stub = env.GUARD.getByName(f.route.path);
    const answer = await stub.fetch("https://guard/deliver", {
      method: "POST",
      body: JSON.stringify({ key: f.dedupe, id: f.id, limit: f.route.limit, window_s: f.route.window_s, message: f.envelope }),
    });
    const headers = { "content-type": "application/json" };
    if (answer.headers.get("idempotent-replayed")) headers["idempotent-replayed"] = "true";
    return new Response(await answer.text(), { status: answer.status, headers });
  },
};

export class FloorGuard {
  constructor(ctx, env) {
    this.ctx = ctx;
    this.env = env;
    this.keys = new Map();
    this.hits = [];
    ctx.blockConcurrencyWhile(async () => {
      for (const [k, v] of await ctx.storage.list({ prefix: "k:" })) {
        this.keys.set(k.slice(2), v);
        if (v.t) this.hits.push(v.t);
      }
      this.hits.sort((a, b) => a - b);
    });
  }

  async fetch(request) {
    const { key, id, limit, window_s, message } = await request.json();
    const seen = this.keys.get(key);
    if (seen?.state === "done") return new Response(seen.answer, { status: 202, headers: { "idempotent-replayed": "true" } });
    if (seen?.state === "in_flight") return new Response('{"code":"idempotency_key_in_flight"}', { status: 409 });
    const now = Date.now();
    while (this.hits.length && this.hits[0] <= now - window_s * 1000) this.hits.shift();
    if (this.hits.length >= limit) return new Response('{"code":"rate_limited"}', { status: 429 });
    const reserved = { state: "in_flight", t: now };
    this.keys.set(key, reserved);
    this.hits.push(now);
    this.ctx.storage.put("k:" + key, reserved);
    try {
      await this.env.EVENTS.send(message, { contentType: "text" });
    } catch (e) {
      this.keys.delete(key);
      this.hits.splice(this.hits.indexOf(now), 1);
      this.ctx.storage.delete("k:" + key);
      return new Response('{"code":"forward_failed"}', { status: 503 });
    }
    const answer = JSON.stringify({ id, webhook_id: "wh_bench", status: "accepted", received_at: new Date(now).toISOString() });
    const done = { state: "done", t: now, answer };
    this.keys.set(key, done);
    this.ctx.storage.put("k:" + key, done);
    return new Response(answer, { status: 202 });
  }
}
