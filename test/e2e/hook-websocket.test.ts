// The page hook on raw WebSockets against a real `ws` echo server: every kind of send (string,
// ArrayBuffer, typed-array views, DataView, Blob), both binaryTypes, apps with onmessage,
// addEventListener or no listener at all, subprotocols, and every way a socket ends.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { Browser } from "playwright";
import type { CaptureEvent } from "../../protocol/capture.ts";
import { HOOK_EVENT, RELAY_READY } from "../../extension/shared/bridge.ts";
import { bundleHook, checkLargeFrames, largeFramesScenario, openPage, parseBatch, settledBatches, useServerAndBrowser, type TestServer } from "./hook-helpers.ts";

let server: TestServer;
let browser: Browser;
useServerAndBrowser((s, b) => ((server = s), (browser = b)));

const b64 = (bytes: number[] | string) => ({ base64: Buffer.from(bytes as never).toString("base64") });
/** Events of one connection without the fields that vary (v, ts, conn). */
function timeline(evs: CaptureEvent[], conn: string): Array<Record<string, unknown>> {
  return evs.filter((e) => e.conn === conn).map(({ v: _v, ts: _t, conn: _c, ...rest }) => rest);
}
function connOf(evs: CaptureEvent[], url: string, nth = 0): string {
  const c = evs.filter((e) => e.type === "ws-open" && e.url === url)[nth]?.conn;
  assert.ok(c, `ws-open #${nth} for ${url}`);
  return c;
}

test("every send kind and both binaryTypes are captured with exact bytes, in order, and the app still gets its data", async () => {
  const hp = await openPage(browser, server.origin + "/");
  const got = await hp.page.evaluate(async () => {
    const url = location.origin.replace("http", "ws") + "/echo";
    const ws = new WebSocket(url);
    const received: unknown[] = [];
    let want = 0;
    let wake: () => void = () => undefined;
    ws.onmessage = async (e) => {
      received.push(typeof e.data === "string" ? e.data : e.data instanceof Blob ? ["blob", [...new Uint8Array(await e.data.arrayBuffer())]] : ["ab", [...new Uint8Array(e.data)]]);
      if (received.length === want) wake();
    };
    const echoes = (n: number) => new Promise<void>((r) => { want = n; wake = r; });
    await new Promise((r) => (ws.onopen = r));
    let done = echoes(6);
    ws.send("hi ☃");
    ws.send(new Uint8Array([0, 1, 2, 255]).buffer);
    ws.send(new Uint8Array([9, 9, 10, 11, 12, 9]).subarray(2, 5));
    ws.send(new DataView(new Uint8Array([7, 8, 9, 10]).buffer, 1, 2));
    const reused = new Uint8Array([1, 1, 1]);
    ws.send(reused);
    reused.fill(2); // the app reuses its buffer at once: the capture keeps what was sent
    ws.send(new Blob(["blob", new Uint8Array([0xff])]));
    await done;
    ws.binaryType = "arraybuffer";
    done = echoes(7);
    ws.send(new Uint16Array([0x0605]));
    await done;
    const closed = new Promise((r) => (ws.onclose = r));
    ws.close(4001, "bye");
    ws.send("late"); // CLOSING: discarded by the browser, so not captured
    await closed;
    // received blobs settle asynchronously: wait until the app has them all
    while (received.length < 7) await new Promise((r) => setTimeout(r, 5));
    return received;
  });
  // Blob reads in the app's handler may finish out of order; compare as sets for the first six
  assert.deepEqual(got.slice(0, 6).map((x) => JSON.stringify(x)).sort(), [
    "hi ☃", ["blob", [0, 1, 2, 255]], ["blob", [10, 11, 12]], ["blob", [8, 9]], ["blob", [1, 1, 1]], ["blob", [98, 108, 111, 98, 255]],
  ].map((x) => JSON.stringify(x)).sort());
  assert.deepEqual(got[6], ["ab", [5, 6]]);

  const evs = await hp.events(150);
  await hp.context.close();
  const url = `${server.wsOrigin}/echo`;
  const sent = [{ text: "hi ☃" }, b64([0, 1, 2, 255]), b64([10, 11, 12]), b64([8, 9]), b64([1, 1, 1]), b64("blob\xff".split("").map((c) => c.charCodeAt(0)))];
  assert.deepEqual(timeline(evs, connOf(evs, url)), [
    { type: "ws-open", url },
    { type: "ws-opened", protocol: "" },
    ...sent.map((data) => ({ type: "ws-frame", dir: "out", data })),
    ...sent.map((data) => ({ type: "ws-frame", dir: "in", data })),
    { type: "ws-frame", dir: "out", data: b64([5, 6]) },
    { type: "ws-frame", dir: "in", data: b64([5, 6]) },
    { type: "ws-close", code: 4001, reason: "bye", wasClean: true, by: "page" },
  ]);
});

test("listener styles, subprotocols, server close, failed connection and close while connecting", async () => {
  const hp = await openPage(browser, server.origin + "/");
  const closedUrl = `ws://127.0.0.1:${server.closedPort}/`;
  const seen = await hp.page.evaluate(async (closedUrl) => {
    const url = location.origin.replace("http", "ws") + "/echo";
    const out: Record<string, unknown> = {};
    // addEventListener only; the server ends the connection
    const a = new WebSocket(url, ["chat", "other"]);
    const aGot: string[] = [];
    a.addEventListener("message", (e) => aGot.push(e.data));
    await new Promise((r) => a.addEventListener("open", r));
    a.dispatchEvent(new MessageEvent("message", { data: "forged by the page" })); // not traffic
    a.dispatchEvent(new Event("error"));
    a.send("x");
    a.send("close:4002:server bye");
    const ac = await new Promise<CloseEvent>((r) => a.addEventListener("close", r));
    out.a = [aGot, ac.code, ac.reason, ac.wasClean, a.protocol];
    // no message listener at all: the traffic is captured anyway (closed below, once the echo is in)
    const b = new WebSocket(url + "?quiet");
    await new Promise((r) => (b.onopen = r));
    b.send("quiet");
    Object.defineProperty(window, "__quiet", { value: b, enumerable: false });
    return out;
  }, closedUrl);
  // the page cannot see the echo without a listener, so wait for its capture (a loaded machine
  // may take far longer than any fixed pause) and only then close
  const quietIn = (evs: CaptureEvent[]) => evs.some((e) => e.type === "ws-frame" && e.dir === "in" && JSON.stringify(e.data) === '{"text":"quiet"}');
  for (let i = 0; i < 200 && !quietIn((await hp.batches()).flatMap(parseBatch)); i++) await hp.page.waitForTimeout(50);
  Object.assign(seen, await hp.page.evaluate(async (closedUrl) => {
    const out: Record<string, unknown> = {};
    const url = location.origin.replace("http", "ws") + "/echo";
    const b = (window as unknown as { __quiet: WebSocket }).__quiet;
    b.close();
    await new Promise((r) => (b.onclose = r));
    // nothing listens on that port
    const c = new WebSocket(closedUrl);
    const cEvents: string[] = [];
    c.onerror = () => cEvents.push("error");
    await new Promise((r) => (c.onclose = (e) => { cEvents.push("close " + e.code + " " + e.wasClean); r(0); }));
    out.c = cEvents;
    // closed by the page before the handshake completed
    const d = new WebSocket(url + "?early");
    d.close();
    await new Promise((r) => (d.onclose = r));
    return out;
  }, closedUrl));
  assert.deepEqual(seen.a, [["forged by the page", "x"], 4002, "server bye", true, "chat"]);
  assert.deepEqual(seen.c, ["error", "close 1006 false"]);
  const evs = await hp.events(150);
  await hp.context.close();
  const url = `${server.wsOrigin}/echo`;
  assert.deepEqual(timeline(evs, connOf(evs, url)), [
    { type: "ws-open", url, protocols: ["chat", "other"] },
    { type: "ws-opened", protocol: "chat" },
    { type: "ws-frame", dir: "out", data: { text: "x" } },
    { type: "ws-frame", dir: "out", data: { text: "close:4002:server bye" } },
    { type: "ws-frame", dir: "in", data: { text: "x" } },
    { type: "ws-close", code: 4002, reason: "server bye", wasClean: true, by: "remote" },
  ]);
  assert.deepEqual(timeline(evs, connOf(evs, url + "?quiet")), [
    { type: "ws-open", url: url + "?quiet" },
    { type: "ws-opened", protocol: "" },
    { type: "ws-frame", dir: "out", data: { text: "quiet" } },
    { type: "ws-frame", dir: "in", data: { text: "quiet" } },
    { type: "ws-close", code: 1005, reason: "", wasClean: true, by: "page" },
  ]);
  assert.deepEqual(timeline(evs, connOf(evs, closedUrl)), [
    { type: "ws-open", url: closedUrl },
    { type: "ws-error" },
    { type: "ws-close", code: 1006, reason: "", wasClean: false },
  ]);
  assert.deepEqual(timeline(evs, connOf(evs, url + "?early")), [
    { type: "ws-open", url: url + "?early" },
    { type: "ws-error" },
    { type: "ws-close", code: 1006, reason: "", wasClean: false, by: "page" },
  ]);
  // four sockets, four distinct conn ids
  assert.equal(new Set(evs.filter((e) => e.type === "ws-open").map((e) => e.conn)).size, 4);
});

test("onmessage: every message recorded once, in order, and the page's view unchanged through handler swaps, null, throws and stopImmediatePropagation", async () => {
  // the same script without the hook and with it: what the page sees must not differ
  const runs: unknown[] = [];
  let evs: CaptureEvent[] = [];
  for (const hook of [0, 1]) {
    const hp = await openPage(browser, server.origin + "/", { hook });
    runs.push(await hp.page.evaluate(async () => {
      const log: string[] = [];
      window.onerror = (m) => { log.push("onerror " + String(m)); return true; };
      const ws = new WebSocket(location.origin.replace("http", "ws") + "/echo");
      await new Promise((r) => (ws.onopen = r));
      const arrived: string[] = [];
      // registered before any onmessage: runs first, and stops "stop" before the handler sees it
      ws.addEventListener("message", (e) => { arrived.push(e.data); if (e.data === "stop") e.stopImmediatePropagation(); });
      const echo = async (m: string) => {
        const n = arrived.length;
        ws.send(m);
        for (let i = 0; i < 250 && arrived.length === n; i++) await new Promise((r) => setTimeout(r, 10));
        await new Promise((r) => setTimeout(r, 10));
      };
      const desc = Object.getOwnPropertyDescriptor(WebSocket.prototype, "onmessage")!;
      const h1 = function (this: unknown, e: MessageEvent) { log.push("h1 " + e.data + " " + (this === ws)); };
      const h2 = (e: MessageEvent) => { log.push("h2 " + e.data); if (e.data === "boom") throw new Error("handler boom"); };
      const obj = { handleEvent: () => log.push("object handler") };
      log.push("initial " + String(ws.onmessage));
      ws.onmessage = h1;
      log.push("identity " + (ws.onmessage === h1) + " " + (desc.get!.call(ws) === h1));
      await echo("m1");
      ws.onmessage = h1; // the same function again
      await echo("m2");
      ws.onmessage = h2;
      log.push("swapped " + (ws.onmessage === h2));
      await echo("boom");
      await echo("stop");
      ws.onmessage = null;
      log.push("cleared " + String(ws.onmessage));
      await echo("m3");
      ws.onmessage = h1;
      await echo("m4");
      ws.onmessage = obj as never; // not callable: kept, never called
      log.push("object " + (ws.onmessage === (obj as never)));
      await echo("m5");
      desc.set!.call(ws, h2); // through the descriptor
      log.push("via descriptor " + (ws.onmessage === h2));
      ws.dispatchEvent(new MessageEvent("message", { data: "forged" })); // the page's own: not traffic
      (ws.onmessage as (e: MessageEvent) => void)(new MessageEvent("message", { data: "called" }));
      await echo("m6");
      ws.close();
      await new Promise((r) => ws.addEventListener("close", r));
      return [log, arrived];
    }));
    if (hook) evs = await hp.events();
    await hp.context.close();
  }
  const [log, arrived] = runs[0] as [string[], string[]];
  assert.ok(log.includes("onerror Uncaught Error: handler boom"), log.join("\n"));
  assert.ok(log.includes("identity true true") && log.includes("h1 m1 true") && !log.some((l) => l.endsWith(" stop")), log.join("\n"));
  assert.deepEqual(arrived, ["m1", "m2", "boom", "stop", "m3", "m4", "m5", "forged", "m6"]);
  assert.deepEqual(runs[1], runs[0], "the page sees the same with and without the hook");
  // every message exactly once, in order, whichever way it was recorded
  const url = `${server.wsOrigin}/echo`;
  const frames = timeline(evs, connOf(evs, url)).filter((e) => e.type === "ws-frame").map((e) => `${e.dir} ${(e.data as { text: string }).text}`);
  const sent = ["m1", "m2", "boom", "stop", "m3", "m4", "m5", "m6"];
  assert.deepEqual(frames, sent.flatMap((m) => [`out ${m}`, `in ${m}`]));
});

test("bursts are batched (bounded batches, order kept) and each frame of the page has its own hook and conn ids", async () => {
  const hp = await openPage(browser, server.origin + "/");
  await hp.page.evaluate(async () => {
    const ws = new WebSocket(location.origin.replace("http", "ws") + "/echo");
    await new Promise((r) => (ws.onopen = r));
    let n = 0;
    const all = new Promise((r) => (ws.onmessage = () => { if (++n === 1200) r(0); }));
    for (let i = 0; i < 1200; i++) ws.send("m" + i);
    await all;
    const f = document.createElement("iframe");
    f.src = "/";
    document.body.append(f);
    await new Promise((r) => (f.onload = r));
    const fw = f.contentWindow as unknown as typeof window;
    const inner = new fw.WebSocket(location.origin.replace("http", "ws") + "/echo?frame");
    await new Promise((r) => (inner.onopen = r));
    inner.send("from the frame");
    await new Promise((r) => (inner.onmessage = r));
    inner.close();
    await new Promise((r) => setTimeout(r, 100));
  });
  const batches = (await settledBatches(hp.batches)).map(parseBatch);
  // the close leaves with the frame's next batch (up to the hook's busy delay after the last)
  const readFrame = () => hp.page.frames()[1]!.evaluate(() => (window as unknown as { __hookBatches: string[] }).__hookBatches.slice());
  let frameBatches = await readFrame();
  for (let i = 0; i < 40 && !frameBatches.some((b) => b.includes('"ws-close"')); i++) {
    await new Promise((r) => setTimeout(r, 50));
    frameBatches = await readFrame();
  }
  await hp.context.close();
  const evs = batches.flat();
  const frames = evs.filter((e) => e.type === "ws-frame") as Extract<CaptureEvent, { type: "ws-frame" }>[];
  const expected = Array.from({ length: 1200 }, (_, i) => ({ text: "m" + i }));
  assert.deepEqual(frames.filter((f) => f.dir === "out").map((f) => f.data), expected);
  assert.deepEqual(frames.filter((f) => f.dir === "in").map((f) => f.data), expected);
  assert.ok(batches.every((b) => b.length <= 512), "batches are bounded");
  assert.ok(batches.length < 60, `2400 frames in a few batches, not one event each (${batches.length})`);
  // the iframe's traffic went to the iframe's own hook, not the top frame's
  assert.ok(!evs.some((e) => e.type === "ws-open" && e.url.endsWith("?frame")));
  const inner = frameBatches.flatMap(parseBatch);
  assert.deepEqual(inner.map((e) => e.type), ["page", "ws-open", "ws-opened", "ws-frame", "ws-frame", "ws-close"]);
  const prefix = (c: string) => c.split(".")[0];
  assert.notEqual(prefix(inner[1]!.conn), prefix(evs[0]!.conn));
});

test("pace: a few events a second leave every 250 ms; a flood (400 events a second) once a second, nothing lost", async () => {
  // Counts of batches, not times: a loaded machine makes timers late, which only lowers them.
  const hp = await openPage(browser, server.origin + "/");
  const run = (perTick: number, ticks: number, ms: number) => hp.page.evaluate(async ([perTick, ticks, ms]) => {
    const ws = new WebSocket(location.origin.replace("http", "ws") + "/echo");
    await new Promise((r) => (ws.onopen = r));
    const batches = (window as unknown as { __hookBatches: string[] }).__hookBatches;
    const from = batches.length;
    let got = 0;
    ws.onmessage = () => got++;
    for (let t = 0; t < ticks; t++) {
      for (let i = 0; i < perTick; i++) ws.send(`t${t}.${i}`);
      await new Promise((r) => setTimeout(r, ms));
    }
    while (got < perTick * ticks) await new Promise((r) => setTimeout(r, 10));
    const n = batches.length - from;
    ws.close();
    return n;
  }, [perTick, ticks, ms] as const);
  // 2 s of 10 sends (and 10 echoes) a second: ~8 batches at the 250 ms pace, 2-3 at the flood's
  const sparse = await run(1, 20, 100);
  // 3 s of 200 sends and 200 echoes a second: ~12 batches at the 250 ms pace, ~4 at the flood's
  const flood = await run(10, 60, 50);
  const evs = await hp.events();
  await hp.context.close();
  assert.ok(sparse >= 5, `a sparse stream keeps the 250 ms pace (${sparse} batches in 2 s)`);
  assert.ok(flood <= 7, `a flood goes out about once a second (${flood} batches in 3 s)`);
  const sent = evs.filter((e) => e.type === "ws-frame" && e.dir === "out").length;
  assert.equal(sent, 20 + 600);
});

test("large binary frames (both directions) are captured byte for byte", async () => {
  const hp = await openPage(browser, server.origin + "/");
  await hp.page.evaluate(async () => {
    const ws = new WebSocket(location.origin.replace("http", "ws") + "/echo");
    ws.binaryType = "arraybuffer";
    await new Promise((r) => (ws.onopen = r));
    const big = new Uint8Array(70001).map((_, i) => (i * 7 + (i >> 8)) & 255);
    const back = new Promise((r) => (ws.onmessage = r));
    ws.send(big);
    await back;
    ws.close();
  });
  const evs = await hp.events(150);
  await hp.context.close();
  const expected = Buffer.from(Array.from({ length: 70001 }, (_, i) => (i * 7 + (i >> 8)) & 255)).toString("base64");
  const frames = evs.filter((e) => e.type === "ws-frame") as Extract<CaptureEvent, { type: "ws-frame" }>[];
  assert.deepEqual(frames.map((f) => [f.dir, f.data]), [["out", { base64: expected }], ["in", { base64: expected }]]);
});

test("frames over 1 MiB are kept as their first 64 KiB with their whole length; 1 MiB frames stay whole; the app gets every byte", async () => {
  const hp = await openPage(browser, server.origin + "/");
  const got = await hp.page.evaluate(largeFramesScenario);
  const evs = await hp.events(300);
  const batches = await hp.batches();
  await hp.context.close();
  checkLargeFrames(got, evs, batches);
});

test("a hook whose batches nobody takes stops recording; a relay arriving later (RELAY_READY) makes it record again, from a late page event", async () => {
  // what Firefox does to an open page on an update: the old relay is gone, the new one may come
  // after the hook's first batch for it
  const context = await browser.newContext();
  // (counts the hook's batches without taking them)
  await context.addInitScript(`Object.defineProperty(window, "__name", { value: (f) => f, enumerable: false });
    Object.defineProperty(window, "__untaken", { value: [0], enumerable: false });
    window.addEventListener(${JSON.stringify(HOOK_EVENT)}, () => { window.__untaken[0]++; });`);
  await context.addInitScript(await bundleHook());
  const page = await context.newPage();
  await page.goto(server.origin + "/");
  // the page event's batch went out, untaken
  await page.waitForFunction(() => (window as unknown as { __untaken: number[] }).__untaken[0]! > 0);
  const batches = await page.evaluate(async ([HOOK, READY]) => {
    const got: string[] = [];
    const ws = new WebSocket(location.origin.replace("http", "ws") + "/echo");
    await new Promise((r) => (ws.onopen = r));
    ws.send("before");
    await new Promise((r) => (ws.onmessage = r));
    // the relay: takes every batch, then says it is there
    window.addEventListener(HOOK!, (e) => { e.preventDefault(); got.push((e as CustomEvent<string>).detail); });
    window.dispatchEvent(new CustomEvent(READY!));
    ws.send("after");
    await new Promise((r) => (ws.onmessage = r));
    await new Promise((r) => setTimeout(r, 400));
    return got;
  }, [HOOK_EVENT, RELAY_READY]);
  await context.close();
  const evs = batches.flatMap(parseBatch);
  assert.deepEqual(evs.map((e) => e.type === "page" ? `page late=${e.late}` : e.type === "ws-frame" ? `${e.dir} ${"text" in e.data ? e.data.text : ""}` : e.type),
    ["page late=true", "ws-open", "ws-opened", "out after", "in after"], "a new start: the open socket said again, then its traffic");
});
