// JSONP polling bodies (PROTOCOL.md 4.5, rev 3 and 4): the GET response
// `___eio[N]("<payload as a JSON string>");` and the POST form body `d=<payload>`.
// Both unwrap to the text payload of the revision, decoded by the caller.
import { decodeError, type DecodeError } from "../types.ts";

const JSONP_PREFIX = /^\s*___eio\[\d*\]\s*$/;

/**
 * `___eio[N]("…");` → the inner payload string. The body is parsed with JSON.parse (never
 * evaluated); the server's `\u2028`/`\u2029` escapes are ordinary JSON escapes.
 */
export function unwrapJsonp(body: string): string | DecodeError {
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
  if (typeof v !== "string") return decodeError("eio", "JSONP argument is not a string", open + 1, body);
  return v;
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
