// Every demo page in real Chromium (no extension): each socket.io line and variant connects with
// its real client, runs every scenario it offers, and the page-reported results are asserted.
// Expected values are written by hand here, not taken from the page code.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type Page } from "playwright";
import { startDemo, type Demo } from "../../test-server/index.ts";
import { SAMPLE_ARGS } from "../fixtures/scenario-checks.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

type Line = "0.9" | "1" | "2" | "3" | "4";
interface Conf {
  line: Line;
  transport?: "polling-upgrade" | "websocket" | "polling" | "polling-jsonp" | "polling-base64" | "polling-fetch";
  parser?: "default" | "msgpack";
  recovery?: boolean;
  eio3?: boolean;
  /** Run only these (of those available), to keep the file's time down. */
  only?: string[];
}
interface Result { ok: boolean; details: Record<string, unknown> }

const BASE = ["namespaces", "events", "acks", "ns-disconnect", "reconnect", "flood", "oversized", "rooms", "ticker"];
const ENGINE_IO = ["binary", "session-unknown"];
function expectedScenarios(c: Conf): string[] {
  let s = c.line === "0.9" ? [...BASE] : [...BASE, ...ENGINE_IO];
  if (c.recovery) s.push("recovery");
  // 0.9 over JSONP: the oversized POST's connection is cut, the session lives on (no disconnect)
  if (c.line === "0.9" && c.transport === "polling-jsonp") s = s.filter((n) => n !== "oversized");
  return s.sort();
}

// The bytes the binary scenario sends: i * 7 mod 256 for 300 bytes; their sum mod 65536.
let BIN_SUM = 0;
for (let i = 0; i < 300; i++) BIN_SUM = (BIN_SUM + ((i * 7) % 256)) % 65536;

function checkDetails(name: string, c: Conf, r: Result): void {
  const d = r.details as Record<string, any>;
  // A 4.x server hands an EIO3 client's namespace query to the middleware as `auth` too.
  const modernServer = c.line === "3" || c.line === "4";
  switch (name) {
    case "namespaces":
      assert.deepEqual(d.welcome, { user: "admin", via: modernServer ? "auth" : "query" });
      assert.equal(d.forbidden.kind, "refused");
      assert.equal(d.wrongToken.kind, "refused");
      assert.equal(d.mainStillConnected, true);
      break;
    case "events":
      assert.deepEqual(d.got, SAMPLE_ARGS);
      if (c.recovery) assert.equal(typeof d.offset, "string");
      break;
    case "acks":
      assert.deepEqual(d.clientToServer, [1, "ü", { x: "🎉" }]);
      assert.deepEqual(d.serverToClient, [{ reply: ["ping → pong"] }]);
      assert.match(d.never, /no ack/);
      break;
    case "binary":
      assert.equal(d.len, 300);
      assert.equal(d.sum, BIN_SUM);
      assert.equal(d.reversedOk, true);
      assert.deepEqual(d.serverEvent, [0, 1, 2, 253, 254, 255]);
      break;
    case "ns-disconnect":
      if (c.line !== "0.9") assert.equal(d.reason, "io server disconnect");
      assert.equal(d.reconnected, false);
      assert.equal(d.mainStillConnected, true);
      break;
    case "reconnect":
      assert.deepEqual(d.tally, [1, 2, 3, 4, 5]);
      assert.notEqual(d.sessionAfter, d.sessionBefore);
      break;
    case "session-unknown":
      assert.equal(d.probeStatus, 400);
      assert.match(d.probeBody, /Session ID unknown/);
      assert.notEqual(d.newSid, d.sid);
      break;
    case "flood":
      assert.equal(d.received, d.sent);
      assert.equal(d.received, 500);
      assert.equal(d.outOfOrder, 0);
      break;
    case "oversized":
      assert.equal(d.oversizedReceivedAfter, d.oversizedReceivedBefore);
      assert.equal(d.disconnect.kind, "disconnect");
      if (c.line !== "0.9") assert.equal(d.reconnected, true);
      break;
    case "rooms":
      assert.equal(d.roomMessages.a.length, 0);
      assert.equal(d.roomMessages.c.length, 0);
      assert.deepEqual(d.roomMessages.b, [{ text: "only for the room ✨", room: d.room }]);
      assert.equal(d.broadcastReachedAll, true);
      break;
    case "ticker":
      assert.match(d.symbol, /^[A-Z]+$/);
      assert.equal(typeof d.price, "number");
      break;
    case "recovery":
      assert.equal(d.recovered, true);
      assert.equal(d.idAfter, d.idBefore);
      assert.deepEqual(d.missed, [1, 2, 3]);
      break;
    default:
      assert.fail(`no expectations written for scenario ${name}`);
  }
}

const CONFS: Conf[] = [];
for (const line of ["0.9", "1", "2", "3", "4"] as Line[]) {
  for (const transport of ["polling-upgrade", "websocket", "polling"] as const) CONFS.push({ line, transport });
}
for (const line of ["2", "3", "4"] as Line[]) CONFS.push({ line, parser: "msgpack" });
CONFS.push({ line: "4", recovery: true });
CONFS.push({ line: "4", eio3: true });
// The framings that only these transports produce: JSONP bodies, base64 binary.
const FRAMING = ["events", "acks", "binary", "reconnect", "oversized"];
for (const line of ["0.9", "1", "2", "3"] as Line[]) CONFS.push({ line, transport: "polling-jsonp", only: FRAMING });
for (const line of ["1", "2", "3", "4"] as Line[]) CONFS.push({ line, transport: "polling-base64", only: FRAMING });
// 4.x's long-polling over fetch(): every scenario that polls (session-unknown included)
CONFS.push({ line: "4", transport: "polling-fetch", only: [...FRAMING, "session-unknown"] });

const label = (c: Conf) =>
  `line ${c.line}${c.transport ? ` ${c.transport}` : ""}${c.parser ? ` ${c.parser}` : ""}${c.recovery ? " recovery" : ""}${c.eio3 ? " eio3 (2.x client)" : ""}`;

describe("demo pages in Chromium", () => {
  let demo: Demo;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  before(async () => {
    demo = await startDemo({ port: 0, quiet: true });
    browser = await chromium.launch({
      executablePath: "/usr/bin/chromium",
      args: ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
    });
    page = await browser.newPage({ viewport: { width: 1200, height: 860 } });
    page.on("pageerror", (e) => pageErrors.push(e.message));
  });

  after(async () => {
    await browser?.close();
    await demo?.stop();
  });

  for (const c of CONFS) {
    test(label(c), async () => {
      await page.goto(demo.pageUrl(c));
      await page.waitForFunction(() => "demo" in window, null, { timeout: 10_000 });
      await page.evaluate(() => window.demo.ready);
      const names = await page.evaluate(() => window.demo.scenarios);
      assert.deepEqual([...names].sort(), expectedScenarios(c));
      const client = await page.evaluate(() => window.demo.client);
      assert.equal(client.line, c.eio3 ? "2" : c.line);

      const transport = await page.evaluate(() => window.demo.transport());
      if (c.transport === "websocket") assert.equal(transport, "websocket");
      else if (c.transport && c.transport !== "polling-upgrade") assert.match(transport, /polling/);
      // 0.9 merges its transports option into its defaults index by index: a one-item list fell
      // back to xhr-polling before the page padded it (test-server/page/client.ts)
      if (c.line === "0.9" && c.transport === "polling-jsonp") assert.equal(transport, "jsonp-polling");
      if (c.line === "0.9" && c.transport === "polling") assert.equal(transport, "xhr-polling");
      for (const name of names) {
        if (c.only && !c.only.includes(name)) continue;
        const r = (await page.evaluate((n) => window.demo.run(n), name)) as Result;
        assert.equal(r.ok, true, `${name} failed: ${JSON.stringify(r.details).slice(0, 800)}`);
        checkDetails(name, c, r);
      }
      // Which browser API carried the page's Engine.IO requests (resource timing says).
      const apis = await page.evaluate(() => [...new Set(performance.getEntriesByType("resource")
        .filter((e) => e.name.includes("EIO=")).map((e) => (e as PerformanceResourceTiming).initiatorType))].sort());
      if (c.transport === "polling-fetch") assert.deepEqual(apis, ["fetch"], "every poll and send went through fetch()");
      // (session-unknown's own probe of the forgotten sid is a fetch() on every page)
      else if (c.transport === "polling" && c.line !== "0.9") assert.ok(apis.includes("xmlhttprequest"), apis.join());
      if (c.line !== "0.9" && (c.transport ?? "polling-upgrade") === "polling-upgrade") {
        // 1.x–4.x start on polling and upgrade to WebSocket by now.
        await page.waitForFunction(() => window.demo.transport() === "websocket", null, { timeout: 5000 });
      }
      assert.deepEqual(pageErrors, []);
    });
  }

  test("flood options are honoured (line 4, WebSocket, 2000 × 1 KiB at 5000/s)", async () => {
    await page.goto(demo.pageUrl({ line: "4", transport: "websocket" }));
    await page.waitForFunction(() => "demo" in window, null, { timeout: 10_000 });
    await page.evaluate(() => window.demo.ready);
    const r = (await page.evaluate(() => window.demo.run("flood", { rate: 5000, size: 1024, count: 2000, ms: 10000 }))) as Result;
    assert.equal(r.ok, true);
    assert.deepEqual(r.details.accepted, { rate: 5000, size: 1024, count: 2000, ms: 10000 });
    assert.equal(r.details.received, 2000);
  });

  test("the control strip switches line and drops what the new line cannot do", async () => {
    await page.goto(demo.pageUrl({ line: "2", parser: "msgpack", transport: "websocket" }));
    await page.waitForFunction(() => "demo" in window, null, { timeout: 10_000 });
    assert.equal(await page.$eval('select[name=transport] option[value="polling-jsonp"]', (o) => (o as HTMLOptionElement).disabled), false);
    assert.equal(await page.$eval('select[name=transport] option[value="polling-fetch"]', (o) => (o as HTMLOptionElement).disabled), true, "only 4.x polls over fetch()");
    assert.equal(await page.$eval("input[name=recovery]", (i) => (i as HTMLInputElement).disabled), true);
    await Promise.all([page.waitForURL(/line=1/), page.selectOption("select[name=line]", "1")]);
    assert.equal(new URL(page.url()).search, "?line=1&transport=websocket");
    await page.waitForFunction(() => "demo" in window, null, { timeout: 10_000 });
    await page.evaluate(() => window.demo.ready);
    assert.equal(await page.$eval('select[name=parser] option[value="msgpack"]', (o) => (o as HTMLOptionElement).disabled), true);
    await Promise.all([page.waitForURL(/line=4/), page.selectOption("select[name=line]", "4")]);
    await page.waitForFunction(() => "demo" in window, null, { timeout: 10_000 });
    assert.equal(await page.$eval('select[name=transport] option[value="polling-jsonp"]', (o) => (o as HTMLOptionElement).disabled), true);
    assert.equal(await page.$eval('select[name=transport] option[value="polling-fetch"]', (o) => (o as HTMLOptionElement).disabled), false);
    await Promise.all([page.waitForURL(/recovery=1/), page.check("input[name=recovery]")]);
    await page.waitForFunction(() => "demo" in window, null, { timeout: 10_000 });
    assert.deepEqual(await page.evaluate(() => window.demo.scenarios.includes("recovery")), true);
  });

  test("?run= runs a scenario once connected", async () => {
    await page.goto(`${demo.pageUrl({ line: "3" })}&run=events`);
    await page.waitForFunction(() => "demo" in window && window.demo.results.events !== undefined, null, { timeout: 10_000 });
    assert.equal(await page.evaluate(() => window.demo.results.events!.ok), true);
  });

  test("unknown scenario is rejected by run()", async () => {
    const err = await page.evaluate(() => window.demo.run("no-such-thing").then(() => "resolved", (e: Error) => e.message));
    assert.match(err, /unknown scenario "no-such-thing"/);
  });

  test("the chat works through the UI and the page is captured (artifacts/demo.png; docs/demo.png with UPDATE_DOCS=1)", async () => {
    const url = demo.pageUrl({ line: "4" });
    await page.goto(`${url}&nick=ada`);
    await page.waitForFunction(() => "demo" in window, null, { timeout: 10_000 });
    await page.evaluate(() => window.demo.ready);
    // A second person in another tab.
    const other = await browser.newPage();
    try {
      await other.goto(`${url}&nick=linus`);
      await other.waitForFunction(() => "demo" in window, null, { timeout: 10_000 });
      await other.evaluate(() => window.demo.ready);
      await page.waitForTimeout(200);
      const say = async (p: Page, text: string, count: number) => {
        await p.fill(".composer input", text);
        await p.press(".composer input", "Enter");
        await page.waitForFunction((n) => document.querySelectorAll(".messages li").length >= n, count, { timeout: 5000 });
      };
      const lines = ["Hi all, is the 4.x server up?", "Yep: polling first, then it upgraded to WebSocket.", "Ünïcödé, ελληνικά and русский survive the trip too."];
      await say(other, lines[0]!, 1);
      await say(page, lines[1]!, 2);
      await say(other, lines[2]!, 3);
      const shown = await page.$$eval(".messages li", (els) => els.map((e) => [e.className, e.querySelector(".nick")?.textContent, e.querySelector(".text")?.textContent]));
      assert.deepEqual(shown, [["", "linus", lines[0]], ["mine", "ada", lines[1]], ["", "linus", lines[2]]]);
    } finally {
      await other.close();
    }
    for (const n of ["events", "acks", "binary", "rooms"]) await page.evaluate((x) => window.demo.run(x), n);
    await page.waitForFunction(() => document.querySelectorAll(".ticker tbody tr").length >= 5, null, { timeout: 5000 });
    await page.waitForFunction(() => window.demo.transport() === "websocket", null, { timeout: 5000 });
    // Every run writes artifacts/demo.png; docs/demo.png (the README's picture) only when it is
    // missing or UPDATE_DOCS=1, so a test run does not leave the work tree dirty.
    const shot = await page.screenshot();
    mkdirSync(join(root, "artifacts"), { recursive: true });
    writeFileSync(join(root, "artifacts", "demo.png"), shot);
    assert.ok(shot.length > 10_000, `the screenshot is an actual picture (${shot.length} bytes)`);
    if (process.env.UPDATE_DOCS === "1" || !existsSync(join(root, "docs", "demo.png"))) {
      mkdirSync(join(root, "docs"), { recursive: true });
      writeFileSync(join(root, "docs", "demo.png"), shot);
    }
    // Hostile text stays text (after the picture).
    await page.fill(".composer input", "<img src=x onerror=alert(1)>");
    await page.press(".composer input", "Enter");
    await page.waitForFunction(() => document.querySelectorAll(".messages li").length >= 4, null, { timeout: 5000 });
    assert.equal(await page.$eval(".messages li:last-child .text", (e) => e.textContent), "<img src=x onerror=alert(1)>");
    assert.equal(await page.$$eval(".messages img", (els) => els.length), 0);
  });
});
