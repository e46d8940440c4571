// msgpack parser 2.x/3.x and JSON parser decoding; bytes written by hand from PROTOCOL.md 8.1.
import { test } from "node:test";
import assert from "node:assert/strict";
import { decodeMsgpackPacket, decodeJsonPacket, type SioPacket } from "../../protocol/socketio/index.ts";
import { isDecodeError, type DecodeError } from "../../protocol/types.ts";

const b = (...xs: number[]) => Uint8Array.from(xs);
const str = (s: string) => [0xa0 | s.length, ...[...s].map((c) => c.charCodeAt(0))];
const map = (n: number) => 0x80 | n;

function ok(p: SioPacket | DecodeError): SioPacket {
  assert.ok(!isDecodeError(p), JSON.stringify(p));
  return p as SioPacket;
}
function bad(p: SioPacket | DecodeError, re: RegExp, layer = "msgpack"): void {
  assert.ok(isDecodeError(p), JSON.stringify(p));
  assert.equal(p.layer, layer);
  assert.match(p.reason, re);
}

test("12.4 msgpack 3.x vectors", () => {
  assert.deepEqual(
    ok(decodeMsgpackPacket(3, b(0x83, 0xa4, 0x74, 0x79, 0x70, 0x65, 0x02, 0xa3, 0x6e, 0x73, 0x70, 0xa1, 0x2f, 0xa4, 0x64, 0x61, 0x74, 0x61, 0x92, 0xa5, 0x68, 0x65, 0x6c, 0x6c, 0x6f, 0xa3, 0x79, 0x6f, 0x75))),
    { type: 2, nsp: "/", data: ["hello", "you"] },
  );
  assert.deepEqual(
    ok(decodeMsgpackPacket(3, b(0x83, 0xa4, 0x74, 0x79, 0x70, 0x65, 0x00, 0xa4, 0x64, 0x61, 0x74, 0x61, 0xd4, 0x00, 0x00, 0xa3, 0x6e, 0x73, 0x70, 0xa1, 0x2f))),
    { type: 0, nsp: "/" },
  );
});

test("socket.io-parser issue #116 capture (base64 of a client emit with options)", () => {
  const bytes = Uint8Array.from(atob("hKR0eXBlAqRkYXRhkqFtks0CdMtAf48AAAAAAKdvcHRpb25zgahjb21wcmVzc8OjbnNwoS8="), (c) => c.charCodeAt(0));
  assert.deepEqual(ok(decodeMsgpackPacket(3, bytes)), {
    type: 2,
    nsp: "/",
    data: ["m", [628, 504.9375]],
    options: { compress: true },
  });
});

test("notepack extensions: fixext1 0 = undefined, fixext8 0 = Date, ext8/16 0 = ArrayBuffer, bin = bytes", () => {
  const head = [map(3), ...str("type"), 0x02, ...str("nsp"), ...str("/"), ...str("data")];
  const ev = (...items: number[][]) => b(...head, 0x90 | items.length, ...items.flat());
  // ["e", undefined]
  assert.deepEqual(ok(decodeMsgpackPacket(3, ev(str("e"), [0xd4, 0x00, 0x00]))).data, ["e", undefined]);
  // ["e", Date] as fixext8: int32 hi = 395, uint32 lo = 0xd4a50000 → ms = hi * 2^32 + lo
  const date = [0xd7, 0x00, 0x00, 0x00, 0x01, 0x8b, 0xd4, 0xa5, 0x0, 0x0];
  const d = ok(decodeMsgpackPacket(3, ev(str("e"), date))).data as unknown[];
  assert.ok(d[1] instanceof Date);
  assert.equal((d[1] as Date).getTime(), 395 * 2 ** 32 + 0xd4a50000);
  // ext8 type 0 of length 1 and 8: ArrayBuffers, not undefined/Date
  assert.deepEqual(ok(decodeMsgpackPacket(3, ev(str("e"), [0xc7, 0x01, 0x00, 0x2a]))).data, ["e", b(0x2a)]);
  assert.deepEqual(ok(decodeMsgpackPacket(3, ev(str("e"), [0xc7, 0x08, 0x00, 1, 2, 3, 4, 5, 6, 7, 8]))).data, ["e", b(1, 2, 3, 4, 5, 6, 7, 8)]);
  assert.deepEqual(ok(decodeMsgpackPacket(3, ev(str("e"), [0xc8, 0x00, 0x02, 0x00, 9, 9]))).data, ["e", b(9, 9)]);
  // bin8
  const bin = ok(decodeMsgpackPacket(3, ev(str("e"), [0xc4, 0x03, 1, 2, 3]))).data as unknown[];
  assert.deepEqual(bin, ["e", b(1, 2, 3)]);
  assert.equal((bin[1] as Uint8Array).constructor, Uint8Array);
  // other extension types come back as [type, bytes] like notepack.io
  assert.deepEqual(ok(decodeMsgpackPacket(3, ev(str("e"), [0xd5, 0x05, 7, 8]))).data, ["e", [5, b(7, 8)]]);
  assert.deepEqual(ok(decodeMsgpackPacket(3, ev(str("e"), [0xd6, 0xff, 1, 2, 3, 4]))).data, ["e", [-1, b(1, 2, 3, 4)]]);
});

test("key order does not matter; id and nested binary", () => {
  // {nsp:"/a", id:7, data:[<01>], type:3}
  const bytes = b(map(4), ...str("nsp"), ...str("/a"), ...str("id"), 0x07, ...str("data"), 0x91, 0xc4, 0x01, 0x01, ...str("type"), 0x03);
  assert.deepEqual(ok(decodeMsgpackPacket(3, bytes)), { type: 3, nsp: "/a", id: 7, data: [b(1)] });
});

test("msgpack validation errors (3.x and 2.x rules)", () => {
  const pk = (type: number, data?: number[]) =>
    b(map(data ? 3 : 2), ...str("type"), type, ...str("nsp"), ...str("/"), ...(data ? [...str("data"), ...data] : []));
  bad(decodeMsgpackPacket(3, pk(5, [0x90])), /invalid packet type/); // 3.x has no BINARY_*
  assert.deepEqual(ok(decodeMsgpackPacket(2, pk(5, [0x91, 0x01]))), { type: 5, nsp: "/", data: [1] });
  bad(decodeMsgpackPacket(3, pk(2, [0x01])), /array/);
  bad(decodeMsgpackPacket(3, pk(1, [0x80])), /DISCONNECT/);
  bad(decodeMsgpackPacket(3, pk(0, [0x91, 0x01])), /CONNECT/);
  assert.deepEqual(ok(decodeMsgpackPacket(3, pk(0, [0x80]))), { type: 0, nsp: "/", data: {} });
  bad(decodeMsgpackPacket(2, pk(0, [0x80])), /CONNECT/); // 2.x: CONNECT never has data
  assert.deepEqual(ok(decodeMsgpackPacket(3, pk(4, str("no")))), { type: 4, nsp: "/", data: "no" });
  bad(decodeMsgpackPacket(2, pk(4, [0x80])), /ERROR/);
  bad(decodeMsgpackPacket(3, b(map(1), ...str("type"), 0x02)), /namespace/);
  bad(decodeMsgpackPacket(3, b(0x92, 0x01, 0x02)), /not a map/);
  bad(decodeMsgpackPacket(3, b(map(3), ...str("type"), 0x02, ...str("nsp"), ...str("/"), ...str("data"))), /invalid msgpack/); // truncated
  bad(decodeMsgpackPacket(3, b(0xc1)), /invalid msgpack/);
  bad(decodeMsgpackPacket(3, b(map(4), ...str("type"), 0x02, ...str("nsp"), ...str("/"), ...str("data"), 0x90, ...str("id"), 0xcb, 0x3f, 0xf8, 0, 0, 0, 0, 0, 0)), /packet id/);
  bad(decodeMsgpackPacket(3, b()), /invalid msgpack/);
});

test("JSON parser (12.4 vector, options, validation)", () => {
  assert.deepEqual(ok(decodeJsonPacket('{"type":2,"nsp":"/","data":["hello","you"]}')), { type: 2, nsp: "/", data: ["hello", "you"] });
  assert.deepEqual(ok(decodeJsonPacket('{"type":2,"data":["a"],"options":{"compress":true},"id":3,"nsp":"/x"}')), {
    type: 2,
    nsp: "/x",
    data: ["a"],
    id: 3,
    options: { compress: true },
  });
  assert.deepEqual(ok(decodeJsonPacket('{"type":4,"nsp":"/","data":{"message":"no"}}')), { type: 4, nsp: "/", data: { message: "no" } });
  assert.deepEqual(ok(decodeJsonPacket('{"type":4,"nsp":"/","data":"no"}')), { type: 4, nsp: "/", data: "no", notes: ["string-connect-error"] });
  bad(decodeJsonPacket('{"type":5,"nsp":"/","data":[]}'), /type/, "json");
  bad(decodeJsonPacket('{"type":2,"nsp":"/"}'), /array/, "json");
  bad(decodeJsonPacket('{"type":2,"data":["a"]}'), /namespace/, "json");
  bad(decodeJsonPacket('{"type":2,"nsp":"/","data":["a"],"id":"1"}'), /id/, "json");
  bad(decodeJsonPacket("[1]"), /map/, "json");
  bad(decodeJsonPacket("{"), /JSON/, "json");
  // msgpack 2.x text form
  assert.deepEqual(ok(decodeJsonPacket('{"type":4,"nsp":"/","data":"Not authorized"}', "msgpack2")), { type: 4, nsp: "/", data: "Not authorized" });
  bad(decodeJsonPacket('{"type":0,"nsp":"/","data":{}}', "msgpack2"), /CONNECT/);
});

test("invalid UTF-8 in msgpack strings decodes to U+FFFD (as Node's Buffer#toString and TextDecoder do)", () => {
  // {type:1, nsp:<a3 2f c3 28>}: C3 followed by a non-continuation byte
  const p = ok(decodeMsgpackPacket(3, b(map(2), ...str("type"), 0x01, ...str("nsp"), 0xa3, 0x2f, 0xc3, 0x28)));
  assert.equal(p.nsp, "/\ufffd(");
  // WTF-8 lone surrogate ED A0 80 inside an event name: three replacement chars
  const e = ok(decodeMsgpackPacket(3, b(map(3), ...str("type"), 0x02, ...str("nsp"), ...str("/"), ...str("data"), 0x91, 0xa5, 0x61, 0xed, 0xa0, 0x80, 0x62)));
  assert.deepEqual(e.data, ["a\ufffd\ufffd\ufffdb"]);
  // valid multi-byte text is untouched, in keys too: {"é":"🎉"} as CONNECT data
  const c = ok(decodeMsgpackPacket(3, b(map(3), ...str("type"), 0x00, ...str("nsp"), ...str("/"), ...str("data"), map(1), 0xa2, 0xc3, 0xa9, 0xa4, 0xf0, 0x9f, 0x8e, 0x89)));
  assert.deepEqual(c.data, { "é": "🎉" });
});
