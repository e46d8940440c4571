// Shared by the hook's end-to-end tests and its benchmark: the hook bundled in memory, a
// test server (real socket.io 4 and 2 servers, a raw `ws` echo, an HTTP echo at polling-shaped
// URLs, a page with the real clients bundled by esbuild) and Chromium pages that collect the
// hook's batches. The server also records every HTTP exchange it sees, byte for byte, so
// tests compare what the hook captured against what really crossed the wire.
import assert from "node:assert/strict";
import { after, before } from "node:test";
import { build, type Plugin } from "esbuild";
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright";
import { BUSY_BATCH_MS, FLOOD_BATCH_MS, FLOOD_EVENTS, HOOK_EVENT } from "../../extension/shared/bridge.ts";
import { readHookBatch } from "../../extension/shared/wire.ts";
import type { CaptureEvent } from "../../protocol/capture.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
const require = createRequire(import.meta.url);

export const CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
  "--disable-component-update", "--no-first-run"];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
}

let hookCode: Promise<string> | undefined;
/** The hook exactly as the extension ships it: extension/hook/index.ts bundled as an IIFE. */
/**
 * A test file's test server and Chromium: started before its tests (`set` receives both),
 * closed after them.
 */
export function useServerAndBrowser(set: (server: TestServer, browser: Browser) => void): void {
  let server: TestServer | undefined;
  let browser: Browser | undefined;
  before(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchChromium()]);
    set(server, browser);
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });
}

export function bundleHook(): Promise<string> {
  hookCode ??= buildHook([]);
  return hookCode;
}

function buildHook(plugins: Plugin[]): Promise<string> {
  return build({
    entryPoints: [join(root, "extension/hook/index.ts")], bundle: true, format: "iife", write: false,
    platform: "browser", target: "es2022", logLevel: "silent", plugins,
  }).then((r) => r.outputFiles[0]!.text);
}

/**
 * The hook with a shorter wait for data still being read (queue.ts PENDING_MAX_MS, 30 s as
 * shipped): what a body that never ends does, in a test's time. The shipped source is bundled
 * with that one constant rewritten (and the build fails if the line is not there any more).
 */
export function bundleHookWithPendingCap(ms: number): Promise<string> {
  const line = "const PENDING_MAX_MS = 30_000;";
  return buildHook([{
    name: "pending-cap",
    setup(b) {
      b.onLoad({ filter: /extension[\\/]hook[\\/]queue\.ts$/ }, (args) => {
        const src = readFileSync(args.path, "utf8");
        if (!src.includes(line)) throw new Error(`queue.ts no longer has "${line}"`);
        return { contents: src.replace(line, `const PENDING_MAX_MS = ${ms};`), loader: "ts" };
      });
    },
  }]);
}

async function bundleClient(source: string): Promise<string> {
  const r = await build({
    stdin: { contents: source, resolveDir: root, loader: "ts" }, bundle: true, format: "iife", write: false,
    platform: "browser", target: "es2020", logLevel: "silent",
    define: { global: "globalThis", "process.env.NODE_ENV": '"production"' },
  });
  return r.outputFiles[0]!.text;
}

/** One HTTP exchange as the server saw it. */
export interface ServerExchange {
  method: string;
  url: string;
  requestBody: Buffer;
  status: number;
  responseBody: Buffer;
}

export interface TestServer {
  origin: string;
  /** ws://… origin for raw WebSocket tests (echo at /echo). */
  wsOrigin: string;
  /** A port on 127.0.0.1 where nothing listens. */
  closedPort: number;
  exchanges: ServerExchange[];
  stop(): Promise<void>;
}

const PAGE = "<!doctype html><html><head><meta charset=utf-8><title>hook test</title></head><body>hook test</body></html>";

/**
 * Routes: `/` blank page, `/sio4.js` and `/sio2.js` the real clients (`window.io4`, `window.io2`),
 * `/sio4/` and `/sio2/` real servers (events: hello → ack + echo; bin → bin back), `/echo`
 * WebSocket echo (text stays text, binary stays binary; "close:<code>:<reason>" makes the
 * server close), `/http-echo/…` echoes the request body with its content type (or
 * `?as=<type>`; with `?reply=ok` it answers `ok` instead, as an Engine.IO server does a POST;
 * with `?say=<text>` it answers that text; with `?cut` it sends headers and part of a body, then
 * cuts the connection; with `?slow=<ms>` it sends the rest of that body after ms),
 * `/hold/…` never answers.
 */
export async function startTestServer(): Promise<TestServer> {
  const [sio4js, sio2js] = await Promise.all([
    bundleClient('import { io } from "sio4-client"; (globalThis as any).io4 = io;'),
    bundleClient('import io from "sio2-client"; (globalThis as any).io2 = io;'),
  ]);
  const exchanges: ServerExchange[] = [];
  const http: HttpServer = createServer();
  const statics: Record<string, [string, string]> = {
    "/": ["text/html; charset=utf-8", PAGE],
    "/sio4.js": ["text/javascript", sio4js],
    "/sio2.js": ["text/javascript", sio2js],
  };
  const held = new Set<ServerResponse>();
  // record every exchange, serve the static and echo routes; prepended after the socket.io
  // servers attach (engine.io moves earlier listeners behind its own path check)
  const route = (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? "/").split("?")[0]!;
    const chunksIn: Buffer[] = [];
    const chunksOut: Buffer[] = [];
    const record = !statics[path];
    if (record) {
      // only bodies that someone reads anyway: a flowing GET ends and "closes", which engine.io
      // takes for a long-poll the client abandoned
      if (req.method !== "GET" && req.method !== "HEAD") req.on("data", (c: Buffer | string) => chunksIn.push(typeof c === "string" ? Buffer.from(c, "utf8") : c));
      const write = res.write.bind(res) as (...a: unknown[]) => boolean;
      const end = res.end.bind(res) as (...a: unknown[]) => ServerResponse;
      const keep = (c: unknown, enc?: unknown) => {
        if (c === undefined || c === null || typeof c === "function") return;
        chunksOut.push(Buffer.isBuffer(c) ? c : typeof c === "string" ? Buffer.from(c, (typeof enc === "string" ? enc : "utf8") as BufferEncoding) : Buffer.from(c as Uint8Array));
      };
      res.write = ((c: unknown, ...rest: unknown[]) => { keep(c, rest[0]); return write(c, ...rest); }) as typeof res.write;
      res.end = ((c?: unknown, ...rest: unknown[]) => {
        keep(c, rest[0]);
        exchanges.push({ method: req.method ?? "", url: req.url ?? "", requestBody: Buffer.concat(chunksIn), status: res.statusCode, responseBody: Buffer.concat(chunksOut) });
        return end(c, ...rest);
      }) as typeof res.end;
    }
    const s = statics[path];
    if (s) {
      res.writeHead(200, { "content-type": s[0], "cache-control": "no-store" });
      res.end(s[1]);
    } else if (path === "/favicon.ico") {
      res.writeHead(404);
      res.end();
    } else if (path.startsWith("/http-echo/")) {
      if (req.method === "GET" || req.method === "HEAD") req.resume();
      req.on("end", () => {
        const q = new URL(req.url ?? "/", "http://x").searchParams;
        const say = q.get("say");
        if (say !== null) {
          res.writeHead(200, { "content-type": q.get("as") ?? "text/plain" });
          res.end(say);
          return;
        }
        const slow = q.get("slow");
        if (slow !== null) {
          // headers and part of the body now, the rest after `slow` ms
          res.writeHead(200, { "content-type": "text/plain", "content-length": "10" });
          res.write("slow ");
          setTimeout(() => res.end("body!"), Number(slow) || 1000);
          return;
        }
        if (q.get("cut") !== null) {
          // headers and half a body, then the connection is cut
          res.writeHead(200, { "content-type": "text/plain", "content-length": "100" });
          res.write("half a body");
          setTimeout(() => res.destroy(), 50);
          return;
        }
        if (q.get("reply") === "ok") {
          res.writeHead(200, { "content-type": "text/html" });
          res.end("ok");
          return;
        }
        const as = q.get("as");
        const body = Buffer.concat(chunksIn);
        res.writeHead(200, { "content-type": as ?? req.headers["content-type"] ?? "application/octet-stream" });
        res.end(body);
      });
    } else if (path.startsWith("/hold/")) {
      held.add(res);
      res.on("close", () => held.delete(res));
    }
    // anything else: the socket.io servers answer
  };
  http.on("upgrade", (req, socket, head) => {
    if ((req.url ?? "").startsWith("/echo")) wss.handleUpgrade(req, socket, head, (ws) => wss.emit("connection", ws, req));
  });

  const { WebSocketServer } = require("ws") as typeof import("ws");
  const wss = new WebSocketServer({ noServer: true });
  wss.on("connection", (ws) => {
    ws.on("message", (data: Buffer, isBinary: boolean) => {
      const s = isBinary ? "" : data.toString("utf8");
      const m = /^close:(\d+):(.*)$/.exec(s);
      if (m) ws.close(Number(m[1]), m[2]);
      else ws.send(data, { binary: isBinary });
    });
  });

  const { Server: Sio4 } = require("sio4") as { Server: new (srv: HttpServer, o: object) => { on: (e: string, f: (s: SioSocket) => void) => void; close: () => void } };
  // (large payloads let through: the extension's tests send some over 1 MiB)
  const io4 = new Sio4(http, { path: "/sio4/", serveClient: false, destroyUpgrade: false, maxHttpBufferSize: 64 * 1024 * 1024 });
  const sio2 = require("sio2") as (srv: HttpServer, o: object) => { on: (e: string, f: (s: SioSocket) => void) => void; close: () => void };
  const io2 = sio2(http, { path: "/sio2", serveClient: false, destroyUpgrade: false });
  type SioSocket = { on: (e: string, f: (...a: never[]) => void) => void; emit: (e: string, ...a: unknown[]) => void };
  const behave = (socket: SioSocket) => {
    socket.on("hello", ((msg: unknown, ack?: (x: unknown) => void) => {
      if (typeof ack === "function") ack("got " + String(msg));
      socket.emit("echo", msg);
    }) as never);
    socket.on("bin", ((buf: unknown) => {
      const b = Buffer.isBuffer(buf) ? Buffer.from(buf) : buf instanceof ArrayBuffer ? Buffer.from(new Uint8Array(buf)) : Buffer.from(JSON.stringify(buf));
      socket.emit("bin", b.reverse());
    }) as never);
  };
  io4.on("connection", behave as never);
  io2.on("connection", behave);
  http.prependListener("request", route);

  await new Promise<void>((r) => http.listen(0, "127.0.0.1", r));
  const port = (http.address() as AddressInfo).port;
  const closedPort = await new Promise<number>((r) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => { const p = (s.address() as AddressInfo).port; s.close(() => r(p)); });
  });
  return {
    origin: `http://127.0.0.1:${port}`,
    wsOrigin: `ws://127.0.0.1:${port}`,
    closedPort,
    exchanges,
    async stop() {
      for (const r of held) r.destroy();
      for (const c of wss.clients) c.terminate();
      io4.close();
      io2.close();
      http.closeAllConnections();
      await new Promise<void>((r) => http.close(() => r()));
    },
  };
}

/** One of the hook's batches as capture events: compact items expanded (extension/shared/wire.ts), as the background does. */
export function parseBatch(b: string): CaptureEvent[] {
  return readHookBatch(b) as CaptureEvent[];
}

/**
 * The hook's batches once it has sent everything: polls `read` until no new batch arrives for
 * longer than the hook can hold one back (its busy delay, BUSY_BATCH_MS; after a batch of a flood,
 * FLOOD_BATCH_MS: ../../extension/shared/bridge.ts), rather than a fixed pause a loaded machine
 * can outlast.
 */
export async function settledBatches(read: () => Promise<string[]>): Promise<string[]> {
  let all = await read();
  for (let seen = 0; ; ) {
    // the newest flush may have come as several batches (the hook splits big ones)
    const fresh = all.slice(seen).reduce((n, b) => n + readHookBatch(b).length, 0);
    seen = all.length;
    await new Promise((r) => setTimeout(r, (fresh >= FLOOD_EVENTS ? FLOOD_BATCH_MS : BUSY_BATCH_MS) + 150));
    all = await read();
    if (all.length === seen) return all;
  }
}

/** Adds, before any page script, a collector of the hook's batches (non-enumerable on window). */
// (`__name`: tsx compiles test code with esbuild's keepNames, so functions passed to
// page.evaluate call it; defined non-enumerable like the collector, on every page alike.)
export const COLLECTOR = `Object.defineProperty(window, "__hookBatches", { value: [], enumerable: false });
Object.defineProperty(window, "__name", { value: (f) => f, enumerable: false });
window.addEventListener(${JSON.stringify(HOOK_EVENT)}, (e) => { e.preventDefault(); window.__hookBatches.push(e.detail); });`;

export interface HookPage {
  context: BrowserContext;
  page: Page;
  /** All events dispatched so far (waits `settleMs` for the batch timer first). */
  events(settleMs?: number): Promise<CaptureEvent[]>;
  batches(): Promise<string[]>;
}

/**
 * A fresh context whose pages get the collector, then `before`, then (unless `hook` is 0) the
 * hook `hook` times, then `after` (what a page loads itself, which always runs after the
 * document_start hook).
 */
export async function openPage(browser: Browser, url: string, { hook = 1, before, after, code: hookSource }: { hook?: number; before?: string; after?: string; code?: string } = {}): Promise<HookPage> {
  const context = await browser.newContext();
  await context.addInitScript(COLLECTOR);
  if (before) await context.addInitScript(before);
  const code = hookSource ?? (await bundleHook());
  for (let i = 0; i < hook; i++) await context.addInitScript(code);
  if (after) await context.addInitScript(after);
  const page = await context.newPage();
  await page.goto(url);
  const batches = () => page.evaluate(() => (window as unknown as { __hookBatches: string[] }).__hookBatches.slice());
  return {
    context, page, batches,
    async events(settleMs = 150) {
      await page.waitForTimeout(settleMs);
      return (await settledBatches(batches)).flatMap(parseBatch);
    },
  };
}

/**
 * A page's chain of fetch() exchanges, each started once the app has what the one before
 * returned (as engine.io-client polls again once a poll's text is in): bodies read as text, as
 * an ArrayBuffer or not at all (engine.io-client's Fetch transport ignores a POST's reply), some
 * 300 kB; then a body cut short (`?cut`) and one more exchange. Check with `checkFetchOrder`.
 */
export async function fetchOrderScenario(): Promise<void> {
  const E = "/http-echo/?EIO=4&transport=polling&k=";
  const big = "x".repeat(300_000);
  for (let i = 0; i < 12; i++) {
    const r = await fetch(E + "t" + i, { method: "POST", body: "t" + i + (i % 4 === 3 ? big : "") });
    if (i % 3 === 0) await r.text();
    else if (i % 3 === 1) await r.arrayBuffer();
  }
  const cut = await fetch(E + "cut&cut");
  await cut.text().catch(() => undefined);
  await (await fetch(E + "after", { method: "POST", body: "after" })).text();
}

/** Each request follows the response before it, every body whole, the cut body an error in its place. */
export function checkFetchOrder(evs: CaptureEvent[]): void {
  const connOf = new Map(evs.flatMap((e) => (e.type === "http-request" ? [[e.conn, new URL(e.url).searchParams.get("k")!] as const] : [])));
  const named = evs.flatMap((e) => (e.type === "http-request" ? [`req ${connOf.get(e.conn)}`]
    : e.type === "http-response" ? [`res ${connOf.get(e.conn)}`] : e.type === "http-error" ? [`error ${connOf.get(e.conn)} ${e.reason}`] : []));
  assert.deepEqual(named, [...Array.from({ length: 12 }, (_, i) => [`req t${i}`, `res t${i}`]).flat(), "req cut", "error cut network", "req after", "res after"]);
  const bodies = evs.flatMap((e) => (e.type === "http-response" && e.body && "text" in e.body ? [e.body.text] : []));
  assert.deepEqual(bodies.map((b) => b.length), [...Array.from({ length: 12 }, (_, i) => 1 + String(i).length + (i % 4 === 3 ? 300_000 : 0)), 5], "every body whole: the echo of what was sent");
}

/**
 * A page whose socket is read with `onmessage` only, as every Engine.IO and 0.9 client reads
 * it: handler order, `this`, exceptions and their stacks, reassignment, null, a non-callable
 * object, a synthetic event, and a listener added later. Returns the page's log; run it with and
 * without the hook and compare (`checkOnmessageRuns`).
 */
export async function onmessageScenario(): Promise<string[]> {
  const log: string[] = [];
  window.onerror = (m, _s, _l, _c, err) => { log.push("onerror " + String(m) + " | " + String(err?.stack)); return true; };
  const echo = location.origin.replace("http", "ws") + "/echo";
  const ws = new WebSocket(echo);
  ws.binaryType = "arraybuffer";
  const first = function (this: WebSocket, e: MessageEvent) {
    log.push(`first ${typeof e.data === "string" ? e.data : "bytes " + (e.data as ArrayBuffer).byteLength} this=${this === ws} trusted=${e.isTrusted} phase=${e.eventPhase} cur=${e.currentTarget === ws} ev=${(window as any).event === e}`);
    if (e.data === "boom") throw new Error("onmessage boom");
    if (e.data === "swap") ws.onmessage = second;
    if (e.data === "late listener") ws.addEventListener("message", (x) => log.push("late listener " + x.data));
  };
  const second = (e: MessageEvent) => {
    log.push("second " + e.data);
    if (e.data === "off") ws.onmessage = null;
    if (e.data === "object") ws.onmessage = { handleEvent: () => log.push("never called") } as any;
  };
  ws.onmessage = first;
  log.push("handler is first " + (ws.onmessage === first));
  await new Promise((r) => { ws.onopen = r; });
  const roundTrip = async (m: string | Uint8Array<ArrayBuffer>, until: () => boolean) => {
    ws.send(m);
    for (let i = 0; i < 250 && !until(); i++) await new Promise((r) => setTimeout(r, 20));
  };
  const seen = (s: string) => () => log.some((l) => l.includes(s));
  await roundTrip("a", seen("first a"));
  await roundTrip(new Uint8Array([1, 2, 3]), seen("first bytes 3"));
  await roundTrip("boom", seen("onmessage boom"));
  ws.dispatchEvent(new MessageEvent("message", { data: "synthetic" }));
  await roundTrip("swap", seen("first swap"));
  log.push("handler is second " + (ws.onmessage === second));
  await roundTrip("b", seen("second b"));
  await roundTrip("off", seen("second off"));
  log.push("handler after null " + String(ws.onmessage));
  ws.send("unheard"); // nobody listens: only the hook may see it
  await new Promise((r) => setTimeout(r, 200));
  ws.onmessage = second;
  await roundTrip("object", seen("second object"));
  log.push("handler is object " + (typeof ws.onmessage) + " " + (ws.onmessage === second));
  ws.send("ignored");
  await new Promise((r) => setTimeout(r, 200));
  ws.onmessage = first;
  await roundTrip("late listener", seen("first late listener"));
  await roundTrip("c", seen("late listener c"));
  ws.close();
  await new Promise((r) => ws.addEventListener("close", r));
  return log;
}

/** `runs`: the scenario's logs without the hook, with it, (optionally) with it injected twice; `captured`: each run's capture. */
export function checkOnmessageRuns(runs: string[][], captured: CaptureEvent[][]): void {
  const log = runs[0]!;
  assert.ok(log.includes("first a this=true trusted=true phase=2 cur=true ev=true"), log.join("\n"));
  assert.ok(log.some((l) => l.startsWith("onerror Uncaught Error: onmessage boom | ") || l.startsWith("onerror Error: onmessage boom | ")), log.join("\n"));
  assert.ok(log.some((l) => /onmessage boom \| [^]*(\n\s+at |@)/.test(l)), `the error carries a stack: ${log.find((l) => l.includes("boom |"))}`);
  assert.ok(log.includes("first synthetic this=true trusted=false phase=2 cur=true ev=true"));
  assert.ok(!log.some((l) => l.includes("unheard") || l.includes("ignored") || l.includes("never called")));
  assert.ok(log.includes("late listener c"));
  for (let i = 1; i < runs.length; i++) assert.deepEqual(runs[i], log, `run ${i}: the same log, exception stacks included, with the hook`);
  // every frame recorded exactly once, the unheard ones too (nothing lost), the synthetic one not
  const sent = ["a", "bytes", "boom", "swap", "b", "off", "unheard", "object", "ignored", "late listener", "c"];
  assert.equal(captured[0]!.length, 0);
  for (const evs of captured.slice(1)) {
    const frames = evs.filter((e) => e.type === "ws-frame" && (e as { dir: string }).dir === "in").map((e) => {
      const d = (e as { data: { text?: string; base64?: string } }).data;
      return d.text ?? (d.base64 === "AQID" ? "bytes" : d.base64);
    });
    assert.deepEqual(frames, sent);
  }
}

/**
 * Frames at and over the hook's 1 MiB cut (queue.ts PAYLOAD_MAX), echoed by `/echo`: text, bytes,
 * a view at an offset, and a received Blob. Returns what the app received (it must get every
 * byte). No named inner functions: this runs in the page without tsx's helper.
 */
export async function largeFramesScenario(): Promise<string[]> {
  const MiB = 1024 * 1024;
  const ws = new WebSocket(location.origin.replace("http", "ws") + "/echo");
  ws.binaryType = "arraybuffer";
  await new Promise((r) => (ws.onopen = r));
  const sizes: string[] = [];
  const b3 = new Uint8Array(3 * MiB).map((_, i) => (i * 13) & 255);
  const b2 = new Uint8Array(2 * MiB).map((_, i) => (i * 13) & 255);
  const sends: Array<string | Uint8Array<ArrayBuffer>> = ["t".repeat(MiB), "u".repeat(MiB + 1), b3.subarray(0, MiB).slice(), b3, new Uint8Array(b2.buffer, 5, MiB + 7), b2];
  for (let k = 0; k < sends.length; k++) {
    // the last one comes back as a Blob, which the hook reads only in part
    if (k === sends.length - 1) ws.binaryType = "blob";
    const back = new Promise<MessageEvent>((r) => (ws.onmessage = r));
    ws.send(sends[k]!);
    const d: unknown = (await back).data;
    sizes.push(typeof d === "string" ? `text ${d.length}` : d instanceof ArrayBuffer ? `bytes ${d.byteLength}` : `blob ${(d as Blob).size}`);
  }
  ws.close();
  return sizes;
}

/** What largeFramesScenario must leave: whole frames up to 1 MiB, the first 64 KiB and the whole length of larger ones, never two large payloads in one batch. */
export function checkLargeFrames(got: string[], evs: readonly CaptureEvent[], batches: readonly string[]): void {
  const MiB = 1024 * 1024;
  const head = 64 * 1024;
  assert.deepEqual(got, [`text ${MiB}`, `text ${MiB + 1}`, `bytes ${MiB}`, `bytes ${3 * MiB}`, `bytes ${MiB + 7}`, `blob ${2 * MiB}`], "the app sees its frames whole");
  // no batch carries two large payloads: a batch of large frames would be one chunk of the tab's
  // backlog, which the background can never drop (the newest chunk stays)
  for (const b of batches) {
    const big = readHookBatch(b).filter((e) => { const d = (e as { data?: { text?: string; base64?: string } }).data; return (d?.text ?? d?.base64 ?? "").length > 256 * 1024; });
    assert.ok(big.length <= 1, `a batch of ${b.length} characters carries ${big.length} payloads over 256 KiB`);
  }
  const frames = evs.filter((e) => e.type === "ws-frame") as Extract<CaptureEvent, { type: "ws-frame" }>[];
  const seen = frames.map((f) => {
    const d = f.data as { text?: string; base64?: string; truncated?: number };
    return [f.dir, d.text !== undefined ? `text ${d.text.length}` : `bytes ${Buffer.from(d.base64!, "base64").length}`, d.truncated ?? "whole"];
  });
  const pair = (what: string, kept: number, full: number | "whole") => [["out", `${what} ${kept}`, full], ["in", `${what} ${kept}`, full]];
  assert.deepEqual(seen, [
    ...pair("text", MiB, "whole"),
    ...pair("text", head, MiB + 1),
    ...pair("bytes", MiB, "whole"),
    ...pair("bytes", head, 3 * MiB),
    ...pair("bytes", head, MiB + 7),
    ...pair("bytes", head, 2 * MiB),
  ]);
  // the head is the payload's start, byte for byte (the view's, from its offset)
  const view = frames[8]!.data as { base64: string };
  assert.deepEqual(Buffer.from(view.base64, "base64"), Buffer.from(Array.from({ length: head }, (_, i) => ((i + 5) * 13) & 255)));
  assert.equal((frames[2]!.data as { text: string }).text, "u".repeat(head));
  // and a received Blob's, read in part
  const blob = frames[11]!.data as { base64: string };
  assert.deepEqual(Buffer.from(blob.base64, "base64"), Buffer.from(Array.from({ length: head }, (_, i) => (i * 13) & 255)));
}

/**
 * HTTP bodies at and over the hook's 1 MiB cut, both ways, through `/http-echo/`: XHR text,
 * bytes and Blob, fetch text and bytes. Returns what the app received.
 */
export async function largeBodiesScenario(): Promise<string[]> {
  const MiB = 1024 * 1024;
  const E = "/http-echo/?EIO=4&transport=polling&k=";
  const out: string[] = [];
  const xhrs: Array<[string, XMLHttpRequestBodyInit, XMLHttpRequestResponseType]> = [
    ["xhr-text", "a".repeat(2 * MiB), "text"],
    ["xhr-bytes", new Uint8Array(MiB + 1).fill(7), "arraybuffer"],
    ["xhr-blob", new Blob([new Uint8Array(3 * MiB).fill(8)]), "blob"],
    ["xhr-whole", "w".repeat(MiB), "text"],
  ];
  for (const [k, body, type] of xhrs) {
    const x = new XMLHttpRequest();
    x.open("POST", E + k);
    x.responseType = type;
    const loaded = new Promise((r) => (x.onload = r));
    x.send(body);
    await loaded;
    const v = x.response as string | ArrayBuffer | Blob;
    out.push(`${k} ${typeof v === "string" ? v.length : v instanceof ArrayBuffer ? v.byteLength : v.size}`);
  }
  out.push(`fetch-text ${(await (await fetch(E + "fetch-text", { method: "POST", body: "b".repeat(2 * MiB) })).text()).length}`);
  out.push(`fetch-bytes ${(await (await fetch(E + "fetch-bytes&as=application/octet-stream", { method: "POST", body: new Uint8Array(2 * MiB).fill(9) })).arrayBuffer()).byteLength}`);
  return out;
}

/** What largeBodiesScenario must leave: each body whole up to 1 MiB, else its first 64 KiB and whole length. */
export function checkLargeBodies(got: string[], evs: readonly CaptureEvent[]): void {
  const MiB = 1024 * 1024;
  const H = 64 * 1024;
  assert.deepEqual(got, [`xhr-text ${2 * MiB}`, `xhr-bytes ${MiB + 1}`, `xhr-blob ${3 * MiB}`, `xhr-whole ${MiB}`, `fetch-text ${2 * MiB}`, `fetch-bytes ${2 * MiB}`]);
  const connOf = new Map(evs.flatMap((e) => (e.type === "http-request" ? [[e.conn, new URL(e.url).searchParams.get("k")!] as const] : [])));
  const seen = evs.flatMap((e) => {
    if (e.type !== "http-request" && e.type !== "http-response") return [];
    const d = e.body as { text?: string; base64?: string; truncated?: number } | undefined;
    const kept = !d ? "none" : d.text !== undefined ? `text ${d.text.length}` : `bytes ${Buffer.from(d.base64!, "base64").length}`;
    return [`${e.type === "http-request" ? "req" : "res"} ${connOf.get(e.conn)} ${kept} ${d?.truncated ?? "whole"}`];
  });
  assert.deepEqual(seen, [
    `req xhr-text text ${H} ${2 * MiB}`, `res xhr-text text ${H} ${2 * MiB}`,
    `req xhr-bytes bytes ${H} ${MiB + 1}`, `res xhr-bytes bytes ${H} ${MiB + 1}`,
    `req xhr-blob bytes ${H} ${3 * MiB}`, `res xhr-blob bytes ${H} ${3 * MiB}`,
    `req xhr-whole text ${MiB} whole`, `res xhr-whole text ${MiB} whole`,
    // fetch responses are read as bytes ("auto" encoding), and a cut head stays bytes
    `req fetch-text text ${H} ${2 * MiB}`, `res fetch-text bytes ${H} ${2 * MiB}`,
    `req fetch-bytes bytes ${H} ${2 * MiB}`, `res fetch-bytes bytes ${H} ${2 * MiB}`,
  ]);
}
