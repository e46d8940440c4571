// Socket.IO 0.9 packets and `\ufffd` framing: every vector of PROTOCOL.md 12.1 plus the
// quirks of section 2, expectations written by hand from the spec tables.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  decodeSio09Packet,
  decodeSio09Payload,
  decodeSio09PayloadDetailed,
  encodeSio09Packet,
  encodeSio09Payload,
  type Sio09Packet,
} from "../../protocol/sio09/index.ts";
import { isDecodeError, type DecodeError } from "../../protocol/types.ts";

function ok(text: string): Sio09Packet {
  const p = decodeSio09Packet(text);
  if (isDecodeError(p)) assert.fail(`${JSON.stringify(text)} did not decode: ${p.reason}`);
  return p;
}
function bad(text: string): DecodeError {
  const p = decodeSio09Packet(text);
  if (!isDecodeError(p)) assert.fail(`${JSON.stringify(text)} decoded to ${JSON.stringify(p)}`);
  assert.equal(p.layer, "sio09");
  assert.equal(p.raw, text);
  return p;
}

test("12.1 connect / heartbeat / noop / disconnect", () => {
  assert.deepEqual(ok("1::"), { type: 1, typeName: "connect", endpoint: "", qs: "" });
  assert.deepEqual(ok("2::"), { type: 2, typeName: "heartbeat", endpoint: "" });
  assert.deepEqual(ok("8::"), { type: 8, typeName: "noop", endpoint: "" });
  assert.deepEqual(ok("0::/test"), { type: 0, typeName: "disconnect", endpoint: "/test" });
  assert.deepEqual(ok("0::"), { type: 0, typeName: "disconnect", endpoint: "" });
});

test("12.1 message with auto-ack id", () => {
  const p = ok("3:1::blabla");
  assert.equal(p.typeName, "message");
  assert.equal(p.id, "1");
  assert.equal(p.ack, true);
  assert.equal(p.endpoint, "");
  assert.equal(p.data, "blabla");
});

test("12.1 json", () => {
  const p = ok('4:::{"a":"b"}');
  assert.equal(p.typeName, "json");
  assert.deepEqual(p.json, { a: "b" });
  assert.equal(p.data, '{"a":"b"}');
});

test("12.1 event with data ack, and without args", () => {
  const p = ok('5:1+::{"name":"a","args":[1]}');
  assert.equal(p.type, 5);
  assert.equal(p.name, "a");
  assert.deepEqual(p.args, [1]);
  assert.equal(p.id, "1");
  assert.equal(p.ack, "data");
  const q = ok('5:::{"name":"ping"}');
  assert.equal(q.name, "ping");
  assert.deepEqual(q.args, []);
  assert.equal(q.id, undefined);
  assert.equal(q.ack, undefined);
});

test("event on a namespace with id+ (section 2.2 example)", () => {
  const p = ok('5:1+:/chat:{"name":"msg","args":[1]}');
  assert.equal(p.endpoint, "/chat");
  assert.equal(p.name, "msg");
  assert.deepEqual(p.args, [1]);
  assert.equal(p.ack, "data");
});

test("12.1 acks", () => {
  const a = ok('6:::4+["A","B"]');
  assert.equal(a.typeName, "ack");
  assert.equal(a.ackId, "4");
  assert.deepEqual(a.args, ["A", "B"]);
  const b = ok("6:::4");
  assert.equal(b.ackId, "4");
  assert.deepEqual(b.args, []);
  const c = ok('6::/chat:1+["ok"]');
  assert.equal(c.endpoint, "/chat");
  assert.equal(c.ackId, "1");
  assert.deepEqual(c.args, ["ok"]);
});

test("12.1 error reason and advice, /chat:2 and the `undefined` quirk", () => {
  const e = ok("7:::1+0");
  assert.equal(e.typeName, "error");
  assert.equal(e.reason, "client not handshaken");
  assert.equal(e.advice, "reconnect");
  assert.equal(e.reasonCode, "1");
  assert.equal(e.adviceCode, "0");
  const u = ok("7::/chat:2");
  assert.equal(u.endpoint, "/chat");
  assert.equal(u.reason, "unauthorized");
  assert.equal(u.advice, undefined);
  assert.equal(ok("7:::0").reason, "transport not supported");
  const q = ok("7::/chat:undefined");
  assert.equal(q.endpoint, "/chat");
  assert.equal(q.reason, "undefined");
  assert.equal(q.reasonCode, "undefined");
  const none = ok("7::");
  assert.equal(none.reason, undefined);
  assert.equal(none.advice, undefined);
});

test("12.1 connect query string, and the regex quirk without ':'", () => {
  const a = ok("1::/test:?my=param");
  assert.equal(a.endpoint, "/test");
  assert.equal(a.qs, "?my=param");
  const b = ok("1::/test?my=param");
  assert.equal(b.endpoint, "/test?my=param");
  assert.equal(b.qs, "");
});

test("12.1 data may contain ':'", () => {
  assert.equal(ok("3:::a:b:c").data, "a:b:c");
  assert.equal(ok("3::/x:a:b").data, "a:b");
  assert.equal(ok("3::/x:a:b").endpoint, "/x");
  assert.equal(ok("3::").data, "");
  assert.equal(ok("3:::").data, "");
});

test("12.1 framed payload with UTF-16 lengths", () => {
  const items = decodeSio09Payload('\ufffd3\ufffd1::\ufffd16\ufffd5:::{"name":"é"}');
  assert.equal(items.length, 2);
  const [a, b] = items as [Sio09Packet, Sio09Packet];
  assert.equal(a.typeName, "connect");
  assert.equal(b.typeName, "event");
  assert.equal(b.name, "é");
});

test("framing counts surrogate pairs as 2 units", () => {
  // '3:::🎉' is 6 UTF-16 units (5 code points)
  const items = decodeSio09Payload("\ufffd6\ufffd3:::🎉\ufffd3\ufffd2::");
  assert.deepEqual(
    items.map((p) => (isDecodeError(p) ? "err" : p.data ?? p.typeName)),
    ["🎉", "heartbeat"],
  );
});

test("single packet is unframed; empty body has no packets", () => {
  assert.equal(decodeSio09Payload("2::").length, 1);
  assert.deepEqual(decodeSio09Payload(""), []);
});

test("non-conformant code-point lengths are decoded and flagged", () => {
  // a server that counted code points wrote 5 for '3:::🎉'
  const r = decodeSio09PayloadDetailed("\ufffd5\ufffd3:::🎉\ufffd3\ufffd2::");
  assert.equal(r.nonConformant, "codepoint-lengths");
  assert.equal((r.items[0] as Sio09Packet).data, "🎉");
  assert.equal((r.items[1] as Sio09Packet).typeName, "heartbeat");
});

test("non-conformant UTF-8 byte lengths are decoded and flagged", () => {
  // '3:::é' is 6 UTF-8 bytes, 5 UTF-16 units
  const r = decodeSio09PayloadDetailed("\ufffd6\ufffd3:::é\ufffd3\ufffd8::");
  assert.equal(r.nonConformant, "utf8-byte-lengths");
  assert.equal((r.items[0] as Sio09Packet).data, "é");
  assert.equal((r.items[1] as Sio09Packet).typeName, "noop");
});

test("broken framing yields errors and decoding resumes at the next frame", () => {
  const items = decodeSio09Payload("\ufffdx\ufffd1::\ufffd3\ufffd2::");
  assert.equal(items.length, 2);
  assert.ok(isDecodeError(items[0]));
  assert.equal((items[1] as Sio09Packet).typeName, "heartbeat");
  const long = decodeSio09Payload("\ufffd3\ufffd1::\ufffd99\ufffd2::");
  assert.equal((long[0] as Sio09Packet).typeName, "connect");
  assert.ok(isDecodeError(long[1]));
  assert.match((long[1] as DecodeError).reason, /exceeds/);
  const garbage = decodeSio09Payload("\ufffd3\ufffd1::junk");
  assert.equal((garbage[0] as Sio09Packet).typeName, "connect");
  assert.ok(isDecodeError(garbage[1]));
  assert.equal((garbage[1] as DecodeError).raw, "junk");
  // a bad packet inside good framing is one error among good packets
  const inner = decodeSio09Payload("\ufffd3\ufffd9::\ufffd3\ufffd2::");
  assert.ok(isDecodeError(inner[0]));
  assert.equal((inner[1] as Sio09Packet).typeName, "heartbeat");
});

test("malformed packets are DecodeErrors with offsets", () => {
  assert.equal(bad("").offset, 0);
  assert.equal(bad("9::").offset, 0);
  assert.equal(bad("x::").offset, 0);
  assert.equal(bad("10::").offset, 1);
  assert.equal(bad("1").offset, 1);
  assert.equal(bad("1:").offset, 2);
  assert.equal(bad("5:ab:").offset, 2);
  assert.equal(bad("5:::{").offset, 4);
  bad("5:::[1]");
  bad('5:::{"args":[1]}');
  bad('5:::{"name":"a","args":5}');
  bad("4:::nope");
  assert.equal(bad("6:::x").offset, 4);
  assert.equal(bad("6:::4x").offset, 5);
  bad("6:::4+{");
  bad('6:::4+{"a":1}');
});

test("encoder: the forms of section 2.2", () => {
  assert.equal(encodeSio09Packet({ type: 0 }), "0::");
  assert.equal(encodeSio09Packet({ type: 1, endpoint: "/test", qs: "?my=param" }), "1::/test:?my=param");
  assert.equal(encodeSio09Packet({ type: 2 }), "2::");
  assert.equal(encodeSio09Packet({ type: 3, id: 1, ack: true, data: "blabla" }), "3:1::blabla");
  assert.equal(encodeSio09Packet({ type: 3, data: "" }), "3::");
  assert.equal(encodeSio09Packet({ type: 4, json: { a: "b" } }), '4:::{"a":"b"}');
  assert.equal(encodeSio09Packet({ type: 5, name: "hello", args: ["world"] }), '5:::{"name":"hello","args":["world"]}');
  assert.equal(encodeSio09Packet({ type: 5, name: "ping", args: [] }), '5:::{"name":"ping"}');
  assert.equal(encodeSio09Packet({ type: 5, id: "1", ack: "data", endpoint: "/chat", name: "msg", args: [1] }), '5:1+:/chat:{"name":"msg","args":[1]}');
  assert.equal(encodeSio09Packet({ type: 6, ackId: "4", args: ["A", "B"] }), '6:::4+["A","B"]');
  assert.equal(encodeSio09Packet({ type: 6, ackId: 4 }), "6:::4");
  assert.equal(encodeSio09Packet({ type: 7, reason: "client not handshaken", advice: "reconnect" }), "7:::1+0");
  assert.equal(encodeSio09Packet({ type: 7, endpoint: "/chat", reason: "unauthorized" }), "7::/chat:2");
  assert.equal(encodeSio09Packet({ type: 7, endpoint: "/chat", reason: "my custom error" }), "7::/chat:undefined");
  assert.equal(encodeSio09Packet({ type: 8 }), "8::");
});

test("payload encoder frames with UTF-16 lengths", () => {
  assert.equal(encodeSio09Payload(["1::"]), "1::");
  assert.equal(encodeSio09Payload([]), "");
  assert.equal(encodeSio09Payload([{ type: 1 }, { type: 5, name: "é" }]), '\ufffd3\ufffd1::\ufffd16\ufffd5:::{"name":"é"}');
  assert.equal(encodeSio09Payload(["3:::🎉", "2::"]), "\ufffd6\ufffd3:::🎉\ufffd3\ufffd2::");
});
