// `socket-scope analyze`: the real bin (bin/socket-scope.mjs through tsx) on files, exit codes,
// the JSON shape of the issue, the readable summary, one-line errors.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromeHar, SID } from "../fixtures/har-builder.ts";
import { run } from "../../protocol/cli/main.ts";

const root = new URL("../../", import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), "socket-scope-cli-"));
const harFile = join(dir, "session.har");
writeFileSync(harFile, JSON.stringify(chromeHar()));
after(() => rmSync(dir, { recursive: true, force: true }));

function bin(...args: string[]) {
  return spawnSync(process.execPath, [join(root, "bin/socket-scope.mjs"), ...args], { encoding: "utf8", cwd: root });
}

test("analyze --json prints one JSON document with the issue's shape; exit 0", () => {
  const r = bin("analyze", harFile, "--json");
  assert.equal(r.status, 0, r.stderr);
  const doc = JSON.parse(r.stdout);
  assert.equal(doc.connections.length, 1);
  const c = doc.connections[0];
  assert.equal(c.url, "http://localhost:3000/socket.io/");
  assert.equal(c.engineio, 4);
  assert.equal(c.socketio, 5);
  assert.equal(c.parser, "default");
  assert.equal(c.sid, SID);
  assert.deepEqual(c.transports, ["polling", "websocket"]);
  assert.equal(c.upgraded, true);
  assert.equal(c.pingInterval, 25000);
  assert.equal(c.pingTimeout, 20000);
  const ns = c.namespaces[0];
  assert.equal(ns.nsp, "/");
  assert.equal(ns.state, "connected");
  assert.equal(ns.socketId, "S1");
  assert.deepEqual(
    ns.events.map((e: { dir: string; name: string; args: unknown[]; ackId: number | null; ack: unknown }) => ({ dir: e.dir, name: e.name, args: e.args, ackId: e.ackId, ack: e.ack })),
    [
      { dir: "out", name: "up", args: [{ $binary: "AQID" }], ackId: null, ack: null },
      { dir: "in", name: "q", args: [], ackId: 1, ack: { args: ["a"], latencyMs: 1.25 } },
    ],
  );
  assert.equal(r.stderr, "");
});

test("analyze prints a readable summary: session, transports, namespace, event table, diagnostics", () => {
  const r = bin("analyze", harFile);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`\\[1\\] http://localhost:3000/socket.io/  sid ${SID}`));
  assert.match(r.stdout, /Socket\.IO 3\.x\/4\.x \(Engine\.IO 4, Socket\.IO protocol 5, default parser\)/);
  assert.match(r.stdout, /transports: polling → websocket \(upgraded\)/);
  assert.match(r.stdout, /namespace \/: connected, socket id S1/);
  assert.match(r.stdout, /← in\s+q\s+#1 ← "a" \(1\.3 ms\)/);
  assert.match(r.stdout, /→ out\s+up\s+\{"\$binary":"AQID"\}\s+binary/);
  assert.match(r.stdout, /Diagnostics: none/);
});

test("bad input: exit 1 with one line on stderr and no stack trace", () => {
  const bad = join(dir, "bad.har");
  writeFileSync(bad, '{"log":{"entries":[');
  const foreign = join(dir, "foreign.json");
  writeFileSync(foreign, '{"name":"x"}');
  for (const [file, re] of [
    [bad, /truncated HAR/],
    [foreign, /not a HAR file/],
    [join(dir, "missing.har"), /cannot read .*: no such file/],
    [dir, /is a directory/],
  ] as const) {
    const r = bin("analyze", file);
    assert.equal(r.status, 1, `${file}: ${r.stderr}`);
    assert.equal(r.stdout, "");
    assert.match(r.stderr, re);
    assert.equal(r.stderr.trimEnd().split("\n").length, 1, r.stderr);
    assert.doesNotMatch(r.stderr, /\bat .*:\d+:\d+/);
  }
});

test("usage errors: exit 2", () => {
  for (const args of [[], ["frobnicate"], ["analyze"], ["analyze", "a.har", "b.har"], ["analyze", harFile, "--yaml"]]) {
    const r = bin(...args);
    assert.equal(r.status, 2, `${args.join(" ")}: ${r.stdout}`);
    assert.match(r.stderr, /usage: socket-scope analyze FILE\.har \[--json\]/);
  }
  const h = bin("--help");
  assert.equal(h.status, 0);
  assert.match(h.stdout, /usage:/);
});

test("run() in process: hostile payloads do not break the one-line-per-event table", () => {
  const har = chromeHar() as { log: { entries: { _webSocketMessages?: { data: string }[] }[] } };
  har.log.entries[4]!._webSocketMessages![5]!.data = '421["line\\nbreak\\u2028and\\u001b[31mred"]';
  let out = "";
  const code = run(["analyze", "mem.har"], { out: (s) => (out += s), err: () => {}, readFile: () => JSON.stringify(har) });
  assert.equal(code, 0);
  const row = out.split("\n").find((l) => l.includes("line"))!;
  assert.ok(row.includes("line break"), row);
  assert.ok(!/[\u001b\u2028]/.test(out));
});

test("npx socket-scope resolves the package's own bin from the repository root", () => {
  const r = spawnSync("npx", ["--no-install", "socket-scope", "analyze", harFile, "--json"], { encoding: "utf8", cwd: root });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).connections[0].sid, SID);
});

test("the readable summary caps each namespace's event table and says how many more there are", () => {
  const har = chromeHar() as { log: { entries: { _webSocketMessages?: { type: string; time: number; opcode: number; data: string }[] }[] } };
  const msgs = har.log.entries[4]!._webSocketMessages!;
  const last = msgs[msgs.length - 1]!.time;
  for (let i = 0; i < 60; i++) msgs.push({ type: "receive", time: last + (i + 1) / 1000, opcode: 1, data: `42["tick",${i}]` });
  let out = "";
  assert.equal(run(["analyze", "mem.har"], { out: (s) => (out += s), err: () => {}, readFile: () => JSON.stringify(har) }), 0);
  assert.match(out, /… 22 more events \(--json lists them all\)/);
  let json = "";
  assert.equal(run(["analyze", "mem.har", "--json"], { out: (s) => (json += s), err: () => {}, readFile: () => JSON.stringify(har) }), 0);
  assert.equal(JSON.parse(json).connections[0].namespaces[0].events.length, 62);
});

test("a HAR whose WebSockets carry no messages (Firefox) says so in the summary", () => {
  const har = chromeHar() as { log: { entries: Record<string, unknown>[] } };
  delete har.log.entries[4]!._webSocketMessages;
  let out = "";
  assert.equal(run(["analyze", "ff.har"], { out: (s) => (out += s), err: () => {}, readFile: () => JSON.stringify(har) }), 0);
  assert.match(out, /1 WebSocket connection\(s\) carry no messages in this HAR \(Firefox exports none\)/);
});

test("a capture whose payloads the extension cut: the summary flags the cut event and its ack, --json gives their whole sizes", () => {
  const url = "ws://h/socket.io/?EIO=4&transport=websocket";
  let ts = 1_767_225_600_000;
  const ev = (e: Record<string, unknown>) => ({ v: 1, ts: (ts += 5), conn: "w1", ...e });
  const capture = [
    ev({ type: "ws-open", url }),
    ev({ type: "ws-frame", dir: "in", data: { text: '0{"sid":"S","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":100000000}' } }),
    ev({ type: "ws-frame", dir: "out", data: { text: "40" } }),
    ev({ type: "ws-frame", dir: "in", data: { text: '40{"sid":"n"}' } }),
    ev({ type: "ws-frame", dir: "out", data: { text: '423["upload","' + "a".repeat(500), truncated: 4_000_000 } }),
    ev({ type: "ws-frame", dir: "in", data: { text: '433["' + "b".repeat(500), truncated: 3_000_000 } }),
  ];
  let out = "";
  assert.equal(run(["analyze", "capture.json"], { out: (s) => (out += s), err: () => {}, readFile: () => JSON.stringify(capture) }), 0);
  const row = out.split("\n").find((l) => l.includes("upload"))!;
  assert.match(row, /#3 ← {2}\(5\.0 ms\)\s+(\S+,)?cut \(4000000 in all\),ack cut \(3000000 in all\)$/);
  assert.match(out, /sent WebSocket frame of 4000000 characters: the capture kept its first 514/);
  assert.match(out, /received WebSocket frame of 3000000 characters: the capture kept its first 505/);
  let json = "";
  assert.equal(run(["analyze", "capture.json", "--json"], { out: (s) => (json += s), err: () => {}, readFile: () => JSON.stringify(capture) }), 0);
  const e = JSON.parse(json).connections[0].namespaces[0].events[0];
  assert.deepEqual([e.name, e.args, e.cut, e.ack.args, e.ack.cut], ["upload", [], 4_000_000, [], 3_000_000]);
});
