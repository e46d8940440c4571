// Every decoder of the protocol engine (and the extension background's reading of the hook's
// batches, which a page controls), as a fuzz target: a function of one arbitrary input
// (text or bytes) plus a small integer that picks its options (revision, parser, content
// type…). Shared by test/unit/no-throw.test.ts (fast-check, quick) and test/fuzz/fuzz.ts (the
// long run). Seeds are valid inputs that the mutating generators start from.
import * as sio09 from "../../protocol/sio09/index.ts";
import { detectFromFirstPayload, detectFromUrl, isSocketIoUrl } from "../../protocol/detect.ts";
import * as eio from "../../protocol/engineio/index.ts";
import * as sio from "../../protocol/socketio/index.ts";
import { isDecodeError, type DecodeError } from "../../protocol/types.ts";
import { decodeByteStringUtf8, utf8Decode, utf8DecodeStrict, utf8Encode } from "../../protocol/bytes.ts";
import { base64ToBytes, dataToValue, dataFromBytes, CAPTURE_VERSION, type CaptureEvent, type CaptureData } from "../../protocol/capture.ts";
import { importHar } from "../../protocol/har/index.ts";
import { SessionModel } from "../../protocol/session/index.ts";
import { parseChunks } from "../../extension/background/backlog.ts";

export type FuzzInput = string | Uint8Array;

export interface FuzzTarget {
  name: string;
  /** What the decoder takes; "both" gets text and bytes. */
  accepts: "text" | "bytes" | "both";
  seeds: FuzzInput[];
  run(input: FuzzInput, variant: number): unknown;
}

const asText = (x: FuzzInput): string => (typeof x === "string" ? x : utf8Decode(x));
const asBytes = (x: FuzzInput): Uint8Array => (typeof x === "string" ? utf8Encode(x) : x);
const pick = <T>(xs: readonly T[], v: number): T => xs[Math.abs(v) % xs.length]!;

/** Splits an input into 1–4 pieces at positions derived from `variant` (stateful decoders). */
function pieces<T extends FuzzInput>(x: T, variant: number): T[] {
  const n = 1 + (Math.abs(variant) % 4);
  const out: T[] = [];
  let start = 0;
  for (let k = 1; k < n; k++) {
    const at = Math.min(x.length, start + ((Math.abs(variant * 2654435761 + k * 40503) >>> 0) % (x.length + 1)));
    out.push(x.slice(start, at) as T);
    start = at;
  }
  out.push(x.slice(start) as T);
  return out;
}

// ---- seeds: valid traffic of every layer (PROTOCOL.md section 12 and encoder outputs) ----

const HS09 = "GkdXWlz2M4Q3HL0h8lmN:60:60:websocket,htmlfile,xhr-polling,jsonp-polling";
const SIO09_PACKETS = [
  "1::", "2::", "8::", "0::/test", "3:1::blabla", '4:::{"a":"b"}', '5:1+::{"name":"a","args":[1]}', '5:::{"name":"ping"}',
  '6:::4+["A","B"]', "6:::4", "7:::1+0", "1::/test:?my=param", "1::/test?my=param", "3:::a:b:c", "7::/chat:undefined",
  '5:1+:/chat:{"name":"msg","args":["hi","🎉"]}', '6::/chat:1+["ok"]',
];
const SIO09_PAYLOADS = ['\ufffd3\ufffd1::\ufffd16\ufffd5:::{"name":"é"}', sio09.encodeSio09Payload(SIO09_PACKETS), ...SIO09_PACKETS];
const HTML_PREAMBLE = "<html><body><script>var _ = function (msg) { parent.s._(msg, document); };</script>" + " ".repeat(173);
const SIO09_BODIES = [
  'io.j[0]("1::");',
  `io.j[3](${JSON.stringify(SIO09_PAYLOADS[1])});`,
  'io.j[1](new Error("handshake unauthorized"));',
  HTML_PREAMBLE + '<script>_("1::");</script><script>_("5:::{\\"name\\":\\"a\\",\\"args\\":[\\"<\\/script>\\"]}");</script>',
  "d=" + encodeURIComponent(JSON.stringify(SIO09_PAYLOADS[0])),
];

const OPEN3 = '0{"sid":"lv_VI97HAXpY6yYWAAAC","upgrades":["websocket"],"pingInterval":25000,"pingTimeout":5000}';
const OPEN4 = '0{"sid":"lv_VI97HAXpY6yYWAAAC","upgrades":["websocket"],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}';
const EIO_TEXT = [
  `96:${OPEN3}2:40`, '16:42["hey","Jude"]', '11:42["hello"]11:42["world"]', "2:4€10:b4AQIDBA==", "3:4🎉", "0:", "1:", "1:a2:b",
  '39:451-["a",{"_placeholder":true,"num":0}]6:b4AQID', '8:42["Ã©"]', OPEN4, "4hello\x1e2\x1e4world", "4hello\x1ebAQIDBA==",
  "0\x1e1\x1e2probe\x1e3probe\x1e4test", '451-["a",{"_placeholder":true,"num":0}]\x1ebAQID', "6", "2probe", "3probe", "5", "b4AQID", "bAQID",
  `___eio[0](${JSON.stringify(`96:${OPEN3}2:40`)});`, '___eio[0]("4hello\\u001e2");', "d=" + encodeURIComponent('11:42["hello"]'),
];
const EIO_BYTES = [
  new Uint8Array([0x00, 0x04, 0xff, 0x34, 0xe2, 0x82, 0xac, 0x01, 0x05, 0xff, 0x04, 0x01, 0x02, 0x03, 0x04]),
  new Uint8Array([0x00, 0x03, 0x09, 0xff, ...utf8Encode('451-["a",{"_placeholder":true,"num":0}]'), 0x01, 0x04, 0xff, 0x04, 0x01, 0x02, 0x03]),
  new Uint8Array([0x00, 0x08, 0xff, 0x34, 0x32, 0x5b, 0x22, 0xc3, 0xa9, 0x22, 0x5d]),
  new Uint8Array([0x04, 0x01, 0x02, 0x03]),
];
const WT_BYTES = [
  new Uint8Array([0x01, 0x30]),
  new Uint8Array([0x0e, ...utf8Encode('0{"sid":"abc"}')]),
  new Uint8Array([0x03, 0x34, 0x34, 0x30]),
  new Uint8Array([0x83, 0x01, 0x02, 0x03]),
  new Uint8Array([0x7e, 0x00, 0x05, 0x34, 0x68, 0x65, 0x6c, 0x6c, 0x03, 0x34, 0x34, 0x30]),
];
const SIO_TEXT = [
  "0", '0{"token":"123"}', '0/admin,{"sid":"oSO0OpakMV_3jnilAAAA"}', "0/admin?token=1234,", "0/random", "1/admin,", '2["foo"]', '212["foo"]',
  '2/admin,456["project:delete",123]', '3/admin,13["bar"]', '3456[1,"2",{"3":[false]}]', '4"Invalid namespace"', '4/admin,"Not authorized"',
  '4{"message":"Not authorized"}', '4/random,{"message":"Invalid namespace"}', '51-["baz",{"_placeholder":true,"num":0}]',
  '52-/admin,["baz",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]', '61-/admin,456[{"_placeholder":true,"num":0}]',
  '51-1["a",{"_placeholder":true,"num":0}]', '30-1["x"]', '2["chat","hi","MzUPkW0"]', "2{}", '2abc["a"]', "7",
  '{"type":2,"nsp":"/","data":["hello","you"]}',
];
const MSGPACK = [
  new Uint8Array([0x83, 0xa4, 0x74, 0x79, 0x70, 0x65, 0x02, 0xa3, 0x6e, 0x73, 0x70, 0xa1, 0x2f, 0xa4, 0x64, 0x61, 0x74, 0x61, 0x92, 0xa5, 0x68, 0x65, 0x6c, 0x6c, 0x6f, 0xa3, 0x79, 0x6f, 0x75]),
  new Uint8Array([0x83, 0xa4, 0x74, 0x79, 0x70, 0x65, 0x00, 0xa4, 0x64, 0x61, 0x74, 0x61, 0xd4, 0x00, 0x00, 0xa3, 0x6e, 0x73, 0x70, 0xa1, 0x2f]),
];
const URLS = [
  "http://localhost:3000/socket.io/?EIO=4&transport=polling&t=P3bq9Xa",
  "ws://h:1/socket.io/?EIO=3&transport=websocket&sid=abc&b64=1",
  "https://h/x/?token=a&EIO=3&transport=polling&j=2&sid=S",
  "http://h/socket.io/1/?t=1390000000000&jsonp=1",
  "http://h/socket.io/1/jsonp-polling/SID?t=1&i=3",
  "ws://h/socket.io/1/websocket/SID",
  "http://h/socket.io/1//SID/?disconnect=1",
  "/socket.io/?EIO=4&transport=polling",
];

const EIO_CT = [undefined, "text/plain; charset=UTF-8", "application/octet-stream", "application/javascript", "text/html", "application/json"];
const STATUSES = [200, 400, 403, 413, 500, 0, 204];

// ---- the targets ----

export const TARGETS: FuzzTarget[] = [
  // sio09/
  // (odd variants: as the start of a packet or body the capture cut)
  { name: "sio09.decodeSio09Packet", accepts: "text", seeds: SIO09_PACKETS, run: (x, v) => sio09.decodeSio09Packet(asText(x), v % 2 === 1) },
  { name: "sio09.decodeSio09PayloadDetailed", accepts: "text", seeds: SIO09_PAYLOADS, run: (x, v) => sio09.decodeSio09PayloadDetailed(asText(x), v % 2 === 1) },
  { name: "sio09.parseSio09Handshake", accepts: "text", seeds: [HS09, `io.j[2](${JSON.stringify(HS09)});`, "abc::60:"], run: (x) => sio09.parseSio09Handshake(asText(x)) },
  {
    name: "sio09.parseSio09HandshakeReply",
    accepts: "text",
    seeds: [HS09, 'io.j[0](new Error("handshake error"));', "Welcome to socket.io.", "handshake unauthorized"],
    run: (x, v) => sio09.parseSio09HandshakeReply(pick(STATUSES, v), asText(x)),
  },
  {
    name: "sio09.unwrapSio09Body",
    accepts: "text",
    seeds: SIO09_BODIES,
    run: (x, v) => sio09.unwrapSio09Body(asText(x), pick(["jsonp", "htmlfile", "form"] as const, v)),
  },
  { name: "sio09.unwrapSio09Htmlfile", accepts: "text", seeds: SIO09_BODIES.slice(3, 4), run: (x) => sio09.unwrapSio09Htmlfile(asText(x)) },
  { name: "sio09.parseSio09Jsonp", accepts: "text", seeds: SIO09_BODIES.slice(0, 3), run: (x) => sio09.parseSio09Jsonp(asText(x)) },
  { name: "sio09.parseSio09Form", accepts: "text", seeds: SIO09_BODIES.slice(4), run: (x) => sio09.parseSio09Form(asText(x)) },
  { name: "sio09.isSio09PostOk", accepts: "both", seeds: ["1", "ok"], run: (x, v) => sio09.isSio09PostOk(x, pick(STATUSES, v)) },
  // detect.ts
  { name: "detect.detectFromUrl", accepts: "text", seeds: URLS, run: (x, v) => detectFromUrl(asText(x), v % 2 ? "https://app.example/page/" : undefined) },
  { name: "detect.isSocketIoUrl", accepts: "text", seeds: URLS, run: (x) => isSocketIoUrl(asText(x)) },
  {
    name: "detect.detectFromFirstPayload",
    accepts: "both",
    seeds: [HS09, "1::", ...EIO_TEXT.slice(0, 6), ...EIO_BYTES, ...SIO09_BODIES.slice(0, 1)],
    run: (x, v) => detectFromFirstPayload(x, pick([undefined, "http", "ws"] as const, v)),
  },
  // engineio/
  { name: "eio.decodeEioPacket", accepts: "both", seeds: [...EIO_TEXT.slice(10), ...EIO_BYTES.slice(3)], run: (x, v) => eio.decodeEioPacket(v % 2 ? 3 : 4, x) },
  {
    name: "eio.decodeEioPayload",
    accepts: "both",
    seeds: [...EIO_TEXT, ...EIO_BYTES],
    run: (x, v) =>
      eio.decodeEioPayload(v % 2 ? 3 : 4, x, {
        contentType: pick(EIO_CT, v >> 1),
        ...((v >> 4) % 3 === 1 ? { jsonp: true } : (v >> 4) % 3 === 2 ? { form: true } : {}),
        doubleUtf8: pick(["auto", "never", "always"] as const, v >> 6),
        cut: (v >> 8) % 2 === 1,
      }),
  },
  { name: "eio.parseEioOpen", accepts: "text", seeds: [OPEN3.slice(1), OPEN4.slice(1), '{"sid":"a","upgrades":[],"pingTimeout":60000}'], run: (x) => eio.parseEioOpen(asText(x)) },
  {
    name: "eio.classifyHttpReply",
    accepts: "both",
    seeds: ["ok", "1", '{"code":1,"message":"Session ID unknown"}', "Transport unknown"],
    run: (x, v) => eio.classifyHttpReply(pick(STATUSES, v), pick(EIO_CT, v >> 3), x, v & 64 ? "POST" : "GET", { family: v & 128 ? "sio09" : "eio" }),
  },
  { name: "eio.decodeV3TextPayload", accepts: "text", seeds: EIO_TEXT.slice(0, 10), run: (x, v) => eio.decodeV3TextPayload(asText(x), pick(["auto", "never", "always"] as const, v), (v >> 2) % 2 === 1) },
  { name: "eio.decodeV3BinaryPayload", accepts: "bytes", seeds: EIO_BYTES, run: (x, v) => eio.decodeV3BinaryPayload(asBytes(x), v % 2 === 1) },
  { name: "eio.decodeV4TextPayload", accepts: "text", seeds: EIO_TEXT.slice(10, 20), run: (x) => eio.decodeV4TextPayload(asText(x)) },
  { name: "eio.unwrapJsonp", accepts: "text", seeds: EIO_TEXT.slice(21, 23), run: (x) => eio.unwrapJsonp(asText(x)) },
  { name: "eio.decodeFormBody", accepts: "text", seeds: [EIO_TEXT[23]!, "d=4hello%5Cn", "a=1&d=2"], run: (x) => eio.decodeFormBody(asText(x)) },
  { name: "eio.base64Decode", accepts: "text", seeds: ["AQIDBA==", "AQID", "b4AQID"], run: (x, v) => {
      // start/stop are the caller's range inside a larger string: keep them in range
      const s = asText(x);
      return eio.base64Decode(s, Math.min(v % 3, s.length), Math.max(Math.min(v % 3, s.length), s.length - ((v >> 2) % 3)));
    },
  },
  {
    name: "eio.WebTransportFrameDecoder",
    accepts: "bytes",
    seeds: WT_BYTES,
    run: (x, v) => {
      const d = new eio.WebTransportFrameDecoder(v & 1 ? { maxPayload: 16 } : {});
      return pieces(asBytes(x), v >> 1).flatMap((c) => d.push(c));
    },
  },
  // socketio/
  // (variants with bit 3 set read the text as the start of a packet the capture cut)
  { name: "sio.decodeSioString", accepts: "text", seeds: SIO_TEXT, run: (x, v) => sio.decodeSioString(pick([3, 4, 5] as const, v), asText(x), v & 8 ? asText(x).length + 1 : undefined) },
  {
    name: "sio.SioDecoder",
    accepts: "both",
    seeds: [...SIO_TEXT, ...MSGPACK, new Uint8Array([1, 2, 3])],
    run: (x, v) => {
      const d = new sio.SioDecoder({ rev: pick([3, 4, 5] as const, v), parser: pick(["auto", "default", "msgpack", "json"] as const, v >> 2) });
      // a header followed by attachments: text pieces, then the rest as bytes
      const parts = typeof x === "string" ? pieces(x, v >> 4) : [...pieces(x, v >> 4)];
      const out: unknown[] = [];
      // (the last part, with bit 6 set, as cut by the capture)
      parts.forEach((p, k) => out.push(...d.push(k > 0 && typeof p === "string" && v & 8 ? utf8Encode(p) : p, v & 64 && k === parts.length - 1 ? p.length + 1 : undefined)));
      out.push(...d.flush());
      return out;
    },
  },
  { name: "sio.decodeMsgpackPacket", accepts: "bytes", seeds: MSGPACK, run: (x, v) => sio.decodeMsgpackPacket(v % 2 ? 2 : 3, asBytes(x)) },
  { name: "sio.decodeNotepack", accepts: "bytes", seeds: MSGPACK, run: (x) => sio.decodeNotepack(asBytes(x)) },
  { name: "sio.sniffMsgpack", accepts: "bytes", seeds: MSGPACK, run: (x) => sio.sniffMsgpack(asBytes(x)) },
  { name: "sio.decodeJsonPacket", accepts: "text", seeds: SIO_TEXT.slice(-1), run: (x) => sio.decodeJsonPacket(asText(x)) },
  {
    name: "sio.objectToPacket",
    accepts: "text",
    seeds: ['{"type":2,"nsp":"/","data":["hello","you"]}', '{"type":0,"nsp":"/admin","data":{"a":1},"id":3}'],
    run: (x, v) => {
      const s = asText(x);
      let o: unknown = s;
      try {
        o = JSON.parse(s);
      } catch {
        /* arbitrary text stays a string */
      }
      return sio.objectToPacket(o, pick(["msgpack2", "msgpack3", "json"] as const, v), s);
    },
  },
];

/** JSON text → value, or the text itself when it is not JSON. */
function jsonOrText(s: string): unknown {
  try {
    return JSON.parse(s) as unknown;
  } catch {
    return s;
  }
}

TARGETS.push(
  { name: "eio.utf8DecodeWtf", accepts: "bytes", seeds: [new Uint8Array([0x61, 0xed, 0xa0, 0x80, 0x62]), utf8Encode("é🎉")], run: (x) => eio.utf8DecodeWtf(asBytes(x)) },
  {
    name: "sio.reconstructData",
    accepts: "text",
    seeds: ['["a",{"_placeholder":true,"num":0}]', '[{"_placeholder":true,"num":1},{"_placeholder":true,"num":0}]', '{"_placeholder":true,"num":"0"}'],
    run: (x, v) => sio.reconstructData(jsonOrText(asText(x)), Array.from({ length: v % 3 }, (_, k) => new Uint8Array([k]))),
  },
  { name: "sio.splitRecoveryOffset", accepts: "text", seeds: ['["hi","MzUPkW0"]', "[]", '[1,"x"]'], run: (x) => { const v = jsonOrText(asText(x)); return Array.isArray(v) ? sio.splitRecoveryOffset(v) : null; } },
  { name: "sio.checkPayload", accepts: "text", seeds: ['["foo"]', '{"message":"x"}', '"str"'], run: (x, v) => sio.checkPayload(pick([3, 4, 5] as const, v), (v >> 2) % 7 as 0 | 1 | 2 | 3 | 4 | 5 | 6, jsonOrText(asText(x))) },
  { name: "bytes.decodeByteStringUtf8", accepts: "text", seeds: ['42["Ã©"]', "\xed\xa0\x80"], run: (x) => decodeByteStringUtf8(asText(x)) },
  { name: "bytes.utf8DecodeStrict", accepts: "bytes", seeds: [utf8Encode("é")], run: (x) => utf8DecodeStrict(asBytes(x)) },
  { name: "capture.base64ToBytes", accepts: "text", seeds: ["AQIDBA==", "AQID", "-_8="], run: (x) => base64ToBytes(asText(x)) },
  { name: "capture.dataToValue", accepts: "text", seeds: ["AQIDBA=="], run: (x, v) => dataToValue(v % 2 ? { base64: asText(x) } : { text: asText(x) }) },
);

// ---- whole-engine targets: HAR import and the session reducer fed capture events whose
// URLs, frames and bodies carry the fuzz input ----

const HAR_SEED = JSON.stringify({
  log: {
    version: "1.2",
    creator: { name: "WebInspector", version: "537.36" },
    entries: [
      {
        startedDateTime: "2026-01-01T00:00:00.000Z",
        time: 5,
        request: { method: "GET", url: "http://h/socket.io/?EIO=4&transport=polling&t=x", headers: [] },
        response: { status: 200, headers: [], content: { mimeType: "text/plain", text: OPEN4 } },
      },
      {
        startedDateTime: "2026-01-01T00:00:00.010Z",
        time: 5,
        _resourceType: "websocket",
        request: { method: "GET", url: "ws://h/socket.io/?EIO=4&transport=websocket&sid=lv_VI97HAXpY6yYWAAAC", headers: [] },
        response: { status: 101, headers: [], content: { mimeType: "" } },
        _webSocketMessages: [
          { type: "send", time: 1767225600.02, opcode: 1, data: "2probe" },
          { type: "receive", time: 1767225600.03, opcode: 1, data: "3probe" },
          { type: "send", time: 1767225600.04, opcode: 1, data: "5" },
          { type: "receive", time: 1767225600.05, opcode: 2, data: "AQID" },
        ],
      },
    ],
  },
});

/** A capture of one connection of each family; slot `k` (from the variant) carries the fuzz input. */
function scenario(x: FuzzInput, variant: number): CaptureEvent[] {
  const data = (d: FuzzInput): CaptureData => (typeof d === "string" ? { text: d } : dataFromBytes(d));
  const text = asText(x);
  const slot = variant % 12;
  // variants with bit 4 set say the fuzzed data was cut by the capture (CaptureData.truncated)
  const cut = (d: CaptureData): CaptureData => ((variant >> 4) & 1 ? { ...d, truncated: ("text" in d ? d.text.length : d.base64.length) + 1 + (variant % 97) } : d);
  const pickData = (k: number, normal: FuzzInput): CaptureData => (slot === k ? cut(data(x)) : data(normal));
  const url = (k: number, normal: string): string => (slot === k ? text : normal);
  const base = { v: CAPTURE_VERSION } as const;
  let ts = 1_767_225_600_000;
  const t = (): number => (ts += 7);
  const ev: CaptureEvent[] = [
    { ...base, type: "http-request", ts: t(), conn: "h1", method: "GET", url: url(0, "http://h/socket.io/?EIO=4&transport=polling&t=a") },
    { ...base, type: "http-response", ts: t(), conn: "h1", status: 200, contentType: "text/plain; charset=UTF-8", body: pickData(1, OPEN4) },
    { ...base, type: "http-request", ts: t(), conn: "h2", method: "POST", url: "http://h/socket.io/?EIO=4&transport=polling&sid=lv_VI97HAXpY6yYWAAAC", body: pickData(2, "40") },
    { ...base, type: "http-response", ts: t(), conn: "h2", status: 200, body: { text: "ok" } },
    { ...base, type: "ws-open", ts: t(), conn: "w1", url: url(3, "ws://h/socket.io/?EIO=4&transport=websocket&sid=lv_VI97HAXpY6yYWAAAC") },
    { ...base, type: "ws-frame", ts: t(), conn: "w1", dir: "out", data: pickData(4, "2probe") },
    { ...base, type: "ws-frame", ts: t(), conn: "w1", dir: "in", data: pickData(5, "3probe") },
    { ...base, type: "ws-frame", ts: t(), conn: "w1", dir: "in", data: pickData(6, '451-["a",{"_placeholder":true,"num":0}]') },
    { ...base, type: "ws-frame", ts: t(), conn: "w1", dir: "in", data: pickData(7, new Uint8Array([1, 2, 3])) },
    { ...base, type: "http-request", ts: t(), conn: "h3", method: "GET", url: url(8, "http://h/socket.io/1/?t=1390000000000") },
    { ...base, type: "http-response", ts: t(), conn: "h3", status: 200, body: pickData(9, HS09) },
    { ...base, type: "http-request", ts: t(), conn: "h4", method: "GET", url: "http://h/socket.io/1/xhr-polling/GkdXWlz2M4Q3HL0h8lmN?t=2" },
    { ...base, type: "http-response", ts: t(), conn: "h4", status: 200, body: pickData(10, SIO09_PAYLOADS[0]!) },
    { ...base, type: "ws-open", ts: t(), conn: "w2", url: "ws://h/socket.io/1/websocket/GkdXWlz2M4Q3HL0h8lmN" },
    { ...base, type: "ws-frame", ts: t(), conn: "w2", dir: "in", data: pickData(11, "1::") },
    { ...base, type: "ws-close", ts: t(), conn: "w2", code: 1006, reason: "", wasClean: false },
  ];
  return ev;
}

/** Messages of internal errors the session model caught (it never throws, but they are bugs). */
export function internalErrors(result: unknown): string[] {
  if (!result || typeof result !== "object" || !("diagnostics" in result)) return [];
  const d = (result as { diagnostics: unknown }).diagnostics;
  if (!Array.isArray(d)) return [];
  return d
    .map((x) => (x && typeof x === "object" ? String((x as { message?: unknown }).message) : ""))
    .filter((m) => m.startsWith("internal error"));
}

TARGETS.push(
  { name: "har.importHar", accepts: "text", seeds: [HAR_SEED], run: (x) => importHar(asText(x)) },
  {
    // the background's reading of the hook's batches: a document base and JSON arrays of events
    // and compact items (extension/shared/wire.ts); the page controls every byte of them
    name: "extension.parseChunks",
    accepts: "text",
    seeds: [
      '[{"v":1,"type":"page","ts":1,"conn":"p","url":"http://a/"},["c.1",1,2.5,"42[\\"a\\"]"],["c.1",0,3,null,"AQID"]]',
      '[["c.2",2,1,"POST","http://h/socket.io/?EIO=4&transport=polling&sid=S","text/plain;charset=UTF-8","40"],["c.2",3,2,200,null,"ok"],["c.3",2,3,"GET","http://h/x",null]]',
      // as the hook sends them: the document's base, then relative frames
      'k9|1700000000000000|[{"v":1,"type":"page","ts":1,"conn":"k9.1","url":"http://a/"},[2,1,2500,"42[\\"a\\"]"],[2,0,2600,null,"AQID"]]',
    ],
    run: (x, v) => {
      const t = asText(x);
      const cut = Math.abs(v) % (t.length + 1);
      return parseChunks(v % 2 ? [t.slice(0, cut), t.slice(cut)] : [t]);
    },
  },
  {
    name: "session.SessionModel",
    accepts: "both",
    seeds: [OPEN4, HS09, '451-["a",{"_placeholder":true,"num":0}]', SIO09_PAYLOADS[1]!, ...EIO_TEXT.slice(0, 4), EIO_BYTES[0]!],
    run: (x, v) => {
      // odd variants also run the panel's event and diagnostic caps (tiny, so they drop often)
      const m = new SessionModel(v % 2 ? { maxEventsPerNamespace: 1 + (v % 7), maxDiagnostics: 1 + (v % 5) } : {});
      m.applyAll(scenario(x, v));
      m.tick(1_767_225_700_000);
      m.finish();
      return m.toReport();
    },
  },
);

/**
 * DecodeErrors found in a decoder's result (top level, arrays, `items`/`packets`/`errors`
 * fields), and whether each is well formed: a reason, an integer offset ≥ 0, the raw input.
 */
export function badErrors(result: unknown): DecodeError[] {
  const found: unknown[] = [];
  const visit = (r: unknown): void => {
    if (isDecodeError(r)) found.push(r);
    else if (Array.isArray(r)) for (const x of r) if (isDecodeError(x)) found.push(x);
  };
  visit(result);
  if (result && typeof result === "object" && !Array.isArray(result)) {
    const o = result as Record<string, unknown>;
    for (const k of ["items", "packets", "errors"]) visit(o[k]);
  }
  return (found as DecodeError[]).filter(
    (e) =>
      typeof e.reason !== "string" ||
      e.reason === "" ||
      typeof e.layer !== "string" ||
      !Number.isInteger(e.offset) ||
      e.offset < 0 ||
      !(typeof e.raw === "string" || e.raw instanceof Uint8Array),
  );
}
