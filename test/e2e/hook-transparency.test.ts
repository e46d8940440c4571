// The page hook must be invisible: the same probes run on a page without the hook, with it,
// and with it injected twice (frames, reinjection) must give identical answers — identity,
// constants, prototype chains, names and lengths, native-looking source text, property
// attributes, error messages, listener order, exceptions from the app's own handlers,
// unhandled rejections, and no `message` events on window. A second injection must not
// double-capture. WebTransport (no server here) is checked for transparency and open/close.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { Browser, Page } from "playwright";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { CaptureEvent } from "../../protocol/capture.ts";
import { SessionModel } from "../../protocol/session/index.ts";
import { startDemo } from "../../test-server/index.ts";
import { checkOnmessageRuns, onmessageScenario, openPage, useServerAndBrowser, type TestServer } from "./hook-helpers.ts";

let server: TestServer;
let browser: Browser;
useServerAndBrowser((s, b) => ((server = s), (browser = b)));

/** Everything a page could look at to notice the hook. */
function probe(page: Page, closedPort: number): Promise<Record<string, unknown>> {
  return page.evaluate(async (closedPort) => {
    const w = window as unknown as Record<string, any>;
    const fts = Function.prototype.toString;
    const src = (f: unknown) => { try { return fts.call(f as () => void); } catch (e) { return "throws " + (e as Error).name; } };
    const attempt = (f: () => unknown) => { try { return ["ok", String(f())]; } catch (e) { return [(e as Error).name, (e as Error).message]; } };
    const desc = (o: object | undefined, k: PropertyKey) => {
      const d = o && Object.getOwnPropertyDescriptor(o, k);
      return d ? [d.writable, d.enumerable, d.configurable, typeof d.value, typeof d.get, typeof d.set] : null;
    };
    const WS = WebSocket;
    const P = WS.prototype;
    const XP = XMLHttpRequest.prototype;
    const WT = w.WebTransport as (new (u: string) => any) | undefined;
    const getterOf = (o: object | undefined, k: string) => (o ? Object.getOwnPropertyDescriptor(o, k)?.get : undefined);
    const setterOf = (o: object | undefined, k: string) => (o ? Object.getOwnPropertyDescriptor(o, k)?.set : undefined);
    const functions: Record<string, unknown> = {
      WebSocket: WS, XMLHttpRequest, send: P.send, close: P.close, open: XP.open, xsend: XP.send, setRequestHeader: XP.setRequestHeader,
      fetch: w.fetch, toString: fts, WebTransport: WT, createBidirectionalStream: WT?.prototype.createBidirectionalStream,
      incoming: getterOf(WT?.prototype, "incomingBidirectionalStreams"),
      readable: getterOf(w.WebTransportBidirectionalStream?.prototype, "readable"),
      writable: getterOf(w.WebTransportBidirectionalStream?.prototype, "writable"),
      getOnmessage: getterOf(P, "onmessage"), setOnmessage: setterOf(P, "onmessage"),
      getOnreadystatechange: getterOf(XP, "onreadystatechange"), setOnreadystatechange: setterOf(XP, "onreadystatechange"),
      stopImmediatePropagation: Event.prototype.stopImmediatePropagation,
      addEventListener: EventTarget.prototype.addEventListener, removeEventListener: EventTarget.prototype.removeEventListener,
      getEvent: getterOf(window, "event"),
      Worker: w.Worker, SharedWorker: w.SharedWorker, terminate: w.Worker?.prototype.terminate,
      getScriptSrc: getterOf(HTMLScriptElement.prototype, "src"), setScriptSrc: setterOf(HTMLScriptElement.prototype, "src"),
      submit: HTMLFormElement.prototype.submit,
    };
    const out: Record<string, unknown> = {};
    for (const [k, f] of Object.entries(functions)) {
      const fn = f as { name?: string; length?: number } | undefined;
      out["fn " + k] = f === undefined ? "absent" : [src(f), fn!.name, fn!.length, typeof f, Reflect.ownKeys(f as object).map(String), Object.getPrototypeOf(f) === Function.prototype];
    }
    out.toStringOfToString = fts.call(fts.call as () => void) + "|" + String(fts) + "|" + `${w.fetch}` + "|" + String(WS);
    out.constants = ["CONNECTING", "OPEN", "CLOSING", "CLOSED"].map((k) => [(WS as any)[k], (P as any)[k], desc(WS, k), desc(P, k)]);
    out.chain = [Object.getPrototypeOf(WS) === EventTarget, Object.getPrototypeOf(P) === EventTarget.prototype, P.constructor === WS, desc(P, "constructor")];
    out.descriptors = [desc(window, "WebSocket"), desc(window, "fetch"), desc(window, "XMLHttpRequest"), desc(window, "WebTransport"),
      desc(P, "send"), desc(P, "close"), desc(XP, "open"), desc(XP, "send"), desc(Function.prototype, "toString"), desc(WT?.prototype, "incomingBidirectionalStreams"),
      desc(P, "onmessage"), desc(XP, "onreadystatechange"), desc(Event.prototype, "stopImmediatePropagation"),
      desc(EventTarget.prototype, "addEventListener"), desc(window, "event"),
      desc(HTMLScriptElement.prototype, "src"), desc(HTMLFormElement.prototype, "submit"),
      desc(window, "Worker"), desc(window, "SharedWorker"), desc(w.Worker?.prototype, "constructor"), desc(w.SharedWorker?.prototype, "constructor")];
    out.windowKeys = Object.keys(window);
    out.windowNames = Object.getOwnPropertyNames(window);
    out.windowSymbols = Object.getOwnPropertySymbols(window).map(String);
    out.errors = [
      attempt(() => (WS as unknown as (u: string) => unknown)("ws://127.0.0.1:1/")),
      attempt(() => new WS("http://[")),
      attempt(() => new WS("ftp://127.0.0.1/")),
      attempt(() => P.send.call({}, "x")),
      attempt(() => new (P.send as unknown as new () => unknown)()),
      attempt(() => (XP.open as (...a: unknown[]) => void).call({}, "GET", "/")),
      attempt(() => setterOf(HTMLScriptElement.prototype, "src")!.call({}, "/x.js")),
      attempt(() => HTMLFormElement.prototype.submit.call({})),
      attempt(() => { const x = new XMLHttpRequest(); x.send(); }),
      attempt(() => { const x = new XMLHttpRequest(); x.open("G ET", "/?EIO=4"); }),
      attempt(() => Object.getOwnPropertyDescriptor(P, "onmessage")!.set!.call({}, () => 1)),
      attempt(() => Object.getOwnPropertyDescriptor(P, "onmessage")!.get!.call({})),
      attempt(() => Event.prototype.stopImmediatePropagation.call({})),
      attempt(() => EventTarget.prototype.addEventListener.call({}, "message", () => 1)),
      attempt(() => (new WS("ws://127.0.0.1:1/") as any).addEventListener()),
      attempt(() => { const x = new WS("ws://127.0.0.1:1/"); const f = () => 1; x.onmessage = f; const a = x.onmessage === f; x.onmessage = 5 as any; const b = x.onmessage; const o = {}; x.onmessage = o as any; const c = x.onmessage === o; x.close(); return [a, b, c].join(); }),
      attempt(() => { const x = new XMLHttpRequest(); const f = () => 1; x.onreadystatechange = f; x.open("GET", "/?EIO=4&transport=polling"); return x.onreadystatechange === f; }),
    ];
    const echo = location.origin.replace("http", "ws") + "/echo";
    const s = new WS(echo);
    out.instance = [s instanceof WS, s.constructor === WS, Object.getPrototypeOf(s) === P, attempt(() => s.send("too early")), Object.keys(s), s.binaryType];
    s.close();
    const X = XMLHttpRequest;
    const xhr = new X();
    out.xhr = [xhr instanceof X, xhr.constructor === X, Object.getPrototypeOf(xhr) === XP, Object.getPrototypeOf(X) === w.XMLHttpRequestEventTarget,
      X.DONE, XP.DONE, desc(X, "DONE"), desc(XP, "constructor"), Object.keys(xhr), attempt(() => (X as unknown as () => unknown)())];
    class XSub extends X { extra() { return 2; } }
    const xsub = new XSub();
    out.xhrSubclass = [xsub instanceof XSub, xsub instanceof X, xsub.extra(), xsub.readyState];
    class Sub extends WS { extra() { return 1; } }
    const sub = new Sub(echo);
    out.subclass = [sub instanceof Sub, sub instanceof WS, Object.getPrototypeOf(sub) === Sub.prototype, sub.extra()];
    sub.close();
    out.fetchCall = await (w.fetch as typeof fetch).call(undefined, "/http-echo/?EIO=4&transport=polling&k=p", { method: "POST", body: "p" }).then((r) => r.text());
    out.fetchBadThis = await Promise.resolve().then(() => (w.fetch as typeof fetch).call({}, "/")).then(() => "ok", (e: Error) => e.name + ": " + e.message);
    out.fetchBadArg = await fetch("http://[", {}).then(() => "ok", (e: Error) => e.name + ": " + e.message);
    // arguments the browser converts to text: it calls their toString once, and so must it be
    // with the hook (which then does not read them); a URL object is read through its href
    let conversions = 0;
    const text = (t: string) => ({ toString() { conversions++; return t; } });
    const done = (x: XMLHttpRequest) => new Promise((r) => { x.onloadend = () => r(x.status); });
    const x1 = new XMLHttpRequest();
    const x1done = done(x1);
    x1.open(text("POST") as unknown as string, text("/http-echo/?EIO=4&transport=polling&k=obj") as unknown as string);
    x1.setRequestHeader(text("content-type") as unknown as string, text("text/plain") as unknown as string);
    x1.send(text("4obj") as unknown as string);
    const x2 = new XMLHttpRequest();
    const x2done = done(x2);
    x2.open("POST", new URL("/http-echo/?EIO=4&transport=polling&k=url", location.href));
    x2.send("4url");
    const f = await (w.fetch as typeof fetch)(text("/http-echo/?EIO=4&transport=polling&k=fobj") as unknown as string, { method: "POST", body: text("4fobj") as unknown as string }).then((r) => r.text());
    out.conversions = [conversions, await x1done, x1.responseText, await x2done, x2.responseText, f];
    // a Socket.IO request's init: the browser reads each property once, in its own order, and
    // so must it be with the hook (which records the request without reading init itself)
    const reads: string[] = [];
    const init = (body: string, method: () => string) => ({
      get method() { reads.push("method"); return method(); },
      get body() { reads.push("body"); return body; },
      get headers() { reads.push("headers"); return { get "content-type"() { reads.push("content-type"); return "text/plain"; } }; },
      get signal() { reads.push("signal"); return undefined; },
    });
    const fi = await (w.fetch as typeof fetch)("/http-echo/?EIO=4&transport=polling&k=init", init("4init", () => "POST")).then((r) => r.text());
    const thrown = await (w.fetch as typeof fetch)("/http-echo/?EIO=4&transport=polling&k=initboom", init("4x", () => { throw new Error("method boom"); }))
      .then(() => "resolved", (e: Error) => e.message);
    const invalid = await (w.fetch as typeof fetch)("/http-echo/?EIO=4&transport=polling&k=get-body", init("4x", () => "GET"))
      .then(() => "resolved", (e: Error) => e.name + ": " + e.message);
    out.initReads = [reads.join(","), fi, thrown, invalid];
    // workers: the hook records that one started, and must change nothing about it
    const W = w.Worker as typeof Worker;
    const blob = URL.createObjectURL(new Blob(["onmessage = (e) => postMessage(e.data + '!')"], { type: "text/javascript" }));
    const wk = new W(blob);
    const reply = await new Promise((r) => { wk.onmessage = (e) => r(e.data); wk.postMessage("hi"); });
    wk.terminate();
    class WSub extends W { extra() { return 3; } }
    const wsub = new WSub(new URL(blob));
    wsub.terminate();
    out.worker = [wk instanceof W, wk.constructor === W, Object.getPrototypeOf(wk) === W.prototype, Object.getPrototypeOf(W) === EventTarget, reply,
      wsub instanceof WSub, wsub instanceof W, wsub.extra(), Object.keys(wk), attempt(() => new W("http://[")), attempt(() => (W as unknown as (u: string) => unknown)(blob))];
    const SW = w.SharedWorker as typeof SharedWorker | undefined;
    if (SW) {
      const sh = new SW(blob, "probe");
      out.sharedWorker = [sh instanceof SW, sh.constructor === SW, Object.getPrototypeOf(sh) === SW.prototype, typeof sh.port.postMessage, attempt(() => new SW("http://["))];
    }
    if (WT) {
      const t = new WT(`https://127.0.0.1:${closedPort}/socket.io/?EIO=4&transport=webtransport`);
      out.wt = [t instanceof WT, t.constructor === WT, await t.ready.then(() => "ready", (e: Error) => e.name), await t.closed.then(() => "closed", (e: Error) => e.name)];
    }
    return out;
  }, closedPort);
}

test("no difference a page can observe: identity, constants, names, source text, attributes, errors", async () => {
  const results: Record<string, unknown>[] = [];
  const captured: CaptureEvent[][] = [];
  for (const hook of [0, 1, 2]) {
    const hp = await openPage(browser, server.origin + "/", { hook });
    results.push(await probe(hp.page, server.closedPort));
    captured.push(await hp.events(100));
    await hp.context.close();
  }
  assert.ok(String((results[0]!["fn send"] as unknown[])[0]).includes("[native code]"));
  // the init probe is live: without the hook the browser read each property of a good init once
  const [reads, echoed] = results[0]!.initReads as string[];
  assert.equal(echoed, "4init");
  assert.deepEqual(reads!.split(",").slice(0, 5).sort(), ["body", "content-type", "headers", "method", "signal"]);
  assert.deepEqual(results[1], results[0]);
  assert.deepEqual(results[2], results[0]);
  // and the hook did record what the probe did (so the comparison above is with a live hook)
  assert.equal(captured[0]!.length, 0);
  for (const evs of captured.slice(1)) {
    assert.equal(evs.filter((e) => e.type === "page").length, 1);
    assert.equal(evs.filter((e) => e.type === "ws-open").length, 4);
    // the probe's fetch, and the XHR opened with a URL object; not those given objects of the page's
    const requests = evs.filter((e) => e.type === "http-request");
    // (not the init whose getter threw: fetch() rejected before sending; the GET with a body is
    // recorded, and its failure after it, as fetch() reports it)
    assert.deepEqual(requests.map((e) => new URL(e.url).searchParams.get("k")), ["p", "url", "init", "get-body"]);
    // the init's request, from what the browser read (a content type behind a getter is not
    // read again, nor replaced by the body's default)
    const fromInit = requests[2]!;
    assert.deepEqual([fromInit.method, fromInit.contentType, fromInit.body], ["POST", undefined, { text: "4init" }]);
    // the two workers and the shared one that started (the bad URLs threw: nothing started)
    const workers = evs.filter((e) => e.type === "worker");
    assert.deepEqual(workers.map((e) => e.kind), ["dedicated", "dedicated", ...(results[0]!.sharedWorker ? ["shared"] : [])]);
    // one blob: URL of this origin, given once as a string and once as a URL object
    assert.equal(new Set(workers.map((e) => e.url)).size, 1, JSON.stringify(workers));
    assert.ok(workers[0]!.url.startsWith("blob:" + server.origin + "/"), JSON.stringify(workers));
    if (results[0]!.wt) {
      const wt = evs.filter((e) => e.type === "wt-open" || e.type === "wt-close").map((e) => e.type);
      assert.deepEqual(wt, ["wt-open", "wt-close"]);
    }
  }
});

test("listener order, phases, exceptions from app handlers and unhandled rejections are unchanged; no window message events", async () => {
  const runs: unknown[] = [];
  const captured: CaptureEvent[][] = [];
  for (const hook of [0, 1, 2]) {
    const hp = await openPage(browser, server.origin + "/", { hook });
    runs.push(await hp.page.evaluate(async (closedPort) => {
      const log: string[] = [];
      window.addEventListener("message", () => log.push("window message!"));
      window.onerror = (m) => { log.push("onerror " + String(m)); return true; };
      window.addEventListener("unhandledrejection", (e) => { log.push("unhandled " + (e.reason as Error).name); e.preventDefault(); });
      const ws = new WebSocket(location.origin.replace("http", "ws") + "/echo");
      ws.addEventListener("open", (e) => log.push("open listener " + e.eventPhase));
      ws.onopen = () => log.push("onopen");
      ws.onmessage = (e) => log.push("onmessage " + e.data);
      ws.addEventListener("message", (e) => { log.push("listener " + e.data); if (e.data === "boom") throw new Error("app boom"); });
      ws.addEventListener("message", (e) => { log.push("capture " + e.data + " " + e.eventPhase); if (e.data === "stop") e.stopImmediatePropagation(); }, true);
      ws.addEventListener("close", (e) => log.push("close " + e.code));
      await new Promise((r) => ws.addEventListener("open", r));
      for (const m of ["a", "boom", "stop", "b"]) ws.send(m);
      // every echo, however loaded the machine ("b" is the last; a fixed 200 ms once missed it)
      for (let i = 0; i < 250 && !log.includes("listener b"); i++) await new Promise((r) => setTimeout(r, 20));
      await new Promise((r) => setTimeout(r, 50));
      ws.close(4000);
      await new Promise((r) => ws.addEventListener("close", r));
      void fetch(`http://127.0.0.1:${closedPort}/socket.io/?EIO=4&transport=polling`); // rejected, never handled
      for (let i = 0; i < 100 && !log.some((l) => l.startsWith("unhandled")); i++) await new Promise((r) => setTimeout(r, 20));
      const x = new XMLHttpRequest();
      x.open("GET", "/http-echo/?EIO=4&transport=polling");
      x.onload = () => { throw new Error("xhr boom"); };
      x.send();
      for (let i = 0; i < 250 && !log.some((l) => l.includes("xhr boom")); i++) await new Promise((r) => setTimeout(r, 20));
      await new Promise((r) => setTimeout(r, 50));
      return log;
    }, server.closedPort));
    captured.push(await hp.events(100));
    await hp.context.close();
  }
  const log = runs[0] as string[];
  assert.ok(log.includes("onerror Uncaught Error: app boom"), log.join("\n"));
  assert.ok(log.includes("onerror Uncaught Error: xhr boom"));
  assert.ok(log.includes("unhandled TypeError"));
  assert.ok(!log.includes("window message!"));
  assert.deepEqual(runs[1], runs[0]);
  assert.deepEqual(runs[2], runs[0]);
  // injected once or twice, every frame is captured exactly once
  for (const evs of captured.slice(1)) {
    const frames = evs.filter((e) => e.type === "ws-frame").map((e) => (e as { dir: string }).dir + " " + JSON.stringify((e as { data: unknown }).data));
    assert.deepEqual(frames, ["a", "boom", "stop", "b"].map((m) => `out {"text":"${m}"}`).concat(["a", "boom", "stop", "b"].map((m) => `in {"text":"${m}"}`)));
    assert.deepEqual(evs.filter((e) => e.type === "http-error").map((e) => (e as { reason: string }).reason), ["network"]);
    assert.equal(evs.filter((e) => e.type === "http-response").length, 1);
  }
});

test("sockets read with onmessage only (every Engine.IO client): order, this, exceptions and their stacks, reassignment, null, non-callable objects, synthetic events", async () => {
  const runs: string[][] = [];
  const captured: CaptureEvent[][] = [];
  for (const hook of [0, 1, 2]) {
    const hp = await openPage(browser, server.origin + "/", { hook });
    runs.push(await hp.page.evaluate(onmessageScenario));
    captured.push(await hp.events(100));
    await hp.context.close();
  }
  checkOnmessageRuns(runs, captured);
});

// Angular apps run in zone.js, which patches timers, promises, EventTarget, XHR, WebSocket's
// handlers and fetch after our hook (page scripts always load after a document_start hook), and
// runs change detection whenever its zone has run a task: a task of ours in the app's zone would
// make the app work more with the extension than without. The real zone.js from npm and real
// socket.io 4 clients (one over WebSocket, one over long-polling: events and an ack) plus a
// fetch of an Engine.IO URL, all inside a forked zone, as NgZone forks one.
test("zone.js (Angular) loaded after the hook: the app's zone schedules and runs the same tasks, and the session is captured", async () => {
  const require = createRequire(import.meta.url);
  const zone = readFileSync(require.resolve("zone.js"), "utf8");
  const client = readFileSync(join(dirname(require.resolve("sio4-client/package.json")), "dist", "socket.io.js"), "utf8");
  const demo = await startDemo({ quiet: true });
  try {
    const runs: Array<{ tasks: Record<string, number>; got: unknown[]; patched: boolean }> = [];
    const captured: CaptureEvent[][] = [];
    for (const hook of [0, 1]) {
      const hp = await openPage(browser, demo.serverUrl("4") + "/zone-test", { hook, after: zone });
      await hp.page.addScriptTag({ content: client });
      runs.push(await hp.page.evaluate(async () => {
        const Z = (window as unknown as { Zone: any }).Zone;
        const tasks: Record<string, number> = {};
        const count = (k: string) => (tasks[k] = (tasks[k] ?? 0) + 1);
        const app = Z.current.fork({
          name: "app",
          onScheduleTask: (d: any, _c: any, t: any, task: any) => (count(`schedule ${task.type} ${task.source}`), d.scheduleTask(t, task)),
          onInvokeTask: (d: any, _c: any, t: any, task: any, a: any, b: any) => (count(`invoke ${task.type} ${task.source}`), d.invokeTask(t, task, a, b)),
          onHasTask: (d: any, _c: any, t: any, s: any) => (count(`has ${s.change}`), (busy = s.macroTask || s.microTask), d.hasTask(t, s)),
        });
        let busy = false;
        const got: unknown[] = [];
        // one client per transport (an upgrade's timing varies the number of polls run to run)
        const session = (transports: string[]) => new Promise<void>((done) => app.run(() => {
          const s = (window as unknown as { io: (u: string, o: object) => any }).io(location.origin, { transports, forceNew: true });
          s.on("echo", (...args: unknown[]) => {
            got.push([transports[0], "echo", ...args]);
            s.emit("ack-me", 5, "ü", (...r: unknown[]) => {
              got.push([transports[0], "ack", ...r]);
              s.disconnect();
              done();
            });
          });
          s.on("connect", () => s.emit("echo", { a: [1, null] }, "é"));
        }));
        await session(["websocket"]);
        await session(["polling"]);
        await new Promise<void>((done) => app.run(() => {
          fetch("/socket.io/?EIO=4&transport=polling&t=zone")
            .then((r) => r.text())
            .then((t) => got.push(["fetch", t.slice(0, 1)]))
            .then(() => done());
        }));
        // the disconnects' last requests are still out: count once the zone has none left
        for (let i = 0; i < 250 && busy; i++) await new Promise((r) => setTimeout(r, 20));
        return { tasks, got, patched: Promise.name === "ZoneAwarePromise" };
      }));
      captured.push(await hp.events(1300));
      await hp.context.close();
    }
    const [without, withHook] = runs as [typeof runs[0], typeof runs[0]];
    assert.ok(without.patched, "zone.js patched the page");
    for (const t of ["websocket", "polling"]) {
      assert.deepEqual(without.got.filter((g) => (g as string[])[0] === t), [[t, "echo", { a: [1, null] }, "é"], [t, "ack", 5, "ü"]]);
    }
    assert.deepEqual(without.got.at(-1), ["fetch", "0"]);
    assert.ok(Object.keys(without.tasks).some((k) => k.startsWith("invoke eventTask WebSocket")), JSON.stringify(without.tasks));
    assert.deepEqual(withHook, without, "the app and its zone see the same with the hook");
    assert.equal(captured[0]!.length, 0);
    // the hook saw both sessions whole: handshake, both events and the ack
    const m = new SessionModel();
    m.applyAll(captured[1]!);
    const sessions = m.sessions.filter((x) => x.namespaces.size); // not the fetch's bare handshake
    assert.deepEqual(sessions.map((x) => x.transports.map((t) => t.name).join()), ["websocket", "polling"]);
    for (const x of sessions) {
      const events = [...x.namespaces.get("/")!.events].map((e) => [e.dir, e.name, e.args, e.ack?.args ?? null]);
      assert.deepEqual(events, [
        ["out", "echo", [{ a: [1, null] }, "é"], null],
        ["in", "echo", [{ a: [1, null] }, "é"], null],
        ["out", "ack-me", [5, "ü"], [5, "ü"]],
      ]);
    }
    assert.ok(captured[1]!.some((e) => e.type === "http-request" && e.url.includes("t=zone")), "the app's fetch in the zone");
  } finally {
    await demo.stop();
  }
});

// SES (Hardened JavaScript: MetaMask's LavaMoat, Agoric) calls lockdown(), which checks every
// JavaScript intrinsic against what the language defines, removes what it does not know (with a
// console warning) and freezes the rest: the strictest observer of a changed
// Function.prototype.toString. Loaded after the hook, as pages load it: lockdown succeeds with
// the same console output, a socket.io 4 client then works under it, and the hook records it.
test("SES lockdown() after the hook: the same outcome and warnings as without it; a socket.io client then works and is captured", async () => {
  const require = createRequire(import.meta.url);
  const ses = readFileSync(join(dirname(require.resolve("ses/package.json")), "dist", "ses.umd.js"), "utf8");
  const harden = ses + "\n;try { lockdown({ errorTaming: 'unsafe' }); window.__locked = 'ok'; } catch (e) { window.__locked = 'lockdown threw: ' + e.message; }";
  const runs: Array<{ locked: string; warnings: string[]; result: unknown }> = [];
  const captured: CaptureEvent[][] = [];
  for (const hook of [0, 1]) {
    const hp = await openPage(browser, server.origin + "/", { hook, after: harden });
    const warnings: string[] = [];
    hp.page.on("console", (m) => { if (m.type() === "warning" || (m.type() === "error" && !m.text().includes("404"))) warnings.push(m.text()); });
    await hp.page.reload(); // the listener is on now: lockdown runs again, observed
    const locked = await hp.page.evaluate(() => (window as unknown as { __locked: string }).__locked);
    await hp.page.addScriptTag({ url: "/sio4.js" });
    const result = await hp.page.evaluate(() => new Promise((resolve) => {
      const s = (window as unknown as { io4: (o: object) => any }).io4({ path: "/sio4/" });
      s.on("connect", () => s.emit("hello", 1, (a: unknown) => { resolve(["acked", a, Object.isFrozen(Object.prototype)]); s.disconnect(); }));
    }));
    runs.push({ locked, warnings, result });
    captured.push(await hp.events(1300));
    await hp.context.close();
  }
  // (lockdown warns, with or without us, about the newer intrinsics this Chromium has that its list lacks)
  assert.deepEqual([runs[0]!.locked, runs[0]!.result], ["ok", ["acked", "got 1", true]]);
  assert.deepEqual(runs[1], runs[0], "lockdown sees nothing of the hook: the same outcome and warnings");
  // the session under lockdown, captured: the handshake, the emit and its ack (whichever transport carried them)
  const texts = captured[1]!.flatMap((e) => e.type === "ws-frame" && "text" in e.data ? [e.data.text]
    : (e.type === "http-request" || e.type === "http-response") && e.body && "text" in e.body ? [e.body.text] : []);
  assert.ok(texts.some((t) => t.startsWith("0{\"sid\"")), `the handshake: ${texts.join(" | ")}`);
  assert.ok(texts.some((t) => /42\d+\["hello",1\]/.test(t)), "the emit, with its ack id");
  assert.ok(texts.some((t) => /43\d+\["got 1"\]/.test(t)), "the ack");
});
