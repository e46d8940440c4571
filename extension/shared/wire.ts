// How capture events travel inside the extension (hook → relay → background → storage and panel):
// JSON arrays whose items are capture events (protocol/capture.ts) — or, for the kinds a busy
// page sends hundreds or thousands of a second, a compact positional form whose second item
// says what it is:
//
//   [conn, 0|1, ts, text]                                  WebSocket text frame, 0 = out (sent), 1 = in
//   [conn, 0|1, ts, null, base64]                          WebSocket binary frame
//   [conn, 2, ts, method, url, contentType|null]           HTTP request without a body
//   [conn, 2, ts, method, url, contentType|null, text]     … with a text body
//   [conn, 2, ts, method, url, contentType|null, null, base64]   … with a binary body
//   [conn, 3, ts, status, contentType|null]                HTTP response without a body
//   [conn, 3, ts, status, contentType|null, text]          … (and null, base64 as above)
//
// `conn` is either the connection's id and `ts` epoch milliseconds, or — relative items —
// `conn` is the number that ends the id (the hook's ids are `<document prefix>.<number in base
// 36>`) and `ts` whole microseconds since the document's clock origin. Relative items are
// read against their document's DocBase (the prefix and the origin in epoch µs), which travels
// once per batch instead of once per item: the hook writes it before its batch's JSON
// (`<prefix>|<origin µs>|<JSON array>`, splitHookBatch), and the background keeps it per
// chunk and sends it with the events to the panel. A small frame's id and time were two thirds
// of its item's framing (`"k3j2h1a.3",…,1764172800123.456` against `3,…,12345678`).
//
// An event as an object (`{"type":"ws-frame","conn":…,"dir":…,"v":1,"ts":…,"data":{"text":…}}`)
// is ~50 characters of field names around its data, and every extension message carries its JSON
// as an escaped string again (relay → background, background → storage, background → panel): on
// a small-message flood that framing was more than half of all the bytes. Everything that reads
// a batch goes through `expandEvent`, which turns the compact forms back into the objects and
// leaves anything else as it is; what the page cannot get right (a malformed compact item, a
// relative one without its base) comes back as null, and the caller skips it as it skips any
// other malformed event. Events with a field the compact forms lack (e.g. `bodyUnavailable`)
// travel as objects, and so do frames and bodies the hook cut short (`CaptureData.truncated`).
import { CAPTURE_VERSION, HTTP_APIS, type CaptureData, type HttpApi, type HttpRequestEvent, type HttpResponseEvent, type WsFrameEvent } from "../../protocol/capture.ts";

/** A compact frame; `conn` is a number (and `ts` relative) in a relative item. */
export type CompactFrame = [conn: string | number, dir: 0 | 1, ts: number, text: string] | [conn: string | number, dir: 0 | 1, ts: number, text: null, base64: string];

/** The compact form of a WebSocket frame (see the top of this file). */
export function compactFrame(conn: string, dir: "in" | "out", ts: number, data: CaptureData): CompactFrame {
  const d = dir === "in" ? 1 : 0;
  return "text" in data ? [conn, d, ts, data.text] : [conn, d, ts, null, data.base64];
}

type Body = [] | [text: string] | [text: null, base64: string];
export type CompactHttpRequest = [conn: string, kind: 2, ts: number, method: string, url: string, contentType: string | null, api: HttpApi | null, ...body: Body];
export type CompactHttpResponse = [conn: string, kind: 3, ts: number, status: number, contentType: string | null, ...body: Body];
export type Compact = CompactFrame | CompactHttpRequest | CompactHttpResponse;

/**
 * The compact form of an event the hook is about to send (its body or frame data passed apart,
 * already encoded), or undefined when it has none (other kinds, or a field the form lacks).
 */
export function compactEvent(ev: { type: string; conn: string; ts?: unknown; [k: string]: unknown }, data: CaptureData | undefined): Compact | undefined {
  const ts = ev.ts;
  if (typeof ts !== "number" || ev.bodyUnavailable !== undefined || (data !== undefined && data.truncated !== undefined)) return undefined;
  const ct = typeof ev.contentType === "string" ? ev.contentType : null;
  switch (ev.type) {
    case "ws-frame":
      return data === undefined ? undefined : compactFrame(ev.conn, ev.dir === "in" ? "in" : "out", ts, data);
    // array literals only (no spread): the hook runs among page scripts that may patch iterators
    case "http-request": {
      const { conn, method, url } = ev;
      if (typeof method !== "string" || typeof url !== "string") return undefined;
      const api = isApi(ev.api) ? ev.api : null;
      if (data === undefined) return [conn, 2, ts, method, url, ct, api];
      return "text" in data ? [conn, 2, ts, method, url, ct, api, data.text] : [conn, 2, ts, method, url, ct, api, null, data.base64];
    }
    case "http-response": {
      const { conn, status } = ev;
      if (typeof status !== "number") return undefined;
      if (data === undefined) return [conn, 3, ts, status, ct];
      return "text" in data ? [conn, 3, ts, status, ct, data.text] : [conn, 3, ts, status, ct, null, data.base64];
    }
    default:
      return undefined;
  }
}

/** A known HttpApi (a plain loop: the hook runs among page scripts that may patch Array methods). */
function isApi(v: unknown): v is HttpApi {
  for (let i = 0; i < HTTP_APIS.length; i++) if (HTTP_APIS[i] === v) return true;
  return false;
}

/** The body part of a compact item from index `i` on: undefined when absent, null when malformed. */
function bodyAt(x: unknown[], i: number): CaptureData | undefined | null {
  if (x.length === i) return undefined;
  if (x.length === i + 1) return typeof x[i] === "string" ? { text: x[i] as string } : null;
  if (x.length === i + 2) return x[i] === null && typeof x[i + 1] === "string" ? { base64: x[i + 1] as string } : null;
  return null;
}

/** What a document's relative compact items are relative to (see the top of this file). */
export interface DocBase {
  /** The document's connection-id prefix: a relative item's conn `n` is `${prefix}.${n in base 36}`. */
  prefix: string;
  /** The document's clock origin, in whole epoch microseconds: a relative `ts` t is `(originUs + t) / 1000` ms. */
  originUs: number;
}

const PREFIX = /^[0-9a-z]{1,16}$/;

/** `v` as a DocBase, or undefined when it is not a well-formed one. */
export function asDocBase(v: unknown): DocBase | undefined {
  if (typeof v !== "object" || v === null) return undefined;
  const { prefix, originUs } = v as { prefix?: unknown; originUs?: unknown };
  return typeof prefix === "string" && PREFIX.test(prefix) && Number.isSafeInteger(originUs) ? { prefix, originUs: originUs as number } : undefined;
}

export function sameBase(a: DocBase | undefined, b: DocBase | undefined): boolean {
  return a === b || (a !== undefined && b !== undefined && a.prefix === b.prefix && a.originUs === b.originUs);
}

/** The text the hook dispatches for one batch: its document's base, then the batch's JSON. */
export function hookBatchText(base: DocBase, json: string): string {
  return base.prefix + "|" + base.originUs + "|" + json;
}

/**
 * A hook batch's text split into its base and its JSON array text. Text without the header (a
 * bare JSON array: what the page itself may dispatch) has no base; a malformed header leaves
 * the whole text as the "JSON", which then fails to parse like any other bad batch.
 */
export function splitHookBatch(detail: string): { base?: DocBase; json: string } {
  if (detail.startsWith("[")) return { json: detail };
  const i = detail.indexOf("|");
  const j = i < 0 ? -1 : detail.indexOf("|", i + 1);
  if (j < 0) return { json: detail };
  const base = asDocBase({ prefix: detail.slice(0, i), originUs: Number(detail.slice(i + 1, j)) });
  return base && /^\d+$/.test(detail.slice(i + 1, j)) ? { base, json: detail.slice(j + 1) } : { json: detail };
}

/** The connection id and epoch-ms time of a compact item (null when malformed or relative without a base). */
function idAndTime(conn: unknown, ts: unknown, base: DocBase | undefined): [string, number] | null {
  if (typeof ts !== "number" || !Number.isFinite(ts)) return null;
  if (typeof conn === "string") return [conn, ts];
  if (!base || typeof conn !== "number" || !Number.isSafeInteger(conn) || conn < 0) return null;
  return [base.prefix + "." + conn.toString(36), (base.originUs + ts) / 1000];
}

/**
 * One item of a batch as a capture event: a compact item becomes the event it stands for (null
 * when it is not a well-formed one, or is relative and `base` is missing), anything else is
 * returned unchanged for the caller's own checks.
 */
export function expandEvent(x: unknown, base?: DocBase): unknown {
  if (!Array.isArray(x)) return x;
  const kind: unknown = x[1];
  const it = idAndTime(x[0], x[2], base);
  if (!it) return null;
  const [conn, ts] = it;
  if (kind === 0 || kind === 1) {
    const data = bodyAt(x, 3);
    if (!data) return null;
    const ev: WsFrameEvent = { type: "ws-frame", conn, dir: kind === 1 ? "in" : "out", v: CAPTURE_VERSION, ts, data };
    return ev;
  }
  if (kind === 2) {
    const [, , , method, url, ct, api] = x as unknown[];
    const data = bodyAt(x, 7);
    if (typeof method !== "string" || typeof url !== "string" || (ct !== null && typeof ct !== "string") || (api !== null && !isApi(api)) || data === null) return null;
    const ev: { -readonly [K in keyof HttpRequestEvent]: HttpRequestEvent[K] } = { type: "http-request", conn, method, url, v: CAPTURE_VERSION, ts };
    if (ct !== null) ev.contentType = ct;
    if (api !== null) ev.api = api;
    if (data) ev.body = data;
    return ev;
  }
  if (kind === 3) {
    const [, , , status, ct] = x as unknown[];
    const data = bodyAt(x, 5);
    if (typeof status !== "number" || (ct !== null && typeof ct !== "string") || data === null) return null;
    const ev: { -readonly [K in keyof HttpResponseEvent]: HttpResponseEvent[K] } = { type: "http-response", conn, status, v: CAPTURE_VERSION, ts };
    if (ct !== null) ev.contentType = ct;
    if (data) ev.body = data;
    return ev;
  }
  return null;
}

/** A hook batch's text as capture events (what tests read from the page; malformed items are null). */
export function readHookBatch(detail: string): unknown[] {
  const { base, json } = splitHookBatch(detail);
  try {
    const list: unknown = JSON.parse(json);
    return Array.isArray(list) ? list.map((x) => expandEvent(x, base)) : [];
  } catch {
    return [];
  }
}

// ---- the relay's question about a hook batch (extension/content/relay.ts)

/** An event in object form that is socket traffic (ws-open, http-error, wt-chunk…). */
const TRAFFIC = /"type":"(?:ws|http|wt)-/;
/** A relative compact item after another item (`},[12,` / `],[12,`). */
const RELATIVE_AFTER = /[}\]],\[\d/;
/**
 * Whether a hook batch (its text, header included) holds anything but the document's own
 * "page" event: socket traffic worth waking the background for. WebSocket frames and HTTP
 * exchanges travel as arrays (above): the batch starts with one, or one follows an event
 * (`},["`, `],["`; `"` is escaped inside JSON strings, so neither sequence can come from a URL
 * or payload). A relative item after an event (`},[3,`) could also be spelt by a page's URL,
 * which only wakes the background once for nothing. Any event after the page event (`},{"`) is
 * traffic too: the page event comes once, first.
 */
export function hasTraffic(detail: string): boolean {
  const json = splitHookBatch(detail).json;
  return json.startsWith("[[") || json.includes('},["') || json.includes('],["') || json.includes('},{"') || RELATIVE_AFTER.test(json) || TRAFFIC.test(json);
}
