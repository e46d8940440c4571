// Session reconstruction throughput: SessionModel.apply over a capture (an EIO4 WebSocket
// session with events, acks, binary attachments and heartbeats, plus an EIO3 polling session),
// against decoding the same frames alone (capture data → Engine.IO → Socket.IO, no model).
// Both sides run in this process, interleaved (harness.ts), so the ratio is what counts.
import { CAPTURE_VERSION, bytesToBase64, dataToValue, type CaptureEvent } from "../../protocol/capture.ts";
import { decodeEioPacket, decodeEioPayload } from "../../protocol/engineio/index.ts";
import { SioDecoder } from "../../protocol/socketio/index.ts";
import { SessionModel } from "../../protocol/session/index.ts";
import { isDecodeError } from "../../protocol/types.ts";
import { makeCorpus } from "./decode-bench.ts";
import { measure } from "./harness.ts";

export interface SessionCorpus {
  events: CaptureEvent[];
  /** Events that carry protocol data (WebSocket frames and HTTP bodies). */
  frames: number;
}

export function makeSessionCorpus(seed = 1): SessionCorpus {
  const c = makeCorpus(seed);
  const events: CaptureEvent[] = [];
  let ts = 1_700_000_000_000;
  const ws = "w1";
  const push = (e: Omit<CaptureEvent, "v" | "ts">) => events.push({ v: CAPTURE_VERSION, ts: (ts += 0.25), ...e } as CaptureEvent);
  const frame = (dir: "in" | "out", d: string | Uint8Array) =>
    push({ type: "ws-frame", conn: ws, dir, data: typeof d === "string" ? { text: d } : { base64: bytesToBase64(d) } } as never);
  push({ type: "ws-open", conn: ws, url: "ws://localhost:3000/socket.io/?EIO=4&transport=websocket" } as never);
  push({ type: "ws-opened", conn: ws } as never);
  frame("in", '0{"sid":"benchA","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}');
  frame("out", "40");
  frame("in", '40{"sid":"sockA"}');
  let i = 0;
  for (const f of c.wsFrames) {
    if (typeof f === "string") {
      // every other event with an ack id is answered by the page
      const m = /^42(\d+)\[/.exec(f);
      frame("in", f);
      if (m && i++ % 2 === 0) frame("out", `43${m[1]}["ok"]`);
    } else frame("in", f);
    if (events.length % 50 === 0) {
      frame("in", "2");
      frame("out", "3");
    }
  }
  // an EIO3 polling session: one long-poll GET per body
  let n = 0;
  const get = (body: string) => {
    const conn = `h${n++}`;
    push({ type: "http-request", conn, method: "GET", url: `http://localhost:3000/socket.io/?EIO=3&transport=polling&t=${n}${n > 1 ? "&sid=benchB" : ""}` } as never);
    push({ type: "http-response", conn, status: 200, contentType: "text/plain; charset=UTF-8", body: { text: body } } as never);
  };
  get('96:0{"sid":"benchB","upgrades":["websocket"],"pingInterval":25000,"pingTimeout":5000}2:40'.replace(/^96/, String('0{"sid":"benchB","upgrades":["websocket"],"pingInterval":25000,"pingTimeout":5000}'.length)));
  for (const b of c.eio3Bodies) get(b);
  const frames = events.filter((e) => e.type === "ws-frame" || (e.type === "http-response" && e.body)).length;
  return { events, frames };
}

/** The model's work: every capture event applied, then the report's namespace/event data read. */
function session(c: SessionCorpus): () => number {
  return () => {
    const m = new SessionModel();
    for (const e of c.events) m.apply(e);
    let n = 0;
    for (const s of m.sessions) for (const ns of s.namespaces.values()) n += ns.events.length;
    return n;
  };
}

/** Decoding alone: the same frames and bodies through the same codecs, one SioDecoder per session and direction. */
function decodeOnly(c: SessionCorpus): () => number {
  return () => {
    let n = 0;
    const dec = { in: new SioDecoder({ rev: 5, parser: "auto" }), out: new SioDecoder({ rev: 5, parser: "auto" }) };
    const poll = new SioDecoder({ rev: 4, parser: "auto" });
    for (const e of c.events) {
      if (e.type === "ws-frame") {
        const v = dataToValue(e.data);
        if (v === null) continue;
        const p = decodeEioPacket(4, v);
        if (isDecodeError(p) || p.type !== "message" || p.data === undefined) continue;
        n += dec[e.dir].push(p.data).length;
      } else if (e.type === "http-response" && e.body) {
        const v = dataToValue(e.body);
        if (v === null) continue;
        const r = decodeEioPayload(3, v, { contentType: e.contentType });
        for (const p of r.packets) if (p.type === "message" && p.data !== undefined) n += poll.push(p.data).length;
      }
    }
    return n;
  };
}

export interface SessionBenchResult {
  framesPerRun: number;
  sessionRunsPerS: number;
  decodeRunsPerS: number;
  framesPerS: number;
  vsDecode: number;
}

export function runSessionBench(opts: { rounds?: number; ms?: number } = {}): SessionBenchResult {
  const corpus = makeSessionCorpus();
  const s = session(corpus);
  const d = decodeOnly(corpus);
  const events = s();
  if (events < 500) throw new Error(`session bench: the model found only ${events} events`);
  const m = measure([{ name: "session", run: s }, { name: "decode", run: d }], opts);
  const sessionRunsPerS = m.get("session")!;
  const decodeRunsPerS = m.get("decode")!;
  return { framesPerRun: corpus.frames, sessionRunsPerS, decodeRunsPerS, framesPerS: sessionRunsPerS * corpus.frames, vsDecode: sessionRunsPerS / decodeRunsPerS };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = runSessionBench();
  console.log(`session: ${r.framesPerRun} frames/run; model ${r.framesPerS.toFixed(0)} frames/s, decode alone ${(r.decodeRunsPerS * r.framesPerRun).toFixed(0)} frames/s`);
  console.log(`BENCH session_frames_per_s=${Math.round(r.framesPerS)}`);
  console.log(`BENCH session_vs_decode=${r.vsDecode.toFixed(3)}`);
}
