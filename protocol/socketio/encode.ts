// Encoders (replay / re-encode): default parser revs 4 and 5, msgpack parser, JSON parser.
import type { ParserKind } from "../types.ts";
import type { SioPacket } from "./packet.ts";
import { deconstructData, hasBinary } from "./reconstruct.ts";
import { encodeMsgpackPacket } from "./msgpack.ts";
import { encodeJsonPacket } from "./json-parser.ts";

/**
 * A packet → the data of the Engine.IO messages that carry it, header first.
 * default: EVENT/ACK whose data holds binary become BINARY_EVENT/BINARY_ACK with
 *   placeholders, the binaries follow as Uint8Array; BINARY_* without binary become EVENT/ACK.
 * msgpack: rev 5 → 3.x (one binary message, BINARY_* sent as EVENT/ACK); rev 4 → 2.x
 *   (CONNECT/DISCONNECT/ERROR as JSON text, other types as msgpack with the type unchanged).
 * json: the whole packet as JSON text (socket.io-json-parser; no binary support).
 */
export function encodeSioPacket(rev: 4 | 5, packet: SioPacket, parser: ParserKind = "default"): Array<string | Uint8Array> {
  if (parser === "json") return [encodeJsonPacket(packet)];
  if (parser === "msgpack") {
    // 3.x has no BINARY_* types (binary stays inside the map); 2.x keeps what the socket chose
    const bare: SioPacket = rev === 5 && packet.type >= 5 ? { ...packet, type: packet.type === 5 ? 2 : 3 } : packet;
    if (rev === 4 && (bare.type === 0 || bare.type === 1 || bare.type === 4)) return [encodeJsonPacket(bare)];
    return [encodeMsgpackPacket(bare)];
  }
  let { type, data } = packet;
  let buffers: Uint8Array[] = [];
  if ((type === 2 || type === 3 || type === 5 || type === 6) && hasBinary(data)) {
    ({ data, buffers } = deconstructData(data));
    type = type === 2 || type === 5 ? 5 : 6;
  } else if (type === 5 || type === 6) {
    type = type === 5 ? 2 : 3;
  }
  let s = String(type);
  if (type === 5 || type === 6) s += `${buffers.length}-`;
  if (packet.nsp && packet.nsp !== "/") s += `${packet.nsp},`;
  if (packet.id != null) s += String(packet.id);
  if (data != null) s += JSON.stringify(data);
  return buffers.length ? [s, ...buffers] : [s];
}
