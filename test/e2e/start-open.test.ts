// `npm start -- --open` and `--open=firefox`, as a newcomer with a display runs them: under
// xvfb-run (installed by `npm test` with the browsers), the demo starts, the browser opens on
// the demo page with the extension and its DevTools on the Socket.IO panel, and Ctrl+C
// (SIGINT) stops all of it, the browser's fresh profile in /tmp included. What the panels show
// in each browser is ext-chrome.test.ts's and ext-firefox.test.ts's business; this is the
// command's.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));

/** Runs npm start's script under xvfb-run until stdout matches `ready`, then sends SIGINT to the whole group. */
function startAndStop(flag: string, ready: RegExp): Promise<{ out: string; err: string; match: RegExpMatchArray | null; code: number | null; stopMs: number }> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env };
    delete env.DISPLAY;
    delete env.WAYLAND_DISPLAY;
    const p = spawn("xvfb-run", ["-a", "-s", "-screen 0 1280x900x24", process.execPath, "--import", "tsx", "test-server/start.ts", "--port", "0", "--lines", "4", flag], {
      cwd: root, env, detached: true,
    });
    let out = "";
    let err = "";
    let match: RegExpMatchArray | null = null;
    let stopAt = 0;
    const killer = setTimeout(() => {
      try { process.kill(-p.pid!, "SIGKILL"); } catch { /* gone */ }
    }, 150_000);
    p.stdout.on("data", (d: Buffer) => {
      out += d;
      if (!match && (match = ready.exec(out))) {
        stopAt = Date.now();
        process.kill(-p.pid!, "SIGINT");
      }
    });
    p.stderr.on("data", (d: Buffer) => {
      err += d;
      // --open reports its failures on stderr and leaves the demo running: stop at once
      if (!match && /socket-scope: --open/.test(err)) process.kill(-p.pid!, "SIGINT");
    });
    p.on("error", reject);
    p.on("close", (code) => {
      clearTimeout(killer);
      resolve({ out, err, match, code, stopMs: stopAt ? Date.now() - stopAt : -1 });
    });
  });
}

describe("npm start -- --open", () => {
  test("--open: Chromium on the demo, DevTools on the Socket.IO panel, which records the page; Ctrl+C stops it", async () => {
    const r = await startAndStop("--open", /socket-scope: Chromium is open on (http:\/\/localhost:\d+\/\?\S+) with DevTools on the Socket\.IO panel \((\d+) events so far\)\./);
    assert.ok(r.match, `no "Chromium is open" line; stdout:\n${r.out.slice(-1500)}\nstderr:\n${r.err.slice(-1500)}`);
    assert.ok(Number(r.match[2]) > 1, `the panel records the demo page's traffic (${r.match[2]} events)`);
    // what a newcomer without --open follows: how to load either build, where the panel is
    assert.match(r.out, /Load unpacked → \S*chrome\b/);
    assert.match(r.out, /Load Temporary Add-on → \S*firefox\/manifest\.json/);
    assert.match(r.out, /the panel is the tab named "Socket\.IO"/);
    assert.match(r.out, /Reload pages that were open before you loaded the extension/);
    assert.doesNotMatch(r.err, /--open failed/);
    assert.ok(r.stopMs >= 0 && r.stopMs < 20_000, `stopped ${r.stopMs} ms after Ctrl+C`);
    profileGone(r.out);
  });

  test("--open=firefox: firefox-esr on the demo, its toolbox on the Socket.IO panel; Ctrl+C stops it", async () => {
    const r = await startAndStop("--open=firefox", /socket-scope: Firefox is open on (http:\/\/localhost:\d+\/\?\S+) with its toolbox on the Socket\.IO panel\./);
    assert.ok(r.match, `no "Firefox is open" line; stdout:\n${r.out.slice(-1500)}\nstderr:\n${r.err.slice(-1500)}`);
    assert.doesNotMatch(r.err, /--open failed/);
    assert.ok(r.stopMs >= 0 && r.stopMs < 20_000, `stopped ${r.stopMs} ms after Ctrl+C`);
    profileGone(r.out);
  });
});

/** The fresh profile the browser ran with (named on stdout) is gone once npm start has stopped. */
function profileGone(out: string): void {
  const m = /socket-scope: its profile (\S+) goes when npm start stops\./.exec(out);
  assert.ok(m, `no profile line; stdout:\n${out.slice(-1500)}`);
  assert.equal(existsSync(m[1]!), false, `${m[1]} is left behind`);
}
