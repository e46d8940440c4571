// JSONP polling bodies (PROTOCOL.md 4.5, rev 3 and 4): the GET response
// `___eio[N]("<payload as a JSON string>");` and the POST form body `d=<payload>`.
// Both unwrap to the text payload of the revision, decoded by the caller.
import { decodeError, type DecodeError } from "../types.ts";

const JSONP_PREFIX = /^\s*___eio\[\d*\]\s*$/;

/**
 * `___eio[N]("…");` → the inner payload string. The body is parsed with JSON.parse (never
 * evaluated); the server's `\u2028`/`\u2029` escapes are ordinary JSON escapes. A JSON'd
 * Node Buffer argument comes back as its bytes (a rev 3 XHR2 binary payload).
 */
export function unwrapJsonp(body: string): string | Uint8Array | DecodeError {
  const open = body.indexOf("(");
  if (open < 0 || !JSONP_PREFIX.test(body.slice(0, open))) return decodeError("eio", "not a JSONP body (expected ___eio[N](…))", 0, body);
  let close = body.length - 1;
  while (close > open && isSpace(body.charCodeAt(close))) close--;
  if (body.charCodeAt(close) === 59 /* ; */) close--;
  while (close > open && isSpace(body.charCodeAt(close))) close--;
  if (close <= open || body.charCodeAt(close) !== 41 /* ) */) return decodeError("eio", "JSONP body without the closing ')'", close + 1, body);
  let v: unknown;
  try {
    v = JSON.parse(body.slice(open + 1, close));
  } catch {
    return decodeError("eio", "JSONP argument is not a JSON string", open + 1, body);
  }
  if (typeof v === "string") return v;
  const bytes = jsonBuffer(v);
  if (bytes) return bytes;
  return decodeError("eio", "JSONP argument is not a string", open + 1, body);
}

/**
 * engine.io 1.x–3.x answer a JSONP poll whose handshake lacked `b64=1` with an XHR2 binary
 * payload run through JSON.stringify: `{"type":"Buffer","data":[0,9,7,255,…]}` (seen with
 * the real servers). Real JSONP clients always send b64=1, but hand-made ones do not.
 */
function jsonBuffer(v: unknown): Uint8Array | null {
  if (typeof v !== "object" || v === null) return null;
  const o = v as { type?: unknown; data?: unknown };
  if (o.type !== "Buffer" || !Array.isArray(o.data)) return null;
  const out = new Uint8Array(o.data.length);
  for (let i = 0; i < o.data.length; i++) {
    const x: unknown = o.data[i];
    if (typeof x !== "number" || !(x >= 0 && x <= 255) || x !== Math.floor(x)) return null;
    out[i] = x;
  }
  return out;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

/**
 * The JSONP POST body `d=<urlencoded payload>` (application/x-www-form-urlencoded) → the
 * payload. The client turned every `\n` (backslash, n) into `\\n` and every LF into `\n`;
 * this reverses it with the server's own two passes (engine.io polling-jsonp onData).
 */
export function decodeFormBody(body: string): string | DecodeError {
  let value: string | null = null;
  let at = 0;
  for (const field of body.split("&")) {
    const eq = field.indexOf("=");
    const key = eq < 0 ? field : field.slice(0, eq);
    if (key === "d") {
      value = eq < 0 ? "" : field.slice(eq + 1);
      at += eq + 1;
      break;
    }
    at += field.length + 1;
  }
  if (value === null) return decodeError("eio", "form body without a d= field", 0, body);
  let d: string;
  try {
    d = decodeURIComponent(value.replace(/\+/g, " "));
  } catch {
    return decodeError("eio", "form field d is not valid percent-encoding", at, body);
  }
  return d.replace(/(\\)?\\n/g, (m, slashes: string | undefined) => (slashes ? m : "\n")).replace(/\\\\n/g, "\\n");
}

/** What the client does before submitting the form (engine.io-client polling-jsonp doWrite). */
export function escapeFormPayload(payload: string): string {
  return payload.replace(/\\n/g, "\\\\n").replace(/\n/g, "\\n");
}

/** JSONP GET body as the server writes it. */
export function wrapJsonp(payload: string, index = 0): string {
  const js = JSON.stringify(payload).replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
  return `___eio[${index}](${js});`;
}
