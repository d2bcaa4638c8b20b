// What one durable write costs a Durable Object call in local workerd
// (scripts/micro.sh do-writes). The Worker calls one object 2000 times in sequence,
// each call its own event (and so its own commit); scripts/micro.sh reads workerd's
// CPU time around each variant from /proc. "one" is a SQL write like hookgate's
// reservation, "kv3" is the naive JS Worker's two gets and a put.
import { DurableObject } from "cloudflare:workers";

const PUT = "INSERT INTO keys (k, state, expires_ms) VALUES (?, ?, ?) " +
  "ON CONFLICT (k) DO UPDATE SET state = excluded.state, expires_ms = excluded.expires_ms";

export class Writes extends DurableObject {
  constructor(ctx, env) {
    super(ctx, env);
    const sql = ctx.storage.sql;
    sql.exec("CREATE TABLE IF NOT EXISTS keys (k TEXT PRIMARY KEY, state TEXT NOT NULL, expires_ms INTEGER NOT NULL)");
    sql.exec("CREATE TABLE IF NOT EXISTS hits (t INTEGER NOT NULL, id TEXT NOT NULL)");
    this.n = 0;
  }

  async fetch(request) {
    const variant = new URL(request.url).searchParams.get("v");
    const sql = this.ctx.storage.sql, i = this.n++;
    if (variant === "one") sql.exec(PUT, "k" + i, '{"state":"in_flight"}', i);
    else if (variant === "two-in-one-exec") sql.exec(`INSERT INTO hits (t, id) VALUES (${i}, 'evt_${i}'); ` + PUT, "k" + i, '{"state":"in_flight"}', i);
    else if (variant === "read") sql.exec("SELECT state FROM keys WHERE k = ?", "k" + (i - 1)).toArray();
    else if (variant === "kv-put") await this.ctx.storage.put("k:" + i, "answer");
    else if (variant === "kv3") {
      await this.ctx.storage.get("k:" + i);
      await this.ctx.storage.get("rate");
      await this.ctx.storage.put({ ["k:" + i]: "answer", rate: { n: i } });
    }
    return new Response("ok");
  }
}

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const variant = url.searchParams.get("v") ?? "none", n = Number(url.searchParams.get("n") ?? 2000);
    const stub = env.WRITES.getByName("bench");
    const t0 = performance.now();
    for (let j = 0; j < n; j++) await (await stub.fetch("https://object/?v=" + variant)).text();
    return Response.json({ variant, calls: n, wall_us_per_call: Math.round((performance.now() - t0) / n * 1000) });
  },
};
