// The bench's statistics (test/bench/hook-bench.ts): what the printed intervals rest on.
import { test } from "node:test";
import assert from "node:assert/strict";
import { blockBootstrap, geomean } from "../bench/hook-bench.ts";

test("blockBootstrap: strata keep a balanced design's blocking factor out of the interval", () => {
  // two launch orders, each shifting its blocks' rounds by the same factor the other way, and a
  // little spread within each block
  const ext = [0.9, 0.91, 0.89];
  const plain = [1.1, 1.11, 1.09];
  const blocks = [ext, plain, ext, plain, ext, plain];
  const order = blocks.map((_, b) => b % 2);
  const mean = geomean(blocks.flat());
  const [lo, hi] = blockBootstrap(blocks, order);
  assert.ok(lo <= mean && mean <= hi, `the mean ${mean} lies in [${lo}, ${hi}]`);
  assert.ok(hi - lo < 0.02, `stratified, only the within-block spread is left: ${lo}–${hi}`);
  const [nlo, nhi] = blockBootstrap(blocks);
  assert.ok(nhi - nlo > 0.08, `without strata, unbalanced resamples widen it: ${nlo}–${nhi}`);
});

test("blockBootstrap: the spread between blocks of one stratum stays in the interval", () => {
  const blocks = [[0.8, 0.8], [1.0, 1.0], [1.2, 1.2], [0.8, 0.8], [1.0, 1.0], [1.2, 1.2]];
  const [lo, hi] = blockBootstrap(blocks, [0, 0, 0, 1, 1, 1]);
  assert.ok(hi - lo > 0.1, `blocks that differ within a stratum widen it: ${lo}–${hi}`);
});
