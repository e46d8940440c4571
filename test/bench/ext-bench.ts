// What the whole extension costs a page: test/bench/hook-bench.ts's driver (WebSocket echo round
// trips and Engine.IO-shaped polling requests per second, the two sides interleaved round by round),
// with the built extension active AND its DevTools panel open and recording on one side, and the
// same Chromium without the extension on the other.
//   BENCH hook_ws_throughput_ratio=…   BENCH hook_polling_throughput_ratio=…
//       vs the same Chromium with DevTools open on the page and no extension. The panel only
//       exists inside DevTools, so "the same Chromium without the extension" is one with DevTools
//       open too; what differs between the sides is exactly what the extension adds.
//   BENCH ext_ws_vs_bare_ratio=…       BENCH ext_polling_vs_bare_ratio=…
//       vs Chromium with neither DevTools nor the extension: DevTools' own network
//       instrumentation alone roughly halves a busy page's round trips on this 2-core machine,
//       and this pair includes that cost (shown for context; not ours to remove).
//
// "The same Chromium" is literally the same browser process: the side without the extension is a
// page in a second, off-the-record browser context, where extensions do not run (checked below:
// the worker never hears of that tab). Same binary, flags, browser and network-service processes
// for both sides; only the page's hook, the relay, the worker's work and the panel differ.
import { buildForTest, launchChrome, openDevTools, type ChromeExt, type Panel } from "../e2e/ext-harness.ts";
import { startTestServer } from "../e2e/hook-helpers.ts";
import { hookBench, withInterval, type OpenSide } from "./hook-bench.ts";
import { bench } from "./harness.ts";

const ROUNDS = Number(process.env.EXT_BENCH_ROUNDS ?? 31);
/** EXT_BENCH_ONLY=ws|polling: one kind only (for investigations; the other ratio prints as NaN). */
const ONLY = process.env.EXT_BENCH_ONLY === "ws" || process.env.EXT_BENCH_ONLY === "polling" ? process.env.EXT_BENCH_ONLY : undefined;

async function main(): Promise<void> {
  const dist = await buildForTest();
  const server = await startTestServer();
  let ext: ChromeExt | undefined;
  try {
    ext = await launchChrome(dist.chrome);
    const bare = await ext.ctx.browser()!.newContext({ viewport: null });
    let recorded = -1;
    const sides = (withoutDevTools: boolean): OpenSide => async (side) => {
      if (side === "with") {
        const page = await ext!.ctx.newPage();
        let panel: Panel | undefined;
        return {
          page,
          ready: async () => {
            panel = await ext!.openPanel(page);
          },
          close: async () => {
            if (panel) recorded = (await panel.snapshot()).received;
            await panel?.close();
            await page.close();
          },
        };
      }
      const page = await bare.newPage();
      let closeDt: (() => Promise<void>) | undefined;
      return {
        page,
        ready: async () => {
          // The side without the extension really has none: once its page has loaded (the "with"
          // page is open already), the worker still knows of exactly one tab.
          await new Promise((r) => setTimeout(r, 500));
          const sw = ext!.ctx.serviceWorkers()[0];
          const seen = sw ? await sw.evaluate("chrome.storage.session.get(null).then((x) => Object.keys(x).filter((k) => k.startsWith('tab:')).length)") : -1;
          if (seen !== 1) throw new Error(`the extension knows ${String(seen)} tabs; only the "with" page should have reached it`);
          if (withoutDevTools) closeDt = await openDevTools(bare, page);
        },
        close: async () => {
          await closeDt?.();
          await page.close();
        },
      };
    };

    const vsBare = await hookBench(sides(false), { rounds: ROUNDS, server, only: ONLY });
    console.log(`extension + panel vs bare Chromium: ws round trips/s ${vsBare.ws.with.toFixed(0)} vs ${vsBare.ws.without.toFixed(0)}; ` +
      `polling requests/s ${vsBare.polling.with.toFixed(0)} vs ${vsBare.polling.without.toFixed(0)}`);
    const vsDevtools = await hookBench(sides(true), { rounds: ROUNDS, server, only: ONLY });
    console.log(`extension + panel vs bare Chromium with DevTools open: ws ${vsDevtools.ws.with.toFixed(0)} vs ${vsDevtools.ws.without.toFixed(0)}; ` +
      `polling ${vsDevtools.polling.with.toFixed(0)} vs ${vsDevtools.polling.without.toFixed(0)}`);
    console.log(`ratios (${ROUNDS} rounds): ws ${withInterval(vsDevtools.wsRatio, vsDevtools.wsInterval)}, ` +
      `polling ${withInterval(vsDevtools.pollingRatio, vsDevtools.pollingInterval)}`);
    console.log(`(the panel had recorded ${recorded} capture events when the last run ended)`);
    console.log(bench("hook_ws_throughput_ratio", vsDevtools.wsRatio));
    console.log(bench("hook_polling_throughput_ratio", vsDevtools.pollingRatio));
    console.log(bench("ext_ws_vs_bare_ratio", vsBare.wsRatio));
    console.log(bench("ext_polling_vs_bare_ratio", vsBare.pollingRatio));
  } finally {
    await ext?.close();
    await server.stop();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
