// `npm test`: browsers present → type check → every suite under test/ with node:test.
// Usage: node scripts/test.mjs [--no-browsers] [suite ...]   (suites: unit conformance e2e)
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { ensureBrowsers } from "./ensure-browsers.mjs";

const args = process.argv.slice(2);
const noBrowsers = args.includes("--no-browsers");
const suites = args.filter((a) => !a.startsWith("--"));
const chosen = suites.length ? suites : ["unit", "conformance", "e2e"];

function files(dir) {
  let out = [];
  let entries = [];
  try { entries = readdirSync(dir); } catch { return out; }
  for (const e of entries.sort()) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out = out.concat(files(p));
    else if (/\.test\.(ts|mjs|js)$/.test(e)) out.push(p);
  }
  return out;
}

function run(cmd, argv, env = {}) {
  const r = spawnSync(cmd, argv, { stdio: "inherit", env: { ...process.env, ...env } });
  return r.status ?? 1;
}

if (!noBrowsers && chosen.includes("e2e") && !ensureBrowsers()) process.exit(1);

console.log("socket-scope: type check");
for (const p of ["tsconfig.json", "protocol/tsconfig.json"]) {
  if (run("npx", ["tsc", "--noEmit", "-p", p]) !== 0) {
    console.error(`socket-scope: type check failed (${p})`);
    process.exit(1);
  }
}

if (chosen.includes("e2e") && existsSync("scripts/build.ts")) {
  console.log("socket-scope: build the extension");
  if (run("node", ["--import", "tsx", "scripts/build.ts"]) !== 0) process.exit(1);
}

const list = chosen.flatMap((s) => files(join("test", s)));
if (list.length === 0) {
  console.error("socket-scope: no test files found");
  process.exit(1);
}
const status = run("node", ["--import", "tsx", "--test", "--test-concurrency=2", "--test-reporter=spec", ...list]);
process.exit(status);
