// The Socket.IO panel. Everything on screen is text rendered by preact (escaped); nothing is
// parsed as HTML. Bad data cannot blank the panel: every view sits in an error boundary.
import { render, Component, type ComponentChildren } from "preact";
import { signal, batch } from "@preact/signals";
import browser from "webextension-polyfill";
import type { CaptureEvent } from "../../protocol/capture.ts";
import { subscribe, listTabs, type Subscription } from "./connection.ts";
import { PANEL_PROBE } from "../shared/bridge.ts";
import { createModel, type PanelModel, type Report } from "./model.ts";
import type { EioSession, EventRecord, NamespaceSocket } from "../../protocol/session/index.ts";
import { transportLabel } from "../../protocol/session/report.ts";

const MAX_ROWS = 2000;
const PREVIEW = 300;
const MAX_EVENTS_PER_NSP = 200;
/** Raw capture rows on screen (the full, virtualised list comes with the complete UI). */
const SHOWN_ROWS = 200;
/**
 * Sessions on screen, the newest: a page open for days through a flaky network reconnects
 * hundreds of times, and every render would lay out every one of them. The model and its
 * report keep them all.
 */
const SHOWN_SESSIONS = 50;

// ---- state ----
const tabId = signal<number | null>(null);
const status = signal<"starting" | "connected" | "reconnecting" | "no-tab">("starting");
const preserve = signal<boolean>(readPreserve());
const received = signal(0);
/** Of the events received since the panel (or Clear) started, those replayed from the tab's backlog on subscribing. */
let replayed = 0;
const dropped = signal(0);
const missed = signal(0);
const rows = signal<readonly CaptureEvent[]>([]);
/**
 * The tab's hooked top document as the background knows it: undefined until the first
 * delivery, null when no hooked page has reported in this tab (Coverage explains).
 */
const top = signal<{ url: string; late: boolean } | null | undefined>(undefined);
/**
 * Web workers the page started since the panel (or Clear, or a navigation) began, whose sockets
 * are out of reach: how many, and their distinct script URLs (the first MAX_WORKER_URLS).
 */
const workers = signal<{ count: number; urls: readonly string[] }>({ count: 0, urls: [] });
const MAX_WORKER_URLS = 20;
const version = signal(0);
let model: PanelModel = createModel();
let sub: Subscription | null = null;

function readPreserve(): boolean {
  try {
    return localStorage.getItem("socket-scope:preserve") === "1";
  } catch {
    return false;
  }
}
function setPreserve(v: boolean): void {
  preserve.value = v;
  try {
    localStorage.setItem("socket-scope:preserve", v ? "1" : "0");
  } catch {
    /* storage unavailable: the choice lasts for this panel only */
  }
}

function reset(): void {
  model = createModel();
  pendingRows = [];
  pendingReceived = 0;
  pendingLive = 0;
  timeOrigin = null;
  rowsOffset = 0;
  replayed = 0;
  batch(() => {
    rows.value = [];
    received.value = 0;
    // what the backlog's cap dropped belonged to the view that is gone
    missed.value = 0;
    workers.value = { count: 0, urls: [] };
    version.value++;
  });
}

function ingest(events: readonly CaptureEvent[], droppedNow: number, missedNow: number, replay = false): void {
  let start = 0;
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    if (e.type === "page" && (e.frameId ?? 0) === 0 && !preserve.value) {
      reset();
      start = i;
    }
  }
  const fresh = start ? events.slice(start) : events;
  let w: { count: number; urls: string[] } | undefined;
  for (let i = 0; i < fresh.length; i++) {
    const e = fresh[i]!;
    if (e.type !== "worker") continue;
    w ??= { count: workers.peek().count, urls: workers.peek().urls.slice() };
    w.count++;
    const url = typeof e.url === "string" && e.url ? e.url : "(a script given as an object)";
    if (w.urls.length < MAX_WORKER_URLS && !w.urls.includes(url)) w.urls.push(url);
  }
  if (w) workers.value = w;
  try {
    model.push(fresh);
  } catch (err) {
    console.error("socket-scope: model rejected events", err);
  }
  pendingRows = pendingRows.concat(fresh);
  pendingReceived += fresh.length;
  if (replay) replayed += fresh.length;
  else pendingLive += fresh.length;
  dropped.value = droppedNow;
  missed.value += missedNow;
  scheduleRender();
}

// A busy page sends hundreds of batches a second: the view catches up at most every RENDER_MS
// after the first new event, and while the traffic keeps coming, at most once every
// BUSY_RENDER_MS plus PER_EVENT_MS for each event the previous render brought (capped at
// MAX_RENDER_GAP_MS): the more there is to show, the less often it is shown. In the steady state
// that is a render every 1.05 s at 10 events a second, 1.3 s at 50, 2 s at 100 and 3 s from
// ~130 on. Every render restyles, lays out, paints and rasterises what is on screen in a process
// that shares the CPU with the page being inspected, and a busy page changes all of it each
// time: on a flooded page that was most of the panel's CPU time (the extension's process used
// ~30% less CPU per round trip with renders 3 s apart than 1 s apart), while nobody reads a
// hundred rows a second anyway. A quiet page keeps the 250 ms / 1 s pace. The backlog a panel
// gets when it opens (EventsMsg.replay) is not traffic: it does not slow the next render, so a
// DevTools opened after a flood shows all of it within a second rather than 3 s later. The test
// handle and the model are never delayed (they read pendingRows/pendingReceived directly).
const RENDER_MS = 250;
const BUSY_RENDER_MS = 1000;
const PER_EVENT_MS = 5;
const MAX_RENDER_GAP_MS = 3000;
let pendingRows: readonly CaptureEvent[] = [];
let pendingReceived = 0;
/** Of pendingReceived, the events that arrived live (not replayed backlog): the traffic's pace. */
let pendingLive = 0;
let renderTimer: ReturnType<typeof setTimeout> | undefined;
/** Times in the events table count from the first event since the panel (or Clear) started. */
let timeOrigin: number | null = null;
/** How many rows the MAX_ROWS cap has dropped from the front of `rows` since then. */
let rowsOffset = 0;
let lastRender = -Infinity;
/** How many events the last render brought on screen: the pace of the traffic. */
let lastRenderEvents = 0;
function scheduleRender(): void {
  if (renderTimer !== undefined) return;
  const gap = Math.min(MAX_RENDER_GAP_MS, BUSY_RENDER_MS + lastRenderEvents * PER_EVENT_MS);
  const delay = Math.max(RENDER_MS, lastRender + gap - performance.now());
  renderTimer = setTimeout(renderNow, delay);
}

function renderNow(): void {
  renderTimer = undefined;
  lastRender = performance.now();
  lastRenderEvents = pendingLive;
  pendingLive = 0;
  const add = pendingRows;
  pendingRows = [];
  batch(() => {
    const all = add.length ? rows.value.concat(add) : rows.value;
    if (timeOrigin === null && typeof all[0]?.ts === "number") timeOrigin = all[0].ts;
    if (all.length > MAX_ROWS) rowsOffset += all.length - MAX_ROWS;
    rows.value = all.length > MAX_ROWS ? all.slice(all.length - MAX_ROWS) : all;
    received.value += pendingReceived;
    pendingReceived = 0;
    version.value++;
  });
}

function start(id: number): void {
  tabId.value = id;
  sub?.close();
  sub = subscribe(id, (m) => {
    // copies of a sub-frame's events this panel has shown already, kept across the navigation
    if (!(m.copy && !m.replay && preserve.peek())) ingest(m.events, m.dropped, m.missed, m.replay);
    const t = m.top;
    const was = top.peek();
    if (t === null ? was !== null : !was || was.url !== t.url || was.late !== t.late) top.value = t;
  }, (s) => (status.value = s));
}

/** The inspected tab when running as a DevTools panel; undefined as panel.html in a tab. */
function inspectedTab(): number | undefined {
  const id = browser.devtools?.inspectedWindow?.tabId;
  return typeof id === "number" ? id : undefined;
}

async function resolveTab(): Promise<void> {
  const inspected = inspectedTab();
  if (inspected !== undefined) return start(inspected);
  // Outside DevTools (tests, Firefox without the toolbox): ?tab=<id> or ?url=<substring>.
  const q = new URLSearchParams(location.search);
  const t = Number(q.get("tab"));
  if (q.get("tab") && Number.isInteger(t)) return start(t);
  const want = q.get("url");
  for (;;) {
    const tabs = await listTabs();
    const hit = tabs.filter((x) => (want ? x.url.includes(want) : true)).sort((a, b) => b.tabId - a.tabId)[0];
    if (hit) return start(hit.tabId);
    status.value = "no-tab";
    await new Promise((r) => setTimeout(r, 250));
  }
}

// ---- views ----

class Boundary extends Component<{ name: string; children?: ComponentChildren }, { error: string | null }> {
  override state = { error: null as string | null };
  static override getDerivedStateFromError(e: unknown) {
    return { error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
  }
  override componentDidCatch(e: unknown) {
    console.error(`socket-scope: ${this.props.name} failed`, e);
  }
  override render() {
    if (this.state.error !== null) {
      return (
        <div class="boundary-error" role="alert">
          <span>{this.props.name} could not be shown: {this.state.error}</span>{" "}
          <button onClick={() => this.setState({ error: null })}>Retry</button>
        </div>
      );
    }
    return this.props.children;
  }
}

function Toolbar() {
  return (
    <div class="toolbar">
      <button title="Clear" onClick={() => { sub?.clear(); reset(); }}>Clear</button>
      <label>
        <input type="checkbox" checked={preserve.value} onChange={(e) => setPreserve((e.currentTarget as HTMLInputElement).checked)} />
        Preserve log
      </label>
      <span class="stat" data-testid="received">{received.value} events</span>
      {missed.value > 0 && (
        <span class="stat warn" data-testid="dropped" title="The tab's backlog is capped: the page's first events and the newest are kept, the middle is dropped.">
          {missed.value} dropped (backlog cap)
        </span>
      )}
      <span class={`status ${status.value}`}>{status.value === "connected" ? `tab ${tabId.value}` : status.value}</span>
    </div>
  );
}

/** Where the page is reloaded from: the inspected window in DevTools, the tab otherwise (`?tab=`). */
function reloadPage(): void {
  if (inspectedTab() !== undefined) browser.devtools.inspectedWindow.reload({});
  else if (tabId.value !== null) void browser.tabs.reload(tabId.value);
}

/** What the panel can see of the tab: everything, what came after a late start, or nothing. */
function coverage(): "unknown" | "hooked" | "late" | "not-hooked" {
  const t = top.value;
  return t === undefined ? "unknown" : t === null ? "not-hooked" : t.late ? "late" : "hooked";
}
/** Coverage that the Coverage notice explains (and the empty sessions list then leaves to it). */
const explained = (c: ReturnType<typeof coverage>): c is "not-hooked" | "late" => c === "not-hooked" || c === "late";

/**
 * Says why the panel cannot show everything: a tab whose page was open before the extension was
 * installed or enabled has no hook (Chromium does not inject into open tabs), or got it late
 * (Firefox does, once the page has loaded). Reloading fixes both.
 */
function Coverage() {
  const c = coverage();
  if (!explained(c)) return null;
  return (
    <div class="notice" role="status" data-testid={c}>
      {c === "not-hooked"
        ? "Nothing is captured in this tab: its page was loaded before Socket Scope was installed or enabled, or is one extensions cannot run in (such as the browser's own pages). Reload it to capture its sockets from the first handshake."
        : "Socket Scope started after this page had loaded: the sockets and requests it opened before are not captured. Reload it to capture everything from the first handshake."}{" "}
      <button onClick={reloadPage}>Reload page</button>
    </div>
  );
}

/**
 * The workers the page started. No browser lets an extension into a worker, so a socket a
 * worker opens (a socket.io client in a SharedWorker, say) is not captured: the panel says so.
 */
function Workers() {
  const { count, urls } = workers.value;
  if (!count) return null;
  const shown = urls.slice(0, 3).join(", ") + (urls.length > 3 ? ", …" : "");
  return (
    <div class="notice info" role="status" data-testid="workers">
      This page started {count === 1 ? "a web worker" : `${count} web workers`} ({shown}). Sockets opened inside
      workers are not captured: browsers do not let extensions into them.
    </div>
  );
}

/** Binary arguments read as their size, not as JSON's {"0":45,"1":38,…} of a typed array. */
function binaryAsSize(_key: string, v: unknown): unknown {
  if (v instanceof Uint8Array || v instanceof ArrayBuffer) return `‹binary ${v.byteLength} B›`;
  return v;
}

function short(v: unknown, max = 160): string {
  let t: string;
  try {
    t = JSON.stringify(v, binaryAsSize) ?? String(v);
  } catch {
    t = String(v);
  }
  return t.length > max ? t.slice(0, max) + "…" : t;
}

/** Says that the capture kept only the start of an event or ack (EventRecord.cut), and how long it was. */
function Cut({ n }: { n: number | null }) {
  if (n === null) return null;
  return <span class="cut" title="The extension keeps a payload over 1 MiB as its first 64 KiB">‹cut: {n.toLocaleString("en")} in all› </span>;
}

function AckCell({ e }: { e: EventRecord }) {
  if (e.ackId === null) return <span class="muted">—</span>;
  if (!e.ack) return <span class="pending">ack #{e.ackId} pending</span>;
  return (
    <span class="acked">
      ack #{e.ackId} ← <Cut n={e.ack.cut} />{short(e.ack.args)} ({Math.round(e.ack.latencyMs * 10) / 10} ms)
    </span>
  );
}

/**
 * A long list as a run of small fixed-layout tables of BLOCK rows each. Every block sits in a
 * `content-visibility: auto` box, so the browser styles, lays out and paints only the blocks on
 * screen: laying out one big auto-sized table was the panel's largest cost (about 4% of a core
 * on a flooded page, per test/bench/ext-profile.ts). Fixed column widths keep the blocks'
 * columns aligned.
 *
 * Blocks are cut at multiples of BLOCK of the rows' index in the whole list (`offset` is the
 * index of `rows[0]`), so a block whose rows did not change is skipped by `Block` (`stamp` names
 * what can change in a row after it was drawn: an ack arriving). A quiet page's render then
 * diffs the last block, not the whole list.
 *
 * Blocks and rows are keyed by position, not by row identity: under load every row on screen is
 * new at each render, and position keys let preact rewrite the texts of the rows it has instead of
 * removing them all and building as many new ones (identity keys measured twice the panel's CPU
 * time on a busy page: element creation and insertion dominated).
 */
const BLOCK = 25;
type BlockTable<T> = (rows: readonly T[]) => preact.JSX.Element;
interface BlockProps<T> {
  rows: readonly T[];
  table: BlockTable<T>;
  /** Anything else the rows' text depends on (e.g. the time origin). */
  context: unknown;
  stamp?: (row: T) => unknown;
}

/**
 * Only blocks near the viewport are drawn; the others are empty boxes of the height they had
 * (or, never drawn, of their rows times the average row height seen so far), so the scrollbar
 * stays right. A flooded page re-renders the panel every 1-3 s, and drawing every row of every
 * list then cost ~3% of a core in the panel (test/bench/ext-profile.ts, 3,400 frames/s).
 * The observer's root is the panel's own document: with the implicit root (the top-level
 * viewport) a cross-origin iframe, which a DevTools panel is, gets no root margin at all, and
 * only the blocks on screen were drawn.
 */
const NEAR = "800px 0px";
let rowPx = 18;
const blockOf = new WeakMap<Element, { near(v: boolean, height: number): void }>();
let observer: IntersectionObserver | null | undefined;
function nearObserver(): IntersectionObserver | null {
  if (observer === undefined) {
    observer = typeof IntersectionObserver === "function"
      ? new IntersectionObserver((entries) => {
        for (const e of entries) blockOf.get(e.target)?.near(e.isIntersecting, e.boundingClientRect.height);
      }, { root: document, rootMargin: NEAR })
      : null;
  }
  return observer;
}

class Block<T> extends Component<BlockProps<T>, { near: boolean }> {
  // without IntersectionObserver every block is drawn
  override state = { near: nearObserver() === null };
  private stamps: unknown[] = [];
  private el: HTMLDivElement | null = null;
  /** Height when last drawn, and of how many rows. */
  private drawn = { height: 0, rows: 0 };
  private readonly ref = (el: HTMLDivElement | null) => {
    this.el = el;
  };
  override componentDidMount() {
    const o = nearObserver();
    if (!o || !this.el) return;
    blockOf.set(this.el, {
      near: (v, height) => {
        if (!v && this.state.near && height > 0 && this.props.rows.length) {
          this.drawn = { height, rows: this.props.rows.length };
          rowPx = (rowPx * 3 + height / this.props.rows.length) / 4;
        }
        if (v !== this.state.near) this.setState({ near: v });
      },
    });
    o.observe(this.el);
  }
  override componentWillUnmount() {
    if (this.el) observer?.unobserve(this.el);
  }
  override shouldComponentUpdate(next: BlockProps<T>, state: { near: boolean }): boolean {
    const a = this.props.rows;
    const b = next.rows;
    if (state.near !== this.state.near || a.length !== b.length) return true;
    if (!state.near) return false; // an empty box: only its row count matters
    if (next.context !== this.props.context) return true;
    for (let i = 0; i < b.length; i++) {
      if (a[i] !== b[i]) return true;
      if (next.stamp && next.stamp(b[i]!) !== this.stamps[i]) return true;
    }
    return false;
  }
  override render() {
    const { rows, table, stamp } = this.props;
    if (!this.state.near) {
      this.stamps = [];
      const h = this.drawn.rows === rows.length ? this.drawn.height : Math.round(rows.length * rowPx);
      return <div class="block" ref={this.ref} style={{ height: `${h}px` }} />;
    }
    this.stamps = stamp ? rows.map(stamp) : [];
    return <div class="block" ref={this.ref} style={{ height: "" }}>{table(rows)}</div>;
  }
}
function Blocks<T>({ rows, offset = 0, table, context, stamp }: { rows: readonly T[]; offset?: number; table: BlockTable<T>; context?: unknown; stamp?: (row: T) => unknown }) {
  const blocks: preact.JSX.Element[] = [];
  for (let i = 0; i < rows.length; ) {
    const abs = offset + i;
    const end = Math.min(rows.length, i + BLOCK - (abs % BLOCK));
    blocks.push(<Block key={blocks.length} rows={rows.slice(i, end)} table={table} context={context} stamp={stamp} />);
    i = end;
  }
  return <>{blocks}</>;
}

/**
 * The newest `max` or so of `rows` (rows[0] has absolute index `offset`), starting at a multiple
 * of BLOCK, so up to BLOCK - 1 more than `max`: every block but the last is full and keeps its
 * height while the list moves on. Cut anywhere, the first block's row count changed at every
 * render and every block after it moved, so the whole visible list was laid out, repainted and
 * rasterised again even where its rows read the same.
 */
function newest<T>(rows: readonly T[], max: number, offset = 0): { shown: readonly T[]; from: number } {
  if (rows.length <= max) return { shown: rows, from: offset };
  let cut = rows.length - max;
  cut = Math.max(0, cut - ((offset + cut) % BLOCK));
  return { shown: rows.slice(cut), from: offset + cut };
}

/** What can change in an event row after it is drawn: its ack arriving. */
const ackStamp = (e: EventRecord) => e.ack;

function Namespace({ ns }: { ns: NamespaceSocket }) {
  const { shown, from } = newest(ns.events, MAX_EVENTS_PER_NSP);
  return (
    <div class="nsp" data-nsp={ns.nsp}>
      <h4>
        <code>{ns.nsp}</code> <span class={`state ${ns.state}`}>{ns.state}</span>
        {ns.error !== null && ns.error !== undefined ? <span class="err"> {short(ns.error)}</span> : null}
        {ns.events.length + ns.eventsDropped > shown.length ? <span class="muted"> (last {shown.length} of {ns.events.length + ns.eventsDropped} events)</span> : null}
      </h4>
      {shown.length > 0 && (
        <Blocks
          rows={shown}
          offset={from}
          stamp={ackStamp}
          table={(rows) => (
            <table class="sio-events">
              <colgroup><col class="dir" /><col class="name" /><col class="args" /><col class="ack" /></colgroup>
              <tbody>
                {rows.map((e, i) => (
                  <tr key={i} class={e.dir}>
                    <td>{e.dir === "out" ? "↑" : "↓"}</td>
                    <td class="name">{e.name}</td>
                    <td class="args"><Cut n={e.cut} />{short(e.args)}</td>
                    <td><AckCell e={e} /></td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        />
      )}
    </div>
  );
}

function Session({ c }: { c: EioSession }) {
  // the transports that carried the session, named as the CLI names them (transportLabel):
  // "polling (via xhr) → websocket", "polling (jsonp, via script+form)", "polling (b64, via xhr)"
  const used: string[] = [];
  for (const t of c.transports) {
    const label = transportLabel(t);
    if ((t.probe === null || t.probe === "upgraded") && !used.includes(label)) used.push(label);
  }
  return (
    <section class="session" data-sid={c.sid ?? ""}>
      <h3>
        <span class={`state ${c.state}`}>{c.state}</span>{" "}
        {c.eio !== null ? `Engine.IO ${c.eio} · ` : ""}Socket.IO rev {c.sio} · {c.parser}
        {" · "}
        {used.join(" → ")}
        {c.upgraded ? " (upgraded)" : ""}
      </h3>
      <div class="meta">
        <code>{c.url}</code> sid <code>{c.sid ?? "?"}</code>
        {c.closeReason ? ` · closed: ${c.closeReason.kind}${c.closeReason.detail ? ` (${c.closeReason.detail})` : ""}` : ""}
      </div>
      {[...c.namespaces.values()].map((ns) => (
        <Boundary name={`namespace ${ns.nsp}`} key={ns.nsp}>
          <Namespace ns={ns} />
        </Boundary>
      ))}
    </section>
  );
}

function Sessions() {
  void version.value; // re-render when the model changed
  const sessions = model.sessions();
  const diags = model.diagnostics();
  const shownDiags = newest(diags, 200);
  if (!sessions.length && explained(coverage())) return null; // Coverage says why
  if (!sessions.length) return <p class="empty">No Socket.IO traffic yet. Use the page; everything since it loaded shows here.</p>;
  const hidden = Math.max(0, sessions.length - SHOWN_SESSIONS);
  const shown = hidden ? sessions.slice(hidden) : sessions;
  return (
    <div class="sessions">
      {hidden > 0 && <p class="muted" data-testid="sessions-hidden">{hidden} earlier sessions not shown (the newest {SHOWN_SESSIONS} are)</p>}
      {shown.map((c) => (
        <Boundary name="session" key={c.key}>
          <Session c={c} />
        </Boundary>
      ))}
      {diags.length > 0 && (
        <section class="diagnostics">
          <h3>
            Diagnostics
            {diags.length + model.diagnosticsDropped() > shownDiags.shown.length ? <span class="muted"> (last {shownDiags.shown.length} of {diags.length + model.diagnosticsDropped()})</span> : null}
          </h3>
          <Blocks
            rows={shownDiags.shown}
            offset={shownDiags.from}
            table={(rows) => (
              <ul>
                {rows.map((d, i) => (
                  <li key={i} class={d.severity}>{d.severity}: {d.message}</li>
                ))}
              </ul>
            )}
          />
        </section>
      )}
    </div>
  );
}

/** One line about a capture event; the page controls every field, so nothing is assumed. */
function preview(e: CaptureEvent): string {
  const r = e as unknown as Record<string, unknown>;
  const d = (typeof r.data === "object" && r.data !== null ? r.data : typeof r.body === "object" && r.body !== null ? r.body : null) as Record<string, unknown> | null;
  const cut = d && typeof d.truncated === "number" ? `(cut: ${d.truncated} in all) ` : "";
  const s = d
    ? cut + (typeof d.text === "string" ? d.text : typeof d.base64 === "string" ? `(binary, base64) ${d.base64}` : "")
    : typeof r.url === "string" ? r.url : "";
  return s.length > PREVIEW ? s.slice(0, PREVIEW) + "…" : s;
}

function Events() {
  const all = rows.value;
  const { shown: list, from } = newest(all, SHOWN_ROWS, rowsOffset);
  // Rows are keyed by position (here, in Namespace and in Diagnostics): under load every row on
  // screen is new at each render, and position keys let preact rewrite the texts of the rows it
  // has instead of removing them all and building as many new ones (the panel's main cost).
  const t0 = timeOrigin ?? 0;
  return (
    <div class="events-view">
      <table class="events">
        <colgroup><col class="time" /><col class="conn" /><col class="type" /><col class="data" /></colgroup>
        <thead><tr><th>time</th><th>conn</th><th>event</th><th>data</th></tr></thead>
      </table>
      <Blocks
        rows={list}
        offset={from}
        context={t0}
        table={(rows) => (
          <table class="events">
            <colgroup><col class="time" /><col class="conn" /><col class="type" /><col class="data" /></colgroup>
            <tbody>
              {rows.map((e, i) => (
                <tr key={i} class={e.type === "page" ? "page" : "dir" in e ? e.dir : ""}>
                  <td>{typeof e.ts === "number" ? ((e.ts - t0) / 1000).toFixed(3) : ""}</td>
                  <td>{String(e.conn)}</td>
                  <td>{String(e.type)}{"dir" in e ? (e.dir === "out" ? " ↑" : " ↓") : ""}</td>
                  <td class="data">{preview(e)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      />
    </div>
  );
}

function App() {
  return (
    <Boundary name="panel">
      <Toolbar />
      <Coverage />
      <Workers />
      <Boundary name="sessions"><Sessions /></Boundary>
      <Boundary name="events"><Events /></Boundary>
    </Boundary>
  );
}

// ---- test handle ----
declare global {
  interface Window {
    __socketScopePanel?: {
      snapshot(): {
        tabId: number | null;
        status: string;
        received: number;
        replayed: number;
        dropped: number;
        /** What the panel can see of the tab (Coverage). */
        coverage: ReturnType<typeof coverage>;
        /** Web workers the page started (Workers). */
        workers: number;
        report: Report;
      };
      preserveLog(v: boolean): void;
      /** The capture events the panel holds (the last MAX_ROWS), in arrival order. */
      events(): readonly CaptureEvent[];
    };
  }
}
const handle = {
  snapshot: () => ({
    tabId: tabId.value,
    status: status.value,
    received: received.value + pendingReceived,
    replayed,
    dropped: missed.value,
    coverage: coverage(),
    workers: workers.value.count,
    report: model.report(),
  }),
  preserveLog: setPreserve,
  events: () => rows.value.concat(pendingRows),
};
window.__socketScopePanel = handle;

/** What a panel answers on PANEL_PROBE (../shared/bridge.ts): the test handle's state, and where it runs. */
export interface ProbeReply {
  re: unknown;
  /** Running as a DevTools panel (inspectedWindow.tabId), not as panel.html in a tab. */
  inDevTools: boolean;
  snapshot: ReturnType<typeof handle.snapshot>;
  events: readonly CaptureEvent[];
  /** The text on screen. */
  text: string;
}
if (typeof BroadcastChannel === "function") {
  const probe = new BroadcastChannel(PANEL_PROBE);
  probe.onmessage = (e: MessageEvent<unknown>) => {
    const m = e.data as { ask?: unknown; id?: unknown } | null;
    if (!m || m.ask !== "snapshot") return;
    try {
      const reply: ProbeReply = {
        re: m.id,
        inDevTools: inspectedTab() !== undefined,
        snapshot: handle.snapshot(),
        events: handle.events(),
        text: document.getElementById("root")?.textContent ?? "",
      };
      probe.postMessage(reply);
    } catch (err) {
      console.error("socket-scope: probe reply failed", err);
    }
  };
}

// Unanswered acks and missed heartbeats only show with the passing of time; what the tick finds
// is drawn by the next paced render, never by an extra one, and a tick that finds nothing draws
// nothing (an idle panel rendered every 2 s for no change).
setInterval(() => {
  if (model.tick(Date.now())) scheduleRender();
}, 2000);

render(<App />, document.getElementById("root")!);
void resolveTab();
