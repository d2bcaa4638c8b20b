// The JavaScript half of src/platform.rs: platform calls made in one step from wasm.
// Through wasm-bindgen's generated glue each header, option and body is a call of its
// own (a header list read through an iterator was about seven per field), and each call
// crosses between wasm and JS. Header lists travel as one "name\nvalue\n" text: neither
// a field name nor a field value can hold a newline (the Headers class refuses both).

/** Every field of `headers` as "name\nvalue\n" lines (names lower case, as iterated). */
export function headerLines(headers) {
  let lines = "";
  for (const [name, value] of headers) lines += name + "\n" + value + "\n";
  return lines;
}

// As a plain object: the runtime reads one twice as fast as a list of pairs, and faster
// than Headers.set per field (a Response with four fields in local workerd: 3.4-3.9 us,
// 8.3-9.5 us and 5.6-6.1 us; `bash scripts/micro.sh response-init`).
function fields(lines) {
  const parts = lines.split("\n");
  const out = {};
  for (let i = 0; i + 1 < parts.length; i += 2) out[parts[i]] = parts[i + 1];
  return out;
}

/** A Response. `body` is a view into wasm memory: copied before anything else runs. An
 * empty body is none (a 204 must not carry one). */
export function respond(status, lines, body) {
  return new Response(body.length ? body.slice() : null, { status, headers: fields(lines) });
}

/** Calls the Durable Object `name` of the namespace `env[binding]` and resolves to its
 * answer's text; rejects when it is not a 200 (the text says why, for the log). Never
 * follows a redirect. */
export async function callObject(env, binding, name, url, method, lines, body, hasBody) {
  const init = { method, redirect: "manual", headers: fields(lines) };
  if (hasBody) init.body = body.slice();
  const response = await env[binding].getByName(name).fetch(url, init);
  const text = await response.text();
  if (response.status !== 200) throw new Error(`${response.status}: ${text}`);
  return text;
}
