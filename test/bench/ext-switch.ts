// What the extension costs a page in its first seconds and a few seconds later, measured in ONE
// browser: the extension is switched off and on between sessions (chrome.management, through a
// helper extension: ext-harness.ts launchChrome(…, { switchable: true })), so both sides share
// the browser, network and GPU processes and the profile, and no launch offset exists between
// them (ext-bench.ts needs two browsers per block, and blocks, because a pair of browsers
// carries an offset of its own).
//
// A session is a fresh page: the extension on (page, then DevTools on the Socket.IO panel) or
// off (page, then DevTools on Elements), a 300 ms warm-up of each kind, then
//   early: one WebSocket run and one long-polling run (each after hook-bench.ts's lead), starting
//          ~1 s after DevTools opened: the extension's start-up (worker, panel, JIT) is in them;
//   late:  the same after LATE ms more of WebSocket traffic (default 6000).
// Sessions alternate ABBA; the ratios are geometric means over rounds of (on ÷ off), with 95%
// bootstrap intervals over rounds (every session is its own page, renderer and DevTools window).
// A diagnostic, not part of `npm run bench`: a run of 20 rounds takes ~10 minutes.
//   node --import tsx test/bench/ext-switch.ts [rounds=20] [late ms=6000]
//   EXT_SWITCH_AA=1: both sides off (an A/A check of the design); EXT_DIR=<unpacked build>.
import { buildForTest, launchChrome, openDevTools } from "../e2e/ext-harness.ts";
import { startTestServer } from "../e2e/hook-helpers.ts";
import { DRIVER, LEAD_MS, bootstrap, geomean, withInterval, type Side } from "./hook-bench.ts";

const ROUNDS = Number(process.argv[2] ?? 20);
const LATE_MS = Number(process.argv[3] ?? 6000);
const RUN_MS = 1000;
const AA = process.env.EXT_SWITCH_AA === "1";
const KINDS = ["ws early", "polling early", "ws late", "polling late"] as const;
type Kind = (typeof KINDS)[number];

const server = await startTestServer();
const ext = await launchChrome(process.env.EXT_DIR ?? (await buildForTest()).chrome, { switchable: true });
const rates = Object.fromEntries(KINDS.map((k) => [k, { with: [] as number[], without: [] as number[] }])) as Record<Kind, Record<Side, number[]>>;

async function session(side: Side): Promise<void> {
  const on = side === "with" && !AA;
  await ext.setEnabled(on);
  const page = await ext.ctx.newPage();
  let close: () => Promise<void> = async () => {};
  try {
    await page.goto(server.origin + "/");
    await page.evaluate(DRIVER);
    if (on) {
      const panel = await ext.openPanel(page);
      close = async () => {
        if ((await panel.snapshot()).received === 0) throw new Error("the panel recorded nothing");
        await panel.close();
      };
    } else {
      close = await openDevTools(ext.ctx, page);
      if ((await ext.workerTargets()).length) throw new Error("the extension is off but its worker runs");
    }
    const run = (fn: "wsRun" | "pollRun", lead: number) =>
      page.evaluate(([f, t, l]) => (window as any).__hookBench[f](t, l), [fn, RUN_MS, lead] as const) as Promise<{ n: number; elapsed: number }>;
    await page.evaluate(() => (window as any).__hookBench.wsRun(300));
    await page.evaluate(() => (window as any).__hookBench.pollRun(300));
    for (const [kind, fn, lead] of [["ws early", "wsRun", LEAD_MS], ["polling early", "pollRun", LEAD_MS], ["ws late", "wsRun", LATE_MS], ["polling late", "pollRun", LEAD_MS]] as const) {
      const got = await run(fn, lead);
      rates[kind][side].push((got.n * 1000) / got.elapsed);
    }
  } finally {
    await close();
    await page.close();
  }
}

try {
  for (let r = 0; r < ROUNDS; r++) {
    for (const side of r % 2 === 0 ? (["with", "without"] as const) : (["without", "with"] as const)) await session(side);
  }
  console.log(`${ROUNDS} rounds of fresh sessions in one browser, the extension ${AA ? "off on both sides (A/A)" : "on (panel open) vs off (DevTools on Elements)"}:`);
  for (const k of KINDS) {
    const ratios = rates[k].with.map((w, i) => w / rates[k].without[i]!);
    const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!.toFixed(0);
    console.log(`  ${k.padEnd(13)} ${withInterval(geomean(ratios), bootstrap(ratios, geomean))}   (median rates ${med(rates[k].with)} vs ${med(rates[k].without)} per s)`);
  }
  if (process.env.HOOK_BENCH_VERBOSE) console.log(JSON.stringify(rates));
} finally {
  await ext.close();
  await server.stop();
}
