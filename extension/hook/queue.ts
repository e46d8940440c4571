// The outgoing side of the hook: events are queued as cheap records (raw string / bytes /
// Blob / pending promise, no encoding), and one CustomEvent carries a whole batch to the
// content script a few milliseconds later. Encoding (base64, UTF-8 sniffing, Blob reads)
// happens only in the flush, off the page's hot path. Batches keep queue order even when a
// Blob must be read first: the next flush starts only when the previous one has dispatched.
//
// WebSocket frames, the bulk of a busy page's events, are queued as their compact form itself
// (`emitFrame`: one small array), not as an Entry around an event object that the flush then
// turns into that form. A frame waits up to a second for its batch, in the app's heap: one
// object per frame is all its young generation has to copy.
import { CAPTURE_VERSION, bytesToBase64, type CaptureData, type CaptureEvent } from "../../protocol/capture.ts";
import { BUSY_BATCH_MS, BUSY_WINDOW_MS, FLOOD_BATCH_MS, FLOOD_EVENTS, HOOK_EVENT } from "../shared/bridge.ts";
import { compactEvent, hookBatchText, type Compact, type CompactFrame, type DocBase } from "../shared/wire.ts";
import {
  NativeArrayBuffer, NativeBlob, apply, NativeTextDecoder, NativeUint8Array, abSlice, blobArrayBuffer, blobSlice, clearTimer,
  decodeText, dispatch, getter, isArray, isView, mathRandom, now, originUs, promiseThen, relNow, setTimer, strSlice, stringify,
} from "./native.ts";

/** How raw bytes become CaptureData: always text, always base64, or text when valid UTF-8. */
export type Encoding = "binary" | "auto" | "octet";
export type Raw = string | Uint8Array | Cut | Blob | Promise<string | Uint8Array>;

/**
 * A payload (frame or body) longer than this, in bytes or, for text, UTF-16 code units, is kept
 * as its first PAYLOAD_HEAD only, with its whole length (CaptureData.truncated). Copying,
 * encoding and carrying a large payload whole costs the page's main thread ~11 ms per MB in the
 * flush (two 8 MB frames stalled a page's timers by ~180 ms), and the tab's backlog (3 MB) could
 * not keep it anyway: it pushed out the session's start. 1 MiB keeps whole every payload
 * socket.io 3/4's default `maxHttpBufferSize` (1e6 bytes) lets through, and the head is enough
 * to show a large event's name, ack id and first arguments. WebTransport chunks are not cut:
 * they are pieces of a stream whose framing spans them.
 */
export const PAYLOAD_MAX = 1024 * 1024;
export const PAYLOAD_HEAD = 64 * 1024;

/** What is kept of a payload over PAYLOAD_MAX: its head, and its whole length. */
export class Cut {
  constructor(readonly head: string | Uint8Array, readonly full: number) {}
}

const bufferLength = getter<number>(NativeArrayBuffer.prototype, "byteLength");
const blobSize = getter<number>(NativeBlob.prototype, "size");

/**
 * A copy of bytes the app may change or transfer right after (what it passed to send(), what
 * a message or response carried): the whole of them, or only the head of more than PAYLOAD_MAX.
 */
export function copyBytes(data: ArrayBuffer | ArrayBufferView, cap = true): Uint8Array | Cut {
  if (data instanceof NativeArrayBuffer) {
    const n = bufferLength(data);
    if (cap && n > PAYLOAD_MAX) return new Cut(new NativeUint8Array(abSlice(data, 0, PAYLOAD_HEAD) as ArrayBuffer), n);
    return new NativeUint8Array(abSlice(data, 0) as ArrayBuffer);
  }
  const v = data as ArrayBufferView;
  const n = v.byteLength;
  const take = cap && n > PAYLOAD_MAX ? PAYLOAD_HEAD : n;
  const copy = new NativeUint8Array(take);
  copy.set(new NativeUint8Array(v.buffer, v.byteOffset, take));
  return take < n ? new Cut(copy, n) : copy;
}

/** `raw` as an entry keeps it: the head of a payload over PAYLOAD_MAX (Blobs too; a promise is cut once read). */
function keep(e: Entry, raw: Raw | undefined): void {
  if (raw instanceof Cut) {
    e.raw = raw.head;
    e.full = raw.full;
  } else if (typeof raw === "string") {
    if (raw.length > PAYLOAD_MAX) {
      e.raw = strSlice(raw, 0, PAYLOAD_HEAD) as string;
      e.full = raw.length;
    }
  } else if (raw instanceof NativeUint8Array) {
    if (raw.length > PAYLOAD_MAX) keep(e, copyBytes(raw));
  } else if (raw instanceof NativeBlob) {
    const n = blobSize(raw);
    if (n > PAYLOAD_MAX) {
      e.raw = blobSlice(raw, 0, PAYLOAD_HEAD) as Blob;
      e.full = n;
    }
  }
}

type Draft = { type: CaptureEvent["type"]; conn: string; [k: string]: unknown };
/**
 * A WebSocket frame as queued: its relative compact form (../shared/wire.ts: the number of its
 * connection, and µs since the document's clock origin), bytes still to be encoded in the flush.
 */
type QueuedFrame = [conn: number, dir: 0 | 1, ts: number, data: string | Uint8Array];
export interface Entry {
  ev: Draft;
  /** Property of `ev` that receives the encoded data ("data" or "body"). */
  key?: "data" | "body";
  raw?: Raw;
  enc?: Encoding;
  /** The whole length of a payload kept cut short (see PAYLOAD_MAX); `raw` is its head. */
  full?: number;
}

// Few wake-ups matter more than latency: the panel redraws at a human pace, and each extra
// timer task competes with the page for the main thread (most of all on a loaded machine; with
// DevTools open, every timer and event dispatch also records an async stack trace). A quiet
// page's first events leave after BATCH_DELAY_MS; while traffic keeps coming (the previous batch
// left less than BUSY_WINDOW_MS ago), one batch per BUSY_BATCH_MS, which is also the pace at
// which the relay forwards to the background; a flood waits FLOOD_BATCH_MS (../shared/bridge.ts).
const BATCH_DELAY_MS = 50;
const MAX_BATCH = 512;
/** About how much data one CustomEvent carries at most (see `send`); a single larger item goes alone. */
const MAX_DISPATCH_CHARS = 512 * 1024;
/**
 * How long a batch waits for data still being read (Blobs, fetch bodies: `emit` with a pending
 * raw holds its place in the queue meanwhile). A body that never ends must not stall the capture:
 * after this the batch leaves, those events marked unavailable.
 */
const PENDING_MAX_MS = 30_000;

const CE = CustomEvent;
const target: EventTarget = window;
const strictUtf8 = new NativeTextDecoder("utf-8", { fatal: true });

// The queue, in order: an Entry per event, except WebSocket frames, which are queued as their
// compact form itself (../shared/wire.ts: one small array, data still raw bytes when binary).
let queue: Array<Entry | QueuedFrame> = [];
let scheduled = false;
/** When the last batch was queued for the content script (the `now()` clock). */
let lastFlush = -Infinity;
/** How many events it held: FLOOD_EVENTS or more sets the flood pace. */
let lastSize = 0;
let flushing = false;
/**
 * False once a batch found nobody to take it: the relay answers every batch (preventDefault on
 * the cancelable CustomEvent), so an unanswered one means the extension was updated, disabled or
 * removed while this page stayed open. Chromium never injects a relay into it again, and a hook
 * recording for nobody costs the page every message's work until it reloads: everything that
 * records checks this first. A hook injected into this window later (Firefox re-injects on an
 * update) asks for the first one (./index.ts), which then records again (`restart`).
 */
export let recording = true;

const prefix = Math.floor(mathRandom() * 2 ** 32).toString(36);
/** What this document's relative compact items are read against; written before every batch. */
const base: DocBase = { prefix, originUs };
let counter = 0;
/** A new connection's number: its id is `connId(n)`, and relative compact items carry `n`. */
export function newConnNumber(): number {
  return ++counter;
}
/** The id of connection `n`: unique within this document (and, with high probability, across documents). */
export function connId(n: number): string {
  return prefix + "." + n.toString(36);
}
export function newConn(): string {
  return connId(newConnNumber());
}

function schedule(ts: number): void {
  if (scheduled || flushing) return;
  scheduled = true;
  setTimer(flush, queue.length >= MAX_BATCH ? 0 : ts - lastFlush >= BUSY_WINDOW_MS ? BATCH_DELAY_MS : lastSize >= FLOOD_EVENTS ? FLOOD_BATCH_MS : BUSY_BATCH_MS);
}

/** Queues an event stamped now; `raw` is encoded later into `ev[key]`. Returns its entry. */
export function emit(ev: Draft, key?: "data" | "body", raw?: Raw, enc: Encoding = "binary"): Entry {
  const ts = now();
  ev.v = CAPTURE_VERSION;
  ev.ts = ts;
  const e: Entry = { ev, key, raw, enc };
  if (ev.type !== "wt-chunk") keep(e, raw);
  if (!recording) return e;
  queue[queue.length] = e;
  schedule(ts);
  return e;
}

/**
 * Queues a WebSocket frame of connection number `conn` (newConnNumber) stamped now (the
 * "ws-frame" event, sent in its relative compact form), with no object per frame. `raw` must be
 * final: a string, or bytes the app can no longer change (a Blob, read later, goes through `emit`).
 */
export function emitFrame(conn: number, dir: 0 | 1, raw: string | Uint8Array | Cut): void {
  if (!recording) return;
  // a frame cut short travels as an object (the compact form has no room for its length)
  if (raw instanceof Cut || raw.length > PAYLOAD_MAX) {
    emit({ type: "ws-frame", conn: connId(conn), dir: dir === 1 ? "in" : "out" }, "data", raw, "binary");
    return;
  }
  const t = relNow();
  queue[queue.length] = [conn, dir, t, raw];
  schedule((originUs + t) / 1000);
}

/** Takes back an entry queued by mistake (a send that threw after we recorded it). */
export function retract(e: Entry): void {
  const i = queue.lastIndexOf(e);
  if (i >= 0) queue.splice(i, 1);
}

const nativeBtoa = typeof btoa === "function" ? btoa : undefined;
const fromCharCode = String.fromCharCode;
const CHUNK = 0x2000;

/**
 * `Uint8Array.prototype.toBase64` (Chromium 140+, Firefox 133+), saved before any page script
 * ran: in Chromium ~30 times faster than the btoa path on 1 MiB (0.17 against 5.2 ms) and ~6
 * times on a 300-byte frame (0.18 against 1.2 µs), the same text. A msgpack-parser app's every
 * frame is binary.
 */
const nativeToBase64 = (NativeUint8Array.prototype as { toBase64?: () => string }).toBase64;

/** Standard base64 (with padding): the native encoder where the browser has one, else btoa for large buffers, JS for small. */
function base64(bytes: Uint8Array): string {
  if (typeof nativeToBase64 === "function") return apply(nativeToBase64, bytes, []) as string;
  if (!nativeBtoa || bytes.length < 256) return bytesToBase64(bytes);
  let bin = "";
  for (let i = 0; i < bytes.length; i += CHUNK) {
    bin += apply(fromCharCode, null, bytes.subarray(i, i + CHUNK) as unknown as number[]) as string;
  }
  return nativeBtoa(bin);
}

function encode(raw: string | Uint8Array, enc: Encoding | undefined, full: number | undefined): CaptureData {
  if (typeof raw === "string") return full === undefined ? { text: raw } : { text: raw, truncated: full };
  // a cut head stays bytes, as `full` counts them (and it may end mid-character)
  if (enc === "auto" && full === undefined) {
    try {
      return { text: decodeText(strictUtf8, raw) as string };
    } catch {
      // not UTF-8: keep the bytes
    }
  }
  return full === undefined ? { base64: base64(raw) } : { base64: base64(raw), truncated: full };
}

function isPending(raw: Raw | undefined): raw is Blob | Promise<string | Uint8Array> {
  return raw !== undefined && typeof raw !== "string" && !(raw instanceof NativeUint8Array) && !(raw instanceof Cut);
}

function settle(e: Entry): Promise<void> {
  const raw = e.raw as Blob | Promise<string | Uint8Array>;
  const p: Promise<string | Uint8Array> =
    raw instanceof NativeBlob ? (promiseThen(blobArrayBuffer(raw), (b) => new NativeUint8Array(b as ArrayBuffer)) as Promise<Uint8Array>) : raw;
  return promiseThen(p, (v) => {
    e.raw = v as string | Uint8Array;
    if (e.full === undefined) keep(e, e.raw);
  }, (err) => {
    e.raw = undefined;
    e.ev.bodyUnavailable = "unreadable: " + String((err as Error)?.message ?? err);
  }) as Promise<void>;
}

/** The queued events' entries (frames have none) whose data must be read first (Blobs, promises). */
function pendingOf(batch: Array<Entry | QueuedFrame>): Entry[] {
  const out: Entry[] = [];
  for (let i = 0; i < batch.length; i++) {
    const e = batch[i]!;
    if (!isArray(e) && isPending(e.raw)) out[out.length] = e;
  }
  return out;
}

function send(batch: Array<Entry | QueuedFrame>): void {
  const n = batch.length;
  // one CustomEvent per MAX_BATCH events or about MAX_DISPATCH_CHARS of data keeps every bridge
  // message bounded, and so every chunk of the tab's backlog: the background can drop old chunks
  // to stay under its caps, but never the newest, so one batch of large frames must not be one chunk
  let i = 0;
  while (i < n) {
    const out: Array<Draft | Compact> = [];
    const end = Math.min(n, i + MAX_BATCH);
    let chars = 0;
    for (; i < end && chars < MAX_DISPATCH_CHARS; i++) {
      const q = batch[i]!;
      if (isArray(q)) {
        // a frame, already in its compact form once its bytes are encoded
        const raw = q[3];
        if (typeof raw === "string") {
          out[out.length] = q as CompactFrame;
          chars += raw.length;
        } else {
          const b64 = base64(raw);
          out[out.length] = [q[0], q[1], q[2], null, b64];
          chars += b64.length;
        }
        continue;
      }
      const e = q;
      const ev = e.ev;
      const data = e.key && e.raw !== undefined && !isPending(e.raw) ? encode(e.raw as string | Uint8Array, e.enc, e.full) : undefined;
      if (data !== undefined) chars += "text" in data ? data.text.length : data.base64.length;
      // HTTP requests/responses (and frames queued as entries: Blobs), the bulk of a busy
      // long-polling page's events, travel in their compact forms
      const c = compactEvent(ev, data);
      if (c) {
        out[out.length] = c;
        continue;
      }
      if (data !== undefined) ev[e.key!] = data;
      out[out.length] = ev;
    }
    let taken = true;
    try {
      taken = !dispatch(target, new CE(HOOK_EVENT, { detail: hookBatchText(base, stringify(out)), cancelable: true }));
    } catch {
      // a listener's failure is not the page's problem
    }
    if (!taken) return stop();
  }
}

/** Nobody takes our batches any more (see `recording`): stop recording, drop what waits. */
function stop(): void {
  recording = false;
  queue = [];
}

/**
 * Starts over for a new relay (the extension was injected into this page again: ./index.ts):
 * records from now on, beginning with `page`, the page event that tells the new relay's
 * background which document this is. Whatever waits is dropped: it was queued for a relay that
 * is gone, and `page` says (PageEvent.late) that the page's earlier traffic is not captured.
 */
export function restart(page: Draft): void {
  // A new relay gives two signals within milliseconds (its hook's probe, its own RELAY_READY):
  // whichever comes second finds us recording again, and changes nothing.
  if (recording && now() - restartedAt < RESTART_ONCE_MS) return;
  restartedAt = now();
  recording = true;
  queue = [];
  emit(page);
  for (let i = 0; i < onRestart.length; i++) {
    try {
      onRestart[i]!();
    } catch {
      // never disturb the page
    }
  }
}

let restartedAt = -Infinity;
const RESTART_ONCE_MS = 2000;

/**
 * What the parts of the hook say again after `restart`, following its page event: the
 * connections still open (./websocket.ts), whose opening the new relay never saw.
 */
export const onRestart: Array<() => void> = [];

function flush(): void {
  scheduled = false;
  if (queue.length === 0) return;
  lastFlush = now();
  const batch = queue;
  queue = [];
  lastSize = batch.length;
  const waiting = pendingOf(batch);
  if (waiting.length === 0) {
    send(batch);
    return;
  }
  flushing = true;
  let sent = false;
  /** Sends the batch: once everything is read, or with what is still being read marked `why`. */
  const go = (why: string): void => {
    if (sent) return;
    sent = true;
    clearTimer(cap);
    abandon = undefined;
    giveUp(waiting, why);
    send(batch);
    flushing = false;
    if (queue.length && !scheduled) {
      scheduled = true;
      setTimer(flush, 0);
    }
  };
  const cap = setTimer(() => go(`still being read after ${PENDING_MAX_MS / 1000} s`), PENDING_MAX_MS);
  abandon = go;
  // counted here rather than with Promise.all, which would call each promise's `then` through
  // the prototype, where a page (or zone.js) may have put its own
  let left = waiting.length;
  for (let i = 0; i < waiting.length; i++) promiseThen(settle(waiting[i]!), () => { if (--left === 0) go(""); });
}

/** While a batch waits for data still being read: sends it now, that data marked with the reason. */
let abandon: ((why: string) => void) | undefined;

/** Sends everything now (page unload), in order; data still being read (Blobs, fetch bodies) is marked unavailable. */
export function flushNow(): void {
  // a batch still waiting for a body goes first, without it
  abandon?.("page unloaded");
  scheduled = false;
  const batch = queue;
  queue = [];
  giveUp(pendingOf(batch), "page unloaded");
  if (batch.length) send(batch);
}

/** The entries whose data is still being read go without it, marked `why`. */
function giveUp(entries: Entry[], why: string): void {
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    if (!isPending(e.raw)) continue;
    e.raw = undefined;
    e.ev.bodyUnavailable = why;
  }
}
