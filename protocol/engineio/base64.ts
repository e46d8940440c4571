// Base64 without Buffer/atob: the codec runs in pages, workers and Node alike, and atob
// would force a binary-string round trip. Decoding is lenient in the same ways Node's
// Buffer.from(s, "base64") is (missing padding, URL-safe alphabet) but rejects any other
// character instead of silently skipping it, so garbage becomes a DecodeError.

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const ENC = new Uint8Array(64);
const DEC = new Int16Array(128).fill(-1);
for (let i = 0; i < 64; i++) {
  ENC[i] = ALPHABET.charCodeAt(i);
  DEC[ALPHABET.charCodeAt(i)] = i;
}
DEC[45] = 62; // '-' (base64url)
DEC[95] = 63; // '_'

/** Bytes → standard padded base64. */
export function base64Encode(b: Uint8Array): string {
  const n = b.length;
  const out = new Uint8Array(Math.ceil(n / 3) * 4);
  let o = 0;
  let i = 0;
  for (; i + 2 < n; i += 3) {
    const v = (b[i]! << 16) | (b[i + 1]! << 8) | b[i + 2]!;
    out[o++] = ENC[v >> 18]!;
    out[o++] = ENC[(v >> 12) & 63]!;
    out[o++] = ENC[(v >> 6) & 63]!;
    out[o++] = ENC[v & 63]!;
  }
  if (i < n) {
    const v = (b[i]! << 16) | (i + 1 < n ? b[i + 1]! << 8 : 0);
    out[o++] = ENC[v >> 18]!;
    out[o++] = ENC[(v >> 12) & 63]!;
    out[o++] = i + 1 < n ? ENC[(v >> 6) & 63]! : 61;
    out[o++] = 61;
  }
  let s = "";
  const CHUNK = 0x8000;
  for (let k = 0; k < out.length; k += CHUNK) s += String.fromCharCode.apply(null, out.subarray(k, k + CHUNK) as unknown as number[]);
  return s;
}

/**
 * base64 text `s[start..stop)` → bytes, or the offset (≥ start) of the first character that is
 * not base64 (returned as a negative number − 1, i.e. `-(offset + 1)`).
 */
export function base64Decode(s: string, start = 0, stop = s.length): Uint8Array | number {
  let end = stop;
  // up to two trailing '=' are padding
  if (end > start && s.charCodeAt(end - 1) === 61) end--;
  if (end > start && s.charCodeAt(end - 1) === 61) end--;
  const len = end - start;
  if (len % 4 === 1) return -(end + 1);
  const out = new Uint8Array(((len * 3) >> 2));
  let o = 0;
  let acc = 0;
  let bits = 0;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    const v = c < 128 ? DEC[c]! : -1;
    if (v < 0) return -(i + 1);
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  return o === out.length ? out : out.subarray(0, o);
}
