// The ceiling: the cheapest answer workerd can give, with the shape of hookgate's 202.
export default {
  async fetch() {
    return new Response('{"id":"evt_0","status":"accepted"}', {
      status: 202,
      headers: { "content-type": "application/json" },
    });
  },
};
