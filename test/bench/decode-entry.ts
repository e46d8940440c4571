// What the decode benchmark bundles: the decoders a panel runs on every frame.
export { decodeEioPacket, decodeEioPayload } from "../../protocol/engineio/index.ts";
export { SioDecoder } from "../../protocol/socketio/index.ts";
export { isDecodeError } from "../../protocol/types.ts";
