// Conformance, Engine.IO rev 4, against the real engine.io-parser 5.2.3 (eiop5): WebSocket
// frames, \x1e payloads and the WebTransport stream framing (its TransformStreams).
// (a) they encode, we decode; (b) we encode, they decode. Structures must be equal.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import * as eiop5 from "eiop5";
import {
  decodeEioPacket,
  decodeEioPayload,
  encodeEioPacket,
  encodeEioPayload,
  encodeWebTransportFrame,
  WebTransportFrameDecoder,
  type EioPacket,
} from "../../protocol/engineio/index.ts";
import { isDecodeError } from "../../protocol/types.ts";
import { normalize, packetArb, plain, toBuffer } from "./eio-arbitraries.ts";

const RUNS = { numRuns: 300 };
type Their = Parameters<typeof eiop5.encodePacket>[0];

function theirEncodePacket(p: EioPacket, supportsBinary: boolean): string | Uint8Array {
  let out: unknown;
  eiop5.encodePacket(toBuffer(p) as Their, supportsBinary, (x) => (out = x));
  return typeof out === "string" ? out : new Uint8Array(out as Uint8Array);
}

function theirEncodePayload(ps: EioPacket[]): string {
  let out: string | undefined;
  eiop5.encodePayload(ps.map(toBuffer) as Their[], (x) => (out = x));
  assert.equal(typeof out, "string");
  return out!;
}

test("eiop5 WS frames ⇄ ours (text with any char incl. U+001E, raw binary, b<base64>)", () => {
  fc.assert(
    fc.property(packetArb({ rs: true, lone: true }), fc.boolean(), (p, supportsBinary) => {
      const theirs = theirEncodePacket(p, supportsBinary);
      const mine = encodeEioPacket(4, p, { supportsBinary });
      assert.deepEqual(typeof mine === "string" ? mine : Uint8Array.from(mine), theirs);
      const dec = decodeEioPacket(4, theirs);
      assert.ok(!isDecodeError(dec));
      assert.deepEqual(plain(dec), plain(p));
      const back = eiop5.decodePacket(typeof mine === "string" ? mine : Buffer.from(mine));
      assert.deepEqual(normalize(back), plain(p));
      const backAb = eiop5.decodePacket(typeof mine === "string" ? mine : (Uint8Array.from(mine).buffer as ArrayBuffer), "arraybuffer");
      assert.deepEqual(normalize(backAb), plain(p));
    }),
    RUNS,
  );
});

test("eiop5 payloads → ours (no U+001E in text)", () => {
  fc.assert(
    fc.property(fc.array(packetArb({ lone: true }), { minLength: 1, maxLength: 8 }), (ps) => {
      const body = theirEncodePayload(ps);
      const r = decodeEioPayload(4, body);
      assert.deepEqual(r.errors, []);
      assert.deepEqual(r.packets.map(plain), ps.map(plain));
      // as UTF-8 bytes of the HTTP body, lone surrogates become U+FFFD on the way
      const rb = decodeEioPayload(4, new TextEncoder().encode(body), { contentType: "text/plain; charset=UTF-8" });
      assert.deepEqual(rb.errors, []);
      assert.equal(rb.packets.length, ps.length);
    }),
    RUNS,
  );
});

test("ours → eiop5 payloads: identical text, same packets back", () => {
  fc.assert(
    fc.property(fc.array(packetArb({ lone: true }), { minLength: 1, maxLength: 8 }), (ps) => {
      const mine = encodeEioPayload(4, ps);
      assert.equal(mine, theirEncodePayload(ps));
      assert.equal(typeof mine, "string");
      assert.deepEqual(eiop5.decodePayload(mine as string).map(normalize), ps.map(plain));
    }),
    RUNS,
  );
});

test("eiop5 payload decoding of garbage vs ours: same packets up to the first error", () => {
  fc.assert(
    fc.property(fc.string({ unit: fc.constantFrom("\x1e", "4", "b", "2", "x", "A", "Q", "=", "9", "{", "é"), maxLength: 16 }), (s) => {
      const theirs = eiop5.decodePayload(s);
      const errAt = theirs.findIndex((p) => (p.type as string) === "error");
      const r = decodeEioPayload(4, s);
      if (s === "") {
        assert.equal(r.errors.length, 1);
        return;
      }
      const good = errAt < 0 ? theirs : theirs.slice(0, errAt);
      // Buffer.from(…, "base64") skips bad chars where we report them: compare only when
      // every base64 piece is well-formed
      const wellFormed = /^b(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}(?:==)?|[A-Za-z0-9+/]{3}=?)?$/;
      if (s.split("\x1e").some((piece) => piece.startsWith("b") && !wellFormed.test(piece))) return;
      assert.deepEqual(r.packets.map(plain), good.map(normalize));
      assert.equal(r.errors.length, errAt < 0 ? 0 : 1);
    }),
    { numRuns: 500 },
  );
});

async function pipe<I, O>(stream: TransformStream<I, O>, inputs: I[]): Promise<O[]> {
  const out: O[] = [];
  const reading = (async () => {
    const reader = stream.readable.getReader();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      out.push(value);
    }
  })();
  const writer = stream.writable.getWriter();
  for (const x of inputs) await writer.write(x);
  await writer.close();
  await reading;
  return out;
}

function cut(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const c of at) {
    out.push(bytes.slice(prev, c));
    prev = c;
  }
  out.push(bytes.slice(prev));
  // a stream never delivers empty chunks (and eiop5's decoder misreads them)
  return out.filter((c) => c.length > 0);
}

// An empty binary message would be a 0-length frame, which both decoders reject: not sendable.
const wtPacketArb = fc.oneof(
  packetArb({ rs: true }).filter((p) => !(p.data instanceof Uint8Array && p.data.length === 0)),
  fc.uint8Array({ minLength: 126, maxLength: 70000 }).map((data): EioPacket => ({ type: "message", data })),
  fc.string({ unit: "grapheme-ascii", minLength: 130, maxLength: 300 }).map((data): EioPacket => ({ type: "message", data })),
);

test("WebTransport: eiop5 createPacketEncoderStream → ours, split anywhere", async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(wtPacketArb, { minLength: 1, maxLength: 5 }), fc.array(fc.nat(), { maxLength: 6 }), async (ps, cuts) => {
      const chunks = (await pipe(eiop5.createPacketEncoderStream(), ps.map(toBuffer) as Their[])) as Uint8Array[];
      const bytes = Buffer.concat(chunks.map((c) => Buffer.from(c.buffer, c.byteOffset, c.byteLength)));
      const d = new WebTransportFrameDecoder();
      const got = cut(new Uint8Array(bytes), cuts).flatMap((c) => d.push(c));
      assert.deepEqual(got.map((p) => (isDecodeError(p) ? p : plain(p))), ps.map(plain));
      assert.ok(d.idle);
      // our frame encoder writes the same bytes
      assert.deepEqual(Buffer.concat(ps.map((p) => encodeWebTransportFrame(p))), bytes);
    }),
    { numRuns: 100 },
  );
});

test("WebTransport: ours → eiop5 createPacketDecoderStream", async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(wtPacketArb, { minLength: 1, maxLength: 5 }), fc.array(fc.nat(), { maxLength: 6 }), async (ps, cuts) => {
      const bytes = new Uint8Array(Buffer.concat(ps.map((p) => encodeWebTransportFrame(p))));
      const got = await pipe(eiop5.createPacketDecoderStream(1e9, "nodebuffer"), cut(bytes, cuts));
      // text frames are UTF-8: lone surrogates (none generated here) would become U+FFFD
      assert.deepEqual(got.map((p) => normalize(p as { type: string; data?: unknown })), ps.map(plain));
    }),
    { numRuns: 100 },
  );
});
