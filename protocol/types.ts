// Shared vocabulary of the protocol engine. Every layer (sio09, engineio, socketio,
// session, har, cli) speaks in these types; nothing here knows about browsers.

/** Raw binary data. Decoders accept and produce Uint8Array, never Node Buffers. */
export type Bytes = Uint8Array;

/** Which layer of the stack produced a decode error. */
export type Layer =
  | "http" // HTTP-level classification (status codes, error bodies, ok replies)
  | "sio09" // Socket.IO 0.9 (protocol revision 1)
  | "eio" // Engine.IO packets and payloads (rev 3 and 4)
  | "webtransport" // Engine.IO WebTransport stream framing
  | "sio" // Socket.IO default parser (packet revisions 3, 4, 5)
  | "msgpack" // socket.io-msgpack-parser 2.x / 3.x
  | "json"; // socket.io-json-parser

/**
 * Malformed input never throws to a caller: it becomes one of these. `raw` keeps the
 * exact input that failed (a string or bytes) so nothing is lost, and `offset` points
 * at the first unit (UTF-16 code unit for strings, byte for bytes) that did not parse.
 */
export interface DecodeError {
  readonly kind: "decode-error";
  readonly layer: Layer;
  readonly reason: string;
  readonly offset: number;
  readonly raw: string | Bytes;
}

export function decodeError(layer: Layer, reason: string, offset: number, raw: string | Bytes): DecodeError {
  return { kind: "decode-error", layer, reason, offset, raw };
}

export function isDecodeError(x: unknown): x is DecodeError {
  return typeof x === "object" && x !== null && (x as { kind?: unknown }).kind === "decode-error";
}

/** Engine.IO protocol revision. Revision 2 (standalone engine.io 0.x) is decoded as 3. */
export type EioRevision = 3 | 4;

/** Socket.IO packet-layer revision; 1 is the 0.9 protocol (its own grammar, see sio09/). */
export type SioRevision = 1 | 3 | 4 | 5;

/** Which Socket.IO parser encodes packets on this connection. */
export type ParserKind = "default" | "msgpack" | "json";

/** Direction relative to the page: "out" = sent by the page (client→server), "in" = received. */
export type Direction = "out" | "in";
