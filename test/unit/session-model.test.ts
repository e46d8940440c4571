// Session model: every state machine transition and every diagnostic, on hand-written capture
// sequences built from the golden wire strings of PROTOCOL.md (sections 4–7, 9, 12).
import { test } from "node:test";
import assert from "node:assert/strict";
import { SessionModel, transportLabel, type Change, type DiagnosticCode } from "../../protocol/session/index.ts";
import { CAPTURE_VERSION } from "../../protocol/capture.ts";
import { Cap, EIO4, EIO4_SID, HOST, OPEN4, SID, WS4 } from "../fixtures/capture-builder.ts";

function run(c: Cap, finish = true): SessionModel {
  const m = new SessionModel();
  m.applyAll(c.events);
  if (finish) m.finish();
  return m;
}

function codes(m: SessionModel): DiagnosticCode[] {
  return m.diagnostics.map((d) => d.code);
}

/** The EIO4 handshake + rev-5 CONNECT of "/" over polling (PROTOCOL.md section 5 sample). */
function handshake4(c: Cap): void {
  c.http("GET", EIO4(), undefined, 200, OPEN4);
  c.http("POST", EIO4_SID(), "40", 200, "ok");
  c.http("GET", EIO4_SID(), undefined, 200, '40{"sid":"wZX3oN0bSVIhsaknAAAI"}');
}

test("EIO4: handshake binds the sid through the open packet; CONNECT / → connected with the socket id", () => {
  const c = new Cap();
  handshake4(c);
  const m = run(c);
  assert.equal(m.sessions.length, 1);
  const s = m.sessions[0]!;
  assert.equal(s.sid, SID);
  assert.equal(s.url, `${HOST}/socket.io/`);
  assert.equal(s.eio, 4);
  assert.equal(s.sio, 5);
  assert.equal(s.pingInterval, 25000);
  assert.equal(s.pingTimeout, 20000);
  assert.equal(s.maxPayload, 1000000);
  assert.deepEqual(s.upgrades, ["websocket"]);
  const ns = s.namespaces.get("/")!;
  assert.deepEqual(ns.history.map((h) => h.state), ["connecting", "connected"]);
  assert.equal(ns.socketId, "wZX3oN0bSVIhsaknAAAI");
  assert.equal(s.transports[0]!.name, "polling");
  assert.equal(s.transports[0]!.state, "open");
  assert.deepEqual(m.diagnostics, []);
});

test("polling: the APIs its exchanges went through, handshake included, in the order first seen; an unknown one is ignored", () => {
  const c = new Cap();
  c.http("GET", EIO4(), undefined, 200, OPEN4, { api: "fetch" });
  c.http("POST", EIO4_SID(), "40", 200, "ok", { api: "fetch" });
  c.http("GET", EIO4_SID(), undefined, 200, '40{"sid":"wZX3oN0bSVIhsaknAAAI"}');
  c.http("POST", EIO4_SID(), '42["a"]', 200, "ok", { api: "xhr" });
  c.http("POST", EIO4_SID(), '42["b"]', 200, "ok", { api: "beacon" as never });
  const m = run(c);
  const t = m.sessions[0]!.transports[0]!;
  assert.deepEqual(t.apis, ["fetch", "xhr"]);
  assert.equal(t.requests, 5);
  const rep = m.toReport().connections[0]!.transportDetails[0]!;
  assert.deepEqual(rep.apis, ["fetch", "xhr"]);
  assert.notEqual(rep.apis, t.apis, "the report holds a copy, not the live list");
  assert.equal(transportLabel(t), "polling (via fetch+xhr)");
  assert.equal(transportLabel({ name: "polling", variant: "jsonp", apis: ["script", "form"] }), "polling (jsonp, via script+form)");
  assert.equal(transportLabel({ name: "websocket", variant: null, apis: [] }), "websocket");
  // a capture that does not say (a Firefox HAR) names no API
  const bare = new Cap();
  handshake4(bare);
  assert.deepEqual(run(bare).sessions[0]!.transports[0]!.apis, []);
});

test("upgrade: probe ping/pong, noop on the pending poll, upgrade packet → websocket active, polling closed", () => {
  const c = new Cap();
  handshake4(c);
  const poll = c.request("GET", EIO4_SID());
  const w = c.ws(WS4());
  c.out(w, "2probe");
  const m = new SessionModel();
  m.applyAll(c.events);
  const s = m.sessions[0]!;
  assert.equal(s.transports[1]!.probe, "probing");
  c.events.length = 0;
  c.in(w, "3probe");
  m.applyAll(c.events);
  assert.equal(s.transports[1]!.probe, "probed");
  assert.equal(s.transports[0]!.state, "closing", "polling pauses while the probe succeeded");
  c.events.length = 0;
  c.respond(poll, 200, "6").out(w, "5");
  m.applyAll(c.events);
  assert.equal(s.transports[1]!.probe, "upgraded");
  const up = s.transports[1]!;
  assert.ok(up.probeAt! < up.probedAt! && up.probedAt! < up.upgradedAt!, "probe → probed → upgraded timestamps");
  assert.equal(s.upgraded, true);
  assert.equal(s.noops, 1);
  assert.equal(s.transports[s.active]!.name, "websocket");
  assert.equal(s.transports[0]!.state, "closed");
  assert.equal(s.transports[0]!.closeReason, "upgraded");
  assert.deepEqual(m.toReport().connections[0]!.transports, ["polling", "websocket"]);
});

test("failed probe: the WebSocket closes before the upgrade packet → upgrade-failed, session stays on polling", () => {
  const c = new Cap();
  handshake4(c);
  const w = c.ws(WS4());
  c.out(w, "2probe").close(w, 1006);
  c.http("POST", EIO4_SID(), '42["still","polling"]', 200, "ok");
  const m = run(c);
  const s = m.sessions[0]!;
  assert.equal(s.transports[1]!.probe, "failed");
  assert.equal(s.upgraded, false);
  assert.equal(s.state, "open");
  assert.ok(codes(m).includes("upgrade-failed"));
  assert.deepEqual(m.toReport().connections[0]!.transports, ["polling"]);
  assert.equal(s.namespaces.get("/")!.events[0]!.name, "still");
});

test("a probe that never completes is reported as a failed upgrade at the end of the capture", () => {
  const c = new Cap();
  handshake4(c);
  const w = c.ws(WS4());
  c.out(w, "2probe").in(w, "3probe");
  const m = run(c);
  assert.equal(m.sessions[0]!.transports[1]!.probe, "failed");
  assert.deepEqual(codes(m), ["upgrade-failed"]);
});

test("WebSocket-only session: bound by its first frame (open packet, upgrades [])", () => {
  const c = new Cap();
  const w = c.ws(`ws://localhost:3000/socket.io/?EIO=4&transport=websocket`);
  c.in(w, '0{"sid":"abc","upgrades":[],"pingInterval":300,"pingTimeout":200}').out(w, "40").in(w, '40{"sid":"x1"}');
  const m = run(c);
  const s = m.sessions[0]!;
  assert.equal(s.sid, "abc");
  assert.deepEqual(s.upgrades, []);
  assert.equal(s.transports.length, 1);
  assert.equal(s.transports[0]!.name, "websocket");
  assert.equal(s.upgraded, false);
  assert.equal(s.namespaces.get("/")!.state, "connected");
});

test("acks both ways are paired with their event and latency (rev 5, custom namespace)", () => {
  const c = new Cap();
  const w = c.ws(`ws://localhost:3000/socket.io/?EIO=4&transport=websocket`);
  c.in(w, '0{"sid":"abc","upgrades":[],"pingInterval":25000,"pingTimeout":20000}');
  c.out(w, "40/admin,").in(w, '40/admin,{"sid":"q"}');
  c.out(w, '42/admin,456["project:delete",123]', 50).in(w, '43/admin,456["done"]', 17);
  c.in(w, '42/admin,7["question"]', 5).out(w, '43/admin,7[{"answer":42}]', 9);
  const m = run(c);
  const ev = m.sessions[0]!.namespaces.get("/admin")!.events;
  assert.equal(ev.length, 2);
  assert.equal(ev[0]!.dir, "out");
  assert.equal(ev[0]!.name, "project:delete");
  assert.deepEqual(ev[0]!.args, [123]);
  assert.equal(ev[0]!.ackId, 456);
  assert.deepEqual(ev[0]!.ack!.args, ["done"]);
  assert.equal(ev[0]!.ack!.latencyMs, 17);
  assert.equal(ev[1]!.dir, "in");
  assert.deepEqual(ev[1]!.ack!.args, [{ answer: 42 }]);
  assert.equal(ev[1]!.ack!.latencyMs, 9);
  assert.deepEqual(m.diagnostics, []);
});

test("ack never answered → ack-unanswered at finish; tick() reports it once the timeout passes", () => {
  const c = new Cap();
  const w = c.ws(`ws://localhost:3000/socket.io/?EIO=4&transport=websocket`);
  c.in(w, '0{"sid":"abc","upgrades":[],"pingInterval":25000,"pingTimeout":20000}').out(w, "40").in(w, '40{"sid":"q"}');
  c.out(w, '421["lonely"]');
  const m = new SessionModel({ ackTimeoutMs: 1000 });
  m.applyAll(c.events);
  m.tick(c.t + 500);
  assert.deepEqual(codes(m), []);
  m.tick(c.t + 1500);
  assert.deepEqual(codes(m), ["ack-unanswered"]);
  m.finish();
  assert.deepEqual(codes(m), ["ack-unanswered"], "not reported twice");
  assert.deepEqual(m.diagnostics[0]!.frames, [m.sessions[0]!.namespaces.get("/")!.events[0]!.frames[0]]);
});

test("an ack for an unknown id is reported (info) and pairs with nothing", () => {
  const c = new Cap();
  const w = c.ws(`ws://localhost:3000/socket.io/?EIO=4&transport=websocket`);
  c.in(w, '0{"sid":"abc","upgrades":[],"pingInterval":25000,"pingTimeout":20000}').out(w, "40").in(w, '40{"sid":"q"}');
  c.in(w, '439["late"]');
  const m = run(c);
  assert.deepEqual(codes(m), ["ack-unknown"]);
  assert.equal(m.diagnostics[0]!.severity, "info");
});

test("clock tolerance: an ack sorted up to clockToleranceMs before its event pairs with it (latency 0), either direction", () => {
  const c = new Cap();
  const w = c.ws(`ws://localhost:3000/socket.io/?EIO=4&transport=websocket`);
  c.in(w, '0{"sid":"abc","upgrades":[],"pingInterval":25000,"pingTimeout":20000}').out(w, "40").in(w, '40{"sid":"q"}');
  // the page's answer written 1.5 ms before the server's question; the server's ack 2 ms before the page's emit
  c.out(w, '437["pong"]', 10).in(w, '427["ping"]', 1.5);
  c.in(w, '438["ok"]', 10).out(w, '428["go"]', 2);
  const m = new SessionModel();
  const changes: Change[] = [];
  m.subscribe((ch) => changes.push(...ch));
  m.applyAll(c.events);
  m.finish();
  const ev = m.sessions[0]!.namespaces.get("/")!.events;
  assert.deepEqual(ev.map((e) => [e.dir, e.name, e.ack?.args, e.ack?.latencyMs, e.ack?.ts === e.ts]), [
    ["in", "ping", ["pong"], 0, true],
    ["out", "go", ["ok"], 0, true],
  ]);
  assert.deepEqual(codes(m), []);
  assert.equal(changes.filter((x) => x.kind === "ack").length, 2, "each pairing is announced on the change feed");
});

test("clock tolerance: an ack more than clockToleranceMs before an event with its id stays unknown, and the event unanswered", () => {
  const c = new Cap();
  const w = c.ws(`ws://localhost:3000/socket.io/?EIO=4&transport=websocket`);
  c.in(w, '0{"sid":"abc","upgrades":[],"pingInterval":25000,"pingTimeout":20000}').out(w, "40").in(w, '40{"sid":"q"}');
  c.out(w, '437["pong"]', 10).in(w, '427["ping"]', 2.5);
  const m = run(c, false);
  assert.deepEqual(codes(m), ["ack-unknown"], "reported once the tolerance has passed, before finish");
  assert.equal(m.diagnostics[0]!.ts, c.t - 2.5, "timed at the ack");
  assert.equal(m.sessions[0]!.namespaces.get("/")!.events[0]!.ack, null);
  m.finish();
  assert.deepEqual(codes(m), ["ack-unknown", "ack-unanswered"]);
  // a wider tolerance pairs the same capture
  const wide = new SessionModel({ clockToleranceMs: 3 });
  wide.applyAll(c.events);
  wide.finish();
  assert.deepEqual(codes(wide), []);
  assert.deepEqual(wide.sessions[0]!.namespaces.get("/")!.events[0]!.ack?.args, ["pong"]);
});

test("clock tolerance: a held ack is reported by tick() once its time passes, and by finish() at the end", () => {
  const c = new Cap();
  const w = c.ws(`ws://localhost:3000/socket.io/?EIO=4&transport=websocket`);
  c.in(w, '0{"sid":"abc","upgrades":[],"pingInterval":25000,"pingTimeout":20000}').out(w, "40").in(w, '40{"sid":"q"}');
  c.in(w, '439["late"]');
  const m = run(c, false);
  assert.deepEqual(codes(m), [], "held: its event may still follow");
  m.tick(c.t + 1);
  assert.deepEqual(codes(m), []);
  m.tick(c.t + 3);
  assert.deepEqual(codes(m), ["ack-unknown"]);
  const m2 = run(c, false);
  m2.finish();
  assert.deepEqual(codes(m2), ["ack-unknown"]);
  // the same id twice: the first is reported when the second arrives
  c.in(w, '439["again"]', 0.5);
  const m3 = run(c, false);
  assert.deepEqual(codes(m3), ["ack-unknown"]);
  assert.match(m3.diagnostics[0]!.message, /^ack 9 on \/ /);
  m3.finish();
  assert.deepEqual(codes(m3), ["ack-unknown", "ack-unknown"]);
});

test("event emitted before the namespace connected → emit-before-connect", () => {
  const c = new Cap();
  const w = c.ws(`ws://localhost:3000/socket.io/?EIO=4&transport=websocket`);
  c.in(w, '0{"sid":"abc","upgrades":[],"pingInterval":25000,"pingTimeout":20000}').out(w, "40/chat,").out(w, '42/chat,["early"]');
  c.in(w, '40/chat,{"sid":"z"}').out(w, '42/chat,["fine"]', 100);
  const m = run(c);
  const ev = m.sessions[0]!.namespaces.get("/chat")!.events;
  assert.equal(ev[0]!.beforeConnect, true);
  assert.equal(ev[1]!.beforeConnect, false);
  assert.deepEqual(codes(m), ["emit-before-connect"]);
  assert.equal(m.diagnostics[0]!.nsp, "/chat");
});

test("refused namespace (rev 5 CONNECT_ERROR) and disconnect both ways", () => {
  const c = new Cap();
  const w = c.ws(`ws://localhost:3000/socket.io/?EIO=4&transport=websocket`);
  c.in(w, '0{"sid":"abc","upgrades":[],"pingInterval":25000,"pingTimeout":20000}');
  c.out(w, "40/random,").in(w, '44/random,{"message":"Invalid namespace"}');
  c.out(w, "40").in(w, '40{"sid":"q"}').out(w, "41");
  c.out(w, "40/a,").in(w, '40/a,{"sid":"r"}').in(w, "41/a,");
  const m = run(c);
  const s = m.sessions[0]!;
  const r = s.namespaces.get("/random")!;
  assert.equal(r.state, "refused");
  assert.deepEqual(r.error, { message: "Invalid namespace" });
  assert.deepEqual(s.namespaces.get("/")!.history.map((h) => [h.state, h.by]), [["connecting", "client"], ["connected", "server"], ["disconnected", "client"]]);
  assert.deepEqual(s.namespaces.get("/a")!.history.map((h) => [h.state, h.by]), [["connecting", "client"], ["connected", "server"], ["disconnected", "server"]]);
  assert.deepEqual(codes(m), ["namespace-refused"]);
  const rep = m.toReport().connections[0]!.namespaces.map((n) => [n.nsp, n.state]);
  assert.deepEqual(rep, [["/random", "refused"], ["/", "disconnected"], ["/a", "disconnected"]]);
});

test("binary both ways: attachments reconstructed across frames, reported as $binary, frames referenced", () => {
  const c = new Cap();
  const w = c.ws(`ws://localhost:3000/socket.io/?EIO=4&transport=websocket`);
  c.in(w, '0{"sid":"abc","upgrades":[],"pingInterval":25000,"pingTimeout":20000}').out(w, "40").in(w, '40{"sid":"q"}');
  c.out(w, '451-["a",{"_placeholder":true,"num":0}]').out(w, new Uint8Array([1, 2, 3]));
  c.in(w, '452-1["b",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]').in(w, new Uint8Array([4])).in(w, new Uint8Array([5, 6]));
  c.out(w, '461-1[{"_placeholder":true,"num":0}]').out(w, new Uint8Array([3, 2, 1]));
  const m = new SessionModel();
  const seqs = c.events.map((e) => m.apply(e));
  m.finish();
  const ev = m.sessions[0]!.namespaces.get("/")!.events;
  assert.equal(ev[0]!.binary, true);
  assert.deepEqual(ev[0]!.args[0], new Uint8Array([1, 2, 3]));
  assert.deepEqual(ev[0]!.frames, [seqs[5], seqs[6]]);
  assert.equal(ev[1]!.ackId, 1);
  assert.deepEqual(ev[1]!.args, [new Uint8Array([4]), new Uint8Array([5, 6])]);
  assert.deepEqual(ev[1]!.ack!.args, [new Uint8Array([3, 2, 1])]);
  const rep = m.toReport().connections[0]!.namespaces[0]!.events;
  assert.deepEqual(rep[0]!.args, [{ $binary: "AQID" }]);
  assert.deepEqual(rep[1]!.ack!.args, [{ $binary: "AwIB" }]);
  assert.deepEqual(m.diagnostics, []);
});

test("heartbeat rev 4: server ping, client pong, round-trip time; a missed heartbeat past pingInterval + pingTimeout", () => {
  const c = new Cap();
  const w = c.ws(`ws://localhost:3000/socket.io/?EIO=4&transport=websocket`);
  c.in(w, '0{"sid":"abc","upgrades":[],"pingInterval":1000,"pingTimeout":500}');
  c.in(w, "2", 1000).out(w, "3", 7);
  c.in(w, "2", 993).out(w, "3", 4);
  const m0 = run(c, false);
  const s0 = m0.sessions[0]!;
  assert.equal(s0.heartbeats.length, 2);
  assert.deepEqual(s0.heartbeats.map((h) => [h.dir, h.rttMs]), [["in", 7], ["in", 4]]);
  assert.equal(s0.heartbeat.meanRttMs, 5.5);
  assert.deepEqual(codes(m0), []);
  c.in(w, "2", 4000); // 4 s without a ping: 1000 + 500 (+1000 slack) passed
  const m = run(c, false);
  assert.deepEqual(codes(m), ["heartbeat-missed"]);
  assert.equal(m.sessions[0]!.heartbeat.missed, 1);
});

test("clock tolerance: a pong sorted up to clockToleranceMs before its ping answers it (rtt 0); beyond it the ping goes unanswered", () => {
  const c = new Cap();
  const w = c.ws(`ws://localhost:3000/socket.io/?EIO=4&transport=websocket`);
  c.in(w, '0{"sid":"abc","upgrades":[],"pingInterval":1000,"pingTimeout":500}');
  c.out(w, "3", 1000).in(w, "2", 1.5); // the page's pong written 1.5 ms before the ping
  c.in(w, "2", 1600).out(w, "3", 4);
  const m = run(c);
  const s = m.sessions[0]!;
  assert.deepEqual(s.heartbeats.map((h) => [h.dir, h.rttMs]), [["in", 0], ["in", 4]]);
  assert.deepEqual([s.heartbeat.answered, s.heartbeat.missed], [2, 0]);
  assert.deepEqual(codes(m), []);
  // no tolerance: the first ping looks unanswered when the next one comes 1.6 s later (> 500 + 1000)
  const strict = new SessionModel({ clockToleranceMs: 0 });
  strict.applyAll(c.events);
  strict.finish();
  assert.deepEqual(codes(strict), ["heartbeat-missed"]);
  assert.deepEqual(strict.sessions[0]!.heartbeats.map((h) => h.rttMs), [null, 4]);
});

test("clock tolerance: a CONNECT reply sorted just before the page's CONNECT is that CONNECT's answer (no emit-before-connect)", () => {
  const build = (gap: number) => {
    const c = new Cap();
    c.http("GET", EIO4(), undefined, 200, OPEN4);
    const poll = c.request("GET", EIO4_SID());
    c.wait(5).respond(poll, 200, '40{"sid":"wZX3oN0bSVIhsaknAAAI"}');
    c.wait(gap);
    c.http("POST", EIO4_SID(), "40", 200, "ok");
    c.http("POST", EIO4_SID(), '42["hi"]', 200, "ok");
    return run(c);
  };
  const m = build(0.5);
  const ns = m.sessions[0]!.namespaces.get("/")!;
  assert.equal(ns.state, "connected");
  assert.deepEqual(ns.history.map((h) => [h.state, h.by]), [["connecting", "client"], ["connected", "server"]]);
  assert.equal(ns.history[0]!.ts, ns.history[1]!.ts, "the request is timed at its reply");
  assert.equal(ns.socketId, "wZX3oN0bSVIhsaknAAAI");
  assert.deepEqual(codes(m), []);
  // 3 ms apart is not clock resolution: a CONNECT sent again after the reply
  const late = build(3);
  assert.equal(late.sessions[0]!.namespaces.get("/")!.state, "connecting");
  assert.deepEqual(codes(late), ["emit-before-connect"]);
});

test("heartbeat rev 3: the client pings and the server pongs", () => {
  const c = new Cap();
  c.http("GET", `${HOST}/socket.io/?EIO=3&transport=polling&t=1`, undefined, 200, '96:0{"sid":"lv_VI97HAXpY6yYWAAAC","upgrades":["websocket"],"pingInterval":25000,"pingTimeout":5000}2:40');
  c.http("POST", `${HOST}/socket.io/?EIO=3&transport=polling&t=2&sid=${SID}`, "1:2", 200, "ok");
  c.wait(3);
  c.http("GET", `${HOST}/socket.io/?EIO=3&transport=polling&t=3&sid=${SID}`, undefined, 200, "1:3");
  const m = run(c);
  const s = m.sessions[0]!;
  assert.equal(s.eio, 3);
  assert.equal(s.sio, 4);
  assert.equal(s.heartbeats.length, 1);
  assert.equal(s.heartbeats[0]!.dir, "out");
  assert.equal(s.heartbeats[0]!.rttMs, 5); // POST at t, GET answered at t+5
  // Socket.IO 2.x merges CONNECT / into the handshake: "/" is connected without a client CONNECT.
  assert.deepEqual(s.namespaces.get("/")!.history.map((h) => h.state), ["connected"]);
  assert.deepEqual(m.diagnostics, []);
});

test("heartbeat in the wrong direction → heartbeat-direction and version-mismatch", () => {
  const c = new Cap();
  const w = c.ws(`ws://localhost:3000/socket.io/?EIO=4&transport=websocket`);
  c.in(w, '0{"sid":"abc","upgrades":[],"pingInterval":25000,"pingTimeout":20000}').out(w, "2");
  const m = run(c);
  assert.deepEqual(codes(m), ["heartbeat-direction", "version-mismatch"]);
});

test("no pong within pingTimeout → heartbeat-missed; the transport then closes → close reason ping-timeout", () => {
  const c = new Cap();
  const w = c.ws(`ws://localhost:3000/socket.io/?EIO=4&transport=websocket`);
  c.in(w, '0{"sid":"abc","upgrades":[],"pingInterval":1000,"pingTimeout":500}').out(w, "40").in(w, '40{"sid":"q"}');
  c.in(w, "2", 1000).close(w, 1005, 2600);
  const m = run(c);
  const s = m.sessions[0]!;
  assert.equal(s.state, "closed");
  assert.equal(s.closeReason!.kind, "ping-timeout");
  assert.ok(codes(m).includes("heartbeat-missed"));
  assert.equal(s.namespaces.get("/")!.state, "disconnected");
});

test("close reasons: close packet (client POST 1), transport close, parse error", () => {
  const c1 = new Cap();
  handshake4(c1);
  c1.http("POST", EIO4_SID(), "1", 200, "ok");
  const m1 = run(c1);
  assert.deepEqual([m1.sessions[0]!.closeReason!.kind, m1.sessions[0]!.closeReason!.by], ["close-packet", "client"]);
  assert.equal(m1.sessions[0]!.namespaces.get("/")!.state, "disconnected");

  const c2 = new Cap();
  const w2 = c2.ws(`ws://localhost:3000/socket.io/?EIO=4&transport=websocket`);
  c2.in(w2, '0{"sid":"abc","upgrades":[],"pingInterval":25000,"pingTimeout":20000}').close(w2, 1006);
  const m2 = run(c2);
  assert.equal(m2.sessions[0]!.closeReason!.kind, "transport-close");

  const c3 = new Cap();
  const w3 = c3.ws(`ws://localhost:3000/socket.io/?EIO=4&transport=websocket`);
  c3.in(w3, '0{"sid":"abc","upgrades":[],"pingInterval":25000,"pingTimeout":20000}').out(w3, "4{").close(w3, 1006);
  const m3 = run(c3);
  assert.equal(m3.sessions[0]!.closeReason!.kind, "parse-error");
  assert.ok(codes(m3).includes("undecodable-frame"));

  const c4 = new Cap();
  handshake4(c4);
  c4.http("GET", EIO4_SID(), undefined, 200, '42["bye"]\x1e1');
  const m4 = run(c4);
  assert.deepEqual([m4.sessions[0]!.closeReason!.kind, m4.sessions[0]!.closeReason!.by], ["close-packet", "server"]);
  assert.equal(m4.sessions[0]!.namespaces.get("/")!.events[0]!.name, "bye");
});

test('HTTP 400 {"code":1} "Session ID unknown" → sid-unknown, session closed; late polls after an upgrade are not flagged', () => {
  const c = new Cap();
  handshake4(c);
  c.http("GET", EIO4_SID(), undefined, 400, '{"code":1,"message":"Session ID unknown"}', { resContentType: "application/json" });
  const m = run(c);
  assert.deepEqual(codes(m), ["sid-unknown"]);
  assert.equal(m.sessions[0]!.closeReason!.kind, "sid-unknown");

  const c2 = new Cap();
  handshake4(c2);
  const w = c2.ws(WS4());
  c2.out(w, "2probe").in(w, "3probe").out(w, "5");
  c2.http("GET", EIO4_SID(), undefined, 400, '{"code":1,"message":"Session ID unknown"}', { resContentType: "application/json" });
  const m2 = run(c2);
  assert.deepEqual(codes(m2), []);
  assert.equal(m2.sessions[0]!.state, "open");
});

test("version mismatch: a v2 client refused by a v4 server (code 5) is a failed handshake", () => {
  const c = new Cap();
  c.http("GET", `${HOST}/socket.io/?EIO=3&transport=polling&t=1`, undefined, 400, '{"code":5,"message":"Unsupported protocol version"}', { resContentType: "application/json" });
  const m = run(c);
  assert.equal(m.sessions.length, 0);
  assert.deepEqual(codes(m), ["version-mismatch"]);
  assert.equal(m.failedHandshakes.length, 1);
});

test("version mismatch: a v3+ client whose CONNECT is answered without sid (v2 server)", () => {
  const c = new Cap();
  const w = c.ws(`ws://localhost:3000/socket.io/?EIO=4&transport=websocket`);
  c.in(w, '0{"sid":"abc","upgrades":[],"pingInterval":25000,"pingTimeout":20000}').out(w, "40").in(w, "40");
  const m = run(c);
  assert.deepEqual(codes(m), ["version-mismatch"]);
});

test("payload over maxPayload (POST body and 413 reply)", () => {
  const c = new Cap();
  c.http("GET", EIO4(), undefined, 200, `0{"sid":"${SID}","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":100}`);
  c.http("POST", EIO4_SID(), "40", 200, "ok");
  c.http("GET", EIO4_SID(), undefined, 200, '40{"sid":"q"}');
  c.http("POST", EIO4_SID(), `42["big","${"x".repeat(200)}"]`, 413, undefined);
  const m = run(c);
  assert.deepEqual(codes(m), ["payload-too-large", "payload-too-large"]);
  assert.match(m.diagnostics[0]!.message, /over maxPayload 100/);
  assert.match(m.diagnostics[1]!.message, /413/);
  assert.equal(m.sessions[0]!.state, "closed");
});

test("non-conformant length counting (code points instead of UTF-16 units) is flagged once per session", () => {
  const c = new Cap();
  c.http("GET", `${HOST}/socket.io/?EIO=3&transport=polling&t=1`, undefined, 200, '96:0{"sid":"lv_VI97HAXpY6yYWAAAC","upgrades":["websocket"],"pingInterval":25000,"pingTimeout":5000}2:40');
  // "42[\"🎉\"]" is 8 UTF-16 units but 7 code points; a non-JS server wrote 7.
  c.http("GET", `${HOST}/socket.io/?EIO=3&transport=polling&t=2&sid=${SID}`, undefined, 200, '7:42["🎉"]');
  c.http("GET", `${HOST}/socket.io/?EIO=3&transport=polling&t=3&sid=${SID}`, undefined, 200, '7:42["🎉"]');
  const m = run(c);
  assert.deepEqual(codes(m), ["non-conformant-length"]);
  assert.deepEqual(m.sessions[0]!.namespaces.get("/")!.events.map((e) => e.name), ["🎉", "🎉"]);
});

test("undecodable frame → diagnostic with the frame, decoding continues with the next frame", () => {
  const c = new Cap();
  const w = c.ws(`ws://localhost:3000/socket.io/?EIO=4&transport=websocket`);
  c.in(w, '0{"sid":"abc","upgrades":[],"pingInterval":25000,"pingTimeout":20000}').out(w, "40").in(w, '40{"sid":"q"}');
  c.in(w, "x garbage").in(w, '42["after"]');
  const m = new SessionModel();
  const seqs = c.events.map((e) => m.apply(e));
  assert.deepEqual(codes(m), ["undecodable-frame"]);
  assert.deepEqual(m.diagnostics[0]!.frames, [seqs[seqs.length - 2]]);
  assert.equal(m.sessions[0]!.namespaces.get("/")!.events[0]!.name, "after");
});

test("reconnection chain: a new handshake of the same client on the same endpoint after a close", () => {
  const c = new Cap();
  const w1 = c.ws(`ws://localhost:3000/socket.io/?EIO=4&transport=websocket`);
  c.in(w1, '0{"sid":"one","upgrades":[],"pingInterval":25000,"pingTimeout":20000}').out(w1, "40").in(w1, '40{"sid":"a"}').close(w1, 1006);
  c.wait(1000);
  const w2 = c.ws(`ws://localhost:3000/socket.io/?EIO=4&transport=websocket`);
  c.in(w2, '0{"sid":"two","upgrades":[],"pingInterval":25000,"pingTimeout":20000}').out(w2, "40").in(w2, '40{"sid":"b"}');
  c.out(w2, '42["flushed"]', 0);
  const m = run(c);
  const [a, b] = m.sessions;
  assert.equal(a!.next, b!.key);
  assert.equal(b!.prev, a!.key);
  assert.equal(b!.chain, a!.key);
  assert.equal(b!.linkedBy, "reconnect");
  assert.equal(b!.namespaces.get("/")!.events[0]!.buffered, true);
  const rep = m.toReport().connections[1]!;
  assert.equal(rep.reconnect.prevSid, "one");
});

test("a WebSocket session without a captured close is superseded by the next handshake (HAR has no close frames)", () => {
  const c = new Cap();
  const w1 = c.ws(`ws://localhost:3000/socket.io/?EIO=4&transport=websocket`);
  c.in(w1, '0{"sid":"one","upgrades":[],"pingInterval":25000,"pingTimeout":20000}').out(w1, "40").in(w1, '40{"sid":"a"}');
  c.wait(1000);
  const w2 = c.ws(`ws://localhost:3000/socket.io/?EIO=4&transport=websocket`);
  c.in(w2, '0{"sid":"two","upgrades":[],"pingInterval":25000,"pingTimeout":20000}');
  const m = run(c);
  assert.equal(m.sessions[0]!.closeReason!.kind, "superseded");
  assert.equal(m.sessions[1]!.prev, m.sessions[0]!.key);
  // …unless the first session shows traffic again: then it was a second client after all.
  c.in(w1, '42["still here"]');
  const m2 = run(c);
  assert.equal(m2.sessions[0]!.state, "open");
  assert.equal(m2.sessions[1]!.prev, null);
});

test("connection-state recovery: offsets stripped from server events, same pid links the sessions, recovered flag", () => {
  const c = new Cap();
  const w1 = c.ws(`ws://localhost:3000/socket.io/?EIO=4&transport=websocket`);
  c.in(w1, '0{"sid":"one","upgrades":[],"pingInterval":25000,"pingTimeout":20000}').out(w1, "40").in(w1, '40{"sid":"a","pid":"P1"}');
  c.in(w1, '42["chat","hello","MzUPkW0"]').in(w1, '421["ask","x"]').out(w1, "431[]");
  c.close(w1, 1006);
  const w2 = c.ws(`ws://localhost:3000/socket.io/?EIO=4&transport=websocket`);
  c.in(w2, '0{"sid":"two","upgrades":[],"pingInterval":25000,"pingTimeout":20000}').out(w2, '40{"pid":"P1","offset":"MzUPkW0"}').in(w2, '40{"sid":"a","pid":"P1"}');
  c.in(w2, '42["chat","missed","MzUPkW1"]');
  const m = run(c);
  const [a, b] = m.sessions;
  const na = a!.namespaces.get("/")!;
  assert.deepEqual(na.events[0]!.args, ["hello"]);
  assert.equal(na.events[0]!.offset, "MzUPkW0");
  assert.deepEqual(na.events[1]!.args, ["x"], "events with an ack id carry no offset");
  const nb = b!.namespaces.get("/")!;
  assert.deepEqual(nb.recoveryRequested, { pid: "P1", offset: "MzUPkW0" });
  assert.equal(nb.recovered, true);
  assert.equal(nb.lastOffset, "MzUPkW1");
  assert.equal(b!.prev, a!.key);
  assert.equal(b!.linkedBy, "recovery");
  const rep = m.toReport().connections[1]!.namespaces[0]!;
  assert.deepEqual(rep.events[0]!.args, ["missed"]);
});

test("Socket.IO 0.9: handshake, transport path, connect/heartbeat/event/message/json/ack/error packets", () => {
  const c = new Cap();
  c.http("GET", `${HOST}/socket.io/1/?t=1388000000000`, undefined, 200, "GkdXWlz2M4Q3HL0h8lmN:60:60:websocket,htmlfile,xhr-polling,jsonp-polling");
  const w = c.ws("ws://localhost:3000/socket.io/1/websocket/GkdXWlz2M4Q3HL0h8lmN");
  c.in(w, "1::").out(w, '5:::{"name":"hello","args":["world"]}');
  c.in(w, "2::").out(w, "2::", 2);
  c.out(w, "1::/chat").in(w, "1::/chat");
  c.out(w, '5:1+:/chat:{"name":"msg","args":["hi"]}').in(w, '6::/chat:1+["ok"]', 6);
  c.in(w, "3:::hello").in(w, '4:::{"a":"b"}');
  c.out(w, "1::/bad").in(w, "7::/bad:2");
  c.out(w, "0::/chat");
  const m = run(c);
  assert.equal(m.sessions.length, 1);
  const s = m.sessions[0]!;
  assert.equal(s.sid, "GkdXWlz2M4Q3HL0h8lmN");
  assert.equal(s.eio, null);
  assert.equal(s.sio, 1);
  assert.equal(s.pingTimeout, 60000);
  assert.deepEqual(s.heartbeats.map((h) => [h.dir, h.rttMs]), [["in", 2]]);
  const main = s.namespaces.get("/")!;
  assert.equal(main.state, "connected");
  assert.deepEqual(main.events.map((e) => [e.dir, e.name, e.args]), [["out", "hello", ["world"]], ["in", "message", ["hello"]], ["in", "message", [{ a: "b" }]]]);
  const chat = s.namespaces.get("/chat")!;
  assert.deepEqual(chat.history.map((h) => h.state), ["connecting", "connected", "disconnected"]);
  assert.deepEqual(chat.events[0]!.ack!.args, ["ok"]);
  assert.equal(chat.events[0]!.ack!.latencyMs, 6);
  assert.equal(s.namespaces.get("/bad")!.state, "refused");
  assert.deepEqual(codes(m), ["namespace-refused"]);
  const rep = m.toReport().connections[0]!;
  assert.equal(rep.engineio, null);
  assert.equal(rep.socketio, 1);
  assert.deepEqual(rep.transports, ["websocket"]);
});

test("Socket.IO 0.9 xhr-polling: \\ufffd-framed batches, POST reply 1, 0:: ends the session", () => {
  const c = new Cap();
  c.http("GET", `${HOST}/socket.io/1/?t=1`, undefined, 200, "Abc:60:60:xhr-polling");
  c.http("GET", `${HOST}/socket.io/1/xhr-polling/Abc?t=2`, undefined, 200, '\ufffd3\ufffd1::\ufffd16\ufffd5:::{"name":"é"}');
  c.http("POST", `${HOST}/socket.io/1/xhr-polling/Abc?t=3`, "0::", 200, "1");
  const m = run(c);
  const s = m.sessions[0]!;
  assert.equal(s.transports[0]!.name, "polling");
  assert.equal(s.transports[0]!.variant, "xhr-polling");
  assert.deepEqual(s.namespaces.get("/")!.events.map((e) => e.name), ["é"]);
  assert.deepEqual([s.closeReason!.kind, s.closeReason!.by], ["close-packet", "client"]);
  assert.deepEqual(m.diagnostics, []);
});

/** A JSONP form POST as the hook records it: the body it sent, its reply unreadable (status 0). */
function formPost(c: Cap, url: string, d: string): void {
  const conn = c.http("POST", url, "d=" + encodeURIComponent(d), 0, undefined, { contentType: "application/x-www-form-urlencoded" });
  const reply = c.events.at(-1)!;
  assert.equal(reply.conn, conn);
  (reply as { bodyUnavailable?: string }).bodyUnavailable = "a form's reply, loaded in its iframe";
}

test("JSONP long-polling (EIO 4 and 0.9): form POSTs whose replies could not be read are answered, not errors", () => {
  const c = new Cap();
  c.http("GET", EIO4("&j=0"), undefined, 200, `___eio[0](${JSON.stringify(OPEN4)});`);
  formPost(c, EIO4_SID() + "&j=0", "40");
  c.http("GET", EIO4_SID() + "&j=0", undefined, 200, '___eio[0]("40{\\"sid\\":\\"wZX3oN0bSVIhsaknAAAI\\"}");');
  formPost(c, EIO4_SID() + "&j=0", '42["hi"]');
  c.http("GET", `${HOST}/socket.io/1/?t=1`, undefined, 200, "Abc:60:60:jsonp-polling");
  c.http("GET", `${HOST}/socket.io/1/jsonp-polling/Abc?t=2&i=0`, undefined, 200, 'io.j[0]("1::");');
  formPost(c, `${HOST}/socket.io/1/jsonp-polling/Abc?t=3&i=0`, JSON.stringify('5:::{"name":"é"}'));
  const m = run(c, false);
  assert.deepEqual(m.diagnostics, []);
  const [eio, sio09] = m.sessions;
  assert.equal(eio!.state, "open");
  assert.equal(eio!.namespaces.get("/")!.state, "connected");
  assert.deepEqual(eio!.namespaces.get("/")!.events.map((e) => e.name), ["hi"]);
  assert.equal(sio09!.state, "open");
  assert.deepEqual(sio09!.namespaces.get("/")!.events.map((e) => e.name), ["é"]);
  // a POST answered with an empty body that WAS read is still an error
  const bad = new Cap();
  bad.http("GET", EIO4(), undefined, 200, OPEN4);
  bad.http("POST", EIO4_SID(), "40", 200, "");
  assert.deepEqual(codes(run(bad, false)), ["http-error"]);
});

test("Socket.IO 0.9 unknown session: 7:::1+0 → sid-unknown", () => {
  const c = new Cap();
  c.http("GET", `${HOST}/socket.io/1/?t=1`, undefined, 200, "Abc:60:60:websocket");
  const w = c.ws("ws://localhost:3000/socket.io/1/websocket/Abc");
  c.in(w, "7:::1+0");
  const m = run(c);
  assert.deepEqual(codes(m), ["sid-unknown"]);
  assert.equal(m.sessions[0]!.closeReason!.kind, "sid-unknown");
});

test("msgpack parser: binary WebSocket frames decoded as msgpack packets (PROTOCOL.md 12.4 bytes)", () => {
  const c = new Cap();
  const w = c.ws(`ws://localhost:3000/socket.io/?EIO=4&transport=websocket`);
  c.in(w, '0{"sid":"abc","upgrades":[],"pingInterval":25000,"pingTimeout":20000}');
  c.out(w, new Uint8Array([0x83, 0xa4, 0x74, 0x79, 0x70, 0x65, 0x00, 0xa4, 0x64, 0x61, 0x74, 0x61, 0xd4, 0x00, 0x00, 0xa3, 0x6e, 0x73, 0x70, 0xa1, 0x2f]));
  c.in(w, new Uint8Array([0x83, 0xa4, 0x74, 0x79, 0x70, 0x65, 0x02, 0xa3, 0x6e, 0x73, 0x70, 0xa1, 0x2f, 0xa4, 0x64, 0x61, 0x74, 0x61, 0x92, 0xa5, 0x68, 0x65, 0x6c, 0x6c, 0x6f, 0xa3, 0x79, 0x6f, 0x75]));
  const m = run(c);
  const s = m.sessions[0]!;
  assert.equal(s.parser, "msgpack");
  assert.equal(s.namespaces.get("/")!.state, "connecting");
  assert.deepEqual(s.namespaces.get("/")!.events.map((e) => [e.dir, e.name, e.args]), [["in", "hello", ["you"]]]);
});

test("a page navigation closes the sessions of that frame", () => {
  const c = new Cap();
  handshake4(c);
  c.events.push({ v: CAPTURE_VERSION, ts: c.t + 5, conn: "p1", type: "page", url: "http://localhost:3000/" });
  const m = run(c);
  assert.equal(m.sessions[0]!.closeReason!.kind, "page");
});

test("change feed: one apply produces a small list of changes; unsubscribe stops it", () => {
  const c = new Cap();
  const w = c.ws(`ws://localhost:3000/socket.io/?EIO=4&transport=websocket`);
  c.in(w, '0{"sid":"abc","upgrades":[],"pingInterval":25000,"pingTimeout":20000}').out(w, "40").in(w, '40{"sid":"q"}').out(w, '421["x"]').in(w, "431[]");
  const m = new SessionModel();
  const batches: (readonly Change[])[] = [];
  const off = m.subscribe((ch) => batches.push(ch));
  m.applyAll(c.events);
  const kinds = batches.flat().map((x) => x.kind);
  assert.ok(kinds.includes("session-added"));
  assert.ok(kinds.includes("namespace"));
  assert.deepEqual(batches[batches.length - 2]!.filter((x) => x.kind === "event"), [{ kind: "event", session: "s1", nsp: "/", index: 0 }]);
  assert.deepEqual(batches[batches.length - 1], [{ kind: "ack", session: "s1", nsp: "/", index: 0 }]);
  off();
  const before = batches.length;
  m.apply({ v: CAPTURE_VERSION, ts: c.t + 1, conn: w, type: "ws-frame", dir: "in", data: { text: '42["more"]' } });
  assert.equal(batches.length, before);
});

test("hostile input never throws: random event shapes and garbage frames", () => {
  const m = new SessionModel();
  const junk: unknown[] = [
    { v: 1, ts: 1, conn: "a", type: "ws-open", url: "ws://x/socket.io/?EIO=4&transport=websocket" },
    { v: 1, ts: 2, conn: "a", type: "ws-frame", dir: "in", data: { base64: "!!!" } },
    { v: 1, ts: 3, conn: "a", type: "ws-frame", dir: "in", data: { text: "" } },
    { v: 1, ts: 4, conn: "b", type: "http-response", status: 200 },
    { v: 1, ts: 5, conn: "c", type: "http-request", method: "POST", url: "not a url" },
    { v: 1, ts: 6, conn: "d", type: "http-request", method: "GET", url: `${HOST}/socket.io/?EIO=4&transport=polling&sid=zzz` },
    { v: 1, ts: 7, conn: "d", type: "http-response", status: 200, body: { text: "4\x1e\x1e{" } },
    { v: 1, ts: 8, conn: "e", type: "nonsense" },
  ];
  for (const e of junk) m.apply(e as never);
  m.finish();
  assert.ok(m.diagnostics.some((d) => d.code === "undecodable-frame"));
  assert.doesNotThrow(() => JSON.stringify(m.toReport()));
});

/**
 * Two managers of one page on one endpoint: "main" (/ and /ticker) and "other" (/), whose sockets
 * drop together and reconnect. `mainClosesFirst` and `mainReconnectsFirst` set the orders.
 */
function twoManagers(mainClosesFirst: boolean, mainReconnectsFirst: boolean): (sid: string) => { reconnect: { prevSid: string | null; nextSid: string | null } } {
  const c = new Cap();
  const url = `ws://localhost:3000/socket.io/?EIO=4&transport=websocket`;
  const open = (sid: string) => `0{"sid":"${sid}","upgrades":[],"pingInterval":25000,"pingTimeout":20000}`;
  const joinMain = (w: string, sid: string, s: string[]) =>
    c.in(w, open(sid)).out(w, "40").in(w, `40{"sid":"${s[0]}"}`).out(w, "40/ticker,").in(w, `40/ticker,{"sid":"${s[1]}"}`);
  const joinOther = (w: string, sid: string, s: string) => c.in(w, open(sid)).out(w, "40").in(w, `40{"sid":"${s}"}`);
  const main = c.ws(url);
  joinMain(main, "main1", ["a", "b"]);
  const other = c.ws(url);
  joinOther(other, "other1", "c");
  if (mainClosesFirst) c.close(main, 1006).close(other, 1006, 2);
  else c.close(other, 1006).close(main, 1006, 2);
  c.wait(300);
  const reconnect = [() => joinMain(c.ws(url), "main2", ["d", "e"]), () => joinOther(c.ws(url), "other2", "f")];
  for (const f of mainReconnectsFirst ? reconnect : reconnect.reverse()) f();
  const m = run(c);
  return (sid) => m.toReport().connections.find((x) => x.sid === sid)!;
}

test("two managers of one page drop together: each reconnection is linked by the namespaces it joins again", () => {
  const bySid = twoManagers(true, true);
  assert.equal(bySid("main2").reconnect.prevSid, "main1");
  assert.equal(bySid("other2").reconnect.prevSid, "other1");
});

test("two managers drop together and the one with fewer namespaces handshakes first: the links are swapped when the other joins what only its own predecessor had", () => {
  // main's socket closes last, so the first reconnection (other's) is linked to it at first
  const bySid = twoManagers(false, false);
  assert.equal(bySid("main2").reconnect.prevSid, "main1");
  assert.equal(bySid("other2").reconnect.prevSid, "other1");
  assert.equal(bySid("main1").reconnect.nextSid, "main2");
  assert.equal(bySid("other1").reconnect.nextSid, "other2");
});

test("the page leaving its last namespace closes the session (client side); a later handshake is a new manager, not a reconnection", () => {
  const c = new Cap();
  const w = c.ws(`ws://localhost:3000/socket.io/?EIO=4&transport=websocket`);
  c.in(w, '0{"sid":"one","upgrades":[],"pingInterval":25000,"pingTimeout":20000}').out(w, "40/admin,").in(w, '40/admin,{"sid":"a"}').out(w, "41/admin,");
  c.wait(100);
  const w2 = c.ws(`ws://localhost:3000/socket.io/?EIO=4&transport=websocket`);
  c.in(w2, '0{"sid":"two","upgrades":[],"pingInterval":25000,"pingTimeout":20000}');
  const m = run(c);
  const [a, b] = m.sessions;
  assert.equal(b!.prev, null);
  assert.deepEqual([a!.closeReason!.kind, a!.closeReason!.by], ["transport-close", "client"]);
});

test("recovery: missed events replayed before the CONNECT reply still lose their offsets", () => {
  const c = new Cap();
  const w = c.ws(`ws://localhost:3000/socket.io/?EIO=4&transport=websocket`);
  c.in(w, '0{"sid":"two","upgrades":[],"pingInterval":25000,"pingTimeout":20000}').out(w, '40{"pid":"P","offset":"o1"}');
  c.in(w, '42["missed",1,"o2"]').in(w, '40{"sid":"a","pid":"P"}');
  const m = run(c);
  const ns = m.sessions[0]!.namespaces.get("/")!;
  assert.deepEqual(ns.events[0]!.args, [1]);
  assert.equal(ns.events[0]!.offset, "o2");
  assert.equal(ns.recovered, true);
});

test("a refused namespace stays refused when the page then disconnects it", () => {
  const c = new Cap();
  const w = c.ws(`ws://localhost:3000/socket.io/?EIO=4&transport=websocket`);
  c.in(w, '0{"sid":"abc","upgrades":[],"pingInterval":25000,"pingTimeout":20000}').out(w, "40/x,").in(w, '44/x,{"message":"no"}').out(w, "41/x,");
  const m = run(c);
  assert.equal(m.sessions[0]!.namespaces.get("/x")!.state, "refused");
});

test("a page URL that merely has a transport= parameter is not taken for a handshake", () => {
  const c = new Cap();
  c.http("GET", `${HOST}/?line=2&transport=polling`, undefined, 200, "<!doctype html><html></html>", { resContentType: "text/html" });
  const m = run(c);
  assert.equal(m.sessions.length, 0);
  assert.deepEqual(m.diagnostics, []);
  assert.deepEqual(m.failedHandshakes, []);
});

test("events flushed from the client's send buffer after a reconnect are flagged buffered until the server speaks", () => {
  const c = new Cap();
  handshake4(c);
  c.http("POST", EIO4_SID(), '42["b",1]', 200, "ok", { dt: 60 });
  c.http("POST", EIO4_SID(), '42["b",2]\x1e42["b",3]', 200, "ok");
  c.http("GET", EIO4_SID(), undefined, 200, '42["server"]');
  c.http("POST", EIO4_SID(), '42["later"]', 200, "ok");
  const m = run(c);
  const ev = m.sessions[0]!.namespaces.get("/")!.events;
  assert.deepEqual(ev.map((e) => [e.name, e.buffered]), [["b", true], ["b", true], ["b", true], ["server", false], ["later", false]]);
});

test("tick(): in live mode an open session whose server stopped pinging is reported once", () => {
  const c = new Cap();
  const w = c.ws(`ws://localhost:3000/socket.io/?EIO=4&transport=websocket`);
  c.in(w, '0{"sid":"abc","upgrades":[],"pingInterval":1000,"pingTimeout":500}').in(w, "2", 1000).out(w, "3");
  const m = new SessionModel();
  m.applyAll(c.events);
  m.tick(c.t + 2000);
  assert.deepEqual(codes(m), []);
  m.tick(c.t + 3000);
  m.tick(c.t + 4000);
  assert.deepEqual(codes(m), ["heartbeat-missed"]);
  assert.match(m.diagnostics[0]!.message, /no ping from the server/);
});

test("another Engine.IO error or HTTP status on a poll → http-error, session closed", () => {
  const c = new Cap();
  handshake4(c);
  c.http("GET", EIO4_SID(), undefined, 400, '{"code":3,"message":"Bad request"}', { resContentType: "application/json" });
  const m = run(c);
  assert.deepEqual(codes(m), ["http-error"]);
  assert.equal(m.sessions[0]!.closeReason!.kind, "http-error");
  const c2 = new Cap();
  handshake4(c2);
  c2.http("GET", EIO4_SID(), undefined, 502, "Bad Gateway");
  const m2 = run(c2);
  assert.deepEqual(codes(m2), ["http-error"]);
});

test("a poll that fails (network) closes a polling session: transport close", () => {
  const c = new Cap();
  handshake4(c);
  const g = c.request("GET", EIO4_SID());
  c.wait(10).fail(g, "network");
  const m = run(c);
  assert.equal(m.sessions[0]!.closeReason!.kind, "transport-close");
  assert.equal(m.sessions[0]!.namespaces.get("/")!.state, "disconnected");
});

test("EIO3 XHR2 binary polling body (PROTOCOL.md 12.2 bytes) → binary event", () => {
  const c = new Cap();
  c.http("GET", `${HOST}/socket.io/?EIO=3&transport=polling&t=1`, undefined, 200, '96:0{"sid":"lv_VI97HAXpY6yYWAAAC","upgrades":["websocket"],"pingInterval":25000,"pingTimeout":5000}2:40');
  const hdr = new TextEncoder().encode('451-["a",{"_placeholder":true,"num":0}]');
  const body = new Uint8Array([0x00, 0x03, 0x09, 0xff, ...hdr, 0x01, 0x04, 0xff, 0x04, 0x01, 0x02, 0x03]);
  c.http("GET", `${HOST}/socket.io/?EIO=3&transport=polling&t=2&sid=${SID}`, undefined, 200, body, { resContentType: "application/octet-stream" });
  const m = run(c);
  const ev = m.sessions[0]!.namespaces.get("/")!.events;
  assert.deepEqual(ev.map((e) => [e.name, e.args]), [["a", [new Uint8Array([1, 2, 3])]]]);
  assert.deepEqual(m.diagnostics, []);
});

test("WebTransport: the client's open packet, the server's open, a message (PROTOCOL.md 12.3 framing)", () => {
  const c = new Cap();
  c.events.push({ v: CAPTURE_VERSION, ts: c.t, conn: "t1", type: "wt-open", url: "https://localhost:3000/socket.io/?EIO=4&transport=webtransport" });
  const chunk = (dir: "in" | "out", bytes: number[]) => c.events.push({ v: CAPTURE_VERSION, ts: ++c.t, conn: "t1", type: "wt-chunk", dir, stream: 0, data: { base64: Buffer.from(bytes).toString("base64") } });
  chunk("out", [0x01, 0x30]);
  const open = [...new TextEncoder().encode('0{"sid":"wt1","upgrades":[],"pingInterval":25000,"pingTimeout":20000}')];
  chunk("in", [open.length, ...open]);
  chunk("out", [0x03, 0x34, 0x34, 0x30]); // "40"
  const reply = [...new TextEncoder().encode('40{"sid":"x"}')];
  chunk("in", [reply.length, ...reply]);
  const m = run(c);
  const s = m.sessions[0]!;
  assert.equal(s.sid, "wt1");
  assert.deepEqual(s.transports.map((t) => t.name), ["webtransport"]);
  assert.equal(s.namespaces.get("/")!.socketId, "x");
});

test("maxEventsPerNamespace: only the newest event records are kept, counted, with absolute indexes; a pending ack still pairs", () => {
  const build = () => {
    const c = new Cap();
    const w = c.ws(`ws://localhost:3000/socket.io/?EIO=4&transport=websocket`);
    c.in(w, '0{"sid":"abc","upgrades":[],"pingInterval":25000,"pingTimeout":20000}');
    c.out(w, "40").in(w, '40{"sid":"q"}');
    c.out(w, '421["first"]', 5);
    for (let i = 0; i < 20; i++) c.in(w, `42["n",${i}]`, 1);
    c.in(w, '431["late"]', 3);
    return c;
  };
  const m = new SessionModel({ maxEventsPerNamespace: 8 });
  m.applyAll(build().events);
  m.finish();
  const ns = m.sessions[0]!.namespaces.get("/")!;
  // 21 events; past 8 the oldest 2 (a quarter of 8) go at once: held 9 → 7, then up again
  assert.ok(ns.events.length <= 8, `held ${ns.events.length}`);
  assert.equal(ns.events.length + ns.eventsDropped, 21);
  assert.deepEqual(ns.events.map((e) => e.index), Array.from({ length: ns.events.length }, (_, i) => ns.eventsDropped + i));
  assert.deepEqual(ns.events[ns.events.length - 1]!.args, [19], "the newest event is kept");
  assert.ok(!ns.events.some((e) => e.name === "first"), "the oldest event is gone");
  assert.ok(!m.diagnostics.some((d) => d.code === "ack-unknown" || d.code === "ack-unanswered"), "the late ack still found its (dropped) event");
  const r = m.toReport().connections[0]!.namespaces[0]!;
  assert.equal(r.eventsDropped, ns.eventsDropped);
  assert.equal(r.events.length, ns.events.length);
  // no cap by default (the CLI): every event, and no eventsDropped in the report
  const all = run(build());
  const nsAll = all.sessions[0]!.namespaces.get("/")!;
  assert.equal(nsAll.events.length, 21);
  assert.equal(nsAll.eventsDropped, 0);
  assert.equal(nsAll.events[0]!.ack!.latencyMs, 23);
  assert.equal("eventsDropped" in all.toReport().connections[0]!.namespaces[0]!, false);
});
