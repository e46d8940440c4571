// The capture event: the one format the extension hook produces, HAR import produces and
// test fixtures are stored in. It is the narrow waist between "what the browser saw" and
// "what the protocol engine makes of it". Keep it small, serialisable (JSON-safe: binary is
// base64, never a live object) and versioned: bump CAPTURE_VERSION on any breaking change.

export const CAPTURE_VERSION = 1 as const;

/** A frame or body: UTF-8 text as a JS string, or binary as standard base64. */
export type CaptureData = { readonly text: string } | { readonly base64: string };

interface CaptureBase {
  readonly v: typeof CAPTURE_VERSION;
  /** Milliseconds since the Unix epoch (fractional allowed). */
  readonly ts: number;
  /**
   * Connection id, unique within one capture: one WebSocket, one HTTP request/response
   * exchange, or one WebTransport session. Request and response of one exchange share it.
   */
  readonly conn: string;
  /** Frame the traffic came from (0 = top frame), when known. */
  readonly frameId?: number;
  /** URL of that frame's document, when known. */
  readonly frameUrl?: string;
}

export interface WsOpenEvent extends CaptureBase {
  readonly type: "ws-open";
  readonly url: string;
  readonly protocols?: readonly string[];
  /** The recorder could not see this socket's frames (e.g. a Firefox HAR): no frames is not silence. */
  readonly framesUnavailable?: boolean;
}
/** The WebSocket handshake completed (the `open` event fired). */
export interface WsOpenedEvent extends CaptureBase {
  readonly type: "ws-opened";
  readonly protocol?: string;
}
export interface WsFrameEvent extends CaptureBase {
  readonly type: "ws-frame";
  readonly dir: "out" | "in";
  readonly data: CaptureData;
}
export interface WsCloseEvent extends CaptureBase {
  readonly type: "ws-close";
  readonly code: number;
  readonly reason: string;
  readonly wasClean: boolean;
  /** Who started the close, when known ("page" = the app called close()). */
  readonly by?: "page" | "remote";
}
export interface WsErrorEvent extends CaptureBase {
  readonly type: "ws-error";
  readonly message?: string;
}
export interface HttpRequestEvent extends CaptureBase {
  readonly type: "http-request";
  readonly method: string;
  readonly url: string;
  readonly contentType?: string;
  /** Absent when the request had no body; `unavailable` when it had one we could not read. */
  readonly body?: CaptureData;
  readonly bodyUnavailable?: string;
}
export interface HttpResponseEvent extends CaptureBase {
  readonly type: "http-response";
  readonly status: number;
  readonly contentType?: string;
  readonly body?: CaptureData;
  readonly bodyUnavailable?: string;
}
/** The exchange ended without a response: aborted by the page, network failure, timeout. */
export interface HttpErrorEvent extends CaptureBase {
  readonly type: "http-error";
  readonly reason: "abort" | "network" | "timeout";
  readonly message?: string;
}
export interface WtOpenEvent extends CaptureBase {
  readonly type: "wt-open";
  readonly url: string;
}
/** Bytes written to ("out") or read from ("in") a WebTransport bidirectional stream. */
export interface WtChunkEvent extends CaptureBase {
  readonly type: "wt-chunk";
  readonly dir: "out" | "in";
  readonly stream: number;
  readonly data: CaptureData;
}
export interface WtCloseEvent extends CaptureBase {
  readonly type: "wt-close";
  readonly reason?: string;
}
/** A document started loading in a frame (navigation or reload). */
export interface PageEvent extends CaptureBase {
  readonly type: "page";
  readonly url: string;
}

export type CaptureEvent =
  | WsOpenEvent
  | WsOpenedEvent
  | WsFrameEvent
  | WsCloseEvent
  | WsErrorEvent
  | HttpRequestEvent
  | HttpResponseEvent
  | HttpErrorEvent
  | WtOpenEvent
  | WtChunkEvent
  | WtCloseEvent
  | PageEvent;

export type CaptureEventType = CaptureEvent["type"];

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** Standard base64 of bytes, without relying on Buffer or btoa (works in every context). */
export function bytesToBase64(bytes: Uint8Array): string {
  let out = "";
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += B64[n >> 18]! + B64[(n >> 12) & 63]! + B64[(n >> 6) & 63]! + B64[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i]! << 16;
    out += B64[n >> 18]! + B64[(n >> 12) & 63]! + "==";
  } else if (rest === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out += B64[n >> 18]! + B64[(n >> 12) & 63]! + B64[(n >> 6) & 63]! + "=";
  }
  return out;
}

const B64_INDEX = (() => {
  const t = new Int16Array(128).fill(-1);
  for (let i = 0; i < 64; i++) t[B64.charCodeAt(i)] = i;
  t["-".charCodeAt(0)] = 62; // base64url tolerated
  t["_".charCodeAt(0)] = 63;
  return t;
})();

/** Decodes standard or url-safe base64; returns null on an invalid character or length. */
export function base64ToBytes(s: string): Uint8Array | null {
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === 61 /* = */) end--;
  if (s.length - end > 2) return null;
  const full = Math.floor((end * 6) / 8);
  if (end % 4 === 1) return null;
  const out = new Uint8Array(full);
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < end; i++) {
    const c = s.charCodeAt(i);
    const v = c < 128 ? B64_INDEX[c]! : -1;
    if (v < 0) return null;
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  return out;
}

export function dataFromBytes(bytes: Uint8Array): CaptureData {
  return { base64: bytesToBase64(bytes) };
}

/** Text stays a string; binary becomes bytes (null if the base64 is corrupt). */
export function dataToValue(d: CaptureData): string | Uint8Array | null {
  return "text" in d ? d.text : base64ToBytes(d.base64);
}
