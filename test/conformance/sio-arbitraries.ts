// fast-check generators and comparison helpers shared by the sio-* conformance tests.
import fc from "fast-check";

const RESERVED = new Set(["connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener"]);

/** Strings that stress JSON and framing: emoji, U+2028/9, \x1e, quotes, delimiters, optional lone surrogates. */
export function text(loneSurrogates: boolean): fc.Arbitrary<string> {
  const specials = ["\u2028", "\u2029", "\x1e", "🎉", "é", '"', "\\", "/", ",", "-", "0", "\x00", "{", "["];
  if (loneSurrogates) specials.push("\ud800", "\udfff", "\udbff");
  return fc
    .array(fc.oneof(fc.constantFrom(...specials), fc.string({ unit: "grapheme", maxLength: 4 }), fc.string({ maxLength: 4 })), { maxLength: 5 })
    .map((a) => a.join(""));
}

const key = (lone: boolean) => text(lone).filter((k) => k !== "__proto__" && k !== "_placeholder" && k !== "toJSON");

export interface ValueOpts {
  loneSurrogates: boolean;
  /** leaf generators for binary (Uint8Array / Buffer / ArrayBuffer…) */
  binary?: fc.Arbitrary<unknown>;
  /** extra leaves (Date, undefined for msgpack) */
  extra?: fc.Arbitrary<unknown>[];
}

/** Nested JSON-ish values; -0 and non-finite numbers excluded (JSON would change them). */
export function value(o: ValueOpts): fc.Arbitrary<unknown> {
  const leaves: fc.Arbitrary<unknown>[] = [
    text(o.loneSurrogates),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => (Object.is(d, -0) ? 0 : d)),
    fc.boolean(),
    fc.constant(null),
    ...(o.extra ?? []),
  ];
  if (o.binary) leaves.push(o.binary);
  const { tree } = fc.letrec<{ tree: unknown; node: unknown }>((tie) => ({
    tree: fc.oneof({ depthSize: "small", withCrossShrink: true }, fc.oneof(...leaves), tie("node")),
    node: fc.oneof(
      fc.array(tie("tree"), { maxLength: 4 }),
      fc.dictionary(key(o.loneSurrogates), tie("tree"), { maxKeys: 4, noNullPrototype: true }),
    ),
  }));
  return tree;
}

export const bytes = fc.uint8Array({ maxLength: 12 });

/** Namespaces: "/" or "/name", sometimes with a query (rev 4 clients append it). */
export function nsp(withQuery: boolean): fc.Arbitrary<string> {
  const name = fc.stringMatching(/^\/[a-zA-Z0-9_\-.~]{0,10}$/);
  if (!withQuery) return fc.oneof(fc.constant("/"), name);
  return fc.oneof(
    fc.constant("/"),
    name,
    fc.tuple(name, fc.stringMatching(/^[a-z0-9=&%]{1,12}$/)).map(([n, q]) => `${n}?${q}`),
  );
}

export const ackId = fc.oneof(fc.nat({ max: 1000 }), fc.maxSafeNat());

export function eventName(lone: boolean): fc.Arbitrary<string | number> {
  return fc.oneof(text(lone).filter((s) => !RESERVED.has(s)), fc.nat());
}

/** True when `v` holds a binary value anywhere. */
export function containsBinary(v: unknown): boolean {
  if (v instanceof ArrayBuffer || ArrayBuffer.isView(v)) return true;
  if (Array.isArray(v)) return v.some(containsBinary);
  if (v && typeof v === "object" && !(v instanceof Date)) return Object.values(v).some(containsBinary);
  return false;
}

export function countBinary(v: unknown): number {
  if (v instanceof ArrayBuffer || ArrayBuffer.isView(v)) return 1;
  if (Array.isArray(v)) return v.reduce((n: number, x) => n + countBinary(x), 0);
  if (v && typeof v === "object" && !(v instanceof Date)) return Object.values(v).reduce((n: number, x) => n + countBinary(x), 0);
  return 0;
}

/** Buffer / ArrayBuffer / views → plain Uint8Array copies; object keys with undefined values dropped. */
export function norm(v: unknown): unknown {
  if (v instanceof ArrayBuffer) return new Uint8Array(v.slice(0));
  if (ArrayBuffer.isView(v)) return Uint8Array.from(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
  if (Array.isArray(v)) return v.map(norm);
  if (v instanceof Date) return v;
  if (v && typeof v === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = norm(x);
    return out;
  }
  return v;
}

/** A packet reduced to what every parser agrees on: BINARY_* folded into EVENT/ACK, no attachment count. */
export function normPacket(p: unknown): unknown {
  const q = p as { type: number; nsp: string; data?: unknown; id?: number; options?: unknown };
  const out: Record<string, unknown> = { type: q.type === 5 ? 2 : q.type === 6 ? 3 : q.type, nsp: q.nsp };
  if (q.data !== undefined) out.data = norm(q.data);
  if (q.id !== undefined && q.id !== null) out.id = q.id;
  if (q.options !== undefined) out.options = norm(q.options);
  return out;
}

/** Binary values as Node Buffers: what a Node transport hands to the old parsers. */
export function toBuffer(m: string | Uint8Array | ArrayBuffer): string | Buffer {
  if (typeof m === "string") return m;
  return m instanceof ArrayBuffer ? Buffer.from(m) : Buffer.from(m.buffer, m.byteOffset, m.byteLength);
}

/** What a transport hands to our decoders: text or a plain Uint8Array. */
export function toU8(m: string | Uint8Array | ArrayBuffer): string | Uint8Array {
  if (typeof m === "string") return m;
  return m instanceof ArrayBuffer ? new Uint8Array(m) : new Uint8Array(m.buffer, m.byteOffset, m.byteLength);
}
