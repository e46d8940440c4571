// Socket.IO 0.9 (protocol revision 1) packets: `<type>:<id>[+]:<endpoint>[:<data>]`.
// Mirrors socket.io 0.9.19 lib/parser.js field by field, but anchored and strict: where the
// real parser silently produces `{}` or a packet with `undefined` fields, we return a
// DecodeError that keeps the raw text. Quirks the real parser has on *valid* traffic are
// reproduced on purpose (endpoint `/test?my=param` when the `:` before the query is missing,
// data after the third colon may contain colons, the `undefined` error reason).
import { decodeError, type DecodeError } from "../types.ts";

export type Sio09PacketType = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8;

export const SIO09_TYPE_NAMES = [
  "disconnect",
  "connect",
  "heartbeat",
  "message",
  "json",
  "event",
  "ack",
  "error",
  "noop",
] as const;
export type Sio09TypeName = (typeof SIO09_TYPE_NAMES)[number];

/** Error reasons by numeric code (lib/parser.js `reasons`). */
export const SIO09_REASONS = ["transport not supported", "client not handshaken", "unauthorized"] as const;
/** Error advice by numeric code (lib/parser.js `advice`). */
export const SIO09_ADVICE = ["reconnect"] as const;

export interface Sio09Packet {
  type: Sio09PacketType;
  typeName: Sio09TypeName;
  /** Message id (decimal text) when the sender wants an ack. */
  id?: string;
  /** `true`: the receiving transport auto-acks `6:::<id>`; `"data"` (`id+`): the app answers with args. */
  ack?: true | "data";
  /** Namespace endpoint, "" for the main socket. */
  endpoint: string;
  /**
   * The raw data field (everything after the third colon) when present. For `message` it is
   * always set ("" when absent), as the real parser does.
   */
  data?: string;
  /** connect: the query string written after the endpoint (`1::/test:?my=param` → "?my=param"), "" when none. */
  qs?: string;
  /** event: name. */
  name?: string;
  /** event args ([] when omitted) / ack args ([] when none). */
  args?: unknown[];
  /** ack: id of the packet being acknowledged. */
  ackId?: string;
  /**
   * error: reason name for a known code (0 "transport not supported", 1 "client not handshaken",
   * 2 "unauthorized"), otherwise the raw text: the 0.9 server encodes any custom reason as the
   * literal `undefined` (`7::/chat:undefined`), which decodes to reason "undefined".
   */
  reason?: string;
  /** error: advice name for a known code (0 "reconnect"), otherwise the raw text. */
  advice?: string;
  /**
   * Decoded as the start of a packet the capture cut short: an event keeps its name (its args
   * are unknown, []), an ack its id (args []), a message its text so far; json is unknown.
   */
  cut?: true;
  /** error: the raw reason / advice codes as written on the wire. */
  reasonCode?: string;
  adviceCode?: string;
  /** json: the parsed value. */
  json?: unknown;
}

/** What the encoder accepts: a decoded packet, or the fields that matter for its type. */
export interface Sio09PacketInput {
  type: Sio09PacketType;
  id?: string | number;
  ack?: true | "data";
  endpoint?: string;
  data?: string;
  qs?: string;
  name?: string;
  args?: unknown[];
  ackId?: string | number;
  reason?: string;
  advice?: string;
  json?: unknown;
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** `{"name":"…"` at the start of a cut event's data: the name's JSON literal. */
const CUT_EVENT_NAME = /^\s*\{\s*"name"\s*:\s*("(?:[^"\\]|\\.)*")/;

/**
 * Decodes one 0.9 packet (one WebSocket frame, or one packet of a framed payload). `cut`: the
 * text is the start of a packet the capture cut short (Sio09Packet.cut).
 */
export function decodeSio09Packet(text: string, cut = false): Sio09Packet | DecodeError {
  if (typeof text !== "string") return decodeError("sio09", "packet is not text", 0, String(text));
  const n = text.length;
  if (n === 0) return decodeError("sio09", "empty packet", 0, text);
  const t = text.charCodeAt(0);
  if (!isDigit(t) || t > 56) {
    return decodeError("sio09", "packet type is not a digit 0-8", 0, text);
  }
  if (n < 2 || text.charCodeAt(1) !== 58) {
    return decodeError("sio09", isDigit(text.charCodeAt(1)) ? "packet type is not a digit 0-8" : "missing ':' after packet type", 1, text);
  }
  // id: digits, then optional '+', then ':'
  let i = 2;
  while (i < n && isDigit(text.charCodeAt(i))) i++;
  const id = text.slice(2, i);
  let plus = false;
  if (i < n && text.charCodeAt(i) === 43 /* + */) {
    plus = true;
    i++;
  }
  if (i >= n || text.charCodeAt(i) !== 58) {
    return decodeError("sio09", i >= n ? "missing ':' after message id" : "message id is not decimal", i, text);
  }
  i++;
  // endpoint: up to the next ':' or the end
  let j = text.indexOf(":", i);
  if (j < 0) j = n;
  const endpoint = text.slice(i, j);
  const hasData = j < n;
  const data = hasData ? text.slice(j + 1) : "";
  const dataOffset = j + 1;

  const type = (t - 48) as Sio09PacketType;
  const p: Sio09Packet = { type, typeName: SIO09_TYPE_NAMES[type], endpoint };
  if (id !== "") {
    p.id = id;
    p.ack = plus ? "data" : true;
  }
  if (hasData) p.data = data;

  if (cut && (type === 4 || type === 5 || type === 6)) {
    p.cut = true;
    if (type === 5) {
      // the 0.9 client writes {"name":…,"args":…}: the name comes first
      const m = CUT_EVENT_NAME.exec(data);
      const name = m ? (parseJson(m[1]!) as { ok: boolean; value?: unknown }) : null;
      if (!name?.ok || typeof name.value !== "string") return decodeError("sio09", "the capture cut this packet before its event name", dataOffset, text);
      p.name = name.value;
      p.args = [];
    } else if (type === 6) {
      let k = 0;
      while (k < data.length && isDigit(data.charCodeAt(k))) k++;
      if (k === 0) return decodeError("sio09", "the capture cut this packet before its ack id", dataOffset, text);
      p.ackId = data.slice(0, k);
      p.args = [];
    }
    return p;
  }
  if (cut && type === 3) p.cut = true;

  switch (type) {
    case 3: // message
      p.data = data;
      break;
    case 1: // connect
      p.qs = data;
      break;
    case 4: {
      // json
      const r = parseJson(data);
      if (!r.ok) return decodeError("sio09", "json packet data is not JSON", dataOffset, text);
      p.json = r.value;
      break;
    }
    case 5: {
      // event {name, args}
      const r = parseJson(data);
      if (!r.ok) return decodeError("sio09", "event data is not JSON", dataOffset, text);
      const v = r.value;
      if (typeof v !== "object" || v === null || Array.isArray(v)) {
        return decodeError("sio09", "event data is not an object {name,args}", dataOffset, text);
      }
      const o = v as { name?: unknown; args?: unknown };
      if (typeof o.name !== "string") return decodeError("sio09", "event name is not a string", dataOffset, text);
      if (o.args !== undefined && o.args !== null && !Array.isArray(o.args)) {
        return decodeError("sio09", "event args is not an array", dataOffset, text);
      }
      p.name = o.name;
      p.args = Array.isArray(o.args) ? (o.args as unknown[]) : [];
      break;
    }
    case 6: {
      // ack `<ackId>[+<json array>]`
      let k = 0;
      while (k < data.length && isDigit(data.charCodeAt(k))) k++;
      if (k === 0) return decodeError("sio09", "ack id is not decimal", dataOffset, text);
      p.ackId = data.slice(0, k);
      p.args = [];
      if (k < data.length) {
        if (data.charCodeAt(k) !== 43) return decodeError("sio09", "expected '+' after ack id", dataOffset + k, text);
        const rest = data.slice(k + 1);
        if (rest !== "") {
          const r = parseJson(rest);
          if (!r.ok) return decodeError("sio09", "ack args are not JSON", dataOffset + k + 1, text);
          if (!Array.isArray(r.value)) return decodeError("sio09", "ack args are not a JSON array", dataOffset + k + 1, text);
          p.args = r.value as unknown[];
        }
      }
      break;
    }
    case 7: {
      // error `<reason>[+<advice>]`
      const plusAt = data.indexOf("+");
      const rc = plusAt < 0 ? data : data.slice(0, plusAt);
      const ac = plusAt < 0 ? "" : data.slice(plusAt + 1);
      if (rc !== "") {
        p.reasonCode = rc;
        p.reason = codeName(SIO09_REASONS, rc) ?? rc;
      }
      if (ac !== "") {
        p.adviceCode = ac;
        p.advice = codeName(SIO09_ADVICE, ac) ?? ac;
      }
      break;
    }
    default:
      break; // 0 disconnect, 2 heartbeat, 8 noop carry no data
  }
  return p;
}

function codeName(table: readonly string[], code: string): string | undefined {
  if (!/^[0-9]+$/.test(code)) return undefined;
  const k = Number(code);
  return k < table.length ? table[k] : undefined;
}

function codeOf(table: readonly string[], nameOrCode: string): string {
  const k = table.indexOf(nameOrCode);
  if (k >= 0) return String(k);
  if (/^[0-9]+$/.test(nameOrCode)) return nameOrCode;
  return "undefined"; // what the 0.9 encoder writes for a reason it does not know
}

/** Encodes one packet exactly as socket.io 0.9.19 `parser.encodePacket` does. */
export function encodeSio09Packet(p: Sio09PacketInput): string {
  const id = p.id === undefined || p.id === "" ? "" : String(p.id);
  const endpoint = p.endpoint ?? "";
  let data: string | undefined;
  switch (p.type) {
    case 3:
      if (p.data !== undefined && p.data !== "") data = p.data;
      break;
    case 5: {
      const ev: { name: string | undefined; args?: unknown[] } = { name: p.name };
      if (p.args && p.args.length) ev.args = p.args;
      data = JSON.stringify(ev);
      break;
    }
    case 4:
      data = "json" in p ? (JSON.stringify(p.json) as string | undefined) : p.data;
      break;
    case 6:
      data = String(p.ackId ?? "") + (p.args && p.args.length ? "+" + JSON.stringify(p.args) : "");
      break;
    case 1:
      if (p.qs) data = p.qs;
      break;
    case 7: {
      const r = p.reason ? codeOf(SIO09_REASONS, p.reason) : "";
      const a = p.advice ? codeOf(SIO09_ADVICE, p.advice) : "";
      if (r !== "" || a !== "") data = r + (a !== "" ? "+" + a : "");
      break;
    }
    default:
      break;
  }
  // like the real encoder, `+` follows `ack: "data"` even without an id (decoders ignore it)
  let out = p.type + ":" + id + (p.ack === "data" ? "+" : "") + ":" + endpoint;
  if (data !== undefined) out += ":" + data;
  return out;
}
