// Socket.IO packet vocabulary shared by every parser (default, msgpack, JSON).
import type { DecodeError, Bytes } from "../types.ts";

/** 0 CONNECT, 1 DISCONNECT, 2 EVENT, 3 ACK, 4 ERROR/CONNECT_ERROR, 5 BINARY_EVENT, 6 BINARY_ACK. */
export type SioType = 0 | 1 | 2 | 3 | 4 | 5 | 6;

export const CONNECT = 0;
export const DISCONNECT = 1;
export const EVENT = 2;
export const ACK = 3;
export const CONNECT_ERROR = 4;
export const BINARY_EVENT = 5;
export const BINARY_ACK = 6;

/**
 * Oddities a real peer may have accepted (so we decode the packet) but that a strict
 * decoder of that revision would refuse. Shown to the user, never fatal.
 */
export type SioNote =
  | "reserved-event-name" // EVENT named connect/disconnect/…: socket.io-parser ≥ 4.2.4 refuses it
  | "attachments-over-limit" // more than 10 attachments: socket.io-parser ≥ 3.4.4 / 4.2.6 refuses it
  | "zero-attachments" // `50-…`: socket.io-parser ≥ 3.4.4 refuses it (2.x accepted it)
  | "string-connect-error" // rev-5 CONNECT_ERROR with a string payload (EIO3 peer of a v4 server) / json parser
  | "unsafe-ack-id" // ack id above 2^53: the peer's Number() lost precision
  | "empty-packet"; // empty message: socket.io-parser reads Number("") = 0, a CONNECT to "/"

/**
 * One Socket.IO packet. `type` is what was on the wire: BINARY_EVENT/BINARY_ACK stay 5/6
 * (socket.io-parser 4.x reports them as 2/3 after reconstruction; 2.x/3.x keep 5/6).
 * Binary values inside `data` are Uint8Array once reconstructed.
 */
export interface SioPacket {
  type: SioType;
  nsp: string;
  data?: unknown;
  id?: number;
  /** Attachment count from the header of a binary packet (default parser only). */
  attachments?: number;
  /** msgpack / JSON parser: client packets carry the emitter's options (`{compress:true}`). */
  options?: Record<string, unknown>;
  /** Oddities worth flagging (see SioNote); absent on clean packets. */
  notes?: SioNote[];
  /**
   * The capture kept only the start of this packet's text or of one of its attachments (a
   * recorder's cut, `CaptureData.truncated`): that part's whole length. `data` holds what a
   * prefix can say: an EVENT's name alone, an ACK's arguments as unknown (`[]`), and a cut
   * attachment's first bytes in its place.
   */
  cut?: number;
}

/** A decode error of the Socket.IO layer; a dropped partial binary packet keeps its parts. */
export interface SioDecodeError extends DecodeError {
  /** Attachments already received for a binary packet that was dropped. */
  readonly attachments?: Bytes[];
}

/** Event names the emitting APIs refuse and socket.io-parser ≥ 4.2.4 refuses to decode. */
export const RESERVED_EVENTS: ReadonlySet<string> = new Set([
  "connect",
  "connect_error",
  "disconnect",
  "disconnecting",
  "newListener",
  "removeListener",
]);

const NAMES_REV4 = ["CONNECT", "DISCONNECT", "EVENT", "ACK", "ERROR", "BINARY_EVENT", "BINARY_ACK"] as const;
const NAMES_REV5 = ["CONNECT", "DISCONNECT", "EVENT", "ACK", "CONNECT_ERROR", "BINARY_EVENT", "BINARY_ACK"] as const;

/** The packet type's name as the given packet revision calls it (type 4 is ERROR before rev 5). */
export function sioTypeName(rev: 3 | 4 | 5, type: SioType): string {
  return (rev === 5 ? NAMES_REV5 : NAMES_REV4)[type];
}

/** A plain JSON-ish object (not an array, not null, not a Date/Uint8Array). */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== "object" || v === null) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

export function isBinary(v: unknown): v is ArrayBuffer | ArrayBufferView {
  return v instanceof Uint8Array || v instanceof ArrayBuffer || ArrayBuffer.isView(v);
}

/** Any binary value → Uint8Array (a view, no copy). */
export function toBytes(v: ArrayBuffer | ArrayBufferView): Uint8Array {
  if (v instanceof Uint8Array && v.constructor === Uint8Array) return v;
  if (v instanceof ArrayBuffer) return new Uint8Array(v);
  return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
}
