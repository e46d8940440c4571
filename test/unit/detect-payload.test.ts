// First-payload fingerprints (PROTOCOL.md 1.2), written by hand from the table.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { detectFromFirstPayload } from "../../protocol/detect.ts";

const OPEN3 = '0{"sid":"lv_VI97HAXpY6yYWAAAC","upgrades":["websocket"],"pingInterval":25000,"pingTimeout":5000}';
const OPEN4 = '0{"sid":"lv_VI97HAXpY6yYWAAAC","upgrades":["websocket"],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}';

test("SIO 0.9 handshake body, first packet, framed payload, JSONP", () => {
  assert.deepEqual(detectFromFirstPayload("4d4f185e96a7b:15:10:websocket,xhr-polling"), { family: "sio09", kind: "handshake" });
  assert.deepEqual(detectFromFirstPayload("GkdXWlz2M4Q3HL0h8lmN::60:websocket,htmlfile,xhr-polling,jsonp-polling"), { family: "sio09", kind: "handshake" });
  assert.deepEqual(detectFromFirstPayload("1::"), { family: "sio09", kind: "packet" });
  assert.deepEqual(detectFromFirstPayload("1::", "ws"), { family: "sio09", kind: "packet" });
  assert.deepEqual(detectFromFirstPayload('5:::{"name":"hello","args":["world"]}'), { family: "sio09", kind: "packet" });
  assert.deepEqual(detectFromFirstPayload("\ufffd3\ufffd1::\ufffd3\ufffd2::"), { family: "sio09", kind: "payload" });
  assert.deepEqual(detectFromFirstPayload("3:::hello"), { family: "sio09", kind: "packet" });
  assert.deepEqual(detectFromFirstPayload('io.j[0]("1::");'), { family: "sio09", jsonp: true, kind: "packet" });
  assert.deepEqual(detectFromFirstPayload('io.j[2]("GkdXWlz2M4Q3HL0h8lmN:60:60:websocket");'), { family: "sio09", jsonp: true, kind: "handshake" });
  assert.deepEqual(detectFromFirstPayload('io.j[0](new Error("handshake error"));'), { family: "sio09", jsonp: true });
});

test("EIO 3 text payload (length-prefixed), including the SIO 2 merged 40", () => {
  const body = `${OPEN3.length}:${OPEN3}2:40`;
  assert.equal(OPEN3.length, 96);
  assert.deepEqual(detectFromFirstPayload(body), { family: "eio", rev: 3 });
  assert.deepEqual(detectFromFirstPayload(body, "http"), { family: "eio", rev: 3 });
  assert.deepEqual(detectFromFirstPayload('16:42["hey","Jude"]'), { family: "eio", rev: 3 });
  // SIO 1.x double-UTF-8 body whose lengths count bytes: only the first entry is checked
  assert.deepEqual(detectFromFirstPayload('8:42["Ã©"]', "http"), { family: "eio", rev: 3 });
});

test("EIO 3 XHR2 binary payload bytes", () => {
  const bytes = new Uint8Array([0x00, 0x04, 0xff, 0x34, 0xe2, 0x82, 0xac, 0x01, 0x05, 0xff, 0x04, 0x01, 0x02, 0x03, 0x04]);
  assert.deepEqual(detectFromFirstPayload(bytes), { family: "eio", rev: 3, binary: true });
  const sio1 = new Uint8Array([0x00, 0x09, 0x06, 0xff, 0x30, 0x7b]);
  assert.deepEqual(detectFromFirstPayload(sio1), { family: "eio", rev: 3, binary: true });
});

test("EIO JSONP: the inner payload gives the revision", () => {
  assert.deepEqual(detectFromFirstPayload(`___eio[0](${JSON.stringify(`${OPEN3.length}:${OPEN3}2:40`)});`), { family: "eio", jsonp: true, rev: 3 });
  assert.deepEqual(detectFromFirstPayload('___eio[1]("4hello\\u001e2");'), { family: "eio", jsonp: true, rev: 4 });
});

test("bare open packet: rev 4 over HTTP, unknown revision over WebSocket", () => {
  assert.deepEqual(detectFromFirstPayload(OPEN4, "http"), { family: "eio", rev: 4 });
  assert.deepEqual(detectFromFirstPayload(OPEN4, "ws"), { family: "eio" });
  assert.deepEqual(detectFromFirstPayload(OPEN4 + "\x1e40"), { family: "eio", rev: 4 });
  assert.deepEqual(detectFromFirstPayload("42[\"a:b\"]", "ws"), { family: "eio" });
  assert.deepEqual(detectFromFirstPayload(new TextEncoder().encode(OPEN4), "http"), { family: "eio", rev: 4 });
});

test("not Engine.IO / Socket.IO", () => {
  for (const p of ["", "hello", "<html>", "{\"a\":1}", "ok", "9::", "7"]) {
    assert.equal(detectFromFirstPayload(p, "http"), null, p);
  }
  assert.equal(detectFromFirstPayload(new Uint8Array([0x89, 0x50, 0x4e, 0x47])), null);
  assert.equal(detectFromFirstPayload(new Uint8Array([])), null);
});

test("never throws on arbitrary text or bytes", () => {
  fc.assert(
    fc.property(fc.oneof(fc.string({ unit: "binary" }), fc.uint8Array()), fc.constantFrom(undefined, "http" as const, "ws" as const), (d, ctx) => {
      detectFromFirstPayload(d, ctx);
    }),
    { numRuns: 1000 },
  );
  assert.equal(detectFromFirstPayload(null as unknown as string), null);
});
