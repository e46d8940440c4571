// Input generators for the no-throw runs: arbitrary text biased towards the protocols'
// delimiters, arbitrary bytes, and mutations of valid seeds. Deterministic for a given seed.
import type { FuzzInput } from "./targets.ts";

export type Rng = () => number;

/** mulberry32: small, fast, deterministic. */
export function rng(seed: number): Rng {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const int = (r: Rng, n: number): number => Math.floor(r() * n);

// pieces of every wire format: separators, brackets, digits, escapes, surrogates, wrappers
const TOKENS = [
  "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", ":", "::", "\ufffd", "\x1e", "{", "}", "[", "]", '"', ",", "/", "+", "-", "?", "=", "&",
  "\\", "\\n", "\\u", "b", "b4", "a", "é", "€", "🎉", "\ud800", "\udc00", "\u0000", "\xff", "\u2028", " ", "\n", "%", "%2", "%E0", "(", ")", ";",
  "io.j[0](", "___eio[1](", "new Error(\"", "<script>_(", ");</script>", "<html>", "d=", "EIO=", "transport=", "sid=", "&j=", "http://h/",
  "/1/", "xhr-polling/", '"_placeholder":true', '"num":0', '{"sid":"x"}', "null", "true", "1e999", "-", "99999999999999999999",
];

export function randomText(r: Rng, maxLen = 64): string {
  const n = int(r, maxLen + 1);
  let s = "";
  const mode = int(r, 3);
  for (let i = 0; i < n; i++) {
    if (mode === 0) s += String.fromCharCode(int(r, 0x10000)); // any UTF-16 unit
    else if (mode === 1) s += TOKENS[int(r, TOKENS.length)];
    else s += r() < 0.7 ? String.fromCharCode(32 + int(r, 95)) : TOKENS[int(r, TOKENS.length)];
  }
  return s;
}

export function randomBytes(r: Rng, maxLen = 64): Uint8Array {
  const n = int(r, maxLen + 1);
  const b = new Uint8Array(n);
  const mode = int(r, 3);
  for (let i = 0; i < n; i++) {
    if (mode === 0) b[i] = int(r, 256);
    else if (mode === 1) b[i] = [0x00, 0x01, 0x04, 0x09, 0xff, 0x30, 0x34, 0x7e, 0x7f, 0x80, 0x83, 0xa4, 0xc3, 0xd4, 0xdc, 0xde, 0xfe][int(r, 17)]!;
    else b[i] = r() < 0.5 ? int(r, 10) : int(r, 256);
  }
  return b;
}

/** 1–4 random edits of a seed: delete, insert, replace, duplicate, truncate, splice another seed, bump a digit. */
export function mutate(r: Rng, seed: FuzzInput, seeds: readonly FuzzInput[]): FuzzInput {
  if (typeof seed === "string") {
    let s = seed;
    const edits = 1 + int(r, 4);
    for (let e = 0; e < edits; e++) {
      const at = int(r, s.length + 1);
      switch (int(r, 8)) {
        case 0:
          s = s.slice(0, at) + s.slice(at + 1 + int(r, 4));
          break;
        case 1:
          s = s.slice(0, at) + TOKENS[int(r, TOKENS.length)] + s.slice(at);
          break;
        case 2:
          s = s.slice(0, at) + String.fromCharCode(int(r, 0x10000)) + s.slice(at + 1);
          break;
        case 3: {
          const len = int(r, 16);
          s = s.slice(0, at) + s.slice(at, at + len) + s.slice(at);
          break;
        }
        case 4:
          s = s.slice(0, at);
          break;
        case 5: {
          const other = seeds[int(r, seeds.length)]!;
          s = s.slice(0, at) + (typeof other === "string" ? other : "") + s.slice(at);
          break;
        }
        case 6: {
          const m = /[0-9]+/.exec(s.slice(at));
          if (m) {
            const k = at + m.index;
            s = s.slice(0, k) + String(int(r, 3) === 0 ? int(r, 1e9) : Number(m[0].slice(0, 15)) + int(r, 5) - 2) + s.slice(k + m[0].length);
          }
          break;
        }
        default:
          s = s + s.slice(0, int(r, s.length + 1));
      }
    }
    return s;
  }
  let b = Array.from(seed);
  const edits = 1 + int(r, 4);
  for (let e = 0; e < edits; e++) {
    const at = int(r, b.length + 1);
    switch (int(r, 6)) {
      case 0:
        b.splice(at, 1 + int(r, 4));
        break;
      case 1:
        b.splice(at, 0, int(r, 256));
        break;
      case 2:
        if (at < b.length) b[at] = int(r, 256);
        break;
      case 3:
        b = b.slice(0, at);
        break;
      case 4:
        if (at < b.length) b[at] = (b[at]! + int(r, 5) - 2) & 0xff;
        break;
      default:
        b = b.concat(b.slice(0, int(r, b.length + 1)));
    }
  }
  return new Uint8Array(b);
}

/** One input for a target: a third arbitrary text, a third bytes (or text), a third mutated seed. */
export function inputFor(r: Rng, accepts: "text" | "bytes" | "both", seeds: readonly FuzzInput[]): FuzzInput {
  const k = int(r, 3);
  if (k === 2 && seeds.length) return mutate(r, seeds[int(r, seeds.length)]!, seeds);
  const big = r() < 0.02 ? 4096 : 64;
  if (accepts === "text") return randomText(r, big);
  if (accepts === "bytes") return randomBytes(r, big);
  return k === 0 ? randomText(r, big) : randomBytes(r, big);
}
