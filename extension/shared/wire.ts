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
// An event as an object (`{"type":"ws-frame","conn":…,"dir":…,"v":1,"ts":…,"data":{"text":…}}`)
// is ~50 characters of field names around its data, and every extension message carries its JSON
// as an escaped string again (relay → background, background → storage, background → panel): on
// a small-message flood that framing was more than half of all the bytes. Everything that reads
// a batch goes through `expandEvent`, which turns the compact forms back into the objects and
// leaves anything else as it is; what the page cannot get right (a malformed compact item) comes
// back as null, and the caller skips it as it skips any other malformed event. Events with a
// field the compact forms lack (e.g. `bodyUnavailable`) travel as objects.
import { CAPTURE_VERSION, type CaptureData, type HttpRequestEvent, type HttpResponseEvent, type WsFrameEvent } from "../../protocol/capture.ts";

export type CompactFrame = [conn: string, dir: 0 | 1, ts: number, text: string] | [conn: string, dir: 0 | 1, ts: number, text: null, base64: string];

/** The compact form of a WebSocket frame (see the top of this file). */
export function compactFrame(conn: string, dir: "in" | "out", ts: number, data: CaptureData): CompactFrame {
  const d = dir === "in" ? 1 : 0;
  return "text" in data ? [conn, d, ts, data.text] : [conn, d, ts, null, data.base64];
}

type Body = [] | [text: string] | [text: null, base64: string];
export type CompactHttpRequest = [conn: string, kind: 2, ts: number, method: string, url: string, contentType: string | null, ...body: Body];
export type CompactHttpResponse = [conn: string, kind: 3, ts: number, status: number, contentType: string | null, ...body: Body];
export type Compact = CompactFrame | CompactHttpRequest | CompactHttpResponse;

/**
 * The compact form of an event the hook is about to send (its body or frame data passed apart,
 * already encoded), or undefined when it has none (other kinds, or a field the form lacks).
 */
export function compactEvent(ev: { type: string; conn: string; ts?: unknown; [k: string]: unknown }, data: CaptureData | undefined): Compact | undefined {
  const ts = ev.ts;
  if (typeof ts !== "number" || ev.bodyUnavailable !== undefined) return undefined;
  const ct = typeof ev.contentType === "string" ? ev.contentType : null;
  switch (ev.type) {
    case "ws-frame":
      return data === undefined ? undefined : compactFrame(ev.conn, ev.dir === "in" ? "in" : "out", ts, data);
    // array literals only (no spread): the hook runs among page scripts that may patch iterators
    case "http-request": {
      const { conn, method, url } = ev;
      if (typeof method !== "string" || typeof url !== "string") return undefined;
      if (data === undefined) return [conn, 2, ts, method, url, ct];
      return "text" in data ? [conn, 2, ts, method, url, ct, data.text] : [conn, 2, ts, method, url, ct, null, data.base64];
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

/** The body part of a compact item from index `i` on: undefined when absent, null when malformed. */
function bodyAt(x: unknown[], i: number): CaptureData | undefined | null {
  if (x.length === i) return undefined;
  if (x.length === i + 1) return typeof x[i] === "string" ? { text: x[i] as string } : null;
  if (x.length === i + 2) return x[i] === null && typeof x[i + 1] === "string" ? { base64: x[i + 1] as string } : null;
  return null;
}

/**
 * One item of a batch as a capture event: a compact item becomes the event it stands for (null
 * when it is not a well-formed one), anything else is returned unchanged for the caller's own
 * checks.
 */
export function expandEvent(x: unknown): unknown {
  if (!Array.isArray(x)) return x;
  const conn: unknown = x[0];
  const kind: unknown = x[1];
  const ts: unknown = x[2];
  if (typeof conn !== "string" || typeof ts !== "number") return null;
  if (kind === 0 || kind === 1) {
    const data = bodyAt(x, 3);
    if (!data) return null;
    const ev: WsFrameEvent = { type: "ws-frame", conn, dir: kind === 1 ? "in" : "out", v: CAPTURE_VERSION, ts, data };
    return ev;
  }
  if (kind === 2) {
    const [, , , method, url, ct] = x as unknown[];
    const data = bodyAt(x, 6);
    if (typeof method !== "string" || typeof url !== "string" || (ct !== null && typeof ct !== "string") || data === null) return null;
    const ev: { -readonly [K in keyof HttpRequestEvent]: HttpRequestEvent[K] } = { type: "http-request", conn, method, url, v: CAPTURE_VERSION, ts };
    if (ct !== null) ev.contentType = ct;
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

// ---- the relay's question about a hook batch (extension/content/relay.ts)

/** An event in object form that is socket traffic (ws-open, http-error, wt-chunk…). */
const TRAFFIC = /"type":"(?:ws|http|wt)-/;
/**
 * Whether a batch holds anything but the document's own "page" event: socket traffic worth
 * waking the background for. WebSocket frames and HTTP exchanges travel as arrays
 * (above): the batch starts with one, or one follows an event (`},["`, `],["`);
 * `"` is escaped inside JSON strings, so neither sequence can come from a URL or payload.
 * Any event after the page event (`},{"`) is traffic too: the page event comes once, first.
 */
export function hasTraffic(detail: string): boolean {
  return detail.startsWith("[[") || detail.includes('},["') || detail.includes('],["') || detail.includes('},{"') || TRAFFIC.test(detail);
}
