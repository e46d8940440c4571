// The session model against fixtures recorded from real traffic (scripts/record-fixtures.ts):
// Chromium driving the demo pages with the real socket.io clients and servers of every major
// line. Each assertion comes from what the scenario did — its code in test-server/page/
// scenarios.ts and the results it reported from inside the page (<name>.scenario.json) — never
// from the model's own output.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { importHar } from "../../protocol/har/index.ts";
import { SessionModel, type ConnectionReport, type EventReport, type NamespaceReport, type Report } from "../../protocol/session/index.ts";
import { bytesToBase64 } from "../../protocol/capture.ts";
import { FIXTURES, type FixtureSpec } from "../../scripts/record-fixtures.ts";

const dir = new URL("../fixtures/har/", import.meta.url).pathname;

interface ScenarioFile {
  page: FixtureSpec["page"];
  client: { line: string; version: string };
  scenarios: Record<string, { ok: boolean; details: Record<string, unknown> }>;
}

export function analyse(harText: string): Report {
  const r = importHar(harText);
  if ("error" in r) assert.fail(r.error);
  const m = new SessionModel();
  m.applyAll(r.events);
  m.finish();
  return m.toReport();
}

// What the scenarios send (test-server/page/scenarios.ts, test-server/lines.ts).
const SAMPLE_ARGS = [
  { id: 7, nested: { list: [1, 2.5, null, true, "x"], empty: {} } },
  "héllo wörld — ñ, 中文, русский, עברית",
  "emoji 🎉🚀👍🏽 🏳️‍🌈 and a surrogate pair 𝄞",
  42,
  null,
];
const BIN_OUT = bytesToBase64(Uint8Array.from({ length: 300 }, (_, i) => (i * 7) % 256));
const BIN_REVERSED = bytesToBase64(Uint8Array.from({ length: 300 }, (_, i) => ((299 - i) * 7) % 256));
const BIN_IN = bytesToBase64(new Uint8Array([0, 1, 2, 253, 254, 255]));

function ns(c: ConnectionReport, nsp: string): NamespaceReport {
  const n = c.namespaces.find((x) => x.nsp === nsp);
  assert.ok(n, `namespace ${nsp} on ${c.sid} (has ${c.namespaces.map((x) => x.nsp).join(", ")})`);
  return n;
}

function event(n: NamespaceReport, dir: "in" | "out", name: string): EventReport {
  const e = n.events.find((x) => x.dir === dir && x.name === name);
  assert.ok(e, `${dir} event "${name}" on ${n.nsp} (has ${n.events.map((x) => `${x.dir}:${x.name}`).join(", ")})`);
  return e;
}

function expectedRevisions(page: FixtureSpec["page"]): { engineio: number | null; socketio: number } {
  if (page.line === "0.9") return { engineio: null, socketio: 1 };
  if (page.eio3 || page.line === "1" || page.line === "2") return { engineio: 3, socketio: 4 };
  return { engineio: 4, socketio: 5 };
}

function expectedTransports(page: FixtureSpec["page"]): string[] {
  const t = page.transport ?? "polling-upgrade";
  if (t === "websocket") return ["websocket"];
  if (t === "polling") return ["polling"];
  return page.line === "0.9" ? ["websocket"] : ["polling", "websocket"]; // 0.9 has no upgrade: it tries websocket first
}

type Check = (rep: Report, main: ConnectionReport, details: Record<string, unknown>, spec: FixtureSpec) => void;

const SCENARIO_CHECKS: Record<string, Check> = {
  events(_rep, main, _d, spec) {
    const root = ns(main, "/");
    assert.deepEqual(event(root, "out", "echo").args, SAMPLE_ARGS);
    const back = event(root, "in", "echo");
    assert.deepEqual(back.args, SAMPLE_ARGS, "the echo comes back unchanged (recovery offsets stripped)");
    if (spec.page.recovery) assert.equal(typeof back.offset, "string");
  },
  acks(rep, main) {
    const root = ns(main, "/");
    const ackMe = event(root, "out", "ack-me");
    assert.deepEqual(ackMe.args, [1, "ü", { x: "🎉" }]);
    assert.notEqual(ackMe.ackId, null);
    assert.deepEqual(ackMe.ack?.args, [1, "ü", { x: "🎉" }]);
    assert.ok(ackMe.ack!.latencyMs >= 0 && ackMe.ack!.latencyMs < 5000);
    const ask = event(root, "out", "ask-client");
    assert.deepEqual(ask.args, ["ping"]);
    assert.deepEqual(ask.ack?.args, [{ reply: ["ping → pong"] }]);
    // the server asks the page, which answers: an ack in the other direction
    const asks = event(root, "in", "server-asks");
    assert.deepEqual(asks.args, ["ping"]);
    assert.deepEqual(asks.ack?.args, ["ping → pong"]);
    assert.ok(asks.ack!.latencyMs >= 0);
    assert.ok(ask.ack!.latencyMs >= asks.ack!.latencyMs, "the outer ack waits for the inner round trip");
    const never = event(root, "out", "no-ack");
    assert.notEqual(never.ackId, null);
    assert.equal(never.ack, null);
    assert.ok(rep.diagnostics.some((d) => d.code === "ack-unanswered" && d.message.includes('"no-ack"')));
  },
  binary(_rep, main) {
    const root = ns(main, "/");
    const out = event(root, "out", "bin");
    assert.deepEqual(out.args, [{ $binary: BIN_OUT }]);
    assert.equal(out.binary, true);
    const ack = out.ack!.args[0] as { len: number; reversed: unknown };
    assert.equal(ack.len, 300);
    assert.deepEqual(ack.reversed, { $binary: BIN_REVERSED });
    const inn = event(root, "in", "bin");
    assert.deepEqual(inn.args, [{ $binary: BIN_IN }, { note: "server-to-client binary" }]);
  },
  namespaces(rep, main, d) {
    // /forbidden is refused by middleware on the main connection (multiplexed) or its own
    const all = rep.connections.flatMap((c) => c.namespaces.map((n) => ({ c, n })));
    const forb = all.filter((x) => x.n.nsp === "/forbidden");
    assert.ok(forb.length >= 1 && forb.every((x) => x.n.state === "refused"), "every /forbidden socket refused");
    const admins = all.filter((x) => x.n.nsp === "/admin");
    const welcomed = admins.filter((x) => x.n.events.some((e) => e.dir === "in" && e.name === "welcome"));
    assert.ok(welcomed.length >= 1, "the /admin socket with the right credentials is welcomed");
    assert.deepEqual(welcomed[0]!.n.events.find((e) => e.name === "welcome")!.args[0], d.welcome);
    assert.ok(welcomed[0]!.n.history.some((h) => h.state === "connected"));
    assert.ok(admins.some((x) => x.n.state === "refused"), "the wrong token is refused");
    assert.equal(ns(main, "/").state, "connected");
  },
  "ns-disconnect"(rep) {
    const admins = rep.connections.flatMap((c) => c.namespaces.filter((n) => n.nsp === "/admin").map((n) => n));
    const kicked = admins.filter((n) => n.history.some((h, i) => h.state === "disconnected" && h.by === "server" && n.history[i - 1]?.state === "connected"));
    assert.ok(kicked.length >= 1, "an /admin socket disconnected by the server after being connected");
    const k = kicked[kicked.length - 1]!;
    assert.ok(k.events.some((e) => e.dir === "out" && e.name === "kick-me"));
  },
  reconnect(rep, _main, d) {
    const before = rep.connections.find((c) => c.sid === d.sessionBefore);
    const after = rep.connections.find((c) => c.sid === d.sessionAfter);
    assert.ok(before && after, "both Engine.IO sessions of the reconnecting socket");
    assert.equal(before.closeReason !== null, true);
    assert.equal(after.reconnect.prevSid, before.sid, "reconnection chain");
    assert.equal(before.reconnect.nextSid, after.sid);
    const buffered = ns(after, "/").events.filter((e) => e.name === "buffered");
    assert.deepEqual(buffered.map((e) => e.args[1]), [1, 2, 3, 4, 5], "the emits buffered while disconnected are flushed in order");
    assert.ok(buffered.every((e) => e.buffered), "flagged as flushed right after the reconnect");
    assert.deepEqual(event(ns(after, "/"), "out", "tally").ack?.args, [d.tally]);
  },
  recovery(rep, _main, d) {
    const recovered = rep.connections.filter((c) => c.namespaces.some((n) => n.nsp === "/" && n.recovered));
    assert.equal(recovered.length, 1);
    const after = recovered[0]!;
    const root = ns(after, "/");
    assert.equal(root.socketId, d.idAfter);
    assert.equal(after.reconnect.linkedBy, "recovery");
    const before = rep.connections.find((c) => c.sid === after.reconnect.prevSid)!;
    assert.equal(ns(before, "/").socketId, d.idBefore, "same socket id as before the cut");
    assert.equal(ns(before, "/").pid, root.pid, "same private session id");
    const missed = root.events.filter((e) => e.dir === "in" && e.name === "missed");
    assert.deepEqual(missed.map((e) => e.args), (d.missed as number[]).map((i) => [i]), "missed events replayed, offsets not in args");
    assert.ok(missed.every((e) => typeof e.offset === "string"));
  },
  "session-unknown"(rep, _main, d) {
    const old = rep.connections.find((c) => c.sid === d.sid)!;
    assert.ok(old);
    assert.equal(old.closeReason?.kind, "sid-unknown");
    assert.ok(rep.diagnostics.some((x) => x.code === "sid-unknown" && x.session === old.key));
    const fresh = rep.connections.find((c) => c.sid === d.newSid)!;
    assert.ok(fresh, "the new session after the restart");
    assert.ok(fresh.reconnect.prevSid !== null, "linked to a session that met Session ID unknown");
    const prev = rep.connections.find((c) => c.sid === fresh.reconnect.prevSid)!;
    assert.equal(prev.closeReason?.kind, "sid-unknown");
  },
};

for (const spec of FIXTURES) {
  test(`fixture ${spec.name}: ${spec.scenarios.join(", ")}`, () => {
    const har = readFileSync(`${dir}${spec.name}.har`, "utf8");
    const sc = JSON.parse(readFileSync(`${dir}${spec.name}.scenario.json`, "utf8")) as ScenarioFile;
    assert.ok(har.length < 200 * 1024, "fixtures stay small");
    for (const [name, r] of Object.entries(sc.scenarios)) assert.equal(r.ok, true, `scenario ${name} passed in the page when recorded`);
    const rep = analyse(har);
    assert.ok(rep.connections.length >= 1);
    // The page's main manager: the first session, followed along its reconnections.
    let main = rep.connections[0]!;
    const first = main;
    while (main.reconnect.next) main = rep.connections.find((c) => c.key === main.reconnect.next)!;
    const rev = expectedRevisions(spec.page);
    for (const c of rep.connections) {
      assert.equal(c.engineio, rev.engineio, `engineio of ${c.sid}`);
      assert.equal(c.socketio, rev.socketio);
      assert.match(c.url, /^http:\/\/127\.0\.0\.1:\d+\/socket\.io\/$/);
      assert.equal(c.parser, spec.page.parser === "msgpack" ? "msgpack" : "default");
      assert.equal(c.partial, false, "every handshake captured");
    }
    assert.deepEqual(first.transports, expectedTransports(spec.page));
    assert.equal(first.upgraded, expectedTransports(spec.page).length === 2);
    if (rev.socketio === 5) {
      assert.equal(main.pingInterval, 10000);
      assert.equal(main.pingTimeout, 5000);
      assert.equal(ns(main, "/").socketId !== null, true);
    }
    if (rev.socketio === 1) assert.equal(main.pingInterval, null);
    // the page's live ticker: a namespace joined at load that receives server events
    const ticker = ns(main, "/ticker");
    assert.equal(ticker.state, "connected");
    assert.ok(ticker.events.filter((e) => e.dir === "in" && e.name === "tick").length >= 5);
    assert.ok(!rep.diagnostics.some((x) => x.code === "undecodable-frame" || x.code === "version-mismatch" || x.code === "emit-before-connect"), JSON.stringify(rep.diagnostics.filter((x) => x.severity === "error")));
    for (const name of spec.scenarios) SCENARIO_CHECKS[name]!(rep, main, sc.scenarios[name]!.details, spec);
  });
}
