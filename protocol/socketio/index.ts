// Socket.IO packet layer (revs 3/4/5; default, msgpack and JSON parsers). See ../README.md.
export * from "./packet.ts";
export { decodeSioString, checkPayload, MAX_ATTACHMENTS, ATTACHMENTS_SANITY_LIMIT } from "./default-parser.ts";
export { reconstructData, deconstructData, hasBinary } from "./reconstruct.ts";
export { decodeMsgpackPacket, encodeMsgpackPacket, sniffMsgpack, decodeNotepack } from "./msgpack.ts";
export { decodeJsonPacket, encodeJsonPacket } from "./json-parser.ts";
export { objectToPacket, packetToObject, type ObjectFlavour } from "./object-packet.ts";
export { encodeSioPacket } from "./encode.ts";
export { SioDecoder, type SioDecoderOptions, type SioDecoded } from "./decoder.ts";
export { splitRecoveryOffset } from "./recovery.ts";
