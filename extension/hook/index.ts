// The page hook: runs in the page's MAIN world at document_start in every frame (a manifest
// content script), before any page script. It records WebSocket, Engine.IO/0.9 long-polling
// (XHR and fetch) and WebTransport traffic as capture events (protocol/capture.ts) and hands
// them in batches to the content script as a CustomEvent named HOOK_EVENT whose `detail` is
// the JSON of a CaptureEvent[] (extension/shared/bridge.ts). It parses no protocol.
//
// It must be invisible to the page: wrapped functions are Proxies of the originals (same
// name, length, source text, prototype, constants), nothing enumerable is added to window,
// and a second injection into the same window does nothing.
import { emit, flushNow, newConn } from "./queue.ts";
import { installToStringMask } from "./native.ts";
import { installWebSocket } from "./websocket.ts";
import { installFetch, installXhr } from "./http.ts";
import { installWebTransport } from "./webtransport.ts";

const INSTALLED = Symbol.for("socket-scope.hook");

function install(win: typeof globalThis & Record<symbol, unknown>): void {
  if (Object.prototype.hasOwnProperty.call(win, INSTALLED)) return;
  Object.defineProperty(win, INSTALLED, { value: true, enumerable: false, configurable: false, writable: false });
  installToStringMask();
  emit({ type: "page", conn: newConn(), url: String(location.href) });
  for (const part of [installWebSocket, installXhr, installFetch, installWebTransport]) {
    try {
      part(win);
    } catch {
      // a missing or odd API in this browser disables only that part
    }
  }
  win.addEventListener("pagehide", flushNow, true);
}

install(window as unknown as typeof globalThis & Record<symbol, unknown>);
