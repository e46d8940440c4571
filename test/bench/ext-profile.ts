// Where the extension's cost goes: the bench page (test/bench/hook-bench.ts's driver) runs its
// WebSocket echo loop for a while in Chromium with the extension loaded and the panel open, and
// this prints the CPU time every Chromium process (and the test server) used, per 1,000 round
// trips, by process kind. A diagnostic for `npm run bench`'s ratios, not a benchmark itself.
//   node --import tsx test/bench/ext-profile.ts [seconds] [ws|polling] [panel|ext-devtools|ext|devtools|bare]
//     panel: extension + DevTools on its Socket.IO panel (the bench's "with" side)
//     ext-devtools: extension + DevTools on its default panel (the Socket.IO panel never loads)
//     ext: extension, no DevTools;  devtools: no extension, DevTools open;  bare: neither
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext } from "playwright";
import { buildForTest, launchChrome, openDevTools, type ChromeExt } from "../e2e/ext-harness.ts";
import { startTestServer } from "../e2e/hook-helpers.ts";
import { DRIVER } from "./hook-bench.ts";
import { chromiumProcesses } from "./procs.ts";

const secs = Number(process.argv[2] ?? 10);
const kind = process.argv[3] === "polling" ? "pollRun" : "wsRun";
const mode = process.argv[4] ?? "panel";
/** Every Chromium process, plus this node process (the bench driver and the test server). */
function processes(): Map<number, { label: string; cpu: number }> {
  const out = new Map<number, { label: string; cpu: number }>();
  for (const p of chromiumProcesses().values()) out.set(p.pid, { label: `chromium ${p.kind} #${p.pid}`, cpu: p.cpu });
  out.set(process.pid, { label: "node (bench + test server)", cpu: 0 });
  return out;
}

const server = await startTestServer();
const withExt = mode === "panel" || mode === "ext" || mode === "ext-devtools";
const ext: ChromeExt | undefined = withExt ? await launchChrome((await buildForTest()).chrome) : undefined;
const profile = mkdtempSync(join(tmpdir(), "socket-scope-profile-"));
const ctx: BrowserContext = ext?.ctx ?? (await chromium.launchPersistentContext(profile, {
  executablePath: "/usr/bin/chromium",
  headless: true,
  args: ["--headless=new", "--disable-background-networking", "--no-first-run"],
}));
try {
  const page = await ctx.newPage();
  await page.goto(server.origin + "/");
  await page.evaluate(DRIVER);
  const panel = mode === "panel" ? await ext!.openPanel(page) : undefined;
  if (mode === "devtools" || mode === "ext-devtools") {
    await openDevTools(ctx, page);
    await new Promise((r) => setTimeout(r, 2000));
  }
  await page.evaluate(([f, t]) => (window as any).__hookBench[f as string](t), [kind, 1000] as const);
  const a = processes();
  const t0 = process.cpuUsage();
  const { n, elapsed } = (await page.evaluate(([f, t]) => (window as any).__hookBench[f as string](t), [kind, secs * 1000] as const)) as { n: number; elapsed: number };
  const b = processes();
  const nodeCpu = (process.cpuUsage(t0).user + process.cpuUsage(t0).system) / 1e6;
  console.log(`${n} ${kind === "wsRun" ? "round trips" : "requests"} in ${(elapsed / 1000).toFixed(2)} s (${((n * 1000) / elapsed).toFixed(0)}/s); CPU seconds per 1,000:`);
  const rows: Array<[string, number]> = [];
  for (const [pid, p] of b) {
    const used = p.label.startsWith("node") ? nodeCpu : p.cpu - (a.get(pid)?.cpu ?? 0);
    if (used > 0.005) rows.push([p.label, used]);
  }
  rows.sort((x, y) => y[1] - x[1]);
  let total = 0;
  for (const [l, c] of rows) {
    total += c;
    console.log(`  ${((c * 1000) / n).toFixed(3).padStart(7)}  ${(c / secs * 100).toFixed(1).padStart(5)}% of a core  ${l}`);
  }
  console.log(`  ${((total * 1000) / n).toFixed(3).padStart(7)}  ${(total / secs * 100).toFixed(1).padStart(5)}% in all`);
  if (panel) console.log(`panel holds ${(await panel.snapshot()).received} events`);
} finally {
  if (ext) await ext.close();
  else await ctx.close();
  rmSync(profile, { recursive: true, force: true });
  await server.stop();
}
