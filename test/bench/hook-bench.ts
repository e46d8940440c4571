// What the page hook costs the page: the same page with and without the hook, in Chromium,
// measured in interleaved rounds (one side at a time, ABBA order):
//   - small-message WebSocket echo round trips per second (one socket, sequential sends; the page
//     checks each echo, as any app reads what it receives: the first read of a MessageEvent's
//     `data` materialises it and later reads are cached, so a page that never read it charged the
//     hook — which must read every message — ~7 µs per message that a real page pays anyway);
//   - long-polling requests per second (sequential XHR POSTs of one Engine.IO 4 event packet to
//     an Engine.IO-shaped URL, answered `ok` at once, as engine.io-client's polling transport
//     sends and a server acknowledges them).
// Each ratio is the geometric mean over rounds of (with hook ÷ without hook); target ≥ 0.97.
//
// Reusable: `hookBench(openSide)` takes a function that opens a page for one side ("with" or
// "without"), so the same driver can run with the whole extension loaded and the panel open.
// Standalone: `node --import tsx test/bench/hook-bench.ts` prints the two BENCH lines.
import type { Browser, Page } from "playwright";
import { pathToFileURL } from "node:url";
import { FLOOD_BATCH_MS, HOOK_EVENT } from "../../extension/shared/bridge.ts";
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
  /** The median of the rounds' ratios, for comparison with figures before the geometric mean. */
  wsMedian: number;
  pollingMedian: number;
  /** 95% bootstrap intervals of the two ratios (resampling the rounds): how far to trust them. */
  wsInterval: [number, number];
  pollingInterval: [number, number];
  /** Median rates per side, for context. */
  ws: Record<Side, number>;
  polling: Record<Side, number>;
  /** Every round's rates, per kind and side (round i of "with" pairs with round i of "without"). */
  rates: Rates;
}

/** Per-round rates (round trips or requests per second), per kind and side. */
export type Rates = Record<"ws" | "polling", Record<Side, number[]>>;

export interface HookBenchOptions {
  rounds?: number;
  msPerRound?: number;
  /** An already running server (from test/e2e/hook-helpers.ts); started and stopped here if absent. */
  server?: TestServer;
  /** Unmeasured lead of every run (ms): see LEAD_MS. */
  leadMs?: number;
  /**
   * Unmeasured traffic of each kind per side after the page is ready (ms, default 300): JIT,
   * connections, the hook's first batches; ext-bench.ts waits out the extension's start-up too.
   */
  warmMs?: number;
  /** Measure one kind only (an investigation's twice-as-many rounds in the same time); the other ratio is NaN. */
  only?: "ws" | "polling";
}

/**
 * Every run first works LEAD_MS unmeasured. The extension handles a page's traffic a little
 * later (the hook hands it over every BUSY_BATCH_MS while busy, every FLOOD_BATCH_MS in a flood
 * such as this bench's; the worker and panel then take it): without a lead, the work caused by one side's run fell in the run after it, the other
 * side's in 3 of every 4 places of the ABBA order, and a 250 ms round saw ws at 1.044 (95%
 * interval 1.01-1.08), the extension "faster" than none. With the lead, the measured part of a
 * run carries its own earlier traffic's work, as under steady traffic, and the work its last
 * batch causes falls in the next run's lead, unmeasured on either side.
 */
export const LEAD_MS = FLOOD_BATCH_MS + 50;

/** Installed in the page after load, identically on both sides. */
export const DRIVER = `(() => {
  const wsUrl = location.origin.replace("http", "ws") + "/echo";
  let ws;
  const open = () => new Promise((resolve, reject) => {
    ws = new WebSocket(wsUrl);
    ws.onopen = resolve; ws.onerror = reject;
  });
  // Each run works for lead + ms and counts only the last ms: the round trips completed after
  // the first one to end past the lead, over the time from that one to the last.
  async function wsRun(ms, lead = 0) {
    if (!ws || ws.readyState !== 1) await open();
    let n = 0, n0 = -1, t0 = 0, last = 0;
    const from = performance.now() + lead;
    const end = from + ms;
    const msg = '42["tick",{"n":1}]';
    await new Promise((resolve, reject) => {
      ws.onmessage = (e) => {
        if (e.data !== msg) return reject(new Error("echo mismatch: " + String(e.data).slice(0, 80)));
        n++;
        last = performance.now();
        if (n0 < 0 && last >= from) { n0 = n; t0 = last; }
        if (last < end) ws.send(msg); else resolve();
      };
      ws.send(msg);
    });
    return { n: n - n0, elapsed: last - t0 };
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
  async function pollRun(ms, lead = 0) {
    let n = 0, n0 = -1, t0 = 0, last = 0;
    const from = performance.now() + lead;
    const end = from + ms;
    do {
      await post("/http-echo/?EIO=4&transport=polling&reply=ok&t=" + n + "&sid=bench");
      n++;
      last = performance.now();
      if (n0 < 0 && last >= from) { n0 = n; t0 = last; }
    } while (last < end);
    return { n: n - n0, elapsed: last - t0 };
  }
  Object.defineProperty(window, "__hookBench", { value: { wsRun, pollRun }, enumerable: false });
})();`;

const median = (xs: number[]) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]! : NaN);

/** Geometric mean: the average of paired ratios (a 0.8 and a 1.25 round average to 1). */
export const geomean = (xs: number[]) => (xs.length ? Math.exp(xs.reduce((a, x) => a + Math.log(x), 0) / xs.length) : NaN);

/** A seeded pseudo-random source in [0, 1) (a rerun over the same rounds prints the same interval). */
function seeded(seed: number): () => number {
  return () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

/** 95% percentile interval of resampled statistics. */
function percentile95(stats: number[]): [number, number] {
  stats.sort((a, b) => a - b);
  return [stats[Math.floor(stats.length * 0.025)]!, stats[Math.floor(stats.length * 0.975)]!];
}

/**
 * 95% percentile-bootstrap interval of `stat` over `xs` (seeded). On this shared 2-core machine
 * single rounds swing by a third; the interval says whether a ratio's distance from its target
 * is signal or noise.
 */
export function bootstrap(xs: number[], stat: (xs: number[]) => number = median, resamples = 2000): [number, number] {
  const rand = seeded(0x9e3779b9);
  const stats: number[] = [];
  for (let r = 0; r < resamples; r++) stats.push(stat(Array.from(xs, () => xs[Math.floor(rand() * xs.length)]!)));
  return percentile95(stats);
}

/**
 * 95% interval of the geometric mean over rounds that come in blocks sharing an offset of their
 * own (ext-bench.ts: each block runs in freshly started browsers): resamples the blocks, then
 * the rounds within each drawn block, so the spread between blocks is in the interval too.
 * `strata` (one label per block) resamples blocks only among those with the same label: a
 * design that balances a factor across blocks (ext-bench.ts alternates which browser starts
 * first) has that factor cancel out of its mean, and a resample that drew it unbalanced would
 * put it back into the interval.
 */
export function blockBootstrap(blocks: number[][], strata?: readonly unknown[], resamples = 2000): [number, number] {
  const rand = seeded(0x2545f491);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
  const peers = blocks.map((_, b) => (strata ? blocks.filter((_, c) => strata[c] === strata[b]) : blocks));
  const stats: number[] = [];
  for (let r = 0; r < resamples; r++) {
    const xs: number[] = [];
    for (let b = 0; b < blocks.length; b++) {
      const block = pick(peers[b]!);
      for (let i = 0; i < block.length; i++) xs.push(pick(block));
    }
    stats.push(geomean(xs));
  }
  return percentile95(stats);
}

/** Each round's ratio (with ÷ without) of one kind. */
export const roundRatios = (rate: Rates, k: "ws" | "polling") => rate[k].with.map((w, i) => w / rate[k].without[i]!);

/** "0.961 (95% interval 0.93–0.99)" */
export const withInterval = (r: number, [lo, hi]: [number, number]) => `${r.toFixed(3)} (95% interval ${lo.toFixed(3)}–${hi.toFixed(3)})`;

/** The ratios and intervals of a set of paired rounds. */
export function summarize(rate: Rates): HookBenchResult {
  const ratios = (k: "ws" | "polling") => (rate[k].with.length ? roundRatios(rate, k) : [NaN]);
  // The geometric mean of the rounds' paired ratios, not their median: with single rounds
  // swinging from 0.4 to 2 (the machine's load moves faster than a round), the median's
  // bootstrap interval was 1.2-1.6x as wide as the geometric mean's over the same rounds
  // (81 rounds of 500 ms: 0.192 vs 0.123; 241 of 250 ms: 0.082 vs 0.069).
  return {
    wsRatio: geomean(ratios("ws")),
    pollingRatio: geomean(ratios("polling")),
    wsInterval: bootstrap(ratios("ws"), geomean),
    pollingInterval: bootstrap(ratios("polling"), geomean),
    wsMedian: median(ratios("ws")),
    pollingMedian: median(ratios("polling")),
    ws: { with: median(rate.ws.with), without: median(rate.ws.without) },
    polling: { with: median(rate.polling.with), without: median(rate.polling.without) },
    rates: rate,
  };
}

/** Several runs of `hookBench` (ext-bench.ts: its blocks, each in freshly started browsers) as one set of rounds. */
export function mergeResults(rs: HookBenchResult[]): HookBenchResult {
  const rate: Rates = { ws: { with: [], without: [] }, polling: { with: [], without: [] } };
  for (const r of rs) for (const k of ["ws", "polling"] as const) for (const side of ["with", "without"] as const) rate[k][side].push(...r.rates[k][side]);
  return summarize(rate);
}

export async function hookBench(openSide: OpenSide, opts: HookBenchOptions = {}): Promise<HookBenchResult> {
  const rounds = opts.rounds ?? 21;
  const ms = opts.msPerRound ?? 500;
  const lead = opts.leadMs ?? LEAD_MS;
  const server = opts.server ?? (await startTestServer());
  const sides: Record<Side, OpenedPage> = { with: await openSide("with"), without: await openSide("without") };
  try {
    for (const side of ["with", "without"] as const) {
      const { page, ready } = sides[side];
      await page.goto(server.origin + "/");
      await page.evaluate(DRIVER);
      await ready?.();
      // warm-up: JIT, connections, the hook's first batches
      const warm = opts.warmMs ?? 300;
      await page.evaluate((t) => (window as any).__hookBench.wsRun(t), warm);
      await page.evaluate((t) => (window as any).__hookBench.pollRun(t), warm);
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
          const got = (await sides[side].page.evaluate(([f, t, l]) => (window as any).__hookBench[f as string](t, l), [fn, ms, lead] as const)) as { n: number; elapsed: number };
          rate[kind][side].push((got.n * 1000) / got.elapsed);
        }
      }
    }
    if (process.env.HOOK_BENCH_VERBOSE) console.log(JSON.stringify(rate));
    return summarize(rate);
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
      await context.addInitScript(`window.addEventListener(${JSON.stringify(HOOK_EVENT)}, (e) => { e.preventDefault(); const d = e.detail; JSON.parse(d.slice(d.indexOf("|", d.indexOf("|") + 1) + 1)); });`);
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
