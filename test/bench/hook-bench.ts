// What the page hook costs the page: the same page with and without the hook, in Chromium,
// measured in interleaved rounds (one side at a time, ABBA order):
//   - small-message WebSocket echo round trips per second (one socket, sequential sends; the page
//     checks each echo, as any app reads what it receives: the first read of a MessageEvent's
//     `data` materialises it and later reads are cached, so a page that never read it charged the
//     hook — which must read every message — ~7 µs per message that a real page pays anyway);
//   - long-polling requests per second (sequential XHR POSTs of one Engine.IO 4 event packet to
//     an Engine.IO-shaped URL, answered `ok` at once, as engine.io-client's polling transport
//     sends and a server acknowledges them).
// Each ratio is the median over rounds of (with hook ÷ without hook); target ≥ 0.97.
//
// Reusable: `hookBench(openSide)` takes a function that opens a page for one side ("with" or
// "without"), so the same driver can run with the whole extension loaded and the panel open.
// Standalone: `node --import tsx test/bench/hook-bench.ts` prints the two BENCH lines.
import type { Browser, Page } from "playwright";
import { pathToFileURL } from "node:url";
import { HOOK_EVENT } from "../../extension/shared/bridge.ts";
import { bundleHook, launchChromium, startTestServer, type TestServer } from "../e2e/hook-helpers.ts";
import { bench } from "./harness.ts";

export type Side = "with" | "without";
export interface OpenedPage {
  page: Page;
  /** Called after the bench page has loaded (e.g. to open DevTools on it). */
  ready?: () => Promise<void>;
  close(): Promise<void>;
}
/** Opens a fresh page for one side; the bench navigates it to its own server. */
export type OpenSide = (side: Side) => Promise<OpenedPage>;

export interface HookBenchResult {
  wsRatio: number;
  pollingRatio: number;
  /** 95% bootstrap intervals of the two ratios (resampling the rounds): how far to trust them. */
  wsInterval: [number, number];
  pollingInterval: [number, number];
  /** Median rates per side, for context. */
  ws: Record<Side, number>;
  polling: Record<Side, number>;
}

export interface HookBenchOptions {
  rounds?: number;
  msPerRound?: number;
  /** An already running server (from test/e2e/hook-helpers.ts); started and stopped here if absent. */
  server?: TestServer;
  /** Measure one kind only (an investigation's twice-as-many rounds in the same time); the other ratio is NaN. */
  only?: "ws" | "polling";
}

/** Installed in the page after load, identically on both sides. */
export const DRIVER = `(() => {
  const wsUrl = location.origin.replace("http", "ws") + "/echo";
  let ws;
  const open = () => new Promise((resolve, reject) => {
    ws = new WebSocket(wsUrl);
    ws.onopen = resolve; ws.onerror = reject;
  });
  async function wsRun(ms) {
    if (!ws || ws.readyState !== 1) await open();
    let n = 0;
    const start = performance.now();
    const end = start + ms;
    const msg = '42["tick",{"n":1}]';
    await new Promise((resolve, reject) => {
      ws.onmessage = (e) => {
        if (e.data !== msg) return reject(new Error("echo mismatch: " + String(e.data).slice(0, 80)));
        n++;
        if (performance.now() < end) ws.send(msg); else resolve();
      };
      ws.send(msg);
    });
    return { n, elapsed: performance.now() - start };
  }
  function post(url) {
    return new Promise((resolve, reject) => {
      const x = new XMLHttpRequest();
      x.open("POST", url);
      x.setRequestHeader("Content-Type", "text/plain;charset=UTF-8");
      x.onreadystatechange = () => { if (x.readyState === 4) (x.status === 200 ? resolve(x.responseText) : reject(new Error(String(x.status)))); };
      x.send('42["tick",{"n":1}]');
    });
  }
  async function pollRun(ms) {
    let n = 0;
    const start = performance.now();
    const end = start + ms;
    while (performance.now() < end) { await post("/http-echo/?EIO=4&transport=polling&reply=ok&t=" + n + "&sid=bench"); n++; }
    return { n, elapsed: performance.now() - start };
  }
  Object.defineProperty(window, "__hookBench", { value: { wsRun, pollRun }, enumerable: false });
})();`;

const median = (xs: number[]) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]! : NaN);

/**
 * 95% percentile-bootstrap interval of the median of `xs` (seeded, so a rerun over the same
 * rounds prints the same interval). On this shared 2-core machine single rounds swing by a
 * third; the interval says whether a ratio's distance from its target is signal or noise.
 */
export function bootstrapMedian(xs: number[], resamples = 2000): [number, number] {
  let seed = 0x9e3779b9;
  const rand = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const meds: number[] = [];
  for (let r = 0; r < resamples; r++) meds.push(median(Array.from(xs, () => xs[Math.floor(rand() * xs.length)]!)));
  meds.sort((a, b) => a - b);
  return [meds[Math.floor(resamples * 0.025)]!, meds[Math.floor(resamples * 0.975)]!];
}

/** "0.961 (95% interval 0.93–0.99)" */
export const withInterval = (r: number, [lo, hi]: [number, number]) => `${r.toFixed(3)} (95% interval ${lo.toFixed(3)}–${hi.toFixed(3)})`;

export async function hookBench(openSide: OpenSide, opts: HookBenchOptions = {}): Promise<HookBenchResult> {
  const rounds = opts.rounds ?? 21;
  const ms = opts.msPerRound ?? 500;
  const server = opts.server ?? (await startTestServer());
  const sides: Record<Side, OpenedPage> = { with: await openSide("with"), without: await openSide("without") };
  try {
    for (const side of ["with", "without"] as const) {
      const { page, ready } = sides[side];
      await page.goto(server.origin + "/");
      await page.evaluate(DRIVER);
      await ready?.();
      // warm-up: JIT, connections, the hook's first batches
      await page.evaluate((t) => (window as any).__hookBench.wsRun(t), 300);
      await page.evaluate((t) => (window as any).__hookBench.pollRun(t), 300);
    }
    const rate: Record<"ws" | "polling", Record<Side, number[]>> = { ws: { with: [], without: [] }, polling: { with: [], without: [] } };
    for (let r = 0; r < rounds; r++) {
      for (const kind of opts.only ? [opts.only] : (["ws", "polling"] as const)) {
        const fn = kind === "ws" ? "wsRun" : "pollRun";
        // One side at a time, alternating which goes first (ABBA): run together, two browsers
        // fought over the 2 cores and single rounds swung 3-5x with the scheduler's mood;
        // alone, each side's window also carries its own background work (the extension's
        // worker and panel) and nobody else's.
        const order: Side[] = r % 2 === 0 ? ["with", "without"] : ["without", "with"];
        for (const side of order) {
          // Rate over the time actually spent: the last round trip ends after the deadline, and
          // counting it against `ms` alone added up to one round trip of noise per round.
          const got = (await sides[side].page.evaluate(([f, t]) => (window as any).__hookBench[f as string](t), [fn, ms] as const)) as { n: number; elapsed: number };
          rate[kind][side].push((got.n * 1000) / got.elapsed);
        }
      }
    }
    if (process.env.HOOK_BENCH_VERBOSE) console.log(JSON.stringify(rate));
    const ratios = (k: "ws" | "polling") => (rate[k].with.length ? rate[k].with.map((w, i) => w / rate[k].without[i]!) : [NaN]);
    return {
      wsRatio: median(ratios("ws")),
      pollingRatio: median(ratios("polling")),
      wsInterval: bootstrapMedian(ratios("ws")),
      pollingInterval: bootstrapMedian(ratios("polling")),
      ws: { with: median(rate.ws.with), without: median(rate.ws.without) },
      polling: { with: median(rate.polling.with), without: median(rate.polling.without) },
    };
  } finally {
    await Promise.all([sides.with.close(), sides.without.close()]);
    if (!opts.server) await server.stop();
  }
}

/** The bare hook (as the extension injects it) plus a consumer that parses each batch, like the relay. */
export function bareHookSides(browser: Browser): OpenSide {
  return async (side) => {
    const context = await browser.newContext();
    if (side === "with") {
      await context.addInitScript(`window.addEventListener(${JSON.stringify(HOOK_EVENT)}, (e) => { JSON.parse(e.detail); });`);
      await context.addInitScript(await bundleHook());
    }
    const page = await context.newPage();
    return { page, close: () => context.close() };
  };
}

async function main(): Promise<void> {
  const browser = await launchChromium();
  try {
    const r = await hookBench(bareHookSides(browser));
    console.log(`hook bench: ws round trips/s with ${r.ws.with.toFixed(0)} without ${r.ws.without.toFixed(0)}; ` +
      `polling requests/s with ${r.polling.with.toFixed(0)} without ${r.polling.without.toFixed(0)}`);
    console.log(`ratios: ws ${withInterval(r.wsRatio, r.wsInterval)}, polling ${withInterval(r.pollingRatio, r.pollingInterval)}`);
    console.log(bench("hook_ws_throughput_ratio", r.wsRatio));
    console.log(bench("hook_polling_throughput_ratio", r.pollingRatio));
  } finally {
    await browser.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
