// The built extension (dist/firefox) installed into Debian's firefox-esr (puppeteer-core over
// WebDriver BiDi): 4.x and 2.x demo traffic captured by the hook, relayed, routed, and read
// from the extension's own panel page opened in a tab (BiDi cannot evaluate inside the
// toolbox; see RECIPES.md), held to the same facts as in Chromium.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Browser, Page } from "puppeteer-core";
import { launchFirefox } from "./firefox-launch.ts";
import type { CaptureEvent } from "../../protocol/capture.ts";
import { startDemo, type Demo, type Line } from "../../test-server/index.ts";
import { GECKO_ID } from "../../scripts/build.ts";
import { buildForTest, type PanelSnapshot } from "./ext-harness.ts";
import { RECORDER, recordedIn, assertModel, assertScenarioTraffic, strip, type ModelReport } from "./ext-expect.ts";

const UUID = "6f1f4b1e-5c0a-4d7e-9a51-50c4e7c0de01";
let demo: Demo;
let browser: Browser;

before(async () => {
  const dist = await buildForTest();
  demo = await startDemo({ quiet: true, lines: ["4", "2"] });
  browser = await launchFirefox({
    args: ["--remote-allow-system-access"],
    extraPrefsFirefox: { "extensions.webextensions.uuids": JSON.stringify({ [GECKO_ID]: UUID }) },
  });
  await browser.installExtension(dist.firefox);
});
after(async () => {
  await browser?.close();
  await demo?.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(f: () => Promise<T>, ok: (x: T) => boolean, what: string, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  let x = await f().catch(() => undefined as T);
  while (!ok(x)) {
    if (Date.now() > end) throw new Error(`${what}; last: ${JSON.stringify(x)?.slice(0, 2000)}`);
    await sleep(150);
    x = await f().catch(() => undefined as T);
  }
  return x;
}

/** panel.html in a tab, following the tab whose page URL contains `match`. */
async function openPanelPage(match: string): Promise<Page> {
  const p = await browser.newPage();
  // moz-extension:// pages never fire a 'load' puppeteer sees: poll instead of awaiting goto
  p.goto(`moz-extension://${UUID}/panel.html?url=${encodeURIComponent(match)}`).catch(() => {});
  await until(() => p.evaluate(() => typeof (window as unknown as { __socketScopePanel?: unknown }).__socketScopePanel), (t) => t === "object", "the panel page loads");
  return p;
}

const snapshot = (p: Page) => p.evaluate(() => (window as unknown as { __socketScopePanel: { snapshot(): PanelSnapshot } }).__socketScopePanel.snapshot());
const panelEvents = (p: Page) => p.evaluate(() => (window as unknown as { __socketScopePanel: { events(): CaptureEvent[] } }).__socketScopePanel.events().slice());

describe("extension in Firefox ESR", () => {
  for (const line of ["4", "2"] as Line[]) {
    test(`${line}.x traffic reaches the panel page, complete, in order, with the same model as in Chromium`, async () => {
      const page = await browser.newPage();
      await page.evaluateOnNewDocument(RECORDER);
      const url = demo.pageUrl({ line });
      await page.goto(url);
      await page.waitForFunction(() => window.demo !== undefined);
      await page.evaluate(() => window.demo.ready);
      for (const s of ["events", "acks"]) {
        const r = await page.evaluate((name) => window.demo.run(name), s);
        assert.ok(r.ok, `${s}: ${JSON.stringify(r.details).slice(0, 300)}`);
      }
      const want = await recordedIn(page);
      assert.ok(want.length > 10, "the hook captured the traffic in Firefox");
      const panel = await openPanelPage(url);
      const snap = await until(() => snapshot(panel), (s) => s?.status === "connected" && s.received >= want.length, "the panel receives everything");
      assert.equal(snap.dropped, 0);
      const got = await panelEvents(panel);
      assert.deepEqual(got.slice(0, want.length).map(strip), want.map(strip), "panel events equal the hook's, in order");
      assert.equal(got[0]?.type, "page");
      assert.ok(got.every((e) => e.frameId === 0), "top frame");
      assertScenarioTraffic(line, got);
      // the same model facts the Chromium test checks
      assertModel(line, (await snapshot(panel)).report as ModelReport);
      await panel.close();
      await page.close();
    });
  }
});
