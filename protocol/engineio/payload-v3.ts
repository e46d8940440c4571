// Engine.IO rev 3 (and 2) polling payloads: the text form `<len>:<packet>…` and the XHR2
// binary form `<00|01> <length digits as bytes> ff <packet bytes>…` (PROTOCOL.md 4.3, 4.4).
//
// Error semantics (a deliberate departure from the reference): engine.io-parser drops the
// *whole* payload on the first bad entry. We keep every packet decoded before the error,
// report one DecodeError whose offset points at the first unit that did not parse, and
// stop there: the length prefix is the only framing, so nothing after a bad entry can be
// trusted to start on a packet boundary. A viewer loses less that way and the error still
// says exactly where the body went wrong; the session layer sees the same packets the real
// peer would have accepted up to that point plus the error.
import { decodeError, type DecodeError } from "../types.ts";
import { utf8Decode } from "../bytes.ts";
import { decodeTextPacket, plainBytes, EIO_PACKET_TYPES, type EioPacket, type NonConformance } from "./packet.ts";

export interface EioPayloadResult {
  packets: EioPacket[];
  errors: DecodeError[];
  nonConformant?: NonConformance;
  /**
   * Decoded with `cut` (the body is the start of one the capture cut short): the last packet is
   * the start of the one the cut went through. Absent when the cut fell where nothing decodes.
   */
  cut?: true;
}

/** How `len` is counted: UTF-16 code units (the spec), code points, or UTF-8 bytes. */
const UTF16 = 0;
const CODEPOINT = 1;
const UTF8 = 2;
type Unit = typeof UTF16 | typeof CODEPOINT | typeof UTF8;

interface Parsed {
  packets: EioPacket[];
  error: DecodeError | null;
  /** The last packet ran past the end of a cut body (parsed with `cut`). */
  cut?: true;
}

/** Largest length we bother computing exactly; anything above exceeds every body anyway. */
const LEN_CAP = 2 ** 40;

function parseLengthPrefixed(text: string, unit: Unit, doubleUtf8: boolean, cut = false): Parsed {
  const packets: EioPacket[] = [];
  const n = text.length;
  if (n === 0) return { packets, error: decodeError("eio", "empty payload", 0, text) };
  let i = 0;
  while (i < n) {
    const lenStart = i;
    let len = 0;
    let c = 0;
    while (i < n) {
      c = text.charCodeAt(i);
      if (c < 48 || c > 57) break;
      if (len < LEN_CAP) len = len * 10 + (c - 48);
      i++;
    }
    if (i === lenStart) return { packets, error: decodeError("eio", "expected a decimal length", i, text) };
    if (i >= n) return { packets, error: decodeError("eio", "length without ':' at the end of the payload", lenStart, text) };
    if (c !== 58) return { packets, error: decodeError("eio", "expected ':' after the length", i, text) };
    const start = ++i;
    let end: number;
    // a cut body's last entry runs past its end: it is the start of the packet the cut went through
    let short = false;
    if (unit === UTF16) {
      end = start + len;
      if (end > n) {
        if (!cut) return { packets, error: decodeError("eio", `declared length ${len} exceeds the ${n - start} remaining characters`, start, text) };
        end = n;
        short = true;
      }
    } else if (unit === CODEPOINT) {
      let j = start;
      let k = 0;
      while (k < len && j < n) {
        const h = text.charCodeAt(j);
        j += h >= 0xd800 && h <= 0xdbff && j + 1 < n && (text.charCodeAt(j + 1) & 0xfc00) === 0xdc00 ? 2 : 1;
        k++;
      }
      if (k < len && !cut) return { packets, error: decodeError("eio", `declared length ${len} exceeds the remaining code points`, start, text) };
      short = k < len;
      end = j;
    } else {
      let j = start;
      let b = 0;
      while (b < len && j < n) {
        const h = text.charCodeAt(j);
        if (h < 0x80) b += 1;
        else if (h < 0x800) b += 2;
        else if (h >= 0xd800 && h <= 0xdbff && j + 1 < n && (text.charCodeAt(j + 1) & 0xfc00) === 0xdc00) {
          b += 4;
          j++;
        } else b += 3;
        j++;
      }
      short = cut && b < len && j >= n;
      if (b !== len && !short) return { packets, error: decodeError("eio", `declared length ${len} does not end on a UTF-8 character boundary`, start, text) };
      end = j;
    }
    i = end;
    if (end === start) continue; // `0:` = empty entry, no packet
    let p: EioPacket | DecodeError;
    if (doubleUtf8) {
      const s = byteStringUtf8(text, start, end);
      if (s === null) return { packets, error: decodeError("eio", "packet is not a UTF-8 byte string", start, text) };
      p = decodeTextPacket(3, s, 0, s.length, s);
      if ("kind" in p) return { packets, error: decodeError("eio", p.reason, start + p.offset, text) };
    } else {
      p = decodeTextPacket(3, text, start, end, text);
      if ("kind" in p) return { packets, error: p };
    }
    packets.push(p);
    if (short) return { packets, error: null, cut: true };
  }
  return { packets, error: null };
}

/**
 * `s[start..end)` holds one char per byte of UTF-8 (engine.io-parser 1.x `utf8.encode`):
 * decode it, or null when it is not such a string. WTF-8 lone surrogates (ED A0..BF xx,
 * written by wtf-8 in parser 1.3.x) become U+FFFD, as browsers show them.
 */
function byteStringUtf8(s: string, start: number, end: number): string | null {
  let high = false;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c > 0xff) return null;
    high = true;
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) need = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      if (c === 0xe0) lo = 0xa0;
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      if (c === 0xf0) lo = 0x90;
      else if (c === 0xf4) hi = 0x8f;
    } else return null;
    if (i + need >= end) return null;
    const c1 = s.charCodeAt(i + 1);
    if (c1 < lo || c1 > hi) return null;
    for (let k = 2; k <= need; k++) {
      const ck = s.charCodeAt(i + k);
      if (ck < 0x80 || ck > 0xbf) return null;
    }
    i += need;
  }
  const sub = s.substring(start, end);
  if (!high) return sub;
  const bytes = new Uint8Array(end - start);
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    // WTF-8 surrogate ED A0..BF xx → EF BF BD (U+FFFD)
    if (c === 0xed && s.charCodeAt(i + 1) >= 0xa0) {
      bytes[i - start] = 0xef;
      bytes[i - start + 1] = 0xbf;
      bytes[i - start + 2] = 0xbd;
      i += 2;
      continue;
    }
    bytes[i - start] = c;
  }
  return utf8Decode(bytes);
}

/**
 * 0 = ASCII only; 1 = every char ≤ U+00FF and the high ones form well-shaped UTF-8
 * sequences (a plausible double-UTF-8 body); 2 = anything else. Stops at the first char
 * that rules double-UTF-8 out, so ordinary non-ASCII bodies cost almost nothing here.
 */
const NON_ASCII = /[^\x00-\x7f]/;

function charClass(s: string): 0 | 1 | 2 {
  // the native regex scan skips the ASCII run (most of a body) far faster than a JS loop
  const first = s.search(NON_ASCII);
  if (first < 0) return 0;
  let cls: 0 | 1 = 0;
  const n = s.length;
  for (let i = first; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0xc2 || c > 0xf4) return 2;
    const need = c < 0xe0 ? 1 : c < 0xf0 ? 2 : 3;
    if (i + need >= n) return 2;
    for (let k = 1; k <= need; k++) {
      const ck = s.charCodeAt(i + k);
      if (ck < 0x80 || ck > 0xbf) return 2;
    }
    i += need;
    cls = 1;
  }
  return cls;
}

/** The conformant case, kept lean: UTF-16 lengths, no retries. */
function parseUtf16(text: string): Parsed {
  const packets: EioPacket[] = [];
  const n = text.length;
  if (n === 0) return { packets, error: decodeError("eio", "empty payload", 0, text) };
  let i = 0;
  while (i < n) {
    const lenStart = i;
    let len = 0;
    let c = 0;
    while (i < n) {
      c = text.charCodeAt(i);
      if (c < 48 || c > 57) break;
      if (len < LEN_CAP) len = len * 10 + (c - 48);
      i++;
    }
    if (i === lenStart || i >= n || c !== 58) return parseLengthPrefixed(text, UTF16, false); // slow path words the error
    const start = i + 1;
    const end = start + len;
    if (end > n) return parseLengthPrefixed(text, UTF16, false);
    i = end;
    if (len === 0) continue;
    const t = text.charCodeAt(start) - 48;
    if (t >= 0 && t <= 6) {
      packets.push(len === 1 ? { type: EIO_PACKET_TYPES[t]! } : { type: EIO_PACKET_TYPES[t]!, data: text.substring(start + 1, end) });
      continue;
    }
    const p = decodeTextPacket(3, text, start, end, text);
    if ("kind" in p) return { packets, error: p };
    packets.push(p);
  }
  return { packets, error: null };
}

export type DoubleUtf8Mode = "auto" | "never" | "always";

/**
 * Rev 3 text payload. Conformant bodies (UTF-16 lengths) decode in one pass. Then:
 * - a body whose chars are all ≤ U+00FF, some ≥ U+0080, and whose packets are valid UTF-8
 *   byte strings is a Socket.IO 1.x double-UTF-8 body (PROTOCOL.md 4.3 quirk) even when the
 *   UTF-16 lengths happen to fit (they always do: one char per byte) → `double-utf8`.
 *   `doubleUtf8: "never"` turns this guess off, `"always"` forces it.
 * - on a length mismatch, retry counting code points, then UTF-8 bytes (non-JS peers);
 *   the first that decodes the whole body wins and is flagged.
 * - otherwise: the packets before the error, and the error (of the UTF-16 attempt).
 */
export function decodeV3TextPayload(text: string, doubleUtf8: DoubleUtf8Mode = "auto", cut = false): EioPayloadResult {
  if (cut) {
    // the start of a body the capture cut: its lengths as the spec counts them, the last entry
    // decoded as far as it goes (no guessing at other units: the cut would fool every count)
    const c = parseLengthPrefixed(text, UTF16, doubleUtf8 === "always", true);
    const r: EioPayloadResult = { packets: c.packets, errors: c.error ? [c.error] : [] };
    if (c.cut) r.cut = true;
    return r;
  }
  if (doubleUtf8 === "always") {
    const d = parseLengthPrefixed(text, UTF16, true);
    return d.error ? { packets: d.packets, errors: [d.error], nonConformant: "double-utf8" } : { packets: d.packets, errors: [], nonConformant: "double-utf8" };
  }
  const r = parseUtf16(text);
  const cls = doubleUtf8 === "never" && !r.error ? 0 : charClass(text);
  if (cls === 1 && doubleUtf8 === "auto") {
    const d = parseLengthPrefixed(text, UTF16, true);
    if (!d.error) return { packets: d.packets, errors: [], nonConformant: "double-utf8" };
  }
  if (!r.error) return { packets: r.packets, errors: [] };
  if (cls !== 0) {
    const cp = parseLengthPrefixed(text, CODEPOINT, false);
    if (!cp.error) return { packets: cp.packets, errors: [], nonConformant: "codepoint-lengths" };
    const u8 = parseLengthPrefixed(text, UTF8, false);
    if (!u8.error) return { packets: u8.packets, errors: [], nonConformant: "utf8-byte-lengths" };
  }
  return { packets: r.packets, errors: [r.error] };
}

/** UTF-8 bytes → text; WTF-8 lone surrogates become one U+FFFD each (not three). */
export function utf8DecodeWtf(b: Uint8Array): string {
  const s = utf8Decode(b);
  if (s.indexOf("\ufffd") < 0) return s;
  let fixed: Uint8Array | null = null;
  for (let i = 0; i + 2 < b.length; i++) {
    if (b[i] === 0xed && b[i + 1]! >= 0xa0 && b[i + 1]! <= 0xbf && b[i + 2]! >= 0x80 && b[i + 2]! <= 0xbf) {
      if (!fixed) fixed = b.slice();
      fixed[i] = 0xef;
      fixed[i + 1] = 0xbf;
      fixed[i + 2] = 0xbd;
      i += 2;
    }
  }
  return fixed ? utf8Decode(fixed) : s;
}

/**
 * Rev 3 XHR2 binary payload. Binary packet data are views into `b` (no copy). `cut`: `b` is the
 * start of a body the capture cut, whose last entry is decoded as far as it goes.
 */
export function decodeV3BinaryPayload(b: Uint8Array, cut = false): EioPayloadResult {
  b = plainBytes(b);
  const packets: EioPacket[] = [];
  const n = b.length;
  const fail = (reason: string, offset: number): EioPayloadResult => ({ packets, errors: [decodeError("eio", reason, offset, b)] });
  let i = 0;
  while (i < n) {
    const kind = b[i]!;
    if (kind > 1) return fail(`binary payload entry kind byte ${kind} is neither 00 (string) nor 01 (binary)`, i);
    i++;
    const digitsStart = i;
    let len = 0;
    for (;;) {
      if (i >= n) return fail("binary payload length not terminated by ff", digitsStart);
      const d = b[i]!;
      if (d === 0xff) break;
      if (d > 9) return fail(`binary payload length digit byte ${d} is not 0-9`, i);
      if (i - digitsStart >= 310) return fail("binary payload length has more than 310 digits", i);
      if (len < LEN_CAP) len = len * 10 + d;
      i++;
    }
    if (i === digitsStart) return fail("binary payload entry without length digits", i);
    const start = ++i;
    let end = start + len;
    const short = cut && end > n;
    if (short) end = n;
    else if (end > n) return fail(`declared length ${len} exceeds the ${n - start} remaining bytes`, start);
    if (kind === 0) {
      const s = utf8DecodeWtf(b.subarray(start, end));
      const p = decodeTextPacket(3, s, 0, s.length, s);
      if ("kind" in p) return fail(p.reason, start);
      packets.push(p);
    } else {
      if (len === 0) return fail("binary payload entry of length 0 has no type byte", start);
      const t = b[start]!;
      if (t > 6) return fail(`unknown binary packet type byte ${t}`, start);
      packets.push({ type: EIO_PACKET_TYPES[t]!, data: b.subarray(start + 1, end) });
    }
    if (short) return { packets, errors: [], cut: true };
    i = end;
  }
  return { packets, errors: [] };
}
