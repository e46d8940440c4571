// socket.io-msgpack-parser 2.x / 3.x. The wire format is notepack.io's msgpack dialect:
// ext type 0 is overloaded — fixext1 = undefined, fixext8 = Date, ext8/16/32 = ArrayBuffer —
// and bin is a Node Buffer. @msgpack/msgpack does the msgpack; the extension codec below
// tells the type-0 forms apart by the header byte in front of the ext data.
import { Decoder, Encoder, ExtensionCodec } from "@msgpack/msgpack";
import { decodeError, type DecodeError } from "../types.ts";
import { isBinary, toBytes, type SioPacket } from "./packet.ts";
import { objectToPacket, packetToObject } from "./object-packet.ts";

interface Ctx {
  bytes: Uint8Array;
}

/** fixext header byte for each fixext data length. */
const FIXEXT_HEAD: Record<number, number> = { 1: 0xd4, 2: 0xd5, 4: 0xd6, 8: 0xd7, 16: 0xd8 };

function isFixext(data: Uint8Array, ctx: Ctx): boolean {
  const head = FIXEXT_HEAD[data.length];
  if (head === undefined || data.buffer !== ctx.bytes.buffer) return false;
  const at = data.byteOffset - ctx.bytes.byteOffset - 2; // [head][type][data…]
  return at >= 0 && ctx.bytes[at] === head;
}

const decodeCodec = new ExtensionCodec<Ctx>();
for (let t = -128; t <= 127; t++) {
  const type = t;
  decodeCodec.register({
    type,
    encode: () => null,
    decode: (data: Uint8Array, _type: number, ctx: Ctx): unknown => {
      if (type === 0) {
        if (isFixext(data, ctx)) {
          if (data.length === 1) return undefined;
          if (data.length === 8) {
            const v = new DataView(data.buffer, data.byteOffset, 8);
            return new Date(v.getInt32(0) * 4294967296 + v.getUint32(4));
          }
        } else {
          return data.slice(); // ArrayBuffer (browser typed array) → Uint8Array
        }
      }
      return [type, data.slice()]; // what notepack.io gives for other extensions
    },
  });
}

// Invalid UTF-8 in a msgpack string: Node's Buffer#toString (what notepack.io uses) and browsers'
// TextDecoder give U+FFFD; @msgpack/msgpack's JS decoder (strings ≤ 200 bytes) builds wrong chars
// or lone surrogates instead. Non-ASCII strings therefore go through a lenient TextDecoder.
const lenientUtf8 = new TextDecoder();
interface DecoderInternals {
  bytes: Uint8Array;
  pos: number;
  maxStrLength: number;
  decodeUtf8String(byteLength: number, headerOffset: number): string;
}
class NotepackDecoder extends Decoder<Ctx> {}
{
  const proto = NotepackDecoder.prototype as unknown as DecoderInternals;
  const original = proto.decodeUtf8String;
  if (typeof original === "function") {
    proto.decodeUtf8String = function (this: DecoderInternals, byteLength: number, headerOffset: number): string {
      const b = this.bytes;
      const start = this.pos + headerOffset;
      const end = start + byteLength;
      if (end <= b.byteLength && byteLength <= this.maxStrLength) {
        for (let i = start; i < end; i++) {
          if (b[i]! >= 0x80) {
            const s = lenientUtf8.decode(b.subarray(start, end));
            this.pos = end;
            return s;
          }
        }
      }
      return original.call(this, byteLength, headerOffset);
    };
  }
}

const ctx: Ctx = { bytes: new Uint8Array(0) };
const decoder = new NotepackDecoder({ extensionCodec: decodeCodec, context: ctx });

/** Raw msgpack value of a notepack-encoded message, or an error reason. */
export function decodeNotepack(bytes: Uint8Array): { value: unknown } | { error: string } {
  ctx.bytes = bytes;
  try {
    return { value: decoder.decode(bytes) };
  } catch (e) {
    return { error: e instanceof Error ? e.message : "msgpack decode error" };
  } finally {
    ctx.bytes = new Uint8Array(0);
  }
}

/** One msgpack-parser binary message → packet (3.x: types 0–4; 2.x: types 0–6). */
export function decodeMsgpackPacket(version: 2 | 3, bytes: Uint8Array): SioPacket | DecodeError {
  const r = decodeNotepack(bytes);
  if ("error" in r) return decodeError("msgpack", `invalid msgpack: ${r.error}`, 0, bytes);
  return objectToPacket(r.value, version === 3 ? "msgpack3" : "msgpack2", bytes);
}

/** Detection: fixmap first byte and a map with `type` and `nsp`. Returns the decoded value when it is one. */
export function sniffMsgpack(bytes: Uint8Array): { value: Record<string, unknown> } | null {
  if (bytes.length === 0 || (bytes[0]! & 0xf0) !== 0x80) return null;
  const r = decodeNotepack(bytes);
  if ("error" in r || typeof r.value !== "object" || r.value === null || Array.isArray(r.value)) return null;
  const v = r.value as Record<string, unknown>;
  return "type" in v && "nsp" in v ? { value: v } : null;
}

// Encoding: undefined must become fixext1 type 0 (nil would decode as null), Date fixext8
// type 0, binary bin8/16/32, objects through toJSON, function-valued keys dropped — notepack.io.
const UNDEF = { __undefined: true } as const;
const encodeCodec = new ExtensionCodec();
encodeCodec.register({ type: -1, encode: () => null, decode: (d: Uint8Array) => [-1, d] }); // no msgpack timestamps
encodeCodec.register({
  type: 0,
  encode: (v: unknown): Uint8Array | null => {
    if (v === UNDEF) return new Uint8Array(1);
    if (v instanceof Date) {
      const time = v.getTime();
      const out = new Uint8Array(8);
      const dv = new DataView(out.buffer);
      dv.setInt32(0, Math.floor(time / 4294967296));
      dv.setUint32(4, time >>> 0);
      return out;
    }
    return null;
  },
  decode: () => undefined,
});
const encoder = new Encoder({ extensionCodec: encodeCodec });

function prepare(v: unknown, viaToJSON = false): unknown {
  if (v === undefined) return UNDEF;
  if (typeof v !== "object" || v === null) return v;
  if (isBinary(v)) return toBytes(v);
  if (v instanceof Date) return v;
  if (Array.isArray(v)) return v.map((x: unknown) => prepare(x));
  const o = v as Record<string, unknown>;
  if (typeof o.toJSON === "function" && !viaToJSON) return prepare((o.toJSON as () => unknown)(), true);
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(o)) if (typeof o[k] !== "function") out[k] = prepare(o[k]);
  return out;
}

/** Packet → notepack-compatible msgpack bytes (one Engine.IO binary message). */
export function encodeMsgpackPacket(p: SioPacket): Uint8Array {
  return encoder.encode(prepare(packetToObject(p))); // a fresh copy
}

