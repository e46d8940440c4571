// A/B of two builds of the extension (or one build against no extension), in CPU time: the bench
// page's driver (hook-bench.ts) in two Chromiums, each with its build loaded and its panel open,
// alternating runs; per round, every Chromium process's CPU per round trip (or request) from
// /proc, and the paired differences B - A with 95% bootstrap intervals, plus the rate ratio.
//
// A diagnostic, not a benchmark. Whole-run throughput moves ±3-5% between runs on this shared
// 2-core machine, and so do per-process CPU totals of separate runs; paired per-round
// differences resolve ~5 µs per round trip in the extension's process and ~10-20 in the page's
// renderer in 40 rounds. Build a variant with scripts/build.ts (`buildExtension({ outDir })`) and
// compare it with the current one:
//   A=dist/chrome B=/tmp/variant/chrome node --import tsx test/bench/ext-ab.ts [ws|polling] [rounds=20] [seconds=3]
// A or B may be `plain` (no extension, DevTools open on Elements). Renderers are named by start
// order: #1 is the page, the busiest later one its DevTools window. Run an A/A (the same build as
// A and B) beside any finding, and repeat a finding with fresh browsers: each launch carries an
// offset of its own. Three A/A runs of 40 WebSocket rounds gave B 1.027 (95% 0.978-1.079),
// 1.073 (1.029-1.122) and 1.002 (0.940-1.062) times A's round trips; in the 1.073 one every
// process of B used less CPU per round trip (in all -54 µs, 95% -87 to -22), in the 1.002 one
// none did. test/bench/ext-bench.ts starts its browsers afresh for every block of rounds.
import type { Page } from "playwright";
import { launchChrome, launchPlainChrome, openDevTools } from "../e2e/ext-harness.ts";
import { startTestServer } from "../e2e/hook-helpers.ts";
import { DRIVER, bootstrap, geomean } from "./hook-bench.ts";
import { browserTree, chromiumProcesses } from "./procs.ts";

type Side = "A" | "B";
const fn = process.argv[2] === "ws" ? "wsRun" : "pollRun";
const rounds = Number(process.argv[3] ?? 20);
const ms = Number(process.argv[4] ?? 3) * 1000;
/** After each run, time for its deferred work (batches, worker, panel) to land in its own window. */
const SETTLE_MS = 1500;
const dirs: Record<Side, string> = { A: process.env.A ?? "", B: process.env.B ?? "" };
if (!dirs.A || !dirs.B) throw new Error("set A and B to unpacked Chrome builds (or `plain`)");

interface Browser { ctx: Awaited<ReturnType<typeof launchPlainChrome>>["ctx"]; profileDir: string; open(page: Page): Promise<() => Promise<void>>; close(): Promise<void> }
async function launch(dir: string): Promise<Browser> {
  if (dir === "plain") {
    const b = await launchPlainChrome();
    return { ...b, open: (page) => openDevTools(b.ctx, page) };
  }
  const b = await launchChrome(dir);
  return { ctx: b.ctx, profileDir: b.profileDir, close: () => b.close(), open: async (page) => { const p = await b.openPanel(page); return () => p.close(); } };
}

const server = await startTestServer();
const browsers = { A: await launch(dirs.A), B: await launch(dirs.B) };
try {
  const pages = { A: await browsers.A.ctx.newPage(), B: await browsers.B.ctx.newPage() };
  const closers: Array<() => Promise<void>> = [];
  for (const side of ["A", "B"] as const) {
    await pages[side].goto(server.origin + "/");
    await pages[side].evaluate(DRIVER);
    closers.push(await browsers[side].open(pages[side]));
  }
  const run = (side: Side, t: number) =>
    pages[side].evaluate(([f, t]) => (window as unknown as { __hookBench: Record<string, (t: number) => Promise<{ n: number; elapsed: number }>> }).__hookBench[f]!(t), [fn, t] as const);
  for (const side of ["A", "B"] as const) await run(side, 1000); // warm-up
  const perRound: Record<Side, Array<Map<string, number>>> = { A: [], B: [] };
  const rate: Record<Side, number[]> = { A: [], B: [] };
  for (let r = 0; r < rounds; r++) {
    for (const side of (r % 2 ? ["A", "B"] : ["B", "A"]) as Side[]) {
      const before = new Map(browserTree(chromiumProcesses(), browsers[side].profileDir).map((p) => [p.pid, p.cpu]));
      const got = await run(side, ms);
      rate[side].push((got.n * 1000) / got.elapsed);
      await new Promise((res) => setTimeout(res, SETTLE_MS));
      const after = browserTree(chromiumProcesses(), browsers[side].profileDir);
      const renderers = after.filter((p) => p.kind === "renderer").sort((a, b) => a.pid - b.pid);
      const m = new Map<string, number>();
      for (const p of after) {
        const k = p.kind === "renderer" ? `renderer #${renderers.indexOf(p)}` : p.kind;
        const v = ((p.cpu - (before.get(p.pid) ?? p.cpu)) * 1e6) / got.n;
        m.set(k, (m.get(k) ?? 0) + v);
        m.set("in all", (m.get("in all") ?? 0) + v);
      }
      perRound[side].push(m);
    }
  }
  const unit = fn === "wsRun" ? "round trip" : "request";
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  const keys = [...new Set([...perRound.A, ...perRound.B].flatMap((m) => [...m.keys()]))].sort();
  console.log(`CPU µs per ${unit}, mean of ${rounds} rounds (A = ${dirs.A}, B = ${dirs.B}):`);
  for (const k of keys) {
    const a = perRound.A.map((m) => m.get(k) ?? 0), b = perRound.B.map((m) => m.get(k) ?? 0);
    if (mean(a) + mean(b) < 1) continue;
    const d = b.map((x, i) => x - a[i]!);
    const [lo, hi] = bootstrap(d, mean);
    console.log(`  ${k.padEnd(40)} A ${mean(a).toFixed(1).padStart(8)}  B ${mean(b).toFixed(1).padStart(8)}  B-A ${mean(d).toFixed(1).padStart(7)} (95% ${lo.toFixed(1)} to ${hi.toFixed(1)})`);
  }
  const ratios = rate.B.map((x, i) => x / rate.A[i]!);
  const [lo, hi] = bootstrap(ratios, geomean);
  console.log(`${unit}s per second, B / A: ${geomean(ratios).toFixed(3)} (95% ${lo.toFixed(3)}-${hi.toFixed(3)})`);
  for (const c of closers) await c();
} finally {
  await browsers.A.close();
  await browsers.B.close();
  await server.stop();
}
