// HAR → capture events. Chrome DevTools' export (with `_webSocketMessages`: opcode 1 text,
// opcode 2 base64 binary; base64 response bodies; postData) and HAR from other tools
// (Firefox's has no WebSocket messages, so only its polling traffic is seen).
//
// Pure: takes the file's text (or its parsed JSON) and never throws; a malformed, truncated
// or foreign file yields `{ error }` with one line naming what is wrong.
import { CAPTURE_VERSION, type CaptureData, type CaptureEvent, type HttpApi } from "../capture.ts";
import { detectFromUrl, type UrlShape } from "../detect.ts";
import { parseSio09Handshake } from "../sio09/handshake.ts";
import { isDecodeError } from "../types.ts";

export interface HarImport {
  events: CaptureEvent[];
  /** Per-entry problems that did not stop the import (skipped entries, unreadable bodies). */
  warnings: string[];
  /** `creator.name creator.version` from the file, when present. */
  creator: string | null;
  /** Number of HAR entries read (all of them, protocol or not). */
  entries: number;
  /** WebSocket entries that carried no messages (e.g. a Firefox export). */
  websocketsWithoutMessages: number;
}

export type HarImportResult = HarImport | { error: string };

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}

function num(v: unknown): number | undefined {
  return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}

/** One line for a JSON.parse failure: truncated vs malformed, with the position. */
function jsonProblem(text: string, e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  if (/end of (JSON )?input|Unterminated|Unexpected end/i.test(msg)) {
    return `truncated HAR: the JSON ends before it is complete (${text.length} characters read)`;
  }
  const m = /position (\d+)/.exec(msg);
  let where = "";
  if (m) {
    const pos = Number(m[1]);
    const before = text.slice(0, pos);
    const line = before.split("\n").length;
    const col = pos - before.lastIndexOf("\n");
    where = ` at line ${line}, column ${col}`;
    if (pos >= text.trimEnd().length - 1) return `truncated HAR: the JSON ends before it is complete (${text.length} characters read)`;
  }
  return `not valid JSON${where}: ${msg.split("\n")[0]!.slice(0, 160)}`;
}

function looksBinary(text: string): boolean {
  const n = Math.min(text.length, 512);
  let bad = 0;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if ((c < 9 || (c > 13 && c < 32)) && c !== 27) bad++;
    if (c === 0xfffd) bad++;
  }
  return n > 0 && bad / n > 0.05;
}

/** Parse a HAR file's text (or already-parsed JSON). */
export function importHar(input: string | unknown): HarImportResult {
  let doc: unknown = input;
  if (typeof input === "string") {
    const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
    if (text.trim() === "") return { error: "empty file: expected a HAR (JSON) document" };
    if (looksBinary(text)) return { error: "not a HAR file: the file is binary, expected JSON text" };
    const t0 = text.trimStart()[0];
    if (t0 !== "{" && t0 !== "[") return { error: `not a HAR file: expected a JSON object, the file starts with ${JSON.stringify(text.trimStart().slice(0, 20))}` };
    try {
      doc = JSON.parse(text);
    } catch (e) {
      return { error: jsonProblem(text, e) };
    }
  }
  if (Array.isArray(doc)) return fromCaptureArray(doc);
  if (!isObj(doc)) return { error: "not a HAR file: the JSON is not an object" };
  if (Array.isArray(doc.events) && !isObj(doc.log)) return fromCaptureArray(doc.events);
  const log = doc.log;
  if (!isObj(log)) {
    const keys = Object.keys(doc).slice(0, 6).join(", ");
    return { error: `not a HAR file: no "log" object at the top level${keys ? ` (found: ${keys})` : ""}` };
  }
  if (!Array.isArray(log.entries)) return { error: 'not a HAR file: "log.entries" is missing or not an array' };
  const creator = isObj(log.creator) ? [str(log.creator.name), str(log.creator.version)].filter(Boolean).join(" ") || null : null;
  const out: { ev: CaptureEvent; order: number }[] = [];
  const warnings: string[] = [];
  let order = 0;
  let wsNoMsg = 0;
  const push = (ev: CaptureEvent) => out.push({ ev, order: order++ });
  log.entries.forEach((entry: unknown, i: number) => {
    const r = entryEvents(entry, i, push, warnings);
    if (r === "ws-no-messages") wsNoMsg++;
  });
  if (log.entries.length > 0 && out.length === 0) {
    return { error: `not a usable HAR file: none of its ${log.entries.length} entries could be read (${warnings[0] ?? "no request data"})` };
  }
  // Time order across connections; ties keep file order (request before response, frames in order).
  out.sort((a, b) => a.ev.ts - b.ev.ts || a.order - b.order);
  causalOrder(out);
  return { events: out.map((o) => o.ev), warnings, creator, entries: log.entries.length, websocketsWithoutMessages: wsNoMsg };
}

const OPEN_SID = /^(?:\d+:)?0\{"sid":"([^"]+)"/;

/** The sid a handshake reply announces (Engine.IO open packet, or a 0.9 `sid:hb:close:transports` body). */
function announcedSid(shape: UrlShape, ev: CaptureEvent & { type: "http-response" }): string | null {
  if (!ev.body || !("text" in ev.body)) return null;
  if (shape.family === "eio") return OPEN_SID.exec(ev.body.text)?.[1] ?? null;
  const r = parseSio09Handshake(ev.body.text);
  return isDecodeError(r) ? null : r.sid;
}

/**
 * HAR times have millisecond resolution (startedDateTime) while a client sends its first
 * request with the new sid (or opens its WebSocket) within the same millisecond as the
 * handshake reply arrives, so a sort by time can put that request first. Move any request or
 * socket carrying a sid that is still unknown right after the handshake reply that announces
 * it. Both families: Engine.IO (`?sid=`) and 0.9 (`/1/<transport>/<sid>`).
 */
function causalOrder(out: { ev: CaptureEvent; order: number }[]): void {
  const announced = new Map<string, number>(); // sid → index of the handshake reply
  const handshakes = new Map<string, UrlShape>(); // conns of handshake requests (no sid)
  const carriers = new Map<number, string>(); // index of a request/socket → the sid it carries
  for (let i = 0; i < out.length; i++) {
    const ev = out[i]!.ev;
    if (ev.type === "http-request" || ev.type === "ws-open") {
      const shape = detectFromUrl(ev.url);
      if (!shape) continue;
      if (shape.sid !== undefined) carriers.set(i, shape.sid);
      else if (ev.type === "http-request" && (shape.family === "eio" || shape.kind === "handshake")) handshakes.set(ev.conn, shape);
    } else if (ev.type === "http-response") {
      const shape = handshakes.get(ev.conn);
      const sid = shape ? announcedSid(shape, ev) : null;
      if (sid !== null && !announced.has(sid)) announced.set(sid, i);
    }
  }
  if (announced.size === 0) return;
  // conn → the reply it must follow
  const follow = new Map<string, number>();
  for (const [i, sid] of carriers) {
    const at = announced.get(sid);
    // Only within a few milliseconds: a real gap means the handshake was elsewhere.
    if (at !== undefined && at > i && out[at]!.ev.ts - out[i]!.ev.ts <= 5) follow.set(out[i]!.ev.conn, at);
  }
  if (follow.size === 0) return;
  let k = 0;
  for (let i = 0; i < out.length; i++) {
    const o = out[i]!;
    const at = follow.get(o.ev.conn);
    if (at === undefined || i > at) continue;
    const reply = out[at]!;
    o.ev = { ...o.ev, ts: reply.ev.ts } as CaptureEvent;
    o.order = reply.order + (++k) / 1e6;
  }
  out.sort((a, b) => a.ev.ts - b.ev.ts || a.order - b.order);
}

function fromCaptureArray(arr: unknown[]): HarImportResult {
  const events: CaptureEvent[] = [];
  const warnings: string[] = [];
  arr.forEach((e, i) => {
    if (isObj(e) && typeof e.type === "string" && typeof e.ts === "number" && typeof e.conn === "string") events.push(e as unknown as CaptureEvent);
    else warnings.push(`event ${i}: not a capture event`);
  });
  if (events.length === 0) return { error: "not a HAR file: a JSON array, but not of capture events" };
  return { events, warnings, creator: "socket-scope capture", entries: arr.length, websocketsWithoutMessages: 0 };
}

/**
 * The HttpApi of a Chrome HAR entry (`_resourceType`, CDP's resource type lowercased): a JSONP
 * POST is a form submitted into an iframe, so a "document". Nothing when the HAR does not say
 * (Firefox's) or says something else.
 */
function apiOf(type: unknown, method: string): { api?: HttpApi } {
  if (type === "xhr" || type === "fetch" || type === "script") return { api: type };
  if (type === "document" && method.toUpperCase() === "POST") return { api: "form" };
  return {};
}

function headerValue(headers: unknown, name: string): string | undefined {
  if (!Array.isArray(headers)) return undefined;
  const lower = name.toLowerCase();
  for (const h of headers) if (isObj(h) && str(h.name)?.toLowerCase() === lower) return str(h.value);
  return undefined;
}

function entryEvents(entry: unknown, i: number, push: (ev: CaptureEvent) => void, warnings: string[]): "ws-no-messages" | void {
  if (!isObj(entry)) {
    warnings.push(`entry ${i}: not an object`);
    return;
  }
  const req = entry.request;
  const res = isObj(entry.response) ? entry.response : null;
  if (!isObj(req) || typeof req.url !== "string") {
    warnings.push(`entry ${i}: no request.url`);
    return;
  }
  const url = req.url;
  const start = Date.parse(str(entry.startedDateTime) ?? "");
  if (!Number.isFinite(start)) {
    warnings.push(`entry ${i}: startedDateTime missing or invalid`);
    return;
  }
  const conn = `h${i}`;
  const base = { v: CAPTURE_VERSION, conn } as const;
  const frameUrl = str(entry.pageref);
  const withFrame = frameUrl !== undefined ? { frameUrl } : {};
  const total = Math.max(0, num(entry.time) ?? 0);
  const status = res ? (num(res.status) ?? 0) : 0;
  const messages = entry._webSocketMessages;
  const isWs = entry._resourceType === "websocket" || Array.isArray(messages) || status === 101 || /^wss?:/i.test(url);
  if (isWs) {
    const noMessages = !Array.isArray(messages);
    push({ ...base, ...withFrame, type: "ws-open", ts: start, url, ...(noMessages && status === 101 ? { framesUnavailable: true } : {}) });
    const wait = isObj(entry.timings) ? Math.max(0, num(entry.timings.wait) ?? 0) : 0;
    if (status === 101) push({ ...base, ...withFrame, type: "ws-opened", ts: start + wait });
    else if (!Array.isArray(messages) || messages.length === 0) {
      push({ ...base, ...withFrame, type: "ws-error", ts: start + total, message: status ? `handshake answered HTTP ${status}` : "handshake failed" });
      return;
    }
    if (!Array.isArray(messages) || messages.length === 0) return "ws-no-messages";
    messages.forEach((m: unknown, k: number) => {
      if (!isObj(m)) return;
      const dir = m.type === "send" ? "out" : m.type === "receive" ? "in" : null;
      const t = num(m.time);
      const opcode = num(m.opcode) ?? 1;
      const data = str(m.data);
      if (!dir || t === undefined || data === undefined) {
        warnings.push(`entry ${i}: WebSocket message ${k} lacks type, time or data`);
        return;
      }
      if (opcode !== 1 && opcode !== 2) return; // control frames carry no protocol data
      const d: CaptureData = opcode === 1 ? { text: data } : { base64: data };
      // Chrome writes seconds since the epoch; tolerate exporters that write milliseconds.
      const ts = t > 1e11 ? t : t * 1000;
      push({ ...base, ...withFrame, type: "ws-frame", ts, dir, data: d });
    });
    return;
  }
  const method = str(req.method) ?? "GET";
  const pd = isObj(req.postData) ? req.postData : null;
  const reqCt = (pd && str(pd.mimeType)) || headerValue(req.headers, "content-type");
  let body: CaptureData | undefined;
  let bodyUnavailable: string | undefined;
  if (pd) {
    const text = str(pd.text);
    if (text !== undefined) {
      if (pd.encoding === "base64") body = { base64: text };
      else if (reqCt && /octet-stream/i.test(reqCt) && text.includes("\ufffd")) bodyUnavailable = "binary request body was exported as lossy text";
      else body = { text };
    } else if (Array.isArray(pd.params) && pd.params.length) {
      // Form POST exported as params only (0.9 / EIO JSONP `d=`): rebuild the urlencoded body.
      const parts: string[] = [];
      for (const p of pd.params) if (isObj(p)) parts.push(`${encodeURIComponent(str(p.name) ?? "")}=${encodeURIComponent(str(p.value) ?? "")}`);
      body = { text: parts.join("&") };
    } else bodyUnavailable = "request body not saved in the HAR";
  } else if (method.toUpperCase() === "POST") bodyUnavailable = "request body not saved in the HAR";
  push({
    ...base,
    ...withFrame,
    type: "http-request",
    ts: start,
    method,
    url,
    ...apiOf(entry._resourceType, method),
    ...(reqCt ? { contentType: reqCt } : {}),
    ...(body ? { body } : {}),
    ...(bodyUnavailable ? { bodyUnavailable } : {}),
  });
  const end = start + total;
  const errText = str(entry._error) ?? (res ? str(res._error) : undefined);
  if (!res || status === 0) {
    // No status and no error: the request was still pending when the HAR was saved (a long poll).
    if (!errText) return;
    const abort = errText ? /ABORTED|cancel/i.test(errText) : false;
    push({ ...base, ...withFrame, type: "http-error", ts: end, reason: abort ? "abort" : "network", ...(errText ? { message: errText } : {}) });
    return;
  }
  const content = isObj(res.content) ? res.content : null;
  const resCt = (content && str(content.mimeType)) || headerValue(res.headers, "content-type");
  let rbody: CaptureData | undefined;
  let rUnavailable: string | undefined;
  if (content) {
    const text = str(content.text);
    if (text !== undefined) rbody = content.encoding === "base64" ? { base64: text } : { text };
    else if ((num(content.size) ?? 0) > 0) rUnavailable = "response body not saved in the HAR";
  }
  push({
    ...base,
    ...withFrame,
    type: "http-response",
    ts: end,
    status,
    ...(resCt ? { contentType: resCt } : {}),
    ...(rbody ? { body: rbody } : {}),
    ...(rUnavailable ? { bodyUnavailable: rUnavailable } : {}),
  });
}
