// The same hook in Firefox ESR (puppeteer-core over WebDriver BiDi; the hook is a MAIN-world
// content script there too): a real socket.io 4 session is captured frame for frame, and the
// page sees the same WebSocket/XHR/fetch surface with and without the hook.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import type { Browser, Page } from "puppeteer-core";
import { launchFirefox } from "./firefox-launch.ts";
import type { CaptureEvent } from "../../protocol/capture.ts";
import { bundleHook, checkFetchOrder, checkLargeBodies, checkLargeFrames, checkOnmessageRuns, COLLECTOR, fetchOrderScenario, largeBodiesScenario, largeFramesScenario, onmessageScenario, parseBatch, settledBatches, startTestServer, type TestServer } from "./hook-helpers.ts";

let server: TestServer;
let browser: Browser;
before(async () => {
  [server, browser] = await Promise.all([
    startTestServer(),
    launchFirefox(),
  ]);
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

async function open(hook: boolean): Promise<Page> {
  const page = await browser.newPage();
  await page.evaluateOnNewDocument(COLLECTOR);
  if (hook) await page.evaluateOnNewDocument(await bundleHook());
  await page.goto(server.origin + "/");
  return page;
}
async function events(page: Page): Promise<CaptureEvent[]> {
  const batches = () => page.evaluate(() => (window as unknown as { __hookBatches: string[] }).__hookBatches.slice());
  return (await settledBatches(batches)).flatMap(parseBatch);
}

test("Firefox: a socket.io 4 session (polling handshake, upgrade, events, binary) is captured exactly", async () => {
  const page = await open(true);
  await page.addScriptTag({ url: "/sio4.js" });
  const result = await page.evaluate(async () => {
    const s = (window as unknown as { io4: (o: object) => any }).io4({ path: "/sio4/" });
    await new Promise((r) => s.on("connect", r));
    while (s.io.engine.transport.name !== "websocket") await new Promise((r) => setTimeout(r, 10));
    const echo = new Promise((r) => s.once("echo", r));
    const ack = await new Promise((r) => s.emit("hello", "ff", r));
    await echo;
    const bin = await new Promise<ArrayBuffer>((r) => { s.once("bin", r); s.emit("bin", new Uint8Array([1, 2, 3])); });
    s.disconnect();
    return { ack, bin: Array.from(new Uint8Array(bin)), sid: s.io.engine.id as string };
  });
  assert.deepEqual([result.ack, result.bin], ["got ff", [3, 2, 1]]);
  const evs = await events(page);
  await page.close();
  assert.equal(evs[0]?.type, "page");
  const handshake = evs.find((e) => e.type === "http-response") as Extract<CaptureEvent, { type: "http-response" }>;
  assert.equal(JSON.parse((handshake.body as { text: string }).text.slice(1)).sid, result.sid);
  const wsOpen = evs.find((e) => e.type === "ws-open") as Extract<CaptureEvent, { type: "ws-open" }>;
  assert.equal(wsOpen.url, `${server.wsOrigin}/sio4/?EIO=4&transport=websocket&sid=${result.sid}`);
  const frames = evs.filter((e) => e.type === "ws-frame" && e.conn === wsOpen.conn).map((e) => {
    const f = e as Extract<CaptureEvent, { type: "ws-frame" }>;
    return [f.dir, f.data];
  });
  assert.deepEqual(frames, [
    ["out", { text: "2probe" }], ["in", { text: "3probe" }], ["out", { text: "5" }],
    ["out", { text: '420["hello","ff"]' }], ["in", { text: '430["got ff"]' }], ["in", { text: '42["echo","ff"]' }],
    ["out", { text: '451-["bin",{"_placeholder":true,"num":0}]' }], ["out", { base64: "AQID" }],
    ["in", { text: '451-["bin",{"_placeholder":true,"num":0}]' }], ["in", { base64: "AwIB" }],
    ["out", { text: "41" }],
  ]);
  const close = evs.filter((e) => e.conn === wsOpen.conn).at(-1) as Extract<CaptureEvent, { type: "ws-close" }>;
  assert.deepEqual([close.type, close.wasClean, close.by], ["ws-close", true, "page"]);
});

test("Firefox: the page sees the same surface with and without the hook", async () => {
  const probe = (page: Page) => page.evaluate(() => {
    const fts = Function.prototype.toString;
    const P = WebSocket.prototype;
    const XP = XMLHttpRequest.prototype;
    const acc = (o: object, k: string) => Object.getOwnPropertyDescriptor(o, k)!;
    const fns = [WebSocket, XMLHttpRequest, P.send, P.close, XP.open, XP.send, XP.setRequestHeader, window.fetch, fts,
      acc(P, "onmessage").get!, acc(P, "onmessage").set!, acc(XP, "onreadystatechange").get!, acc(XP, "onreadystatechange").set!,
      Event.prototype.stopImmediatePropagation];
    const d = (o: object, k: string) => JSON.stringify(Object.getOwnPropertyDescriptor(o, k), (_k, v) => (typeof v === "function" ? "fn" : v));
    const err = (f: () => unknown) => { try { f(); return "ok"; } catch (e) { return (e as Error).name + ": " + (e as Error).message; } };
    const s = new WebSocket("ws://127.0.0.1:1/");
    const out = {
      src: fns.map((f) => [fts.call(f), f.name, f.length]),
      constants: [WebSocket.CONNECTING, WebSocket.OPEN, WebSocket.CLOSING, WebSocket.CLOSED, P.OPEN, P.CLOSED],
      chain: [Object.getPrototypeOf(WebSocket) === EventTarget, P.constructor === WebSocket, s instanceof WebSocket, s.constructor === WebSocket,
        XP.constructor === XMLHttpRequest, new XMLHttpRequest() instanceof XMLHttpRequest, new XMLHttpRequest().constructor === XMLHttpRequest],
      descs: [d(window, "WebSocket"), d(window, "fetch"), d(P, "send"), d(P, "constructor"), d(XP, "open"), d(Function.prototype, "toString"),
        d(P, "onmessage"), d(XP, "onreadystatechange"), d(Event.prototype, "stopImmediatePropagation")],
      keys: Object.keys(window), names: Object.getOwnPropertyNames(window).length, symbols: Object.getOwnPropertySymbols(window).length,
      errors: [err(() => (WebSocket as unknown as () => void)()), err(() => new WebSocket("ftp://x/")), err(() => P.send.call({}, "x")), err(() => s.send("x")),
        err(() => acc(P, "onmessage").set!.call({}, () => 1)), err(() => Event.prototype.stopImmediatePropagation.call({}))],
    };
    s.close();
    return out;
  });
  const plain = await open(false);
  const hooked = await open(true);
  const [a, b] = [await probe(plain), await probe(hooked)];
  const captured = await events(hooked);
  await Promise.all([plain.close(), hooked.close()]);
  assert.ok((a.src[1]![0] as string).includes("[native code]"));
  assert.deepEqual(b, a);
  assert.ok(captured.some((e) => e.type === "ws-open" && e.url === "ws://127.0.0.1:1/"), "the hook was live");
});

test("Firefox: a socket read with onmessage only behaves the same with the hook (order, this, exception stacks, null, objects) and every frame is recorded once", async () => {
  const runs: string[][] = [];
  const captured: CaptureEvent[][] = [];
  for (const hook of [false, true]) {
    const page = await open(hook);
    runs.push(await page.evaluate(onmessageScenario));
    captured.push(hook ? await events(page) : []);
    await page.close();
  }
  checkOnmessageRuns(runs, captured);
});

test("Firefox: every fetch() response recorded before what the app does next, however the app reads it; a body cut short ends in an error in its place", async () => {
  const page = await open(true);
  await page.evaluate(fetchOrderScenario);
  checkFetchOrder(await events(page));
  await page.close();
});

test("Firefox: frames and HTTP bodies over 1 MiB are kept as their first 64 KiB with their whole length; 1 MiB ones stay whole; the app gets every byte", async () => {
  const page = await open(true);
  const frames = await page.evaluate(largeFramesScenario);
  const bodies = await page.evaluate(largeBodiesScenario);
  const batches = await settledBatches(() => page.evaluate(() => (window as unknown as { __hookBatches: string[] }).__hookBatches.slice()));
  await page.close();
  const evs = batches.flatMap(parseBatch);
  checkLargeFrames(frames, evs.filter((e) => e.type.startsWith("ws-")), batches);
  checkLargeBodies(bodies, evs.filter((e) => e.type.startsWith("http-")));
});

test("Firefox: socket.io 2 over JSONP long-polling (forceJSONP): script polls and form POSTs are captured as the server saw them", async () => {
  server.exchanges.length = 0;
  const page = await open(true);
  await page.addScriptTag({ url: "/sio2.js" });
  const ack = await page.evaluate(async () => {
    const s = (window as unknown as { io2: (u: string, o: object) => any }).io2(location.origin, { path: "/sio2", transports: ["polling"], forceJSONP: true });
    await new Promise((r) => s.on("connect", r));
    const ack = await new Promise((r) => s.emit("hello", "ff jsonp", r));
    s.disconnect();
    await new Promise((r) => setTimeout(r, 100));
    return ack;
  });
  assert.equal(ack, "got ff jsonp");
  const evs = await events(page);
  await page.close();
  type Req = Extract<CaptureEvent, { type: "http-request" }>;
  type Res = Extract<CaptureEvent, { type: "http-response" }>;
  const reqs = evs.filter((e): e is Req => e.type === "http-request");
  const resps = new Map(evs.filter((e): e is Res => e.type === "http-response").map((r) => [r.conn, r]));
  const text = (d: unknown) => (d as { text?: string } | undefined)?.text ?? "";
  const seen = server.exchanges.filter((x) => x.url.startsWith("/sio2/"));
  assert.ok(seen.some((x) => x.method === "POST") && seen.filter((x) => x.method === "GET").length >= 2, "JSONP polls and a POST went out");
  for (const x of seen) {
    const req = reqs.find((r) => r.url === server.origin + x.url && r.method === x.method);
    assert.ok(req, `captured ${x.method} ${x.url}`);
    assert.equal(text(req.body), x.requestBody.toString());
    assert.equal(req.api, x.method === "GET" ? "script" : "form");
    const res = resps.get(req.conn);
    assert.ok(res, `a response for ${x.method} ${x.url}`);
    if (x.method === "GET") assert.equal(text(res.body), x.responseBody.toString());
    else assert.deepEqual([res.status, res.body], [0, undefined]);
  }
});
