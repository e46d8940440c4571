// HTTP-level replies of the polling transports (PROTOCOL.md 6). These are not payloads and
// must never reach the payload decoder: `ok` POST acknowledgements, `{code,message}` errors,
// 413, raw-text 400 on refused WebSocket upgrades, and anything else that is not a 200 GET.
import { utf8Decode } from "../bytes.ts";

export type HttpReply =
  | { kind: "payload" }
  | { kind: "post-ok" }
  | { kind: "eio-error"; code: number; name: string; message: string; status: number }
  | { kind: "too-large"; status: 413 }
  | { kind: "http-error"; status: number; text: string };

/** engine.io Server.errorMessages (codes 0-3 since 1.x, 4 since 3.x, 5 since 4.1). */
export const EIO_ERROR_NAMES: Readonly<Record<number, string>> = {
  0: "Transport unknown",
  1: "Session ID unknown",
  2: "Bad handshake method",
  3: "Bad request",
  4: "Forbidden",
  5: "Unsupported protocol version",
};

export interface ClassifyHint {
  /** "sio09": a POST answered `1` is an acknowledgement too (Socket.IO 0.9). */
  family?: "eio" | "sio09";
}

/**
 * Classify one polling HTTP exchange by its response. `method` is the request method.
 * A 200 GET is a payload; a 200 POST is `post-ok` when the body is `ok` (or `1` with the
 * sio09 hint) and an `http-error` otherwise (a POST reply is never a payload); a 200 to any
 * other method (OPTIONS preflight, HEAD) is an `http-error` too.
 */
export function classifyHttpReply(
  status: number,
  contentType: string | undefined,
  body: string | Uint8Array | undefined,
  method: string,
  hint: ClassifyHint = {},
): HttpReply {
  const text = body === undefined ? "" : typeof body === "string" ? body : body instanceof Uint8Array ? utf8Decode(body) : "";
  const m = typeof method === "string" ? method.toUpperCase() : "";
  if (status === 200) {
    // only a GET carries a payload: a CORS preflight (OPTIONS) or HEAD answer never does
    if (m === "GET") return { kind: "payload" };
    if (m !== "POST") return { kind: "http-error", status, text };
    const t = text.trim();
    if (t === "ok" || (hint.family === "sio09" && t === "1")) return { kind: "post-ok" };
    return { kind: "http-error", status, text };
  }
  if (status === 413) return { kind: "too-large", status: 413 };
  if (status === 400 || status === 403) {
    const err = parseErrorBody(text, contentType);
    if (err) return { ...err, status };
  }
  return { kind: "http-error", status, text };
}

function parseErrorBody(text: string, contentType: string | undefined): { kind: "eio-error"; code: number; name: string; message: string } | null {
  const t = text.trim();
  if (t.charCodeAt(0) !== 123 /* { */ && !(contentType ?? "").toLowerCase().includes("json")) return null;
  let v: unknown;
  try {
    v = JSON.parse(t);
  } catch {
    return null;
  }
  if (typeof v !== "object" || v === null || Array.isArray(v)) return null;
  const o = v as { code?: unknown; message?: unknown };
  if (typeof o.code !== "number" || !Number.isInteger(o.code)) return null;
  const name = EIO_ERROR_NAMES[o.code] ?? `Unknown error code ${o.code}`;
  return { kind: "eio-error", code: o.code, name, message: typeof o.message === "string" ? o.message : name };
}
