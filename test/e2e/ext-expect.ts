// What the extension tests expect, written from the scenarios in test-server/page/scenarios.ts
// and the wire formats of PROTOCOL.md — never from the code under test. Shared by the Chromium
// and Firefox tests so both browsers are held to the same facts.
import assert from "node:assert/strict";
import type { CaptureEvent } from "../../protocol/capture.ts";

export const RECORDER = `(() => {
  // Ground truth: every batch the hook hands to the content script, seen from the page.
  const rec = [];
  Object.defineProperty(window, "__rec", { value: rec, enumerable: false });
  window.addEventListener("__socket_scope_capture__", (e) => {
    try { rec.push(...JSON.parse(e.detail)); } catch {}
  });
})();`;

/** An event minus what the relay and the router add (frame attribution). */
export function strip(e: CaptureEvent): unknown {
  const { frameId: _f, frameUrl: _u, ...rest } = e as CaptureEvent & { frameId?: number; frameUrl?: string };
  return rest;
}

export interface Frame {
  dir: "out" | "in";
  text: string;
  conn: string;
  kind: "ws" | "http";
}

/** Text of every WebSocket frame and HTTP body, in capture order. */
export function frames(events: readonly CaptureEvent[]): Frame[] {
  const out: Frame[] = [];
  for (const e of events) {
    if (e.type === "ws-frame" && "text" in e.data) out.push({ dir: e.dir, text: e.data.text, conn: e.conn, kind: "ws" });
    if (e.type === "http-request" && e.body && "text" in e.body) out.push({ dir: "out", text: e.body.text, conn: e.conn, kind: "http" });
    if (e.type === "http-response" && e.body && "text" in e.body) out.push({ dir: "in", text: e.body.text, conn: e.conn, kind: "http" });
  }
  return out;
}

function indexOf(fs: Frame[], dir: "out" | "in", test: (t: string) => boolean, from = 0): number {
  for (let i = from; i < fs.length; i++) if (fs[i]!.dir === dir && test(fs[i]!.text)) return i;
  return -1;
}

/** The packets of an Engine.IO 3/4 polling body or WebSocket frame (text only). */
function eioPackets(f: Frame, rev: 3 | 4): string[] {
  if (f.kind === "ws") return [f.text];
  if (rev === 4) return f.text.split("\x1e");
  const out: string[] = [];
  let s = f.text;
  while (s.length) {
    const m = /^(\d+):/.exec(s);
    if (!m) return [f.text];
    const n = Number(m[1]);
    out.push(s.slice(m[0].length, m[0].length + n));
    s = s.slice(m[0].length + n);
  }
  return out;
}

/** Flattens frames into Engine.IO packets (keeps direction and order). */
export function packets(events: readonly CaptureEvent[], rev: 3 | 4): Frame[] {
  return frames(events).flatMap((f) => eioPackets(f, rev).map((text) => ({ ...f, text })));
}

const ACK_ARGS = '[1,"ü",{"x":"🎉"}]';

/**
 * Facts of the `events` and `acks` scenarios (plus the upgrade for 1.x–4.x) as they must appear
 * in a capture of the given line, in order.
 */
export function assertScenarioTraffic(line: string, events: readonly CaptureEvent[]): void {
  if (line === "0.9") {
    const fs = frames(events);
    const hs = events.find((e) => e.type === "http-request" && /\/socket\.io\/1\/\?/.test(e.url));
    assert.ok(hs, "the 0.9 handshake request /socket.io/1/ is captured");
    const echoOut = indexOf(fs, "out", (t) => t.startsWith('5:::{"name":"echo","args":[{"id":7'));
    const echoIn = indexOf(fs, "in", (t) => t.startsWith('5:::{"name":"echo","args":[{"id":7'), echoOut + 1);
    assert.ok(echoOut >= 0 && echoIn > echoOut, "echo sent, then echoed back");
    const ackOut = indexOf(fs, "out", (t) => /^5:\d+\+::\{"name":"ack-me","args":\[1,"ü",\{"x":"🎉"\}\]\}$/.test(t));
    assert.ok(ackOut >= 0, "ack-me sent with an ack id (id+)");
    const id = /^5:(\d+)\+/.exec(fs[ackOut]!.text)![1];
    const ackIn = indexOf(fs, "in", (t) => t === `6:::${id}+${ACK_ARGS}`, ackOut + 1);
    assert.ok(ackIn > ackOut, `the server's ack 6:::${id}+ follows ack-me`);
    return;
  }
  const rev = line === "3" || line === "4" ? 4 : 3;
  const open = events.find((e) => e.type === "http-request" && e.url.includes(`EIO=${rev}&transport=polling`));
  assert.ok(open, `an EIO=${rev} polling handshake is captured`);
  const ws = events.find((e) => e.type === "ws-open" && e.url.includes(`EIO=${rev}&transport=websocket&sid=`));
  assert.ok(ws, "the WebSocket upgrade is captured");
  const ps = packets(events, rev as 3 | 4);
  const probe = indexOf(ps, "out", (t) => t === "2probe");
  assert.ok(probe >= 0 && indexOf(ps, "in", (t) => t === "3probe", probe) > probe, "probe and its answer");
  assert.ok(indexOf(ps, "out", (t) => t === "5", probe) > probe, "upgrade packet after the probe");
  const echoOut = indexOf(ps, "out", (t) => t.startsWith('42["echo",{"id":7'));
  const echoIn = indexOf(ps, "in", (t) => t.startsWith('42["echo",{"id":7'), echoOut + 1);
  assert.ok(echoOut >= 0 && echoIn > echoOut, "echo sent, then echoed back");
  const ackOut = indexOf(ps, "out", (t) => new RegExp(`^42\\d+\\["ack-me",1,"ü",\\{"x":"🎉"\\}\\]$`).test(t));
  assert.ok(ackOut >= 0, "ack-me sent with an ack id");
  const id = /^42(\d+)/.exec(ps[ackOut]!.text)![1];
  assert.ok(indexOf(ps, "in", (t) => t === `43${id}${ACK_ARGS}`, ackOut + 1) > ackOut, `the server's ack 43${id} follows ack-me`);
}
