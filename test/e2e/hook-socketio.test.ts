// The page hook against real Socket.IO traffic: a socket.io 4 client (long-polling handshake,
// then the WebSocket upgrade) and a socket.io 2 client on Engine.IO 3 binary long-polling
// (XHR2 bodies). What the hook captured is compared with what the server saw byte for byte,
// and the WebSocket frames with the frames Socket.IO v4 must send (PROTOCOL.md §5, by hand).
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import type { Browser } from "playwright";
import { base64ToBytes, type CaptureEvent } from "../../protocol/capture.ts";
import { openPage, useServerAndBrowser, type ServerExchange, type TestServer } from "./hook-helpers.ts";
import { startDemo } from "../../test-server/index.ts";
import { SessionModel } from "../../protocol/session/index.ts";

const require = createRequire(import.meta.url);
const eiop2 = require("eiop2") as {
  encodePayload(p: { type: string; data: string | Buffer }[], binary: boolean, cb: (out: Buffer | string) => void): void;
  decodePayload(b: Buffer | string, cb: (p: { type: string; data: unknown }) => void): void;
};

let server: TestServer;
let browser: Browser;
useServerAndBrowser((s, b) => ((server = s), (browser = b)));

type Ev<T extends CaptureEvent["type"]> = Extract<CaptureEvent, { type: T }>;
const ofType = <T extends CaptureEvent["type"]>(evs: CaptureEvent[], t: T) => evs.filter((e): e is Ev<T> => e.type === t);
function bytesOf(d: { text: string } | { base64: string } | undefined): Buffer {
  if (!d) return Buffer.alloc(0);
  return "text" in d ? Buffer.from(d.text, "utf8") : Buffer.from(base64ToBytes(d.base64)!);
}

/** Every completed exchange under `prefix` the server saw was captured with the same bytes, and vice versa. */
function assertHttpMatchesServer(evs: CaptureEvent[], prefix: string): Array<{ req: Ev<"http-request">; res: Ev<"http-response"> }> {
  const reqs = ofType(evs, "http-request").filter((r) => r.url.startsWith(server.origin + prefix));
  const resps = new Map(ofType(evs, "http-response").map((r) => [r.conn, r]));
  const seen: ServerExchange[] = server.exchanges.filter((x) => x.url.startsWith(prefix));
  const pairs = reqs.filter((r) => resps.has(r.conn)).map((req) => ({ req, res: resps.get(req.conn)! }));
  assert.equal(pairs.length, seen.length, "completed exchanges: captured vs server");
  for (const x of seen) {
    const p = pairs.find((q) => q.req.url === server.origin + x.url);
    assert.ok(p, `captured ${x.method} ${x.url}`);
    assert.equal(p.req.method, x.method);
    assert.deepEqual(bytesOf(p.req.body), x.requestBody, `request body of ${x.url}`);
    assert.equal(p.res.status, x.status);
    assert.deepEqual(bytesOf(p.res.body), x.responseBody, `response body of ${x.url}`);
  }
  return pairs;
}

function assertWellFormed(evs: CaptureEvent[], url: string): void {
  assert.equal(evs[0]?.type, "page");
  assert.equal((evs[0] as Ev<"page">).url, url);
  assert.equal(ofType(evs, "page").length, 1);
  let last = 0;
  for (const e of evs) {
    assert.equal(e.v, 1);
    assert.ok(typeof e.ts === "number" && e.ts >= last && Math.abs(e.ts - Date.now()) < 120_000, "ts is epoch ms, in order");
    last = e.ts;
    assert.equal(typeof e.conn, "string");
  }
}

test("socket.io 4: polling handshake, upgrade, events, acks and binary attachments are captured exactly", async () => {
  server.exchanges.length = 0;
  const hp = await openPage(browser, server.origin + "/");
  await hp.page.addScriptTag({ url: "/sio4.js" });
  const result = await hp.page.evaluate(async () => {
    const s = (window as unknown as { io4: (o: object) => any }).io4({ path: "/sio4/" });
    await new Promise((r) => s.on("connect", r));
    while (s.io.engine.transport.name !== "websocket") await new Promise((r) => setTimeout(r, 10));
    const echo = new Promise((r) => s.once("echo", r));
    const ack = await new Promise((r) => s.emit("hello", "wörld", r));
    await echo;
    const bin = await new Promise<ArrayBuffer>((r) => { s.once("bin", r); s.emit("bin", new Uint8Array([1, 2, 3])); });
    s.disconnect();
    return { ack, bin: Array.from(new Uint8Array(bin)), sid: s.io.engine.id as string };
  });
  assert.deepEqual(result.bin, [3, 2, 1]);
  const evs = await hp.events(200);
  await hp.context.close();
  assertWellFormed(evs, server.origin + "/");

  const pairs = assertHttpMatchesServer(evs, "/sio4/");
  assert.match(pairs[0]!.req.url, /\/sio4\/\?EIO=4&transport=polling&t=[^&]+$/);
  assert.equal(pairs[0]!.req.method, "GET");
  const open = (pairs[0]!.res.body as { text: string }).text;
  assert.equal(open[0], "0");
  assert.equal((JSON.parse(open.slice(1)) as { sid: string }).sid, result.sid);
  const post = pairs.find((p) => p.req.method === "POST")!;
  assert.deepEqual(post.req.body, { text: "40" });
  assert.equal(post.req.contentType, "text/plain;charset=UTF-8");

  const [wsOpen, ...moreWs] = ofType(evs, "ws-open");
  assert.equal(moreWs.length, 0);
  assert.equal(wsOpen!.url, `${server.wsOrigin}/sio4/?EIO=4&transport=websocket&sid=${result.sid}`);
  const ws = evs.filter((e) => e.conn === wsOpen!.conn);
  const frames = ofType(ws, "ws-frame").map((f) => [f.dir, f.data]);
  assert.deepEqual(frames, [
    ["out", { text: "2probe" }],
    ["in", { text: "3probe" }],
    ["out", { text: "5" }],
    ["out", { text: '420["hello","wörld"]' }],
    ["in", { text: '430["got wörld"]' }],
    ["in", { text: '42["echo","wörld"]' }],
    ["out", { text: '451-["bin",{"_placeholder":true,"num":0}]' }],
    ["out", { base64: "AQID" }],
    ["in", { text: '451-["bin",{"_placeholder":true,"num":0}]' }],
    ["in", { base64: "AwIB" }],
    ["out", { text: "41" }],
  ]);
  assert.deepEqual(ws.map((e) => e.type), ["ws-open", "ws-opened", ...frames.map(() => "ws-frame"), "ws-close"]);
  const close = ws.at(-1) as Ev<"ws-close">;
  assert.deepEqual([close.code, close.reason, close.wasClean, close.by], [1005, "", true, "page"]);
  // each HTTP exchange and the WebSocket have their own conn
  const conns = new Set([...ofType(evs, "http-request").map((r) => r.conn), wsOpen!.conn]);
  assert.equal(conns.size, ofType(evs, "http-request").length + 1);
});

test("socket.io 2 on Engine.IO 3 binary long-polling: XHR2 bodies (Blob out, arraybuffer in) byte for byte", async () => {
  server.exchanges.length = 0;
  const hp = await openPage(browser, server.origin + "/");
  await hp.page.addScriptTag({ url: "/sio2.js" });
  const result = await hp.page.evaluate(async () => {
    const s = (window as unknown as { io2: (u: string, o: object) => any }).io2(location.origin, { path: "/sio2", transports: ["polling"] });
    await new Promise((r) => s.on("connect", r));
    const bin = await new Promise<ArrayBuffer>((r) => { s.once("bin", r); s.emit("bin", new Uint8Array([1, 2, 3]).buffer); });
    const ack = await new Promise((r) => s.emit("hello", "x", r));
    s.disconnect();
    await new Promise((r) => setTimeout(r, 50));
    return { ack, bin: Array.from(new Uint8Array(bin)) };
  });
  assert.deepEqual(result, { ack: "got x", bin: [3, 2, 1] });
  const evs = await hp.events(200);
  await hp.context.close();
  assertWellFormed(evs, server.origin + "/");
  assert.equal(ofType(evs, "ws-open").length, 0);
  const pairs = assertHttpMatchesServer(evs, "/sio2/");
  for (const p of pairs) assert.match(p.req.url, /[?&]EIO=3&transport=polling/);

  // engine.io 3 writes the event and its attachment as separate payloads: the text one
  // (`<len>:<packet>`) and the XHR2 binary one, each exactly as engine.io-parser 2 encodes it
  const encode = (data: string | Buffer) => new Promise<Buffer | string>((r) => eiop2.encodePayload([{ type: "message", data }], true, r));
  const textPayload = await encode('51-["bin",{"_placeholder":true,"num":0}]');
  assert.equal(textPayload, '41:451-["bin",{"_placeholder":true,"num":0}]');
  const binPayload = await encode(Buffer.from([1, 2, 3]));
  const posts = pairs.filter((p) => p.req.method === "POST");
  const textPost = posts.find((p) => p.req.body && "text" in p.req.body && p.req.body.text === textPayload);
  assert.ok(textPost, "the event's POST was captured as text");
  const binPost = posts.find((p) => p.req.body && "base64" in p.req.body);
  assert.ok(binPost, "a binary POST was captured");
  assert.deepEqual(bytesOf(binPost.req.body), binPayload);
  assert.equal(binPost.req.contentType, "application/octet-stream");
  assert.ok(posts.indexOf(textPost) < posts.indexOf(binPost), "event before its attachment");

  // the GET responses decode (with the real parser) to the echoed event and then its attachment
  const packets: unknown[] = [];
  for (const p of pairs) {
    if (p.req.method !== "GET" || !p.res.body) continue;
    const body = "text" in p.res.body ? p.res.body.text : bytesOf(p.res.body);
    eiop2.decodePayload(body, (pk) => { packets.push(Buffer.isBuffer(pk.data) ? [...pk.data] : pk.data); });
  }
  const at = packets.indexOf('51-["bin",{"_placeholder":true,"num":0}]');
  assert.ok(at >= 0, "the echoed binary event was captured");
  assert.deepEqual(packets[at + 1], [3, 2, 1]);
  assert.ok(pairs.some((p) => p.req.method === "GET" && p.res.body && "base64" in p.res.body && p.res.contentType === "application/octet-stream"));
});

test("socket.io 2 over JSONP long-polling (forceJSONP): <script> polls and form POSTs, as the server saw them", async () => {
  server.exchanges.length = 0;
  const hp = await openPage(browser, server.origin + "/");
  await hp.page.addScriptTag({ url: "/sio2.js" });
  const result = await hp.page.evaluate(async () => {
    const s = (window as unknown as { io2: (u: string, o: object) => any }).io2(location.origin, { path: "/sio2", transports: ["polling"], forceJSONP: true });
    await new Promise((r) => s.on("connect", r));
    const echo = new Promise((r) => s.once("echo", r));
    const ack = await new Promise((r) => s.emit("hello", "wörld & more\nlines", r));
    const echoed = await echo;
    s.disconnect();
    await new Promise((r) => setTimeout(r, 100));
    return { ack, echoed, transport: s.io.engine.transport.name as string };
  });
  assert.deepEqual(result, { ack: "got wörld & more\nlines", echoed: "wörld & more\nlines", transport: "polling" });
  const evs = await hp.events(200);
  await hp.context.close();
  assertWellFormed(evs, server.origin + "/");

  const reqs = ofType(evs, "http-request").filter((r) => r.url.startsWith(server.origin + "/sio2/"));
  const resps = new Map(ofType(evs, "http-response").map((r) => [r.conn, r]));
  const seen = server.exchanges.filter((x) => x.url.startsWith("/sio2/"));
  assert.ok(seen.filter((x) => x.method === "GET").length >= 3 && seen.filter((x) => x.method === "POST").length >= 2, "JSONP polls and POSTs went out");
  for (const x of seen) {
    assert.match(x.url, /[?&]j=0(&|$)/);
    const req = reqs.find((r) => r.url === server.origin + x.url && r.method === x.method);
    assert.ok(req, `captured ${x.method} ${x.url}`);
    assert.deepEqual(bytesOf(req.body), x.requestBody, `request body of ${x.url}`);
    assert.equal(req.api, x.method === "GET" ? "script" : "form", `the API of ${x.method} ${x.url}`);
    const res = resps.get(req.conn);
    assert.ok(res, `a response for ${x.method} ${x.url}`);
    if (x.method === "GET") {
      // the script the server sent, `___eio[0]("…");`: recorded from the call it made, the same text
      assert.equal(res.status, 200);
      assert.match(x.responseBody.toString(), /^___eio\[0\]\(".*"\);$/s);
      assert.deepEqual(bytesOf(res.body), x.responseBody, `response of ${x.url}`);
    } else {
      // the form's reply loaded in its iframe, unreadable: arrived, body unavailable
      assert.equal(x.responseBody.toString(), "ok");
      assert.equal(res.status, 0);
      assert.equal(res.body, undefined);
      assert.equal(typeof res.bodyUnavailable, "string");
      assert.equal(req.contentType, "application/x-www-form-urlencoded");
    }
  }
  // the event went out as the form field `d` the server decoded
  const post = reqs.find((r) => r.method === "POST" && bytesOf(r.body).toString().includes("hello"));
  assert.ok(post, "the event's POST was captured");
  const d = new URLSearchParams(bytesOf(post.body).toString()).get("d")!;
  assert.match(d, /^\d+:42\d*\["hello","wörld & more\\\\nlines"\]$/);
});

test("a JSONP callback keeps its `this`, arguments, exceptions and identity once called", async () => {
  const run = async (hook: number) => {
    const hp = await openPage(browser, server.origin + "/", { hook });
    const log = await hp.page.evaluate(async () => {
      const log: string[] = [];
      const w = window as unknown as { ___eio?: unknown[] };
      window.addEventListener("error", (e) => { log.push("error " + e.message); e.preventDefault(); });
      const mine = function (this: unknown, ...args: unknown[]) { log.push(`call this=${this === w.___eio} args=${JSON.stringify(args)}`); throw new Error("boom"); };
      w.___eio = [mine];
      const script = document.createElement("script");
      script.src = "/http-echo/?EIO=3&transport=polling&j=0&as=text/javascript&say=" + encodeURIComponent('___eio[0]("h\\u00e9 \\"q\\"");');
      // while the poll is out, the array holds a stand-in with the page function's source
      log.push("source " + Function.prototype.toString.call(w.___eio[0] as () => void).slice(0, 30));
      await new Promise((r) => { script.onload = r; script.onerror = r; document.head.appendChild(script); });
      log.push(`after identity=${w.___eio[0] === mine} length=${w.___eio.length}`);
      return log;
    });
    const evs = await hp.events(150);
    await hp.context.close();
    return { log, evs };
  };
  const bare = await run(0);
  const hooked = await run(1);
  assert.match(bare.log[0]!, /^source function/);
  assert.deepEqual(bare.log.slice(1), ['call this=true args=["hé \\"q\\""]', "error Uncaught Error: boom", "after identity=true length=1"]);
  assert.deepEqual(hooked.log, bare.log, "the page sees the same calls, exception and array");
  const res = ofType(hooked.evs, "http-response")[0];
  assert.ok(res, "the poll's response was captured");
  assert.equal(res.status, 200);
  const text = (res.body as { text: string }).text;
  assert.match(text, /^___eio\[0\]\((.*)\);$/);
  assert.equal(JSON.parse(text.slice("___eio[0](".length, -2)), 'hé "q"');
});

test("a 0.9 JSONP handshake (`jsonp=N`, as 0.9 clients without CORS make it) is captured from its io.j call", async () => {
  const demo = await startDemo({ quiet: true });
  try {
    const hp = await openPage(browser, server.origin + "/");
    const base = demo.serverUrl("0.9").replace(/\/$/, "");
    const got = await hp.page.evaluate(async (base) => {
      const w = window as unknown as { io?: { j: unknown[] } };
      const calls: unknown[] = [];
      w.io = { j: [(m: unknown) => { calls.push(m); }] };
      const s = document.createElement("script");
      s.src = base + "/socket.io/1/?t=" + Date.now() + "&jsonp=0";
      await new Promise((r) => { s.onload = r; s.onerror = r; document.head.appendChild(s); });
      return calls;
    }, base);
    const evs = await hp.events(150);
    await hp.context.close();
    assert.equal(got.length, 1, "the server's script called io.j[0] once");
    const reply = String(got[0]);
    assert.match(reply, /^[^:]+:\d*:\d*:[a-z-]+(,[a-z-]+)*$/, "a 0.9 handshake body: sid:heartbeat:close:transports");
    const req = ofType(evs, "http-request").find((r) => r.url.includes("jsonp=0"));
    assert.ok(req, "the handshake request was captured");
    assert.equal(req.method, "GET");
    const res = ofType(evs, "http-response").find((r) => r.conn === req.conn);
    assert.ok(res, "its response was captured");
    assert.equal(res.status, 200);
    assert.equal((res.body as { text: string }).text, `io.j[0](${JSON.stringify(reply)});`);
    // the session model reads it as that 0.9 handshake
    const m = new SessionModel();
    m.applyAll(evs);
    assert.equal(m.sessions.length, 1);
    assert.equal(m.sessions[0]!.sid, reply.split(":")[0]);
  } finally {
    await demo.stop();
  }
});
