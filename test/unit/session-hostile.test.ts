// The session model sits behind a trust boundary (events from a page's hook, or a HAR from
// anywhere): malformed capture events become diagnostics, never exceptions.
import { test } from "node:test";
import assert from "node:assert/strict";
import { SessionModel } from "../../protocol/session/index.ts";
import type { CaptureEvent } from "../../protocol/capture.ts";

const base = { v: 1 as const, ts: 1000, conn: "c1" };
const hostile = (x: unknown) => x as CaptureEvent;

test("non-objects and typeless events are reported as malformed", () => {
  const m = new SessionModel();
  for (const ev of [null, undefined, 42, "ws-frame", { ts: 5 }, { type: 7 }]) {
    assert.doesNotThrow(() => m.apply(hostile(ev)));
  }
  assert.equal(m.diagnostics.length, 6);
  for (const d of m.diagnostics) {
    assert.equal(d.code, "undecodable-frame");
    assert.equal(d.severity, "error");
    assert.match(d.message, /^malformed capture event/);
  }
});

test("a WebSocket frame whose data is missing or not CaptureData is reported, and the socket goes on", () => {
  const m = new SessionModel();
  m.apply({ ...base, type: "ws-open", url: "ws://127.0.0.1:1/socket.io/?EIO=4&transport=websocket" });
  for (const data of [null, undefined, { text: 5 }, { base64: null }, {}]) {
    assert.doesNotThrow(() => m.apply(hostile({ ...base, type: "ws-frame", dir: "in", data })));
  }
  assert.deepEqual(m.diagnostics.map((d) => d.message), Array(5).fill("frame data is missing or malformed"));
  // a corrupt base64 body is named as such
  m.apply({ ...base, type: "ws-frame", dir: "in", data: { base64: "@@@@" } });
  assert.equal(m.diagnostics.at(-1)!.message, "frame data is not valid base64");
  // and the same socket still decodes a good open packet afterwards
  m.apply({ ...base, type: "ws-frame", dir: "in", data: { text: '0{"sid":"abc","upgrades":[],"pingInterval":25000,"pingTimeout":20000}' } });
  assert.equal(m.sessions.length, 1);
  assert.equal(m.sessions[0]!.sid, "abc");
});
