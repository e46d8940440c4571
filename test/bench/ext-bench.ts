// The page's Socket.IO throughput with the whole extension loaded AND its DevTools panel open
// and recording, against the same Chromium without the extension, measured in one run:
// interleaved rounds of the demo's `flood` scenario (server → page events as fast as the
// server's cap allows) over WebSocket and over long-polling. A ratio of 1 means the extension
// costs the page nothing measurable; below 1 is the slowdown.
//   BENCH hook_ws_throughput_ratio=…      BENCH hook_polling_throughput_ratio=…   (vs bare Chromium)
//   BENCH ext_ws_vs_devtools_open_ratio=… BENCH ext_polling_vs_devtools_open_ratio=…
// The second pair compares against Chromium with DevTools open and no extension: DevTools alone
// slows a busy page a lot (its network instrumentation), which the first pair includes.
import { chromium, type BrowserContext, type Page } from "playwright";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startDemo, type Demo } from "../../test-server/index.ts";
import { buildForTest, launchChrome, type ChromeExt } from "../e2e/ext-harness.ts";
import { bench } from "./harness.ts";

const ROUNDS = Number(process.env.EXT_BENCH_ROUNDS ?? 5);
const FLOOD = { rate: 20_000, count: 20_000, size: 64, ms: 10_000 };

interface Run { perSecond: number; received: number; ok: boolean }

async function open(ctx: BrowserContext, demo: Demo, transport: "websocket" | "polling"): Promise<Page> {
  const page = await ctx.newPage();
  await page.goto(demo.pageUrl({ line: "4", transport }));
  await page.evaluate(() => window.demo.ready);
  return page;
}

async function flood(page: Page, opts: typeof FLOOD): Promise<Run> {
  const r = await page.evaluate((o) => window.demo.run("flood", o), opts);
  const d = r.details as { perSecond?: number; received?: number };
  if (!r.ok) console.log(`  flood not ok: ${JSON.stringify(r.details).slice(0, 300)}`);
  return { perSecond: d.perSecond ?? 0, received: d.received ?? 0, ok: r.ok };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)]! : 0;
};

async function main(): Promise<void> {
  const demo = await startDemo({ quiet: true, lines: ["4"] });
  const dist = await buildForTest();
  let ext: ChromeExt | undefined;
  let bare: BrowserContext | undefined;
  const bareProfile = mkdtempSync(join(tmpdir(), "socket-scope-bare-"));
  try {
    // EXT_BENCH_VARIANT=hook-only: the relay is emptied (the cost of the hook alone);
    // EXT_BENCH_VARIANT=no-panel: the whole extension, DevTools closed (backlog only).
    const variant = process.env.EXT_BENCH_VARIANT ?? "full";
    if (variant === "hook-only") writeFileSync(join(dist.chrome, "relay.js"), "");
    ext = await launchChrome(dist.chrome);
    bare = await chromium.launchPersistentContext(bareProfile, {
      executablePath: "/usr/bin/chromium",
      headless: true,
      args: ["--headless=new", "--disable-background-networking", "--no-first-run"],
    });
    const lines: string[] = [];
    for (const transport of ["websocket", "polling"] as const) {
      const withPage = await open(ext.ctx, demo, transport);
      const panel = variant === "full" ? await ext.openPanel(withPage) : null;
      const barePage = await open(bare, demo, transport);
      // A third side: no extension but DevTools open on the page, which alone slows a page
      // (network instrumentation): the extension's own share is ext / devtools.
      const devtoolsPage = await open(bare, demo, transport);
      const bareBs = await bare.browser()!.newBrowserCDPSession();
      const cdp = await bare.newCDPSession(devtoolsPage);
      const { targetInfo } = (await cdp.send("Target.getTargetInfo")) as { targetInfo: { targetId: string } };
      await cdp.detach();
      const { targetId: dtId } = (await bareBs.send("Target.openDevTools", { targetId: targetInfo.targetId })) as { targetId: string };
      // warm-up: JIT, connections, the panel's first render
      for (const p of [withPage, barePage, devtoolsPage]) await flood(p, { ...FLOOD, count: 2000 });
      const res = { ext: [] as number[], bare: [] as number[], devtools: [] as number[] };
      const failed = { ext: 0, bare: 0, devtools: 0 };
      const sides = [["ext", withPage], ["bare", barePage], ["devtools", devtoolsPage]] as const;
      for (let r = 0; r < ROUNDS; r++) {
        // rotate the order so no side always runs right after another
        for (let k = 0; k < sides.length; k++) {
          const [side, page] = sides[(k + r) % sides.length]!;
          const run = await flood(page, FLOOD);
          // a flood the page could not finish (it reports why above) is not a throughput sample
          if (run.ok) res[side].push(run.perSecond);
          else failed[side]++;
        }
      }
      const snap = panel ? await panel.snapshot() : { received: -1 };
      const name = transport === "websocket" ? "ws" : "polling";
      console.log(`${transport}: extension + panel ${median(res.ext)} msg/s (${res.ext.join(", ")}); bare ${median(res.bare)} (${res.bare.join(", ")}); bare + DevTools ${median(res.devtools)} (${res.devtools.join(", ")}); panel recorded ${snap.received} capture events; unfinished floods ${JSON.stringify(failed)}`);
      lines.push(bench(`hook_${name}_throughput_ratio`, median(res.ext) / median(res.bare)));
      lines.push(bench(`ext_${name}_vs_devtools_open_ratio`, median(res.ext) / median(res.devtools)));
      await bareBs.send("Target.closeTarget", { targetId: dtId }).catch(() => {});
      await devtoolsPage.close();
      await panel?.close();
      await withPage.close();
      await barePage.close();
    }
    for (const l of lines) console.log(l);
  } finally {
    await ext?.close();
    await bare?.close().catch(() => {});
    rmSync(bareProfile, { recursive: true, force: true });
    await demo.stop();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
