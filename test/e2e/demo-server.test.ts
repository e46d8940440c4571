// The demo server without a browser: the startDemo API, hostile traffic against every line server
// (it must keep serving), a clean stop that lets Node exit, and `npm start`'s one-line errors.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createServer, type Server } from "node:net";
import { connect } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import WebSocket from "ws";
import { startDemo, type Demo } from "../../test-server/index.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

async function get(url: string): Promise<{ status: number; body: string; type: string }> {
  const r = await fetch(url);
  return { status: r.status, body: await r.text(), type: r.headers.get("content-type") ?? "" };
}

/** Opens an Engine.IO (or 0.9) session by polling; returns the sid. */
async function handshake(base: string, line: string): Promise<string> {
  if (line === "0.9") {
    const r = await get(`${base}/socket.io/1/?t=${Date.now()}`);
    assert.equal(r.status, 200, r.body);
    const sid = r.body.split(":")[0]!;
    assert.match(sid, /^[\w-]+$/);
    return sid;
  }
  const eio = line === "1" || line === "2" ? 3 : 4;
  const r = await get(`${base}/socket.io/?EIO=${eio}&transport=polling&t=${Date.now()}`);
  assert.equal(r.status, 200, r.body);
  const m = /"sid":"([^"]+)"/.exec(r.body);
  assert.ok(m, `no sid in ${r.body}`);
  return m[1]!;
}

function run(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  const t0 = Date.now();
  return new Promise((resolve) => {
    const p = spawn(process.execPath, ["--import", "tsx", ...args], { cwd: root, env: { ...process.env, ...env } });
    let stdout = "";
    let stderr = "";
    p.stdout.on("data", (d: Buffer) => { stdout += d; });
    p.stderr.on("data", (d: Buffer) => { stderr += d; });
    const killer = setTimeout(() => p.kill("SIGKILL"), 20_000);
    p.on("close", (code) => { clearTimeout(killer); resolve({ code, stdout, stderr, ms: Date.now() - t0 }); });
  });
}

describe("startDemo API", () => {
  let demo: Demo;
  before(async () => { demo = await startDemo({ port: 0, quiet: true, lines: ["2", "4"] }); });
  after(async () => { await demo?.stop(); });

  test("starts only the requested lines, each variant on its own port", () => {
    const got = demo.servers.map((s) => `${s.line}/${s.variant}`).sort();
    assert.deepEqual(got, ["2/default", "2/msgpack", "4/default", "4/eio3", "4/msgpack", "4/recovery"]);
    const ports = new Set([demo.port, ...demo.servers.map((s) => s.port)]);
    assert.equal(ports.size, 7);
    assert.match(demo.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
  });

  test("pageUrl builds the query and refuses what does not exist", () => {
    assert.equal(demo.pageUrl({ line: "4", transport: "websocket", parser: "msgpack" }), `${demo.url}?line=4&transport=websocket&parser=msgpack`);
    assert.equal(demo.pageUrl({ line: "4", eio3: true }), `${demo.url}?line=4&eio3=1`);
    assert.throws(() => demo.pageUrl({ line: "0.9" }), /not started/);
    assert.throws(() => demo.pageUrl({ line: "2", recovery: true }), /no "recovery" server/);
    assert.throws(() => demo.pageUrl({ line: "4", recovery: true, parser: "msgpack" }), /at most one/);
    assert.throws(() => demo.pageUrl({ line: "4", transport: "polling-jsonp" }), /4\.x client has no JSONP/);
    assert.equal(demo.pageUrl({ line: "4", eio3: true, transport: "polling-jsonp" }), `${demo.url}?line=4&transport=polling-jsonp&eio3=1`);
    assert.equal(demo.pageUrl({ line: "4", transport: "polling-fetch" }), `${demo.url}?line=4&transport=polling-fetch`);
    assert.throws(() => demo.pageUrl({ line: "4", eio3: true, transport: "polling-fetch" }), /only the 4\.x client polls over fetch/);
  });

  test("serves the page, the per-line bundle and rejects bad queries", async () => {
    const page = await get(demo.pageUrl({ line: "4", eio3: true }));
    assert.equal(page.status, 200);
    assert.match(page.type, /text\/html/);
    assert.match(page.body, /<script src="\/js\/2\.js" defer><\/script>/);
    const cfg = JSON.parse(/<script type="application\/json" id="demo-config">(.*?)<\/script>/.exec(page.body)![1]!);
    assert.equal(cfg.ports["4/eio3"], demo.servers.find((s) => s.variant === "eio3")!.port);
    const js = await get(`${demo.url}js/4.js`);
    assert.equal(js.status, 200);
    assert.match(js.body, /4\.8\.4/);
    assert.equal((await get(`${demo.url}?line=9`)).status, 400);
    assert.equal((await get(`${demo.url}?line=4&transport=carrier-pigeon`)).status, 400);
    assert.equal((await get(`${demo.url}nope`)).status, 404);
  });

  test("a 4.x server only answers CORS for the demo origin", async () => {
    const url = `${demo.serverUrl("4")}/socket.io/?EIO=4&transport=polling`;
    const ok = await fetch(url, { headers: { origin: demo.url.replace(/\/$/, "") } });
    assert.equal(ok.headers.get("access-control-allow-origin"), demo.url.replace(/\/$/, ""));
    await ok.text();
    const other = await fetch(url, { headers: { origin: "http://evil.example" } });
    assert.equal(other.headers.get("access-control-allow-origin"), null);
    await other.text();
  });
});

describe("hostile traffic never takes a line server down", () => {
  let demo: Demo;
  before(async () => { demo = await startDemo({ port: 0, quiet: true }); });
  after(async () => { await demo?.stop(); });

  const POLL_GARBAGE = [
    "garbage", "4", "42[", "42[\"x\"", "4{", "43", "451-[\"a\",{\"_placeholder\":true,\"num\":9}]", "0/nope,{", "2:42", "99:42[1]",
    "\u0000\u0001\u0002", "b4AAEC", "1:", "5:::{bad", "\ufffd3\ufffd5:::{}", "4" + "[".repeat(5000),
  ];

  for (const line of ["0.9", "1", "2", "3", "4"]) {
    test(`socket.io ${line}`, async () => {
      for (const s of demo.servers.filter((x) => x.line === line)) {
        const sid = await handshake(s.url, line);
        const pollUrl = line === "0.9"
          ? `${s.url}/socket.io/1/xhr-polling/${sid}`
          : `${s.url}/socket.io/?EIO=${line === "1" || line === "2" ? 3 : 4}&transport=polling&sid=${sid}`;
        for (const body of POLL_GARBAGE) {
          const r = await fetch(pollUrl, { method: "POST", body, headers: { "content-type": "text/plain;charset=UTF-8" } }).catch((e: Error) => e);
          if (!(r instanceof Error)) await r.text();
        }
        await fetch(`${s.url}/socket.io/?EIO=4&transport=polling&sid=does-not-exist`).then((r) => r.text());
        await fetch(`${s.url}/socket.io/?EIO=99&transport=carrier`).then((r) => r.text());
        // WebSocket frames of garbage, text and binary.
        const wsSid = await handshake(s.url, line);
        const wsUrl = line === "0.9"
          ? `${s.url.replace("http", "ws")}/socket.io/1/websocket/${wsSid}`
          : `${s.url.replace("http", "ws")}/socket.io/?EIO=${line === "1" || line === "2" ? 3 : 4}&transport=websocket`;
        await new Promise<void>((resolve) => {
          const ws = new WebSocket(wsUrl);
          const done = () => { clearTimeout(t); resolve(); };
          const t = setTimeout(() => { ws.terminate(); resolve(); }, 3000);
          ws.on("error", done);
          ws.on("close", done);
          ws.on("open", () => {
            for (const g of POLL_GARBAGE) ws.send(g);
            ws.send(Buffer.from([4, 255, 0, 1, 2, 3]));
            ws.send(Buffer.alloc(0));
            setTimeout(() => ws.close(), 100);
          });
        });
        // Not even HTTP.
        await new Promise<void>((resolve) => {
          const c = connect(s.port, "127.0.0.1", () => c.end("NOT HTTP AT ALL\r\n\r\n"));
          c.on("error", () => resolve());
          c.on("close", () => resolve());
          c.resume();
        });
        // Still serving.
        await handshake(s.url, line);
      }
    });
  }
});

describe("stop() and npm start", () => {
  test("stop() with a long-poll pending on every server lets Node exit", async () => {
    const script = `
      const { startDemo } = await import(${JSON.stringify(join(root, "test-server", "index.ts"))});
      const demo = await startDemo({ port: 0, quiet: true });
      for (const s of demo.servers) {
        const u = s.line === "0.9" ? s.url + "/socket.io/1/" : s.url + "/socket.io/?EIO=" + (s.line === "1" || s.line === "2" ? 3 : 4) + "&transport=polling";
        const body = await (await fetch(u)).text();
        const sid = s.line === "0.9" ? body.split(":")[0] : /"sid":"([^"]+)"/.exec(body)[1];
        const poll = s.line === "0.9" ? s.url + "/socket.io/1/xhr-polling/" + sid : u + "&sid=" + sid;
        fetch(poll).then((r) => r.text()).catch(() => {});        // a long-poll, left pending
      }
      await new Promise((r) => setTimeout(r, 200));
      await demo.stop();
      console.log("stopped at", Date.now());
    `;
    const { writeFileSync, rmSync, mkdtempSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const file = join(mkdtempSync(join(tmpdir(), "demo-stop-")), "stop.mts");
    writeFileSync(file, script);
    try {
      const r = await run([file]);
      assert.equal(r.code, 0, r.stderr);
      const stoppedAt = Number(/stopped at (\d+)/.exec(r.stdout)?.[1]);
      // The process must end soon after stop() resolved: no timer or socket keeps it alive.
      assert.ok(Date.now() - stoppedAt < 3000, `exit took ${Date.now() - stoppedAt} ms after stop()`);
    } finally {
      rmSync(dirname(file), { recursive: true, force: true });
    }
  });

  test("bad input: one-line error and a non-zero exit", async () => {
    const busy: Server = createServer();
    await new Promise<void>((r) => busy.listen(0, "127.0.0.1", () => r()));
    const port = (busy.address() as { port: number }).port;
    try {
      const cases: [string[], Record<string, string>, RegExp][] = [
        [["--lines", "4,7"], {}, /^socket-scope demo: unknown line "7" \(known: 0\.9, 1, 2, 3, 4\)\n$/],
        [["--scenario", "teleport"], {}, /^socket-scope demo: unknown scenario "teleport" \(known: .*\)\n$/],
        [["--line", "0.9", "--scenario", "binary"], {}, /^socket-scope demo: scenario "binary" does not exist for line 0\.9/],
        [["--lines", "4"], { PORT: String(port) }, new RegExp(`^socket-scope demo: port ${port} on 127\\.0\\.0\\.1 is already in use\\n$`)],
        [["--frobnicate"], {}, /^socket-scope demo: unknown argument "--frobnicate"/],
        [["--open=safari"], {}, /^socket-scope demo: unknown browser "safari" in --open=safari \(use --open, --open=chromium or --open=firefox\)\n$/],
      ];
      const results = await Promise.all(cases.map(([args, env]) => run(["test-server/start.ts", ...args], env)));
      results.forEach((r, i) => {
        assert.equal(r.code, 1, `case ${i}: ${r.stderr}`);
        assert.match(r.stderr, cases[i]![2]);
        assert.equal(r.stderr.trim().split("\n").length, 1);
      });
    } finally {
      busy.close();
    }
  });
});
