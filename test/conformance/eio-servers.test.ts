// Conformance against real engine.io servers over real HTTP (in-process, ephemeral ports):
// engine.io 1.8.5 (Socket.IO 1.x: XHR2 binary payloads for every poll, double-UTF-8 text
// with b64=1), 3.6.2 (Socket.IO 2.x), 6.6.12 (Socket.IO 4.x, rev 4, JSONP still served).
// We decode what they send and they must receive exactly what we encode.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createRequire } from "node:module";
import { classifyHttpReply, decodeEioPayload, encodeEioPayload, escapeFormPayload, parseEioOpen, type EioPacket } from "../../protocol/engineio/index.ts";
import { isDecodeError, type EioRevision } from "../../protocol/types.ts";

const require = createRequire(import.meta.url);

interface EioSocket {
  id: string;
  send(d: string | Buffer): void;
  on(ev: "message", f: (d: string | Buffer) => void): void;
}
interface EioServer {
  on(ev: "connection", f: (s: EioSocket) => void): void;
  close(): void;
}

const TEXT = "é🎉 \u2028 東 \\n x";
const BIN = [1, 2, 3, 255];

interface Live {
  base: string;
  received: Array<string | Uint8Array>;
  http: Server;
  eio: EioServer;
}

async function start(modulePath: string, opts: Record<string, unknown>): Promise<Live> {
  const engine = require(modulePath) as { attach(h: Server, o: Record<string, unknown>): EioServer };
  const http = createServer();
  const eio = engine.attach(http, { pingInterval: 60000, pingTimeout: 60000, ...opts });
  const received: Array<string | Uint8Array> = [];
  eio.on("connection", (s) => {
    s.send(TEXT);
    s.send(Buffer.from(BIN));
    s.on("message", (d) => received.push(typeof d === "string" ? d : new Uint8Array(d)));
  });
  await new Promise<void>((r) => http.listen(0, "127.0.0.1", r));
  const { port } = http.address() as AddressInfo;
  return { base: `http://127.0.0.1:${port}/engine.io/`, received, http, eio };
}

const lives: Live[] = [];
after(() => {
  for (const l of lives) {
    l.eio.close();
    l.http.closeAllConnections();
    l.http.close();
  }
});

async function get(url: string): Promise<{ status: number; ct: string; body: Uint8Array }> {
  const r = await fetch(url);
  return { status: r.status, ct: r.headers.get("content-type") ?? "", body: new Uint8Array(await r.arrayBuffer()) };
}

/** Handshake, then poll until the two server messages arrived; returns sid and all packets. */
async function session(l: Live, rev: EioRevision, query: string): Promise<{ sid: string; packets: EioPacket[]; nonConformant: Set<string> }> {
  const nonConformant = new Set<string>();
  const decode = (r: { status: number; ct: string; body: Uint8Array }) => {
    assert.equal(classifyHttpReply(r.status, r.ct, r.body, "GET").kind, "payload");
    const jsonp = query.includes("j=");
    const res = decodeEioPayload(rev, r.body, { contentType: r.ct, jsonp });
    assert.deepEqual(res.errors, []);
    if (res.nonConformant) nonConformant.add(res.nonConformant);
    return res.packets;
  };
  const hs = decode(await get(`${l.base}?EIO=${rev}&transport=polling${query}`));
  assert.equal(hs[0]!.type, "open");
  const open = parseEioOpen(hs[0]!.data as string);
  assert.ok(!isDecodeError(open));
  const packets = hs.slice(1);
  for (let i = 0; i < 5 && packets.filter((p) => p.type === "message").length < 2; i++)
    packets.push(...decode(await get(`${l.base}?EIO=${rev}&transport=polling&sid=${open.sid}${query}`)));
  return { sid: open.sid, packets, nonConformant };
}

async function post(l: Live, rev: EioRevision, sid: string, query: string, body: string | Uint8Array, ct: string) {
  const r = await fetch(`${l.base}?EIO=${rev}&transport=polling&sid=${sid}${query}`, { method: "POST", body: typeof body === "string" ? body : Buffer.from(body), headers: { "content-type": ct } });
  const text = await r.text();
  assert.deepEqual(classifyHttpReply(r.status, r.headers.get("content-type") ?? undefined, text, "POST"), { kind: "post-ok" });
}

async function waitFor(l: Live, n: number) {
  for (let i = 0; i < 50 && l.received.length < n; i++) await new Promise((r) => setTimeout(r, 10));
}

const messages = (ps: EioPacket[]) => ps.filter((p) => p.type === "message").map((p) => (p.data instanceof Uint8Array ? Array.from(p.data) : p.data));
const OUT: EioPacket[] = [
  { type: "message", data: "ü🎉\u2029" },
  { type: "message", data: new Uint8Array([9, 8, 7]) },
];

test("engine.io 1.8.5 (SIO 1.x): binary payloads for XHR2, double-UTF-8 text with b64=1, JSONP, errors", async () => {
  const l = await start("engine.io", {});
  lives.push(l);
  // XHR2 client: every poll is the binary form, strings UTF-8 once
  const a = await session(l, 3, "");
  assert.deepEqual(messages(a.packets), [TEXT, BIN]);
  // our POST in the binary form (what a 1.x XHR2 client sends with binary data)
  await post(l, 3, a.sid, "", encodeEioPayload(3, OUT) as Uint8Array, "application/octet-stream");
  await waitFor(l, 2);
  assert.deepEqual(l.received.splice(0).map((d) => (d instanceof Uint8Array ? Array.from(d) : d)), ["ü🎉\u2029", [9, 8, 7]]);
  // b64 client: text payloads, double-UTF-8, lengths in bytes
  const b = await session(l, 3, "&b64=1");
  assert.deepEqual(messages(b.packets), [TEXT, BIN]);
  assert.ok(b.nonConformant.has("double-utf8"));
  await post(l, 3, b.sid, "&b64=1", encodeEioPayload(3, OUT, { supportsBinary: false, doubleUtf8: true }) as string, "text/plain;charset=UTF-8");
  await waitFor(l, 2);
  assert.deepEqual(l.received.splice(0).map((d) => (d instanceof Uint8Array ? Array.from(d) : d)), ["ü🎉\u2029", [9, 8, 7]]);
  // JSONP: ___eio[N]("…") around the double-UTF-8 text payload
  const j = await session(l, 3, "&j=4&b64=1");
  assert.deepEqual(messages(j.packets), [TEXT, BIN]);
  const jb = await session(l, 3, "&j=5");
  assert.deepEqual(messages(jb.packets), [TEXT, BIN]);
  // session errors
  const e = await get(`${l.base}?EIO=3&transport=polling&sid=nope`);
  const c = classifyHttpReply(e.status, e.ct, e.body, "GET");
  assert.equal(c.kind, "eio-error");
  assert.equal((c as { code: number }).code, 1);
  const t = await get(`${l.base}?EIO=3&transport=carrier-pigeon`);
  assert.deepEqual(classifyHttpReply(t.status, t.ct, t.body, "GET"), { kind: "eio-error", code: 0, name: "Transport unknown", message: "Transport unknown", status: 400 });
});

test("engine.io 3.6.2 (SIO 2.x): text payloads with UTF-16 lengths, XHR2 only with binary, JSONP + d= form POST", async () => {
  const l = await start(require.resolve("engine.io", { paths: [require.resolve("sio2")] }), {});
  lives.push(l);
  const a = await session(l, 3, "");
  assert.deepEqual(messages(a.packets), [TEXT, BIN]);
  assert.deepEqual([...a.nonConformant], []);
  await post(l, 3, a.sid, "", encodeEioPayload(3, OUT) as Uint8Array, "application/octet-stream");
  await post(l, 3, a.sid, "", encodeEioPayload(3, [{ type: "message", data: "plain 🎉" }]) as string, "text/plain;charset=UTF-8");
  await waitFor(l, 3);
  assert.deepEqual(l.received.splice(0).map((d) => (d instanceof Uint8Array ? Array.from(d) : d)), ["ü🎉\u2029", [9, 8, 7], "plain 🎉"]);
  const b = await session(l, 3, "&b64=1");
  assert.deepEqual(messages(b.packets), [TEXT, BIN]);
  const j = await session(l, 3, "&j=0&b64=1");
  assert.deepEqual(messages(j.packets), [TEXT, BIN]);
  // JSONP without b64=1: the server JSON-stringifies a binary payload Buffer
  const jb = await session(l, 3, "&j=2");
  assert.deepEqual(messages(jb.packets), [TEXT, BIN]);
  // JSONP POST: form field d, newlines escaped the client's way
  const payload = encodeEioPayload(3, [{ type: "message", data: "line1\nline2 \\n" }, OUT[1]!], { supportsBinary: false }) as string;
  await post(l, 3, j.sid, "&j=0&b64=1", "d=" + encodeURIComponent(escapeFormPayload(payload)), "application/x-www-form-urlencoded");
  await waitFor(l, 2);
  assert.deepEqual(l.received.splice(0).map((d) => (d instanceof Uint8Array ? Array.from(d) : d)), ["line1\nline2 \\n", [9, 8, 7]]);
  const bad = await fetch(`${l.base}?EIO=3&transport=polling`, { method: "PUT" });
  const badText = await bad.text();
  assert.deepEqual(classifyHttpReply(bad.status, bad.headers.get("content-type") ?? undefined, badText, "PUT"), {
    kind: "eio-error",
    code: 2,
    name: "Bad handshake method",
    message: "Bad handshake method",
    status: 400,
  });
});

test("engine.io 6.6.12 (SIO 4.x): rev 4 \\x1e payloads, b<base64>, JSONP, code 5 for EIO=3", async () => {
  const l = await start(require.resolve("engine.io", { paths: [require.resolve("sio4")] }), {});
  lives.push(l);
  const a = await session(l, 4, "");
  assert.deepEqual(messages(a.packets), [TEXT, BIN]);
  await post(l, 4, a.sid, "", encodeEioPayload(4, [...OUT, { type: "message", data: "last" }]) as string, "text/plain;charset=UTF-8");
  await waitFor(l, 3);
  assert.deepEqual(l.received.splice(0).map((d) => (d instanceof Uint8Array ? Array.from(d) : d)), ["ü🎉\u2029", [9, 8, 7], "last"]);
  const j = await session(l, 4, "&j=1&b64=1");
  assert.deepEqual(messages(j.packets), [TEXT, BIN]);
  const v3 = await get(`${l.base}?EIO=3&transport=polling`);
  assert.deepEqual(classifyHttpReply(v3.status, v3.ct, v3.body, "GET"), {
    kind: "eio-error",
    code: 5,
    name: "Unsupported protocol version",
    message: "Unsupported protocol version",
    status: 400,
  });
});
