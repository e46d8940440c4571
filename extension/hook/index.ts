// The page hook: runs in the page's MAIN world at document_start in every frame (a manifest
// content script), before any page script. It records WebSocket, Engine.IO/0.9 long-polling
// (XHR, fetch, and JSONP's scripts and forms) and WebTransport traffic as capture events (protocol/capture.ts) and hands
// them, and that the page started a web worker (whose traffic no content script can see), in
// batches to the content script as a CustomEvent named HOOK_EVENT whose `detail` is
// the document's base (`<prefix>|<origin µs>|`) and the JSON of an array of capture events,
// WebSocket frames and HTTP exchanges in the compact forms of extension/shared/wire.ts
// (extension/shared/bridge.ts). It parses no protocol.
//
// It must be invisible to the page: wrapped functions are Proxies of the originals (same
// name, length, source text, prototype, constants), nothing enumerable is added to window,
// and a second injection into the same window does nothing.
import { HOOK_EVENT, RELAY_READY } from "../shared/bridge.ts";
import { emit, flushNow, newConn, recording, restart } from "./queue.ts";
import { NativeMutationObserver, addListener, dispatch, getter, installToStringMask, observeMutations } from "./native.ts";
import { installWebSocket } from "./websocket.ts";
import { installFetch, installXhr } from "./http.ts";
import { installJsonp } from "./jsonp.ts";
import { installWebTransport } from "./webtransport.ts";
import { installWorkers } from "./worker.ts";

// "Is a hook already installed in this window?" is asked with an event the first hook answers,
// rather than a marker property that the page could see among window's own keys or symbols.
const PROBE = HOOK_EVENT + ":installed";

function alreadyInstalled(win: Window): boolean {
  const answer = { installed: false };
  dispatch(win, new CustomEvent(PROBE, { detail: answer }));
  return answer.installed;
}

/** The page event that starts a document's capture. */
function pageEvent(): { type: "page"; conn: string; url: string; late?: true } {
  const page: { type: "page"; conn: string; url: string; late?: true } = { type: "page", conn: newConn(), url: String(location.href) };
  // At document_start the document is still loading; later means the browser injected us into a
  // page that was already open (Firefox does so when the add-on is installed, enabled or updated).
  if (document.readyState !== "loading") page.late = true;
  return page;
}

function install(win: typeof globalThis): void {
  if (alreadyInstalled(win as unknown as Window)) return;
  const onProbe = (e: Event): void => {
    const d = (e as CustomEvent<unknown>).detail;
    if (!d || typeof d !== "object") return;
    (d as { installed?: boolean }).installed = true;
    // A second hook means the browser injected the extension into this open page again (Firefox
    // does on an update or re-enable), with a new relay: record for it from now on, saying
    // that what happened before is not captured. (A page that sends this probe itself only
    // restarts its own capture.)
    restart(pageEvent());
  };
  // A new relay (Firefox injects one into open pages on an update) says it is there: if our
  // batches went untaken meanwhile (the old relay gone, the new one not yet listening), we
  // stopped, and record again for it.
  const onRelayReady = (): void => {
    if (!recording) restart(pageEvent());
  };
  // Back from the back/forward cache: the same document, shown again. It says so with a page
  // event of its own, which the background and the panel take as the navigation back to it.
  const persisted = getter<boolean>(PageTransitionEvent.prototype, "persisted");
  const onPageShow = (e: Event): void => {
    if (e.isTrusted && persisted(e)) emit({ type: "page", conn: newConn(), url: String(location.href), restored: true });
  };
  const listen = (): void => {
    addListener(win, PROBE, onProbe, true);
    addListener(win, RELAY_READY, onRelayReady, true);
    addListener(win, "pagehide", flushNow, true);
    addListener(win, "pageshow", onPageShow, true);
  };
  listen();
  // document.open() erases every listener of the window (a page that writes a whole document
  // into a frame, as some widgets do with an about:blank iframe), ours too, while the window and
  // our wrappers stay: listen again (adding a listener that is still there changes nothing). The
  // relay does the same (../content/relay.ts).
  try {
    observeMutations(new NativeMutationObserver(listen), document, { childList: true });
  } catch {
    // no document to watch
  }
  installToStringMask();
  emit(pageEvent());
  for (const part of [installWebSocket, installXhr, installFetch, installJsonp, installWebTransport, installWorkers]) {
    try {
      part(win);
    } catch {
      // a missing or odd API in this browser disables only that part
    }
  }
}

install(window as unknown as typeof globalThis);
