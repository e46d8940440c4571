// Which protocol does a request or a first payload speak? PROTOCOL.md section 1.
// Engine.IO is recognised by its query parameters (EIO, transport), never by the path, which
// apps configure freely; Socket.IO 0.9 by its path layout `/<resource>/1/…`, the only place
// that version puts its protocol number. `t` (cache buster) is never trusted for its format.
import { utf8Decode } from "./bytes.ts";
import { decodeSio09Packet } from "./sio09/packet.ts";
import { isDecodeError } from "./types.ts";

export type EioUrlShape = {
  family: "eio";
  /** 4 for EIO=4, else 3 (EIO=3, EIO=2, or a transport without EIO, as engine.io ≥ 5 reads it). */
  rev: 3 | 4;
  /** The raw EIO parameter, null when absent. */
  eio: string | null;
  /** `polling` | `websocket` | `webtransport` | `flashsocket`, null when absent (the server answers "Transport unknown"). */
  transport: string | null;
  /** Absent on the handshake request. */
  sid?: string;
  /** JSONP callback index (`j=`). */
  jsonp?: number;
  /** `b64` present with a value: the client cannot receive binary. */
  b64?: boolean;
  /**
   * Scheme, host, port and path, without query or fragment: `http://host:3000/socket.io/`.
   * ws:/wss: are written http:/https: so that every transport of one server shares one endpoint.
   */
  endpoint: string;
};

export type Sio09UrlShape = {
  family: "sio09";
  /** `handshake`: `GET /<resource>/1/?t=…`; `transport`: `/<resource>/1/<transport>/<sid>`. */
  kind: "handshake" | "transport";
  /** `websocket`, `xhr-polling`, `jsonp-polling`, `htmlfile`, `flashsocket`, `xhr-multipart`; "" in the forced-disconnect form `/1//<sid>/`. */
  transport?: string;
  sid?: string;
  /** Handshake `jsonp=<n>` or jsonp-polling `i=<n>`. */
  jsonp?: number;
  /** `?disconnect` on a transport URL: the client forces the session closed. */
  disconnect?: boolean;
  /** The resource URL without the `1/…` part and without query: `http://host:3000/socket.io/`. */
  endpoint: string;
};

export type UrlShape = EioUrlShape | Sio09UrlShape;

export interface PayloadShape {
  family: "eio" | "sio09";
  rev?: 3 | 4;
  /** EIO 3 XHR2 binary payload (`00 <digits> ff …`). */
  binary?: boolean;
  /** Wrapped in JSONP: `___eio[N]("…")` (EIO) or `io.j[N]("…")` (0.9). */
  jsonp?: boolean;
  /** sio09: `handshake` body, a single `packet`, or a `\ufffd`-framed `payload`. */
  kind?: "handshake" | "packet" | "payload";
}

const EIO_TRANSPORTS = new Set(["polling", "websocket", "webtransport", "flashsocket"]);
const SIO09_TRANSPORTS = ["websocket", "flashsocket", "xhr-polling", "jsonp-polling", "htmlfile", "xhr-multipart"];

/** Whether the query (starting at `q`, the index of `?`) has a parameter starting with `key` (which includes `=`). */
function hasParam(url: string, q: number, key: string, end: number): boolean {
  let k = url.indexOf(key, q + 1);
  while (k >= 0 && k < end) {
    const prev = url.charCodeAt(k - 1);
    if (prev === 63 /* ? */ || prev === 38 /* & */) return true;
    k = url.indexOf(key, k + 1);
  }
  return false;
}

/**
 * Cheap pre-filter for the page hook, run on every XHR/fetch/WebSocket URL: true when the URL
 * may be Engine.IO / Socket.IO traffic. No parsing, no allocation beyond index lookups. Every
 * URL that detectFromUrl recognises passes it (detectFromUrl calls it first).
 */
export function isSocketIoUrl(url: string): boolean {
  if (typeof url !== "string") return false;
  const hash = url.indexOf("#");
  const end = hash < 0 ? url.length : hash;
  const q = url.indexOf("?");
  const hasQuery = q >= 0 && q < end;
  if (hasQuery && (hasParam(url, q, "EIO=", end) || hasParam(url, q, "transport=", end))) return true;
  const pathEnd = hasQuery ? q : end;
  let i = url.indexOf("/1/");
  while (i >= 0 && i + 3 <= pathEnd) {
    const after = i + 3;
    if (after === pathEnd) {
      // handshake `/1/?t=…` (the 0.9 client always adds t; JSONP adds jsonp)
      if (hasQuery && (hasParam(url, q, "t=", end) || hasParam(url, q, "jsonp=", end))) return true;
    } else if (url.charCodeAt(after) === 47 /* / */) {
      return true; // `/1//<sid>/?disconnect=1`
    } else {
      for (const t of SIO09_TRANSPORTS) {
        if (url.startsWith(t, after) && url.charCodeAt(after + t.length) === 47) return true;
      }
    }
    i = url.indexOf("/1/", i + 1);
  }
  return false;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function httpScheme(protocol: string): string {
  return protocol === "ws:" ? "http:" : protocol === "wss:" ? "https:" : protocol;
}

/**
 * The protocol a request URL speaks, or null when it is not Engine.IO / Socket.IO. Relative
 * URLs are resolved against `base` (the page URL) and give null without it. Never throws.
 * A CORS preflight (OPTIONS) has the same URL: ignoring it is the caller's job.
 */
export function detectFromUrl(url: string, base?: string): UrlShape | null {
  if (typeof url !== "string") return null;
  let u: URL;
  try {
    u = base === undefined ? new URL(url) : new URL(url, base);
  } catch {
    return null;
  }
  const proto = u.protocol;
  if (proto !== "http:" && proto !== "https:" && proto !== "ws:" && proto !== "wss:") return null;
  const href = u.href;
  if (!isSocketIoUrl(href)) return null;
  const origin = httpScheme(proto) + "//" + u.host;
  const params = u.searchParams;

  const eio = params.get("EIO");
  const transport = params.get("transport");
  const eioOk = eio !== null && /^[0-9]+$/.test(eio);
  if (eioOk || (transport !== null && EIO_TRANSPORTS.has(transport))) {
    const shape: EioUrlShape = {
      family: "eio",
      rev: eio === "4" ? 4 : 3,
      eio,
      transport,
      endpoint: origin + u.pathname,
    };
    const sid = params.get("sid");
    if (sid !== null && sid !== "") shape.sid = sid;
    const j = params.get("j");
    if (j !== null && /^[0-9]{1,15}$/.test(j)) shape.jsonp = Number(j);
    const b64 = params.get("b64");
    if (b64 !== null && b64 !== "") shape.b64 = true;
    return shape;
  }

  // Socket.IO 0.9: …/<resource>/1/ (handshake) or …/<resource>/1/<transport>/<sid>[/]
  const segs = u.pathname.split("/");
  // segs[0] is "" (the path starts with "/"); search from the end for the protocol segment "1"
  for (let k = segs.length - 2; k >= 1; k--) {
    if (segs[k] !== "1") continue;
    const rest = segs.slice(k + 1);
    const endpoint = origin + segs.slice(0, k).join("/") + "/";
    if (rest.length === 1 && rest[0] === "") {
      if (!params.has("t") && !params.has("jsonp")) continue;
      const shape: Sio09UrlShape = { family: "sio09", kind: "handshake", endpoint };
      const j = params.get("jsonp");
      if (j !== null && /^[0-9]{1,15}$/.test(j)) shape.jsonp = Number(j);
      return shape;
    }
    if ((rest.length === 2 || (rest.length === 3 && rest[2] === "")) && rest[1] !== "") {
      const transport = rest[0]!;
      const disconnect = params.has("disconnect");
      if (!SIO09_TRANSPORTS.includes(transport) && !(transport === "" && disconnect)) continue;
      const shape: Sio09UrlShape = { family: "sio09", kind: "transport", transport, sid: safeDecode(rest[1]!), endpoint };
      const i = params.get("i");
      if (transport === "jsonp-polling" && i !== null && /^[0-9]{1,15}$/.test(i)) shape.jsonp = Number(i);
      if (disconnect) shape.disconnect = true;
      return shape;
    }
  }
  return null;
}

const SIO09_HANDSHAKE = /^[^:\s]+:[0-9]*:[0-9]*:(?:[a-z-]+(?:,[a-z-]+)*)?$/;
const JSONP_09 = /^\s*io\.j\[[0-9]+\]\(/;
const JSONP_EIO = /^\s*___eio\[[0-9]+\]\(/;

/** EIO 2/3 text payload: `<len>:<packet>` repeated, lengths in UTF-16 units, each packet a type digit or `b`. */
function isEio3TextPayload(s: string): boolean {
  let i = 0;
  const n = s.length;
  if (n === 0) return false;
  while (i < n) {
    let k = i;
    while (k < n && k - i < 16 && s.charCodeAt(k) >= 48 && s.charCodeAt(k) <= 57) k++;
    if (k === i || k >= n || s.charCodeAt(k) !== 58) return false;
    const len = Number(s.slice(i, k));
    const start = k + 1;
    if (start + len > n) return false;
    if (len > 0) {
      const c = s.charCodeAt(start);
      if (!((c >= 48 && c <= 54) || c === 98 /* b */)) return false;
    }
    i = start + len;
  }
  return true;
}

/** Like isEio3TextPayload, but only the first entry (for the double-UTF-8 SIO 1.x bodies whose lengths count bytes). */
function looksEio3First(s: string): boolean {
  const m = /^([0-9]{1,10}):[0-6b]/.exec(s);
  return m !== null && Number(m[1]) <= s.length - m[1]!.length - 1;
}

/**
 * The protocol of the first payload seen on a connection (PROTOCOL.md 1.2). `context` says
 * where it came from: on WebSocket (`ws`) Engine.IO frames are never length-prefixed in any
 * revision, so a bare `0{…}` only proves revision 4 in an HTTP body. Never throws.
 */
export function detectFromFirstPayload(data: string | Uint8Array, context?: "http" | "ws"): PayloadShape | null {
  let s: string;
  if (data instanceof Uint8Array) {
    const b0 = data[0];
    if (data.length >= 3 && (b0 === 0 || b0 === 1)) {
      let k = 1;
      while (k < data.length && k < 312 && data[k]! <= 9) k++;
      if (k > 1 && data[k] === 0xff) return { family: "eio", rev: 3, binary: true };
    }
    s = utf8Decode(data);
  } else if (typeof data === "string") {
    s = data;
  } else {
    return null;
  }
  if (s.length === 0) return null;

  if (JSONP_09.test(s)) {
    const inner = unwrapJsString(s);
    const r = inner === null ? null : detectFromFirstPayload(inner, "http");
    return r && r.family === "sio09" && r.kind ? { family: "sio09", jsonp: true, kind: r.kind } : { family: "sio09", jsonp: true };
  }
  if (JSONP_EIO.test(s)) {
    const inner = unwrapJsString(s);
    const r = inner === null ? null : detectFromFirstPayload(inner, "http");
    const out: PayloadShape = { family: "eio", jsonp: true };
    if (r && r.family === "eio" && r.rev) out.rev = r.rev;
    return out;
  }
  // a packet first: `3:::hello` also fits the handshake shape (sid "3", transports "hello"),
  // while a real sid is never a single digit
  if (/^[0-8]:[0-9]*\+?:/.test(s) && !isDecodeError(decodeSio09Packet(s))) return { family: "sio09", kind: "packet" };
  if (SIO09_HANDSHAKE.test(s)) return { family: "sio09", kind: "handshake" };
  if (s.charCodeAt(0) === 0xfffd) {
    return /^\ufffd[0-9]+\ufffd[0-8]:/.test(s) ? { family: "sio09", kind: "payload" } : null;
  }
  if (isEio3TextPayload(s) || (context !== "ws" && looksEio3First(s))) return { family: "eio", rev: 3 };
  const c = s.charCodeAt(0);
  if (c >= 48 && c <= 54) {
    if (s.includes("\x1e") || context === "http") return { family: "eio", rev: 4 };
    return { family: "eio" };
  }
  if (c === 98 /* b */ && context !== "http" && /^b[0-6]?[A-Za-z0-9+/=]*$/.test(s)) return { family: "eio" };
  return null;
}

/** The string argument of a `name[N]("…")` JSONP call, or null. */
function unwrapJsString(s: string): string | null {
  const open = s.indexOf('("');
  if (open < 0) return null;
  const start = open + 1;
  for (let i = start + 1; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 92) i++;
    else if (c === 34) {
      try {
        const v: unknown = JSON.parse(s.slice(start, i + 1));
        return typeof v === "string" ? v : null;
      } catch {
        return null;
      }
    }
  }
  return null;
}
