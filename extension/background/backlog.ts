// Per-tab bounded backlog, pure data (no browser APIs) so its rules are easy to follow and test.
// Events are numbered per tab (`next` only grows), stored in chunks (one per relayed batch, so
// one frame: the frame's id and URL are kept once per chunk, not copied onto every event),
// evicted oldest-first (after the page's pinned first chunks) when the tab exceeds its cap, and
// reset by a top-frame navigation.
//
// A chunk holds its events as the JSON text they arrived in, not as objects: that text is what
// storage and the panel take anyway, and it is the smaller form (the worker's heap after a
// flood at the tab's cap: 1.7 MB instead of 2.5 with the events as objects). Only the rare
// paths (a chunk cut at the pinned head, a replay starting inside a chunk) parse a chunk again.
import type { CaptureEvent } from "../../protocol/capture.ts";
import { expandEvent, sameBase, splitHookBatch, type DocBase } from "../shared/wire.ts";

export const MAX_EVENTS_PER_TAB = 20_000;
export const MAX_BYTES_PER_TAB = 3 * 1024 * 1024;
/**
 * The first batches of a page are never evicted (up to this many events): they hold the page
 * event, the handshakes and the namespace connects, without which nothing later can be decoded.
 * The cap drops from the middle: the panel sees how the page began and what happens now.
 */
export const PINNED_EVENTS = 500;
/** How many document ids a tab remembers for duplicate detection. */
const MAX_DOCS = 64;

export interface Chunk {
  /** Index of the chunk's first event within the tab. */
  start: number;
  /** How many events `json` holds. */
  count: number;
  /**
   * The events as one JSON array, items as the hook sent them (compact forms included:
   * ../shared/wire.ts; the frame fields below apply to all of them).
   */
  json: string;
  /** The sending frame (0 = top), from the port's sender: the page cannot forge it. */
  frameId: number;
  /** That frame's document URL, if the browser told us. */
  frameUrl?: string;
  /** What the relative compact items of `json` are relative to (../shared/wire.ts), if it has any. */
  base?: DocBase;
  /** `json.length`, what the byte cap counts. */
  bytes: number;
  /** The document that sent it (absent in chunks stored by earlier versions). */
  doc?: string;
  /**
   * Events this tab already had under earlier indexes, appended again: a new page's sub-frame
   * that reached us before its top frame did (`earlyFrames`). A panel that kept the originals
   * (preserve log) skips the copies it is sent live.
   */
  copy?: true;
}

/** Everything about a tab except its chunks' events (what `tab:<id>` holds in storage). */
export interface TabMeta {
  tabId: number;
  /** Index of the first event still held (or `next` when empty). */
  first: number;
  /** Index the next event will get. */
  next: number;
  /** Index of the current top-level page's first event (a navigation or Clear moves it). */
  pageStart: number;
  /** Events evicted by the cap since the current top-level page began. */
  dropped: number;
  bytes: number;
  /** URL of the top frame's current document. */
  url: string;
  /**
   * A hooked top document has reported in this tab (its page event): without one, the tab's
   * page was loaded before the extension could hook it, or is one extensions cannot run in.
   * Absent in metas stored by earlier versions: `topOf` reads `url !== ""` for them.
   */
  hooked?: boolean;
  /** That document's hook started after it had begun loading (PageEvent.late). */
  late?: true;
  /**
   * Last stored batch seq per document. A document is live while it belongs to the current
   * top-level page (`docPage`); -1 is how earlier versions marked a document navigated away from.
   */
  docs: Record<string, number>;
  /**
   * Which top-level page each document belongs to (its `page` when first admitted), so that a page
   * restored from the back/forward cache brings its sub-frames back with it. Absent in metas stored
   * by earlier versions (their documents are live until `docs` says -1).
   */
  docPage?: Record<string, number>;
  /** The current top-level page: the event index at which it began (a restore goes back to its own). */
  page?: number;
  /**
   * When each sub-frame document began (its page event's time, epoch ms), to tell a new page's
   * sub-frame whose first batch came before the new top document's (another port: no order
   * between them) from the old page's. Absent in metas stored by earlier versions.
   */
  docStart?: Record<string, number>;
  /**
   * The sub-frame documents whose hook started late (PageEvent.late: after an update, Firefox
   * injects the new version into open pages, and every frame's hook starts over at once).
   */
  docLate?: Record<string, true>;
  /** Chunk starts, oldest first (storage keys `chunk:<tab>:<start>`). */
  chunks: number[];
}

export interface TabLog {
  meta: TabMeta;
  chunks: Chunk[];
  /**
   * Sub-frame batches that say their document was restored from the back/forward cache while
   * their page is not the current one: the top frame's restore (a batch from another port) may
   * come next, and brings them in. In memory only; the next navigation drops them.
   */
  held?: HeldBatch[];
}

/** A batch appendBatch held back, with its arguments. */
export interface HeldBatch {
  doc: string;
  seq: number;
  frameId: number;
  events: readonly unknown[];
  relayDropped: number;
  extra: { frameUrl?: string; json?: string; base?: DocBase; copy?: true };
}

/** How many sub-frame batches a tab holds back at most (the oldest go). */
const MAX_HELD = 16;

export function newTab(tabId: number, next = 0): TabLog {
  return { meta: { tabId, first: next, next, pageStart: next, dropped: 0, bytes: 0, url: "", docs: {}, chunks: [] }, chunks: [] };
}

export type AppendResult =
  | { kind: "duplicate" }
  | { kind: "stale" }
  /** A restored sub-frame's batch waiting for its page's restore (TabLog.held). */
  | { kind: "held" }
  | {
      kind: "appended";
      chunk: Chunk;
      /** Chunks evicted (their storage keys must go). */
      evicted: Chunk[];
      /** Chunks cut down to their pinned head part (stored again under the same key). */
      rewritten: Chunk[];
      /** A top-frame navigation cleared the previous page's chunks first. */
      reset: Chunk[] | null;
      /** Held batches this restore brought back: the caller appends them next, in order. */
      released?: HeldBatch[];
    };

/**
 * Appends one relayed batch of one document. `frameId` is the sender's frame (0 = top);
 * `events` are the batch's items (only read here: how many, and whether one is the page event),
 * `extra.json`, when given, must be their JSON (saves serialising them again).
 * Returns what changed so the caller can mirror it into storage and to panels.
 */
export function appendBatch(
  tab: TabLog,
  doc: string,
  seq: number,
  frameId: number,
  events: readonly unknown[],
  relayDropped = 0,
  extra: { frameUrl?: string; json?: string; base?: DocBase; copy?: true } = {},
): AppendResult {
  const m = tab.meta;
  const last = m.docs[doc];
  const known = last !== undefined;
  const docPage = m.docPage?.[doc];
  // navigated away from: its page is not the current one (or an earlier version marked it -1)
  const stale = last === -1 || (known && docPage !== undefined && docPage !== (m.page ?? 0));
  // A top-frame document's first batch carries its page event; so does any document's first
  // batch after a back/forward-cache restore (PageEvent.restored). A document already admitted
  // can only restore with its page event first (the hook flushed everything at pagehide, and
  // pageshow comes before anything else): only that item is looked at, not a flood's whole batch.
  const page = frameId !== 0 && !stale ? undefined : pageEvent(!known || last === -1 ? events : events.slice(0, 1));
  const restored = page?.restored === true;
  if (stale && !restored) return { kind: "stale" };
  if (known && last !== -1 && seq <= last) return { kind: "duplicate" };
  if (frameId !== 0 && stale) {
    // A sub-frame restored with its page. The top frame's restore comes on another port, before
    // or after this: hold this until then (a restore that makes this page current again
    // releases it). A document of an earlier version's meta has no page to go back to.
    if (last === -1 || docPage === undefined) return { kind: "stale" };
    const held = (tab.held ??= []);
    held.push({ doc, seq, frameId, events, relayDropped, extra });
    if (held.length > MAX_HELD) held.shift();
    return { kind: "held" };
  }
  let reset: Chunk[] | null = null;
  let released: HeldBatch[] | undefined;
  const nav = frameId === 0 && page && (!known || restored) ? page : undefined;
  // a sub-frame's first batch: when its document began (the page event it starts with)
  const subPage = !known && frameId !== 0 ? pageEvent(events) : undefined;
  if (nav) {
    // The new page's sub-frames whose first batches came before this one: they go with it.
    const early = nav.restored || nav.ts === undefined ? [] : earlyFrames(m, doc, nav.ts, nav.late);
    reset = tab.chunks;
    tab.chunks = [];
    m.first = m.next;
    m.pageStart = m.next;
    m.bytes = 0;
    m.dropped = 0;
    m.url = nav.url;
    m.hooked = true;
    if (nav.late) m.late = true;
    else delete m.late;
    // back to the page this document began, with its sub-frames; or a new page
    m.page = restored && docPage !== undefined ? docPage : m.next;
    const held = tab.held ?? [];
    released = held.filter((h) => m.docPage?.[h.doc] === m.page);
    tab.held = undefined;
    if (early.length) released.push(...again(m, reset, early));
    for (const d of Object.keys(m.docs)) {
      // documents stored by an earlier version have no page: they belong to the one navigated away from
      if (m.docPage?.[d] === undefined && d !== doc) m.docs[d] = -1;
    }
  }
  m.docs[doc] = seq;
  (m.docPage ??= {})[doc] ??= m.page ?? 0;
  if (subPage?.ts !== undefined) {
    (m.docStart ??= {})[doc] = subPage.ts;
    if (subPage.late) (m.docLate ??= {})[doc] = true;
  }
  const keys = Object.keys(m.docs);
  if (keys.length > MAX_DOCS) {
    for (const k of keys.slice(0, keys.length - MAX_DOCS)) {
      delete m.docs[k];
      delete m.docPage[k];
      if (m.docStart) delete m.docStart[k];
      if (m.docLate) delete m.docLate[k];
    }
  }
  m.dropped += relayDropped;
  const json = extra.json ?? JSON.stringify(events);
  const bytes = json.length;
  const chunk: Chunk = { start: m.next, count: events.length, json, bytes, frameId, doc };
  if (extra.frameUrl !== undefined) chunk.frameUrl = extra.frameUrl;
  if (extra.base !== undefined) chunk.base = extra.base;
  if (extra.copy) chunk.copy = true;
  m.next += events.length;
  tab.chunks.push(chunk);
  m.bytes += bytes;
  const { evicted, rewritten } = evict(tab, MAX_BYTES_PER_TAB, MAX_EVENTS_PER_TAB);
  const r: AppendResult = { kind: "appended", chunk, evicted, rewritten, reset };
  if (released?.length) r.released = released;
  return r;
}

/**
 * Brings a tab's backlog under `maxBytes` and `maxEvents`: the middle goes, oldest first. The
 * head (the page's first PINNED_EVENTS events, within a byte budget) is never evicted; a chunk
 * straddling its end, or too large for what is left of the budget, is cut down to as much of its
 * head part as fits. The newest chunk always stays. Used by appendBatch with the tab's caps, and
 * by the background to make room when storage.session is full (what other tabs hold counts too).
 */
export function evict(tab: TabLog, maxBytes: number, maxEvents: number): { evicted: Chunk[]; rewritten: Chunk[] } {
  const m = tab.meta;
  const evicted: Chunk[] = [];
  const rewritten: Chunk[] = [];
  let held = 0;
  for (const c of tab.chunks) held += c.count;
  const headEnd = m.pageStart + PINNED_EVENTS;
  const headBudget = MAX_BYTES_PER_TAB / 8;
  let pinnedBytes = 0;
  let i = 0;
  while (i < tab.chunks.length - 1 && (m.bytes > maxBytes || held > maxEvents)) {
    const c = tab.chunks[i]!;
    const inHead = Math.max(0, Math.min(c.count, headEnd - c.start));
    if (inHead === c.count && pinnedBytes + c.bytes <= headBudget) {
      pinnedBytes += c.bytes;
      i++;
      continue;
    }
    if (inHead > 0) {
      // as much of its head part as the budget holds: a large frame among the page's first
      // events must not take the page event and the handshakes before it along
      const { json: kj, count: kept } = headJson(c.json, inHead, headBudget - pinnedBytes);
      const kb = kj.length;
      if (kept > 0) {
        const gone = c.count - kept;
        c.count = kept;
        c.json = kj;
        m.bytes -= c.bytes - kb;
        c.bytes = kb;
        held -= gone;
        m.dropped += gone;
        rewritten.push(c);
        pinnedBytes += kb;
        i++;
        continue;
      }
    }
    tab.chunks.splice(i, 1);
    evicted.push(c);
    m.bytes -= c.bytes;
    held -= c.count;
    m.dropped += c.count;
  }
  m.first = tab.chunks.length ? tab.chunks[0]!.start : m.next;
  m.chunks = tab.chunks.map((c) => c.start);
  return { evicted, rewritten };
}

/** The batch's page event (a document's first event, object form), if it has one. */
function pageEvent(events: readonly unknown[]): { url: string; late: boolean; restored: boolean; ts?: number } | undefined {
  for (const e of events) {
    if (typeof e !== "object" || e === null || Array.isArray(e)) continue;
    const p = e as { type?: unknown; url?: unknown; late?: unknown; restored?: unknown; ts?: unknown };
    if (p.type !== "page") continue;
    const r: { url: string; late: boolean; restored: boolean; ts?: number } = { url: typeof p.url === "string" ? p.url : "", late: p.late === true, restored: p.restored === true };
    if (typeof p.ts === "number" && Number.isFinite(p.ts)) r.ts = p.ts;
    return r;
  }
  return undefined;
}

/**
 * How far apart two documents' clocks may read the same instant: the hook takes its document's
 * clock origin from Date.now(), whole milliseconds (../hook/native.ts originUs).
 */
const CLOCK_SLACK_MS = 2;
/**
 * A late top document (its hook started over: PageEvent.late) takes along the late sub-frames
 * that started over up to this long before it: the new version comes up in every frame of the
 * page at about the same time, in no set order, and each one's hook says again at once the
 * sockets it has open (traffic, so its first batch goes out at once too).
 */
const LATE_SLACK_MS = 1000;

/**
 * The documents admitted to the current page that began after `top`, the top document of a new
 * page, began (at `ts`): sub-frames of that new page whose first batch reached us before its top
 * document's did. A frame's relay has a port of its own, and nothing orders two ports' messages
 * (seen in CI: a same-origin iframe's first batch first, its events wiped by the top frame's
 * page event, and every later batch of it refused as stale). An old page's frames began before
 * the navigation that replaced it.
 */
function earlyFrames(m: TabMeta, top: string, ts: number, late: boolean): string[] {
  const current = m.page ?? 0;
  const out: string[] = [];
  for (const [d, began] of Object.entries(m.docStart ?? {})) {
    const slack = late && m.docLate?.[d] ? LATE_SLACK_MS : CLOCK_SLACK_MS;
    if (d !== top && m.docs[d] !== undefined && m.docs[d] !== -1 && (m.docPage?.[d] ?? 0) === current && began >= ts - slack) out.push(d);
  }
  return out;
}

/**
 * The chunks of documents `docs` among `chunks` (the page being cleared), as batches to append
 * again after the new page's first one, in their order; the documents are forgotten so that they
 * are admitted again, to the new page, under the sequence numbers they had.
 */
function again(m: TabMeta, chunks: readonly Chunk[], docs: readonly string[]): HeldBatch[] {
  const mine = chunks.filter((c) => c.doc !== undefined && docs.includes(c.doc));
  const seqOf = new Map<string, number>();
  for (const d of docs) seqOf.set(d, m.docs[d]! - mine.filter((c) => c.doc === d).length);
  for (const d of docs) {
    delete m.docs[d];
    delete m.docPage?.[d];
    delete m.docStart?.[d];
    delete m.docLate?.[d];
  }
  return mine.map((c) => {
    const seq = seqOf.get(c.doc!)! + 1;
    seqOf.set(c.doc!, seq);
    const extra: HeldBatch["extra"] = { json: c.json, copy: true };
    if (c.frameUrl !== undefined) extra.frameUrl = c.frameUrl;
    if (c.base !== undefined) extra.base = c.base;
    return { doc: c.doc!, seq, frameId: c.frameId, events: JSON.parse(c.json) as unknown[], relayDropped: 0, extra };
  });
}

/** Items [from, to) of a chunk's JSON array, as JSON (the rare paths that cut a chunk). */
function sliceJson(json: string, from: number, to?: number): string {
  return JSON.stringify((JSON.parse(json) as unknown[]).slice(from, to));
}

/** The longest prefix of a chunk's first `n` events whose JSON is at most `budget` characters (count 0 when none fits). */
function headJson(json: string, n: number, budget: number): { json: string; count: number } {
  const list = (JSON.parse(json) as unknown[]).slice(0, n);
  let size = 1; // "["
  let k = 0;
  for (; k < list.length; k++) {
    const next = size + (k > 0 ? 1 : 0) + (JSON.stringify(list[k]) ?? "null").length;
    if (next + 1 > budget) break; // and "]"
    size = next;
  }
  return { json: JSON.stringify(list.slice(0, k)), count: k };
}

/** Two JSON arrays' texts as one array's (`[a…]` + `[b…]` → `[a…,b…]`), without parsing them. */
function joinJson(a: string, b: string): string {
  if (a === "[]") return b;
  if (b === "[]") return a;
  return a.slice(0, -1) + "," + b.slice(1);
}

/** A run of consecutive events of one frame: item `i` of `json` has index `start + i`. */
export interface Segment {
  start: number;
  count: number;
  /** The events as one JSON array, items as the hook sent them. */
  json: string;
  frameId: number;
  frameUrl?: string;
  base?: DocBase;
}

/**
 * The held events with index ≥ since, as runs of consecutive indexes of one frame (the cap
 * leaves a gap after the pinned head), and how many of the current page's events from `since` on are gone
 * (events of earlier pages are not "missed": navigation cleared them).
 */
export function eventsSince(tab: TabLog, since: number): { segments: Segment[]; missed: number } {
  const from = Math.max(since, tab.meta.pageStart ?? 0);
  const segments: Segment[] = [];
  let count = 0;
  for (const c of tab.chunks) {
    const end = c.start + c.count;
    if (end <= from || c.count === 0) continue;
    const skip = from > c.start ? from - c.start : 0;
    const n = c.count - skip;
    const json = skip ? sliceJson(c.json, skip) : c.json;
    const start = end - n;
    const last = segments[segments.length - 1];
    if (last && last.start + last.count === start && last.frameId === c.frameId && last.frameUrl === c.frameUrl && sameBase(last.base, c.base)) {
      last.json = joinJson(last.json, json);
      last.count += n;
    } else {
      const seg: Segment = { start, count: n, json, frameId: c.frameId };
      if (c.frameUrl !== undefined) seg.frameUrl = c.frameUrl;
      if (c.base !== undefined) seg.base = c.base;
      segments.push(seg);
    }
    count += n;
  }
  return { segments, missed: Math.max(0, tab.meta.next - from - count) };
}

/**
 * The tab's hooked top document as the panel is told it (EventsMsg.top): its URL, and whether
 * its hook started late; null when no hooked top document has reported.
 */
export function topOf(meta: TabMeta): { url: string; late?: true } | null {
  if (!(meta.hooked ?? meta.url !== "")) return null;
  return meta.late ? { url: meta.url, late: true } : { url: meta.url };
}

/** Empties the tab's backlog (the panel's Clear); numbering continues. */
export function clearTab(tab: TabLog): Chunk[] {
  const gone = tab.chunks;
  tab.chunks = [];
  tab.meta.first = tab.meta.next;
  tab.meta.pageStart = tab.meta.next;
  tab.meta.bytes = 0;
  tab.meta.dropped = 0;
  tab.meta.chunks = [];
  return gone;
}

function isCaptureEvent(x: unknown): x is CaptureEvent {
  return typeof x === "object" && x !== null && typeof (x as { type?: unknown }).type === "string"
    && typeof (x as { conn?: unknown }).conn === "string";
}

/**
 * The hook's batches (its texts: ../shared/wire.ts splitHookBatch) → capture events, and their
 * JSON. Anything malformed is skipped; when nothing was and every batch is relative to the same
 * document base, the JSON is the batches' own text spliced into one array, relative items and
 * all, with that base, instead of a second serialisation (the frame fields travel per chunk, so
 * the events are stored as sent). Otherwise the events are serialised again as objects.
 */
export function parseChunks(chunks: unknown[]): { events: CaptureEvent[]; json: string; base?: DocBase } {
  const events: CaptureEvent[] = [];
  const parts: string[] = [];
  let clean = true;
  let base: DocBase | undefined;
  let first = true;
  for (const c of chunks) {
    if (typeof c !== "string") continue;
    const batch = splitHookBatch(c);
    if (first) base = batch.base;
    else if (!sameBase(base, batch.base)) clean = false;
    first = false;
    let list: unknown;
    try {
      list = JSON.parse(batch.json);
    } catch {
      clean = false;
      continue;
    }
    if (!Array.isArray(list)) {
      clean = false;
      continue;
    }
    for (const x of list) {
      const e = expandEvent(x, batch.base);
      if (isCaptureEvent(e)) events.push(e);
      else clean = false;
    }
    // valid JSON text of an array: `[` … `]` once surrounding whitespace is gone
    if (clean && list.length) parts.push(batch.json.trim().slice(1, -1));
  }
  if (!clean) return { events, json: JSON.stringify(events) };
  const out: { events: CaptureEvent[]; json: string; base?: DocBase } = { events, json: `[${parts.join(",")}]` };
  if (base) out.base = base;
  return out;
}
