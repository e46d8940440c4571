// Encoders and the recovery-offset helper; expected outputs written by hand.
import { test } from "node:test";
import assert from "node:assert/strict";
import { decodeSioString, encodeSioPacket, splitRecoveryOffset, type SioPacket } from "../../protocol/socketio/index.ts";

const b = (...xs: number[]) => Uint8Array.from(xs);

test("default parser: text packets (PROTOCOL.md 13)", () => {
  assert.deepEqual(encodeSioPacket(5, { type: 0, nsp: "/" }), ["0"]);
  assert.deepEqual(encodeSioPacket(5, { type: 0, nsp: "/admin", data: { token: "abc" } }), ['0/admin,{"token":"abc"}']);
  assert.deepEqual(encodeSioPacket(4, { type: 0, nsp: "/admin?token=1234" }), ["0/admin?token=1234,"]);
  assert.deepEqual(encodeSioPacket(5, { type: 1, nsp: "/admin" }), ["1/admin,"]);
  assert.deepEqual(encodeSioPacket(5, { type: 2, nsp: "/admin", id: 456, data: ["project:delete", 123] }), ['2/admin,456["project:delete",123]']);
  assert.deepEqual(encodeSioPacket(5, { type: 3, nsp: "/", id: 0, data: [] }), ["30[]"]);
  assert.deepEqual(encodeSioPacket(4, { type: 4, nsp: "/", data: "Invalid namespace" }), ['4"Invalid namespace"']);
  assert.deepEqual(encodeSioPacket(5, { type: 4, nsp: "/random", data: { message: "Invalid namespace" } }), ['4/random,{"message":"Invalid namespace"}']);
  assert.deepEqual(encodeSioPacket(5, { type: 2, nsp: "/", data: ["e", "\u2028\x1e"] }), ['2["e","\u2028\\u001e"]']);
});

test("default parser: binary → placeholders, header first (PROTOCOL.md 7.3 verified row)", () => {
  assert.deepEqual(encodeSioPacket(5, { type: 2, nsp: "/", data: ["x", { a: b(1), b: [b(2)] }] }), [
    '52-["x",{"a":{"_placeholder":true,"num":0},"b":[{"_placeholder":true,"num":1}]}]',
    b(1),
    b(2),
  ]);
  assert.deepEqual(encodeSioPacket(4, { type: 3, nsp: "/admin", id: 456, data: [new Uint8Array([3, 2, 1]).buffer] }), [
    '61-/admin,456[{"_placeholder":true,"num":0}]',
    b(3, 2, 1),
  ]);
  // typed arrays other than Uint8Array become their bytes
  const out = encodeSioPacket(5, { type: 2, nsp: "/", data: ["u16", new Uint16Array([1])] });
  assert.equal(out.length, 2);
  assert.equal(out[1]!.constructor, Uint8Array);
  assert.equal((out[1] as Uint8Array).length, 2);
  // BINARY_EVENT without binary is sent as EVENT
  assert.deepEqual(encodeSioPacket(5, { type: 5, nsp: "/", data: ["x"] }), ['2["x"]']);
});

test("msgpack 3.x: PROTOCOL.md 8.1 verified bytes; 2.x text for CONNECT/DISCONNECT/ERROR", () => {
  assert.deepEqual(encodeSioPacket(5, { type: 2, nsp: "/", data: ["hello", "you"] }, "msgpack"), [
    b(0x83, 0xa4, 0x74, 0x79, 0x70, 0x65, 0x02, 0xa3, 0x6e, 0x73, 0x70, 0xa1, 0x2f, 0xa4, 0x64, 0x61, 0x74, 0x61, 0x92, 0xa5, 0x68, 0x65, 0x6c, 0x6c, 0x6f, 0xa3, 0x79, 0x6f, 0x75),
  ]);
  // undefined inside data → fixext1 type 0 (d4 00 00), bytes stay bin8
  assert.deepEqual(encodeSioPacket(5, { type: 2, nsp: "/", data: [undefined, b(7)] }, "msgpack"), [
    b(0x83, 0xa4, 0x74, 0x79, 0x70, 0x65, 0x02, 0xa3, 0x6e, 0x73, 0x70, 0xa1, 0x2f, 0xa4, 0x64, 0x61, 0x74, 0x61, 0x92, 0xd4, 0x00, 0x00, 0xc4, 0x01, 0x07),
  ]);
  assert.deepEqual(encodeSioPacket(4, { type: 0, nsp: "/" }, "msgpack"), ['{"type":0,"nsp":"/"}']);
  assert.deepEqual(encodeSioPacket(4, { type: 4, nsp: "/", data: "no" }, "msgpack"), ['{"type":4,"nsp":"/","data":"no"}']);
  assert.ok(encodeSioPacket(4, { type: 2, nsp: "/", data: ["a"] }, "msgpack")[0] instanceof Uint8Array);
});

test("JSON parser", () => {
  assert.deepEqual(encodeSioPacket(5, { type: 2, nsp: "/", data: ["hello", "you"] }, "json"), ['{"type":2,"nsp":"/","data":["hello","you"]}']);
});

test("splitRecoveryOffset (PROTOCOL.md 7.6 `42[\"chat\",\"hello\",\"MzUPkW0\"]`)", () => {
  assert.deepEqual(splitRecoveryOffset(["chat", "hi", "MzUPkW0"]), { args: ["chat", "hi"], offset: "MzUPkW0" });
  assert.deepEqual(splitRecoveryOffset(["chat", "1700000000000-0"]), { args: ["chat"], offset: "1700000000000-0" });
  assert.deepEqual(splitRecoveryOffset(["chat", 1]), { args: ["chat", 1], offset: null });
  assert.deepEqual(splitRecoveryOffset(["chat"]), { args: ["chat"], offset: null });
  assert.deepEqual(splitRecoveryOffset([]), { args: [], offset: null });
});

test("12.4 recovery vector: wire `42[\"chat\",\"hi\",\"MzUPkW0\"]` → EVENT chat, args [\"hi\"], offset", () => {
  const p = decodeSioString(5, '2["chat","hi","MzUPkW0"]') as SioPacket;
  assert.deepEqual(p, { type: 2, nsp: "/", data: ["chat", "hi", "MzUPkW0"] }); // the packet layer does not strip it
  const { args, offset } = splitRecoveryOffset(p.data as unknown[]);
  assert.deepEqual(args.slice(1), ["hi"]);
  assert.equal(args[0], "chat");
  assert.equal(offset, "MzUPkW0");
});
