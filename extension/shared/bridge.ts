// Names shared by the execution contexts of the extension. The MAIN-world hook and the
// isolated-world content script talk through a CustomEvent on `window` (never
// window.postMessage, which the page's own `message` listeners would receive).

/** CustomEvent type the hook dispatches on `window`; `detail` is a JSON array of capture events (WebSocket frames and HTTP exchanges compact: ./wire.ts). */
export const HOOK_EVENT = "__socket_scope_capture__";

/** Name of the runtime port between a content script and the background. */
export const CONTENT_PORT = "socket-scope/content";

/** Name of the runtime port between a DevTools panel and the background. */
export const PANEL_PORT = "socket-scope/panel";
