// JSONP long-polling, which never goes through XMLHttpRequest or fetch (http.ts): socket.io
// 1.x–3.x clients with `forceJSONP` (engine.io-client up to 5; 6 dropped it) and 0.9's
// `jsonp-polling` transport.
//   - A poll is a <script> whose src is the polling URL with the index of a callback (`j=N`;
//     0.9: `…/jsonp-polling/<sid>?…&i=N`, its handshake `?…&jsonp=N`). The server answers with a
//     script that calls it: `___eio[N]("<payload>");` (0.9: `io.j[N]("<payload>");`), arrays of
//     functions the clients keep on window (`___eio`) and on the 0.9 client's global `io`.
//   - A send is a hidden form POSTed into an iframe, its textarea `d` the payload.
// A script's text cannot be read, so the hook records the call it makes: when a polling script's
// src is set, that callback is swapped for a Proxy of it until it is called (the Proxy puts the
// page's function back, records the argument, then calls the page's function with the same
// `this` and arguments) or the script loads or fails without calling it. The response is
// recorded as that call, `___eio[N]("…");` with the argument re-serialised by JSON.stringify:
// the server's text up to JSON's choice of escapes, which the decoders read as any JSONP body.
// The form's reply loads in its iframe, unreadable: it is recorded as arrived (status 0, body
// unavailable), which the session model takes as a POST answered.
import { emit, newConn, recording, retract, type Entry } from "./queue.ts";
import { isSocketIoUrl } from "./url-filter.ts";
import {
  NativeProxy, addListener, apply, defineProperty, getOwnPropertyDescriptor, getter, isArray, mask, stringify, strLower, uncurry, wmGet,
  wmSet, wrapMethod, wrapSetter,
} from "./native.ts";

// The callback indices protocol/detect.ts `detectFromUrl` reads as `jsonp`; not called here
// because it parses with the page's own URL and URLSearchParams, which the page may have patched.
const EIO_INDEX = /[?&]j=([0-9]{1,9})(?:[&#]|$)/;
const SIO09_POLL_INDEX = /\/jsonp-polling\/[^?#]*\?(?:[^#]*&)?i=([0-9]{1,9})(?:[&#]|$)/;
const SIO09_HANDSHAKE_INDEX = /[?&]jsonp=([0-9]{1,9})(?:[&#]|$)/;

/** Whether a resolved URL can be a JSONP poll at all: one look at the string for any other script. */
const mayBeJsonp = (u: string) => u.indexOf("j=") >= 0 || u.indexOf("jsonp") >= 0;

export function installJsonp(win: typeof globalThis): void {
  const Script = win.HTMLScriptElement;
  const Form = win.HTMLFormElement;
  if (typeof Script !== "function" || typeof Form !== "function") return;
  const scriptSrc = getter<string>(Script.prototype, "src");
  const formAction = getter<string>(Form.prototype, "action");
  const formMethod = getter<string>(Form.prototype, "method");
  const formTarget = getter<string>(Form.prototype, "target");
  const formElements = getter<HTMLFormControlsCollection>(Form.prototype, "elements");
  const namedItem = uncurry(HTMLFormControlsCollection.prototype.namedItem) as (c: HTMLFormControlsCollection, n: string) => unknown;
  const TextArea = win.HTMLTextAreaElement;
  const Input = win.HTMLInputElement;
  const IFrame = win.HTMLIFrameElement;
  const textareaValue = getter<string>(TextArea.prototype, "value");
  const inputValue = getter<string>(Input.prototype, "value");
  const iframeName = getter<string>(IFrame.prototype, "name");
  const children = getter<HTMLCollection>(Element.prototype, "children");
  const collectionLength = getter<number>(HTMLCollection.prototype, "length");
  const collectionItem = uncurry(HTMLCollection.prototype.item) as (c: HTMLCollection, i: number) => Element | null;
  const Params = URLSearchParams;
  const paramsAppend = uncurry(URLSearchParams.prototype.append);
  const paramsText = uncurry(URLSearchParams.prototype.toString) as (p: URLSearchParams) => string;

  /** Our Proxies in the pages' callback arrays, to their page functions. */
  const originals = new WeakMap<object, object>();

  /** A data property's value, read without running the page's code (no getter is called). */
  function dataOf(o: unknown, k: PropertyKey): unknown {
    if ((typeof o !== "object" && typeof o !== "function") || o === null) return undefined;
    const d = getOwnPropertyDescriptor(o, k);
    return d && "value" in d ? d.value : undefined;
  }

  function onPollScript(script: HTMLScriptElement): void {
    const url = scriptSrc(script);
    if (typeof url !== "string" || !mayBeJsonp(url) || !isSocketIoUrl(url)) return;
    const eio = url.indexOf("EIO=") >= 0;
    const m = eio ? EIO_INDEX.exec(url) : (SIO09_POLL_INDEX.exec(url) ?? SIO09_HANDSHAKE_INDEX.exec(url));
    if (!m) return;
    const n = Number(m[1]);
    const conn = newConn();
    emit({ type: "http-request", conn, method: "GET", url, api: "script" });
    const callbacks = eio ? dataOf(win, "___eio") : dataOf(dataOf(win, "io"), "j");
    let fn = isArray(callbacks) ? dataOf(callbacks, n) : undefined;
    if (typeof fn === "function") fn = wmGet(originals, fn) ?? fn;
    const head = eio ? "___eio[" + n + "](" : "io.j[" + n + "](";
    let done = false;
    let proxy: object | undefined;
    let attrs = { enumerable: true, configurable: true };
    const restore = () => {
      if (proxy && dataOf(callbacks, n) === proxy) defineProperty(callbacks as object, n, { value: fn, writable: true, ...attrs });
    };
    /** The poll's one outcome (a response or an error), which also puts the page's callback back. */
    const answered = (ev: { type: "http-response" | "http-error"; conn: string; [k: string]: unknown }, body?: string) => {
      if (done) return;
      done = true;
      restore();
      emit(ev, body !== undefined ? "body" : undefined, body, "binary");
    };
    if (typeof fn === "function") {
      const page = fn;
      proxy = new NativeProxy(page, {
        apply(target, self, args) {
          try {
            const msg = args[0];
            if (typeof msg === "string") answered({ type: "http-response", conn, status: 200, contentType: "text/javascript" }, head + stringify(msg) + ");");
            else answered({ type: "http-response", conn, status: 200, bodyUnavailable: "a JSONP call without a string" });
          } catch {
            // never disturb the page
          }
          return apply(target, self, args);
        },
      });
      wmSet(originals, proxy, page);
      mask(proxy, page);
      const d = getOwnPropertyDescriptor(callbacks as object, n);
      if (d) attrs = { enumerable: !!d.enumerable, configurable: !!d.configurable };
      if (!d || !d.writable || !defineProperty(callbacks as object, n, { value: proxy, writable: true, ...attrs })) proxy = undefined;
    }
    addListener(script, "load", (e: Event) => {
      if (e.isTrusted) answered({ type: "http-response", conn, status: 200, bodyUnavailable: proxy ? "the script did not call its JSONP callback" : "no JSONP callback to read it from" });
    }, true);
    addListener(script, "error", (e: Event) => {
      if (e.isTrusted) answered({ type: "http-error", conn, reason: "network", message: "the JSONP script failed to load" });
    }, true);
  }

  wrapSetter(Script.prototype, "src", (original, self, args) => {
    const result = apply(original, self, args);
    if (recording) {
      try {
        onPollScript(self as HTMLScriptElement);
      } catch {
        // never disturb the page
      }
    }
    return result;
  });

  /** The iframe a form posts into, when the form holds it (both clients put it there). */
  function targetFrame(form: HTMLFormElement): HTMLIFrameElement | undefined {
    const name = formTarget(form);
    if (!name) return undefined;
    const kids = children(form);
    for (let i = 0, len = collectionLength(kids); i < len; i++) {
      const el = collectionItem(kids, i);
      if (el instanceof IFrame && iframeName(el) === name) return el;
    }
    return undefined;
  }

  function onFormSubmit(form: HTMLFormElement): Entry | undefined {
    const url = formAction(form);
    if (typeof url !== "string" || strLower(formMethod(form)) !== "post" || !isSocketIoUrl(url)) return undefined;
    const field = namedItem(formElements(form), "d");
    const value = field instanceof TextArea ? textareaValue(field) : field instanceof Input ? inputValue(field) : undefined;
    const conn = newConn();
    const ev: { type: "http-request"; conn: string; [k: string]: unknown } = { type: "http-request", conn, method: "POST", url, api: "form", contentType: "application/x-www-form-urlencoded" };
    let body: string | undefined;
    if (value !== undefined) {
      const p = new Params();
      paramsAppend(p, "d", value);
      body = paramsText(p);
    } else ev.bodyUnavailable = "a form without its d field";
    const entry = emit(ev, body !== undefined ? "body" : undefined, body, "binary");
    const frame = targetFrame(form);
    if (frame) {
      let done = false;
      addListener(frame, "load", (e: Event) => {
        if (done || !e.isTrusted) return;
        done = true;
        emit({ type: "http-response", conn, status: 0, bodyUnavailable: "a form's reply, loaded in its iframe" });
      }, true);
    }
    return entry;
  }

  wrapMethod(Form.prototype, "submit", (original, self, args) => {
    let entry: Entry | undefined;
    if (recording) {
      try {
        entry = onFormSubmit(self as HTMLFormElement);
      } catch {
        // never disturb the page
      }
    }
    try {
      return apply(original, self, args);
    } catch (e) {
      if (entry) retract(entry);
      throw e;
    }
  });
}
