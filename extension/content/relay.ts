// The isolated-world relay: hook (CustomEvent on window) → batches → background (runtime port).
// It shares the page's main thread, so it does as little as possible: it does not even parse the
// hook's JSON (the background does, and adds the frame id and URL from the port's sender). A batch stays in `unacked` until the background says it is
// stored, so a stopped MV3 service worker (port disconnect) loses nothing: we reconnect and
// resend in order; the background drops duplicates by (doc, seq).
import browser, { type Runtime } from "webextension-polyfill";
import { BUSY_BATCH_MS, BUSY_WINDOW_MS, CONTENT_PORT, HOOK_EVENT, RELAY_READY } from "../shared/bridge.ts";
import { hasTraffic } from "../shared/wire.ts";
import type { BackgroundToContent, BatchMsg } from "./messages.ts";

/**
 * How long events wait here before one message takes them all to the background. A quiet page's
 * first events go out quickly; while traffic keeps coming, one message per BUSY_BATCH_MS (../shared/bridge.ts). Each
 * message costs the browser (IPC, the worker's storage write and ack, the panel's update) about
 * the same whatever its size: on a page doing ~200 long-polling requests a second, 100 ms
 * batches cost it ~5% of its request rate more than 250 ms ones (test/bench/ext-bench.ts, 61
 * rounds, 0.89 vs 0.94). The panel redraws at a human pace anyway.
 */
const QUIET_FLUSH_MS = 50;
/**
 * ...unless this much is already waiting: a flood's big batches gain nothing from waiting (their
 * per-message cost is already spread thin), and measured worse with 250 ms batches than with
 * ~100 ms ones (ws ratio ~0.92 vs ~0.95-0.99, noisy), while polling's small events gain.
 */
const FLUSH_BYTES = 32 * 1024;
/** Timers fire a little late or early: a batch this close to BUSY_BATCH_MS after the last counts as due. */
const FLUSH_SLACK_MS = 25;
/** Cap on one message (JSON characters); a larger batch is split. */
const MAX_MESSAGE = 512 * 1024;
/** Cap on what we keep while the background is unreachable; the oldest batches go first. */
const MAX_UNACKED = 32 * 1024 * 1024;

const doc = Math.random().toString(36).slice(2, 8);
const isTop = window === window.top;

let seq = 0;
let pending: string[] = [];
let pendingSize = 0;
let pendingHasTraffic = false;
let timer: ReturnType<typeof setTimeout> | undefined;
let lastSent = -Infinity;
const unacked: Array<{ msg: BatchMsg; size: number }> = [];
let unackedSize = 0;
let droppedSinceLastBatch = 0;
let port: Runtime.Port | null = null;
let dead = false; // the extension was reloaded or removed: this context can never talk again
let reconnectDelay = 20;

function connect(): Runtime.Port | null {
  if (dead) return null;
  if (port) return port;
  let p: Runtime.Port;
  try {
    p = browser.runtime.connect({ name: CONTENT_PORT });
  } catch {
    die();
    return null;
  }
  port = p;
  p.onMessage.addListener((m: unknown) => onAck(m as BackgroundToContent));
  p.onDisconnect.addListener(() => {
    if (port !== p) return; // an old port, already replaced (back/forward cache: below)
    port = null;
    if (orphaned()) return die();
    // Service worker stopped, bfcache, or extension gone. Resend what is not stored yet.
    if (unacked.length) setTimeout(resend, reconnectDelay);
    reconnectDelay = Math.min(reconnectDelay * 2, 2000);
  });
  for (const u of unacked) p.postMessage(u.msg);
  return p;
}

/**
 * This context can never reach the extension again: it was updated, disabled or removed while
 * the page stayed open (Chromium then leaves this script running with `runtime.id` gone).
 */
function orphaned(): boolean {
  try {
    return !browser.runtime?.id;
  } catch {
    return true;
  }
}

/**
 * Stops listening for good. The hook then finds its next batch untaken and stops recording
 * (../hook/queue.ts `recording`): a page left open across an update costs nothing until it
 * reloads.
 */
function die(): void {
  dead = true;
  window.removeEventListener(HOOK_EVENT, onHook, true);
}

function resend(): void {
  if (!port && unacked.length) connect();
}

function onAck(m: BackgroundToContent): void {
  if (!m || m.kind !== "ack" || typeof m.seq !== "number") return;
  reconnectDelay = 20;
  while (unacked.length && unacked[0]!.msg.seq <= m.seq) unackedSize -= unacked.shift()!.size;
}

/** Rough count for the dropped tally (only when the buffer overflows): one "type": per event. */
function countEvents(chunks: string[]): number {
  let n = 0;
  for (const c of chunks) n += c.split('"type":"').length - 1 || 1;
  return n;
}

function send(chunks: string[], size: number): void {
  const msg: BatchMsg = { kind: "batch", doc, seq: ++seq, chunks };
  if (droppedSinceLastBatch) {
    msg.dropped = droppedSinceLastBatch;
    droppedSinceLastBatch = 0;
  }
  unacked.push({ msg, size });
  unackedSize += size;
  while (unackedSize > MAX_UNACKED && unacked.length > 1) {
    const old = unacked.shift()!;
    unackedSize -= old.size;
    droppedSinceLastBatch += countEvents(old.msg.chunks);
  }
  const p = connect();
  if (p) {
    try {
      p.postMessage(msg);
    } catch {
      port = null; // disconnected between checks; onDisconnect resends
    }
  }
}

function flush(): void {
  if (timer !== undefined) clearTimeout(timer);
  timer = undefined;
  if (!pending.length) return;
  // A sub-frame without socket traffic never wakes the background just to say it loaded.
  if (!isTop && !pendingHasTraffic) return;
  let batch: string[] = [];
  let size = 0;
  for (const e of pending) {
    const s = e.length;
    if (batch.length && size + s > MAX_MESSAGE) {
      send(batch, size);
      batch = [];
      size = 0;
    }
    batch.push(e);
    size += s;
  }
  send(batch, size);
  pending = [];
  pendingSize = 0;
  lastSent = performance.now();
}


function onHook(ev: Event): void {
  const detail = (ev as CustomEvent<unknown>).detail;
  if (typeof detail !== "string" || detail.length === 0) return;
  if (dead || (!port && orphaned())) return die();
  // "taken": the hook stops recording when a batch comes back without this (../hook/queue.ts)
  ev.preventDefault();
  pending.push(detail);
  pendingSize += detail.length;
  if (!pendingHasTraffic && hasTraffic(detail)) pendingHasTraffic = true;
  if (pendingSize >= FLUSH_BYTES) return flush();
  if (timer !== undefined) return;
  const since = performance.now() - lastSent;
  // Busy: the hook already waited its own busy delay (the same BUSY_BATCH_MS) before sending this
  // batch, so a batch arriving that long after our last message goes on at once (no second timer).
  if (since < BUSY_WINDOW_MS) {
    if (since >= BUSY_BATCH_MS - FLUSH_SLACK_MS) return flush();
    timer = setTimeout(flush, BUSY_BATCH_MS - since);
  } else {
    timer = setTimeout(flush, QUIET_FLUSH_MS);
  }
}

/** Our listeners on the window (adding one that is still there changes nothing). */
function listen(): void {
  if (dead) return;
  window.addEventListener(HOOK_EVENT, onHook, true);
  window.addEventListener("pagehide", onPageHide, true);
  window.addEventListener("pageshow", onPageShow, true);
}
listen();
// document.open() erases every listener of the window, ours included (a page that writes a whole
// document into a frame, as some widgets do with an about:blank iframe): listen again. The
// hook's next batch then finds us; it does the same for its own listeners (../hook/index.ts).
new MutationObserver(listen).observe(document, { childList: true });
// A hook that found nobody to take its batches (this page outlived the previous version of the
// extension, and we are the new one's relay) records again from now on.
window.dispatchEvent(new CustomEvent(RELAY_READY));
// The hook's first event in every document is a "page" event: the background resets the tab's
// backlog on a top-frame one, and the panel clears on it unless "preserve log" is on.
// Do not sit on events while the page goes away or into the back/forward cache.
function onPageHide(): void {
  pendingHasTraffic = pendingHasTraffic || isTop;
  flush();
}
// Back from the back/forward cache: the browser closed our port when the page went in, and what
// this side posts on it before it hears of that is lost (in Chromium 156 the restored page's
// first batches never arrived). Start a new port, and resend on it what was not acked.
function onPageShow(e: Event): void {
  if (!(e as PageTransitionEvent).persisted) return;
  const old = port;
  port = null;
  try {
    old?.disconnect();
  } catch {
    /* already closed */
  }
  if (unacked.length) connect();
}
