// Types of hookgate's queue envelope and of this module (README, "The queue envelope (v1)";
// the format is pinned by core/tests/golden/envelope_v1_*.json).

/** Envelope versions `openEnvelope` accepts. */
export declare const ENVELOPE_VERSIONS: readonly [1];

/** The webhook the event arrived at. */
export interface EnvelopeWebhookV1 {
  /** `wh_…` */
  id: string;
  name: string;
  /** The registered path (a Kestra URL-key webhook's path without the key). */
  path: string;
}

/** The sender's request, without credentials. */
export interface EnvelopeRequestV1 {
  method: string;
  /** The path as received; a URL key shows as `{key}`. */
  path: string;
  /** Query parameters, every value of each name in order. */
  query: Record<string, string[]>;
  /** Forwarded headers, lowercase names; signature, secret, token and auth headers are never here. */
  headers: Record<string, string>;
  /** `null` when the runtime did not say (`CF-Connecting-IP` absent). */
  source_ip: string | null;
}

/** The sender's JSON, inline; `size` is the byte length of its exact text. */
export interface JsonBodyV1 {
  encoding: "json";
  size: number;
  data: unknown;
}
/** UTF-8 that is not JSON. */
export interface TextBodyV1 {
  encoding: "text";
  size: number;
  data: string;
}
/** Anything else: standard base64 with padding. */
export interface Base64BodyV1 {
  encoding: "base64";
  size: number;
  data: string;
}
/** Too large for a queue message: the raw bytes are in the bodies bucket under `key`. */
export interface R2BodyV1 {
  encoding: "r2";
  size: number;
  /** `bodies/<webhook id>/<event id>` */
  key: string;
  /** Lowercase hex SHA-256 of the bytes; absent only in envelopes from before it was added. */
  sha256?: string;
}
export type EnvelopeBodyV1 = JsonBodyV1 | TextBodyV1 | Base64BodyV1 | R2BodyV1;

/** Kestra-style webhooks: the variables a Kestra trigger sees. */
export interface KestraTriggerV1 {
  /** Left out above 32 KiB: read the envelope's body instead. */
  body?: unknown;
  headers: Record<string, string[]>;
  parameters: Record<string, string[]>;
}

export interface EnvelopeV1 {
  v: 1;
  /** `evt_…`, the delivery id the sender was answered with. */
  id: string;
  webhook: EnvelopeWebhookV1;
  /** RFC 3339 in UTC, milliseconds. */
  received_at: string;
  request: EnvelopeRequestV1;
  body: EnvelopeBodyV1;
  /** From the webhook's `event_type` setting. */
  event_type?: string;
  /** Kubiya-style webhooks: the body's `message`. */
  instruction?: string;
  trigger?: KestraTriggerV1;
  /** A test event sent from the admin API or the dashboard. */
  test?: true;
}

/** Every envelope version (one so far). */
export type Envelope = EnvelopeV1;

/** The body, read and checked. */
export interface OpenedBody {
  encoding: EnvelopeBodyV1["encoding"];
  size: number;
  /** Only for `r2` bodies. */
  key?: string;
  sha256?: string;
  /** The sender's bytes. */
  bytes: Uint8Array;
  /** The bytes as UTF-8 (throws a TypeError when they are not); for `json`, the sender's exact text. */
  text(): string;
  /** The body parsed as JSON (for `json`, the envelope's `data`). */
  json<T = unknown>(): T;
}

export type OpenedEnvelope = Omit<Envelope, "body"> & {
  body: OpenedBody;
  /** The envelope as received. */
  envelope: Envelope;
  /** Deletes the R2 body once you have processed the event; a no-op for inline bodies. */
  settle(): Promise<void>;
};

export type EnvelopeErrorCode =
  | "malformed"
  | "unsupported_version"
  | "no_bucket"
  | "body_missing"
  | "body_size_mismatch"
  | "body_sha256_mismatch";

export declare class EnvelopeError extends Error {
  name: "EnvelopeError";
  code: EnvelopeErrorCode;
  /** The envelope's id, when it had one. */
  envelopeId?: string;
  constructor(code: EnvelopeErrorCode, message: string, envelopeId?: string);
}

/** What `openEnvelope` reads: a Queues message, its body, or the envelope itself. */
export type EnvelopeSource =
  | { body: string | Envelope | ArrayBuffer | ArrayBufferView }
  | string
  | Envelope;

/** The parts of an R2 bucket binding used here. */
export interface BodiesBucket {
  get(key: string): Promise<{ arrayBuffer(): Promise<ArrayBuffer> } | null>;
  delete(key: string): Promise<void>;
}

/**
 * Opens an envelope; for an `r2` body, reads it from `bucket` and checks its size and
 * SHA-256. Rejects with an `EnvelopeError` rather than hand back a body that does not check out.
 */
export declare function openEnvelope(message: EnvelopeSource, bucket?: BodiesBucket): Promise<OpenedEnvelope>;

/** Lowercase hex SHA-256 (WebCrypto). */
export declare function sha256Hex(bytes: ArrayBuffer | ArrayBufferView): Promise<string>;
