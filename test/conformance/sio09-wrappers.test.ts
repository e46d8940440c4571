// The 0.9 server's own body wrappers (socket.io 0.9.19 lib/transports/jsonp-polling.js
// doWrite, htmlfile.js write) called on random payloads: our unwrappers must give the
// payloads back exactly, and any prefix of an htmlfile stream must give a prefix of them.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import fc from "fast-check";
import { encodeSio09Payload, parseSio09Jsonp, unwrapSio09Body, unwrapSio09Htmlfile, decodeSio09PayloadDetailed, type Sio09Packet } from "../../protocol/sio09/index.ts";
import { isDecodeError } from "../../protocol/types.ts";

const require = createRequire(import.meta.url);
type Proto = Record<string, (this: unknown, ...a: unknown[]) => unknown>;
const JSONPPolling = require("sio09/lib/transports/jsonp-polling.js") as { prototype: Proto };
const HTMLFile = require("sio09/lib/transports/htmlfile.js") as { prototype: Proto };

/** What jsonp-polling writes for `payload` with callback index `i` (the real doWrite on a recording response). */
function realJsonp(payload: string, i: number): string {
  let out = "";
  const self = {
    head: `io.j[${i}](`,
    foot: ");",
    clearPollTimeout() {},
    log: { debug() {} },
    response: { writeHead() {}, write(d: string) { out += d; } },
  };
  JSONPPolling.prototype.doWrite!.call(self, payload);
  return out;
}

/** What htmlfile writes for each payload (the real write on a recording response), after the real preamble text. */
function realHtmlfile(payloads: string[]): string {
  let out = "<html><body><script>var _ = function (msg) { parent.s._(msg, document); };</script>" + new Array(174).join(" ");
  const self = { log: { debug() {} }, response: { write(d: string) { out += d; return true; } } };
  for (const p of payloads) HTMLFile.prototype.write!.call(self, p);
  return out;
}

const text = fc.oneof(
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.string({ unit: fc.constantFrom("a", "/", "<", ">", "</script>", '"', "\\", "\u2028", "\u2029", "\ufffd", "🎉", "\ud800", "\n", ":", ")", ";"), maxLength: 30 }),
);

test("jsonp-polling: io.j[i](…) from the real doWrite unwraps to the payload", () => {
  fc.assert(
    fc.property(text, fc.nat(99), (payload, i) => {
      const body = realJsonp(payload, i);
      assert.deepEqual(parseSio09Jsonp(body), { index: i, value: payload });
      assert.deepEqual(unwrapSio09Body(body, "jsonp"), [payload]);
    }),
    { numRuns: 500 },
  );
});

test("htmlfile: the real write's chunks unwrap to the payloads, and every prefix to a prefix of them", () => {
  fc.assert(
    fc.property(fc.array(text, { maxLength: 5 }), fc.double({ min: -0.25, max: 1, noNaN: true }), (payloads, cut) => {
      const body = realHtmlfile(payloads);
      assert.deepEqual(unwrapSio09Body(body, "htmlfile"), payloads);
      // cut < 0: inside the preamble; cut ≥ 0: somewhere in the script chunks
      const pre = realHtmlfile([]).length;
      const at = cut < 0 ? Math.floor(pre * -cut * 4) : pre + Math.floor((body.length - pre) * cut);
      const prefix = body.slice(0, at);
      const r = unwrapSio09Htmlfile(prefix);
      assert.deepEqual(r.errors, []);
      assert.deepEqual(r.payloads, payloads.slice(0, r.payloads.length));
      // nothing complete is held back: the rest is shorter than the next whole chunk
      if (r.payloads.length < payloads.length) {
        const next = realHtmlfile(payloads.slice(0, r.payloads.length + 1)).length;
        assert.ok(prefix.length < next);
      }
    }),
    { numRuns: 500 },
  );
});

test("framing written with code-point or UTF-8 lengths (third-party servers) decodes to the same packets, flagged", () => {
  // When the wrong lengths happen to add up as UTF-16 too, the text is ambiguous: we then
  // decode it as the real 0.9 parser (and so the real client) does.
  const parser = require("sio09/lib/parser.js") as { decodePayload(s: string): Array<{ data?: string }> };
  const msg = fc.string({ unit: fc.constantFrom("a", "é", "東", "🎉", ":", "\ufffd"), minLength: 1, maxLength: 12 });
  let flagged = 0;
  fc.assert(
    fc.property(fc.array(msg, { minLength: 2, maxLength: 5 }), fc.constantFrom("codepoints", "utf8"), (datas, unit) => {
      const packets = datas.map((d) => "3:::" + d);
      const len = (s: string): number => (unit === "codepoints" ? [...s].length : new TextEncoder().encode(s).length);
      const wire = packets.map((p) => `\ufffd${len(p)}\ufffd${p}`).join("");
      const r = decodeSio09PayloadDetailed(wire);
      const got = r.items.map((p) => (isDecodeError(p) ? p : (p as Sio09Packet).data));
      if (r.nonConformant) {
        flagged++;
        assert.equal(r.nonConformant, unit === "codepoints" ? "codepoint-lengths" : "utf8-byte-lengths");
        assert.deepEqual(got, datas);
      } else {
        assert.deepEqual(got, parser.decodePayload(wire).map((p) => p.data));
        if (wire !== encodeSio09Payload(packets)) assert.notDeepEqual(got, datas); // ambiguous case, decoded as UTF-16
      }
    }),
    { numRuns: 300 },
  );
  assert.ok(flagged > 100, `only ${flagged} of 300 payloads needed the other unit`);
});
