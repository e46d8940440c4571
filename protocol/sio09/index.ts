// Socket.IO 0.9 (protocol revision 1): handshake, packets, `\ufffd` framing, and the
// JSONP / htmlfile / form wrappers of its HTTP transports. See PROTOCOL.md section 2.
export {
  decodeSio09Packet,
  encodeSio09Packet,
  SIO09_TYPE_NAMES,
  SIO09_REASONS,
  SIO09_ADVICE,
  type Sio09Packet,
  type Sio09PacketInput,
  type Sio09PacketType,
  type Sio09TypeName,
} from "./packet.ts";
export {
  decodeSio09Payload,
  decodeSio09PayloadDetailed,
  encodeSio09Payload,
  type Sio09PayloadResult,
  type Sio09LengthUnit,
} from "./payload.ts";
export {
  parseSio09Handshake,
  parseSio09HandshakeReply,
  type Sio09Handshake,
  type Sio09HandshakeReply,
} from "./handshake.ts";
export {
  unwrapSio09Body,
  unwrapSio09Htmlfile,
  parseSio09Jsonp,
  parseSio09Form,
  isSio09PostOk,
  type Sio09BodyKind,
  type Sio09Jsonp,
  type Sio09HtmlfileResult,
} from "./bodies.ts";
