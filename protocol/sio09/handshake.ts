// The 0.9 handshake reply (socket.io 0.9.19 lib/manager.js handleHandshake):
//   200 `<sid>:<heartbeat timeout s>:<close timeout s>:<transport,list>` (empty heartbeat = disabled)
//   JSONP (`&jsonp=<n>`): 200 `io.j[<n>]("<same>");` or `io.j[<n>](new Error("<message>"));`
//   403 `handshake unauthorized` / `handshake bad origin`, 500 `handshake error`,
//   500 `Protocol version not supported.` (path number ≠ 1), 200 `Welcome to socket.io.` (bare resource)
import { decodeError, type DecodeError } from "../types.ts";
import { parseSio09Jsonp } from "./bodies.ts";

export interface Sio09Handshake {
  sid: string;
  /** Seconds; null = heartbeats disabled (empty field). */
  heartbeatTimeout: number | null;
  /** Seconds; null when the field is empty. */
  closeTimeout: number | null;
  transports: string[];
}

export type Sio09HandshakeReply =
  | { kind: "ok"; handshake: Sio09Handshake; jsonp?: number }
  /** The server refused: `handshake unauthorized`, `handshake bad origin`, `handshake error`, … */
  | { kind: "refused"; status: number; message: string; jsonp?: number }
  /** `200 Welcome to socket.io.`: the bare resource URL, not a handshake. */
  | { kind: "welcome" }
  /** `500 Protocol version not supported.`: the path number was not 1. */
  | { kind: "unsupported-protocol" }
  | { kind: "http-error"; status: number; text: string }
  | DecodeError;

const FAILURES = ["handshake unauthorized", "handshake bad origin", "handshake error"];
const DECIMAL = /^[0-9]{1,15}$/;

function parsePlain(text: string, raw: string, offset: number): Sio09Handshake | DecodeError {
  const body = text.trim();
  if (FAILURES.includes(body)) return decodeError("sio09", `handshake failed: ${body}`, offset, raw);
  const f = body.split(":");
  if (f.length !== 4) return decodeError("sio09", "handshake body is not sid:heartbeat:close:transports", offset, raw);
  const [sid, hb, close, transports] = f as [string, string, string, string];
  if (sid === "" || /\s/.test(sid)) return decodeError("sio09", "handshake sid is empty or has spaces", offset, raw);
  if (hb !== "" && !DECIMAL.test(hb)) {
    return decodeError("sio09", "handshake heartbeat timeout is not a number", offset + sid.length + 1, raw);
  }
  if (close !== "" && !DECIMAL.test(close)) {
    return decodeError("sio09", "handshake close timeout is not a number", offset + sid.length + hb.length + 2, raw);
  }
  return {
    sid,
    heartbeatTimeout: hb === "" ? null : Number(hb),
    closeTimeout: close === "" ? null : Number(close),
    transports: transports === "" ? [] : transports.split(","),
  };
}

/** The success body of a handshake, plain or JSONP-wrapped. */
export function parseSio09Handshake(body: string): Sio09Handshake | DecodeError {
  if (typeof body !== "string") return decodeError("sio09", "handshake body is not text", 0, String(body));
  if (/^\s*io\.j\[/.test(body)) {
    const j = parseSio09Jsonp(body);
    if ("kind" in j) return j;
    if ("error" in j) return decodeError("sio09", `handshake failed: ${j.error}`, 0, body);
    return parsePlain(j.value, body, 0);
  }
  return parsePlain(body, body, 0);
}

/** Classifies the whole HTTP reply to a 0.9 handshake request. */
export function parseSio09HandshakeReply(status: number, body: string | undefined): Sio09HandshakeReply {
  const text = typeof body === "string" ? body : "";
  const trimmed = text.trim();
  if (/^\s*io\.j\[/.test(text)) {
    const j = parseSio09Jsonp(text);
    if ("kind" in j) return j;
    if ("error" in j) return { kind: "refused", status, message: j.error, jsonp: j.index };
    const h = parsePlain(j.value, text, 0);
    if ("kind" in h) {
      if (FAILURES.includes(j.value.trim())) return { kind: "refused", status, message: j.value.trim(), jsonp: j.index };
      return h;
    }
    return { kind: "ok", handshake: h, jsonp: j.index };
  }
  if (trimmed === "Welcome to socket.io.") return { kind: "welcome" };
  if (trimmed === "Protocol version not supported.") return { kind: "unsupported-protocol" };
  if (status !== 200) {
    if (status === 403 || status === 500) return { kind: "refused", status, message: trimmed };
    return { kind: "http-error", status, text };
  }
  const h = parsePlain(text, text, 0);
  if ("kind" in h) {
    if (FAILURES.includes(trimmed)) return { kind: "refused", status, message: trimmed };
    return h;
  }
  return { kind: "ok", handshake: h };
}
