// The page's Socket.IO throughput with the whole extension loaded AND its DevTools panel open
// and recording, against the same Chromium without the extension, measured in one run:
// interleaved rounds of the demo's `flood` scenario (server → page events as fast as the
// server's cap allows) over WebSocket and over long-polling. A ratio of 1 means the extension
// costs the page nothing measurable; below 1 is the slowdown.
//   BENCH hook_ws_throughput_ratio=…      BENCH hook_polling_throughput_ratio=…
import { chromium, type BrowserContext, type Page } from "playwright";
import { mkdtempSync, rmSync } from "node:fs";
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
  return { perSecond: d.perSecond ?? 0, received: d.received ?? 0, ok: r.ok };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

async function main(): Promise<void> {
  const demo = await startDemo({ quiet: true, lines: ["4"] });
  const dist = await buildForTest();
  let ext: ChromeExt | undefined;
  let bare: BrowserContext | undefined;
  const bareProfile = mkdtempSync(join(tmpdir(), "socket-scope-bare-"));
  try {
    ext = await launchChrome(dist.chrome);
    bare = await chromium.launchPersistentContext(bareProfile, {
      executablePath: "/usr/bin/chromium",
      headless: true,
      args: ["--headless=new", "--disable-background-networking", "--no-first-run"],
    });
    const lines: string[] = [];
    for (const transport of ["websocket", "polling"] as const) {
      const withPage = await open(ext.ctx, demo, transport);
      const panel = await ext.openPanel(withPage);
      const barePage = await open(bare, demo, transport);
      // warm-up: JIT, connections, the panel's first render
      await flood(withPage, { ...FLOOD, count: 2000 });
      await flood(barePage, { ...FLOOD, count: 2000 });
      const a: number[] = [];
      const b: number[] = [];
      for (let r = 0; r < ROUNDS; r++) {
        // alternate which side goes first so neither always runs on a warmer machine
        const order = r % 2 ? ([["bare", barePage], ["ext", withPage]] as const) : ([["ext", withPage], ["bare", barePage]] as const);
        for (const [side, page] of order) {
          const run = await flood(page, FLOOD);
          if (!run.ok) console.log(`  ${transport} ${side}: flood not ok (received ${run.received})`);
          (side === "ext" ? a : b).push(run.perSecond);
        }
      }
      const snap = await panel.snapshot();
      const ratio = median(a) / median(b);
      console.log(`${transport}: with extension + panel ${median(a)} msg/s (${a.join(", ")}); without ${median(b)} msg/s (${b.join(", ")}); panel recorded ${snap.received} capture events`);
      lines.push(bench(`hook_${transport === "websocket" ? "ws" : "polling"}_throughput_ratio`, ratio));
      await panel.close();
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
