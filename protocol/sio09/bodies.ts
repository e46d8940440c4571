// HTTP body wrappers of the 0.9 transports, around the payload text (socket.io 0.9.19
// lib/transports/{jsonp-polling,htmlfile,http}.js, client 0.9.16 jsonp-polling.js):
//   jsonp-polling GET   io.j[<i>](<JSON string>);            (i from `&i=`, default 0)
//   handshake (JSONP)   io.j[<n>]("sid:hb:close:transports");  or  io.j[<n>](new Error("…"));
//   htmlfile GET        <html><body><script>var _ = …</script> + spaces, then one
//                       <script>_(<JSON string with "/" written "\/">);</script> per write
//   jsonp-polling POST  form field d = JSON.stringify(payload), form-urlencoded
//   any POST reply      200, body `1` (not a payload)
// Nothing here evaluates script: the JS string literal is read by a scanner and JSON.parse.
import { decodeError, type DecodeError } from "../types.ts";

export type Sio09BodyKind = "jsonp" | "htmlfile" | "form";

export type Sio09Jsonp =
  | { index: number; value: string }
  /** `io.j[n](new Error("…"));`: a failed JSONP handshake. */
  | { index: number; error: string };

/** End index (exclusive) of the JSON string literal starting with `"` at `start`, or -1. */
function scanJsonString(s: string, start: number): number {
  if (s.charCodeAt(start) !== 34) return -1;
  for (let i = start + 1; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 92) i++;
    else if (c === 34) return i + 1;
  }
  return -1;
}

function parseJsonString(lit: string): string | null {
  try {
    const v: unknown = JSON.parse(lit);
    return typeof v === "string" ? v : null;
  } catch {
    return null;
  }
}

function skipWs(s: string, i: number): number {
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13) i++;
    else break;
  }
  return i;
}

const JSONP_HEAD = /^\s*io\.j\[(\d{1,15})\]\(/;

/** Reads `io.j[N]("…");` or `io.j[N](new Error("…"));`. */
export function parseSio09Jsonp(body: string): Sio09Jsonp | DecodeError {
  if (typeof body !== "string") return decodeError("sio09", "JSONP body is not text", 0, String(body));
  const m = JSONP_HEAD.exec(body);
  if (!m) return decodeError("sio09", "not an io.j[N](…) JSONP body", 0, body);
  const index = Number(m[1]);
  let i = m[0].length;
  let result: Sio09Jsonp;
  if (body.startsWith('new Error("', i)) {
    // the server writes the message raw between quotes (fixed texts such as "handshake error")
    const start = i + 11;
    const close = body.indexOf('")', start);
    if (close < 0) return decodeError("sio09", "unterminated new Error(\"…\") in JSONP body", start, body);
    result = { index, error: body.slice(start, close) };
    i = close + 2;
  } else {
    const end = scanJsonString(body, i);
    if (end < 0) return decodeError("sio09", "JSONP argument is not a complete string literal", i, body);
    const value = parseJsonString(body.slice(i, end));
    if (value === null) return decodeError("sio09", "JSONP argument is not a valid JSON string", i, body);
    result = { index, value };
    i = end;
  }
  if (body.charCodeAt(i) !== 41 /* ) */) return decodeError("sio09", "expected ')' after the JSONP argument", i, body);
  i = skipWs(body, i + 1);
  if (body.charCodeAt(i) === 59 /* ; */) i = skipWs(body, i + 1);
  if (i !== body.length) return decodeError("sio09", "trailing text after the JSONP call", i, body);
  return result;
}

export interface Sio09HtmlfileResult {
  /** One payload per `<script>_("…");</script>` chunk, in order. */
  payloads: string[];
  errors: DecodeError[];
  /** An incomplete last chunk (the response is a never-ending stream), "" when none. */
  rest: string;
}

const CHUNK_HEAD = "<script>_(";
const CHUNK_TAIL = ");</script>";

/** Splits an htmlfile stream (preamble, then script chunks) into payloads. */
export function unwrapSio09Htmlfile(body: string): Sio09HtmlfileResult {
  const out: Sio09HtmlfileResult = { payloads: [], errors: [], rest: "" };
  if (typeof body !== "string") {
    out.errors.push(decodeError("sio09", "htmlfile body is not text", 0, String(body)));
    return out;
  }
  let pos = 0;
  let first = true;
  while (pos < body.length) {
    const at = body.indexOf(CHUNK_HEAD, pos);
    const gapEnd = at < 0 ? body.length : at;
    const gap = body.slice(pos, gapEnd);
    // the preamble `<html><body><script>var _ = …</script>` + spaces, possibly cut short
    const isPreamble = first && (/^\s*<html/i.test(gap) || (at < 0 && "<html".startsWith(gap.trimStart().toLowerCase())));
    if (!isPreamble && gap.trim() !== "") {
      if (at < 0 && CHUNK_HEAD.startsWith(gap.trimStart())) {
        out.rest = gap.trimStart(); // a chunk cut short right in its opening tag
      } else {
        out.errors.push(decodeError("sio09", "unexpected text between htmlfile chunks", 0, gap));
      }
    }
    first = false;
    if (at < 0) break;
    const litStart = at + CHUNK_HEAD.length;
    const end = scanJsonString(body, litStart);
    if (end < 0) {
      out.rest = body.slice(at);
      break;
    }
    if (!body.startsWith(CHUNK_TAIL, end)) {
      const tail = body.slice(end);
      if (CHUNK_TAIL.startsWith(tail)) {
        out.rest = body.slice(at);
        break;
      }
      const next = body.indexOf(CHUNK_HEAD, end);
      const stop = next < 0 ? body.length : next;
      out.errors.push(decodeError("sio09", "htmlfile chunk does not end with );</script>", end - at, body.slice(at, stop)));
      pos = stop;
      continue;
    }
    const value = parseJsonString(body.slice(litStart, end));
    if (value === null) {
      out.errors.push(decodeError("sio09", "htmlfile chunk argument is not a valid JSON string", CHUNK_HEAD.length, body.slice(at, end + CHUNK_TAIL.length)));
    } else {
      out.payloads.push(value);
    }
    pos = end + CHUNK_TAIL.length;
  }
  return out;
}

/** The payload of a jsonp-polling form POST (`d=<JSON string>`, form-urlencoded). */
export function parseSio09Form(body: string): string | DecodeError {
  if (typeof body !== "string") return decodeError("sio09", "form body is not text", 0, String(body));
  let d: string | null;
  try {
    d = new URLSearchParams(body).get("d");
  } catch {
    d = null;
  }
  if (d === null) return decodeError("sio09", "form body has no d field", 0, body);
  const v = parseJsonString(d);
  if (v === null) return decodeError("sio09", "form field d is not a JSON string", body.indexOf("d=") + 2, body);
  return v;
}

/**
 * Payload texts inside a transport body: jsonp → [payload], htmlfile → one per chunk,
 * form → [payload]. A DecodeError when the wrapper is malformed (an htmlfile stream cut
 * short in its last chunk is not an error: use unwrapSio09Htmlfile to see the rest).
 */
export function unwrapSio09Body(body: string, kind: Sio09BodyKind): string[] | DecodeError {
  if (kind === "jsonp") {
    const r = parseSio09Jsonp(body);
    if ("kind" in r) return r;
    if ("error" in r) return decodeError("sio09", `JSONP error: ${r.error}`, 0, body);
    return [r.value];
  }
  if (kind === "htmlfile") {
    const r = unwrapSio09Htmlfile(body);
    if (r.errors.length > 0) return r.errors[0]!;
    return r.payloads;
  }
  if (kind === "form") {
    const r = parseSio09Form(body);
    return typeof r === "string" ? [r] : r;
  }
  return decodeError("sio09", `unknown body kind ${String(kind)}`, 0, typeof body === "string" ? body : "");
}

/** True for the reply to a 0.9 POST (xhr-polling, jsonp-polling, htmlfile): 200 with body `1`. */
export function isSio09PostOk(body: string | Uint8Array | undefined | null, status = 200): boolean {
  if (status !== 200 || body === undefined || body === null) return false;
  if (typeof body === "string") return body === "1";
  return body.length === 1 && body[0] === 0x31;
}
