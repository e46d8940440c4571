// Records the HAR fixtures of test/fixtures/har/ from real traffic: Debian Chromium driven by
// Playwright through the test-server demo pages (real socket.io servers and clients of every
// major line), captured over CDP into Chrome-format HAR (see record-har.ts).
//
//   node --import tsx scripts/record-fixtures.ts [name ...]     # all fixtures, or some
//
// Next to each `<name>.har` it writes `<name>.scenario.json`: the page options and what each
// scenario reported from inside the page (its own ok flag and details), so tests can compare
// the reconstructed model with what the scenario did.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser } from "playwright";
import { startDemo, type Demo } from "../test-server/index.ts";
import { HarRecorder, type CdpLike } from "./record-har.ts";
import { FIXTURES, type FixtureSpec } from "../test/fixtures/fixture-specs.ts";

export { FIXTURES, type FixtureSpec };

export interface Recorded {
  har: unknown;
  scenarios: Record<string, { ok: boolean; details: unknown }>;
  client: { line: string; version: string };
  page: FixtureSpec["page"];
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: "/usr/bin/chromium", headless: true, args: ["--no-sandbox", "--disable-background-networking", "--disable-dev-shm-usage"] });
}

/** Loads the demo page for `spec`, runs its scenarios, returns the HAR and the scenarios' own results. */
export async function recordFixture(browser: Browser, demo: Demo, spec: FixtureSpec): Promise<Recorded> {
  const context = await browser.newContext();
  const page = await context.newPage();
  try {
    const cdp = await context.newCDPSession(page);
    const rec = new HarRecorder(cdp as unknown as CdpLike, { dropHeaders: true, pageTitle: spec.name });
    await rec.start();
    await page.goto(demo.pageUrl(spec.page));
    await page.waitForFunction(() => typeof (window as unknown as { demo?: unknown }).demo === "object", undefined, { timeout: 15000 });
    await page.evaluate(() => (window as unknown as { demo: { ready: Promise<void> } }).demo.ready);
    const scenarios: Recorded["scenarios"] = {};
    for (const name of spec.scenarios) {
      scenarios[name] = await page.evaluate((n) => (window as unknown as { demo: { run(n: string): Promise<{ ok: boolean; details: unknown }> } }).demo.run(n), name);
    }
    // Long enough for a tick of the page's live /ticker (1 s): traffic on the sessions that are still alive.
    await page.waitForTimeout(spec.settleMs ?? 1200);
    const client = await page.evaluate(() => (window as unknown as { demo: { client: { line: string; version: string } } }).demo.client);
    const har = await rec.stop();
    return { har, scenarios, client, page: spec.page };
  } finally {
    await context.close().catch(() => {});
  }
}

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const specs = only.length ? FIXTURES.filter((f) => only.includes(f.name)) : FIXTURES;
  if (specs.length === 0) {
    console.error(`record-fixtures: no fixture named ${only.join(", ")} (known: ${FIXTURES.map((f) => f.name).join(", ")})`);
    process.exit(2);
  }
  const out = new URL("../test/fixtures/har/", import.meta.url).pathname;
  mkdirSync(out, { recursive: true });
  const demo = await startDemo({ port: 0, quiet: true });
  const browser = await launchChromium();
  let failed = 0;
  try {
    for (const spec of specs) {
      const r = await recordFixture(browser, demo, spec);
      const har = JSON.stringify(r.har);
      writeFileSync(join(out, `${spec.name}.har`), har);
      writeFileSync(join(out, `${spec.name}.scenario.json`), JSON.stringify({ page: r.page, client: r.client, scenarios: r.scenarios }, null, 1) + "\n");
      const bad = Object.entries(r.scenarios).filter(([, v]) => !v.ok).map(([k]) => k);
      if (bad.length) failed++;
      console.log(`${spec.name}: ${(har.length / 1024).toFixed(1)} KiB, scenarios ${Object.keys(r.scenarios).join(", ")}${bad.length ? ` — FAILED in the page: ${bad.join(", ")}` : " ok"}`);
    }
  } finally {
    await browser.close();
    await demo.stop();
  }
  process.exit(failed ? 1 : 0);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
