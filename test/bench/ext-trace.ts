// Where the page's main thread spends its time, per round trip (or request), from a Chrome trace:
// the bench page's driver (hook-bench.ts) with the extension loaded and its panel open, or in the
// same Chromium without the extension and DevTools open (`plain`). Prints the thread time of the
// page renderer's main thread per round trip: all top-level tasks, then by trace event — each JS
// function Blink calls (FunctionCall: our listeners, the app's handlers, the hook's flush),
// readystatechange dispatches, microtask runs, GC.
//   node --import tsx test/bench/ext-trace.ts [ws|polling] [ext|plain] [ms=3000]
//   EXT_DIR=<unpacked build> to trace another build.
//
// A diagnostic, not a benchmark: tracing adds its own cost to every traced call (a listener that
// returns at once measured ~14 µs per call traced), so compare sides and builds with each other,
// never with figures from elsewhere. What it showed (docs/performance.md, "Where the cost is now"): per
// incoming WebSocket message the app's handler costs the same with and without the extension,
// and our listener's call is the page's extra; per long-polling request, our readystatechange
// listener runs 4 times (open() dispatches the first, before the app sets its handler).
import { buildForTest, launchChrome, launchPlainChrome, openDevTools } from "../e2e/ext-harness.ts";
import { startTestServer } from "../e2e/hook-helpers.ts";
import { DRIVER } from "./hook-bench.ts";

interface TraceEvent { name: string; ph: string; pid: number; tid: number; cat?: string; tdur?: number; args?: { data?: { functionName?: string; url?: string } } }

const fn = process.argv[2] === "polling" ? "pollRun" : "wsRun";
const mode = process.argv[3] === "plain" ? "plain" : "ext";
const ms = Number(process.argv[4] ?? 3000);
const CATEGORIES = ["toplevel", "devtools.timeline", "disabled-by-default-devtools.timeline", "v8", "v8.execute"];

const server = await startTestServer();
const ext = mode === "ext" ? await launchChrome(process.env.EXT_DIR ?? (await buildForTest()).chrome) : undefined;
const plain = mode === "plain" ? await launchPlainChrome() : undefined;
const ctx = (ext ?? plain)!.ctx;
try {
  const page = await ctx.newPage();
  await page.goto(server.origin + "/");
  await page.evaluate(DRIVER);
  const close = ext ? (await ext.openPanel(page)).close : await openDevTools(ctx, page);
  const run = (t: number) => page.evaluate(([f, t]) => (window as any).__hookBench[f as string](t), [fn, t] as const) as Promise<{ n: number; elapsed: number }>;
  await run(5000); // JIT and the panel's first renders
  const browser = ctx.browser()!;
  await browser.startTracing(page, { categories: CATEGORIES });
  const got = await run(ms);
  const trace = JSON.parse((await browser.stopTracing()).toString()) as { traceEvents?: TraceEvent[] } | TraceEvent[];
  const events = Array.isArray(trace) ? trace : trace.traceEvents ?? [];
  // the page's main thread is the one that ran the most JS function calls
  const calls = new Map<string, number>();
  for (const e of events) if (e.name === "FunctionCall") calls.set(`${e.pid}:${e.tid}`, (calls.get(`${e.pid}:${e.tid}`) ?? 0) + 1);
  const main = [...calls].sort((a, b) => b[1] - a[1])[0]?.[0];
  if (!main) throw new Error("no FunctionCall events in the trace");
  const on = events.filter((e) => `${e.pid}:${e.tid}` === main && e.ph === "X");
  const n = got.n;
  const unit = fn === "wsRun" ? "round trip" : "request";
  const top = on.filter((e) => e.cat?.includes("toplevel"));
  console.log(`${mode}, ${fn === "wsRun" ? "WebSocket" : "long-polling"}: ${n} in ${got.elapsed.toFixed(0)} ms; main thread ${(top.reduce((s, e) => s + (e.tdur ?? 0), 0) / n).toFixed(1)} µs per ${unit} (traced)`);
  const by = new Map<string, { count: number; tdur: number }>();
  for (const e of on) {
    const d = e.args?.data;
    const key = e.name === "FunctionCall" ? `FunctionCall ${d?.functionName || "(anonymous)"} ${String(d?.url ?? "").split("/").pop()}` : e.name;
    const x = by.get(key) ?? { count: 0, tdur: 0 };
    x.count++;
    x.tdur += e.tdur ?? 0;
    by.set(key, x);
  }
  console.log(`  ${"trace event".padEnd(52)} ${"per " + unit} ${"µs per " + unit}  µs per call`);
  for (const [k, x] of [...by].sort((a, b) => b[1].tdur - a[1].tdur).slice(0, 25)) {
    console.log(`  ${k.slice(0, 52).padEnd(52)} ${(x.count / n).toFixed(2).padStart(8)} ${(x.tdur / n).toFixed(2).padStart(14)} ${(x.tdur / x.count).toFixed(2).padStart(12)}`);
  }
  await close();
} finally {
  await (ext ?? plain)!.close();
  await server.stop();
}
