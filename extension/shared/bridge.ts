// Names shared by the execution contexts of the extension. The MAIN-world hook and the
// isolated-world content script talk through a CustomEvent on `window` (never
// window.postMessage, which the page's own `message` listeners would receive).

/** CustomEvent type the hook dispatches on `window`; `detail` is `<prefix>|<origin µs>|` and a JSON array of capture events (WebSocket frames and HTTP exchanges compact: ./wire.ts). */
export const HOOK_EVENT = "__socket_scope_capture__";

/**
 * CustomEvent type the relay dispatches on `window` once it listens for HOOK_EVENT. A hook that
 * stopped recording because nobody took its batches (../hook/queue.ts `recording`) starts over
 * on it: in Firefox, an update injects the new relay into open pages, and under load it can come
 * after the first batch the restarted hook sent (../hook/index.ts).
 */
export const RELAY_READY = HOOK_EVENT + ":relay";

/** Name of the runtime port between a content script and the background. */
export const CONTENT_PORT = "socket-scope/content";

/** The DevTools panel's title: the tab DevTools shows (extension/devtools/devtools.ts). */
export const PANEL_TITLE = "Socket.IO";

/** Name of the runtime port between a DevTools panel and the background. */
export const PANEL_PORT = "socket-scope/panel";

/**
 * BroadcastChannel on which a panel answers `{ ask: "snapshot", id }` with its state
 * (extension/panel/panel.tsx). Firefox's toolbox runs the panel where WebDriver BiDi cannot
 * evaluate, so the e2e test asks from another page of the extension. A BroadcastChannel only
 * connects documents of one origin: the extension's own pages, which can read every tab's
 * backlog through the background anyway; no web page can join it.
 */
export const PANEL_PROBE = "socket-scope/panel-probe";

/**
 * While traffic keeps coming (the previous batch left less than BUSY_WINDOW_MS ago), the hook
 * sends one batch per BUSY_BATCH_MS and the relay forwards one message per BUSY_BATCH_MS: one
 * pace for both, so a hook batch reaches a relay that is due and goes on at once (no second
 * timer). See ../hook/queue.ts and ../content/relay.ts.
 */
export const BUSY_BATCH_MS = 250;
export const BUSY_WINDOW_MS = 1000;
/**
 * A flood (the previous batch held at least FLOOD_EVENTS events: ≥ ~250 events a second) goes
 * out once per FLOOD_BATCH_MS instead. Every message costs the browser about the same whatever
 * its size (the relay's IPC, the worker's storage write and ack, the panel's update), and on a
 * page doing ~200 long-polling requests a second those per-message costs were most of what the
 * extension took from it. A flooded panel redraws every 2-3 s anyway (panel.tsx), so the
 * longer wait shows nowhere; an app sending a few events a second keeps the 250 ms pace.
 */
export const FLOOD_EVENTS = 64;
export const FLOOD_BATCH_MS = 1000;
