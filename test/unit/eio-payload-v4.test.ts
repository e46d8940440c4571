// Engine.IO rev 4 polling payloads (PROTOCOL.md 5, golden vectors 12.3).
import { test } from "node:test";
import assert from "node:assert/strict";
import { decodeEioPayload } from "../../protocol/engineio/index.ts";
import { isDecodeError } from "../../protocol/types.ts";

const u8 = (...b: number[]) => new Uint8Array(b);

test("12.3 golden payloads", () => {
  const open = '0{"sid":"lv_VI97HAXpY6yYWAAAC","upgrades":["websocket"],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}';
  assert.deepEqual(decodeEioPayload(4, open), { packets: [{ type: "open", data: open.slice(1) }], errors: [] });
  assert.deepEqual(decodeEioPayload(4, "4hello\x1e2\x1e4world"), {
    packets: [{ type: "message", data: "hello" }, { type: "ping" }, { type: "message", data: "world" }],
    errors: [],
  });
  assert.deepEqual(decodeEioPayload(4, "4hello\x1ebAQIDBA=="), {
    packets: [
      { type: "message", data: "hello" },
      { type: "message", data: u8(1, 2, 3, 4) },
    ],
    errors: [],
  });
  assert.deepEqual(decodeEioPayload(4, "0\x1e1\x1e2probe\x1e3probe\x1e4test"), {
    packets: [{ type: "open" }, { type: "close" }, { type: "ping", data: "probe" }, { type: "pong", data: "probe" }, { type: "message", data: "test" }],
    errors: [],
  });
  assert.deepEqual(decodeEioPayload(4, '451-["a",{"_placeholder":true,"num":0}]\x1ebAQID'), {
    packets: [
      { type: "message", data: '51-["a",{"_placeholder":true,"num":0}]' },
      { type: "message", data: u8(1, 2, 3) },
    ],
    errors: [],
  });
  assert.deepEqual(decodeEioPayload(4, "6"), { packets: [{ type: "noop" }], errors: [] });
  assert.deepEqual(decodeEioPayload(4, '42["bye"]\x1e1'), { packets: [{ type: "message", data: '2["bye"]' }, { type: "close" }], errors: [] });
});

test("12.3 parser errors: empty, `{`, `a123`; offsets; earlier packets kept", () => {
  for (const [body, offset] of [
    ["", 0],
    ["{", 0],
    ["a123", 0],
  ] as const) {
    const r = decodeEioPayload(4, body);
    assert.deepEqual(r.packets, []);
    assert.equal(r.errors.length, 1);
    assert.equal(r.errors[0]!.offset, offset);
    assert.equal(r.errors[0]!.raw, body);
  }
  const r = decodeEioPayload(4, "4a\x1e\x1e2");
  assert.deepEqual(r.packets, [{ type: "message", data: "a" }]);
  assert.equal(r.errors[0]!.offset, 3, "empty piece between two separators");
  const r2 = decodeEioPayload(4, "4a\x1e2\x1e9x\x1e4b");
  assert.deepEqual(r2.packets, [{ type: "message", data: "a" }, { type: "ping" }]);
  assert.equal(r2.errors[0]!.offset, 5);
  const r3 = decodeEioPayload(4, "4a\x1ebA!=");
  assert.equal(r3.errors[0]!.offset, 5, "bad base64 char");
  const r4 = decodeEioPayload(4, "4a\x1e");
  assert.equal(r4.errors[0]!.offset, 3, "trailing separator = empty last piece");
});

test("a raw U+001E inside text splits (the reference assumes it never occurs)", () => {
  assert.deepEqual(decodeEioPayload(4, "4a\x1eb"), { packets: [{ type: "message", data: "a" }, { type: "message", data: u8() }], errors: [] });
});

test("bytes bodies are UTF-8; octet-stream is refused in rev 4", () => {
  const b = new TextEncoder().encode("4€\x1e4🎉");
  assert.deepEqual(decodeEioPayload(4, b, { contentType: "text/plain; charset=UTF-8" }), {
    packets: [
      { type: "message", data: "€" },
      { type: "message", data: "🎉" },
    ],
    errors: [],
  });
  const r = decodeEioPayload(4, u8(0x34, 0x61), { contentType: "application/octet-stream" });
  assert.equal(r.errors.length, 1);
  assert.deepEqual(r.packets, []);
});

test("garbage never throws", () => {
  let seed = 3;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const alphabet = ["\x1e", "4", "b", "0", "2", "x", "=", "A", "é", "\ud83c", "\u2028", "_", "d="];
  for (let k = 0; k < 2000; k++) {
    let s = "";
    const n = Math.floor(rnd() * 12);
    for (let i = 0; i < n; i++) s += alphabet[Math.floor(rnd() * alphabet.length)];
    const r = decodeEioPayload(4, s);
    assert.ok(r.packets.length + r.errors.length > 0 || s === "" ? true : r.errors.length === 0);
    for (const e of r.errors) assert.ok(isDecodeError(e));
    decodeEioPayload(4, new TextEncoder().encode(s));
  }
});
