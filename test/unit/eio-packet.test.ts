// Engine.IO single packets (WebSocket frames) and the open packet: PROTOCOL.md 3, 3.1, 4.2,
// 5 and the WS rows of the golden vectors 12.2 / 12.3. Expected values written by hand.
import { test } from "node:test";
import assert from "node:assert/strict";
import { decodeEioPacket, parseEioOpen } from "../../protocol/engineio/index.ts";
import { base64Decode, base64Encode } from "../../protocol/engineio/base64.ts";
import { isDecodeError, type DecodeError } from "../../protocol/types.ts";

const u8 = (...b: number[]) => new Uint8Array(b);

function err(x: unknown): DecodeError {
  assert.ok(isDecodeError(x), `expected a DecodeError, got ${JSON.stringify(x)}`);
  return x;
}

test("text packets of every type, both revisions", () => {
  for (const rev of [3, 4] as const) {
    assert.deepEqual(decodeEioPacket(rev, "0"), { type: "open" });
    assert.deepEqual(decodeEioPacket(rev, "1"), { type: "close" });
    assert.deepEqual(decodeEioPacket(rev, "2"), { type: "ping" });
    assert.deepEqual(decodeEioPacket(rev, "3"), { type: "pong" });
    assert.deepEqual(decodeEioPacket(rev, "4hello"), { type: "message", data: "hello" });
    assert.deepEqual(decodeEioPacket(rev, "5"), { type: "upgrade" });
    assert.deepEqual(decodeEioPacket(rev, "6"), { type: "noop" });
    assert.deepEqual(decodeEioPacket(rev, "2probe"), { type: "ping", data: "probe" });
    assert.deepEqual(decodeEioPacket(rev, "3probe"), { type: "pong", data: "probe" });
    assert.deepEqual(decodeEioPacket(rev, '42["hey","Jude"]'), { type: "message", data: '2["hey","Jude"]' });
    assert.deepEqual(decodeEioPacket(rev, "4🎉\u2028\ud800"), { type: "message", data: "🎉\u2028\ud800" });
  }
});

test("rev 3 binary WS frame: first byte is the raw type (12.2 `04 01 02 03`)", () => {
  assert.deepEqual(decodeEioPacket(3, u8(4, 1, 2, 3)), { type: "message", data: u8(1, 2, 3) });
  assert.deepEqual(decodeEioPacket(3, u8(4)), { type: "message", data: u8() });
  assert.deepEqual(decodeEioPacket(3, u8(2, 9)), { type: "ping", data: u8(9) });
  const e = err(decodeEioPacket(3, u8(7, 1)));
  assert.equal(e.offset, 0);
  assert.equal(e.layer, "eio");
  assert.deepEqual(e.raw, u8(7, 1));
  err(decodeEioPacket(3, u8()));
});

test("rev 4 binary WS frame is the message data, no type byte (12.3 `01 02 03`)", () => {
  assert.deepEqual(decodeEioPacket(4, u8(1, 2, 3)), { type: "message", data: u8(1, 2, 3) });
  assert.deepEqual(decodeEioPacket(4, u8(4, 1, 2, 3)), { type: "message", data: u8(4, 1, 2, 3) });
  assert.deepEqual(decodeEioPacket(4, u8()), { type: "message", data: u8() });
});

test("base64 text forms: rev 3 `b4AQID`, rev 4 `bAQID`", () => {
  assert.deepEqual(decodeEioPacket(3, "b4AQID"), { type: "message", data: u8(1, 2, 3) });
  assert.deepEqual(decodeEioPacket(4, "bAQID"), { type: "message", data: u8(1, 2, 3) });
  assert.deepEqual(decodeEioPacket(3, "b4AQIDBA=="), { type: "message", data: u8(1, 2, 3, 4) });
  assert.deepEqual(decodeEioPacket(4, "bAQIDBA=="), { type: "message", data: u8(1, 2, 3, 4) });
  assert.deepEqual(decodeEioPacket(4, "bAQIDBA"), { type: "message", data: u8(1, 2, 3, 4) }, "missing padding tolerated (as Buffer does)");
  assert.deepEqual(decodeEioPacket(4, "b-_8"), { type: "message", data: u8(0xfb, 0xff) }, "base64url alphabet tolerated");
  assert.deepEqual(decodeEioPacket(4, "b"), { type: "message", data: u8() });
  assert.deepEqual(decodeEioPacket(3, "b4"), { type: "message", data: u8() });
  assert.deepEqual(decodeEioPacket(3, "b2AQID"), { type: "ping", data: u8(1, 2, 3) });
  // rev 3 needs the type digit
  assert.equal(err(decodeEioPacket(3, "bAQID")).offset, 1);
  assert.equal(err(decodeEioPacket(3, "b")).offset, 1);
  assert.equal(err(decodeEioPacket(3, "b9AQID")).offset, 1);
  // invalid base64 char
  assert.equal(err(decodeEioPacket(4, "bAQ!D")).offset, 3);
  assert.equal(err(decodeEioPacket(3, "b4AQ D")).offset, 4);
  err(decodeEioPacket(4, "bA")); // 1 char of a quantum cannot be data
});

test("invalid text packets are DecodeErrors with offset 0 and the raw frame (12.3 `{`, `a123`, empty)", () => {
  for (const rev of [3, 4] as const) {
    for (const f of ["", "{", "a123", "7", "9x", " 4", "\u00004"]) {
      const e = err(decodeEioPacket(rev, f));
      assert.equal(e.offset, 0);
      assert.equal(e.raw, f);
      assert.equal(e.kind, "decode-error");
    }
  }
});

test("Node Buffers in, plain Uint8Arrays out", () => {
  const p = decodeEioPacket(3, Buffer.from([4, 1, 2]));
  assert.ok(!isDecodeError(p));
  assert.equal(Object.getPrototypeOf(p.data), Uint8Array.prototype);
  assert.deepEqual(p.data, u8(1, 2));
  const q = decodeEioPacket(4, Buffer.from([9]));
  assert.ok(!isDecodeError(q));
  assert.equal(Object.getPrototypeOf(q.data), Uint8Array.prototype);
});

test("garbage never throws", () => {
  for (const f of [null, undefined, 42, {}, [], new ArrayBuffer(2)] as unknown[]) {
    for (const rev of [3, 4] as const) assert.ok(isDecodeError(decodeEioPacket(rev, f as string)));
  }
});

test("parseEioOpen: verified open packet (12.3) and tolerance", () => {
  const o = parseEioOpen('{"sid":"lv_VI97HAXpY6yYWAAAC","upgrades":["websocket"],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}');
  assert.deepEqual(o, { sid: "lv_VI97HAXpY6yYWAAAC", upgrades: ["websocket"], pingInterval: 25000, pingTimeout: 20000, maxPayload: 1000000, extra: {} });
  const rev3 = parseEioOpen('{"sid":"abc","upgrades":[],"pingInterval":25000,"pingTimeout":5000,"custom":{"x":1},"__proto__":{"polluted":true}}');
  assert.ok(!isDecodeError(rev3));
  assert.equal(rev3.maxPayload, null);
  assert.deepEqual(rev3.upgrades, []);
  assert.deepEqual(rev3.extra.custom, { x: 1 });
  assert.deepEqual(Object.keys(rev3.extra), ["custom", "__proto__"]);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.equal(Object.getPrototypeOf(rev3.extra), Object.prototype);
  // WebTransport client open for an upgrade: only the sid
  assert.deepEqual(parseEioOpen('{"sid":"abc"}'), { sid: "abc", upgrades: [], pingInterval: null, pingTimeout: null, maxPayload: null, extra: {} });
  // rev 1/2 style: no pingInterval; odd field types become null / filtered
  assert.deepEqual(parseEioOpen('{"sid":"s","upgrades":["websocket",3],"pingTimeout":"60000"}'), {
    sid: "s",
    upgrades: ["websocket"],
    pingInterval: null,
    pingTimeout: null,
    maxPayload: null,
    extra: {},
  });
});

test("parseEioOpen errors: non-JSON, non-object, missing or non-string sid", () => {
  for (const d of ["", "{", "[]", "null", '"sid"', "42", "{}", '{"sid":1}', '{"upgrades":[]}', "{'sid':'a'}"]) {
    const e = err(parseEioOpen(d));
    assert.equal(e.raw, d);
    assert.equal(e.layer, "eio");
  }
  assert.ok(isDecodeError(parseEioOpen(undefined as unknown as string)));
});

test("base64 round trip at every length 0..40 and the encoder's padding", () => {
  assert.equal(base64Encode(u8(1, 2, 3)), "AQID");
  assert.equal(base64Encode(u8(1, 2, 3, 4)), "AQIDBA==");
  assert.equal(base64Encode(u8(1, 2, 3, 4, 5)), "AQIDBAU=");
  assert.equal(base64Encode(u8()), "");
  for (let n = 0; n <= 40; n++) {
    const b = new Uint8Array(n).map((_, i) => (i * 37 + 250) & 0xff);
    assert.deepEqual(base64Decode(base64Encode(b)), b);
  }
});
