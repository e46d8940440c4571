// How capture events travel inside the extension (hook → relay → background → storage and panel):
// JSON arrays whose items are capture events (protocol/capture.ts) — or, for the one kind a busy
// page sends thousands of a second, WebSocket frames, a compact positional form:
//
//   [conn, dir, ts, text]            a text frame     dir: 0 = out (sent), 1 = in (received)
//   [conn, dir, ts, null, base64]    a binary frame
//
// A frame as an object (`{"type":"ws-frame","conn":…,"dir":…,"v":1,"ts":…,"data":{"text":…}}`)
// is ~50 characters of field names around its data, and every extension message carries its JSON
// as an escaped string again (relay → background, background → storage, background → panel): on
// a small-message flood that framing was more than half of all the bytes. Everything that reads
// a batch goes through `expandEvent`, which turns the compact form back into the object and
// leaves anything else as it is; what the page cannot get right (a malformed compact item) comes
// back as null, and the caller skips it as it skips any other malformed event.
import { CAPTURE_VERSION, type CaptureData, type WsFrameEvent } from "../../protocol/capture.ts";

export type CompactFrame = [conn: string, dir: 0 | 1, ts: number, text: string] | [conn: string, dir: 0 | 1, ts: number, text: null, base64: string];

/** The compact form of a WebSocket frame (see the top of this file). */
export function compactFrame(conn: string, dir: "in" | "out", ts: number, data: CaptureData): CompactFrame {
  const d = dir === "in" ? 1 : 0;
  return "text" in data ? [conn, d, ts, data.text] : [conn, d, ts, null, data.base64];
}

/**
 * One item of a batch as a capture event: a compact frame becomes the WsFrameEvent it stands
 * for (null when it is not a well-formed one), anything else is returned unchanged for the
 * caller's own checks.
 */
export function expandEvent(x: unknown): unknown {
  if (!Array.isArray(x)) return x;
  const [conn, dir, ts, text, base64] = x as unknown[];
  if (typeof conn !== "string" || (dir !== 0 && dir !== 1) || typeof ts !== "number") return null;
  let data: CaptureData;
  if (typeof text === "string" && x.length === 4) data = { text };
  else if (text === null && typeof base64 === "string" && x.length === 5) data = { base64 };
  else return null;
  const ev: WsFrameEvent = { type: "ws-frame", conn, dir: dir === 1 ? "in" : "out", v: CAPTURE_VERSION, ts, data };
  return ev;
}
