// WebSocket capture. The constructor is a Proxy that returns the real instance (identity,
// prototype chain and constants unchanged) after adding our own capture-phase listeners —
// added first, so they run before any app listener and never change what the app sees.
// `send` and `close` are patched on the prototype.
//
// Incoming frames of a socket whose app handles them with `onmessage` only (every Engine.IO
// and 0.9 client) are recorded without a listener of ours: the handler is registered as an
// EventListener object whose `handleEvent` is a getter, at the position the attribute's own
// listener would take. Blink reads `handleEvent` as it dispatches the event, so the getter
// records `window.event` and returns the app's function bound to the socket — the app's
// handler runs as it would (same `this`, same order, its exceptions carry no frame of ours),
// and Blink makes one listener call per message instead of two (with DevTools open, each call
// costs the page ~10 µs). As soon as the app adds a `message` listener of its own (or sets
// `onmessage` to null), our listener is back, ahead of the app's; a frame seen by both is
// recorded once.
import { emit, newConn, type Raw } from "./queue.ts";
import {
  NativeArrayBuffer, NativeBlob, NativeUint8Array, abSlice, addListener, apply, bindFn, getOwnPropertyDescriptor, getter, isView, removeListener,
  wmGet, wmSet, wrapAccessor, wrapConstructor, wrapMethod,
} from "./native.ts";

interface WsState {
  conn: string;
  closedByPage: boolean;
  /** Our own `message` listener is registered. */
  listening: boolean;
  /** The app added a `message` listener (or one of a type we could not read) at some point. */
  appListens: boolean;
  /** What the app assigned to `onmessage` (an object or function), else null. */
  handler: object | null;
  /** What the slot hands Blink: the app's function bound to the socket, or a no-op for a non-callable object. */
  call: ((ev: Event) => unknown) | null;
  /** The EventListener object standing in for the `onmessage` attribute's listener. */
  slot: EventListenerObject | null;
}

const states = new WeakMap<object, WsState>();

/** Copies what the app passed to send() (it may reuse its buffer right after). */
export function snapshot(data: unknown): Raw {
  if (typeof data === "string") return data;
  if (data instanceof NativeArrayBuffer) return new NativeUint8Array(abSlice(data, 0) as ArrayBuffer);
  if (isView(data)) {
    const v = data as ArrayBufferView;
    const copy = new NativeUint8Array(v.byteLength);
    copy.set(new NativeUint8Array(v.buffer, v.byteOffset, v.byteLength));
    return copy;
  }
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

  // `window.event` is an own accessor of the window in Chromium and Firefox. The slot is used in
  // V8 only: SpiderMonkey's `error.stack` (with DevTools open, or under automation) goes on past
  // the handler into the async stack of its registration, which would name our setter instead
  // of the app's assignment (EventListener.handleEvent*installWebSocket/… vs
  // EventHandlerNonNull*app/…). V8's has no async part. Told apart by the stack format (the
  // page cannot have changed it yet: we run first).
  const v8Stacks = /^\s+at /m.test(String(new Error().stack));
  const useSlot = v8Stacks && typeof getOwnPropertyDescriptor(win, "event")?.get === "function";
  const windowEvent = getter<Event | undefined>(win, "event");
  const noop = function () {};
  /**
   * The last message event recorded on a socket where both the slot and our listener see each
   * event (only there: a slot alone keeps no event, and its data, alive).
   */
  let lastEvent: Event | null = null;

  function record(st: WsState, ev: Event): void {
    // isTrusted is unforgeable: events the page dispatches itself are not traffic
    if (ev === lastEvent || !ev.isTrusted) return;
    lastEvent = st.slot !== null && st.listening ? ev : null;
    try {
      const d = msgData(ev);
      let raw: Raw;
      if (typeof d === "string") raw = d;
      else if (d instanceof NativeArrayBuffer) raw = new NativeUint8Array(abSlice(d, 0) as ArrayBuffer);
      else if (d instanceof NativeBlob) raw = d;
      else return;
      emit({ type: "ws-frame", conn: st.conn, dir: "in" }, "data", raw, "binary");
    } catch {
      // never disturb the page
    }
  }
  function onMessage(this: WebSocket, ev: Event): void {
    const st = wmGet(states, this);
    if (st) record(st, ev);
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
    const code = closeCode(ev);
    const by = st.closedByPage ? "page" : code === 1006 ? undefined : "remote";
    emit({ type: "ws-close", conn: st.conn, code, reason: closeReason(ev), wasClean: closeClean(ev), by });
  }

  function track(ws: WebSocket, args: unknown[]): WsState {
    const st: WsState = { conn: newConn(), closedByPage: false, listening: true, appListens: false, handler: null, call: null, slot: null };
    wmSet(states, ws, st);
    const p = args[1];
    const protocols = p === undefined ? undefined : typeof p === "string" ? [p] : Array.from(p as Iterable<string>, String);
    emit({ type: "ws-open", conn: st.conn, url: wsUrl(ws), protocols });
    addListener(ws, "open", onOpen, true);
    addListener(ws, "message", onMessage, true);
    addListener(ws, "error", onError, true);
    addListener(ws, "close", onClose, true);
    return st;
  }

  wrapConstructor<typeof WebSocket>(win, "WebSocket", track);

  const listen = (ws: WebSocket, st: WsState) => {
    if (st.listening) return;
    addListener(ws, "message", onMessage, true);
    st.listening = true;
  };
  const slotFor = (ws: WebSocket, st: WsState): EventListenerObject => ({
    get handleEvent() {
      try {
        const ev = windowEvent(win);
        if (ev) record(st, ev);
      } catch {
        // never disturb the page
      }
      return st.call ?? noop;
    },
  });
  const onmessage = useSlot && wrapAccessor(
    proto, "onmessage",
    (original, self) => {
      const st = wmGet(states, self as object);
      return st ? st.handler : apply(original, self, []);
    },
    (original, self, args) => {
      const st = wmGet(states, self as object);
      if (!st) return apply(original, self, args);
      const v = args[0];
      const ws = self as WebSocket;
      // [LegacyTreatNonObjectAsNull]: a primitive is null; an object that is not callable is
      // kept (and read back) but does nothing when a message comes
      if ((typeof v !== "object" && typeof v !== "function") || v === null) {
        if (st.slot) {
          removeListener(ws, "message", st.slot);
          st.slot = null;
          st.handler = st.call = null;
          listen(ws, st);
        }
        return undefined;
      }
      st.handler = v;
      st.call = typeof v === "function" ? bindFn(v as (ev: Event) => unknown, ws) : null;
      if (!st.slot) {
        // where the attribute's own listener goes: after every listener added so far
        st.slot = slotFor(ws, st);
        addListener(ws, "message", st.slot);
        if (!st.appListens && st.listening) {
          removeListener(ws, "message", onMessage, true);
          st.listening = false;
        }
      }
      return undefined;
    },
  );
  if (onmessage) {
    // a `message` listener of the app's own: ours goes back first, ahead of it
    wrapMethod(EventTarget.prototype, "addEventListener", (original, self, args) => {
      const st = wmGet(states, self as object);
      if (st && !st.appListens && (args[0] === "message" || typeof args[0] !== "string")) {
        st.appListens = true;
        listen(self as WebSocket, st);
      }
      return apply(original, self, args);
    });
  }

  wrapMethod(proto, "send", (original, self, args) => {
    const st = wmGet(states, self as object);
    if (!st) return apply(original, self, args);
    const wasOpen = readyState(self) === 1;
    const result = apply(original, self, args);
    // CLOSING/CLOSED sockets discard the data without throwing: nothing went on the wire.
    if (wasOpen) {
      try {
        emit({ type: "ws-frame", conn: st.conn, dir: "out" }, "data", snapshot(args[0]), "binary");
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
