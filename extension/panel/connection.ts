// The panel's side of the PANEL_PORT: subscribes to one tab, resumes after the background
// restarts (from the index it has reached, so nothing arrives twice), and hands every event
// to `onEvents` in order.
import browser, { type Runtime } from "webextension-polyfill";
import { PANEL_PORT } from "../shared/bridge.ts";
import { asDocBase, expandEvent } from "../shared/wire.ts";
import type { CaptureEvent } from "../../protocol/capture.ts";
import type { BackgroundToPanel, EventsMsg, PanelToBackground, TabsMsg } from "../content/messages.ts";

export interface Subscription {
  clear(): void;
  close(): void;
}

/** What the panel gets: the events of one EventsMsg, parsed, with index `start + i`. */
export interface Delivery {
  start: number;
  events: CaptureEvent[];
  dropped: number;
  missed: number;
  /** The backlog sent in reply to subscribe, not live traffic (EventsMsg.replay). */
  replay: boolean;
  /** Copies of events sent before under earlier indexes (EventsMsg.copy). */
  copy: boolean;
  /** The tab's hooked top document, null when none has reported (EventsMsg.top). */
  top: { url: string; late: boolean } | null;
}

function topOf(m: EventsMsg): Delivery["top"] {
  const t = m.top as unknown;
  if (!t || typeof t !== "object") return null;
  const { url, late } = t as { url?: unknown; late?: unknown };
  return { url: typeof url === "string" ? url : "", late: late === true };
}

/** The events of a message from the background, or null when it is not a well-formed one. */
function parseEvents(m: EventsMsg): CaptureEvent[] | null {
  if (typeof m.json !== "string" || typeof m.start !== "number") return null;
  let list: unknown;
  try {
    list = JSON.parse(m.json);
  } catch {
    return null;
  }
  if (!Array.isArray(list)) return null;
  const frameId = typeof m.frameId === "number" ? m.frameId : 0;
  const frameUrl = typeof m.frameUrl === "string" ? m.frameUrl : undefined;
  const base = asDocBase(m.base);
  for (let i = 0; i < list.length; i++) {
    // compact items (../shared/wire.ts) become events; a malformed one becomes null
    const e = (list[i] = expandEvent(list[i], base));
    if (typeof e !== "object" || e === null) continue; // the session model reports it
    const w = e as { frameId?: number; frameUrl?: string };
    w.frameId = frameId;
    if (w.frameUrl === undefined && frameUrl !== undefined) w.frameUrl = frameUrl;
  }
  return list as CaptureEvent[];
}

export function subscribe(
  tabId: number,
  onEvents: (d: Delivery) => void,
  onStatus: (s: "connected" | "reconnecting") => void,
): Subscription {
  let next = 0;
  let port: Runtime.Port | null = null;
  let closed = false;
  let delay = 50;
  const open = () => {
    if (closed) return;
    try {
      port = browser.runtime.connect({ name: PANEL_PORT });
    } catch {
      setTimeout(open, (delay = Math.min(delay * 2, 2000)));
      return;
    }
    onStatus("connected");
    port.onMessage.addListener((raw: unknown) => {
      const m = raw as BackgroundToPanel;
      if (!m || m.kind !== "events" || m.tabId !== tabId) return;
      // Skip anything already seen (a resend overlapping what we hold) before parsing it.
      const skip = Math.max(0, next - m.start);
      if (m.count > 0 && skip >= m.count) return;
      const events = parseEvents(m);
      if (!events) return;
      delay = 50;
      const fresh = skip ? events.slice(skip) : events;
      next = m.start + skip + fresh.length;
      onEvents({ start: m.start + skip, events: fresh, dropped: Number(m.dropped) || 0, missed: Number(m.missed) || 0, replay: m.replay === true, copy: m.copy === true, top: topOf(m) });
    });
    port.onDisconnect.addListener(() => {
      port = null;
      if (closed) return;
      onStatus("reconnecting");
      setTimeout(open, delay);
    });
    port.postMessage({ kind: "subscribe", tabId, since: next } satisfies PanelToBackground);
  };
  open();
  return {
    clear() {
      port?.postMessage({ kind: "clear", tabId } satisfies PanelToBackground);
    },
    close() {
      closed = true;
      port?.disconnect();
    },
  };
}

/** Tabs with a backlog, for panel.html opened outside DevTools (`?url=` / `?tab=`). */
export function listTabs(): Promise<TabsMsg["tabs"]> {
  return new Promise((resolve) => {
    const port = browser.runtime.connect({ name: PANEL_PORT });
    port.onMessage.addListener((raw: unknown) => {
      const m = raw as BackgroundToPanel;
      if (m?.kind === "tabs") {
        port.disconnect();
        resolve(m.tabs);
      }
    });
    port.onDisconnect.addListener(() => resolve([]));
    port.postMessage({ kind: "list-tabs" } satisfies PanelToBackground);
  });
}
