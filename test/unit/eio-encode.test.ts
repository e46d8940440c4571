// Encoders (PROTOCOL.md 4.2-4.5, 5, 13): expected bytes/strings written by hand.
import { test } from "node:test";
import assert from "node:assert/strict";
import { decodeEioPayload, encodeEioPacket, encodeEioPayload, escapeFormPayload, wrapJsonp, decodeFormBody, unwrapJsonp } from "../../protocol/engineio/index.ts";

const u8 = (...b: number[]) => new Uint8Array(b);
const ascii = (s: string) => Array.from(s, (c) => c.charCodeAt(0));

test("encodeEioPacket: text, rev 3 binary with type byte, rev 4 raw binary, base64 forms", () => {
  for (const rev of [3, 4] as const) {
    assert.equal(encodeEioPacket(rev, { type: "ping", data: "probe" }), "2probe");
    assert.equal(encodeEioPacket(rev, { type: "upgrade" }), "5");
    assert.equal(encodeEioPacket(rev, { type: "message", data: "" }), "4");
    assert.equal(encodeEioPacket(rev, { type: "message", data: '2["hey","Jude"]' }), '42["hey","Jude"]');
  }
  assert.deepEqual(encodeEioPacket(3, { type: "message", data: u8(1, 2, 3) }), u8(4, 1, 2, 3));
  assert.equal(encodeEioPacket(3, { type: "message", data: u8(1, 2, 3) }, { supportsBinary: false }), "b4AQID");
  assert.deepEqual(encodeEioPacket(4, { type: "message", data: u8(1, 2, 3) }), u8(1, 2, 3));
  assert.equal(encodeEioPacket(4, { type: "message", data: u8(1, 2, 3) }, { supportsBinary: false }), "bAQID");
});

test("rev 3 text payload: UTF-16 lengths, b4 base64, `0:` when empty", () => {
  assert.equal(encodeEioPayload(3, []), "0:");
  assert.equal(encodeEioPayload(3, [{ type: "message", data: "€" }]), "2:4€");
  assert.equal(encodeEioPayload(3, [{ type: "message", data: "🎉" }]), "3:4🎉");
  assert.equal(encodeEioPayload(3, [{ type: "message", data: "€" }, { type: "message", data: u8(1, 2, 3, 4) }], { supportsBinary: false }), "2:4€10:b4AQIDBA==");
  assert.equal(encodeEioPayload(3, [{ type: "message", data: '2["hello"]' }, { type: "message", data: '2["world"]' }]), '11:42["hello"]11:42["world"]');
  // supportsBinary but no binary packet → still text
  assert.equal(encodeEioPayload(3, [{ type: "ping" }], { supportsBinary: true }), "1:2");
});

test("rev 3 XHR2 binary payload when a packet is binary and the peer supports binary (12.2 bytes)", () => {
  assert.deepEqual(
    encodeEioPayload(3, [{ type: "message", data: "€" }, { type: "message", data: u8(1, 2, 3, 4) }]),
    u8(0x00, 0x04, 0xff, 0x34, 0xe2, 0x82, 0xac, 0x01, 0x05, 0xff, 0x04, 0x01, 0x02, 0x03, 0x04),
  );
  const header = '51-["a",{"_placeholder":true,"num":0}]';
  assert.deepEqual(
    encodeEioPayload(3, [{ type: "message", data: header }, { type: "message", data: u8(1, 2, 3) }]),
    u8(0x00, 0x03, 0x09, 0xff, 0x34, ...ascii(header), 0x01, 0x04, 0xff, 0x04, 0x01, 0x02, 0x03),
  );
});

test("rev 3 double-UTF-8 (Socket.IO 1.x) encoding: `8:42[\"Ã©\"]`", () => {
  assert.equal(encodeEioPayload(3, [{ type: "message", data: '2["é"]' }], { doubleUtf8: true }), '8:42["Ã©"]');
  assert.equal(encodeEioPayload(3, [{ type: "message", data: "🎉" }, { type: "ping" }], { doubleUtf8: true }), "5:4\u00f0\u009f\u008e\u00891:2");
});

test("rev 4 payload: \\x1e join, b<base64>", () => {
  assert.equal(encodeEioPayload(4, [{ type: "message", data: "hello" }, { type: "ping" }, { type: "message", data: "world" }]), "4hello\x1e2\x1e4world");
  assert.equal(encodeEioPayload(4, [{ type: "message", data: "hello" }, { type: "message", data: u8(1, 2, 3, 4) }]), "4hello\x1ebAQIDBA==");
  assert.equal(encodeEioPayload(4, [{ type: "open" }, { type: "close" }, { type: "ping", data: "probe" }, { type: "pong", data: "probe" }, { type: "message", data: "test" }]), "0\x1e1\x1e2probe\x1e3probe\x1e4test");
  assert.equal(encodeEioPayload(4, []), "");
});

test("JSONP wrapping and form escaping match what the server / client write", () => {
  assert.equal(wrapJsonp("4hello\x1e2"), '___eio[0]("4hello\\u001e2");');
  assert.equal(wrapJsonp("4a\u2028b", 7), '___eio[7]("4a\\u2028b");');
  assert.equal(escapeFormPayload("6:4a\nb"), "6:4a\\nb");
  assert.equal(escapeFormPayload("7:4a\\nb"), "7:4a\\\\nb");
  // the real scheme is lossy for a backslash right before a LF: `\` LF → `\\n` → `\n`
  assert.equal(decodeFormBody("d=" + encodeURIComponent(escapeFormPayload("3:4\\\n"))), "3:4\\n");
  for (const p of ["6:4a\nb", "7:4a\\nb", "8:4\\n\n\\", "3:4é🎉"]) {
    assert.equal(decodeFormBody("d=" + encodeURIComponent(escapeFormPayload(p))), p);
    assert.equal(unwrapJsonp(wrapJsonp(p)), p);
  }
  assert.deepEqual(decodeEioPayload(3, wrapJsonp(encodeEioPayload(3, [{ type: "message", data: "x\u2029" }]) as string)).packets, [{ type: "message", data: "x\u2029" }]);
});
