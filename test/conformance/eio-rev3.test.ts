// Conformance, Engine.IO rev 3, against the real parsers:
//   eiop2 = engine.io-parser 2.2.1 (engine.io 3.x, Socket.IO 2.x),
//   eiop1 = engine.io-parser 1.3.2 (Socket.IO 1.x: double-UTF-8 text payloads with byte
//           lengths, binary payloads for every XHR2 poll, wtf-8 for lone surrogates).
// (a) they encode, we decode; (b) we encode, they decode. Structures must be equal.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import fc from "fast-check";
import { decodeEioPacket, decodeEioPayload, encodeEioPacket, encodeEioPayload, type EioPacket } from "../../protocol/engineio/index.ts";
import { isDecodeError } from "../../protocol/types.ts";
import { normalize, packetArb, plain, toBuffer, wellFormed, wellFormedPacket } from "./eio-arbitraries.ts";

type Cb<T> = (x: T) => void;
interface OldParser {
  encodePacket(p: unknown, supportsBinary: boolean, utf8encode: boolean, cb: Cb<string | Buffer>): void;
  decodePacket(data: string | Buffer, binaryType?: string, utf8decode?: boolean): { type: string; data?: unknown };
  encodePayload(ps: unknown[], supportsBinary: boolean, cb: Cb<string | Buffer>): void;
  decodePayload(data: string | Buffer, cb: (p: { type: string; data?: unknown }, i: number, n: number) => unknown): void;
}
const require = createRequire(import.meta.url);
const eiop2 = require("eiop2") as OldParser;
const eiop1 = require("eiop1") as OldParser;

const RUNS = { numRuns: 300 };

function sync<T>(f: (cb: Cb<T>) => void): T {
  let out: T | undefined;
  let called = false;
  f((x) => {
    out = x;
    called = true;
  });
  assert.ok(called, "the reference parser answered synchronously");
  return out as T;
}

function theirDecode(lib: OldParser, body: string | Buffer): Array<{ type: string; data?: unknown }> {
  const out: Array<{ type: string; data?: unknown }> = [];
  lib.decodePayload(body, (p) => {
    out.push(p);
  });
  return out;
}

const ours = (r: { packets: EioPacket[]; errors: unknown[] }) => {
  assert.deepEqual(r.errors, []);
  return r.packets.map(plain);
};

test("eiop2 WS frames ⇄ ours (text, binary type byte, b4 base64)", () => {
  fc.assert(
    fc.property(packetArb({ lone: true, binaryTypes: true }), fc.boolean(), (p, supportsBinary) => {
      const theirs = sync<string | Buffer>((cb) => eiop2.encodePacket(toBuffer(p), supportsBinary, false, cb));
      const mine = encodeEioPacket(3, p, { supportsBinary });
      assert.deepEqual(typeof mine === "string" ? mine : Buffer.from(mine), theirs, "same frame bytes");
      const dec = decodeEioPacket(3, typeof theirs === "string" ? theirs : new Uint8Array(theirs));
      assert.ok(!isDecodeError(dec));
      assert.deepEqual(plain(dec), plain(p));
      assert.deepEqual(normalize(eiop2.decodePacket(typeof mine === "string" ? mine : Buffer.from(mine))), plain(p));
    }),
    RUNS,
  );
});

test("eiop2 payloads → ours: text (UTF-16 lengths, b4) and XHR2 binary", () => {
  fc.assert(
    fc.property(fc.array(packetArb({ lone: true, binaryTypes: true }), { maxLength: 6 }), fc.boolean(), (ps, supportsBinary) => {
      const body = sync<string | Buffer>((cb) => eiop2.encodePayload(ps.map(toBuffer), supportsBinary, cb));
      const binaryForm = typeof body !== "string";
      const r = decodeEioPayload(3, binaryForm ? new Uint8Array(body) : body, {
        contentType: binaryForm ? "application/octet-stream" : "text/plain; charset=UTF-8",
        doubleUtf8: "never",
      });
      // strings travel as UTF-8 in the binary form: lone surrogates become U+FFFD there
      assert.deepEqual(ours(r), ps.map(binaryForm ? wellFormedPacket : plain));
      assert.equal(r.nonConformant, undefined);
    }),
    RUNS,
  );
});

test("eiop2 text payloads with a char above U+00FF decode the same with the double-UTF-8 guess on", () => {
  fc.assert(
    fc.property(fc.array(packetArb({ binary: false }), { maxLength: 5 }), (ps) => {
      const all = [...ps, { type: "message" as const, data: "東" }];
      const body = sync<string | Buffer>((cb) => eiop2.encodePayload(all, false, cb)) as string;
      const r = decodeEioPayload(3, body);
      assert.deepEqual(ours(r), all.map(plain));
      assert.equal(r.nonConformant, undefined);
      // and as the UTF-8 bytes of the HTTP body
      assert.deepEqual(ours(decodeEioPayload(3, new TextEncoder().encode(body), { contentType: "text/plain; charset=UTF-8" })), all.map(wellFormedPacket));
    }),
    RUNS,
  );
});

test("ours → eiop2: text and XHR2 binary payloads", () => {
  fc.assert(
    fc.property(fc.array(packetArb({ lone: true, binaryTypes: true }), { maxLength: 6 }), fc.boolean(), (ps, supportsBinary) => {
      const mine = encodeEioPayload(3, ps, { supportsBinary });
      const theirsBody = sync<string | Buffer>((cb) => eiop2.encodePayload(ps.map(toBuffer), supportsBinary, cb));
      assert.deepEqual(typeof mine === "string" ? mine : Buffer.from(mine), theirsBody, "byte-identical to the reference encoder");
      const got = theirDecode(eiop2, typeof mine === "string" ? mine : Buffer.from(mine)).map(normalize);
      assert.deepEqual(got, ps.map(typeof mine === "string" ? plain : wellFormedPacket));
    }),
    RUNS,
  );
});

test("eiop1 (Socket.IO 1.x) double-UTF-8 text payloads → ours, as text and as wire bytes", () => {
  fc.assert(
    fc.property(fc.array(packetArb({ lone: true, binaryTypes: true }), { maxLength: 6 }), (ps) => {
      const body = sync<string | Buffer>((cb) => eiop1.encodePayload(ps.map(toBuffer), false, cb)) as string;
      assert.equal(typeof body, "string");
      const want = ps.map(wellFormedPacket);
      const r = decodeEioPayload(3, body);
      assert.deepEqual(ours(r), want);
      const high = /[\u0080-\u00ff]/.test(body);
      assert.equal(r.nonConformant, high ? "double-utf8" : undefined);
      // the HTTP layer UTF-8-encodes the byte string once more: that is what the wire carries
      const wire = new Uint8Array(Buffer.from(body, "utf8"));
      assert.deepEqual(ours(decodeEioPayload(3, wire, { contentType: "text/plain; charset=UTF-8" })), want);
    }),
    RUNS,
  );
});

test("eiop1 binary payloads (every XHR2 poll, text included) → ours", () => {
  fc.assert(
    fc.property(fc.array(packetArb({ lone: true, binaryTypes: true }), { maxLength: 6 }), (ps) => {
      const body = sync<string | Buffer>((cb) => eiop1.encodePayload(ps.map(toBuffer), true, cb)) as Buffer;
      assert.ok(Buffer.isBuffer(body));
      assert.deepEqual(ours(decodeEioPayload(3, new Uint8Array(body), { contentType: "application/octet-stream" })), ps.map(wellFormedPacket));
      // a Buffer given as is: data still come back as plain Uint8Arrays
      for (const p of decodeEioPayload(3, body).packets) if (typeof p.data === "object") assert.equal(Object.getPrototypeOf(p.data), Uint8Array.prototype);
    }),
    RUNS,
  );
});

test("ours (doubleUtf8 / binary form) → eiop1", () => {
  fc.assert(
    fc.property(fc.array(packetArb({ lone: true, binaryTypes: true }), { maxLength: 6 }), (ps) => {
      const text = encodeEioPayload(3, ps, { supportsBinary: false, doubleUtf8: true }) as string;
      const got = theirDecode(eiop1, text).map(normalize);
      assert.deepEqual(got, ps.map(wellFormedPacket));
      if (ps.some((p) => p.data instanceof Uint8Array)) {
        const bin = encodeEioPayload(3, ps, { supportsBinary: true });
        assert.ok(bin instanceof Uint8Array);
        assert.deepEqual(theirDecode(eiop1, Buffer.from(bin)).map(normalize), ps.map(wellFormedPacket));
      }
    }),
    RUNS,
  );
});

test("eiop1 wtf-8 lone surrogate, decoded by both: reference keeps it, we show U+FFFD", () => {
  const body = sync<string | Buffer>((cb) => eiop1.encodePayload([{ type: "message", data: "a\ud800b" }], false, cb)) as string;
  assert.equal(body, "6:4a\u00ed\u00a0\u0080b");
  assert.deepEqual(theirDecode(eiop1, body).map(normalize), [{ type: "message", data: "a\ud800b" }]);
  assert.deepEqual(decodeEioPayload(3, body).packets, [{ type: "message", data: wellFormed("a\ud800b") }]);
});
