// Encoders (PROTOCOL.md 13): what a real peer of each revision puts on the wire.
import type { EioRevision } from "../types.ts";
import { concatBytes, utf8Encode } from "../bytes.ts";
import { base64Encode } from "./base64.ts";
import { EIO_TYPE_IDS, type EioPacket } from "./packet.ts";
import { RECORD_SEPARATOR } from "./payload-v4.ts";

export interface EncodeOptions {
  /** The peer can receive binary (no `b64=1`, not JSONP). Default true. */
  supportsBinary?: boolean;
}

export interface EncodePayloadOptions extends EncodeOptions {
  /**
   * Rev 3 text payloads only: write them as engine.io-parser 1.1–1.3 did (Socket.IO 1.x):
   * each packet as a UTF-8 byte string, lengths in bytes. The HTTP layer's own UTF-8
   * encoding of the result then gives the double-UTF-8 wire bytes.
   */
  doubleUtf8?: boolean;
}

function digit(p: EioPacket): string {
  return String.fromCharCode(48 + EIO_TYPE_IDS[p.type]);
}

function textOf(p: EioPacket): string {
  const d = p.data;
  return d === undefined ? digit(p) : digit(p) + (d as string);
}

/**
 * One packet as a WebSocket frame. Binary data: rev 3 → type byte + data, rev 4 → the data;
 * without supportsBinary → `b4<base64>` (rev 3) / `b<base64>` (rev 4).
 */
export function encodeEioPacket(rev: EioRevision, packet: EioPacket, opts: EncodeOptions = {}): string | Uint8Array {
  const d = packet.data;
  if (!(d instanceof Uint8Array)) return textOf(packet);
  const supportsBinary = opts.supportsBinary ?? true;
  if (rev === 4) return supportsBinary ? d : "b" + base64Encode(d);
  if (!supportsBinary) return "b" + digit(packet) + base64Encode(d);
  const out = new Uint8Array(d.length + 1);
  out[0] = EIO_TYPE_IDS[packet.type];
  out.set(d, 1);
  return out;
}

/** Rev 3 string → the one-char-per-UTF-8-byte string engine.io-parser 1.x produced. */
function toByteString(s: string): string {
  const b = utf8Encode(s);
  let out = "";
  const CHUNK = 0x8000;
  for (let i = 0; i < b.length; i += CHUNK) out += String.fromCharCode.apply(null, b.subarray(i, i + CHUNK) as unknown as number[]);
  return out;
}

function lengthDigits(n: number): number[] {
  const s = String(n);
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) out.push(s.charCodeAt(i) - 48);
  return out;
}

/**
 * A polling payload. Rev 3: XHR2 binary form when supportsBinary and a packet is binary,
 * else the text form (`0:` when empty); rev 4: packets joined by U+001E, binary as `b<base64>`.
 */
export function encodeEioPayload(rev: EioRevision, packets: readonly EioPacket[], opts: EncodePayloadOptions = {}): string | Uint8Array {
  if (rev === 4) {
    const parts: string[] = new Array(packets.length);
    for (let i = 0; i < packets.length; i++) {
      const p = packets[i]!;
      parts[i] = p.data instanceof Uint8Array ? "b" + base64Encode(p.data) : textOf(p);
    }
    return parts.join(RECORD_SEPARATOR);
  }
  const supportsBinary = opts.supportsBinary ?? true;
  if (supportsBinary && packets.some((p) => p.data instanceof Uint8Array)) {
    const parts: Uint8Array[] = [];
    for (const p of packets) {
      const bin = p.data instanceof Uint8Array;
      const body = bin ? (encodeEioPacket(3, p, { supportsBinary: true }) as Uint8Array) : utf8Encode(textOf(p));
      parts.push(Uint8Array.from([bin ? 1 : 0, ...lengthDigits(body.length), 0xff]), body);
    }
    return concatBytes(parts);
  }
  if (packets.length === 0) return "0:";
  let out = "";
  for (const p of packets) {
    let s = encodeEioPacket(3, p, { supportsBinary: false }) as string;
    if (opts.doubleUtf8) s = toByteString(s);
    out += s.length + ":" + s;
  }
  return out;
}
