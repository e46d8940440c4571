// JSONP bodies and the `d=` form POST (PROTOCOL.md 4.5, 5; 12.2 / 12.3 JSONP rows).
import { test } from "node:test";
import assert from "node:assert/strict";
import { decodeEioPayload, decodeFormBody, unwrapJsonp } from "../../protocol/engineio/index.ts";
import { isDecodeError } from "../../protocol/types.ts";

const OPEN = '0{"sid":"lv_VI97HAXpY6yYWAAAC","upgrades":["websocket"],"pingInterval":25000,"pingTimeout":5000}';

test("12.2 JSONP `___eio[0](\"96:0{…}2:40\");` decodes as the plain payload", () => {
  const body = '___eio[0]("96:0{\\"sid\\":\\"lv_VI97HAXpY6yYWAAAC\\",\\"upgrades\\":[\\"websocket\\"],\\"pingInterval\\":25000,\\"pingTimeout\\":5000}2:40");';
  const want = { packets: [{ type: "open", data: OPEN.slice(1) }, { type: "message", data: "0" }], errors: [] };
  assert.deepEqual(decodeEioPayload(3, body), want, "auto-detected");
  assert.deepEqual(decodeEioPayload(3, body, { jsonp: true }), want);
  assert.deepEqual(decodeEioPayload(3, new TextEncoder().encode(body), { jsonp: true, contentType: "text/javascript; charset=UTF-8" }), want);
});

test("12.3 JSONP `___eio[0](\"4hello\\u001e2\");`", () => {
  assert.deepEqual(decodeEioPayload(4, '___eio[0]("4hello\\u001e2");'), { packets: [{ type: "message", data: "hello" }, { type: "ping" }], errors: [] });
  assert.deepEqual(decodeEioPayload(4, '___eio[12]("4hello\\u001e2");\n'), { packets: [{ type: "message", data: "hello" }, { type: "ping" }], errors: [] });
});

test("U+2028/U+2029 escapes and b4 binary inside JSONP", () => {
  assert.equal(unwrapJsonp('___eio[3]("4a\\u2028b\\u2029");'), "4a\u2028b\u2029");
  assert.deepEqual(decodeEioPayload(3, '___eio[1]("4:4a\\u2028b6:b4AQID");'), {
    packets: [
      { type: "message", data: "a\u2028b" },
      { type: "message", data: new Uint8Array([1, 2, 3]) },
    ],
    errors: [],
  });
});

test("JSONP around a JSON'd Buffer (engine.io 1.x-3.x without b64=1) is the XHR2 binary payload", () => {
  // verified shape from engine.io 3.6.2: 00 02 00 ff "4é…" 01 05 ff 04 01 02 03 ff
  const body = '___eio[0]({"type":"Buffer","data":[0,3,255,52,195,169,1,5,255,4,1,2,3,255]});';
  assert.deepEqual(decodeEioPayload(3, body), {
    packets: [
      { type: "message", data: "é" },
      { type: "message", data: new Uint8Array([1, 2, 3, 255]) },
    ],
    errors: [],
  });
  assert.deepEqual(unwrapJsonp('___eio[0]({"type":"Buffer","data":[1,2]});'), new Uint8Array([1, 2]));
  assert.ok(isDecodeError(unwrapJsonp('___eio[0]({"type":"Buffer","data":[1,256]});')));
  assert.ok(isDecodeError(unwrapJsonp('___eio[0]({"type":"Buffer","data":"AQ=="});')));
  assert.equal(decodeEioPayload(4, '___eio[0]({"type":"Buffer","data":[1]});').errors.length, 1);
});

test("JSONP errors", () => {
  for (const b of ["___eio[0](", '___eio[0]("4a"', "___eio[0](4);", "___eio[0]('4a');", 'alert(1)("4a");', '___eio[x]("4a");', "___eio[0]();"]) {
    const r = decodeEioPayload(4, b, { jsonp: true });
    assert.equal(r.errors.length, 1, b);
    assert.deepEqual(r.packets, []);
    assert.ok(isDecodeError(unwrapJsonp(b)));
  }
  // the inner payload's own error points into the inner string
  const r = decodeEioPayload(3, '___eio[0]("1:");');
  assert.equal(r.errors[0]!.raw, "1:");
  assert.equal(r.errors[0]!.offset, 2);
});

test("form POST `d=`: URL-decoding and the server's newline unescaping", () => {
  // client: literal backslash-n → \\n, LF → \n; then form-urlencoded
  assert.equal(decodeFormBody("d=" + encodeURIComponent("6:4a\\nb")), "6:4a\nb");
  assert.equal(decodeFormBody("d=" + encodeURIComponent("7:4a\\\\nb")), "7:4a\\nb");
  assert.equal(decodeFormBody("d=1%3A2"), "1:2");
  assert.equal(decodeFormBody("d=4a+b"), "4a b", "+ is a space in form encoding");
  assert.equal(decodeFormBody("x=1&d=2%3A40"), "2:40");
  assert.deepEqual(decodeEioPayload(3, "d=" + encodeURIComponent('9:42["x\\ny"]')), {
    packets: [{ type: "message", data: '2["x\ny"]' }],
    errors: [],
  });
  assert.deepEqual(decodeEioPayload(4, "d=" + encodeURIComponent("4hello\x1e3"), { form: true }), { packets: [{ type: "message", data: "hello" }, { type: "pong" }], errors: [] });
  assert.ok(isDecodeError(decodeFormBody("d=%E0%A4%A")));
  assert.ok(isDecodeError(decodeFormBody("e=1")));
  assert.equal(decodeEioPayload(3, "d=%ZZ").errors.length, 1);
});
