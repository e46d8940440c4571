import { buildForTest, launchChrome } from "../e2e/ext-harness.ts";
import { startTestServer } from "../e2e/hook-helpers.ts";
import { DRIVER } from "./hook-bench.ts";
const kind = process.argv[2] === "polling" ? "pollRun" : "wsRun";
const server = await startTestServer();
const ext = await launchChrome((await buildForTest()).chrome);
try {
  const page = await ext.ctx.newPage();
  await page.goto(server.origin + "/");
  await page.evaluate(DRIVER);
  const panel = await ext.openPanel(page);
  await page.evaluate(([f, t]) => (window as any).__hookBench[f as string](t), [kind, 1000] as const);
  const cdp = await ext.ctx.newCDPSession(page);
  await cdp.send("Profiler.enable");
  await cdp.send("Profiler.setSamplingInterval", { interval: 50 });
  await cdp.send("Profiler.start");
  const got = await page.evaluate(([f, t]) => (window as any).__hookBench[f as string](t), [kind, 8000] as const) as any;
  const { profile } = await cdp.send("Profiler.stop") as any;
  const byId = new Map<number, any>(profile.nodes.map((n: any) => [n.id, n]));
  const self = new Map<number, number>();
  const dt = profile.timeDeltas as number[];
  profile.samples.forEach((s: number, i: number) => self.set(s, (self.get(s) ?? 0) + (dt[i + 1] ?? 0)));
  const agg = new Map<string, number>();
  const byUrl = new Map<string, number>();
  let total = 0;
  for (const [id, t] of self) {
    const n = byId.get(id); const cf = n.callFrame;
    const key = `${cf.functionName || "(anon)"} ${cf.url.split("/").pop()}:${cf.lineNumber}`;
    agg.set(key, (agg.get(key) ?? 0) + t);
    const u = cf.url ? cf.url.replace(/^.*\//, "") : cf.functionName;
    byUrl.set(u, (byUrl.get(u) ?? 0) + t);
    total += t;
  }
  console.log(`n=${got.n} elapsed=${got.elapsed.toFixed(0)} rate=${(got.n*1000/got.elapsed).toFixed(0)}/s; profile total ${(total/1000).toFixed(0)} ms`);
  const per = (t: number) => `${(t / got.n).toFixed(2)} µs/rt`;
  for (const [k, t] of [...byUrl].sort((a, b) => b[1] - a[1]).slice(0, 12)) console.log("URL", k.padEnd(40), (t/1000).toFixed(1), "ms", per(t));
  for (const [k, t] of [...agg].sort((a, b) => b[1] - a[1]).slice(0, 30)) console.log("FN ", k.padEnd(60), (t/1000).toFixed(1), "ms", per(t));
  await panel.close();
} finally { await ext.close(); await server.stop(); }
