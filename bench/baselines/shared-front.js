// The front both JS baselines share: what a user writes before any storage is involved.
// The route from KV, cached per isolate; WebCrypto HMAC-SHA256 of the body against
// X-Webhook-Signature; a 404 or 401 problem otherwise. The routes' settings are the
// bench's webhooks' (a KV read is still made once per path and isolate, for its cost).
const enc = new TextEncoder();
let key = null;
const cached = new Map();
const SETTINGS = { limit: 10000, window_s: 1 };
const LIMITED = { limit: 1, window_s: 3600 };

function hex(buf) {
  return [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

function problem(status, code) {
  return new Response(JSON.stringify({ type: `https://hookgate.dev/problems/${code}`, status, code }), {
    status, headers: { "content-type": "application/problem+json" },
  });
}

export async function front(request, env) {
  const path = new URL(request.url).pathname;
  let route = cached.get(path);
  if (route === undefined) {
    await env.ROUTES.get("route:" + path);
    route = path === "/hooks/bench" || path.startsWith("/hooks/spread-") ? { path, ...SETTINGS }
      : path === "/hooks/bench-limited" ? { path, ...LIMITED } : null;
    cached.set(path, route);
  }
  if (route === null) return { answer: problem(404, "webhook_not_found") };
  const body = new Uint8Array(await request.arrayBuffer());
  key ??= await crypto.subtle.importKey(
    "raw", enc.encode("bench-secret-0123456789"), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const sig = hex(await crypto.subtle.sign("HMAC", key, body));
  if (sig !== request.headers.get("x-webhook-signature")) return { answer: problem(401, "signature_mismatch") };
  const id = "evt_" + crypto.randomUUID().replaceAll("-", "");
  const envelope = JSON.stringify({
    v: 1, id, webhook: { id: "wh_bench", name: "bench", path },
    received_at: new Date().toISOString(),
    request: { method: "POST", path, query: {}, headers: Object.fromEntries(request.headers), source_ip: null },
    body: { encoding: "text", size: body.length, data: new TextDecoder().decode(body) },
  });
  const dedupe = request.headers.get("idempotency-key") ?? sig;
  return { route, id, envelope, dedupe };
}
