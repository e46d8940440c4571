// Decode throughput: our Engine.IO + Socket.IO decoders against the real engine.io-parser +
// socket.io-parser decoding the same bytes, and against a bare JSON.parse of the packets'
// JSON as the floor (no framing work at all). One process, interleaved rounds.
import { createRequire } from "node:module";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import * as esbuild from "esbuild";
import { measure, type Contender } from "./harness.ts";
import { rng } from "../fuzz/generate.ts"; // the same seeded PRNG: every run decodes the same corpus

// Our decoders are measured as they ship: bundled by esbuild into one ES module, the way the
// panel gets them. (Run straight from the .ts sources under the tsx loader, every call across
// modules goes through a live-binding getter that no shipped build has.)
type Engine = typeof import("./decode-entry.ts");
async function loadShippedDecoders(): Promise<Engine> {
  const dir = mkdtempSync(join(tmpdir(), "socket-scope-bench-"));
  try {
    const outfile = join(dir, "decoders.mjs");
    await esbuild.build({
      entryPoints: [new URL("./decode-entry.ts", import.meta.url).pathname],
      bundle: true,
      format: "esm",
      platform: "browser",
      target: "es2022",
      outfile,
      logLevel: "silent",
    });
    return (await import(pathToFileURL(outfile).href)) as Engine;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
const { decodeEioPacket, decodeEioPayload, SioDecoder, isDecodeError } = await loadShippedDecoders();

const require = createRequire(import.meta.url);
const eiop5 = require("eiop5");
const eiop2 = require("eiop2");
const siop4 = require("siop4");
const siop3 = require("siop3");

const WORDS = ["hello", "héllo", "wörld", "chat", "ticker", "price", "🎉", "naïve", "東京", "ok"];

export interface Corpus {
  /** EIO4 WebSocket frames: text `42[...]` events, and `451-[...]` headers followed by a binary frame. */
  wsFrames: (string | Uint8Array)[];
  /** EIO3 text polling bodies, each several `len:42[...]` packets. */
  eio3Bodies: string[];
  /** The JSON text of every Socket.IO packet above: what a bare JSON.parse would read. */
  jsonParts: string[];
}

export function makeCorpus(seed = 1): Corpus {
  const r = rng(seed);
  const pick = <T>(a: T[]): T => a[Math.floor(r() * a.length)]!;
  const obj = () => ({ user: pick(WORDS), text: `${pick(WORDS)} ${pick(WORDS)} ${Math.floor(r() * 1e6)}`, ts: 1700000000000 + Math.floor(r() * 1e6), tags: [pick(WORDS), pick(WORDS)], n: r() });
  const wsFrames: (string | Uint8Array)[] = [];
  const eio3Bodies: string[] = [];
  const jsonParts: string[] = [];
  for (let i = 0; i < 400; i++) {
    const k = r();
    if (k < 0.8) {
      const json = JSON.stringify([pick(["chat", "tick", "presence"]), obj()]);
      const ack = r() < 0.2 ? String(Math.floor(r() * 1000)) : "";
      wsFrames.push(`42${ack}${json}`);
      jsonParts.push(json);
    } else {
      const json = JSON.stringify(["upload", { name: pick(WORDS), blob: { _placeholder: true, num: 0 } }]);
      const bin = new Uint8Array(64 + Math.floor(r() * 192));
      for (let j = 0; j < bin.length; j++) bin[j] = Math.floor(r() * 256);
      wsFrames.push(`451-${json}`, bin);
      jsonParts.push(json);
    }
  }
  for (let i = 0; i < 100; i++) {
    let body = "";
    const n = 1 + Math.floor(r() * 5);
    for (let j = 0; j < n; j++) {
      const json = JSON.stringify([pick(["chat", "tick"]), obj()]);
      const pkt = `42${json}`;
      body += `${pkt.length}:${pkt}`;
      jsonParts.push(json);
    }
    eio3Bodies.push(body);
  }
  return { wsFrames, eio3Bodies, jsonParts };
}

function ours(c: Corpus): () => number {
  return () => {
    let n = 0;
    const ws = new SioDecoder({ rev: 5, parser: "default" });
    for (const f of c.wsFrames) {
      const p = decodeEioPacket(4, f);
      if (isDecodeError(p) || p.data === undefined) continue;
      n += ws.push(p.data).length;
    }
    const poll = new SioDecoder({ rev: 4, parser: "default" });
    for (const b of c.eio3Bodies) {
      const res = decodeEioPayload(3, b);
      for (const p of res.packets) if (p.data !== undefined) n += poll.push(p.data).length;
    }
    return n;
  };
}

function reference(c: Corpus): () => number {
  return () => {
    let n = 0;
    const ws = new siop4.Decoder();
    ws.on("decoded", () => n++);
    for (const f of c.wsFrames) {
      const p = eiop5.decodePacket(f, "arraybuffer");
      ws.add(p.data);
    }
    const poll = new siop3.Decoder();
    poll.on("decoded", () => n++);
    for (const b of c.eio3Bodies) {
      eiop2.decodePayload(b, (p: { type: string; data: unknown }) => {
        if (p.type === "message") poll.add(p.data);
      });
    }
    return n;
  };
}

function floor(c: Corpus): () => number {
  return () => {
    let n = 0;
    for (const j of c.jsonParts) n += JSON.parse(j).length;
    return n;
  };
}

export interface DecodeBenchResult {
  oursOps: number;
  referenceOps: number;
  floorOps: number;
  vsReference: number;
  vsFloor: number;
  packetsPerRun: number;
}

export function runDecodeBench(opts: { rounds?: number; ms?: number } = { rounds: 15, ms: 200 }): DecodeBenchResult {
  const corpus = makeCorpus();
  const o = ours(corpus);
  const ref = reference(corpus);
  const packetsPerRun = o();
  const refPackets = ref();
  if (packetsPerRun !== refPackets || packetsPerRun !== corpus.jsonParts.length) {
    throw new Error(`decode bench: ours decoded ${packetsPerRun} packets, reference ${refPackets}, corpus has ${corpus.jsonParts.length}`);
  }
  const contenders: Contender[] = [
    { name: "ours", run: o },
    { name: "reference", run: ref },
    { name: "floor", run: floor(corpus) },
  ];
  const m = measure(contenders, opts);
  const oursOps = m.get("ours")!;
  const referenceOps = m.get("reference")!;
  const floorOps = m.get("floor")!;
  return { oursOps, referenceOps, floorOps, vsReference: oursOps / referenceOps, vsFloor: oursOps / floorOps, packetsPerRun };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = runDecodeBench();
  console.log(`decode: ${r.packetsPerRun} packets/run; ours ${(r.oursOps * r.packetsPerRun).toFixed(0)} pkt/s, reference ${(r.referenceOps * r.packetsPerRun).toFixed(0)} pkt/s, JSON.parse floor ${(r.floorOps * r.packetsPerRun).toFixed(0)} pkt/s`);
  console.log(`BENCH decode_vs_reference=${r.vsReference.toFixed(3)}`);
  console.log(`BENCH decode_vs_json_floor=${r.vsFloor.toFixed(3)}`);
}
