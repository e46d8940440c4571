// Engine.IO codec layer (rev 3 and 4): public API. See protocol/README.md, section engineio/.
export {
  decodeEioPacket,
  decodeTextPacket,
  parseEioOpen,
  EIO_PACKET_TYPES,
  EIO_TYPE_IDS,
  type EioPacket,
  type EioPacketType,
  type EioOpen,
  type NonConformance,
} from "./packet.ts";
export { decodeEioPayload, type DecodePayloadOptions } from "./payload.ts";
export { decodeV3TextPayload, decodeV3BinaryPayload, utf8DecodeWtf, type EioPayloadResult, type DoubleUtf8Mode } from "./payload-v3.ts";
export { decodeV4TextPayload, RECORD_SEPARATOR } from "./payload-v4.ts";
export { unwrapJsonp, decodeFormBody, escapeFormPayload, wrapJsonp } from "./jsonp.ts";
export { WebTransportFrameDecoder, encodeWebTransportFrame } from "./webtransport.ts";
export { classifyHttpReply, EIO_ERROR_NAMES, type HttpReply, type ClassifyHint } from "./http.ts";
export { encodeEioPacket, encodeEioPayload, type EncodeOptions, type EncodePayloadOptions } from "./encode.ts";
export { base64Encode, base64Decode } from "./base64.ts";
