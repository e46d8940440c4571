// Socket.IO default parser, packet revisions 3, 4 and 5: one text message (the data of
// one Engine.IO message, EIO type digit already stripped) → one packet or a DecodeError.
//
//   <type>[<attachments>"-"][<nsp>","][<ack id>][<JSON>]
//
// Hot path (`2["event",…]`): a few charCode tests, one JSON.parse, one shape check.
import { decodeError, type DecodeError } from "../types.ts";
import { RESERVED_EVENTS, isPlainObject, type SioNote, type SioPacket, type SioType } from "./packet.ts";

/** Attachment counts above this are flagged (socket.io-parser ≥ 3.4.4 / 4.2.6 refuse > 10). */
export const MAX_ATTACHMENTS = 10;
/** Above this we stop believing the header: a real peer never sends it, and waiting for that many binaries would swallow the stream. */
export const ATTACHMENTS_SANITY_LIMIT = 1000;

const C_0 = 48;
const C_9 = 57;
const C_DASH = 45;
const C_SLASH = 47;
const C_COMMA = 44;

/**
 * Decodes one default-parser text packet. Binary packets (5/6, rev-3 ACK with a count)
 * come back with `attachments` set and placeholders still in `data`; SioDecoder puts the
 * binaries in. `cut`: the text is the start of a packet this long (SioPacket.cut), whose JSON
 * is read only as far as a prefix allows (`cutData`). Never throws.
 */
export function decodeSioString(rev: 3 | 4 | 5, text: string, cut?: number): SioPacket | DecodeError {
  const len = text.length;
  if (len === 0) return { type: 0, nsp: "/", notes: ["empty-packet"] };
  const t = text.charCodeAt(0) - C_0;
  if (t < 0 || t > 6) return decodeError("sio", "unknown packet type", 0, text);
  const type = t as SioType;
  let i = 1;
  let attachments = -1;
  let notes: SioNote[] | undefined;

  // attachments: types 5/6 always; rev 3 also ACK (socket.io-parser 2.1.3–2.1.5 sent every ACK through the binary path)
  if (type === 5 || type === 6 || (type === 3 && rev === 3)) {
    let j = 1;
    let n = 0;
    while (j < len) {
      const c = text.charCodeAt(j);
      if (c < C_0 || c > C_9) break;
      n = n * 10 + (c - C_0);
      j++;
    }
    if (j > 1 && j < len && text.charCodeAt(j) === C_DASH) {
      attachments = n;
      i = j + 1;
      if (n > ATTACHMENTS_SANITY_LIMIT) return decodeError("sio", "too many attachments", 1, text);
      if (n > MAX_ATTACHMENTS) (notes ??= []).push("attachments-over-limit");
      else if (n === 0 && type !== 3) (notes ??= []).push("zero-attachments");
    } else if (type !== 3) {
      return decodeError("sio", "illegal attachments", 1, text);
    }
  }

  // namespace: only when the next char is "/", up to "," or the end of the string
  let nsp = "/";
  if (i < len && text.charCodeAt(i) === C_SLASH) {
    const comma = text.indexOf(",", i);
    if (comma === -1) {
      nsp = text.slice(i);
      i = len;
    } else {
      nsp = text.slice(i, comma);
      i = comma + 1;
    }
  }

  // ack id: decimal digits
  let id = -1;
  if (i < len) {
    let c = text.charCodeAt(i);
    if (c >= C_0 && c <= C_9) {
      const start = i;
      id = 0;
      do {
        id = id * 10 + (c - C_0);
        i++;
        if (i >= len) break;
        c = text.charCodeAt(i);
      } while (c >= C_0 && c <= C_9);
      if (i - start > 15) {
        id = Number(text.slice(start, i));
        if (!Number.isSafeInteger(id)) (notes ??= []).push("unsafe-ack-id");
      }
    }
  }

  const packet: SioPacket = { type, nsp };
  if (id !== -1) packet.id = id;
  if (attachments !== -1) packet.attachments = attachments;

  if (cut !== undefined) {
    packet.cut = cut;
    if (i < len) {
      const data = cutData(type, text.slice(i));
      if (data === null) return decodeError("sio", "the capture cut this packet before its event name", i, text);
      if (data !== undefined) packet.data = data;
    } else if (type === 2 || type === 5) return decodeError("sio", "the capture cut this packet before its event name", i, text);
    if (notes !== undefined) packet.notes = notes;
    return packet;
  }

  if (i < len) {
    let data: unknown;
    try {
      data = JSON.parse(i === 0 ? text : text.slice(i));
    } catch {
      return decodeError("sio", "invalid JSON payload", i, text);
    }
    const bad = checkPayload(rev, type, data);
    if (bad !== null) {
      if (bad === "reserved") (notes ??= []).push("reserved-event-name");
      else if (bad === "string-error") (notes ??= []).push("string-connect-error");
      else return decodeError("sio", bad, i, text);
    }
    packet.data = data;
  }
  if (notes !== undefined) packet.notes = notes;
  return packet;
}

/** A JSON string or number literal at the start of an array, followed by what ends an element. */
const FIRST_ELEMENT = /^\s*\[\s*("(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)\s*[,\]]/;

/**
 * What the start of a cut packet's JSON says: an EVENT's name (null when the cut came before
 * it ended), an ACK's arguments as unknown (`[]`), nothing for the other types.
 */
function cutData(type: SioType, json: string): unknown[] | null | undefined {
  if (type === 3 || type === 6) return [];
  if (type !== 2 && type !== 5) return undefined;
  const m = FIRST_ELEMENT.exec(json);
  if (!m) return null;
  try {
    const name: unknown = JSON.parse(m[1]!);
    return typeof name === "string" || typeof name === "number" ? [name] : null;
  } catch {
    return null;
  }
}

/**
 * Payload shape rules. Rev 5 = socket.io-parser 4.x; revs 3/4 = socket.io-parser 3.4.x
 * (the last rev-4 decoder; 2.x accepted any JSON). Returns null when fine, "reserved" /
 * "string-error" for oddities we still accept, otherwise the error reason.
 */
export function checkPayload(rev: 3 | 4 | 5, type: SioType, data: unknown): string | null {
  switch (type) {
    case 2:
    case 5: {
      if (!Array.isArray(data) || data.length === 0) return "invalid payload: EVENT needs a non-empty array";
      const first: unknown = data[0];
      if (typeof first === "number") return null;
      if (typeof first !== "string") return "invalid payload: event name must be a string or a number";
      return rev === 5 && RESERVED_EVENTS.has(first) ? "reserved" : null;
    }
    case 3:
    case 6:
      return Array.isArray(data) ? null : "invalid payload: ACK needs an array";
    case 0:
      if (rev === 5) return isPlainObject(data) ? null : "invalid payload: CONNECT needs an object";
      return typeof data === "object" ? null : "invalid payload: CONNECT needs an object";
    case 1:
      return "invalid payload: DISCONNECT has no payload";
    case 4:
      if (typeof data === "string") return rev === 5 ? "string-error" : null;
      if (rev === 5) return isPlainObject(data) ? null : "invalid payload: CONNECT_ERROR needs an object or a string";
      return typeof data === "object" ? null : "invalid payload: ERROR needs a string or an object";
  }
}
