// Shared fast-check generators and normalisers for the Engine.IO conformance tests.
import fc from "fast-check";
import type { EioPacket, EioPacketType } from "../../protocol/engineio/index.ts";

export const TYPES: EioPacketType[] = ["open", "close", "ping", "pong", "message", "upgrade", "noop"];

const SPECIALS = ["a", "4", "b", ":", "0", "12:", "é", "€", "🎉", "\u2028", "\u2029", "東", "\\n", "\n", "\\", '"', "\u0000", "\ufffd", "\ufeff"];
const LONE = ["\ud800", "\udc00", "\udbff", "a\ud83c"];

/** Text with emoji, U+2028, control chars; `rs` allows U+001E; `lone` allows lone surrogates. */
export function textArb(opts: { rs?: boolean; lone?: boolean; minLength?: number } = {}): fc.Arbitrary<string> {
  const parts: fc.Arbitrary<string>[] = [fc.constantFrom(...SPECIALS), fc.string({ unit: "binary", maxLength: 4 }), fc.string({ unit: "grapheme-ascii", maxLength: 8 })];
  if (opts.rs) parts.push(fc.constant("\x1e"));
  if (opts.lone) parts.push(fc.constantFrom(...LONE));
  return fc
    .array(fc.oneof(...parts), { minLength: opts.minLength ?? 0, maxLength: 8 })
    .map((a) => a.join(""))
    .filter((s) => (opts.rs ? true : !s.includes("\x1e")));
}

export const bytesArb = fc.oneof(
  { weight: 6, arbitrary: fc.uint8Array({ maxLength: 24 }) },
  { weight: 1, arbitrary: fc.uint8Array({ minLength: 200, maxLength: 400 }) },
);

/** A packet: data absent, a non-empty string, or bytes (binary only for `message` when `binaryTypes` is false). */
export function packetArb(opts: { rs?: boolean; lone?: boolean; binary?: boolean; binaryTypes?: boolean } = {}): fc.Arbitrary<EioPacket> {
  const type = fc.constantFrom(...TYPES);
  const options: fc.Arbitrary<EioPacket>[] = [
    type.map((t) => ({ type: t })),
    fc.tuple(type, textArb({ ...opts, minLength: 1 }).filter((s) => s.length > 0)).map(([t, data]) => ({ type: t, data })),
  ];
  if (opts.binary !== false)
    options.push(fc.tuple(opts.binaryTypes ? type : fc.constant<EioPacketType>("message"), bytesArb).map(([t, data]) => ({ type: t, data })));
  return fc.oneof(...options);
}

/** A real library's packet ({type, data: string | Buffer | ArrayBuffer}) → our shape. */
export function normalize(p: { type: string; data?: unknown }): { type: string; data?: string | Uint8Array } {
  const d = p.data;
  if (d === undefined) return { type: p.type };
  if (typeof d === "string") return { type: p.type, data: d };
  if (d instanceof ArrayBuffer) return { type: p.type, data: new Uint8Array(d.slice(0)) };
  if (ArrayBuffer.isView(d)) return { type: p.type, data: new Uint8Array(d.buffer.slice(d.byteOffset, d.byteOffset + d.byteLength)) };
  return { type: p.type, data: d as never };
}

/** Copy our packet's bytes into a fresh Uint8Array (views and Buffers compare as plain arrays). */
export function plain(p: { type: string; data?: string | Uint8Array }): { type: string; data?: string | Uint8Array } {
  return p.data instanceof Uint8Array ? { type: p.type, data: Uint8Array.from(p.data) } : p.data === undefined ? { type: p.type } : { type: p.type, data: p.data };
}

/** Lone surrogates → U+FFFD (what UTF-8 on the wire does to them). */
export function wellFormed(s: string): string {
  let out = "";
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      out += s[i]! + s[i + 1]!;
      i++;
    } else if (c >= 0xd800 && c <= 0xdfff) out += "\ufffd";
    else out += s[i]!;
  }
  return out;
}

export function wellFormedPacket(p: EioPacket): EioPacket {
  return typeof p.data === "string" ? { type: p.type, data: wellFormed(p.data) } : plain(p) as EioPacket;
}

export const toBuffer = (p: EioPacket): { type: string; data?: string | Buffer } =>
  p.data instanceof Uint8Array ? { type: p.type, data: Buffer.from(p.data) } : p.data === undefined ? { type: p.type } : { type: p.type, data: p.data };
