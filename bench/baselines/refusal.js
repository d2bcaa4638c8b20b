// The platform's floor for a refusal: read the body, compute a WebCrypto HMAC-SHA256,
// compare it with X-Webhook-Signature, answer a 401 problem. Plain JS, no bindings.
const enc = new TextEncoder();
let key = null;

function hex(buf) {
  return [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export default {
  async fetch(request) {
    const body = await request.arrayBuffer();
    key ??= await crypto.subtle.importKey(
      "raw", enc.encode("bench-secret-0123456789"), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    const sig = hex(await crypto.subtle.sign("HMAC", key, body));
    if (sig === request.headers.get("x-webhook-signature")) {
      return new Response("{}", { status: 202 });
    }
    return new Response(JSON.stringify({
      type: "https://hookgate.dev/problems/signature_mismatch", title: "Signature mismatch",
      status: 401, detail: "the signature does not match the request", code: "signature_mismatch",
    }), { status: 401, headers: { "content-type": "application/problem+json" } });
  },
};
