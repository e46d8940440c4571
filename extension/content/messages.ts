// Messages on the two runtime ports (CONTENT_PORT, PANEL_PORT in ../shared/bridge.ts).
// Every message is plain JSON; capture events travel unchanged except for the frame fields.
import type { CaptureEvent } from "../../protocol/capture.ts";
import type { DocBase } from "../shared/wire.ts";

// ---- content script ⇄ background ----

/**
 * One batch of one document's events. `seq` counts up from 1 per document; resent until acked.
 * `chunks` are the hook's CustomEvent details exactly as dispatched (each a JSON array of capture
 * events, WebSocket frames and HTTP exchanges compact: ../shared/wire.ts): the relay runs on the
 * page's main thread, so parsing waits for the background.
 */
export interface BatchMsg {
  kind: "batch";
  /** Random id of the document (one per content-script instance). */
  doc: string;
  seq: number;
  chunks: string[];
  /** Events the relay itself had to drop (its unacked buffer overflowed) before this batch. */
  dropped?: number;
}
export interface AckMsg {
  kind: "ack";
  /** Every batch of this port's document up to and including `seq` is stored. */
  seq: number;
}
export type ContentToBackground = BatchMsg;
export type BackgroundToContent = AckMsg;

// ---- panel ⇄ background ----

/** Start (or resume after a reconnect) receiving a tab's events from index `since`. */
export interface SubscribeMsg {
  kind: "subscribe";
  tabId: number;
  since?: number;
}
/** List the tabs that have a backlog (used by panel.html opened outside DevTools). */
export interface ListTabsMsg {
  kind: "list-tabs";
}
/** Forget the tab's stored backlog (the panel's Clear button). */
export interface ClearMsg {
  kind: "clear";
  tabId: number;
}
export type PanelToBackground = SubscribeMsg | ListTabsMsg | ClearMsg;

/**
 * Events numbered per tab: the i-th event of `json` has index `start + i`. Indexes never repeat
 * within a tab, even across navigations and service-worker restarts, so a resubscribing panel
 * never sees an event twice.
 *
 * The events travel as one JSON string (an array of capture events, WebSocket frames and HTTP
 * exchanges in the compact forms of ../shared/wire.ts as the hook sent them), not as objects: Chrome
 * converts a message's object graph property by property on both ends of the port, which cost
 * the extension's process several times what one string copy and a JSON.parse do (measured with
 * test/bench/ext-profile.ts on a flooded page).
 */
export interface EventsMsg {
  kind: "events";
  tabId: number;
  start: number;
  /** How many events `json` holds. */
  count: number;
  json: string;
  /**
   * The frame all these events came from (0 = top), and its URL: sent once here rather than on
   * every event; the panel stamps them onto the events (frameUrl only where an event has none).
   */
  frameId: number;
  frameUrl?: string;
  /** What the relative compact items in `json` are relative to (../shared/wire.ts). */
  base?: DocBase;
  /** Events lost to the backlog cap (oldest first) since the tab's current page began. */
  dropped: number;
  /** Set on the first message after subscribe: events before `start` that this panel asked for but no longer exist. */
  missed?: number;
  /**
   * The tab's hooked top document (backlog.ts topOf): null when none has reported, which the
   * panel explains (a tab loaded before the extension was installed or enabled is not hooked).
   */
  top: { url: string; late?: true } | null;
  /**
   * Set on what the background sends in reply to a subscribe: events it already held (the
   * backlog), not traffic arriving now. The panel does not slow its renders down for these.
   */
  replay?: true;
  /**
   * Sent live, these events are copies of ones sent before under earlier indexes (backlog.ts
   * Chunk.copy): a new page's sub-frame that reached the background before its top frame did.
   * A panel that kept the originals across the navigation (preserve log) skips them.
   */
  copy?: true;
}
export interface TabsMsg {
  kind: "tabs";
  tabs: Array<{ tabId: number; url: string; events: number }>;
}
export type BackgroundToPanel = EventsMsg | TabsMsg;

/** The frame fields a relay and the router add to every event. */
export type FramedEvent = CaptureEvent & { frameId?: number; frameUrl?: string };
