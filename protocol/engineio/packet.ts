// One Engine.IO packet (all revisions): the text form `<type digit><data>`, the base64
// forms `b<type digit><base64>` (rev 3) / `b<base64>` (rev 4), and the binary WebSocket
// frame (rev 3: raw type byte + data; rev 4: the message data itself).
import { decodeError, type DecodeError, type EioRevision } from "../types.ts";
import { base64Decode } from "./base64.ts";

export type EioPacketType = "open" | "close" | "ping" | "pong" | "message" | "upgrade" | "noop";

/** `data` is absent when the text packet is only its type digit. Binary data is a Uint8Array. */
export interface EioPacket {
  type: EioPacketType;
  data?: string | Uint8Array;
}

export interface EioOpen {
  sid: string;
  upgrades: string[];
  pingInterval: number | null;
  pingTimeout: number | null;
  maxPayload: number | null;
  /** Every other field of the open JSON, untouched (custom servers add their own). */
  extra: Record<string, unknown>;
}

export type NonConformance = "utf8-byte-lengths" | "codepoint-lengths" | "double-utf8";

/** Index = type id. */
export const EIO_PACKET_TYPES: readonly EioPacketType[] = ["open", "close", "ping", "pong", "message", "upgrade", "noop"];

export const EIO_TYPE_IDS: Readonly<Record<EioPacketType, number>> = {
  open: 0,
  close: 1,
  ping: 2,
  pong: 3,
  message: 4,
  upgrade: 5,
  noop: 6,
};

/**
 * Decode the text packet `s[start..end)`. Errors carry `raw` (the caller's whole input,
 * so payload errors point into the body) and an offset inside it.
 */
export function decodeTextPacket(rev: EioRevision, s: string, start: number, end: number, raw: string): EioPacket | DecodeError {
  if (start >= end) return decodeError("eio", "empty packet", start, raw);
  const c = s.charCodeAt(start);
  if (c >= 48 && c <= 54) {
    const type = EIO_PACKET_TYPES[c - 48]!;
    if (end - start === 1) return { type };
    return { type, data: s.substring(start + 1, end) };
  }
  if (c === 98 /* b */) {
    let from = start + 1;
    let type: EioPacketType = "message";
    if (rev === 3) {
      const t = from < end ? s.charCodeAt(from) : -1;
      if (t < 48 || t > 54) return decodeError("eio", "base64 packet without a valid type digit", from, raw);
      type = EIO_PACKET_TYPES[t - 48]!;
      from++;
    }
    const data = base64Decode(s, from, end);
    if (typeof data === "number") return decodeError("eio", "invalid base64 data", -data - 1, raw);
    return { type, data };
  }
  return decodeError("eio", `unknown packet type ${JSON.stringify(s.charAt(start))}`, start, raw);
}

/**
 * A Uint8Array subclass (a Node Buffer from a HAR loader, say) → a plain Uint8Array view of
 * the same memory, so the binary data we hand out is never a Buffer.
 */
export function plainBytes(b: Uint8Array): Uint8Array {
  return Object.getPrototypeOf(b) === Uint8Array.prototype ? b : new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/** One WebSocket frame (text or binary) → one packet. Never throws. */
export function decodeEioPacket(rev: EioRevision, frame: string | Uint8Array): EioPacket | DecodeError {
  if (typeof frame === "string") return decodeTextPacket(rev, frame, 0, frame.length, frame);
  if (!(frame instanceof Uint8Array)) return decodeError("eio", "frame is neither text nor bytes", 0, "");
  frame = plainBytes(frame);
  if (rev === 4) return { type: "message", data: frame };
  if (frame.length === 0) return decodeError("eio", "empty binary frame", 0, frame);
  const t = frame[0]!;
  if (t > 6) return decodeError("eio", `unknown binary packet type byte ${t}`, 0, frame);
  return { type: EIO_PACKET_TYPES[t]!, data: frame.subarray(1) };
}

const KNOWN_OPEN_FIELDS = new Set(["sid", "upgrades", "pingInterval", "pingTimeout", "maxPayload"]);

/** The JSON of an open packet (the data after the `0`). Unknown fields go to `extra`. */
export function parseEioOpen(data: string): EioOpen | DecodeError {
  if (typeof data !== "string") return decodeError("eio", "open packet data is not text", 0, "");
  let v: unknown;
  try {
    v = JSON.parse(data);
  } catch {
    return decodeError("eio", "open packet data is not JSON", 0, data);
  }
  if (typeof v !== "object" || v === null || Array.isArray(v)) return decodeError("eio", "open packet JSON is not an object", 0, data);
  const o = v as Record<string, unknown>;
  if (typeof o.sid !== "string") return decodeError("eio", "open packet without a string sid", 0, data);
  const num = (x: unknown): number | null => (typeof x === "number" && Number.isFinite(x) ? x : null);
  const extra: Record<string, unknown> = {};
  // defineProperty: a hostile `"__proto__"` key must stay a plain field, not a prototype.
  for (const k of Object.keys(o))
    if (!KNOWN_OPEN_FIELDS.has(k)) Object.defineProperty(extra, k, { value: o[k], enumerable: true, writable: true, configurable: true });
  return {
    sid: o.sid,
    upgrades: Array.isArray(o.upgrades) ? o.upgrades.filter((u): u is string => typeof u === "string") : [],
    pingInterval: num(o.pingInterval),
    pingTimeout: num(o.pingTimeout),
    maxPayload: num(o.maxPayload),
    extra,
  };
}
