// What the extension tests expect, written from the scenarios in test-server/page/scenarios.ts
// and the wire formats of PROTOCOL.md — never from the code under test. Shared by the Chromium
// and Firefox tests so both browsers are held to the same facts.
import assert from "node:assert/strict";
import type { CaptureData, CaptureEvent } from "../../protocol/capture.ts";

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

/** A body as text; binary (an EIO3 XHR2 payload carries text packets as UTF-8) decoded leniently. */
function text(d: CaptureData): string {
  return "text" in d ? d.text : Buffer.from(d.base64, "base64").toString("utf8");
}

/** Text of every WebSocket frame and HTTP body, in capture order. */
export function frames(events: readonly CaptureEvent[]): Frame[] {
  const out: Frame[] = [];
  for (const e of events) {
    if (e.type === "ws-frame") out.push({ dir: e.dir, text: text(e.data), conn: e.conn, kind: "ws" });
    if (e.type === "http-request" && e.body) out.push({ dir: "out", text: text(e.body), conn: e.conn, kind: "http" });
    if (e.type === "http-response" && e.body) out.push({ dir: "in", text: text(e.body), conn: e.conn, kind: "http" });
  }
  return out;
}

function indexOf(fs: Frame[], dir: "out" | "in", test: (t: string) => boolean, from = 0): number {
  for (let i = from; i < fs.length; i++) if (fs[i]!.dir === dir && test(fs[i]!.text)) return i;
  return -1;
}

const ACK_ARGS = '[1,"ü",{"x":"🎉"}]';

/**
 * Facts of the `events` and `acks` scenarios (plus the upgrade for 1.x–4.x) as they must appear
 * in a capture of the given line, in order.
 */
export function assertScenarioTraffic(line: string, events: readonly CaptureEvent[]): void {
  const at = (what: string) => `line ${line}: ${what}`;
  // A polling body may carry several packets: look for each packet inside the frame text.
  const fs = frames(events);
  if (line === "0.9") {
    const hs = events.find((e) => e.type === "http-request" && /\/socket\.io\/1\/\?/.test(e.url));
    assert.ok(hs, "the 0.9 handshake request /socket.io/1/ is captured");
    const echo = '5:::{"name":"echo","args":[{"id":7';
    const echoOut = indexOf(fs, "out", (t) => t.includes(echo));
    const echoIn = indexOf(fs, "in", (t) => t.includes(echo), echoOut + 1);
    assert.ok(echoOut >= 0 && echoIn > echoOut, at("echo sent, then echoed back"));
    const ackRe = /5:(\d+)\+::\{"name":"ack-me","args":\[1,"ü",\{"x":"🎉"\}\]\}/;
    const ackOut = indexOf(fs, "out", (t) => ackRe.test(t));
    assert.ok(ackOut >= 0, at("ack-me sent with an ack id (id+)"));
    const id = ackRe.exec(fs[ackOut]!.text)![1];
    const ackIn = indexOf(fs, "in", (t) => t.includes(`6:::${id}+${ACK_ARGS}`), ackOut + 1);
    assert.ok(ackIn > ackOut, at(`the server's ack 6:::${id}+ follows ack-me`));
    return;
  }
  const rev = line === "3" || line === "4" ? 4 : 3;
  const open = events.find((e) => e.type === "http-request" && e.url.includes(`EIO=${rev}&transport=polling`));
  assert.ok(open, at(`an EIO=${rev} polling handshake is captured`));
  const ws = events.find((e) => e.type === "ws-open" && e.url.includes(`EIO=${rev}&transport=websocket&sid=`));
  assert.ok(ws, at("the WebSocket upgrade is captured"));
  const wsf = fs.filter((f) => f.kind === "ws" && f.conn === ws.conn);
  const probe = indexOf(wsf, "out", (t) => t === "2probe");
  assert.ok(probe >= 0 && indexOf(wsf, "in", (t) => t === "3probe", probe) > probe, at("probe and its answer on the WebSocket"));
  assert.ok(indexOf(wsf, "out", (t) => t === "5", probe) > probe, at("upgrade packet after the probe"));
  const echo = '42["echo",{"id":7';
  const echoOut = indexOf(fs, "out", (t) => t.includes(echo));
  const echoIn = indexOf(fs, "in", (t) => t.includes(echo), echoOut + 1);
  assert.ok(echoOut >= 0 && echoIn > echoOut, at("echo sent, then echoed back"));
  const ackRe = /42(\d+)\["ack-me",1,"ü",\{"x":"🎉"\}\]/;
  const ackOut = indexOf(fs, "out", (t) => ackRe.test(t));
  assert.ok(ackOut >= 0, at("ack-me sent with an ack id"));
  const id = ackRe.exec(fs[ackOut]!.text)![1];
  assert.ok(indexOf(fs, "in", (t) => t.includes(`43${id}${ACK_ARGS}`), ackOut + 1) > ackOut, at(`the server's ack 43${id} follows ack-me`));
}
