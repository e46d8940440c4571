// Our 0.9 decoders on what a real socket.io 0.9.19 server writes over HTTP: the handshake
// (plain, JSONP, refused, heartbeats disabled), xhr-polling bodies and the `1` POST reply,
// namespace connect/refusal packets (incl. `7::/nsp:undefined`), jsonp-polling `io.j[i](…)`
// and its form POST, and the htmlfile script stream. The client side is ours: our encoder
// writes what we POST, and the server's handlers prove it decoded the same thing.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import http from "node:http";
import type { AddressInfo } from "node:net";
import {
  decodeSio09Payload,
  encodeSio09Payload,
  isSio09PostOk,
  parseSio09Form,
  parseSio09HandshakeReply,
  unwrapSio09Body,
  unwrapSio09Htmlfile,
  type Sio09Packet,
} from "../../protocol/sio09/index.ts";
import { detectFromFirstPayload, detectFromUrl } from "../../protocol/detect.ts";
import { isDecodeError } from "../../protocol/types.ts";

const require = createRequire(import.meta.url);
interface Sio09Socket {
  emit(name: string, ...args: unknown[]): void;
  on(name: string, fn: (...args: any[]) => void): void;
}
interface Sio09Namespace {
  on(ev: "connection", fn: (s: Sio09Socket) => void): void;
  authorization(fn: (hs: unknown, cb: (err: string | null, ok: boolean) => void) => void): Sio09Namespace;
}
interface Sio09Manager {
  set(key: string, value: unknown): void;
  sockets: Sio09Namespace;
  of(nsp: string): Sio09Namespace;
}
const io = require("sio09") as { listen(server: http.Server, opts: object): Sio09Manager };

// A string that exercises every escape: JSON quotes/backslashes, `</script>`, U+2028, ':',
// the framing separator, emoji, form-encoding metacharacters.
const TRICKY = 'a "q" \\ </script> \u2028 : \ufffd é 🎉 &d=x+y %20';

let server: http.Server;
let manager: Sio09Manager;
let base = "";
const received: unknown[][] = [];

before(async () => {
  server = http.createServer();
  const mgr = io.listen(server, { log: false });
  mgr.set("transports", ["websocket", "htmlfile", "xhr-polling", "jsonp-polling"]);
  mgr.set("polling duration", 1);
  mgr.set("close timeout", 1);
  mgr.set("client store expiration", 0); // its timers would keep the process alive after the tests
  mgr.set("heartbeat timeout", 2);
  mgr.set("heartbeat interval", 1);
  mgr.set("authorization", (hs: { query: Record<string, string> }, cb: (e: string | null, ok: boolean) => void) => cb(null, !hs.query.deny));
  mgr.sockets.on("connection", (s) => {
    s.emit("hello", TRICKY);
    s.on("msg", (a: unknown, fn: (x: unknown) => void) => {
      received.push(["msg", a]);
      fn("ok:" + String(a));
    });
    s.on("echo", (a: unknown) => {
      received.push(["echo", a]);
      s.emit("echoed", a);
    });
  });
  mgr.of("/chat").on("connection", () => {});
  mgr.of("/private").authorization((_hs, cb) => cb("custom failure", false));
  mgr.of("/deny").authorization((_hs, cb) => cb(null, false));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/socket.io/1/`;
  manager = mgr;
});

after(async () => {
  // end every session now rather than waiting for the server's close timeouts
  const transports = (manager as unknown as { transports: Record<string, { end(reason: string): void; clearTimeouts?(): void }> }).transports;
  for (const t of Object.values(transports)) {
    t.end("test over");
    t.clearTimeouts?.();
  }
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

async function get(url: string): Promise<{ status: number; type: string | null; body: string }> {
  const r = await fetch(url);
  return { status: r.status, type: r.headers.get("content-type"), body: await r.text() };
}
async function post(url: string, body: string, type = "text/plain;charset=UTF-8"): Promise<{ status: number; body: string }> {
  const r = await fetch(url, { method: "POST", body, headers: { "content-type": type } });
  return { status: r.status, body: await r.text() };
}
function packets(body: string): Sio09Packet[] {
  return decodeSio09Payload(body).map((p) => {
    if (isDecodeError(p)) assert.fail(`${p.reason} in ${JSON.stringify(body)}`);
    return p;
  });
}
async function handshake(query = ""): Promise<string> {
  const url = `${base}?t=${Date.now()}${query}`;
  assert.deepEqual(detectFromUrl(url), { family: "sio09", kind: "handshake", endpoint: base.slice(0, -2) });
  const r = await get(url);
  const h = parseSio09HandshakeReply(r.status, r.body);
  assert.equal(h.kind, "ok", JSON.stringify(h));
  return h.kind === "ok" ? h.handshake.sid : "";
}

test("handshake: plain and JSONP bodies", async () => {
  const r = await get(`${base}?t=1`);
  assert.equal(r.status, 200);
  assert.deepEqual(detectFromFirstPayload(r.body, "http"), { family: "sio09", kind: "handshake" });
  const h = parseSio09HandshakeReply(r.status, r.body);
  assert.ok(h.kind === "ok");
  assert.equal(h.handshake.heartbeatTimeout, 2);
  assert.equal(h.handshake.closeTimeout, 1);
  assert.deepEqual(h.handshake.transports, ["websocket", "htmlfile", "xhr-polling", "jsonp-polling"]);
  assert.equal(h.handshake.sid, r.body.split(":")[0]);
  const j = await get(`${base}?t=1&jsonp=3`);
  assert.deepEqual(detectFromFirstPayload(j.body), { family: "sio09", jsonp: true, kind: "handshake" });
  const hj = parseSio09HandshakeReply(j.status, j.body);
  assert.ok(hj.kind === "ok");
  assert.equal(hj.jsonp, 3);
  assert.deepEqual(hj.handshake.transports, h.handshake.transports);
});

test("handshake: heartbeats disabled writes an empty field", async () => {
  manager.set("heartbeats", false);
  try {
    const r = await get(`${base}?t=2`);
    const h = parseSio09HandshakeReply(r.status, r.body);
    assert.ok(h.kind === "ok", r.body);
    assert.equal(h.handshake.heartbeatTimeout, null);
    assert.equal(h.handshake.closeTimeout, 1);
  } finally {
    manager.set("heartbeats", true);
  }
});

test("handshake: refusals, JSONP refusal, wrong protocol number, bare resource", async () => {
  const r = await get(`${base}?t=3&deny=1`);
  assert.deepEqual(parseSio09HandshakeReply(r.status, r.body), { kind: "refused", status: 403, message: "handshake unauthorized" });
  const j = await get(`${base}?t=3&deny=1&jsonp=1`);
  assert.deepEqual(parseSio09HandshakeReply(j.status, j.body), { kind: "refused", status: 200, message: "handshake unauthorized", jsonp: 1 });
  const v = await get(base.replace("/1/", "/2/") + "?t=3");
  assert.deepEqual(parseSio09HandshakeReply(v.status, v.body), { kind: "unsupported-protocol" });
  const w = await get(base.replace("/1/", "/"));
  assert.deepEqual(parseSio09HandshakeReply(w.status, w.body), { kind: "welcome" });
});

test("xhr-polling: connect, event, our POST answered `1`, the data ack comes back", async () => {
  const sid = await handshake();
  const url = `${base}xhr-polling/${sid}`;
  assert.deepEqual(detectFromUrl(`${url}?t=1`), { family: "sio09", kind: "transport", transport: "xhr-polling", sid, endpoint: base.slice(0, -2) });
  assert.deepEqual(packets((await get(`${url}?t=1`)).body).map((p) => p.typeName), ["connect"]);
  const hello = packets((await get(`${url}?t=2`)).body);
  assert.equal(hello.length, 1);
  assert.equal(hello[0]!.name, "hello");
  assert.deepEqual(hello[0]!.args, [TRICKY]);

  const body = encodeSio09Payload([{ type: 5, id: 1, ack: "data", name: "msg", args: [TRICKY] }]);
  const p = await post(`${url}?t=3`, body);
  assert.ok(isSio09PostOk(p.body, p.status), JSON.stringify(p));
  assert.deepEqual(received.at(-1), ["msg", TRICKY]);
  const ack = packets((await get(`${url}?t=4`)).body);
  assert.equal(ack.length, 1);
  assert.equal(ack[0]!.typeName, "ack");
  assert.equal(ack[0]!.ackId, "1");
  assert.deepEqual(ack[0]!.args, ["ok:" + TRICKY]);
});

test("xhr-polling: framed POST of namespace connects; echo, refusal `2` and the `undefined` quirk", async () => {
  const sid = await handshake();
  const url = `${base}xhr-polling/${sid}`;
  await get(`${url}?t=1`); // 1::
  await get(`${url}?t=2`); // hello
  const body = encodeSio09Payload([{ type: 1, endpoint: "/chat" }, { type: 1, endpoint: "/private" }, { type: 1, endpoint: "/deny" }]);
  assert.ok(body.startsWith("\ufffd"));
  const p = await post(`${url}?t=3`, body);
  assert.ok(isSio09PostOk(p.body, p.status));
  const reply = packets((await get(`${url}?t=4`)).body);
  const byEndpoint = new Map(reply.map((r) => [r.endpoint, r]));
  assert.equal(byEndpoint.get("/chat")?.typeName, "connect");
  assert.equal(byEndpoint.get("/private")?.typeName, "error");
  assert.equal(byEndpoint.get("/private")?.reason, "undefined");
  assert.equal(byEndpoint.get("/deny")?.typeName, "error");
  assert.equal(byEndpoint.get("/deny")?.reason, "unauthorized");
});

test("jsonp-polling: io.j[i](…) bodies and the d= form POST", async () => {
  const sid = await handshake();
  const url = `${base}jsonp-polling/${sid}`;
  const d = detectFromUrl(`${url}?t=1&i=2`);
  assert.equal(d?.family === "sio09" && d.jsonp, 2);
  const first = await get(`${url}?t=1&i=2`);
  assert.match(first.body, /^io\.j\[2\]\(/);
  const [connect] = unwrapSio09Body(first.body, "jsonp") as string[];
  assert.deepEqual(packets(connect!).map((p) => p.typeName), ["connect"]);
  const second = await get(`${url}?t=2&i=2`);
  const [hello] = unwrapSio09Body(second.body, "jsonp") as string[];
  assert.deepEqual(packets(hello!)[0]!.args, [TRICKY]);

  // a browser form submission: field d = JSON.stringify(payload), form-urlencoded (space → +)
  const payload = encodeSio09Payload([{ type: 5, name: "echo", args: [TRICKY] }]);
  const form = "d=" + encodeURIComponent(JSON.stringify(payload)).replace(/%20/g, "+");
  assert.equal(parseSio09Form(form), payload);
  const p = await post(`${url}?t=3&i=2`, form, "application/x-www-form-urlencoded");
  assert.ok(isSio09PostOk(p.body, p.status));
  assert.deepEqual(received.at(-1), ["echo", TRICKY]);
  const third = await get(`${url}?t=4&i=2`);
  const [echoed] = unwrapSio09Body(third.body, "jsonp") as string[];
  const ev = packets(echoed!)[0]!;
  assert.equal(ev.name, "echoed");
  assert.deepEqual(ev.args, [TRICKY]);
});

test("htmlfile: the never-ending script stream", async () => {
  const sid = await handshake();
  const url = `${base}htmlfile/${sid}`;
  const res = await fetch(`${url}?t=1`);
  assert.match(res.headers.get("content-type") ?? "", /text\/html/);
  const reader = res.body!.getReader();
  const dec = new TextDecoder();
  let text = "";
  let posted = false;
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    const { value, done } = await reader.read();
    if (done) break;
    text += dec.decode(value, { stream: true });
    const r = unwrapSio09Htmlfile(text);
    if (!posted && r.payloads.length >= 2) {
      posted = true;
      const p = await post(`${url}?t=2`, encodeSio09Payload([{ type: 5, name: "echo", args: [TRICKY] }]));
      assert.ok(isSio09PostOk(p.body, p.status));
    }
    if (r.payloads.length >= 3) break;
  }
  await reader.cancel();
  const r = unwrapSio09Htmlfile(text);
  assert.deepEqual(r.errors, []);
  assert.ok(text.includes("<\\/script>"), "the server escapes forward slashes");
  const decoded = r.payloads.flatMap(packets);
  assert.equal(decoded[0]!.typeName, "connect");
  assert.equal(decoded[1]!.name, "hello");
  assert.deepEqual(decoded[1]!.args, [TRICKY]);
  const echoed = decoded.find((p) => p.name === "echoed");
  assert.deepEqual(echoed?.args, [TRICKY]);
});
