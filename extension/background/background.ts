// The router: content-script ports in, panel ports out, keyed by tab id, so one tab's traffic
// never reaches another tab's panel. Each tab keeps a bounded backlog (./backlog.ts) mirrored
// into storage.session, so a DevTools panel opened late sees everything since the page
// loaded, and a stopped MV3 service worker (or Firefox event page) comes back with it.
// A batch is acked to its relay only after it is in storage: until then the relay keeps it
// and resends it after a reconnect; duplicates are dropped by (doc, seq).
import browser, { type Runtime } from "webextension-polyfill";
import { CONTENT_PORT, PANEL_PORT } from "../shared/bridge.ts";
import { asDocBase, expandEvent, type DocBase } from "../shared/wire.ts";
import { MAX_EVENTS_PER_TAB, appendBatch, clearTab, eventsSince, evict, newTab, parseChunks, topOf, type Chunk, type Segment, type TabLog, type TabMeta } from "./backlog.ts";
import type { BatchMsg, EventsMsg, PanelToBackground, TabsMsg } from "../content/messages.ts";

const tabs = new Map<number, TabLog>();
const panels = new Map<number, Set<Runtime.Port>>();
const store = browser.storage.session;

const tabKey = (tabId: number) => `tab:${tabId}`;
const chunkKey = (tabId: number, start: number) => `chunk:${tabId}:${start}`;

// Restore once per worker start; every handler waits for it. Listeners are registered
// synchronously below so the worker is woken for them.
const ready: Promise<void> = (async () => {
  try {
    const all = (await store.get(null)) as Record<string, unknown>;
    for (const [k, v] of Object.entries(all)) {
      if (!k.startsWith("tab:")) continue;
      const meta = v as TabMeta;
      const chunks: Chunk[] = [];
      for (const start of meta.chunks) {
        const c = restoreChunk(all[chunkKey(meta.tabId, start)]);
        if (c) chunks.push(c);
      }
      tabs.set(meta.tabId, { meta, chunks });
    }
  } catch (e) {
    console.warn("socket-scope: could not restore the backlog", e);
  }
})();

/** What `chunk:<tab>:<start>` holds: the events as one JSON string (see Chunk.json), and their frame. */
interface StoredChunk {
  start: number;
  bytes: number;
  json: string;
  frameId: number;
  frameUrl?: string;
  base?: DocBase;
}

function restoreChunk(v: unknown): Chunk | undefined {
  if (!v || typeof v !== "object") return undefined;
  const c = v as Partial<StoredChunk> & { events?: unknown };
  if (typeof c.start !== "number") return undefined;
  let events: unknown = c.events; // written by an earlier version: the objects themselves
  if (typeof c.json === "string") {
    try {
      events = JSON.parse(c.json);
    } catch {
      return undefined;
    }
  }
  if (!Array.isArray(events)) return undefined;
  // earlier versions stamped the frame onto every event instead
  const first = expandEvent(events[0]) as { frameId?: unknown } | null | undefined;
  const frameId = typeof c.frameId === "number" ? c.frameId : typeof first?.frameId === "number" ? first.frameId : 0;
  const json = typeof c.json === "string" ? c.json : JSON.stringify(events);
  const chunk: Chunk = { start: c.start, count: events.length, json, bytes: typeof c.bytes === "number" ? c.bytes : json.length, frameId };
  if (typeof c.frameUrl === "string") chunk.frameUrl = c.frameUrl;
  const base = asDocBase(c.base);
  if (base) chunk.base = base;
  return chunk;
}

function storedChunk(c: Chunk): StoredChunk {
  const stored: StoredChunk = { start: c.start, bytes: c.bytes, json: c.json, frameId: c.frameId };
  if (c.frameUrl !== undefined) stored.frameUrl = c.frameUrl;
  if (c.base !== undefined) stored.base = c.base;
  return stored;
}

// One queue for every mutation: storage writes land in the order the events were numbered.
let queue: Promise<unknown> = ready;
function serial<T>(f: () => Promise<T> | T): Promise<T> {
  const p = queue.then(f);
  queue = p.catch((e: unknown) => console.warn("socket-scope:", e));
  return p;
}

function tab(tabId: number): TabLog {
  let t = tabs.get(tabId);
  if (!t) tabs.set(tabId, (t = newTab(tabId)));
  return t;
}

async function persist(t: TabLog, added: Chunk[], removed: Chunk[]): Promise<void> {
  const id = t.meta.tabId;
  if (removed.length) await store.remove(removed.map((c) => chunkKey(id, c.start))).catch(() => {});
  for (let attempt = 0; ; attempt++) {
    const set: Record<string, unknown> = { [tabKey(id)]: t.meta };
    for (const c of added) if (t.chunks.includes(c)) set[chunkKey(id, c.start)] = storedChunk(c);
    try {
      await store.set(set);
      return;
    } catch (e) {
      // storage.session is full (Chromium: 10 MB for every tab together)
      if (attempt < MAX_ROOM_ATTEMPTS && (await makeRoom(t))) continue;
      // nothing left to take elsewhere: shed this tab's oldest half; the panel shows the count as dropped
      const shed = t.chunks.splice(0, Math.max(1, Math.floor(t.chunks.length / 2)));
      for (const c of shed) {
        t.meta.dropped += c.count;
        t.meta.bytes -= c.bytes;
      }
      t.meta.first = t.chunks.length ? t.chunks[0]!.start : t.meta.next;
      t.meta.chunks = t.chunks.map((c) => c.start);
      await store.remove(shed.map((c) => chunkKey(id, c.start))).catch(() => {});
      await store.set({ [tabKey(id)]: t.meta }).catch(() => {});
      console.warn("socket-scope: storage.session full, dropped", shed.length, "chunks", e);
      return;
    }
  }
}

const MAX_ROOM_ATTEMPTS = 8;

/**
 * Frees storage.session for a write of `self` that did not fit: the tab holding the most gives up
 * half of it, its middle as over its own cap (the page's start and its newest events stay),
 * other tabs before this one, so a busy tab in the background cannot push the start of the one
 * being inspected out. False when no tab has anything left to give.
 */
async function makeRoom(self: TabLog): Promise<boolean> {
  const order = [...tabs.values()].filter((x) => x !== self && x.chunks.length > 1).sort((a, b) => b.meta.bytes - a.meta.bytes);
  if (self.chunks.length > 1) order.push(self);
  for (const victim of order) {
    const r = evict(victim, Math.floor(victim.meta.bytes / 2), MAX_EVENTS_PER_TAB);
    if (!r.evicted.length && !r.rewritten.length) continue;
    const vid = victim.meta.tabId;
    await store.remove(r.evicted.map((c) => chunkKey(vid, c.start))).catch(() => {});
    const set: Record<string, unknown> = { [tabKey(vid)]: victim.meta };
    for (const c of r.rewritten) set[chunkKey(vid, c.start)] = storedChunk(c);
    // smaller than what it replaces: fits
    await store.set(set).catch(() => {});
    console.warn(`socket-scope: storage.session full, tab ${vid} gave up ${r.evicted.length} chunks`);
    return true;
  }
  return false;
}

function eventsMsg(tabId: number, seg: Segment & { copy?: true }, meta: TabMeta): EventsMsg {
  const msg: EventsMsg = { kind: "events", tabId, start: seg.start, count: seg.count, json: seg.json, frameId: seg.frameId, dropped: meta.dropped, top: topOf(meta) };
  if (seg.frameUrl !== undefined) msg.frameUrl = seg.frameUrl;
  if (seg.base !== undefined) msg.base = seg.base;
  if (seg.copy) msg.copy = true;
  return msg;
}

function broadcast(tabId: number, msg: EventsMsg): void {
  for (const p of panels.get(tabId) ?? []) {
    try {
      p.postMessage(msg);
    } catch {
      /* the panel went away; onDisconnect removes it */
    }
  }
}

function onBatch(port: Runtime.Port, m: BatchMsg): void {
  const tabId = port.sender?.tab?.id;
  if (tabId === undefined || tabId < 0 || !m || m.kind !== "batch" || !Array.isArray(m.chunks)) return;
  const frameId = port.sender?.frameId ?? 0;
  const frameUrl = port.sender?.url;
  void serial(async () => {
    const t = tab(tabId);
    const { events, json, base } = parseChunks(m.chunks);
    const r = appendBatch(t, String(m.doc), Number(m.seq), frameId, events, Number(m.dropped) || 0, { frameUrl, json, base });
    if (r.kind === "appended") {
      await persist(t, [r.chunk, ...r.rewritten], [...(r.reset ?? []), ...r.evicted]);
      broadcast(tabId, eventsMsg(tabId, r.chunk, t.meta));
      // sub-frames that were restored with this page before it said so (backlog.ts TabLog.held)
      for (const h of r.released ?? []) {
        const rh = appendBatch(t, h.doc, h.seq, h.frameId, h.events, h.relayDropped, h.extra);
        if (rh.kind !== "appended") continue;
        await persist(t, [rh.chunk, ...rh.rewritten], rh.evicted);
        broadcast(tabId, eventsMsg(tabId, rh.chunk, t.meta));
      }
    }
    try {
      port.postMessage({ kind: "ack", seq: m.seq });
    } catch {
      /* relay gone (page closed); nothing to ack */
    }
  });
}

function onPanelMessage(port: Runtime.Port, m: PanelToBackground): void {
  if (!m || typeof m !== "object") return;
  void serial(async () => {
    if (m.kind === "subscribe" && typeof m.tabId === "number") {
      for (const set of panels.values()) set.delete(port);
      let set = panels.get(m.tabId);
      if (!set) panels.set(m.tabId, (set = new Set()));
      set.add(port);
      const t = tab(m.tabId);
      const { segments, missed } = eventsSince(t, typeof m.since === "number" ? m.since : 0);
      if (!segments.length) segments.push({ start: t.meta.next, count: 0, json: "[]", frameId: 0 });
      segments.forEach((seg, i) => {
        const msg = eventsMsg(m.tabId, seg, t.meta);
        if (i === 0) msg.missed = missed;
        msg.replay = true;
        port.postMessage(msg);
      });
    } else if (m.kind === "list-tabs") {
      const list: TabsMsg["tabs"] = [...tabs.values()].map((t) => ({ tabId: t.meta.tabId, url: t.meta.url, events: t.chunks.reduce((n, c) => n + c.count, 0) }));
      port.postMessage({ kind: "tabs", tabs: list } satisfies TabsMsg);
    } else if (m.kind === "clear" && typeof m.tabId === "number") {
      const t = tabs.get(m.tabId);
      if (t) await persist(t, [], clearTab(t));
    }
  });
}

browser.runtime.onConnect.addListener((port) => {
  if (port.name === CONTENT_PORT) {
    port.onMessage.addListener((m: unknown) => onBatch(port, m as BatchMsg));
  } else if (port.name === PANEL_PORT) {
    port.onMessage.addListener((m: unknown) => onPanelMessage(port, m as PanelToBackground));
    port.onDisconnect.addListener(() => {
      for (const [id, set] of panels) {
        set.delete(port);
        if (!set.size) panels.delete(id);
      }
    });
  }
});

browser.tabs.onRemoved.addListener((tabId) => {
  void serial(async () => {
    const t = tabs.get(tabId);
    if (!t) return;
    tabs.delete(tabId);
    await store.remove([tabKey(tabId), ...t.meta.chunks.map((s) => chunkKey(tabId, s))]).catch(() => {});
  });
});
