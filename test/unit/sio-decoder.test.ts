// SioDecoder: binary reconstruction across messages, errors that keep the raw input,
// parser auto-detection. Expected values written by hand from PROTOCOL.md 7.3, 12.2–12.4.
import { test } from "node:test";
import assert from "node:assert/strict";
import { SioDecoder, type SioDecoded, type SioDecodeError, type SioPacket } from "../../protocol/socketio/index.ts";
import { isDecodeError } from "../../protocol/types.ts";

const b = (...xs: number[]) => Uint8Array.from(xs);
const H1 = '51-["a",{"_placeholder":true,"num":0}]';

function packets(out: SioDecoded[]): SioPacket[] {
  for (const x of out) assert.ok(!isDecodeError(x), JSON.stringify(x));
  return out as SioPacket[];
}
function errors(out: SioDecoded[]): SioDecodeError[] {
  return out.filter(isDecodeError) as SioDecodeError[];
}

test("12.2/12.3 binary rows: header then <01 02 03> → BINARY_EVENT [\"a\", <01 02 03>]", () => {
  // EIO3 XHR2 body `00 03 09 ff 451-[…] 01 04 ff 04 01 02 03`, b64 body `39:451-[…]6:b4AQID`,
  // EIO4 `451-[…]\x1ebAQID`: all give the message "51-[…]" then the bytes 01 02 03.
  for (const rev of [4, 5] as const) {
    const d = new SioDecoder({ rev });
    assert.deepEqual(d.push(H1), []);
    assert.equal(d.pendingAttachments, 1);
    assert.deepEqual(packets(d.push(b(1, 2, 3))), [{ type: 5, nsp: "/", attachments: 1, data: ["a", b(1, 2, 3)] }]);
    assert.equal(d.pendingAttachments, 0);
    assert.equal(d.parser, "default");
  }
});

test("12.4 binary rows with several attachments, namespaces and ack ids", () => {
  const d = new SioDecoder({ rev: 5, parser: "default" });
  assert.deepEqual(d.push('51-["baz",{"_placeholder":true,"num":0}]'), []);
  assert.deepEqual(packets(d.push(b(1, 2, 3, 4))), [{ type: 5, nsp: "/", attachments: 1, data: ["baz", b(1, 2, 3, 4)] }]);
  assert.deepEqual(d.push('52-/admin,["baz",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]'), []);
  assert.deepEqual(d.push(b(1)), []);
  assert.deepEqual(packets(d.push(b(2))), [{ type: 5, nsp: "/admin", attachments: 2, data: ["baz", b(1), b(2)] }]);
  d.push('61-/admin,456[{"_placeholder":true,"num":0}]');
  assert.deepEqual(packets(d.push(b(3, 2, 1))), [{ type: 6, nsp: "/admin", id: 456, attachments: 1, data: [b(3, 2, 1)] }]);
  d.push('62-789[{"_placeholder":true,"num":1},{"_placeholder":true,"num":0}]');
  d.push(b(9));
  assert.deepEqual(packets(d.push(b(8))), [{ type: 6, nsp: "/", id: 789, attachments: 2, data: [b(8), b(9)] }]);
});

test("PROTOCOL 7.3: placeholders in nested positions, depth first", () => {
  const d = new SioDecoder({ rev: 4 });
  d.push('52-["x",{"a":{"_placeholder":true,"num":0},"b":[{"_placeholder":true,"num":1}]}]');
  d.push(b(1));
  assert.deepEqual(packets(d.push(b(2))), [{ type: 5, nsp: "/", attachments: 2, data: ["x", { a: b(1), b: [b(2)] }] }]);
});

test("zero attachments complete immediately; rev-3 ACK `30-1[\"x\"]`", () => {
  const d = new SioDecoder({ rev: 3 });
  assert.deepEqual(packets(d.push('30-1["x"]')), [{ type: 3, nsp: "/", id: 1, attachments: 0, data: ["x"] }]);
  assert.equal(d.pendingAttachments, 0);
  const d4 = new SioDecoder({ rev: 4 });
  assert.deepEqual(packets(d4.push('50-["e",1]')), [{ type: 5, nsp: "/", attachments: 0, data: ["e", 1], notes: ["zero-attachments"] }]);
  // a placeholder with 0 attachments is illegal
  const e = errors(d4.push('50-["e",{"_placeholder":true,"num":0}]'));
  assert.equal(e.length, 1);
  assert.match(e[0]!.reason, /illegal attachments/);
  // rev 3 binary ACK
  const d3 = new SioDecoder({ rev: 3 });
  assert.deepEqual(d3.push('31-/n,5[{"_placeholder":true,"num":0}]'), []);
  assert.deepEqual(packets(d3.push(b(7))), [{ type: 3, nsp: "/n", id: 5, attachments: 1, data: [b(7)] }]);
});

test("state persists across pushes from different bodies/transports (one instance per session+direction)", () => {
  const d = new SioDecoder({ rev: 4 });
  // polling body 1 ends after the header; body 2 (or the new WebSocket) carries the attachments
  assert.deepEqual(packets(d.push('2["before"]')), [{ type: 2, nsp: "/", data: ["before"] }]);
  d.push('53-["up",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1},{"_placeholder":true,"num":2}]');
  assert.deepEqual(d.push(b(0)), []);
  assert.deepEqual(d.push(b(1)), []);
  assert.equal(d.pendingAttachments, 1);
  assert.deepEqual(packets(d.push(b(2))), [{ type: 5, nsp: "/", attachments: 3, data: ["up", b(0), b(1), b(2)] }]);
  assert.deepEqual(packets(d.push('2["after"]')), [{ type: 2, nsp: "/", data: ["after"] }]);
});

test("text while attachments pending: error with the dropped header and parts, then the text", () => {
  const d = new SioDecoder({ rev: 5 });
  const header = '52-["a",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]';
  d.push(header);
  d.push(b(1));
  const out = d.push('2["next"]');
  assert.equal(out.length, 2);
  const e = out[0] as SioDecodeError;
  assert.ok(isDecodeError(e));
  assert.equal(e.layer, "sio");
  assert.match(e.reason, /got plaintext data when reconstructing a packet/);
  assert.equal(e.raw, header);
  assert.deepEqual(e.attachments, [b(1)]);
  assert.deepEqual(out[1], { type: 2, nsp: "/", data: ["next"] });
  assert.equal(d.pendingAttachments, 0);
  // a new binary header right after also works
  d.push(header);
  assert.deepEqual(errors(d.push(header)).map((x) => x.reason), ["got plaintext data when reconstructing a packet"]);
  d.push(b(5));
  assert.deepEqual(packets(d.push(b(6))), [{ type: 5, nsp: "/", attachments: 2, data: ["a", b(5), b(6)] }]);
});

test("binary with nothing pending is an error keeping the bytes (default parser)", () => {
  const d = new SioDecoder({ rev: 5, parser: "default" });
  const bytes = b(0x83, 1, 2);
  const e = errors(d.push(bytes));
  assert.equal(e.length, 1);
  assert.match(e[0]!.reason, /got binary data when not reconstructing a packet/);
  assert.equal(e[0]!.raw, bytes);
  // auto mode after detecting the default parser: same
  const a = new SioDecoder({ rev: 4 });
  a.push("0");
  assert.match(errors(a.push(b(1, 2)))[0]!.reason, /got binary data/);
  // auto mode, bytes that are not a msgpack packet
  const u = new SioDecoder({ rev: 5 });
  assert.match(errors(u.push(b(0x80)))[0]!.reason, /got binary data/); // empty map, no type/nsp
  assert.equal(u.parser, "auto");
});

test("illegal placeholder num: non-integer, negative, out of range, string", () => {
  for (const num of ["1", "-1", "0.5", '"0"', "null"]) {
    const d = new SioDecoder({ rev: 5 });
    d.push(`51-["a",{"_placeholder":true,"num":${num}}]`);
    const out = d.push(b(1));
    assert.equal(out.length, 1);
    const e = out[0] as SioDecodeError;
    assert.ok(isDecodeError(e));
    assert.match(e.reason, /illegal attachments/);
    assert.equal(e.raw, `51-["a",{"_placeholder":true,"num":${num}}]`);
    assert.deepEqual(e.attachments, [b(1)]);
    // the decoder is usable afterwards
    assert.deepEqual(packets(d.push('2["ok"]')), [{ type: 2, nsp: "/", data: ["ok"] }]);
  }
});

test("flush reports an incomplete binary packet", () => {
  const d = new SioDecoder({ rev: 5 });
  d.push('51-["a",{"_placeholder":true,"num":0}]');
  const e = d.flush() as SioDecodeError[];
  assert.equal(e.length, 1);
  assert.match(e[0]!.reason, /incomplete binary packet: 0 of 1/);
  assert.deepEqual(d.flush(), []);
});

test("decode errors in the header do not start a reconstruction", () => {
  const d = new SioDecoder({ rev: 5 });
  assert.match(errors(d.push('51-["a",')).at(0)!.reason, /JSON/);
  assert.equal(d.pendingAttachments, 0);
  assert.match(errors(d.push(b(1))).at(0)!.reason, /got binary data/);
});

test("auto-detection: msgpack 3.x binary map (12.4), sticky", () => {
  const d = new SioDecoder({ rev: 5 });
  const ev = b(0x83, 0xa4, 0x74, 0x79, 0x70, 0x65, 0x02, 0xa3, 0x6e, 0x73, 0x70, 0xa1, 0x2f, 0xa4, 0x64, 0x61, 0x74, 0x61, 0x92, 0xa5, 0x68, 0x65, 0x6c, 0x6c, 0x6f, 0xa3, 0x79, 0x6f, 0x75);
  assert.deepEqual(packets(d.push(ev)), [{ type: 2, nsp: "/", data: ["hello", "you"] }]);
  assert.equal(d.parser, "msgpack");
  const conn = b(0x83, 0xa4, 0x74, 0x79, 0x70, 0x65, 0x00, 0xa4, 0x64, 0x61, 0x74, 0x61, 0xd4, 0x00, 0x00, 0xa3, 0x6e, 0x73, 0x70, 0xa1, 0x2f);
  assert.deepEqual(packets(d.push(conn)), [{ type: 0, nsp: "/" }]);
  // sticky: a broken msgpack message is now a msgpack error, not "binary with nothing pending"
  const e = errors(d.push(b(0x81, 0xa1)));
  assert.equal(e[0]!.layer, "msgpack");
  assert.equal(d.parser, "msgpack");
  // text on a msgpack 3.x connection
  assert.equal(errors(d.push('2["x"]'))[0]!.layer, "msgpack");
});

test("auto-detection: JSON parser text (12.4), and msgpack 2.x text+binary on rev 4", () => {
  const d = new SioDecoder({ rev: 5 });
  assert.deepEqual(packets(d.push('{"type":2,"nsp":"/","data":["hello","you"]}')), [{ type: 2, nsp: "/", data: ["hello", "you"] }]);
  assert.equal(d.parser, "json");
  const m = new SioDecoder({ rev: 4 });
  assert.deepEqual(packets(m.push('{"type":0,"nsp":"/"}')), [{ type: 0, nsp: "/" }]);
  assert.equal(m.parser, "msgpack");
  // msgpack-parser 2.x EVENT: {type:2,data:["a"],nsp:"/"}
  const ev = b(0x83, 0xa4, 0x74, 0x79, 0x70, 0x65, 0x02, 0xa4, 0x64, 0x61, 0x74, 0x61, 0x91, 0xa1, 0x61, 0xa3, 0x6e, 0x73, 0x70, 0xa1, 0x2f);
  assert.deepEqual(packets(m.push(ev)), [{ type: 2, nsp: "/", data: ["a"] }]);
  // binary msgpack packet found in auto mode on rev 4
  const m2 = new SioDecoder({ rev: 4 });
  assert.deepEqual(packets(m2.push(ev)), [{ type: 2, nsp: "/", data: ["a"] }]);
  assert.equal(m2.parser, "msgpack");
});

test("auto-detection does not steal attachments from a pending default packet", () => {
  const d = new SioDecoder({ rev: 5 });
  d.push(H1);
  const looksLikeMsgpack = b(0x82, 0xa4, 0x74, 0x79, 0x70, 0x65, 0x02, 0xa3, 0x6e, 0x73, 0x70, 0xa1, 0x2f);
  assert.deepEqual(packets(d.push(looksLikeMsgpack)), [{ type: 5, nsp: "/", attachments: 1, data: ["a", looksLikeMsgpack] }]);
  assert.equal(d.parser, "default");
});

test("no throw on garbage bytes and strings, whatever the parser", () => {
  let seed = 99;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  for (const parser of ["auto", "default", "msgpack", "json"] as const)
    for (const rev of [3, 4, 5] as const) {
      const d = new SioDecoder({ rev, parser });
      for (let n = 0; n < 400; n++) {
        const len = Math.floor(rnd() * 24);
        const bytes = new Uint8Array(len);
        for (let i = 0; i < len; i++) bytes[i] = rnd() < 0.3 ? 0x80 + Math.floor(rnd() * 16) : Math.floor(rnd() * 256);
        const msg: string | Uint8Array = rnd() < 0.5 ? bytes : String.fromCharCode(...bytes.map((x) => (x % 2 ? x : 48 + (x % 10))));
        const out = d.push(msg);
        for (const x of out) if (isDecodeError(x)) assert.ok(typeof x.raw === "string" || x.raw instanceof Uint8Array);
      }
    }
});

test("hostile nesting never throws (JSON deeper than the call stack)", () => {
  const deep = "[".repeat(200_000) + "]".repeat(200_000);
  for (const text of [`51-["a",${deep}]`, `2["a",${deep}]`, `30-1${deep}`]) {
    const d = new SioDecoder({ rev: text.startsWith("3") ? 3 : 5 });
    const out = [...d.push(text), ...d.push(Uint8Array.of(1))];
    assert.ok(out.length >= 1);
    for (const x of out) if (isDecodeError(x)) assert.equal(typeof x.reason, "string");
  }
});

test("reconstructData on its own: illegal nums and hostile nesting give null, never a throw", async () => {
  const { reconstructData } = await import("../../protocol/socketio/index.ts");
  assert.deepEqual(reconstructData(["a", { _placeholder: true, num: 0 }], [b(1)]), { data: ["a", b(1)] });
  assert.equal(reconstructData(["a", { _placeholder: true, num: 1 }], [b(1)]), null);
  let deep: unknown = [{ _placeholder: true, num: 0 }];
  for (let i = 0; i < 200_000; i++) deep = [deep];
  assert.equal(reconstructData(deep, [b(1)]), null);
});
