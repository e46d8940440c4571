// One real socket.io server per line/variant, each on its own port.
//
// Each server listens on its own http.Server, but socket.io is attached to a stand-in EventEmitter
// that receives only the /socket.io requests and upgrades. That lets a "restart" swap in a fresh
// socket.io/engine.io instance on the same port while the old sessions are forgotten, as after a
// real process restart (the clients then meet "Session ID unknown").
import { EventEmitter } from "node:events";
import { createServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from "node:http";
import type { AddressInfo, Socket as NetSocket } from "node:net";
import { createRequire } from "node:module";
import { ADMIN_TOKEN, FLOOD_LIMITS, MAX_HTTP_BUFFER_SIZE, type Line, type Variant } from "./shared.ts";

const require = createRequire(import.meta.url);

// Minimal structural views of the untyped (or differently typed) libraries of every line.
type Fn = (...a: unknown[]) => void;
interface EngineTransport {
  name: string;
  writable?: boolean;
  discard?(): void;
  send?(packets: { type: string; data?: unknown }[]): void;
  socket?: { _socket?: NetSocket; destroy?(): void; terminate?(): void };
  req?: IncomingMessage | null;
  /** Set by a polling transport closed while no GET was pending: a 30 s timer waits to call it. */
  shouldClose?: (() => void) | null;
}
interface EngineSocket {
  id: string;
  transport: EngineTransport;
  readyState: string;
  onClose?(reason: string): void;
  on(ev: string, fn: Fn): unknown;
}
interface SioSocket {
  id: string;
  handshake: { query: Record<string, unknown>; auth?: Record<string, unknown> };
  conn: EngineSocket;
  recovered?: boolean;
  on(ev: string, fn: Fn): void;
  emit(ev: string, ...a: unknown[]): unknown;
  join(room: string, fn?: Fn): unknown;
  leave(room: string, fn?: Fn): unknown;
  to(room: string): { emit(ev: string, ...a: unknown[]): unknown };
  disconnect(close?: boolean): unknown;
}
interface SioNamespace {
  use(fn: (socket: SioSocket, next: (err?: Error) => void) => void): void;
  on(ev: "connection", fn: (s: SioSocket) => void): void;
  emit(ev: string, ...a: unknown[]): unknown;
  to(room: string): { emit(ev: string, ...a: unknown[]): unknown };
}
interface SioServer {
  of(nsp: string): SioNamespace;
  attach(srv: unknown, opts?: object): unknown;
  close(fn?: () => void): unknown;
  engine: { clients: Record<string, EngineSocket>; close(): unknown; on(ev: "connection", fn: (s: EngineSocket) => void): unknown };
}

export interface LineServerOptions {
  line: Line;
  variant: Variant;
  host: string;
  port: number;
  /** Origins allowed by CORS (3.x/4.x enforce it; 1.x/2.x/0.9 reflect the request's Origin). */
  origins: string[];
  log: (msg: string) => void;
}

export interface LineServer {
  line: Line;
  variant: Variant;
  port: number;
  url: string;
  /** Forget every session as a process restart would (polling clients then get "Session ID unknown"). */
  restart(): void;
  stats: { oversizedReceived: number; restarts: number; connections: number };
  stop(): Promise<void>;
}

interface Ctx {
  opts: LineServerOptions;
  stats: LineServer["stats"];
  restart(): void;
  timers: Set<ReturnType<typeof setTimeout>>;
  /** Engine.IO sessions seen recently, so stop() can end the timers engine.io leaves behind. */
  engineSockets: Set<EngineSocket>;
}

const isFn = (f: unknown): f is Fn => typeof f === "function";
const str = (v: unknown, max = 500): string => (typeof v === "string" ? v.slice(0, max) : "");
const num = (v: unknown, dflt: number, lo: number, hi: number): number =>
  typeof v === "number" && Number.isFinite(v) ? Math.min(hi, Math.max(lo, Math.floor(v))) : dflt;

function later(ctx: Ctx, ms: number, fn: () => void): void {
  const t = setTimeout(() => {
    ctx.timers.delete(t);
    try { fn(); } catch (e) { ctx.opts.log(`timer error: ${String(e)}`); }
  }, ms);
  ctx.timers.add(t);
}

/** Kills the TCP connection under an Engine.IO session's current transport, without a close packet. */
function dropEngineSocket(conn: EngineSocket): void {
  const t = conn.transport;
  try { t.discard?.(); } catch { /* ignore */ }
  if (t.name === "websocket") {
    const ws = t.socket;
    if (ws?._socket) ws._socket.destroy();
    else if (ws?.terminate) ws.terminate();
  } else {
    t.req?.socket.destroy();
  }
  // Tell the server side now rather than after the ping timeout.
  try { conn.onClose?.("transport error"); } catch { /* ignore */ }
}

const SYMBOLS = ["SIO", "EIO", "WS", "XHR", "ACK"];

function setupTicker(ctx: Ctx, nsp: { emit(ev: string, ...a: unknown[]): unknown }): { join(s: { emit(ev: string, ...a: unknown[]): unknown }): void; leave(): void } {
  let members = 0;
  let timer: ReturnType<typeof setInterval> | undefined;
  const prices = new Map(SYMBOLS.map((s, i) => [s, 100 + i * 37]));
  const tick = () => {
    for (const s of SYMBOLS) {
      const p = prices.get(s) ?? 100;
      const change = Math.round((Math.random() - 0.5) * 200) / 100;
      const next = Math.max(1, Math.round((p + change) * 100) / 100);
      prices.set(s, next);
      nsp.emit("tick", { symbol: s, price: next, change, ts: Date.now() });
    }
  };
  return {
    join(s) {
      members++;
      for (const [symbol, price] of prices) s.emit("tick", { symbol, price, change: 0, ts: Date.now() });
      if (!timer) { timer = setInterval(tick, 1000); ctx.timers.add(timer); }
    },
    leave() {
      members = Math.max(0, members - 1);
      if (members === 0 && timer) { clearInterval(timer); ctx.timers.delete(timer); timer = undefined; }
    },
  };
}

/** What the shared handlers need from a server socket; hides the API differences between lines. */
interface Api {
  socket: SioSocket | Sock09;
  joinRoom(room: string, done: () => void): void;
  leaveRoom(room: string): void;
  toRoom(room: string, ev: string, ...a: unknown[]): void;
  toRoomIncludingSelf(room: string, ev: string, ...a: unknown[]): void;
  toAll(ev: string, ...a: unknown[]): void;
  kick(): void;
  drop(): void;
}
type Sock09 = { id: string; on(ev: string, fn: Fn): void; emit(ev: string, ...a: unknown[]): unknown };

function mainHandlers(ctx: Ctx, api: Api, extra: { recovery?: (id: string) => void }): void {
  const s = api.socket;
  let chatRoom = "";
  let flood: ReturnType<typeof setInterval> | undefined;
  const stopFlood = () => { if (flood) { clearInterval(flood); ctx.timers.delete(flood); flood = undefined; } };

  s.on("join", (room: unknown, cb: unknown) => {
    const r = str(room, 40) || "lobby";
    if (chatRoom) api.leaveRoom("chat:" + chatRoom);
    chatRoom = r;
    api.joinRoom("chat:" + r, () => { if (isFn(cb)) cb({ room: r }); });
  });
  s.on("chat", (msg: unknown) => {
    const m = (msg && typeof msg === "object" ? msg : {}) as Record<string, unknown>;
    const room = str(m.room, 40) || chatRoom || "lobby";
    const text = str(m.text);
    if (!text) return;
    api.toRoomIncludingSelf("chat:" + room, "chat", { room, nick: str(m.nick, 40) || "anon", text, ts: Date.now() });
  });
  s.on("echo", (...args: unknown[]) => { s.emit("echo", ...args); });
  s.on("ack-me", (...args: unknown[]) => {
    const cb = args.pop();
    if (isFn(cb)) cb(...args);
  });
  s.on("ask-client", (payload: unknown, cb: unknown) => {
    // One declared parameter: 0.9 only asks the client for ack data when the callback takes some.
    s.emit("server-asks", payload, (reply: unknown) => { if (isFn(cb)) cb({ reply: [reply] }); });
  });
  s.on("no-ack", () => { /* the ack deliberately never comes */ });
  s.on("slow-ack", (ms: unknown, cb: unknown) => {
    // acked after `ms` (at most 10 s): an ack that arrives long after its event
    const wait = Math.min(Math.max(Number(ms) || 0, 0), 10_000);
    if (isFn(cb)) setTimeout(() => cb("late", wait), wait);
  });
  s.on("bin", (buf: unknown, cb: unknown) => {
    const b = Buffer.isBuffer(buf) ? buf : buf instanceof ArrayBuffer ? Buffer.from(buf) : Buffer.alloc(0);
    let sum = 0;
    for (const x of b) sum = (sum + x) % 65536;
    const reversed = Buffer.from(b).reverse();
    if (isFn(cb)) cb({ len: b.length, sum, reversed });
    s.emit("bin", Buffer.from([0, 1, 2, 253, 254, 255]), { note: "server-to-client binary" });
  });
  s.on("kick-me", () => later(ctx, 20, () => api.kick()));
  s.on("drop-me", () => later(ctx, 20, () => api.drop()));
  // Kept per line server (not per socket): the tally is asked for after a reconnection.
  s.on("buffered", (key: unknown, i: unknown) => {
    const store = globalBuffered(ctx);
    const k = str(key, 40);
    const list = store.get(k) ?? [];
    if (list.length < 1000) list.push(i);
    store.delete(k);
    store.set(k, list);
    if (store.size > 200) store.delete(store.keys().next().value as string);
  });
  s.on("tally", (key: unknown, cb: unknown) => { if (isFn(cb)) cb(globalBuffered(ctx).get(str(key, 40)) ?? []); });
  s.on("flood", (o: unknown, cb: unknown) => {
    const q = (o && typeof o === "object" ? o : {}) as Record<string, unknown>;
    const rate = num(q.rate, 500, 1, FLOOD_LIMITS.maxRate);
    const size = num(q.size, 64, 0, FLOOD_LIMITS.maxSize);
    const count = num(q.count, 200, 1, FLOOD_LIMITS.maxCount);
    const ms = num(q.ms, 5000, 10, FLOOD_LIMITS.maxMs);
    const payload = "x".repeat(size);
    stopFlood();
    const started = Date.now();
    let sent = 0;
    if (isFn(cb)) cb({ rate, size, count, ms });
    flood = setInterval(() => {
      const elapsed = Date.now() - started;
      const due = Math.min(count, Math.ceil((elapsed / 1000) * rate));
      while (sent < due) s.emit("flood", sent++, payload);
      if (sent >= count || elapsed >= ms) {
        stopFlood();
        s.emit("flood-end", { sent, ms: Date.now() - started });
      }
    }, 10);
    ctx.timers.add(flood);
  });
  s.on("big", () => { ctx.stats.oversizedReceived++; });
  s.on("stats", (cb: unknown) => { if (isFn(cb)) cb({ ...ctx.stats }); });
  s.on("room-join", (room: unknown, cb: unknown) => {
    api.joinRoom("r:" + str(room, 40), () => { if (isFn(cb)) cb(true); });
  });
  s.on("room-say", (room: unknown, msg: unknown) => { api.toRoom("r:" + str(room, 40), "room-msg", msg); });
  s.on("shout", (msg: unknown) => { api.toAll("shout", msg); });
  s.on("restart", (cb: unknown) => {
    if (isFn(cb)) cb(true);
    // The ack must reach the client before the restart forgets its session: a polling client
    // with no GET pending finds it in the write buffer only at its next poll, which a loaded
    // machine can delay past a fixed 50 ms (seen in CI: "no ack for restart", 2.x polling). On
    // the Engine.IO lines, wait for that buffer to drain (at most 2 s), then restart.
    const conn = (s as Partial<SioSocket>).conn as (EngineSocket & { writeBuffer?: unknown[] }) | undefined;
    let done = false;
    const go = () => {
      if (done) return;
      done = true;
      later(ctx, 50, () => ctx.restart());
    };
    if (conn && Array.isArray(conn.writeBuffer) && conn.writeBuffer.length > 0) {
      conn.on("drain", go);
      later(ctx, 2000, go);
    } else go();
  });
  if (extra.recovery) {
    const rec = extra.recovery;
    s.on("recovery-drop", (cb: unknown) => {
      if (isFn(cb)) cb({ id: s.id });
      later(ctx, 20, () => rec(s.id));
    });
  }
  s.on("disconnect", () => stopFlood());
}

const bufferedStores = new WeakMap<Ctx, Map<string, unknown[]>>();
function globalBuffered(ctx: Ctx): Map<string, unknown[]> {
  let m = bufferedStores.get(ctx);
  if (!m) { m = new Map(); bufferedStores.set(ctx, m); }
  return m;
}

function adminAllowed(token: unknown): boolean {
  return token === ADMIN_TOKEN;
}

// ---------------------------------------------------------------- socket.io 1.x – 4.x

function buildModern(ctx: Ctx, fake: EventEmitter): SioServer {
  const { line, variant } = ctx.opts;
  const mod = require(({ "1": "sio1", "2": "sio2", "3": "sio3", "4": "sio4" } as Record<string, string>)[line]!) as
    { Server?: new (o: object) => SioServer } & (new (o: object) => SioServer);
  const ServerCtor = mod.Server ?? mod;
  const opts: Record<string, unknown> = {
    serveClient: false,
    maxHttpBufferSize: MAX_HTTP_BUFFER_SIZE,
    pingInterval: 10_000,
    pingTimeout: 5_000,
  };
  if (variant === "msgpack") opts.parser = require(line === "2" ? "sio-msgpack2" : "sio-msgpack3");
  if (line === "3" || line === "4") {
    opts.cors = {
      origin: (origin: string | undefined, cb: (e: Error | null, ok?: boolean) => void) =>
        cb(null, !origin || ctx.opts.origins.includes(origin)),
      credentials: true,
    };
  }
  if (variant === "recovery") opts.connectionStateRecovery = { maxDisconnectionDuration: 30_000, skipMiddlewares: true };
  if (variant === "eio3") opts.allowEIO3 = true;
  const io = new ServerCtor(opts);
  io.attach(fake, opts);
  io.engine.on("connection", (sock) => {
    ctx.engineSockets.add(sock);
    sock.on("close", () => { setTimeout(() => ctx.engineSockets.delete(sock), 31_000).unref(); });
  });

  const modern = line === "3" || line === "4";
  const api = (s: SioSocket, nsp: SioNamespace): Api => ({
    socket: s,
    joinRoom(room, done) {
      if (modern) { s.join(room); done(); } else s.join(room, () => done());
    },
    leaveRoom(room) { if (modern) s.leave(room); else s.leave(room, () => {}); },
    toRoom(room, ev, ...a) { s.to(room).emit(ev, ...a); },
    toRoomIncludingSelf(room, ev, ...a) { nsp.to(room).emit(ev, ...a); },
    toAll(ev, ...a) { if (ev) nsp.emit(ev, ...a); },
    kick() { s.disconnect(false); },
    drop() { dropEngineSocket(s.conn); },
  });

  const main = io.of("/");
  main.on("connection", (s) => {
    ctx.stats.connections++;
    mainHandlers(ctx, api(s, main), {
      recovery: variant === "recovery"
        ? (id) => {
            dropEngineSocket(s.conn);
            later(ctx, 150, () => { for (let i = 1; i <= 3; i++) main.to(id).emit("missed", i); });
          }
        : undefined,
    });
    if (s.recovered) s.emit("recovered", { id: s.id });
  });

  const tickerNsp = io.of("/ticker");
  const ticker = setupTicker(ctx, tickerNsp);
  tickerNsp.on("connection", (s) => { ticker.join(s); s.on("disconnect", () => ticker.leave()); });

  const admin = io.of("/admin");
  admin.use((s, next) => {
    const token = s.handshake.auth?.token ?? s.handshake.query.token;
    if (adminAllowed(token)) next();
    else next(new Error("bad token"));
  });
  admin.on("connection", (s) => {
    const via = s.handshake.auth?.token ? "auth" : "query";
    s.emit("welcome", { user: "admin", via });
    mainHandlers(ctx, api(s, admin), {});
  });

  const forbidden = io.of("/forbidden");
  forbidden.use((_s, next) => next(new Error("not authorized")));
  forbidden.on("connection", (s) => { s.disconnect(false); });
  return io;
}

function restartModern(io: SioServer): void {
  // As a dying process would: polling clients get their pending GET answered with a noop (so the
  // next GET carries the old sid to the new instance), WebSocket connections are cut.
  const clients = Object.values(io.engine.clients);
  for (const c of clients) {
    const t = c.transport;
    try {
      if (t.name !== "websocket" && t.writable && t.send) t.send([{ type: "noop" }]);
      else dropEngineSocket(c);
    } catch { /* ignore */ }
  }
  try { io.close(); } catch { /* ignore */ }
}

// ---------------------------------------------------------------- socket.io 0.9

type Manager09Nsp = ReturnType<Manager09["of"]>;
interface Manager09 {
  set(k: string, v: unknown): void;
  of(nsp: string): {
    on(ev: "connection", fn: (s: Sock09Full) => void): void;
    authorization(fn: (hs: { query: Record<string, unknown> }, cb: (err: unknown, ok: boolean) => void) => void): Manager09Nsp;
    emit(ev: string, ...a: unknown[]): unknown;
    in(room: string): { emit(ev: string, ...a: unknown[]): unknown };
  };
  sockets: { emit(ev: string, ...a: unknown[]): unknown };
  transports: Record<string, { socket?: NetSocket; req?: IncomingMessage; end?(reason: string): void; discard?(): void }>;
}
type Sock09Full = Sock09 & {
  join(room: string): unknown;
  leave(room: string): unknown;
  broadcast: { to(room: string): { emit(ev: string, ...a: unknown[]): unknown } };
  disconnect(): unknown;
};

function build09(ctx: Ctx, fake: EventEmitter): Manager09 {
  const sio = require("sio09") as { listen(srv: unknown, opts?: object): Manager09 };
  const io = sio.listen(fake, { log: false });
  io.set("browser client", false);
  io.set("log level", 0);
  io.set("destroy buffer size", MAX_HTTP_BUFFER_SIZE);
  io.set("transports", ["websocket", "xhr-polling", "jsonp-polling"]);
  io.set("close timeout", 10);
  io.set("heartbeat timeout", 15);
  io.set("heartbeat interval", 10);
  // Its default (15 s) leaves a timer per departed client that would keep Node alive after stop().
  io.set("client store expiration", 0);

  const drop = (id: string) => {
    const t = io.transports[id];
    if (!t) return;
    (t.socket ?? t.req?.socket)?.destroy();
    try { t.end?.("forced drop"); } catch { /* ignore */ }
  };
  const api = (s: Sock09Full, nspName: string): Api => ({
    socket: s,
    joinRoom(room, done) { s.join(room); done(); },
    leaveRoom(room) { s.leave(room); },
    toRoom(room, ev, ...a) { s.broadcast.to(room).emit(ev, ...a); },
    toRoomIncludingSelf(room, ev, ...a) { io.of(nspName).in(room).emit(ev, ...a); },
    toAll(ev, ...a) { if (ev) io.of(nspName).emit(ev, ...a); },
    kick() { s.disconnect(); },
    drop() { drop(s.id); },
  });

  io.of("").on("connection", (s) => { ctx.stats.connections++; mainHandlers(ctx, api(s, ""), {}); });
  const tickerNsp = io.of("/ticker");
  const ticker = setupTicker(ctx, tickerNsp);
  tickerNsp.on("connection", (s) => { ticker.join(s); s.on("disconnect", () => ticker.leave()); });
  io.of("/admin").authorization((hs, cb) => cb(null, adminAllowed(hs.query.token))).on("connection", (s: Sock09Full) => {
    s.emit("welcome", { user: "admin", via: "query" });
    mainHandlers(ctx, api(s, "/admin"), {});
  });
  io.of("/forbidden").authorization((_hs, cb) => cb(null, false));
  fake.emit("listening");
  return io;
}

function stop09(io: Manager09, fake: EventEmitter): void {
  for (const t of Object.values(io.transports)) {
    try { t.discard?.(); t.end?.("server shutdown"); } catch { /* ignore */ }
  }
  fake.emit("close");
}

// ---------------------------------------------------------------- the http server per line

class StandIn extends EventEmitter {
  close(cb?: () => void): void { cb?.(); }
}

export async function startLineServer(opts: LineServerOptions): Promise<LineServer> {
  const sockets = new Set<NetSocket>();
  const ctx: Ctx = {
    opts,
    stats: { oversizedReceived: 0, restarts: 0, connections: 0 },
    timers: new Set(),
    engineSockets: new Set(),
    restart: () => {},
  };
  let fake = new StandIn();
  let io: SioServer | Manager09;
  const is09 = opts.line === "0.9";
  io = is09 ? build09(ctx, fake) : buildModern(ctx, fake);

  ctx.restart = () => {
    if (is09) return;
    const old = io as SioServer;
    fake = new StandIn();
    io = buildModern(ctx, fake);
    ctx.stats.restarts++;
    restartModern(old);
    opts.log(`${opts.line}/${opts.variant}: restarted (sessions forgotten)`);
  };

  const http: HttpServer = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    if (path.startsWith("/socket.io")) {
      fake.emit("request", req, res);
      return;
    }
    res.writeHead(path === "/" ? 200 : 404, { "content-type": "text/plain; charset=utf-8", "access-control-allow-origin": "*" });
    res.end(path === "/" ? `socket.io ${opts.line} (${opts.variant}) test server\n` : "not found\n");
  });
  http.on("upgrade", (req: IncomingMessage, socket: NetSocket, head: Buffer) => {
    socket.on("error", () => {});
    if ((req.url ?? "").startsWith("/socket.io")) fake.emit("upgrade", req, socket, head);
    else socket.destroy();
  });
  http.on("connection", (s: NetSocket) => {
    sockets.add(s);
    s.on("error", () => {});
    s.on("close", () => sockets.delete(s));
  });
  http.on("clientError", (_e: Error, s: NetSocket) => { s.destroy(); });

  await new Promise<void>((resolve, reject) => {
    http.once("error", reject);
    http.listen(opts.port, opts.host, () => { http.off("error", reject); resolve(); });
  });
  const port = (http.address() as AddressInfo).port;
  return {
    line: opts.line,
    variant: opts.variant,
    port,
    url: `http://${opts.host}:${port}`,
    stats: ctx.stats,
    restart: () => ctx.restart(),
    async stop() {
      for (const t of ctx.timers) { clearTimeout(t); clearInterval(t); }
      ctx.timers.clear();
      try {
        if (is09) stop09(io as Manager09, fake);
        else (io as SioServer).close();
      } catch { /* ignore */ }
      // engine.io's close() skips sessions with unflushed packets and no pending GET, and a polling
      // transport closed without a pending GET keeps a 30 s timer: end both, or Node cannot exit.
      for (const sock of ctx.engineSockets) {
        const t = sock.transport;
        try {
          t.discard?.();
          if (sock.readyState !== "closed") sock.onClose?.("forced close");
          const pending = t.shouldClose;
          if (typeof pending === "function") { t.shouldClose = null; pending(); }
        } catch { /* ignore */ }
      }
      ctx.engineSockets.clear();
      for (const t of ctx.timers) { clearTimeout(t); clearInterval(t); }
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => http.close(() => r()));
    },
  };
}
