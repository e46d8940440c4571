// Records live: Debian Chromium driven through the demo pages (real socket.io servers and
// clients), captured over CDP into a Chrome-format HAR by scripts/record-har.ts, then imported
// and reconstructed — the same path as the committed fixtures, re-run on fresh traffic. Also
// runs the real CLI on the fresh HAR.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright";
import { startDemo, type Demo } from "../../test-server/index.ts";
import { launchChromium, recordFixture } from "../../scripts/record-fixtures.ts";
import type { FixtureSpec } from "../fixtures/fixture-specs.ts";
import { checkRecording } from "../fixtures/scenario-checks.ts";

const root = new URL("../../", import.meta.url).pathname;
let demo: Demo;
let browser: Browser;

before(async () => {
  demo = await startDemo({ port: 0, quiet: true, lines: ["4", "2", "0.9"] });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await demo?.stop();
});

const LIVE: FixtureSpec[] = [
  { name: "live-sio4-upgrade", page: { line: "4" }, scenarios: ["namespaces", "acks", "binary"] },
  { name: "live-sio2-polling", page: { line: "2", transport: "polling" }, scenarios: ["acks", "binary"] },
  { name: "live-sio4-reconnect", page: { line: "4", transport: "websocket" }, scenarios: ["reconnect"] },
  { name: "live-sio09-websocket", page: { line: "0.9", transport: "websocket" }, scenarios: ["events", "acks"] },
];

for (const spec of LIVE) {
  test(`record ${spec.name} live and reconstruct it`, async () => {
    const r = await recordFixture(browser, demo, spec);
    for (const [name, s] of Object.entries(r.scenarios)) assert.equal(s.ok, true, `scenario ${name} failed in the page: ${JSON.stringify(s.details)}`);
    // a response body CDP could not hand over would look like traffic that never came
    const lost = (r.har as { log: { entries: Array<{ request: { url: string }; response: { content: { _bodyError?: string } } }> } }).log.entries.filter((e) => e.response.content._bodyError);
    assert.deepEqual(lost.map((e) => `${e.request.url}: ${e.response.content._bodyError}`), [], "the recorder got every response body");
    const har = JSON.stringify(r.har);
    try {
      checkRecording(har, spec, r.scenarios as Record<string, { ok: boolean; details: Record<string, unknown> }>);
    } catch (e) {
      // Rare under CI load and never reproduced locally (80 runs, idle and loaded): show the
      // recorded traffic itself, so the next failure says whether the HAR or the model is wrong.
      (e as Error).message += "\nrecorded Engine.IO traffic (ms from the first entry):\n" + dumpHar(r.har);
      throw e;
    }
    if (spec.name === "live-sio4-upgrade") {
      const dir = mkdtempSync(join(tmpdir(), "socket-scope-live-"));
      const file = join(dir, "live.har");
      writeFileSync(file, har);
      const cli = spawnSync(process.execPath, [join(root, "bin/socket-scope.mjs"), "analyze", file, "--json"], { encoding: "utf8" });
      rmSync(dir, { recursive: true, force: true });
      assert.equal(cli.status, 0, cli.stderr);
      const doc = JSON.parse(cli.stdout);
      assert.equal(doc.connections[0].engineio, 4);
      assert.deepEqual(doc.connections[0].transports, ["polling", "websocket"]);
    }
  });
}

/** One line per Engine.IO entry of a HAR: start and end, method, query, bodies, WebSocket messages with their times. */
function dumpHar(har: unknown): string {
  type Entry = {
    startedDateTime: string; time: number; request: { method: string; url: string; postData?: { text?: string } };
    response: { status: number; content?: { text?: string } }; _webSocketMessages?: Array<{ type: string; time: number; data: string }>;
  };
  const entries = (har as { log: { entries: Entry[] } }).log.entries.filter((e) => e.request.url.includes("EIO="));
  if (!entries.length) return "(none)";
  const t0 = Date.parse(entries[0]!.startedDateTime);
  const q = (s: string | undefined, n: number) => JSON.stringify((s ?? "").slice(0, n));
  return entries.map((e) => {
    const st = Date.parse(e.startedDateTime) - t0;
    const ws = e._webSocketMessages?.map((m) => `${m.type === "send" ? "↑" : "↓"}${(m.time * 1000 - t0).toFixed(1)} ${q(m.data, 40)}`).join(" ") ?? "";
    return `${st} ${(st + e.time).toFixed(1)} ${e.request.method} ${e.request.url.replace(/^.*\?/, "")} ${q(e.request.postData?.text, 60)} → ${e.response.status} ${q(e.response.content?.text, 80)} ${ws}`;
  }).join("\n").slice(0, 12_000);
}
