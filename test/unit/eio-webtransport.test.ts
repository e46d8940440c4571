// WebTransport stream framing (PROTOCOL.md 5.1, every vector of 12.3).
import { test } from "node:test";
import assert from "node:assert/strict";
import { WebTransportFrameDecoder, encodeWebTransportFrame, type EioPacket } from "../../protocol/engineio/index.ts";
import { isDecodeError, type DecodeError } from "../../protocol/types.ts";

const u8 = (...b: number[]) => new Uint8Array(b);
const ascii = (s: string) => Array.from(s, (c) => c.charCodeAt(0));
const cat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
};
const big = (n: number) => new Uint8Array(n).map((_, i) => (i * 7) & 0xff);

function decodeAll(chunks: Uint8Array[]): Array<EioPacket | DecodeError> {
  const d = new WebTransportFrameDecoder();
  return chunks.flatMap((c) => d.push(c));
}

/** Every way of cutting `bytes` into 1-byte, 2-byte … pieces, plus all two-piece splits. */
function splits(bytes: Uint8Array): Uint8Array[][] {
  const out: Uint8Array[][] = [[bytes]];
  for (let k = 1; k < bytes.length; k++) out.push([bytes.subarray(0, k), bytes.subarray(k)]);
  for (const step of [1, 2, 3]) {
    const parts: Uint8Array[] = [];
    for (let i = 0; i < bytes.length; i += step) parts.push(bytes.subarray(i, i + step));
    out.push(parts);
  }
  return out;
}

const VECTORS: Array<[string, Uint8Array, EioPacket]> = [
  ["open (client, new session) 01 30", u8(0x01, 0x30), { type: "open" }],
  ["open (client, upgrade of sid abc) 0e 0{…}", u8(0x0e, ...ascii('0{"sid":"abc"}')), { type: "open", data: '{"sid":"abc"}' }],
  ["message 40: 03 34 34 30", u8(0x03, 0x34, 0x34, 0x30), { type: "message", data: "40" }],
  ["binary [1,2,3]: 83 01 02 03", u8(0x83, 1, 2, 3), { type: "message", data: u8(1, 2, 3) }],
  ["message 1€: 05 34 31 e2 82 ac", u8(0x05, 0x34, 0x31, 0xe2, 0x82, 0xac), { type: "message", data: "1€" }],
  ["2probe: 06 32 70 72 6f 62 65", u8(0x06, 0x32, 0x70, 0x72, 0x6f, 0x62, 0x65), { type: "ping", data: "probe" }],
];

test("12.3 / 5.1 vectors decode, whole and split at every byte", () => {
  for (const [name, bytes, want] of VECTORS) {
    for (const chunks of splits(bytes)) assert.deepEqual(decodeAll(chunks), [want], name);
  }
});

test("12.3: 12345-byte binary frame `fe 30 39`, text counterpart `7e 30 39`", () => {
  const data = big(12345);
  const frame = cat(u8(0xfe, 0x30, 0x39), data);
  for (const chunks of [[frame], [frame.subarray(0, 1), frame.subarray(1, 2), frame.subarray(2, 5000), frame.subarray(5000)]])
    assert.deepEqual(decodeAll(chunks), [{ type: "message", data }]);
  const text = "4" + "x".repeat(12344);
  assert.deepEqual(decodeAll([cat(u8(0x7e, 0x30, 0x39), new TextEncoder().encode(text))]), [{ type: "message", data: "x".repeat(12344) }]);
  assert.deepEqual(encodeWebTransportFrame({ type: "message", data }).subarray(0, 3), u8(0xfe, 0x30, 0x39));
  assert.deepEqual(encodeWebTransportFrame({ type: "message", data: "x".repeat(12344) }).subarray(0, 3), u8(0x7e, 0x30, 0x39));
});

test("5.1: 64-bit length `ff 00 00 00 00 07 5b cd 15` (123456789 bytes) header", () => {
  const d = new WebTransportFrameDecoder();
  assert.deepEqual(d.push(u8(0xff, 0, 0, 0, 0, 0x07, 0x5b, 0xcd)), []);
  assert.deepEqual(d.push(u8(0x15, 1, 2, 3)), [], "payload still incomplete");
  assert.equal(d.idle, false);
  // a 70000-byte frame uses the 64-bit form too (≥ 65536)
  const data = big(70000);
  const f = encodeWebTransportFrame({ type: "message", data });
  assert.deepEqual(f.subarray(0, 9), u8(0xff, 0, 0, 0, 0, 0, 0x01, 0x11, 0x70));
  assert.deepEqual(decodeAll([f.subarray(0, 4), f.subarray(4, 9), f.subarray(9)]), [{ type: "message", data }]);
});

test("encodeWebTransportFrame gives the 12.3 / 5.1 bytes", () => {
  for (const [name, bytes, packet] of VECTORS) assert.deepEqual(encodeWebTransportFrame(packet), bytes, name);
  assert.deepEqual(encodeWebTransportFrame({ type: "message", data: u8(...new Array(125).fill(9)) }).subarray(0, 1), u8(0xfd));
  assert.deepEqual(encodeWebTransportFrame({ type: "message", data: u8(...new Array(126).fill(9)) }).subarray(0, 3), u8(0xfe, 0x00, 0x7e));
  assert.deepEqual(encodeWebTransportFrame({ type: "message", data: big(65535) }).subarray(0, 3), u8(0xfe, 0xff, 0xff));
});

test("several frames in one chunk, frames split across chunks, state kept", () => {
  const all = cat(...VECTORS.map((v) => v[1]));
  for (const chunks of splits(all)) assert.deepEqual(decodeAll(chunks), VECTORS.map((v) => v[2]));
});

test("errors: length 0 (skipped, stream continues), > maxPayload (skipped), > 2^53-1 (stream abandoned)", () => {
  const d = new WebTransportFrameDecoder();
  const out = d.push(u8(0x00, 0x01, 0x32, 0x80, 0x01, 0x33));
  assert.equal(out.length, 4);
  assert.ok(isDecodeError(out[0]));
  assert.equal((out[0] as DecodeError).offset, 0);
  assert.equal((out[0] as DecodeError).layer, "webtransport");
  assert.deepEqual(out[1], { type: "ping" });
  assert.ok(isDecodeError(out[2]), "binary flag with length 0");
  assert.equal((out[2] as DecodeError).offset, 3);
  assert.deepEqual(out[3], { type: "pong" });

  const m = new WebTransportFrameDecoder({ maxPayload: 4 });
  const o2 = [...m.push(u8(0x05, 0x34, 0x61, 0x62)), ...m.push(u8(0x63, 0x64, 0x02, 0x34, 0x7a))];
  assert.equal(o2.length, 2);
  assert.ok(isDecodeError(o2[0]));
  assert.deepEqual(o2[1], { type: "message", data: "z" });

  const h = new WebTransportFrameDecoder();
  const o3 = h.push(u8(0x7f, 0x00, 0x20, 0, 0, 0, 0, 0, 0)); // 2^53
  assert.equal(o3.length, 1);
  assert.ok(isDecodeError(o3[0]));
  assert.equal(h.failed, true);
  assert.deepEqual(h.push(u8(0x01, 0x32)), []);
  // exactly 2^53-1 is a valid length (only incomplete here)
  const ok = new WebTransportFrameDecoder();
  assert.deepEqual(ok.push(u8(0x7f, 0x00, 0x1f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x34)), []);
  assert.equal(ok.failed, false);
});

test("a bad text packet inside a good frame is an error and the next frame still decodes", () => {
  const out = decodeAll([u8(0x02, 0x39, 0x39, 0x01, 0x36)]);
  assert.ok(isDecodeError(out[0]));
  assert.deepEqual(out[1], { type: "noop" });
});

test("garbage never throws", () => {
  let seed = 11;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  for (let k = 0; k < 500; k++) {
    const d = new WebTransportFrameDecoder({ maxPayload: 1000 });
    for (let j = 0; j < 5; j++) {
      const c = new Uint8Array(Math.floor(rnd() * 20)).map(() => Math.floor(rnd() * 256));
      for (const x of d.push(c)) assert.ok(isDecodeError(x) || typeof x.type === "string");
    }
  }
  assert.ok(isDecodeError(new WebTransportFrameDecoder().push("x" as unknown as Uint8Array)[0]));
});
