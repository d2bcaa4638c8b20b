// hookgate's consumer library: opens a queue envelope (README, "The queue envelope (v1)")
// and hands back the sender's original body, checked. No dependencies: Workers runtime
// only (TextEncoder, TextDecoder, atob, crypto.subtle, an R2 bucket binding).

/** Envelope versions this module can open. */
export const ENVELOPE_VERSIONS = Object.freeze([1]);

/** Why an envelope could not be opened. A body is never handed back unchecked. */
export class EnvelopeError extends Error {
  constructor(code, message, envelopeId) {
    super(message);
    this.name = "EnvelopeError";
    this.code = code;
    this.envelopeId = envelopeId;
  }
}

const utf8 = new TextEncoder();

/**
 * Opens one envelope. `message` is a Queues message (its `body` the envelope's JSON text,
 * as hookgate sends it, or an already parsed object), the envelope's text, or the parsed
 * envelope. `bucket` is the R2 binding of hookgate's bodies bucket, needed only when the
 * body is in R2.
 */
export async function openEnvelope(message, bucket) {
  const { envelope, text } = parse(message);
  const id = typeof envelope.id === "string" ? envelope.id : undefined;
  const fail = (code, why) => new EnvelopeError(code, why, id);
  if (!ENVELOPE_VERSIONS.includes(envelope.v)) {
    throw fail("unsupported_version", `envelope version ${JSON.stringify(envelope.v)} is not one of ${ENVELOPE_VERSIONS}`);
  }
  const desc = envelope.body;
  if (desc === null || typeof desc !== "object" || !Number.isSafeInteger(desc.size) || desc.size < 0) {
    throw fail("malformed", "the envelope has no body descriptor with a size");
  }

  let bytes;
  let exactText;
  let r2Key;
  switch (desc.encoding) {
    case "json":
      if (!("data" in desc)) throw fail("malformed", "a json body without data");
      // The envelope carries the sender's JSON text verbatim; recovering it keeps what a
      // parse would change (whitespace, key order, integers beyond 2^53).
      exactText = text === undefined ? undefined : jsonBodyText(text, desc.size);
      bytes = utf8.encode(exactText ?? JSON.stringify(desc.data));
      break;
    case "text":
      if (typeof desc.data !== "string") throw fail("malformed", "a text body without a string");
      bytes = utf8.encode(desc.data);
      break;
    case "base64":
      if (typeof desc.data !== "string") throw fail("malformed", "a base64 body without a string");
      try {
        bytes = Uint8Array.from(atob(desc.data), (c) => c.charCodeAt(0));
      } catch {
        throw fail("malformed", "the base64 body does not decode");
      }
      break;
    case "r2":
      if (typeof desc.key !== "string") throw fail("malformed", "an r2 body without a key");
      if (!bucket || typeof bucket.get !== "function") {
        throw fail("no_bucket", "the body is in R2: pass hookgate's bodies bucket binding (BODIES)");
      }
      r2Key = desc.key;
      bytes = await readR2(bucket, desc, fail);
      break;
    default:
      throw fail("malformed", `unknown body encoding ${JSON.stringify(desc.encoding)}`);
  }
  // Inline bodies are checked too (a re-serialized object can drift from the sender's
  // bytes); for JSON without the envelope's text, only the value is promised.
  if (bytes.byteLength !== desc.size && !(desc.encoding === "json" && exactText === undefined)) {
    throw fail("body_size_mismatch", `the body is ${bytes.byteLength} bytes, the envelope says ${desc.size}`);
  }

  let settled = false;
  let decoded;
  const body = {
    encoding: desc.encoding,
    size: desc.size,
    ...(r2Key === undefined ? {} : { key: r2Key }),
    ...(typeof desc.sha256 === "string" ? { sha256: desc.sha256 } : {}),
    bytes,
    text() {
      if (decoded === undefined) decoded = exactText ?? new TextDecoder("utf-8", { fatal: true }).decode(bytes);
      return decoded;
    },
    json() {
      return desc.encoding === "json" ? desc.data : JSON.parse(this.text());
    },
  };
  return {
    ...envelope,
    body,
    envelope,
    /** Deletes the R2 body once you are done with it (no-op for inline bodies). */
    async settle() {
      if (r2Key === undefined || settled) return;
      await bucket.delete(r2Key);
      settled = true;
    },
  };
}

function parse(message) {
  let value = message;
  // A Queues message: its body is the envelope (text or already parsed).
  if (value !== null && typeof value === "object" && !("v" in value) && "body" in value) {
    value = value.body;
  }
  if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) {
    value = new TextDecoder().decode(value);
  }
  if (typeof value === "string") {
    let envelope;
    try {
      envelope = JSON.parse(value);
    } catch {
      throw new EnvelopeError("malformed", "the message is not JSON");
    }
    if (envelope === null || typeof envelope !== "object") {
      throw new EnvelopeError("malformed", "the message is not a JSON object");
    }
    return { envelope, text: value };
  }
  if (value !== null && typeof value === "object") return { envelope: value, text: undefined };
  throw new EnvelopeError("malformed", "not an envelope");
}

// hookgate writes `"body":{"encoding":"json","size":N,"data":` and then the sender's N
// bytes. Every member before `body` is a string (or holds only strings), where quotes are
// escaped, so the first unescaped occurrence of that prefix is the envelope's own.
function jsonBodyText(text, size) {
  const marker = `"body":{"encoding":"json","size":${size},"data":`;
  const at = text.indexOf(marker);
  if (at < 0) return undefined;
  const rest = utf8.encode(text.slice(at + marker.length));
  if (rest.byteLength <= size || rest[size] !== 0x7d /* } */) return undefined;
  return new TextDecoder().decode(rest.subarray(0, size));
}

async function readR2(bucket, desc, fail) {
  const object = await bucket.get(desc.key);
  if (object === null) {
    throw fail("body_missing", `the body ${desc.key} is not in R2 (settled already, or expired by a lifecycle rule)`);
  }
  const bytes = new Uint8Array(await object.arrayBuffer());
  if (bytes.byteLength !== desc.size) {
    throw fail("body_size_mismatch", `the R2 body is ${bytes.byteLength} bytes, the envelope says ${desc.size}`);
  }
  // Envelopes written before the hash was added carry none: their size is all there is.
  if (typeof desc.sha256 === "string") {
    const actual = await sha256Hex(bytes);
    if (actual !== desc.sha256.toLowerCase()) {
      throw fail("body_sha256_mismatch", `the R2 body's SHA-256 is ${actual}, the envelope says ${desc.sha256}`);
    }
  }
  return bytes;
}

/** Lowercase hex SHA-256 of some bytes (WebCrypto). */
export async function sha256Hex(bytes) {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}
