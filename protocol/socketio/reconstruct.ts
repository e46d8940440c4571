// Binary placeholders: `{"_placeholder":true,"num":i}` ⇄ the i-th attachment.
import { isBinary, toBytes } from "./packet.ts";

/**
 * Replaces every placeholder in `data` (in place; `data` is freshly parsed JSON) with its
 * attachment. Returns the new root, or null when a placeholder's `num` is not an integer
 * index into `buffers` ("illegal attachments", as socket.io-parser says) or the data is nested
 * deeper than the stack allows. Never throws.
 */
export function reconstructData(data: unknown, buffers: readonly Uint8Array[]): { data: unknown } | null {
  const ok = { bad: false };
  let out: unknown;
  try {
    out = walk(data, buffers, ok);
  } catch {
    return null; // hostile nesting deeper than the call stack (JSON.parse coped, the walk did not)
  }
  return ok.bad ? null : { data: out };
}

function walk(v: unknown, buffers: readonly Uint8Array[], ok: { bad: boolean }): unknown {
  if (typeof v !== "object" || v === null) return v;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const x: unknown = v[i];
      if (typeof x === "object" && x !== null) v[i] = walk(x, buffers, ok);
    }
    return v;
  }
  const o = v as Record<string, unknown>;
  if (o._placeholder === true) {
    const num = o.num;
    if (typeof num === "number" && Number.isInteger(num) && num >= 0 && num < buffers.length) return buffers[num];
    ok.bad = true;
    return v;
  }
  for (const k in o) {
    const x = o[k];
    if (typeof x === "object" && x !== null) o[k] = walk(x, buffers, ok);
  }
  return v;
}

/**
 * Encoder side: a copy of `data` with every binary value (Uint8Array, any ArrayBuffer view,
 * ArrayBuffer) replaced by a placeholder, depth first, and the binaries as Uint8Array in
 * index order. Objects with toJSON are serialised through it first, like socket.io-parser.
 */
export function deconstructData(data: unknown): { data: unknown; buffers: Uint8Array[] } {
  const buffers: Uint8Array[] = [];
  return { data: decon(data, buffers, false), buffers };
}

function decon(v: unknown, buffers: Uint8Array[], viaToJSON: boolean): unknown {
  if (typeof v !== "object" || v === null) return v;
  if (isBinary(v)) {
    buffers.push(toBytes(v));
    return { _placeholder: true, num: buffers.length - 1 };
  }
  if (Array.isArray(v)) return v.map((x: unknown) => decon(x, buffers, false));
  if (v instanceof Date) return v;
  const o = v as Record<string, unknown> & { toJSON?: unknown };
  if (typeof o.toJSON === "function" && !viaToJSON) return decon((o.toJSON as () => unknown)(), buffers, true);
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(o)) out[k] = decon(o[k], buffers, false);
  return out;
}

/** True when `data` holds a binary value anywhere (what decides BINARY_EVENT vs EVENT). */
export function hasBinary(v: unknown): boolean {
  if (typeof v !== "object" || v === null) return false;
  if (isBinary(v)) return true;
  if (Array.isArray(v)) {
    for (const x of v) if (hasBinary(x)) return true;
    return false;
  }
  if (v instanceof Date) return false;
  for (const k of Object.keys(v)) if (hasBinary((v as Record<string, unknown>)[k])) return true;
  return false;
}
