// XMLHttpRequest and fetch capture, limited to Engine.IO / Socket.IO 0.9 shaped URLs (the
// long-polling transport). Request bodies are copied before the browser sends them; response
// bodies come from the XHR once it is DONE, or from `response.clone()` for fetch, so the app's
// own stream is neither consumed nor delayed.
import type { HttpApi } from "../../protocol/capture.ts";
import { copyBytes, emit, newConn, recording, retract, type Encoding, type Entry, type Raw } from "./queue.ts";
import { isSocketIoUrl } from "./url-filter.ts";
import { snapshot } from "./websocket.ts";
import {
  NativeArrayBuffer, NativeBlob, NativeResponse, NativeUint8Array, NativeURL, addListener, apply,
  getter, getOwnPropertyDescriptor, isArray, isView, NativeProxy, now, ownKeys, promiseThen, reflectGet, stringify, strLower, strUpper, uncurry, urlText, wmGet, wmSet,
  wrapConstructor, wrapMethod,
} from "./native.ts";

const METHODS = /^(?:delete|get|head|options|post|put|patch)$/i;
function normMethod(m: unknown): string {
  if (m === "GET" || m === "POST") return m; // what every Socket.IO client passes
  // not a string: the browser converts it once, and would see us convert it again (native.ts urlText)
  if (typeof m !== "string") return "(not a string)";
  return METHODS.test(m) ? strUpper(m) : m;
}

const ABSOLUTE = /^https?:\/\//i;
function resolve(s: string): string | undefined {
  try {
    // an absolute URL parses once; a relative one also makes the URL parser read the base
    return (ABSOLUTE.test(s) ? new NativeURL(s) : new NativeURL(s, document.baseURI)).href;
  } catch {
    return undefined;
  }
}

/**
 * False when `s` cannot be an Engine.IO / 0.9 URL even once resolved, so the app's other
 * requests cost one look at the string, not a URL parse. Resolution adds no query parameter
 * and no `1/` segment that the text does not already hold (backslashes become slashes).
 */
function mayBeSocketIo(s: string): boolean {
  return s.indexOf("EIO=") >= 0 || s.indexOf("transport=") >= 0 || s.indexOf("1/") >= 0 || s.indexOf("1\\") >= 0;
}

interface BodyCapture {
  raw?: Raw;
  enc: Encoding;
  contentType?: string;
  unavailable?: string;
}

const searchParamsText = uncurry(URLSearchParams.prototype.toString) as (p: URLSearchParams) => string;

/** What a request body looks like on the wire, read without disturbing the app's request. */
function captureBody(body: unknown): BodyCapture {
  if (typeof body === "string") return { raw: body, enc: "binary", contentType: "text/plain;charset=UTF-8" };
  if (body instanceof NativeArrayBuffer || isView(body)) return { raw: snapshot(body), enc: "binary" };
  if (body instanceof NativeBlob) return { raw: body, enc: "binary", contentType: body.type || undefined };
  if (body instanceof URLSearchParams) {
    return { raw: searchParamsText(body), enc: "binary", contentType: "application/x-www-form-urlencoded;charset=UTF-8" };
  }
  if (body instanceof FormData) {
    // serialised by a Response: its own boundary, stated in its own content type
    const r = new NativeResponse(body);
    const ct = r.headers.get("content-type") ?? undefined;
    return { raw: promiseThen(r.arrayBuffer(), (b) => new NativeUint8Array(b as ArrayBuffer)) as Promise<Uint8Array>, enc: "auto", contentType: ct };
  }
  if (typeof ReadableStream !== "undefined" && body instanceof ReadableStream) return { enc: "binary", unavailable: "stream" };
  if (typeof Document !== "undefined" && body instanceof Document) return { enc: "binary", unavailable: "document" };
  // Any other object is converted to text by the browser, once: converting it again would run the
  // page's own toString a second time. Primitives convert without running page code.
  if ((typeof body === "object" && body !== null) || typeof body === "function") return { enc: "binary", unavailable: "an object the browser converts to text" };
  return { raw: String(body), enc: "binary" };
}

function emitRequest(api: HttpApi, conn: string, method: string, url: string, contentType: string | undefined, b: BodyCapture | undefined) {
  const ev: { type: "http-request"; conn: string; [k: string]: unknown } = { type: "http-request", conn, method, url, api };
  const ct = contentType ?? b?.contentType;
  if (ct !== undefined) ev.contentType = ct;
  if (b?.unavailable) ev.bodyUnavailable = b.unavailable;
  return emit(ev, b?.raw !== undefined ? "body" : undefined, b?.raw, b?.enc);
}

// ---------------------------------------------------------------- XMLHttpRequest

interface XhrState {
  method: string;
  url: string;
  matched: boolean;
  contentType?: string;
  conn?: string;
  /** abort / error / timeout listeners added (only once a request of this XHR has failed). */
  failures: boolean;
}

export function installXhr(win: typeof globalThis): void {
  const XHR = win.XMLHttpRequest;
  if (typeof XHR !== "function") return;
  const proto = XHR.prototype;
  const states = new WeakMap<object, XhrState>();
  const readyState = getter<number>(proto, "readyState");
  const status = getter<number>(proto, "status");
  const responseType = getter<string>(proto, "responseType");
  const response = getter<unknown>(proto, "response");
  const responseText = getter<string>(proto, "responseText");
  const getHeader = uncurry(proto.getResponseHeader);

  function onReadyState(this: XMLHttpRequest, ev: Event): void {
    const st = wmGet(states, this);
    if (!st?.conn || !ev.isTrusted || readyState(this) !== 4) return;
    const code = status(this);
    if (code === 0) {
      // abort / error / timeout is dispatched right after this readystatechange (the XHR
      // standard's "request error steps"): listen for it only now, so a request that succeeds
      // costs one listener, not four
      if (!st.failures) {
        st.failures = true;
        addListener(this, "abort", onAbort, true);
        addListener(this, "error", onError, true);
        addListener(this, "timeout", onTimeout, true);
      }
      return;
    }
    const conn = st.conn;
    st.conn = undefined;
    try {
      const ev: { type: "http-response"; conn: string; [k: string]: unknown } = { type: "http-response", conn, status: code };
      const ct = getHeader(this, "content-type") as string | null;
      if (ct !== null) ev.contentType = ct;
      const rt = responseType(this);
      let raw: Raw | undefined;
      if (rt === "" || rt === "text") raw = responseText(this);
      else if (rt === "arraybuffer") {
        const b = response(this);
        if (b instanceof NativeArrayBuffer) raw = copyBytes(b);
      } else if (rt === "blob") {
        const b = response(this);
        if (b instanceof NativeBlob) raw = b;
      } else if (rt === "json") {
        raw = stringify(response(this)) ?? "null"; // re-serialised: the raw text is not exposed
      } else ev.bodyUnavailable = rt;
      emit(ev, raw !== undefined ? "body" : undefined, raw, "binary");
    } catch {
      // ignore
    }
  }
  function failed(reason: "abort" | "network" | "timeout") {
    return function (this: XMLHttpRequest, ev: Event): void {
      const st = wmGet(states, this);
      if (!st?.conn || !ev.isTrusted) return; // the page's own synthetic events are not outcomes
      emit({ type: "http-error", conn: st.conn, reason });
      st.conn = undefined;
    };
  }
  const onAbort = failed("abort");
  const onError = failed("network");
  const onTimeout = failed("timeout");

  // Our readystatechange listener goes on every XHR when it is made, before any of the app's:
  // XHR is not a DOM node, so its listeners run in the order they were added, whatever their
  // phase. Added in open() instead, it ran after any listener the app added before open(): the
  // response was recorded after whatever that listener did (a polling client's next request),
  // and a listener that called stopImmediatePropagation() hid it altogether. An XHR that never
  // opens a Socket.IO URL costs one early return per readystatechange.
  wrapConstructor<typeof XMLHttpRequest>(win, "XMLHttpRequest", (xhr) => {
    addListener(xhr, "readystatechange", onReadyState, true);
  });

  wrapMethod(proto, "open", (original, self, args) => {
    const result = apply(original, self, args);
    try {
      let st = wmGet(states, self as object);
      const text = recording ? urlText(args[1]) : undefined;
      if (text === undefined) {
        if (st) st.matched = false; // reopened at a URL we do not read: not ours any more
        return result;
      }
      if (!st && !mayBeSocketIo(text)) return result;
      const url = resolve(text);
      const matched = url !== undefined && isSocketIoUrl(url);
      if (!st) {
        if (!matched) return result; // untracked until it opens a Socket.IO URL
        st = { method: "", url: "", matched, failures: false };
        wmSet(states, self as object, st);
      }
      st.method = normMethod(args[0]);
      st.url = url ?? text;
      st.matched = matched;
      st.contentType = undefined;
      st.conn = undefined;
    } catch {
      // ignore
    }
    return result;
  });

  wrapMethod(proto, "setRequestHeader", (original, self, args) => {
    const result = apply(original, self, args);
    const st = wmGet(states, self as object);
    // strings only: the browser converts anything else once, and would see us convert it again
    if (st?.matched && typeof args[0] === "string" && typeof args[1] === "string" && strLower(args[0]) === "content-type") {
      const v = args[1];
      st.contentType = st.contentType === undefined ? v : st.contentType + ", " + v;
    }
    return result;
  });

  wrapMethod(proto, "send", (original, self, args) => {
    const st = wmGet(states, self as object);
    if (!st?.matched) return apply(original, self, args);
    let entry;
    let conn: string | undefined;
    try {
      conn = newConn();
      const body = args[0];
      const hasBody = body !== undefined && body !== null && st.method !== "GET" && st.method !== "HEAD";
      entry = emitRequest("xhr", conn, st.method, st.url, st.contentType, hasBody ? captureBody(body) : undefined);
      st.conn = conn;
    } catch {
      // ignore
    }
    try {
      return apply(original, self, args);
    } catch (e) {
      if (entry) retract(entry);
      if (st.conn === conn) st.conn = undefined;
      throw e;
    }
  });
}

// ---------------------------------------------------------------- fetch

export function installFetch(win: typeof globalThis): void {
  if (typeof win.fetch !== "function") return;
  const NativeRequest = win.Request;
  const requestUrl = getter<string>(NativeRequest.prototype, "url");
  const requestMethod = getter<string>(NativeRequest.prototype, "method");
  const requestBody = getter<unknown>(NativeRequest.prototype, "body");
  const requestHeaders = getter<Headers>(NativeRequest.prototype, "headers");
  const requestClone = uncurry(NativeRequest.prototype.clone);
  const requestBuffer = uncurry(NativeRequest.prototype.arrayBuffer);
  const responseStatus = getter<number>(NativeResponse.prototype, "status");
  const responseHeaders = getter<Headers>(NativeResponse.prototype, "headers");
  const responseClone = uncurry(NativeResponse.prototype.clone);
  const responseBuffer = uncurry(NativeResponse.prototype.arrayBuffer);
  const headersGet = uncurry(Headers.prototype.get);
  const NativeHeaders = Headers;

  /** An http-error's reason and message, from what fetch() or a body read rejected with. */
  function errorOf(err: unknown): { reason: "abort" | "timeout" | "network"; message: string } {
    const name = (err as { name?: unknown } | null)?.name;
    return {
      reason: name === "AbortError" ? "abort" : name === "TimeoutError" ? "timeout" : "network",
      message: String((err as { message?: unknown } | null)?.message ?? err),
    };
  }

  /** A response queued before its body failed to arrive: the exchange ended in an error instead. */
  function becomeError(e: Entry, err: unknown): void {
    const ev = e.ev;
    const { reason, message } = errorOf(err);
    e.key = undefined;
    delete ev.status;
    delete ev.contentType;
    ev.type = "http-error";
    ev.reason = reason;
    ev.message = message;
    ev.ts = now();
  }

  function failure(conn: string, err: unknown): void {
    const { reason, message } = errorOf(err);
    emit({ type: "http-error", conn, reason, message });
  }

  // The page's `init` is read by fetch() alone: it gets a view of `init` that remembers what
  // each property gave it (or threw), and the request is recorded from those values afterwards.
  // Reading `init` ourselves as well ran a page's getters (or Proxy traps) twice.
  function remembering(init: object, seen: Seen): object {
    return new NativeProxy(init, {
      get(target, key) {
        try {
          const v = reflectGet(target, key);
          if (typeof key === "string") seen.props[key] = { v };
          return v;
        } catch (e) {
          seen.threw = true; // fetch() rejects with it: no request goes out
          throw e;
        }
      },
    });
  }

  /**
   * The content type a fetch() `headers` value gives, read without running the page's code: a
   * Headers object through the original `get`, or an object or array of pairs whose values are
   * plain data. Undefined when it has none; null when that cannot be told (a getter among them
   * is not called).
   */
  function contentTypeOf(h: unknown): string | undefined | null {
    if (typeof h !== "object" || h === null) return null;
    if (h instanceof NativeHeaders) return (headersGet(h, "content-type") as string | null) ?? undefined;
    let unknown = false;
    const data = (o: object, k: PropertyKey): unknown => {
      const d = getOwnPropertyDescriptor(o, k);
      if (d && !("value" in d)) unknown = true;
      return d && "value" in d ? d.value : undefined;
    };
    let found: string | undefined;
    const add = (k: unknown, v: unknown) => {
      if (typeof k === "string" && typeof v === "string" && strLower(k) === "content-type") found = found === undefined ? v : found + ", " + v;
    };
    if (isArray(h)) {
      const n = data(h, "length");
      for (let i = 0; typeof n === "number" && i < n; i++) {
        const pair = data(h, i);
        if (isArray(pair)) add(data(pair, 0), data(pair, 1));
      }
    } else {
      const keys = ownKeys(h);
      for (let i = 0; i < keys.length; i++) add(keys[i], data(h, keys[i]!));
    }
    return found ?? (unknown ? null : undefined);
  }

  /** What fetch() read from the page's `init` (by property name), and whether a read threw. */
  interface Seen {
    props: Record<string, { v: unknown }>;
    threw: boolean;
  }

  wrapMethod(win, "fetch", (original, self, args) => {
    if (!recording) return apply(original, self, args);
    const input = args[0];
    let url: string | undefined;
    let fromInput: Promise<Uint8Array> | undefined;
    let isRequest = false;
    try {
      isRequest = input instanceof NativeRequest;
      const text = isRequest ? "" : urlText(input);
      url = isRequest ? requestUrl(input) : text !== undefined && mayBeSocketIo(text) ? resolve(text) : undefined;
      if (url !== undefined && !isSocketIoUrl(url)) url = undefined;
      // a Request's own body, copied before fetch() takes it (unless `init` gives another)
      if (url !== undefined && isRequest && requestBody(input) !== null) {
        fromInput = promiseThen(requestBuffer(requestClone(input)) as Promise<ArrayBuffer>, (b) => new NativeUint8Array(b as ArrayBuffer)) as Promise<Uint8Array>;
      }
    } catch {
      url = undefined;
    }
    if (url === undefined) return apply(original, self, args);
    const init = args[1];
    const seen: Seen = { props: { __proto__: null } as never, threw: false };
    let call = args;
    if (typeof init === "object" && init !== null) {
      call = [input, remembering(init, seen)];
      for (let i = 2; i < args.length; i++) call[i] = args[i];
    }
    const p = apply(original, self, call) as Promise<Response>;
    if (seen.threw) return p;
    let conn: string | undefined;
    try {
      conn = newConn();
      const given = (k: string): { v: unknown } | undefined => {
        const r = seen.props[k];
        return r !== undefined && r.v !== undefined ? r : undefined;
      };
      const m = given("method");
      const method = m ? normMethod(m.v) : isRequest ? requestMethod(input) : "GET";
      const body = given("body")?.v;
      let capture: BodyCapture | undefined;
      if (body !== undefined && body !== null) capture = captureBody(body);
      else if (fromInput) capture = { raw: fromInput, enc: "auto" };
      const h = given("headers");
      const ct = h ? contentTypeOf(h.v) : isRequest ? (headersGet(requestHeaders(input), "content-type") as string | null) ?? undefined : undefined;
      // not the body's default type when the page's headers may set another
      if (ct === null && capture) capture.contentType = undefined;
      emitRequest("fetch", conn, method, url, ct ?? undefined, capture);
    } catch {
      conn = undefined;
    }
    if (conn === undefined) return p;
    const id = conn;
    return promiseThen(p, (resp) => {
      try {
        const res = resp as Response;
        const code = responseStatus(res);
        const ct = headersGet(responseHeaders(res), "content-type") as string | null;
        const base: { type: "http-response"; conn: string; [k: string]: unknown } = { type: "http-response", conn: id, status: code };
        if (ct !== null) base.contentType = ct;
        const copy = responseClone(res) as Response;
        const enc: Encoding = ct !== null && /octet-stream/i.test(ct) ? "binary" : "auto";
        // Queued now, before the page can see the response: its own read of the body may finish
        // before ours, and whatever it does next (the next poll, a POST) must come after this
        // in the capture. The body fills in when read (the batch waits for it: queue.ts); a
        // body that fails turns the event into the exchange's http-error.
        let entry: Entry | undefined;
        const bytes = promiseThen(responseBuffer(copy) as Promise<ArrayBuffer>, (b) => new NativeUint8Array(b as ArrayBuffer), (err) => {
          if (entry) becomeError(entry, err);
          return undefined;
        }) as Promise<Uint8Array>;
        entry = emit(base, "body", bytes, enc);
      } catch {
        // ignore
      }
      return resp;
    }, (err) => {
      failure(id, err);
      throw err;
    });
  });
}
