// The cheapest binding: one KV read per request, then a constant 202.
export default {
  async fetch(request, env) {
    const value = await env.ROUTES.get("route:/hooks/bench");
    return new Response(value === null ? "{}" : '{"found":true}', {
      status: 202,
      headers: { "content-type": "application/json" },
    });
  },
};
