// No decoder of the protocol engine throws, whatever it is fed: fast-check drives every
// target of test/fuzz/targets.ts with arbitrary text (lone surrogates included), arbitrary
// bytes and mutations of valid inputs, ~2,000 cases each. The long run is `npm run fuzz`.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { TARGETS, badErrors, type FuzzInput, type FuzzTarget } from "../fuzz/targets.ts";
import { mutate, rng } from "../fuzz/generate.ts";

const RUNS = 2000;

function inputs(t: FuzzTarget): fc.Arbitrary<FuzzInput> {
  const text = fc.oneof(fc.string({ unit: "binary", maxLength: 80 }), fc.string({ unit: "grapheme-ascii", maxLength: 80 }));
  const bytes = fc.uint8Array({ maxLength: 80 });
  const mutated = fc
    .tuple(fc.nat(t.seeds.length - 1), fc.integer())
    .map(([k, s]) => mutate(rng(s), t.seeds[k]!, t.seeds));
  const raw = t.accepts === "text" ? text : t.accepts === "bytes" ? bytes : fc.oneof(text, bytes);
  return t.seeds.length ? fc.oneof(raw, mutated, fc.constantFrom(...t.seeds)) : raw;
}

test("the fuzz targets cover every codec layer", () => {
  const names = TARGETS.map((t) => t.name);
  for (const prefix of ["sio09.", "detect.", "eio.", "sio."]) {
    assert.ok(names.some((n) => n.startsWith(prefix)), prefix);
  }
  assert.ok(TARGETS.length >= 30);
});

for (const t of TARGETS) {
  test(`${t.name} never throws and returns well-formed DecodeErrors`, () => {
    fc.assert(
      fc.property(inputs(t), fc.integer({ min: 0, max: 1023 }), (input, variant) => {
        const res = t.run(input, variant);
        assert.deepEqual(badErrors(res), []);
      }),
      { numRuns: RUNS },
    );
  });
}
