// One small interface over the real socket.io-client of every line, so the scenarios and the app
// are written once. Each entry-<line>.ts passes its real client library in.
import type { Line, Transport } from "../shared.ts";

export type StateEvent =
  | { kind: "connect" }
  | { kind: "disconnect"; reason: string; detail?: unknown }
  | { kind: "refused"; message: string }
  | { kind: "error"; message: string }
  | { kind: "reconnect" };

export interface OpenOptions {
  forceNew?: boolean;
  token?: string;
  /** Overrides the page's transport choice for this socket. */
  transport?: Transport;
}

export interface Sock {
  readonly nsp: string;
  readonly raw: unknown;
  connected(): boolean;
  on(ev: string, fn: (...a: unknown[]) => void): void;
  off(ev: string, fn: (...a: unknown[]) => void): void;
  emit(ev: string, ...a: unknown[]): void;
  /** Emits with an ack; resolves with the ack arguments, rejects after timeoutMs. */
  call(ev: string, args: unknown[], timeoutMs: number): Promise<unknown[]>;
  onState(fn: (e: StateEvent) => void): () => void;
  transportName(): string;
  engineId(): string | undefined;
  recovered(): boolean;
  close(): void;
}

export interface ClientLine {
  /** The client library's line (2 for the eio3 variant). */
  line: Line;
  version: string;
  binary: boolean;
  /** How namespace credentials travel: 3.x/4.x `auth`, older lines the query string. */
  authVia: "auth" | "query";
  /** Engine.IO revision spoken (3 for 1.x/2.x, 4 for 3.x/4.x); 0 for 0.9 (no Engine.IO). */
  eio: 0 | 3 | 4;
  open(base: string, nsp: string, o: OpenOptions, pageTransport: Transport): Sock;
}

type Fn = (...a: unknown[]) => void;
interface Emitter {
  on(ev: string, fn: Fn): unknown;
  off?(ev: string, fn: Fn): unknown;
  removeListener?(ev: string, fn: Fn): unknown;
}
interface RawModern extends Emitter {
  connected: boolean;
  active?: boolean;
  recovered?: boolean;
  emit(ev: string, ...a: unknown[]): unknown;
  disconnect(): unknown;
  close?(): unknown;
  io: Emitter & { engine?: { id?: string; transport?: { name: string } }; reconnection?(v: boolean): unknown };
}
export type ModernIo = (url: string, opts: object) => RawModern;

function callWithTimeout(emit: (ack: Fn) => void, timeoutMs: number, ev: string): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no ack for "${ev}" within ${timeoutMs} ms`)), timeoutMs);
    emit((...reply: unknown[]) => { clearTimeout(t); resolve(reply); });
  });
}

function off(e: Emitter, ev: string, fn: Fn): void {
  if (e.off) e.off(ev, fn);
  else e.removeListener?.(ev, fn);
}

/** socket.io-client 1.x – 4.x. */
/**
 * `fetchPolling`: engine.io-client's `Fetch` transport class, for the polling-fetch transport
 * (socket.io-client 4.8 takes transport classes in `transports`).
 */
export function modernLine(line: "1" | "2" | "3" | "4", version: string, io: ModernIo, msgpack?: object, fetchPolling?: unknown): (parser: "default" | "msgpack") => ClientLine {
  return (parser) => ({
    line,
    version,
    binary: true,
    authVia: line === "3" || line === "4" ? "auth" : "query",
    eio: line === "3" || line === "4" ? 4 : 3,
    open(base, nsp, o, pageTransport) {
      const transport = o.transport ?? pageTransport;
      const opts: Record<string, unknown> = {
        forceNew: !!o.forceNew,
        transports: transport === "websocket" ? ["websocket"] : transport === "polling-upgrade" ? ["polling", "websocket"]
          : transport === "polling-fetch" && fetchPolling ? [fetchPolling] : ["polling"],
        forceJSONP: transport === "polling-jsonp",
        forceBase64: transport === "polling-base64",
        reconnectionDelay: 150,
        reconnectionDelayMax: 1000,
        randomizationFactor: 0.2,
        timeout: 5000,
      };
      if (parser === "msgpack" && msgpack) opts.parser = msgpack;
      if (o.token) {
        if (line === "3" || line === "4") opts.auth = { token: o.token };
        else opts.query = { token: o.token };
      }
      const raw = io(base + (nsp === "/" ? "/" : nsp), opts);
      const modern = line === "3" || line === "4";
      return {
        nsp,
        raw,
        connected: () => raw.connected,
        on: (ev, fn) => { raw.on(ev, fn); },
        off: (ev, fn) => off(raw, ev, fn),
        emit: (ev, ...a) => { raw.emit(ev, ...a); },
        call: (ev, args, ms) => callWithTimeout((ack) => raw.emit(ev, ...args, ack), ms, ev),
        onState(fn) {
          const subs: [Emitter, string, Fn][] = [
            [raw, "connect", () => fn({ kind: "connect" })],
            [raw, "disconnect", (reason, detail) => fn({ kind: "disconnect", reason: String(reason), detail })],
          ];
          if (modern) {
            subs.push([raw, "connect_error", (err) => {
              const message = err instanceof Error ? err.message : String(err);
              // A CONNECT_ERROR from the server (middleware refusal) vs. a transport failure the
              // manager retries: 4.x deactivates the socket; 3.x errors carry no engine `type`.
              const transportLevel = typeof (err as { type?: unknown }).type === "string" ||
                /^(timeout|xhr poll error|xhr post error|fetch read error|fetch write error|websocket error|server error)$/.test(message);
              fn(raw.active === false || !transportLevel ? { kind: "refused", message } : { kind: "error", message });
            }]);
            subs.push([raw.io, "reconnect", () => fn({ kind: "reconnect" })]);
          } else {
            // 1.x/2.x: a namespace refused by middleware arrives as an "error" event with the message.
            subs.push([raw, "error", (e) => fn({ kind: "refused", message: typeof e === "string" ? e : JSON.stringify(e) })]);
            subs.push([raw, "connect_error", (e) => fn({ kind: "error", message: e instanceof Error ? e.message : String(e) })]);
            subs.push([raw, "reconnect", () => fn({ kind: "reconnect" })]);
          }
          for (const [e, ev, f] of subs) e.on(ev, f);
          return () => { for (const [e, ev, f] of subs) off(e, ev, f); };
        },
        transportName: () => raw.io.engine?.transport?.name ?? "?",
        engineId: () => raw.io.engine?.id,
        recovered: () => raw.recovered === true,
        close: () => { raw.disconnect(); },
      };
    },
  });
}

// ---------------------------------------------------------------- 0.9 (global `io` from its dist file)

interface Raw09 extends Emitter {
  socket: { connected: boolean; sessionid?: string; transport?: { name: string }; options: Record<string, unknown>; disconnect(): unknown };
  emit(ev: string, ...a: unknown[]): unknown;
  disconnect(): unknown;
}
export interface Io09 {
  connect(url: string, opts: object): Raw09;
  version: string;
}

export function line09(io: Io09): () => ClientLine {
  return () => ({
    line: "0.9",
    version: io.version,
    binary: false,
    authVia: "query",
    eio: 0,
    open(base, nsp, o, pageTransport) {
      const transport = o.transport ?? pageTransport;
      const opts: Record<string, unknown> = {
        // 0.9 merges this list into its default one (websocket, flashsocket, htmlfile,
        // xhr-polling, jsonp-polling) index by index (io.util.merge), so a shorter list keeps
        // the defaults after it: ["jsonp-polling"] became [jsonp, flashsocket, htmlfile, xhr,
        // jsonp], and intersected with the server's list the client picked xhr-polling. JSONP is
        // the list's whole length; the others keep 0.9's fallbacks after them, as apps had them.
        transports: transport === "websocket" ? ["websocket"] : transport === "polling" ? ["xhr-polling"]
          : transport === "polling-jsonp" ? Array(5).fill("jsonp-polling") : ["websocket", "xhr-polling"],
        "force new connection": !!o.forceNew,
        reconnect: true,
        "reconnection delay": 150,
        "reconnection limit": 1000,
        "max reconnection attempts": 50,
        "connect timeout": 5000,
      };
      if (o.token) opts.query = "token=" + encodeURIComponent(o.token);
      const raw = io.connect(base + (nsp === "/" ? "" : nsp), opts);
      let connected = false;
      raw.on("connect", () => { connected = true; });
      raw.on("disconnect", () => { connected = false; });
      return {
        nsp,
        raw,
        connected: () => connected,
        on: (ev, fn) => { raw.on(ev, fn); },
        off: (ev, fn) => off(raw, ev, fn),
        emit: (ev, ...a) => { raw.emit(ev, ...a); },
        call: (ev, args, ms) => callWithTimeout((ack) => raw.emit(ev, ...args, ack), ms, ev),
        onState(fn) {
          const subs: [string, Fn][] = [
            ["connect", () => fn({ kind: "connect" })],
            ["disconnect", (reason) => fn({ kind: "disconnect", reason: String(reason ?? "") })],
            ["error", (e) => fn({ kind: "refused", message: String(e) })],
            ["connect_failed", () => fn({ kind: "refused", message: "connect_failed" })],
            ["reconnect", () => fn({ kind: "reconnect" })],
          ];
          for (const [ev, f] of subs) raw.on(ev, f);
          return () => { for (const [ev, f] of subs) off(raw, ev, f); };
        },
        transportName: () => raw.socket.transport?.name ?? "?",
        engineId: () => raw.socket.sessionid,
        recovered: () => false,
        close: () => {
          raw.disconnect();
          if (o.forceNew) raw.socket.disconnect();
        },
      };
    },
  });
}
