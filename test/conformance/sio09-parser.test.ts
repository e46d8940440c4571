// Our Socket.IO 0.9 codec against the real ones: socket.io 0.9.19 lib/parser.js (server)
// and socket.io-client 0.9.17 lib/parser.js (browser, loaded in a vm context as a browser
// would: `io.JSON`, `io.util`). Theirs encodes → ours decodes, ours encodes → theirs
// decodes, and the encoders write the same text, over random packets (emoji, lone
// surrogates, ':' in data, endpoints, every type).
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import vm from "node:vm";
import fc from "fast-check";
import {
  decodeSio09Packet,
  decodeSio09Payload,
  encodeSio09Packet,
  encodeSio09Payload,
  SIO09_TYPE_NAMES,
  type Sio09Packet,
  type Sio09PacketInput,
  type Sio09PacketType,
} from "../../protocol/sio09/index.ts";
import { isDecodeError, type DecodeError } from "../../protocol/types.ts";

const require = createRequire(import.meta.url);
interface TheirPacket {
  type?: string;
  id?: string;
  ack?: true | "data";
  endpoint?: string;
  data?: unknown;
  qs?: string;
  name?: string;
  args?: unknown[];
  ackId?: string;
  reason?: string;
  advice?: string;
}
const parser = require("sio09/lib/parser.js") as {
  encodePacket(p: TheirPacket): string;
  decodePacket(s: string): TheirPacket;
  encodePayload(ps: string[]): string;
  decodePayload(s: string): TheirPacket[];
};

type TheirParser = typeof parser;
/** The browser client's parser: util.js + parser.js evaluated with a global `io`, as in the browser bundle. */
const clientParser = ((): TheirParser => {
  const ctx = vm.createContext({ io: { JSON }, JSON }) as { io: { parser: TheirParser } };
  for (const f of ["util.js", "parser.js"]) {
    vm.runInContext(readFileSync(require.resolve(`sio09-client/lib/${f}`), "utf8"), ctx, { filename: f });
  }
  return ctx.io.parser;
})();
/** Objects made inside the vm context have its prototypes: clone them into this realm before comparing. */
const here = <T>(x: T): T => structuredClone(x);

const RUNS = 400;

// text that stresses the codec: emoji (surrogate pairs), lone surrogates, the grammar's
// own delimiters, U+FFFD (the framing separator) and newlines
const tricky = fc.string({
  unit: fc.constantFrom("a", "Z", "0", "9", ":", "+", "?", "/", "=", "&", "🎉", "é", "東", "\ud800", "\udfff", "\ufffd", "\n", '"', "\\", " "),
  maxLength: 24,
});
const text = fc.oneof(tricky, fc.string({ unit: "binary", maxLength: 24 }), fc.string({ maxLength: 24 }));
// the real grammar: an endpoint is `[^:]+`
const endpoint = fc.oneof(fc.constant(""), text.map((s) => "/" + s.replace(/:/g, "")));
const json = fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.parse(JSON.stringify(v)) as unknown);
const args = fc.array(json, { maxLength: 4 });
const idAck = fc.oneof(
  fc.constant({}),
  fc.record({ id: fc.nat().map(String), ack: fc.constantFrom(true as const, "data" as const) }),
);

/** A packet in the real parser's object form, for every type. */
const theirPacket: fc.Arbitrary<TheirPacket> = fc
  .tuple(fc.integer({ min: 0, max: 8 }), endpoint, idAck, text, json, args, fc.nat().map(String))
  .chain(([t, ep, ia, s, j, a, ackId]) => {
    const base: TheirPacket = { type: SIO09_TYPE_NAMES[t], endpoint: ep, ...ia };
    switch (t) {
      case 1:
        return fc.constantFrom("", "?my=param", "?" + s).map((qs) => ({ ...base, qs }));
      case 3:
        return fc.constant({ ...base, data: s });
      case 4:
        return fc.constant({ ...base, data: j });
      case 5:
        return fc.constant({ ...base, name: s, args: a });
      case 6:
        return fc.constant({ ...base, ackId, args: a });
      case 7:
        return fc
          .tuple(
            fc.constantFrom(undefined, "transport not supported", "client not handshaken", "unauthorized"),
            fc.constantFrom(undefined, "reconnect"),
          )
          .map(([reason, advice]) => ({ ...base, ...(reason ? { reason } : {}), ...(advice ? { advice } : {}) }));
      default:
        return fc.constant(base);
    }
  });

/** Their object form → our encoder input. */
function toOurs(p: TheirPacket): Sio09PacketInput {
  const type = SIO09_TYPE_NAMES.indexOf(p.type as (typeof SIO09_TYPE_NAMES)[number]) as Sio09PacketType;
  const o: Sio09PacketInput = { type, endpoint: p.endpoint ?? "" };
  if (p.id !== undefined) o.id = p.id;
  if (p.ack !== undefined) o.ack = p.ack;
  if (p.qs !== undefined) o.qs = p.qs;
  if (p.name !== undefined) o.name = p.name;
  if (p.args !== undefined) o.args = p.args;
  if (p.ackId !== undefined) o.ackId = p.ackId;
  if (p.reason !== undefined) o.reason = p.reason;
  if (p.advice !== undefined) o.advice = p.advice;
  if (type === 4) o.json = p.data;
  else if (typeof p.data === "string") o.data = p.data;
  return o;
}

/** One comparable shape for a packet decoded by either side. */
function canonTheirs(p: TheirPacket): Record<string, unknown> {
  const c: Record<string, unknown> = { type: p.type, endpoint: p.endpoint ?? "", id: p.id, ack: p.ack };
  switch (p.type) {
    case "message":
      c.data = p.data;
      break;
    case "json":
      c.json = p.data;
      break;
    case "connect":
      c.qs = p.qs;
      break;
    case "event":
      c.name = p.name;
      c.args = p.args;
      break;
    case "ack":
      c.ackId = p.ackId;
      c.args = p.args;
      break;
    case "error":
      c.reason = p.reason ?? "";
      c.advice = p.advice ?? "";
      break;
  }
  return c;
}
function canonOurs(p: Sio09Packet | DecodeError): Record<string, unknown> {
  if (isDecodeError(p)) assert.fail(`our decoder refused ${JSON.stringify(p.raw)}: ${p.reason} at ${p.offset}`);
  const c: Record<string, unknown> = { type: p.typeName, endpoint: p.endpoint, id: p.id, ack: p.ack };
  switch (p.type) {
    case 3:
      c.data = p.data;
      break;
    case 4:
      c.json = p.json;
      break;
    case 1:
      c.qs = p.qs;
      break;
    case 5:
      c.name = p.name;
      c.args = p.args;
      break;
    case 6:
      c.ackId = p.ackId;
      c.args = p.args;
      break;
    case 7:
      c.reason = p.reason ?? "";
      c.advice = p.advice ?? "";
      break;
  }
  return c;
}

test("their encodePacket → our decodeSio09Packet: same structure as their decodePacket", () => {
  fc.assert(
    fc.property(theirPacket, (p) => {
      const wire = parser.encodePacket(p);
      assert.deepEqual(canonOurs(decodeSio09Packet(wire)), canonTheirs(parser.decodePacket(wire)));
    }),
    { numRuns: RUNS },
  );
});

test("our encodeSio09Packet writes exactly what their encodePacket writes, and they decode it", () => {
  fc.assert(
    fc.property(theirPacket, (p) => {
      const ours = encodeSio09Packet(toOurs(p));
      assert.equal(ours, parser.encodePacket(p));
      assert.deepEqual(canonTheirs(parser.decodePacket(ours)), canonOurs(decodeSio09Packet(ours)));
    }),
    { numRuns: RUNS },
  );
});

test("decoded packets round-trip through our encoder to the same wire text", () => {
  fc.assert(
    fc.property(theirPacket, (p) => {
      const wire = parser.encodePacket(p);
      const d = decodeSio09Packet(wire);
      assert.ok(!isDecodeError(d));
      assert.equal(encodeSio09Packet(d), wire);
    }),
    { numRuns: RUNS },
  );
});

test("their encodePayload → our decodeSio09Payload (UTF-16 lengths with emoji and lone surrogates)", () => {
  fc.assert(
    fc.property(fc.array(theirPacket, { minLength: 1, maxLength: 6 }), (ps) => {
      const wire = parser.encodePayload(ps.map((p) => parser.encodePacket(p)));
      const ours = decodeSio09Payload(wire);
      const theirs = parser.decodePayload(wire);
      assert.equal(ours.length, ps.length);
      assert.deepEqual(ours.map(canonOurs), theirs.map(canonTheirs));
    }),
    { numRuns: RUNS },
  );
});

test("our encodeSio09Payload → their decodePayload, and equal to their encodePayload", () => {
  fc.assert(
    fc.property(fc.array(theirPacket, { minLength: 1, maxLength: 6 }), (ps) => {
      const ours = encodeSio09Payload(ps.map(toOurs));
      assert.equal(ours, parser.encodePayload(ps.map((p) => parser.encodePacket(p))));
      const theirs = parser.decodePayload(ours);
      assert.deepEqual(theirs.map(canonTheirs), decodeSio09Payload(ours).map(canonOurs));
    }),
    { numRuns: RUNS },
  );
});

test("the `undefined` error reason: their encoder writes it, their decoder drops it, ours keeps it", () => {
  const wire = parser.encodePacket({ type: "error", endpoint: "/chat", reason: "Not allowed" });
  assert.equal(wire, "7::/chat:undefined");
  assert.equal(encodeSio09Packet({ type: 7, endpoint: "/chat", reason: "Not allowed" }), wire);
  assert.equal(parser.decodePacket(wire).reason, "");
  const ours = decodeSio09Packet(wire) as Sio09Packet;
  assert.equal(ours.endpoint, "/chat");
  assert.equal(ours.reason, "undefined");
});

test("the endpoint regex quirk and ':' in data agree with the real decoder", () => {
  for (const wire of ["1::/test?my=param", "1::/test:?my=param", "3:::a:b:c", "3:5+:/x:y:z", "5:::{\"name\":\"a:b\",\"args\":[\":\"]}"]) {
    assert.deepEqual(canonOurs(decodeSio09Packet(wire)), canonTheirs(parser.decodePacket(wire)), wire);
  }
});

test("client parser: its encodePacket → our decoder agrees with its decodePacket", () => {
  fc.assert(
    fc.property(theirPacket, (p) => {
      const wire = clientParser.encodePacket(p);
      assert.deepEqual(canonOurs(decodeSio09Packet(wire)), here(canonTheirs(clientParser.decodePacket(wire))));
    }),
    { numRuns: RUNS },
  );
});

test("client parser: our encoders write what it writes, and it decodes our payloads", () => {
  fc.assert(
    fc.property(fc.array(theirPacket, { minLength: 1, maxLength: 5 }), (ps) => {
      for (const p of ps) assert.equal(encodeSio09Packet(toOurs(p)), clientParser.encodePacket(p));
      const ours = encodeSio09Payload(ps.map(toOurs));
      assert.equal(ours, clientParser.encodePayload(ps.map((p) => clientParser.encodePacket(p))));
      assert.deepEqual(here(clientParser.decodePayload(ours).map(canonTheirs)), decodeSio09Payload(ours).map(canonOurs));
    }),
    { numRuns: RUNS },
  );
});

test("client parser quirk: an unknown error reason is written -1 (the server writes undefined); ours keeps the text", () => {
  const wire = clientParser.encodePacket({ type: "error", endpoint: "/x", reason: "custom" });
  assert.equal(wire, "7::/x:-1");
  assert.equal(clientParser.decodePacket(wire).reason, "");
  const ours = decodeSio09Packet(wire) as Sio09Packet;
  assert.equal(ours.reason, "-1");
  assert.equal(ours.reasonCode, "-1");
});
