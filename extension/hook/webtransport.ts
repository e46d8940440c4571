// WebTransport capture (best effort; Engine.IO uses one bidirectional stream per session).
// The constructor is wrapped like WebSocket's; bidirectional streams created by the page or
// accepted from the server are remembered, and their `readable` / `writable` getters hand
// out streams piped through a pass-through TransformStream that records each chunk.
// Known limits: unidirectional streams and datagrams are not recorded; the wrapped streams
// are plain ReadableStream/WritableStream (no BYOB reader, no getStats()).
import { emit, newConn } from "./queue.ts";
import { snapshot } from "./websocket.ts";
import { apply, getter, promiseThen, uncurry, wmGet, wmSet, wrapConstructor, wrapGetter, wrapMethod } from "./native.ts";

interface Session {
  conn: string;
  next: number;
}
interface StreamInfo {
  session: Session;
  id: number;
  readable?: ReadableStream;
  writable?: WritableStream;
}

export function installWebTransport(win: typeof globalThis): void {
  const WT = (win as { WebTransport?: new (url: string, opts?: unknown) => object }).WebTransport;
  if (typeof WT !== "function") return;
  const BiStream = (win as { WebTransportBidirectionalStream?: { prototype: object } }).WebTransportBidirectionalStream;
  const proto = WT.prototype as object;
  const sessions = new WeakMap<object, Session>();
  const streams = new WeakMap<object, StreamInfo>();
  const incoming = new WeakMap<object, ReadableStream>();
  const closedOf = getter<Promise<{ reason?: string } | undefined>>(proto, "closed");
  const TS = TransformStream;
  // the streams' own methods, not what the page may later put on their prototypes
  const pipeThrough = uncurry(ReadableStream.prototype.pipeThrough) as (r: ReadableStream, t: TransformStream) => ReadableStream;
  const pipeTo = uncurry(ReadableStream.prototype.pipeTo) as (r: ReadableStream, w: WritableStream) => Promise<void>;

  function register(stream: object, s: Session): void {
    if (!wmGet(streams, stream)) wmSet(streams, stream, { session: s, id: s.next++ });
  }

  wrapConstructor(win, "WebTransport", (wt: object, args: unknown[]) => {
    const s: Session = { conn: newConn(), next: 0 };
    wmSet(sessions, wt, s);
    let url = String(args[0]);
    try {
      url = new URL(url, document.baseURI).href;
    } catch {
      // keep as given
    }
    emit({ type: "wt-open", conn: s.conn, url });
    const closed = closedOf(wt);
    if (closed) {
      promiseThen(closed, (info) => {
        const reason = (info as { reason?: string } | undefined)?.reason;
        emit({ type: "wt-close", conn: s.conn, reason: reason || undefined });
      }, (err) => {
        emit({ type: "wt-close", conn: s.conn, reason: String((err as Error)?.message ?? err) });
      });
    }
  });

  wrapMethod(proto, "createBidirectionalStream", (original, self, args) => {
    const p = apply(original, self, args) as Promise<object>;
    const s = wmGet(sessions, self as object);
    if (!s) return p;
    return promiseThen(p, (stream) => {
      register(stream as object, s);
      return stream;
    }, (err) => {
      throw err;
    });
  });

  wrapGetter(proto, "incomingBidirectionalStreams", (original, self) => {
    const r = apply(original, self, []) as ReadableStream;
    const s = wmGet(sessions, self as object);
    if (!s) return r;
    const cached = wmGet(incoming, self as object);
    if (cached) return cached;
    const wrapped = pipeThrough(r, new TS({ transform(stream, c) { register(stream as object, s); c.enqueue(stream); } }));
    wmSet(incoming, self as object, wrapped);
    return wrapped;
  });

  if (!BiStream) return;
  wrapGetter(BiStream.prototype, "readable", (original, self) => {
    const r = apply(original, self, []) as ReadableStream;
    const info = wmGet(streams, self as object);
    if (!info) return r;
    if (info.readable) return info.readable;
    info.readable = pipeThrough(r, new TS({
      transform(chunk, c) {
        emit({ type: "wt-chunk", conn: info.session.conn, dir: "in", stream: info.id }, "data", snapshot(chunk, false), "binary");
        c.enqueue(chunk);
      },
    }));
    return info.readable;
  });
  wrapGetter(BiStream.prototype, "writable", (original, self) => {
    const w = apply(original, self, []) as WritableStream;
    const info = wmGet(streams, self as object);
    if (!info) return w;
    if (info.writable) return info.writable;
    const t = new TS({
      transform(chunk, c) {
        emit({ type: "wt-chunk", conn: info.session.conn, dir: "out", stream: info.id }, "data", snapshot(chunk, false), "binary");
        c.enqueue(chunk);
      },
    });
    promiseThen(pipeTo(t.readable, w), () => undefined, () => undefined);
    info.writable = t.writable;
    return info.writable;
  });
}
