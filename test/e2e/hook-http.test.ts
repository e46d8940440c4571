// The page hook on long-polling HTTP: fetch with every body kind (string, URLSearchParams,
// FormData, Blob, ArrayBuffer, typed array, Request object), responses read from a clone while
// the app reads its own, aborted and failed fetches; XMLHttpRequest with every responseType,
// string and binary bodies, abort, network error and timeout. Only Engine.IO/0.9-shaped URLs
// are recorded. Bodies are checked against what the server received and sent.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { Browser } from "playwright";
import { base64ToBytes, type CaptureEvent } from "../../protocol/capture.ts";
import { bundleHookWithPendingCap, checkFetchOrder, checkLargeBodies, fetchOrderScenario, largeBodiesScenario, openPage, parseBatch, useServerAndBrowser, type TestServer } from "./hook-helpers.ts";

let server: TestServer;
let browser: Browser;
useServerAndBrowser((s, b) => ((server = s), (browser = b)));

type Req = Extract<CaptureEvent, { type: "http-request" }>;
type Res = Extract<CaptureEvent, { type: "http-response" }>;
type Err = Extract<CaptureEvent, { type: "http-error" }>;
const bytes = (d: Req["body"]) => (!d ? Buffer.alloc(0) : "text" in d ? Buffer.from(d.text) : Buffer.from(base64ToBytes(d.base64)!));

interface Exchange { req: Req; res?: Res; err?: Err }
function exchanges(evs: CaptureEvent[]): Map<string, Exchange> {
  const out = new Map<string, Exchange>();
  for (const e of evs) {
    if (e.type === "http-request") {
      const k = new URL(e.url).searchParams.get("k") ?? e.url;
      assert.ok(!out.has(k), `one request per key (${k})`);
      out.set(k, { req: e });
    }
  }
  const byConn = new Map([...out.values()].map((x) => [x.req.conn, x]));
  for (const e of evs) {
    if (e.type === "http-response") byConn.get(e.conn)!.res = e;
    if (e.type === "http-error") byConn.get(e.conn)!.err = e;
  }
  return out;
}
function serverSaw(k: string) {
  const x = server.exchanges.find((s) => new URL(s.url, "http://x").searchParams.get("k") === k);
  assert.ok(x, `server saw ${k}`);
  return x;
}

test("fetch: every request body kind, clone-read responses, non-Socket.IO URLs ignored, abort and network failure", async () => {
  server.exchanges.length = 0;
  const hp = await openPage(browser, server.origin + "/");
  const app = await hp.page.evaluate(async (closedPort) => {
    const E = "/http-echo/?EIO=4&transport=polling&k=";
    const text = async (p: Promise<Response>) => (await p).text();
    const out: Record<string, unknown> = {};
    out.str = await text(fetch(E + "str", { method: "POST", body: '42["a","é"]' }));
    out.usp = await text(fetch(E + "usp", { method: "post", body: new URLSearchParams({ a: "1", b: "é" }) }));
    const fd = new FormData();
    fd.append("f", "v");
    out.form = (await text(fetch(E + "form", { method: "POST", body: fd }))).includes('name="f"\r\n\r\nv');
    out.blob = await text(fetch(E + "blob&as=text/plain", { method: "POST", body: new Blob([new Uint8Array([104, 105])], { type: "application/x-blob" }) }));
    const ab = new Uint8Array([0, 1, 2, 255]).buffer;
    const abResp = await fetch(E + "ab&as=application/octet-stream", { method: "POST", body: ab });
    out.ab = [...new Uint8Array(await abResp.arrayBuffer())];
    const view = new Uint8Array([9, 4, 5, 6, 9]).subarray(1, 4);
    const p = fetch(E + "view&as=application/octet-stream", { method: "POST", body: view });
    view.fill(0); // mutated right after the call: fetch had already taken the bytes
    out.view = [...new Uint8Array(await (await p).arrayBuffer())];
    const req = new Request(E + "req", { method: "POST", body: "from a Request", headers: { "content-type": "text/x-req" } });
    out.req = await text(fetch(req));
    // the app streams its own body while the hook reads the clone
    const streamed = await fetch(E + "stream", { method: "POST", body: "x".repeat(100000) });
    const reader = streamed.body!.getReader();
    let n = 0;
    for (;;) { const r = await reader.read(); if (r.done) break; n += r.value.length; }
    out.stream = n;
    out.get = (await fetch(E + "get")).status;
    // Socket.IO 0.9 shapes: /<resource>/1/?t= handshake and /<resource>/1/<transport>/<sid>
    out.h09 = (await fetch("/http-echo/socket.io/1/?t=1390000000000&k=h09")).status;
    out.p09 = await text(fetch("/http-echo/socket.io/1/xhr-polling/Gkd1lmN?t=1390000000001&k=p09", { method: "POST", body: '5:::{"name":"e"}' }));
    out.plain = await text(fetch("/http-echo/plain?k=plain", { method: "POST", body: "not socket.io" }));
    const ac = new AbortController();
    const held = fetch("/hold/?EIO=4&transport=polling&k=abort", { signal: ac.signal });
    setTimeout(() => ac.abort(), 50);
    out.abort = await held.then(() => "resolved", (e: Error) => e.name);
    out.net = await fetch(`http://127.0.0.1:${closedPort}/socket.io/?EIO=4&transport=polling&k=net`).then(() => "resolved", (e: Error) => e.name);
    return out;
  }, server.closedPort);
  assert.deepEqual(app, {
    str: '42["a","é"]', usp: "a=1&b=%C3%A9", form: true, blob: "hi", ab: [0, 1, 2, 255], view: [4, 5, 6],
    req: "from a Request", stream: 100000, get: 200, h09: 200, p09: '5:::{"name":"e"}', plain: "not socket.io", abort: "AbortError", net: "TypeError",
  });
  const evs = await hp.events(200);
  await hp.context.close();
  const x = exchanges(evs);
  assert.deepEqual([...x.keys()].sort(), ["ab", "abort", "blob", "form", "get", "h09", "net", "p09", "req", "str", "stream", "usp", "view"]);
  for (const k of ["str", "usp", "blob", "ab", "view", "req", "stream", "get", "h09", "p09"]) {
    const s = serverSaw(k);
    const { req, res } = x.get(k)!;
    assert.equal(req.method, s.method, k);
    assert.equal(req.api, "fetch", `${k} made by fetch()`);
    assert.deepEqual(bytes(req.body), s.requestBody, `${k} request body`);
    assert.equal(res?.status, 200, k);
    assert.deepEqual(bytes(res!.body), s.responseBody, `${k} response body`);
  }
  assert.equal(x.get("get")!.req.body, undefined);
  assert.deepEqual(x.get("str")!.req.body, { text: '42["a","é"]' });
  assert.equal(x.get("str")!.req.contentType, "text/plain;charset=UTF-8");
  assert.equal(x.get("usp")!.req.method, "POST");
  assert.equal(x.get("usp")!.req.contentType, "application/x-www-form-urlencoded;charset=UTF-8");
  assert.deepEqual(x.get("blob")!.req.body, { base64: "aGk=" });
  assert.equal(x.get("blob")!.req.contentType, "application/x-blob");
  assert.deepEqual(x.get("ab")!.res!.body, { base64: "AAEC/w==" });
  assert.deepEqual(x.get("view")!.req.body, { base64: "BAUG" });
  assert.equal(x.get("req")!.req.contentType, "text/x-req");
  assert.deepEqual(x.get("str")!.res!.body, { text: '42["a","é"]' });
  // FormData: serialised with its own boundary, which its own content type states
  const form = x.get("form")!.req;
  const boundary = /boundary=(.+)$/.exec(form.contentType ?? "")?.[1];
  assert.ok(boundary, form.contentType);
  assert.equal(bytes(form.body).toString(), `--${boundary}\r\nContent-Disposition: form-data; name="f"\r\n\r\nv\r\n--${boundary}--\r\n`);
  assert.deepEqual([x.get("abort")!.res, x.get("abort")!.err?.reason], [undefined, "abort"]);
  assert.deepEqual([x.get("net")!.res, x.get("net")!.err?.reason], [undefined, "network"]);
});

test("fetch: every response recorded before what the app does next, however the app reads it (text, arrayBuffer, not at all) and however large; a body cut short ends in an error in its place", async () => {
  const hp = await openPage(browser, server.origin + "/");
  await hp.page.evaluate(fetchOrderScenario);
  checkFetchOrder(await hp.events(1300));
  await hp.context.close();
});

test("fetch: a page leaving while a response body is still arriving sends what waits at once, in order, that body marked unavailable", async () => {
  const hp = await openPage(browser, server.origin + "/");
  await hp.page.evaluate(async () => {
    const E = "/http-echo/?EIO=4&transport=polling&k=";
    const slow = await fetch(E + "slow&slow=4000"); // resolves with the headers; its body takes 4 s
    await (await fetch(E + "next", { method: "POST", body: "next" })).text();
    await new Promise((r) => setTimeout(r, 150)); // the batch is out, waiting for the slow body
    dispatchEvent(new PageTransitionEvent("pagehide", { persisted: false })); // as when the page goes away
    return slow.status;
  });
  const batches = await hp.batches();
  const evs = batches.flatMap(parseBatch);
  await hp.context.close();
  const connOf = new Map(evs.flatMap((e) => (e.type === "http-request" ? [[e.conn, new URL(e.url).searchParams.get("k")!] as const] : [])));
  const view = evs.flatMap((e) => (e.type === "http-request" || e.type === "http-response" ? [`${e.type} ${connOf.get(e.conn)}`] : []));
  // all of it dispatched at the pagehide, seconds before the slow body could have come
  assert.deepEqual(view, ["http-request slow", "http-response slow", "http-request next", "http-response next"]);
  const slow = evs.find((e) => e.type === "http-response" && connOf.get(e.conn) === "slow");
  assert.equal(slow?.type === "http-response" && slow.bodyUnavailable, "page unloaded");
  // (the second body is in unless our read of it was still under way: a loaded machine can lag)
});

test("fetch: a response body that takes longer than the hook waits (PENDING_MAX_MS, 1 s in this build) goes out marked unavailable, and what follows keeps its order", async () => {
  const hp = await openPage(browser, server.origin + "/", { code: await bundleHookWithPendingCap(1000) });
  const status = await hp.page.evaluate(async () => {
    const E = "/http-echo/?EIO=4&transport=polling&k=";
    const slow = await fetch(E + "slow&slow=6000"); // resolves with the headers; its body takes 6 s
    await (await fetch(E + "next", { method: "POST", body: "next" })).text();
    await new Promise((r) => setTimeout(r, 1500)); // the cap, then a batch interval
    return slow.status;
  });
  assert.equal(status, 200);
  // read from ~1.6 s on (at most ~4.5 s, a loaded machine's timers lag): the slow body is
  // seconds from done, and nothing waits for it any more
  let evs: CaptureEvent[] = [];
  let connOf = new Map<string, string>();
  let view: string[] = [];
  for (let end = Date.now() + 3000; ; await new Promise((r) => setTimeout(r, 200))) {
    evs = (await hp.batches()).flatMap(parseBatch);
    connOf = new Map(evs.flatMap((e) => (e.type === "http-request" ? [[e.conn, new URL(e.url).searchParams.get("k")!] as const] : [])));
    view = evs.flatMap((e) => (e.type === "http-request" || e.type === "http-response" ? [`${e.type} ${connOf.get(e.conn)}`] : []));
    if (view.length >= 4 || Date.now() > end) break;
  }
  await hp.context.close();
  assert.deepEqual(view, ["http-request slow", "http-response slow", "http-request next", "http-response next"]);
  const slow = evs.find((e) => e.type === "http-response" && connOf.get(e.conn) === "slow");
  assert.deepEqual(slow?.type === "http-response" && [slow.status, slow.body, slow.bodyUnavailable], [200, undefined, "still being read after 1 s"]);
  const next = evs.find((e) => e.type === "http-response" && connOf.get(e.conn) === "next");
  assert.deepEqual(next?.type === "http-response" && next.body, { text: "next" }, "the exchange after it is whole");
});

test("XMLHttpRequest: text, arraybuffer, blob and json responses, binary bodies, headers, abort, error and timeout", async () => {
  server.exchanges.length = 0;
  const hp = await openPage(browser, server.origin + "/");
  const app = await hp.page.evaluate(async (closedPort) => {
    const E = "/http-echo/?EIO=3&transport=polling&k=";
    function xhr(method: string, url: string, opts: { body?: XMLHttpRequestBodyInit; type?: XMLHttpRequestResponseType; ct?: string; timeout?: number; abortAfter?: number } = {}) {
      return new Promise<unknown>((resolve) => {
        const x = new XMLHttpRequest();
        x.open(method, url);
        if (opts.type) x.responseType = opts.type;
        if (opts.ct) x.setRequestHeader("Content-Type", opts.ct);
        if (opts.timeout) x.timeout = opts.timeout;
        x.onreadystatechange = () => {
          if (x.readyState !== 4) return;
          if (x.status === 0) return;
          const r = x.response;
          if (r instanceof ArrayBuffer) resolve([...new Uint8Array(r)]);
          else if (r instanceof Blob) r.arrayBuffer().then((b) => resolve([...new Uint8Array(b)]));
          else resolve(r);
        };
        x.onabort = (e) => { if (e.isTrusted) resolve("abort"); };
        x.onerror = () => resolve("error");
        x.ontimeout = () => resolve("timeout");
        x.send(opts.body ?? null);
        x.dispatchEvent(new ProgressEvent("abort")); // the page's own synthetic event: not an outcome
        if (opts.abortAfter) setTimeout(() => x.abort(), opts.abortAfter);
      });
    }
    const bin = new Uint8Array([0, 1, 2, 250]);
    const out: Record<string, unknown> = {};
    out.text = await xhr("POST", E + "text", { body: "3:42x", ct: "text/plain;charset=UTF-8" });
    const sending = xhr("POST", E + "ab&as=application/octet-stream", { body: bin, type: "arraybuffer" });
    bin[0] = 99; // reused right after send()
    out.ab = await sending;
    out.blob = await xhr("POST", E + "blob&as=application/octet-stream", { body: new Blob(["hé"]), type: "blob" });
    out.json = await xhr("POST", E + "json&as=application/json", { body: '{"a": [1, "é"]}', type: "json" });
    out.get = await xhr("GET", E + "get");
    out.plain = await xhr("POST", "/http-echo/plain?k=plain", { body: "not socket.io" });
    out.abort = await xhr("GET", "/hold/?EIO=3&transport=polling&k=abort", { abortAfter: 50 });
    out.error = await xhr("GET", `http://127.0.0.1:${closedPort}/socket.io/?EIO=3&transport=polling&k=error`);
    out.timeout = await xhr("GET", "/hold/?EIO=3&transport=polling&k=timeout", { timeout: 80 });
    return out;
  }, server.closedPort);
  assert.deepEqual(app, {
    text: "3:42x", ab: [0, 1, 2, 250], blob: [104, 195, 169], json: { a: [1, "é"] }, get: "", plain: "not socket.io",
    abort: "abort", error: "error", timeout: "timeout",
  });
  const evs = await hp.events(200);
  await hp.context.close();
  const x = exchanges(evs);
  assert.deepEqual([...x.keys()].sort(), ["ab", "abort", "blob", "error", "get", "json", "text", "timeout"]);
  for (const k of ["text", "ab", "blob", "get"]) {
    const s = serverSaw(k);
    const { req, res } = x.get(k)!;
    assert.equal(req.method, s.method, k);
    assert.equal(req.api, "xhr", `${k} made by XMLHttpRequest`);
    assert.deepEqual(bytes(req.body), s.requestBody, `${k} request body`);
    assert.equal(res?.status, s.status, k);
    assert.deepEqual(bytes(res!.body), s.responseBody, `${k} response body`);
  }
  assert.deepEqual(x.get("text")!.req.body, { text: "3:42x" });
  assert.equal(x.get("text")!.req.contentType, "text/plain;charset=UTF-8");
  assert.deepEqual(x.get("text")!.res!.body, { text: "3:42x" });
  assert.equal(x.get("text")!.res!.contentType, "text/plain;charset=UTF-8");
  assert.deepEqual(x.get("ab")!.req.body, { base64: "AAEC+g==" });
  assert.deepEqual(x.get("ab")!.res!.body, { base64: "AAEC+g==" });
  assert.equal(x.get("ab")!.res!.contentType, "application/octet-stream");
  assert.deepEqual(x.get("blob")!.res!.body, { base64: "aMOp" });
  // json: the raw text is not exposed by XHR; the hook re-serialises the parsed value
  assert.deepEqual(x.get("json")!.res!.body, { text: '{"a":[1,"é"]}' });
  assert.equal(x.get("get")!.req.body, undefined);
  assert.deepEqual(x.get("get")!.res!.body, { text: "" });
  for (const [k, reason] of [["abort", "abort"], ["error", "network"], ["timeout", "timeout"]] as const) {
    assert.equal(x.get(k)!.res, undefined, k);
    assert.equal(x.get(k)!.err?.reason, reason, k);
  }
});

test("XMLHttpRequest: every response recorded once, before what the app does next, whatever the app's handlers (onreadystatechange before or after open, swapped, cleared, stopped; a listener; onload; the XHR reopened or aborted from its DONE handler; load and loadend stopped)", async () => {
  const runs: unknown[] = [];
  let evs: CaptureEvent[] = [];
  for (const hook of [0, 1]) {
    const hp = await openPage(browser, server.origin + "/", { hook });
    runs.push(await hp.page.evaluate(async () => {
      const E = "/http-echo/?EIO=4&transport=polling&k=";
      const log: string[] = [];
      const done = (x: XMLHttpRequest) => new Promise<void>((r) => x.addEventListener("loadend", () => setTimeout(r, 0)));
      const h = (name: string) => function (this: XMLHttpRequest) { if (this.readyState === 4) log.push(name + " " + this.status + " " + this.responseText); };
      // handler before open
      let x = new XMLHttpRequest();
      const pre = h("pre");
      x.onreadystatechange = pre;
      x.open("POST", E + "pre");
      log.push("pre identity " + (x.onreadystatechange === pre));
      x.send("1");
      await done(x);
      // the same XHR again
      x.open("POST", E + "reuse");
      x.send("2");
      await done(x);
      // handler after open, then swapped
      x = new XMLHttpRequest();
      x.open("POST", E + "post");
      x.onreadystatechange = h("first");
      const second = h("second");
      x.onreadystatechange = second;
      log.push("post identity " + (x.onreadystatechange === second));
      x.send("3");
      await done(x);
      // handler set, then cleared: our own listener records it
      x = new XMLHttpRequest();
      x.open("POST", E + "cleared");
      x.onreadystatechange = h("never");
      x.onreadystatechange = null;
      log.push("cleared " + String(x.onreadystatechange));
      x.send("4");
      await done(x);
      // only a listener / only onload
      x = new XMLHttpRequest();
      x.open("POST", E + "listener");
      x.addEventListener("readystatechange", h("listener"));
      x.send("5");
      await done(x);
      x = new XMLHttpRequest();
      x.open("POST", E + "onload");
      x.onload = () => log.push("onload " + x.responseText);
      x.send("6");
      await done(x);
      // a listener registered before the handler stops the DONE event: the handler never runs
      x = new XMLHttpRequest();
      x.addEventListener("readystatechange", (e) => { if (x.readyState === 4) e.stopImmediatePropagation(); });
      x.onreadystatechange = h("stopped");
      x.open("POST", E + "stopped");
      x.send("7");
      await done(x);
      // the DONE handler reuses the same XHR for the next request (open() resets it before loadend)
      await new Promise<void>((resolve) => {
        const r = new XMLHttpRequest();
        r.onreadystatechange = () => {
          if (r.readyState !== 4) return;
          log.push("reopen " + r.responseText);
          if (r.responseText === "10") {
            r.open("POST", E + "reopen2");
            r.send("11");
          } else resolve();
        };
        r.open("POST", E + "reopen1");
        r.send("10");
      });
      // the DONE handler calls abort(): no loadend follows
      await new Promise<void>((resolve) => {
        const a = new XMLHttpRequest();
        a.open("POST", E + "abortdone");
        a.onreadystatechange = () => {
          if (a.readyState !== 4) return;
          log.push("abortdone " + a.responseText);
          a.abort();
          setTimeout(resolve, 50);
        };
        a.send("12");
      });
      // listeners added before send() stop load and loadend
      x = new XMLHttpRequest();
      x.open("POST", E + "stopend");
      x.addEventListener("load", (e) => e.stopImmediatePropagation());
      x.addEventListener("loadend", (e) => e.stopImmediatePropagation());
      x.send("13");
      await new Promise<void>((r) => x.addEventListener("readystatechange", () => { if (x.readyState === 4) setTimeout(r, 50); }));
      // the next request leaves from inside the handler, as a polling client's next poll does
      const chained = new Promise<void>((resolve) => {
        const a = new XMLHttpRequest();
        a.open("POST", E + "chain1");
        a.onreadystatechange = () => {
          if (a.readyState !== 4) return;
          const b = new XMLHttpRequest();
          b.open("POST", E + "chain2");
          b.onreadystatechange = () => { if (b.readyState === 4) resolve(); };
          b.send("9");
        };
        a.send("8");
      });
      await chained;
      return log;
    }));
    if (hook) evs = await hp.events(200);
    await hp.context.close();
  }
  const log = runs[0] as string[];
  assert.deepEqual(log, [
    "pre identity true", "pre 200 1", "pre 200 2", "post identity true", "second 200 3", "cleared null",
    "listener 200 5", "onload 6", "reopen 10", "reopen 11", "abortdone 12",
  ]);
  assert.deepEqual(runs[1], runs[0], "the page sees the same with and without the hook");
  const keys = ["pre", "reuse", "post", "cleared", "listener", "onload", "stopped", "reopen1", "reopen2", "abortdone", "stopend", "chain1", "chain2"];
  const bodies = ["1", "2", "3", "4", "5", "6", "7", "10", "11", "12", "13", "8", "9"];
  const x = exchanges(evs);
  assert.deepEqual([...x.keys()], keys);
  keys.forEach((k, i) => assert.deepEqual(x.get(k)!.res?.body, { text: bodies[i] }, `${k}: its response, recorded`));
  const responses = evs.filter((e) => e.type === "http-response");
  assert.equal(responses.length, keys.length, "each response once");
  // the next request left from inside the previous one's DONE handler: its response comes first
  for (const [a, b] of [["chain1", "chain2"], ["reopen1", "reopen2"]] as const) {
    const i1 = evs.findIndex((e) => e.type === "http-response" && e.conn === x.get(a)!.req.conn);
    const i2 = evs.findIndex((e) => e.type === "http-request" && e.conn === x.get(b)!.req.conn);
    assert.ok(i1 >= 0 && i1 < i2, `${a}'s response (${i1}) is recorded before ${b}'s request (${i2})`);
  }
});

test("bodies over 1 MiB (XHR and fetch, both ways, text, bytes and Blob) are kept as their first 64 KiB with their whole length; the app gets every byte", async () => {
  const hp = await openPage(browser, server.origin + "/");
  const got = await hp.page.evaluate(largeBodiesScenario);
  const evs = await hp.events(300);
  await hp.context.close();
  checkLargeBodies(got, evs);
});
