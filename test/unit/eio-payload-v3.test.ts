// Engine.IO rev 3 polling payloads (PROTOCOL.md 4.3, 4.4, 10.1, 10.2, golden vectors 12.2).
// Expected values are written by hand from the document.
import { test } from "node:test";
import assert from "node:assert/strict";
import { decodeEioPayload, decodeV3BinaryPayload, decodeV3TextPayload } from "../../protocol/engineio/index.ts";
import { isDecodeError } from "../../protocol/types.ts";

const u8 = (...b: number[]) => new Uint8Array(b);
const ascii = (s: string) => Array.from(s, (c) => c.charCodeAt(0));
const OPEN = '0{"sid":"lv_VI97HAXpY6yYWAAAC","upgrades":["websocket"],"pingInterval":25000,"pingTimeout":5000}';

test("12.2: handshake + SIO 2 CONNECT merged (`96:0{…}2:40`)", () => {
  assert.equal(OPEN.length, 96);
  const r = decodeEioPayload(3, `96:${OPEN}2:40`);
  assert.deepEqual(r, { packets: [{ type: "open", data: OPEN.slice(1) }, { type: "message", data: "0" }], errors: [] });
});

test("12.2: events, several packets, UTF-16 lengths with € and 🎉, b4 inside text", () => {
  assert.deepEqual(decodeEioPayload(3, '16:42["hey","Jude"]'), { packets: [{ type: "message", data: '2["hey","Jude"]' }], errors: [] });
  assert.deepEqual(decodeEioPayload(3, '11:42["hello"]11:42["world"]'), {
    packets: [
      { type: "message", data: '2["hello"]' },
      { type: "message", data: '2["world"]' },
    ],
    errors: [],
  });
  assert.deepEqual(decodeEioPayload(3, "2:4€10:b4AQIDBA=="), {
    packets: [
      { type: "message", data: "€" },
      { type: "message", data: u8(1, 2, 3, 4) },
    ],
    errors: [],
  });
  assert.deepEqual(decodeEioPayload(3, "3:4🎉"), { packets: [{ type: "message", data: "🎉" }], errors: [] });
  assert.deepEqual(decodeEioPayload(3, '39:451-["a",{"_placeholder":true,"num":0}]6:b4AQID'), {
    packets: [
      { type: "message", data: '51-["a",{"_placeholder":true,"num":0}]' },
      { type: "message", data: u8(1, 2, 3) },
    ],
    errors: [],
  });
  // close appended after data (PROTOCOL.md 6 writes `11:42["bye"]1:1`, but `42["bye"]` is 9 units)
  assert.deepEqual(decodeEioPayload(3, '9:42["bye"]1:1'), {
    packets: [{ type: "message", data: '2["bye"]' }, { type: "close" }],
    errors: [],
  });
  assert.deepEqual(decodeEioPayload(3, "1:6"), { packets: [{ type: "noop" }], errors: [] });
});

test("12.2: `0:` is an empty payload; `0:` entries between packets are skipped", () => {
  assert.deepEqual(decodeEioPayload(3, "0:"), { packets: [], errors: [] });
  assert.deepEqual(decodeEioPayload(3, "1:20:1:3"), { packets: [{ type: "ping" }, { type: "pong" }], errors: [] });
});

test("12.2 parser errors: `1:` `1!` `3:99:` `1:a2:b` `1:aa` and empty — offsets by hand", () => {
  const cases: Array<[string, number]> = [
    ["", 0], // empty body
    ["1:", 2], // declared 1, nothing left
    ["1!", 1], // '!' where ':' was expected
    ["3:99:", 2], // packet "99:" has type 9
    ["1:a2:b", 2], // packet "a"
    ["1:aa", 2],
    [":4", 0], // no length digits
    ["a:4", 0],
    ["12", 0], // trailing length without ':'
    ["1:212", 3], // second entry is a length without ':'
    ["5:4abc", 2], // declared 5, only 4 left
  ];
  for (const [body, offset] of cases) {
    const r = decodeEioPayload(3, body);
    assert.equal(r.errors.length, 1, body);
    assert.equal(r.errors[0]!.offset, offset, body);
    assert.equal(r.errors[0]!.raw, body);
    assert.equal(r.errors[0]!.layer, "eio");
    assert.equal(r.nonConformant, undefined);
  }
});

test("error semantics: packets before the bad entry are kept, nothing after it", () => {
  const r = decodeEioPayload(3, "2:4a1:92:4b");
  assert.deepEqual(r.packets, [{ type: "message", data: "a" }]);
  assert.equal(r.errors.length, 1);
  assert.equal(r.errors[0]!.offset, 6);
  const r2 = decodeEioPayload(3, '11:42["hello"]11:42["world"]9');
  assert.equal(r2.packets.length, 2);
  assert.equal(r2.errors[0]!.offset, 28);
});

test("12.2: SIO 1.x double-UTF-8 text body `8:42[\"Ã©\"]` → 2[\"é\"] (text and wire bytes)", () => {
  const want = { packets: [{ type: "message", data: '2["é"]' }], errors: [], nonConformant: "double-utf8" };
  assert.deepEqual(decodeEioPayload(3, '8:42["Ã©"]'), want);
  assert.deepEqual(decodeEioPayload(3, u8(0x38, 0x3a, 0x34, 0x32, 0x5b, 0x22, 0xc3, 0x83, 0xc2, 0xa9, 0x22, 0x5d), { contentType: "text/plain; charset=UTF-8" }), want);
  // 🎉 = F0 9F 8E 89 → 4 chars; a second ASCII packet keeps its length
  assert.deepEqual(decodeEioPayload(3, "5:4\u00f0\u009f\u008e\u00891:2"), {
    packets: [{ type: "message", data: "🎉" }, { type: "ping" }],
    errors: [],
    nonConformant: "double-utf8",
  });
  // WTF-8 lone surrogate (parser 1.3.x: a\uD800b → 61 ed a0 80 62) → U+FFFD
  assert.deepEqual(decodeEioPayload(3, "6:4a\u00ed\u00a0\u0080b"), {
    packets: [{ type: "message", data: "a\ufffdb" }],
    errors: [],
    nonConformant: "double-utf8",
  });
});

test("double-UTF-8 guess: off for Latin-1 that is not UTF-8, switchable", () => {
  // "é" alone (E9) is not a UTF-8 sequence → stays as sent, conformant
  assert.deepEqual(decodeEioPayload(3, "2:4é"), { packets: [{ type: "message", data: "é" }], errors: [] });
  assert.deepEqual(decodeEioPayload(3, '8:42["Ã©"]', { doubleUtf8: "never" }), { packets: [{ type: "message", data: '2["Ã©"]' }], errors: [] });
  assert.deepEqual(decodeV3TextPayload("3:4Ã©", "always"), { packets: [{ type: "message", data: "é" }], errors: [], nonConformant: "double-utf8" });
  // "always" on something that is not a byte string: error, flagged
  const r = decodeV3TextPayload("2:4€", "always");
  assert.equal(r.errors.length, 1);
  assert.equal(r.errors[0]!.offset, 2);
});

test("non-JS peers: code-point lengths and UTF-8 byte lengths are retried and flagged", () => {
  // 🎉 counted as 1 (code points): "4🎉" → 2
  assert.deepEqual(decodeEioPayload(3, "2:4🎉2:4a"), {
    packets: [
      { type: "message", data: "🎉" },
      { type: "message", data: "a" },
    ],
    errors: [],
    nonConformant: "codepoint-lengths",
  });
  // € is 3 UTF-8 bytes: "4€" → 4
  assert.deepEqual(decodeEioPayload(3, "4:4€1:2"), {
    packets: [{ type: "message", data: "€" }, { type: "ping" }],
    errors: [],
    nonConformant: "utf8-byte-lengths",
  });
  // 🎉 is 4 UTF-8 bytes, 東 3: "4東🎉" → 8
  assert.deepEqual(decodeEioPayload(3, "8:4東🎉"), { packets: [{ type: "message", data: "東🎉" }], errors: [], nonConformant: "utf8-byte-lengths" });
  // no counting fits → the UTF-16 attempt's error
  const r = decodeEioPayload(3, "9:4€");
  assert.deepEqual(r.packets, []);
  assert.equal(r.errors[0]!.offset, 2);
  assert.equal(r.nonConformant, undefined);
});

test("12.2 XHR2 binary payloads", () => {
  assert.deepEqual(decodeEioPayload(3, u8(0x00, 0x04, 0xff, 0x34, 0xe2, 0x82, 0xac, 0x01, 0x05, 0xff, 0x04, 0x01, 0x02, 0x03, 0x04), { contentType: "application/octet-stream" }), {
    packets: [
      { type: "message", data: "€" },
      { type: "message", data: u8(1, 2, 3, 4) },
    ],
    errors: [],
  });
  const header = '451-["a",{"_placeholder":true,"num":0}]';
  assert.equal(header.length, 39);
  const body = u8(0x00, 0x03, 0x09, 0xff, ...ascii(header), 0x01, 0x04, 0xff, 0x04, 0x01, 0x02, 0x03);
  const want = {
    packets: [
      { type: "message", data: header.slice(1) },
      { type: "message", data: u8(1, 2, 3) },
    ],
    errors: [],
  };
  assert.deepEqual(decodeEioPayload(3, body, { contentType: "application/octet-stream" }), want);
  assert.deepEqual(decodeEioPayload(3, body), want, "recognised by the first byte without a content type");
  // the same body read as a latin1 byte string
  assert.deepEqual(decodeEioPayload(3, String.fromCharCode(...body)), want);
  // SIO 1.x server answering a text-only poll in binary form: `00 08 ff 42["é"]` (UTF-8 once)
  assert.deepEqual(decodeEioPayload(3, u8(0x00, 0x08, 0xff, 0x34, 0x32, 0x5b, 0x22, 0xc3, 0xa9, 0x22, 0x5d), { contentType: "application/octet-stream" }), {
    packets: [{ type: "message", data: '2["é"]' }],
    errors: [],
  });
  // 12 digits of length: 00 01 02 ff + 12-byte string
  const long = "4" + "x".repeat(11);
  assert.deepEqual(decodeV3BinaryPayload(u8(0, 1, 2, 0xff, ...ascii(long))), { packets: [{ type: "message", data: "x".repeat(11) }], errors: [] });
  // a text body mislabelled octet-stream is still read as text (XHR2 bodies start with 00/01)
  assert.deepEqual(decodeEioPayload(3, new TextEncoder().encode("2:4€"), { contentType: "application/octet-stream" }), { packets: [{ type: "message", data: "€" }], errors: [] });
  // an empty XHR2 body is an empty batch (what the reference encodes for no packets)
  assert.deepEqual(decodeV3BinaryPayload(u8()), { packets: [], errors: [] });
  // WTF-8 lone surrogate in a binary-form string packet → U+FFFD
  assert.deepEqual(decodeV3BinaryPayload(u8(0, 4, 0xff, 0x34, 0xed, 0xa0, 0x80)), { packets: [{ type: "message", data: "\ufffd" }], errors: [] });
});

test("XHR2 binary payload errors, with byte offsets; earlier packets kept", () => {
  const cases: Array<[Uint8Array, number, number]> = [
    [u8(0x02, 0x01, 0xff, 0x34), 0, 0], // kind byte 2
    [u8(0x00, 0x01), 1, 0], // digits never terminated
    [u8(0x00, 0xff, 0x34), 1, 0], // no digits
    [u8(0x00, 0x0a, 0xff, 0x34), 1, 0], // digit byte 10
    [u8(0x00, 0x05, 0xff, 0x34), 3, 0], // declared 5, 1 left
    [u8(0x00, 0x01, 0xff, 0x39), 3, 0], // string packet type 9
    [u8(0x01, 0x00, 0xff), 3, 0], // binary entry without type byte
    [u8(0x01, 0x02, 0xff, 0x07, 0x01), 3, 0], // binary type byte 7
    [u8(0x00, 0x01, 0xff, 0x32, 0x00, 0x01), 5, 1], // second entry truncated, first kept
  ];
  for (const [body, offset, kept] of cases) {
    const r = decodeEioPayload(3, body, { contentType: "application/octet-stream" });
    assert.equal(r.errors.length, 1, String(body));
    assert.equal(r.errors[0]!.offset, offset, String(body));
    assert.equal(r.errors[0]!.raw, body);
    assert.equal(r.packets.length, kept);
  }
  // give up past 310 digits (the reference's limit), but 310 digits are still read
  const d311 = new Uint8Array(1 + 311 + 1);
  d311[312] = 0xff;
  d311.fill(0, 1, 312);
  const r311 = decodeV3BinaryPayload(d311);
  assert.equal(r311.errors.length, 1);
  assert.match(r311.errors[0]!.reason, /310/);
  const d310 = d311.slice(1); // kind 0, 310 zero digits, ff → length 0 string → ""
  const r310 = decodeV3BinaryPayload(Uint8Array.from([0, ...d310.subarray(0, 310), 0xff]));
  assert.doesNotMatch(r310.errors[0]?.reason ?? "", /310/);
});

test("garbage never throws and always yields a result", () => {
  let seed = 7;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  for (let k = 0; k < 2000; k++) {
    const n = Math.floor(rnd() * 24);
    const b = new Uint8Array(n).map(() => (rnd() < 0.5 ? Math.floor(rnd() * 12) : rnd() < 0.3 ? 0xff : Math.floor(rnd() * 256)));
    const s = Array.from(b, (x) => (x < 10 ? String(x) : x === 0xff ? ":" : String.fromCharCode(x * 37))).join("");
    for (const body of [b, s]) {
      const r = decodeEioPayload(3, body);
      assert.ok(Array.isArray(r.packets) && Array.isArray(r.errors));
      for (const e of r.errors) assert.ok(isDecodeError(e));
    }
  }
  for (const x of [null, undefined, 5, {}] as unknown[]) {
    const r = decodeEioPayload(3, x as string);
    assert.equal(r.errors.length, 1);
  }
});

test("cut bodies (the capture kept their start): the last entry running past the end is that packet's start, flagged `cut`", () => {
  // text form: the packets before it whole
  assert.deepEqual(decodeV3TextPayload('9:42["a",1]2000000:42["big","xx', "auto", true), {
    packets: [{ type: "message", data: '2["a",1]' }, { type: "message", data: '2["big","xx' }],
    errors: [],
    cut: true,
  });
  // without `cut` the same text is an error after the first packet
  const plain = decodeV3TextPayload('9:42["a",1]2000000:42["big","xx');
  assert.equal(plain.packets.length, 1);
  assert.match(plain.errors[0]!.reason, /declared length 2000000 exceeds/);
  // a cut that falls inside a length is no packet, and not flagged
  assert.deepEqual(decodeV3TextPayload("9:42[\"a\",1]20", "auto", true).cut, undefined);
  // XHR2 binary form: 00 = string entry, 01 = binary entry, length digits, ff
  const bin = new Uint8Array([0, 2, 0xff, 0x34, 0x30, 1, 9, 9, 9, 0xff, 4, 1, 2, 3]);
  const r = decodeEioPayload(3, bin, { contentType: "application/octet-stream", cut: true });
  assert.deepEqual(r.errors, []);
  assert.equal(r.cut, true);
  assert.deepEqual(r.packets.map((p) => [p.type, p.data instanceof Uint8Array ? [...p.data] : p.data]), [["message", "0"], ["message", [1, 2, 3]]]);
  assert.equal(decodeEioPayload(3, bin, { contentType: "application/octet-stream" }).errors.length, 1);
});
