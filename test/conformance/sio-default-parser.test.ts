// Default parser against the real socket.io-parser lines, both directions, with fast-check:
// siop2 = socket.io-parser 2.3.2 (rev 4, SIO 1.x/2.x), siop3 = 3.4.5 (rev 4, SIO 2.4+),
// siop4 = 4.2.7 (rev 5, SIO 3/4).
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import fc from "fast-check";
import { SioDecoder, decodeSioString, encodeSioPacket, type SioPacket } from "../../protocol/socketio/index.ts";
import { isDecodeError } from "../../protocol/types.ts";
import { ackId, bytes, containsBinary, countBinary, eventName, norm, normPacket, nsp, toBuffer, toU8, value } from "./sio-arbitraries.ts";

const require = createRequire(import.meta.url);
interface RealParser {
  Encoder: new () => { encode(p: object, cb?: (out: unknown[]) => void): unknown[] | undefined };
  Decoder: new () => { add(m: unknown): void; on(ev: string, f: (p: unknown) => void): void; decodeString?(s: string): unknown };
}
const libs: Record<"siop2" | "siop3" | "siop4", RealParser> = {
  siop2: require("siop2"),
  siop3: require("siop3"),
  siop4: require("siop4"),
};
type Lib = keyof typeof libs;
const revOf: Record<Lib, 4 | 5> = { siop2: 4, siop3: 4, siop4: 5 };
const RUNS = 800;

function realEncode(lib: Lib, p: SioPacket): Array<string | Uint8Array> {
  let out: unknown[] | undefined;
  const enc = new libs[lib].Encoder();
  // socket.io-parser 4 picks BINARY_* itself (and writes "5undefined-" if handed one)
  const q = lib === "siop4" && p.type >= 5 ? { ...p, type: p.type === 5 ? 2 : 3 } : { ...p };
  const r = enc.encode(q, (o) => (out = o));
  out ??= r;
  assert.ok(Array.isArray(out), "real encoder answered synchronously");
  return out as Array<string | Uint8Array>;
}

function realDecode(lib: Lib, msgs: Array<string | Uint8Array>): unknown[] {
  const d = new libs[lib].Decoder();
  const got: unknown[] = [];
  d.on("decoded", (p) => got.push(p));
  for (const m of msgs) d.add(lib === "siop4" ? m : toBuffer(m));
  return got;
}

function oursDecode(rev: 4 | 5, msgs: Array<string | Uint8Array>): SioPacket[] {
  const d = new SioDecoder({ rev, parser: "default" });
  const out = msgs.flatMap((m) => d.push(toU8(m)));
  for (const x of out) assert.ok(!isDecodeError(x), JSON.stringify(x));
  assert.equal(d.pendingAttachments, 0);
  return out as SioPacket[];
}

/** Valid packets of a revision; binary EVENT/ACK get type 5/6 for the old encoders (the socket sets it). */
function packet(lib: Lib): fc.Arbitrary<SioPacket> {
  const rev = revOf[lib];
  const lone = true;
  const plain = value({ loneSurrogates: lone });
  // socket.io-parser 2.x only knows Buffer and ArrayBuffer as binary (a Node server hands it Buffers)
  const bin =
    lib === "siop2"
      ? fc.oneof(bytes.map((u) => Buffer.from(u)), bytes.map((u) => u.buffer))
      : fc.oneof(bytes, bytes.map((u) => Buffer.from(u)), bytes.map((u) => u.buffer));
  const withBin = value({ loneSurrogates: lone, binary: bin });
  const args = fc.array(fc.oneof({ weight: 3, arbitrary: plain }, { weight: 2, arbitrary: withBin }), { maxLength: 4 });
  const obj = fc.dictionary(fc.string({ maxLength: 6 }).filter((k) => k !== "__proto__" && k !== "_placeholder"), plain, {
    maxKeys: 4,
    noNullPrototype: true,
  });
  const space = nsp(rev === 4);
  const binType = (p: SioPacket): SioPacket => (containsBinary(p.data) ? { ...p, type: p.type === 2 ? 5 : 6 } : p);
  return fc.oneof(
    fc.record({ type: fc.constant(0 as const), nsp: space, data: obj }, { requiredKeys: ["type", "nsp"] }),
    fc.record({ type: fc.constant(1 as const), nsp: space }),
    fc
      .record({ type: fc.constant(2 as const), nsp: space, id: ackId, name: eventName(lone), args }, { requiredKeys: ["type", "nsp", "name", "args"] })
      .map(({ name, args: a, ...p }) => binType({ ...p, data: [name, ...a] })),
    fc.record({ type: fc.constant(3 as const), nsp: space, id: ackId, data: args }).map(binType),
    fc.record({
      type: fc.constant(4 as const),
      nsp: space,
      data: fc.oneof(
        fc.string(),
        fc.record({ message: fc.string(), data: plain }, { requiredKeys: ["message"] }),
      ),
    }),
  );
}

for (const lib of ["siop2", "siop3", "siop4"] as const) {
  const rev = revOf[lib];

  test(`${lib} encodes → ours decodes (rev ${rev})`, () => {
    fc.assert(
      // socket.io-parser 4 decodes at most 10 attachments by default (maxAttachments, a guard
      // against floods) though its encoder writes more: beyond that the reference has no answer
      fc.property(packet(lib).filter((p) => lib !== "siop4" || countBinary(p.data) <= 10), (p) => {
        const msgs = realEncode(lib, p);
        const ours = oursDecode(rev, msgs);
        assert.equal(ours.length, 1);
        const real = realDecode(lib, msgs);
        assert.equal(real.length, 1);
        assert.deepEqual(normPacket(ours[0]), normPacket(real[0]));
        assert.deepEqual(normPacket(ours[0]), normPacket(p));
        if (containsBinary(p.data)) {
          assert.equal(ours[0]!.type, p.type === 2 || p.type === 5 ? 5 : 6);
          assert.equal(ours[0]!.attachments, countBinary(p.data));
          assert.equal(msgs.length, 1 + countBinary(p.data));
        }
      }),
      { numRuns: RUNS },
    );
  });

  test(`ours encodes → ${lib} decodes (rev ${rev})`, () => {
    fc.assert(
      fc.property(packet(lib), (p) => {
        const msgs = encodeSioPacket(rev, p);
        if (lib !== "siop4") {
          // the old lines produce exactly the same frames for the same packet
          const theirs = realEncode(lib, p);
          assert.deepEqual(msgs.map(norm), theirs.map(norm));
        }
        const real = realDecode(lib, msgs);
        assert.equal(real.length, 1);
        assert.deepEqual(normPacket(real[0]), normPacket(p));
        assert.deepEqual(normPacket(oursDecode(rev, msgs)[0]), normPacket(p));
      }),
      { numRuns: RUNS },
    );
  });
}

test("siop4 text frames are byte-identical to ours", () => {
  fc.assert(
    fc.property(packet("siop4"), (p) => {
      assert.deepEqual(encodeSioPacket(5, p).map(norm), realEncode("siop4", p).map(norm));
    }),
    { numRuns: RUNS },
  );
});

test("differential on header-ish garbage: wherever socket.io-parser 4 accepts, we decode the same; where it refuses, we refuse or flag", () => {
  const tok = fc.constantFrom("0", "1", "2", "3", "4", "5", "6", "7", "9", "12", "-", "/", "/a", ",", "[", "]", '"', "a", "{", "}", ":", '["x"]', '{"a":1}', '"s"', "[1]", "[]");
  const Decoder = libs.siop4.Decoder;
  fc.assert(
    fc.property(fc.array(tok, { maxLength: 8 }).map((a) => a.join("")), (s) => {
      const ours = decodeSioString(5, s);
      let real: unknown;
      let threw = false;
      try {
        real = new Decoder().decodeString!(s);
      } catch {
        threw = true;
      }
      if (!threw) {
        assert.ok(!isDecodeError(ours), `${JSON.stringify(s)}: ${JSON.stringify(ours)}`);
        assert.deepEqual(normPacket(ours), normPacket(real));
      } else if (!isDecodeError(ours)) {
        assert.ok(ours.notes && ours.notes.length > 0, `${JSON.stringify(s)} accepted silently: ${JSON.stringify(ours)}`);
      }
    }),
    { numRuns: 1000 },
  );
});

test("differential on header-ish garbage, rev 4: socket.io-parser 3.4.5 packets match ours; its ERROR packets and throws are our errors", () => {
  const tok = fc.constantFrom("0", "1", "2", "3", "4", "5", "6", "7", "9", "12", "-", "/", "/a", ",", "[", "]", '"', "a", "{", "}", ":", '["x"]', '{"a":1}', '"s"', "[1]", "[]", "null");
  fc.assert(
    fc.property(fc.array(tok, { minLength: 1, maxLength: 8 }).map((a) => a.join("")), (s) => {
      const ours = decodeSioString(4, s);
      const d = new libs.siop3.Decoder();
      const got: unknown[] = [];
      d.on("decoded", (p) => got.push(p));
      let threw = false;
      try {
        d.add(s);
      } catch {
        threw = true;
      }
      const real = got[0] as { type: number; data?: unknown } | undefined;
      const refused = threw || (real !== undefined && real.type === 4 && typeof real.data === "string" && real.data.startsWith("parser error"));
      if (refused) {
        // the old parsers answer an unknown type with an ERROR packet ("parser error: …"), never a throw
        if (!isDecodeError(ours)) assert.ok(ours.notes?.length, `${JSON.stringify(s)} accepted silently`);
      } else if (real !== undefined) {
        assert.ok(!isDecodeError(ours), `${JSON.stringify(s)}: ${JSON.stringify(ours)}`);
        assert.deepEqual(normPacket(ours), normPacket(real));
      } else {
        // a binary header: siop3 waits for attachments, so do we
        assert.ok(!isDecodeError(ours) && ours.attachments !== undefined && ours.attachments > 0, JSON.stringify(ours));
      }
    }),
    { numRuns: 1000 },
  );
});
