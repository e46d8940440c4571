// The Socket.IO panel. Everything on screen is text rendered by preact (escaped); nothing is
// parsed as HTML. Bad data cannot blank the panel: every view sits in an error boundary.
import { render, Component, type ComponentChildren } from "preact";
import { signal, computed, batch } from "@preact/signals";
import browser from "webextension-polyfill";
import type { CaptureEvent } from "../../protocol/capture.ts";
import { subscribe, listTabs, type Subscription } from "./connection.ts";
import { createModel, type PanelModel, type Report } from "./model.ts";

const MAX_ROWS = 2000;
const PREVIEW = 300;

// ---- state ----
const tabId = signal<number | null>(null);
const status = signal<"starting" | "connected" | "reconnecting" | "no-tab">("starting");
const preserve = signal<boolean>(readPreserve());
const received = signal(0);
const dropped = signal(0);
const missed = signal(0);
const rows = signal<readonly CaptureEvent[]>([]);
const version = signal(0);
let model: PanelModel = createModel();
let sub: Subscription | null = null;
const report = computed<Report>(() => (version.value, model.report()));

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
  batch(() => {
    rows.value = [];
    received.value = 0;
    version.value++;
  });
}

function ingest(events: readonly CaptureEvent[], droppedNow: number, missedNow: number): void {
  let start = 0;
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    if (e.type === "page" && (e.frameId ?? 0) === 0 && !preserve.value) {
      reset();
      start = i;
    }
  }
  const fresh = start ? events.slice(start) : events;
  try {
    model.push(fresh);
  } catch (err) {
    console.error("socket-scope: model rejected events", err);
  }
  batch(() => {
    const all = rows.value.concat(fresh);
    rows.value = all.length > MAX_ROWS ? all.slice(all.length - MAX_ROWS) : all;
    received.value += fresh.length;
    dropped.value = droppedNow;
    missed.value += missedNow;
    version.value++;
  });
}

function start(id: number): void {
  tabId.value = id;
  sub?.close();
  sub = subscribe(id, (m) => ingest(m.events, m.dropped, m.missed ?? 0), (s) => (status.value = s));
}

async function resolveTab(): Promise<void> {
  const inspected = browser.devtools?.inspectedWindow?.tabId;
  if (typeof inspected === "number") return start(inspected);
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
        <div class="error" role="alert">
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
      {dropped.value + missed.value > 0 && (
        <span class="stat warn" data-testid="dropped">{dropped.value + missed.value} dropped (backlog cap)</span>
      )}
      <span class={`status ${status.value}`}>{status.value === "connected" ? `tab ${tabId.value}` : status.value}</span>
    </div>
  );
}

function Endpoints() {
  const r = report.value;
  if (!r.groups.length) return <p class="empty">No Socket.IO traffic yet. Use the page; everything since it loaded shows here.</p>;
  return (
    <div class="groups">
      {r.groups.map((g) => (
        <Boundary name="endpoint" key={g.endpoint}>
          <section class="group">
            <h3>{g.endpoint}</h3>
            <ul>
              {g.conns.map((c) => (
                <li key={c.conn}>
                  <code>{c.kind}</code> {c.conn} — {c.events} events{c.frameId ? ` (frame ${c.frameId})` : ""}
                </li>
              ))}
            </ul>
          </section>
        </Boundary>
      ))}
    </div>
  );
}

function preview(e: CaptureEvent): string {
  const d = "data" in e ? e.data : "body" in e ? e.body : undefined;
  const s = d ? ("text" in d ? d.text : `(binary, base64) ${d.base64}`) : "url" in e ? e.url : "";
  return typeof s === "string" ? (s.length > PREVIEW ? s.slice(0, PREVIEW) + "…" : s) : "";
}

function Events() {
  const list = rows.value;
  const t0 = list[0]?.ts ?? 0;
  return (
    <table class="events">
      <thead><tr><th>time</th><th>conn</th><th>event</th><th>data</th></tr></thead>
      <tbody>
        {list.map((e, i) => (
          <tr key={i} class={e.type === "page" ? "page" : "dir" in e ? e.dir : ""}>
            <td>{typeof e.ts === "number" ? ((e.ts - t0) / 1000).toFixed(3) : ""}</td>
            <td>{String(e.conn)}</td>
            <td>{String(e.type)}{"dir" in e ? (e.dir === "out" ? " ↑" : " ↓") : ""}</td>
            <td class="data">{preview(e)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function App() {
  return (
    <Boundary name="panel">
      <Toolbar />
      <Boundary name="sessions"><Endpoints /></Boundary>
      <Boundary name="events"><Events /></Boundary>
    </Boundary>
  );
}

// ---- test handle ----
declare global {
  interface Window {
    __socketScopePanel?: {
      snapshot(): { tabId: number | null; status: string; received: number; dropped: number; report: Report };
      preserveLog(v: boolean): void;
      /** The capture events the panel holds (the last MAX_ROWS), in arrival order. */
      events(): readonly CaptureEvent[];
    };
  }
}
window.__socketScopePanel = {
  snapshot: () => ({ tabId: tabId.value, status: status.value, received: received.value, dropped: dropped.value + missed.value, report: model.report() }),
  preserveLog: setPreserve,
  events: () => rows.value,
};

render(<App />, document.getElementById("root")!);
void resolveTab();
