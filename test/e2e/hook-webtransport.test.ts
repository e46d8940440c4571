// WebTransport capture. Chromium has WebTransport but nothing here can serve HTTP/3, so the
// real constructor is covered for transparency and open/close by hook-transparency.test.ts;
// this file drives the hook's stream wrapping through a loopback stand-in installed (before
// the hook, as a page's own polyfill would be) under the same global names, with the same
// shape: accessors on prototypes, a promise-returning createBidirectionalStream, a stream of
// incoming bidirectional streams. Every byte the loopback carries is the app's own data.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { Browser } from "playwright";
import type { CaptureEvent } from "../../protocol/capture.ts";
import { openPage, useServerAndBrowser, type TestServer } from "./hook-helpers.ts";

let server: TestServer;
let browser: Browser;
useServerAndBrowser((s, b) => ((server = s), (browser = b)));

const LOOPBACK = `(() => {
  class WebTransportBidirectionalStream {
    #r; #w;
    constructor(r, w) { this.#r = r; this.#w = w; }
    get readable() { return this.#r; }
    get writable() { return this.#w; }
  }
  const loop = () => { const t = new TransformStream(); return new WebTransportBidirectionalStream(t.readable, t.writable); };
  class WebTransport {
    #closed; #done; #incoming; #ctrl;
    constructor(url) {
      this.#closed = new Promise((r) => (this.#done = r));
      this.#incoming = new ReadableStream({ start: (c) => { this.#ctrl = c; } });
    }
    get ready() { return Promise.resolve(); }
    get closed() { return this.#closed; }
    get incomingBidirectionalStreams() { return this.#incoming; }
    async createBidirectionalStream() { return loop(); }
    peerOpensStream() { const s = loop(); this.#ctrl.enqueue(s); return s; }
    close(info) { this.#done(info || { closeCode: 0, reason: "" }); }
  }
  for (const [k, v] of [["WebTransport", WebTransport], ["WebTransportBidirectionalStream", WebTransportBidirectionalStream]])
    Object.defineProperty(window, k, { value: v, writable: true, configurable: true, enumerable: false });
})();`;

test("bidirectional streams (created and incoming, reader/writer and pipeTo/pipeThrough use) are captured chunk by chunk", async () => {
  const hp = await openPage(browser, server.origin + "/", { before: LOOPBACK });
  const app = await hp.page.evaluate(async () => {
    const WT = (window as any).WebTransport;
    const wt = new WT("/socket.io/?EIO=4&transport=webtransport");
    const out: unknown[] = [];
    // reader / writer, as most apps do
    const s = await wt.createBidirectionalStream();
    out.push(s.readable === s.readable && s.writable === s.writable);
    const w = s.writable.getWriter();
    const r = s.readable.getReader();
    void w.write(new Uint8Array([1, 2, 3]));
    out.push([...(await r.read()).value]);
    const enc = new TextEncoder();
    void w.write(enc.encode('0{"sid":"abc"}'));
    out.push(new TextDecoder().decode((await r.read()).value));
    // engine.io-client style: pipeTo from an encoder, pipeThrough into a decoder
    const s2 = await wt.createBidirectionalStream();
    const encoder = new TransformStream();
    void encoder.readable.pipeTo(s2.writable);
    const decoded = s2.readable.pipeThrough(new TransformStream()).getReader();
    const ew = encoder.writable.getWriter();
    void ew.write(new Uint8Array([0x84, 0x34, 0x32]));
    out.push([...(await decoded.read()).value]);
    // a stream the peer opens
    const incoming = wt.incomingBidirectionalStreams.getReader();
    const peer = wt.peerOpensStream();
    const got = (await incoming.read()).value;
    out.push(got === peer);
    const pw = got.writable.getWriter();
    void pw.write(new Uint8Array([9]));
    out.push([...(await got.readable.getReader().read()).value]);
    wt.close({ closeCode: 0, reason: "bye" });
    await wt.closed;
    return out;
  });
  assert.deepEqual(app, [true, [1, 2, 3], '0{"sid":"abc"}', [0x84, 0x34, 0x32], true, [9]]);
  const evs = await hp.events(150);
  await hp.context.close();
  const wt = evs.filter((e) => e.type.startsWith("wt-")).map(({ v: _v, ts: _t, conn: _c, ...rest }) => rest);
  const b64 = (b: number[]) => ({ base64: Buffer.from(b).toString("base64") });
  const chunk = (dir: string, stream: number, data: unknown) => ({ type: "wt-chunk", dir, stream, data });
  assert.deepEqual(wt, [
    { type: "wt-open", url: `${server.origin}/socket.io/?EIO=4&transport=webtransport` },
    chunk("out", 0, b64([1, 2, 3])),
    chunk("in", 0, b64([1, 2, 3])),
    chunk("out", 0, b64([...Buffer.from('0{"sid":"abc"}')])),
    chunk("in", 0, b64([...Buffer.from('0{"sid":"abc"}')])),
    chunk("out", 1, b64([0x84, 0x34, 0x32])),
    chunk("in", 1, b64([0x84, 0x34, 0x32])),
    chunk("out", 2, b64([9])),
    chunk("in", 2, b64([9])),
    { type: "wt-close", reason: "bye" },
  ]);
  assert.equal(new Set(evs.filter((e) => e.type.startsWith("wt-")).map((e) => e.conn)).size, 1);
});
