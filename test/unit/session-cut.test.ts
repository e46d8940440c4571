// Payloads the capture cut short (CaptureData.truncated: the extension keeps a frame or body
// over 1 MiB as its first 64 KiB): the model reads what their start says (an event's name, ack
// id and namespace; a cut attachment's first bytes), counts their whole size, and says once, as
// information, that they were cut, instead of reporting the app's traffic as undecodable.
import { test } from "node:test";
import assert from "node:assert/strict";
import { SessionModel } from "../../protocol/session/index.ts";
import { bytesToBase64, type CaptureData, type CaptureEvent } from "../../protocol/capture.ts";

const open = (maxPayload = 100_000_000) => `0{"sid":"S1","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":${maxPayload}}`;
const OPEN = open();

function wsSession(first = OPEN): { m: SessionModel; frame(dir: "in" | "out", data: CaptureData): void } {
  const m = new SessionModel();
  let ts = 1000;
  const ev = (e: Record<string, unknown>) => m.apply({ v: 1, ts: ts++, conn: "w1", ...e } as unknown as CaptureEvent);
  ev({ type: "ws-open", url: "ws://127.0.0.1:1/socket.io/?EIO=4&transport=websocket" });
  ev({ type: "ws-opened" });
  const frame = (dir: "in" | "out", data: CaptureData) => ev({ type: "ws-frame", dir, data });
  frame("in", { text: first });
  frame("out", { text: "40" });
  frame("in", { text: '40{"sid":"n1"}' });
  return { m, frame };
}

const events = (m: SessionModel) => m.sessions[0]!.namespaces.get("/")!.events;
const codes = (m: SessionModel) => m.diagnostics.map((d) => `${d.code}/${d.severity}`);

test("a cut text event keeps its name, ack id and whole size; its ack pairs with it; one note says it was cut", () => {
  const { m, frame } = wsSession(open(1_000_000));
  const head = '4217["upload",{"name":"big.bin","data":"' + "x".repeat(65536 - 40);
  frame("out", { text: head, truncated: 5_000_000 });
  frame("in", { text: "4317[true]" });
  frame("out", { text: '42["after",1]' });
  const [upload, after] = events(m);
  assert.equal(upload!.name, "upload");
  assert.equal(upload!.ackId, 17);
  assert.deepEqual(upload!.args, []);
  assert.equal(upload!.cut, 5_000_000);
  assert.deepEqual(upload!.ack?.args, [true]);
  assert.equal(upload!.ack?.cut, null);
  assert.deepEqual([after!.name, after!.args, after!.cut], ["after", [1], null]);
  // counted whole: the frame was over maxPayload, which is the app's problem, and said so
  assert.deepEqual(codes(m), ["payload-too-large/error", "capture-cut/info"]);
  assert.equal(m.diagnostics[0]!.message, "WebSocket frame of 5000000 bytes is over maxPayload 1000000");
  assert.equal(m.diagnostics[1]!.message, `sent WebSocket frame of 5000000 characters: the capture kept its first ${head.length}`);
  const t = m.sessions[0]!.transports[0]!;
  assert.equal(t.bytesOut, 2 + 5_000_000 + 13);
  assert.equal(m.sessions[0]!.state, "open");
});

test("a cut binary attachment is put in place as its first bytes; the event is marked cut", () => {
  const { m, frame } = wsSession();
  frame("out", { text: '451-["file",{"_placeholder":true,"num":0},"meta"]' });
  const head = new Uint8Array(65536).map((_, i) => i & 255);
  frame("out", { base64: bytesToBase64(head), truncated: 3_000_000 });
  frame("in", { text: '42["next"]' });
  const [file, next] = events(m);
  assert.equal(file!.name, "file");
  assert.equal(file!.cut, 3_000_000);
  assert.equal(file!.binary, true);
  assert.deepEqual(file!.args[0], head);
  assert.equal(file!.args[1], "meta");
  assert.equal(next!.name, "next");
  assert.deepEqual(codes(m), ["capture-cut/info"]);
  assert.match(m.diagnostics[0]!.message, /^sent WebSocket frame of 3000000 bytes: the capture kept its first 65536$/);
});

test("a cut binary header still consumes its attachments, and the stream decodes on after it", () => {
  const { m, frame } = wsSession();
  frame("in", { text: '452-9["file",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1},"' + "y".repeat(70000), truncated: 2_000_000 });
  frame("in", { base64: "AQID" });
  frame("in", { base64: "BAUG" });
  frame("in", { text: '42["next",2]' });
  const [file, next] = events(m);
  assert.deepEqual([file!.name, file!.ackId, file!.args, file!.cut, file!.dir], ["file", 9, [], 2_000_000, "in"]);
  assert.deepEqual([next!.name, next!.args, next!.cut], ["next", [2], null]);
  assert.deepEqual(codes(m), ["capture-cut/info"]);
});

test("a packet cut before its event name ends is noted, not reported as undecodable, and the socket goes on", () => {
  const { m, frame } = wsSession();
  frame("out", { text: '42["' + "n".repeat(100), truncated: 2_000_000 });
  frame("out", { text: '42["ok"]' });
  assert.deepEqual(events(m).map((e) => e.name), ["ok"]);
  assert.deepEqual(codes(m), ["capture-cut/info"]);
  assert.match(m.diagnostics[0]!.message, /kept its first 104: sio: the capture cut this packet before its event name$/);
  assert.equal(m.sessions[0]!.state, "open");
});

test("a cut long-polling body: the packets before the cut are whole, the last one is cut", () => {
  const m = new SessionModel();
  let ts = 1000;
  const ev = (e: Record<string, unknown>) => m.apply({ v: 1, ts: ts++, ...e } as unknown as CaptureEvent);
  const url = "http://127.0.0.1:1/socket.io/?EIO=4&transport=polling";
  ev({ type: "http-request", conn: "h1", method: "GET", url });
  ev({ type: "http-response", conn: "h1", status: 200, contentType: "text/plain", body: { text: OPEN } });
  ev({ type: "http-request", conn: "h2", method: "POST", url: url + "&sid=S1", body: { text: "40" } });
  ev({ type: "http-response", conn: "h2", status: 200, body: { text: "ok" } });
  ev({ type: "http-request", conn: "h3", method: "GET", url: url + "&sid=S1" });
  ev({ type: "http-response", conn: "h3", status: 200, body: { text: '40{"sid":"n1"}' } });
  const body = '42["a",1]\x1e421["b","' + "z".repeat(1000);
  ev({ type: "http-request", conn: "h4", method: "POST", url: url + "&sid=S1", body: { text: body, truncated: 1_500_000 } });
  ev({ type: "http-response", conn: "h4", status: 200, body: { text: "ok" } });
  const es = events(m);
  assert.deepEqual(es.map((e) => [e.name, e.args, e.ackId, e.cut]), [["a", [1], null, null], ["b", [], 1, 1_500_000]]);
  assert.equal(m.diagnostics.filter((d) => d.code === "capture-cut").length, 1);
  assert.match(m.diagnostics.find((d) => d.code === "capture-cut")!.message, /^POST body of 1500000 characters: the capture kept its first 1019; packets after that are not seen$/);
  assert.equal(m.diagnostics.some((d) => d.severity === "error" && d.code === "undecodable-frame"), false);
});

test("a `truncated` that is no length longer than what was kept is ignored: the frame is read as whole", () => {
  const { m, frame } = wsSession();
  for (const truncated of [3, -1, 1.5, "9999", null]) frame("out", { text: '42["x",1]', truncated } as unknown as CaptureData);
  assert.deepEqual(events(m).map((e) => [e.name, e.args, e.cut]), Array(5).fill(["x", [1], null]));
  assert.deepEqual(codes(m), []);
});

test("a cut msgpack frame is noted as cut, not as a parse error that would explain the socket's close", () => {
  const m = new SessionModel();
  let ts = 1000;
  const ev = (e: Record<string, unknown>) => m.apply({ v: 1, ts: ts++, conn: "w1", ...e } as unknown as CaptureEvent);
  ev({ type: "ws-open", url: "ws://127.0.0.1:1/socket.io/?EIO=4&transport=websocket" });
  ev({ type: "ws-frame", dir: "in", data: { text: OPEN } });
  // a msgpack map {type: 2, data: ["big", <bin 8 of 100000>], nsp: "/"}, cut inside its bin
  const head = new Uint8Array([0x83, 0xa4, 0x74, 0x79, 0x70, 0x65, 0x02, 0xa4, 0x64, 0x61, 0x74, 0x61, 0x92, 0xa3, 0x62, 0x69, 0x67, 0xc6, 0x00, 0x01, 0x86, 0xa0, 1, 2, 3]);
  ev({ type: "ws-frame", dir: "in", data: { base64: bytesToBase64(head), truncated: 100_032 } });
  ev({ type: "ws-close", code: 1006, wasClean: false });
  assert.deepEqual(codes(m), ["capture-cut/info"]);
  assert.notEqual(m.sessions[0]!.closeReason?.kind, "parse-error");
});

test("Engine.IO 3 (socket.io 1.x/2.x) long-polling: a cut body's last length-prefixed packet is read as far as it goes", () => {
  const m = new SessionModel();
  let ts = 1000;
  const ev = (e: Record<string, unknown>) => m.apply({ v: 1, ts: ts++, ...e } as unknown as CaptureEvent);
  const url = "http://127.0.0.1:1/socket.io/?EIO=3&transport=polling";
  const open3 = '0{"sid":"S3","upgrades":[],"pingInterval":25000,"pingTimeout":5000}';
  ev({ type: "http-request", conn: "h1", method: "GET", url });
  ev({ type: "http-response", conn: "h1", status: 200, contentType: "text/plain; charset=UTF-8", body: { text: `${open3.length}:${open3}2:40` } });
  const big = '425["big","' + "x".repeat(2_000_000) + '"]';
  const body = `9:42["a",1]${big.length}:${big}`;
  ev({ type: "http-request", conn: "h2", method: "POST", url: url + "&sid=S3", contentType: "text/plain;charset=UTF-8", body: { text: body.slice(0, 65536), truncated: body.length } });
  ev({ type: "http-response", conn: "h2", status: 200, body: { text: "ok" } });
  ev({ type: "http-request", conn: "h3", method: "GET", url: url + "&sid=S3" });
  ev({ type: "http-response", conn: "h3", status: 200, body: { text: '6:435[1]' } });
  const es = events(m);
  assert.deepEqual(es.map((e) => [e.name, e.args, e.ackId, e.cut, e.ack?.args]), [["a", [1], null, null, undefined], ["big", [], 5, body.length, [1]]]);
  assert.deepEqual(codes(m), ["capture-cut/info"]);
});

test("Socket.IO 0.9: a cut event keeps its name and ack id, in a WebSocket frame of one packet and in a framed one", () => {
  const m = new SessionModel();
  let ts = 1000;
  const ev = (e: Record<string, unknown>) => m.apply({ v: 1, ts: ts++, ...e } as unknown as CaptureEvent);
  ev({ type: "http-request", conn: "h1", method: "GET", url: "http://127.0.0.1:1/socket.io/1/?t=1" });
  ev({ type: "http-response", conn: "h1", status: 200, body: { text: "SID9:60:60:websocket,xhr-polling" } });
  ev({ type: "ws-open", conn: "w1", url: "ws://127.0.0.1:1/socket.io/1/websocket/SID9" });
  ev({ type: "ws-opened", conn: "w1" });
  ev({ type: "ws-frame", conn: "w1", dir: "in", data: { text: "1::" } });
  const head = '5:7+::{"name":"big","args":["' + "y".repeat(1000);
  ev({ type: "ws-frame", conn: "w1", dir: "out", data: { text: head, truncated: 3_000_000 } });
  ev({ type: "ws-frame", conn: "w1", dir: "in", data: { text: "6:::7+[true]" } });
  ev({ type: "ws-frame", conn: "w1", dir: "in", data: { text: `\ufffd9\ufffd3:::hello\ufffd2000000\ufffd5:::{"name":"huge","args":["zzz` } });
  const evs = m.sessions[0]!.namespaces.get("/")!.events;
  const view = () => evs.map((e) => [e.dir, e.name, e.args, e.ackId, e.cut, e.ack?.args ?? null]);
  // the framed frame was whole (no truncated): its bad last packet is the app's problem
  assert.deepEqual(view(), [["out", "big", [], 7, 3_000_000, [true]], ["in", "message", ["hello"], null, null, null]]);
  assert.deepEqual(codes(m), ["capture-cut/info", "undecodable-frame/error"]);
  // the same frame cut: the packet before the cut whole, the last one cut
  const frame = `\ufffd9\ufffd3:::hello\ufffd2000000\ufffd5:::{"name":"huge","args":["zzz`;
  ev({ type: "ws-frame", conn: "w1", dir: "in", data: { text: frame, truncated: 2_000_020 } });
  assert.deepEqual(view().slice(2), [["in", "message", ["hello"], null, null, null], ["in", "huge", [], null, 2_000_020, null]]);
  assert.deepEqual(codes(m), ["capture-cut/info", "undecodable-frame/error", "capture-cut/info"]);
});
