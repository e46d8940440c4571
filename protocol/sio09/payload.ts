// Several 0.9 packets in one HTTP body: `\ufffd<len>\ufffd<packet>` repeated, `len` being the
// packet's JavaScript string length (UTF-16 code units). One packet travels unframed.
// Third-party servers that counted code points or UTF-8 bytes are decoded too, and flagged.
import { decodeError, type DecodeError } from "../types.ts";
import { decodeSio09Packet, encodeSio09Packet, type Sio09Packet, type Sio09PacketInput } from "./packet.ts";

const SEP = 0xfffd;

export type Sio09LengthUnit = "utf16" | "codepoints" | "utf8";

export interface Sio09PayloadResult {
  items: Array<Sio09Packet | DecodeError>;
  /** Set when the framing only made sense with lengths counted in another unit than UTF-16. */
  nonConformant?: "codepoint-lengths" | "utf8-byte-lengths";
}

/** Index just after `count` units of `unit` starting at `start`, or -1 when the text is shorter. */
function advance(text: string, start: number, count: number, unit: Sio09LengthUnit): number {
  if (unit === "utf16") return start + count <= text.length ? start + count : -1;
  let i = start;
  let left = count;
  while (left > 0) {
    if (i >= text.length) return -1;
    const c = text.charCodeAt(i);
    const pair = c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00;
    let w: number;
    if (unit === "codepoints") w = 1;
    else w = c < 0x80 ? 1 : c < 0x800 ? 2 : pair ? 4 : 3;
    if (w > left) return -1;
    left -= w;
    i += pair ? 2 : 1;
  }
  return i;
}

/** Index of the next `\ufffd<digits>\ufffd` frame header at or after `from`, or -1. */
function nextFrameStart(text: string, from: number): number {
  let i = text.indexOf("\ufffd", from);
  while (i >= 0) {
    let k = i + 1;
    while (k < text.length && text.charCodeAt(k) >= 48 && text.charCodeAt(k) <= 57) k++;
    if (k > i + 1 && text.charCodeAt(k) === SEP) return i;
    i = text.indexOf("\ufffd", i + 1);
  }
  return -1;
}

interface Split {
  frames: Array<{ text: string; cut?: true } | DecodeError>;
  framingErrors: number;
}

function split(text: string, unit: Sio09LengthUnit, cut = false): Split {
  const frames: Split["frames"] = [];
  let framingErrors = 0;
  const n = text.length;
  let pos = 0;
  const fail = (reason: string, at: number, end: number): void => {
    frames.push(decodeError("sio09", reason, at - pos, text.slice(pos, end)));
    framingErrors++;
  };
  while (pos < n) {
    if (text.charCodeAt(pos) !== SEP) {
      const next = nextFrameStart(text, pos);
      const end = next < 0 ? n : next;
      fail("expected \\ufffd before a framed packet", pos, end);
      pos = end;
      continue;
    }
    let k = pos + 1;
    while (k < n && text.charCodeAt(k) >= 48 && text.charCodeAt(k) <= 57) k++;
    if (k === pos + 1 || k >= n || text.charCodeAt(k) !== SEP || k - pos - 1 > 15) {
      // resync at the next separator after this one
      const next = nextFrameStart(text, pos + 1);
      const end = next < 0 ? n : next;
      fail(k === pos + 1 ? "missing packet length" : "packet length is not a decimal followed by \\ufffd", k, end);
      pos = end;
      continue;
    }
    const len = Number(text.slice(pos + 1, k));
    const start = k + 1;
    const end = advance(text, start, len, unit);
    if (end < 0) {
      // a cut body's last packet runs past its end: it is the start of the one the cut went through
      if (cut) frames.push({ text: text.slice(start), cut: true });
      else fail("declared packet length exceeds the payload", start, n);
      break;
    }
    frames.push({ text: text.slice(start, end) });
    pos = end;
  }
  return { frames, framingErrors };
}

/**
 * Like decodeSio09Payload, and says when lengths were not UTF-16 code units. `cut`: the text is
 * the start of a body the capture cut short; its last packet is decoded as such (Sio09Packet.cut).
 */
export function decodeSio09PayloadDetailed(text: string, cut = false): Sio09PayloadResult {
  if (typeof text !== "string") return { items: [decodeError("sio09", "payload is not text", 0, String(text))] };
  if (text.length === 0) return { items: [] };
  if (text.charCodeAt(0) !== SEP) return { items: [decodeSio09Packet(text, cut)] };
  if (cut) {
    // lengths as the spec counts them (the cut would fool every other count)
    const c = split(text, "utf16", true);
    return { items: c.frames.map((f) => ("text" in f ? decodeSio09Packet(f.text, f.cut === true) : f)) };
  }
  let s = split(text, "utf16");
  let nonConformant: Sio09PayloadResult["nonConformant"];
  if (s.framingErrors > 0) {
    // A wrong unit can still land on a later frame header by chance, swallowing the frames in
    // between: of the units that frame the text cleanly, the one that finds more frames wins.
    let best: Split | null = null;
    for (const unit of ["codepoints", "utf8"] as const) {
      const alt = split(text, unit);
      if (alt.framingErrors === 0 && (best === null || alt.frames.length > best.frames.length)) {
        best = alt;
        nonConformant = unit === "codepoints" ? "codepoint-lengths" : "utf8-byte-lengths";
      }
    }
    if (best) s = best;
  }
  const items = s.frames.map((f) => ("text" in f ? decodeSio09Packet(f.text) : f));
  return nonConformant ? { items, nonConformant } : { items };
}

/** A poll/POST body: one unframed packet or `\ufffd`-framed packets. An empty body has none. `cut`: see decodeSio09PayloadDetailed. */
export function decodeSio09Payload(text: string, cut = false): Array<Sio09Packet | DecodeError> {
  return decodeSio09PayloadDetailed(text, cut).items;
}

/** As socket.io 0.9.19 `parser.encodePayload`: one packet unframed, several framed. */
export function encodeSio09Payload(packets: ReadonlyArray<Sio09PacketInput | string>): string {
  const enc = packets.map((p) => (typeof p === "string" ? p : encodeSio09Packet(p)));
  if (enc.length === 1) return enc[0]!;
  let out = "";
  for (const e of enc) out += "\ufffd" + e.length + "\ufffd" + e;
  return out;
}
