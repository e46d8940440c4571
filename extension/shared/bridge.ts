// Names shared by the execution contexts of the extension. The MAIN-world hook and the
// isolated-world content script talk through a CustomEvent on `window` (never
// window.postMessage, which the page's own `message` listeners would receive).

/** CustomEvent type the hook dispatches on `window`; `detail` is a JSON array of capture events (WebSocket frames and HTTP exchanges compact: ./wire.ts). */
export const HOOK_EVENT = "__socket_scope_capture__";

/** Name of the runtime port between a content script and the background. */
export const CONTENT_PORT = "socket-scope/content";

/** Name of the runtime port between a DevTools panel and the background. */
export const PANEL_PORT = "socket-scope/panel";

/**
 * While traffic keeps coming (the previous batch left less than BUSY_WINDOW_MS ago), the hook
 * sends one batch per BUSY_BATCH_MS and the relay forwards one message per BUSY_BATCH_MS: one
 * pace for both, so a hook batch reaches a relay that is due and goes on at once (no second
 * timer). See ../hook/queue.ts and ../content/relay.ts.
 */
export const BUSY_BATCH_MS = 250;
export const BUSY_WINDOW_MS = 1000;
