// Engine.IO rev 4 polling payload: packets joined by U+001E, binary as `b<base64>`
// (PROTOCOL.md 5). Like the reference we split on every U+001E (it cannot be escaped) and
// stop at the first piece that does not decode; unlike it we keep the packets before it.
import { decodeError } from "../types.ts";
import { decodeTextPacket, type EioPacket } from "./packet.ts";
import type { EioPayloadResult } from "./payload-v3.ts";

export const RECORD_SEPARATOR = "\x1e";

export function decodeV4TextPayload(text: string): EioPayloadResult {
  const packets: EioPacket[] = [];
  const n = text.length;
  if (n === 0) return { packets, errors: [decodeError("eio", "empty payload", 0, text)] };
  let i = 0;
  for (;;) {
    const j = text.indexOf(RECORD_SEPARATOR, i);
    const end = j < 0 ? n : j;
    const p = decodeTextPacket(4, text, i, end, text);
    if ("kind" in p) return { packets, errors: [p] };
    packets.push(p);
    if (j < 0) return { packets, errors: [] };
    i = j + 1;
  }
}
