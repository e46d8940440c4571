// Byte/string helpers every codec shares. TextEncoder/TextDecoder exist in every context we
// run in (page, worker, extension pages, Node), so no Buffer.

const encoder = new TextEncoder();
const strictDecoder = new TextDecoder("utf-8", { fatal: true });
const lenientDecoder = new TextDecoder("utf-8");

export function utf8Encode(s: string): Uint8Array {
  return encoder.encode(s);
}

/** UTF-8 → string, replacing invalid sequences with U+FFFD (what a browser does). */
export function utf8Decode(b: Uint8Array): string {
  return lenientDecoder.decode(b);
}

/** UTF-8 → string, or null when the bytes are not valid UTF-8. */
export function utf8DecodeStrict(b: Uint8Array): string | null {
  try {
    return strictDecoder.decode(b);
  } catch {
    return null;
  }
}

/** Number of UTF-8 bytes `s` encodes to, without allocating. Lone surrogates count 3 (as U+FFFD). */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** True when every char is ≤ U+00FF, i.e. the string can be a "byte string". */
export function isByteString(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0xff) return false;
  return true;
}

/** A byte string (one char per byte) → bytes. Caller checks isByteString first. */
export function byteStringToBytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 0xff;
  return out;
}

/** Bytes → byte string (one char per byte, latin1). */
export function bytesToByteString(b: Uint8Array): string {
  let s = "";
  const CHUNK = 0x8000;
  for (let i = 0; i < b.length; i += CHUNK) s += String.fromCharCode(...b.subarray(i, i + CHUNK));
  return s;
}

/**
 * Undo one level of "byte string" UTF-8 encoding (engine.io-parser 1.x utf8.encode /
 * wtf-8): returns the decoded text, or null when the chars are not a valid UTF-8 byte string.
 * Lone surrogates written as 3-byte WTF-8 (ED A0 80) are decoded leniently to U+FFFD.
 */
export function decodeByteStringUtf8(s: string): string | null {
  if (!isByteString(s)) return null;
  let ascii = true;
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) { ascii = false; break; }
  if (ascii) return s;
  const bytes = byteStringToBytes(s);
  const strict = utf8DecodeStrict(bytes);
  if (strict !== null) return strict;
  // WTF-8 lone surrogates (ED A0..BF xx) are invalid UTF-8 but valid output of wtf-8.
  if (/\xed[\xa0-\xbf][\x80-\xbf]/.test(s)) {
    const repaired = s.replace(/\xed[\xa0-\xbf][\x80-\xbf]/g, "\xef\xbf\xbd");
    return utf8DecodeStrict(byteStringToBytes(repaired));
  }
  return null;
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function toHex(b: Uint8Array, max = 64): string {
  const parts: string[] = [];
  for (let i = 0; i < Math.min(b.length, max); i++) parts.push(b[i]!.toString(16).padStart(2, "0"));
  return parts.join(" ") + (b.length > max ? ` … (${b.length} bytes)` : "");
}
