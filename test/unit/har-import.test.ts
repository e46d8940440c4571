// HAR import: Chrome's export (with _webSocketMessages, base64 bodies, postData), Firefox-like
// files without WebSocket messages, and malformed / truncated / foreign files.
import { test } from "node:test";
import assert from "node:assert/strict";
import { importHar, type HarImport } from "../../protocol/har/index.ts";
import { SessionModel } from "../../protocol/session/index.ts";
import { chromeHar, entry, SID, T0 } from "../fixtures/har-builder.ts";

function ok(r: ReturnType<typeof importHar>): HarImport {
  if ("error" in r) assert.fail(`unexpected error: ${r.error}`);
  return r;
}

test("Chrome HAR → capture events in time order: requests, responses, WebSocket open and frames (text and base64)", () => {
  const r = ok(importHar(JSON.stringify(chromeHar())));
  assert.equal(r.creator, "WebInspector 537.36");
  assert.equal(r.entries, 5);
  const types = r.events.map((e) => e.type);
  assert.equal(types.filter((t) => t === "ws-frame").length, 7);
  for (let i = 1; i < r.events.length; i++) assert.ok(r.events[i]!.ts >= r.events[i - 1]!.ts, "sorted by time");
  const post = r.events.find((e) => e.type === "http-request" && e.method === "POST");
  assert.deepEqual(post && post.type === "http-request" ? post.body : null, { text: "40" });
  const bin = r.events.find((e) => e.type === "ws-frame" && "base64" in e.data);
  assert.deepEqual(bin && bin.type === "ws-frame" ? [bin.dir, bin.data, bin.ts] : null, ["out", { base64: "AQID" }, T0 + 80.5]);
  const b64resp = r.events.filter((e) => e.type === "http-response")[3];
  assert.deepEqual(b64resp && b64resp.type === "http-response" ? b64resp.body : null, { base64: "Ng==" });
  assert.equal(r.events[0]!.frameUrl, "page_1");
});

test("Chrome HAR → session model: upgrade, binary event, ack latency from fractional WebSocket times", () => {
  const r = ok(importHar(chromeHar()));
  const m = new SessionModel();
  m.applyAll(r.events);
  m.finish();
  const rep = m.toReport();
  assert.equal(rep.connections.length, 1);
  const c = rep.connections[0]!;
  assert.equal(c.sid, SID);
  assert.deepEqual(c.transports, ["polling", "websocket"]);
  assert.equal(c.upgraded, true);
  const ev = c.namespaces[0]!.events;
  assert.deepEqual(ev[0]!.args, [{ $binary: "AQID" }]);
  assert.equal(ev[1]!.ackId, 1);
  assert.deepEqual(ev[1]!.ack, { args: ["a"], latencyMs: 1.25 });
  assert.deepEqual(rep.diagnostics, []);
});

test("Firefox-like HAR: WebSocket entry without messages (counted), polling only", () => {
  const har = chromeHar() as { log: { entries: Record<string, unknown>[]; creator: unknown } };
  har.log.creator = { name: "Firefox", version: "128.0" };
  delete har.log.entries[4]!._webSocketMessages;
  delete har.log.entries[4]!._resourceType;
  const r = ok(importHar(har));
  assert.equal(r.websocketsWithoutMessages, 1);
  assert.equal(r.events.filter((e) => e.type === "ws-frame").length, 0);
  const ws = r.events.find((e) => e.type === "ws-open");
  assert.equal(ws && ws.type === "ws-open" && ws.framesUnavailable, true);
  const m = new SessionModel();
  m.applyAll(r.events);
  m.finish();
  const s = m.sessions[0]!;
  assert.equal(s.namespaces.get("/")!.state, "connected");
  // no frames is not a failed probe: the noop that released the poll shows the upgrade went on
  assert.deepEqual(m.diagnostics, []);
  assert.equal(s.upgraded, true);
  assert.equal(s.transports[1]!.framesVisible, false);
  assert.deepEqual(m.toReport().connections[0]!.transports, ["polling", "websocket"]);
});

test("failed requests (status 0) become http-error; lossy binary postData is marked unavailable; base64 postData honoured", () => {
  const har = {
    log: {
      entries: [
        { ...(entry(0, 5, "GET", "http://h/socket.io/?EIO=3&transport=polling&sid=x", 0, null) as object), _error: "net::ERR_ABORTED" },
        entry(1, 1, "POST", "http://h/socket.io/?EIO=3&transport=polling&sid=x", 200, { text: "ok" }, { text: "\u0001\ufffd\ufffd", mimeType: "application/octet-stream" }),
        entry(2, 1, "POST", "http://h/socket.io/?EIO=3&transport=polling&sid=x", 200, { text: "ok" }, { text: "AAT/NOKCrA==", mimeType: "application/octet-stream", encoding: "base64" }),
      ],
    },
  };
  const r = ok(importHar(har));
  const err = r.events.find((e) => e.type === "http-error");
  assert.deepEqual(err && err.type === "http-error" ? [err.reason, err.ts] : null, ["abort", T0 + 5]);
  const posts = r.events.filter((e) => e.type === "http-request");
  assert.equal(posts[1]!.type === "http-request" && posts[1]!.bodyUnavailable, "binary request body was exported as lossy text");
  assert.deepEqual(posts[2]!.type === "http-request" && posts[2]!.body, { base64: "AAT/NOKCrA==" });
});

test("malformed, truncated, foreign and binary files: one-line errors, never a throw", () => {
  const good = JSON.stringify(chromeHar());
  const cases: [unknown, RegExp][] = [
    ["", /^empty file/],
    ["   \n", /^empty file/],
    [good.slice(0, good.length / 2), /^truncated HAR/],
    ["{\"log\": {\"entries\": [}", /^not valid JSON( at line 1, column \d+)?: Unexpected token/],
    ['{"name":"pkg","version":"1.0.0"}', /^not a HAR file: no "log" object at the top level \(found: name, version\)/],
    ['{"log":{"entries":{}}}', /^not a HAR file: "log.entries" is missing or not an array/],
    ['{"log":{"entries":[{"foo":1},{"request":{}}]}}', /^not a usable HAR file: none of its 2 entries could be read/],
    ["\u0089PNG\r\n\u001a\n\u0000\u0000\u0000\rIHDR\u0000\u0000", /^not a HAR file: the file is binary/],
    ["hello world", /^not a HAR file: expected a JSON object/],
    ["42", /^not a HAR file: expected a JSON object/],
    [[1, 2, 3], /^not a HAR file: a JSON array, but not of capture events/],
    [null, /^not a HAR file: the JSON is not an object/],
  ];
  for (const [input, re] of cases) {
    const r = importHar(input);
    assert.ok("error" in r, `expected an error for ${JSON.stringify(input)?.slice(0, 40)}`);
    assert.match(r.error, re);
    assert.ok(!r.error.includes("\n"), "one line");
  }
});

test("entries with problems are skipped with a warning while the rest is read", () => {
  const har = chromeHar() as { log: { entries: unknown[] } };
  har.log.entries.push({ request: { url: "http://x/" }, startedDateTime: "yesterday" }, 7);
  const r = ok(importHar(har));
  assert.deepEqual(r.warnings, ["entry 5: startedDateTime missing or invalid", "entry 6: not an object"]);
});

test("a JSON array of capture events is accepted as is", () => {
  const r = ok(importHar(JSON.stringify([{ v: 1, ts: 1, conn: "a", type: "ws-open", url: "ws://x/socket.io/?EIO=4&transport=websocket" }])));
  assert.equal(r.events.length, 1);
});

test("same-millisecond HAR times: a request carrying the new sid is put after the handshake reply that announces it", () => {
  const base = "http://localhost:3000/socket.io/?EIO=4&transport=polling";
  // handshake sent at 0 and answered at 5.6; the POST with the sid started at 5.9 but HAR writes 5
  const har = {
    log: {
      entries: [
        entry(0, 5.6, "GET", `${base}&t=a`, 200, { text: `0{"sid":"${SID}","upgrades":[],"pingInterval":25000,"pingTimeout":20000}` }),
        entry(5, 0.2, "POST", `${base}&t=b&sid=${SID}`, 200, { text: "ok" }, { text: "40", mimeType: "text/plain" }),
      ],
    },
  };
  const r = ok(importHar(har));
  assert.deepEqual(r.events.map((e) => e.type), ["http-request", "http-response", "http-request", "http-response"]);
  assert.equal(r.events[2]!.conn, "h1");
  const m = new SessionModel();
  m.applyAll(r.events);
  assert.equal(m.sessions.length, 1);
  assert.equal(m.sessions[0]!.partial, false);
  assert.equal(m.sessions[0]!.namespaces.get("/")!.state, "connecting");
});

test("same-millisecond HAR times, Socket.IO 0.9: the WebSocket /1/websocket/<sid> follows the handshake reply", () => {
  // the 0.9 client opens its WebSocket synchronously in the handshake's load handler: the
  // reply ends at 5.6, the socket is written as starting at 5 (startedDateTime has ms resolution)
  const har = {
    log: {
      entries: [
        entry(0, 5.6, "GET", "http://127.0.0.1:3009/socket.io/1/?t=1700000000000", 200, { text: "AbC123:60:60:websocket,xhr-polling" }),
        {
          startedDateTime: new Date(T0 + 5).toISOString(),
          time: 1,
          _resourceType: "websocket",
          request: { method: "GET", url: "ws://127.0.0.1:3009/socket.io/1/websocket/AbC123", headers: [] },
          response: { status: 101, headers: [], content: { size: 0, mimeType: "x-unknown" } },
          _webSocketMessages: [
            { type: "receive", time: T0 / 1000 + 0.0062, opcode: 1, data: "1::" },
            { type: "send", time: T0 / 1000 + 0.0063, opcode: 1, data: "1::/chat" },
          ],
        },
      ],
    },
  };
  const r = ok(importHar(har));
  assert.deepEqual(r.events.map((e) => e.type), ["http-request", "http-response", "ws-open", "ws-opened", "ws-frame", "ws-frame"]);
  const m = new SessionModel();
  m.applyAll(r.events);
  assert.equal(m.sessions.length, 1);
  assert.equal(m.sessions[0]!.partial, false, "the handshake is this session's");
  assert.equal(m.sessions[0]!.pingTimeout, 60000, "heartbeat timeout from the handshake");
});

test("same-millisecond HAR times: the page's answer posted right after a poll returned the question still pairs with it", () => {
  // The live-sio2-polling recording that once failed: the poll ends at 40.7 with 2["server-asks"];
  // the page posts its answer at 40.9, which HAR writes as 40 (startedDateTime has ms resolution).
  const base = "http://localhost:3000/socket.io/?EIO=3&transport=polling";
  const frame = (p: string) => `${p.length}:${p}`; // EIO3 payload framing (all ASCII here)
  const open3 = frame(`0{"sid":"${SID}","upgrades":[],"pingInterval":25000,"pingTimeout":20000}`) + frame("40");
  const har = {
    log: {
      entries: [
        entry(0, 5, "GET", `${base}&t=a`, 200, { text: open3 }),
        entry(10, 30.7, "GET", `${base}&t=b&sid=${SID}`, 200, { text: frame('425["server-asks"]') }),
        entry(40, 0.5, "POST", `${base}&t=c&sid=${SID}`, 200, { text: "ok" }, { text: frame('435["x"]'), mimeType: "text/plain" }),
      ],
    },
  };
  const r = ok(importHar(har));
  assert.ok(r.events.findIndex((e) => e.type === "http-request" && e.method === "POST") < r.events.findIndex((e) => e.type === "http-response" && e.conn === "h1"), "the file's times do put the answer first");
  const m = new SessionModel();
  m.applyAll(r.events);
  m.finish();
  const asks = m.sessions[0]!.namespaces.get("/")!.events;
  assert.deepEqual(asks.map((e) => [e.dir, e.name, e.ack?.args, e.ack?.latencyMs]), [["in", "server-asks", ["x"], 0]]);
  assert.ok(!m.diagnostics.some((d) => d.code === "ack-unknown" || d.code === "ack-unanswered"), JSON.stringify(m.diagnostics));
});

test("same-millisecond HAR times: the page's pong posted right after the poll carrying the ping returned still answers it", () => {
  // EIO4 polling: the server pings in a poll's response (ends at 40.7), the client pongs with a
  // POST started at 40.9, which HAR writes as 40; the next ping 25 s later would otherwise find
  // the first one unanswered for longer than pingTimeout
  const base = "http://localhost:3000/socket.io/?EIO=4&transport=polling";
  const open4 = `0{"sid":"${SID}","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}`;
  const har = {
    log: {
      entries: [
        entry(0, 5, "GET", `${base}&t=a`, 200, { text: open4 }),
        entry(10, 30.7, "GET", `${base}&t=b&sid=${SID}`, 200, { text: "2" }),
        entry(40, 0.5, "POST", `${base}&t=c&sid=${SID}`, 200, { text: "ok" }, { text: "3", mimeType: "text/plain" }),
        entry(41, 25000.2, "GET", `${base}&t=d&sid=${SID}`, 200, { text: "2" }),
        entry(25041, 0.5, "POST", `${base}&t=e&sid=${SID}`, 200, { text: "ok" }, { text: "3", mimeType: "text/plain" }),
      ],
    },
  };
  const r = ok(importHar(har));
  const m = new SessionModel();
  m.applyAll(r.events);
  m.finish();
  const s = m.sessions[0]!;
  assert.deepEqual(s.heartbeats.map((h) => [h.dir, h.rttMs]), [["in", 0], ["in", 0]]);
  assert.equal(s.heartbeat.missed, 0);
  assert.ok(!m.diagnostics.some((d) => d.code === "heartbeat-missed"), JSON.stringify(m.diagnostics));
});

test("Socket.IO 0.9 model: a handshake reply applied after its WebSocket opened still completes the session", () => {
  const m = new SessionModel();
  m.apply({ v: 1, ts: 5, conn: "w", type: "ws-open", url: "ws://127.0.0.1:3009/socket.io/1/websocket/AbC123" });
  assert.equal(m.sessions[0]!.partial, true);
  m.apply({ v: 1, ts: 0, conn: "h", type: "http-request", method: "GET", url: "http://127.0.0.1:3009/socket.io/1/?t=1" });
  m.apply({ v: 1, ts: 5, conn: "h", type: "http-response", status: 200, body: { text: "AbC123:60:60:websocket" } });
  assert.equal(m.sessions.length, 1);
  assert.equal(m.sessions[0]!.partial, false);
  assert.equal(m.sessions[0]!.startedAt, 0);
});

test("a request without status nor error (a long poll pending at export) yields no response and closes nothing", () => {
  const base = "http://localhost:3000/socket.io/?EIO=4&transport=polling";
  const har = {
    log: {
      entries: [
        entry(0, 5, "GET", `${base}&t=a`, 200, { text: `0{"sid":"${SID}","upgrades":[],"pingInterval":25000,"pingTimeout":20000}` }),
        entry(10, 3, "POST", `${base}&t=b&sid=${SID}`, 200, { text: "ok" }, { text: "40", mimeType: "text/plain" }),
        entry(11, 3, "GET", `${base}&t=c&sid=${SID}`, 200, { text: '40{"sid":"x"}' }),
        entry(15, -1, "GET", `${base}&t=d&sid=${SID}`, 0, null),
      ],
    },
  };
  const r = ok(importHar(har));
  assert.equal(r.events.filter((e) => e.type === "http-error").length, 0);
  const m = new SessionModel();
  m.applyAll(r.events);
  m.finish();
  assert.equal(m.sessions[0]!.state, "open");
  assert.equal(m.sessions[0]!.namespaces.get("/")!.state, "connected");
});

test("Chrome HAR: _resourceType names the API of each polling request (a JSONP POST is a form's document); anything else names none", () => {
  const url = `http://localhost:3000/socket.io/?EIO=3&transport=polling&sid=${SID}`;
  const typed = (type: string | undefined, method: string) => ({ ...(entry(0, 1, method, url, 200, { text: "ok" }, method === "POST" ? { text: "d=1", mimeType: "application/x-www-form-urlencoded" } : undefined) as object), ...(type ? { _resourceType: type } : {}) });
  const cases: Array<[string | undefined, string, string | undefined]> = [
    ["xhr", "GET", "xhr"], ["fetch", "POST", "fetch"], ["script", "GET", "script"], ["document", "POST", "form"],
    ["document", "GET", undefined], ["ping", "POST", undefined], [undefined, "GET", undefined], ["XHR", "GET", undefined],
  ];
  const r = ok(importHar(JSON.stringify({ log: { version: "1.2", creator: { name: "WebInspector", version: "537.36" }, entries: cases.map(([t, m]) => typed(t, m)) } })));
  const apis = r.events.filter((e) => e.type === "http-request").map((e) => (e.type === "http-request" ? e.api : null));
  assert.deepEqual(apis, cases.map((c) => c[2]));
});
