// How fast local workerd builds a Response from each form of header list
// (scripts/micro.sh response-init). Chose the plain object of src/platform.js.
// performance.now() advances inside a request in local workerd, so the loop is timed.
const lines = "Content-Type\napplication/problem+json\nCache-Control\nno-store\nX-Content-Type-Options\nnosniff\nRetry-After\n1\n";
const body = new Uint8Array(300).fill(65);
function split(l) { return l.split("\n"); }
function pairs(l) { const p = split(l); const o = []; for (let i = 0; i + 1 < p.length; i += 2) o.push([p[i], p[i + 1]]); return o; }
function object(l) { const p = split(l); const o = {}; for (let i = 0; i + 1 < p.length; i += 2) o[p[i]] = p[i + 1]; return o; }
function headers(l) { const p = split(l); const h = new Headers(); for (let i = 0; i + 1 < p.length; i += 2) h.set(p[i], p[i + 1]); return h; }

export default {
  async fetch() {
    const n = 20000, out = {};
    const forms = [
      ["list of pairs", () => new Response(body.slice(), { status: 404, headers: pairs(lines) })],
      ["plain object", () => new Response(body.slice(), { status: 404, headers: object(lines) })],
      ["Headers.set each", () => new Response(body.slice(), { status: 404, headers: headers(lines) })],
      ["no header fields", () => new Response(body.slice(), { status: 404 })],
    ];
    for (const [name, make] of forms) {
      const t0 = performance.now();
      for (let i = 0; i < n; i++) make();
      out[name] = ((performance.now() - t0) / n * 1000).toFixed(2) + " us per Response";
    }
    return Response.json(out);
  },
};
