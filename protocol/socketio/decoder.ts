// SioDecoder: the Socket.IO layer of ONE Engine.IO session in ONE direction. It keeps the
// binary reconstruction state (a BINARY_* header waits for its N attachments) across
// frames, HTTP bodies and the polling→WebSocket switch, and remembers the parser it detected.
import { decodeError, isDecodeError, type ParserKind } from "../types.ts";
import { toBytes, type SioDecodeError, type SioPacket } from "./packet.ts";
import { decodeSioString } from "./default-parser.ts";
import { reconstructData } from "./reconstruct.ts";
import { decodeMsgpackPacket, sniffMsgpack } from "./msgpack.ts";
import { decodeJsonPacket } from "./json-parser.ts";
import { objectToPacket } from "./object-packet.ts";

export interface SioDecoderOptions {
  rev: 3 | 4 | 5;
  /** "auto" (default): msgpack if a binary message is a notepack map with type+nsp, json if text starts with `{`, default for digits. */
  parser?: ParserKind | "auto";
}

export type SioDecoded = SioPacket | SioDecodeError;

interface Pending {
  packet: SioPacket;
  header: string;
  need: number;
  buffers: Uint8Array[];
  /** An attachment was cut by the capture: its whole length. */
  cut?: number;
}

const C_0 = 48;
const C_9 = 57;
const C_BRACE = 123;

export class SioDecoder {
  readonly rev: 3 | 4 | 5;
  private kind: ParserKind | "auto";
  private pending: Pending | null = null;

  constructor(opts: SioDecoderOptions) {
    this.rev = opts.rev;
    this.kind = opts.parser ?? "auto";
  }

  /** The parser in use: what was configured, or what "auto" detected (sticky once detected). */
  get parser(): ParserKind | "auto" {
    return this.kind;
  }

  /** Attachments still awaited by a pending BINARY_* packet (0 when none). */
  get pendingAttachments(): number {
    return this.pending ? this.pending.need - this.pending.buffers.length : 0;
  }

  /**
   * One Engine.IO message's data → the packets it completes (often none or one) and errors.
   * `cut`: the message is the start of one this long, cut by the capture (SioPacket.cut).
   * Never throws.
   */
  push(message: string | Uint8Array, cut?: number): SioDecoded[] {
    if (typeof message === "string") return this.pushText(message, cut);
    if (message instanceof Uint8Array) return this.pushBinary(toBytes(message), cut);
    return [decodeError("sio", "message is neither text nor bytes", 0, String(message))];
  }

  /** Drops a pending binary packet (session ended); returns it as an error when there was one. */
  flush(): SioDecodeError[] {
    const p = this.pending;
    if (!p) return [];
    this.pending = null;
    return [this.dropped(p, `incomplete binary packet: ${p.buffers.length} of ${p.need} attachments`)];
  }

  private pushText(text: string, cut?: number): SioDecoded[] {
    let out: SioDecoded[] | undefined;
    if (this.pending) {
      out = [this.dropped(this.pending, "got plaintext data when reconstructing a packet")];
      this.pending = null;
    }
    let kind = this.kind;
    if (kind === "auto") {
      const c = text.charCodeAt(0);
      if (c >= C_0 && c <= C_9) kind = this.kind = "default";
      else if (c === C_BRACE) kind = this.kind = this.rev === 5 ? "json" : "msgpack";
      else kind = "default"; // undetected: report it as the default parser would
    }
    let r: SioDecoded | null;
    if (kind === "default") r = this.decodeDefault(text, cut);
    else if (kind === "json") r = decodeJsonPacket(text, "json");
    else if (this.rev !== 5) r = decodeJsonPacket(text, "msgpack2");
    else r = decodeError("msgpack", "text message on a msgpack 3.x connection", 0, text);
    if (r === null) return out ?? [];
    if (out) {
      out.push(r);
      return out;
    }
    return [r];
  }

  private decodeDefault(text: string, cut?: number): SioDecoded | null {
    const p = decodeSioString(this.rev, text, cut);
    // Only BINARY_* packets (and rev-3 ACKs) carry an attachment count; test the type digit
    // first so the common EVENT/ACK path does no property lookups on a polymorphic result.
    const t = text.charCodeAt(0);
    if ((t !== 53 && t !== 54 && t !== 51) || isDecodeError(p) || p.attachments === undefined) return p;
    if (p.attachments === 0) return this.complete(p, text, []);
    // a cut header keeps its count (the attachments still come and are consumed) but no placeholders
    this.pending = { packet: p, header: text, need: p.attachments, buffers: [] };
    return null;
  }

  private pushBinary(bytes: Uint8Array, cut?: number): SioDecoded[] {
    const p = this.pending;
    if (p) {
      p.buffers.push(bytes);
      if (cut !== undefined) p.cut ??= cut;
      if (p.buffers.length < p.need) return [];
      this.pending = null;
      const r = this.complete(p.packet, p.header, p.buffers);
      if (p.cut !== undefined && !isDecodeError(r)) r.cut ??= p.cut;
      return [r];
    }
    if (this.kind === "msgpack") return [decodeMsgpackPacket(this.rev === 5 ? 3 : 2, bytes)];
    if (this.kind === "auto") {
      const s = sniffMsgpack(bytes);
      if (s) {
        this.kind = "msgpack";
        return [objectToPacket(s.value, this.rev === 5 ? "msgpack3" : "msgpack2", bytes)];
      }
    }
    return [decodeError("sio", "got binary data when not reconstructing a packet", 0, bytes)];
  }

  private complete(packet: SioPacket, header: string, buffers: Uint8Array[]): SioDecoded {
    if (packet.data === undefined || packet.cut !== undefined) return packet;
    const r = reconstructData(packet.data, buffers);
    if (r === null) return this.dropped({ packet, header, need: buffers.length, buffers }, "illegal attachments");
    packet.data = r.data;
    return packet;
  }

  private dropped(p: Pending, reason: string): SioDecodeError {
    return { ...decodeError("sio", reason, 0, p.header), attachments: p.buffers };
  }
}
