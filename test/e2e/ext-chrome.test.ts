// The built extension (dist/chrome) in Debian's Chromium, read through the REAL DevTools
// window: demo pages of every socket.io line, the backlog of a panel opened late, a stopped
// service worker, two tabs, reloads with and without "preserve log", a tab loaded before the
// extension was enabled, the extension switched off under an open page, the back/forward cache
// (a page and one with a frame), web workers, and iframes.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Page } from "playwright";
import type { CaptureEvent } from "../../protocol/capture.ts";
import { startDemo, type Demo, type Line } from "../../test-server/index.ts";
import { buildForTest, launchChrome, type ChromeExt, type Panel } from "./ext-harness.ts";
import { startTestServer } from "./hook-helpers.ts";
import type { Report } from "../../protocol/session/report.ts";
import { RECORDER, recordedIn, INSPECTED_TAB_RESULT, assertInspectedTab, fillStorageScenario, inspectedTabScenario, LARGE_PAYLOADS_RESULT, assertLargePayloads, largePayloadsScenario, assertBorrowedNatives, assertWrittenFrames, writtenFramesScenario, WRITTEN_FRAMES, startFramingSite, assertCspSite, borrowedNativesScenario, eventually, assertModel, assertScenarioTraffic, bfcacheSent, bfcacheView, startBfcacheSite, startCspSite, strip, type ModelReport } from "./ext-expect.ts";

const LINES: Line[] = ["4", "3", "2", "1", "0.9"];

let demo: Demo;
let chrome: ChromeExt;
let dist: Awaited<ReturnType<typeof buildForTest>>;

before(async () => {
  dist = await buildForTest();
  demo = await startDemo({ quiet: true, lines: LINES });
  chrome = await launchChrome(dist.chrome);
  await chrome.ctx.addInitScript(RECORDER);
});
after(async () => {
  await chrome?.close();
  await demo?.stop();
});

async function openDemo(line: Line): Promise<Page> {
  const page = await chrome.ctx.newPage();
  await page.goto(demo.pageUrl({ line }));
  await page.evaluate(() => window.demo.ready);
  return page;
}

async function run(page: Page, ...scenarios: string[]): Promise<void> {
  for (const s of scenarios) {
    const r = await page.evaluate((name) => window.demo.run(name), s);
    assert.ok(r.ok, `scenario ${s} failed in the page: ${JSON.stringify(r.details).slice(0, 300)}`);
  }
}

const recorded = (page: Page) => recordedIn(page);
const panelEvents = (p: Panel) => p.evaluate<CaptureEvent[]>("window.__socketScopePanel.events()");

/** Waits until the panel holds exactly what the page's hook dispatched (same events, same order). */
async function assertPanelMatches(p: Panel, page: Page, what: string): Promise<CaptureEvent[]> {
  let want = await recorded(page);
  let got: CaptureEvent[] = [];
  for (let i = 0; i < 100; i++) {
    got = await panelEvents(p);
    if (got.length >= want.length) break;
    await new Promise((r) => setTimeout(r, 100));
    want = await recorded(page);
  }
  want = await recorded(page);
  got = await panelEvents(p);
  // the ticker keeps talking: compare the common prefix, which must be all of `want` at the time
  assert.ok(got.length >= want.length - 20, `${what}: panel has ${got.length} events, page dispatched ${want.length}`);
  const n = Math.min(got.length, want.length);
  assert.deepEqual(got.slice(0, n).map(strip), want.slice(0, n).map(strip), `${what}: panel events equal the hook's, in order`);
  return got;
}

describe("extension in Chromium, read through the real DevTools panel", () => {
  test("every socket.io line: DevTools opened after the traffic shows all of it, in order", async () => {
    for (const line of LINES) {
      const page = await openDemo(line);
      await run(page, "events", "acks");
      const panel = await chrome.openPanel(page);
      const snap = await panel.waitFor((s) => s.status === "connected" && s.received > 10);
      assert.equal(snap.dropped, 0, `${line}: nothing dropped`);
      const events = await assertPanelMatches(panel, page, `line ${line}`);
      assert.equal(events[0]?.type, "page", `${line}: the backlog starts with the page load`);
      assert.equal(events.filter((e) => e.type === "page").length, 1);
      assert.ok(events.every((e) => e.frameId === 0), `${line}: all from the top frame`);
      assertScenarioTraffic(line, events);
      const main = assertModel(line, (await panel.snapshot()).report as ModelReport);
      // and the panel shows it: the session, its namespaces and the acks are on screen
      const ackMe = "ack #" + main.namespaces.find((n) => n.nsp === "/")!.events.find((e) => e.name === "ack-me")!.ackId;
      // the view catches up with the model within a render (≤ 1 s) and a frame (rows near the viewport are drawn then)
      let shown: { head: string; nsps: string[]; acked: string } | null = null;
      for (let i = 0; i < 40 && !shown?.acked.includes(ackMe); i++) {
        if (i) await new Promise((r) => setTimeout(r, 100));
        shown = await panel.evaluate<{ head: string; nsps: string[]; acked: string } | null>(`(() => {
          const s = [...document.querySelectorAll("section.session")].find((x) => x.dataset.sid === ${JSON.stringify(main.sid)});
          // as a user would: scroll to the session's "/" namespace (rows far from the viewport are not drawn)
          s?.querySelector(".nsp[data-nsp='/']")?.scrollIntoView();
          return s ? { head: s.querySelector("h3").textContent, nsps: [...s.querySelectorAll(".nsp h4")].map((h) => h.textContent), acked: [...s.querySelectorAll(".acked")].map((a) => a.textContent).join("|") } : null;
        })()`);
      }
      assert.ok(shown, `${line}: the session's card is on screen`);
      assert.match(shown.head, new RegExp(`Socket\\.IO rev ${main.socketio}`));
      assert.ok(shown.nsps.some((t) => t.startsWith("/ connected")), `${line}: "/ connected" on screen: ${shown.nsps.join(",")}`);
      assert.ok(shown.acked.includes(ackMe), `${line}: ack-me's ack on screen`);
      await panel.close();
      await page.close();
    }
  });

  test("namespaces: connected, refused and disconnected sockets in the model", async () => {
    const page = await openDemo("4");
    await run(page, "namespaces");
    const panel = await chrome.openPanel(page);
    const snap = await panel.waitFor((s) => (s.report as ModelReport).connections.some((c) => c.namespaces.some((n) => n.nsp === "/forbidden")));
    const report = snap.report as ModelReport;
    const nsps = report.connections.flatMap((c) => c.namespaces.map((n) => `${n.nsp} ${n.state}`));
    assert.ok(nsps.includes("/forbidden refused"), `middleware refusal: ${nsps.join(", ")}`);
    assert.ok(nsps.includes("/admin refused"), "wrong token refused");
    assert.ok(nsps.includes("/admin disconnected"), "the good /admin socket was closed by the scenario");
    assert.equal(report.connections.filter((c) => c.engineio === 4 && c.socketio === 5).length, report.connections.length);
    await panel.close();
    await page.close();
  });

  test("the service worker stopped mid-capture: nothing lost, live or from the backlog", async () => {
    const page = await openDemo("4");
    const panel = await chrome.openPanel(page);
    await run(page, "events");
    await assertPanelMatches(panel, page, "before the stop");
    assert.ok((await chrome.workerTargets()).length > 0, "the worker is running");
    await chrome.stopWorker(page); // resolves only on the worker's "stopped" status
    await run(page, "acks");
    const live = await assertPanelMatches(panel, page, "live panel across the restart");
    assert.ok((await chrome.workerTargets()).length > 0, "the worker was started again by the relay");
    assertScenarioTraffic("4", live);
    assertModel("4", (await panel.snapshot()).report as ModelReport);
    await panel.close();
    // a DevTools opened now is served from what the restarted worker restored
    await chrome.stopWorker(page);
    const late = await chrome.openPanel(page);
    const restored = await assertPanelMatches(late, page, "backlog after two restarts");
    assert.equal(restored[0]?.type, "page");
    assertModel("4", (await late.snapshot()).report as ModelReport);
    await late.close();
    await page.close();
  });

  test("backlog cap: DevTools opened after a flood shows how the page began, the newest events, and the dropped count", async () => {
    const COUNT = 26000;
    const page = await chrome.ctx.newPage();
    await page.goto(demo.pageUrl({ line: "4", transport: "websocket" }));
    await page.evaluate(() => window.demo.ready);
    const r = await page.evaluate((count) => window.demo.run("flood", { rate: 20000, count, size: 16, ms: 20000 }), COUNT);
    assert.ok(r.ok, `flood: ${JSON.stringify(r.details).slice(0, 300)}`);
    // the hook hands its captures over in batches (50 ms to 1 s apart): wait for the last one
    let sent = 0;
    for (let i = 0; i < 50 && sent <= COUNT; i++) {
      if (i) await new Promise((r) => setTimeout(r, 100));
      sent = (await recorded(page)).length;
    }
    assert.ok(sent > COUNT, `every flood message was captured by the hook (${sent} events for ${COUNT} messages)`);
    const panel = await chrome.openPanel(page);
    const snap = await panel.waitFor((s) => s.dropped > 0 && s.received + s.dropped >= sent, 20_000);
    // the backlog replayed on opening is capped; whatever was still on its way from the page
    // when the panel subscribed (a flood's last batches leave up to a second late) comes live
    assert.ok(snap.replayed > 0 && snap.replayed <= 20_000, `at most the cap is held (${snap.replayed} replayed, ${snap.received} received)`);
    // the handshake was kept (pinned head), so the session still decodes; the middle is gone
    const report = snap.report as ModelReport;
    const main = report.connections.find((c) => c.namespaces.some((n) => n.events.some((e) => e.name === "flood")));
    assert.ok(main, "the flooded session is decoded");
    assert.equal(main.engineio, 4);
    assert.equal(main.namespaces.find((n) => n.nsp === "/")?.state, "connected", "the namespace connect was kept");
    const seqs = main.namespaces.find((n) => n.nsp === "/")!.events.filter((e) => e.name === "flood" && e.dir === "in").map((e) => e.args[0] as number);
    assert.equal(seqs[seqs.length - 1], COUNT - 1, "the newest flood message is there");
    assert.ok(seqs.length < COUNT, "flood messages were dropped");
    const gaps = seqs.slice(1).filter((x, i) => x !== seqs[i]! + 1);
    // the pinned head may or may not reach into the flood: one gap, or a tail starting after 0
    assert.ok(gaps.length === 1 || (gaps.length === 0 && seqs[0]! > 0), `kept: the page's start, then the newest events, in order (gaps ${gaps.length}, first ${seqs[0]})`);
    const shown = await panel.evaluate<string>(`document.querySelector('[data-testid="dropped"]')?.textContent ?? ""`);
    assert.match(shown, new RegExp(`^${snap.dropped} dropped`), "the dropped count is on screen");
    // long lists: only the blocks of rows near the viewport are drawn; scrolling draws the others
    const lists = `(() => {
      const blocks = [...document.querySelectorAll(".nsp[data-nsp='/'] .block")];
      const last = blocks[blocks.length - 1];
      return { blocks: blocks.length, drawn: blocks.filter((b) => b.querySelector("tr")).length,
        lastHeight: last ? last.getBoundingClientRect().height : 0,
        lastText: last ? [...last.querySelectorAll("tr")].map((r) => r.textContent).join("|") : "",
        tailText: blocks.slice(-2).flatMap((b) => [...b.querySelectorAll("tr")].map((r) => r.textContent)).join("|") };
    })()`;
    type Lists = { blocks: number; drawn: number; lastHeight: number; lastText: string; tailText: string };
    await panel.evaluate(`document.querySelector(".nsp[data-nsp='/']").scrollIntoView()`);
    let before: Lists = await panel.evaluate<Lists>(lists);
    for (let i = 0; i < 30 && before.drawn === 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      before = await panel.evaluate<Lists>(lists);
    }
    assert.ok(before.blocks === 8 || before.blocks === 9, `the namespace's last 200 events, in blocks of 25 rows cut at multiples of 25 (${before.blocks})`);
    assert.ok(before.drawn >= 1 && before.drawn < before.blocks, `only the blocks near the top are drawn (${before.drawn} of ${before.blocks})`);
    assert.equal(before.lastText, "", "the last block is an empty box…");
    // (blocks are cut at multiples of 25 of the event index: the last may hold a single row)
    assert.ok(before.lastHeight >= 10, `…holding its place (${before.lastHeight}px)`);
    // (the panel may still be drawing the backlog it was sent on opening: wait for the render
    // that holds all of it, as the model the snapshot read already does; a render that adds a
    // block moves the end of the list, so keep it scrolled to the end, as a user would)
    const toEnd = `document.querySelector(".nsp[data-nsp='/'] .block:last-of-type").scrollIntoView()`;
    await panel.evaluate(toEnd);
    const newest = new RegExp(`flood\\[${COUNT - 1},`);
    let after: Lists = before;
    // (the page's flood-end event comes after the newest flood message, and a block boundary
    // can fall between them, leaving flood-end alone in the last block: look at the last two)
    for (let i = 0; i < 100 && !newest.test(after.tailText); i++) {
      await new Promise((r) => setTimeout(r, 100));
      after = await panel.evaluate<Lists>(lists);
      if (!newest.test(after.tailText)) await panel.evaluate(toEnd);
    }
    assert.match(after.tailText, newest, `scrolled to the end, the last blocks show the newest event (${after.drawn} of ${after.blocks} blocks drawn, the last ${after.lastHeight}px: ${after.lastText.slice(0, 200)})`);
    await panel.close();
    await page.close();
  });

  test("two tabs: each panel sees only its own tab", async () => {
    const a = await openDemo("4");
    const b = await openDemo("2");
    const pa = await chrome.openPanel(a);
    const pb = await chrome.openPanel(b);
    await Promise.all([run(a, "events", "acks"), run(b, "events", "acks")]);
    const ea = await assertPanelMatches(pa, a, "tab A");
    const eb = await assertPanelMatches(pb, b, "tab B");
    const ta = (await pa.snapshot()).tabId;
    const tb = (await pb.snapshot()).tabId;
    assert.notEqual(ta, tb);
    const portA = new URL(demo.serverUrl("4")).port;
    const portB = new URL(demo.serverUrl("2")).port;
    const urls = (es: CaptureEvent[]) => es.flatMap((e) => ("url" in e && e.type !== "page" ? [e.url] : []));
    assert.ok(urls(ea).length > 0 && urls(ea).every((u) => new URL(u).port === portA), "tab A: only the 4.x server");
    assert.ok(urls(eb).length > 0 && urls(eb).every((u) => new URL(u).port === portB), "tab B: only the 2.x server");
    const connsA = new Set(ea.map((e) => e.conn));
    assert.ok(eb.every((e) => !connsA.has(e.conn)), "no connection appears in both panels");
    await pa.close();
    await pb.close();
    await a.close();
    await b.close();
  });

  test("live: a row drawn as 'ack pending' changes to acked when the ack arrives later", async () => {
    const page = await openDemo("4");
    const panel = await chrome.openPanel(page);
    await run(page, "events", "acks"); // rows before it: the slow one sits in a block with others
    const acked = page.evaluate(() => window.demo.call("slow-ack", [2500], 8000));
    const cell = `(() => {
      document.querySelector(".nsp[data-nsp='/']")?.scrollIntoView();
      const row = [...document.querySelectorAll(".nsp[data-nsp='/'] table.sio-events tr")].find((r) => r.querySelector("td.name")?.textContent === "slow-ack");
      return row ? row.lastElementChild.textContent : "";
    })()`;
    let text = "";
    for (let i = 0; i < 100 && !/pending/.test(text); i++) {
      text = await panel.evaluate<string>(cell);
      if (!/pending/.test(text)) await new Promise((r) => setTimeout(r, 50));
    }
    assert.match(text, /^ack #\d+ pending$/, "first drawn while its ack is outstanding");
    assert.deepEqual(await acked, ["late", 2500]);
    for (let i = 0; i < 60 && !/late/.test(text); i++) {
      await new Promise((r) => setTimeout(r, 100));
      text = await panel.evaluate<string>(cell);
    }
    assert.match(text, /^ack #\d+ ← \["late",2500\] \(\d+(\.\d)? ms\)$/, "redrawn with the ack");
    await panel.close();
    await page.close();
  });

  test("reload: the panel starts over, or keeps everything with preserve log", async () => {
    const page = await openDemo("4");
    const panel = await chrome.openPanel(page);
    await run(page, "events");
    const first = await assertPanelMatches(panel, page, "first load");
    await panel.evaluate("window.__socketScopePanel.preserveLog(false)");
    await page.reload();
    await page.evaluate(() => window.demo.ready);
    await run(page, "acks");
    const second = await assertPanelMatches(panel, page, "after a reload without preserve log");
    assert.equal(second.filter((e) => e.type === "page").length, 1, "only the new page");
    const firstConns = new Set(first.filter((e) => e.type !== "page").map((e) => e.conn));
    assert.ok(second.every((e) => !firstConns.has(e.conn)), "nothing of the first load remains");

    await panel.evaluate("window.__socketScopePanel.preserveLog(true)");
    const before = await panelEvents(panel);
    await page.reload();
    await page.evaluate(() => window.demo.ready);
    await run(page, "events");
    const now = await recorded(page);
    const conns = new Set(now.map((x) => x.conn));
    let all: CaptureEvent[] = [];
    let third: CaptureEvent[] = [];
    for (let i = 0; i < 100; i++) {
      all = await panelEvents(panel);
      third = all.filter((e) => conns.has(e.conn));
      if (third.length >= now.length) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(all.filter((e) => e.type === "page").length, 2, "both pages are kept");
    assert.deepEqual(all.slice(0, before.length).map(strip), before.map(strip), "the earlier page is intact");
    assert.deepEqual(third.slice(0, now.length).map(strip), now.map(strip), "the new page follows, in order");
    await panel.close();
    await page.close();
  });

  test("a tab loaded before the extension was enabled: the panel says nothing is captured, and its Reload button fixes that", async () => {
    // Chromium never injects content scripts into tabs that were open when an extension is
    // installed or enabled: such a tab has no hook, and an empty panel must say why.
    const sw = await launchChrome(dist.chrome, { switchable: true });
    try {
      await sw.setEnabled(false);
      const page = await sw.ctx.newPage();
      await page.goto(demo.pageUrl({ line: "4" }));
      await page.evaluate(() => window.demo.ready);
      await sw.setEnabled(true);
      await run(page, "events");
      const panel = await sw.openPanel(page);
      const before = await panel.waitFor((s) => s.coverage !== "unknown");
      assert.equal(before.coverage, "not-hooked");
      assert.equal(before.received, 0, "nothing was captured");
      const text = () => panel.evaluate<string>("document.getElementById('root').textContent");
      /** The text on screen once it matches `want` (renders are paced), or the last one. */
      const textUntil = async (want: (t: string) => boolean) => {
        let t = await text();
        for (let i = 0; i < 50 && !want(t); i++) {
          await new Promise((r) => setTimeout(r, 100));
          t = await text();
        }
        return t;
      };
      const shown = await textUntil((t) => t.includes("Nothing is captured in this tab"));
      assert.match(shown, /Nothing is captured in this tab/);
      assert.doesNotMatch(shown, /No Socket\.IO traffic yet/, "not the message of a hooked page without traffic");
      const loaded = page.waitForEvent("load");
      const clicked = await panel.evaluate<boolean>(
        "(() => { const b = [...document.querySelectorAll('button')].find((x) => x.textContent === 'Reload page'); b?.click(); return !!b; })()",
      );
      assert.ok(clicked, "the notice offers a Reload page button");
      await loaded;
      await page.evaluate(() => window.demo.ready);
      await run(page, "events", "acks");
      // the acks scenario's last event: everything before it has arrived too
      const after = await panel.waitFor((s) => s.coverage === "hooked" && (s.report as ModelReport).connections.some((c) => c.namespaces.some((n) => n.events.some((e) => e.name === "no-ack"))));
      assertModel("4", after.report as ModelReport);
      assert.doesNotMatch(await textUntil((t) => !t.includes("Reload page")), /Nothing is captured|Reload page/, "the notice is gone once the page is hooked");
      await panel.close();
    } finally {
      await sw.close();
    }
  });

  test("the extension switched off while a page stays open: the page's hook stops recording for nobody, the page works on, a reload captures again", async () => {
    // Chromium leaves an open tab's content scripts running when the extension is disabled or
    // updated, and never injects the new relay into it: the hook would record every message for
    // nobody until the page reloads.
    const sw = await launchChrome(dist.chrome, { switchable: true });
    try {
      await sw.ctx.addInitScript(RECORDER);
      const page = await sw.ctx.newPage();
      await page.goto(demo.pageUrl({ line: "4" }));
      await page.evaluate(() => window.demo.ready);
      const batches = () => page.evaluate(() => (window as unknown as { __rec: string[] }).__rec.length);
      // the demo's ticker sends every second, so a recording hook sends a batch every second
      const after = async (ms: number) => {
        await new Promise((r) => setTimeout(r, ms));
        return batches();
      };
      await run(page, "events");
      const on = await batches();
      assert.ok((await after(2500)) > on, "the hook records the ticker while the extension is on");
      await sw.setEnabled(false);
      await run(page, "events", "acks"); // the page works on
      // the first batch after the switch finds no relay to take it; none follows
      const off = await after(2500);
      assert.equal(await after(2500), off, "nothing recorded once nobody listens");
      // still nobody after switching back on: Chromium injects nothing into the open tab
      await sw.setEnabled(true);
      await run(page, "events");
      assert.equal(await after(2500), off, "the old hook stays quiet (the panel asks for a reload)");
      await page.reload();
      await page.evaluate(() => window.demo.ready);
      await run(page, "events");
      const recording = async () => {
        const events = await recordedIn(page);
        return events.some((e) => e.type === "page") && events.some((e) => e.type === "ws-frame");
      };
      let ok = await recording();
      for (let i = 0; i < 50 && !ok; i++) ok = await after(100).then(recording);
      assert.ok(ok, "the reloaded page is recorded");
    } finally {
      await sw.close();
    }
  });

  for (const framed of [false, true]) {
    const top = framed ? "c" : "a";
    test(framed ? "back/forward cache: a page's frame is restored with it, and its traffic shown again" : "back/forward cache: a page restored from it is shown again, with its new traffic", async () => {
      const site = await startBfcacheSite();
      try {
        const origin = site.origin;
        const page = await chrome.ctx.newPage();
        const sent = () => bfcacheSent(page);
        const want = (what: string) => [`${top}-${what}`, ...(framed ? [`${top}-frame-${what}`] : [])];
        /** What the panel should hold of page `path`'s top frame and its sub-frame (none on /a, /b). */
        const shows = (path: string, restored: boolean) => {
          const r = restored ? " restored" : "";
          const of = (p: string) => [`page /${p}${r}`, `4${p}-${restored ? "restored" : "loaded"}`, "http-response"];
          return [of(path), path === "c" ? of("c-frame") : []];
        };
        await page.goto(origin + "/" + top);
        await page.waitForFunction(() => (document.querySelector("iframe")?.contentWindow as unknown as { sent?: unknown } | null | undefined)?.sent !== undefined || !document.querySelector("iframe"));
        assert.deepEqual(await sent(), want("loaded"));
        const panel = await chrome.openPanel(page);
        await panel.evaluate("window.__socketScopePanel.preserveLog(false)");
        /** What the panel holds, per frame: the top's and the sub-frame's. */
        const shown = async () => {
          const evs = await panelEvents(panel);
          return [bfcacheView(evs.filter((e) => (e.frameId ?? 0) === 0)), bfcacheView(evs.filter((e) => (e.frameId ?? 0) !== 0))];
        };
        const until = async (expected: string[][], what: string) => {
          let got = await shown();
          for (let i = 0; i < 100 && JSON.stringify(got) !== JSON.stringify(expected); i++) {
            await new Promise((r) => setTimeout(r, 100));
            got = await shown();
          }
          assert.deepEqual(got, expected, what);
        };
        await until(shows(top, false), "the first page");
        await page.goto(origin + "/b");
        assert.deepEqual(await sent(), ["b-loaded"]);
        await until(shows("b", false), "the next page");
        await page.goBack({ waitUntil: "commit" }); // a page restored from the cache fires no load
        await page.waitForFunction((p) => String((window as unknown as { sent?: unknown }).sent) !== "undefined" && location.pathname === p, "/" + top);
        assert.deepEqual(await sent(), want("restored"), "it came back from the back/forward cache");
        await until(shows(top, true), "the restored page, and what it sent since");
        await panel.close();
        await page.close();
      } finally {
        site.close();
      }
    });
  }

  test("hostile data from the page: escaped, and the panel never goes blank", async () => {
    const page = await openDemo("4");
    await run(page, "events", "acks");
    // A page can dispatch the hook's event itself: markup, wrong types, nonsense frames.
    await page.evaluate(() => {
      const evil = "<img src=x onerror=window.top.__pwned=1><script>window.top.__pwned=2</script>";
      const ts = Date.now();
      const batch = [
        { v: 1, type: "ws-open", ts, conn: "evil.1", url: `ws://127.0.0.1:1/socket.io/?EIO=4&transport=websocket&x=${evil}` },
        { v: 1, type: "ws-opened", ts, conn: "evil.1" },
        { v: 1, type: "ws-frame", ts, conn: "evil.1", dir: "in", data: { text: `0{"sid":"${evil}","upgrades":[],"pingInterval":25000,"pingTimeout":20000}` } },
        { v: 1, type: "ws-frame", ts, conn: "evil.1", dir: "in", data: { text: `40{"sid":"x"}` } },
        { v: 1, type: "ws-frame", ts, conn: "evil.1", dir: "in", data: { text: `42["${evil}",{"__proto__":{"polluted":1}}]` } },
        { v: 1, type: "ws-frame", ts, conn: "evil.1", dir: "in", data: null },
        { v: 1, type: "ws-frame", ts, conn: "evil.1", dir: "in", data: { base64: "!!!not base64!!!" } },
        { v: 1, type: "ws-frame", ts, conn: "evil.1", dir: "sideways", data: { text: "4" } },
        { v: 1, type: "http-response", ts, conn: 42, status: "x" },
        { type: "no-such-type", conn: "evil.2" },
        "just a string",
      ];
      window.dispatchEvent(new CustomEvent("__socket_scope_capture__", { detail: JSON.stringify(batch) }));
      window.dispatchEvent(new CustomEvent("__socket_scope_capture__", { detail: "{not json" }));
      window.dispatchEvent(new CustomEvent("__socket_scope_capture__", { detail: { not: "a string" } }));
    });
    const panel = await chrome.openPanel(page);
    await panel.waitFor((s) => s.status === "connected" && (s.report as ModelReport).connections.some((c) => c.namespaces.some((n) => n.events.some((e) => e.name.startsWith("<img")))));
    await new Promise((r) => setTimeout(r, 600)); // a render or two after the data arrived
    const dom = await panel.evaluate<{ imgs: number; scripts: number; pwned: unknown; text: string; toolbar: boolean; sessions: number; failed: string[] }>(`({
      imgs: document.querySelectorAll("#root img").length,
      scripts: document.querySelectorAll("#root script").length,
      pwned: window.__pwned,
      text: document.getElementById("root").textContent,
      toolbar: !!document.querySelector(".toolbar"),
      sessions: document.querySelectorAll("section.session").length,
      failed: [...document.querySelectorAll(".boundary-error")].map((e) => e.textContent),
    })`);
    assert.deepEqual(dom.failed, [], "no view had to fall back to its error boundary");
    assert.equal(dom.imgs, 0, "no element was created from page data");
    assert.equal(dom.scripts, 0);
    assert.equal(dom.pwned, undefined);
    assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned), undefined);
    assert.ok(dom.toolbar, "the toolbar is still there");
    assert.ok(dom.sessions >= 2, "the real session and the hostile one are both shown");
    assert.ok(dom.text.includes("<img src=x onerror=window.top.__pwned=1>"), "the markup is shown as text");
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assertModel("4", (await panel.snapshot()).report as ModelReport);
    await panel.close();
    await page.close();
  });

  test("iframes: traffic is attributed to its frame, a polling-only frame included", async () => {
    // #g never upgrades: all its traffic is in the compact HTTP forms of extension/shared/wire.ts
    const pollingOnly = demo.pageUrl({ line: "4", transport: "polling" });
    const outer = await startFramingSite([demo.pageUrl({ line: "4" }), pollingOnly]);
    try {
      const page = await chrome.ctx.newPage();
      await page.goto(outer.url());
      const frames = [];
      for (const id of ["#f", "#g"]) {
        const frame = await (await page.waitForSelector(id)).contentFrame();
        assert.ok(frame);
        await frame.waitForFunction(() => window.demo !== undefined);
        await frame.evaluate(() => window.demo.ready);
        await frame.evaluate(() => window.demo.run("events"));
        frames.push(frame);
      }
      const panel = await chrome.openPanel(page);
      const inner = await recordedIn(frames[0]!);
      const innerG = await recordedIn(frames[1]!);
      const snap = await panel.waitFor((s) => s.received >= inner.length + innerG.length + 1);
      const events = await panelEvents(panel);
      assert.ok(snap.received > 0);
      const top = events.filter((e) => e.frameId === 0);
      assert.deepEqual(top.map((e) => e.type), ["page"], "the outer page has no socket traffic");
      for (const [url, rec] of [[demo.pageUrl({ line: "4" }), inner], [pollingOnly, innerG]] as const) {
        const sub = events.filter((e) => e.frameId !== 0 && e.frameUrl === url);
        assert.ok(sub.length >= rec.length - 20 && sub.every((e) => typeof e.frameId === "number" && e.frameId > 0), `frame ids of the iframe ${url} (${sub.length} of ${rec.length})`);
        const n = Math.min(sub.length, rec.length);
        assert.deepEqual(sub.slice(0, n).map(strip), rec.slice(0, n).map(strip));
      }
      assert.ok(innerG.some((e) => e.type === "http-request") && !innerG.some((e) => e.type === "ws-open"), "the second frame only polled");
      await panel.close();
      await page.close();
    } finally {
      outer.close();
    }
  });
  test("a cross-site iframe (its own renderer process, its relay's own port): its traffic captured whole, in its frame", async () => {
    // the outer page on localhost, the demo on 127.0.0.1: another site, so an out-of-process frame
    const outer = await startFramingSite([demo.pageUrl({ line: "4" })]);
    try {
      const page = await chrome.ctx.newPage();
      await page.goto(outer.url("localhost"));
      const frame = await (await page.waitForSelector("#f")).contentFrame();
      assert.ok(frame);
      await frame.waitForFunction(() => window.demo !== undefined);
      await frame.evaluate(() => window.demo.ready);
      assert.ok((await frame.evaluate(() => window.demo.run("acks"))).ok);
      const oop = await page.evaluate(() => { try { return (document.querySelector("#f") as HTMLIFrameElement).contentWindow!.document === null; } catch { return true; } });
      assert.ok(oop, "the frame is cross-site (its document out of the outer page's reach)");
      const panel = await chrome.openPanel(page);
      const rec = await recordedIn(frame);
      assert.ok(rec.some((e) => e.type === "ws-frame") && rec.some((e) => e.type === "http-request"), `the frame's own record of its traffic (${rec.length} events)`);
      await panel.waitFor((s) => s.received >= rec.length + 1);
      const events = await panelEvents(panel);
      assert.deepEqual(events.filter((e) => (e.frameId ?? 0) === 0).map((e) => e.type), ["page"], "the outer page has no socket traffic");
      const sub = events.filter((e) => (e.frameId ?? 0) !== 0);
      assert.ok(sub.every((e) => e.frameUrl === demo.pageUrl({ line: "4" })), "all of it in the frame");
      const n = Math.min(sub.length, rec.length);
      assert.ok(n >= rec.length - 20, `the panel holds the frame's traffic (${sub.length} of ${rec.length})`);
      assert.deepEqual(sub.slice(0, n).map(strip), rec.slice(0, n).map(strip), "as the frame's page recorded it, in order");
      await panel.close();
      await page.close();
    } finally {
      outer.close();
    }
  });

  test("web workers: the panel says which ones the page started, whose sockets it cannot see", async () => {
    const site: Server = createServer((req, res) => {
      if (req.url === "/w.js") {
        res.writeHead(200, { "content-type": "text/javascript" });
        res.end("onconnect = (e) => e.ports[0].postMessage('up'); onmessage = (e) => postMessage(e.data);");
        return;
      }
      res.writeHead(200, { "content-type": "text/html" });
      res.end(`<!doctype html><title>workers</title><script>
        window.up = Promise.all([
          new Promise((r) => { const w = new Worker("w.js"); w.onmessage = (e) => r(e.data); w.postMessage("up"); }),
          new Promise((r) => { const s = new SharedWorker("/w.js"); s.port.onmessage = (e) => r(e.data); }),
        ]);
      </script>`);
    });
    await new Promise<void>((r) => site.listen(0, "127.0.0.1", r));
    try {
      const origin = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
      const page = await chrome.ctx.newPage();
      await page.goto(origin + "/");
      assert.deepEqual(await page.evaluate(() => (window as unknown as { up: Promise<string[]> }).up), ["up", "up"], "both workers run");
      const panel = await chrome.openPanel(page);
      const snap = await panel.waitFor((s) => s.workers === 2);
      assert.equal(snap.coverage, "hooked");
      const workers = (await panelEvents(panel)).filter((e) => e.type === "worker");
      assert.deepEqual(workers.map((e) => [e.kind, e.url]), [["dedicated", origin + "/w.js"], ["shared", origin + "/w.js"]]);
      let text = "";
      for (let i = 0; i < 50 && !text.includes("web workers"); i++) {
        text = await panel.evaluate<string>("document.getElementById('root').textContent");
        if (!text.includes("web workers")) await new Promise((r) => setTimeout(r, 100));
      }
      assert.match(text, new RegExp(`This page started 2 web workers \\(${origin.replace(/\./g, "\\.")}/w\\.js\\)\\. Sockets opened inside workers are not captured`));
      await panel.close();
      await page.close();
    } finally {
      site.close();
    }
  });

  test("the browser's own WebSocket, fetch and XMLHttpRequest taken from a fresh about:blank iframe: captured, in that frame", async () => {
    const server = await startTestServer();
    try {
      const page = await chrome.ctx.newPage();
      await page.goto(server.origin + "/");
      await page.evaluate(borrowedNativesScenario);
      const panel = await chrome.openPanel(page);
      // the last batches may still be on their way
      await eventually(async () => assertBorrowedNatives(await panelEvents(panel)));
      await panel.close();
      await page.close();
    } finally {
      await server.stop();
    }
  });

  test("frames whose document the page makes itself (srcdoc, sandboxed srcdoc, about:blank with document.open and write, blob: and data: URLs): their socket.io captured whole, in those frames", async () => {
    const server = await startTestServer();
    try {
      const page = await chrome.ctx.newPage();
      await page.goto(server.origin + "/");
      assert.deepEqual(await page.evaluate(writtenFramesScenario), WRITTEN_FRAMES.map((id) => `got from ${id}`));
      const panel = await chrome.openPanel(page);
      await eventually(async () => assertWrittenFrames(await panelEvents(panel)));
      await panel.close();
      await page.close();
    } finally {
      await server.stop();
    }
  });

  test("the backlog cap's dropped count: shown for the page whose events it dropped, started over by a reload without preserve log", async () => {
    const server = await startTestServer();
    try {
      const page = await chrome.ctx.newPage();
      await page.goto(server.origin + "/");
      // 1 MiB frames are kept whole: six of them (three echoed) are over the tab's 3 MiB
      await page.evaluate(fillStorageScenario);
      const panel = await chrome.openPanel(page);
      await panel.evaluate("window.__socketScopePanel.preserveLog(false)");
      // (how many depends on how much was in the backlog when the panel subscribed)
      const full = await panel.waitFor((s) => s.dropped > 0);
      await page.reload();
      const after = await panel.waitFor((s) => s.received > 0 && s.received < full.received);
      assert.equal(after.dropped, 0, "nothing of the new page was dropped");
      await panel.close();
      await page.close();
    } finally {
      await server.stop();
    }
  });

  test("storage.session full (10 MB for every tab together): busy tabs in the background give up their middle, and the inspected tab keeps its session whole", async () => {
    const server = await startTestServer();
    const fillers: Page[] = [];
    try {
      // four tabs, each holding up to its 3 MiB cap of 1 MiB frames (kept whole): more than the quota
      for (let i = 0; i < 4; i++) {
        const p = await chrome.ctx.newPage();
        await p.goto(server.origin + "/");
        await p.evaluate(fillStorageScenario);
        fillers.push(p);
      }
      // (their last batches leave within a second)
      await new Promise((r) => setTimeout(r, 1500));
      const page = await chrome.ctx.newPage();
      await page.goto(server.origin + "/");
      await page.addScriptTag({ url: "/sio4.js" });
      assert.deepEqual(await page.evaluate(inspectedTabScenario), INSPECTED_TAB_RESULT);
      const panel = await chrome.openPanel(page);
      await eventually(async () => assertInspectedTab((await panel.snapshot()).report as Report));
      assert.equal((await panelEvents(panel))[0]?.type, "page", "from the page load on");
      assert.equal((await panel.snapshot()).dropped, 0, "nothing of the inspected tab dropped");
      await panel.close();
      await page.close();
    } finally {
      for (const p of fillers) await p.close();
      await server.stop();
    }
  });

  test("a page with more sessions than the panel draws (60): the newest 50 on screen, how many are left out, all of them in the model", async () => {
    const server = await startTestServer();
    try {
      const page = await chrome.ctx.newPage();
      await page.goto(server.origin + "/");
      await page.addScriptTag({ url: "/sio4.js" });
      await page.evaluate(async () => {
        const io = (window as unknown as { io4: (u: string, o: object) => { once(e: string, f: () => void): void; emitWithAck(...a: unknown[]): Promise<unknown>; close(): void } }).io4;
        for (let i = 0; i < 60; i++) {
          const s = io(location.origin, { path: "/sio4/", transports: ["websocket"], forceNew: true });
          await new Promise<void>((ok) => s.once("connect", () => ok()));
          await s.emitWithAck("hello", `s${i}`);
          s.close();
        }
      });
      const panel = await chrome.openPanel(page);
      await eventually(async () => {
        const report = (await panel.snapshot()).report as Report;
        assert.equal(report.connections.length, 60, "the model keeps every session");
        const screen = await panel.evaluate<{ sessions: number; hidden: string; first: string }>(
          `({ sessions: document.querySelectorAll("section.session").length, hidden: document.querySelector("[data-testid=sessions-hidden]")?.textContent ?? "", first: document.querySelector("section.session")?.textContent ?? "" })`,
        );
        assert.equal(screen.sessions, 50);
        assert.equal(screen.hidden, "10 earlier sessions not shown (the newest 50 are)");
        assert.match(screen.first, /"s10"/, "the first one drawn is the 11th");
      });
      await panel.close();
      await page.close();
    } finally {
      await server.stop();
    }
  });

  test("payloads over 1 MiB (socket.io 4 events, acks and binary attachments, over WebSocket and long-polling): cut to their start, the page's session whole from its load, in a panel opened after the traffic", async () => {
    const server = await startTestServer();
    try {
      const page = await chrome.ctx.newPage();
      await page.goto(server.origin + "/");
      await page.addScriptTag({ url: "/sio4.js" });
      assert.deepEqual(await page.evaluate(largePayloadsScenario), LARGE_PAYLOADS_RESULT);
      const panel = await chrome.openPanel(page);
      await eventually(async () => assertLargePayloads((await panel.snapshot()).report as Report), 15_000);
      const snap = await panel.snapshot();
      assert.equal(snap.dropped, 0, "nothing pushed out of the tab's backlog");
      assert.equal((await panelEvents(panel))[0]?.type, "page", "the backlog starts with the page load");
      await panel.close();
      await page.close();
    } finally {
      await server.stop();
    }
  });

  test("a page under a strict CSP with Trusted Types: captured whole, and its policy works as without the extension", async () => {
    const site = await startCspSite();
    try {
      const page = await chrome.ctx.newPage();
      await page.goto(site.origin + "/");
      const log = await page.evaluate(() => (window as unknown as { done: Promise<string[]> }).done);
      const hasTt = await page.evaluate(() => "trustedTypes" in window);
      assert.ok(hasTt, "Chromium enforces Trusted Types");
      const panel = await chrome.openPanel(page);
      await assertPanelMatches(panel, page, "CSP page");
      const snap = await panel.waitFor((s) => (s.report as ModelReport).summary.acks >= 1);
      assertCspSite(log, hasTt, snap.report as ModelReport);
      await panel.close();
      await page.close();
    } finally {
      await site.close();
    }
  });
});
