// What the extension tests expect, written from the scenarios in test-server/page/scenarios.ts
// and the wire formats of PROTOCOL.md — never from the code under test. Shared by the Chromium
// and Firefox tests so both browsers are held to the same facts.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { AddressInfo } from "node:net";
import type { CaptureData, CaptureEvent } from "../../protocol/capture.ts";
import type { Report } from "../../protocol/session/report.ts";
import { readHookBatch } from "../../extension/shared/wire.ts";

export const RECORDER = `(() => {
  // Ground truth: every batch the hook hands to the content script, seen from the page.
  const rec = [];
  Object.defineProperty(window, "__rec", { value: rec, enumerable: false });
  window.addEventListener("__socket_scope_capture__", (e) => {
    if (typeof e.detail === "string") rec.push(e.detail);
  });
})();`;

/**
 * What RECORDER saw in a page (a Playwright page or frame, or a puppeteer page), as capture
 * events: the batches' compact items expanded (extension/shared/wire.ts).
 */
export async function recordedIn(target: { evaluate<R>(f: () => R): Promise<R> }): Promise<CaptureEvent[]> {
  const raw = await target.evaluate(() => (window as unknown as { __rec: string[] }).__rec.slice());
  return raw.flatMap(readHookBatch) as CaptureEvent[];
}

/** An event minus what the relay and the router add (frame attribution). */
export function strip(e: CaptureEvent): unknown {
  const { frameId: _f, frameUrl: _u, ...rest } = e as CaptureEvent & { frameId?: number; frameUrl?: string };
  return rest;
}

export interface Frame {
  dir: "out" | "in";
  text: string;
  conn: string;
  kind: "ws" | "http";
}

/** A body as text; binary (an EIO3 XHR2 payload carries text packets as UTF-8) decoded leniently. */
function text(d: CaptureData): string {
  return "text" in d ? d.text : Buffer.from(d.base64, "base64").toString("utf8");
}

/** Text of every WebSocket frame and HTTP body, in capture order. */
export function frames(events: readonly CaptureEvent[]): Frame[] {
  const out: Frame[] = [];
  for (const e of events) {
    if (e.type === "ws-frame") out.push({ dir: e.dir, text: text(e.data), conn: e.conn, kind: "ws" });
    if (e.type === "http-request" && e.body) out.push({ dir: "out", text: text(e.body), conn: e.conn, kind: "http" });
    if (e.type === "http-response" && e.body) out.push({ dir: "in", text: text(e.body), conn: e.conn, kind: "http" });
  }
  return out;
}

function indexOf(fs: Frame[], dir: "out" | "in", test: (t: string) => boolean, from = 0): number {
  for (let i = from; i < fs.length; i++) if (fs[i]!.dir === dir && test(fs[i]!.text)) return i;
  return -1;
}


/**
 * Facts of the `events` and `acks` scenarios (plus the upgrade for 1.x–4.x) as they must appear
 * in a capture of the given line, in order.
 */
export function assertScenarioTraffic(line: string, events: readonly CaptureEvent[]): void {
  const at = (what: string) => `line ${line}: ${what}`;
  // A polling body may carry several packets: look for each packet inside the frame text.
  const fs = frames(events);
  if (line === "0.9") {
    const hs = events.find((e) => e.type === "http-request" && /\/socket\.io\/1\/\?/.test(e.url));
    assert.ok(hs, "the 0.9 handshake request /socket.io/1/ is captured");
    const echo = '5:::{"name":"echo","args":[{"id":7';
    const echoOut = indexOf(fs, "out", (t) => t.includes(echo));
    const echoIn = indexOf(fs, "in", (t) => t.includes(echo), echoOut + 1);
    assert.ok(echoOut >= 0 && echoIn > echoOut, at("echo sent, then echoed back"));
    // (non-ASCII may travel double-UTF-8-encoded in old binary payloads: match the ASCII part)
    const ackRe = /5:(\d+)\+::\{"name":"ack-me","args":\[1,/;
    const ackOut = indexOf(fs, "out", (t) => ackRe.test(t));
    assert.ok(ackOut >= 0, at("ack-me sent with an ack id (id+)"));
    const id = ackRe.exec(fs[ackOut]!.text)![1];
    const ackIn = indexOf(fs, "in", (t) => t.includes(`6:::${id}+[1,`), ackOut + 1);
    assert.ok(ackIn > ackOut, at(`the server's ack 6:::${id}+ follows ack-me`));
    return;
  }
  const rev = line === "3" || line === "4" ? 4 : 3;
  const open = events.find((e) => e.type === "http-request" && e.url.includes(`EIO=${rev}&transport=polling`));
  assert.ok(open, at(`an EIO=${rev} polling handshake is captured`));
  const ws = events.find((e) => e.type === "ws-open" && e.url.includes(`EIO=${rev}&transport=websocket&sid=`));
  assert.ok(ws, at("the WebSocket upgrade is captured"));
  const wsf = fs.filter((f) => f.kind === "ws" && f.conn === ws.conn);
  const probe = indexOf(wsf, "out", (t) => t === "2probe");
  assert.ok(probe >= 0 && indexOf(wsf, "in", (t) => t === "3probe", probe) > probe, at("probe and its answer on the WebSocket"));
  assert.ok(indexOf(wsf, "out", (t) => t === "5", probe) > probe, at("upgrade packet after the probe"));
  const echo = '42["echo",{"id":7';
  const echoOut = indexOf(fs, "out", (t) => t.includes(echo));
  const echoIn = indexOf(fs, "in", (t) => t.includes(echo), echoOut + 1);
  assert.ok(echoOut >= 0 && echoIn > echoOut, at("echo sent, then echoed back"));
  // (non-ASCII may travel double-UTF-8-encoded in old binary payloads: match the ASCII part)
  const ackRe = /42(\d+)\["ack-me",1,/;
  const ackOut = indexOf(fs, "out", (t) => ackRe.test(t));
  assert.ok(ackOut >= 0, at("ack-me sent with an ack id"));
  const id = ackRe.exec(fs[ackOut]!.text)![1];
  assert.ok(indexOf(fs, "in", (t) => t.includes(`43${id}[1,`), ackOut + 1) > ackOut, at(`the server's ack 43${id} follows ack-me`));
}

// ---- the session model as the panel reports it ----

/** Written by hand from test-server/page/scenarios.ts (SAMPLE_ARGS) — what `events` sends. */
export const SAMPLE_ARGS: unknown[] = [
  { id: 7, nested: { list: [1, 2.5, null, true, "x"], empty: {} } },
  "héllo wörld — ñ, 中文, русский, עברית",
  "emoji 🎉🚀👍🏽 🏳️‍🌈 and a surrogate pair 𝄞",
  42,
  null,
];

/** Protocol revisions per line (PROTOCOL.md §2, §4, §5, §7): [Engine.IO, Socket.IO]. */
export const REVISIONS: Record<string, [number | null, number]> = {
  "0.9": [null, 1],
  "1": [3, 4],
  "2": [3, 4],
  "3": [4, 5],
  "4": [4, 5],
};

interface Ev { dir: string; name: string; args: unknown[]; ackId: number | null; ack: { args: unknown[]; latencyMs: number } | null }
interface Ns { nsp: string; state: string; events: Ev[] }
interface Conn { engineio: number | null; socketio: number; parser: string; sid: string | null; transports: string[]; upgraded: boolean; state: string; namespaces: Ns[] }
export interface ModelReport { connections: Conn[]; summary: { connections: number; events: number; acks: number } }

/** Checks the panel's model after the `events` and `acks` scenarios; returns the main session. */
export function assertModel(line: string, report: ModelReport): Conn {
  const at = (what: string) => `line ${line}: ${what}`;
  const main = report.connections.find((c) => c.namespaces.some((n) => n.nsp === "/" && n.events.some((e) => e.name === "echo")));
  assert.ok(main, at(`a session carries the echo; sessions: ${JSON.stringify(report.connections.map((c) => c.namespaces.map((n) => n.nsp)))}`));
  const [eio, sio] = REVISIONS[line]!;
  assert.equal(main.engineio, eio, at("Engine.IO revision"));
  assert.equal(main.socketio, sio, at("Socket.IO revision"));
  assert.equal(main.parser, "default");
  assert.equal(main.state, "open", at("the session is open"));
  assert.ok(main.sid && main.sid.length >= 8, at("the sid"));
  if (line === "0.9") assert.deepEqual(main.transports, ["websocket"], at("0.9 goes straight to a WebSocket"));
  else {
    assert.deepEqual(main.transports, ["polling", "websocket"], at("polling, then the WebSocket"));
    assert.equal(main.upgraded, true, at("upgraded"));
  }
  const root = main.namespaces.find((n) => n.nsp === "/")!;
  assert.equal(root.state, "connected", at("/ connected"));
  assert.equal(main.namespaces.find((n) => n.nsp === "/ticker")?.state, "connected", at("/ticker connected"));
  const seq = root.events.filter((e) => ["echo", "ack-me", "ask-client", "server-asks", "no-ack"].includes(e.name));
  assert.deepEqual(seq.map((e) => `${e.dir} ${e.name}`), ["out echo", "in echo", "out ack-me", "out ask-client", "in server-asks", "out no-ack"], at("events in order"));
  const [echoOut, echoIn, ackMe, ask, asks, noAck] = seq as [Ev, Ev, Ev, Ev, Ev, Ev];
  assert.deepEqual(echoOut.args, SAMPLE_ARGS, at("echo arguments decoded"));
  assert.deepEqual(echoIn.args, SAMPLE_ARGS);
  assert.equal(echoOut.ackId, null);
  assert.equal(typeof ackMe.ackId, "number");
  assert.deepEqual(ackMe.args, [1, "ü", { x: "🎉" }]);
  assert.deepEqual(ackMe.ack?.args, [1, "ü", { x: "🎉" }], at("ack-me acked with its arguments"));
  assert.ok(ackMe.ack!.latencyMs >= 0);
  assert.deepEqual(ask.ack?.args, [{ reply: ["ping → pong"] }], at("ask-client acked"));
  assert.deepEqual(asks.ack?.args, ["ping → pong"], at("the client's ack to the server"));
  assert.equal(typeof noAck.ackId, "number");
  assert.equal(noAck.ack, null, at("no-ack stays unanswered"));
  return main;
}

/**
 * Two pages for the back/forward cache tests (`/a`, `/b`): on every pageshow each POSTs one
 * Engine.IO-shaped request, "4<page>-loaded" or "4<page>-restored", and keeps its tag in
 * `window.sent` (a promise). No connection stays open, so both pages can enter the cache.
 */
/**
 * An outer page that holds only iframes of `srcs` (ids f, g, h… in order) and has no traffic of
 * its own, on 127.0.0.1: `url("localhost")` is the same page on another site, whose frames from
 * 127.0.0.1 are then cross-site (out of process).
 */
export async function startFramingSite(srcs: string[]): Promise<{ url(host?: "127.0.0.1" | "localhost"): string; close(): void }> {
  const frames = srcs.map((src, i) => `<iframe id="${String.fromCharCode(102 + i)}" src="${src}"></iframe>`).join("");
  const site = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/html" });
    res.end(`<!doctype html><title>outer</title>${frames}`);
  });
  await new Promise<void>((r) => site.listen(0, "127.0.0.1", r));
  const port = (site.address() as AddressInfo).port;
  return { url: (host = "127.0.0.1") => `http://${host}:${port}/`, close: () => site.close() };
}

export async function startBfcacheSite(): Promise<{ origin: string; close(): void }> {
  const site = createServer((req, res) => {
    if (req.url!.startsWith("/socket.io/")) {
      req.resume();
      res.writeHead(200, { "content-type": "text/plain; charset=UTF-8" });
      res.end("ok");
      return;
    }
    res.writeHead(200, { "content-type": "text/html" });
    // /c holds a same-origin frame, /c-frame, that sends on its own pageshow too
    const frame = req.url === "/c" ? `<iframe src="/c-frame"></iframe>` : "";
    res.end(`<!doctype html><title>bfcache</title>${frame}<script>
      addEventListener("pageshow", (e) => {
        const tag = location.pathname.slice(1) + (e.persisted ? "-restored" : "-loaded");
        window.sent = fetch("/socket.io/?EIO=4&transport=polling&sid=s", { method: "POST", body: "4" + tag }).then(() => tag);
      });
    </script>`);
  });
  await new Promise<void>((r) => site.listen(0, "127.0.0.1", r));
  return { origin: `http://127.0.0.1:${(site.address() as AddressInfo).port}`, close: () => site.close() };
}

/**
 * Runs `check` until it stops throwing, at most `ms`, then throws its last error: for what a
 * live page and panel may still be completing (the last batches, the next tick).
 */
export async function eventually(check: () => Promise<void> | void, ms = 10_000, everyMs = 200): Promise<void> {
  for (const end = Date.now() + ms; ; await new Promise((r) => setTimeout(r, everyMs))) {
    try {
      await check();
      return;
    } catch (e) {
      if (Date.now() > end) throw e;
    }
  }
}

/**
 * A site that serves its app under the strictest Content-Security-Policy real sites use: no
 * inline script without its nonce, scripts only from those (`'strict-dynamic'`), connections to
 * its own origin only, and Trusted Types required for every script URL. Its socket.io 4 server
 * is on the same origin. The app (window.log) connects, emits `echo` and `ack-me` and logs what
 * comes back, then loads /tt.js through its Trusted Types policy and tries a plain-string script
 * URL, which Trusted Types must refuse; it also logs every CSP violation the page reports (the
 * hook must cause none). `window.done` resolves with the log once the socket has upgraded.
 */
export async function startCspSite(): Promise<{ origin: string; close(): Promise<void> }> {
  const require = createRequire(import.meta.url);
  const client = readFileSync(join(dirname(require.resolve("sio4-client/package.json")), "dist", "socket.io.js"), "utf8");
  // (img-src: Firefox checks its favicon request against the page's policy and reports it)
  const csp = "default-src 'none'; script-src 'nonce-n0nce' 'strict-dynamic'; connect-src 'self'; img-src 'self'; " +
    "require-trusted-types-for 'script'; trusted-types app";
  const site = createServer((req, res) => {
    if (req.url!.startsWith("/socket.io/")) return; // the socket.io server's
    if (req.url === "/client.js" || req.url === "/tt.js") {
      res.writeHead(200, { "content-type": "text/javascript" });
      res.end(req.url === "/client.js" ? client : "window.log.push('tt.js ran');");
      return;
    }
    res.writeHead(200, { "content-type": "text/html", "content-security-policy": csp });
    res.end(`<!doctype html><meta charset="utf-8"><title>csp</title><script nonce="n0nce" src="/client.js"></script><script nonce="n0nce">
      window.log = [];
      document.addEventListener("securitypolicyviolation", (e) => log.push("violation " + e.violatedDirective));
      window.done = new Promise((resolve) => {
        const s = io({ transports: ["polling", "websocket"] });
        s.on("connect", () => s.emit("echo", "hé"));
        s.on("echo", (a) => {
          log.push("echo " + a);
          s.emit("ack-me", 1, (r) => {
            log.push("ack " + r);
            const upgraded = () => {
              if (s.io.engine.transport.name !== "websocket") return setTimeout(upgraded, 20);
              log.push("upgraded");
              if (window.trustedTypes) {
                const policy = trustedTypes.createPolicy("app", { createScriptURL: (u) => u });
                const ok = document.createElement("script");
                ok.nonce = "n0nce";
                ok.onload = () => resolve(log);
                ok.onerror = () => { log.push("tt.js failed"); resolve(log); };
                try { ok.src = policy.createScriptURL("/tt.js"); } catch (e) { log.push("policy URL refused " + e.name); return resolve(log); }
                try { document.createElement("script").src = "/tt.js"; } catch (e) { log.push("refused " + e.name); }
                document.head.append(ok);
              } else resolve(log);
            };
            upgraded();
          });
        });
      });
    </script>`);
  });
  const { Server } = require("sio4") as { Server: new (s: typeof site) => { on(ev: string, f: (s: SioSocket) => void): void; close(): void } };
  type SioSocket = { on(ev: string, f: (...a: unknown[]) => void): void; emit(ev: string, ...a: unknown[]): void };
  const io = new Server(site);
  io.on("connection", (s) => {
    s.on("echo", (...a) => s.emit("echo", ...a));
    s.on("ack-me", (...a) => (a.pop() as (...r: unknown[]) => void)(...a));
  });
  await new Promise<void>((r) => site.listen(0, "127.0.0.1", r));
  return {
    origin: `http://127.0.0.1:${(site.address() as AddressInfo).port}`,
    close: () => new Promise<void>((r) => { io.close(); site.close(() => r()); }),
  };
}

/**
 * What a bfcache site's page (a Playwright or puppeteer page) says it sent: the top page's tag,
 * then (on /c) its frame's, read through the top page (Playwright loses track of a frame restored
 * from the cache). A tag is `<path>-loaded` or `<path>-restored`; undefined until sent.
 */
export function bfcacheSent(page: { evaluate<R>(f: () => R): Promise<unknown> }): Promise<Array<string | undefined>> {
  return page.evaluate(() => {
    const frame = document.querySelector("iframe")?.contentWindow as unknown as { sent?: Promise<string> } | undefined;
    return Promise.all([(window as unknown as { sent?: Promise<string> }).sent, ...(frame ? [frame.sent] : [])]);
  }) as Promise<Array<string | undefined>>;
}

/** A bfcache site's traffic as a panel holds it: page events (path, restored), request bodies, other types. */
export function bfcacheView(events: readonly CaptureEvent[]): string[] {
  return events.map((e) =>
    e.type === "page" ? `page ${new URL(e.url).pathname}${e.restored ? " restored" : ""}` : e.type === "http-request" && e.body && "text" in e.body ? e.body.text : e.type);
}

/**
 * What a CSP site's page (startCspSite) must log, whether or not the extension is there: its
 * app ran, and Trusted Types (where the browser has them) took its policy's script URL and
 * refused the plain string, the page's only CSP violation; and what the panel's model must hold.
 */
export function assertCspSite(log: string[], hasTrustedTypes: boolean, report: ModelReport): void {
  const tt = hasTrustedTypes ? ["refused TypeError", "violation require-trusted-types-for", "tt.js ran"] : [];
  assert.deepEqual([...log].sort(), ["echo hé", "ack 1", "upgraded", ...tt].sort(), "the page ran as without the extension, with no CSP violation of ours");
  const conns = report.connections.filter((c) => c.namespaces.length);
  assert.equal(conns.length, 1, "one session");
  const c = conns[0]!;
  assert.deepEqual([c.engineio, c.socketio, c.transports, c.upgraded], [4, 5, ["polling", "websocket"], true]);
  const root = c.namespaces.find((n) => n.nsp === "/")!;
  assert.equal(root.state, "connected");
  assert.deepEqual(root.events.map((e) => [e.dir, e.name, e.args, e.ack?.args ?? null]), [
    ["out", "echo", ["hé"], null],
    ["in", "echo", ["hé"], null],
    ["out", "ack-me", [1], [1]],
  ]);
}

/**
 * Page code (a test server's page, test/e2e/hook-helpers.ts): takes fresh WebSocket, fetch and
 * XMLHttpRequest from a new about:blank iframe, as code that wants the browser's own functions
 * rather than the page's (possibly patched) ones does, and uses each once.
 */
export async function borrowedNativesScenario(): Promise<void> {
  const f = document.createElement("iframe");
  document.body.appendChild(f);
  const w = f.contentWindow as unknown as typeof globalThis;
  const ws = new w.WebSocket(location.origin.replace("http", "ws") + "/echo");
  await new Promise((r) => (ws.onopen = r));
  ws.send("borrowed");
  await new Promise((r) => (ws.onmessage = r));
  ws.close();
  await (await w.fetch("/http-echo/?EIO=4&transport=polling&k=fetch", { method: "POST", body: "fetch" })).text();
  const x = new w.XMLHttpRequest();
  x.open("POST", "/http-echo/?EIO=4&transport=polling&k=xhr");
  x.send("xhr");
  await new Promise((r) => (x.onloadend = r));
}

/**
 * Frames whose whole document the page writes itself, as chat and ad widgets do: a `srcdoc`
 * iframe, an about:blank one filled with document.open()/write()/close() (which erases every
 * listener of its window, the extension's too), a sandboxed `srcdoc` one (an opaque origin), and
 * frames loaded from a `blob:` and a `data:` URL (the last three reached by content scripts only
 * through `match_origin_as_fallback`). In each, socket.io 4 (startTestServer's /sio4.js and
 * /sio4/; WebSocket only where the origin is opaque: its requests carry no origin the server's
 * CORS would accept) connects and emits `hello` with an ack, and posts the ack to the page.
 * Resolves with the acks, in WRITTEN_FRAMES order.
 */
export const WRITTEN_FRAMES = ["srcdoc", "written", "sandboxed", "blob", "data"] as const;

export async function writtenFramesScenario(): Promise<string[]> {
  // (no named inner functions: this runs in the page, without tsx's __name helper)
  const acks = new Map<string, string>();
  addEventListener("message", (e) => {
    const m = /^got from (\w+)$/.exec(String(e.data));
    if (m) acks.set(m[1]!, String(e.data));
  });
  // (the list again: this function runs in the page, without the module's WRITTEN_FRAMES)
  const ids = ["srcdoc", "written", "sandboxed", "blob", "data"];
  for (const id of ids) {
    const opts = id === "sandboxed" || id === "data" ? `{ path: "/sio4/", transports: ["websocket"] }` : `{ path: "/sio4/" }`;
    const body = `<!doctype html><script src="${location.origin}/sio4.js"><\/script><script>
      const s = io4("${location.origin}", ${opts}); s.emit("hello", "from ${id}", (a) => parent.postMessage(a, "*"));
    <\/script>`;
    const f = document.createElement("iframe");
    if (id === "sandboxed") f.sandbox.add("allow-scripts");
    if (id === "srcdoc" || id === "sandboxed") f.srcdoc = body;
    if (id === "blob") f.src = URL.createObjectURL(new Blob([body], { type: "text/html" }));
    if (id === "data") f.src = "data:text/html;charset=utf-8," + encodeURIComponent(body);
    document.body.appendChild(f);
    if (id === "written") {
      const d = f.contentDocument!;
      d.open();
      d.write(body);
      d.close();
    }
  }
  for (const end = Date.now() + 10_000; acks.size < ids.length && Date.now() < end; ) await new Promise((ok) => setTimeout(ok, 50));
  return ids.map((id) => acks.get(id) ?? "no ack");
}

/** What writtenFramesScenario must leave in a panel: each frame's session, from its first event on, in that frame. */
export function assertWrittenFrames(events: readonly CaptureEvent[]): void {
  /** The text a frame or an HTTP body carried (none for other events, or binary). */
  const text = (e: CaptureEvent): string => {
    const d = e.type === "ws-frame" ? e.data : e.type === "http-request" || e.type === "http-response" ? e.body : undefined;
    return d && "text" in d ? d.text : "";
  };
  const frames = new Map<number, CaptureEvent[]>();
  for (const e of events) {
    const id = e.frameId ?? 0;
    if (id === 0) continue;
    if (!frames.has(id)) frames.set(id, []);
    frames.get(id)!.push(e);
  }
  const urls: Record<(typeof WRITTEN_FRAMES)[number], RegExp> = { srcdoc: /^about:srcdoc$/, written: /^about:blank$/, sandboxed: /^about:srcdoc$/, blob: /^blob:http:/, data: /^data:text\/html/ };
  for (const id of WRITTEN_FRAMES) {
    const url = urls[id];
    const mine = [...frames.values()].find((list) => list.some((e) => ((e.type === "ws-frame" && e.dir === "out") || e.type === "http-request") && text(e).includes(`"hello","from ${id}"`)));
    assert.ok(mine, `${id}: its emit, in a frame of its own (frames: ${[...frames.keys()].join(", ")})`);
    assert.ok(mine.every((e) => url.test(e.frameUrl ?? "")), `${id}: all of it in its frame (${url})`);
    assert.equal(mine[0]?.type, "page", `${id}: from the frame's page event on (${mine.length} events)`);
    const handshake = (e: CaptureEvent) => (e.type === "http-request" || e.type === "ws-open") && /EIO=4&transport=/.test(e.url) && !/sid=/.test(e.url);
    assert.ok(mine.some(handshake), `${id}: its handshake`);
    assert.ok(mine.some((e) => text(e).includes(`"got from ${id}"`)), `${id}: the ack`);
  }
}

/** What borrowedNativesScenario must leave in a panel: all of it, attributed to the about:blank frame. */
export function assertBorrowedNatives(events: readonly CaptureEvent[]): void {
  const framed = events.filter((e) => e.type !== "page") as Array<CaptureEvent & { frameId?: number; frameUrl?: string }>;
  assert.ok(framed.length > 0 && framed.every((e) => typeof e.frameId === "number" && e.frameId !== 0), "attributed to the iframe, not the page");
  const view = framed.map((e) => e.type === "ws-frame" ? `${e.type} ${e.dir} ${"text" in e.data ? e.data.text : ""}`
    : e.type === "http-request" ? `${e.type} ${new URL(e.url).searchParams.get("k")}` : e.type);
  assert.deepEqual(view.filter((v) => v !== "ws-close" && v !== "ws-error"), [
    "ws-open", "ws-opened", "ws-frame out borrowed", "ws-frame in borrowed",
    "http-request fetch", "http-response", "http-request xhr", "http-response",
  ]);
}

/**
 * socket.io 4 over each transport (`/sio4/` of startTestServer), in the page: a 2 MiB text event
 * with an ack (whose reply and echo are as large), a 3 MiB binary event (echoed reversed), then a
 * small event with an ack and its echo. Returns what the app received.
 */
export async function largePayloadsScenario(): Promise<string[]> {
  // (no named inner functions: this runs in the page, without tsx's __name helper)
  const MiB = 1024 * 1024;
  const out: string[] = [];
  const io = (window as unknown as { io4: (url: string, o: object) => { on(e: string, f: (...a: unknown[]) => void): void; once(e: string, f: (...a: unknown[]) => void): void; emit(...a: unknown[]): void; emitWithAck(...a: unknown[]): Promise<unknown>; close(): void } }).io4;
  for (const transport of ["websocket", "polling"]) {
    const s = io(location.origin, { path: "/sio4/", transports: [transport], forceNew: true });
    await new Promise((ok) => s.once("connect", ok));
    const echo = new Promise<unknown>((ok) => s.once("echo", ok));
    const ack = await s.emitWithAck("hello", "h".repeat(2 * MiB));
    out.push(`${transport}: ack ${String(ack).length}, echo ${String(await echo).length}`);
    const bin = new Promise<unknown>((ok) => s.once("bin", ok));
    s.emit("bin", new Uint8Array(3 * MiB).fill(1));
    out.push(`${transport}: bin ${((await bin) as ArrayBuffer).byteLength}`);
    const small = new Promise<unknown>((ok) => s.once("echo", ok));
    out.push(`${transport}: ${String(await s.emitWithAck("hello", "small"))}, echo ${String(await small)}`);
    s.close();
  }
  return out;
}

export const LARGE_PAYLOADS_RESULT = ["websocket", "polling"].flatMap((t) => [`${t}: ack ${4 + 2 * 1024 * 1024}, echo ${2 * 1024 * 1024}`, `${t}: bin ${3 * 1024 * 1024}`, `${t}: got small, echo small`]);

/**
 * What largePayloadsScenario must leave in a panel's model: for each transport a session whose
 * large events (name, ack id, ack, direction) are there, marked cut with their whole size, the
 * small event after them whole, and the capture's cut noted as information, never as an error.
 */
export function assertLargePayloads(report: Report): void {
  const MiB = 1024 * 1024;
  for (const transport of ["websocket", "polling"] as const) {
    const c = report.connections.find((x) => x.transports.length === 1 && x.transports[0] === transport && x.namespaces.some((n) => n.events.some((e) => e.name === "bin")));
    assert.ok(c, `${transport}: a session of its own (${report.connections.map((x) => x.transports.join("+")).join(", ")})`);
    const evs = c.namespaces.find((n) => n.nsp === "/")!.events;
    const view = evs.map((e) => [e.dir, e.name, e.cut !== undefined && e.cut > 2 * MiB ? "cut" : e.cut ?? "whole", e.ack ? (e.ack.cut !== undefined ? "ack cut" : `ack ${JSON.stringify(e.ack.args)}`) : e.ackId === null ? "no ack id" : "no ack"]);
    assert.deepEqual(view, [
      ["out", "hello", "cut", "ack cut"],
      ["in", "echo", "cut", "no ack id"],
      ["out", "bin", "cut", "no ack id"],
      ["in", "bin", "cut", "no ack id"],
      ["out", "hello", "whole", 'ack ["got small"]'],
      ["in", "echo", "whole", "no ack id"],
    ], `${transport}: every event, the large ones cut`);
    // a cut attachment keeps its first bytes in place
    const bin = evs[2]!.args[0] as { $binary?: string };
    assert.ok(typeof bin?.$binary === "string" && bin.$binary.length > 0 && Buffer.from(bin.$binary, "base64").every((b) => b === 1), `${transport}: the attachment's head`);
    const mine = report.diagnostics.filter((d) => d.session === c.key);
    assert.equal(mine.filter((d) => d.severity === "error").map((d) => d.message).join("; "), "", `${transport}: no error`);
    assert.ok(mine.filter((d) => d.code === "capture-cut").length >= 4, `${transport}: the cuts noted`);
  }
}

/**
 * One of the tabs that fill storage.session (10 MB for every tab together in Chromium): a
 * WebSocket to startTestServer's `/echo` carrying 1 MiB frames (kept whole) both ways, three
 * times: more than the tab's 3 MiB cap, so the tab holds all the cap allows.
 */
export async function fillStorageScenario(): Promise<void> {
  const ws = new WebSocket(location.origin.replace("http", "ws") + "/echo");
  await new Promise((ok) => (ws.onopen = ok));
  for (let k = 0; k < 3; k++) {
    const back = new Promise((ok) => (ws.onmessage = ok));
    ws.send(new Uint8Array(1024 * 1024).fill(k));
    await back;
  }
}

/**
 * The inspected tab after the fillers (`/sio4.js` loaded): a socket.io 4 session with three
 * acked events, then 1 MiB each way (kept whole): more than the storage the other tabs left.
 */
export async function inspectedTabScenario(): Promise<unknown[]> {
  const io = (window as unknown as { io4: (u: string, o: object) => { once(e: string, f: (...a: unknown[]) => void): void; emit(...a: unknown[]): void; emitWithAck(...a: unknown[]): Promise<unknown> } }).io4;
  const s = io(location.origin, { path: "/sio4/" });
  await new Promise<void>((ok) => s.once("connect", () => ok()));
  const out: unknown[] = [];
  for (let i = 0; i < 3; i++) out.push(await s.emitWithAck("hello", `n${i}`));
  const back = new Promise<unknown>((ok) => s.once("bin", ok));
  s.emit("bin", new Uint8Array(1024 * 1024).fill(3));
  out.push(((await back) as ArrayBuffer).byteLength);
  return out;
}

export const INSPECTED_TAB_RESULT = ["got n0", "got n1", "got n2", 1024 * 1024];

/** What inspectedTabScenario must leave in its panel: its one session, whole from its handshake. */
export function assertInspectedTab(report: Report): void {
  const evs = report.connections.flatMap((c) => c.namespaces.flatMap((n) => n.events.map((e) => `${e.dir} ${e.name} ${JSON.stringify(e.args)} ${e.ack ? JSON.stringify(e.ack.args) : "-"}`)));
  assert.deepEqual(evs.filter((e) => e.startsWith("out hello")), ['out hello ["n0"] ["got n0"]', 'out hello ["n1"] ["got n1"]', 'out hello ["n2"] ["got n2"]']);
  const bins = report.connections.flatMap((c) => c.namespaces.flatMap((n) => n.events.filter((e) => e.name === "bin")));
  assert.deepEqual(bins.map((e) => [e.dir, Buffer.from((e.args[0] as { $binary: string }).$binary, "base64").length, e.cut ?? "whole"]), [["out", 1024 * 1024, "whole"], ["in", 1024 * 1024, "whole"]]);
  assert.equal(report.connections.length, 1);
  assert.equal(report.connections[0]!.partial, false, "its handshake is there");
}
