// `npm run bench`: runs each benchmark in its own process (so one's JIT state and heap do not
// colour another's), shows their output, and ends with every `BENCH name=value` line together.
import { existsSync } from "node:fs";
import { spawnSync } from "node:child_process";

const here = new URL(".", import.meta.url).pathname;
const suites: string[][] = [
  ["decode-bench.ts"],
  ["session-bench.ts"],
  // the hook's cost with the whole extension loaded and the panel open; the bare hook as a fallback
  ["ext-bench.ts", "hook-bench.ts"],
];

const lines: string[] = [];
let failed = 0;
for (const alternatives of suites) {
  const file = alternatives.find((f) => existsSync(here + f));
  if (!file) {
    console.error(`bench: none of ${alternatives.join(", ")} exists`);
    failed++;
    continue;
  }
  console.log(`\n== ${file}`);
  const r = spawnSync(process.execPath, ["--import", "tsx", here + file], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  process.stdout.write(r.stdout ?? "");
  if (r.status !== 0) {
    console.error(`bench: ${file} exited with ${r.status}`);
    failed++;
  }
  for (const l of (r.stdout ?? "").split("\n")) if (l.startsWith("BENCH ")) lines.push(l);
}
console.log("");
for (const l of lines) console.log(l);
process.exit(failed ? 1 : 0);
