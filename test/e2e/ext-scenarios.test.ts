// Every demo version and scenario, read through the REAL DevTools panel: for each page
// configuration of the recorded fixtures (every socket.io line; WebSocket-only, polling-only and
// upgrading transports; JSONP long-polling on 0.9–3.x; the msgpack parser; the 2.x client on a 4.x server; connection-state
// recovery) plus the rooms and oversized scenarios, the page runs its scenarios with the built
// extension loaded, then DevTools opens on the Socket.IO panel (the backlog) and the test reads
// it: the panel holds exactly what the page's hook dispatched, in order, and the panel's own live
// session model passes the same checks as the recorded HARs (test/fixtures/scenario-checks.ts:
// revisions, transports and the upgrade, namespaces and their states, events with their acks,
// reconnection links, diagnostics), written from the scenarios, not from the model.
// (The flood scenario has its own test in ext-chrome.test.ts: the backlog cap.)
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Report } from "../../protocol/session/index.ts";
import type { CaptureEvent } from "../../protocol/capture.ts";
import { startDemo, type Demo } from "../../test-server/index.ts";
import { FIXTURES, type FixtureSpec } from "../fixtures/fixture-specs.ts";
import { checkReport } from "../fixtures/scenario-checks.ts";
import { buildForTest, launchChrome, type ChromeExt } from "./ext-harness.ts";
import { RECORDER, eventually, recordedIn, strip } from "./ext-expect.ts";

const SPECS: FixtureSpec[] = [
  ...FIXTURES,
  { name: "sio4-rooms-oversized", page: { line: "4" }, scenarios: ["rooms", "oversized"] },
  { name: "sio2-rooms-oversized", page: { line: "2", transport: "polling" }, scenarios: ["rooms", "oversized"] },
  { name: "sio09-rooms-oversized", page: { line: "0.9", transport: "websocket" }, scenarios: ["rooms", "oversized"] },
];

let demo: Demo;
let chrome: ChromeExt;

before(async () => {
  const dist = await buildForTest();
  demo = await startDemo({ quiet: true });
  chrome = await launchChrome(dist.chrome);
  await chrome.ctx.addInitScript(RECORDER);
});
after(async () => {
  await chrome?.close();
  await demo?.stop();
});

type Results = Record<string, { ok: boolean; details: Record<string, unknown> }>;

describe("every demo version and scenario, read through the real DevTools panel", () => {
  for (const spec of SPECS) {
    test(`${spec.name}: ${spec.scenarios.join(", ")}`, async () => {
      const page = await chrome.ctx.newPage();
      try {
        await page.goto(demo.pageUrl(spec.page));
        await page.evaluate(() => window.demo.ready);
        const results: Results = {};
        for (const name of spec.scenarios) {
          results[name] = (await page.evaluate((n) => window.demo.run(n), name)) as Results[string];
          assert.ok(results[name]!.ok, `scenario ${name} failed in the page: ${JSON.stringify(results[name]!.details).slice(0, 300)}`);
        }
        // a tick of the page's live /ticker (1 s) on the sessions still open
        await page.waitForTimeout(spec.settleMs ?? 1200);
        const panel = await chrome.openPanel(page);
        try {
          let want = await recordedIn(page);
          const snap = await panel.waitFor((s) => s.status === "connected" && s.received >= want.length);
          assert.equal(snap.dropped, 0, "nothing dropped");
          want = await recordedIn(page);
          const got = await panel.evaluate<CaptureEvent[]>("window.__socketScopePanel.events()");
          const n = Math.min(got.length, want.length);
          assert.ok(n >= want.length - 5, `the panel holds what the hook dispatched (${got.length} of ${want.length})`);
          assert.deepEqual(got.slice(0, n).map(strip), want.slice(0, n).map(strip), "the panel's events equal the hook's, in order");
          // The page lives on: what follows a scenario (a namespace rejoining after a reconnect,
          // the next tick) may still be on its way under load. Check until it holds, at most 10 s.
          await eventually(async () => checkReport((await panel.snapshot()).report as Report, spec, results, { live: true }), 10_000, 250);
          if (spec.page.transport === "polling-jsonp" || spec.page.transport === "polling-fetch") {
            // the session's card names the JSONP variant of its polling transport, and the APIs
            // the page used: <script> polls and <form> POSTs, or fetch() instead of XHR
            const want =
              spec.page.transport === "polling-fetch" ? "polling (via fetch)" : spec.page.line === "0.9" ? "polling (jsonp-polling, via script+form)" : "polling (jsonp, via script+form)";
            let heads: string[] = [];
            for (let end = Date.now() + 5000; !heads.some((h) => h.includes(want)) && Date.now() < end; ) {
              await new Promise((r) => setTimeout(r, 250));
              heads = await panel.evaluate<string[]>(`[...document.querySelectorAll("section.session h3")].map((h) => h.textContent)`);
            }
            assert.ok(heads.some((h) => h.includes(want)), `a session card says "${want}": ${heads.join(" | ")}`);
          }
        } finally {
          await panel.close();
        }
      } finally {
        await page.close();
      }
    });
  }
});
