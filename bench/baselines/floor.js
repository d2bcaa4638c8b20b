// The platform's floor for hookgate's accepted path, written by hand in plain JS: the
// same binding calls hookgate makes, and nothing else.
// - the route from KV, cached per isolate (as hookgate's registry does);
// - WebCrypto HMAC-SHA256 of the body, compared with X-Webhook-Signature;
// - one Durable Object round trip carrying an envelope-sized message; inside it, one
//   SQLite read and two writes (key reservation, rate-limit hit, key completion) and the
//   queue send, as hookgate's guard does;
// - a 202 JSON answer.
let route = null;
const enc = new TextEncoder();
let key = null;

function hex(buf) {
  return [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export default {
  async fetch(request, env) {
    if (route === null) {
      route = (await env.ROUTES.get("route:/hooks/bench")) ?? "{}";
    }
    const body = new Uint8Array(await request.arrayBuffer());
    key ??= await crypto.subtle.importKey(
      "raw", enc.encode("bench-secret-0123456789"), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    const sig = hex(await crypto.subtle.sign("HMAC", key, body));
    if (sig !== request.headers.get("x-webhook-signature")) {
      return new Response('{"code":"signature_mismatch"}', { status: 401 });
    }
    const id = "evt_" + crypto.randomUUID().replaceAll("-", "");
    const envelope = JSON.stringify({
      v: 1, id, webhook: { id: "wh_bench", name: "bench", path: "/hooks/bench" },
      received_at: new Date().toISOString(),
      request: { method: "POST", path: "/hooks/bench", query: {}, headers: Object.fromEntries(request.headers), source_ip: null },
      body: { encoding: "text", size: body.length, data: new TextDecoder().decode(body) },
    });
    const stub = env.GUARD.getByName("wh_bench");
    const answer = await stub.fetch("https://guard/deliver", {
      method: "POST",
      body: JSON.stringify({ key: request.headers.get("idempotency-key") ?? sig, id, message: envelope }),
    });
    return new Response(await answer.text(), {
      status: 202,
      headers: { "content-type": "application/json" },
    });
  },
};

export class FloorGuard {
  constructor(ctx, env) {
    this.ctx = ctx;
    this.env = env;
    ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS keys (k TEXT PRIMARY KEY, state TEXT)");
    ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS hits (t INTEGER, id TEXT)");
    ctx.storage.sql.exec("CREATE INDEX IF NOT EXISTS hits_t ON hits (t)");
  }

  async fetch(request) {
    const { key, id, message } = await request.json();
    const sql = this.ctx.storage.sql;
    const seen = sql.exec("SELECT state FROM keys WHERE k = ?", key).toArray();
    const now = Date.now();
    // The window of the bench's webhook (1 s), counted where the rows are. (Until
    // 2026-11-23 this read every hit of the last 60 s into JS without an index: a slower
    // floor than the platform's, which flattered hookgate's ratio.)
    sql.exec("SELECT COUNT(*), MIN(t) FROM hits WHERE t > ?", now - 1000).toArray();
    sql.exec("INSERT OR REPLACE INTO keys (k, state) VALUES (?, 'in_flight')", key);
    sql.exec("INSERT INTO hits (t, id) VALUES (?, ?)", now, id);
    await this.env.EVENTS.send(message, { contentType: "text" });
    const body = JSON.stringify({ id, webhook_id: "wh_bench", status: "accepted", received_at: new Date(now).toISOString(), seen: seen.length });
    sql.exec("UPDATE keys SET state = ? WHERE k = ?", body, key);
    return new Response(body);
  }
}
