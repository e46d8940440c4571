// socket.io-json-parser 3.x (protocol 5): the whole packet JSON.stringify'd in one text
// message. Also the JSON text form of socket.io-msgpack-parser 2.x CONNECT/DISCONNECT/ERROR.
import { decodeError, type DecodeError } from "../types.ts";
import type { SioPacket } from "./packet.ts";
import { objectToPacket, packetToObject, type ObjectFlavour } from "./object-packet.ts";

/** One JSON-parser text message → packet. `flavour` "msgpack2" for the text packets of msgpack-parser 2.x. */
export function decodeJsonPacket(text: string, flavour: ObjectFlavour = "json"): SioPacket | DecodeError {
  let obj: unknown;
  try {
    obj = JSON.parse(text);
  } catch {
    return decodeError(flavour === "json" ? "json" : "msgpack", "invalid JSON", 0, text);
  }
  return objectToPacket(obj, flavour, text);
}

/** Packet → the JSON text socket.io-json-parser (and msgpack-parser 2.x for types 0/1/4) sends. */
export function encodeJsonPacket(p: SioPacket): string {
  return JSON.stringify(packetToObject(p));
}
