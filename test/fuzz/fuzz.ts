// `npm run fuzz`: the long no-throw run over every decoder of the protocol engine.
// Usage: node --import tsx test/fuzz/fuzz.ts [--cases N] [--seed S] [--only substring]
// Default 1,200,000 cases split evenly across the targets of targets.ts: arbitrary text,
// arbitrary bytes and mutated valid inputs. Prints per-decoder counts; exits 1 on any throw,
// printing the failing input (JSON string or hex bytes), the option variant and the stack.
// Malformed DecodeErrors (no reason, negative offset, raw missing) and internal errors that the
// session model caught and turned into diagnostics are reported as warnings (not fatal).
import { TARGETS, badErrors, internalErrors, type FuzzInput } from "./targets.ts";
import { inputFor, rng } from "./generate.ts";
import { toHex } from "../../protocol/bytes.ts";

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1]! : def;
}
const total = Number(arg("--cases", "1200000"));
const seed = Number(arg("--seed", String(Date.now() % 1e9)));
const only = arg("--only", "");
const targets = TARGETS.filter((t) => t.name.includes(only));
const per = Math.ceil(total / targets.length);

const show = (x: FuzzInput): string => (typeof x === "string" ? `text ${JSON.stringify(x)}` : `bytes [${toHex(x, 4096)}]`);

console.log(`fuzz: ${targets.length} decoders × ${per} cases, seed ${seed}`);
const t0 = performance.now();
let cases = 0;
let throws = 0;
let warnings = 0;
for (let ti = 0; ti < targets.length; ti++) {
  const t = targets[ti]!;
  const r = rng(seed + ti * 7919);
  const start = performance.now();
  let failed = 0;
  let bad = 0;
  let internal = 0;
  let slowest = 0;
  let slowestInput: FuzzInput = "";
  for (let i = 0; i < per; i++) {
    const variant = Math.floor(r() * 1024);
    const input = inputFor(r, t.accepts, t.seeds);
    const c0 = performance.now();
    try {
      const res = t.run(input, variant);
      const b = badErrors(res);
      if (b.length) {
        bad++;
        if (bad <= 2) console.log(`  WARN ${t.name}: malformed DecodeError ${JSON.stringify({ ...b[0], raw: undefined })} for ${show(input)} (variant ${variant})`);
      }
      const ie = internalErrors(res);
      if (ie.length) {
        internal++;
        if (internal <= 2) console.log(`  WARN ${t.name}: caught ${ie[0]} for ${show(input)} (variant ${variant})`);
      }
    } catch (e) {
      failed++;
      if (failed <= 3) {
        console.log(`  THROW ${t.name} (variant ${variant}) on ${show(input)}`);
        console.log("   " + String((e as Error)?.stack ?? e).split("\n").slice(0, 6).join("\n   "));
      }
    }
    const dt = performance.now() - c0;
    if (dt > slowest) {
      slowest = dt;
      slowestInput = input;
    }
  }
  cases += per;
  throws += failed;
  warnings += bad + internal;
  const ms = performance.now() - start;
  console.log(
    `${t.name.padEnd(36)} ${String(per).padStart(8)} cases ${ms.toFixed(0).padStart(6)} ms  throws ${failed}  malformed-errors ${bad}${internal ? `  caught-internal-errors ${internal}` : ""}  slowest ${slowest.toFixed(1)} ms (${slowestInput.length} units)`,
  );
}
const secs = (performance.now() - t0) / 1000;
console.log(`fuzz: ${cases} cases in ${secs.toFixed(1)} s, ${throws} throws, ${warnings} warnings (malformed DecodeErrors, internal errors caught by the session model) (seed ${seed})`);
process.exit(throws > 0 ? 1 : 0);
