// WebTransport stream framing (engine.io ≥ 6.5, rev 4; PROTOCOL.md 5.1). Every packet on
// the single bidirectional stream is prefixed by a WebSocket-style length header:
//   byte0 bit7 = binary flag, bits0-6 = L (< 126), 126 → uint16 BE follows, 127 → uint64 BE.
// A text payload is the UTF-8 of `<type digit><data>`; a binary payload is message data.
import { decodeError, type DecodeError } from "../types.ts";
import { utf8Decode, utf8Encode } from "../bytes.ts";
import { decodeTextPacket, EIO_TYPE_IDS, plainBytes, type EioPacket } from "./packet.ts";

const HEADER = 0;
const EXT16 = 1;
const EXT64 = 2;
const PAYLOAD = 3;
const SKIP = 4;
const FAILED = 5;

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/**
 * Streaming decoder: feed it the stream's chunks as they arrive; a header or a payload may
 * be split anywhere. One instance per stream direction.
 *
 * Errors: a frame of length 0 is reported and skipped (it has no payload, the stream stays
 * in sync); a frame longer than `maxPayload` is reported and its payload skipped; a 64-bit
 * length above 2^53−1 cannot be skipped, so the decoder reports it once and then ignores the
 * rest of the stream (`failed` becomes true). Error offsets count bytes from the stream start.
 */
export class WebTransportFrameDecoder {
  private state = HEADER;
  private binary = false;
  private need = 0;
  private readonly ext = new Uint8Array(8);
  private extHave = 0;
  private parts: Uint8Array[] = [];
  private have = 0;
  private pos = 0; // stream offset of the next byte
  private frameStart = 0;
  private readonly maxPayload: number;

  constructor(opts: { maxPayload?: number } = {}) {
    this.maxPayload = opts.maxPayload ?? MAX_SAFE;
  }

  get failed(): boolean {
    return this.state === FAILED;
  }

  /** True when no partial frame is buffered (a clean frame boundary). */
  get idle(): boolean {
    return this.state === HEADER;
  }

  push(chunk: Uint8Array): Array<EioPacket | DecodeError> {
    const out: Array<EioPacket | DecodeError> = [];
    if (!(chunk instanceof Uint8Array)) {
      out.push(decodeError("webtransport", "chunk is not bytes", this.pos, ""));
      return out;
    }
    chunk = plainBytes(chunk);
    const n = chunk.length;
    let i = 0;
    while (i < n && this.state !== FAILED) {
      switch (this.state) {
        case HEADER: {
          const h = chunk[i++]!;
          this.frameStart = this.pos;
          this.pos++;
          this.binary = (h & 0x80) !== 0;
          const l = h & 0x7f;
          this.extHave = 0;
          if (l < 126) this.startPayload(l, out, chunk.subarray(i - 1, i));
          else this.state = l === 126 ? EXT16 : EXT64;
          break;
        }
        case EXT16:
        case EXT64: {
          const want = this.state === EXT16 ? 2 : 8;
          while (i < n && this.extHave < want) {
            this.ext[this.extHave++] = chunk[i++]!;
            this.pos++;
          }
          if (this.extHave < want) break;
          const e = this.ext;
          let len: number;
          if (want === 2) len = (e[0]! << 8) | e[1]!;
          else {
            const hi = ((e[0]! << 24) | (e[1]! << 16) | (e[2]! << 8) | e[3]!) >>> 0;
            const lo = ((e[4]! << 24) | (e[5]! << 16) | (e[6]! << 8) | e[7]!) >>> 0;
            if (hi > 0x1fffff) {
              out.push(decodeError("webtransport", "frame length above 2^53-1", this.frameStart, e.slice(0, 8)));
              this.state = FAILED;
              break;
            }
            len = hi * 0x100000000 + lo;
          }
          this.startPayload(len, out, e.slice(0, want));
          break;
        }
        case PAYLOAD: {
          const take = Math.min(this.need - this.have, n - i);
          if (this.have === 0 && take === this.need) {
            this.emit(chunk.subarray(i, i + take), out);
          } else {
            this.parts.push(chunk.subarray(i, i + take));
            this.have += take;
            if (this.have === this.need) {
              const buf = new Uint8Array(this.need);
              let o = 0;
              for (const p of this.parts) {
                buf.set(p, o);
                o += p.length;
              }
              this.parts = [];
              this.have = 0;
              this.emit(buf, out);
            }
          }
          i += take;
          this.pos += take;
          break;
        }
        case SKIP: {
          const take = Math.min(this.need, n - i);
          this.need -= take;
          i += take;
          this.pos += take;
          if (this.need === 0) this.state = HEADER;
          break;
        }
      }
    }
    return out;
  }

  private startPayload(len: number, out: Array<EioPacket | DecodeError>, header: Uint8Array): void {
    if (len === 0) {
      out.push(decodeError("webtransport", "frame of length 0", this.frameStart, header.slice()));
      this.state = HEADER;
    } else if (len > this.maxPayload) {
      out.push(decodeError("webtransport", `frame length ${len} exceeds maxPayload ${this.maxPayload}`, this.frameStart, header.slice()));
      this.need = len;
      this.state = SKIP;
    } else {
      this.need = len;
      this.have = 0;
      this.state = PAYLOAD;
    }
  }

  private emit(payload: Uint8Array, out: Array<EioPacket | DecodeError>): void {
    this.state = HEADER;
    if (this.binary) {
      // copy: the caller's chunk buffer may be reused by a BYOB reader
      out.push({ type: "message", data: payload.slice() });
      return;
    }
    const s = utf8Decode(payload);
    const p = decodeTextPacket(4, s, 0, s.length, s);
    out.push("kind" in p ? decodeError("webtransport", p.reason, this.frameStart, payload.slice()) : p);
  }
}

/** One packet → its WebTransport frame (header + payload). Binary data is always a message. */
export function encodeWebTransportFrame(packet: EioPacket): Uint8Array {
  const bin = packet.data instanceof Uint8Array;
  const payload = bin ? (packet.data as Uint8Array) : utf8Encode(String(EIO_TYPE_IDS[packet.type]) + ((packet.data as string | undefined) ?? ""));
  const L = payload.length;
  const hl = L < 126 ? 1 : L < 65536 ? 3 : 9;
  const out = new Uint8Array(hl + L);
  if (hl === 1) out[0] = L;
  else if (hl === 3) {
    out[0] = 126;
    out[1] = L >>> 8;
    out[2] = L & 0xff;
  } else {
    out[0] = 127;
    const hi = Math.floor(L / 0x100000000);
    const lo = L >>> 0;
    out[1] = hi >>> 24;
    out[2] = (hi >>> 16) & 0xff;
    out[3] = (hi >>> 8) & 0xff;
    out[4] = hi & 0xff;
    out[5] = lo >>> 24;
    out[6] = (lo >>> 16) & 0xff;
    out[7] = (lo >>> 8) & 0xff;
    out[8] = lo & 0xff;
  }
  if (bin) out[0] = out[0]! | 0x80;
  out.set(payload, hl);
  return out;
}
