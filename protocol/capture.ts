// The capture event: the one format the extension hook produces, HAR import produces and
// test fixtures are stored in. It is the narrow waist between "what the browser saw" and
// "what the protocol engine makes of it". Keep it small, serialisable (JSON-safe: binary is
// base64, never a live object) and versioned: bump CAPTURE_VERSION on any breaking change.

import { base64Decode, base64Encode } from "./engineio/base64.ts";

export const CAPTURE_VERSION = 1 as const;

/**
 * A frame or body: UTF-8 text as a JS string, or binary as standard base64. `truncated` says
 * the recorder kept only the start of a larger payload (the extension keeps a payload over
 * 1 MiB as its first 64 KiB) and gives the whole payload's length, in the unit of what was
 * kept: UTF-16 code units for text, bytes for base64. See `truncatedLength`.
 */
export type CaptureData = { readonly text: string; readonly truncated?: number } | { readonly base64: string; readonly truncated?: number };

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
/**
 * The browser API that made an HTTP exchange: engine.io-client's `XHR` and `Fetch` polling
 * transports put the same bytes on the wire; JSONP polling GETs with a `<script>` and POSTs with
 * a `<form>` into a hidden iframe.
 */
export type HttpApi = "xhr" | "fetch" | "script" | "form";
export const HTTP_APIS: readonly HttpApi[] = ["xhr", "fetch", "script", "form"];

export interface HttpRequestEvent extends CaptureBase {
  readonly type: "http-request";
  readonly method: string;
  readonly url: string;
  /** What made the request, when the recorder knows (the hook always; a Chrome HAR's `_resourceType`). */
  readonly api?: HttpApi;
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
  /**
   * The hook started after the document had begun loading (the extension was installed or
   * enabled while the page was open, and the browser injected it then): whatever the page did
   * before is not captured.
   */
  readonly late?: true;
  /**
   * The document came back from the back/forward cache (`pageshow` with `persisted`): the same
   * document as before, its hook and connection ids continuing, shown again as a navigation.
   */
  readonly restored?: true;
}

/**
 * The page started a web worker (`new Worker` / `new SharedWorker`). The hook cannot run inside
 * workers, so the sockets a worker opens are not captured; this says that one exists.
 */
export interface WorkerEvent extends CaptureBase {
  readonly type: "worker";
  readonly kind: "dedicated" | "shared";
  /** The script's URL, resolved; "" when the page passed something other than a string or URL. */
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
  | WorkerEvent
  | PageEvent;

export type CaptureEventType = CaptureEvent["type"];

/** Standard base64 of bytes, without relying on Buffer or btoa (works in every context). */
export function bytesToBase64(bytes: Uint8Array): string {
  return base64Encode(bytes);
}

/** Decodes standard or url-safe base64; returns null on an invalid character or length. */
export function base64ToBytes(s: string): Uint8Array | null {
  const r = base64Decode(s);
  return typeof r === "number" ? null : r;
}

export function dataFromBytes(bytes: Uint8Array): CaptureData {
  return { base64: bytesToBase64(bytes) };
}

/**
 * The whole length of a payload the recorder cut short (`CaptureData.truncated`), given what
 * was kept of it; undefined when the data is whole, or when `truncated` is no length longer
 * than what was kept (data from a page or a file: such a claim is ignored, not believed).
 */
export function truncatedLength(d: CaptureData | null | undefined, kept: string | Uint8Array | null): number | undefined {
  if (typeof d !== "object" || d === null || kept === null) return undefined;
  const t = (d as { truncated?: unknown }).truncated;
  return typeof t === "number" && Number.isSafeInteger(t) && t > kept.length ? t : undefined;
}

/**
 * Text stays a string; binary becomes bytes. Null when the data is missing, malformed (it can
 * come from a page or a file) or its base64 is corrupt.
 */
export function dataToValue(d: CaptureData | null | undefined): string | Uint8Array | null {
  if (typeof d !== "object" || d === null) return null;
  if ("text" in d) return typeof d.text === "string" ? d.text : null;
  if ("base64" in d && typeof d.base64 === "string") return base64ToBytes(d.base64);
  return null;
}
