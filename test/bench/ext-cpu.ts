// What the extension costs in CPU time, process by process: the bench page (hook-bench.ts's
// driver) in Chromium with the extension loaded and its panel open vs the same Chromium without
// the extension and with DevTools open (the two sides of ext-bench.ts), measured in alternating
// runs, as CPU microseconds per round trip (or request) of every Chromium process of each side
// and of this node process (driver + test server).
//
// A diagnostic, not a benchmark: throughput ratios move ±4-5% from run to run on a shared 2-core
// machine, too much to see a 2-3% change; CPU per round trip of one process kind is steadier,
// and says where a cost is. It steered the work behind the ext-bench figures in docs/performance.md.
//   node --import tsx test/bench/ext-cpu.ts [ws|polling] [rounds=8] [seconds per run=3]
// Renderers are listed by pid: the page's starts before its DevTools window's. Under each
// process, its threads (by name) that used at least 0.5 µs per round trip.
import { buildForTest, launchChrome, launchPlainChrome, openDevTools } from "../e2e/ext-harness.ts";
import { startTestServer } from "../e2e/hook-helpers.ts";
import { DRIVER } from "./hook-bench.ts";
import { browserTree, chromiumProcesses, threadCpu } from "./procs.ts";

const fn = process.argv[2] === "polling" ? "pollRun" : "wsRun";
const rounds = Number(process.argv[3] ?? 8);
const ms = Number(process.argv[4] ?? 3) * 1000;
type Side = "with" | "without";

const server = await startTestServer();
const ext = await launchChrome((await buildForTest()).chrome);
const plain = await launchPlainChrome();
try {
  const pages = { with: await ext.ctx.newPage(), without: await plain.ctx.newPage() };
  const dirs = { with: ext.profileDir, without: plain.profileDir };
  for (const p of Object.values(pages)) {
    await p.goto(server.origin + "/");
    await p.evaluate(DRIVER);
  }
  const panel = await ext.openPanel(pages.with);
  const closeDevTools = await openDevTools(plain.ctx, pages.without);
  const run = (side: Side, t: number) =>
    pages[side].evaluate(([f, t]) => (window as any).__hookBench[f as string](t), [fn, t] as const) as Promise<{ n: number }>;
  for (const side of ["with", "without"] as const) await run(side, 1000); // warm-up

  const cpu: Record<Side, Map<string, number>> = { with: new Map(), without: new Map() };
  const count: Record<Side, number> = { with: 0, without: 0 };
  const add = (side: Side, key: string, v: number) => cpu[side].set(key, (cpu[side].get(key) ?? 0) + v);
  for (let r = 0; r < rounds; r++) {
    for (const side of (r % 2 ? ["with", "without"] : ["without", "with"]) as Side[]) {
      const tree = browserTree(chromiumProcesses(), dirs[side]);
      const before = new Map(tree.map((p) => [p.pid, p.cpu]));
      const threadsBefore = new Map(tree.map((p) => [p.pid, threadCpu(p.pid)]));
      const node0 = process.cpuUsage();
      count[side] += (await run(side, ms)).n;
      // the side's deferred work (batches, the worker, the panel's next render) lands in its own window
      await new Promise((res) => setTimeout(res, 600));
      const node = process.cpuUsage(node0);
      add(side, "node (driver + test server)", (node.user + node.system) / 1e6);
      for (const p of browserTree(chromiumProcesses(), dirs[side])) {
        add(side, `${p.kind} #${p.pid}`, p.cpu - (before.get(p.pid) ?? p.cpu));
        const t0 = threadsBefore.get(p.pid);
        for (const [name, c] of threadCpu(p.pid)) add(side, `${p.kind} #${p.pid} › ${name}`, c - (t0?.get(name) ?? 0));
      }
    }
  }
  const unit = fn === "wsRun" ? "round trip" : "request";
  for (const side of ["with", "without"] as const) {
    console.log(`${side === "with" ? "extension + panel" : "no extension, DevTools open"}: ${count[side]} ${unit}s; CPU µs per ${unit}:`);
    let total = 0;
    for (const [k, v] of [...cpu[side]].sort((a, b) => a[0].localeCompare(b[0]))) {
      const per = (v * 1e6) / count[side];
      const thread = k.includes(" › ");
      if (!thread) total += per;
      if (per >= 0.5) console.log(`  ${thread ? "  " : ""}${per.toFixed(1).padStart(8)}  ${thread ? k.slice(k.indexOf(" › ") + 3) : k}`);
    }
    console.log(`  ${total.toFixed(1).padStart(8)}  in all`);
  }
  await panel.close();
  await closeDevTools();
} finally {
  await ext.close();
  await plain.close();
  await server.stop();
}
