// WebSocket capture. The constructor is a Proxy that returns the real instance (identity,
// prototype chain and constants unchanged) after adding our own capture-phase listeners —
// added first, so they run before any app listener and never change what the app sees.
// `send` and `close` are patched on the prototype.
import { Cut, connId, copyBytes, emit, emitFrame, newConnNumber, onRestart, recording, type Raw } from "./queue.ts";
import {
  NativeArrayBuffer, NativeBlob, NativeUint8Array, addListener, apply, getter, isView, wmGet, wmSet,
  wrapConstructor, wrapMethod,
} from "./native.ts";

interface WsState {
  ws: WebSocket;
  url: string;
  conn: string;
  /** The connection's number (its frames' relative compact items carry it). */
  n: number;
  closedByPage: boolean;
}

const states = new WeakMap<object, WsState>();
/**
 * The sockets not closed yet (an open socket is kept alive by the browser anyway), to say them
 * again to a new relay (queue.ts `restart`). Plain indexed loops: the page may patch Array methods.
 */
const live: WsState[] = [];
function forget(st: WsState): void {
  let j = 0;
  for (let i = 0; i < live.length; i++) if (live[i] !== st) live[j++] = live[i]!;
  live.length = j;
}

/**
 * Copies what the app passed to send() (it may reuse its buffer right after): only the head of
 * a payload too large to keep whole (queue.ts PAYLOAD_MAX), unless `cap` is false.
 */
export function snapshot(data: unknown, cap = true): Raw {
  if (typeof data === "string") return data;
  if (data instanceof NativeArrayBuffer || isView(data)) return copyBytes(data as ArrayBuffer | ArrayBufferView, cap);
  if (data instanceof NativeBlob) return data; // immutable: read in the flush
  return String(data);
}

export function installWebSocket(win: typeof globalThis): void {
  const WS = win.WebSocket;
  if (typeof WS !== "function") return;
  const proto = WS.prototype;
  const readyState = getter<number>(proto, "readyState");
  const wsUrl = getter<string>(proto, "url");
  const wsProtocol = getter<string>(proto, "protocol");
  const msgData = getter<unknown>(MessageEvent.prototype, "data");
  const closeCode = getter<number>(CloseEvent.prototype, "code");
  const closeReason = getter<string>(CloseEvent.prototype, "reason");
  const closeClean = getter<boolean>(CloseEvent.prototype, "wasClean");

  // isTrusted is unforgeable: events the page dispatches itself are not traffic
  function onMessage(this: WebSocket, ev: Event): void {
    if (!recording) return;
    const st = wmGet(states, this);
    if (!st || !ev.isTrusted) return;
    try {
      const d = msgData(ev);
      if (typeof d === "string") emitFrame(st.n, 1, d);
      else if (d instanceof NativeArrayBuffer) emitFrame(st.n, 1, copyBytes(d));
      else if (d instanceof NativeBlob) emit({ type: "ws-frame", conn: st.conn, dir: "in" }, "data", d, "binary");
    } catch {
      // never disturb the page
    }
  }
  function onOpen(this: WebSocket, ev: Event): void {
    const st = wmGet(states, this);
    if (st && ev.isTrusted) emit({ type: "ws-opened", conn: st.conn, protocol: wsProtocol(this) });
  }
  function onError(this: WebSocket, ev: Event): void {
    const st = wmGet(states, this);
    if (st && ev.isTrusted) emit({ type: "ws-error", conn: st.conn });
  }
  function onClose(this: WebSocket, ev: Event): void {
    const st = wmGet(states, this);
    if (!st || !ev.isTrusted) return;
    forget(st);
    const code = closeCode(ev);
    const by = st.closedByPage ? "page" : code === 1006 ? undefined : "remote";
    emit({ type: "ws-close", conn: st.conn, code, reason: closeReason(ev), wasClean: closeClean(ev), by });
  }

  function track(ws: WebSocket, args: unknown[]): WsState {
    const n = newConnNumber();
    const st: WsState = { ws, url: wsUrl(ws), conn: connId(n), n, closedByPage: false };
    wmSet(states, ws, st);
    live[live.length] = st;
    const p = args[1];
    const protocols = p === undefined ? undefined : typeof p === "string" ? [p] : Array.from(p as Iterable<string>, String);
    emit({ type: "ws-open", conn: st.conn, url: st.url, protocols });
    addListener(ws, "open", onOpen, true);
    addListener(ws, "message", onMessage, true);
    addListener(ws, "error", onError, true);
    addListener(ws, "close", onClose, true);
    return st;
  }

  wrapConstructor<typeof WebSocket>(win, "WebSocket", track);

  // A new relay (queue.ts `restart`) never saw these sockets open: say so now, with the
  // subprotocol the server chose, so that what they carry from here on can be decoded.
  onRestart[onRestart.length] = () => {
    for (let i = 0; i < live.length; i++) {
      const st = live[i]!;
      emit({ type: "ws-open", conn: st.conn, url: st.url });
      if (readyState(st.ws) === 1) emit({ type: "ws-opened", conn: st.conn, protocol: wsProtocol(st.ws) });
    }
  };

  wrapMethod(proto, "send", (original, self, args) => {
    const st = wmGet(states, self as object);
    if (!st || !recording) return apply(original, self, args);
    const wasOpen = readyState(self) === 1;
    const result = apply(original, self, args);
    // CLOSING/CLOSED sockets discard the data without throwing: nothing went on the wire.
    if (wasOpen) {
      try {
        const raw = snapshot(args[0]);
        if (typeof raw === "string" || raw instanceof NativeUint8Array || raw instanceof Cut) emitFrame(st.n, 0, raw);
        else emit({ type: "ws-frame", conn: st.conn, dir: "out" }, "data", raw, "binary");
      } catch {
        // ignore
      }
    }
    return result;
  });

  wrapMethod(proto, "close", (original, self, args) => {
    const st = wmGet(states, self as object);
    const before = st ? readyState(self) : 3;
    const result = apply(original, self, args);
    if (st && before < 2) st.closedByPage = true;
    return result;
  });
}
