// decodeEioPayload: one HTTP polling body (either direction) → Engine.IO packets.
// Picks the framing (JSONP, form, XHR2 binary, text) and hands over to the revision's decoder.
import { decodeError, isDecodeError, type EioRevision } from "../types.ts";
import { byteStringToBytes, isByteString, utf8Decode } from "../bytes.ts";
import { decodeFormBody, unwrapJsonp } from "./jsonp.ts";
import { plainBytes } from "./packet.ts";
import { decodeV3BinaryPayload, decodeV3TextPayload, type DoubleUtf8Mode, type EioPayloadResult } from "./payload-v3.ts";
import { decodeV4TextPayload } from "./payload-v4.ts";

export interface DecodePayloadOptions {
  /** Response/request Content-Type; `application/octet-stream` selects the rev 3 XHR2 binary form. */
  contentType?: string;
  /** Body is a JSONP GET response `___eio[N]("…");` (auto-detected when it starts with `___eio[`). */
  jsonp?: boolean;
  /** Body is a JSONP POST form `d=…` (auto-detected when it starts with `d=`). */
  form?: boolean;
  /** Rev 3 only: guess Socket.IO 1.x double-UTF-8 bodies ("auto", default), never, or always. */
  doubleUtf8?: DoubleUtf8Mode;
  /**
   * The body is the start of one the capture cut short (CaptureData.truncated): its last packet
   * is decoded as far as it goes, and the result's `cut` says so.
   */
  cut?: boolean;
}

function isOctetStream(ct: string | undefined): boolean {
  return ct !== undefined && ct.toLowerCase().includes("application/octet-stream");
}

/**
 * Offsets of errors refer to the body, except after JSONP/form unwrapping where they refer to
 * the unwrapped payload string (which is the error's `raw`).
 */
export function decodeEioPayload(rev: EioRevision, body: string | Uint8Array, opts: DecodePayloadOptions = {}): EioPayloadResult {
  try {
    return decode(rev, body, opts);
  } catch (e) {
    // Safety net: the decoders are written not to throw; if one ever does, it is still a DecodeError.
    return { packets: [], errors: [decodeError("eio", `internal decoder error: ${String(e)}`, 0, typeof body === "string" || body instanceof Uint8Array ? body : "")] };
  }
}

function decode(rev: EioRevision, body: string | Uint8Array, opts: DecodePayloadOptions): EioPayloadResult {
  let text: string;
  if (typeof body === "string") {
    // A byte string starting 00/01 can only be an XHR2 body read as latin1 (text payloads start with a digit).
    if (rev === 3 && body.length > 0 && body.charCodeAt(0) <= 1 && !opts.jsonp && !opts.form && isByteString(body))
      return decodeV3BinaryPayload(byteStringToBytes(body), opts.cut);
    text = body;
  } else if (body instanceof Uint8Array) {
    body = plainBytes(body);
    // XHR2 entries start with 00/01; a body starting with a digit is a text payload even if
    // mislabelled octet-stream (the two forms cannot be confused on their first byte).
    const b0 = body.length > 0 ? body[0]! : -1;
    if (rev === 3 && !opts.jsonp && !opts.form && (b0 === 0 || b0 === 1 || (isOctetStream(opts.contentType) && !(b0 >= 0x30 && b0 <= 0x39))))
      return decodeV3BinaryPayload(body, opts.cut);
    if (rev === 4 && isOctetStream(opts.contentType))
      return { packets: [], errors: [decodeError("eio", "rev 4 has no binary payload form (servers answer 400)", 0, body)] };
    text = utf8Decode(body);
  } else {
    return { packets: [], errors: [decodeError("eio", "body is neither text nor bytes", 0, "")] };
  }
  const c0 = text.charCodeAt(0);
  if (opts.jsonp || (opts.jsonp === undefined && c0 === 95 /* _ */ && text.startsWith("___eio["))) {
    const inner = unwrapJsonp(text);
    if (isDecodeError(inner)) return { packets: [], errors: [inner] };
    if (inner instanceof Uint8Array) {
      if (rev === 3) return decodeV3BinaryPayload(inner);
      return { packets: [], errors: [decodeError("eio", "rev 4 JSONP body holds a binary payload", 0, text)] };
    }
    text = inner;
  } else if (opts.form || (opts.form === undefined && c0 === 100 /* d */ && text.charCodeAt(1) === 61 /* = */)) {
    const inner = decodeFormBody(text);
    if (isDecodeError(inner)) return { packets: [], errors: [inner] };
    text = inner;
  }
  if (rev === 3) return decodeV3TextPayload(text, opts.doubleUtf8, opts.cut);
  const r = decodeV4TextPayload(text);
  // packets are split on U+001E: the last piece of a cut body is the cut packet's start
  if (opts.cut && r.errors.length === 0 && r.packets.length > 0) r.cut = true;
  return r;
}
