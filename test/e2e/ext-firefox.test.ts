// The built extension (dist/firefox) installed into Debian's firefox-esr (puppeteer-core over
// WebDriver BiDi): 4.x and 2.x demo traffic captured by the hook, relayed, routed, and read
// from the extension's own panel page opened in a tab, held to the same facts as in Chromium;
// a page open before the add-on was installed (Firefox hooks it late: the panel says so); the
// add-on updated under an open page (its first hook records for the new version), and under a
// page whose socket.io runs in a frame (that frame's traffic reaches the new version too); a page
// restored from the back/forward cache, and one with a frame;
// then the real toolbox opened on a tab, its Socket.IO panel selected and read over the
// panel's BroadcastChannel (BiDi cannot evaluate inside the toolbox: firefox-toolbox.ts).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Browser, Page } from "puppeteer-core";
import { launchFirefox } from "./firefox-launch.ts";
import type { CaptureEvent } from "../../protocol/capture.ts";
import { startDemo, type Demo, type Line } from "../../test-server/index.ts";
import { GECKO_ID } from "../../scripts/build.ts";
import { buildForTest, type PanelSnapshot } from "./ext-harness.ts";
import { startTestServer } from "./hook-helpers.ts";
import { RECORDER, recordedIn, INSPECTED_TAB_RESULT, assertInspectedTab, fillStorageScenario, inspectedTabScenario, LARGE_PAYLOADS_RESULT, assertLargePayloads, largePayloadsScenario, assertBorrowedNatives, assertWrittenFrames, writtenFramesScenario, WRITTEN_FRAMES, startFramingSite, assertCspSite, borrowedNativesScenario, eventually, assertModel, assertScenarioTraffic, bfcacheSent, bfcacheView, startBfcacheSite, startCspSite, strip, type ModelReport } from "./ext-expect.ts";
import { askToolboxPanels, closeToolbox, openToolboxPanel } from "./firefox-toolbox.ts";
import { PANEL_TITLE } from "../../extension/shared/bridge.ts";
import type { Report } from "../../protocol/session/index.ts";
import { FIXTURES } from "../fixtures/fixture-specs.ts";
import { checkReport } from "../fixtures/scenario-checks.ts";

const UUID = "6f1f4b1e-5c0a-4d7e-9a51-50c4e7c0de01";
let demo: Demo;
let browser: Browser;

/** firefox-esr where the add-on, once installed, has the fixed UUID its panel's URL names. */
const launchWithUuid = () => launchFirefox({
  args: ["--remote-allow-system-access"],
  extraPrefsFirefox: { "extensions.webextensions.uuids": JSON.stringify({ [GECKO_ID]: UUID }) },
});

before(async () => {
  const dist = await buildForTest();
  demo = await startDemo({ quiet: true, lines: ["4", "2"] });
  browser = await launchWithUuid();
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

/** panel.html in a tab (of `b`), following the tab whose page URL contains `match`. */
async function openPanelPage(match: string, b: Browser = browser): Promise<Page> {
  const p = await b.newPage();
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

  test("the browser's own WebSocket, fetch and XMLHttpRequest taken from a fresh about:blank iframe: captured, in that frame", async () => {
    const server = await startTestServer();
    try {
      const page = await browser.newPage();
      await page.goto(server.origin + "/");
      await page.evaluate(borrowedNativesScenario);
      const panel = await openPanelPage(server.origin);
      await eventually(async () => assertBorrowedNatives(await panelEvents(panel)), 15_000);
      await panel.close();
      await page.close();
    } finally {
      await server.stop();
    }
  });

  test("frames whose document the page makes itself (srcdoc, sandboxed srcdoc, about:blank with document.open and write, blob: and data: URLs): their socket.io captured whole, in those frames", async () => {
    const server = await startTestServer();
    try {
      const page = await browser.newPage();
      await page.goto(server.origin + "/");
      assert.deepEqual(await page.evaluate(writtenFramesScenario), WRITTEN_FRAMES.map((id) => `got from ${id}`));
      const panel = await openPanelPage(server.origin);
      await eventually(async () => assertWrittenFrames(await panelEvents(panel)), 15_000);
      await panel.close();
      await page.close();
    } finally {
      await server.stop();
    }
  });

  test("storage.session full: busy tabs in the background give up their middle, and the inspected tab keeps its session whole", async () => {
    const server = await startTestServer();
    const fillers: Page[] = [];
    try {
      for (let i = 0; i < 4; i++) {
        const p = await browser.newPage();
        await p.goto(server.origin + "/");
        await p.evaluate(fillStorageScenario);
        fillers.push(p);
      }
      await new Promise((r) => setTimeout(r, 1500));
      // (a URL of its own: the panel page follows the first tab whose URL contains it)
      const page = await browser.newPage();
      await page.goto(server.origin + "/?inspected");
      await page.addScriptTag({ url: "/sio4.js" });
      assert.deepEqual(await page.evaluate(inspectedTabScenario), INSPECTED_TAB_RESULT);
      const panel = await openPanelPage(server.origin + "/?inspected");
      await eventually(async () => assertInspectedTab((await snapshot(panel)).report as Report), 15_000);
      assert.equal((await panelEvents(panel))[0]?.type, "page", "from the page load on");
      assert.equal((await snapshot(panel)).dropped, 0, "nothing of the inspected tab dropped");
      await panel.close();
      await page.close();
    } finally {
      for (const p of fillers) await p.close();
      await server.stop();
    }
  });

  test("payloads over 1 MiB (socket.io 4 events, acks and binary attachments, over WebSocket and long-polling): cut to their start, the page's session whole from its load", async () => {
    const server = await startTestServer();
    try {
      const page = await browser.newPage();
      await page.goto(server.origin + "/");
      await page.addScriptTag({ url: "/sio4.js" });
      assert.deepEqual(await page.evaluate(largePayloadsScenario), LARGE_PAYLOADS_RESULT);
      const panel = await openPanelPage(server.origin);
      await eventually(async () => assertLargePayloads((await snapshot(panel)).report as Report), 15_000);
      assert.equal((await snapshot(panel)).dropped, 0, "nothing pushed out of the tab's backlog");
      assert.equal((await panelEvents(panel))[0]?.type, "page", "the backlog starts with the page load");
      await panel.close();
      await page.close();
    } finally {
      await server.stop();
    }
  });

  test("a page under a strict CSP with Trusted Types: captured whole, and its policy works as without the add-on", async () => {
    const site = await startCspSite();
    try {
      const page = await browser.newPage();
      await page.evaluateOnNewDocument(RECORDER);
      await page.goto(site.origin + "/");
      const log = await page.evaluate(() => (window as unknown as { done: Promise<string[]> }).done);
      const hasTt = await page.evaluate(() => "trustedTypes" in window);
      // the hook's last batch leaves up to a second after the app is done: wait until it has
      let want = await recordedIn(page);
      for (let n = -1; n !== want.length; ) {
        n = want.length;
        await sleep(1500);
        want = await recordedIn(page);
      }
      const panel = await openPanelPage(site.origin);
      const snap = await until(() => snapshot(panel), (s) => s?.status === "connected" && s.received >= want.length, "the panel receives everything");
      const got = await panelEvents(panel);
      assert.deepEqual(got.slice(0, want.length).map(strip), want.map(strip), "panel events equal the hook's, in order");
      assertCspSite(log, hasTt, snap.report as ModelReport);
      await panel.close();
      await page.close();
    } finally {
      await site.close();
    }
  });

  test("4.x long-polling over fetch() reaches the panel page in order and passes the same checks as its recorded HAR", async () => {
    // the real client's fetch transport in Firefox, end to end (the hook's ordering of fetch
    // responses has its own deterministic test: fetchOrderScenario in hook-firefox.test.ts)
    const spec = FIXTURES.find((f) => f.name === "sio4-fetch")!;
    const page = await browser.newPage();
    await page.evaluateOnNewDocument(RECORDER);
    const url = demo.pageUrl(spec.page);
    await page.goto(url);
    await page.waitForFunction(() => window.demo !== undefined);
    await page.evaluate(() => window.demo.ready);
    const results: Record<string, { ok: boolean; details: Record<string, unknown> }> = {};
    for (const name of spec.scenarios) {
      results[name] = (await page.evaluate((n) => window.demo.run(n), name)) as typeof results[string];
      assert.ok(results[name]!.ok, `${name}: ${JSON.stringify(results[name]!.details).slice(0, 300)}`);
    }
    await sleep(1200); // a tick of the page's /ticker
    const want = await recordedIn(page);
    const panel = await openPanelPage(url);
    await until(() => snapshot(panel), (s) => s?.status === "connected" && s.received >= want.length, "the panel receives everything");
    const got = await panelEvents(panel);
    assert.deepEqual(got.slice(0, want.length).map(strip), want.map(strip), "panel events equal the hook's, in order");
    await eventually(async () => checkReport((await snapshot(panel)).report as Report, spec, results, { live: true }), 15_000);
    await panel.close();
    await page.close();
  });

  test("the real toolbox: the Socket.IO panel shows its tab from the backlog on, then live", async () => {
    const page = await browser.newPage();
    await page.evaluateOnNewDocument(RECORDER);
    const url = demo.pageUrl({ line: "4" });
    await page.goto(url);
    await page.waitForFunction(() => window.demo !== undefined);
    await page.evaluate(() => window.demo.ready);
    assert.ok((await page.evaluate(() => window.demo.run("events"))).ok);
    const before = await recordedIn(page);
    // opened after the traffic, as a user does when something went wrong
    const { id, tools } = await openToolboxPanel(browser, url, PANEL_TITLE);
    assert.match(id, /^webext-devtools-panel/, `the toolbox lists the extension's panel: ${tools.join(",")}`);
    // any page of the extension's origin can ask; this one is the panel page in a tab (not in DevTools)
    const asker = await openPanelPage(url);
    try {
      const [first] = await until(() => askToolboxPanels(asker), (r) => r?.length === 1 && r[0]!.snapshot.status === "connected" && r[0]!.snapshot.received >= before.length, "the toolbox's panel answers with the backlog");
      assert.equal(first!.snapshot.dropped, 0);
      assert.equal(first!.snapshot.replayed, first!.snapshot.received, "all of it came from the tab's backlog");
      assert.deepEqual(first!.events.slice(0, before.length).map(strip), before.map(strip), "the backlog, complete and in order");
      assert.equal(first!.events[0]?.type, "page");
      // live: traffic after the toolbox opened reaches it too
      assert.ok((await page.evaluate(() => window.demo.run("acks"))).ok);
      const all = await recordedIn(page);
      assert.ok(all.length > before.length);
      const [live] = await until(() => askToolboxPanels(asker), (r) => r?.length === 1 && r[0]!.snapshot.received >= all.length, "the toolbox's panel receives the live traffic");
      assert.deepEqual(live!.events.slice(0, all.length).map(strip), all.map(strip), "backlog then live events, in order");
      assert.ok(live!.snapshot.received > live!.snapshot.replayed, "some arrived live");
      assertScenarioTraffic("4", live!.events);
      const main = assertModel("4", live!.snapshot.report as ModelReport);
      // and it is on screen in the toolbox (the view catches up within a render)
      const [shown] = await until(() => askToolboxPanels(asker), (r) => r?.length === 1 && r[0]!.text.includes("/ connected"), "the toolbox's panel draws the session");
      assert.match(shown!.text, new RegExp(`Socket\\.IO rev ${main.socketio}`));
    } finally {
      await closeToolbox(browser, url).catch(() => {});
      await asker.close();
      await page.close();
    }
  });
  test("installed while a page is open: Firefox hooks it late, the panel says so, and its Reload button captures everything", async () => {
    // Firefox injects an add-on's content scripts into the tabs already open when it is
    // installed: the hook then starts after the page made its sockets, and sees none of them.
    const ff = await launchWithUuid();
    try {
      const page = await ff.newPage();
      const url = demo.pageUrl({ line: "4" });
      await page.goto(url);
      await page.waitForFunction(() => window.demo !== undefined);
      await page.evaluate(() => window.demo.ready);
      await ff.installExtension((await buildForTest()).firefox);
      assert.ok((await page.evaluate(() => window.demo.run("events"))).ok);
      const panel = await openPanelPage(url, ff);
      const snap = () => snapshot(panel);
      const text = () => panel.evaluate(() => document.getElementById("root")?.textContent ?? "");
      const late = await until(snap, (s) => s?.coverage === "late", "the panel sees the late hook");
      assert.equal((late.report as ModelReport).connections.length, 0, "the page's socket, made before the hook, is not in the model");
      assert.match(await until(text, (t) => t.includes("started after this page had loaded"), "the notice is drawn"), /Reload page/);
      await panel.evaluate(() => [...document.querySelectorAll("button")].find((b) => b.textContent === "Reload page")?.click());
      await until(() => snap(), (s) => s?.coverage === "hooked", "the reloaded page is hooked from its start");
      await until(() => page.evaluate(() => window.demo !== undefined), (x) => x === true, "the page is back");
      await page.evaluate(() => window.demo.ready);
      for (const s of ["events", "acks"]) assert.ok((await page.evaluate((name) => window.demo.run(name), s)).ok);
      const after = await until(snap, (s) => (s?.report as ModelReport | undefined)?.connections.some((c) => c.namespaces.some((n) => n.events.some((e) => e.name === "echo"))) === true, "the reloaded page's traffic is captured");
      assertModel("4", after.report as ModelReport);
      assert.doesNotMatch(await until(text, (t) => !t.includes("Reload page"), "the notice goes"), /started after this page/);
    } finally {
      await ff.close();
    }
  });

  test("updated while a page is open: the page's first hook records for the new version, and the panel says what it missed", async () => {
    // Firefox injects the new version's content scripts into open tabs on an update. The page
    // keeps its first hook (a page-world script cannot be unloaded), so the new hook defers to
    // it: that one must record for the new relay, starting with a page event saying that the
    // page's earlier traffic is not in the new version's backlog.
    const ff = await launchWithUuid();
    try {
      const build = (await buildForTest()).firefox;
      await ff.installExtension(build);
      const page = await ff.newPage();
      const url = demo.pageUrl({ line: "4" });
      await page.goto(url);
      await page.waitForFunction(() => window.demo !== undefined);
      await page.evaluate(() => window.demo.ready);
      assert.ok((await page.evaluate(() => window.demo.run("events"))).ok);
      await ff.installExtension(build); // the same id again: an update
      await sleep(1500); // the ticker's traffic while the new version comes up
      for (const s of ["events", "acks"]) assert.ok((await page.evaluate((name) => window.demo.run(name), s)).ok);
      const panel = await openPanelPage(url, ff);
      const snap = () => snapshot(panel);
      await until(snap, (s) => s?.coverage === "late", "the panel says the capture started late");
      const sent = (evs: CaptureEvent[]) => evs.filter((e) => e.type === "ws-frame" && e.dir === "out" && "text" in e.data).map((e) => (e as { data: { text: string } }).data.text);
      const evs = await until(() => panelEvents(panel), (x) => sent(x ?? []).some((t) => t.includes('"no-ack"')), "the page's frames since the update reach the new version");
      const first = evs[0] as { type: string; late?: boolean };
      assert.deepEqual([first.type, first.late], ["page", true], "they follow a page event that says the capture started late");
      // the page's socket was opened before the update: the hook says it again, so the model
      // takes it up mid-session (its handshake is not in the new backlog) and decodes its events
      assert.ok(evs.some((e) => e.type === "ws-open" && e.url.includes("sid=")), "the open socket is announced again");
      const names = (s: PanelSnapshot | undefined) => ((s?.report as ModelReport | undefined)?.connections ?? []).flatMap((c) => c.namespaces.flatMap((n) => n.events.map((e) => e.name)));
      await until(snap, (s) => names(s).includes("no-ack"), "the model decodes the page's events since the update");
    } finally {
      await ff.close();
    }
  });

  test("a cross-site iframe: its traffic reaches the panel page, in its frame, from its first event on", async () => {
    const outer = await startFramingSite([demo.pageUrl({ line: "4" })]);
    const page = await browser.newPage();
    try {
      const url = outer.url("localhost");
      await page.goto(url);
      const frame = await until(async () => page.frames().find((f) => f.url().includes("line=4")), (f) => f !== undefined, "the demo frame");
      await frame!.waitForFunction(() => window.demo !== undefined);
      await frame!.evaluate(() => window.demo.ready);
      for (const s of ["events", "acks"]) assert.ok((await frame!.evaluate((name) => window.demo.run(name), s)).ok);
      const panel = await openPanelPage(url);
      const sent = (evs: CaptureEvent[] | undefined) => (evs ?? []).filter((e) => e.type === "ws-frame" && e.dir === "out" && "text" in e.data).map((e) => (e as { data: { text: string } }).data.text);
      const evs = await until(() => panelEvents(panel), (x) => sent(x).some((t) => t.includes('"no-ack"')), "the frame's traffic reaches the panel page");
      assert.deepEqual(evs.filter((e) => (e.frameId ?? 0) === 0).map((e) => e.type), ["page"], "the outer page has no socket traffic");
      const sub = evs.filter((e) => (e.frameId ?? 0) !== 0);
      assert.ok(sub.length > 10 && sub.every((e) => e.frameUrl === demo.pageUrl({ line: "4" })), "all of it in the frame");
      assert.equal(sub[0]?.type, "page", "from the frame's first event on");
      assert.ok(sub.some((e) => e.type === "http-request") && sub.some((e) => e.type === "ws-open"), "its handshake over polling, then its WebSocket");
      await panel.close();
    } finally {
      await page.close();
      outer.close();
    }
  });

  test("updated while a page with a socket.io frame is open: the frame's traffic since the update reaches the new version too", async () => {
    // Every frame's hook starts over at about the same time, in no set order, and the frame's
    // says its open socket again at once: its first batch can reach the background before the
    // top frame's (backlog.ts earlyFrames).
    const ff = await launchWithUuid();
    const outer = await startFramingSite([demo.pageUrl({ line: "4" })]);
    try {
      const build = (await buildForTest()).firefox;
      await ff.installExtension(build);
      const page = await ff.newPage();
      const url = outer.url();
      await page.goto(url);
      const frame = await until(async () => page.frames().find((f) => f.url().includes("line=4")), (f) => f !== undefined, "the demo frame");
      await frame!.waitForFunction(() => window.demo !== undefined);
      await frame!.evaluate(() => window.demo.ready);
      await ff.installExtension(build); // the same id again: an update
      await sleep(1500);
      for (const s of ["events", "acks"]) assert.ok((await frame!.evaluate((name) => window.demo.run(name), s)).ok);
      const panel = await openPanelPage(url, ff);
      const sent = (evs: CaptureEvent[] | undefined) => (evs ?? []).filter((e) => e.type === "ws-frame" && e.dir === "out" && (e.frameId ?? 0) !== 0 && "text" in e.data).map((e) => (e as { data: { text: string } }).data.text);
      await until(() => panelEvents(panel), (x) => sent(x).some((t) => t.includes('"no-ack"')), "the frame's frames since the update reach the new version");
      const evs = await panelEvents(panel);
      assert.deepEqual([evs[0]?.type, (evs[0] as { late?: boolean } | undefined)?.late, evs[0]?.frameId ?? 0], ["page", true, 0], "the top frame's page event comes first");
      assert.ok(evs.some((e) => e.type === "ws-open" && (e.frameId ?? 0) !== 0), "the frame's open socket is announced again, in its frame");
    } finally {
      await ff.close();
      outer.close();
    }
  });

  for (const framed of [false, true]) {
    const top = framed ? "c" : "a";
    test(framed ? "back/forward cache: a page's frame is restored with it, and its traffic shown again" : "back/forward cache: a page restored from it is shown again, with its new traffic", async () => {
      const site = await startBfcacheSite();
      const page = await browser.newPage();
      try {
        const origin = site.origin;
        const sent = () => bfcacheSent(page);
        const want = (what: string) => [`${top}-${what}`, ...(framed ? [`${top}-frame-${what}`] : [])];
        await page.goto(origin + "/" + top);
        assert.deepEqual(await until(sent, (x) => x?.every((t) => typeof t === "string") === true, "the page (and frame) sent"), want("loaded"));
        await page.goto(origin + "/b");
        assert.deepEqual(await sent(), ["b-loaded"]);
        // a page restored from the cache fires no load event for goBack() to wait for
        await page.evaluate(() => history.back());
        const back = await until(sent, (x) => x?.length === want("x").length && x.every((t) => typeof t === "string" && t.startsWith(top + "-")), "the first page is back");
        assert.deepEqual(back, want("restored"), "it came from the back/forward cache");
        const panel = await openPanelPage(origin);
        const shown = async () => {
          const evs = await panelEvents(panel);
          return [bfcacheView(evs.filter((e) => (e.frameId ?? 0) === 0)), bfcacheView(evs.filter((e) => (e.frameId ?? 0) !== 0))];
        };
        const frameWants = framed ? [`page /${top}-frame restored`, `4${top}-frame-restored`, "http-response"] : [];
        await until(shown, (x) => JSON.stringify(x) === JSON.stringify([[`page /${top} restored`, `4${top}-restored`, "http-response"], frameWants]), "the panel shows the restored page (and its frame) and what it sent since");
        await panel.close();
      } finally {
        await page.close();
        site.close();
      }
    });
  }
});
