// Packets that travel as a whole object (msgpack parser, JSON parser): validation rules of
// the real decoders, shared by msgpack.ts and json-parser.ts.
import { decodeError, type DecodeError, type Layer, type Bytes } from "../types.ts";
import { isPlainObject, type SioNote, type SioPacket, type SioType } from "./packet.ts";

/** msgpack3 = socket.io-msgpack-parser 3.x; msgpack2 = 2.x; json = socket.io-json-parser 3.x. */
export type ObjectFlavour = "msgpack2" | "msgpack3" | "json";

/** Turns a decoded object into a packet, with the checks of the real decoder of that flavour. */
export function objectToPacket(obj: unknown, flavour: ObjectFlavour, raw: string | Bytes): SioPacket | DecodeError {
  const layer: Layer = flavour === "json" ? "json" : "msgpack";
  if (!isPlainObject(obj)) return decodeError(layer, "packet is not a map", 0, raw);
  const type = obj.type;
  const maxType = flavour === "msgpack2" ? 6 : 4;
  if (typeof type !== "number" || !Number.isInteger(type) || type < 0 || type > maxType)
    return decodeError(layer, "invalid packet type", 0, raw);
  const nsp = obj.nsp;
  if (typeof nsp !== "string") return decodeError(layer, "invalid namespace", 0, raw);
  const data = obj.data;
  let note: SioNote | undefined;
  switch (type) {
    case 0:
      if (data !== undefined && (flavour === "msgpack2" || !isPlainObject(data)))
        return decodeError(layer, "invalid payload: CONNECT", 0, raw);
      break;
    case 1:
      if (data !== undefined) return decodeError(layer, "invalid payload: DISCONNECT has no payload", 0, raw);
      break;
    case 4:
      if (typeof data === "string") {
        if (flavour === "json") note = "string-connect-error"; // json-parser refuses it; an odd peer may send it
      } else if (flavour === "msgpack2" || !isPlainObject(data)) {
        return decodeError(layer, "invalid payload: ERROR", 0, raw);
      }
      break;
    default:
      if (!Array.isArray(data)) return decodeError(layer, "invalid payload: array expected", 0, raw);
  }
  const id = obj.id;
  if (id !== undefined && (typeof id !== "number" || !Number.isInteger(id)))
    return decodeError(layer, "invalid packet id", 0, raw);
  const p: SioPacket = { type: type as SioType, nsp };
  if (data !== undefined) p.data = data;
  if (id !== undefined) p.id = id;
  if (isPlainObject(obj.options)) p.options = obj.options;
  if (note) p.notes = [note];
  return p;
}

/** The object a parser serialises for a packet (key order of the server: type, nsp, data, id, options). */
export function packetToObject(p: SioPacket): Record<string, unknown> {
  const o: Record<string, unknown> = { type: p.type, nsp: p.nsp };
  if (p.data !== undefined) o.data = p.data;
  if (p.id !== undefined) o.id = p.id;
  if (p.options !== undefined) o.options = p.options;
  return o;
}
